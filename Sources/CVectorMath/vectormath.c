#include "vectormath.h"
#include <math.h>

#if defined(__x86_64__) && defined(__GLIBC__)
#include <immintrin.h>

// glibc libmvec entry points (x86_64 vector function ABI names).
__m128d _ZGVbN2v_exp(__m128d);
__m128d _ZGVbN2v_log(__m128d);
__attribute__((target("avx2"))) __m256d _ZGVdN4v_exp(__m256d);
__attribute__((target("avx2"))) __m256d _ZGVdN4v_log(__m256d);

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
int tp_vector_width(void) { return has_avx2() ? 4 : 2; }
#else
void tp_vexp(size_t n, const double *x, double *y) { for (size_t i = 0; i < n; i++) y[i] = exp(x[i]); }
void tp_vlog(size_t n, const double *x, double *y) { for (size_t i = 0; i < n; i++) y[i] = log(x[i]); }
int tp_vector_width(void) { return 1; }
#endif
