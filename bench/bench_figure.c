/* bench_figure.c — time to draw and write a map figure: a 600 x 600 power
 * map of the square-obstacle scene (its walls and transmitter on top), as
 * PNG at 72 and 144 dpi, SVG and PDF; median of --runs after a warm-up.
 * The map's values are the scene's free-space power (the figure's cost
 * does not depend on them). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_common.h"
#include "drawing.h"
#include "drt2d.h"
#include "figure.h"

#define GRID 600

static double *free_space_db(const drt_point *tx) {
  double *db = malloc(sizeof *db * GRID * GRID);
  if (!db) return NULL;
  for (int r = 0; r < GRID; r++)
    for (int c = 0; c < GRID; c++) {
      double x = c / (GRID - 1.0), y = r / (GRID - 1.0);
      double d2 = (x - tx->x) * (x - tx->x) + (y - tx->y) * (y - tx->y);
      db[r * GRID + c] = -10.0 * log10(1.0 + d2 / 0.01);
    }
  return db;
}

/* Median seconds of `runs` writes of fig to path at dpi, or -1. */
static double time_writes(const drt__figure *fig, const char *path,
                          double dpi, int runs) {
  double times[64];
  if (drt__figure_write(fig, path, dpi) != DRT_OK) return -1.0; /* warm-up */
  for (int i = 0; i < runs; i++) {
    double t0 = drt_bench_now();
    if (drt__figure_write(fig, path, dpi) != DRT_OK) return -1.0;
    times[i] = drt_bench_now() - t0;
  }
  return drt_bench_median(times, runs);
}

static long file_size(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fclose(f);
  return size;
}

int main(int argc, char **argv) {
  int runs = argc > 1 ? atoi(argv[1]) : 7;
  if (runs < 1 || runs > 64) {
    fprintf(stderr, "usage: bench_figure [RUNS (1-64, default 7)]\n");
    return 2;
  }
  drt_scene *scene = NULL;
  if (drt_scene_builtin("square-obstacle", &scene) != DRT_OK) {
    fprintf(stderr, "bench_figure: %s\n", drt_last_error());
    return 1;
  }
  const drt_point *tx = drt_scene_tx(scene, 0);
  double *db = free_space_db(tx);
  if (!db) return 1;
  drt__figure fig = {.db = db, .nx = GRID, .ny = GRID, .bbox = {0, 0, 1, 1},
                     .db_lo = -50, .db_hi = 5,
                     .objects = drt_scene_object(scene, 0),
                     .n_objects = drt_scene_object_count(scene),
                     .tx = tx, .n_tx = drt_scene_tx_count(scene),
                     .title = "square-obstacle, rx map, orders 0:1, exact",
                     .unit = "dB rel. P0"};
  static const struct {
    const char *name;
    double dpi;
  } cases[] = {{"png", 72.0}, {"png", 144.0}, {"svg", 72.0}, {"pdf", 72.0}};
  printf("## bench_figure: a %dx%d map figure, median of %d writes\n\n", GRID,
         GRID, runs);
  printf("| format | dpi | median s | file KiB |\n|---|---|---|---|\n");
  int rc = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/bench_figure_%d.%s", (int)getpid(),
             cases[i].name);
    double t = time_writes(&fig, path, cases[i].dpi, runs);
    if (t < 0) {
      fprintf(stderr, "bench_figure: %s\n", drt_last_error());
      rc = 1;
    } else {
      printf("| %s | %.0f | %.4f | %.0f |\n", cases[i].name, cases[i].dpi, t,
             file_size(path) / 1024.0);
    }
    remove(path);
  }
  free(db);
  drt_scene_destroy(scene);
  return rc;
}
