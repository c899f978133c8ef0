/* drt_validity.h — the smoothed validity V of a path (DESIGN §7) and its
 * power (DESIGN §8). */
#ifndef DRT_VALIDITY_H
#define DRT_VALIDITY_H

#include "drt_cl_compat.h"
#include "drt_geometry.h"
#include "drt_interactions.h"
#include "drt_smooth.h"

#define DRT_LOSS_TOL ((real)0.01)
#define DRT_R ((real)0.5)
#define DRT_H ((real)0.1)

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
 * laws (DESIGN §6 "loss"). */
DRT_FN lreal drt_path_loss(const drt_interactions *in, const drt_vec2 *path) {
  lreal loss = 0;
  for (int j = 0; j < in->k; j++) {
    drt_vec2 e = drt_interaction_error(in, path, j);
    loss += drt_dot(e, e);
  }
  return loss;
}

/* Truth of "every interaction point lies on its object". */
DRT_FN lreal drt_on_objects(const drt_interactions *in, const drt_vec2 *path,
                            drt_smoothing_params p) {
  lreal on = 1;
  for (int j = 0; j < in->k; j++) {
    if (in->type[j] == DRT_OBJ_VERTEX) continue;
    drt_vec2 t = in->t[j];
    lreal tt = drt_dot(t, t);
    lreal u = drt_dot(t, drt_sub(path[j + 1], in->a[j])) / drt_sel(tt == (real)0, 1, tt);
    on = drt_and(on, drt_and(drt_greater_equal(u, 0, p),
                             drt_less_equal(u, 1, p)));
  }
  return on;
}

/* Truth of "some object meets some path segment", the objects at either end
 * of a segment excepted; vertices never obstruct. A lane stops once
 * certain (its value frozen at 1), the loop after a segment once every lane
 * has (testing after each object costs a reduction over the lanes each
 * time, more than the tests it saves). */
DRT_FN lreal drt_obstructed(const drt_vec2 *path, DRT_GLOBAL const int *cand,
                            int k, DRT_GLOBAL const real *segments,
                            DRT_GLOBAL const int *types, int n_objects,
                            drt_smoothing_params p) {
  lreal blocked = 0;
  for (int j = 0; j <= k; j++) {
    int first = j > 0 ? cand[j - 1] : -1;
    int last = j < k ? cand[j] : -1;
    for (int m = 0; m < n_objects; m++) {
      if (m == first || m == last || types[m] == DRT_OBJ_VERTEX) continue;
      lreal meet = drt_segments_meet(path[j], path[j + 1],
                                     drt_object_a(segments, m),
                                     drt_object_b(segments, m), p);
      blocked = drt_sel(blocked == (real)1, blocked, drt_or(blocked, meet));
    }
    if (DRT_ALL(blocked == (real)1)) return blocked;
  }
  return blocked;
}

/* Total length of path[0..k+1]. */
DRT_FN lreal drt_path_length(const drt_vec2 *path, int k) {
  lreal length = 0;
  for (int j = 0; j <= k; j++) length += drt_norm(drt_sub(path[j + 1], path[j]));
  return length;
}

/* R^k by products: exact for R = 1/2 (OpenCL's pown goes through exp). */
DRT_FN real drt_reflection_power(int k) {
  real r_k = 1;
  for (int j = 0; j < k; j++) r_k *= DRT_R;
  return r_k;
}

/* V * R^k / (h^2 + L^2), where V = on_objects and not obstructed and
 * loss < tol. A NaN or zero V contributes exactly 0; the obstruction test,
 * the costly part, is skipped once V is known to be 0 (in every lane). */
DRT_FN lreal drt_path_contribution(const drt_interactions *in,
                                   const drt_vec2 *path,
                                   DRT_GLOBAL const int *cand,
                                   DRT_GLOBAL const real *segments,
                                   DRT_GLOBAL const int *types, int n_objects,
                                   drt_smoothing_params p) {
  lreal v = drt_and(drt_on_objects(in, path, p),
                    drt_less(drt_path_loss(in, path), DRT_LOSS_TOL, p));
  if (!DRT_ANY(v > (real)0)) return 0;
  v = drt_and(v, drt_not(drt_obstructed(path, cand, in->k, segments, types,
                                        n_objects, p)));
  if (!DRT_ANY(v > (real)0)) return 0;
  real r_k = drt_reflection_power(in->k);
  lreal length = drt_path_length(path, in->k);
  lreal power = v * r_k / (DRT_H * DRT_H + length * length);
  return drt_sel(v > (real)0, power, 0);
}

#endif
