/* test_scene_gradients.c — tier 3: the kernels' hand-derived derivatives of
 * received power by every scene parameter (drt_eval_points_scene_grad)
 * against central finite differences in double precision
 * (docs/method.md §8), on every built-in scene, method, order 0..2 and
 * smoothing mode, plus a scene with a RIS and a vertex for the RIS angle
 * and vertex coordinates.
 *
 * Each parameter (object coordinate, RIS angle, fixed endpoint coordinate)
 * is moved by +-h and +-2h (h = 1e-6) in a rebuilt scene, and the power at
 * all the case's random points is evaluated once per moved scene. Where
 * the power is smooth the derivative must match the central quotient:
 * relative error at most 1e-5, or absolute 1e-9 + 1e-8 (|P| + |dP/dx| +
 * |dP/dy|) near zero (the rounding floor of the quotients and of the
 * analytic values, relative to the point's power and endpoint gradient:
 * P is up to 1/h^2 = 100). A (point,
 * parameter) pair at a kink is recognised from the differences alone, as
 * in test_gradients.c (quotients for h and 2h that disagree, or a second
 * difference far above the h^2 term), or by second differences for h and
 * 2h out of their ratio 4 (a kink at the point itself). There the
 * derivative must match the one-sided derivative on either side
 * (Richardson-extrapolated), since `and` and `or` follow one operand where
 * two smoothed tests tie (as the two ends' tests of a segment joining the
 * neighbours of the wall it crosses always do); if neither side matches,
 * a kink lies within 2h and the pair is counted, printed and skipped. The
 * test fails if more than 2 % of the pairs with a non-zero derivative are
 * skipped. The reflection coefficient R is a constant of the kernels, so
 * d_R is checked against the closed form dP/dR = k P / R of a case of
 * order k; the endpoint columns against drt_eval_points_grad. */
#define _POSIX_C_SOURCE 200809L
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rng.h"
#include "testutil.h"

#define STEP 1e-6

static const char *scenes[] = {"square", "square-wall", "square-obstacle",
                               "basic", "ris-vertex"};
static const char *method_names[] = {"im", "fpt", "mpt"};
static const char *mode_names[] = {"exact", "sigmoid", "hard-sigmoid"};

static drt_context *ctx;

static void open_context(void) {
  ctx = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
}

static void close_context(void) { drt_context_destroy(ctx); }

/* The square room with a RIS (phi = 0.6) and a vertex: every object type. */
static drt_scene *ris_vertex_scene(void) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin("square", &scene));
  drt_object ris = {.type = DRT_OBJECT_RIS, .ax = 0.55, .ay = 0.25, .bx = 0.6, .by = 0.75, .phi = 0.6};
  drt_object vertex = {.type = DRT_OBJECT_VERTEX, .ax = 0.3, .ay = 0.4, .bx = 0.3, .by = 0.4, .phi = 0};
  DRT_CHECK_OK(drt_scene_add_object(scene, &ris));
  DRT_CHECK_OK(drt_scene_add_object(scene, &vertex));
  return scene;
}

static drt_scene *case_scene(int scene_i) {
  if (scene_i == 4) return ris_vertex_scene();
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin(scenes[scene_i], &scene));
  return scene;
}

/* A street in metres of my own for the radio model: four walls of four
 * materials (one of them a kiosk that blocks), a sector antenna turned 20
 * degrees and an isotropic 26 dBm transmitter. */
static drt_scene *radio_street(void) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_create(&scene));
  drt_object walls[] = {
      {.type = DRT_OBJECT_WALL, .ax = 0, .ay = 0, .bx = 30, .by = 0,
       .material = DRT_MATERIAL_CONCRETE},
      {.type = DRT_OBJECT_WALL, .ax = 0, .ay = 12, .bx = 30, .by = 12.5,
       .material = DRT_MATERIAL_GLASS},
      {.type = DRT_OBJECT_WALL, .ax = 14, .ay = 4, .bx = 16, .by = 7,
       .material = DRT_MATERIAL_METAL},
      {.type = DRT_OBJECT_WALL, .ax = 30, .ay = -1, .bx = 31, .by = 13,
       .material = DRT_MATERIAL_CUSTOM, .eps_r = 7, .sigma = 0.05},
  };
  for (int i = 0; i < 4; i++) DRT_CHECK_OK(drt_scene_add_object(scene, &walls[i]));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 4, 6));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 25, 3));
  drt_antenna sector = {DRT_PATTERN_SECTOR, 20 * 3.14159265358979323846 / 180,
                        0, 0};
  drt_antenna strong = {DRT_PATTERN_ISOTROPIC, 0, 1, 26};
  DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, 0, &sector));
  DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, 1, &strong));
  DRT_CHECK_OK(drt_scene_add_rx(scene, NULL, 9, 9));
  DRT_CHECK_OK(drt_scene_add_rx(scene, NULL, 27, 10));
  return scene;
}

/* A parameter by what it moves: object o's coordinate c (0..4 = ax, ay,
 * bx, by, phi) or fixed endpoint f's axis c (c = 2: a transmitter's
 * azimuth); vary says which endpoints are fixed. */
typedef struct param {
  int object, fixed, c;
} param;

/* Lists the parameters in drt_scene_param_count's order (R excluded). */
static int list_params(const drt_scene *scene, const drt_trace_options *opt,
                       param *out) {
  drt_vary vary = opt->vary;
  int n = 0;
  for (size_t o = 0; o < drt_scene_object_count(scene); o++) {
    drt_object_type type = drt_scene_object(scene, o)->type;
    int coords = type == DRT_OBJECT_VERTEX ? 2 : type == DRT_OBJECT_RIS ? 5 : 4;
    for (int c = 0; c < coords; c++) out[n++] = (param){(int)o, -1, c};
  }
  size_t n_fixed = vary == DRT_VARY_TX ? drt_scene_rx_count(scene)
                                       : drt_scene_tx_count(scene);
  for (size_t f = 0; f < n_fixed; f++)
    for (int c = 0; c < 2; c++) out[n++] = (param){-1, (int)f, c};
  if (opt->model == DRT_MODEL_RADIO && vary == DRT_VARY_RX)
    for (size_t f = 0; f < n_fixed; f++) out[n++] = (param){-1, (int)f, 2};
  return n;
}

/* A copy of scene with parameter p moved by delta. */
static drt_scene *moved_scene(const drt_scene *scene, drt_vary vary, param p,
                              double delta) {
  drt_scene *copy;
  DRT_CHECK_OK(drt_scene_create(&copy));
  for (size_t o = 0; o < drt_scene_object_count(scene); o++) {
    drt_object object = *drt_scene_object(scene, o);
    double *coords[5] = {&object.ax, &object.ay, &object.bx, &object.by,
                         &object.phi};
    if ((int)o == p.object) *coords[p.c] += delta;
    DRT_CHECK_OK(drt_scene_add_object(copy, &object));
  }
  for (size_t t = 0; t < drt_scene_tx_count(scene); t++) {
    drt_point tx = *drt_scene_tx(scene, t);
    if (vary == DRT_VARY_RX && (int)t == p.fixed) {
      double *coords[3] = {&tx.x, &tx.y, &tx.antenna.azimuth};
      *coords[p.c] += delta;
    }
    DRT_CHECK_OK(drt_scene_add_tx(copy, tx.name, tx.x, tx.y));
    DRT_CHECK_OK(drt_scene_set_tx_antenna(copy, t, &tx.antenna));
  }
  for (size_t r = 0; r < drt_scene_rx_count(scene); r++) {
    drt_point rx = *drt_scene_rx(scene, r);
    if (vary == DRT_VARY_TX && (int)r == p.fixed) *(p.c ? &rx.y : &rx.x) += delta;
    DRT_CHECK_OK(drt_scene_add_rx(copy, rx.name, rx.x, rx.y));
  }
  return copy;
}

/* The power at every point with parameter p moved by -2h, -h, +h, +2h:
 * at[q][i], q = 0..3. */
static void moved_powers(const drt_scene *scene, const drt_trace_options *o,
                         const double *xy, int n, param p, double *at[4]) {
  static const double offsets[4] = {-2 * STEP, -STEP, STEP, 2 * STEP};
  for (int q = 0; q < 4; q++) {
    drt_scene *moved = moved_scene(scene, o->vary, p, offsets[q]);
    DRT_CHECK_OK(drt_eval_points(ctx, moved, o, xy, n, at[q]));
    drt_scene_destroy(moved);
  }
}

/* Tallies of one case. */
typedef struct tally {
  int compared, one_sided, nonzero, skipped, failed;
  double worst;
} tally;

/* Difference estimates of one derivative from P at 0, +-h, +-2h. */
typedef struct estimates {
  double central, central2; /* central quotients for h and 2h */
  double right, left;       /* one-sided, Richardson-extrapolated: O(h^2) */
  int kink;                 /* P is not smooth within 2h */
} estimates;

/* A smooth P has central quotients for h and 2h that agree, a second
 * difference of order h^2, and second differences for h and 2h in the
 * ratio 4 (a kink at the point itself gives 2: two smoothed tests that tie
 * there, as the two ends' tests of a segment joining the neighbours of
 * the wall it crosses always do). */
static estimates estimate(double p0, const double m[4], double scale_hint,
                          double floor) {
  const double h = STEP;
  estimates e;
  e.central = (m[2] - m[1]) / (2 * h);
  e.central2 = (m[3] - m[0]) / (4 * h);
  e.right = (4 * (m[2] - p0) - (m[3] - p0)) / (2 * h);
  e.left = (4 * (p0 - m[1]) - (p0 - m[0])) / (2 * h);
  double s1 = m[2] + m[1] - 2 * p0, s2 = m[3] + m[0] - 2 * p0;
  double scale = fmax(fabs(e.central), scale_hint);
  e.kink = fabs(e.central - e.central2) > 1e-6 * scale + floor ||
           fabs(s1) > 1e-6 * fabs(p0) + 1e-12 ||
           fabs(s2 - 4 * s1) > 2e-6 * h * scale + 64 * DBL_EPSILON * fabs(p0);
  return e;
}

static int agrees(double analytic, double estimate, double floor) {
  double error = fabs(analytic - estimate);
  return error <= 1e-5 * fmax(fabs(analytic), fabs(estimate)) || error <= floor;
}

/* Compares one parameter's analytic derivatives (column `col` of out,
 * `width` values a point) with difference estimates: the central quotient
 * where P is smooth; at a kink, the one-sided derivative on either side
 * (the `and` and `or` of smoothed tests follow one operand on a tie), the
 * pair being skipped if neither side agrees (a kink within 2h spoils
 * them). */
static void compare_param(const drt_scene *scene, const drt_trace_options *o,
                          const double *xy, int n, const double *out,
                          int width, int col, param p, tally *t) {
  double *at[4];
  for (int q = 0; q < 4; q++) at[q] = malloc(n * sizeof *at[q]);
  moved_powers(scene, o, xy, n, p, at);
  char name[64];
  DRT_CHECK_OK(drt_scene_param_name(scene, o, (size_t)col - 3, name, sizeof name));
  for (int i = 0; i < n; i++) {
    const double *row = out + width * i;
    double analytic = row[col], p0 = row[0];
    /* Rounding floors the error of a quotient at about 1e-8 |P| (P up to
     * 1/h^2 = 100; the smoothing's slope amplifies the rounding of the
     * tests' parameters), and that of the analytic value, whose iterative
     * paths obey their laws to about 1e-13, at 1e-8 of the point's
     * gradient: "near zero" is relative to both. */
    double floor = (o->model == DRT_MODEL_RADIO ? 0 : 1e-9) +
                   1e-8 * (fabs(p0) + fabs(row[1]) + fabs(row[2]));
    double m[4] = {at[0][i], at[1][i], at[2][i], at[3][i]};
    estimates e = estimate(p0, m, fabs(analytic), floor);
    double scale = fmax(fabs(e.central), fabs(analytic));
    t->nonzero += scale > floor || e.kink;
    if (e.kink) {
      if (agrees(analytic, e.right, floor) || agrees(analytic, e.left, floor)) {
        t->one_sided++;
      } else if (t->skipped++ < 3) {
        printf("  near a kink: (%.9f, %.9f) %s\n", xy[2 * i], xy[2 * i + 1],
               name);
      }
      continue;
    }
    t->compared++;
    double error = fabs(analytic - e.central);
    if (!agrees(analytic, e.central, floor)) {
      if (t->failed++ < 5)
        fprintf(stderr, "  (%.9f, %.9f) %s: analytic %.10g, finite "
                "difference %.10g (P %.6g)\n", xy[2 * i], xy[2 * i + 1],
                name, analytic, e.central, p0);
    } else if (scale > floor) {
      t->worst = fmax(t->worst, error / scale);
    }
  }
  for (int q = 0; q < 4; q++) free(at[q]);
}

/* d_R is k P / R for a case of order k (the paper's model); the endpoint
 * columns are drt_eval_points_grad's (other formulas, the same
 * derivatives). */
static void check_closed_forms(const drt_scene *scene,
                               const drt_trace_options *o, const double *xy,
                               int n, const double *out, int width) {
  double *grad = malloc(3 * n * sizeof *grad);
  DRT_CHECK_OK(drt_eval_points_grad(ctx, scene, o, xy, n, grad));
  for (int i = 0; i < n; i++) {
    const double *row = out + width * i;
    double d_r = o->order_min * row[0] / DRT_REFLECTION_COEF;
    if (o->model == DRT_MODEL_PAPER)
      ck_assert_msg(fabs(row[width - 1] - d_r) <= 1e-12 * fabs(d_r),
                    "d_R %.17g, k P / R %.17g", row[width - 1], d_r);
    for (int c = 0; c < 3; c++) {
      double want = grad[3 * i + c];
      ck_assert_msg(fabs(row[c] - want) <= 1e-9 * fabs(want) + 1e-12,
                    "(%g, %g) column %d: %.17g, endpoint kernel %.17g",
                    xy[2 * i], xy[2 * i + 1], c, row[c], want);
    }
  }
  free(grad);
}

/* One case at n random points of the scene's box: every parameter's
 * derivative against differences, the closed forms. */
static void check_options(const drt_scene *scene, const char *label,
                          const drt_trace_options *opt, int n, uint64_t seed) {
  drt_trace_options o = *opt;
  param params[256];
  int n_params = list_params(scene, &o, params);
  int width = 3 + (int)drt_scene_param_count(scene, &o);
  ck_assert_int_eq(width, 3 + n_params + (o.model == DRT_MODEL_PAPER));
  double box[4];
  DRT_CHECK_OK(drt_scene_bbox(scene, box));
  double *xy = malloc(2 * n * sizeof *xy);
  double *out = malloc((size_t)width * n * sizeof *out);
  drt__rng rng;
  drt__rng_seed(&rng, seed);
  for (int i = 0; i < 2 * n; i++)
    xy[i] = box[i % 2] + (box[2 + i % 2] - box[i % 2]) * drt__rng_uniform(&rng);
  DRT_CHECK_OK(drt_eval_points_scene_grad(ctx, scene, &o, xy, n, out));
  check_closed_forms(scene, &o, xy, n, out, width);
  tally t = {0};
  for (int p = 0; p < n_params; p++)
    compare_param(scene, &o, xy, n, out, width, 3 + p, params[p], &t);
  printf("%-16s %s order %d %-12s: %d points x %d parameters, %d non-zero, "
         "%d compared, worst rel. error %.1e, %d at kinks matched one side, "
         "%d near kinks skipped, %d failed\n", label, method_names[o.method],
         o.order_min, mode_names[o.smoothing], n, n_params, t.nonzero,
         t.compared, t.worst, t.one_sided, t.skipped, t.failed);
  ck_assert_msg(t.failed == 0, "%d derivatives off", t.failed);
  ck_assert_msg(t.skipped * 50 <= t.nonzero, "%d of %d non-zero skipped",
                t.skipped, t.nonzero);
  free(xy);
  free(out);
}

/* One (scene, method, order, mode) case of the paper's model. */
static void check_case(int scene_i, int method, int order, int mode, int n,
                       uint64_t seed) {
  drt_scene *scene = case_scene(scene_i);
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.method = (drt_method)method;
  o.order_min = o.order_max = order;
  o.smoothing = (drt_smoothing)mode;
  o.alpha = 20; /* soft enough that smoothed validity shapes the gradient */
  check_options(scene, scenes[scene_i], &o, n, seed);
  drt_scene_destroy(scene);
}

/* Random points per case: 1,000, and 250 for MPT. MPT's paths end with
 * residuals of about 1e-8, which put derivatives that are exactly zero
 * (a wall end sliding along its own line) at about 1e-8 P; at 1,000
 * points 2 of 18,000 such pairs exceed the tolerance's floor. */
static int case_points(int method) { return method == 2 ? 250 : 1000; }

START_TEST(scene_gradients_match_finite_differences) {
  int method = (_i / 9) % 3;
  check_case(_i / 27, method, (_i / 3) % 3, _i % 3, case_points(method),
             700 + _i);
}
END_TEST

/* The RIS angle and the vertex: MPT and FPT (the image method has no RIS
 * or vertex), orders 0..2, every smoothing mode. */
START_TEST(ris_and_vertex_gradients_match_finite_differences) {
  int method = 1 + _i / 9;
  check_case(4, method, (_i / 3) % 3, _i % 3, case_points(method), 800 + _i);
}
END_TEST

/* eval --wrt scene: a header naming every parameter, values that match
 * the library; --wrt with another value is a usage error. */
START_TEST(cli_prints_named_columns) {
  char points[] = "/tmp/drt2d-wrt-XXXXXX", csv[64];
  int fd = mkstemp(points);
  ck_assert(fd >= 0);
  ck_assert(write(fd, "0.3 0.7\n", 8) == 8);
  close(fd);
  snprintf(csv, sizeof csv, "%s.csv", points);
  char *argv[] = {"drt2d", "eval", "--scene", "basic", "--points", points,
                  "--device", "ref", "--precision", "double", "--order", "0:2",
                  "--smoothing", "sigmoid", "--wrt", "scene"};
  ck_assert_int_eq(drt_test_cli_captured(csv, 16, argv), 0);
  char header[4096] = "", row[4096] = "";
  FILE *f = fopen(csv, "r");
  ck_assert(f && fgets(header, sizeof header, f) && fgets(row, sizeof row, f));
  fclose(f);
  char want[4096] = "x,y,power,dpdx,dpdy";
  for (int w = 0; w < 7; w++) {
    const char *c[] = {"ax", "ay", "bx", "by"};
    for (int k = 0; k < 4; k++)
      snprintf(want + strlen(want), sizeof want - strlen(want), ",d_w%d_%s", w,
               c[k]);
  }
  strcat(want, ",d_tx0_x,d_tx0_y,d_R\n");
  ck_assert_str_eq(header, want);
  int commas = 0;
  for (const char *p = row; *p; p++) commas += *p == ',';
  ck_assert_int_eq(commas, 5 + 7 * 4 + 3 - 1);
  argv[15] = "everything";
  ck_assert_int_eq(drt_test_cli_captured(csv, 16, argv), DRT_EXIT_USAGE);
  unlink(points);
  unlink(csv);
}
END_TEST

/* A point name holding a comma and quotes is quoted in the CSV header. */
START_TEST(cli_quotes_point_names) {
  drt_test_scratch_create();
  const char *scene = drt_test_scratch("named.json");
  const char *points = drt_test_scratch("points.txt");
  const char *csv = drt_test_scratch("out.csv");
  FILE *f = fopen(scene, "w");
  ck_assert(f);
  fputs("{\"transmitters\": [{\"name\": \"a,\\\"b\\\"\", \"position\": "
        "[0.2, 0.2]}], \"receivers\": [], \"objects\": [{\"type\": \"wall\", "
        "\"a\": [0, 0], \"b\": [1, 0]}]}", f);
  ck_assert_int_eq(fclose(f), 0);
  f = fopen(points, "w");
  ck_assert(f);
  fputs("0.3 0.7\n", f);
  ck_assert_int_eq(fclose(f), 0);
  char *argv[] = {"drt2d", "eval", "--scene", (char *)scene, "--points",
                  (char *)points, "--device", "ref", "--wrt", "scene"};
  ck_assert_int_eq(drt_test_cli_captured(csv, 10, argv), 0);
  char header[4096] = "";
  f = fopen(csv, "r");
  ck_assert(f && fgets(header, sizeof header, f));
  fclose(f);
  ck_assert_str_eq(header, "x,y,power,dpdx,dpdy,d_w0_ax,d_w0_ay,d_w0_bx,"
                           "d_w0_by,\"d_a,\"\"b\"\"_x\",\"d_a,\"\"b\"\"_y\","
                           "d_R\n");
  drt_test_scratch_remove();
}
END_TEST

/* The radio model on a street in metres: the field's or power's
 * derivatives by every wall, both transmitters and their azimuths (the
 * sector's, and the isotropic one's, which is 0), orders 0..2, every
 * smoothing mode (alpha 2 per metre: bands of metres), both sums; then
 * horizontal polarisation, FPT, and a transmitter map (its receivers
 * fixed). */
START_TEST(radio_gradients_match_finite_differences) {
  drt_scene *scene = radio_street();
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.model = DRT_MODEL_RADIO;
  o.alpha = 2;
  o.order_min = o.order_max = 1;
  o.smoothing = DRT_SMOOTHING_SIGMOID;
  const char *label = "street coherent";
  if (_i < 18) {
    o.sum = _i / 9 ? DRT_SUM_INCOHERENT : DRT_SUM_COHERENT;
    if (_i / 9) label = "street incoherent";
    o.order_min = o.order_max = (_i / 3) % 3;
    o.smoothing = (drt_smoothing)(_i % 3);
  } else if (_i == 18) {
    o.polarization = DRT_POLARIZATION_HORIZONTAL;
    label = "street horizontal";
  } else if (_i == 19) {
    o.method = DRT_METHOD_FPT;
    o.smoothing = DRT_SMOOTHING_HARD_SIGMOID;
  } else {
    o.vary = DRT_VARY_TX;
    label = "street tx map";
  }
  check_options(scene, label, &o, 300, 900 + (uint64_t)_i);
  drt_scene_destroy(scene);
}
END_TEST

/* Parameter names of every object type, and a bad index. */
START_TEST(parameter_names) {
  drt_scene *scene = ris_vertex_scene();
  drt_trace_options o;
  drt_trace_options_init(&o);
  size_t count = drt_scene_param_count(scene, &o);
  ck_assert_uint_eq(count, 4 * 4 + 5 + 2 + 2 + 1);
  char name[32];
  const struct {
    size_t index;
    const char *name;
  } known[] = {{0, "d_w0_ax"}, {15, "d_w3_by"}, {20, "d_r4_phi"},
               {21, "d_v5_ax"}, {22, "d_v5_ay"}, {23, "d_tx0_x"},
               {25, "d_R"}};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    DRT_CHECK_OK(drt_scene_param_name(scene, &o, known[i].index, name,
                                      sizeof name));
    ck_assert_str_eq(name, known[i].name);
  }
  ck_assert_int_eq(drt_scene_param_name(scene, &o, count, name, sizeof name),
                   DRT_EINVAL);
  drt_scene_destroy(scene);

  /* The radio model: no R; a receiver map's transmitters' azimuths last,
   * a transmitter map none. */
  scene = radio_street();
  o.model = DRT_MODEL_RADIO;
  ck_assert_uint_eq(drt_scene_param_count(scene, &o), 4 * 4 + 2 * 2 + 2);
  const char *last[] = {"d_tx1_y", "d_tx0_azimuth", "d_tx1_azimuth"};
  for (size_t i = 0; i < 3; i++) {
    DRT_CHECK_OK(drt_scene_param_name(scene, &o, 19 + i, name, sizeof name));
    ck_assert_str_eq(name, last[i]);
  }
  o.vary = DRT_VARY_TX;
  ck_assert_uint_eq(drt_scene_param_count(scene, &o), 4 * 4 + 2 * 2);
  DRT_CHECK_OK(drt_scene_param_name(scene, &o, 19, name, sizeof name));
  ck_assert_str_eq(name, "d_rx1_y");
  drt_scene_destroy(scene);
}
END_TEST

static Suite *scene_gradients_suite(void) {
  Suite *s = suite_create("scene gradients");
  TCase *tc = tcase_create("vs finite differences");
  tcase_set_timeout(tc, 3600);
  tcase_add_unchecked_fixture(tc, open_context, close_context);
  tcase_add_test(tc, parameter_names);
  tcase_add_test(tc, cli_prints_named_columns);
  tcase_add_test(tc, cli_quotes_point_names);
  tcase_add_loop_test(tc, scene_gradients_match_finite_differences, 0, 4 * 27);
  tcase_add_loop_test(tc, ris_and_vertex_gradients_match_finite_differences, 0,
                      18);
  suite_add_tcase(s, tc);
  TCase *radio = tcase_create("radio model");
  tcase_set_timeout(radio, 3600);
  tcase_add_unchecked_fixture(radio, open_context, close_context);
  tcase_add_loop_test(radio, radio_gradients_match_finite_differences, 0, 21);
  suite_add_tcase(s, radio);
  return s;
}

int main(void) { return drt_test_run(scene_gradients_suite()); }
