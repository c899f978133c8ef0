/* drt_laws.h — the interaction laws of a path (docs/method.md §4): the error
 * vector of each reflection, RIS and vertex, how it turns when the path's
 * points or its objects move, the path's loss and length. Shared by the
 * solvers, the path tangents and the validity. */
#ifndef DRT_LAWS_H
#define DRT_LAWS_H

#include "base/drt_cl_compat.h"
#include "base/drt_geometry.h"
#include "paths/drt_interactions.h"

/* Residual vector of the interaction law at path[j + 1] (interaction j):
 * reflection r - (i - 2 (i.n) n); RIS (sin a - sin phi, cos a - cos phi)
 * with a the angle of the outgoing ray to the normal; vertex 0. */
DRT_FN drt_vec2 drt_interaction_error(const drt_interactions *in,
                                      const drt_vec2 *path, int j) {
  if (in->type[j] == DRT_OBJ_WALL)
    return drt_reflection_error(path[j], path[j + 1], path[j + 2], in->n[j]);
  if (in->type[j] == DRT_OBJ_RIS)
    return drt_ris_error(path[j + 1], path[j + 2], in->n[j], in->sin_phi[j],
                         in->cos_phi[j]);
  return drt_v2(0, 0);
}

/* (I - d d^T / |d|^2) w / |d| for d = to - from: how the unit vector along
 * d turns when `to` moves by w. Zero for a zero-length d. */
DRT_FN drt_vec2 drt_unit_turn(drt_vec2 from, drt_vec2 to, drt_vec2 w) {
  drt_vec2 d = drt_sub(to, from);
  lreal l = drt_norm(d);
  lmask zero = l == (real)0;
  l = drt_sel(zero, 1, l);
  drt_vec2 nh = drt_v2(-d.y / l, d.x / l);
  return drt_sel_v2(zero, drt_v2(0, 0), drt_scale(nh, drt_dot(nh, w) / l));
}

/* Mirror of w in the line of unit normal n: (I - 2 n n^T) w. */
DRT_FN drt_vec2 drt_reflect(drt_vec2 w, drt_vec2 n) {
  return drt_sub(w, drt_scale(n, (real)2 * drt_dot(n, w)));
}

/* Derivative of a RIS error by the (unnormalised) back direction:
 * d(cross(b, n), b.n)/db applied to w. */
DRT_FN drt_vec2 drt_ris_turn(drt_vec2 n, drt_vec2 w) {
  return drt_v2(n.y * w.x - n.x * w.y, n.x * w.x + n.y * w.y);
}

/* Change of interaction j's error vector when path points j, j+1, j+2
 * (interactions j-1, j, j+1) move by w0, w1, w2: e = r - reflect(i) on a
 * wall, e = (cross(b, n), b.n) - const with b = -r on a RIS, where i and r
 * are the unit incoming and outgoing directions. */
DRT_FN drt_vec2 drt_error_tangent(const drt_interactions *in,
                                  const drt_vec2 *path, int j, drt_vec2 w0,
                                  drt_vec2 w1, drt_vec2 w2) {
  const drt_vec2 p0 = path[j], p1 = path[j + 1], p2 = path[j + 2];
  drt_vec2 dr = drt_unit_turn(p1, p2, drt_sub(w2, w1));
  if (in->type[j] == DRT_OBJ_WALL) {
    drt_vec2 di = drt_unit_turn(p0, p1, drt_sub(w1, w0));
    return drt_sub(dr, drt_reflect(di, in->n[j]));
  }
  if (in->type[j] == DRT_OBJ_RIS)
    return drt_scale(drt_ris_turn(in->n[j], dr), (real)-1);
  return drt_v2(0, 0);
}

/* Sum of the squared interaction residuals: about 0 for a path obeying the
 * laws (docs/method.md §5, "loss"). */
DRT_FN lreal drt_path_loss(const drt_interactions *in, const drt_vec2 *path) {
  lreal loss = 0;
  for (int j = 0; j < in->k; j++) {
    drt_vec2 e = drt_interaction_error(in, path, j);
    loss += drt_dot(e, e);
  }
  return loss;
}

/* Total length of path[0..k+1]. */
DRT_FN lreal drt_path_length(const drt_vec2 *path, int k) {
  lreal length = 0;
  for (int j = 0; j <= k; j++) length += drt_norm(drt_sub(path[j + 1], path[j]));
  return length;
}

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

#endif
