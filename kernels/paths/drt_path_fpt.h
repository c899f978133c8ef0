/* drt_path_fpt.h — Fermat path tracing (docs/method.md §5): the interaction
 * points that minimise the total path length, by Newton's method with a
 * backtracking line search. The length is a sum of norms of affine
 * functions of theta, hence convex, so a single start (theta = 1/2) is
 * enough — but it has kinks where a segment shrinks to zero (two walls'
 * common corner), and Newton steps stall on a kink even when it is not
 * the minimum. So the solver first minimises a smoothed length, each
 * segment sqrt(|d|^2 + eps^2), which has no kink, and then polishes on
 * the exact length from there. */
#ifndef DRT_PATH_FPT_H
#define DRT_PATH_FPT_H

#include "base/drt_cl_compat.h"
#include "base/drt_geometry.h"
#include "paths/drt_interactions.h"
#include "base/drt_linalg.h"
#include "paths/drt_solver.h"
#include "paths/drt_laws.h"

/* Smoothed path length sum sqrt(|d|^2 + eps^2) (the exact length for
 * eps = 0) with its gradient g and Hessian H (m x m) in theta. A segment d
 * adds d/l . t to the gradient of its end point's theta (minus for its
 * start) and (|t|^2 - (t.d)^2 / l^2) / l, its curvature across d, to the
 * Hessian, l its smoothed length. Zero-length exact segments add nothing. */
DRT_FN real drt_fermat_terms(const drt_interactions *in, const drt_vec2 *path,
                             real eps, real *g, real *H) {
  int m = in->m, k = in->k;
  for (int i = 0; i < m; i++) g[i] = 0;
  for (int i = 0; i < m * m; i++) H[i] = 0;
  real length = 0;
  for (int s = 0; s <= k; s++) {
    drt_vec2 d = drt_sub(path[s + 1], path[s]);
    real l = sqrt(drt_dot(d, d) + eps * eps);
    length += l;
    if (l == (real)0) continue;
    drt_vec2 dh = drt_scale(d, (real)1 / l);
    int u = s > 0 ? in->unknown[s - 1] : -1; /* theta of the start point */
    int v = s < k ? in->unknown[s] : -1;     /* theta of the end point */
    drt_vec2 tu = u >= 0 ? in->t[s - 1] : drt_v2(0, 0);
    drt_vec2 tv = v >= 0 ? in->t[s] : drt_v2(0, 0);
    real du = drt_dot(dh, tu), dv = drt_dot(dh, tv);
    if (u >= 0) {
      g[u] -= du;
      H[u * m + u] += (drt_dot(tu, tu) - du * du) / l;
    }
    if (v >= 0) {
      g[v] += dv;
      H[v * m + v] += (drt_dot(tv, tv) - dv * dv) / l;
    }
    if (u >= 0 && v >= 0) {
      real c = (drt_dot(tu, tv) - du * dv) / l;
      H[u * m + v] -= c;
      H[v * m + u] -= c;
    }
  }
  return length;
}

/* Smoothed length of path[0..k+1]. */
DRT_FN real drt_smoothed_length(const drt_vec2 *path, int k, real eps) {
  real length = 0;
  for (int j = 0; j <= k; j++) {
    drt_vec2 d = drt_sub(path[j + 1], path[j]);
    length += sqrt(drt_dot(d, d) + eps * eps);
  }
  return length;
}

/* Moves theta along step by the largest t in {1, 1/2, 1/4, ...} that
 * decreases the length enough (Armijo); returns the length there, or
 * `length` unchanged (theta untouched) if no such t was found. */
DRT_FN real drt_fermat_line_search(const drt_interactions *in, drt_vec2 tx,
                                   drt_vec2 rx, real eps, real *theta,
                                   real *step, real slope, real length,
                                   drt_vec2 *path) {
  real trial[DRT_MAX_ORDER];
  real t = 1;
  if (drt_max_abs(step, in->m) <= DRT_SOLVER_TRUSTED_STEP) {
    for (int u = 0; u < in->m; u++) theta[u] += step[u];
    drt_points_from_theta(in, theta, tx, rx, path);
    return drt_smoothed_length(path, in->k, eps);
  }
  for (int tries = 0; tries < 30; tries++, t *= (real)0.5) {
    for (int u = 0; u < in->m; u++) trial[u] = theta[u] + t * step[u];
    drt_points_from_theta(in, trial, tx, rx, path);
    real candidate = drt_smoothed_length(path, in->k, eps);
    if (candidate <= length + (real)1e-4 * t * slope) {
      for (int u = 0; u < in->m; u++) {
        theta[u] = trial[u];
        step[u] *= t;
      }
      return candidate;
    }
  }
  for (int u = 0; u < in->m; u++) step[u] = 0;
  return length;
}

/* Newton iterations on the length smoothed by eps, from theta (updated),
 * until a step is below xtol; returns the iterations used. */
DRT_FN int drt_fermat_newton(const drt_interactions *in, drt_vec2 tx,
                             drt_vec2 rx, real eps, real xtol, real *theta,
                             drt_vec2 *path) {
  real g[DRT_MAX_ORDER], step[DRT_MAX_ORDER];
  real H[DRT_MAX_ORDER * DRT_MAX_ORDER];
  int m = in->m, it = 0;
  drt_points_from_theta(in, theta, tx, rx, path);
  while (it < DRT_SOLVER_MAX_ITER) {
    it++;
    real length = drt_fermat_terms(in, path, eps, g, H);
    for (int u = 0; u < m; u++) step[u] = -g[u];
    if (!drt_solve_spd(H, step, m)) break;
    real slope = 0;
    for (int u = 0; u < m; u++) slope += g[u] * step[u];
    drt_fermat_line_search(in, tx, rx, eps, theta, step, slope, length, path);
    if (drt_max_abs(step, m) <= xtol) break;
  }
  return it;
}

/* Fills path[0..k+1] with the shortest path through the interactions' lines
 * (theta free, so points may fall off their walls: the validity judges
 * that). The smoothing scale is 1e-3 of the starting path's length.
 * Returns the number of Newton iterations of both phases. */
DRT_FN int drt_fermat_path(const drt_interactions *in, drt_vec2 tx,
                           drt_vec2 rx, drt_vec2 *path) {
  real theta[DRT_MAX_ORDER];
  for (int u = 0; u < in->m; u++) theta[u] = (real)0.5;
  drt_points_from_theta(in, theta, tx, rx, path);
  if (in->m == 0) return 0;
  /* The smoothed minimum is only a starting point: a loose tolerance. */
  real eps = (real)1e-3 * drt_path_length(path, in->k);
  int it = drt_fermat_newton(in, tx, rx, eps, (real)1e-4, theta, path);
  it += drt_fermat_newton(in, tx, rx, 0, DRT_SOLVER_XTOL, theta, path);
  drt_close_degenerate_corner(in, tx, rx, INFINITY, DRT_FPT_SNAP, theta, path);
  return it;
}

#endif
