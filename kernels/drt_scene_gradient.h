/* drt_scene_gradient.h — hand-derived derivatives of a path's power with
 * respect to the scene (DESIGN §10): both endpoints, every coordinate and
 * RIS angle of the path's objects, the object deciding the obstruction
 * test, and the reflection coefficient. Forward mode, DRT_ND directions at
 * a time through the duals of drt_gradient.h, whose endpoint-only formulas
 * are the special case of objects that do not move. */
#ifndef DRT_SCENE_GRADIENT_H
#define DRT_SCENE_GRADIENT_H

#include "drt_gradient.h"

/* The directions of one path of order k: 0, 1 the moving endpoint's x and
 * y; 2, 3 the fixed endpoint's; then DRT_SG_PER_OBJECT for interaction j's
 * object (ax, ay, bx, by, phi); then 4 for the object whose segment test
 * decides the obstruction (ax, ay, bx, by). Only those few objects enter a
 * path's power, so its derivatives by the rest of the scene are 0. */
#define DRT_SG_ENDPOINTS 4
#define DRT_SG_PER_OBJECT 5
#define DRT_SG_BLOCKER 4

DRT_FN int drt_scene_directions(int k) {
  return DRT_SG_ENDPOINTS + DRT_SG_PER_OBJECT * k + DRT_SG_BLOCKER;
}

/* Layout of one point's results (stride drt_scene_stride): power, the
 * moving endpoint's x and y, DRT_SG_PER_OBJECT per object, R, then x and
 * y of each fixed endpoint. */
DRT_FN int drt_scene_stride(int n_objects, int n_fixed) {
  return 4 + DRT_SG_PER_OBJECT * n_objects + 2 * n_fixed;
}

/* How the endpoints and objects move along the DRT_ND directions of one
 * block: the objects' start a, direction t = b - a, unit normal n and RIS
 * angle (as d sin phi, d cos phi), and the deciding obstruction object's
 * ends p3, p4. */
typedef struct drt_scene_moves {
  drt_tangent dtx, drx;
  drt_tangent da[DRT_MAX_ORDER], dt[DRT_MAX_ORDER], dn[DRT_MAX_ORDER];
  drt_tangent dphi[DRT_MAX_ORDER];
  drt_tangent dp3, dp4;
} drt_scene_moves;

/* Unit vector along axis c (0: x, 1: y). */
DRT_FN drt_vec2 drt_axis(int c) { return drt_v2(c == 0 ? 1 : 0, c == 1 ? 1 : 0); }

/* dn for a change dt of the direction: n = normalize(m), m = (t_y, -t_x),
 * dn = (I - n n^T) dm / |m|. */
DRT_FN drt_vec2 drt_normal_tangent(drt_vec2 t, drt_vec2 n, drt_vec2 dt) {
  real l = drt_norm(t);
  if (l == (real)0) return drt_v2(0, 0);
  drt_vec2 dm = drt_v2(dt.y, -dt.x);
  return drt_scale(drt_sub(dm, drt_scale(n, drt_dot(n, dm))), (real)1 / l);
}

/* Direction `dir` as a move of interaction j's object (c = its
 * coordinate): a moves a (and t the other way), b moves t, phi turns the
 * RIS angle. A vertex has only a; a wall's angle is no parameter. */
DRT_FN void drt_object_direction(const drt_interactions *in, int j, int c,
                                 int i, drt_scene_moves *mv) {
  int vertex = in->type[j] == DRT_OBJ_VERTEX;
  if (c < 2) {
    mv->da[j].d[i] = drt_axis(c);
    if (!vertex) mv->dt[j].d[i] = drt_scale(drt_axis(c), -1);
  } else if (c < 4 && !vertex) {
    mv->dt[j].d[i] = drt_axis(c - 2);
  } else if (c == 4 && in->type[j] == DRT_OBJ_RIS) {
    mv->dphi[j].d[i] = drt_v2(in->cos_phi[j], -in->sin_phi[j]);
  }
  mv->dn[j].d[i] = drt_normal_tangent(in->t[j], in->n[j], mv->dt[j].d[i]);
}

/* The moves of directions first .. first + DRT_ND - 1 (those past the
 * last direction move nothing). */
DRT_FN void drt_scene_moves_fill(const drt_interactions *in, int vary_tx,
                                 int first, drt_scene_moves *mv) {
  const drt_vec2 zero = drt_v2(0, 0);
  int k = in->k, objects_end = DRT_SG_ENDPOINTS + DRT_SG_PER_OBJECT * k;
  for (int i = 0; i < DRT_ND; i++) {
    mv->dtx.d[i] = mv->drx.d[i] = mv->dp3.d[i] = mv->dp4.d[i] = zero;
    for (int j = 0; j < k; j++)
      mv->da[j].d[i] = mv->dt[j].d[i] = mv->dn[j].d[i] = mv->dphi[j].d[i] = zero;
    int dir = first + i;
    if (dir < DRT_SG_ENDPOINTS) { /* moving endpoint, then the fixed one */
      int tx = (dir < 2) == (vary_tx != 0);
      if (tx) mv->dtx.d[i] = drt_axis(dir % 2);
      else mv->drx.d[i] = drt_axis(dir % 2);
    } else if (dir < objects_end) {
      int rel = dir - DRT_SG_ENDPOINTS;
      drt_object_direction(in, rel / DRT_SG_PER_OBJECT, rel % DRT_SG_PER_OBJECT,
                           i, mv);
    } else if (dir < objects_end + DRT_SG_BLOCKER) {
      int c = dir - objects_end;
      if (c < 2) mv->dp3.d[i] = drt_axis(c);
      else mv->dp4.d[i] = drt_axis(c - 2);
    }
  }
}

/* theta of interaction j's point (0 for a vertex). */
DRT_FN real drt_point_theta(const drt_interactions *in, const drt_vec2 *path,
                            int j) {
  if (in->unknown[j] < 0) return 0;
  drt_vec2 t = in->t[j];
  return drt_dot(t, drt_sub(path[j + 1], in->a[j])) / drt_dot(t, t);
}

/* How the path points move with the scene while every theta is held:
 * a + theta t moves by da + theta dt, a vertex by da. */
DRT_FN void drt_explicit_moves(const drt_interactions *in, const drt_vec2 *path,
                               const drt_scene_moves *mv, drt_tangent *w) {
  w[0] = mv->dtx;
  w[in->k + 1] = mv->drx;
  for (int j = 0; j < in->k; j++) {
    real theta = drt_point_theta(in, path, j);
    for (int i = 0; i < DRT_ND; i++)
      w[j + 1].d[i] = drt_add(mv->da[j].d[i], drt_scale(mv->dt[j].d[i], theta));
  }
}

/* dpath = w + t dtheta: the points once theta has followed the scene. */
DRT_FN void drt_add_theta_moves(const drt_interactions *in,
                                real dtheta[DRT_ND][DRT_MAX_ORDER],
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

/* ------------------------------------------------------------------------ */
/* Interaction errors: their change with the objects' normals and angles    */
/* ------------------------------------------------------------------------ */

/* Change of interaction j's error when its normal turns by dn and a RIS
 * angle by dphi = (d sin phi, d cos phi), the points held: a wall's e = r -
 * i + 2 (i.n) n changes by 2 ((i.dn) n + (i.n) dn); a RIS's e = (cross(b,
 * n) - sin phi, b.n - cos phi), b = -r, by (cross(b, dn), b.dn) - dphi. */
DRT_FN drt_vec2 drt_error_object_tangent(const drt_interactions *in,
                                         const drt_vec2 *path, int j,
                                         drt_vec2 dn, drt_vec2 dphi) {
  drt_vec2 n = in->n[j];
  if (in->type[j] == DRT_OBJ_WALL) {
    drt_vec2 i = drt_normalize(drt_sub(path[j + 1], path[j]));
    return drt_scale(drt_add(drt_scale(n, drt_dot(i, dn)),
                             drt_scale(dn, drt_dot(i, n))), 2);
  }
  if (in->type[j] == DRT_OBJ_RIS) {
    drt_vec2 b = drt_scale(drt_normalize(drt_sub(path[j + 2], path[j + 1])), -1);
    return drt_sub(drt_v2(drt_cross(b, dn), drt_dot(b, dn)), dphi);
  }
  return drt_v2(0, 0);
}

/* Mixed second derivative of interaction j's error: points j, j+1, j+2
 * moving by w[0..2] and the normal turning by dn (the same formulas with
 * i or b replaced by their change). */
DRT_FN drt_vec2 drt_error_object_mixed(const drt_interactions *in,
                                       const drt_vec2 *path, int j,
                                       const drt_vec2 *w, drt_vec2 dn) {
  drt_vec2 n = in->n[j];
  if (in->type[j] == DRT_OBJ_WALL) {
    drt_vec2 di = drt_unit_turn(path[j], path[j + 1], drt_sub(w[1], w[0]));
    return drt_scale(drt_add(drt_scale(n, drt_dot(di, dn)),
                             drt_scale(dn, drt_dot(di, n))), 2);
  }
  if (in->type[j] == DRT_OBJ_RIS) {
    drt_vec2 db = drt_scale(
        drt_unit_turn(path[j + 1], path[j + 2], drt_sub(w[2], w[1])), -1);
    return drt_v2(drt_cross(db, dn), drt_dot(db, dn));
  }
  return drt_v2(0, 0);
}

/* Total change of interaction j's error along direction i: its points
 * moving by dpath, its normal and angle by mv. */
DRT_FN drt_vec2 drt_error_total_tangent(const drt_interactions *in,
                                        const drt_vec2 *path,
                                        const drt_tangent *dpath,
                                        const drt_scene_moves *mv, int j,
                                        int i) {
  drt_vec2 de = drt_error_tangent(in, path, j, dpath[j].d[i],
                                  dpath[j + 1].d[i], dpath[j + 2].d[i]);
  return drt_add(de, drt_error_object_tangent(in, path, j, mv->dn[j].d[i],
                                              mv->dphi[j].d[i]));
}

/* ------------------------------------------------------------------------ */
/* Tangents of the path points                                              */
/* ------------------------------------------------------------------------ */

/* Image method: I_j = I - 2 ((I - a).n) n moves with I, a and n; the
 * backward step Q' = Q + s u, u = Q - I_j, s = ((a - Q).n) / (u.n), with
 * Q, I_j, a and n. */
DRT_FN void drt_scene_image_tangents(const drt_interactions *in, drt_vec2 tx,
                                     drt_vec2 rx, const drt_scene_moves *mv,
                                     drt_tangent *dpath) {
  drt_vec2 images[DRT_MAX_ORDER];
  drt_tangent dimages[DRT_MAX_ORDER];
  drt_vec2 image = tx;
  drt_tangent dimage = mv->dtx;
  for (int j = 0; j < in->k; j++) {
    drt_vec2 n = in->n[j], off = drt_sub(image, in->a[j]);
    real dist = drt_dot(off, n);
    for (int i = 0; i < DRT_ND; i++) {
      drt_vec2 dn = mv->dn[j].d[i];
      real ddist = drt_dot(drt_sub(dimage.d[i], mv->da[j].d[i]), n) +
                   drt_dot(off, dn);
      drt_vec2 dnd = drt_add(drt_scale(n, ddist), drt_scale(dn, dist));
      dimage.d[i] = drt_sub(dimage.d[i], drt_scale(dnd, 2));
    }
    image = drt_mirror(image, in->a[j], n);
    images[j] = image;
    dimages[j] = dimage;
  }
  drt_vec2 q = rx;
  drt_tangent dq = mv->drx;
  for (int j = in->k - 1; j >= 0; j--) {
    drt_vec2 n = in->n[j], u = drt_sub(q, images[j]);
    real un = drt_dot(u, n);
    if (un != (real)0) {
      drt_vec2 v = drt_sub(in->a[j], q);
      real s = drt_dot(v, n) / un;
      for (int i = 0; i < DRT_ND; i++) {
        drt_vec2 dn = mv->dn[j].d[i];
        drt_vec2 du = drt_sub(dq.d[i], dimages[j].d[i]);
        drt_vec2 dv = drt_sub(mv->da[j].d[i], dq.d[i]);
        real dun = drt_dot(du, n) + drt_dot(u, dn);
        real ds = (drt_dot(dv, n) + drt_dot(v, dn) - s * dun) / un;
        dq.d[i] = drt_add(drt_add(dq.d[i], drt_scale(u, ds)), drt_scale(du, s));
      }
      q = drt_add(q, drt_scale(u, s));
    }
    dpath[j + 1] = dq;
  }
  dpath[0] = mv->dtx;
  dpath[in->k + 1] = mv->drx;
}

/* FPT: the length's gradient g(theta, scene) vanishes at the solution, so
 * H dtheta = -dg, dg its change with the scene at fixed theta: segment s
 * (unit direction dh) adds dh . t_s to its end point's g and -dh . t_{s-1}
 * to its start's, which change by d(dh) . t + dh . dt. */
DRT_FN void drt_scene_fermat_tangents(const drt_interactions *in,
                                      const drt_vec2 *path,
                                      const drt_scene_moves *mv,
                                      drt_tangent *dpath) {
  int m = in->m, k = in->k;
  real g[DRT_MAX_ORDER], H[DRT_MAX_ORDER * DRT_MAX_ORDER];
  real rhs[DRT_ND][DRT_MAX_ORDER];
  drt_tangent w[DRT_MAX_ORDER + 2];
  drt_explicit_moves(in, path, mv, w);
  for (int i = 0; i < DRT_ND; i++)
    for (int u = 0; u < DRT_MAX_ORDER; u++) rhs[i][u] = 0;
  if (m > 0) drt_fermat_terms(in, path, 0, g, H);
  for (int s = 0; s <= k && m > 0; s++) {
    drt_vec2 d = drt_sub(path[s + 1], path[s]);
    real l = drt_norm(d);
    if (l == (real)0) continue;
    drt_vec2 dh = drt_scale(d, (real)1 / l);
    int u = s > 0 ? in->unknown[s - 1] : -1, v = s < k ? in->unknown[s] : -1;
    for (int i = 0; i < DRT_ND; i++) {
      drt_vec2 ddh = drt_unit_turn(path[s], path[s + 1],
                                   drt_sub(w[s + 1].d[i], w[s].d[i]));
      if (v >= 0)
        rhs[i][v] -= drt_dot(ddh, in->t[s]) + drt_dot(dh, mv->dt[s].d[i]);
      if (u >= 0)
        rhs[i][u] += drt_dot(ddh, in->t[s - 1]) +
                     drt_dot(dh, mv->dt[s - 1].d[i]);
    }
  }
  if (m > 0) drt_solve_directions(H, m, rhs);
  drt_add_theta_moves(in, rhs, w, dpath);
}

/* How points j, j+1, j+2 of interaction j's error move along direction i
 * with unknown u's direction t changing (dt of mv), and with the scene at
 * fixed theta (w). */
DRT_FN void drt_column_moves(const drt_interactions *in,
                             const drt_scene_moves *mv, const drt_tangent *w,
                             int j, int u, int i, drt_vec2 *dwa, drt_vec2 *wq) {
  for (int q = 0; q < 3; q++) {
    int inter = j + q - 1;
    int moves = inter >= 0 && inter < in->k && in->unknown[inter] == u;
    dwa[q] = moves ? mv->dt[inter].d[i] : drt_v2(0, 0);
    wq[q] = w[j + q].d[i];
  }
}

/* MPT: implicit differentiation of the stationarity G = J^T e = 0 with the
 * exact Hessian (drt_min_path_hessian): H dtheta = -dG, dG = sum over j of
 * c_a . de_j + e_j . dc_a, where the error e_j moves with its points (w),
 * its normal and angle, and its column c_a = de_j/dtheta_a also with the
 * direction t_a that theta_a scales. */
DRT_FN void drt_scene_min_path_tangents(const drt_interactions *in,
                                        const drt_vec2 *path,
                                        const drt_scene_moves *mv,
                                        drt_tangent *dpath) {
  int m = in->m;
  real H[DRT_MAX_ORDER * DRT_MAX_ORDER], g[DRT_MAX_ORDER];
  real rhs[DRT_ND][DRT_MAX_ORDER];
  drt_tangent w[DRT_MAX_ORDER + 2];
  drt_explicit_moves(in, path, mv, w);
  for (int i = 0; i < DRT_ND; i++)
    for (int u = 0; u < DRT_MAX_ORDER; u++) rhs[i][u] = 0;
  if (m > 0) drt_min_path_hessian(in, path, H, g);
  for (int j = 0; j < in->k && m > 0; j++) {
    if (in->type[j] == DRT_OBJ_VERTEX) continue;
    drt_vec2 e = drt_interaction_error(in, path, j);
    int cu[3];
    drt_vec2 col[3], wa[3], dwa[3], wq[3];
    drt_error_columns(in, path, j, col, cu);
    for (int a = 0; a < 3; a++) {
      if (cu[a] < 0) continue;
      drt_theta_moves(in, j, cu[a], wa);
      for (int i = 0; i < DRT_ND; i++) {
        drt_column_moves(in, mv, w, j, cu[a], i, dwa, wq);
        drt_vec2 de = drt_add(drt_error_tangent(in, path, j, wq[0], wq[1], wq[2]),
                              drt_error_object_tangent(in, path, j, mv->dn[j].d[i],
                                                       mv->dphi[j].d[i]));
        drt_vec2 dc = drt_add(
            drt_add(drt_error_second(in, path, j, wa, wq),
                    drt_error_tangent(in, path, j, dwa[0], dwa[1], dwa[2])),
            drt_error_object_mixed(in, path, j, wa, mv->dn[j].d[i]));
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

/* The path points' tangents by method (0 IM, 1 FPT, 2 MPT, the order of
 * drt_method). */
DRT_FN void drt_scene_path_tangents(int method, const drt_interactions *in,
                                    const drt_vec2 *path,
                                    const drt_scene_moves *mv,
                                    drt_tangent *dpath) {
  if (method == 0)
    drt_scene_image_tangents(in, path[0], path[in->k + 1], mv, dpath);
  else if (method == 1)
    drt_scene_fermat_tangents(in, path, mv, dpath);
  else
    drt_scene_min_path_tangents(in, path, mv, dpath);
}

/* ------------------------------------------------------------------------ */
/* Validity with the objects moving                                         */
/* ------------------------------------------------------------------------ */

/* on_objects: u = t.(P - a) / t.t moves with P, a and t. */
DRT_FN drt_dual drt_scene_on_objects_dual(const drt_interactions *in,
                                          const drt_vec2 *path,
                                          const drt_tangent *dpath,
                                          const drt_scene_moves *mv,
                                          drt_smoothing_params p) {
  drt_dual on = drt_dual_const(1);
  for (int j = 0; j < in->k; j++) {
    if (in->type[j] == DRT_OBJ_VERTEX) continue;
    drt_vec2 t = in->t[j], off = drt_sub(path[j + 1], in->a[j]);
    real tt = drt_dot(t, t);
    int flat = tt == (real)0; /* divided by 1, which does not move */
    tt = flat ? (real)1 : tt;
    drt_dual u;
    u.v = drt_dot(t, off) / tt;
    for (int i = 0; i < DRT_ND; i++) {
      drt_vec2 dt = mv->dt[j].d[i];
      drt_vec2 doff = drt_sub(dpath[j + 1].d[i], mv->da[j].d[i]);
      real dtt = flat ? (real)0 : (real)2 * drt_dot(t, dt);
      u.d[i] = (drt_dot(dt, off) + drt_dot(t, doff) - u.v * dtt) / tt;
    }
    drt_dual term = drt_and_dual(drt_compare_dual(u, drt_dual_const(0), 0, p),
                                 drt_compare_dual(drt_dual_const(1), u, 0, p));
    on = drt_and_dual(on, term);
  }
  return on;
}

/* The loss sum |e_j|^2 with its derivatives 2 e . de, e moving with the
 * points, normals and angles. */
DRT_FN drt_dual drt_scene_loss_dual(const drt_interactions *in,
                                    const drt_vec2 *path,
                                    const drt_tangent *dpath,
                                    const drt_scene_moves *mv) {
  drt_dual loss = drt_dual_const(0);
  for (int j = 0; j < in->k; j++) {
    if (in->type[j] == DRT_OBJ_VERTEX) continue;
    drt_vec2 e = drt_interaction_error(in, path, j);
    loss.v += drt_dot(e, e);
    for (int i = 0; i < DRT_ND; i++)
      loss.d[i] += (real)2 * drt_dot(e, drt_error_total_tangent(in, path, dpath,
                                                                mv, j, i));
  }
  return loss;
}

/* drt_segments_meet on duals with all four ends moving: with A = p2 - p1,
 * B = p3 - p4, C = p1 - p3, the parameters a/d and b/d follow the changes
 * of a = B_y C_x - B_x C_y, b = A_x C_y - A_y C_x, d = A_y B_x - A_x B_y. */
DRT_FN drt_dual drt_segments_meet_moving(drt_vec2 p1, drt_vec2 p2, drt_vec2 p3,
                                         drt_vec2 p4, const drt_tangent *dp1,
                                         const drt_tangent *dp2,
                                         const drt_tangent *dp3,
                                         const drt_tangent *dp4,
                                         drt_smoothing_params p) {
  drt_vec2 A = drt_sub(p2, p1), B = drt_sub(p3, p4), C = drt_sub(p1, p3);
  real a = B.y * C.x - B.x * C.y;
  real b = A.x * C.y - A.y * C.x;
  real d = A.y * B.x - A.x * B.y;
  if (d == (real)0) return drt_dual_const(0);
  drt_dual ta, tb;
  ta.v = a / d;
  tb.v = b / d;
  for (int i = 0; i < DRT_ND; i++) {
    drt_vec2 dA = drt_sub(dp2->d[i], dp1->d[i]);
    drt_vec2 dB = drt_sub(dp3->d[i], dp4->d[i]);
    drt_vec2 dC = drt_sub(dp1->d[i], dp3->d[i]);
    real da = dB.y * C.x + B.y * dC.x - dB.x * C.y - B.x * dC.y;
    real db = dA.x * C.y + A.x * dC.y - dA.y * C.x - A.y * dC.x;
    real dd = dA.y * B.x + A.y * dB.x - dA.x * B.y - A.x * dB.y;
    ta.d[i] = (da - ta.v * dd) / d;
    tb.d[i] = (db - tb.v * dd) / d;
  }
  return drt_and_dual(drt_in_unit_interval_dual(ta, p),
                      drt_in_unit_interval_dual(tb, p));
}

/* The decided obstruction test (segment bj against object bm, found once
 * per path by drt_obstruction_decider) on duals; 0 when none. */
DRT_FN drt_dual drt_scene_obstructed_dual(const drt_vec2 *path,
                                          const drt_tangent *dpath,
                                          const drt_scene_moves *mv, int bj,
                                          int bm,
                                          DRT_GLOBAL const real *segments,
                                          drt_smoothing_params p) {
  if (bj < 0) return drt_dual_const(0);
  return drt_segments_meet_moving(path[bj], path[bj + 1],
                                  drt_object_a(segments, bm),
                                  drt_object_b(segments, bm), &dpath[bj],
                                  &dpath[bj + 1], &mv->dp3, &mv->dp4, p);
}

/* V with its derivatives, composed as drt_path_contribution_dual does. */
DRT_FN drt_dual drt_scene_validity_dual(const drt_interactions *in,
                                        const drt_vec2 *path,
                                        const drt_tangent *dpath,
                                        const drt_scene_moves *mv, int bj,
                                        int bm, DRT_GLOBAL const real *segments,
                                        drt_smoothing_params p) {
  drt_dual loss = drt_scene_loss_dual(in, path, dpath, mv);
  drt_dual v = drt_and_dual(
      drt_scene_on_objects_dual(in, path, dpath, mv, p),
      drt_compare_dual(drt_dual_const(DRT_LOSS_TOL), loss, 1, p));
  return drt_and_dual(v, drt_not_dual(drt_scene_obstructed_dual(
                             path, dpath, mv, bj, bm, segments, p)));
}

/* ------------------------------------------------------------------------ */
/* One path's power and its derivatives                                     */
/* ------------------------------------------------------------------------ */

/* What one path shares between its blocks of directions. */
typedef struct drt_scene_path {
  const drt_interactions *in;
  const drt_vec2 *path;
  DRT_GLOBAL const int *cand;
  int method, vary_tx, fixed; /* fixed: index of the fixed endpoint */
  int bj, bm;                 /* the deciding obstruction test */
  real v, w;                  /* V and R^k / (h^2 + L^2) */
} drt_scene_path;

/* Index in a point's results (drt_scene_stride layout) of direction dir,
 * -1 for padding. */
DRT_FN int drt_scene_slot(const drt_scene_path *sp, int dir, int n_objects) {
  int k = sp->in->k, objects_end = DRT_SG_ENDPOINTS + DRT_SG_PER_OBJECT * k;
  if (dir < 2) return 1 + dir;
  if (dir < DRT_SG_ENDPOINTS)
    return 4 + DRT_SG_PER_OBJECT * n_objects + 2 * sp->fixed + dir - 2;
  if (dir < objects_end) {
    int rel = dir - DRT_SG_ENDPOINTS;
    return 3 + DRT_SG_PER_OBJECT * sp->cand[rel / DRT_SG_PER_OBJECT] +
           rel % DRT_SG_PER_OBJECT;
  }
  if (dir < objects_end + DRT_SG_BLOCKER && sp->bm >= 0)
    return 3 + DRT_SG_PER_OBJECT * sp->bm + dir - objects_end;
  return -1;
}

/* Adds the derivatives of directions first.. into out: d(V W) = dV W +
 * V dW, dW = -2 L W dL / (h^2 + L^2); V is constant without smoothing. */
DRT_FN void drt_scene_block(const drt_scene_path *sp, int first,
                            DRT_GLOBAL const real *segments, int n_objects,
                            drt_smoothing_params p, DRT_GLOBAL real *out) {
  const drt_interactions *in = sp->in;
  drt_scene_moves mv;
  drt_tangent dpath[DRT_MAX_ORDER + 2];
  drt_scene_moves_fill(in, sp->vary_tx, first, &mv);
  drt_scene_path_tangents(sp->method, in, sp->path, &mv, dpath);
  drt_dual v = drt_dual_const(sp->v);
  if (p.mode != DRT_SMOOTH_NONE)
    v = drt_scene_validity_dual(in, sp->path, dpath, &mv, sp->bj, sp->bm,
                                segments, p);
  drt_dual length = drt_path_length_dual(sp->path, dpath, in->k);
  real denominator = DRT_H * DRT_H + length.v * length.v;
  for (int i = 0; i < DRT_ND; i++) {
    int slot = drt_scene_slot(sp, first + i, n_objects);
    real dw = (real)-2 * length.v * sp->w * length.d[i] / denominator;
    if (slot >= 0) out[slot] += v.d[i] * sp->w + sp->v * dw;
  }
}

/* Adds one traced path's power and its derivatives by every scene
 * parameter into one point's results `out` (drt_scene_stride layout). A
 * path of zero (or NaN) validity adds nothing, as in drt_path_contribution. */
DRT_FN void drt_scene_path_gradient(const drt_interactions *in,
                                    const drt_vec2 *path, int method,
                                    int vary_tx, int fixed,
                                    DRT_GLOBAL const int *cand,
                                    DRT_GLOBAL const real *segments,
                                    DRT_GLOBAL const int *types, int n_objects,
                                    drt_smoothing_params p,
                                    DRT_GLOBAL real *out) {
  drt_scene_path sp = {in, path, cand, method, vary_tx, fixed, -1, -1, 0, 0};
  sp.v = drt_and(drt_on_objects(in, path, p),
                 drt_less(drt_path_loss(in, path), DRT_LOSS_TOL, p));
  if (!(sp.v > (real)0)) return;
  drt_obstruction_decider(path, cand, in->k, segments, types, n_objects, p,
                          &sp.bj, &sp.bm);
  real blocked = sp.bj < 0 ? (real)0
                           : drt_segments_meet(path[sp.bj], path[sp.bj + 1],
                                               drt_object_a(segments, sp.bm),
                                               drt_object_b(segments, sp.bm), p);
  sp.v = drt_and(sp.v, drt_not(blocked));
  if (!(sp.v > (real)0)) return;
  real length = drt_path_length(path, in->k);
  sp.w = drt_reflection_power(in->k) / (DRT_H * DRT_H + length * length);
  real power = sp.v * drt_reflection_power(in->k) /
               (DRT_H * DRT_H + length * length);
  out[0] += power;
  /* P = V R^k / (h^2 + L^2): dP/dR = k P / R. */
  out[3 + DRT_SG_PER_OBJECT * n_objects] += (real)in->k * power / DRT_R;
  int directions = drt_scene_directions(in->k);
  for (int first = 0; first < directions; first += DRT_ND)
    drt_scene_block(&sp, first, segments, n_objects, p, out);
}

#endif
