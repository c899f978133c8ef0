/* evaluate.c — the public evaluation entry points: point sets and grids,
 * streamed in tiles through a device session or the ref evaluator. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context_impl.h"
#include "coordinate_range.h"
#include "base/drt_cl_compat.h"
#include "error.h"
#include "ref_eval.h"
#include "session.h"

/* The kernels' copies of these constants must match the public ones. */
_Static_assert(DRT_OBJ_WALL == (int)DRT_OBJECT_WALL, "object type codes");
_Static_assert(DRT_OBJ_RIS == (int)DRT_OBJECT_RIS, "object type codes");
_Static_assert(DRT_OBJ_VERTEX == (int)DRT_OBJECT_VERTEX, "object type codes");
_Static_assert(DRT_SMOOTH_NONE == (int)DRT_SMOOTHING_NONE, "smoothing codes");
_Static_assert(DRT_SMOOTH_SIGMOID == (int)DRT_SMOOTHING_SIGMOID, "smoothing codes");
_Static_assert(DRT_SMOOTH_HARD_SIGMOID == (int)DRT_SMOOTHING_HARD_SIGMOID,
               "smoothing codes");

/* Produces the coordinates of points [first, first + n) into xy. */
typedef void (*point_source)(const void *data, size_t first, size_t n,
                             double *xy);

static void copy_points(const void *data, size_t first, size_t n, double *xy) {
  memcpy(xy, (const double *)data + 2 * first, 2 * n * sizeof *xy);
}

void drt_grid_point(const drt_grid *g, int row, int col, double *x,
                    double *y) {
  double fx = g->nx > 1 ? (double)col / (g->nx - 1) : 0.0;
  double fy = g->ny > 1 ? (double)row / (g->ny - 1) : 0.0;
  *x = g->bbox[0] + fx * (g->bbox[2] - g->bbox[0]);
  *y = g->bbox[1] + fy * (g->bbox[3] - g->bbox[1]);
}

size_t drt_grid_point_count(const drt_grid *g) {
  if (g->nx < 1 || g->ny < 1) return 0;
  return (size_t)g->nx * (size_t)g->ny;
}

/* A grid's coordinates per column and per row, from drt_grid_point, so
 * producing a tile's points costs no division per cell. */
typedef struct grid_axes {
  int nx;
  double *xs, *ys;
} grid_axes;

static drt_status grid_axes_init(grid_axes *a, const drt_grid *g) {
  a->nx = g->nx;
  a->xs = malloc((size_t)g->nx * sizeof *a->xs);
  a->ys = malloc((size_t)g->ny * sizeof *a->ys);
  if (!a->xs || !a->ys) {
    free(a->xs);
    free(a->ys);
    return drt__fail(DRT_ENOMEM, "grid axes: out of memory");
  }
  double unused;
  for (int col = 0; col < g->nx; col++)
    drt_grid_point(g, 0, col, &a->xs[col], &unused);
  for (int row = 0; row < g->ny; row++)
    drt_grid_point(g, row, 0, &unused, &a->ys[row]);
  return DRT_OK;
}

/* Grid points in row-major order. */
static void grid_points(const void *data, size_t first, size_t n, double *xy) {
  const grid_axes *a = data;
  size_t row = first / (size_t)a->nx, col = first % (size_t)a->nx;
  for (size_t i = 0; i < n; i++) {
    xy[2 * i] = a->xs[col];
    xy[2 * i + 1] = a->ys[row];
    if (++col == (size_t)a->nx) col = 0, row++;
  }
}

static double paths_traced(const drt_scene *scene,
                           const drt_trace_options *opt, size_t n_points) {
  size_t objects = drt_scene_candidate_objects(scene, opt);
  size_t n_fixed = opt->vary == DRT_VARY_TX ? drt_scene_rx_count(scene)
                                            : drt_scene_tx_count(scene);
  double candidates = 0;
  for (int k = opt->order_min; k <= opt->order_max; k++)
    candidates += (double)drt_candidate_count(objects, k);
  return candidates * (double)n_fixed * (double)n_points;
}

/* Refuses candidate lists larger than the device's largest buffer. */
static drt_status check_device_fits(const drt_context *ctx,
                                    const drt_scene *scene,
                                    const drt_trace_options *opt) {
  size_t objects = drt_scene_candidate_objects(scene, opt);
  for (int k = opt->order_min > 1 ? opt->order_min : 1; k <= opt->order_max; k++) {
    double bytes = (double)drt_candidate_count(objects, k) * k * sizeof(int);
    if (bytes > (double)ctx->max_alloc)
      return drt__fail(DRT_ETOOBIG,
                       "order %d needs %.0f MiB of candidate indices, more "
                       "than the %.0f MiB the device allocates at once",
                       k, bytes / (1 << 20), (double)ctx->max_alloc / (1 << 20));
  }
  return DRT_OK;
}

/* The ref evaluator's counterpart of a session's kind, for one tile. */
static drt_status ref_tile(const drt_scene *scene, const drt_trace_options *opt,
                           drt__eval_kind kind, const double *xy, size_t n,
                           size_t first, double *out, double *iterations) {
  switch (kind) {
  case DRT__EVAL_POWER:
    return drt__ref_eval(scene, opt, xy, n, first, out, iterations);
  case DRT__EVAL_GRADIENT:
    return drt__ref_eval_grad(scene, opt, xy, n, first, out, iterations);
  case DRT__EVAL_PAIRS:
    return drt__ref_eval_grad_pairs(scene, opt, xy, n, first, out, iterations);
  case DRT__EVAL_SCENE:
    return drt__ref_eval_scene_grad(scene, opt, xy, n, first, out, iterations);
  }
  return drt__fail(DRT_EINVAL, "evaluation of an unknown kind");
}

/* The moving endpoints of a tile within the precision's range (their
 * squared distances must not overflow); first is the first's index. */
static drt_status check_tile_range(const double *xy, size_t count,
                                   size_t first, drt_precision precision) {
  for (size_t i = 0; i < 2 * count; i++)
    if (!drt__coordinate_fits(xy[i], precision)) {
      char locator[48];
      snprintf(locator, sizeof locator, "point %zu", first + i / 2);
      return drt__range_fail(locator, xy[i], precision);
    }
  return DRT_OK;
}

/* The values of `kind` at n points from `source`, tile by tile, into out
 * (drt__eval_components a point), on a device session or the ref. With
 * DRT__EVAL_PAIRS the n points are (point, fixed endpoint) pairs. */
static drt_status evaluate(drt_context *ctx, const drt_scene *scene,
                           const drt_trace_options *opt, drt__eval_kind kind,
                           point_source source, const void *data, size_t n,
                           double *out) {
  double *xy = malloc(2 * DRT_TILE_CELLS * sizeof *xy);
  if (!xy) return drt__fail(DRT_ENOMEM, "tile: out of memory");
  drt__session s = {0};
  size_t components = drt__eval_components(scene, opt, kind);
  size_t tile = DRT_TILE_CELLS;
  drt_status status = drt__scene_check_range(scene, ctx->precision);
  if (!status && !ctx->is_ref) status = check_device_fits(ctx, scene, opt);
  if (!status && !ctx->is_ref) {
    status = drt__session_open(&s, ctx, scene, opt, kind);
    tile = s.capacity;
  }
  double iterations = 0;
  for (size_t done = 0; done < n && !status; done += tile) {
    size_t count = n - done < tile ? n - done : tile;
    double *tile_out = out + components * done;
    source(data, done, count, xy);
    status = check_tile_range(xy, count, done, ctx->precision);
    if (!status)
      status = ctx->is_ref ? ref_tile(scene, opt, kind, xy, count, done,
                                    tile_out, &iterations)
                         : drt__session_eval(&s, xy, count, done, tile_out);
  }
  if (s.ctx) {
    if (!status) status = drt__session_wait(&s);
    iterations = s.solver_iterations;
    drt__session_close(&s);
  }
  free(xy);
  size_t n_fixed = opt->vary == DRT_VARY_TX ? drt_scene_rx_count(scene)
                                            : drt_scene_tx_count(scene);
  size_t points = kind == DRT__EVAL_PAIRS ? n / n_fixed : n;
  ctx->last_stats.paths = status ? 0 : paths_traced(scene, opt, points);
  ctx->last_stats.solver_iterations = status ? 0 : iterations;
  return status;
}

drt_status drt__evaluate_points(drt_context *ctx, const drt_scene *scene,
                                const drt_trace_options *opt,
                                drt__eval_kind kind, const double *xy, size_t n,
                                double *out) {
  return evaluate(ctx, scene, opt, kind, copy_points, xy, n, out);
}

drt_status drt_eval_points(drt_context *ctx, const drt_scene *scene,
                           const drt_trace_options *opt, const double *xy,
                           size_t n, double *power) {
  drt__clear_error();
  drt_status status = drt_trace_options_check(opt, scene);
  if (status) return status;
  return evaluate(ctx, scene, opt, DRT__EVAL_POWER, copy_points, xy, n, power);
}

drt_status drt_eval_points_grad(drt_context *ctx, const drt_scene *scene,
                                const drt_trace_options *opt, const double *xy,
                                size_t n, double *out) {
  drt__clear_error();
  drt_status status = drt_trace_options_check(opt, scene);
  if (status) return status;
  return evaluate(ctx, scene, opt, DRT__EVAL_GRADIENT, copy_points, xy, n, out);
}

/* Each point repeated once per fixed endpoint: pair g is at point
 * g / n_fixed. */
typedef struct pair_points {
  const double *xy;
  size_t n_fixed;
} pair_points;

static void pair_source(const void *data, size_t first, size_t n, double *xy) {
  const pair_points *p = data;
  for (size_t i = 0; i < n; i++) {
    size_t point = (first + i) / p->n_fixed;
    xy[2 * i] = p->xy[2 * point];
    xy[2 * i + 1] = p->xy[2 * point + 1];
  }
}

drt_status drt_eval_pairs_grad(drt_context *ctx, const drt_scene *scene,
                               const drt_trace_options *opt, const double *xy,
                               size_t n, double *out) {
  drt__clear_error();
  drt_status status = drt_trace_options_check(opt, scene);
  if (status) return status;
  pair_points p = {xy, opt->vary == DRT_VARY_TX ? drt_scene_rx_count(scene)
                                                : drt_scene_tx_count(scene)};
  if (n > SIZE_MAX / p.n_fixed / 3)
    return drt__fail(DRT_ETOOBIG, "%zu points x %zu endpoints overflow",
                     n, p.n_fixed);
  return evaluate(ctx, scene, opt, DRT__EVAL_PAIRS, pair_source, &p,
                  n * p.n_fixed, out);
}

static drt_status check_grid(const drt_grid *g) {
  if (g->nx < 1 || g->ny < 1)
    return drt__fail(DRT_EINVAL, "grid %dx%d must have at least 1 point per "
                     "axis", g->nx, g->ny);
  for (int i = 0; i < 4; i++)
    if (!isfinite(g->bbox[i]))
      return drt__fail(DRT_EINVAL, "grid box has a non-finite coordinate");
  if (g->bbox[2] < g->bbox[0] || g->bbox[3] < g->bbox[1])
    return drt__fail(DRT_EINVAL, "grid box (%g, %g, %g, %g) has x1 < x0 or "
                     "y1 < y0", g->bbox[0], g->bbox[1], g->bbox[2], g->bbox[3]);
  return DRT_OK;
}

static drt_status map(drt_context *ctx, const drt_scene *scene,
                      const drt_trace_options *opt, const drt_grid *grid,
                      drt__eval_kind kind, double *out) {
  drt_status status = check_grid(grid);
  if (!status) status = drt_trace_options_check(opt, scene);
  if (status) return status;
  grid_axes axes;
  status = grid_axes_init(&axes, grid);
  if (status) return status;
  size_t total = (size_t)grid->nx * (size_t)grid->ny;
  status = evaluate(ctx, scene, opt, kind, grid_points, &axes, total, out);
  free(axes.xs);
  free(axes.ys);
  return status;
}

drt_status drt_map_compute(drt_context *ctx, const drt_scene *scene,
                           const drt_trace_options *opt, const drt_grid *grid,
                           double *power) {
  drt__clear_error();
  return map(ctx, scene, opt, grid, DRT__EVAL_POWER, power);
}

drt_status drt_map_compute_grad(drt_context *ctx, const drt_scene *scene,
                                const drt_trace_options *opt,
                                const drt_grid *grid, double *out) {
  drt__clear_error();
  return map(ctx, scene, opt, grid, DRT__EVAL_GRADIENT, out);
}
