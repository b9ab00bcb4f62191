#ifndef CLINEARALGEBRA_SHIM_H
#define CLINEARALGEBRA_SHIM_H
// Swift cannot import C99 `_Complex`; ask both headers for two-field structs instead.
// Netlib lapack.h honours LAPACK_COMPLEX_STRUCTURE only when HAVE_LAPACK_CONFIG_H is set.
#define HAVE_LAPACK_CONFIG_H 1
#define LAPACK_COMPLEX_STRUCTURE 1
#define FORCE_OPENBLAS_COMPLEX_STRUCT 1
#include <cblas.h>   // Debian: multiarch include dir (alternatives link to openblas-pthread)
#include <lapacke.h>
// lapack_int is a macro, invisible to Swift as a type: re-export it as a typedef.
typedef lapack_int clapack_int;
// Thread control exists only in OpenBLAS; declared in its cblas.h.
static inline void clinalg_set_num_threads(int n) { openblas_set_num_threads(n); }
static inline int clinalg_get_num_threads(void) { return openblas_get_num_threads(); }
#endif
