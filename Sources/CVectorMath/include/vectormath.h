#ifndef TOKENPLAN_VECTORMATH_H
#define TOKENPLAN_VECTORMATH_H
#include <stddef.h>
// Element-wise exp and log over arrays, through glibc's libmvec vector functions (the
// `_ZGV…_exp` / `_ZGV…_log` ABI variants, max error 4 ulp per glibc's manual), chosen at run
// time: AVX2 (4 lanes) when the CPU has it, SSE2 (2 lanes) otherwise, scalar libm elsewhere.
// `y` may alias `x`.
void tp_vexp(size_t n, const double *x, double *y);
void tp_vlog(size_t n, const double *x, double *y);
// Box–Muller over n uniform pairs: out[2k] = √(−2 log u1[k])·cos(2π u2[k]) and out[2k+1] the
// same with sin, so 2n standard normals. Every u1 must be in (0, 1]. AVX2 when the CPU has it,
// scalar libm otherwise.
void tp_box_muller(size_t n, const double *u1, const double *u2, double *out);
// Which path runs: 4 (AVX2), 2 (SSE2) or 1 (scalar).
int tp_vector_width(void);
#endif
