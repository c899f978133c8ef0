/* drt_trace_kernel.h — the tracing kernels shared by every path method. A
 * trace_<method>.cl program defines DRT_FIND_PATH(in, tx, rx, seed, cell,
 * candidate, path), which fills the path points and returns the solver's
 * iteration count, and DRT_PATH_TANGENTS(in, tx, rx, path, dpath), which
 * fills the points' tangents given those of the endpoints, then includes
 * this file. Built with -DDRT_GRADIENT, the program has the
 * value-and-gradient kernels instead of the value kernels. */
#include "drt_cl_compat.h"
#include "drt_geometry.h"
#include "drt_interactions.h"
#include "drt_random.h"
#include "drt_smooth.h"
#include "drt_validity.h"

/* One work-item per (DRT_LANES cells, chunk of candidates of one order):
 * it adds the power of its candidates, over every fixed endpoint, into its
 * cells' own slots of `partial` (chunk-major), so sums are deterministic
 * without atomics, and its solver iterations into its first cell's slot of
 * `iterations`. `moving` holds the grid points, all x then all y; n_cells,
 * a multiple of DRT_LANES (the host pads a tile), is also the stride of both
 * arrays. cell_offset + cell is a cell's global index, the key of its
 * random starts (the iterative methods are built with one lane); vary_tx
 * says whether the grid points are the transmitter. */
#ifndef DRT_GRADIENT

__kernel void trace(
    __global const real *moving, const int n_cells, const ulong cell_offset,
    __global const real *fixed, const int n_fixed, const int vary_tx,
    __global const real *segments, __global const int *types,
    __global const real *phis, const int n_objects,
    __global const int *candidates, const int order, const int n_candidates,
    const int chunk, const int mode, const real alpha, const ulong seed,
    __global real *partial, __global uint *iterations) {
  const int cell = get_global_id(0) * DRT_LANES;
  const int chunk_index = get_global_id(1);
  if (cell >= n_cells) return;
  const drt_smoothing_params p = {mode, alpha};
  const drt_vec2 here = drt_v2(drt_load_lanes(moving + cell),
                               drt_load_lanes(moving + n_cells + cell));
  const int first = chunk_index * chunk;
  const int last = min(first + chunk, n_candidates);
  drt_vec2 path[DRT_MAX_ORDER + 2];
  drt_interactions in;
  lreal sum = 0;
  uint steps = 0;
  for (int c = first; c < last; c++) {
    __global const int *cand = candidates + (size_t)c * order;
    drt_load_interactions(cand, order, segments, types, phis, &in);
    for (int f = 0; f < n_fixed; f++) {
      const drt_vec2 there = drt_v2(fixed[2 * f], fixed[2 * f + 1]);
      const drt_vec2 tx = vary_tx ? here : there;
      const drt_vec2 rx = vary_tx ? there : here;
      const ulong key = drt_path_key(order, (ulong)c, n_fixed, f);
      steps += DRT_FIND_PATH(&in, tx, rx, seed, cell_offset + cell, key, path);
      sum += drt_path_contribution(&in, path, cand, segments, types, n_objects, p);
    }
  }
  const size_t slot = (size_t)chunk_index * n_cells + cell;
  drt_store_lanes(drt_load_lanes(partial + slot) + sum, partial + slot);
  iterations[slot] += steps;
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

#else /* DRT_GRADIENT */

#include "drt_gradient.h"

/* One candidate's path from tx to rx, with its power and the power's
 * derivatives by the moving endpoint; adds the solver's iterations to
 * *steps. cell and key select MPT's random starts. */
DRT_FN drt_dual drt_candidate_grad(const drt_interactions *in,
                                   __global const int *cand, drt_vec2 tx,
                                   drt_vec2 rx, int vary_tx, ulong seed,
                                   ulong cell, ulong key,
                                   __global const real *segments,
                                   __global const int *types, int n_objects,
                                   drt_smoothing_params p, uint *steps) {
  drt_vec2 path[DRT_MAX_ORDER + 2];
  drt_tangent dpath[DRT_MAX_ORDER + 2];
  *steps += DRT_FIND_PATH(in, tx, rx, seed, cell, key, path);
  drt_endpoint_tangents(vary_tx, &dpath[0], &dpath[in->k + 1]);
  DRT_PATH_TANGENTS(in, tx, rx, path, dpath);
  return drt_path_contribution_dual(in, path, dpath, cand, segments, types,
                                    n_objects, p);
}

DRT_FN void drt_dual_accumulate(drt_dual *sum, drt_dual term) {
  sum->v += term.v;
  for (int i = 0; i < DRT_ND; i++) sum->d[i] += term.d[i];
}

/* Adds a work-item's sums into its slot: component c of slot s is
 * partial[c * slots + s]. */
DRT_FN void drt_store_grad(__global real *partial, ulong slots, size_t slot,
                           drt_dual sum) {
  for (int c = 0; c <= DRT_ND; c++) {
    __global real *at = partial + c * slots + slot;
    drt_store_lanes(drt_load_lanes(at) + (c == 0 ? sum.v : sum.d[c - 1]), at);
  }
}

/* As trace, adding the power's derivatives by the moving endpoint's x and
 * y. */
__kernel void trace_grad(
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
  const int first = chunk_index * chunk;
  const int last = min(first + chunk, n_candidates);
  drt_interactions in;
  drt_dual sum = drt_dual_const(0);
  uint steps = 0;
  for (int c = first; c < last; c++) {
    __global const int *cand = candidates + (size_t)c * order;
    drt_load_interactions(cand, order, segments, types, phis, &in);
    for (int f = 0; f < n_fixed; f++) {
      const drt_vec2 there = drt_v2(fixed[2 * f], fixed[2 * f + 1]);
      const ulong key = drt_path_key(order, (ulong)c, n_fixed, f);
      drt_dual_accumulate(
          &sum, drt_candidate_grad(&in, cand, vary_tx ? here : there,
                                   vary_tx ? there : here, vary_tx, seed,
                                   cell_offset + cell, key, segments, types,
                                   n_objects, p, &steps));
    }
  }
  const size_t slot = (size_t)chunk_index * n_cells + cell;
  drt_store_grad(partial, slots, slot, sum);
  iterations[slot] += steps;
}

/* out[3 cell + c] = sum over chunks of component c of partial. */
__kernel void reduce_chunks_grad(__global const real *partial, const int n_cells,
                                 const int n_chunks, const ulong slots,
                                 __global real *out) {
  const int cell = get_global_id(0);
  if (cell >= n_cells) return;
  for (int c = 0; c <= DRT_ND; c++) {
    real sum = 0;
    for (int k = 0; k < n_chunks; k++)
      sum += partial[c * slots + (size_t)k * n_cells + cell];
    out[(DRT_ND + 1) * cell + c] = sum;
  }
}

/* The same at (moving, fixed) pairs, for the optimiser. */
#include "drt_pair_kernel.h"

#ifdef DRT_SCENE_GRADIENT
/* Derivatives by every scene parameter at a few points. */
#include "drt_scene_kernel.h"
#endif

#endif
