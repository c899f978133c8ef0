/* drt_pair_kernel.h — value and gradient of each (point, fixed endpoint)
 * pair apart: one launch gives every receiver's power and its derivatives
 * by one transmitter position (a step of the optimiser), where trace_grad
 * sums over the fixed endpoints. Included by drt_trace_kernel.h in
 * gradient programs. */
#ifndef DRT_PAIR_KERNEL_H
#define DRT_PAIR_KERNEL_H

/* Each lane's fixed endpoint: pair g is fixed endpoint g % n_fixed. */
DRT_FN drt_vec2 drt_pair_fixed(__global const real *fixed, int n_fixed,
                               ulong pair) {
  real x[DRT_LANES], y[DRT_LANES];
  for (int l = 0; l < DRT_LANES; l++) {
    int f = (int)((pair + (ulong)l) % (ulong)n_fixed);
    x[l] = fixed[2 * f];
    y[l] = fixed[2 * f + 1];
  }
  return drt_v2(drt_load_lanes(x), drt_load_lanes(y));
}

/* The arguments of trace_grad; global cell g = cell_offset + cell is the
 * pair (point g / n_fixed, fixed endpoint g % n_fixed), and `moving` holds
 * each pair's own copy of its point. A pair draws the random starts that
 * trace_grad draws for that point and endpoint (MPT runs one lane), so
 * summing a point's pairs gives trace_grad's result up to rounding. */
__kernel void trace_grad_pairs(
    __global const real *moving, const int n_cells, const ulong cell_offset,
    __global const real *fixed, const int n_fixed, const int vary_tx,
    __global const real *segments, __global const int *types,
    __global const real *phis, const int n_objects,
    __global const int *candidates, const int order, const int n_candidates,
    const int chunk, const int mode, const real alpha, const ulong seed,
    __global real *partial, __global uint *iterations, const ulong slots) {
  const int cell = get_global_id(0) * DRT_LANES;
  const int chunk_index = get_global_id(1);
  if (cell >= n_cells) return;
  const drt_smoothing_params p = {mode, alpha};
  const drt_vec2 here = drt_v2(drt_load_lanes(moving + cell),
                               drt_load_lanes(moving + n_cells + cell));
  const ulong pair = cell_offset + (ulong)cell;
  const int f = (int)(pair % (ulong)n_fixed);
  const ulong point = pair / (ulong)n_fixed;
  const drt_vec2 there = drt_pair_fixed(fixed, n_fixed, pair);
  const int first = chunk_index * chunk;
  const int last = min(first + chunk, n_candidates);
  drt_interactions in;
  drt_dual sum = drt_dual_const(0);
  uint steps = 0;
  for (int c = first; c < last; c++) {
    __global const int *cand = candidates + (size_t)c * order;
    drt_load_interactions(cand, order, segments, types, phis, &in);
    const ulong key = drt_path_key(order, (ulong)c, n_fixed, f);
    drt_dual_accumulate(
        &sum, drt_candidate_grad(&in, cand, vary_tx ? here : there,
                                 vary_tx ? there : here, vary_tx, seed, point,
                                 key, segments, types, n_objects, p, &steps));
  }
  const size_t slot = (size_t)chunk_index * n_cells + cell;
  drt_store_grad(partial, slots, slot, sum);
  iterations[slot] += steps;
}

#endif
