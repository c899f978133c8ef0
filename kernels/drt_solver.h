/* drt_solver.h — settings shared by the iterative path solvers. */
#ifndef DRT_SOLVER_H
#define DRT_SOLVER_H

#include "drt_cl_compat.h"

/* Iteration cap of one solver run (a rejected Levenberg-Marquardt step
 * counts as an iteration). */
#define DRT_SOLVER_MAX_ITER 40

/* Stop when the largest change of a theta falls to this (theta is a
 * fraction of a wall's length): a Newton step this small is at the
 * rounding level of the precision in use. */
#if defined(__OPENCL_VERSION__) && !defined(DRT_DOUBLE)
#define DRT_SOLVER_XTOL ((real)1e-6)
#define DRT_SOLVER_DAMPING ((real)1e-6)
#else
#define DRT_SOLVER_XTOL ((real)1e-13)
#define DRT_SOLVER_DAMPING ((real)1e-12)
#endif

/* Largest |x[i]| of n values. */
DRT_FN real drt_max_abs(const real *x, int n) {
  real most = 0;
  for (int i = 0; i < n; i++) most = fmax(most, fabs(x[i]));
  return most;
}

/* Adds relative damping to the diagonal of an m x m matrix, so a singular
 * (e.g. grazing-incidence) system still gives a finite step. */
DRT_FN void drt_damp_diagonal(real *A, int m, real relative) {
  real largest = 0;
  for (int u = 0; u < m; u++) largest = fmax(largest, A[u * m + u]);
  real shift = relative * largest + (real)1e-30;
  for (int u = 0; u < m; u++) A[u * m + u] += shift;
}

#endif
