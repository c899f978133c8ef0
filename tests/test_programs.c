/* test_programs.c — the programs built from the one kernel core agree: at
 * the same transmitter positions, the value program (drt_eval_points), the
 * endpoint-gradient program (drt_eval_points_grad), the pair program
 * (drt_eval_pairs_grad), the scene-gradient program
 * (drt_eval_points_scene_grad: its power and moving-endpoint columns) and,
 * for the image method, both study programs (study_eval with its gradient,
 * study_power on lanes) give the same power and the same derivatives by
 * the transmitter. They share their source, so they may differ only by
 * the order in which sums are added: 1e-12 relative in double, 1e-5 in
 * float (plus an absolute floor of 1e-12 P0 and 1e-7 P0). Every method,
 * smoothing mode and precision, orders 0..2, on a room with three random
 * interior walls. */
#define _POSIX_C_SOURCE 200809L /* setenv, strdup */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "study_internal.h"
#include "testutil.h"

#define N_POINTS 256 /* a multiple of any lane count */
#define N_WALLS 7    /* the room and three interior walls */
#define ORDER 2

static const char *method_names[] = {"im", "fpt", "mpt"};
static const char *mode_names[] = {"exact", "sigmoid", "hard-sigmoid"};
static const double receiver[2] = {0.7, 0.3};

/* The room's walls, then three random ones, as a study draw. */
static void draw_walls(drt__study_draw *d) {
  static const double room[4][4] = {
      {0, 0, 1, 0}, {1, 0, 1, 1}, {1, 1, 0, 1}, {0, 1, 0, 0}};
  drt__rng rng;
  drt__rng_seed(&rng, 12345);
  memset(d, 0, sizeof *d);
  d->receivers = 1;
  d->n_walls = N_WALLS;
  memcpy(d->walls, room, sizeof room);
  for (int w = 4; w < N_WALLS; w++)
    for (int c = 0; c < 4; c++)
      d->walls[w][c] = 0.1 + 0.8 * drt__rng_uniform(&rng);
  memcpy(d->rx[0], receiver, sizeof receiver);
}

static drt_scene *scene_of(const drt__study_draw *d) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_create(&scene));
  for (int w = 0; w < d->n_walls; w++)
    DRT_CHECK_OK(drt_scene_add_wall(scene, d->walls[w][0], d->walls[w][1],
                                    d->walls[w][2], d->walls[w][3]));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 0.5, 0.5));
  DRT_CHECK_OK(drt_scene_add_rx(scene, NULL, receiver[0], receiver[1]));
  return scene;
}

/* Fails unless got agrees with want within the precision's bounds. */
static void expect_close(double want, double got, double rel, double floor,
                         const char *what, const char *label, int point) {
  double scale = fabs(want) > fabs(got) ? fabs(want) : fabs(got);
  ck_assert_msg(fabs(want - got) <= rel * scale + floor,
                "%s %s at point %d: %.17g against %.17g", label, what, point,
                want, got);
}

/* The study programs' power and gradient at every point (image method). */
static void study_values(drt_context *ctx, const drt__study_draw *d,
                         const double *xy, int mode, double alpha,
                         double *eval_out, double *power_out) {
  drt__study_batch batch;
  drt__study_queries q = {0};
  DRT_CHECK_OK(drt__study_batch_open(&batch, ctx, d, 1, ORDER));
  for (int i = 0; i < N_POINTS; i++)
    DRT_CHECK_OK(drt__study_push(&q, 0, mode, xy + 2 * i, receiver));
  DRT_CHECK_OK(drt__study_eval(&batch, &q, alpha, 1, eval_out));
  DRT_CHECK_OK(drt__study_power(&batch, &q, alpha, power_out));
  drt__study_queries_free(&q);
  drt__study_batch_close(&batch);
}

static void check_case(drt_context *ctx, int method, int mode, double rel,
                       double floor) {
  drt__study_draw d;
  draw_walls(&d);
  drt_scene *scene = scene_of(&d);
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.method = (drt_method)method;
  o.order_min = 0;
  o.order_max = ORDER;
  o.smoothing = (drt_smoothing)mode;
  o.alpha = 30;
  o.vary = DRT_VARY_TX;
  double xy[2 * N_POINTS];
  drt__rng rng;
  drt__rng_seed(&rng, 99 + (uint64_t)method);
  for (int i = 0; i < 2 * N_POINTS; i++) xy[i] = 0.02 + 0.96 * drt__rng_uniform(&rng);

  /* power, d/dx, d/dy of the moving endpoint, then the parameters */
  size_t stride = 3 + drt_scene_param_count(scene, &o);
  double *value = malloc(N_POINTS * sizeof *value);
  double *grad = malloc(3 * N_POINTS * sizeof *grad);
  double *pairs = malloc(3 * N_POINTS * sizeof *pairs);
  double *scene_grad = malloc(stride * N_POINTS * sizeof *scene_grad);
  double *study_eval = malloc(3 * N_POINTS * sizeof *study_eval);
  double *study_power = malloc(N_POINTS * sizeof *study_power);
  DRT_CHECK_OK(drt_eval_points(ctx, scene, &o, xy, N_POINTS, value));
  DRT_CHECK_OK(drt_eval_points_grad(ctx, scene, &o, xy, N_POINTS, grad));
  DRT_CHECK_OK(drt_eval_pairs_grad(ctx, scene, &o, xy, N_POINTS, pairs));
  DRT_CHECK_OK(drt_eval_points_scene_grad(ctx, scene, &o, xy, N_POINTS,
                                          scene_grad));
  int study = method == DRT_METHOD_IM;
  if (study)
    study_values(ctx, &d, xy, mode, o.alpha, study_eval, study_power);

  char label[96];
  snprintf(label, sizeof label, "%s %s %s", method_names[method],
           mode_names[mode],
           drt_context_precision(ctx) == DRT_PRECISION_DOUBLE ? "double"
                                                              : "float");
  int powered = 0;
  for (int i = 0; i < N_POINTS; i++) {
    double p = value[i];
    powered += p > 0;
    expect_close(p, grad[3 * i], rel, floor, "gradient program's power", label, i);
    expect_close(p, pairs[3 * i], rel, floor, "pair program's power", label, i);
    expect_close(p, scene_grad[stride * i], rel, floor,
                 "scene program's power", label, i);
    if (study) {
      expect_close(p, study_eval[3 * i], rel, floor, "study_eval's power",
                   label, i);
      expect_close(p, study_power[i], rel, floor, "study_power's power",
                   label, i);
    }
    /* Derivatives are compared at their own scale: the power's slope over
     * the unit room, or the larger derivative. */
    for (int c = 1; c <= 2; c++) {
      double dp = grad[3 * i + c];
      double dfloor = floor + rel * (fabs(p) + fabs(grad[3 * i + 1]) +
                                     fabs(grad[3 * i + 2]));
      expect_close(dp, pairs[3 * i + c], rel, dfloor, "pair derivative",
                   label, i);
      expect_close(dp, scene_grad[stride * i + c], rel, dfloor,
                   "scene derivative", label, i);
      if (study)
        expect_close(dp, study_eval[3 * i + c], rel, dfloor,
                     "study derivative", label, i);
    }
  }
  /* The comparison means something only where paths are valid. */
  ck_assert_msg(powered > N_POINTS / 2, "%s: only %d points receive power",
                label, powered);
  printf("%-28s %d points agree across the programs\n", label, N_POINTS);
  free(value);
  free(grad);
  free(pairs);
  free(scene_grad);
  free(study_eval);
  free(study_power);
  drt_scene_destroy(scene);
}

static void check_precision(drt_precision precision, double rel, double floor) {
  drt_context *ctx = drt_test_open_context(DRT_DEVICE_AUTO, precision);
  for (int method = 0; method < 3; method++)
    for (int mode = 0; mode < 3; mode++)
      check_case(ctx, method, mode, rel, floor);
  drt_context_destroy(ctx);
}

START_TEST(programs_agree_in_double) {
  check_precision(DRT_PRECISION_DOUBLE, 1e-12, 1e-12 * DRT_P0);
}
END_TEST

START_TEST(programs_agree_in_float) {
  check_precision(DRT_PRECISION_FLOAT, 1e-5, 1e-7 * DRT_P0);
}
END_TEST

/* DRT_LANES takes exactly the lane counts the kernels are built for: any
 * other value is refused when a context builds its first program, naming
 * the variable, and never rounded to a count it did not say. */
START_TEST(bad_lane_counts_are_refused) {
  const char *bad[] = {"abc", "3", "0", "64", "4x", "-1", " 4"};
  const char *previous = getenv("DRT_LANES");
  char *saved = previous ? strdup(previous) : NULL;
  drt_context_options o;
  drt_context_options_init(&o);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    setenv("DRT_LANES", bad[i], 1);
    drt_context *ctx = NULL;
    ck_assert_int_eq(drt_context_create(&o, &ctx), DRT_EINVAL);
    ck_assert_ptr_null(ctx);
    ck_assert_msg(strstr(drt_last_error(), "DRT_LANES") != NULL, "%s: %s",
                  bad[i], drt_last_error());
  }
  setenv("DRT_LANES", "2", 1);
  drt_context *ctx = NULL;
  DRT_CHECK_OK(drt_context_create(&o, &ctx));
  drt_context_destroy(ctx);
  if (saved) setenv("DRT_LANES", saved, 1);
  else unsetenv("DRT_LANES");
  free(saved);
}
END_TEST

int main(void) {
  Suite *suite = suite_create("programs");
  TCase *tc = tcase_create("agree");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, bad_lane_counts_are_refused);
  tcase_add_test(tc, programs_agree_in_double);
  tcase_add_test(tc, programs_agree_in_float);
  suite_add_tcase(suite, tc);
  return drt_test_run(suite);
}
