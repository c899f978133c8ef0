/* drt_driver.h — the one kernel driver: the candidate loop, the fixed-
 * endpoint loop and the reduction, for maps, points, pairs, scene
 * gradients and studies. A program defines DRT_METHOD and
 * DRT_FIND_PATH(in, tx, rx, seed, cell, key, path), which fills the path
 * points and returns the solver's iterations, then includes this file.
 * Build options choose what the program computes: DRT_ND tangent
 * directions (0: values; 2: the moving endpoint's x and y), with
 * DRT_MOVING_OBJECTS the derivatives by every scene parameter. */
#ifndef DRT_DRIVER_H
#define DRT_DRIVER_H

#include "base/drt_cl_compat.h"
#include "power/drt_contribution.h"
#include "base/drt_geometry.h"
#include "paths/drt_interactions.h"
#include "base/drt_num.h"
#include "power/drt_power.h"
#include "base/drt_random.h"
#include "base/drt_smooth.h"

/* The scene view of a cells kernel, with the wave of its arguments. */
DRT_FN drt_scene_view drt_wave_view(DRT_GLOBAL const real *segments,
                                    DRT_GLOBAL const int *types,
                                    DRT_GLOBAL const real *phis, int n_objects,
                                    DRT_GLOBAL const real *materials,
                                    real wavenumber, int wave_flags) {
  drt_scene_view sv = drt_view_of(segments, types, phis, n_objects);
  sv.wave.k = wavenumber;
  sv.wave.flags = wave_flags;
  sv.wave.materials = materials;
  return sv;
}

/* Values a cell's result holds: the power and its DRT_ND derivatives; in
 * radio programs the field's real and imaginary parts with theirs. */
#ifdef DRT_RADIO
#define DRT_COMPONENTS (2 * (DRT_ND + 1))
#else
#define DRT_COMPONENTS (DRT_ND + 1)
#endif

/* Where a work-item's paths go: a sum of powers (maps, points, pairs,
 * studies) or, with moving objects, one point's scene-gradient result. */
typedef struct drt_sink {
  drt_num sum; /* radio programs: the field's real part, or the power */
#ifdef DRT_RADIO
  drt_num im;  /* the field's imaginary part (0 when incoherent) */
#endif
  DRT_GLOBAL real *out;
  unsigned int steps;
} drt_sink;

/* The endpoints of a work-item's paths: the moving one (per lane) and the
 * fixed ones, either all of `fixed` (x, y pairs) or, where fixed is
 * unused (pairs, studies), the single `there` with index f. */
typedef struct drt_endpoints {
  drt_vec2 here, there;
  DRT_GLOBAL const real *fixed;
  int use_fixed, n_fixed, f, vary_tx;
  drt_u64 seed, cell; /* cell: the key of the moving endpoint's starts */
} drt_endpoints;

/* The moving endpoint `here` (per lane) with every fixed endpoint. */
DRT_FN drt_endpoints drt_endpoints_all(drt_vec2 here,
                                       DRT_GLOBAL const real *fixed,
                                       int n_fixed, int vary_tx, drt_u64 seed,
                                       drt_u64 cell) {
  drt_endpoints ep;
  ep.here = ep.there = here;
  ep.fixed = fixed;
  ep.use_fixed = 1;
  ep.n_fixed = n_fixed;
  ep.f = 0;
  ep.vary_tx = vary_tx;
  ep.seed = seed;
  ep.cell = cell;
  return ep;
}

/* A set of candidates: rows of `width` ints; with order >= 0 every row
 * is `order` object indices, with order < 0 each row starts with its own
 * order. */
typedef struct drt_candidate_rows {
  DRT_GLOBAL const int *rows;
  int width, order;
} drt_candidate_rows;

/* One path from tx to rx through the candidate, added to the sink. */
DRT_FN void drt_trace_path(const drt_interactions *in,
                           DRT_GLOBAL const int *cand, drt_vec2 tx,
                           drt_vec2 rx, int f, drt_u64 key,
                           const drt_endpoints *ep, const drt_scene_view *sv,
                           drt_smoothing_params p, drt_sink *sink) {
  drt_vec2 path[DRT_MAX_ORDER + 2];
  sink->steps += DRT_FIND_PATH(in, tx, rx, ep->seed, ep->cell, key, path);
  drt_traced tp = {in, path, cand, DRT_METHOD};
#if defined(DRT_MOVING_OBJECTS) && defined(DRT_RADIO)
  drt_scene_radio(&tp, ep->vary_tx, f, ep->n_fixed, sv, p, sink->out);
#elif defined(DRT_MOVING_OBJECTS)
  drt_scene_power(&tp, ep->vary_tx, f, sv, p, sink->out);
#elif defined(DRT_RADIO)
  drt_cnum field = drt_endpoint_radio(&tp, ep->vary_tx, ep->vary_tx ? -1 : f,
                                      sv, p);
  drt_num_accumulate(&sink->sum, field.re);
  drt_num_accumulate(&sink->im, field.im);
#else
  drt_num_accumulate(&sink->sum, drt_endpoint_power(&tp, ep->vary_tx, sv, p));
#endif
}

/* Candidate c (object indices cand[0..k)) from fixed endpoint f. */
DRT_FN void drt_trace_candidate(const drt_interactions *in,
                                DRT_GLOBAL const int *cand, int k, int c,
                                int f, const drt_endpoints *ep,
                                const drt_scene_view *sv,
                                drt_smoothing_params p, drt_sink *sink) {
  drt_vec2 there = ep->there;
  if (ep->use_fixed) there = drt_v2(ep->fixed[2 * f], ep->fixed[2 * f + 1]);
  const drt_u64 key = drt_path_key(k, (drt_u64)c, ep->n_fixed, f);
  drt_trace_path(in, cand, ep->vary_tx ? ep->here : there,
                 ep->vary_tx ? there : ep->here, f, key, ep, sv, p, sink);
}

/* Candidates first .. last - 1, each from every fixed endpoint. */
DRT_FN void drt_trace_candidates(const drt_candidate_rows *cr, int first,
                                 int last, const drt_endpoints *ep,
                                 const drt_scene_view *sv,
                                 drt_smoothing_params p, drt_sink *sink) {
  drt_interactions in;
  const int f_first = ep->use_fixed ? 0 : ep->f;
  const int f_last = ep->use_fixed ? ep->n_fixed : ep->f + 1;
  for (int c = first; c < last; c++) {
    DRT_GLOBAL const int *cand = cr->rows + (size_t)c * cr->width;
    int k = cr->order;
    if (k < 0) k = *cand++;
    drt_load_interactions(cand, k, sv->segments, sv->types, sv->phis, &in);
    for (int f = f_first; f < f_last; f++)
      drt_trace_candidate(&in, cand, k, c, f, ep, sv, p, sink);
  }
}

/* Culled rows first .. last - 1 of order k (DRT_CULLED_WIDTH: the
 * candidate's index c in the whole enumeration of its order, its fixed
 * endpoint f, its k objects, its obstruction list's first and count in
 * `blockers`), sorted by c, then f: the sum runs in the order of
 * drt_trace_candidates, less the skipped terms. */
DRT_FN void drt_trace_culled_rows(DRT_GLOBAL const int *rows, int k,
                                  int first, int last,
                                  DRT_GLOBAL const int *blockers,
                                  const drt_endpoints *ep,
                                  const drt_scene_view *sv,
                                  drt_smoothing_params p, drt_sink *sink) {
  drt_interactions in;
  for (int r = first; r < last; r++) {
    DRT_GLOBAL const int *row = rows + (size_t)r * DRT_CULLED_WIDTH(k);
    drt_scene_view listed = *sv;
    listed.blockers = blockers + row[k + 2];
    listed.n_blockers = row[k + 3];
    drt_load_interactions(row + 2, k, sv->segments, sv->types, sv->phis, &in);
    drt_trace_candidate(&in, row + 2, k, row[0], row[1], ep, &listed, p, sink);
  }
}

DRT_FN drt_sink drt_sink_empty(DRT_GLOBAL real *out) {
  drt_sink s;
  s.sum = drt_num_const(0);
#ifdef DRT_RADIO
  s.im = drt_num_const(0);
#endif
  s.out = out;
  s.steps = 0;
  return s;
}

#ifdef __OPENCL_VERSION__

/* Adds a work-item's sums into its slot: component c of slot s is
 * partial[c * slots + s], the value and its DRT_ND derivatives, then in
 * radio programs the same of the imaginary part (DRT_COMPONENTS in all). */
DRT_FN void drt_store_num(__global real *partial, ulong slots, size_t slot,
                          int first, drt_num sum) {
  for (int c = 0; c <= DRT_ND; c++) {
    __global real *at = partial + (first + c) * slots + slot;
    drt_store_lanes(drt_load_lanes(at) + (c == 0 ? sum.v : sum.d[c - 1]), at);
  }
}
DRT_FN void drt_store_sums(__global real *partial, ulong slots, size_t slot,
                           const drt_sink *sink) {
  drt_store_num(partial, slots, slot, 0, sink->sum);
#ifdef DRT_RADIO
  drt_store_num(partial, slots, slot, DRT_ND + 1, sink->im);
#endif
}

/* Each lane's fixed endpoint of a pair kernel: pair g is fixed endpoint
 * g % n_fixed. */
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

/* The arguments of every cells kernel (trace, trace_pairs, trace_scene),
 * set by the host from one list. For trace and trace_pairs, one work-item per
 * (DRT_LANES cells, chunk of candidates of one order): it adds the power
 * (with DRT_ND derivatives) of its candidates into its cells' own slots
 * of `partial`, so sums are deterministic without atomics, and its solver
 * iterations into its first cell's slot of `iterations`. `moving` holds
 * the grid points, all x then all y; n_cells, a multiple of DRT_LANES
 * (the host pads a tile), is also the stride of both arrays.
 * cell_offset + cell is a cell's global index, the key of its random
 * starts (the iterative methods are built with one lane). */
#define DRT_TRACE_ARGS                                                         \
  __global const real *moving, const int n_cells, const ulong cell_offset,    \
      __global const real *fixed, const int n_fixed, const int vary_tx,       \
      __global const real *segments, __global const int *types,               \
      __global const real *phis, const int n_objects,                         \
      __global const int *candidates, const int order, const int n_candidates, \
      const int chunk, const int mode, const real alpha, const ulong seed,    \
      __global real *partial, __global uint *iterations, const ulong slots,  \
      __global const real *materials, const real wavenumber,                  \
      const int wave_flags

#ifndef DRT_MOVING_OBJECTS
/* The work-item's share: its cells, candidates and endpoints; pairs
 * says whether each cell is a (point, fixed endpoint) pair. */
DRT_FN void drt_trace_work(DRT_TRACE_ARGS, int pairs) {
  const int cell = get_global_id(0) * DRT_LANES;
  const int chunk_index = get_global_id(1);
  if (cell >= n_cells) return;
  const drt_smoothing_params p = {mode, alpha};
  const drt_scene_view sv =
      drt_wave_view(segments, types, phis, n_objects, materials, wavenumber,
                    wave_flags);
  const drt_candidate_rows cr = {candidates, order, order};
  const drt_vec2 here = drt_v2(drt_load_lanes(moving + cell),
                               drt_load_lanes(moving + n_cells + cell));
  drt_endpoints ep = drt_endpoints_all(here, fixed, n_fixed, vary_tx, seed,
                                       cell_offset + (ulong)cell);
  if (pairs) { /* global cell g: point g / n_fixed, fixed endpoint g % n_fixed */
    ep.use_fixed = 0;
    ep.f = (int)(ep.cell % (ulong)n_fixed);
    ep.there = drt_pair_fixed(fixed, n_fixed, ep.cell);
    ep.cell /= (ulong)n_fixed;
  }
  const int first = chunk_index * chunk;
  drt_sink sink = drt_sink_empty(partial);
  drt_trace_candidates(&cr, first, min(first + chunk, n_candidates), &ep, &sv,
                       p, &sink);
  const size_t slot = (size_t)chunk_index * n_cells + cell;
  drt_store_sums(partial, slots, slot, &sink);
  iterations[slot] += sink.steps;
}

/* Sums over every fixed endpoint: maps and point queries. */
__kernel void trace(DRT_TRACE_ARGS) {
  drt_trace_work(moving, n_cells, cell_offset, fixed, n_fixed, vary_tx,
                 segments, types, phis, n_objects, candidates, order,
                 n_candidates, chunk, mode, alpha, seed, partial, iterations,
                 slots, materials, wavenumber, wave_flags, 0);
}

/* Each (point, fixed endpoint) pair apart, for the optimiser: `moving`
 * holds each pair's own copy of its point. A pair draws the random starts
 * that trace draws for that point and endpoint (MPT runs one lane), so
 * summing a point's pairs gives trace's result up to rounding. */
__kernel void trace_pairs(DRT_TRACE_ARGS) {
  drt_trace_work(moving, n_cells, cell_offset, fixed, n_fixed, vary_tx,
                 segments, types, phis, n_objects, candidates, order,
                 n_candidates, chunk, mode, alpha, seed, partial, iterations,
                 slots, materials, wavenumber, wave_flags, 1);
}

#ifdef DRT_PATHS
/* Every path on its own, for `drt2d paths` (a value program of one lane):
 * work-item (i, f) traces candidate chunk + i from fixed endpoint f to
 * the one moving endpoint, with the random starts of point 0 of a query
 * (cell key cell_offset), and writes its record (drt_path_record) at
 * partial + (f slots + i) DRT_PATH_RECORD(order). */
__kernel void trace_paths(DRT_TRACE_ARGS) {
  const int i = get_global_id(0), f = get_global_id(1);
  const int c = chunk + i;
  if ((ulong)i >= slots || c >= n_candidates || f >= n_fixed) return;
  const drt_smoothing_params p = {mode, alpha};
  const drt_scene_view sv =
      drt_wave_view(segments, types, phis, n_objects, materials, wavenumber,
                    wave_flags);
  __global const int *cand = candidates + (size_t)c * order;
  drt_interactions in;
  drt_load_interactions(cand, order, segments, types, phis, &in);
  const drt_vec2 tx = drt_v2(fixed[2 * f], fixed[2 * f + 1]);
  const drt_vec2 rx =
      drt_v2(drt_load_lanes(moving), drt_load_lanes(moving + n_cells));
  drt_vec2 path[DRT_MAX_ORDER + 2];
  const drt_u64 key = drt_path_key(order, (drt_u64)c, n_fixed, f);
  uint steps = DRT_FIND_PATH(&in, tx, rx, seed, cell_offset, key, path);
  drt_traced tp = {&in, path, cand, DRT_METHOD};
  __global real *out =
      partial + ((size_t)f * slots + (size_t)i) * DRT_PATH_RECORD(order);
  drt_path_record(&tp, f, &sv, p, out);
  out[4] = (real)steps;
  for (int j = 0; j < order + 2; j++) {
    out[DRT_PATH_POINTS + 2 * j] = path[j].x;
    out[DRT_PATH_POINTS + 2 * j + 1] = path[j].y;
  }
}
#endif

/* The culled trace (docs/method.md §13): the cells of a work-item share a
 * unit (item_unit[item]), whose candidates of this order are the rows in
 * its entries: unit_entries[2 u] is the unit's first entry in `entries`,
 * unit_entries[2 u + 1] their count, and an entry (slot, first row, end
 * row) holds the rows of one chunk of the whole enumeration. Work-item
 * (item, e) adds entry e's rows into its cells' slot `slot`, the ordinal
 * of that chunk among the unit's chunks with any row, so a cell's slots
 * hold the whole enumeration's chunk sums less terms that are exactly 0. */
__kernel void trace_culled(DRT_TRACE_ARGS, __global const int *item_unit,
                           __global const int *unit_entries,
                           __global const int *entries,
                           __global const int *blockers) {
  const int item = get_global_id(0);
  const int cell = item * DRT_LANES;
  if (cell >= n_cells) return;
  const int unit = item_unit[item];
  const int e = get_global_id(1);
  if (e >= unit_entries[2 * unit + 1]) return;
  __global const int *entry = entries + 3 * (unit_entries[2 * unit] + e);
  const drt_smoothing_params p = {mode, alpha};
  const drt_scene_view sv =
      drt_wave_view(segments, types, phis, n_objects, materials, wavenumber,
                    wave_flags);
  const drt_vec2 here = drt_v2(drt_load_lanes(moving + cell),
                               drt_load_lanes(moving + n_cells + cell));
  const drt_endpoints ep = drt_endpoints_all(here, fixed, n_fixed, vary_tx,
                                             seed, cell_offset + (ulong)cell);
  drt_sink sink = drt_sink_empty(partial);
  drt_trace_culled_rows(candidates, order, entry[1], entry[2], blockers, &ep,
                        &sv, p, &sink);
  const size_t slot = (size_t)entry[0] * n_cells + cell;
  drt_store_sums(partial, slots, slot, &sink);
  iterations[slot] += sink.steps;
}

/* The culled trace's reduction: a cell sums its unit's unit_slots[u]
 * slots in order, as reduce_chunks sums every chunk. */
__kernel void reduce_culled(__global const real *partial, const int n_cells,
                            __global const int *item_unit,
                            __global const int *unit_slots, const ulong slots,
                            __global real *out) {
  const int cell = get_global_id(0);
  if (cell >= n_cells) return;
  const int n_chunks = unit_slots[item_unit[cell / DRT_LANES]];
  for (int c = 0; c < DRT_COMPONENTS; c++) {
    real sum = 0;
    for (int k = 0; k < n_chunks; k++)
      sum += partial[c * slots + (size_t)k * n_cells + cell];
    out[DRT_COMPONENTS * cell + c] = sum;
  }
}

/* out[DRT_COMPONENTS cell + c] = sum over chunks of component c of
 * partial, in chunk order. */
__kernel void reduce_chunks(__global const real *partial, const int n_cells,
                            const int n_chunks, const ulong slots,
                            __global real *out) {
  const int cell = get_global_id(0);
  if (cell >= n_cells) return;
  for (int c = 0; c < DRT_COMPONENTS; c++) {
    real sum = 0;
    for (int k = 0; k < n_chunks; k++)
      sum += partial[c * slots + (size_t)k * n_cells + cell];
    out[DRT_COMPONENTS * cell + c] = sum;
  }
}

#else /* DRT_MOVING_OBJECTS */

/* Derivatives by every scene parameter at a few points: one work-item per
 * point (the program has one lane) traces every candidate of one order
 * from every fixed endpoint and adds the power with its derivatives into
 * its own `slots` values of `partial` (drt_scene_stride), so the sums
 * need no atomics; one launch per order adds into the same values. The
 * whole set is one chunk. */
__kernel void trace_scene(DRT_TRACE_ARGS) {
  const int point = get_global_id(0);
  if (point >= n_cells) return;
  const drt_smoothing_params p = {mode, alpha};
  const drt_scene_view sv =
      drt_wave_view(segments, types, phis, n_objects, materials, wavenumber,
                    wave_flags);
  const drt_candidate_rows cr = {candidates, order, order};
  const drt_endpoints ep =
      drt_endpoints_all(drt_v2(moving[point], moving[n_cells + point]), fixed,
                        n_fixed, vary_tx, seed, cell_offset + (ulong)point);
  drt_sink sink = drt_sink_empty(partial + (size_t)point * slots);
  drt_trace_candidates(&cr, 0, n_candidates, &ep, &sv, p, &sink);
  iterations[point] += sink.steps;
}

#endif /* DRT_MOVING_OBJECTS */
#endif /* __OPENCL_VERSION__ */

#endif
