/* test_optimize.c — the descent of docs/method.md §10: Adam, the alpha
 * schedule and the objectives against hand computation and finite
 * differences; the pair kernel against the summing kernel, one-receiver
 * scenes and the ref evaluator; the paper's scenario (smoothed: within 1 dB
 * of the global maximum, found independently by a dense map and a pattern
 * search; exact: the transmitter never moves); the strip figure;
 * `drt2d optimize`. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <math.h>
#include <png.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "drawing.h"
#include "figure.h"
#include "optim_math.h"
#include "rng.h"
#include "testutil.h"

/* ------------------------------------------------------------------------ */
/* Adam                                                                     */
/* ------------------------------------------------------------------------ */

/* First step: m = 0.1 g, v = 0.001 g^2, bias corrections 0.1 and 0.001, so
 * m^ = g, v^ = g^2 and x moves by -lr g / (|g| + eps): lr sign(g) but for
 * eps. Second step with g2: m = 0.09 g + 0.1 g2, v = 0.000999 g^2 +
 * 0.001 g2^2, corrections 1 - 0.9^2 = 0.19 and 1 - 0.999^2 = 0.001999. */
START_TEST(adam_first_two_steps_by_hand) {
  const double lr = 0.01, g1[2] = {0.3, -2e-3}, g2[2] = {-0.5, 4e-3};
  drt__adam adam;
  drt__adam_init(&adam, lr);
  double x[2] = {0.25, -1.5};
  ck_assert_int_eq(drt__adam_step(&adam, x, g1), 0);
  for (int i = 0; i < 2; i++) {
    double sign = g1[i] > 0 ? 1 : -1;
    double start = i ? -1.5 : 0.25;
    ck_assert_double_eq_tol(x[i], start - lr * sign, lr * 1e-5);
    ck_assert_double_eq_tol(x[i], start - lr * g1[i] / (fabs(g1[i]) + 1e-8),
                            1e-15);
  }
  double after_one[2] = {x[0], x[1]};
  ck_assert_int_eq(drt__adam_step(&adam, x, g2), 0);
  for (int i = 0; i < 2; i++) {
    double m_hat = (0.09 * g1[i] + 0.1 * g2[i]) / 0.19;
    double v_hat =
        (0.000999 * g1[i] * g1[i] + 0.001 * g2[i] * g2[i]) / 0.001999;
    double expected = after_one[i] - lr * m_hat / (sqrt(v_hat) + 1e-8);
    ck_assert_double_eq_tol(x[i], expected, 1e-14);
  }
  /* With g1 = (0.3, ...) and g2 = (-0.5, ...): m^ = (0.027 - 0.05) / 0.19
   * = -0.121052..., v^ = (0.00008991 + 0.00025) / 0.001999 = 0.170040...,
   * step = -lr m^ / sqrt(v^) = +0.0029356... */
  double moved = x[0] - after_one[0];
  ck_assert_double_eq_tol(moved, 0.01 * 0.023 / 0.19 /
                          (sqrt(0.00033991 / 0.001999) + 1e-8), 1e-15);
  ck_assert_double_eq_tol(moved, 0.0029356, 1e-7);
}
END_TEST

/* A NaN component counts as a zero gradient: the first step leaves that
 * coordinate where it is and the next steps see no trace of the NaN. */
START_TEST(adam_nan_gradient_is_zero_and_counted) {
  drt__adam adam;
  drt__adam_init(&adam, 0.1);
  double x[2] = {1, 2};
  double g[2] = {NAN, 0.5};
  ck_assert_int_eq(drt__adam_step(&adam, x, g), 1);
  ck_assert_double_eq(x[0], 1);
  ck_assert_double_eq_tol(x[1], 2 - 0.1, 1e-8);
  ck_assert(!isnan(adam.m[0]) && !isnan(adam.v[0]));
  double both[2] = {NAN, NAN};
  ck_assert_int_eq(drt__adam_step(&adam, x, both), 2);
  ck_assert(isfinite(x[0]) && isfinite(x[1]));
  ck_assert_double_eq(x[0], 1);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Alpha schedule                                                           */
/* ------------------------------------------------------------------------ */

START_TEST(alpha_schedule_is_geometric) {
  const int steps = 100;
  ck_assert_double_eq_tol(drt__alpha_at(1, 100, 0, steps), 1, 1e-15);
  ck_assert_double_eq_tol(drt__alpha_at(1, 100, steps - 1, steps), 100, 1e-12);
  double ratio = pow(100.0, 1.0 / (steps - 1));
  for (int t = 0; t < steps; t++) {
    /* docs/method.md §10: alpha_t = 10^(2 t / (steps - 1)) */
    double design = pow(10.0, 2.0 * t / (steps - 1));
    ck_assert_double_eq_tol(drt__alpha_at(1, 100, t, steps), design,
                            1e-12 * design);
    if (t > 0)
      ck_assert_double_eq_tol(drt__alpha_at(1, 100, t, steps) /
                                  drt__alpha_at(1, 100, t - 1, steps),
                              ratio, 1e-12);
  }
  ck_assert_double_eq(drt__alpha_at(3, 50, 0, 1), 3);
  ck_assert_double_eq_tol(drt__alpha_at(50, 2, 1, 2), 2, 1e-13);
  ck_assert_double_eq_tol(drt__alpha_at(4, 16, 1, 3), 8, 1e-13);
  /* Ends so far apart that end / start leaves the doubles (1e-400, 1e400):
   * every step finite, positive and geometric, 10^(200 - 100 t) here. */
  const double far[][2] = {{1e200, 1e-200}, {1e-200, 1e200}};
  for (int e = 0; e < 2; e++)
    for (int t = 0; t < 5; t++) {
      double a = drt__alpha_at(far[e][0], far[e][1], t, 5);
      double exponent = e == 0 ? 200.0 - 100.0 * t : -200.0 + 100.0 * t;
      ck_assert_msg(isfinite(a) && a > 0, "alpha %g at step %d", a, t);
      ck_assert_double_eq_tol(log10(a), exponent, 1e-12);
    }
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Objectives                                                               */
/* ------------------------------------------------------------------------ */

#define N_TERMS 3

/* Smooth test terms f_i(x) = a_i + b_i . x + c_i |x|^2 with their
 * gradients. */
static void terms(const double x[2], double f[N_TERMS],
                  double df[2 * N_TERMS]) {
  static const double a[N_TERMS] = {0.30, 0.20, 0.26};
  static const double b[N_TERMS][2] = {{0.1, -0.2}, {0.3, 0.05}, {-0.2, 0.1}};
  static const double c[N_TERMS] = {0.5, -0.3, 0.2};
  for (int i = 0; i < N_TERMS; i++) {
    f[i] = a[i] + b[i][0] * x[0] + b[i][1] * x[1] +
           c[i] * (x[0] * x[0] + x[1] * x[1]);
    df[2 * i] = b[i][0] + 2 * c[i] * x[0];
    df[2 * i + 1] = b[i][1] + 2 * c[i] * x[1];
  }
}

static double objective_at(drt_objective objective, double temperature,
                           const double x[2], double grad[2]) {
  double f[N_TERMS], df[2 * N_TERMS], unused[2];
  terms(x, f, df);
  return drt__objective(objective, temperature, f, df, N_TERMS,
                        grad ? grad : unused);
}

/* The objective's gradient against central differences of the objective
 * function itself, at points away from min's switch between terms. */
START_TEST(objective_gradients_match_finite_differences) {
  const drt_objective objectives[] = {DRT_OBJECTIVE_MIN, DRT_OBJECTIVE_SUM,
                                      DRT_OBJECTIVE_SOFTMIN};
  const double points[][2] = {{0.1, 0.2}, {-0.3, 0.4}, {0.5, -0.1}};
  const double h = 1e-6;
  for (int k = 0; k < 3; k++)
    for (int p = 0; p < 3; p++) {
      double grad[2];
      objective_at(objectives[k], 0.02, points[p], grad);
      for (int c = 0; c < 2; c++) {
        double up[2] = {points[p][0], points[p][1]};
        double down[2] = {points[p][0], points[p][1]};
        up[c] += h;
        down[c] -= h;
        double fd = (objective_at(objectives[k], 0.02, up, NULL) -
                     objective_at(objectives[k], 0.02, down, NULL)) / (2 * h);
        ck_assert_msg(fabs(grad[c] - fd) <= 1e-7,
                      "objective %d point %d coordinate %d: %.12g vs %.12g", k,
                      p, c, grad[c], fd);
      }
    }
}
END_TEST

START_TEST(objective_values) {
  const double x[2] = {0.1, 0.2};
  double f[N_TERMS], df[2 * N_TERMS], grad[2];
  terms(x, f, df);
  double low = fmin(f[0], fmin(f[1], f[2]));
  ck_assert_double_eq(objective_at(DRT_OBJECTIVE_MIN, 1, x, grad), low);
  ck_assert_double_eq_tol(objective_at(DRT_OBJECTIVE_SUM, 1, x, grad),
                          f[0] + f[1] + f[2], 1e-15);
  /* softmin written out: -T log sum exp(-f_i / T), moderate T */
  double t = 0.05;
  double direct = -t * log(exp(-f[0] / t) + exp(-f[1] / t) + exp(-f[2] / t));
  ck_assert_double_eq_tol(objective_at(DRT_OBJECTIVE_SOFTMIN, t, x, grad),
                          direct, 1e-14);
  /* it lies below the min, by at most T log n, and tends to it */
  ck_assert(direct <= low);
  ck_assert(direct >= low - t * log(3.0));
  ck_assert_double_eq_tol(objective_at(DRT_OBJECTIVE_SOFTMIN, 1e-4, x, grad),
                          low, 1e-3);
  /* a tiny T must not overflow: exp(-f / T) alone would underflow to 0 */
  ck_assert(isfinite(objective_at(DRT_OBJECTIVE_SOFTMIN, 1e-6, x, grad)));
}
END_TEST

START_TEST(objective_min_ties_average_and_nan) {
  const double f[3] = {0.2, 0.2, 0.5};
  const double df[6] = {1, 2, 3, -4, 100, 100};
  double grad[2];
  ck_assert_double_eq(drt__objective(DRT_OBJECTIVE_MIN, 1, f, df, 3, grad),
                      0.2);
  ck_assert_double_eq(grad[0], 2);
  ck_assert_double_eq(grad[1], -1);
  const double zeros[3] = {0, 0, 0.1};
  ck_assert_double_eq(
      drt__objective(DRT_OBJECTIVE_MIN, 1, zeros, df, 3, grad), 0);
  ck_assert_double_eq(grad[0], 2);
  const double with_nan[3] = {0.2, NAN, 0.5};
  ck_assert(isnan(drt__objective(DRT_OBJECTIVE_MIN, 1, with_nan, df, 3, grad)));
  ck_assert(isnan(grad[0]) && isnan(grad[1]));
  ck_assert(isnan(drt__objective(DRT_OBJECTIVE_SUM, 1, with_nan, df, 3, grad)));
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Pairs: each receiver apart, in one launch                                */
/* ------------------------------------------------------------------------ */

static drt_context *ctx;

static void open_context(void) {
  ctx = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
}

static void close_context(void) { drt_context_destroy(ctx); }

/* The paper's scene: square-obstacle with receivers (0.3, 0.1), (0.5, 0.1)
 * (and more when n_rx > 2). */
static drt_scene *paper_scene(int n_rx) {
  static const double rx[][2] = {{0.3, 0.1}, {0.5, 0.1}, {0.8, 0.7}};
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin("square-obstacle", &scene));
  drt_scene_clear_rx(scene);
  for (int i = 0; i < n_rx; i++)
    DRT_CHECK_OK(drt_scene_add_rx(scene, NULL, rx[i][0], rx[i][1]));
  return scene;
}

/* scene's objects with receiver i alone. */
static drt_scene *one_receiver(const drt_scene *scene, size_t i) {
  drt_scene *one;
  DRT_CHECK_OK(drt_scene_create(&one));
  for (size_t k = 0; k < drt_scene_object_count(scene); k++)
    DRT_CHECK_OK(drt_scene_add_object(one, drt_scene_object(scene, k)));
  const drt_point *p = drt_scene_rx(scene, i);
  DRT_CHECK_OK(drt_scene_add_rx(one, NULL, p->x, p->y));
  return one;
}

static int close_enough(double a, double b) {
  return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b)) + 1e-12;
}

#define N_PAIR_POINTS 200

/* The pairs of the n points xy against (a) the summing kernel, (b) the
 * ref evaluator's pairs and (c), for IM and FPT, whose paths need no
 * random start, one-receiver scenes through the summing kernel. */
static void check_pairs(const drt_scene *scene, const drt_trace_options *o,
                        const double *xy, int n) {
  const int n_rx = (int)drt_scene_rx_count(scene);
  double *pairs = malloc(3 * n * n_rx * sizeof *pairs);
  double *ref = malloc(3 * n * n_rx * sizeof *ref);
  double *sums = malloc(3 * n * sizeof *sums);
  double *single = malloc(3 * n * sizeof *single);
  DRT_CHECK_OK(drt_eval_pairs_grad(ctx, scene, o, xy, n, pairs));
  DRT_CHECK_OK(drt_eval_points_grad(ctx, scene, o, xy, n, sums));
  drt_context *ref_ctx = drt_test_open_context(DRT_DEVICE_REF,
                                               DRT_PRECISION_DOUBLE);
  DRT_CHECK_OK(drt_eval_pairs_grad(ref_ctx, scene, o, xy, n, ref));
  drt_context_destroy(ref_ctx);
  int nonzero = 0;
  for (int i = 0; i < n; i++)
    for (int c = 0; c < 3; c++) {
      double total = 0;
      for (int f = 0; f < n_rx; f++) {
        double v = pairs[3 * (i * n_rx + f) + c];
        ck_assert_msg(close_enough(v, ref[3 * (i * n_rx + f) + c]),
                      "point %d rx %d component %d: %.17g vs ref %.17g", i, f,
                      c, v, ref[3 * (i * n_rx + f) + c]);
        total += v;
        nonzero += v != 0;
      }
      ck_assert_msg(close_enough(total, sums[3 * i + c]),
                    "point %d component %d: pairs sum %.17g vs %.17g", i, c,
                    total, sums[3 * i + c]);
    }
  ck_assert_int_gt(nonzero, n);
  for (int f = 0; f < n_rx && o->method != DRT_METHOD_MPT; f++) {
    drt_scene *one = one_receiver(scene, (size_t)f);
    DRT_CHECK_OK(drt_eval_points_grad(ctx, one, o, xy, n, single));
    for (int i = 0; i < n; i++)
      for (int c = 0; c < 3; c++)
        ck_assert_msg(close_enough(pairs[3 * (i * n_rx + f) + c],
                                   single[3 * i + c]),
                      "point %d rx %d component %d: %.17g vs alone %.17g", i,
                      f, c, pairs[3 * (i * n_rx + f) + c], single[3 * i + c]);
    drt_scene_destroy(one);
  }
  free(pairs);
  free(ref);
  free(sums);
  free(single);
}

/* Loop index: method (3) x smoothing (3), on the paper's scene. */
START_TEST(pairs_match_sums_ref_and_single_receivers) {
  const int n = N_PAIR_POINTS;
  drt_scene *scene = paper_scene(3);
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.vary = DRT_VARY_TX;
  o.order_min = 0;
  o.order_max = 2;
  o.method = (drt_method)(_i / 3);
  o.smoothing = (drt_smoothing)(_i % 3);
  o.alpha = 20;
  drt__rng rng;
  drt__rng_seed(&rng, 42 + (uint64_t)_i);
  double xy[2 * N_PAIR_POINTS];
  for (int k = 0; k < 2 * n; k++) xy[k] = drt__rng_uniform(&rng);
  check_pairs(scene, &o, xy, n);
  drt_scene_destroy(scene);
}
END_TEST

/* A street of my own in metres: two facades, a metal panel, two
 * receivers. */
static drt_scene *radio_scene(void) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_create(&scene));
  drt_object walls[] = {
      {.type = DRT_OBJECT_WALL, .ax = 0, .ay = 0, .bx = 100, .by = 0,
       .material = DRT_MATERIAL_CONCRETE},
      {.type = DRT_OBJECT_WALL, .ax = 0, .ay = 16, .bx = 100, .by = 16,
       .material = DRT_MATERIAL_BRICK},
      {.type = DRT_OBJECT_WALL, .ax = 50, .ay = 2, .bx = 54, .by = 10,
       .material = DRT_MATERIAL_METAL}};
  for (int i = 0; i < 3; i++) DRT_CHECK_OK(drt_scene_add_object(scene, &walls[i]));
  DRT_CHECK_OK(drt_scene_add_rx(scene, NULL, 40, 4));
  DRT_CHECK_OK(drt_scene_add_rx(scene, NULL, 70, 12));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 10, 8));
  return scene;
}

static drt_trace_options radio_options(void) {
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.model = DRT_MODEL_RADIO;
  o.vary = DRT_VARY_TX;
  o.smoothing = DRT_SMOOTHING_SIGMOID;
  o.alpha = 5; /* 1/m */
  return o;
}

/* The radio model's pairs, loop index method (3) x sum (2): each pair is
 * one link, so the coherent sum's pairs add to the per-receiver powers
 * the summing evaluation adds. */
START_TEST(radio_pairs_match_sums_ref_and_single_receivers) {
  enum { N = 40 };
  drt_scene *scene = radio_scene();
  drt_trace_options o = radio_options();
  o.order_max = _i / 2 == DRT_METHOD_IM ? 2 : 1;
  o.method = (drt_method)(_i / 2);
  o.sum = (drt_sum)(_i % 2);
  drt__rng rng;
  drt__rng_seed(&rng, 77 + (uint64_t)_i);
  double xy[2 * N];
  for (int k = 0; k < N; k++) {
    xy[2 * k] = 1 + 98 * drt__rng_uniform(&rng);
    xy[2 * k + 1] = 0.5 + 15 * drt__rng_uniform(&rng);
  }
  check_pairs(scene, &o, xy, N);
  /* A receiver map's pairs would need each lane's antenna: refused. */
  double out[6];
  o.vary = DRT_VARY_RX;
  ck_assert_int_eq(drt_eval_pairs_grad(ctx, scene, &o, xy, 1, out),
                   DRT_EUNSUPPORTED);
  drt_scene_destroy(scene);
}
END_TEST

/* A radio descent: F is min_i P_i / 1 mW (its dB are dBm), recorded at
 * every step as drt_eval_points gives it; the smoothed gradient moves the
 * transmitter (in the coherent field's fringes, not always uphill). */
START_TEST(radio_descent_records_powers_in_milliwatts) {
  drt_scene *scene = radio_scene();
  drt_trace_options trace = radio_options();
  drt_optimize_options oo;
  drt_optimize_options_init(&oo);
  oo.steps = 30;
  oo.lr = 1; /* metres */
  drt_optimize_step steps[31];
  drt_optimize_result result;
  DRT_CHECK_OK(drt_optimize_run(ctx, scene, &trace, &oo, steps, &result));
  ck_assert(result.f_exact > 0 && result.f_start > 0);
  ck_assert(hypot(result.tx[0] - 10, result.tx[1] - 8) > 1);
  ck_assert(drt_power_reference(&trace) == 1e-3);
  trace.smoothing = DRT_SMOOTHING_NONE;
  for (int t = 0; t <= result.steps; t += 10) {
    double f = INFINITY;
    for (size_t i = 0; i < 2; i++) {
      drt_scene *one = one_receiver(scene, i);
      double p;
      DRT_CHECK_OK(drt_eval_points(ctx, one, &trace, steps[t].tx, 1, &p));
      f = fmin(f, p / 1e-3);
      drt_scene_destroy(one);
    }
    ck_assert_msg(close_enough(steps[t].f_exact, f), "step %d: %.17g vs %.17g",
                  t, steps[t].f_exact, f);
  }
  drt_scene_destroy(scene);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* The paper's scenario (docs/method.md §10)                                */
/* ------------------------------------------------------------------------ */

static drt_trace_options los_options(void) {
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.vary = DRT_VARY_TX;
  o.order_min = o.order_max = 0;
  return o;
}

/* Exact F = min_i P_i / P0 at n transmitter positions, from one-receiver
 * scenes through the value kernels, written apart from optimize.c. */
static void exact_objective(const drt_scene *scene, const double *xy,
                            size_t n, double *values) {
  drt_trace_options o = los_options();
  double *power = malloc(n * sizeof *power);
  for (size_t k = 0; k < n; k++) values[k] = INFINITY;
  for (size_t i = 0; i < drt_scene_rx_count(scene); i++) {
    drt_scene *one = one_receiver(scene, i);
    DRT_CHECK_OK(drt_eval_points(ctx, one, &o, xy, n, power));
    for (size_t k = 0; k < n; k++)
      values[k] = fmin(values[k], power[k] / DRT_P0);
    drt_scene_destroy(one);
  }
  free(power);
}

static double exact_at(const drt_scene *scene, double x, double y) {
  double xy[2] = {x, y}, f;
  exact_objective(scene, xy, 1, &f);
  return f;
}

/* Compass pattern search: from (x, y), try the four neighbours at distance
 * h, move to the best one that improves, halve h when none does. */
static double pattern_search(const drt_scene *scene, double *x, double *y,
                             double h) {
  double best = exact_at(scene, *x, *y);
  while (h > 1e-9) {
    static const double dirs[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    int moved = 0;
    for (int d = 0; d < 4; d++) {
      double f = exact_at(scene, *x + h * dirs[d][0], *y + h * dirs[d][1]);
      if (f > best) {
        best = f;
        *x += h * dirs[d][0];
        *y += h * dirs[d][1];
        moved = 1;
      }
    }
    if (!moved) h /= 2;
  }
  return best;
}

#define DENSE 1000

/* Global maximum of the exact objective over the room: a 1000 x 1000 map,
 * then a pattern search from each of its best 5 cells. */
static double global_maximum(const drt_scene *scene, double where[2]) {
  size_t cells = (size_t)DENSE * DENSE;
  double *xy = malloc(2 * cells * sizeof *xy);
  double *f = malloc(cells * sizeof *f);
  for (size_t k = 0; k < cells; k++) {
    xy[2 * k] = (double)(k % DENSE) / (DENSE - 1);
    xy[2 * k + 1] = (double)(k / DENSE) / (DENSE - 1);
  }
  exact_objective(scene, xy, cells, f);
  double best = -1;
  for (int round = 0; round < 5; round++) {
    size_t top = 0;
    for (size_t k = 1; k < cells; k++)
      if (f[k] > f[top]) top = k;
    double x = xy[2 * top], y = xy[2 * top + 1];
    f[top] = -1; /* the next round takes the next best cell */
    double refined = pattern_search(scene, &x, &y, 1.0 / (DENSE - 1));
    if (refined > best) {
      best = refined;
      where[0] = x;
      where[1] = y;
    }
  }
  free(xy);
  free(f);
  return best;
}

static void run_paper(const drt_scene *scene, drt_smoothing smoothing,
                      drt_optimize_step *steps, drt_optimize_result *r) {
  drt_trace_options o = los_options();
  drt_optimize_options opt;
  drt_optimize_options_init(&opt);
  ck_assert_int_eq(opt.steps, 100);
  ck_assert_double_eq(opt.lr, 0.01);
  opt.smoothing = smoothing;
  opt.start[0] = 0.5;
  opt.start[1] = 0.7;
  DRT_CHECK_OK(drt_optimize_run(ctx, scene, &o, &opt, steps, r));
  ck_assert_int_eq(r->steps, 100);
}

START_TEST(paper_scenario_smoothed_reaches_global_maximum) {
  drt_scene *scene = paper_scene(2);
  drt_optimize_step steps[101];
  drt_optimize_result r;
  run_paper(scene, DRT_SMOOTHING_HARD_SIGMOID, steps, &r);
  double where[2] = {NAN, NAN};
  double best = global_maximum(scene, where);
  double gap_db = 10 * log10(best / r.f_exact);
  printf("paper scenario, smoothed: start F %g, end (%.6f, %.6f) F %.6g; "
         "global max %.6g at (%.6f, %.6f); gap %.4f dB\n",
         r.f_start, r.tx[0], r.tx[1], r.f_exact, best, where[0], where[1],
         gap_db);
  ck_assert_double_eq(r.f_start, 0); /* the start lies in the shadow */
  ck_assert(gap_db >= -1e-9);        /* the maximum is a maximum */
  ck_assert_msg(gap_db <= 1.0, "%.3f dB from the global maximum", gap_db);
  /* the record agrees with the independent objective */
  ck_assert(close_enough(r.f_exact, exact_at(scene, r.tx[0], r.tx[1])));
  ck_assert_double_eq(steps[0].alpha, 1);
  ck_assert_double_eq_tol(steps[99].alpha, 100, 1e-10);
  ck_assert_int_eq(r.nan_gradients, 0);
  drt_scene_destroy(scene);
}
END_TEST

START_TEST(paper_scenario_exact_never_moves) {
  drt_scene *scene = paper_scene(2);
  drt_optimize_step steps[101];
  drt_optimize_result r;
  run_paper(scene, DRT_SMOOTHING_NONE, steps, &r);
  for (int t = 0; t <= 100; t++) {
    ck_assert_double_eq(steps[t].tx[0], 0.5);
    ck_assert_double_eq(steps[t].tx[1], 0.7);
    ck_assert_double_eq(steps[t].f_exact, 0);
    ck_assert_double_eq(steps[t].f_smoothed, 0);
    ck_assert_double_eq(steps[t].grad_norm, 0);
    ck_assert(isnan(steps[t].alpha));
  }
  ck_assert_double_eq(r.tx[0], 0.5);
  ck_assert_double_eq(r.tx[1], 0.7);
  ck_assert_double_eq(r.f_exact, 0);
  drt_scene_destroy(scene);
}
END_TEST

/* Smoothed F at one alpha from one-receiver scenes (value kernels). */
static double smoothed_at(const drt_scene *scene, double alpha, double x,
                          double y) {
  drt_trace_options o = los_options();
  o.smoothing = DRT_SMOOTHING_HARD_SIGMOID;
  o.alpha = alpha;
  double xy[2] = {x, y}, best = INFINITY, p;
  for (size_t i = 0; i < drt_scene_rx_count(scene); i++) {
    drt_scene *one = one_receiver(scene, i);
    DRT_CHECK_OK(drt_eval_points(ctx, one, &o, xy, 1, &p));
    best = fmin(best, p / DRT_P0);
    drt_scene_destroy(one);
  }
  return best;
}

/* A step's recorded F and gradient are those of the smoothed objective at
 * its alpha: checked by central differences at a few steps. */
START_TEST(recorded_gradient_matches_finite_differences) {
  drt_scene *scene = paper_scene(2);
  drt_optimize_step steps[101];
  drt_optimize_result r;
  run_paper(scene, DRT_SMOOTHING_HARD_SIGMOID, steps, &r);
  const int checked[] = {0, 10, 35, 70, 100};
  const double h = 1e-7;
  for (int k = 0; k < 5; k++) {
    const drt_optimize_step *s = &steps[checked[k]];
    double f = smoothed_at(scene, s->alpha, s->tx[0], s->tx[1]);
    ck_assert_msg(close_enough(s->f_smoothed, f), "step %d: F %.17g vs %.17g",
                  s->step, s->f_smoothed, f);
    for (int c = 0; c < 2; c++) {
      double d[2] = {c == 0 ? h : 0, c == 1 ? h : 0};
      double up =
          smoothed_at(scene, s->alpha, s->tx[0] + d[0], s->tx[1] + d[1]);
      double down =
          smoothed_at(scene, s->alpha, s->tx[0] - d[0], s->tx[1] - d[1]);
      double fd = (up - down) / (2 * h);
      ck_assert_msg(fabs(s->grad[c] - fd) <= 1e-5 * fmax(1, fabs(fd)),
                    "step %d coordinate %d: %.10g vs %.10g", s->step, c,
                    s->grad[c], fd);
    }
  }
  drt_scene_destroy(scene);
}
END_TEST

/* The objective map agrees with the independent objective. */
START_TEST(objective_map_matches_points) {
  drt_scene *scene = paper_scene(2);
  drt_trace_options o = los_options();
  drt_grid grid = {41, 31, {0, 0, 1, 1}};
  double map[41 * 31], xy[2 * 41 * 31], f[41 * 31];
  DRT_CHECK_OK(
      drt_map_objective(ctx, scene, &o, DRT_OBJECTIVE_MIN, 1, &grid, map));
  for (int r = 0; r < grid.ny; r++)
    for (int c = 0; c < grid.nx; c++)
      drt_grid_point(&grid, r, c, &xy[2 * (r * grid.nx + c)],
                     &xy[2 * (r * grid.nx + c) + 1]);
  exact_objective(scene, xy, 41 * 31, f);
  int zeros = 0;
  for (int k = 0; k < 41 * 31; k++) {
    ck_assert(close_enough(map[k], f[k]));
    zeros += f[k] == 0;
  }
  ck_assert_int_gt(zeros, 10); /* the shadow is on the map */
  drt_scene_destroy(scene);
}
END_TEST

/* Options out of range are refused with DRT_EINVAL. */
START_TEST(bad_optimize_options_are_refused) {
  drt_scene *scene = paper_scene(2);
  drt_trace_options o = los_options();
  drt_optimize_result r;
  for (int k = 0; k < 7; k++) {
    drt_optimize_options opt;
    drt_optimize_options_init(&opt);
    opt.start[0] = 0.5;
    opt.start[1] = 0.7;
    if (k == 0) opt.steps = 0;
    if (k == 1) opt.lr = 0;
    if (k == 2) opt.alpha_start = -1;
    if (k == 3) opt.alpha_end = INFINITY;
    if (k == 4) opt.temperature = 0;
    if (k == 5) opt.start[1] = NAN;
    if (k == 6) opt.objective = (drt_objective)7;
    ck_assert_int_eq(drt_optimize_run(ctx, scene, &o, &opt, NULL, &r),
                     DRT_EINVAL);
  }
  drt_scene_clear_rx(scene);
  drt_optimize_options opt;
  drt_optimize_options_init(&opt);
  ck_assert_int_eq(drt_optimize_run(ctx, scene, &o, &opt, NULL, &r),
                   DRT_EINVAL);
  drt_scene_destroy(scene);
}
END_TEST

/* A learning rate that sends the transmitter to infinity is an error,
 * from the library and from the command line (exit 1, no output), not an
 * end at (inf, inf) with exit 0. */
START_TEST(diverged_descent_is_an_error) {
  drt_scene *scene = paper_scene(2);
  drt_trace_options o = los_options();
  drt_optimize_options opt;
  drt_optimize_options_init(&opt);
  opt.start[0] = 0.5;
  opt.start[1] = 0.7;
  opt.steps = 8;
  opt.lr = 1e308;
  drt_optimize_result r;
  ck_assert_int_eq(drt_optimize_run(ctx, scene, &o, &opt, NULL, &r),
                   DRT_EINVAL);
  ck_assert_msg(strstr(drt_last_error(), "the descent diverged at step "),
                "%s", drt_last_error());
  drt_scene_destroy(scene);
  const char *json = drt_test_scratch("diverged.json");
  ck_assert_int_eq(drt_test_cli("optimize", "--lr", "1e308", "--steps", "8",
                                "--device", "ref", "--quiet", "--json", json,
                                NULL),
                   DRT_EXIT_FAILURE);
  ck_assert(!drt_test_exists(json));
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Strip figure and the command line                                        */
/* ------------------------------------------------------------------------ */

static void png_size(const char *path, int *width, int *height) {
  png_image image = {.version = PNG_IMAGE_VERSION};
  ck_assert_msg(png_image_begin_read_from_file(&image, path), "%s", path);
  *width = (int)image.width;
  *height = (int)image.height;
  png_image_free(&image);
}

START_TEST(strip_is_panels_side_by_side) {
  double db[20 * 10];
  for (int k = 0; k < 200; k++) db[k] = -(k % 37);
  const double track[6] = {0.1, 0.1, 0.5, 0.2, 0.9, 0.8};
  drt__figure fig = {.db = db, .nx = 20, .ny = 10, .bbox = {0, 0, 1, 1},
                     .db_lo = -40, .db_hi = 0, .title = "panel",
                     .unit = "dB", .track = track, .n_track = 3};
  drt__figure panels[3] = {fig, fig, fig};
  const char *one = drt_test_scratch("one.png"),
             *strip = drt_test_scratch("strip.png");
  DRT_CHECK_OK(drt__figure_write(&fig, one, DRT_FIGURE_DPI));
  DRT_CHECK_OK(drt__figure_strip_write(panels, 3, strip, DRT_FIGURE_DPI));
  int w1, h1, w3, h3;
  png_size(one, &w1, &h1);
  png_size(strip, &w3, &h3);
  ck_assert_int_eq(w3, 3 * w1);
  ck_assert_int_eq(h3, h1);
  /* a broken panel fails the strip and leaves no file */
  panels[1].nx = 0;
  const char *bad = drt_test_scratch("bad.png");
  ck_assert_int_eq(drt__figure_strip_write(panels, 3, bad, DRT_FIGURE_DPI),
                   DRT_EINVAL);
  ck_assert(!drt_test_exists(bad));
}
END_TEST

START_TEST(cli_bad_options_exit_2_and_write_nothing) {
  const char *json = drt_test_scratch("bad.json");
  const char *bad[][3] = {
      {"--steps", "0", NULL},          {"--steps", "1.5", NULL},
      {"--lr", "0", NULL},             {"--lr", "-1", NULL},
      {"--alpha-start", "0", NULL},    {"--alpha-end", "nan", NULL},
      {"--objective", "max", NULL},    {"--temperature", "0", NULL},
      {"--frames", "0", NULL},         {"--frames", "3", NULL},
      {"--frames", "17", NULL},        {"--smoothing", "soft", NULL},
      {"--alpha", "5", NULL},          {"--grid", "0", NULL},
      {"--tx", "0.1", NULL},           {"--db-range", "0,-1", NULL},
      {"--bbox", "1,1,0,0", NULL},     {"--order", "9", NULL},
      {"--frobnicate", "1", NULL},     {"stray", NULL, NULL},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = bad[i][1]
                 ? drt_test_cli("optimize", "--rx", "0.3,0.1", bad[i][0],
                                bad[i][1], "--json", json, "--quiet", NULL)
                 : drt_test_cli("optimize", bad[i][0], "--json", json,
                                "--quiet", NULL);
    ck_assert_msg(rc == DRT_EXIT_USAGE, "%s %s -> %d", bad[i][0],
                  bad[i][1] ? bad[i][1] : "", rc);
    ck_assert(!drt_test_exists(json));
  }
  /* two starts; more panels than records; a missing value */
  ck_assert_int_eq(drt_test_cli("optimize", "--tx", "0.1,0.1", "--tx",
                                "0.2,0.2", "--json", json, NULL),
                   DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("optimize", "--steps", "3", "--frames", "5",
                                "--frames-png", drt_test_scratch("f.png"),
                                NULL),
                   DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("optimize", "--steps", NULL), DRT_EXIT_USAGE);
  ck_assert(!drt_test_exists(json));
  /* a failure to write is exit 1, and leaves nothing behind */
  const char *nowhere = "/nonexistent-dir/x.json";
  ck_assert_int_eq(drt_test_cli("optimize", "--rx", "0.3,0.1", "--steps", "2",
                                "--json", nowhere, "--quiet", NULL),
                   DRT_EXIT_FAILURE);
  ck_assert(!drt_test_exists(nowhere));
}
END_TEST

static cJSON *read_json(const char *path) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  static char text[1 << 20];
  size_t n = fread(text, 1, sizeof text - 1, f);
  text[n] = '\0';
  fclose(f);
  cJSON *root = cJSON_Parse(text);
  ck_assert_ptr_nonnull(root);
  return root;
}

/* The command's JSON and figures, against the library run. */
START_TEST(cli_writes_json_and_figures) {
  const char *json = drt_test_scratch("run.json"),
             *png = drt_test_scratch("run.png"),
             *frames = drt_test_scratch("frames.png");
  ck_assert_int_eq(
      drt_test_cli("optimize", "--rx", "0.3,0.1", "--rx", "0.5,0.1", "--tx",
                   "0.5,0.7", "--order", "0", "--steps", "20", "--precision",
                   "double", "--grid", "50", "--json", json, "--png", png,
                   "--frames", "3", "--frames-png", frames, "--quiet", NULL),
      0);
  cJSON *root = read_json(json);
  cJSON *trajectory = cJSON_GetObjectItem(root, "trajectory");
  ck_assert_int_eq(cJSON_GetArraySize(trajectory), 21);
  cJSON *result = cJSON_GetObjectItem(root, "result");
  cJSON *tx = cJSON_GetObjectItem(result, "tx");
  drt_scene *scene = paper_scene(2);
  drt_trace_options o = los_options();
  drt_optimize_options opt;
  drt_optimize_options_init(&opt);
  opt.steps = 20;
  opt.start[0] = 0.5;
  opt.start[1] = 0.7;
  drt_optimize_result r;
  DRT_CHECK_OK(drt_optimize_run(ctx, scene, &o, &opt, NULL, &r));
  ck_assert_double_eq(cJSON_GetArrayItem(tx, 0)->valuedouble, r.tx[0]);
  ck_assert_double_eq(cJSON_GetArrayItem(tx, 1)->valuedouble, r.tx[1]);
  ck_assert_double_eq(cJSON_GetObjectItem(result, "f_exact")->valuedouble,
                      r.f_exact);
  cJSON *first = cJSON_GetArrayItem(trajectory, 0);
  ck_assert(cJSON_IsNull(cJSON_GetObjectItem(result, "f_start_db")));
  ck_assert_double_eq(cJSON_GetObjectItem(first, "alpha")->valuedouble, 1);
  cJSON_Delete(root);
  /* three panels of the map's size (titles change the widths a little) */
  int w1, h1, w3, h3;
  png_size(png, &w1, &h1);
  png_size(frames, &w3, &h3);
  ck_assert_int_eq(h3, h1);
  ck_assert_int_gt(w3, 2 * w1);
  drt_scene_destroy(scene);
}
END_TEST

static Suite *optimize_suite(void) {
  Suite *s = suite_create("optimize");
  TCase *math = tcase_create("math");
  tcase_add_test(math, adam_first_two_steps_by_hand);
  tcase_add_test(math, adam_nan_gradient_is_zero_and_counted);
  tcase_add_test(math, alpha_schedule_is_geometric);
  tcase_add_test(math, objective_gradients_match_finite_differences);
  tcase_add_test(math, objective_values);
  tcase_add_test(math, objective_min_ties_average_and_nan);
  suite_add_tcase(s, math);
  TCase *device = tcase_create("device");
  tcase_set_timeout(device, 600);
  tcase_add_unchecked_fixture(device, open_context, close_context);
  tcase_add_checked_fixture(device, drt_test_scratch_create,
                            drt_test_scratch_remove);
  tcase_add_loop_test(device, pairs_match_sums_ref_and_single_receivers, 0, 9);
  tcase_add_loop_test(device, radio_pairs_match_sums_ref_and_single_receivers,
                      0, 6);
  tcase_add_test(device, radio_descent_records_powers_in_milliwatts);
  tcase_add_test(device, paper_scenario_smoothed_reaches_global_maximum);
  tcase_add_test(device, paper_scenario_exact_never_moves);
  tcase_add_test(device, recorded_gradient_matches_finite_differences);
  tcase_add_test(device, objective_map_matches_points);
  tcase_add_test(device, bad_optimize_options_are_refused);
  tcase_add_test(device, diverged_descent_is_an_error);
  tcase_add_test(device, strip_is_panels_side_by_side);
  tcase_add_test(device, cli_bad_options_exit_2_and_write_nothing);
  tcase_add_test(device, cli_writes_json_and_figures);
  suite_add_tcase(s, device);
  return s;
}

int main(void) { return drt_test_run(optimize_suite()); }
