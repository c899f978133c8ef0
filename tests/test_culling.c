/* test_culling.c — visibility-pruned candidates (docs/method.md §13) give
 * the whole enumeration's values and derivatives: the same bits in exact
 * mode and with the hard sigmoid (a skipped path adds exactly 0, and the
 * chunk sums keep their order), within rounding with the sigmoid. Compared
 * with --candidates all at 2,000 random points a case, on real and random
 * scenes, both precisions, receiver and transmitter maps, both models. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "candidates.h"
#include "cull.h"
#include "rng.h"
#include "testutil.h"

#define N_POINTS 2000

static drt_context *contexts[2]; /* float, double */

static void open_contexts(void) {
  contexts[0] = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_FLOAT);
  contexts[1] = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
}

static void close_contexts(void) {
  for (int p = 0; p < 2; p++) drt_context_destroy(contexts[p]);
}

static const char *mode_name(drt_smoothing m) {
  return m == DRT_SMOOTHING_NONE ? "none"
         : m == DRT_SMOOTHING_SIGMOID ? "sigmoid" : "hard-sigmoid";
}

static drt_scene *load(const char *name) {
  drt_scene *scene;
  if (strstr(name, ".geojson")) DRT_CHECK_OK(drt_scene_load(drt_test_data(name), &scene));
  else DRT_CHECK_OK(drt_scene_builtin(name, &scene));
  return scene;
}

/* The scene `name` with its transmitters replaced by n_tx given ones
 * (kept when n_tx is 0). */
static drt_scene *load_with_tx(const char *name, const double *tx, int n_tx) {
  drt_scene *scene = load(name);
  if (n_tx) {
    drt_scene_clear_tx(scene);
    DRT_CHECK_OK(drt_scene_add_tx_points(scene, tx, (size_t)n_tx));
  }
  return scene;
}

/* Random points over the scene's box widened by a tenth on every side. */
static void random_points(const drt_scene *scene, uint64_t seed, double *xy) {
  double box[4];
  DRT_CHECK_OK(drt_scene_bbox(scene, box));
  double wx = 0.1 * (box[2] - box[0]), wy = 0.1 * (box[3] - box[1]);
  drt__rng rng;
  drt__rng_seed(&rng, seed);
  for (int i = 0; i < N_POINTS; i++) {
    xy[2 * i] = box[0] - wx + (box[2] - box[0] + 2 * wx) * drt__rng_uniform(&rng);
    xy[2 * i + 1] = box[1] - wy + (box[3] - box[1] + 2 * wy) * drt__rng_uniform(&rng);
  }
}

/* The largest magnitude of the values: the radio model's scale. */
static double largest(const double *v, int n) {
  double m = 0;
  for (int i = 0; i < n; i++) m = fmax(m, fabs(v[i]));
  return m;
}

/* Compares power and gradient, visible against all, at N_POINTS points:
 * bit for bit but with the sigmoid (and the radio model in float), there
 * within 1e-9 (double) or 1e-5 (float) relative plus the rounding of the sum (an absolute 1e-12 in
 * double, 1e-6 in float, of P0 in the paper's model and of the largest
 * value in the radio model's watts). */
static void compare(const drt_scene *scene, const char *name,
                    const drt_trace_options *base, int p) {
  double *xy = malloc(2 * N_POINTS * sizeof *xy);
  double *all = malloc(3 * N_POINTS * sizeof *all);
  double *visible = malloc(3 * N_POINTS * sizeof *visible);
  random_points(scene, 77 + (uint64_t)base->order_max * 3 + base->smoothing, xy);
  drt_trace_options o = *base;
  o.candidates = DRT_CANDIDATES_ALL;
  DRT_CHECK_OK(drt_eval_points_grad(contexts[p], scene, &o, xy, N_POINTS, all));
  o.candidates = DRT_CANDIDATES_VISIBLE;
  DRT_CHECK_OK(drt_eval_points_grad(contexts[p], scene, &o, xy, N_POINTS, visible));
  /* The radio model's float kernels call vector math (sin, cos, atan2,
   * pow) whose last bits depend on how POCL vectorises a launch, so its
   * float sums are the same only to rounding. */
  int exact = o.smoothing != DRT_SMOOTHING_SIGMOID &&
              !(o.model == DRT_MODEL_RADIO && p == 0);
  int differ = 0, nonzero = 0;
  double scale = o.model == DRT_MODEL_RADIO ? largest(all, 3 * N_POINTS) : DRT_P0;
  double rtol = p ? 1e-9 : 1e-5, atol = (p ? 1e-12 : 1e-6) * scale;
  for (int i = 0; i < 3 * N_POINTS; i++) {
    nonzero += all[i] != 0;
    int same = exact ? memcmp(&all[i], &visible[i], sizeof all[i]) == 0
                     : fabs(all[i] - visible[i]) <= rtol * fabs(all[i]) + atol;
    if (same) continue;
    if (differ++ < 3)
      fprintf(stderr, "  %s point %d (%.17g, %.17g) component %d: all %.17g "
              "visible %.17g\n", name, i / 3, xy[2 * (i / 3)],
              xy[2 * (i / 3) + 1], i % 3, all[i], visible[i]);
  }
  printf("%-28s %-5s orders %d:%d %-12s alpha %-5g %-6s vary %s: %d of %d "
         "values differ (%d non-zero)\n",
         name, o.model == DRT_MODEL_RADIO ? "radio" : "paper", o.order_min,
         o.order_max, mode_name(o.smoothing), o.alpha, p ? "double" : "float",
         o.vary == DRT_VARY_TX ? "tx" : "rx", differ, 3 * N_POINTS, nonzero);
  ck_assert_msg(differ == 0, "%s orders %d:%d %s %s: %d values differ", name,
                o.order_min, o.order_max, mode_name(o.smoothing),
                p ? "double" : "float", differ);
  /* Not a vacuous comparison: some power reaches the points. */
  ck_assert_msg(nonzero > N_POINTS / 20, "%s: only %d non-zero values", name,
                nonzero);
  free(xy);
  free(all);
  free(visible);
}

static void compare_modes(const char *name, int order_max, int precisions,
                          const double *tx, int n_tx) {
  drt_scene *scene = load_with_tx(name, tx, n_tx);
  const drt_smoothing modes[] = {DRT_SMOOTHING_NONE, DRT_SMOOTHING_HARD_SIGMOID,
                                 DRT_SMOOTHING_SIGMOID};
  for (int m = 0; m < 3; m++)
    for (int p = 0; p < 2; p++) {
      if (!(precisions >> p & 1)) continue;
      drt_trace_options o;
      drt_trace_options_init(&o);
      o.order_max = order_max;
      o.smoothing = modes[m];
      compare(scene, name, &o, p);
    }
  drt_scene_destroy(scene);
}

#define BOTH 3

START_TEST(unit_square_scenes) {
  compare_modes("square-obstacle", 3, BOTH, NULL, 0);
  const double two_tx[] = {0.2, 0.2, 0.7, 0.35};
  compare_modes("basic", 3, BOTH, two_tx, 2);
}
END_TEST

START_TEST(random_scenes) {
  compare_modes("random:3:16", 3, BOTH, NULL, 0);
  compare_modes("random:5:64", 2, BOTH, NULL, 0);
}
END_TEST

START_TEST(louvain) {
  const double tx[] = {-20, 3};
  compare_modes("louvain-osm.geojson", 3, BOTH, tx, 1);
}
END_TEST

/* The city at orders 0:2 (1,425,637 candidates a cell), exact (double)
 * and with the hard sigmoid (float); the sigmoid at 0:1, since without
 * culling its every candidate scans every wall (it is never exactly 0).
 * The whole enumeration takes minutes a case here. */
START_TEST(mumbai) {
  const double tx[] = {0, 0};
  drt_scene *scene = load_with_tx("mumbai-osm.geojson", tx, 1);
  drt_trace_options o;
  drt_trace_options_init(&o);
  const struct {
    drt_smoothing mode;
    int order_max, precision;
  } cases[] = {{DRT_SMOOTHING_NONE, 2, 1},
               {DRT_SMOOTHING_HARD_SIGMOID, 2, 0},
               {DRT_SMOOTHING_SIGMOID, 1, 1},
               {DRT_SMOOTHING_SIGMOID, 1, 0}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    o.smoothing = cases[i].mode;
    o.order_max = cases[i].order_max;
    compare(scene, "mumbai-osm.geojson", &o, cases[i].precision);
  }
  drt_scene_destroy(scene);
}
END_TEST

/* A crossroads in metres of my own: two streets of four materials and a
 * metal kiosk, a sector antenna looking down one street and an isotropic
 * 26 dBm transmitter in the other. */
static drt_scene *crossroads(void) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_create(&scene));
  const struct {
    double ax, ay, bx, by;
    drt_material material;
  } walls[] = {{0, 0, 88, 0, DRT_MATERIAL_CONCRETE},
               {88, 0, 88, -30, DRT_MATERIAL_CONCRETE},
               {104, -30, 104, 0, DRT_MATERIAL_BRICK},
               {104, 0, 200, 0, DRT_MATERIAL_BRICK},
               {0, 18, 88, 18, DRT_MATERIAL_GLASS},
               {88, 18, 88, 48, DRT_MATERIAL_GLASS},
               {104, 48, 104, 18, DRT_MATERIAL_WOOD},
               {104, 18, 200, 18, DRT_MATERIAL_CONCRETE},
               {150, 6, 153, 8, DRT_MATERIAL_METAL}};
  for (size_t i = 0; i < sizeof walls / sizeof walls[0]; i++) {
    drt_object w = {.type = DRT_OBJECT_WALL, .ax = walls[i].ax,
                    .ay = walls[i].ay, .bx = walls[i].bx, .by = walls[i].by,
                    .material = walls[i].material};
    DRT_CHECK_OK(drt_scene_add_object(scene, &w));
  }
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 30, 6));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 96, -20));
  drt_antenna sector = {DRT_PATTERN_SECTOR, 0, 0, 0};
  drt_antenna strong = {DRT_PATTERN_ISOTROPIC, 0, 1, 26};
  DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, 0, &sector));
  DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, 1, &strong));
  return scene;
}

/* The radio model's tests take their margins in metres (docs/method.md
 * §14), and so does its culling. alpha 2 per metre makes bands of metres
 * (the hard sigmoid's 1.5 m, the sigmoid's 18 m), the default 100 of
 * centimetres; both sums, both polarisations. */
START_TEST(radio_model) {
  drt_scene *scene = crossroads();
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.model = DRT_MODEL_RADIO;
  o.order_max = 3;
  const drt_smoothing modes[] = {DRT_SMOOTHING_NONE, DRT_SMOOTHING_HARD_SIGMOID,
                                 DRT_SMOOTHING_SIGMOID};
  for (int m = 0; m < 3; m++)
    for (int a = 0; a < (m ? 2 : 1); a++)
      for (int p = 0; p < 2; p++) {
        o.smoothing = modes[m];
        o.alpha = a ? 100 : 2;
        o.sum = p ? DRT_SUM_COHERENT : DRT_SUM_INCOHERENT;
        o.polarization = a ? DRT_POLARIZATION_HORIZONTAL : DRT_POLARIZATION_VERTICAL;
        compare(scene, "crossroads", &o, p);
      }
  drt_scene_destroy(scene);

  /* The city: exact and hard at orders 0:2, the sigmoid (which scans
   * every wall for every candidate in the whole enumeration) at 0:1. */
  const double tx[] = {0, 0};
  scene = load_with_tx("mumbai-osm.geojson", tx, 1);
  drt_trace_options_init(&o);
  o.model = DRT_MODEL_RADIO;
  o.alpha = 2;
  const struct {
    drt_smoothing mode;
    int order_max, precision;
  } cases[] = {{DRT_SMOOTHING_NONE, 2, 1},
               {DRT_SMOOTHING_HARD_SIGMOID, 2, 0},
               {DRT_SMOOTHING_SIGMOID, 1, 1}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    o.smoothing = cases[i].mode;
    o.order_max = cases[i].order_max;
    compare(scene, "mumbai-osm.geojson", &o, cases[i].precision);
  }
  drt_scene_destroy(scene);
}
END_TEST

/* Transmitter maps trace from the receivers; soft smoothing keeps far
 * more candidates (wide margins), and must stay exact too. */
START_TEST(transmitter_maps_and_soft_smoothing) {
  drt_scene *scene = load("random:5:64");
  const double rx[] = {0.3, 0.1, 0.5, 0.9};
  drt_scene_clear_rx(scene);
  DRT_CHECK_OK(drt_scene_add_rx_points(scene, rx, 2));
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_max = 2;
  o.vary = DRT_VARY_TX;
  for (int m = 0; m < 2; m++) {
    o.smoothing = m ? DRT_SMOOTHING_HARD_SIGMOID : DRT_SMOOTHING_NONE;
    compare(scene, "random:5:64 (tx map)", &o, 1);
  }
  o.vary = DRT_VARY_RX;
  o.smoothing = DRT_SMOOTHING_HARD_SIGMOID;
  o.alpha = 4;
  compare(scene, "random:5:64", &o, 1);
  o.smoothing = DRT_SMOOTHING_SIGMOID;
  o.alpha = 30;
  compare(scene, "random:5:64", &o, 1);
  drt_scene_destroy(scene);
}
END_TEST

/* The comparisons above would pass with no culling at all: on the city,
 * the forward pass must keep a small share of the order-2 candidates. */
START_TEST(culling_prunes_a_city) {
  const double tx[] = {0, 0};
  drt_scene *scene = load_with_tx("mumbai-osm.geojson", tx, 1);
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_max = 2;
  const size_t chunk[] = {1, 256, 256};
  drt__culler *c;
  DRT_CHECK_OK(drt__culler_create(scene, &o, chunk, &c));
  double kept, all;
  drt__culler_counts(c, 2, &kept, &all);
  printf("mumbai order 2: %.0f of %.0f candidates kept by the forward pass\n",
         kept, all);
  ck_assert(all == 1194.0 * 1193.0);
  ck_assert_msg(kept > 0 && kept < 0.01 * all, "kept %.0f of %.0f", kept, all);
  drt__culler_destroy(c);
  drt_scene_destroy(scene);
}
END_TEST

/* The index of a sequence in candidates.c's order. */
START_TEST(ranks_follow_the_enumeration) {
  for (int k = 1; k <= 3; k++) {
    drt__candidates set;
    DRT_CHECK_OK(drt__candidates_build(NULL, 7, k, &set));
    for (size_t c = 0; c < set.count; c++)
      ck_assert_uint_eq(drt__candidate_rank(set.indices + c * k, k, 7), c);
    drt__candidates_free(&set);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("culling");
  TCase *tc = tcase_create("visible equals all");
  tcase_add_unchecked_fixture(tc, open_contexts, close_contexts);
  tcase_set_timeout(tc, 1200);
  tcase_add_test(tc, ranks_follow_the_enumeration);
  tcase_add_test(tc, culling_prunes_a_city);
  tcase_add_test(tc, unit_square_scenes);
  tcase_add_test(tc, random_scenes);
  tcase_add_test(tc, louvain);
  tcase_add_test(tc, transmitter_maps_and_soft_smoothing);
  tcase_add_test(tc, mumbai);
  suite_add_tcase(s, tc);
  TCase *radio = tcase_create("radio model");
  tcase_add_unchecked_fixture(radio, open_contexts, close_contexts);
  tcase_set_timeout(radio, 1200);
  tcase_add_test(radio, radio_model);
  suite_add_tcase(s, radio);
  return drt_test_run(s);
}
