/* test_paths.c — drt_trace_paths and `drt2d paths`: the two rays over a
 * dielectric wall against their closed forms (points, lengths, delays,
 * angles, complex amplitudes), the paths' sums against drt_eval_points in
 * both models, every method and smoothing, and the refusals. */
#include <cjson/cJSON.h>
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h" /* exit codes */
#include "radio_forms.h"
#include "rng.h"
#include "testutil.h"

static double deg_of(double dx, double dy) { return atan2(dy, dx) * 180 / PI; }

/* A wall of my own along y = 0 (eps_r 5, 0.01 S/m), the transmitter at
 * (0, 5), isotropic at the options' power. */
static drt_scene *wall_scene(void) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_create(&scene));
  drt_object wall = {.type = DRT_OBJECT_WALL, .ax = -100, .ay = 0, .bx = 100,
                     .by = 0, .material = DRT_MATERIAL_CUSTOM, .eps_r = 5,
                     .sigma = 0.01};
  DRT_CHECK_OK(drt_scene_add_object(scene, &wall));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 0, 5));
  return scene;
}

/* Path p against the ray from (0, 5) to (20, 3), straight (order 0) or
 * reflected at (12.5, 0) (image (0, -5)): points, length, angles. */
static void check_geometry(const drt_path *p, int order, double tol) {
  const double rx[2] = {20, 3};
  double via[2] = {12.5, 0};
  double length = order ? hypot(20, 8) : hypot(20, 2);
  ck_assert_int_eq(p->order, order);
  ck_assert_int_eq(p->transmitter, 0);
  ck_assert_msg(fabs(p->length - length) <= tol * length, "length %.12g vs %.12g",
                p->length, length);
  ck_assert(fabs(p->points[0]) <= tol && fabs(p->points[1] - 5) <= tol);
  const double *last = p->points + 2 * (order + 1);
  ck_assert(fabs(last[0] - rx[0]) <= tol * 20 && fabs(last[1] - rx[1]) <= tol * 20);
  const double *first_hop = order ? via : rx;
  if (order) {
    ck_assert_int_eq(p->objects[0], 0);
    ck_assert_msg(fabs(p->points[2] - via[0]) <= tol * 20 &&
                  fabs(p->points[3]) <= tol * 20,
                  "reflection point (%.12g, %.12g)", p->points[2], p->points[3]);
  }
  double aod = deg_of(first_hop[0], first_hop[1] - 5);
  double aoa = order ? deg_of(via[0] - rx[0], via[1] - rx[1])
                     : deg_of(-rx[0], 5 - rx[1]);
  ck_assert_msg(fabs(p->departure_deg - aod) <= 1e3 * tol, "AoD %.12g vs %.12g",
                p->departure_deg, aod);
  ck_assert_msg(fabs(p->arrival_deg - aoa) <= 1e3 * tol, "AoA %.12g vs %.12g",
                p->arrival_deg, aoa);
}

/* The radio model: a = sqrt(P_tx) lambda / (4 pi L) Gamma e^(-j k L), Gamma
 * the Fresnel coefficient at incidence cosine 8 / L2 (vertical: TE), and
 * the delay L / c. Double to 1e-9 relative; float's phase kL (1,500 rad)
 * is good to a few 1e-3 rad, so its magnitude alone to 1e-4. */
START_TEST(two_rays_match_closed_forms) {
  const double f = 3.5e9, k = 2 * PI / lambda_of(f);
  drt_scene *scene = wall_scene();
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.model = DRT_MODEL_RADIO;
  o.frequency = f;
  for (int d = 0; d < 2; d++) {
    drt_context *ctx = drt_test_open_context(
        DRT_DEVICE_AUTO, d ? DRT_PRECISION_DOUBLE : DRT_PRECISION_FLOAT);
    drt_path *paths;
    size_t n;
    DRT_CHECK_OK(drt_trace_paths(ctx, scene, &o, 20, 3, &paths, &n));
    ck_assert_int_eq(n, 2);
    double tol = d ? 1e-9 : 1e-5;
    for (int i = 0; i < 2; i++) {
      check_geometry(&paths[i], i, tol);
      double l = paths[i].length;
      double complex g = i ? gamma_te(eta_of(5, 0.01, f), 8 / hypot(20, 8)) : 1;
      double complex want = sqrt(spread(f, 20)) * g * cexp(-I * k * l) / l;
      double complex got = paths[i].amplitude_re + I * paths[i].amplitude_im;
      double error = d ? cabs(got - want) : fabs(cabs(got) - cabs(want));
      ck_assert_msg(error <= (d ? 1e-9 : 1e-4) * cabs(want),
                    "path %d: %.12g%+.12gj vs %.12g%+.12gj", i, creal(got),
                    cimag(got), creal(want), cimag(want));
      ck_assert(fabs(paths[i].delay - l / LIGHT) <= 1e-12 * l / LIGHT);
      ck_assert(paths[i].validity == 1);
      double power = creal(want * conj(want));
      ck_assert(fabs(paths[i].power - power) <= (d ? 1e-9 : 2e-4) * power);
    }
    drt_paths_free(paths);
    drt_context_destroy(ctx);
  }
  drt_scene_destroy(scene);
}
END_TEST

/* The paper's model: a = sqrt(R^k / (h^2 + L^2)), real; no delay. */
START_TEST(paper_paths_match_closed_forms) {
  drt_scene *scene = wall_scene();
  drt_trace_options o;
  drt_trace_options_init(&o);
  drt_context *ctx = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
  drt_path *paths;
  size_t n;
  DRT_CHECK_OK(drt_trace_paths(ctx, scene, &o, 20, 3, &paths, &n));
  ck_assert_int_eq(n, 2);
  for (int i = 0; i < 2; i++) {
    check_geometry(&paths[i], i, 1e-9);
    double l = paths[i].length;
    double w = pow(DRT_REFLECTION_COEF, i) / (DRT_HEIGHT * DRT_HEIGHT + l * l);
    ck_assert(fabs(paths[i].amplitude_re - sqrt(w)) <= 1e-12 * sqrt(w));
    ck_assert(paths[i].amplitude_im == 0 && paths[i].delay == 0);
    ck_assert(fabs(paths[i].power - w) <= 1e-12 * w);
  }
  drt_paths_free(paths);
  drt_context_destroy(ctx);
  drt_scene_destroy(scene);
}
END_TEST

/* Walls, a RIS and a vertex in metres, two transmitters: with antennas
 * (radio model), a sector and an isotropic one of its own power. */
static drt_scene *mixed_scene(int antennas) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_create(&scene));
  drt_object objects[] = {
      {.type = DRT_OBJECT_WALL, .ax = 0, .ay = 0, .bx = 40, .by = 0,
       .material = DRT_MATERIAL_CONCRETE},
      {.type = DRT_OBJECT_WALL, .ax = 0, .ay = 15, .bx = 40, .by = 14,
       .material = DRT_MATERIAL_GLASS},
      {.type = DRT_OBJECT_WALL, .ax = 18, .ay = 5, .bx = 22, .by = 9,
       .material = DRT_MATERIAL_METAL},
      {.type = DRT_OBJECT_RIS, .ax = 40, .ay = 2, .bx = 40, .by = 12,
       .phi = 0.3, .amplitude = 0.8},
      {.type = DRT_OBJECT_VERTEX, .ax = 18, .ay = 5, .bx = 18, .by = 5},
  };
  for (size_t i = 0; i < sizeof objects / sizeof objects[0]; i++)
    DRT_CHECK_OK(drt_scene_add_object(scene, &objects[i]));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 5, 7));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 33, 4));
  drt_antenna sector = {DRT_PATTERN_SECTOR, 10 * PI / 180, 0, 0};
  drt_antenna strong = {DRT_PATTERN_ISOTROPIC, 0, 1, 25};
  if (antennas) {
    DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, 0, &sector));
    DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, 1, &strong));
  }
  return scene;
}

/* What the paths add up to (computed here, not by the library): the
 * coherent sum |sum V a|^2 per transmitter, else sum V |a|^2. */
static double paths_total(const drt_path *p, size_t n, int coherent) {
  double total = 0;
  for (int t = 0; t < 2; t++) {
    double complex field = 0;
    for (size_t i = 0; i < n; i++) {
      if (p[i].transmitter != t) continue;
      double complex a = p[i].amplitude_re + I * p[i].amplitude_im;
      if (coherent) field += p[i].validity * a;
      else total += p[i].validity * creal(a * conj(a));
    }
    total += creal(field * conj(field));
  }
  return total;
}

/* Sigma over the paths equals drt_eval_points at the same point: case _i
 * is the method (IM: walls; FPT, MPT: every object), the model (paper,
 * radio coherent, radio incoherent) and the smoothing (exact, sigmoid).
 * Point i of eval draws MPT's starts from key i: the paths call says so
 * with first_key. Double, 1e-9 relative. */
START_TEST(paths_sum_to_eval) {
  const int method = _i / 6, model = _i / 2 % 3, smoothed = _i % 2;
  enum { N = 6 };
  drt_scene *scene = mixed_scene(model > 0);
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.method = (drt_method)method;
  o.order_max = method == DRT_METHOD_IM ? 2 : 1;
  o.model = model ? DRT_MODEL_RADIO : DRT_MODEL_PAPER;
  o.sum = model == 2 ? DRT_SUM_INCOHERENT : DRT_SUM_COHERENT;
  /* The image method reflects on walls; the radio model has no corner
   * diffraction yet. Every object still obstructs. */
  o.only = method == DRT_METHOD_IM ? DRT_ONLY_WALL
           : model                 ? DRT_ONLY_WALL | DRT_ONLY_RIS
                                   : DRT_ONLY_ALL;
  o.smoothing = smoothed ? DRT_SMOOTHING_SIGMOID : DRT_SMOOTHING_NONE;
  o.alpha = 5;
  o.seed = 7;
  drt__rng rng;
  drt__rng_seed(&rng, 40 + _i);
  double xy[2 * N], want[N];
  for (int i = 0; i < N; i++) {
    xy[2 * i] = 2 + 36 * drt__rng_uniform(&rng);
    xy[2 * i + 1] = 1 + 12 * drt__rng_uniform(&rng);
  }
  drt_context *ctx = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
  DRT_CHECK_OK(drt_eval_points(ctx, scene, &o, xy, N, want));
  size_t found = 0;
  for (int i = 0; i < N; i++) {
    drt_path *paths;
    size_t n;
    o.first_key = (uint64_t)i;
    DRT_CHECK_OK(drt_trace_paths(ctx, scene, &o, xy[2 * i], xy[2 * i + 1],
                                 &paths, &n));
    double got = paths_total(paths, n, model == 1);
    ck_assert_msg(fabs(got - want[i]) <= 1e-9 * want[i] + 1e-300,
                  "case %d point %d: %zu paths add to %.15g, eval %.15g", _i,
                  i, n, got, want[i]);
    for (size_t j = 0; j < n; j++)
      ck_assert(paths[j].validity > 0 && paths[j].validity <= 1);
    found += n;
    drt_paths_free(paths);
  }
  ck_assert(found > N); /* more than the direct rays alone */
  drt_context_destroy(ctx);
  drt_scene_destroy(scene);
}
END_TEST

START_TEST(bad_calls_are_refused) {
  drt_scene *scene = wall_scene();
  drt_trace_options o;
  drt_trace_options_init(&o);
  drt_context *ctx = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
  drt_path *paths = (drt_path *)&o; /* must be reset */
  size_t n = 5;
  o.vary = DRT_VARY_TX;
  ck_assert_int_eq(drt_trace_paths(ctx, scene, &o, 20, 3, &paths, &n), DRT_EINVAL);
  ck_assert(paths == NULL && n == 0);
  o.vary = DRT_VARY_RX;
  ck_assert_int_eq(drt_trace_paths(ctx, scene, &o, NAN, 3, &paths, &n),
                   DRT_EINVAL);
  ck_assert(strstr(drt_last_error(), "receiver"));
  drt_context *ref = drt_test_open_context(DRT_DEVICE_REF, DRT_PRECISION_DOUBLE);
  ck_assert_int_eq(drt_trace_paths(ref, scene, &o, 20, 3, &paths, &n),
                   DRT_EUNSUPPORTED);
  drt_scene_clear_tx(scene);
  ck_assert_int_eq(drt_trace_paths(ctx, scene, &o, 20, 3, &paths, &n), DRT_EINVAL);
  ck_assert(strstr(drt_last_error(), "no transmitter"));
  drt_context_destroy(ref);
  drt_context_destroy(ctx);
  drt_scene_destroy(scene);
}
END_TEST

/* Lines of a text file. */
static int count_lines(const char *path) {
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  int lines = 0, c;
  while ((c = fgetc(f)) != EOF) lines += c == '\n';
  fclose(f);
  return lines;
}

static cJSON *read_json(const char *path) {
  FILE *f = fopen(path, "r");
  ck_assert_ptr_nonnull(f);
  static char text[1 << 16];
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = '\0';
  cJSON *root = cJSON_Parse(text);
  ck_assert_ptr_nonnull(root);
  return root;
}

/* `drt2d paths` on a scene file: a CSV line a path, JSON and a figure,
 * the paths the library finds; usage errors write nothing. */
START_TEST(cli_writes_paths) {
  char scene[256], csv[256], json[256], png[256];
  snprintf(scene, sizeof scene, "%s", drt_test_scratch("wall.json"));
  snprintf(csv, sizeof csv, "%s", drt_test_scratch("paths.csv"));
  snprintf(json, sizeof json, "%s", drt_test_scratch("paths.json"));
  snprintf(png, sizeof png, "%s", drt_test_scratch("paths.png"));
  FILE *f = fopen(scene, "w");
  ck_assert_ptr_nonnull(f);
  fputs("{\"units\": \"m\", \"transmitters\": [{\"position\": [0, 5]}], "
        "\"receivers\": [{\"position\": [20, 3]}, {\"position\": [30, 3]}], "
        "\"objects\": [{\"type\": \"wall\", \"a\": "
        "[-100, 0], \"b\": [100, 0], \"material\": \"metal\"}]}\n", f);
  fclose(f);
  char *argv[] = {"drt2d", "paths", "--scene", scene, "--rx", "20,3",
                  "--json", json, "--png", png, "--precision", "double", NULL};
  ck_assert_int_eq(drt_test_cli_captured(csv, 12, argv), 0);
  ck_assert_int_eq(count_lines(csv), 3); /* header, LOS, reflection */
  cJSON *root = read_json(json);
  cJSON *list = cJSON_GetObjectItem(root, "paths");
  ck_assert_int_eq(cJSON_GetArraySize(list), 2);
  cJSON *second = cJSON_GetArrayItem(list, 1);
  double delay = cJSON_GetObjectItem(second, "delay_ns")->valuedouble;
  ck_assert(fabs(delay - hypot(20, 8) / LIGHT * 1e9) < 1e-9);
  cJSON_Delete(root);
  ck_assert(drt_test_exists(png));
  remove(json);
  remove(png);
  /* Two receivers and no --rx; two --tx; a figure that is no figure. */
  char *two_rx[] = {"drt2d", "paths", "--scene", scene, "--json", json, NULL};
  ck_assert_int_eq(drt_test_cli_captured(csv, 6, two_rx), DRT_EXIT_USAGE);
  char *two_tx[] = {"drt2d", "paths", "--scene", scene, "--rx", "1,1", "--tx",
                    "1,2", "--tx", "2,2", NULL};
  ck_assert_int_eq(drt_test_cli_captured(csv, 10, two_tx), DRT_EXIT_USAGE);
  char *bad_png[] = {"drt2d", "paths", "--scene", scene, "--rx", "1,1",
                     "--png", json, NULL};
  ck_assert_int_eq(drt_test_cli_captured(csv, 8, bad_png), DRT_EXIT_USAGE);
  ck_assert(!drt_test_exists(json));
}
END_TEST

static Suite *paths_suite(void) {
  Suite *s = suite_create("paths");
  TCase *closed = tcase_create("closed forms");
  tcase_set_timeout(closed, 300);
  tcase_add_test(closed, two_rays_match_closed_forms);
  tcase_add_test(closed, paper_paths_match_closed_forms);
  tcase_add_test(closed, bad_calls_are_refused);
  suite_add_tcase(s, closed);
  TCase *sums = tcase_create("sums");
  tcase_set_timeout(sums, 900);
  tcase_add_loop_test(sums, paths_sum_to_eval, 0, 18);
  suite_add_tcase(s, sums);
  TCase *cli = tcase_create("cli");
  tcase_set_timeout(cli, 300);
  tcase_add_checked_fixture(cli, drt_test_scratch_create,
                            drt_test_scratch_remove);
  tcase_add_test(cli, cli_writes_paths);
  suite_add_tcase(s, cli);
  return s;
}

int main(void) { return drt_test_run(paths_suite()); }
