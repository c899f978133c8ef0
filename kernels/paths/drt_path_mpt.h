/* drt_path_mpt.h — min-path tracing (docs/method.md §5): the interaction
 * points that minimise the sum of squared interaction errors, by Levenberg-
 * Marquardt from seeded random starts. Handles any mix of walls, RIS and
 * vertices. */
#ifndef DRT_PATH_MPT_H
#define DRT_PATH_MPT_H

#include "base/drt_cl_compat.h"
#include "base/drt_geometry.h"
#include "paths/drt_interactions.h"
#include "base/drt_linalg.h"
#include "base/drt_random.h"
#include "paths/drt_solver.h"
#include "paths/drt_laws.h"

/* Starts tried at most, and the loss under which no restart is needed
 * (a path obeying its laws converges to ~1e-20 in double, ~1e-12 in
 * float; a loss above this is a local minimum or no path at all). */
#define DRT_MPT_STARTS 3
#define DRT_MPT_GOOD_LOSS ((real)1e-8)
/* Relative loss decrease under which an accepted step counts as stalled. */
#define DRT_MPT_STALL ((real)1e-4)
/* Newton iterations that finish every start (see drt_min_path_polish). */
#define DRT_MPT_POLISH_ITER 12

/* Columns d e_j / d theta of interaction j's error for the thetas of path
 * points j, j+1, j+2 (interactions j-1, j, j+1); col_unknown is -1 where a
 * point has no theta. */
DRT_FN void drt_error_columns(const drt_interactions *in, const drt_vec2 *path,
                              int j, drt_vec2 *col, int *col_unknown) {
  const drt_vec2 zero = drt_v2(0, 0);
  col_unknown[0] = j > 0 ? in->unknown[j - 1] : -1;
  col_unknown[1] = in->unknown[j];
  col_unknown[2] = j + 1 < in->k ? in->unknown[j + 1] : -1;
  drt_vec2 t_prev = j > 0 ? in->t[j - 1] : zero;
  drt_vec2 t_next = j + 1 < in->k ? in->t[j + 1] : zero;
  col[0] = drt_error_tangent(in, path, j, t_prev, zero, zero);
  col[1] = drt_error_tangent(in, path, j, zero, in->t[j], zero);
  col[2] = drt_error_tangent(in, path, j, zero, zero, t_next);
}

/* Loss f = sum |e_j|^2 with the Gauss-Newton normal matrix A = J^T J
 * (m x m) and b = J^T e. */
DRT_FN real drt_min_path_terms(const drt_interactions *in, const drt_vec2 *path,
                               real *A, real *b) {
  int m = in->m;
  for (int i = 0; i < m; i++) b[i] = 0;
  for (int i = 0; i < m * m; i++) A[i] = 0;
  real loss = 0;
  for (int j = 0; j < in->k; j++) {
    if (in->type[j] == DRT_OBJ_VERTEX) continue;
    drt_vec2 e = drt_interaction_error(in, path, j);
    loss += drt_dot(e, e);
    drt_vec2 col[3];
    int cu[3];
    drt_error_columns(in, path, j, col, cu);
    for (int a = 0; a < 3; a++) {
      if (cu[a] < 0) continue;
      b[cu[a]] += drt_dot(col[a], e);
      for (int c = 0; c < 3; c++)
        if (cu[c] >= 0) A[cu[a] * m + cu[c]] += drt_dot(col[a], col[c]);
    }
  }
  return loss;
}

/* Second derivative of the unit vector along d = to - from when `to` moves
 * by w1 and by w2. With u = (cos phi, sin phi), n its normal and l = |d|:
 * d2u = -u (n.w1)(n.w2) / l^2 + n d2phi, d2phi = -((u.w1)(n.w2) +
 * (n.w1)(u.w2)) / l^2 (d is affine in the moves, so d2d = 0). */
DRT_FN drt_vec2 drt_unit_turn2(drt_vec2 from, drt_vec2 to, drt_vec2 w1,
                               drt_vec2 w2) {
  drt_vec2 d = drt_sub(to, from);
  real l2 = drt_dot(d, d);
  if (l2 == (real)0) return drt_v2(0, 0);
  real l = sqrt(l2);
  drt_vec2 u = drt_scale(d, (real)1 / l), n = drt_v2(-u.y, u.x);
  real n1 = drt_dot(n, w1), n2 = drt_dot(n, w2);
  real d2phi = -(drt_dot(u, w1) * n2 + n1 * drt_dot(u, w2)) / l2;
  return drt_add(drt_scale(u, -n1 * n2 / l2), drt_scale(n, d2phi));
}

/* Second derivative of interaction j's error when the path points j, j+1,
 * j+2 move by a[0..2] and by b[0..2] (walls fixed: the reflection and the
 * RIS map are constant). */
DRT_FN drt_vec2 drt_error_second(const drt_interactions *in,
                                 const drt_vec2 *path, int j,
                                 const drt_vec2 *a, const drt_vec2 *b) {
  const drt_vec2 p0 = path[j], p1 = path[j + 1], p2 = path[j + 2];
  drt_vec2 d2r = drt_unit_turn2(p1, p2, drt_sub(a[2], a[1]), drt_sub(b[2], b[1]));
  if (in->type[j] == DRT_OBJ_WALL) {
    drt_vec2 d2i = drt_unit_turn2(p0, p1, drt_sub(a[1], a[0]), drt_sub(b[1], b[0]));
    return drt_sub(d2r, drt_reflect(d2i, in->n[j]));
  }
  if (in->type[j] == DRT_OBJ_RIS)
    return drt_scale(drt_ris_turn(in->n[j], d2r), (real)-1);
  return drt_v2(0, 0);
}

/* How path points j, j+1, j+2 (interactions j-1, j, j+1) move with
 * unknown u. */
DRT_FN void drt_theta_moves(const drt_interactions *in, int j, int u,
                            drt_vec2 *w) {
  for (int q = 0; q < 3; q++) {
    int inter = j + q - 1;
    int moves = inter >= 0 && inter < in->k && in->unknown[inter] == u;
    w[q] = moves ? in->t[inter] : drt_v2(0, 0);
  }
}

/* Exact Hessian H of f / 2 = sum |e_j|^2 / 2 in theta, sum over j of
 * c_a . c_b + e_j . d2e_j[a, b], and g = J^T e; returns the loss. */
DRT_FN real drt_min_path_hessian(const drt_interactions *in,
                                 const drt_vec2 *path, real *H, real *g) {
  int m = in->m;
  real loss = drt_min_path_terms(in, path, H, g);
  for (int j = 0; j < in->k; j++) {
    if (in->type[j] == DRT_OBJ_VERTEX) continue;
    drt_vec2 e = drt_interaction_error(in, path, j);
    int cu[3];
    drt_vec2 col[3], wa[3], wb[3];
    drt_error_columns(in, path, j, col, cu);
    for (int a = 0; a < 3; a++) {
      if (cu[a] < 0) continue;
      drt_theta_moves(in, j, cu[a], wa);
      for (int b = 0; b < 3; b++) {
        if (cu[b] < 0) continue;
        drt_theta_moves(in, j, cu[b], wb);
        H[cu[a] * m + cu[b]] += drt_dot(e, drt_error_second(in, path, j, wa, wb));
      }
    }
  }
  return loss;
}

/* Newton on the loss with its exact Hessian and a backtracking line
 * search, from theta (updated): Levenberg-Marquardt converges only
 * linearly to a minimum whose loss is not zero, and can stop short in a
 * narrow valley (a path close to a corner), while the derivatives of
 * drt_tangents.h hold only at a minimum reached exactly. From a converged
 * start it costs one Hessian. Stops where the Hessian is not positive
 * definite. Returns the loss. */
DRT_FN real drt_min_path_polish(const drt_interactions *in, drt_vec2 tx,
                                drt_vec2 rx, real *theta, drt_vec2 *path,
                                int *iterations) {
  real H[DRT_MAX_ORDER * DRT_MAX_ORDER], g[DRT_MAX_ORDER];
  real step[DRT_MAX_ORDER], trial[DRT_MAX_ORDER];
  int m = in->m;
  drt_points_from_theta(in, theta, tx, rx, path);
  real loss = drt_min_path_hessian(in, path, H, g);
  for (int it = 0; it < DRT_MPT_POLISH_ITER; it++) {
    (*iterations)++;
    for (int u = 0; u < m; u++) step[u] = -g[u];
    if (!drt_solve_spd(H, step, m)) break;
    real t = 1, trial_loss = loss;
    int trusted = drt_max_abs(step, m) <= DRT_SOLVER_TRUSTED_STEP;
    for (int tries = 0; tries < 20; tries++, t *= (real)0.5) {
      for (int u = 0; u < m; u++) trial[u] = theta[u] + t * step[u];
      drt_points_from_theta(in, trial, tx, rx, path);
      trial_loss = drt_path_loss(in, path);
      if (trusted || trial_loss <= loss) break;
    }
    if (!trusted && !(trial_loss <= loss)) break;
    for (int u = 0; u < m; u++) theta[u] = trial[u];
    loss = drt_min_path_hessian(in, path, H, g);
    if (t * drt_max_abs(step, m) <= DRT_SOLVER_XTOL) break;
  }
  drt_points_from_theta(in, theta, tx, rx, path);
  return loss;
}

/* Levenberg-Marquardt from theta (updated in place); returns the loss at
 * the end and adds the iterations to *iterations. */
DRT_FN real drt_min_path_descend(const drt_interactions *in, drt_vec2 tx,
                                 drt_vec2 rx, real *theta, drt_vec2 *path,
                                 int *iterations) {
  real A[DRT_MAX_ORDER * DRT_MAX_ORDER], b[DRT_MAX_ORDER];
  real step[DRT_MAX_ORDER], trial[DRT_MAX_ORDER];
  int m = in->m;
  real lambda = (real)1e-3;
  drt_points_from_theta(in, theta, tx, rx, path);
  real loss = drt_min_path_terms(in, path, A, b);
  for (int it = 0; it < DRT_SOLVER_MAX_ITER && loss > (real)0; it++) {
    (*iterations)++;
    for (int u = 0; u < m; u++) {
      A[u * m + u] *= (real)1 + lambda; /* Marquardt's diagonal scaling */
      step[u] = -b[u];
    }
    drt_damp_diagonal(A, m, DRT_SOLVER_DAMPING);
    int solved = drt_cholesky_solve(A, step, m);
    for (int u = 0; u < m; u++) trial[u] = theta[u] + step[u];
    drt_points_from_theta(in, trial, tx, rx, path);
    real trial_loss = drt_path_loss(in, path);
    if (solved && trial_loss < loss) {
      for (int u = 0; u < m; u++) theta[u] = trial[u];
      lambda = fmax(lambda * (real)0.3, (real)1e-12);
      real previous = loss;
      loss = drt_min_path_terms(in, path, A, b);
      if (drt_max_abs(step, m) <= DRT_SOLVER_XTOL) break;
      /* Stalled above the good-loss level: a local minimum (or no path at
       * all); converging towards 0 would drop the loss much faster. */
      if (loss > DRT_MPT_GOOD_LOSS && previous - loss <= DRT_MPT_STALL * previous)
        break;
    } else {
      lambda *= 10;
      if (lambda > (real)1e12) break;
      drt_points_from_theta(in, theta, tx, rx, path);
      loss = drt_min_path_terms(in, path, A, b);
    }
  }
  return loss;
}

/* Fills path[0..k+1] with the points of least loss found from up to
 * DRT_MPT_STARTS seeded random starts, theta uniform in [0, 1) as in the
 * reference toolbox. Returns the total number of iterations. */
DRT_FN int drt_min_path(const drt_interactions *in, drt_vec2 tx, drt_vec2 rx,
                        drt_u64 seed, drt_u64 cell, drt_u64 candidate,
                        drt_vec2 *path) {
  real theta[DRT_MAX_ORDER], best[DRT_MAX_ORDER];
  int iterations = 0;
  real best_loss = INFINITY;
  for (int start = 0; start < DRT_MPT_STARTS && in->m > 0; start++) {
    for (int u = 0; u < in->m; u++)
      theta[u] = drt_uniform01(drt_draw_key(seed, cell, candidate, start, u));
    real loss = drt_min_path_descend(in, tx, rx, theta, path, &iterations);
    loss = drt_min_path_polish(in, tx, rx, theta, path, &iterations);
    if (loss < best_loss || start == 0) {
      best_loss = loss;
      for (int u = 0; u < in->m; u++) best[u] = theta[u];
    }
    if (best_loss <= DRT_MPT_GOOD_LOSS) break;
  }
  drt_points_from_theta(in, best, tx, rx, path);
  if (in->m > 0) {
    real A[DRT_MAX_ORDER * DRT_MAX_ORDER], g[DRT_MAX_ORDER];
    drt_min_path_terms(in, path, A, g);
    drt_close_degenerate_corner(in, tx, rx, drt_max_abs(g, in->m),
                                DRT_MPT_SNAP, best, path);
  }
  return iterations;
}

#endif
