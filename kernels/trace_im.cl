/* trace_im.cl — image-method tracing: power summed over candidates for
 * every (cell, candidate chunk), and the reduction over chunks. */
#include "drt_cl_compat.h"
#include "drt_geometry.h"
#include "drt_path_im.h"
#include "drt_smooth.h"
#include "drt_validity.h"

/* One work-item per (cell, chunk of candidates of one order): it adds the
 * power of its candidates, over every fixed endpoint, into its own slot of
 * `partial` (chunk-major), so sums are deterministic without atomics.
 * `moving` holds the grid points; vary_tx says whether they are the
 * transmitter (else the receiver). */
__kernel void trace_im(__global const real *moving, const int n_cells,
                       __global const real *fixed, const int n_fixed,
                       const int vary_tx, __global const real *segments,
                       __global const int *types, __global const real *phis,
                       const int n_objects, __global const int *candidates,
                       const int order, const int n_candidates,
                       const int chunk, const int mode, const real alpha,
                       __global real *partial) {
  const int cell = get_global_id(0);
  const int chunk_index = get_global_id(1);
  if (cell >= n_cells) return;
  const drt_smoothing_params p = {mode, alpha};
  const drt_vec2 here = drt_v2(moving[2 * cell], moving[2 * cell + 1]);
  const int first = chunk_index * chunk;
  const int last = min(first + chunk, n_candidates);
  drt_vec2 path[DRT_MAX_ORDER + 2];
  real sum = 0;
  for (int c = first; c < last; c++) {
    __global const int *cand = candidates + (size_t)c * order;
    for (int f = 0; f < n_fixed; f++) {
      const drt_vec2 there = drt_v2(fixed[2 * f], fixed[2 * f + 1]);
      const drt_vec2 tx = vary_tx ? here : there;
      const drt_vec2 rx = vary_tx ? there : here;
      drt_image_method(tx, rx, cand, order, segments, path);
      sum += drt_path_contribution(path, cand, order, segments, types, phis,
                                   n_objects, p);
    }
  }
  partial[(size_t)chunk_index * n_cells + cell] += sum;
}

/* out[cell] = sum over chunks of partial, in chunk order. */
__kernel void reduce_chunks(__global const real *partial, const int n_cells,
                            const int n_chunks, __global real *out) {
  const int cell = get_global_id(0);
  if (cell >= n_cells) return;
  real sum = 0;
  for (int c = 0; c < n_chunks; c++) sum += partial[(size_t)c * n_cells + cell];
  out[cell] = sum;
}
