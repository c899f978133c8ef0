/* study.cl — the batched evaluation of a convergence study. Built with one
 * lane and DRT_ND = 2: study_eval, one work-item per query (trial,
 * transmitter position, receiver, smoothing mode) with the gradient; built
 * with DRT_ND = 0 and any lanes: study_power, DRT_LANES queries of one
 * trial and mode per work-item, value only (the transmitter maps and the
 * pattern search), study_map, the optimum search's maps with F formed
 * on the device, and study_refine, its pattern searches; and study_descend, every arm's whole descent in
 * one launch, one work-item an arm. */
#include "drt_study.h"

/* Query q: trial and smoothing mode in q_int[2q], q_int[2q + 1]; tx and rx
 * in q_xy[4q .. 4q + 3]. */

#if DRT_ND > 0
/* out[3q .. 3q + 2] = P, dP/dx, dP/dy (dP zero unless gradient). */
__kernel void study_eval(__global const int *q_int, __global const real *q_xy,
                         const int n_queries, __global const int *trials,
                         __global const real *segments,
                         __global const int *types, __global const real *phis,
                         __global const int *candidates, const int width,
                         const real alpha, const int gradient,
                         __global real *out) {
  const int q = get_global_id(0);
  if (q >= n_queries) return;
  const drt_smoothing_params p = {q_int[2 * q + 1], alpha};
  __global const real *xy = q_xy + 4 * (size_t)q;
  const drt_study_view v = drt_study_view_of(
      trials, q_int[2 * q], segments, types, phis, candidates, width, NULL,
      NULL);
  const drt_vec2 tx = drt_v2(xy[0], xy[1]), rx = drt_v2(xy[2], xy[3]);
  drt_num power = drt_study_power(&v, tx, rx, p);
  out[3 * (size_t)q] = power.v;
  for (int i = 0; i < 2; i++)
    out[3 * (size_t)q + 1 + i] = gradient ? power.d[i] : (real)0;
}

/* Every arm's whole descent, one work-item an arm: arm a is trial a / 2,
 * exact (a even) or smoothed with `smoothing` (a odd). rx: DRT_STUDY_MAX_RX
 * receivers (2 reals each) a trial, n_rx[t] of them used; constants: lr,
 * beta1, beta2, eps, P0 and the coordinate limit; alpha and correct:
 * drt_study_descend's tables. pos: 2 an arm, the start in, the end out;
 * f_start: F at step 0; diverged: -1 or the step it diverged at. */
__kernel void study_descend(DRT_STUDY_SCENE_ARGS,
                            const int n_arms, const int steps,
                            const int smoothing,
                            __global const dstate *constants,
                            __global const real *alpha,
                            __global const dstate *correct,
                            __global dstate *pos, __global dstate *f_start,
                            __global int *diverged) {
  const int a = get_global_id(0);
  if (a >= n_arms) return;
  const int t = a / 2;
  const drt_study_descent d = {
      steps, a % 2 == 0 ? DRT_SMOOTH_NONE : smoothing,
      {constants[0], constants[1], constants[2], constants[3]}, constants[4],
      constants[5]};
  dstate x[2] = {pos[2 * a], pos[2 * a + 1]}, f0 = 0;
  const drt_study_view v = DRT_STUDY_VIEW_OF(t);
  diverged[a] = drt_study_descend(&v, &d, alpha, correct, x, &f0);
  pos[2 * a] = x[0];
  pos[2 * a + 1] = x[1];
  f_start[a] = f0;
}

#else
/* out[q] = P of queries q0 .. q0 + DRT_LANES - 1, which share the trial
 * and mode of q0 (the host lays them out so; n_queries is a multiple of
 * DRT_LANES). */
__kernel void study_power(__global const int *q_int,
                          __global const real *q_xy, const int n_queries,
                          __global const int *trials,
                          __global const real *segments,
                          __global const int *types,
                          __global const real *phis,
                          __global const int *candidates, const int width,
                          const real alpha, __global real *out) {
  const int q0 = get_global_id(0) * DRT_LANES;
  if (q0 >= n_queries) return;
  const drt_smoothing_params p = {q_int[2 * q0 + 1], alpha};
  real c[4][DRT_LANES];
  for (int l = 0; l < DRT_LANES; l++)
    for (int i = 0; i < 4; i++) c[i][l] = q_xy[4 * (size_t)(q0 + l) + i];
  const drt_vec2 tx = drt_v2(drt_load_lanes(c[0]), drt_load_lanes(c[1]));
  const drt_vec2 rx = drt_v2(drt_load_lanes(c[2]), drt_load_lanes(c[3]));
  const drt_study_view v = drt_study_view_of(
      trials, q_int[2 * q0], segments, types, phis, candidates, width, NULL,
      NULL);
  drt_num power = drt_study_power(&v, tx, rx, p);
  drt_store_lanes(power.v, out + q0);
}

/* The exact maps of trials [t0, t0 + n_trials): work-item g takes
 * DRT_LANES cells of trial t0 + g / groups (groups: lane groups a trial,
 * the last cell repeated to fill the last), cell c at (c % grid, c / grid)
 * / (grid - 1) computed in dstate as the host computes it, then rounded to
 * `real`. out: grid^2 values a trial, F = min_i P_i / P0 (constants[0] is
 * P0). */
__kernel void study_map(DRT_STUDY_SCENE_ARGS,
                        const int t0, const int n_trials, const int groups,
                        const int grid, __global const dstate *constants,
                        __global dstate *out) {
  const int g = get_global_id(0);
  if (g >= n_trials * groups) return;
  const int t = t0 + g / groups, cells = grid * grid;
  const int first = (g % groups) * DRT_LANES;
  real x[DRT_LANES], y[DRT_LANES];
  for (int l = 0; l < DRT_LANES; l++) {
    const int c = min(first + l, cells - 1);
    x[l] = (real)((dstate)(c % grid) / (dstate)(grid - 1));
    y[l] = (real)((dstate)(c / grid) / (dstate)(grid - 1));
  }
  dstate f[DRT_LANES];
  const drt_study_view v = DRT_STUDY_VIEW_OF(t);
  drt_study_map_f(&v, drt_v2(drt_load_lanes(x), drt_load_lanes(y)),
                  constants[0], f);
  __global dstate *map = out + (size_t)(g / groups) * cells;
  for (int l = 0; l < DRT_LANES; l++)
    if (first + l < cells) map[first + l] = f[l];
}

/* Every pattern search of the optimum in one launch, one work-item a
 * search: search i of trial ints[2 i], active ints[2 i + 1] (in and out),
 * state[4 i ..] = x, y, F, step (in and out); constants: P0, the smallest
 * step; moves: cos, sin of the 16 directions. */
__kernel void study_refine(DRT_STUDY_SCENE_ARGS,
                           const int n_searches, const int iterations,
                           __global const dstate *constants,
                           __global const dstate *moves,
                           __global dstate *state, __global int *ints) {
  const int i = get_global_id(0);
  if (i >= n_searches) return;
  const int t = ints[2 * i];
  int active = ints[2 * i + 1];
  dstate s[4] = {state[4 * i], state[4 * i + 1], state[4 * i + 2],
                 state[4 * i + 3]};
  const drt_study_view v = DRT_STUDY_VIEW_OF(t);
  drt_study_refine(&v, moves, iterations, constants[0], constants[1], s,
                   &active);
  for (int k = 0; k < 4; k++) state[4 * i + k] = s[k];
  ints[2 * i + 1] = active;
}
#endif
