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
#include "gradients/drt_moves.h" /* the scene-gradient layout */
#include "radio.h" /* DRT__LIGHT_SPEED */
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
  int tx_pairs = kind == DRT__EVAL_PAIRS && opt->vary == DRT_VARY_TX;
  if (opt->model == DRT_MODEL_RADIO && kind != DRT__EVAL_POWER &&
      kind != DRT__EVAL_GRADIENT && !tx_pairs)
    return drt__fail(DRT_EUNSUPPORTED, "the ref evaluator has no %s in the "
                     "radio model: use an OpenCL device",
                     kind == DRT__EVAL_PAIRS ? "per-pair evaluation of a "
                                               "receiver map"
                     : kind == DRT__EVAL_SCENE ? "scene gradients (--wrt scene)"
                                               : "delay spread");
  if (opt->model == DRT_MODEL_RADIO)
    return drt__ref_eval_radio(scene, opt, xy, n, first,
                               kind == DRT__EVAL_POWER ? DRT__REF_RADIO_POWER
                               : tx_pairs              ? DRT__REF_RADIO_PAIRS
                                           : DRT__REF_RADIO_GRADIENT,
                               out, iterations);
  switch (kind) {
  case DRT__EVAL_POWER:
    return drt__ref_eval(scene, opt, xy, n, first, out, iterations);
  case DRT__EVAL_GRADIENT:
    return drt__ref_eval_grad(scene, opt, xy, n, first, out, iterations);
  case DRT__EVAL_PAIRS:
    return drt__ref_eval_grad_pairs(scene, opt, xy, n, first, out, iterations);
  case DRT__EVAL_SCENE:
    return drt__ref_eval_scene_grad(scene, opt, xy, n, first, out, iterations);
  case DRT__EVAL_PATHS: /* drt_trace_paths refuses the ref evaluator */
  case DRT__EVAL_TIMES_L: /* the radio model's, refused above */
  case DRT__EVAL_TIMES_L2:
    break;
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

/* With a progress callback, tiles are planned by their path evaluations
 * (drt_eval_stats' paths, weighted by the method): the first holds about
 * FIRST_TILE_WORK, each next one twice the one before, up to TILE_WORK, so
 * the first report comes within a fraction of a second on a CPU and later
 * ones every few seconds, whatever the scene. The weights are the costs of
 * a candidate relative to the image method's on POCL (bench_map). */
#define FIRST_TILE_WORK 1.6e7
#define TILE_WORK 1.0e9
static const double method_weight[DRT_METHOD_COUNT] = {1, 40, 200};

static size_t planned_tile(const drt_context *ctx, double work_per_point,
                           size_t capacity, size_t lanes, unsigned index) {
  if (!ctx->progress || work_per_point <= 0) return capacity;
  double work = ldexp(FIRST_TILE_WORK, index < 60 ? (int)index : 60);
  if (work > TILE_WORK) work = TILE_WORK;
  /* Whole work-items: a part-filled one costs a full one. */
  double items = ceil(work / work_per_point / (double)lanes);
  size_t cells = (items < 1 ? 1 : (size_t)fmin(items, 1e15)) * lanes;
  return cells < capacity ? cells : capacity;
}

/* Reports done of total points; DRT_ECANCELED when the callback says so. */
static drt_status report_progress(const drt_context *ctx, double done,
                                  double total) {
  if (!ctx->progress || !ctx->progress(ctx->progress_user, done, total))
    return DRT_OK;
  return drt__fail(DRT_ECANCELED, "cancelled by the progress callback after "
                   "%.0f of %.0f points", done, total);
}

/* The values of `kind` at n points from `source`, tile by tile, into out
 * (drt__eval_components a point), on a device session or the ref. With
 * DRT__EVAL_PAIRS the n points are (point, fixed endpoint) pairs, and
 * progress counts points. */
static drt_status evaluate_once(drt_context *ctx, const drt_scene *scene,
                           const drt_trace_options *opt, drt__eval_kind kind,
                           point_source source, const void *data, size_t n,
                           double *out) {
  double *xy = malloc(2 * DRT_TILE_CELLS * sizeof *xy);
  if (!xy) return drt__fail(DRT_ENOMEM, "tile: out of memory");
  drt__session s = {0};
  size_t components = drt__eval_components(scene, opt, kind);
  size_t capacity = DRT_TILE_CELLS;
  size_t n_fixed = opt->vary == DRT_VARY_TX ? drt_scene_rx_count(scene)
                                            : drt_scene_tx_count(scene);
  double per_point = kind == DRT__EVAL_PAIRS ? (double)n_fixed : 1;
  double work = paths_traced(scene, opt, 1) * method_weight[opt->method] /
                per_point;
  drt_status status = drt__scene_check_range(scene, ctx->precision);
  if (!status && !ctx->is_ref) status = check_device_fits(ctx, scene, opt);
  if (!status && !ctx->is_ref) {
    status = drt__session_open(&s, ctx, scene, opt, kind);
    capacity = s.capacity;
    /* Culled, a point costs at most the candidates the forward pass kept. */
    if (!status && s.culler) {
      work = 0;
      for (int k = opt->order_min; k <= opt->order_max; k++) {
        double kept, all;
        drt__culler_counts(s.culler, k, &kept, &all);
        work += kept;
      }
    }
  }
  if (!status) status = report_progress(ctx, 0, (double)n / per_point);
  double iterations = 0;
  size_t tile = capacity;
  for (size_t done = 0, i = 0; done < n && !status; done += tile, i++) {
    tile = planned_tile(ctx, work, capacity,
                        ctx->is_ref ? 1 : (size_t)s.prog->lanes, (unsigned)i);
    size_t count = n - done < tile ? n - done : tile;
    double *tile_out = out + components * done;
    source(data, done, count, xy);
    status = check_tile_range(xy, count, done, ctx->precision);
    if (!status)
      status = ctx->is_ref
                   ? ref_tile(scene, opt, kind, xy, count,
                              opt->first_key + done, tile_out, &iterations)
                   : drt__session_eval(&s, xy, count, opt->first_key + done,
                                       tile_out);
    /* A device session has finished the tiles before this one. */
    size_t finished = ctx->is_ref ? done + count : done;
    if (!status && finished && finished < n)
      status = report_progress(ctx, (double)finished / per_point,
                               (double)n / per_point);
  }
  if (s.ctx) {
    if (!status) status = drt__session_wait(&s);
    iterations = s.solver_iterations;
    drt__session_close(&s);
  }
  free(xy);
  if (!status && n) status = report_progress(ctx, (double)n / per_point,
                                             (double)n / per_point);
  size_t points = kind == DRT__EVAL_PAIRS ? n / n_fixed : n;
  ctx->last_stats.paths = status ? 0 : paths_traced(scene, opt, points);
  ctx->last_stats.solver_iterations = status ? 0 : iterations;
  return status;
}

/* The scene with fixed endpoint f alone (the moving side's points kept). */
static drt_status one_fixed_scene(const drt_scene *scene, int vary_tx,
                                  size_t f, drt_scene **out) {
  drt_status status = drt_scene_create(out);
  for (size_t i = 0; i < drt_scene_object_count(scene) && !status; i++)
    status = drt_scene_add_object(*out, drt_scene_object(scene, i));
  const drt_point *p = vary_tx ? drt_scene_rx(scene, f) : drt_scene_tx(scene, f);
  if (!status)
    status = vary_tx ? drt_scene_add_rx(*out, p->name, p->x, p->y)
                     : drt_scene_add_tx(*out, p->name, p->x, p->y);
  if (!status && !vary_tx)
    status = drt_scene_set_tx_antenna(*out, 0, &p->antenna);
  if (status) {
    drt_scene_destroy(*out);
    *out = NULL;
  }
  return status;
}

/* Adds the result of fixed endpoint f evaluated alone (`alone`: one
 * point's values, `width` of them) into the whole scene's (`whole`); a
 * scene gradient's endpoint and azimuth slots move to f's place in the
 * layout of drt_radio_scene_stride. */
static void add_alone(const double *alone, size_t width, drt__eval_kind kind,
                      int n_objects, int n_fixed, int f, double *whole) {
  if (kind != DRT__EVAL_SCENE) {
    for (size_t c = 0; c < width; c++) whole[c] += alone[c];
    return;
  }
  int endpoints = 4 + DRT_SG_PER_OBJECT * n_objects; /* the first's x */
  for (int c = 0; c < endpoints; c++) whole[c] += alone[c];
  for (int c = 0; c < 2; c++) whole[endpoints + 2 * f + c] += alone[endpoints + c];
  whole[drt_scene_stride(n_objects, n_fixed) + f] +=
      alone[drt_scene_stride(n_objects, 1)];
}

/* As evaluate_once. The radio model's coherent sum adds each fixed
 * endpoint's field apart, then their powers: with several, one evaluation
 * each, summed here. */
static drt_status evaluate(drt_context *ctx, const drt_scene *scene,
                           const drt_trace_options *opt, drt__eval_kind kind,
                           point_source source, const void *data, size_t n,
                           double *out) {
  int vary_tx = opt->vary == DRT_VARY_TX;
  size_t n_fixed = vary_tx ? drt_scene_rx_count(scene) : drt_scene_tx_count(scene);
  /* A pair is one fixed endpoint already. */
  if (opt->model != DRT_MODEL_RADIO || opt->sum != DRT_SUM_COHERENT ||
      n_fixed < 2 || ctx->is_ref || kind == DRT__EVAL_PAIRS)
    return evaluate_once(ctx, scene, opt, kind, source, data, n, out);
  size_t components = drt__eval_components(scene, opt, kind);
  int n_objects = (int)drt_scene_object_count(scene);
  double *part = malloc((n ? n : 1) * components * sizeof *part);
  if (!part) return drt__fail(DRT_ENOMEM, "evaluation: out of memory");
  memset(out, 0, n * components * sizeof *out);
  drt__progress_share share; /* the evaluations report as one */
  drt__progress_share_begin(ctx, &share, (double)n * (double)n_fixed);
  drt_status status = DRT_OK;
  for (size_t f = 0; f < n_fixed && !status; f++) {
    drt_scene *alone = NULL;
    share.before = (double)n * (double)f;
    status = one_fixed_scene(scene, vary_tx, f, &alone);
    size_t width = status ? 0 : drt__eval_components(alone, opt, kind);
    if (!status)
      status = evaluate_once(ctx, alone, opt, kind, source, data, n, part);
    for (size_t i = 0; i < n && !status; i++)
      add_alone(part + width * i, width, kind, n_objects, (int)n_fixed,
                (int)f, out + components * i);
    drt_scene_destroy(alone);
  }
  drt__progress_share_end(ctx, &share);
  free(part);
  return status;
}

/* Each transmitter of a receiver map evaluated alone, n_kinds kinds at
 * each of n points: out[(i t + j) n_kinds + m] = scale[m] times kind m's
 * value at point i from transmitter j, t transmitters. */
static drt_status evaluate_each_tx(drt_context *ctx, const drt_scene *scene,
                                   const drt_trace_options *opt,
                                   point_source source, const void *data,
                                   size_t n, const drt__eval_kind *kinds,
                                   const double *scale, size_t n_kinds,
                                   double *out) {
  if (opt->vary != DRT_VARY_RX)
    return drt__fail(DRT_EINVAL, "per-transmitter values are a receiver "
                     "map's: use --vary rx");
  size_t t = drt_scene_tx_count(scene);
  if (t == 0) return drt__fail(DRT_EINVAL, "the scene has no transmitter");
  if (n > SIZE_MAX / sizeof(double) / t / n_kinds)
    return drt__fail(DRT_ETOOBIG, "%zu points x %zu transmitters overflow",
                     n, t);
  double *part = malloc((n ? n : 1) * sizeof *part);
  if (!part) return drt__fail(DRT_ENOMEM, "evaluation: out of memory");
  drt__progress_share share; /* the evaluations report as one */
  drt__progress_share_begin(ctx, &share, (double)n * (double)(t * n_kinds));
  drt_status status = DRT_OK;
  for (size_t j = 0; j < t && !status; j++) {
    drt_scene *alone = NULL;
    status = one_fixed_scene(scene, 0, j, &alone);
    for (size_t m = 0; m < n_kinds && !status; m++) {
      share.before = (double)n * (double)(j * n_kinds + m);
      status = evaluate(ctx, alone, opt, kinds[m], source, data, n, part);
      for (size_t i = 0; i < n && !status; i++)
        out[(i * t + j) * n_kinds + m] = part[i] * scale[m];
    }
    drt_scene_destroy(alone);
  }
  drt__progress_share_end(ctx, &share);
  free(part);
  return status;
}

/* Each transmitter's power apart (drt_eval_points_per_tx). */
static drt_status evaluate_per_tx(drt_context *ctx, const drt_scene *scene,
                                  const drt_trace_options *opt,
                                  point_source source, const void *data,
                                  size_t n, double *out) {
  const drt__eval_kind power = DRT__EVAL_POWER;
  const double one = 1;
  return evaluate_each_tx(ctx, scene, opt, source, data, n, &power, &one, 1,
                          out);
}

/* Each transmitter's delay moments: sums over its paths of V |a|^2 (L /
 * c)^m, m = 0, 1, 2 (drt_eval_points_delay_moments), three incoherent
 * evaluations, the kernels weighting each path by 1, L or L^2. */
static drt_status evaluate_moments(drt_context *ctx, const drt_scene *scene,
                                   const drt_trace_options *opt,
                                   point_source source, const void *data,
                                   size_t n, double *out) {
  if (opt->model != DRT_MODEL_RADIO)
    return drt__fail(DRT_EUNSUPPORTED, "the delay spread is the radio "
                     "model's (delays in seconds): use --model radio");
  static const drt__eval_kind weighted[3] = {
      DRT__EVAL_POWER, DRT__EVAL_TIMES_L, DRT__EVAL_TIMES_L2};
  const double per_second[3] = {1, 1 / DRT__LIGHT_SPEED,
                                1 / (DRT__LIGHT_SPEED * DRT__LIGHT_SPEED)};
  drt_trace_options incoherent = *opt;
  incoherent.sum = DRT_SUM_INCOHERENT;
  return evaluate_each_tx(ctx, scene, &incoherent, source, data, n, weighted,
                          per_second, 3, out);
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

drt_status drt_eval_points_per_tx(drt_context *ctx, const drt_scene *scene,
                                  const drt_trace_options *opt,
                                  const double *xy, size_t n, double *power) {
  drt__clear_error();
  drt_status status = drt_trace_options_check(opt, scene);
  if (status) return status;
  return evaluate_per_tx(ctx, scene, opt, copy_points, xy, n, power);
}

drt_status drt_eval_points_delay_moments(drt_context *ctx,
                                         const drt_scene *scene,
                                         const drt_trace_options *opt,
                                         const double *xy, size_t n,
                                         double *moments) {
  drt__clear_error();
  drt_status status = drt_trace_options_check(opt, scene);
  if (status) return status;
  return evaluate_moments(ctx, scene, opt, copy_points, xy, n, moments);
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

/* What a map holds a cell: the kind's values over the fixed endpoints, or
 * each transmitter's power, or its delay moments, apart. */
typedef enum map_split { MAP_SUMMED, MAP_PER_TX, MAP_MOMENTS } map_split;

static drt_status map(drt_context *ctx, const drt_scene *scene,
                      const drt_trace_options *opt, const drt_grid *grid,
                      drt__eval_kind kind, map_split split, double *out) {
  drt_status status = check_grid(grid);
  if (!status) status = drt_trace_options_check(opt, scene);
  if (status) return status;
  grid_axes axes;
  status = grid_axes_init(&axes, grid);
  if (status) return status;
  size_t total = (size_t)grid->nx * (size_t)grid->ny;
  if (split == MAP_PER_TX)
    status = evaluate_per_tx(ctx, scene, opt, grid_points, &axes, total, out);
  else if (split == MAP_MOMENTS)
    status = evaluate_moments(ctx, scene, opt, grid_points, &axes, total, out);
  else
    status = evaluate(ctx, scene, opt, kind, grid_points, &axes, total, out);
  free(axes.xs);
  free(axes.ys);
  return status;
}

drt_status drt_map_compute(drt_context *ctx, const drt_scene *scene,
                           const drt_trace_options *opt, const drt_grid *grid,
                           double *power) {
  drt__clear_error();
  return map(ctx, scene, opt, grid, DRT__EVAL_POWER, MAP_SUMMED, power);
}

drt_status drt_map_compute_per_tx(drt_context *ctx, const drt_scene *scene,
                                  const drt_trace_options *opt,
                                  const drt_grid *grid, double *power) {
  drt__clear_error();
  return map(ctx, scene, opt, grid, DRT__EVAL_POWER, MAP_PER_TX, power);
}

drt_status drt_map_compute_delay_moments(drt_context *ctx,
                                         const drt_scene *scene,
                                         const drt_trace_options *opt,
                                         const drt_grid *grid,
                                         double *moments) {
  drt__clear_error();
  return map(ctx, scene, opt, grid, DRT__EVAL_POWER, MAP_MOMENTS, moments);
}

drt_status drt_map_compute_grad(drt_context *ctx, const drt_scene *scene,
                                const drt_trace_options *opt,
                                const drt_grid *grid, double *out) {
  drt__clear_error();
  return map(ctx, scene, opt, grid, DRT__EVAL_GRADIENT, MAP_SUMMED, out);
}
