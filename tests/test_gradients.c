/* test_gradients.c — tier 3: the kernels' hand-derived gradients of the
 * received power by the moving endpoint against central finite
 * differences in double precision (docs/method.md §8), on every built-in
 * scene, method, order 0..2 and smoothing mode.
 *
 * At each of 1,000 random receivers the derivative by x and by y is
 * compared with (P(+h) - P(-h)) / 2h, h = 1e-6: relative error at most
 * 1e-5, or absolute 1e-9 near zero. A point within about 2h of a kink
 * (the hard sigmoid's ends of ramp, an exact-mode jump, a path changing
 * validity, a solver landing elsewhere for a neighbour) has no derivative
 * to compare: it is recognised by difference quotients for h and 2h that
 * disagree, or by a second difference far above the h^2 curvature term,
 * and it is counted, printed and skipped; more than 2 % skipped fails the
 * test. MPT's random starts are
 * keyed by the point's index, so every perturbed copy of a point runs the
 * same starts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "rng.h"
#include "testutil.h"

#define N_POINTS 1000
#define STEP 1e-6

static const char *scenes[] = {"square", "square-wall", "square-obstacle",
                               "basic"};
static const char *method_names[] = {"im", "fpt", "mpt"};
static const char *mode_names[] = {"exact", "sigmoid", "hard-sigmoid"};

static drt_context *ctx;

static void open_context(void) {
  ctx = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
}

static void close_context(void) { drt_context_destroy(ctx); }

/* Central difference quotients by coordinate c with step h, all points,
 * and the second differences P(+h) + P(-h) - 2 P(0) (P(0) from center). */
static void difference_quotients(const drt_scene *scene,
                                 const drt_trace_options *o, const double *xy,
                                 int c, double h, const double *center,
                                 double *dq, double *second) {
  double *moved = malloc(2 * N_POINTS * sizeof *moved);
  double *plus = malloc(N_POINTS * sizeof *plus);
  double *minus = malloc(N_POINTS * sizeof *minus);
  for (int sign = 0; sign < 2; sign++) {
    for (int i = 0; i < 2 * N_POINTS; i++) moved[i] = xy[i];
    for (int i = 0; i < N_POINTS; i++) moved[2 * i + c] += sign ? h : -h;
    DRT_CHECK_OK(drt_eval_points(ctx, scene, o, moved, N_POINTS,
                                 sign ? plus : minus));
  }
  for (int i = 0; i < N_POINTS; i++) {
    dq[i] = (plus[i] - minus[i]) / (2 * h);
    second[i] = plus[i] + minus[i] - 2 * center[3 * i];
  }
  free(moved);
  free(plus);
  free(minus);
}

/* Compares one (scene, method, order, mode, moving endpoint) case; seed
 * picks the random points. */
static void check_case(int scene_i, int method, int order, int mode,
                       drt_vary vary, uint64_t seed) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin(scenes[scene_i], &scene));
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.method = (drt_method)method;
  o.order_min = o.order_max = order;
  o.smoothing = (drt_smoothing)mode;
  o.vary = vary;
  if (vary == DRT_VARY_TX) {
    drt_scene_clear_rx(scene);
    DRT_CHECK_OK(drt_scene_add_rx(scene, NULL, 0.7, 0.3));
  }
  o.alpha = 20; /* soft enough that smoothed validity shapes the gradient */
  double box[4];
  DRT_CHECK_OK(drt_scene_bbox(scene, box));
  double *xy = malloc(2 * N_POINTS * sizeof *xy);
  double *grad = malloc(3 * N_POINTS * sizeof *grad);
  double *dq1 = malloc(N_POINTS * sizeof *dq1), *dq2 = malloc(N_POINTS * sizeof *dq2);
  double *second = malloc(2 * N_POINTS * sizeof *second);
  drt__rng rng;
  drt__rng_seed(&rng, seed);
  for (int i = 0; i < N_POINTS; i++) {
    xy[2 * i] = box[0] + (box[2] - box[0]) * drt__rng_uniform(&rng);
    xy[2 * i + 1] = box[1] + (box[3] - box[1]) * drt__rng_uniform(&rng);
  }
  DRT_CHECK_OK(drt_eval_points_grad(ctx, scene, &o, xy, N_POINTS, grad));
  int skipped = 0, failed = 0, compared = 0;
  double worst = 0;
  for (int c = 0; c < 2; c++) {
    difference_quotients(scene, &o, xy, c, STEP, grad, dq1, second);
    difference_quotients(scene, &o, xy, c, 2 * STEP, grad, dq2, second + N_POINTS);
    for (int i = 0; i < N_POINTS; i++) {
      double analytic = grad[3 * i + 1 + c];
      double scale = fmax(fabs(dq1[i]), fabs(analytic));
      /* A smooth P has quotients for h and 2h that agree and a second
       * difference of order h^2: otherwise a kink or jump lies within 2h
       * (also one at the point itself, which the quotients cannot see). */
      int kink = fabs(dq1[i] - dq2[i]) > 1e-6 * scale + 1e-9 ||
                 fabs(second[i]) > 1e-6 * fabs(grad[3 * i]) + 1e-12;
      if (kink) {
        skipped++;
        continue;
      }
      compared++;
      double error = fabs(analytic - dq1[i]);
      if (error > 1e-5 * scale && error > 1e-9) {
        if (failed++ < 3)
          fprintf(stderr, "  (%.9f, %.9f) d/d%c: analytic %.10g, "
                  "finite difference %.10g\n", xy[2 * i], xy[2 * i + 1],
                  c ? 'y' : 'x', analytic, dq1[i]);
      } else if (scale > 1e-9) {
        worst = fmax(worst, error / scale);
      }
    }
  }
  printf("%-16s %s order %d %-12s %s: %d derivatives compared, worst rel. "
         "error %.1e, %d near kinks skipped, %d failed\n",
         scenes[scene_i], method_names[method], order, mode_names[mode],
         vary == DRT_VARY_TX ? "tx" : "rx", compared, worst, skipped, failed);
  ck_assert_msg(failed == 0, "%d derivatives off", failed);
  ck_assert_msg(skipped * 50 <= 2 * N_POINTS, "%d of %d skipped", skipped,
                2 * N_POINTS);
  free(xy);
  free(grad);
  free(dq1);
  free(dq2);
  free(second);
  drt_scene_destroy(scene);
}

START_TEST(gradients_match_finite_differences) {
  check_case(_i / 27, (_i / 9) % 3, (_i / 3) % 3, _i % 3, DRT_VARY_RX,
             500 + _i);
}
END_TEST

/* The same with the transmitter moving (a transmitter map), orders 0..2 of
 * every method, smoothed, on square-obstacle. */
START_TEST(transmitter_gradients_match_finite_differences) {
  check_case(2, _i / 3, _i % 3, DRT_SMOOTHING_SIGMOID, DRT_VARY_TX, 900 + _i);
}
END_TEST

/* The paper's Fig. 1: square-wall, line of sight only. Without smoothing
 * the power behind the wall is flat zero and so is its gradient, which
 * stalls an optimiser there; with a soft hard-sigmoid (alpha = 5) both are
 * non-zero. */
START_TEST(shadow_has_gradient_only_when_smoothed) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin("square-wall", &scene));
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_max = 0;
  /* right behind the wall, on the line through tx (0.2, 0.5) */
  double xy[6] = {0.7, 0.5, 0.8, 0.45, 0.9, 0.55}, out[9];
  DRT_CHECK_OK(drt_eval_points_grad(ctx, scene, &o, xy, 3, out));
  for (int i = 0; i < 3; i++) {
    ck_assert_double_eq(out[3 * i], 0);
    ck_assert_double_eq(out[3 * i + 1], 0);
    ck_assert_double_eq(out[3 * i + 2], 0);
  }
  o.smoothing = DRT_SMOOTHING_HARD_SIGMOID;
  o.alpha = 5;
  DRT_CHECK_OK(drt_eval_points_grad(ctx, scene, &o, xy, 3, out));
  for (int i = 0; i < 3; i++) {
    ck_assert(out[3 * i] > 0);
    ck_assert_msg(hypot(out[3 * i + 1], out[3 * i + 2]) > 1e-3,
                  "no gradient at (%g, %g)", xy[2 * i], xy[2 * i + 1]);
  }
  drt_scene_destroy(scene);
}
END_TEST

static Suite *gradients_suite(void) {
  Suite *s = suite_create("gradients");
  TCase *tc = tcase_create("vs finite differences");
  tcase_set_timeout(tc, 1200);
  tcase_add_unchecked_fixture(tc, open_context, close_context);
  tcase_add_loop_test(tc, gradients_match_finite_differences, 0, 4 * 27);
  tcase_add_loop_test(tc, transmitter_gradients_match_finite_differences, 0, 9);
  tcase_add_test(tc, shadow_has_gradient_only_when_smoothed);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return drt_test_run(gradients_suite()); }
