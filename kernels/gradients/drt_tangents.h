/* drt_tangents.h — how a traced path's points move along each direction of a
 * block (docs/method.md §8), written once in the moving-object form: the
 * endpoints and, in scene-gradient programs, the objects move (drt_moves.h);
 * endpoint gradients are the case where only the endpoints do, and the
 * object terms then vanish at compile time. The image method's tangents run
 * on lanes; FPT's and MPT's solve a small dense system per path and are
 * built with one lane only. */
#ifndef DRT_TANGENTS_H
#define DRT_TANGENTS_H

#include "base/drt_cl_compat.h"
#include "base/drt_geometry.h"
#include "paths/drt_interactions.h"
#include "paths/drt_laws.h"
#include "gradients/drt_moves.h"
#include "base/drt_num.h"
/* Needed by the one-lane block below and after it: inlined here first. */
#include "base/drt_random.h"

/* Path methods, in the order of drt_method. */
#define DRT_METHOD_IM 0
#define DRT_METHOD_FPT 1
#define DRT_METHOD_MPT 2

/* Image method, forward mode. The image I' = I - 2 ((I - a).n) n moves
 * with I, a and n; each backward step Q' = Q + s u, u = Q - I_j,
 * v = a - Q, s = (v.n) / (u.n), moves with Q, I_j, a and n. */
DRT_FN void drt_image_tangents(const drt_interactions *in, drt_vec2 tx,
                               drt_vec2 rx, const drt_moves *mv,
                               drt_tangent *dpath) {
  drt_vec2 images[DRT_MAX_ORDER];
  drt_tangent dimages[DRT_MAX_ORDER];
  drt_vec2 image = tx;
  drt_tangent dimage = mv->tx;
  for (int j = 0; j < in->k; j++) {
    drt_vec2 n = in->n[j];
    DRT_IF_MOVING(drt_vec2 off = drt_sub(image, in->a[j]);
                  lreal dist = drt_dot(off, n);)
    for (int i = 0; i < DRT_ND; i++) {
      lreal ddist = drt_dot(dimage.d[i], n)
          DRT_IF_MOVING(- drt_dot(mv->a[j].d[i], n) + drt_dot(off, mv->n[j].d[i]));
      drt_vec2 dnd = drt_scale(n, ddist);
      DRT_IF_MOVING(dnd = drt_add(dnd, drt_scale(mv->n[j].d[i], dist));)
      dimage.d[i] = drt_sub(dimage.d[i], drt_scale(dnd, 2));
    }
    image = drt_mirror(image, in->a[j], n);
    images[j] = image;
    dimages[j] = dimage;
  }
  drt_vec2 q = rx;
  drt_tangent dq = mv->rx;
  for (int j = in->k - 1; j >= 0; j--) {
    drt_vec2 n = in->n[j];
    drt_vec2 u = drt_sub(q, images[j]), v = drt_sub(in->a[j], q);
    lreal un = drt_dot(u, n);
    /* As drt_image_method: no step (q and its tangent kept) where un = 0. */
    lmask step = un != (real)0;
    un = drt_sel(step, un, 1);
    lreal s = drt_dot(v, n) / un;
    for (int i = 0; i < DRT_ND; i++) {
      drt_vec2 du = drt_sub(dq.d[i], dimages[j].d[i]);
      lreal dun = drt_dot(du, n) DRT_IF_MOVING(+ drt_dot(u, mv->n[j].d[i]));
      lreal dvn = DRT_IF_MOVING(drt_dot(mv->a[j].d[i], n) +
                                drt_dot(v, mv->n[j].d[i])) - drt_dot(dq.d[i], n);
      lreal ds = (dvn - s * dun) / un;
      drt_vec2 moved =
          drt_add(drt_add(dq.d[i], drt_scale(u, ds)), drt_scale(du, s));
      dq.d[i] = drt_sel_v2(step, moved, dq.d[i]);
    }
    q = drt_sel_v2(step, drt_add(q, drt_scale(u, s)), q);
    dpath[j + 1] = dq;
  }
  dpath[0] = mv->tx;
  dpath[in->k + 1] = mv->rx;
}

#if DRT_LANES == 1
#include "base/drt_linalg.h"
#include "paths/drt_path_fpt.h"
#include "paths/drt_path_mpt.h"

/* dpath = w + t dtheta: the points once theta has followed the moves. */
DRT_FN void drt_add_theta_moves(const drt_interactions *in,
                                real dtheta[DRT_ND_SLOTS][DRT_MAX_ORDER],
                                const drt_tangent *w, drt_tangent *dpath) {
  dpath[0] = w[0];
  dpath[in->k + 1] = w[in->k + 1];
  for (int j = 0; j < in->k; j++) {
    int u = in->unknown[j];
    for (int i = 0; i < DRT_ND; i++)
      dpath[j + 1].d[i] = u < 0 ? w[j + 1].d[i]
                                : drt_add(w[j + 1].d[i],
                                          drt_scale(in->t[j], dtheta[i][u]));
  }
}

/* Solves A x = b for each direction's right-hand side; 0 where A is
 * singular. */
DRT_FN void drt_solve_directions(const real *A, int m,
                                 real rhs[DRT_ND_SLOTS][DRT_MAX_ORDER]) {
  for (int i = 0; i < DRT_ND; i++)
    if (!drt_solve_spd(A, rhs[i], m))
      for (int u = 0; u < m; u++) rhs[i][u] = 0;
}

/* FPT, implicit differentiation: the length's gradient g(theta, scene)
 * vanishes at the solution, so H dtheta = -dg, dg its change with the
 * moves at fixed theta. Segment s (unit direction dh) adds dh . t_s to
 * its end point's g and -dh . t_{s-1} to its start's; these change by
 * d(dh) . t + dh . dt. Without moving objects only the first and last
 * segments move. */
DRT_FN void drt_fermat_tangents(const drt_interactions *in,
                                const drt_vec2 *path, const drt_moves *mv,
                                drt_tangent *dpath) {
  int m = in->m, k = in->k;
  real g[DRT_MAX_ORDER], H[DRT_MAX_ORDER * DRT_MAX_ORDER];
  real rhs[DRT_ND_SLOTS][DRT_MAX_ORDER];
  drt_tangent w[DRT_MAX_ORDER + 2];
  drt_explicit_moves(in, path, mv, w);
  for (int i = 0; i < DRT_ND; i++)
    for (int u = 0; u < DRT_MAX_ORDER; u++) rhs[i][u] = 0;
  if (m > 0) drt_fermat_terms(in, path, 0, g, H);
  for (int s = 0; s <= k && m > 0; s++) {
#ifndef DRT_MOVING_OBJECTS
    if (s != 0 && s != k) continue;
#endif
    drt_vec2 d = drt_sub(path[s + 1], path[s]);
    real l = drt_norm(d);
    if (l == (real)0) continue;
    DRT_IF_MOVING(drt_vec2 dh = drt_scale(d, (real)1 / l);)
    int u = s > 0 ? in->unknown[s - 1] : -1, v = s < k ? in->unknown[s] : -1;
    for (int i = 0; i < DRT_ND; i++) {
      drt_vec2 ddh = drt_unit_turn(path[s], path[s + 1],
                                   drt_sub(w[s + 1].d[i], w[s].d[i]));
      if (v >= 0)
        rhs[i][v] -= drt_dot(ddh, in->t[s])
            DRT_IF_MOVING(+ drt_dot(dh, mv->t[s].d[i]));
      if (u >= 0)
        rhs[i][u] += drt_dot(ddh, in->t[s - 1])
            DRT_IF_MOVING(+ drt_dot(dh, mv->t[s - 1].d[i]));
    }
  }
  if (m > 0) drt_solve_directions(H, m, rhs);
  drt_add_theta_moves(in, rhs, w, dpath);
}

/* MPT, implicit differentiation of the stationarity G = J^T e = 0 with
 * the exact Hessian (drt_min_path_hessian), so the derivative is right
 * also at minima with a non-zero loss: H dtheta = -dG, dG = sum over j of
 * c_a . de_j + e_j . dc_a. The error e_j moves with its points (w) and,
 * when objects move, with its normal and angle; its column c_a =
 * de_j/dtheta_a also with the direction t_a that theta_a scales. Without
 * moving objects only the first and last errors see a move. */
DRT_FN void drt_min_path_tangents(const drt_interactions *in,
                                  const drt_vec2 *path, const drt_moves *mv,
                                  drt_tangent *dpath) {
  int m = in->m, k = in->k;
  real H[DRT_MAX_ORDER * DRT_MAX_ORDER], g[DRT_MAX_ORDER];
  real rhs[DRT_ND_SLOTS][DRT_MAX_ORDER];
  drt_tangent w[DRT_MAX_ORDER + 2];
  drt_explicit_moves(in, path, mv, w);
  for (int i = 0; i < DRT_ND; i++)
    for (int u = 0; u < DRT_MAX_ORDER; u++) rhs[i][u] = 0;
  if (m > 0) drt_min_path_hessian(in, path, H, g);
  for (int j = 0; j < k && m > 0; j++) {
    if (in->type[j] == DRT_OBJ_VERTEX) continue;
#ifndef DRT_MOVING_OBJECTS
    if (j != 0 && j != k - 1) continue;
#endif
    drt_vec2 e = drt_interaction_error(in, path, j);
    int cu[3];
    drt_vec2 col[3], wa[3], wq[3];
    drt_error_columns(in, path, j, col, cu);
    for (int a = 0; a < 3; a++) {
      if (cu[a] < 0) continue;
      drt_theta_moves(in, j, cu[a], wa);
      for (int i = 0; i < DRT_ND; i++) {
        for (int q = 0; q < 3; q++) wq[q] = w[j + q].d[i];
        drt_vec2 de = drt_error_tangent(in, path, j, wq[0], wq[1], wq[2]);
        drt_vec2 dc = drt_error_second(in, path, j, wa, wq);
#ifdef DRT_MOVING_OBJECTS
        drt_vec2 dwa[3];
        for (int q = 0; q < 3; q++) {
          int inter = j + q - 1;
          int moves = inter >= 0 && inter < k && in->unknown[inter] == cu[a];
          dwa[q] = moves ? mv->t[inter].d[i] : drt_v2(0, 0);
        }
        de = drt_add(de, drt_error_object_tangent(in, path, j, mv->n[j].d[i],
                                                  mv->phi[j].d[i]));
        dc = drt_add(drt_add(dc, drt_error_tangent(in, path, j, dwa[0], dwa[1],
                                                   dwa[2])),
                     drt_error_object_mixed(in, path, j, wa, mv->n[j].d[i]));
#endif
        rhs[i][cu[a]] -= drt_dot(col[a], de) + drt_dot(e, dc);
      }
    }
  }
  for (int i = 0; i < DRT_ND && m > 0; i++) {
    real work[DRT_MAX_ORDER * DRT_MAX_ORDER];
    for (int q = 0; q < m * m; q++) work[q] = H[q];
    if (!drt_gauss_solve(work, rhs[i], m))
      for (int u = 0; u < m; u++) rhs[i][u] = 0;
  }
  drt_add_theta_moves(in, rhs, w, dpath);
}
#endif /* DRT_LANES == 1 */

/* The path points' tangents by method (a constant in the kernels, where
 * the other branches fold away; programs with lanes have only the image
 * method). */
DRT_FN void drt_path_tangents(int method, const drt_interactions *in,
                              const drt_vec2 *path, const drt_moves *mv,
                              drt_tangent *dpath) {
#if DRT_LANES == 1
  if (method == DRT_METHOD_FPT) {
    drt_fermat_tangents(in, path, mv, dpath);
    return;
  }
  if (method == DRT_METHOD_MPT) {
    drt_min_path_tangents(in, path, mv, dpath);
    return;
  }
#endif
  drt_image_tangents(in, path[0], path[in->k + 1], mv, dpath);
}

#endif
