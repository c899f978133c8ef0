/* bench_study.c — convergence-study throughput: trials per second with all
 * trials in lockstep (one launch a step for every trial) against one trial
 * per launch (--batch 1), on the same trials, median of several runs. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_common.h"
#include "drt2d.h"

typedef struct bench_config {
  int trials; /* per receiver count */
  int runs;
  drt_device_kind device;
  drt_precision precision;
} bench_config;

/* Median seconds of cfg->runs studies with the given batch size, after
 * one untimed warm-up (kernel builds); < 0 on failure. */
static double time_study(drt_context *ctx, const bench_config *cfg, int batch) {
  drt_study_options o;
  drt_study_options_init(&o);
  o.trials = cfg->trials;
  o.batch = batch;
  drt_study_trial *t = malloc(drt_study_trial_count(&o) * sizeof *t);
  double *times = malloc((size_t)cfg->runs * sizeof *times);
  double median = -1;
  if (t && times && drt_study_run(ctx, &o, t) == DRT_OK) {
    int ok = 1;
    for (int r = 0; r < cfg->runs && ok; r++) {
      double start = drt_bench_now();
      ok = drt_study_run(ctx, &o, t) == DRT_OK;
      times[r] = drt_bench_now() - start;
    }
    if (ok) median = drt_bench_median(times, cfg->runs);
  }
  if (median < 0) fprintf(stderr, "bench_study: %s\n", drt_last_error());
  free(t);
  free(times);
  return median;
}

static int parse(int argc, char **argv, bench_config *cfg) {
  static const struct option opts[] = {{"trials", required_argument, 0, 't'},
                                       {"runs", required_argument, 0, 'r'},
                                       {"ref", no_argument, 0, 'f'},
                                       {"double", no_argument, 0, 'd'},
                                       {0, 0, 0, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == 't') cfg->trials = atoi(optarg);
    else if (c == 'r') cfg->runs = atoi(optarg);
    else if (c == 'f') cfg->device = DRT_DEVICE_REF, cfg->precision = DRT_PRECISION_DOUBLE;
    else if (c == 'd') cfg->precision = DRT_PRECISION_DOUBLE;
    else return -1;
  }
  return cfg->trials > 0 && cfg->runs > 0 ? 0 : -1;
}

int main(int argc, char **argv) {
  bench_config cfg = {100, 3, DRT_DEVICE_AUTO, DRT_PRECISION_FLOAT};
  if (parse(argc, argv, &cfg)) {
    fprintf(stderr, "usage: bench_study [--trials N] [--runs N] [--ref] "
            "[--double]\n");
    return 2;
  }
  drt_context_options co;
  drt_context_options_init(&co);
  co.device = cfg.device;
  co.precision = cfg.precision;
  drt_context *ctx;
  if (drt_context_create(&co, &ctx)) {
    fprintf(stderr, "bench_study: %s\n", drt_last_error());
    return 1;
  }
  int total = 3 * cfg.trials; /* receiver counts 2, 3, 4 */
  double batched = time_study(ctx, &cfg, 0);
  double single = time_study(ctx, &cfg, 1);
  printf("convergence study, default options (2 walls, order 0, grid 101, "
         "100 steps), %d trials, median of %d runs, %s\n\n", total, cfg.runs,
         drt_context_device_name(ctx));
  printf("| mode | median s | trials/s |\n|---|---|---|\n");
  printf("| all trials in lockstep | %.3f | %.1f |\n", batched, total / batched);
  printf("| one trial at a time (--batch 1) | %.3f | %.1f |\n", single,
         total / single);
  printf("\nspeed-up of lockstep: %.1fx\n", single / batched);
  drt_context_destroy(ctx);
  return batched > 0 && single > 0 ? 0 : 1;
}
