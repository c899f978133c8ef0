/* bench_radio.c — what the radio model costs: the same map (scene, grid,
 * orders, method, every candidate) in the paper's model and in the radio
 * model's coherent and incoherent sums, values and gradients, on one
 * device. The models are timed in turn within each round, so drift of
 * the machine falls on all alike; medians of the rounds and their ratios
 * to the paper's model. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "drt2d.h"

enum { N_MODELS = 3, MAX_RUNS = 64 };

typedef struct radio_config {
  const char *scene;
  int grid, runs, order_min, order_max;
  drt_method method;
  drt_precision precision;
  int has_tx;
  double tx[2]; /* --tx: replaces the scene's transmitters */
} radio_config;

static const char *const model_names[N_MODELS] = {
    "paper", "radio coherent", "radio incoherent"};

static void model_options(const radio_config *cfg, int model,
                          drt_trace_options *o) {
  drt_trace_options_init(o);
  o->order_min = cfg->order_min;
  o->order_max = cfg->order_max;
  o->method = cfg->method;
  /* Culling is the paper model's only: compare the models' per-path
   * cost on the same enumeration. */
  o->candidates = DRT_CANDIDATES_ALL;
  o->model = model == 0 ? DRT_MODEL_PAPER : DRT_MODEL_RADIO;
  o->sum = model == 2 ? DRT_SUM_INCOHERENT : DRT_SUM_COHERENT;
}

/* Seconds of one map, or < 0 after saying why. */
static double time_one(drt_context *ctx, const drt_scene *scene,
                       const drt_trace_options *o, const drt_grid *grid,
                       int gradient, double *values) {
  double start = drt_bench_now();
  drt_status status = gradient ? drt_map_compute_grad(ctx, scene, o, grid, values)
                               : drt_map_compute(ctx, scene, o, grid, values);
  if (status) {
    fprintf(stderr, "bench_radio: %s\n", drt_last_error());
    return -1;
  }
  return drt_bench_now() - start;
}

static int parse_args(int argc, char **argv, radio_config *cfg) {
  static const struct option opts[] = {{"scene", required_argument, 0, 's'},
                                       {"grid", required_argument, 0, 'g'},
                                       {"runs", required_argument, 0, 'r'},
                                       {"order", required_argument, 0, 'o'},
                                       {"method", required_argument, 0, 'm'},
                                       {"precision", required_argument, 0, 'p'},
                                       {"tx", required_argument, 0, 't'},
                                       {0, 0, 0, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 's') cfg->scene = optarg;
    else if (c == 'g') cfg->grid = atoi(optarg);
    else if (c == 'r') cfg->runs = atoi(optarg);
    else if (c == 'o') {
      if (sscanf(optarg, "%d:%d", &cfg->order_min, &cfg->order_max) == 1)
        cfg->order_max = cfg->order_min;
    } else if (c == 'm') {
      if (!strcmp(optarg, "im")) cfg->method = DRT_METHOD_IM;
      else if (!strcmp(optarg, "fpt")) cfg->method = DRT_METHOD_FPT;
      else if (!strcmp(optarg, "mpt")) cfg->method = DRT_METHOD_MPT;
      else return -1;
    } else if (c == 'p') {
      if (!strcmp(optarg, "float")) cfg->precision = DRT_PRECISION_FLOAT;
      else if (!strcmp(optarg, "double")) cfg->precision = DRT_PRECISION_DOUBLE;
      else return -1;
    } else if (c == 't') {
      if (sscanf(optarg, "%lf,%lf", &cfg->tx[0], &cfg->tx[1]) != 2) return -1;
      cfg->has_tx = 1;
    } else return -1;
  }
  if (optind < argc || cfg->grid < 1 || cfg->runs < 1 ||
      cfg->runs > MAX_RUNS || cfg->order_min < 0 ||
      cfg->order_max < cfg->order_min)
    return -1;
  return 0;
}

/* scenes[0] for the paper's model, whose transmitters are isotropic at
 * one power (it has no antennas); scenes[1] as the file gives it. */
static drt_status load_scenes(const radio_config *cfg, drt_scene *scenes[2]) {
  const char *name = cfg->scene;
  drt_status status = DRT_OK;
  scenes[0] = scenes[1] = NULL;
  for (int i = 0; i < 2 && !status; i++) {
    status = strchr(name, '/') || strchr(name, '.')
                 ? drt_scene_load(name, &scenes[i])
                 : drt_scene_builtin(name, &scenes[i]);
    if (!status && cfg->has_tx) {
      drt_scene_clear_tx(scenes[i]);
      status = drt_scene_add_tx(scenes[i], NULL, cfg->tx[0], cfg->tx[1]);
    }
  }
  const drt_antenna isotropic = {DRT_PATTERN_ISOTROPIC, 0, 0, 0};
  for (size_t t = 0; !status && t < drt_scene_tx_count(scenes[0]); t++)
    status = drt_scene_set_tx_antenna(scenes[0], t, &isotropic);
  return status;
}

/* times[gradient][model][run]: the models in turn, one round a run, after
 * one untimed round (the kernels' first launches). */
static int time_rounds(const radio_config *cfg, drt_context *ctx,
                       drt_scene *const scenes[2], const drt_grid *grid,
                       double times[2][N_MODELS][MAX_RUNS]) {
  double *values = malloc(3 * (size_t)cfg->grid * cfg->grid * sizeof *values);
  if (!values) return -1;
  int ok = 1;
  for (int gradient = 0; gradient < 2 && ok; gradient++)
    for (int r = -1; r < cfg->runs && ok; r++)
      for (int m = 0; m < N_MODELS && ok; m++) {
        drt_trace_options o;
        model_options(cfg, m, &o);
        double t = time_one(ctx, scenes[m > 0], &o, grid, gradient, values);
        ok = t >= 0;
        if (r >= 0) times[gradient][m][r] = t;
      }
  free(values);
  return ok ? 0 : -1;
}

int main(int argc, char **argv) {
  radio_config cfg = {"examples/street-canyon.json", 400, 5, 0, 2,
                      DRT_METHOD_IM, DRT_PRECISION_FLOAT, 0, {0, 0}};
  if (parse_args(argc, argv, &cfg)) {
    fprintf(stderr, "usage: bench_radio [--scene S] [--grid N] [--runs R<=64] "
            "[--order KMIN:KMAX] [--method im|fpt|mpt] "
            "[--precision float|double] [--tx X,Y]\n");
    return 2;
  }
  drt_scene *scenes[2];
  drt_context *ctx;
  drt_context_options co;
  drt_context_options_init(&co);
  co.precision = cfg.precision;
  if (load_scenes(&cfg, scenes) || drt_context_create(&co, &ctx)) {
    fprintf(stderr, "bench_radio: %s\n", drt_last_error());
    drt_scene_destroy(scenes[0]);
    drt_scene_destroy(scenes[1]);
    return 1;
  }
  double box[4];
  drt_scene_bbox(scenes[1], box);
  drt_grid grid = {cfg.grid, cfg.grid, {box[0], box[1], box[2], box[3]}};
  static double times[2][N_MODELS][MAX_RUNS];
  int failed = time_rounds(&cfg, ctx, scenes, &grid, times);
  if (!failed) {
    printf("%dx%d map of %s, orders %d:%d, %s, every candidate, on %s (%s); "
           "median of %d rounds\n\n", cfg.grid, cfg.grid, cfg.scene,
           cfg.order_min, cfg.order_max,
           cfg.method == DRT_METHOD_IM ? "im" : cfg.method == DRT_METHOD_FPT ? "fpt" : "mpt",
           drt_context_device_name(ctx),
           cfg.precision == DRT_PRECISION_FLOAT ? "float" : "double", cfg.runs);
    printf("| %-16s | %9s | %9s | %11s | %11s |\n", "model", "value s",
           "vs paper", "+grad s", "vs paper");
    printf("|------------------|-----------|-----------|-------------|-------------|\n");
    double paper[2];
    for (int m = 0; m < N_MODELS; m++) {
      double s[2];
      for (int g = 0; g < 2; g++) s[g] = drt_bench_median(times[g][m], cfg.runs);
      if (m == 0) memcpy(paper, s, sizeof paper);
      printf("| %-16s | %9.4f | %8.2fx | %11.4f | %10.2fx |\n", model_names[m],
             s[0], s[0] / paper[0], s[1], s[1] / paper[1]);
    }
  }
  drt_context_destroy(ctx);
  drt_scene_destroy(scenes[0]);
  drt_scene_destroy(scenes[1]);
  return failed ? 1 : 0;
}
