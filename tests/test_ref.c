/* test_ref.c — closed forms (docs/method.md §6) on the ref evaluator and
 * on the OpenCL kernels in double precision: free-space LOS, one and two
 * reflections, blocked LOS, the smoothed convergence factor. */
#include <math.h>

#include "ref_eval.h"
#include "rng.h"
#include "testutil.h"

#define H2 (DRT_HEIGHT * DRT_HEIGHT)
#define R DRT_REFLECTION_COEF

/* _i: 0 = ref evaluator, 1 = OpenCL device in double precision. */
static drt_context *open_context(int which) {
  return drt_test_open_context(which == 0 ? DRT_DEVICE_REF : DRT_DEVICE_AUTO,
                               DRT_PRECISION_DOUBLE);
}

static drt_scene *scene_with_walls(const double (*walls)[4], int n, double tx,
                                   double ty) {
  drt_scene *s;
  DRT_CHECK_OK(drt_scene_create(&s));
  for (int i = 0; i < n; i++)
    DRT_CHECK_OK(drt_scene_add_wall(s, walls[i][0], walls[i][1], walls[i][2],
                                    walls[i][3]));
  DRT_CHECK_OK(drt_scene_add_tx(s, NULL, tx, ty));
  return s;
}

/* n random points in [x0,x1] x [y0,y1]. */
static void random_points(uint64_t seed, double x0, double y0, double x1,
                          double y1, double *xy, size_t n) {
  drt__rng rng;
  drt__rng_seed(&rng, seed);
  for (size_t i = 0; i < n; i++) {
    xy[2 * i] = x0 + (x1 - x0) * drt__rng_uniform(&rng);
    xy[2 * i + 1] = y0 + (y1 - y0) * drt__rng_uniform(&rng);
  }
}

static void eval(drt_context *ctx, const drt_scene *s, int kmin, int kmax,
                 drt_smoothing smoothing, const double *xy, size_t n,
                 double *power) {
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_min = kmin;
  o.order_max = kmax;
  o.smoothing = smoothing;
  DRT_CHECK_OK(drt_eval_points(ctx, s, &o, xy, n, power));
}

#define N 200

START_TEST(free_space_los) {
  drt_context *ctx = open_context(_i);
  drt_scene *s = scene_with_walls(NULL, 0, 0.1, 0.2);
  double xy[2 * N], p[N];
  random_points(1, -1, -1, 1, 1, xy, N);
  /* Smoothed, LOS validity is s(tol - 0): 1/(1+e^-1) or 2/3 at alpha 100. */
  const drt_smoothing modes[3] = {DRT_SMOOTHING_NONE, DRT_SMOOTHING_SIGMOID,
                                  DRT_SMOOTHING_HARD_SIGMOID};
  const double factor[3] = {1.0, 1.0 / (1.0 + exp(-1.0)), 2.0 / 3.0};
  for (int m = 0; m < 3; m++) {
    eval(ctx, s, 0, 0, modes[m], xy, N, p);
    for (int i = 0; i < N; i++) {
      double dx = xy[2 * i] - 0.1, dy = xy[2 * i + 1] - 0.2;
      double expected = factor[m] / (H2 + dx * dx + dy * dy);
      ck_assert_double_eq_tol(p[i], expected, 1e-12 * expected);
    }
  }
  drt_scene_destroy(s);
  drt_context_destroy(ctx);
}
END_TEST

START_TEST(one_reflection_on_a_long_floor) {
  drt_context *ctx = open_context(_i);
  const double floor_wall[1][4] = {{-10, 0, 10, 0}};
  drt_scene *s = scene_with_walls(floor_wall, 1, 0.3, 0.5);
  double xy[2 * N], p[N], both[N];
  random_points(2, -2, 0.05, 2, 2, xy, N);
  eval(ctx, s, 1, 1, DRT_SMOOTHING_NONE, xy, N, p);
  eval(ctx, s, 0, 1, DRT_SMOOTHING_NONE, xy, N, both);
  for (int i = 0; i < N; i++) {
    /* image of tx in y = 0 is (0.3, -0.5) */
    double dx = xy[2 * i] - 0.3, dy = xy[2 * i + 1] + 0.5;
    double expected = R / (H2 + dx * dx + dy * dy);
    ck_assert_double_eq_tol(p[i], expected, 1e-12 * expected);
    double lx = xy[2 * i] - 0.3, ly = xy[2 * i + 1] - 0.5;
    double los = 1.0 / (H2 + lx * lx + ly * ly);
    ck_assert_double_eq_tol(both[i], expected + los, 1e-12 * (expected + los));
  }
  drt_scene_destroy(s);
  drt_context_destroy(ctx);
}
END_TEST

START_TEST(reflection_point_off_the_wall_is_invalid) {
  drt_context *ctx = open_context(_i);
  const double short_wall[1][4] = {{0, 0, 0.2, 0}};
  drt_scene *s = scene_with_walls(short_wall, 1, 0.5, 0.5);
  /* mirror point of (0.5,0.5)->(0.9,0.5) is x = 0.7, beyond the wall's end */
  double xy[2] = {0.9, 0.5}, p;
  eval(ctx, s, 1, 1, DRT_SMOOTHING_NONE, xy, 1, &p);
  ck_assert_double_eq(p, 0.0);
  drt_scene_destroy(s);
  drt_context_destroy(ctx);
}
END_TEST

START_TEST(two_reflections_between_parallel_walls) {
  drt_context *ctx = open_context(_i);
  const double corridor[2][4] = {{-10, 0, 10, 0}, {10, 1, -10, 1}};
  const double x0 = 0.2, y0 = 0.3;
  drt_scene *s = scene_with_walls(corridor, 2, x0, y0);
  double xy[2 * N], p[N];
  random_points(3, -1, 0.05, 1, 0.95, xy, N);
  eval(ctx, s, 2, 2, DRT_SMOOTHING_NONE, xy, N, p);
  for (int i = 0; i < N; i++) {
    /* floor then ceiling: image (x0, 2 + y0); ceiling then floor:
     * image (x0, y0 - 2). */
    double dx = xy[2 * i] - x0;
    double d1 = xy[2 * i + 1] - (2 + y0), d2 = xy[2 * i + 1] - (y0 - 2);
    double expected = R * R / (H2 + dx * dx + d1 * d1) +
                      R * R / (H2 + dx * dx + d2 * d2);
    ck_assert_double_eq_tol(p[i], expected, 1e-12 * expected);
  }
  drt_scene_destroy(s);
  drt_context_destroy(ctx);
}
END_TEST

START_TEST(blocked_los_is_zero_in_exact_mode) {
  drt_context *ctx = open_context(_i);
  drt_scene *s;
  DRT_CHECK_OK(drt_scene_builtin("square-wall", &s));
  /* tx (0.2, 0.5); the wall x = 0.5 spans y in [0.2, 0.8] */
  double xy[4] = {0.8, 0.5, 0.3, 0.7}, p[2];
  eval(ctx, s, 0, 0, DRT_SMOOTHING_NONE, xy, 2, p);
  ck_assert_double_eq(p[0], 0.0);
  double d2 = 0.1 * 0.1 + 0.2 * 0.2;
  ck_assert_double_eq_tol(p[1], 1.0 / (H2 + d2), 1e-12);
  drt_scene_destroy(s);
  drt_context_destroy(ctx);
}
END_TEST

START_TEST(ref_path_points_obey_reflection) {
  const double floor_wall[1][4] = {{-10, 0, 10, 0}};
  drt_scene *s = scene_with_walls(floor_wall, 1, 0.0, 1.0);
  drt__ref_path path;
  const int cand[1] = {0};
  drt_trace_options o;
  drt_trace_options_init(&o);
  const double tx[2] = {0.0, 1.0}, rx[2] = {3.0, 2.0};
  drt__ref_trace(s, cand, 1, tx, rx, &o, 0, 0, &path);
  /* similar triangles: x = 3 * 1 / (1 + 2) = 1 */
  ck_assert_double_eq_tol(path.x[1], 1.0, 1e-15);
  ck_assert_double_eq_tol(path.y[1], 0.0, 1e-15);
  ck_assert_double_eq_tol(path.loss, 0.0, 1e-28);
  ck_assert_double_eq(path.validity, 1.0);
  drt_scene_destroy(s);
}
END_TEST

static Suite *ref_suite(void) {
  Suite *s = suite_create("closed forms");
  TCase *tc = tcase_create("ref and opencl double");
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, free_space_los, 0, 2);
  tcase_add_loop_test(tc, one_reflection_on_a_long_floor, 0, 2);
  tcase_add_loop_test(tc, reflection_point_off_the_wall_is_invalid, 0, 2);
  tcase_add_loop_test(tc, two_reflections_between_parallel_walls, 0, 2);
  tcase_add_loop_test(tc, blocked_los_is_zero_in_exact_mode, 0, 2);
  tcase_add_test(tc, ref_path_points_obey_reflection);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return drt_test_run(ref_suite()); }
