/* drt_study.h — one query of a convergence study: the power at one receiver
 * of one trial's scene from one transmitter position (with DRT_ND = 2 its
 * derivatives by the transmitter), summed over the trial's candidates by
 * the image method through the one kernel driver. Shared by
 * kernels/study.cl and the serial --device ref loop. */
#ifndef DRT_STUDY_H
#define DRT_STUDY_H

#include "base/drt_cl_compat.h"
#include "paths/drt_path_im.h"
#include "gradients/drt_tangents.h"

#define DRT_METHOD DRT_METHOD_IM
#define DRT_FIND_PATH(in, tx, rx, seed, cell, key, path)                       \
  drt_image_method(in, tx, rx, path)
#include "drt_driver.h"

/* A trial's slice of the flat arrays: 4 ints per trial. */
#define DRT_STUDY_OBJ_FIRST 0  /* its first object in segments/types/phis */
#define DRT_STUDY_OBJ_COUNT 1
#define DRT_STUDY_CAND_FIRST 2 /* its first candidate row */
#define DRT_STUDY_CAND_COUNT 3

/* Receivers a trial has at most (DRT_STUDY_MAX_RECEIVERS of drt2d.h). */
#define DRT_STUDY_MAX_RX 16

/* One trial of the flat arrays: its 4 ints, the batch's objects and
 * candidate rows (`width` ints: the order k, then k object indices local
 * to the trial), and its receivers (2 reals each). */
typedef struct drt_study_view {
  DRT_GLOBAL const int *trial;
  DRT_GLOBAL const real *segments;
  DRT_GLOBAL const int *types;
  DRT_GLOBAL const real *phis;
  DRT_GLOBAL const int *candidates;
  int width;
  DRT_GLOBAL const real *rx;
  int n_rx;
} drt_study_view;

/* The leading arguments of the study kernels over trials (study_descend,
 * study_map, study_refine): the trials' table, the scenes' objects, the
 * candidate rows and the receivers; DRT_STUDY_VIEW_OF(t) is trial t's
 * view of them. */
#define DRT_STUDY_SCENE_ARGS                                                   \
  __global const int *trials, __global const real *segments,                  \
      __global const int *types, __global const real *phis,                   \
      __global const int *candidates, const int width,                        \
      __global const real *rx, __global const int *n_rx
#define DRT_STUDY_VIEW_OF(t)                                                   \
  drt_study_view_of(trials, (t), segments, types, phis, candidates, width, rx, \
                    n_rx)

/* Trial t's view: rx holds DRT_STUDY_MAX_RX receivers a trial, n_rx their
 * counts (NULL for the queries, which bring their own receiver). */
DRT_FN drt_study_view drt_study_view_of(
    DRT_GLOBAL const int *trials, int t, DRT_GLOBAL const real *segments,
    DRT_GLOBAL const int *types, DRT_GLOBAL const real *phis,
    DRT_GLOBAL const int *candidates, int width, DRT_GLOBAL const real *rx,
    DRT_GLOBAL const int *n_rx) {
  const drt_study_view v = {trials + 4 * t,
                            segments,
                            types,
                            phis,
                            candidates,
                            width,
                            rx ? rx + 2 * DRT_STUDY_MAX_RX * t : rx,
                            n_rx ? n_rx[t] : 0};
  return v;
}

/* Power at rx from tx (one query per lane) over the trial's candidates,
 * with its derivatives by tx. */
DRT_FN drt_num drt_study_power(const drt_study_view *v, drt_vec2 tx,
                               drt_vec2 rx, drt_smoothing_params p) {
  const int first = v->trial[DRT_STUDY_OBJ_FIRST];
  const drt_scene_view sv =
      drt_view_of(v->segments + 4 * first, v->types + first, v->phis + first,
                  v->trial[DRT_STUDY_OBJ_COUNT]);
  const drt_candidate_rows cr = {
      v->candidates + v->trial[DRT_STUDY_CAND_FIRST] * v->width, v->width, -1};
  /* One fixed endpoint, the query's own receiver. */
  drt_endpoints ep = drt_endpoints_all(tx, v->segments, 1, 1, 0, 0);
  ep.use_fixed = 0;
  ep.there = rx;
  drt_sink sink = drt_sink_empty(0);
  drt_trace_candidates(&cr, 0, v->trial[DRT_STUDY_CAND_COUNT], &ep, &sv, p,
                       &sink);
  return sink.sum;
}

#include "base/drt_adam.h"

/* The exact F = min_i P_i / P0 (NaN if any P_i is) over the trial's
 * receivers at DRT_LANES transmitter positions (tx, one a lane), into
 * f[0 .. DRT_LANES): the optimum search's map, as the host computes F
 * from the powers (drt__objective, MIN). */
DRT_FN void drt_study_map_f(const drt_study_view *v, drt_vec2 tx, dstate p0,
                            dstate f[DRT_LANES]) {
  const drt_smoothing_params exact = {DRT_SMOOTH_NONE, (real)1};
  int nan[DRT_LANES];
  for (int l = 0; l < DRT_LANES; l++) {
    nan[l] = 0;
    f[l] = (dstate)INFINITY;
  }
  for (int i = 0; i < v->n_rx; i++) {
    drt_num power =
        drt_study_power(v, tx, drt_v2(v->rx[2 * i], v->rx[2 * i + 1]), exact);
    real p[DRT_LANES];
    drt_store_lanes(power.v, p);
    for (int l = 0; l < DRT_LANES; l++) {
      dstate value = (dstate)p[l] / p0;
      if (isnan(value)) nan[l] = 1;
      else if (value < f[l]) f[l] = value;
    }
  }
  for (int l = 0; l < DRT_LANES; l++)
    if (nan[l]) f[l] = (dstate)NAN;
}

/* Pattern-search moves: 16 directions, every 22.5 degrees (a whole number
 * of lanes of any width). */
#define DRT_STUDY_MOVES 16

/* One pattern search of the optimum (docs/study.md): from state (x, y, F,
 * step) with F the map's value there, up to `iterations` times: F at the
 * 16 moves by `step` (moves: cos, sin of each, from the host), the best
 * improving one taken (the first of equals), else the step halved, the
 * search ending once the step is below step_min. *active: 1 while it
 * runs, 0 when it has ended. The host's loop, operation for operation. */
DRT_FN void drt_study_refine(const drt_study_view *v,
                             DRT_GLOBAL const dstate *moves, int iterations,
                             dstate p0, dstate step_min, dstate state[4],
                             int *active) {
  for (int it = 0; it < iterations && *active; it++) {
    int best = -1;
    dstate best_f = state[2];
    for (int m0 = 0; m0 < DRT_STUDY_MOVES; m0 += DRT_LANES) {
      real x[DRT_LANES], y[DRT_LANES];
      for (int l = 0; l < DRT_LANES; l++) {
        x[l] = (real)(state[0] + moves[2 * (m0 + l)] * state[3]);
        y[l] = (real)(state[1] + moves[2 * (m0 + l) + 1] * state[3]);
      }
      dstate f[DRT_LANES];
      drt_study_map_f(v, drt_v2(drt_load_lanes(x), drt_load_lanes(y)), p0, f);
      for (int l = 0; l < DRT_LANES; l++)
        if (f[l] > best_f) best_f = f[l], best = m0 + l;
    }
    if (best >= 0) {
      state[0] += moves[2 * best] * state[3];
      state[1] += moves[2 * best + 1] * state[3];
      state[2] = best_f;
    } else if ((state[3] *= (dstate)0.5) < step_min) {
      *active = 0;
    }
  }
}

#if DRT_ND > 0

/* An arm's descent, besides its trial's scene and receivers. */
typedef struct drt_study_descent {
  int steps, mode;      /* Adam steps; the arm's smoothing mode */
  drt_adam_params adam;
  dstate p0;            /* P0 of docs/method.md §6: F = min_i P_i / P0 */
  dstate limit;         /* the largest |x| the precision computes */
} drt_study_descent;

/* One arm's whole descent (docs/method.md §10): Adam on the transmitter at
 * x (in and out) maximising F = min_i P_i / P0 over the trial's
 * receivers, alpha[step] the step's sharpness,
 * correct[2 step], correct[2 step + 1] its bias corrections. Each step
 * is the host's: powers at the position rounded to `real`, F and its
 * gradient, Adam on the loss -F, in dstate. *f_start receives F at step 0.
 * Returns -1, or the step after which x left what the precision computes
 * (x then holds where it went). */
DRT_FN int drt_study_descend(const drt_study_view *view,
                             const drt_study_descent *d,
                             DRT_GLOBAL const real *alpha,
                             DRT_GLOBAL const dstate *correct, dstate x[2],
                             dstate *f_start) {
  dstate m[2] = {0, 0}, v[2] = {0, 0};
  for (int step = 0; step < d->steps; step++) {
    const drt_smoothing_params p = {d->mode, alpha[step]};
    const drt_vec2 tx = drt_v2((real)x[0], (real)x[1]);
    dstate f[DRT_STUDY_MAX_RX] = {0}, df[2 * DRT_STUDY_MAX_RX] = {0}, grad[2];
    for (int i = 0; i < view->n_rx; i++) {
      drt_num power = drt_study_power(
          view, tx, drt_v2(view->rx[2 * i], view->rx[2 * i + 1]), p);
      f[i] = (dstate)power.v / d->p0;
      df[2 * i] = (dstate)power.d[0] / d->p0;
      df[2 * i + 1] = (dstate)power.d[1] / d->p0;
    }
    dstate F = drt_objective_min(f, df, view->n_rx, grad);
    if (step == 0) *f_start = F;
    for (int c = 0; c < 2; c++) /* the loss is -F */
      drt_adam_update(&d->adam, correct[2 * step], correct[2 * step + 1],
                      -grad[c], &m[c], &v[c], &x[c]);
    if (!(fabs(x[0]) <= d->limit && fabs(x[1]) <= d->limit)) return step;
  }
  return -1;
}
#endif

#endif
