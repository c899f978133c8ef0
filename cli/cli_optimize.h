/* cli_optimize.h — the `drt2d optimize` command: its arguments, the run,
 * and the outputs written from a finished run (cli_optimize_out.c). */
#ifndef DRT_HOST_CLI_OPTIMIZE_H
#define DRT_HOST_CLI_OPTIMIZE_H

#include "cli_options.h"
#include "cli_progress.h"
#include "drt2d.h"

#define DRT_OPTIMIZE_MAX_FRAMES 16

typedef struct drt__optimize_args {
  drt__cli_common common;    /* scene, endpoints, orders, method, device */
  drt_optimize_options opt;  /* steps, lr, schedule, objective */
  int quiet;                 /* no step lines */
  drt__cli_work_limit limit; /* --yes, --max-minutes (its quiet unused) */
  const char *json, *png, *frames_png;
  int frames;                /* panels of the frames strip */
  int nx, ny;                /* grid of the figures */
  double bbox[4];
  int bbox_given;
  double db_lo, db_hi;       /* colour scale; automatic unless db_given */
  int db_given;
  double dpi;                /* of PNG figures */
  int dpi_given;
} drt__optimize_args;

/* A finished run, as the outputs need it. */
typedef struct drt__optimize_run {
  const drt__optimize_args *args;
  drt_context *ctx;
  const drt_scene *scene;
  const drt_optimize_step *steps; /* result.steps + 1 records */
  drt_optimize_result result;
} drt__optimize_run;

/* argv[0] is "optimize"; returns the exit code (0, 1 failure, 2 usage). */
int drt__cli_optimize(int argc, char **argv);

/* Each writes its file atomically; on failure prints the error and returns
 * non-zero. */
drt_status drt__optimize_write_json(const drt__optimize_run *run);
drt_status drt__optimize_write_png(const drt__optimize_run *run);
drt_status drt__optimize_write_frames(const drt__optimize_run *run);

/* Labels shared by the outputs. */
const char *drt__objective_name(drt_objective objective);

#endif
