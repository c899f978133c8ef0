/* drt_linalg.h — dense solves of the small (at most DRT_MAX_ORDER unknowns)
 * symmetric systems of the path solvers. */
#ifndef DRT_LINALG_H
#define DRT_LINALG_H

#include "drt_cl_compat.h"

/* Solves A x = b for a symmetric positive definite m x m matrix A (row
 * major, overwritten by its Cholesky factor) and b (overwritten by x).
 * Returns 0 if A is not numerically positive definite. With m <= 8 a dense
 * factorisation costs less than the validity test that follows, and it
 * handles the tridiagonal (Fermat) and pentadiagonal (min-path) cases
 * alike. */
DRT_FN int drt_cholesky_solve(real *A, real *b, int m) {
  for (int j = 0; j < m; j++) {
    real d = A[j * m + j];
    for (int p = 0; p < j; p++) d -= A[j * m + p] * A[j * m + p];
    if (!(d > (real)0)) return 0;
    d = sqrt(d);
    A[j * m + j] = d;
    for (int i = j + 1; i < m; i++) {
      real s = A[i * m + j];
      for (int p = 0; p < j; p++) s -= A[i * m + p] * A[j * m + p];
      A[i * m + j] = s / d;
    }
  }
  for (int i = 0; i < m; i++) { /* L y = b */
    real s = b[i];
    for (int p = 0; p < i; p++) s -= A[i * m + p] * b[p];
    b[i] = s / A[i * m + i];
  }
  for (int i = m - 1; i >= 0; i--) { /* L^T x = y */
    real s = b[i];
    for (int p = i + 1; p < m; p++) s -= A[p * m + i] * b[p];
    b[i] = s / A[i * m + i];
  }
  return 1;
}

#endif
