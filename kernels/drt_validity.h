/* drt_validity.h — the smoothed validity V of a path (DESIGN §7) and its
 * power (DESIGN §8). */
#ifndef DRT_VALIDITY_H
#define DRT_VALIDITY_H

#include "drt_cl_compat.h"
#include "drt_geometry.h"
#include "drt_path_im.h"
#include "drt_smooth.h"

#define DRT_LOSS_TOL ((real)0.01)
#define DRT_R ((real)0.5)
#define DRT_H ((real)0.1)

/* Residual of the interaction law at path[j] with object o (DESIGN §5). */
DRT_FN real drt_interaction_residual(const drt_vec2 *path, int j, int o,
                                     DRT_GLOBAL const real *segments,
                                     DRT_GLOBAL const int *types,
                                     DRT_GLOBAL const real *phis) {
  if (types[o] == DRT_OBJ_VERTEX) return (real)0;
  drt_vec2 n = drt_wall_normal(drt_object_a(segments, o),
                               drt_object_b(segments, o));
  if (types[o] == DRT_OBJ_WALL)
    return drt_reflection_residual(path[j - 1], path[j], path[j + 1], n);
  drt_vec2 back = drt_scale(drt_normalize(drt_sub(path[j + 1], path[j])), -1);
  real sin_a = drt_cross(back, n) - sin(phis[o]);
  real cos_a = drt_dot(back, n) - cos(phis[o]);
  return sin_a * sin_a + cos_a * cos_a;
}

/* Sum of the interaction residuals: about 0 for a path obeying the laws. */
DRT_FN real drt_path_loss(const drt_vec2 *path, DRT_GLOBAL const int *cand,
                          int k, DRT_GLOBAL const real *segments,
                          DRT_GLOBAL const int *types,
                          DRT_GLOBAL const real *phis) {
  real loss = 0;
  for (int j = 1; j <= k; j++)
    loss += drt_interaction_residual(path, j, cand[j - 1], segments, types, phis);
  return loss;
}

/* Truth of "every interaction point lies on its object". */
DRT_FN real drt_on_objects(const drt_vec2 *path, DRT_GLOBAL const int *cand,
                           int k, DRT_GLOBAL const real *segments,
                           DRT_GLOBAL const int *types,
                           drt_smoothing_params p) {
  real on = 1;
  for (int j = 1; j <= k; j++) {
    int o = cand[j - 1];
    if (types[o] == DRT_OBJ_VERTEX) continue;
    real u = drt_wall_param(path[j], drt_object_a(segments, o),
                            drt_object_b(segments, o));
    on = drt_and(on, drt_and(drt_greater_equal(u, 0, p),
                             drt_less_equal(u, 1, p)));
  }
  return on;
}

/* Truth of "some object meets some path segment", the objects at either end
 * of a segment excepted; vertices never obstruct. Stops once certain. */
DRT_FN real drt_obstructed(const drt_vec2 *path, DRT_GLOBAL const int *cand,
                           int k, DRT_GLOBAL const real *segments,
                           DRT_GLOBAL const int *types, int n_objects,
                           drt_smoothing_params p) {
  real blocked = 0;
  for (int j = 0; j <= k; j++) {
    int first = j > 0 ? cand[j - 1] : -1;
    int last = j < k ? cand[j] : -1;
    for (int m = 0; m < n_objects; m++) {
      if (m == first || m == last || types[m] == DRT_OBJ_VERTEX) continue;
      blocked = drt_or(blocked, drt_segments_meet(path[j], path[j + 1],
                                                  drt_object_a(segments, m),
                                                  drt_object_b(segments, m), p));
      if (blocked == (real)1) return blocked;
    }
  }
  return blocked;
}

/* Total length of path[0..k+1]. */
DRT_FN real drt_path_length(const drt_vec2 *path, int k) {
  real length = 0;
  for (int j = 0; j <= k; j++) length += drt_norm(drt_sub(path[j + 1], path[j]));
  return length;
}

/* V * R^k / (h^2 + L^2), where V = on_objects and not obstructed and
 * loss < tol. A NaN or zero V contributes exactly 0; the obstruction test,
 * the costly part, is skipped once V is known to be 0. */
DRT_FN real drt_path_contribution(const drt_vec2 *path,
                                  DRT_GLOBAL const int *cand, int k,
                                  DRT_GLOBAL const real *segments,
                                  DRT_GLOBAL const int *types,
                                  DRT_GLOBAL const real *phis, int n_objects,
                                  drt_smoothing_params p) {
  real loss = drt_path_loss(path, cand, k, segments, types, phis);
  real v = drt_and(drt_on_objects(path, cand, k, segments, types, p),
                   drt_less(loss, DRT_LOSS_TOL, p));
  if (!(v > (real)0)) return 0;
  v = drt_and(v, drt_not(drt_obstructed(path, cand, k, segments, types,
                                        n_objects, p)));
  if (!(v > (real)0)) return 0;
  real length = drt_path_length(path, k);
  return v * pown(DRT_R, k) / (DRT_H * DRT_H + length * length);
}

#endif
