/* drt_gradient.h — hand-derived derivatives of a path's power with respect
 * to the moving endpoint (DESIGN §10): tangents of the path points (chain
 * rule through the image method, implicit differentiation of the FPT and
 * MPT optimality conditions), then of the smoothed validity and of the
 * power. Walls are fixed here; only the endpoints move. Like the value
 * math, it runs on lanes (one cell per lane, drt_cl_compat.h), except the
 * iterative methods' tangents, which solve a small dense system per path
 * and are built with one lane only. */
#ifndef DRT_GRADIENT_H
#define DRT_GRADIENT_H

#include "drt_cl_compat.h"
#include "drt_geometry.h"
#include "drt_interactions.h"
#include "drt_smooth.h"
#include "drt_validity.h"

/* Directions of differentiation: x and y of the moving endpoint. */
#define DRT_ND 2

/* How a point moves along each direction. */
typedef struct drt_tangent {
  drt_vec2 d[DRT_ND];
} drt_tangent;

/* A value with its derivatives along each direction. */
typedef struct drt_dual {
  lreal v;
  lreal d[DRT_ND];
} drt_dual;

DRT_FN drt_dual drt_dual_const(lreal v) {
  drt_dual r;
  r.v = v;
  for (int i = 0; i < DRT_ND; i++) r.d[i] = 0;
  return r;
}

/* The endpoint tangents: the moving one moves along x and y, the fixed one
 * not at all. */
DRT_FN void drt_endpoint_tangents(int vary_tx, drt_tangent *dtx,
                                  drt_tangent *drx) {
  for (int i = 0; i < DRT_ND; i++) {
    drt_vec2 unit = drt_v2(i == 0 ? 1 : 0, i == 1 ? 1 : 0);
    dtx->d[i] = vary_tx ? unit : drt_v2(0, 0);
    drx->d[i] = vary_tx ? drt_v2(0, 0) : unit;
  }
}

/* ds/dx of the smoothing function: alpha s (1 - s) for the sigmoid,
 * alpha / 6 inside the hard sigmoid's ramp and 0 outside (and at its two
 * kinks, where it has none). */
DRT_FN lreal drt_smooth_slope(lreal x, drt_smoothing_params p) {
  if (p.mode == DRT_SMOOTH_SIGMOID) {
    lreal s = drt_sigmoid(x, p.alpha);
    return p.alpha * s * ((real)1 - s);
  }
  if (p.mode == DRT_SMOOTH_HARD_SIGMOID) {
    lreal y = p.alpha * x;
    return drt_sel(y > (real)-3 && y < (real)3, p.alpha / (real)6, 0);
  }
  return 0;
}

/* s(x) with its derivatives, given those of x. */
DRT_FN drt_dual drt_smooth_dual(drt_dual x, drt_smoothing_params p) {
  drt_dual r;
  lreal slope = drt_smooth_slope(x.v, p);
  r.v = drt_smooth(x.v, p);
  for (int i = 0; i < DRT_ND; i++) r.d[i] = slope * x.d[i];
  return r;
}

/* Smoothed x >= y, x <= y, x < y on duals (the exact tests have no
 * derivative). */
DRT_FN drt_dual drt_sub_dual(drt_dual a, drt_dual b) {
  drt_dual r;
  r.v = a.v - b.v;
  for (int i = 0; i < DRT_ND; i++) r.d[i] = a.d[i] - b.d[i];
  return r;
}

DRT_FN drt_dual drt_compare_dual(drt_dual big, drt_dual small, int strict,
                                 drt_smoothing_params p) {
  if (p.mode == DRT_SMOOTH_NONE)
    return drt_dual_const(strict ? drt_sel(big.v > small.v, 1, 0)
                                 : drt_sel(big.v >= small.v, 1, 0));
  return drt_smooth_dual(drt_sub_dual(big, small), p);
}

/* Per lane: a where m is true, else b. */
DRT_FN drt_dual drt_sel_dual(lmask m, drt_dual a, drt_dual b) {
  drt_dual r;
  r.v = drt_sel(m, a.v, b.v);
  for (int i = 0; i < DRT_ND; i++) r.d[i] = drt_sel(m, a.d[i], b.d[i]);
  return r;
}

/* and, or, not with the value semantics of drt_smooth.h: the derivative
 * follows the operand whose value is taken. */
DRT_FN drt_dual drt_and_dual(drt_dual a, drt_dual b) {
  return drt_sel_dual(a.v < b.v || a.v != a.v, a, b);
}
DRT_FN drt_dual drt_or_dual(drt_dual a, drt_dual b) {
  return drt_sel_dual(a.v > b.v || a.v != a.v, a, b);
}
DRT_FN drt_dual drt_not_dual(drt_dual a) {
  drt_dual r;
  r.v = (real)1 - a.v;
  for (int i = 0; i < DRT_ND; i++) r.d[i] = -a.d[i];
  return r;
}

/* ------------------------------------------------------------------------ */
/* Tangents of the path points                                              */
/* ------------------------------------------------------------------------ */

/* Image method, forward mode: images move with tx through the mirrors'
 * linear parts; each backward step Q' = Q + s u, u = Q - I, s =
 * ((A - Q).n) / (u.n), moves with Q and I. */
DRT_FN void drt_image_method_tangents(const drt_interactions *in, drt_vec2 tx,
                                      drt_vec2 rx, const drt_tangent *dtx,
                                      const drt_tangent *drx,
                                      drt_tangent *dpath) {
  drt_vec2 images[DRT_MAX_ORDER];
  drt_tangent dimages[DRT_MAX_ORDER];
  drt_vec2 image = tx;
  drt_tangent dimage = *dtx;
  for (int j = 0; j < in->k; j++) {
    image = drt_mirror(image, in->a[j], in->n[j]);
    for (int i = 0; i < DRT_ND; i++)
      dimage.d[i] = drt_reflect(dimage.d[i], in->n[j]);
    images[j] = image;
    dimages[j] = dimage;
  }
  drt_vec2 q = rx;
  drt_tangent dq = *drx;
  for (int j = in->k - 1; j >= 0; j--) {
    drt_vec2 n = in->n[j];
    drt_vec2 u = drt_sub(q, images[j]);
    lreal un = drt_dot(u, n);
    /* As drt_image_method: no step (q and its tangent kept) where un = 0. */
    lmask step = un != (real)0;
    un = drt_sel(step, un, 1);
    lreal s = drt_dot(drt_sub(in->a[j], q), n) / un;
    for (int i = 0; i < DRT_ND; i++) {
      drt_vec2 du = drt_sub(dq.d[i], dimages[j].d[i]);
      lreal ds = (-drt_dot(dq.d[i], n) - s * drt_dot(du, n)) / un;
      drt_vec2 moved =
          drt_add(drt_add(dq.d[i], drt_scale(u, ds)), drt_scale(du, s));
      dq.d[i] = drt_sel_v2(step, moved, dq.d[i]);
    }
    q = drt_sel_v2(step, drt_add(q, drt_scale(u, s)), q);
    dpath[j + 1] = dq;
  }
  dpath[0] = *dtx;
  dpath[in->k + 1] = *drx;
}

#if DRT_LANES == 1
#include "drt_linalg.h"
#include "drt_path_fpt.h"
#include "drt_path_mpt.h"

/* Interaction points move only through their theta: dP = t dtheta. */
DRT_FN void drt_points_from_dtheta(const drt_interactions *in,
                                   real dtheta[DRT_ND][DRT_MAX_ORDER],
                                   drt_tangent *dpath) {
  for (int j = 0; j < in->k; j++) {
    int u = in->unknown[j];
    for (int i = 0; i < DRT_ND; i++)
      dpath[j + 1].d[i] = u < 0 ? drt_v2(0, 0) : drt_scale(in->t[j], dtheta[i][u]);
  }
}

/* Solves A x = b for each direction's right-hand side; 0 where A is
 * singular. */
DRT_FN void drt_solve_directions(const real *A, int m,
                                 real rhs[DRT_ND][DRT_MAX_ORDER]) {
  for (int i = 0; i < DRT_ND; i++)
    if (!drt_solve_spd(A, rhs[i], m))
      for (int u = 0; u < m; u++) rhs[i][u] = 0;
}

/* FPT, implicit differentiation: the gradient g of the length vanishes at
 * the solution, so H dtheta = -dg, dg the change of g when the endpoints
 * move with theta held. Only the first and last segments touch an
 * endpoint; a segment d adds +-turn(d, dd) . t to its end points' g. */
DRT_FN void drt_fermat_tangents(const drt_interactions *in,
                                const drt_vec2 *path, drt_tangent *dpath) {
  int m = in->m, k = in->k;
  real g[DRT_MAX_ORDER], H[DRT_MAX_ORDER * DRT_MAX_ORDER];
  real rhs[DRT_ND][DRT_MAX_ORDER];
  if (m == 0) { /* nothing to solve: interaction points are vertices */
    for (int i = 0; i < DRT_ND; i++) rhs[i][0] = 0;
    drt_points_from_dtheta(in, rhs, dpath);
    return;
  }
  drt_fermat_terms(in, path, 0, g, H);
  for (int i = 0; i < DRT_ND; i++) {
    for (int u = 0; u < m; u++) rhs[i][u] = 0;
    int first = in->unknown[0], last = in->unknown[k - 1];
    /* segment 0 ends at interaction 0: g += dhat_0 . t_0 */
    drt_vec2 turn0 = drt_unit_turn(path[0], path[1], drt_scale(dpath[0].d[i], -1));
    if (first >= 0) rhs[i][first] -= drt_dot(turn0, in->t[0]);
    /* segment k starts at interaction k-1: g -= dhat_k . t_{k-1} */
    drt_vec2 turnk = drt_unit_turn(path[k], path[k + 1], dpath[k + 1].d[i]);
    if (last >= 0) rhs[i][last] += drt_dot(turnk, in->t[k - 1]);
  }
  drt_solve_directions(H, m, rhs);
  drt_points_from_dtheta(in, rhs, dpath);
}

/* How path points j, j+1, j+2 move with the endpoints along direction i
 * (thetas held). */
DRT_FN void drt_endpoint_moves(const drt_interactions *in,
                               const drt_tangent *dpath, int j, int i,
                               drt_vec2 *w) {
  for (int q = 0; q < 3; q++) {
    int point = j + q;
    w[q] = (point == 0 || point == in->k + 1) ? dpath[point].d[i] : drt_v2(0, 0);
  }
}

/* MPT, implicit differentiation of the stationarity of f = sum |e_j|^2
 * with its exact Hessian (drt_min_path_hessian), so the derivative is
 * right also at minima with a non-zero loss, where Gauss-Newton's J^T J
 * is not the Hessian: H dtheta = -(d grad f), the change of the gradient
 * when the endpoints move with theta held, sum over j of c_a . de_j +
 * e_j . d2e_j[a, move]. Only the first and last errors see an endpoint. */
DRT_FN void drt_min_path_tangents(const drt_interactions *in,
                                  const drt_vec2 *path, drt_tangent *dpath) {
  int m = in->m, k = in->k;
  real H[DRT_MAX_ORDER * DRT_MAX_ORDER], g[DRT_MAX_ORDER];
  real rhs[DRT_ND][DRT_MAX_ORDER];
  drt_min_path_hessian(in, path, H, g);
  for (int i = 0; i < DRT_ND; i++)
    for (int u = 0; u < m; u++) rhs[i][u] = 0;
  for (int j = 0; j < k; j++) {
    if (in->type[j] == DRT_OBJ_VERTEX || (j != 0 && j != k - 1)) continue;
    drt_vec2 e = drt_interaction_error(in, path, j);
    int cu[3];
    drt_vec2 col[3], wa[3], wq[3];
    drt_error_columns(in, path, j, col, cu);
    for (int a = 0; a < 3; a++) {
      if (cu[a] < 0) continue;
      drt_theta_moves(in, j, cu[a], wa);
      for (int i = 0; i < DRT_ND; i++) {
        drt_endpoint_moves(in, dpath, j, i, wq);
        drt_vec2 de = drt_error_tangent(in, path, j, wq[0], wq[1], wq[2]);
        rhs[i][cu[a]] -= drt_dot(col[a], de) +
                         drt_dot(e, drt_error_second(in, path, j, wa, wq));
      }
    }
  }
  for (int i = 0; i < DRT_ND; i++) {
    real work[DRT_MAX_ORDER * DRT_MAX_ORDER];
    for (int e = 0; e < m * m; e++) work[e] = H[e];
    if (!drt_gauss_solve(work, rhs[i], m))
      for (int u = 0; u < m; u++) rhs[i][u] = 0;
  }
  drt_points_from_dtheta(in, rhs, dpath);
}

#endif /* DRT_LANES == 1 */

/* ------------------------------------------------------------------------ */
/* Validity and power with derivatives                                      */
/* ------------------------------------------------------------------------ */

/* on_objects with the derivative of the term that decides it. */
DRT_FN drt_dual drt_on_objects_dual(const drt_interactions *in,
                                    const drt_vec2 *path,
                                    const drt_tangent *dpath,
                                    drt_smoothing_params p) {
  drt_dual on = drt_dual_const(1);
  for (int j = 0; j < in->k; j++) {
    if (in->type[j] == DRT_OBJ_VERTEX) continue;
    drt_vec2 t = in->t[j];
    lreal tt = drt_dot(t, t);
    tt = drt_sel(tt == (real)0, 1, tt);
    drt_dual u;
    u.v = drt_dot(t, drt_sub(path[j + 1], in->a[j])) / tt;
    for (int i = 0; i < DRT_ND; i++) u.d[i] = drt_dot(t, dpath[j + 1].d[i]) / tt;
    drt_dual term = drt_and_dual(drt_compare_dual(u, drt_dual_const(0), 0, p),
                                 drt_compare_dual(drt_dual_const(1), u, 0, p));
    on = drt_and_dual(on, term);
  }
  return on;
}

/* Truth of "t in [-tol, 1 + tol]" for a dual t. */
DRT_FN drt_dual drt_in_unit_interval_dual(drt_dual t, drt_smoothing_params p) {
  return drt_and_dual(
      drt_compare_dual(t, drt_dual_const(-DRT_SEGMENT_TOL), 0, p),
      drt_compare_dual(drt_dual_const((real)1 + DRT_SEGMENT_TOL), t, 0, p));
}

/* Does the moving segment p1p2 meet the fixed wall p3p4: the value of
 * drt_segments_meet with its derivatives. a/d and b/d move with p1, p2:
 * A = p2 - p1, C = p1 - p3 move, B = p3 - p4 does not. */
DRT_FN drt_dual drt_segments_meet_dual(drt_vec2 p1, drt_vec2 p2,
                                       const drt_tangent *dp1,
                                       const drt_tangent *dp2, drt_vec2 p3,
                                       drt_vec2 p4, drt_smoothing_params p) {
  drt_vec2 A = drt_sub(p2, p1), B = drt_sub(p3, p4), C = drt_sub(p1, p3);
  lreal a = B.y * C.x - B.x * C.y;
  lreal b = A.x * C.y - A.y * C.x;
  lreal d = A.y * B.x - A.x * B.y;
  lmask parallel = d == (real)0;
  if (DRT_ALL(parallel)) return drt_dual_const(0);
  d = drt_sel(parallel, 1, d);
  drt_dual ta, tb;
  ta.v = a / d;
  tb.v = b / d;
  for (int i = 0; i < DRT_ND; i++) {
    drt_vec2 dA = drt_sub(dp2->d[i], dp1->d[i]), dC = dp1->d[i];
    lreal da = B.y * dC.x - B.x * dC.y;
    lreal db = dA.x * C.y + A.x * dC.y - dA.y * C.x - A.y * dC.x;
    lreal dd = dA.y * B.x - dA.x * B.y;
    ta.d[i] = (da - ta.v * dd) / d;
    tb.d[i] = (db - tb.v * dd) / d;
  }
  drt_dual meet = drt_and_dual(drt_in_unit_interval_dual(ta, p),
                               drt_in_unit_interval_dual(tb, p));
  return drt_sel_dual(parallel, drt_dual_const(0), meet);
}

/* Each lane's segment `seg` of the path (0..k) with its tangents. */
DRT_FN void drt_lane_segment(const drt_vec2 *path, const drt_tangent *dpath,
                             int k, lmask seg, drt_vec2 *p1, drt_vec2 *p2,
                             drt_tangent *d1, drt_tangent *d2) {
  *p1 = path[0];
  *p2 = path[1];
  *d1 = dpath[0];
  *d2 = dpath[1];
  for (int j = 1; j <= k; j++) {
    lmask here = seg == j;
    *p1 = drt_sel_v2(here, path[j], *p1);
    *p2 = drt_sel_v2(here, path[j + 1], *p2);
    for (int i = 0; i < DRT_ND; i++) {
      d1->d[i] = drt_sel_v2(here, dpath[j].d[i], d1->d[i]);
      d2->d[i] = drt_sel_v2(here, dpath[j + 1].d[i], d2->d[i]);
    }
  }
}

/* Each lane's object `object` (-1: object 0, for lanes to discard), its
 * endpoints gathered lane by lane. */
DRT_FN void drt_lane_object(DRT_GLOBAL const real *segments, lmask object,
                            drt_vec2 *a, drt_vec2 *b) {
  drt_mask_elem index[DRT_LANES];
  real ax[DRT_LANES], ay[DRT_LANES], bx[DRT_LANES], by[DRT_LANES];
  drt_store_mask(object, index);
  for (int l = 0; l < DRT_LANES; l++) {
    int m = index[l] < 0 ? 0 : (int)index[l];
    ax[l] = segments[4 * m];
    ay[l] = segments[4 * m + 1];
    bx[l] = segments[4 * m + 2];
    by[l] = segments[4 * m + 3];
  }
  *a = drt_v2(drt_load_lanes(ax), drt_load_lanes(ay));
  *b = drt_v2(drt_load_lanes(bx), drt_load_lanes(by));
}

/* Per lane, the (segment, object) test whose value drt_obstructed's `or`
 * selects (with drt_or's rule, ties and NaN included, frozen once
 * certain) into *best_j, *best_m; -1 when no test is made. */
DRT_FN void drt_obstruction_decider(const drt_vec2 *path,
                                    DRT_GLOBAL const int *cand, int k,
                                    DRT_GLOBAL const real *segments,
                                    DRT_GLOBAL const int *types, int n_objects,
                                    drt_smoothing_params p, lmask *best_j,
                                    lmask *best_m) {
  lreal blocked = 0;
  *best_j = *best_m = -1;
  for (int j = 0; j <= k; j++) {
    int first = j > 0 ? cand[j - 1] : -1;
    int last = j < k ? cand[j] : -1;
    for (int m = 0; m < n_objects; m++) {
      if (m == first || m == last || types[m] == DRT_OBJ_VERTEX) continue;
      lreal meets = drt_segments_meet(path[j], path[j + 1],
                                      drt_object_a(segments, m),
                                      drt_object_b(segments, m), p);
      lmask take =
          blocked != (real)1 && !(blocked > meets || blocked != blocked);
      blocked = drt_sel(take, meets, blocked);
      *best_j = drt_sel_mask(take, j, *best_j);
      *best_m = drt_sel_mask(take, m, *best_m);
    }
    if (DRT_ALL(blocked == (real)1)) break;
  }
}

/* drt_obstructed with the derivative of the deciding test: a value pass
 * finds, per lane, the test that `or` selects, and only that one is
 * differentiated. */
DRT_FN drt_dual drt_obstructed_dual(const drt_vec2 *path,
                                    const drt_tangent *dpath,
                                    DRT_GLOBAL const int *cand, int k,
                                    DRT_GLOBAL const real *segments,
                                    DRT_GLOBAL const int *types, int n_objects,
                                    drt_smoothing_params p) {
  lmask best_j, best_m;
  drt_obstruction_decider(path, cand, k, segments, types, n_objects, p,
                          &best_j, &best_m);
  if (DRT_ALL(best_j < 0)) return drt_dual_const(0);
  drt_vec2 p1, p2, a, b;
  drt_tangent d1, d2;
  drt_lane_segment(path, dpath, k, best_j, &p1, &p2, &d1, &d2);
  drt_lane_object(segments, best_m, &a, &b);
  drt_dual meet = drt_segments_meet_dual(p1, p2, &d1, &d2, a, b, p);
  return drt_sel_dual(best_j < 0, drt_dual_const(0), meet);
}

/* The path loss with its derivatives: sum of 2 e . de. */
DRT_FN drt_dual drt_path_loss_dual(const drt_interactions *in,
                                   const drt_vec2 *path,
                                   const drt_tangent *dpath) {
  drt_dual loss = drt_dual_const(0);
  for (int j = 0; j < in->k; j++) {
    if (in->type[j] == DRT_OBJ_VERTEX) continue;
    drt_vec2 e = drt_interaction_error(in, path, j);
    loss.v += drt_dot(e, e);
    for (int i = 0; i < DRT_ND; i++) {
      drt_vec2 de = drt_error_tangent(in, path, j, dpath[j].d[i],
                                      dpath[j + 1].d[i], dpath[j + 2].d[i]);
      loss.d[i] += (real)2 * drt_dot(e, de);
    }
  }
  return loss;
}

/* The path length with its derivatives: sum of dhat . (dP_{s+1} - dP_s). */
DRT_FN drt_dual drt_path_length_dual(const drt_vec2 *path,
                                     const drt_tangent *dpath, int k) {
  drt_dual length = drt_dual_const(0);
  for (int s = 0; s <= k; s++) {
    drt_vec2 d = drt_sub(path[s + 1], path[s]);
    lreal l = drt_norm(d);
    length.v += l;
    /* A zero-length segment adds nothing (its direction is undefined). */
    lmask zero = l == (real)0;
    l = drt_sel(zero, 1, l);
    for (int i = 0; i < DRT_ND; i++)
      length.d[i] += drt_sel(
          zero, 0, drt_dot(d, drt_sub(dpath[s + 1].d[i], dpath[s].d[i])) / l);
  }
  return length;
}

/* drt_path_contribution with its derivatives: d(V W) = dV W + V dW, W =
 * R^k / (h^2 + L^2), dW = -2 L W dL / (h^2 + L^2). Without smoothing V is
 * piecewise constant and contributes nothing. */
DRT_FN drt_dual drt_path_contribution_dual(const drt_interactions *in,
                                           const drt_vec2 *path,
                                           const drt_tangent *dpath,
                                           DRT_GLOBAL const int *cand,
                                           DRT_GLOBAL const real *segments,
                                           DRT_GLOBAL const int *types,
                                           int n_objects,
                                           drt_smoothing_params p) {
  drt_dual v;
  if (p.mode == DRT_SMOOTH_NONE) { /* V is 0 or 1: only the power moves */
    v = drt_dual_const(drt_and(
        drt_on_objects(in, path, p),
        drt_less(drt_path_loss(in, path), DRT_LOSS_TOL, p)));
    if (!DRT_ANY(v.v > (real)0)) return drt_dual_const(0);
    v.v = drt_and(v.v, drt_not(drt_obstructed(path, cand, in->k, segments,
                                              types, n_objects, p)));
  } else {
#ifdef DRT_LOSS_STATIONARY
    /* Image-method paths: each residual is 0, or of norm 2 where the path
     * turns back (r = -reflect(i)), whatever the endpoints, so the loss is
     * locally constant and its derivative exactly 0 (its tangent would
     * only add rounding noise). */
    drt_dual loss = drt_dual_const(drt_path_loss(in, path));
#else
    drt_dual loss = drt_path_loss_dual(in, path, dpath);
#endif
    v = drt_and_dual(drt_on_objects_dual(in, path, dpath, p),
                     drt_compare_dual(drt_dual_const(DRT_LOSS_TOL), loss, 1, p));
    if (!DRT_ANY(v.v > (real)0)) return drt_dual_const(0);
    v = drt_and_dual(v, drt_not_dual(drt_obstructed_dual(
                            path, dpath, cand, in->k, segments, types,
                            n_objects, p)));
  }
  if (!DRT_ANY(v.v > (real)0)) return drt_dual_const(0);
  drt_dual length = drt_path_length_dual(path, dpath, in->k);
  lreal denominator = DRT_H * DRT_H + length.v * length.v;
  lreal w = drt_reflection_power(in->k) / denominator;
  drt_dual out;
  out.v = v.v * w;
  for (int i = 0; i < DRT_ND; i++) {
    lreal dw = (real)-2 * length.v * w * length.d[i] / denominator;
    out.d[i] = v.d[i] * w + v.v * dw;
  }
  /* A NaN or zero V contributes exactly 0. */
  return drt_sel_dual(v.v > (real)0, out, drt_dual_const(0));
}

#endif
