/* drt_solver.h — settings shared by the iterative path solvers. */
#ifndef DRT_SOLVER_H
#define DRT_SOLVER_H

#include "base/drt_cl_compat.h"
#include "base/drt_geometry.h"
#include "paths/drt_interactions.h"
#include "base/drt_linalg.h"
#include "paths/drt_laws.h"

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

/* A Newton step this small is taken without a line search: near the
 * solution the change of the objective it causes is below the objective's
 * rounding, so a value test would refuse it and leave theta short of
 * machine precision, while Newton converges quadratically there. */
#define DRT_SOLVER_TRUSTED_STEP ((real)1e-6)

/* Solves A x = b (A symmetric, m x m, left untouched; b overwritten by x)
 * by Cholesky, undamped so converged solutions are exact to rounding, and
 * only if that fails with DRT_SOLVER_DAMPING on the diagonal. Returns 0
 * if both fail. */
DRT_FN int drt_solve_spd(const real *A, real *b, int m) {
  real work[DRT_MAX_ORDER * DRT_MAX_ORDER], rhs[DRT_MAX_ORDER];
  for (int damped = 0; damped < 2; damped++) {
    for (int e = 0; e < m * m; e++) work[e] = A[e];
    for (int u = 0; u < m; u++) rhs[u] = b[u];
    if (damped) drt_damp_diagonal(work, m, DRT_SOLVER_DAMPING);
    if (drt_cholesky_solve(work, rhs, m)) {
      for (int u = 0; u < m; u++) b[u] = rhs[u];
      return 1;
    }
  }
  return 0;
}

/* A solver can be drawn onto a kink of its objective: the corner where two
 * walls' lines cross. Newton (FPT) stops there with the vanishing segment
 * left at a length and direction set by rounding; Levenberg-Marquardt and
 * Newton (MPT) crawl towards the corner, where the loss jumps (a
 * zero-length segment has no direction), and stop somewhere on the way,
 * away from any stationary point. The validity and derivatives of such
 * results would be noise, so on a path that does not obey its laws to
 * the precision in use (loss above DRT_SNAP_LOSS) the shortest segment between two interactions is
 * closed exactly when it is shorter than a share of the path length (the
 * caller's: FPT's Newton lands on the kink to rounding, MPT stops anywhere
 * on its crawl) and the solver ended away from a stationary point
 * (gradient above DRT_STATIONARY; FPT's kink never is one). The path then
 * becomes the degenerate corner path (loss 2, invalid) that the image
 * method also finds. Genuine paths, near corners too, obey their laws or
 * are stationary, and are left alone. */
#if defined(__OPENCL_VERSION__) && !defined(DRT_DOUBLE)
#define DRT_SNAP_LOSS ((real)1e-9)
#define DRT_STATIONARY ((real)1e-2)
#define DRT_FPT_SNAP ((real)1e-4)
#else
#define DRT_SNAP_LOSS ((real)1e-20)
#define DRT_STATIONARY ((real)1e-6)
#define DRT_FPT_SNAP ((real)1e-9)
#endif
#define DRT_MPT_SNAP ((real)1e-2)

/* theta of the point of interaction j's line nearest to q. */
DRT_FN real drt_line_param(const drt_interactions *in, int j, drt_vec2 q) {
  drt_vec2 t = in->t[j];
  return drt_dot(t, drt_sub(q, in->a[j])) / drt_dot(t, t);
}

/* Closes segment s (path[s] to path[s+1]): a free point moves onto the
 * fixed end's projection, two free points onto their lines' crossing. */
DRT_FN void drt_close_segment(const drt_interactions *in, int s,
                              const drt_vec2 *path, real *theta) {
  int u = s > 0 ? in->unknown[s - 1] : -1;
  int v = s < in->k ? in->unknown[s] : -1;
  if (u >= 0 && v >= 0) {
    drt_vec2 tu = in->t[s - 1], tv = in->t[s];
    real det = drt_cross(tu, tv);
    if (det == (real)0) return; /* parallel lines never cross */
    drt_vec2 w = drt_sub(in->a[s], in->a[s - 1]);
    theta[u] = drt_cross(w, tv) / det;
    theta[v] = drt_cross(w, tu) / det;
  } else if (u >= 0) {
    theta[u] = drt_line_param(in, s - 1, path[s + 1]);
  } else if (v >= 0) {
    theta[v] = drt_line_param(in, s, path[s]);
  }
}

/* Applies the rule above to a solver's result theta (updated, with path)
 * whose objective gradient has largest entry `gradient`, closing segments
 * shorter than `snap` of the path. Segments to tx or rx are left alone: an
 * endpoint near a wall is an ordinary case. */
DRT_FN void drt_close_degenerate_corner(const drt_interactions *in,
                                        drt_vec2 tx, drt_vec2 rx, real gradient,
                                        real snap, real *theta,
                                        drt_vec2 *path) {
  drt_points_from_theta(in, theta, tx, rx, path);
  if (gradient <= DRT_STATIONARY || drt_path_loss(in, path) <= DRT_SNAP_LOSS)
    return;
  real length = 0, shortest = INFINITY;
  int which = -1;
  for (int s = 0; s <= in->k; s++) {
    real l = drt_norm(drt_sub(path[s + 1], path[s]));
    length += l;
    if (s > 0 && s < in->k && l < shortest) {
      shortest = l;
      which = s;
    }
  }
  if (which < 0 || shortest > snap * length) return;
  drt_close_segment(in, which, path, theta);
  drt_points_from_theta(in, theta, tx, rx, path);
  /* Two free points land on their lines' crossing only to rounding: a
   * segment of 1e-16 whose direction, and so the loss, rounding would
   * pick (and a wall's moving by 1e-6 along itself would change). Make
   * it exactly empty, as the image method's corner paths are. */
  if (in->unknown[which - 1] >= 0 && in->unknown[which] >= 0)
    path[which + 1] = path[which];
}

#endif
