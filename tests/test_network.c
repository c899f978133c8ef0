/* test_network.c — the network metrics of several transmitters
 * (docs/method.md §15): each transmitter's power apart, the serving
 * transmitter and the SINR, against a plain serial computation from the
 * paths drt_trace_paths lists (the terms `drt2d paths` prints), in both
 * models where they apply; the noise floor's closed form; the CLI's
 * --metric maps and columns against the library, and its usage errors. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "testutil.h"

#define N_POINTS 40

static drt_context *ctx;

static void open_context(void) {
  ctx = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
}

static void close_context(void) { drt_context_destroy(ctx); }

/* A crossroads in metres of my own: two streets of four materials, a
 * metal kiosk, and three transmitters (a sector looking down the first
 * street, an isotropic one of 26 dBm in the cross street, a third at the
 * corner), so that every point has a server and interference. */
static drt_scene *three_cells(void) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_create(&scene));
  const struct {
    double ax, ay, bx, by;
    drt_material material;
  } walls[] = {{0, 0, 88, 0, DRT_MATERIAL_CONCRETE},
               {88, 0, 88, -30, DRT_MATERIAL_CONCRETE},
               {104, -30, 104, 0, DRT_MATERIAL_BRICK},
               {104, 0, 160, 0, DRT_MATERIAL_BRICK},
               {0, 18, 88, 18, DRT_MATERIAL_GLASS},
               {104, 18, 160, 18, DRT_MATERIAL_WOOD},
               {130, 6, 133, 8, DRT_MATERIAL_METAL}};
  for (size_t i = 0; i < sizeof walls / sizeof walls[0]; i++) {
    drt_object w = {.type = DRT_OBJECT_WALL, .ax = walls[i].ax,
                    .ay = walls[i].ay, .bx = walls[i].bx, .by = walls[i].by,
                    .material = walls[i].material};
    DRT_CHECK_OK(drt_scene_add_object(scene, &w));
  }
  DRT_CHECK_OK(drt_scene_add_tx(scene, "west", 20, 6));
  DRT_CHECK_OK(drt_scene_add_tx(scene, "south", 96, -20));
  DRT_CHECK_OK(drt_scene_add_tx(scene, "corner", 102, 16));
  drt_antenna sector = {DRT_PATTERN_SECTOR, 0, 0, 0};
  drt_antenna strong = {DRT_PATTERN_ISOTROPIC, 0, 1, 26};
  DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, 0, &sector));
  DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, 1, &strong));
  return scene;
}

static void street_points(uint64_t seed, double *xy, int n) {
  drt__rng rng;
  drt__rng_seed(&rng, seed);
  for (int i = 0; i < n; i++) {
    xy[2 * i] = 2 + 156 * drt__rng_uniform(&rng);
    xy[2 * i + 1] = 0.5 + 17 * drt__rng_uniform(&rng);
  }
}

/* Each transmitter's power at (x, y) from its paths alone: coherent
 * |sum V a|^2 in the radio model's coherent sum, else sum V |a|^2; and
 * its delay moments sum V |a|^2 tau^m, m = 0, 1, 2 (moments may be
 * NULL). */
static void powers_from_paths(const drt_scene *scene,
                              const drt_trace_options *o, double x, double y,
                              double *power, double *moments) {
  size_t t = drt_scene_tx_count(scene), count;
  drt_path *paths;
  DRT_CHECK_OK(drt_trace_paths(ctx, scene, o, x, y, &paths, &count));
  double complex field[8] = {0};
  double sums[8][3] = {{0}};
  for (size_t j = 0; j < t; j++) power[j] = 0;
  for (size_t i = 0; i < count; i++) {
    const drt_path *p = &paths[i];
    field[p->transmitter] +=
        p->validity * (p->amplitude_re + I * p->amplitude_im);
    power[p->transmitter] += p->power;
    for (int m = 0; m < 3; m++)
      sums[p->transmitter][m] += p->power * pow(p->delay, m);
  }
  for (size_t j = 0; j < t && moments; j++)
    for (int m = 0; m < 3; m++) moments[3 * j + m] = sums[j][m];
  int coherent = o->model == DRT_MODEL_RADIO && o->sum == DRT_SUM_COHERENT;
  for (size_t j = 0; j < t && coherent; j++) {
    double a = cabs(field[j]);
    power[j] = a * a;
  }
  drt_paths_free(paths);
}

/* The serving transmitter and SINR written out plainly: the largest
 * power (the first of equals), the rest summed as interference. */
static void serial_metrics(const double *power, size_t t, double noise,
                           int *server, double *sinr) {
  *server = -1;
  double best = 0, rest = 0;
  for (size_t j = 0; j < t; j++)
    if (power[j] > best) {
      best = power[j];
      *server = (int)j;
    }
  for (size_t j = 0; j < t; j++)
    if ((int)j != *server) rest += power[j];
  *sinr = *server < 0 ? 0 : best / (rest + noise);
}

static int close_to(double a, double b, double rtol) {
  return fabs(a - b) <= rtol * fmax(fabs(a), fabs(b));
}

/* The RMS delay spread written out plainly from the paths' powers and
 * delays, the mean subtracted first. */
static double serial_spread(const drt_scene *scene, const drt_trace_options *o,
                            double x, double y, int tx) {
  size_t count;
  drt_path *paths;
  DRT_CHECK_OK(drt_trace_paths(ctx, scene, o, x, y, &paths, &count));
  double total = 0, mean = 0, var = 0;
  for (size_t i = 0; i < count; i++)
    if (paths[i].transmitter == tx) {
      total += paths[i].power;
      mean += paths[i].power * paths[i].delay;
    }
  mean /= total;
  for (size_t i = 0; i < count; i++)
    if (paths[i].transmitter == tx)
      var += paths[i].power * (paths[i].delay - mean) * (paths[i].delay - mean);
  drt_paths_free(paths);
  return sqrt(var / total);
}

/* Per-transmitter powers, server, SINR and delay spread at random points
 * against the paths, both sums and exact/smoothed in the radio model;
 * the server in the paper's model. */
START_TEST(metrics_match_the_paths) {
  drt_scene *scene = three_cells();
  const size_t t = 3;
  drt_network_options net;
  drt_network_options_init(&net);
  double noise = drt_noise_power(&net);
  double xy[2 * N_POINTS], power[3 * N_POINTS], total[N_POINTS];
  street_points(5 + (uint64_t)_i, xy, N_POINTS);
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_max = 2;
  o.model = _i < 3 ? DRT_MODEL_RADIO : DRT_MODEL_PAPER;
  o.sum = _i == 1 ? DRT_SUM_INCOHERENT : DRT_SUM_COHERENT;
  o.smoothing = _i == 2 ? DRT_SMOOTHING_HARD_SIGMOID : DRT_SMOOTHING_NONE;
  o.alpha = 2;
  if (o.model == DRT_MODEL_PAPER) /* the paper's transmitters are isotropic */
    for (size_t j = 0; j < t; j++) {
      drt_antenna plain = {DRT_PATTERN_ISOTROPIC, 0, 0, 0};
      DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, j, &plain));
    }
  DRT_CHECK_OK(drt_eval_points_per_tx(ctx, scene, &o, xy, N_POINTS, power));
  DRT_CHECK_OK(drt_eval_points(ctx, scene, &o, xy, N_POINTS, total));
  int radio = o.model == DRT_MODEL_RADIO;
  double moments[9 * N_POINTS];
  ck_assert_int_eq(drt_eval_points_delay_moments(ctx, scene, &o, xy, N_POINTS,
                                                 moments),
                   radio ? DRT_OK : DRT_EUNSUPPORTED);
  int server[N_POINTS], interfered = 0, served = 0, spread_seen = 0;
  double sinr[N_POINTS];
  drt_network_metrics(power, N_POINTS, t, noise, server, sinr);
  for (int i = 0; i < N_POINTS; i++) {
    double want[3], sum = 0, want_sinr, want_moments[9];
    int want_server, arriving = 0;
    powers_from_paths(scene, &o, xy[2 * i], xy[2 * i + 1], want, want_moments);
    for (int k = 0; k < 9 && radio; k++)
      ck_assert_msg(close_to(moments[9 * i + k], want_moments[k], 1e-9) ||
                        moments[9 * i + k] == want_moments[k],
                    "point %d moment %d: %.17g, paths %.17g", i, k,
                    moments[9 * i + k], want_moments[k]);
    for (size_t j = 0; j < t; j++) {
      ck_assert_msg(close_to(power[t * i + j], want[j], 1e-9) ||
                        power[t * i + j] == want[j],
                    "point %d tx %zu: %.17g, paths %.17g", i, j,
                    power[t * i + j], want[j]);
      sum += power[t * i + j];
      arriving += want[j] > 0;
    }
    interfered += arriving > 1;
    ck_assert_msg(close_to(sum, total[i], 1e-12), "point %d: sum %.17g, "
                  "eval %.17g", i, sum, total[i]);
    serial_metrics(want, t, noise, &want_server, &want_sinr);
    ck_assert_int_eq(server[i], want_server);
    served += want_server >= 0;
    ck_assert_msg(close_to(sinr[i], want_sinr, 1e-9) || sinr[i] == want_sinr,
                  "point %d: SINR %.17g, serial %.17g", i, sinr[i], want_sinr);
    if (radio && want_server >= 0) {
      const double *own = moments + 9 * i + 3 * want_server;
      double spread = drt_delay_spread(own);
      double plain = serial_spread(scene, &o, xy[2 * i], xy[2 * i + 1],
                                   want_server);
      /* From moments the variance is m2/m0 - mean^2, a difference of
       * squares near mean^2: rounding leaves about sqrt(eps) of the mean
       * delay (1.5e-15 s at 100 ns) where the spread is 0. */
      double floor = 3e-8 * own[1] / own[0];
      ck_assert_msg(fabs(spread - plain) <= 1e-6 * plain + floor,
                    "point %d: delay spread %.17g s, serial %.17g s", i,
                    spread, plain);
      spread_seen += plain > 1e-9; /* a nanosecond: more than one path */
    }
  }
  printf("case %d (%s): %d of %d points served, %d with interference\n", _i,
         o.model == DRT_MODEL_RADIO ? "radio" : "paper", served, N_POINTS,
         interfered);
  ck_assert_int_gt(served, N_POINTS / 2); /* not a vacuous comparison */
  ck_assert_int_gt(interfered, 0);
  if (radio) ck_assert_int_gt(spread_seen, N_POINTS / 2);
  drt_scene_destroy(scene);
}
END_TEST

/* k_B T B F at the defaults is -173.98 dBm/Hz + 10 log10(20 MHz) + 7 dB
 * = -93.97 dBm; the server's ties and silence; bad options named. */
START_TEST(noise_and_edge_cases) {
  drt_network_options net;
  drt_network_options_init(&net);
  double dbm = 10 * log10(drt_noise_power(&net) / 1e-3);
  ck_assert_double_eq_tol(dbm, 10 * log10(1.380649e-23 * 290 * 1e3) +
                                   10 * log10(20e6) + 7, 1e-12);
  ck_assert_double_eq_tol(dbm, -93.97, 0.01); /* kT: -173.98 dBm/Hz */
  const double power[] = {1e-9, 1e-9, 0, /* a tie: the first serves */
                          0, 0, 0,       /* nothing arrives */
                          0, 3e-9, 1e-9};
  int server[3];
  double sinr[3];
  drt_network_metrics(power, 3, 3, 1e-12, server, sinr);
  ck_assert_int_eq(server[0], 0);
  ck_assert_double_eq_tol(sinr[0], 1e-9 / (1e-9 + 1e-12), 1e-15);
  ck_assert_int_eq(server[1], -1);
  ck_assert(sinr[1] == 0);
  ck_assert_int_eq(server[2], 1);
  ck_assert_double_eq_tol(sinr[2], 3e-9 / (1e-9 + 1e-12), 1e-12);
  drt_network_metrics(power, 3, 3, 1e-12, NULL, sinr); /* either may be NULL */
  net.bandwidth = 0;
  ck_assert_int_eq(drt_network_options_check(&net), DRT_EINVAL);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), "bandwidth"));
  drt_network_options_init(&net);
  net.noise_figure_db = -1;
  ck_assert_int_eq(drt_network_options_check(&net), DRT_EINVAL);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), "noise figure"));
  /* A transmitter map has no per-transmitter powers. */
  drt_scene *scene = three_cells();
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.model = DRT_MODEL_RADIO;
  o.vary = DRT_VARY_TX;
  double xy[2] = {50, 9}, out[3];
  DRT_CHECK_OK(drt_scene_add_rx(scene, NULL, 40, 9));
  ck_assert_int_eq(drt_eval_points_per_tx(ctx, scene, &o, xy, 1, out),
                   DRT_EINVAL);
  drt_scene_destroy(scene);
}
END_TEST

/* What a progress callback saw. */
typedef struct seen_progress {
  double last_done, total;
  int calls, backwards, totals_differ;
} seen_progress;

static int record_progress(void *user, double done, double total) {
  seen_progress *s = user;
  if (s->calls++ == 0) s->total = total;
  s->backwards += done < s->last_done;
  s->totals_differ += total != s->total;
  s->last_done = done;
  return 0;
}

/* Evaluations of one transmitter (or delay moment) after another report
 * as one: done never goes back, the total is the whole work's. */
START_TEST(several_evaluations_report_as_one) {
  drt_scene *scene = three_cells();
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.model = DRT_MODEL_RADIO;
  o.order_max = 2;
  double xy[2 * N_POINTS], out[9 * N_POINTS];
  street_points(11, xy, N_POINTS);
  for (int call = 0; call < 3; call++) {
    seen_progress seen = {0};
    drt_context_set_progress(ctx, record_progress, &seen);
    double whole = N_POINTS * (call == 1 ? 9.0 : 3.0);
    if (call == 0) DRT_CHECK_OK(drt_eval_points_per_tx(ctx, scene, &o, xy, N_POINTS, out));
    if (call == 1)
      DRT_CHECK_OK(drt_eval_points_delay_moments(ctx, scene, &o, xy, N_POINTS, out));
    if (call == 2) /* coherent: one transmitter at a time */
      DRT_CHECK_OK(drt_eval_points(ctx, scene, &o, xy, N_POINTS, out));
    drt_context_set_progress(ctx, NULL, NULL);
    ck_assert_msg(seen.calls > 1 && seen.backwards == 0 && seen.totals_differ == 0,
                  "call %d: %d reports, %d backwards, %d other totals", call,
                  seen.calls, seen.backwards, seen.totals_differ);
    ck_assert_double_eq(seen.total, whole);
    ck_assert_double_eq(seen.last_done, whole);
  }
  drt_scene_destroy(scene);
}
END_TEST

static double *read_f8_npy(const char *path, size_t count) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  unsigned char magic[10];
  ck_assert_uint_eq(fread(magic, 1, 10, f), 10);
  size_t len = magic[8] | (magic[9] << 8);
  char header[256];
  ck_assert(len < sizeof header);
  ck_assert_uint_eq(fread(header, 1, len, f), len);
  header[len] = '\0';
  ck_assert_ptr_nonnull(strstr(header, "'<f8'"));
  double *data = malloc(count * sizeof *data);
  ck_assert_uint_eq(fread(data, sizeof *data, count, f), count);
  fclose(f);
  return data;
}

/* map --metric's arrays hold the library's metrics at the grid points;
 * eval --metric's columns agree; bad combinations are usage errors that
 * write nothing. */
START_TEST(cli_metrics_match_the_library) {
  drt_scene *scene = three_cells();
  char scene_path[4096], png[4096];
  snprintf(scene_path, sizeof scene_path, "%s", drt_test_scratch("cells.json"));
  DRT_CHECK_OK(drt_scene_save_json(scene, scene_path));
  const char *metrics[] = {"sinr", "best-server", "coverage", "delay-spread"};
  enum { NX = 17, NY = 9 };
  drt_grid grid = {NX, NY, {0, 0, 160, 18}};
  double *power = malloc(3 * NX * NY * sizeof *power);
  double *moments = malloc(9 * NX * NY * sizeof *moments);
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.model = DRT_MODEL_RADIO;
  o.order_max = 2;
  DRT_CHECK_OK(drt_map_compute_per_tx(ctx, scene, &o, &grid, power));
  DRT_CHECK_OK(drt_map_compute_delay_moments(ctx, scene, &o, &grid, moments));
  drt_network_options net;
  drt_network_options_init(&net);
  net.threshold_db = 10;
  for (int k = 0; k < 4; k++) {
    const char *npy = drt_test_scratch("metric.npy");
    ck_assert_int_eq(drt_test_cli("map", "--scene", scene_path, "--grid",
                                  "17x9", "--bbox", "0,0,160,18", "--order",
                                  "0:2", "--precision", "double", "--model",
                                  "radio", "--metric", metrics[k],
                                  "--threshold-db", "10",
                                  "--quiet", "--npy", npy, NULL),
                     0);
    double *values = read_f8_npy(npy, NX * NY);
    int server[NX * NY];
    double sinr[NX * NY];
    drt_network_metrics(power, NX * NY, 3, drt_noise_power(&net), server, sinr);
    for (int i = 0; i < NX * NY; i++) {
      double db = 10 * log10(sinr[i]);
      double spread = server[i] < 0 ? NAN
                                    : 1e9 * drt_delay_spread(moments + 9 * i +
                                                             3 * server[i]);
      double want = k == 0   ? db
                    : k == 1 ? server[i]
                    : k == 2 ? (server[i] >= 0 && db >= 10)
                             : spread;
      ck_assert_msg(values[i] == want || close_to(values[i], want, 1e-9) ||
                        (isnan(values[i]) && isnan(want)),
                    "%s cell %d: %.17g, library %.17g", metrics[k], i,
                    values[i], want);
    }
    free(values);
  }
  /* eval --metric: the columns of one point. */
  char points[4096];
  snprintf(points, sizeof points, "%s", drt_test_scratch("points.txt"));
  FILE *f = fopen(points, "w");
  fprintf(f, "60 9\n");
  fclose(f);
  const char *csv = drt_test_scratch("eval.csv");
  char *argv[] = {"drt2d", "eval", "--scene", scene_path, "--order",
                  "0:2", "--precision", "double", "--model", "radio",
                  "--metric", "coverage", "--points", points,
                  "--quiet", NULL};
  ck_assert_int_eq(drt_test_cli_captured(csv, 15, argv), 0);
  f = fopen(csv, "r");
  char header[256], row[512];
  ck_assert_ptr_nonnull(fgets(header, sizeof header, f));
  ck_assert_ptr_nonnull(fgets(row, sizeof row, f));
  fclose(f);
  ck_assert_str_eq(header,
                   "x,y,power_west,power_south,power_corner,sinr_db,server,covered\n");
  double x, y, p[3], db;
  int s, covered;
  ck_assert_int_eq(sscanf(row, "%lf,%lf,%lf,%lf,%lf,%lf,%d,%d", &x, &y, &p[0],
                          &p[1], &p[2], &db, &s, &covered), 8);
  double want[3], want_sinr, xy[2] = {60, 9};
  DRT_CHECK_OK(drt_eval_points_per_tx(ctx, scene, &o, xy, 1, want));
  int want_server;
  serial_metrics(want, 3, drt_noise_power(&net), &want_server, &want_sinr);
  for (int j = 0; j < 3; j++) ck_assert(close_to(p[j], want[j], 1e-12));
  ck_assert_int_eq(s, want_server);
  ck_assert(close_to(db, 10 * log10(want_sinr), 1e-8));
  ck_assert_int_eq(covered, 10 * log10(want_sinr) >= 0);
  /* Usage errors: exit 2, nothing written. */
  snprintf(png, sizeof png, "%s", drt_test_scratch("never.png"));
  ck_assert_int_eq(drt_test_cli("map", "--metric", "sinr", "--png", png, NULL),
                   2); /* the paper's model: no noise in watts */
  ck_assert_int_eq(drt_test_cli("map", "--scene", scene_path, "--model",
                                "radio", "--metric", "best-server", "--grad",
                                "--png", png, NULL),
                   2);
  ck_assert_int_eq(drt_test_cli("map", "--scene", scene_path, "--model",
                                "radio", "--metric", "sinr", "--bandwidth",
                                "-5", "--png", png, NULL),
                   2);
  ck_assert_int_eq(drt_test_cli("map", "--scene", scene_path, "--model",
                                "radio", "--metric", "best-server", "--vary",
                                "tx", "--rx", "5,5", "--png", png, NULL),
                   2);
  ck_assert_int_eq(drt_test_cli("map", "--scene", scene_path, "--metric",
                                "snr", "--png", png, NULL),
                   2);
  ck_assert(!drt_test_exists(png));
  free(power);
  free(moments);
  drt_scene_destroy(scene);
}
END_TEST

int main(void) {
  Suite *s = suite_create("network");
  TCase *tc = tcase_create("metrics");
  tcase_add_unchecked_fixture(tc, open_context, close_context);
  tcase_add_checked_fixture(tc, drt_test_scratch_create, drt_test_scratch_remove);
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, noise_and_edge_cases);
  tcase_add_loop_test(tc, metrics_match_the_paths, 0, 4);
  tcase_add_test(tc, cli_metrics_match_the_library);
  tcase_add_test(tc, several_evaluations_report_as_one);
  suite_add_tcase(s, tc);
  return drt_test_run(s);
}
