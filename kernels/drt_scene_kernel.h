/* drt_scene_kernel.h — the point-query kernel of scene-parameter
 * derivatives, part of a trace_<method>.cl program built with
 * -DDRT_GRADIENT -DDRT_SCENE_GRADIENT (see drt_trace_kernel.h). */
#include "drt_scene_gradient.h"

/* One work-item per point: it traces every candidate of one order from
 * every fixed endpoint and adds the power with its derivatives by every
 * scene parameter into its own `stride` values of `out` (the
 * drt_scene_stride layout), so the sums need no atomics and are
 * deterministic; one launch per order adds into the same values. `moving`
 * holds the points as x, y pairs; cell_offset + point is a point's global
 * index, the key of its random starts as in trace. */
__kernel void trace_scene_grad(
    __global const real *moving, const int n_points, const ulong cell_offset,
    __global const real *fixed, const int n_fixed, const int vary_tx,
    __global const real *segments, __global const int *types,
    __global const real *phis, const int n_objects,
    __global const int *candidates, const int order, const int n_candidates,
    const int method, const int mode, const real alpha, const ulong seed,
    __global real *out, const int stride, __global uint *iterations) {
  const int point = get_global_id(0);
  if (point >= n_points) return;
  const drt_smoothing_params p = {mode, alpha};
  const drt_vec2 here = drt_v2(moving[2 * point], moving[2 * point + 1]);
  __global real *results = out + (size_t)point * stride;
  drt_vec2 path[DRT_MAX_ORDER + 2];
  drt_interactions in;
  uint steps = 0;
  for (int c = 0; c < n_candidates; c++) {
    __global const int *cand = candidates + (size_t)c * order;
    drt_load_interactions(cand, order, segments, types, phis, &in);
    for (int f = 0; f < n_fixed; f++) {
      const drt_vec2 there = drt_v2(fixed[2 * f], fixed[2 * f + 1]);
      const drt_vec2 tx = vary_tx ? here : there;
      const drt_vec2 rx = vary_tx ? there : here;
      const ulong key = drt_path_key(order, (ulong)c, n_fixed, f);
      steps += DRT_FIND_PATH(&in, tx, rx, seed, cell_offset + point, key, path);
      drt_scene_path_gradient(&in, path, method, vary_tx, f, cand, segments,
                              types, n_objects, p, results);
    }
  }
  iterations[point] += steps;
}
