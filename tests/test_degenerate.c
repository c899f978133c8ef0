/* test_degenerate.c — degenerate geometry on every evaluator: powers stay
 * finite and >= 0, and the OpenCL double kernels agree with the ref. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Each case evaluates a few probe points (the moving endpoint) on three
 * evaluators: the serial ref (double), and the OpenCL device picked by
 * DRT_DEVICE_AUTO in float and in double; in every smoothing mode; with the
 * probe as receiver (tx fixed) and as transmitter (rx fixed). Every power
 * must be finite and >= 0. OpenCL double must equal the ref to 1e-9
 * relative, except at probes marked `degenerate`: there a yes/no test
 * compares a quantity that is exactly on its threshold only in exact
 * arithmetic, and the kernel's other operation order (and the OpenCL
 * compiler's freedom to contract a*b+c into an fma) may round it to either
 * side, so only finiteness is asserted. Float is held to finiteness only:
 * at these points its rounding decides the branches.
 * Where the answer can be worked out by hand, the ref is checked against
 * it too, so the cases cannot pass by agreeing on a wrong value. */

enum { REF, CL_FLOAT, CL_DOUBLE, N_EVALUATORS };
static const char *const evaluator_names[] = {"ref", "opencl float",
                                              "opencl double"};
static drt_context *evaluators[N_EVALUATORS];

static const drt_smoothing modes[] = {
    DRT_SMOOTHING_NONE, DRT_SMOOTHING_SIGMOID, DRT_SMOOTHING_HARD_SIGMOID};
static const char *const mode_names[] = {"none", "sigmoid", "hard-sigmoid"};
enum { N_MODES = 3, MAX_PROBES = 16 };

#define ALPHA 100.0
#define H2 (DRT_HEIGHT * DRT_HEIGHT)
#define RTOL 1e-9

typedef struct probe {
  double x, y;
  int degenerate; /* only finiteness is asserted (see the case) */
} probe;

static void open_evaluators(void) {
  drt_context_options o;
  drt_context_options_init(&o);
  o.device = DRT_DEVICE_REF;
  o.precision = DRT_PRECISION_DOUBLE;
  DRT_CHECK_OK(drt_context_create(&o, &evaluators[REF]));
  o.device = DRT_DEVICE_AUTO;
  o.precision = DRT_PRECISION_FLOAT;
  DRT_CHECK_OK(drt_context_create(&o, &evaluators[CL_FLOAT]));
  o.precision = DRT_PRECISION_DOUBLE;
  DRT_CHECK_OK(drt_context_create(&o, &evaluators[CL_DOUBLE]));
}

static void close_evaluators(void) {
  for (int e = 0; e < N_EVALUATORS; e++) drt_context_destroy(evaluators[e]);
}

/* ------------------------------------------------------------------------ */
/* The check every case runs                                                */
/* ------------------------------------------------------------------------ */

static int agree(double value, double expected) {
  return fabs(value - expected) <= RTOL * fmax(fabs(value), fabs(expected));
}

/* The power expected of one path: V R^k / (h^2 + L^2). */
static double path_power(double validity, int order, double length) {
  return validity * pow(DRT_REFLECTION_COEF, order) / (H2 + length * length);
}

/* Smoothing functions of docs/method.md §3, written out again for expected
 * values. */
static double sigmoid(double x) { return 1.0 / (1.0 + exp(-ALPHA * x)); }
static double hard_sigmoid(double x) {
  return fmin(fmax(ALPHA * x + 3.0, 0.0), 6.0) / 6.0;
}

static void check_one(const char *label, const char *mode, const char *vary,
                      const probe *p, const double got[N_EVALUATORS]) {
  for (int e = 0; e < N_EVALUATORS; e++)
    ck_assert_msg(isfinite(got[e]) && got[e] >= 0,
                  "%s (%s, vary %s, probe %.17g,%.17g): %s power is %g",
                  label, mode, vary, p->x, p->y, evaluator_names[e], got[e]);
  if (!p->degenerate)
    ck_assert_msg(agree(got[CL_DOUBLE], got[REF]),
                  "%s (%s, vary %s, probe %.17g,%.17g): opencl double %.17g, "
                  "ref %.17g",
                  label, mode, vary, p->x, p->y, got[CL_DOUBLE], got[REF]);
}

/* One smoothing mode and one vary: every evaluator, every probe. */
static void check_mode(const char *label, const drt_scene *scene,
                       const drt_trace_options *o, const probe *probes, int n,
                       double *ref_power) {
  double xy[2 * MAX_PROBES], power[N_EVALUATORS][MAX_PROBES];
  for (int i = 0; i < n; i++) {
    xy[2 * i] = probes[i].x;
    xy[2 * i + 1] = probes[i].y;
  }
  for (int e = 0; e < N_EVALUATORS; e++)
    DRT_CHECK_OK(drt_eval_points(evaluators[e], scene, o, xy, (size_t)n,
                                 power[e]));
  const char *vary = o->vary == DRT_VARY_TX ? "tx" : "rx";
  for (int i = 0; i < n; i++) {
    double got[N_EVALUATORS] = {power[REF][i], power[CL_FLOAT][i],
                                power[CL_DOUBLE][i]};
    check_one(label, mode_names[o->smoothing], vary, &probes[i], got);
  }
  if (ref_power) memcpy(ref_power, power[REF], (size_t)n * sizeof *ref_power);
}

/* Runs the whole matrix on orders kmin..kmax. ref_rx[m][i] receives the
 * ref's power of probe i as the receiver in mode m (NULL: not wanted). */
static void check_case(const char *label, const drt_scene *scene,
                       const probe *probes, int n, int kmin, int kmax,
                       double ref_rx[N_MODES][MAX_PROBES]) {
  ck_assert_int_le(n, MAX_PROBES);
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_min = kmin;
  o.order_max = kmax;
  o.alpha = ALPHA;
  for (int m = 0; m < N_MODES; m++) {
    o.smoothing = modes[m];
    o.vary = DRT_VARY_RX;
    check_mode(label, scene, &o, probes, n, ref_rx ? ref_rx[m] : NULL);
    o.vary = DRT_VARY_TX;
    check_mode(label, scene, &o, probes, n, NULL);
  }
}

/* A scene of walls {ax, ay, bx, by}, one transmitter and one receiver. */
static drt_scene *make_scene(const double (*walls)[4], int n_walls, double tx,
                             double ty, double rx, double ry) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_create(&scene));
  for (int i = 0; i < n_walls; i++)
    DRT_CHECK_OK(drt_scene_add_wall(scene, walls[i][0], walls[i][1],
                                    walls[i][2], walls[i][3]));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, tx, ty));
  DRT_CHECK_OK(drt_scene_add_rx(scene, NULL, rx, ry));
  return scene;
}

#define COUNT(array) ((int)(sizeof(array) / sizeof *(array)))

/* ------------------------------------------------------------------------ */
/* The cases                                                                */
/* ------------------------------------------------------------------------ */

/* tx on the floor y = 0. The line of sight starts on the floor: the crossing
 * parameter along it is exactly 0, inside the test's tolerance [-0.005,
 * 1.005], so the floor blocks it (exact mode). The reflection's image of
 * tx is tx itself, its first leg has zero length, its incoming direction
 * normalizes to (0, 0), so its residual is |r|^2 = 1 > 0.01: invalid. */
START_TEST(tx_exactly_on_a_wall) {
  static const double walls[][4] = {{0, 0, 1, 0}, {1, 0, 1, 1}};
  drt_scene *scene = make_scene(walls, COUNT(walls), 0.5, 0, 0.5, 0.5);
  static const probe probes[] = {
      {0.5, 0.5, 0}, {0.3, 0.7, 0}, {0.9, 0.2, 0}, {0.2, 0.0, 0},
      {0.5, 0.0, 0}, /* rx == tx, both on the wall */
      {1.0, 0.0, 0}, /* the corner */
  };
  double ref[N_MODES][MAX_PROBES];
  check_case("tx on a wall", scene, probes, COUNT(probes), 0, 2, ref);
  /* Probe 0, straight above tx. Exact mode: every path leaving tx starts
   * on the floor and so is blocked by it, unless it reflects on the floor
   * first, which is invalid as above; the floor -> side wall path comes
   * back to tx itself. Nothing is received. */
  ck_assert_double_eq(ref[0][0], 0.0);
  /* Hard sigmoid: a leg starting on the floor meets it with crossing
   * parameter 0, truth s(0 + 0.005) = 3.5/6, so it survives with
   * V = 1 - 3.5/6. That is the line of sight (length 0.5), and the side
   * wall's reflection: image (1.5, 0), unfolded length |(1, -0.5)|, its
   * loss test s(0.01 - 0) = 4/6 being the larger truth. */
  double v = 1 - hard_sigmoid(0.005);
  double hard = path_power(v, 0, 0.5) + path_power(v, 1, sqrt(1.25));
  ck_assert_double_eq_tol(ref[2][0], hard, 1e-12 * hard);
  drt_scene_destroy(scene);
}
END_TEST

/* rx on wall endpoints: the shared corner of two walls, and the free ends.
 * The tests that decide these paths compare crossing parameters of 0 or 1
 * with the tolerance 0.005, so the decisions are not on a knife edge. */
START_TEST(rx_exactly_on_a_wall_endpoint) {
  static const double walls[][4] = {{0, 0, 1, 0}, {1, 0, 1, 1}};
  drt_scene *scene = make_scene(walls, COUNT(walls), 0.3, 0.4, 1, 0);
  static const probe probes[] = {
      {1.0, 0.0, 0}, /* shared endpoint */
      {0.0, 0.0, 0}, /* free end of the floor */
      {1.0, 1.0, 0}, /* free end of the side wall */
      {1.0, 0.5, 0}, /* middle of the side wall */
  };
  double ref[N_MODES][MAX_PROBES];
  check_case("rx on a wall endpoint", scene, probes, COUNT(probes), 0, 2, ref);
  /* (0, 0): the line of sight ends on the floor's end (blocked); the floor
   * reflection point is rx itself (zero last leg: invalid); the side wall's
   * reflection comes back down to rx along a leg that ends on the floor
   * (blocked). Every path is 0 in exact mode. */
  ck_assert_double_eq(ref[0][1], 0.0);
  drt_scene_destroy(scene);
}
END_TEST

/* tx == rx away from walls: the line of sight has zero length, so its
 * obstruction test sees parallel (zero) segments and it has full power
 * 1/h^2; the reflection goes straight down and back. */
START_TEST(tx_equals_rx) {
  static const double walls[][4] = {{0, 0, 1, 0}};
  drt_scene *scene = make_scene(walls, COUNT(walls), 0.5, 0.5, 0.5, 0.5);
  static const probe probes[] = {
      {0.5, 0.5, 0}, /* == tx */
      {0.5, 0.0, 0}, /* on the wall below tx */
  };
  double ref[N_MODES][MAX_PROBES];
  check_case("tx == rx", scene, probes, COUNT(probes), 0, 1, ref);
  double los = 1.0 / H2, down_up = path_power(1, 1, 1.0);
  ck_assert_double_eq_tol(ref[0][0], los + down_up, 1e-12 * los);
  /* Smoothed, loss 0 still gives only s(0.01 - 0) as the truth of
   * "loss < 0.01", on the line of sight as on the reflection
   * (docs/method.md §6). */
  double sig = (los + down_up) * sigmoid(0.01);
  ck_assert_double_eq_tol(ref[1][0], sig, 1e-12 * los);
  double hard = (los + down_up) * hard_sigmoid(0.01);
  ck_assert_double_eq_tol(ref[2][0], hard, 1e-12 * los);
  drt_scene_destroy(scene);
}
END_TEST

/* tx == rx exactly on a wall: every segment of every path has zero length.
 * Both evaluators compute the same exact zeros here (no rounding happens),
 * so they must agree; the value itself is a convention, not physics. */
START_TEST(tx_equals_rx_on_a_wall) {
  static const double walls[][4] = {{0, 0, 1, 0}, {0, 1, 1, 1}};
  drt_scene *scene = make_scene(walls, COUNT(walls), 0.5, 0, 0.5, 0);
  static const probe probes[] = {{0.5, 0.0, 0}, {0.0, 0.0, 0}};
  check_case("tx == rx on a wall", scene, probes, COUNT(probes), 0, 2, NULL);
  drt_scene_destroy(scene);
}
END_TEST

/* Walls on one line: touching, overlapping and apart. With tx and rx on
 * that line too, the line of sight is parallel to every wall (d = 0 exactly)
 * and is never blocked; the image of tx in any wall is tx, and u.n = 0
 * leaves every reflection point on rx: zero legs, residual 1, invalid. */
START_TEST(collinear_walls) {
  static const double walls[][4] = {
      {0, 0, 1, 0}, {1, 0, 2, 0}, {0.5, 0, 1.5, 0}, {2.5, 0, 3, 0}};
  drt_scene *scene = make_scene(walls, COUNT(walls), -1, 0, 4, 0);
  static const probe probes[] = {
      {4.0, 0.0, 0},  /* on the line, beyond the walls */
      {1.0, 0.0, 0},  /* where two walls touch, inside a third */
      {2.25, 0.0, 0}, /* in the gap */
      {1.2, 0.7, 0},  /* off the line */
  };
  double ref[N_MODES][MAX_PROBES];
  check_case("collinear walls", scene, probes, COUNT(probes), 0, 2, ref);
  /* Only the line of sight counts, weighted by its loss test s(0.01 - 0)
   * when smoothed: the reflections' loss 1 gives s(0.01 - 1), 0 for the
   * hard sigmoid and about e^-99 for the sigmoid. */
  const double loss_truth[N_MODES] = {1, sigmoid(0.01), hard_sigmoid(0.01)};
  for (int m = 0; m < N_MODES; m++) {
    double los = path_power(loss_truth[m], 0, 5.0);
    ck_assert_msg(fabs(ref[m][0] - los) <= 1e-12 * los,
                  "%s: %.17g, expected %.17g", mode_names[m], ref[m][0], los);
  }
  drt_scene_destroy(scene);
}
END_TEST

/* Two facing parallel walls, y = 0 and y = 1, tx between them. */
static drt_scene *corridor(void) {
  static const double walls[][4] = {{0, 0, 1, 0}, {0, 1, 1, 1}};
  return make_scene(walls, COUNT(walls), 0.2, 0.5, 0.8, 0.5);
}

/* A generic point first, worked out by unfolding: one reflection is the
 * straight line to tx's image at y = -0.5 (or 1.5), two are the line to
 * the image of that image at y = 2.5 (or -1.5). */
START_TEST(parallel_walls) {
  drt_scene *scene = corridor();
  static const probe probes[] = {{0.8, 0.5, 0}, {0.5, 0.9, 0}, {0.1, 0.1, 0}};
  double ref[N_MODES][MAX_PROBES];
  check_case("parallel walls", scene, probes, COUNT(probes), 0, 2, ref);
  double expected = path_power(1, 0, 0.6) +
                    2 * path_power(1, 1, sqrt(0.36 + 1.0)) +
                    2 * path_power(1, 2, sqrt(0.36 + 4.0));
  ck_assert_double_eq_tol(ref[0][0], expected, 1e-12 * expected);
  drt_scene_destroy(scene);
}
END_TEST

/* The 2-reflection candidate floor -> ceiling where its construction
 * degenerates: rx on the image of the image (u = 0), level with it
 * (u.n = 0: the backward step leaves the point where it is), on the
 * ceiling's line outside the wall, and on the first image. */
START_TEST(two_reflections_on_parallel_walls_degenerate) {
  drt_scene *scene = corridor();
  static const probe probes[] = {
      {0.2, 2.5, 0},  /* tx's image in y=0, then in y=1 */
      {0.8, 2.5, 0},  /* level with it */
      {0.2, -0.5, 0}, /* the first image */
      {1.5, 1.0, 0},  /* on the ceiling's line, past its end */
      {0.8, 1.0, 0},  /* on the ceiling */
  };
  double ref[N_MODES][MAX_PROBES];
  check_case("2 reflections, parallel walls", scene, probes, COUNT(probes), 2,
             2, ref);
  /* In exact mode each of these paths ends with a zero leg, or reflects
   * away from its wall, or has its last leg cross the ceiling, except one:
   * from (1.5, 1), past the ceiling's end, ceiling -> floor is a real path
   * to tx's image (0.2, -1.5) whose last leg ends beyond the ceiling. */
  for (int i = 0; i < COUNT(probes); i++) {
    double expected = i == 3 ? path_power(1, 2, sqrt(1.3 * 1.3 + 2.5 * 2.5))
                             : 0.0;
    ck_assert_msg(fabs(ref[0][i] - expected) <= 1e-12 * expected,
                  "probe %d: %.17g, expected %.17g", i, ref[0][i], expected);
  }
  drt_scene_destroy(scene);
}
END_TEST

/* Walls 1e-12 long, one inside a room and one alone at the origin. In
 * float, 0.5 + 1e-12 rounds to 0.5, so the first wall has zero length on
 * the float kernels (normal (0, 0)); they must still give finite powers. */
START_TEST(tiny_wall) {
  static const double walls[][4] = {{0, 0, 1, 0},
                                    {1, 0, 1, 1},
                                    {1, 1, 0, 1},
                                    {0, 1, 0, 0},
                                    {0.5, 0.5, 0.5 + 1e-12, 0.5},
                                    {0.25, 0.75, 0.25 + 1e-12, 0.75 + 1e-12}};
  drt_scene *scene = make_scene(walls, COUNT(walls), 0.2, 0.2, 0.8, 0.7);
  static const probe probes[] = {
      {0.7, 0.35, 0}, {0.8, 0.7, 0},
      /* As transmitter (rx at (0.8, 0.7)), the corner path floor -> left
       * wall leaves towards tx's image (-0.7, -0.3) through (0.5, 0.5),
       * exactly the tiny wall's first end. The crossing parameter along a
       * 1e-12 wall carries ~1e-16 / 1e-12 = 1e-4 of rounding; the sigmoid's
       * slope alpha/4 makes that ~1e-5 of the power (seen: 4e-5), either
       * value as right as the other. */
      {0.7, 0.3, 1},
      /* Above the tiny wall, level with tx's image in it (u.n = 0). */
      {0.5, 0.8, 0},
      /* On the tiny wall: whether its 1e-12 length blocks the line of
       * sight is decided by crossing parameters of order 1e-12 / 1e-12,
       * rounded differently by the kernel. */
      {0.5, 0.5, 1},
      /* Line of sight through the tiny wall's first end, the same way. */
      {0.8, 0.8, 1},
  };
  check_case("tiny wall", scene, probes, COUNT(probes), 0, 2, NULL);
  drt_scene_destroy(scene);
}
END_TEST

/* The square-obstacle scene scaled up by 1e6: the same decisions, and
 * powers of order 1e-12 that must keep their relative precision. */
START_TEST(huge_coordinates_scaled) {
  const double s = 1e6;
  const double walls[][4] = {
      {0, 0, s, 0},   {s, 0, s, s},   {s, s, 0, s},   {0, s, 0, 0},
      {0.45 * s, 0.45 * s, 0.55 * s, 0.45 * s},
      {0.55 * s, 0.45 * s, 0.55 * s, 0.55 * s},
      {0.55 * s, 0.55 * s, 0.45 * s, 0.55 * s},
      {0.45 * s, 0.55 * s, 0.45 * s, 0.45 * s}};
  drt_scene *scene =
      make_scene(walls, COUNT(walls), 0.2 * s, 0.2 * s, 0.5 * s, 0.6 * s);
  const probe probes[] = {{0.5 * s, 0.6 * s, 0},
                          {0.8 * s, 0.2 * s, 0},
                          {0.3 * s, 0.9 * s, 0},
                          {0.7 * s, 0.7 * s, 0}};
  double ref[N_MODES][MAX_PROBES];
  check_case("huge (scaled)", scene, probes, COUNT(probes), 0, 2, ref);
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_min = o.order_max = 0;
  double xy[2] = {0.8 * s, 0.2 * s}, los;
  DRT_CHECK_OK(drt_eval_points(evaluators[REF], scene, &o, xy, 1, &los));
  /* Line of sight along y = 0.2 s, below the obstacle: length 0.6 s. */
  double expected = path_power(1, 0, 0.6 * s);
  ck_assert_double_eq_tol(los, expected, 1e-12 * expected);
  drt_scene_destroy(scene);
}
END_TEST

/* The unit square-obstacle scene moved to (1e6, 1e6): coordinates keep
 * only ~1e-10 absolute resolution in double (and 0.06 in float). Probes
 * sit well away from shadow edges, so double must still agree. */
START_TEST(huge_coordinates_offset) {
  const double c = 1e6;
  const double walls[][4] = {
      {c, c, c + 1, c},          {c + 1, c, c + 1, c + 1},
      {c + 1, c + 1, c, c + 1},  {c, c + 1, c, c},
      {c + 0.45, c + 0.45, c + 0.55, c + 0.45},
      {c + 0.55, c + 0.45, c + 0.55, c + 0.55},
      {c + 0.55, c + 0.55, c + 0.45, c + 0.55},
      {c + 0.45, c + 0.55, c + 0.45, c + 0.45}};
  drt_scene *scene =
      make_scene(walls, COUNT(walls), c + 0.2, c + 0.2, c + 0.5, c + 0.6);
  const probe probes[] = {{c + 0.5, c + 0.6, 0},
                          {c + 0.8, c + 0.2, 0},
                          {c + 0.3, c + 0.9, 0},
                          {c + 0.7, c + 0.75, 0}};
  check_case("huge (offset)", scene, probes, COUNT(probes), 0, 2, NULL);
  drt_scene_destroy(scene);
}
END_TEST

static Suite *degenerate_suite(void) {
  Suite *s = suite_create("degenerate");
  TCase *t = tcase_create("geometry");
  tcase_add_unchecked_fixture(t, open_evaluators, close_evaluators);
  tcase_add_test(t, tx_exactly_on_a_wall);
  tcase_add_test(t, rx_exactly_on_a_wall_endpoint);
  tcase_add_test(t, tx_equals_rx);
  tcase_add_test(t, tx_equals_rx_on_a_wall);
  tcase_add_test(t, collinear_walls);
  tcase_add_test(t, parallel_walls);
  tcase_add_test(t, two_reflections_on_parallel_walls_degenerate);
  tcase_add_test(t, tiny_wall);
  tcase_add_test(t, huge_coordinates_scaled);
  tcase_add_test(t, huge_coordinates_offset);
  suite_add_tcase(s, t);
  return s;
}

int main(void) { return drt_test_run(degenerate_suite()); }
