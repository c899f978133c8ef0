/* test_smooth.c — tier 1: the kernels' smoothing, logic and geometry headers,
 * compiled as C11, against the properties and closed forms of
 * docs/method.md §3–§4. */
#include <math.h>

#include "base/drt_geometry.h"
#include "base/drt_smooth.h"
#include "testutil.h"

static const drt_smoothing_params sigmoid = {DRT_SMOOTH_SIGMOID, 100.0};
static const drt_smoothing_params hard = {DRT_SMOOTH_HARD_SIGMOID, 100.0};
static const drt_smoothing_params exact = {DRT_SMOOTH_NONE, 100.0};

static drt_smoothing_params with_alpha(drt_smoothing_params p, double alpha) {
  p.alpha = alpha;
  return p;
}

START_TEST(smoothing_limits_and_midpoint) {
  const drt_smoothing_params modes[] = {sigmoid, hard};
  for (int m = 0; m < 2; m++) {
    ck_assert_double_eq(drt_smooth(0.0, modes[m]), 0.5);
    ck_assert_double_eq_tol(drt_smooth(-1e3, modes[m]), 0.0, 1e-300);
    ck_assert_double_eq_tol(drt_smooth(1e3, modes[m]), 1.0, 1e-15);
    ck_assert_double_eq(drt_smooth(-INFINITY, modes[m]), 0.0);
    ck_assert_double_eq(drt_smooth(INFINITY, modes[m]), 1.0);
  }
}
END_TEST

START_TEST(smoothing_monotone_and_symmetric) {
  const drt_smoothing_params modes[] = {sigmoid, hard};
  for (int m = 0; m < 2; m++) {
    double previous = -1.0;
    for (int i = -2000; i <= 2000; i++) {
      double x = i * 1e-4;
      double s = drt_smooth(x, modes[m]);
      ck_assert(s >= previous);
      ck_assert(s >= 0.0 && s <= 1.0);
      /* s(x) - 1/2 = 1/2 - s(-x) */
      ck_assert_double_eq_tol(s - 0.5, 0.5 - drt_smooth(-x, modes[m]), 1e-15);
      previous = s;
    }
  }
}
END_TEST

START_TEST(smoothing_closed_forms) {
  /* sigmoid(x) = 1 / (1 + e^{-alpha x}); hard = clamp(alpha x + 3, 0, 6)/6 */
  ck_assert_double_eq_tol(drt_smooth(0.01, sigmoid), 1.0 / (1.0 + exp(-1.0)),
                          1e-15);
  ck_assert_double_eq_tol(drt_smooth(0.01, hard), 4.0 / 6.0, 1e-15);
  ck_assert_double_eq_tol(drt_smooth(-0.02, hard), 1.0 / 6.0, 1e-15);
  ck_assert_double_eq(drt_smooth(0.03, hard), 1.0);
  ck_assert_double_eq(drt_smooth(-0.031, hard), 0.0);
}
END_TEST

START_TEST(smoothing_tends_to_step) {
  const drt_smoothing_params modes[] = {sigmoid, hard};
  const double xs[] = {-0.3, -1e-3, 1e-3, 0.3};
  for (int m = 0; m < 2; m++)
    for (int i = 0; i < 4; i++) {
      double step = xs[i] > 0 ? 1.0 : 0.0;
      double err_lo = fabs(drt_smooth(xs[i], with_alpha(modes[m], 10)) - step);
      double err_hi = fabs(drt_smooth(xs[i], with_alpha(modes[m], 1e6)) - step);
      ck_assert(err_hi <= err_lo);
      ck_assert_double_eq_tol(err_hi, 0.0, 1e-12);
    }
}
END_TEST

START_TEST(smoothing_nan_propagates) {
  ck_assert(isnan(drt_smooth(NAN, sigmoid)));
  ck_assert(isnan(drt_smooth(NAN, hard)));
  ck_assert(isnan(drt_and(NAN, 0.2)));
  ck_assert(isnan(drt_and(0.2, NAN)));
  ck_assert(isnan(drt_or(NAN, 0.9)));
  ck_assert(isnan(drt_or(0.9, NAN)));
}
END_TEST

START_TEST(logic_on_truth_values) {
  ck_assert_double_eq(drt_and(0.3, 0.7), 0.3);
  ck_assert_double_eq(drt_or(0.3, 0.7), 0.7);
  ck_assert_double_eq(drt_not(0.3), 0.7);
  /* exact mode: >= and <= include equality, < does not */
  ck_assert_double_eq(drt_greater_equal(1.0, 1.0, exact), 1.0);
  ck_assert_double_eq(drt_less_equal(1.0, 1.0, exact), 1.0);
  ck_assert_double_eq(drt_less(1.0, 1.0, exact), 0.0);
  ck_assert_double_eq(drt_greater_equal(0.9, 1.0, exact), 0.0);
  /* smoothed: x >= y is s(x - y), x <= y and x < y are s(y - x) */
  ck_assert_double_eq(drt_greater_equal(0.3, 0.29, hard), drt_smooth(0.3 - 0.29, hard));
  ck_assert_double_eq(drt_less_equal(0.3, 0.29, hard), drt_smooth(0.29 - 0.3, hard));
  ck_assert_double_eq(drt_less(0.0, 0.01, hard), 4.0 / 6.0);
}
END_TEST

START_TEST(geometry_primitives) {
  drt_vec2 zero = drt_normalize(drt_v2(0, 0));
  ck_assert(zero.x == 0 && zero.y == 0);
  drt_vec2 unit = drt_normalize(drt_v2(3, 4));
  ck_assert_double_eq_tol(unit.x, 0.6, 1e-15);
  ck_assert_double_eq_tol(unit.y, 0.8, 1e-15);
  /* normal of (0,0)->(1,0) is (t_y, -t_x) = (0, -1) */
  drt_vec2 n = drt_wall_normal(drt_v2(0, 0), drt_v2(1, 0));
  ck_assert(n.x == 0 && n.y == -1);
  ck_assert_double_eq_tol(drt_wall_param(drt_v2(0.25, 7), drt_v2(0, 0),
                                         drt_v2(2, 0)), 0.125, 1e-15);
  /* a zero-length wall divides by 1 */
  ck_assert_double_eq(drt_wall_param(drt_v2(3, 0), drt_v2(1, 0), drt_v2(1, 0)),
                      0.0);
  drt_vec2 image = drt_mirror(drt_v2(0.2, 0.3), drt_v2(0, 1), drt_v2(0, 1));
  ck_assert_double_eq_tol(image.x, 0.2, 1e-15);
  ck_assert_double_eq_tol(image.y, 1.7, 1e-15);
}
END_TEST

START_TEST(reflection_residual_zero_on_mirror_path) {
  /* (0,1) -> (1,0) -> (2,1) obeys the law on the floor y = 0 */
  drt_vec2 n = drt_wall_normal(drt_v2(0, 0), drt_v2(5, 0));
  ck_assert_double_eq_tol(drt_reflection_residual(drt_v2(0, 1), drt_v2(1, 0),
                                                  drt_v2(2, 1), n), 0.0, 1e-30);
  /* going straight on instead: r = (1,-1)/sqrt2, mirrored i = (1,1)/sqrt2,
   * |e|^2 = 2 */
  ck_assert_double_eq_tol(drt_reflection_residual(drt_v2(0, 1), drt_v2(1, 0),
                                                  drt_v2(2, -1), n), 2.0, 1e-15);
}
END_TEST

START_TEST(segment_intersection) {
  drt_vec2 a = drt_v2(0, 0), b = drt_v2(1, 1), c = drt_v2(0, 1), d = drt_v2(1, 0);
  ck_assert_double_eq(drt_segments_meet(a, b, c, d, exact), 1.0);
  /* disjoint: second segment shifted right */
  ck_assert_double_eq(drt_segments_meet(a, b, drt_v2(2, 1), drt_v2(3, 0), exact),
                      0.0);
  /* parallel segments never meet, in every mode */
  ck_assert_double_eq(drt_segments_meet(a, b, drt_v2(0, 0.5), drt_v2(1, 1.5),
                                        sigmoid), 0.0);
  /* extremity tolerance: touching within tau = 0.005 counts */
  drt_vec2 p1 = drt_v2(0, 0), p2 = drt_v2(1, 0);
  ck_assert_double_eq(drt_segments_meet(p1, p2, drt_v2(1.004, -1),
                                        drt_v2(1.004, 1), exact), 1.0);
  ck_assert_double_eq(drt_segments_meet(p1, p2, drt_v2(1.006, -1),
                                        drt_v2(1.006, 1), exact), 0.0);
  /* smoothed, with t on p1p2 = 1.0 exactly: in = s(1 + tau - 1) = s(tau) */
  double expected = drt_smooth(0.005, hard);
  ck_assert_double_eq_tol(drt_segments_meet(p1, p2, drt_v2(1, -1),
                                            drt_v2(1, 1), hard), expected, 1e-12);
}
END_TEST

static Suite *smooth_suite(void) {
  Suite *s = suite_create("smooth");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, smoothing_limits_and_midpoint);
  tcase_add_test(tc, smoothing_monotone_and_symmetric);
  tcase_add_test(tc, smoothing_closed_forms);
  tcase_add_test(tc, smoothing_tends_to_step);
  tcase_add_test(tc, smoothing_nan_propagates);
  tcase_add_test(tc, logic_on_truth_values);
  tcase_add_test(tc, geometry_primitives);
  tcase_add_test(tc, reflection_residual_zero_on_mirror_path);
  tcase_add_test(tc, segment_intersection);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return drt_test_run(smooth_suite()); }
