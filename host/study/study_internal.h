/* study_internal.h — the pieces of the convergence study driver: per-trial
 * draws, the batched evaluation of queries, and the statistics. */
#ifndef DRT_HOST_STUDY_INTERNAL_H
#define DRT_HOST_STUDY_INTERNAL_H

#include <CL/cl.h>
#include <stddef.h>
#include <stdint.h>

#include "drt2d.h"

#define DRT__STUDY_MAX_WALLS 64 /* interior walls */
#define DRT__STUDY_ROOM_WALLS 4
#define DRT__STUDY_MOVES 16 /* pattern-search directions (drt_study.h) */

/* What a trial draws from its own random stream. */
typedef struct drt__study_draw {
  int receivers, index;
  int n_walls; /* room + interior */
  double walls[DRT__STUDY_ROOM_WALLS + DRT__STUDY_MAX_WALLS][4];
  double rx[DRT_STUDY_MAX_RECEIVERS][2];
  double start[2];
} drt__study_draw;

/* Draws trial `trial` of the options (see drt_study_trial_scene). */
void drt__study_draw_trial(const drt_study_options *options, size_t trial,
                           drt__study_draw *draw);

/* A list of queries: trial (local to the batch), smoothing mode, tx, rx. */
typedef struct drt__study_queries {
  int *ints;  /* 2 a query: trial, mode */
  double *xy; /* 4 a query: tx x, tx y, rx x, rx y */
  size_t n, cap;
} drt__study_queries;

drt_status drt__study_push(drt__study_queries *q, int trial, int mode,
                           const double tx[2], const double rx[2]);
void drt__study_queries_free(drt__study_queries *q);

/* The scenes of a batch of trials in the kernel's flat layout, uploaded
 * once, and the buffers that queries stream through. */
typedef struct drt__study_batch {
  drt_context *ctx; /* an OpenCL context, or the ref device */
  size_t n_trials;
  int width;        /* ints of a candidate row: order + 1 */
  int *trials;      /* 4 ints a trial (kernels/drt_study.h) */
  double *segments, *phis;
  int *types;
  int *candidates;
  double *rx;       /* DRT_STUDY_MAX_RECEIVERS (x, y) a trial */
  int *n_rx;        /* receivers a trial */
  size_t n_objects, n_rows;
  cl_mem d_trials, d_segments, d_types, d_phis, d_candidates, d_rx, d_n_rx;
  cl_mem d_ints, d_xy, d_out;
  size_t capacity;  /* queries per launch, a multiple of any lanes */
  size_t work_group;
  int lanes;        /* queries a work-item of drt__study_power takes */
  const struct drt__program *programs[2]; /* study_eval's, study_power's */
  void *staging;
} drt__study_batch;

drt_status drt__study_batch_open(drt__study_batch *batch, drt_context *ctx,
                                 const drt__study_draw *draws, size_t n,
                                 int order);
/* out[3 i .. 3 i + 2] = P, dP/dx, dP/dy of query i (derivatives 0 without
 * gradient), launch after launch of at most `capacity` queries. */
drt_status drt__study_eval(drt__study_batch *batch,
                           const drt__study_queries *queries, double alpha,
                           int gradient, double *out);
/* out[i] = P of query i, value only, `lanes` queries a work-item: the
 * queries come in whole groups of batch->lanes sharing trial and mode. */
drt_status drt__study_power(drt__study_batch *batch,
                            const drt__study_queries *queries, double alpha,
                            double *out);
void drt__study_batch_close(drt__study_batch *batch);

/* The exact F = min_i P_i / P0 of every cell of the grid x grid map of
 * each of the batch's trials [t0, t1), cell (row, col) at (col, row) /
 * (grid - 1), into maps[(t - t0) grid^2 + row grid + col]: one launch
 * (value only, the image method's lanes), the grid points made on the
 * device as the host makes them. */
drt_status drt__study_map(drt__study_batch *batch, size_t t0, size_t t1,
                          int grid, double *maps);

/* Every pattern search of the optimum at once (one launch; serially on the
 * ref device): search i of trial ints[2 i], active ints[2 i + 1], state[4
 * i ..] = x, y, F, step, all in and out; each up to `iterations` rounds of
 * the 16 moves (moves[2 m], moves[2 m + 1]: cos, sin), as drt_study_refine
 * (kernels/drt_study.h) takes them, ending below step_min. */
drt_status drt__study_refine(drt__study_batch *batch, size_t n, int *ints,
                             double *state, const double *moves,
                             int iterations, double step_min);

/* Both arms of every trial of the batch descend at once, in one launch
 * (one work-item an arm; serially on the ref device): arm 2 t + 0 exact,
 * 2 t + 1 smoothed with options->smoothing, options->steps Adam steps of
 * options->lr, alpha scheduled from alpha_start to alpha_end, each step as
 * drt__adam_step and drt__objective (MIN) take it on the host. pos: 2 an
 * arm, the start in, the end out; f_start[arm]: F at step 0; diverged[arm]:
 * -1, or the step after which the arm left the coordinate range. */
drt_status drt__study_descend(drt__study_batch *batch,
                              const drt_study_options *options, double *pos,
                              double *f_start, int *diverged);

/* Wilson score interval of k successes in n at 95 %; [0, 1] when n = 0. */
void drt__wilson(int k, int n, double *lo, double *hi);

/* Paired bootstrap of rate_b / rate_a over n trials with outcomes a[i],
 * b[i] in {0, 1}: 2000 resamples from a fixed seed, 2.5 and 97.5
 * percentiles; resamples with no success of a are skipped (NaN when all
 * are). */
void drt__ratio_interval(const unsigned char *a, const unsigned char *b,
                         size_t n, double *lo, double *hi);

#endif
