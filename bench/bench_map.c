/* bench_map.c — map throughput: (cell x candidate) evaluations per second of
 * a power map, on each device, median of several timed runs after a warm-up. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "drt2d.h"

typedef struct bench_config {
  const char *scene;
  int grid;
  int runs;
  int order_min, order_max;
  drt_smoothing smoothing;
  const char *methods; /* comma-separated: im,fpt,mpt */
  const char *devices; /* comma-separated: ref,float,double */
  const char *json;    /* also write the rows here, or NULL */
} bench_config;

typedef struct bench_result {
  double seconds;      /* median, value only */
  double grad_seconds; /* median, value and gradient */
  double iterations;   /* solver iterations per path */
} bench_result;

typedef struct device_row {
  const char *name; /* as --devices lists it */
  const char *label;
  drt_device_kind device;
  drt_precision precision;
} device_row;

/* Median seconds of cfg->runs timed maps (after one untimed warm-up, which
 * also absorbs the kernel compiler's first-launch work); seconds < 0 on
 * failure. */
static bench_result time_map(const bench_config *cfg, const device_row *row,
                             drt_method method, const drt_scene *scene) {
  bench_result result = {-1, -1, 0};
  drt_context_options co;
  drt_context_options_init(&co);
  co.device = row->device;
  co.precision = row->precision;
  drt_context *ctx;
  if (drt_context_create(&co, &ctx)) {
    fprintf(stderr, "%s: %s\n", row->label, drt_last_error());
    return result;
  }
  drt_trace_options o;
  drt_trace_options_init(&o);
  o.order_min = cfg->order_min;
  o.order_max = cfg->order_max;
  o.smoothing = cfg->smoothing;
  o.method = method;
  double box[4];
  drt_scene_bbox(scene, box);
  drt_grid grid = {cfg->grid, cfg->grid, {box[0], box[1], box[2], box[3]}};
  double *values = malloc(3 * (size_t)cfg->grid * cfg->grid * sizeof *values);
  double *times = malloc((size_t)cfg->runs * sizeof *times);
  int ok = values && times;
  for (int gradient = 0; gradient < 2 && ok; gradient++) {
    /* warm-up, then the timed runs */
    for (int r = -1; ok && r < cfg->runs; r++) {
      double start = drt_bench_now();
      ok = !(gradient ? drt_map_compute_grad(ctx, scene, &o, &grid, values)
                      : drt_map_compute(ctx, scene, &o, &grid, values));
      if (r >= 0) times[r] = drt_bench_now() - start;
    }
    if (!ok) break;
    *(gradient ? &result.grad_seconds : &result.seconds) =
        drt_bench_median(times, cfg->runs);
  }
  if (ok) {
    if (row->device != DRT_DEVICE_REF)
      fprintf(stderr, "%s: %s\n", row->label, drt_context_device_name(ctx));
    drt_eval_stats stats;
    drt_context_last_stats(ctx, &stats);
    result.iterations = stats.solver_iterations / stats.paths;
  } else {
    fprintf(stderr, "%s: %s\n", row->label, drt_last_error());
  }
  free(values);
  free(times);
  drt_context_destroy(ctx);
  return result;
}

static int parse_args(int argc, char **argv, bench_config *cfg) {
  static const struct option opts[] = {{"scene", required_argument, 0, 's'},
                                       {"grid", required_argument, 0, 'g'},
                                       {"runs", required_argument, 0, 'r'},
                                       {"order", required_argument, 0, 'o'},
                                       {"smoothing", required_argument, 0, 'm'},
                                       {"methods", required_argument, 0, 'M'},
                                       {"devices", required_argument, 0, 'd'},
                                       {"json", required_argument, 0, 'j'},
                                       {0, 0, 0, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 's') cfg->scene = optarg;
    else if (c == 'g') cfg->grid = atoi(optarg);
    else if (c == 'r') cfg->runs = atoi(optarg);
    else if (c == 'o') {
      if (sscanf(optarg, "%d:%d", &cfg->order_min, &cfg->order_max) == 1)
        cfg->order_max = cfg->order_min;
    } else if (c == 'm') cfg->smoothing = (drt_smoothing)atoi(optarg);
    else if (c == 'M') cfg->methods = optarg;
    else if (c == 'd') cfg->devices = optarg;
    else if (c == 'j') cfg->json = optarg;
    else return -1;
  }
  if (cfg->grid < 1 || cfg->runs < 1 || cfg->order_min < 0 ||
      cfg->order_max < cfg->order_min) {
    fprintf(stderr, "bench_map: bad --grid, --runs or --order\n");
    return -1;
  }
  return 0;
}

/* Is `name` in the comma-separated list? */
static int listed(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
    if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0')) return 1;
  return 0;
}

/* One result as a JSON object (a member of the --json array). */
static void write_json_row(FILE *f, int first, const char *method,
                           const char *device, double evaluations,
                           const bench_result *r) {
  fprintf(f, "%s  {\"method\": \"%s\", \"device\": \"%s\", \"median_s\": "
          "%.6g, \"evaluations_per_s\": %.6g, \"grad_median_s\": %.6g, "
          "\"iterations_per_path\": %.4g, \"peak_rss_mib\": %.1f}",
          first ? "" : ",\n", method, device, r->seconds,
          evaluations / r->seconds, r->grad_seconds, r->iterations,
          drt_bench_peak_rss_mib());
}

/* Closes the JSON array in its temporary file and renames it into place. */
static int finish_json(FILE *f, const char *tmp, const char *path) {
  fprintf(f, "\n]\n");
  int failed = ferror(f) != 0;
  failed |= fclose(f) != 0;
  if (failed || rename(tmp, path)) {
    remove(tmp);
    fprintf(stderr, "bench_map: cannot write %s\n", path);
    return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  bench_config cfg = {"square-obstacle", 600, 5, 0, 1, DRT_SMOOTHING_NONE,
                      "im", "ref,float,double", NULL};
  if (parse_args(argc, argv, &cfg)) {
    fprintf(stderr, "usage: bench_map [--scene S] [--grid N] [--runs R] "
            "[--order KMIN:KMAX] [--smoothing 0|1|2] [--methods im,fpt,mpt] "
            "[--devices ref,float,double] [--json FILE]\n");
    return 2;
  }
  drt_scene *scene;
  if (drt_scene_builtin(cfg.scene, &scene)) {
    fprintf(stderr, "bench_map: %s\n", drt_last_error());
    return 1;
  }
  double candidates = 0;
  for (int k = cfg.order_min; k <= cfg.order_max; k++)
    candidates += (double)drt_candidate_count(drt_scene_object_count(scene), k);
  double evaluations = candidates * cfg.grid * (double)cfg.grid;
  const device_row rows[] = {
      {"ref", "ref (serial C, double)", DRT_DEVICE_REF, DRT_PRECISION_DOUBLE},
      {"float", "OpenCL auto, float", DRT_DEVICE_AUTO, DRT_PRECISION_FLOAT},
      {"double", "OpenCL auto, double", DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE},
  };
  static const char *method_names[] = {"im", "fpt", "mpt"};
  char json_tmp[4096] = "";
  FILE *json = NULL;
  if (cfg.json) {
    snprintf(json_tmp, sizeof json_tmp, "%s.tmp", cfg.json);
    json = fopen(json_tmp, "w");
    if (!json) {
      fprintf(stderr, "bench_map: cannot write %s\n", cfg.json);
      drt_scene_destroy(scene);
      return 1;
    }
    fprintf(json, "[\n");
  }
  int first_row = 1;
  printf("map %dx%d of %s, orders %d:%d, smoothing %d: %.0f candidates, "
         "%.3g evaluations per map; median of %d runs\n\n",
         cfg.grid, cfg.grid, cfg.scene, cfg.order_min, cfg.order_max,
         (int)cfg.smoothing, candidates, evaluations, cfg.runs);
  printf("| %-6s | %-24s | %10s | %14s | %8s | %10s | %10s | %13s |\n",
         "method", "device", "median s", "evaluations/s", "vs ref",
         "+grad s", "grad/value", "peak RSS MiB");
  printf("|--------|--------------------------|------------|----------------|"
         "----------|------------|------------|---------------|\n");
  for (int m = 0; m < 3; m++) {
    if (!listed(cfg.methods, method_names[m])) continue;
    double ref_time = -1;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
      if (!listed(cfg.devices, rows[i].name)) continue;
      bench_result r = time_map(&cfg, &rows[i], (drt_method)m, scene);
      if (r.seconds < 0) continue;
      if (i == 0) ref_time = r.seconds;
      char vs_ref[16] = "-";
      if (ref_time > 0)
        snprintf(vs_ref, sizeof vs_ref, "%.2fx", ref_time / r.seconds);
      printf("| %-6s | %-24s | %10.4f | %14.4g | %8s | %10.4f | %9.2fx | "
             "%13.1f |\n",
             method_names[m], rows[i].label, r.seconds, evaluations / r.seconds,
             vs_ref, r.grad_seconds, r.grad_seconds / r.seconds,
             drt_bench_peak_rss_mib());
      if (m != 0)
        printf("|        |   (solver iterations per path: %.2f)\n", r.iterations);
      fflush(stdout);
      if (json)
        write_json_row(json, first_row, method_names[m], rows[i].label,
                       evaluations, &r);
      first_row = 0;
    }
  }
  drt_scene_destroy(scene);
  return json && finish_json(json, json_tmp, cfg.json) ? 1 : 0;
}
