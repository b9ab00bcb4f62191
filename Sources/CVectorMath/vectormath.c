#include "vectormath.h"
#include <math.h>
#define TP_TWO_PI 6.28318530717958647692528676655900577

// Box–Muller over pairs from..<n in scalar libm.
static void box_muller_scalar(size_t from, size_t n, const double *u1, const double *u2, double *out) {
  for (size_t k = from; k < n; k++) {
    double r = sqrt(-2 * log(u1[k])), a = TP_TWO_PI * u2[k];
    out[2 * k] = r * cos(a);
    out[2 * k + 1] = r * sin(a);
  }
}

#if defined(__x86_64__) && defined(__GLIBC__)
#include <immintrin.h>

// glibc libmvec entry points (x86_64 vector function ABI names).
__m128d _ZGVbN2v_exp(__m128d);
__m128d _ZGVbN2v_log(__m128d);
__attribute__((target("avx2"))) __m256d _ZGVdN4v_exp(__m256d);
__attribute__((target("avx2"))) __m256d _ZGVdN4v_log(__m256d);
__attribute__((target("avx2"))) __m256d _ZGVdN4v_cos(__m256d);
__attribute__((target("avx2"))) __m256d _ZGVdN4v_sin(__m256d);

__attribute__((target("avx2,fma")))
static void box_muller_avx2(size_t n, const double *u1, const double *u2, double *out) {
  size_t k = 0;
  const __m256d minus2 = _mm256_set1_pd(-2), twoPi = _mm256_set1_pd(TP_TWO_PI);
  for (; k + 4 <= n; k += 4) {
    __m256d r = _mm256_sqrt_pd(_mm256_mul_pd(minus2, _ZGVdN4v_log(_mm256_loadu_pd(u1 + k))));
    __m256d a = _mm256_mul_pd(twoPi, _mm256_loadu_pd(u2 + k));
    __m256d c = _mm256_mul_pd(r, _ZGVdN4v_cos(a)), s = _mm256_mul_pd(r, _ZGVdN4v_sin(a));
    // Interleave (c0 s0 c1 s1 | c2 s2 c3 s3).
    __m256d lo = _mm256_unpacklo_pd(c, s), hi = _mm256_unpackhi_pd(c, s);
    _mm256_storeu_pd(out + 2 * k, _mm256_permute2f128_pd(lo, hi, 0x20));
    _mm256_storeu_pd(out + 2 * k + 4, _mm256_permute2f128_pd(lo, hi, 0x31));
  }
  box_muller_scalar(k, n, u1, u2, out);
}
__attribute__((target("avx2,fma")))
static void exp_avx2(size_t n, const double *x, double *y) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, _ZGVdN4v_exp(_mm256_loadu_pd(x + i)));
  for (; i < n; i++) y[i] = exp(x[i]);
}
__attribute__((target("avx2,fma")))
static void log_avx2(size_t n, const double *x, double *y) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, _ZGVdN4v_log(_mm256_loadu_pd(x + i)));
  for (; i < n; i++) y[i] = log(x[i]);
}
static void exp_sse2(size_t n, const double *x, double *y) {
  size_t i = 0;
  for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, _ZGVbN2v_exp(_mm_loadu_pd(x + i)));
  for (; i < n; i++) y[i] = exp(x[i]);
}
static void log_sse2(size_t n, const double *x, double *y) {
  size_t i = 0;
  for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, _ZGVbN2v_log(_mm_loadu_pd(x + i)));
  for (; i < n; i++) y[i] = log(x[i]);
}
static int has_avx2(void) {
  static int cached = -1;  // benign race: every thread computes the same value
  if (cached < 0) {
    __builtin_cpu_init();
    cached = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  }
  return cached;
}
void tp_vexp(size_t n, const double *x, double *y) {
  if (has_avx2()) exp_avx2(n, x, y); else exp_sse2(n, x, y);
}
void tp_vlog(size_t n, const double *x, double *y) {
  if (has_avx2()) log_avx2(n, x, y); else log_sse2(n, x, y);
}
void tp_box_muller(size_t n, const double *u1, const double *u2, double *out) {
  // Without AVX2, scalar libm (a rare path; exp and log keep their SSE2 forms).
  if (has_avx2()) box_muller_avx2(n, u1, u2, out); else box_muller_scalar(0, n, u1, u2, out);
}
int tp_vector_width(void) { return has_avx2() ? 4 : 2; }
#else
void tp_vexp(size_t n, const double *x, double *y) { for (size_t i = 0; i < n; i++) y[i] = exp(x[i]); }
void tp_vlog(size_t n, const double *x, double *y) { for (size_t i = 0; i < n; i++) y[i] = log(x[i]); }
void tp_box_muller(size_t n, const double *u1, const double *u2, double *out) {
  box_muller_scalar(0, n, u1, u2, out);
}
int tp_vector_width(void) { return 1; }
#endif
