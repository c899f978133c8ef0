/* study.c — the convergence study driver (docs/method.md §11): per batch of
 * trials, the global optimum of each (exact transmitter map, then pattern
 * search from its best maxima) and the exact and smoothed descents from the
 * same start, all trials in lockstep, one batched launch per step. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coordinate_range.h"
#include "drt2d.h"
#include "error.h"
#include "optim_math.h"
#include "study_internal.h"

#define MAP_QUERIES ((size_t)1 << 21) /* queries of a map group */
#define REFINE_ITERATIONS 80
#define REFINE_STEP_MIN 1e-5 /* pattern search stops below this step */

typedef struct search {
  int trial;
  double x, y, f, step;
  int active;
} search;

typedef struct batch_run {
  const drt_study_options *o;
  drt__study_batch b;
  drt__study_draw *draws;
  drt_study_trial *trials; /* this batch's slice of the results */
  size_t n;
  drt__study_queries q;
  double *out;
  size_t out_cap;
  double done_before, launches, expected; /* progress */
  size_t range_first, range_count; /* the trials of the run */
} batch_run;

static void report_progress(batch_run *r) {
  const drt_study_options *o = r->o;
  if (!o->progress) return;
  double share = r->launches / r->expected;
  if (share > 1) share = 1;
  o->progress(o->progress_user,
              r->done_before - (double)r->range_first + share * (double)r->n,
              (double)r->range_count);
}

/* The exact powers at the pending queries into r->out (3 values a query,
 * the derivatives zero), then counts the launch. */
static drt_status eval_queries(batch_run *r) {
  if (3 * r->q.n > r->out_cap) {
    free(r->out);
    r->out_cap = 3 * r->q.cap;
    r->out = malloc(r->out_cap * sizeof *r->out);
    if (!r->out) {
      r->out_cap = 0;
      return drt__fail(DRT_ENOMEM, "study: out of memory");
    }
  }
  drt_status status = drt__study_eval(&r->b, &r->q, 1, 0, r->out);
  r->launches += 1;
  report_progress(r);
  return status;
}

/* The exact F, min_i P_i / P0, of the position whose receivers' queries
 * are first, first + 1, ... (3 values a query in r->out). */
static double position_f(const batch_run *r, size_t first, int receivers) {
  double f[DRT_STUDY_MAX_RECEIVERS], df[2 * DRT_STUDY_MAX_RECEIVERS] = {0};
  double grad[2];
  for (int i = 0; i < receivers; i++)
    f[i] = r->out[3 * (first + (size_t)i)] / DRT_P0;
  return drt__objective(DRT_OBJECTIVE_MIN, 0, f, df, (size_t)receivers, grad);
}

/* ------------------------------------------------------------------------ */
/* Global optimum: exact map, best maxima, pattern search                   */
/* ------------------------------------------------------------------------ */

static void grid_xy(int grid, int cell, double xy[2]) {
  xy[0] = (double)(cell % grid) / (grid - 1);
  xy[1] = (double)(cell / grid) / (grid - 1);
}

/* Is cell a local maximum with F > 0 (no neighbour higher)? */
static int is_peak(const double *map, int grid, int cell) {
  int row = cell / grid, col = cell % grid;
  if (!(map[cell] > 0)) return 0;
  for (int dr = -1; dr <= 1; dr++)
    for (int dc = -1; dc <= 1; dc++) {
      int rr = row + dr, cc = col + dc;
      if (rr < 0 || cc < 0 || rr >= grid || cc >= grid) continue;
      if (map[rr * grid + cc] > map[cell]) return 0;
    }
  return 1;
}

/* The best `starts` peaks of trial t's map (higher F first, then lower
 * cell index) become its searches; a map without any gives none. */
static void pick_starts(batch_run *r, int t, const double *map, search *s) {
  int grid = r->o->grid, starts = r->o->refine_starts;
  int found = 0;
  for (int cell = 0; cell < grid * grid; cell++) {
    if (!is_peak(map, grid, cell)) continue;
    /* Insertion into s[0..found), kept in decreasing F; when full, the
     * last is dropped if the new peak is higher. */
    int at = found < starts ? found : starts - 1;
    if (found == starts && !(map[cell] > s[at].f)) continue;
    while (at > 0 && s[at - 1].f < map[cell]) {
      s[at] = s[at - 1];
      at--;
    }
    double xy[2];
    grid_xy(grid, cell, xy);
    s[at] = (search){t, xy[0], xy[1], map[cell], 1.0 / (grid - 1), 1};
    if (found < starts) found++;
  }
  for (int i = found; i < starts; i++) s[i] = (search){t, 0, 0, 0, 0, 0};
}

/* The exact maps of trials [t0, t1), their peaks into searches. */
static drt_status map_group(batch_run *r, int t0, int t1, double *maps,
                            search *searches) {
  int cells = r->o->grid * r->o->grid;
  drt_status status = drt__study_map(&r->b, (size_t)t0, (size_t)t1,
                                     r->o->grid, maps);
  r->launches += 1;
  report_progress(r);
  for (int t = t0; t < t1 && !status; t++)
    pick_starts(r, t, maps + (size_t)(t - t0) * cells,
                searches + (size_t)t * r->o->refine_starts);
  return status;
}

static drt_status map_all(batch_run *r, search *searches) {
  int cells = r->o->grid * r->o->grid;
  size_t per_trial = (size_t)cells * DRT_STUDY_MAX_RECEIVERS;
  int group = (int)(MAP_QUERIES / per_trial > 0 ? MAP_QUERIES / per_trial : 1);
  double *maps = malloc((size_t)group * cells * sizeof *maps);
  if (!maps) return drt__fail(DRT_ENOMEM, "study: out of memory");
  drt_status status = DRT_OK;
  for (int t0 = 0; t0 < (int)r->n && !status; t0 += group) {
    int t1 = t0 + group < (int)r->n ? t0 + group : (int)r->n;
    status = map_group(r, t0, t1, maps, searches);
  }
  free(maps);
  return status;
}

/* Pattern-search directions: 16, every 22.5 degrees. F = min_i f_i has
 * its maxima on ridges where two f_i are equal; along a ridge only a
 * narrow cone of directions climbs, which 4 axis moves often all miss. */
#define N_MOVES DRT__STUDY_MOVES
static double MOVES[N_MOVES][2];

static void init_moves(void) {
  const double pi = 3.14159265358979323846;
  for (int m = 0; m < N_MOVES; m++) {
    MOVES[m][0] = cos(2 * pi * m / N_MOVES);
    MOVES[m][1] = sin(2 * pi * m / N_MOVES);
  }
}

/* Every search's pattern search, in one launch: up to REFINE_ITERATIONS
 * rounds of the moves, each taking the best improving move or halving the
 * step. */
static drt_status refine_all(batch_run *r, search *s, size_t n) {
  int *ints = malloc(2 * n * sizeof *ints);
  double *state = malloc(4 * n * sizeof *state);
  drt_status status = ints && state ? DRT_OK
                                    : drt__fail(DRT_ENOMEM, "study: out of memory");
  for (size_t i = 0; i < n && !status; i++) {
    ints[2 * i] = s[i].trial;
    ints[2 * i + 1] = s[i].active;
    double v[4] = {s[i].x, s[i].y, s[i].f, s[i].step};
    memcpy(state + 4 * i, v, sizeof v);
  }
  if (!status)
    status = drt__study_refine(&r->b, n, ints, state, &MOVES[0][0],
                               REFINE_ITERATIONS, REFINE_STEP_MIN);
  for (size_t i = 0; i < n && !status; i++) {
    s[i].x = state[4 * i];
    s[i].y = state[4 * i + 1];
    s[i].f = state[4 * i + 2];
    s[i].step = state[4 * i + 3];
    s[i].active = ints[2 * i + 1];
  }
  r->launches += REFINE_ITERATIONS;
  report_progress(r);
  free(ints);
  free(state);
  return status;
}

/* Each trial's optimum: its best search (F = 0 at the room's corner when
 * no cell serves every receiver). */
static drt_status find_optima(batch_run *r) {
  size_t n = r->n * (size_t)r->o->refine_starts;
  search *s = malloc(n * sizeof *s);
  if (!s) return drt__fail(DRT_ENOMEM, "study: out of memory");
  init_moves();
  drt_status status = map_all(r, s);
  if (!status) status = refine_all(r, s, n);
  for (size_t t = 0; t < r->n && !status; t++) {
    drt_study_trial *trial = &r->trials[t];
    trial->f_optimum = 0;
    trial->optimum[0] = trial->optimum[1] = 0;
    for (int k = 0; k < r->o->refine_starts; k++) {
      const search *c = &s[t * r->o->refine_starts + k];
      if (c->f > trial->f_optimum) {
        trial->f_optimum = c->f;
        trial->optimum[0] = c->x;
        trial->optimum[1] = c->y;
      }
    }
  }
  free(s);
  return status;
}

/* ------------------------------------------------------------------------ */
/* The two descents, in lockstep                                            */
/* ------------------------------------------------------------------------ */

/* The exact queries of both arms of every trial where they end, one per
 * receiver: trial t's arm 0 (exact), then its arm 1 (smoothed). */
static drt_status push_arms(batch_run *r, double (*pos)[2][2]) {
  drt_status status = DRT_OK;
  r->q.n = 0;
  for (size_t t = 0; t < r->n && !status; t++)
    for (int arm = 0; arm < 2 && !status; arm++)
      for (int i = 0; i < r->draws[t].receivers && !status; i++)
        status = drt__study_push(&r->q, (int)t, DRT_SMOOTHING_NONE,
                                 pos[t][arm], r->draws[t].rx[i]);
  return status;
}

/* A position that left what the precision computes (too large a
 * learning rate) is an error, as in drt_optimize_run: what the trial
 * measured then is the overflow of the arithmetic, not the descent's
 * convergence. */
static drt_status check_arm(const double pos[2], size_t trial, int arm,
                            int step, double lr, drt_precision precision) {
  if (drt__coordinate_fits(pos[0], precision) &&
      drt__coordinate_fits(pos[1], precision))
    return DRT_OK;
  return drt__fail(DRT_EINVAL, "the descent diverged: trial %zu, %s arm, "
                   "step %d: transmitter at (%g, %g), outside what %s "
                   "computes (|x| <= %g); use a smaller learning rate than "
                   "%g", trial, arm ? "smoothed" : "exact", step + 1, pos[0],
                   pos[1], drt__precision_name(precision),
                   drt__coordinate_limit(precision), lr);
}

static int succeeded(double f_optimum, double f_end, double tolerance_db) {
  if (!(f_optimum > 0) || !(f_end > 0)) return 0;
  return 10.0 * log10(f_optimum / f_end) <= tolerance_db;
}

/* Final exact F of both arms, and the success decisions. */
static drt_status finish(batch_run *r, double (*pos)[2][2]) {
  drt_status status = push_arms(r, pos);
  if (!status) status = eval_queries(r);
  size_t first = 0;
  for (size_t t = 0; t < r->n && !status; t++) {
    drt_study_trial *trial = &r->trials[t];
    int receivers = r->draws[t].receivers;
    trial->f_exact = position_f(r, first, receivers);
    trial->f_smoothed = position_f(r, first + receivers, receivers);
    first += 2 * (size_t)receivers;
    memcpy(trial->end_exact, pos[t][0], sizeof trial->end_exact);
    memcpy(trial->end_smoothed, pos[t][1], sizeof trial->end_smoothed);
    double tol = r->o->tolerance_db;
    trial->success_exact = succeeded(trial->f_optimum, trial->f_exact, tol);
    trial->success_smoothed = succeeded(trial->f_optimum, trial->f_smoothed, tol);
  }
  return status;
}

/* The first arm, in the host's order (steps, then trials, then arms),
 * that left the coordinate range, as an error; DRT_OK if none did. */
static drt_status check_arms(const batch_run *r, double (*pos)[2][2],
                             const int *diverged) {
  size_t first = 0;
  int step = -1;
  for (size_t a = 0; a < 2 * r->n; a++)
    if (diverged[a] >= 0 && (step < 0 || diverged[a] < step))
      step = diverged[a], first = a;
  if (step < 0) return DRT_OK;
  size_t t = first / 2;
  int arm = (int)(first % 2);
  return check_arm(pos[t][arm], (size_t)r->done_before + t, arm, step,
                   r->o->lr, drt_context_precision(r->b.ctx));
}

/* Both arms of every trial descend in one launch from the trial's start;
 * then their exact F at the end. */
static drt_status descend(batch_run *r) {
  double (*pos)[2][2] = malloc(r->n * sizeof *pos);
  double *f_start = malloc(2 * r->n * sizeof *f_start);
  int *diverged = malloc(2 * r->n * sizeof *diverged);
  drt_status status = DRT_OK;
  if (!pos || !f_start || !diverged)
    status = drt__fail(DRT_ENOMEM, "study: out of memory");
  for (size_t t = 0; t < r->n && !status; t++)
    for (int arm = 0; arm < 2; arm++)
      memcpy(pos[t][arm], r->draws[t].start, sizeof pos[t][arm]);
  if (!status)
    status = drt__study_descend(&r->b, r->o, &pos[0][0][0], f_start, diverged);
  r->launches += r->o->steps;
  report_progress(r);
  for (size_t t = 0; t < r->n && !status; t++)
    r->trials[t].f_start = f_start[2 * t];
  if (!status) status = check_arms(r, pos, diverged);
  if (!status) status = finish(r, pos);
  free(pos);
  free(f_start);
  free(diverged);
  return status;
}

/* ------------------------------------------------------------------------ */
/* Batches                                                                  */
/* ------------------------------------------------------------------------ */

/* Trials [first, first + n) into out[0 .. n), in a run of the trials
 * [range_first, range_first + range_count). */
static drt_status run_batch(drt_context *ctx, const drt_study_options *o,
                            size_t first, size_t n, drt_study_trial *out,
                            size_t range_first, size_t range_count) {
  batch_run r = {.o = o, .trials = out, .n = n,
                 .done_before = (double)first, .range_first = range_first,
                 .range_count = range_count};
  int cells = o->grid * o->grid;
  size_t per_trial = (size_t)cells * DRT_STUDY_MAX_RECEIVERS;
  size_t group = MAP_QUERIES / per_trial > 0 ? MAP_QUERIES / per_trial : 1;
  r.expected = (double)((n + group - 1) / group + REFINE_ITERATIONS +
                        (size_t)o->steps + 1);
  r.draws = malloc(n * sizeof *r.draws);
  if (!r.draws) return drt__fail(DRT_ENOMEM, "study: out of memory");
  for (size_t t = 0; t < n; t++) {
    drt__study_draw_trial(o, first + t, &r.draws[t]);
    drt_study_trial *trial = &r.trials[t];
    memset(trial, 0, sizeof *trial);
    trial->receivers = r.draws[t].receivers;
    trial->index = r.draws[t].index;
    memcpy(trial->start, r.draws[t].start, sizeof trial->start);
  }
  drt_status status = drt__study_batch_open(&r.b, ctx, r.draws, n, o->order);
  if (!status) status = find_optima(&r);
  if (!status) status = descend(&r);
  r.launches = r.expected;
  if (!status) report_progress(&r);
  if (r.b.ctx) drt__study_batch_close(&r.b);
  drt__study_queries_free(&r.q);
  free(r.out);
  free(r.draws);
  return status;
}

drt_status drt_study_run_range(drt_context *ctx, const drt_study_options *o,
                               size_t first, size_t count,
                               drt_study_trial *trials) {
  drt__clear_error();
  if (!ctx || !o || (!trials && count))
    return drt__fail(DRT_EINVAL, "study: missing context, options or results");
  drt_status status = drt_study_options_check(o);
  if (status) return status;
  size_t total = drt_study_trial_count(o);
  if (first > total || count > total - first)
    return drt__fail(DRT_EINVAL, "study: trials %zu to %zu of %zu do not "
                     "exist", first, first + count, total);
  size_t batch = o->batch > 0 ? (size_t)o->batch : count;
  for (size_t done = 0; done < count && !status; done += batch) {
    size_t n = count - done < batch ? count - done : batch;
    status = run_batch(ctx, o, first + done, n, trials + done, first, count);
  }
  return status;
}

drt_status drt_study_run(drt_context *ctx, const drt_study_options *o,
                         drt_study_trial *trials) {
  size_t total = o ? drt_study_trial_count(o) : 0;
  return drt_study_run_range(ctx, o, 0, total, trials);
}
