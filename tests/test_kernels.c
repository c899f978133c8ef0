/* test_kernels.c — tier 2: the OpenCL kernels against the serial ref
 * evaluator on 10,000 random points per built-in scene, orders 0..2, every
 * smoothing mode, float and double; and the gradient kernels against the
 * ref's gradients in double.
 *
 * Tolerances. Double kernels do the same arithmetic as the ref in another
 * order, so they agree to ~1e-15 relative; the bound is 1e-9 relative (plus
 * 1e-12 absolute), leaving room for ill-conditioned image constructions
 * near grazing incidence. Float kernels carry 2^-24 ~ 6e-8 relative
 * rounding into the margins of the smoothed tests; a crossing parameter
 * t = a/d of two nearly parallel segments amplifies it to ~1e-5, and the
 * hard sigmoid's slope alpha/6 ~ 17 turns that into ~2e-4 of the validity
 * (seen: 2.8e-4). The float bound is 1e-3 relative plus 1e-5 absolute
 * (1e-7 P0, -70 dB: the resolution of a float validity 1 - s near 1 on
 * the strongest paths).
 * Near a discontinuity of the exact tests (a shadow edge, a wall end) the
 * kernel may take the other branch. Such a point is accepted only if the
 * kernel's value is the ref's value at a point within DELTA of it (one of
 * the 8 neighbours at +-DELTA): a backward-error test. Those points are
 * counted and printed; more than 0.5 % of them fails the test. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp, setenv */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rng.h"
#include "session.h"
#include "testutil.h"

#define N_POINTS 10000

static const char *scenes[] = {"square", "square-wall", "square-obstacle",
                               "basic"};
static const drt_smoothing modes[] = {DRT_SMOOTHING_NONE, DRT_SMOOTHING_SIGMOID,
                                      DRT_SMOOTHING_HARD_SIGMOID};
static const char *mode_names[] = {"none", "sigmoid", "hard-sigmoid"};

static drt_context *contexts[2]; /* float, double */
static drt_context *ref;

static void open_contexts(void) {
  ref = drt_test_open_context(DRT_DEVICE_REF, DRT_PRECISION_DOUBLE);
  contexts[0] = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_FLOAT);
  contexts[1] = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
}

static void close_contexts(void) {
  drt_context_destroy(ref);
  for (int p = 0; p < 2; p++) drt_context_destroy(contexts[p]);
}

/* |value - expected| as a fraction of the allowed error: <= 1 passes. */
static double error_ratio(double value, double expected, int is_double) {
  double rtol = is_double ? 1e-9 : 1e-3;
  double atol = is_double ? 1e-12 : 1e-5;
  return fabs(value - expected) / (rtol * fabs(expected) + atol);
}

static int within(double value, double expected, int is_double) {
  return error_ratio(value, expected, is_double) <= 1.0;
}

/* Is `value` the ref's answer at one of the 8 neighbours at distance delta? */
static int matches_a_neighbour(const drt_scene *scene,
                               const drt_trace_options *o, const double *xy,
                               double value, int is_double) {
  double delta = is_double ? 1e-10 : 1e-6;
  double near[16], power[8];
  int k = 0;
  for (int dx = -1; dx <= 1; dx++)
    for (int dy = -1; dy <= 1; dy++) {
      if (!dx && !dy) continue;
      near[2 * k] = xy[0] + dx * delta;
      near[2 * k + 1] = xy[1] + dy * delta;
      k++;
    }
  DRT_CHECK_OK(drt_eval_points(ref, scene, o, near, 8, power));
  for (int i = 0; i < 8; i++)
    if (within(value, power[i], is_double)) return 1;
  return 0;
}

/* Compares one (scene, order, mode) on both precisions. */
static void compare(const char *name, int order, int m) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin(name, &scene));
  double box[4];
  DRT_CHECK_OK(drt_scene_bbox(scene, box));
  double *xy = malloc(2 * N_POINTS * sizeof *xy);
  double *expected = malloc(N_POINTS * sizeof *expected);
  double *got = malloc(N_POINTS * sizeof *got);
  drt__rng rng;
  drt__rng_seed(&rng, 1000 + order * 10 + m);
  for (int i = 0; i < N_POINTS; i++) {
    xy[2 * i] = box[0] + (box[2] - box[0]) * drt__rng_uniform(&rng);
    xy[2 * i + 1] = box[1] + (box[3] - box[1]) * drt__rng_uniform(&rng);
  }
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_min = o.order_max = order;
  o.smoothing = modes[m];
  DRT_CHECK_OK(drt_eval_points(ref, scene, &o, xy, N_POINTS, expected));
  for (int p = 0; p < 2; p++) {
    DRT_CHECK_OK(drt_eval_points(contexts[p], scene, &o, xy, N_POINTS, got));
    int exempt = 0, failed = 0;
    double worst = 0;
    for (int i = 0; i < N_POINTS; i++) {
      double ratio = error_ratio(got[i], expected[i], p);
      if (ratio <= 1.0) {
        worst = fmax(worst, ratio);
        continue;
      }
      if (matches_a_neighbour(scene, &o, xy + 2 * i, got[i], p)) {
        exempt++;
        continue;
      }
      if (failed++ < 3)
        fprintf(stderr, "  mismatch at (%.17g, %.17g): kernel %.10g ref %.10g\n",
                xy[2 * i], xy[2 * i + 1], got[i], expected[i]);
    }
    printf("%-16s order %d %-12s %-6s: worst error %.2f of bound, %d near "
           "discontinuities, %d failures\n",
           name, order, mode_names[m], p ? "double" : "float", worst, exempt,
           failed);
    ck_assert_msg(failed == 0, "%s order %d %s %s: %d points out of tolerance",
                  name, order, mode_names[m], p ? "double" : "float", failed);
    ck_assert_msg(exempt <= N_POINTS / 200, "%d points near discontinuities",
                  exempt);
  }
  free(xy);
  free(expected);
  free(got);
  drt_scene_destroy(scene);
}

START_TEST(kernels_match_ref) {
  int scene = _i / 9, order = (_i / 3) % 3, mode = _i % 3;
  compare(scenes[scene], order, mode);
}
END_TEST

/* The gradient kernels (on lanes, or one lane under DRT_LANES=1) against
 * the ref's gradients, in double, on 2,000 random points per case. Both
 * apply the same derivative formulas, the ref on its own paths, so they
 * agree except where a point sits on a kink and rounding picks a side:
 * those are counted, and more than 0.5 % fails. */
START_TEST(gradient_kernels_match_ref) {
  enum { N = 2000 };
  const char *name = scenes[_i / 9];
  int order = (_i / 3) % 3, m = _i % 3;
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin(name, &scene));
  double *xy = malloc(2 * N * sizeof *xy);
  double *expected = malloc(3 * N * sizeof *expected);
  double *got = malloc(3 * N * sizeof *got);
  drt__rng rng;
  drt__rng_seed(&rng, 2000 + _i);
  for (int i = 0; i < 2 * N; i++) xy[i] = drt__rng_uniform(&rng);
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_min = o.order_max = order;
  o.smoothing = modes[m];
  o.alpha = 20;
  DRT_CHECK_OK(drt_eval_points_grad(ref, scene, &o, xy, N, expected));
  DRT_CHECK_OK(drt_eval_points_grad(contexts[1], scene, &o, xy, N, got));
  int differ = 0;
  for (int i = 0; i < N; i++) {
    double scale = fabs(expected[3 * i + 1]) + fabs(expected[3 * i + 2]);
    for (int c = 0; c < 3; c++) {
      double bound = 1e-9 * (c ? scale : fabs(expected[3 * i])) + 1e-12;
      if (fabs(got[3 * i + c] - expected[3 * i + c]) <= bound) continue;
      differ++;
      break;
    }
  }
  printf("%-16s order %d %-12s gradient: %d of %d points differ\n", name,
         order, mode_names[m], differ, N);
  ck_assert_msg(differ <= N / 200, "%d points differ", differ);
  free(xy);
  free(expected);
  free(got);
  drt_scene_destroy(scene);
}
END_TEST

/* The grid's points in the map's row-major order, from drt_grid_point. */
static double *grid_point_list(const drt_grid *grid) {
  size_t n = (size_t)grid->nx * grid->ny;
  double *xy = malloc(2 * n * sizeof *xy);
  ck_assert_ptr_nonnull(xy);
  for (int r = 0; r < grid->ny; r++)
    for (int c = 0; c < grid->nx; c++) {
      size_t i = (size_t)r * grid->nx + c;
      drt_grid_point(grid, r, c, &xy[2 * i], &xy[2 * i + 1]);
    }
  return xy;
}

START_TEST(eval_and_map_agree) {
  /* The map path (grid points generated on the host, tiled) and the eval
   * path must give the same numbers for the same points. */
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin("square-obstacle", &scene));
  drt_grid grid = {37, 23, {-0.1, 0.05, 1.1, 0.95}};
  size_t n = 37 * 23;
  double *xy = grid_point_list(&grid), *a = malloc(n * sizeof *a);
  double *b = malloc(n * sizeof *b);
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_max = 2;
  DRT_CHECK_OK(drt_map_compute(contexts[1], scene, &o, &grid, a));
  DRT_CHECK_OK(drt_eval_points(contexts[1], scene, &o, xy, n, b));
  for (size_t i = 0; i < n; i++) ck_assert_double_eq(a[i], b[i]);
  /* first and last grid points sit exactly on the box corners */
  ck_assert(xy[0] == -0.1 && xy[1] == 0.05);
  ck_assert(xy[2 * n - 2] == 1.1 && xy[2 * n - 1] == 0.95);
  free(xy);
  free(a);
  free(b);
  drt_scene_destroy(scene);
}
END_TEST

/* Power (components 1) or power and gradient (3) at n points, through
 * separate calls of at most `step` points: each call one tile. With step
 * the tile size, each call sums a tile's candidates in the same chunks,
 * and so in the same order, as the map's tile does. */
static double eval_in_calls(drt_context *ctx, const drt_scene *scene,
                            const drt_trace_options *o, const double *xy,
                            size_t n, size_t step, int components,
                            double *out) {
  double iterations = 0;
  for (size_t first = 0; first < n; first += step) {
    size_t count = n - first < step ? n - first : step;
    DRT_CHECK_OK(components == 3
                     ? drt_eval_points_grad(ctx, scene, o, xy + 2 * first,
                                            count, out + 3 * first)
                     : drt_eval_points(ctx, scene, o, xy + 2 * first, count,
                                       out + first));
    drt_eval_stats stats;
    drt_context_last_stats(ctx, &stats);
    iterations += stats.solver_iterations;
  }
  return iterations;
}

START_TEST(multi_tile_map_equals_single_tile_calls) {
  /* A map of just over three tiles, whose tiles are in flight two at a
   * time, must equal the same points evaluated one tile per call; the
   * iteration counts of every tile must be summed. */
  const size_t tile = DRT_TILE_CELLS;
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin("square-obstacle", &scene));
  drt_grid grid = {1030, 770, {0.01, 0.02, 0.99, 0.97}};
  size_t n = (size_t)grid.nx * grid.ny;
  double *xy = grid_point_list(&grid), *a = malloc(3 * n * sizeof *a);
  double *b = malloc(3 * n * sizeof *b);
  ck_assert(a && b);
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.smoothing = DRT_SMOOTHING_HARD_SIGMOID;
  DRT_CHECK_OK(drt_map_compute_grad(contexts[0], scene, &o, &grid, a));
  eval_in_calls(contexts[0], scene, &o, xy, n, tile, 3, b);
  for (size_t i = 0; i < 3 * n; i++) ck_assert_double_eq(a[i], b[i]);
  o.method = DRT_METHOD_FPT;
  DRT_CHECK_OK(drt_map_compute(contexts[0], scene, &o, &grid, a));
  drt_eval_stats stats;
  drt_context_last_stats(contexts[0], &stats);
  double iterations = eval_in_calls(contexts[0], scene, &o, xy, n, tile, 1, b);
  for (size_t i = 0; i < n; i++) ck_assert_double_eq(a[i], b[i]);
  ck_assert_double_eq(stats.solver_iterations, iterations);
  ck_assert(iterations > n);
  free(xy);
  free(a);
  free(b);
  drt_scene_destroy(scene);
}
END_TEST

/* What a progress callback saw; it cancels at report `cancel_at` (0:
 * never). */
typedef struct progress_log {
  int reports, cancel_at, monotone;
  double first, last, total;
} progress_log;

static int log_progress(void *user, double done, double total) {
  progress_log *l = user;
  if (l->reports == 0) l->first = done;
  else if (done < l->last) l->monotone = 0;
  l->last = done;
  l->total = total;
  return ++l->reports == l->cancel_at;
}

START_TEST(progress_is_reported_and_cancels) {
  /* A scene of 1,641 candidates a cell (7 chunks at order 2): with a
   * callback the tiles start small, so a 200x200 map reports several
   * times, from 0 to every cell, and gives the map computed without one.
   * The whole enumeration: culled, a cell costs so little that one tile
   * holds the map (test_culling checks culled maps give the same bits). */
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin("random:3:40", &scene));
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_max = 2;
  o.candidates = DRT_CANDIDATES_ALL;
  drt_grid grid = {200, 200, {0, 0, 1, 1}};
  size_t n = drt_grid_point_count(&grid);
  double *plain = malloc(n * sizeof *plain), *reported = malloc(n * sizeof *reported);
  ck_assert(plain && reported);
  drt_context *ctx = contexts[0];
  DRT_CHECK_OK(drt_map_compute(ctx, scene, &o, &grid, plain));
  progress_log log = {.monotone = 1};
  drt_context_set_progress(ctx, log_progress, &log);
  DRT_CHECK_OK(drt_map_compute(ctx, scene, &o, &grid, reported));
  ck_assert_int_ge(log.reports, 4);
  ck_assert(log.monotone);
  ck_assert_double_eq(log.first, 0);
  ck_assert_double_eq(log.last, (double)n);
  ck_assert_double_eq(log.total, (double)n);
  /* Other tiles, the same chunks of candidates: the same bits; and the
   * same again for the points evaluated 37 at a time. */
  for (size_t i = 0; i < n; i++) ck_assert_double_eq(reported[i], plain[i]);
  drt_context_set_progress(ctx, NULL, NULL);
  double *xy = grid_point_list(&grid);
  eval_in_calls(ctx, scene, &o, xy, n, 37, 1, reported);
  for (size_t i = 0; i < n; i++) ck_assert_double_eq(reported[i], plain[i]);
  free(xy);
  drt_context_set_progress(ctx, log_progress, &log);
  /* Cancelled at its second report; the context works on. */
  log = (progress_log){.monotone = 1, .cancel_at = 2};
  ck_assert_int_eq(drt_map_compute(ctx, scene, &o, &grid, reported),
                   DRT_ECANCELED);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), "cancelled"));
  ck_assert_int_eq(log.reports, 2);
  /* A descent reports through on_step only; the callback is kept. */
  log = (progress_log){.monotone = 1};
  drt_scene *room;
  DRT_CHECK_OK(drt_scene_builtin("square-obstacle", &room));
  drt_optimize_options oo;
  drt_optimize_options_init(&oo);
  oo.steps = 3;
  drt_optimize_result result;
  drt_trace_options_init(&o);
  DRT_CHECK_OK(drt_optimize_run(ctx, room, &o, &oo, NULL, &result));
  ck_assert_int_eq(log.reports, 0);
  /* A transmitter map of two receivers reports as one map of both. */
  DRT_CHECK_OK(drt_scene_add_rx(room, NULL, 0.8, 0.3));
  drt_grid small = {20, 10, {0, 0, 1, 1}};
  DRT_CHECK_OK(drt_map_objective(ctx, room, &o, DRT_OBJECTIVE_MIN, 1e-3,
                                 &small, reported));
  ck_assert(log.monotone);
  ck_assert_double_eq(log.last, 200.0 * drt_scene_rx_count(room));
  ck_assert_double_eq(log.total, 200.0 * drt_scene_rx_count(room));
  drt_context_set_progress(ctx, NULL, NULL);
  drt_scene_destroy(room);
  drt_scene_destroy(scene);
  free(plain);
  free(reported);
}
END_TEST

START_TEST(a_keyed_share_of_a_map_equals_the_map) {
  /* MPT's random starts are drawn by the cell: cells 400..899 evaluated
   * apart, keyed from 400, are those cells of the map; keyed from 0 they
   * are not (some start elsewhere). */
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin("square-obstacle", &scene));
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.method = DRT_METHOD_MPT;
  o.seed = 5;
  drt_grid grid = {30, 30, {0.02, 0.03, 0.97, 0.98}};
  size_t n = drt_grid_point_count(&grid), first = 400, count = 500;
  double *map = malloc(n * sizeof *map), *share = malloc(count * sizeof *share);
  double *xy = grid_point_list(&grid);
  ck_assert(map && share && xy);
  DRT_CHECK_OK(drt_map_compute(contexts[1], scene, &o, &grid, map));
  o.first_key = first;
  DRT_CHECK_OK(drt_eval_points(contexts[1], scene, &o, xy + 2 * first, count,
                               share));
  for (size_t i = 0; i < count; i++) ck_assert_double_eq(share[i], map[first + i]);
  o.first_key = 0;
  DRT_CHECK_OK(drt_eval_points(contexts[1], scene, &o, xy + 2 * first, count,
                               share));
  size_t differ = 0;
  for (size_t i = 0; i < count; i++) differ += share[i] != map[first + i];
  ck_assert_uint_gt(differ, 0);
  free(map);
  free(share);
  free(xy);
  drt_scene_destroy(scene);
}
END_TEST

START_TEST(transmitter_map_is_reciprocal) {
  /* Paths are reversible: the power at rx from tx equals, in a transmitter
   * map, the power at tx from rx. */
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin("basic", &scene));
  double xy[2] = {0.7, 0.3}, forward, backward;
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_max = 2;
  o.smoothing = DRT_SMOOTHING_SIGMOID;
  DRT_CHECK_OK(drt_eval_points(contexts[1], scene, &o, xy, 1, &forward));
  drt_scene_clear_tx(scene);
  drt_scene_clear_rx(scene);
  DRT_CHECK_OK(drt_scene_add_rx(scene, NULL, 0.1, 0.1));
  o.vary = DRT_VARY_TX;
  DRT_CHECK_OK(drt_eval_points(contexts[1], scene, &o, xy, 1, &backward));
  ck_assert_double_eq_tol(forward, backward, 1e-12 * forward);
  ck_assert(forward > 0);
  drt_scene_destroy(scene);
}
END_TEST

/* Copies one kernel source file, scaling every path's power by 1.01 in
 * drt_power.h; returns whether it was that file. */
static int copy_kernel_file(const char *from, const char *to,
                            const char *name) {
  char text[65536];
  FILE *in = fopen(from, "r");
  ck_assert_msg(in != NULL, "%s", from);
  size_t n = fread(text, 1, sizeof text - 1, in);
  ck_assert_msg(n < sizeof text - 1, "%s is too long for the test", from);
  fclose(in);
  text[n] = '\0';
  FILE *out = fopen(to, "w");
  ck_assert_ptr_nonnull(out);
  const char *mark = "out.v = v.v * w.v;";
  char *at = strstr(text, mark);
  int mutated = strcmp(name, "drt_power.h") == 0;
  if (mutated) {
    ck_assert_ptr_nonnull(at);
    fwrite(text, 1, (size_t)(at - text), out);
    fputs("out.v = v.v * w.v * (real)1.01;", out);
    fputs(at + strlen(mark), out);
  } else {
    fputs(text, out);
  }
  fclose(out);
  return mutated;
}

/* Copies the kernel sources of folder `from` (and its subfolders) into
 * `to`; returns how many copies were mutated. */
static int copy_kernel_tree(const char *from, const char *to) {
  DIR *listing = opendir(from);
  ck_assert_msg(listing != NULL, "%s", from);
  int mutated = 0;
  struct dirent *entry;
  while ((entry = readdir(listing))) {
    const char *name = entry->d_name;
    if (name[0] == '.') continue;
    char src[4096], dst[4096];
    snprintf(src, sizeof src, "%s/%s", from, name);
    snprintf(dst, sizeof dst, "%s/%s", to, name);
    struct stat st;
    ck_assert_int_eq(stat(src, &st), 0);
    size_t len = strlen(name);
    if (S_ISDIR(st.st_mode)) {
      ck_assert_int_eq(mkdir(dst, 0700), 0);
      mutated += copy_kernel_tree(src, dst);
    } else if ((len > 2 && strcmp(name + len - 2, ".h") == 0) ||
               (len > 3 && strcmp(name + len - 3, ".cl") == 0)) {
      mutated += copy_kernel_file(src, dst, name);
    }
  }
  closedir(listing);
  return mutated;
}

/* Copies every kernel source (DRT_TEST_KERNELS) into dir, scaling every
 * path's power by 1.01 in the copy of drt_power.h. */
static void write_broken_kernels(const char *dir) {
  const char *source = getenv("DRT_TEST_KERNELS");
  ck_assert_ptr_nonnull(source);
  ck_assert_msg(copy_kernel_tree(source, dir) == 1,
                "drt_power.h not found once in %s", source);
}

/* A context whose kernels compute wrong powers fails its known-answer
 * test when it is created, naming the device and the numbers. */
START_TEST(broken_kernels_fail_the_self_test) {
  char dir[] = "/tmp/drt2d-kernels-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  write_broken_kernels(dir);
  setenv("DRT_KERNEL_DIR", dir, 1);
  drt_context_options o;
  drt_context_options_init(&o);
  drt_context *ctx = NULL;
  drt_status status = drt_context_create(&o, &ctx);
  unsetenv("DRT_KERNEL_DIR");
  char command[128];
  snprintf(command, sizeof command, "rm -rf %s", dir);
  ck_assert_int_eq(system(command), 0);
  ck_assert_int_eq(status, DRT_ECL);
  ck_assert_ptr_null(ctx);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), "self-test"));
}
END_TEST

static Suite *kernels_suite(void) {
  Suite *s = suite_create("kernels");
  TCase *tc = tcase_create("vs ref");
  tcase_set_timeout(tc, 600);
  tcase_add_unchecked_fixture(tc, open_contexts, close_contexts);
  tcase_add_loop_test(tc, kernels_match_ref, 0, 4 * 3 * 3);
  tcase_add_loop_test(tc, gradient_kernels_match_ref, 0, 4 * 3 * 3);
  tcase_add_test(tc, eval_and_map_agree);
  tcase_add_test(tc, multi_tile_map_equals_single_tile_calls);
  tcase_add_test(tc, transmitter_map_is_reciprocal);
  tcase_add_test(tc, progress_is_reported_and_cancels);
  tcase_add_test(tc, a_keyed_share_of_a_map_equals_the_map);
  tcase_add_test(tc, broken_kernels_fail_the_self_test);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return drt_test_run(kernels_suite()); }
