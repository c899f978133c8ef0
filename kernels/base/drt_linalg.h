/* drt_linalg.h — dense solves of the small (at most DRT_MAX_ORDER unknowns)
 * symmetric systems of the path solvers. */
#ifndef DRT_LINALG_H
#define DRT_LINALG_H

#include "base/drt_cl_compat.h"

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

/* Solves A x = b for a general m x m matrix (row major, overwritten) by
 * Gaussian elimination with partial pivoting; b is overwritten by x.
 * Returns 0 for a singular A. Used where A need not be definite (the
 * exact Hessian of a loss at a minimum that is only semi-definite). */
DRT_FN int drt_gauss_solve(real *A, real *b, int m) {
  for (int c = 0; c < m; c++) {
    int pivot = c;
    for (int r = c + 1; r < m; r++)
      if (fabs(A[r * m + c]) > fabs(A[pivot * m + c])) pivot = r;
    if (A[pivot * m + c] == (real)0) return 0;
    for (int e = 0; e < m && pivot != c; e++) {
      real swap = A[c * m + e];
      A[c * m + e] = A[pivot * m + e];
      A[pivot * m + e] = swap;
    }
    real swap = b[c];
    b[c] = b[pivot];
    b[pivot] = swap;
    for (int r = c + 1; r < m; r++) {
      real f = A[r * m + c] / A[c * m + c];
      for (int e = c; e < m; e++) A[r * m + e] -= f * A[c * m + e];
      b[r] -= f * b[c];
    }
  }
  for (int r = m - 1; r >= 0; r--) {
    real sum = b[r];
    for (int e = r + 1; e < m; e++) sum -= A[r * m + e] * b[e];
    b[r] = sum / A[r * m + r];
  }
  return 1;
}

#endif
