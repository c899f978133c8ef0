/* test_study.c — the convergence study: batched kernel against the
 * library's own evaluator, results independent of the batch size, the
 * Wilson interval against hand-worked values, a small study end to end,
 * and the CLI's bad options. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "optim_math.h"
#include "study_internal.h"
#include "testutil.h"

static drt_study_options small_options(void) {
  drt_study_options o;
  drt_study_options_init(&o);
  o.trials = 6;
  o.grid = 21;
  o.steps = 40;
  o.seed = 7;
  return o;
}

/* P and dP/dtx of the study's batched queries against
 * drt_eval_points_grad on each trial's scene built as a drt_scene (tx
 * varying), at the start and at random points; double on POCL and ref. */
static void check_queries_against_scenes(drt_device_kind device, int order) {
  drt_context *ctx = drt_test_open_context(device, DRT_PRECISION_DOUBLE);
  drt_study_options o = small_options();
  o.order = order;
  o.walls = 3;
  size_t n = drt_study_trial_count(&o);
  drt__study_draw *draws = malloc(n * sizeof *draws);
  for (size_t t = 0; t < n; t++) drt__study_draw_trial(&o, t, &draws[t]);
  drt__study_batch batch;
  DRT_CHECK_OK(drt__study_batch_open(&batch, ctx, draws, n, order));
  drt__study_queries q = {0};
  const int points = 5;
  for (size_t t = 0; t < n; t++)
    for (int k = 0; k < points; k++) {
      double tx[2] = {k ? 0.05 + 0.9 * ((k * 37 + t * 11) % 97) / 97.0 : draws[t].start[0],
                      k ? 0.05 + 0.9 * ((k * 53 + t * 29) % 89) / 89.0 : draws[t].start[1]};
      for (int r = 0; r < draws[t].receivers; r++)
        DRT_CHECK_OK(drt__study_push(&q, (int)t, k % 2 ? DRT_SMOOTHING_HARD_SIGMOID
                                                      : DRT_SMOOTHING_NONE,
                                     tx, draws[t].rx[r]));
    }
  double *out = malloc(3 * q.n * sizeof *out);
  DRT_CHECK_OK(drt__study_eval(&batch, &q, 7.5, 1, out));
  drt_trace_options opt;
  drt_trace_options_init(&opt);
  opt.order_min = 0;
  opt.order_max = order;
  opt.vary = DRT_VARY_TX;
  opt.alpha = 7.5;
  size_t i = 0;
  for (size_t t = 0; t < n; t++) {
    drt_scene *full;
    DRT_CHECK_OK(drt_study_trial_scene(&o, t, &full));
    for (int k = 0; k < points; k++) {
      opt.smoothing = k % 2 ? DRT_SMOOTHING_HARD_SIGMOID : DRT_SMOOTHING_NONE;
      for (int r = 0; r < draws[t].receivers; r++, i++) {
        drt_scene *one;  /* the same walls, this receiver only */
        DRT_CHECK_OK(drt_scene_create(&one));
        for (size_t w = 0; w < drt_scene_object_count(full); w++)
          DRT_CHECK_OK(drt_scene_add_object(one, drt_scene_object(full, w)));
        DRT_CHECK_OK(drt_scene_add_rx(one, NULL, draws[t].rx[r][0], draws[t].rx[r][1]));
        double want[3];
        DRT_CHECK_OK(drt_eval_points_grad(ctx, one, &opt, q.xy + 4 * i, 1, want));
        for (int c = 0; c < 3; c++)
          ck_assert_msg(fabs(out[3 * i + c] - want[c]) <= 1e-9 * fabs(want[c]) + 1e-12,
                        "trial %zu point %d rx %d component %d: %.17g vs %.17g",
                        t, k, r, c, out[3 * i + c], want[c]);
        drt_scene_destroy(one);
      }
    }
    drt_scene_destroy(full);
  }
  /* The value-only lane kernel gives the same powers (exact queries). */
  drt__study_queries lanes = {0};
  for (size_t t = 0; t < n; t++)
    for (int c = 0; c < 16 * batch.lanes; c++) {
      double tx[2] = {0.03 + 0.94 * c / (16.0 * batch.lanes), 0.4 + 0.01 * t};
      DRT_CHECK_OK(drt__study_push(&lanes, (int)t, DRT_SMOOTHING_NONE, tx,
                                   draws[t].rx[0]));
    }
  double *power = malloc(lanes.n * sizeof *power), *full3 = malloc(3 * lanes.n * sizeof *full3);
  DRT_CHECK_OK(drt__study_power(&batch, &lanes, 1, power));
  DRT_CHECK_OK(drt__study_eval(&batch, &lanes, 1, 0, full3));
  for (size_t j = 0; j < lanes.n; j++)
    ck_assert_msg(fabs(power[j] - full3[3 * j]) <= 1e-12 * fabs(full3[3 * j]),
                  "lane query %zu: %.17g vs %.17g", j, power[j], full3[3 * j]);
  printf("study queries vs drt_eval_points_grad (%s, order %d): %zu queries, "
         "%zu lane queries agree\n", drt_context_device_name(ctx), order, q.n,
         lanes.n);
  free(power);
  free(full3);
  drt__study_queries_free(&lanes);
  free(out);
  drt__study_queries_free(&q);
  drt__study_batch_close(&batch);
  free(draws);
  drt_context_destroy(ctx);
}

START_TEST(queries_match_library_on_pocl) {
  check_queries_against_scenes(DRT_DEVICE_AUTO, 0);
  check_queries_against_scenes(DRT_DEVICE_AUTO, 1);
}
END_TEST

START_TEST(queries_match_library_on_ref) {
  check_queries_against_scenes(DRT_DEVICE_REF, 1);
}
END_TEST

/* The device's descent of every arm (drt__study_descend, one launch)
 * against the same descent replayed on the host step by step: each step's
 * powers from drt__study_eval at the position, then drt__objective and
 * drt__adam_step, as the host ran it before the descent moved to the
 * device. Bit for bit in double (and in float, where the device keeps
 * Adam's state in double), f_start too. */
static void check_descent_against_host(drt_precision precision) {
  drt_context *ctx = drt_test_open_context(DRT_DEVICE_AUTO, precision);
  drt_study_options o = small_options();
  o.order = 1;
  o.steps = 25;
  size_t n = drt_study_trial_count(&o);
  drt__study_draw *draws = malloc(n * sizeof *draws);
  double *pos = malloc(4 * n * sizeof *pos), *f_start = malloc(2 * n * sizeof *f_start);
  int *diverged = malloc(2 * n * sizeof *diverged);
  for (size_t t = 0; t < n; t++) {
    drt__study_draw_trial(&o, t, &draws[t]);
    for (int arm = 0; arm < 2; arm++)
      memcpy(pos + 4 * t + 2 * arm, draws[t].start, sizeof draws[t].start);
  }
  drt__study_batch batch;
  DRT_CHECK_OK(drt__study_batch_open(&batch, ctx, draws, n, o.order));
  DRT_CHECK_OK(drt__study_descend(&batch, &o, pos, f_start, diverged));
  double out[3 * DRT_STUDY_MAX_RECEIVERS];
  for (size_t a = 0; a < 2 * n; a++) {
    const drt__study_draw *d = &draws[a / 2];
    int mode = a % 2 ? o.smoothing : DRT_SMOOTHING_NONE;
    double x[2] = {d->start[0], d->start[1]}, f0 = NAN;
    drt__adam adam;
    drt__adam_init(&adam, o.lr);
    for (int step = 0; step < o.steps; step++) {
      drt__study_queries q = {0};
      for (int r = 0; r < d->receivers; r++)
        DRT_CHECK_OK(drt__study_push(&q, (int)(a / 2), mode, x, d->rx[r]));
      DRT_CHECK_OK(drt__study_eval(&batch, &q,
                                   drt__alpha_at(o.alpha_start, o.alpha_end,
                                                 step, o.steps), 1, out));
      drt__study_queries_free(&q);
      double f[DRT_STUDY_MAX_RECEIVERS], df[2 * DRT_STUDY_MAX_RECEIVERS], g[2];
      for (int r = 0; r < d->receivers; r++) {
        f[r] = out[3 * r] / DRT_P0;
        df[2 * r] = out[3 * r + 1] / DRT_P0;
        df[2 * r + 1] = out[3 * r + 2] / DRT_P0;
      }
      double F = drt__objective(DRT_OBJECTIVE_MIN, 0, f, df,
                                (size_t)d->receivers, g);
      if (step == 0) f0 = F;
      double loss[2] = {-g[0], -g[1]};
      drt__adam_step(&adam, x, loss);
    }
    ck_assert_int_eq(diverged[a], -1);
    ck_assert_msg(x[0] == pos[2 * a] && x[1] == pos[2 * a + 1],
                  "arm %zu: host (%.17g, %.17g), device (%.17g, %.17g)", a,
                  x[0], x[1], pos[2 * a], pos[2 * a + 1]);
    ck_assert(f0 == f_start[a] || (isnan(f0) && isnan(f_start[a])));
  }
  drt__study_batch_close(&batch);
  free(draws);
  free(pos);
  free(f_start);
  free(diverged);
  drt_context_destroy(ctx);
}

START_TEST(descent_on_the_device_equals_the_host_loop) {
  check_descent_against_host(DRT_PRECISION_DOUBLE);
  check_descent_against_host(DRT_PRECISION_FLOAT);
}
END_TEST

/* The optimum search's maps made on the device (drt__study_map) against
 * F formed on the host from the value kernel's powers at the host's grid
 * points (drt__study_power, drt__objective), as the study made them before:
 * bit for bit, in float and double, and on the ref device. */
static void check_maps_against_host(drt_device_kind device,
                                    drt_precision precision) {
  drt_context *ctx = drt_test_open_context(device, precision);
  drt_study_options o = small_options();
  o.order = 1;
  size_t n = drt_study_trial_count(&o), cells = (size_t)(o.grid * o.grid);
  drt__study_draw *draws = malloc(n * sizeof *draws);
  for (size_t t = 0; t < n; t++) drt__study_draw_trial(&o, t, &draws[t]);
  drt__study_batch batch;
  DRT_CHECK_OK(drt__study_batch_open(&batch, ctx, draws, n, o.order));
  double *maps = malloc(n * cells * sizeof *maps);
  DRT_CHECK_OK(drt__study_map(&batch, 1, n, o.grid, maps));
  size_t lanes = (size_t)batch.lanes;
  size_t padded = (cells + lanes - 1) / lanes * lanes;
  for (size_t t = 1; t < n; t++) {
    drt__study_queries q = {0};
    for (int r = 0; r < draws[t].receivers; r++)
      for (size_t c = 0; c < padded; c++) {
        size_t cell = c < cells ? c : cells - 1;
        double xy[2] = {(double)(cell % (size_t)o.grid) / (o.grid - 1),
                        (double)(cell / (size_t)o.grid) / (o.grid - 1)};
        DRT_CHECK_OK(drt__study_push(&q, (int)t, DRT_SMOOTHING_NONE, xy,
                                     draws[t].rx[r]));
      }
    double *power = malloc(q.n * sizeof *power);
    DRT_CHECK_OK(drt__study_power(&batch, &q, 1, power));
    for (size_t c = 0; c < cells; c++) {
      double f[DRT_STUDY_MAX_RECEIVERS], df[2 * DRT_STUDY_MAX_RECEIVERS] = {0};
      double g[2];
      for (int r = 0; r < draws[t].receivers; r++)
        f[r] = power[(size_t)r * padded + c] / DRT_P0;
      double F = drt__objective(DRT_OBJECTIVE_MIN, 0, f, df,
                                (size_t)draws[t].receivers, g);
      double got = maps[(t - 1) * cells + c];
      ck_assert_msg(got == F || (isnan(got) && isnan(F)),
                    "%s: trial %zu cell %zu: device %.17g, host %.17g",
                    drt_context_device_name(ctx), t, c, got, F);
    }
    free(power);
    drt__study_queries_free(&q);
  }
  ck_assert_int_eq(drt__study_map(&batch, 2, 1, o.grid, maps), DRT_EINVAL);
  drt__study_batch_close(&batch);
  free(maps);
  free(draws);
  drt_context_destroy(ctx);
}

/* The pattern searches on the device (drt__study_refine, one launch)
 * against the host running them round by round on the value kernel's
 * powers, as the study did before: the same end states bit for bit. */
static void check_refine_against_host(drt_device_kind device,
                                      drt_precision precision) {
  drt_context *ctx = drt_test_open_context(device, precision);
  drt_study_options o = small_options();
  size_t n = drt_study_trial_count(&o);
  drt__study_draw *draws = malloc(n * sizeof *draws);
  for (size_t t = 0; t < n; t++) drt__study_draw_trial(&o, t, &draws[t]);
  drt__study_batch batch;
  DRT_CHECK_OK(drt__study_batch_open(&batch, ctx, draws, n, o.order));
  double moves[2 * DRT__STUDY_MOVES];
  for (int m = 0; m < DRT__STUDY_MOVES; m++) {
    moves[2 * m] = cos(2 * 3.14159265358979323846 * m / DRT__STUDY_MOVES);
    moves[2 * m + 1] = sin(2 * 3.14159265358979323846 * m / DRT__STUDY_MOVES);
  }
  /* Two searches a trial, from its start and from the room's centre, with
   * F = 0 there (any move with F > 0 improves). */
  size_t ns = 2 * n;
  int *ints = malloc(2 * ns * sizeof *ints);
  double *state = malloc(4 * ns * sizeof *state), *want = malloc(4 * ns * sizeof *want);
  for (size_t i = 0; i < ns; i++) {
    const drt__study_draw *d = &draws[i / 2];
    double v[4] = {i % 2 ? 0.5 : d->start[0], i % 2 ? 0.5 : d->start[1], 0, 0.05};
    ints[2 * i] = (int)(i / 2);
    ints[2 * i + 1] = 1;
    memcpy(state + 4 * i, v, sizeof v);
    memcpy(want + 4 * i, v, sizeof v);
  }
  const int rounds = 30;
  DRT_CHECK_OK(drt__study_refine(&batch, ns, ints, state, moves, rounds, 1e-5));
  size_t lanes = (size_t)batch.lanes;
  for (size_t i = 0; i < ns; i++) {
    const drt__study_draw *d = &draws[i / 2];
    double *w = want + 4 * i;
    int active = 1;
    for (int it = 0; it < rounds && active; it++) {
      drt__study_queries q = {0};
      for (int r = 0; r < d->receivers; r++)
        for (int m = 0; m < DRT__STUDY_MOVES; m++) {
          double xy[2] = {w[0] + moves[2 * m] * w[3], w[1] + moves[2 * m + 1] * w[3]};
          DRT_CHECK_OK(drt__study_push(&q, (int)(i / 2), DRT_SMOOTHING_NONE,
                                       xy, d->rx[r]));
        }
      ck_assert_uint_eq(q.n % lanes, 0);
      double *power = malloc(q.n * sizeof *power);
      DRT_CHECK_OK(drt__study_power(&batch, &q, 1, power));
      int best = -1;
      double best_f = w[2];
      for (int m = 0; m < DRT__STUDY_MOVES; m++) {
        double f[DRT_STUDY_MAX_RECEIVERS], df[2 * DRT_STUDY_MAX_RECEIVERS] = {0}, g[2];
        for (int r = 0; r < d->receivers; r++)
          f[r] = power[(size_t)r * DRT__STUDY_MOVES + (size_t)m] / DRT_P0;
        double F = drt__objective(DRT_OBJECTIVE_MIN, 0, f, df,
                                  (size_t)d->receivers, g);
        if (F > best_f) best_f = F, best = m;
      }
      if (best >= 0) {
        w[0] += moves[2 * best] * w[3];
        w[1] += moves[2 * best + 1] * w[3];
        w[2] = best_f;
      } else if ((w[3] *= 0.5) < 1e-5) {
        active = 0;
      }
      free(power);
      drt__study_queries_free(&q);
    }
    ck_assert_int_eq(ints[2 * i + 1], active);
    ck_assert_msg(memcmp(w, state + 4 * i, 4 * sizeof *w) == 0,
                  "%s: search %zu: host (%.17g, %.17g, %.17g), device (%.17g, "
                  "%.17g, %.17g)", drt_context_device_name(ctx), i, w[0], w[1],
                  w[2], state[4 * i], state[4 * i + 1], state[4 * i + 2]);
  }
  drt__study_batch_close(&batch);
  free(ints);
  free(state);
  free(want);
  free(draws);
  drt_context_destroy(ctx);
}

START_TEST(pattern_searches_on_the_device_equal_the_host_loop) {
  check_refine_against_host(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
  check_refine_against_host(DRT_DEVICE_AUTO, DRT_PRECISION_FLOAT);
  check_refine_against_host(DRT_DEVICE_REF, DRT_PRECISION_DOUBLE);
}
END_TEST

START_TEST(maps_on_the_device_equal_the_host_maps) {
  check_maps_against_host(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
  check_maps_against_host(DRT_DEVICE_AUTO, DRT_PRECISION_FLOAT);
  check_maps_against_host(DRT_DEVICE_REF, DRT_PRECISION_DOUBLE);
}
END_TEST

static drt_study_trial *run_study(drt_context *ctx, drt_study_options *o) {
  drt_study_trial *t = calloc(drt_study_trial_count(o), sizeof *t);
  DRT_CHECK_OK(drt_study_run(ctx, o, t));
  return t;
}

/* Identical decisions and positions (bit for bit) whatever the batch, and
 * for a range of trials run alone. */
START_TEST(batch_size_does_not_change_results) {
  drt_context *ctx = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_FLOAT);
  drt_study_options o = small_options();
  drt_study_trial *all = run_study(ctx, &o);
  int sizes[] = {1, 5};
  for (int s = 0; s < 2; s++) {
    o.batch = sizes[s];
    drt_study_trial *b = run_study(ctx, &o);
    for (size_t i = 0; i < drt_study_trial_count(&o); i++) {
      ck_assert_int_eq(b[i].success_exact, all[i].success_exact);
      ck_assert_int_eq(b[i].success_smoothed, all[i].success_smoothed);
      ck_assert(memcmp(b[i].end_exact, all[i].end_exact, sizeof b[i].end_exact) == 0);
      ck_assert(memcmp(b[i].end_smoothed, all[i].end_smoothed, sizeof b[i].end_smoothed) == 0);
      ck_assert(memcmp(b[i].optimum, all[i].optimum, sizeof b[i].optimum) == 0);
    }
    free(b);
  }
  /* A range of trials run alone (as one process of several runs its
   * share) gives those trials' records, in batches of 2 too. */
  size_t first = 3, count = drt_study_trial_count(&o) - 4;
  drt_study_trial *range = calloc(count, sizeof *range);
  ck_assert_ptr_nonnull(range);
  o.batch = 2;
  DRT_CHECK_OK(drt_study_run_range(ctx, &o, first, count, range));
  for (size_t i = 0; i < count; i++)
    ck_assert(memcmp(&range[i], &all[first + i], sizeof range[i]) == 0);
  ck_assert_int_eq(drt_study_run_range(ctx, &o, first, count + 2, range),
                   DRT_EINVAL);
  free(range);
  free(all);
  drt_context_destroy(ctx);
}
END_TEST

/* Hand-worked Wilson intervals (z = 1.959964): 5/10 gives
 * 0.5 -+ 0.2634 / 1.38415... = [0.2366, 0.7634]; 0/10 gives [0, 0.2775];
 * 10/10 gives [0.7225, 1]; 81/100: centre 0.829207 / 1.038415 = 0.798532,
 * half-width 1.887458 sqrt(0.001539 + 0.000096) = 0.076320. */
START_TEST(wilson_matches_hand_values) {
  const struct { int k, n; double lo, hi; } cases[] = {
      {5, 10, 0.23659, 0.76341}, {0, 10, 0.0, 0.27753},
      {10, 10, 0.72247, 1.0},    {81, 100, 0.72221, 0.87485}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    double lo, hi;
    drt__wilson(cases[i].k, cases[i].n, &lo, &hi);
    ck_assert_msg(fabs(lo - cases[i].lo) < 1e-5 && fabs(hi - cases[i].hi) < 1e-5,
                  "%d/%d: [%.6f, %.6f]", cases[i].k, cases[i].n, lo, hi);
  }
  /* The paired bootstrap of identical arms is exactly 1. */
  unsigned char a[40], b[40];
  for (int i = 0; i < 40; i++) a[i] = b[i] = (unsigned char)(i % 3 == 0);
  double lo, hi;
  drt__ratio_interval(a, b, 40, &lo, &hi);
  ck_assert(lo == 1.0 && hi == 1.0);
}
END_TEST

/* A small study end to end: the optimum is at least every arm's final F
 * (within 1 %: the pattern search stops on a step of 1e-5), the decisions
 * follow the tolerance, and the summary counts them. */
START_TEST(small_study_end_to_end) {
  drt_context *ctx = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_FLOAT);
  drt_study_options o;
  drt_study_options_init(&o);
  o.trials = 10;
  o.receivers[0] = 2;
  o.receivers[1] = 3;
  o.n_counts = 2;
  drt_study_trial *t = run_study(ctx, &o);
  int exact = 0;
  for (size_t i = 0; i < drt_study_trial_count(&o); i++) {
    ck_assert_msg(t[i].f_optimum >= 0.99 * t[i].f_exact &&
                  t[i].f_optimum >= 0.99 * t[i].f_smoothed,
                  "trial %zu: optimum %g below an arm (%g, %g)", i,
                  t[i].f_optimum, t[i].f_exact, t[i].f_smoothed);
    int ok = t[i].f_optimum > 0 && t[i].f_exact > 0 &&
             10 * log10(t[i].f_optimum / t[i].f_exact) <= o.tolerance_db;
    ck_assert_int_eq(t[i].success_exact, ok);
    exact += i < (size_t)o.trials && t[i].f_optimum > 0 && ok;
  }
  drt_study_summary rows[2];
  DRT_CHECK_OK(drt_study_summarize(&o, t, rows));
  ck_assert_int_eq(rows[0].exact, exact);
  ck_assert_int_eq(rows[0].receivers, 2);
  free(t);
  drt_context_destroy(ctx);
}
END_TEST

/* A learning rate that sends an arm to infinity is an error (the trials
 * would measure the arithmetic's overflow), as in optimize. */
START_TEST(diverged_descent_is_an_error) {
  drt_context *ctx = drt_test_open_context(DRT_DEVICE_REF, DRT_PRECISION_DOUBLE);
  drt_study_options o = small_options();
  o.lr = 1e308;
  drt_study_trial *t = calloc(drt_study_trial_count(&o), sizeof *t);
  ck_assert_ptr_nonnull(t);
  ck_assert_int_eq(drt_study_run(ctx, &o, t), DRT_EINVAL);
  ck_assert_msg(strstr(drt_last_error(), "the descent diverged: trial "),
                "%s", drt_last_error());
  free(t);
  drt_context_destroy(ctx);
  ck_assert_int_eq(drt_test_cli("study", "--lr", "1e308", "--trials", "2",
                                "--device", "ref", NULL),
                   DRT_EXIT_FAILURE);
}
END_TEST

START_TEST(cli_bad_options) {
  char png[64];
  snprintf(png, sizeof png, "/tmp/drt2d-study-%d.png", (int)getpid());
  const char *bad[][2] = {
      {"--trials", "0"},       {"--trials", "x"},      {"--receivers", "2,,3"},
      {"--receivers", "0"},    {"--receivers", "17"},  {"--receivers", ""},
      {"--walls", "65"},       {"--order", "4"},       {"--lr", "-1"},
      {"--alpha-start", "0"},  {"--smoothing", "none"}, {"--tolerance-db", "-1"},
      {"--grid", "2"},         {"--batch", "0"},       {"--device", "tpu"},
      {"--steps", "nan"},      {"--frobnicate", "1"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = drt_test_cli("study", bad[i][0], bad[i][1], "--png", png, NULL);
    ck_assert_msg(rc == DRT_EXIT_USAGE, "%s %s -> %d", bad[i][0], bad[i][1], rc);
    struct stat st;
    ck_assert(stat(png, &st) != 0);
  }
  ck_assert_int_eq(drt_test_cli("study", "--trials", NULL), DRT_EXIT_USAGE);
}
END_TEST

int main(void) {
  Suite *s = suite_create("study");
  TCase *tc = tcase_create("study");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, wilson_matches_hand_values);
  tcase_add_test(tc, queries_match_library_on_ref);
  tcase_add_test(tc, queries_match_library_on_pocl);
  tcase_add_test(tc, batch_size_does_not_change_results);
  tcase_add_test(tc, descent_on_the_device_equals_the_host_loop);
  tcase_add_test(tc, maps_on_the_device_equal_the_host_maps);
  tcase_add_test(tc, pattern_searches_on_the_device_equal_the_host_loop);
  tcase_add_test(tc, small_study_end_to_end);
  tcase_add_test(tc, cli_bad_options);
  tcase_add_test(tc, diverged_descent_is_an_error);
  suite_add_tcase(s, tc);
  return drt_test_run(s);
}
