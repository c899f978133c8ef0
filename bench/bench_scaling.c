/* bench_scaling.c — how map time grows with grid size, path order and wall
 * count; markdown tables, optionally the same rows as JSON. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "drt2d.h"

#define MAX_ROWS 64
#define GROWTH_GRID 200
#define GROWTH_MAX_ORDER 3
#define MAX_CANDIDATES 2e6
#define BIG_GRID 1200 /* sizes above this get at most BIG_GRID_RUNS runs */
#define BIG_GRID_RUNS 3

static const int grid_sizes[] = {100, 300, 600, 1200, 2400, 4096};
static const int wall_counts[] = {4, 8, 16, 32, 64, 128, 256};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
_Static_assert(COUNT(grid_sizes) + (GROWTH_MAX_ORDER + 1) * COUNT(wall_counts)
                   <= MAX_ROWS,
               "MAX_ROWS holds every row of both sweeps");

typedef struct bench_config {
  int grid_sweep, growth_sweep;
  drt_device_kind device;
  drt_precision precision;
  int runs;
  double max_seconds; /* skip a row whose estimated run exceeds this */
  const char *json;
} bench_config;

/* One table row; seconds < 0 when the row was skipped (note says why). */
typedef struct bench_row {
  const char *sweep; /* "grid" or "growth" */
  char scene[32];
  int grid, order_min, order_max, walls, runs;
  double candidates, evaluations, seconds, rss_mib;
  char note[96];
} bench_row;

typedef struct bench_state {
  const bench_config *cfg;
  drt_context *ctx;
  bench_row rows[MAX_ROWS];
  int n_rows;
  double wall_rate; /* (evaluation x wall)/s of the last measured row */
} bench_state;

/* Fills row->candidates from the scene and the row's orders. */
static void count_candidates(const drt_scene *scene,
                             const drt_trace_options *o, bench_row *row) {
  size_t objects = drt_scene_candidate_objects(scene, o);
  row->walls = (int)drt_scene_object_count(scene);
  row->candidates = 0;
  for (int k = o->order_min; k <= o->order_max; k++)
    row->candidates += (double)drt_candidate_count(objects, k);
}

/* Why the row should not run (estimated from the last measured rate), or
 * NULL. */
static const char *skip_reason(const bench_state *st, const bench_row *row,
                               double cells, char *buf, size_t size) {
  if (row->candidates > MAX_CANDIDATES) {
    snprintf(buf, size, "skipped: %.3g candidates > %.0e", row->candidates,
             MAX_CANDIDATES);
    return buf;
  }
  double estimate = st->wall_rate > 0
                        ? row->candidates * cells * row->walls / st->wall_rate
                        : 0;
  if (estimate > st->cfg->max_seconds) {
    snprintf(buf, size, "skipped: estimated %.3g s a run > %g s", estimate,
             st->cfg->max_seconds);
    return buf;
  }
  return NULL;
}

/* One untimed warm-up (absorbing first-launch kernel compilation), then
 * row->runs timed maps; row->seconds = their median. A warm-up far over the
 * limit stands in as the only run. Returns nonzero on failure. */
static int time_row(bench_state *st, const drt_scene *scene,
                    const drt_trace_options *o, const drt_grid *g,
                    bench_row *row) {
  double *values = malloc((size_t)g->nx * g->ny * sizeof *values);
  double *times = malloc((size_t)row->runs * sizeof *times);
  int failed = !values || !times;
  if (failed) fprintf(stderr, "bench_scaling: out of memory\n");
  double start = drt_bench_now();
  failed = failed || drt_map_compute(st->ctx, scene, o, g, values);
  double warm = drt_bench_now() - start;
  if (!failed && warm > 2 * st->cfg->max_seconds) {
    row->runs = 1;
    times[0] = warm;
    snprintf(row->note, sizeof row->note, "warm-up only (%.3g s)", warm);
  }
  for (int r = 0; !failed && r < row->runs && !row->note[0]; r++) {
    start = drt_bench_now();
    failed = drt_map_compute(st->ctx, scene, o, g, values) != DRT_OK;
    times[r] = drt_bench_now() - start;
  }
  if (!failed) {
    drt_eval_stats stats;
    drt_context_last_stats(st->ctx, &stats);
    row->seconds = drt_bench_median(times, row->runs);
    row->evaluations = stats.paths;
    st->wall_rate = stats.paths * row->walls / row->seconds;
  }
  free(values);
  free(times);
  return failed;
}

/* Builds, estimates, times (or skips) and records one row. Returns nonzero
 * on a library failure. */
static int run_row(bench_state *st, const char *sweep, const char *scene_name,
                   int grid_size, int order_min, int order_max, int runs) {
  bench_row *row = &st->rows[st->n_rows];
  *row = (bench_row){sweep, "", grid_size, order_min, order_max, 0, runs,
                     0, 0, -1, 0, ""};
  snprintf(row->scene, sizeof row->scene, "%s", scene_name);
  drt_scene *scene;
  if (drt_scene_builtin(scene_name, &scene)) return 1;
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_min = order_min;
  o.order_max = order_max;
  count_candidates(scene, &o, row);
  double box[4];
  drt_scene_bbox(scene, box);
  drt_grid g = {grid_size, grid_size, {box[0], box[1], box[2], box[3]}};
  double cells = (double)grid_size * grid_size;
  row->evaluations = row->candidates * cells;
  int failed = 0;
  if (!skip_reason(st, row, cells, row->note, sizeof row->note))
    failed = time_row(st, scene, &o, &g, row);
  row->rss_mib = drt_bench_peak_rss_mib();
  drt_scene_destroy(scene);
  st->n_rows += !failed;
  return failed;
}

static void print_cell_time(const bench_row *r) {
  if (r->seconds < 0)
    printf(" %4s | %10s | %14s |", "-", "-", "-");
  else
    printf(" %4d | %10.4g | %14.4g |", r->runs, r->seconds,
           r->evaluations / r->seconds);
}

static int grid_sweep(bench_state *st) {
  printf("\n### Grid sweep: square-obstacle, orders 0:1, image method\n\n");
  printf("--runs %d for grids up to %d, at most %d above\n\n", st->cfg->runs,
         BIG_GRID, BIG_GRID_RUNS);
  printf("| grid | candidates | runs | median s | evaluations/s | "
         "peak RSS MiB | note |\n");
  printf("|---|---|---|---|---|---|---|\n");
  for (size_t i = 0; i < COUNT(grid_sizes); i++) {
    int runs = st->cfg->runs;
    if (grid_sizes[i] > BIG_GRID && runs > BIG_GRID_RUNS) runs = BIG_GRID_RUNS;
    if (run_row(st, "grid", "square-obstacle", grid_sizes[i], 0, 1, runs))
      return 1;
    const bench_row *r = &st->rows[st->n_rows - 1];
    printf("| %dx%d | %.0f |", r->grid, r->grid, r->candidates);
    print_cell_time(r);
    printf(" %.1f | %s |\n", r->rss_mib, r->note);
    fflush(stdout);
  }
  return 0;
}

/* Least-squares slope of log(y) against log(x) over n points; NAN if n < 2. */
static double log_slope(const double *x, const double *y, int n) {
  if (n < 2) return NAN;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int i = 0; i < n; i++) {
    double lx = log(x[i]), ly = log(y[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/* Collects the measured growth rows of one order: walls, seconds and
 * candidates. Returns how many. */
static int growth_points(const bench_state *st, int order, double *walls,
                         double *seconds, double *candidates) {
  int n = 0;
  for (int i = 0; i < st->n_rows; i++) {
    const bench_row *r = &st->rows[i];
    if (strcmp(r->sweep, "growth") || r->order_min != order || r->seconds < 0)
      continue;
    walls[n] = r->walls, seconds[n] = r->seconds;
    candidates[n++] = r->candidates;
  }
  return n;
}

/* One line comparing the fitted time exponent (over all rows, and over the
 * last two) with the expected one and with the candidate count's, k. */
static const char *fit_comment(int k, double fit, double tail, char *buf,
                               size_t size) {
  double expected = k == 0 ? 1 : k + 1;
  if (isnan(fit))
    snprintf(buf, size, "fewer than two measured rows: no fit");
  else if (fabs(fit - expected) <= 0.3)
    snprintf(buf, size, "close to the expected N^%.0f", expected);
  else if (fit > expected)
    snprintf(buf, size, "above the expected N^%.0f: per-candidate cost "
             "grows faster than the obstruction test alone", expected);
  else if (fabs(tail - expected) <= 0.3)
    snprintf(buf, size, "below N^%.0f over the whole range but N^%.2f at the "
             "top end: fixed launch and per-cell costs weigh at small N",
             expected, tail);
  else if (k >= 1)
    snprintf(buf, size, "between the candidate count's N^%d and N^%.0f: the "
             "cost per candidate grows about N^%.2f (N^%.2f at the top end), "
             "likely because the N-wall obstruction test is skipped when no "
             "lane's path lies on its walls", k, expected, fit - k, tail - k);
  else
    snprintf(buf, size, "below the expected N^%.0f: fixed launch and "
             "per-cell costs dominate these short maps", expected);
  return buf;
}

static void print_fits(const bench_state *st) {
  printf("\n### Growth exponents (least squares of log time on log N)\n\n");
  printf("| order | rows fitted | N range | time exponent | last two rows | "
         "candidate exponent (fit) | expected time exponent | comment |\n");
  printf("|---|---|---|---|---|---|---|---|\n");
  for (int k = 0; k <= GROWTH_MAX_ORDER; k++) {
    double walls[COUNT(wall_counts)], secs[COUNT(wall_counts)];
    double cands[COUNT(wall_counts)];
    int n = growth_points(st, k, walls, secs, cands);
    double fit = log_slope(walls, secs, n);
    double tail = n >= 2 ? log_slope(walls + n - 2, secs + n - 2, 2) : NAN;
    char comment[256];
    printf("| %d | %d | %.0f-%.0f | %.2f | %.2f | %d (%.2f) | %d | %s |\n", k,
           n, n ? walls[0] : 0, n ? walls[n - 1] : 0, fit, tail, k,
           log_slope(walls, cands, n), k == 0 ? 1 : k + 1,
           fit_comment(k, fit, tail, comment, sizeof comment));
  }
}

static int growth_sweep(bench_state *st) {
  printf("\n### Growth sweep: random:1:N, %dx%d grid, image method, "
         "--runs %d\n\n", GROWTH_GRID, GROWTH_GRID, st->cfg->runs);
  printf("| order | walls N | candidates | runs | median s | evaluations/s | "
         "peak RSS MiB | note |\n");
  printf("|---|---|---|---|---|---|---|---|\n");
  for (int k = 0; k <= GROWTH_MAX_ORDER; k++) {
    for (size_t i = 0; i < COUNT(wall_counts); i++) {
      char name[32];
      snprintf(name, sizeof name, "random:1:%d", wall_counts[i]);
      if (run_row(st, "growth", name, GROWTH_GRID, k, k, st->cfg->runs))
        return 1;
      const bench_row *r = &st->rows[st->n_rows - 1];
      printf("| %d | %d | %.0f |", k, r->walls, r->candidates);
      print_cell_time(r);
      printf(" %.1f | %s |\n", r->rss_mib, r->note);
      fflush(stdout);
    }
  }
  print_fits(st);
  return 0;
}

static void write_json_row(FILE *f, const bench_row *r, int last) {
  fprintf(f, "  {\"sweep\": \"%s\", \"scene\": \"%s\", \"grid\": %d, "
          "\"order_min\": %d, \"order_max\": %d, \"walls\": %d, "
          "\"candidates\": %.0f, \"evaluations\": %.0f, ",
          r->sweep, r->scene, r->grid, r->order_min, r->order_max, r->walls,
          r->candidates, r->evaluations);
  if (r->seconds < 0)
    fprintf(f, "\"runs\": 0, \"median_s\": null, \"evaluations_per_s\": null, ");
  else
    fprintf(f, "\"runs\": %d, \"median_s\": %.6g, \"evaluations_per_s\": %.6g, ",
            r->runs, r->seconds, r->evaluations / r->seconds);
  fprintf(f, "\"peak_rss_mib\": %.1f, \"note\": \"%s\"}%s\n", r->rss_mib,
          r->note, last ? "" : ",");
}

/* Writes every row as a JSON array to path, through path.tmp + rename. */
static int write_json(const bench_state *st, const char *path) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *f = fopen(tmp, "w");
  if (!f) return 1;
  fprintf(f, "[\n");
  for (int i = 0; i < st->n_rows; i++)
    write_json_row(f, &st->rows[i], i == st->n_rows - 1);
  fprintf(f, "]\n");
  int failed = ferror(f) != 0;
  failed |= fclose(f) != 0;
  if (failed || rename(tmp, path)) {
    remove(tmp);
    return 1;
  }
  return 0;
}

/* Parses a positive number into *out; complains naming the option. */
static int parse_positive(const char *option, const char *text, double *out) {
  char *end;
  *out = strtod(text, &end);
  if (end == text || *end || !(*out > 0)) {
    fprintf(stderr, "bench_scaling: %s must be a positive number, got "
            "\"%s\"\n", option, text);
    return -1;
  }
  return 0;
}

/* Parses --runs: an integer from 1 to 1000. */
static int parse_runs(const char *text, int *out) {
  char *end;
  long n = strtol(text, &end, 10);
  if (end == text || *end || n < 1 || n > 1000) {
    fprintf(stderr, "bench_scaling: --runs must be an integer from 1 to "
            "1000, got \"%s\"\n", text);
    return -1;
  }
  *out = (int)n;
  return 0;
}

/* Matches text against choices[0..n); sets *index or complains. */
static int parse_choice(const char *option, const char *text,
                        const char *const *choices, int n, int *index) {
  for (int i = 0; i < n; i++)
    if (strcmp(text, choices[i]) == 0) return *index = i, 0;
  fprintf(stderr, "bench_scaling: %s must be one of", option);
  for (int i = 0; i < n; i++) fprintf(stderr, " %s", choices[i]);
  fprintf(stderr, ", got \"%s\"\n", text);
  return -1;
}

/* Applies one option (getopt code c, argument arg) to cfg. */
static int apply_option(int c, const char *arg, bench_config *cfg) {
  static const char *const sweeps[] = {"grid", "growth", "all"};
  static const char *const devices[] = {"auto", "ref"};
  static const char *const precisions[] = {"float", "double"};
  int i;
  switch (c) {
  case 's':
    if (parse_choice("--sweep", arg, sweeps, 3, &i)) return -1;
    cfg->grid_sweep = i != 1, cfg->growth_sweep = i != 0;
    return 0;
  case 'd':
    if (parse_choice("--device", arg, devices, 2, &i)) return -1;
    cfg->device = i ? DRT_DEVICE_REF : DRT_DEVICE_AUTO;
    return 0;
  case 'p':
    if (parse_choice("--precision", arg, precisions, 2, &i)) return -1;
    cfg->precision = (drt_precision)i;
    return 0;
  case 'r':
    return parse_runs(arg, &cfg->runs);
  case 'm': return parse_positive("--max-seconds", arg, &cfg->max_seconds);
  case 'j': cfg->json = arg; return 0;
  default: return -1;
  }
}

static int parse_args(int argc, char **argv, bench_config *cfg) {
  static const struct option opts[] = {
      {"sweep", required_argument, 0, 's'},
      {"device", required_argument, 0, 'd'},
      {"precision", required_argument, 0, 'p'},
      {"runs", required_argument, 0, 'r'},
      {"max-seconds", required_argument, 0, 'm'},
      {"json", required_argument, 0, 'j'},
      {0, 0, 0, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1)
    if (apply_option(c, optarg, cfg)) return -1;
  if (optind < argc) {
    fprintf(stderr, "bench_scaling: unexpected argument \"%s\"\n", argv[optind]);
    return -1;
  }
  if (cfg->device == DRT_DEVICE_REF) cfg->precision = DRT_PRECISION_DOUBLE;
  return 0;
}

static int run_sweeps(bench_state *st) {
  if (st->cfg->grid_sweep && grid_sweep(st)) return 1;
  st->wall_rate = 0; /* a different grid: re-estimate from the sweep's own rows */
  if (st->cfg->growth_sweep && growth_sweep(st)) return 1;
  if (st->cfg->json && write_json(st, st->cfg->json)) {
    fprintf(stderr, "bench_scaling: cannot write %s\n", st->cfg->json);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  bench_config cfg = {1, 1, DRT_DEVICE_AUTO, DRT_PRECISION_FLOAT, 5, 20, NULL};
  if (parse_args(argc, argv, &cfg)) {
    fprintf(stderr, "usage: bench_scaling [--sweep grid|growth|all] "
            "[--device auto|ref] [--precision float|double] [--runs N] "
            "[--max-seconds S] [--json FILE]\n");
    return 2;
  }
  static bench_state st;
  st.cfg = &cfg;
  drt_context_options co;
  drt_context_options_init(&co);
  co.device = cfg.device;
  co.precision = cfg.precision;
  if (drt_context_create(&co, &st.ctx)) {
    fprintf(stderr, "bench_scaling: %s\n", drt_last_error());
    return 1;
  }
  printf("## bench_scaling on %s, %s; median of timed runs after one "
         "warm-up; rows estimated over %g s a run are skipped; peak RSS is "
         "the process's so far\n", drt_context_device_name(st.ctx),
         cfg.precision ? "double" : "float", cfg.max_seconds);
  int failed = run_sweeps(&st);
  if (failed && drt_last_error()[0])
    fprintf(stderr, "bench_scaling: %s\n", drt_last_error());
  drt_context_destroy(st.ctx);
  return failed;
}
