/* engine.c — evaluation of received power over point sets and grids: scene
 * and candidates uploaded once, points streamed through in tiles, one kernel
 * launch per (tile, order), per-cell sums reduced on the device. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "candidates.h"
#include "cl_runtime.h"
#include "context_impl.h"
#include "error.h"
#include "ref_eval.h"

/* Cells per tile, and the size of the per-(cell, chunk) partial-sum buffer:
 * what bounds device memory whatever the grid size. */
#define DRT_TILE_CELLS ((size_t)1 << 18)
#define DRT_PARTIAL_SLOTS ((size_t)1 << 20)
/* Work-items to aim for per compute unit when splitting candidates. */
#define DRT_ITEMS_PER_UNIT 2048

void drt_trace_options_init(drt_trace_options *o) {
  memset(o, 0, sizeof *o);
  o->order_min = 0;
  o->order_max = 1;
  o->method = DRT_METHOD_IM;
  o->smoothing = DRT_SMOOTHING_NONE;
  o->alpha = 100.0;
  o->vary = DRT_VARY_RX;
}

drt_status drt_trace_options_check(const drt_trace_options *o,
                                   const drt_scene *scene) {
  if (o->order_min < 0 || o->order_max < o->order_min ||
      o->order_max > DRT_MAX_ORDER)
    return drt__fail(DRT_EINVAL, "order range %d:%d must satisfy 0 <= KMIN <= "
                     "KMAX <= %d", o->order_min, o->order_max, DRT_MAX_ORDER);
  if (!(o->alpha > 0) || !isfinite(o->alpha))
    return drt__fail(DRT_EINVAL, "alpha must be a finite number > 0, not %g",
                     o->alpha);
  if (o->method != DRT_METHOD_IM)
    return drt__fail(DRT_EINVAL, "unknown path method %d", (int)o->method);
  if (o->smoothing < DRT_SMOOTHING_NONE || o->smoothing > DRT_SMOOTHING_HARD_SIGMOID)
    return drt__fail(DRT_EINVAL, "unknown smoothing %d", (int)o->smoothing);
  for (size_t i = 0; o->order_max > 0 && i < drt_scene_object_count(scene); i++)
    if (drt_scene_object(scene, i)->type != DRT_OBJECT_WALL)
      return drt__fail(DRT_EUNSUPPORTED,
                       "the image method handles walls only, but object %zu "
                       "is a %s",
                       i, drt_scene_object(scene, i)->type == DRT_OBJECT_RIS
                              ? "ris" : "vertex");
  size_t n_fixed = o->vary == DRT_VARY_TX ? drt_scene_rx_count(scene)
                                          : drt_scene_tx_count(scene);
  if (n_fixed == 0)
    return drt__fail(DRT_EINVAL, "the scene has no %s; give one (--%s X,Y)",
                     o->vary == DRT_VARY_TX ? "receiver" : "transmitter",
                     o->vary == DRT_VARY_TX ? "rx" : "tx");
  return DRT_OK;
}

/* Everything uploaded for one evaluation. */
typedef struct session {
  drt_context *ctx;
  const drt_scene *scene;
  const drt_trace_options *opt;
  int n_orders;
  drt__candidates sets[DRT_MAX_ORDER + 1];
  cl_mem candidates[DRT_MAX_ORDER + 1];
  cl_mem segments, types, phis, fixed, moving, partial, out;
  int n_fixed;
  void *staging; /* host-side tile in device precision */
} session;

static void session_close(session *s) {
  for (int i = 0; i < s->n_orders; i++) {
    drt__candidates_free(&s->sets[i]);
    if (s->candidates[i]) clReleaseMemObject(s->candidates[i]);
  }
  cl_mem *buffers[] = {&s->segments, &s->types,   &s->phis, &s->fixed,
                       &s->moving,   &s->partial, &s->out};
  for (size_t i = 0; i < sizeof buffers / sizeof buffers[0]; i++)
    if (*buffers[i]) clReleaseMemObject(*buffers[i]);
  free(s->staging);
  memset(s, 0, sizeof *s);
}

/* Writes n doubles into dst as the context's real type. */
static void store_reals(const drt_context *ctx, const double *src, size_t n,
                        void *dst) {
  if (ctx->precision == DRT_PRECISION_DOUBLE) {
    memcpy(dst, src, n * sizeof(double));
    return;
  }
  float *f = dst;
  for (size_t i = 0; i < n; i++) f[i] = (float)src[i];
}

static void load_reals(const drt_context *ctx, const void *src, size_t n,
                       double *dst) {
  if (ctx->precision == DRT_PRECISION_DOUBLE) {
    memcpy(dst, src, n * sizeof(double));
    return;
  }
  const float *f = src;
  for (size_t i = 0; i < n; i++) dst[i] = f[i];
}

/* A read-only device buffer holding `bytes` bytes copied from host. */
static drt_status upload(drt_context *ctx, const void *host, size_t bytes,
                         cl_mem *buffer) {
  drt_status status = DRT_OK;
  cl_int err;
  /* Zero-sized buffers are invalid in OpenCL: keep one dummy element. */
  static const double dummy = 0;
  *buffer = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                           bytes ? bytes : sizeof dummy,
                           bytes ? (void *)host : (void *)&dummy, &err);
  DRT_CL_CHECK(err);
error:
  return status;
}

static drt_status upload_scene(session *s) {
  size_t n = drt_scene_object_count(s->scene);
  double *coords = malloc((n ? n : 1) * 5 * sizeof *coords);
  int *types = malloc((n ? n : 1) * sizeof *types);
  void *reals = malloc((n ? n : 1) * 4 * sizeof(double));
  drt_status status = DRT_OK;
  if (!coords || !types || !reals) {
    status = drt__fail(DRT_ENOMEM, "scene upload: out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    const drt_object *o = drt_scene_object(s->scene, i);
    double c[4] = {o->ax, o->ay, o->bx, o->by};
    memcpy(coords + 4 * i, c, sizeof c);
    coords[4 * n + i] = o->phi;
    types[i] = (int)o->type;
  }
  size_t rs = drt__real_size(s->ctx);
  store_reals(s->ctx, coords, 4 * n, reals);
  status = upload(s->ctx, reals, 4 * n * rs, &s->segments);
  store_reals(s->ctx, coords + 4 * n, n, reals);
  if (!status) status = upload(s->ctx, reals, n * rs, &s->phis);
  if (!status) status = upload(s->ctx, types, n * sizeof *types, &s->types);
done:
  free(coords);
  free(types);
  free(reals);
  return status;
}

static drt_status upload_fixed(session *s) {
  int vary_tx = s->opt->vary == DRT_VARY_TX;
  size_t n = vary_tx ? drt_scene_rx_count(s->scene)
                     : drt_scene_tx_count(s->scene);
  double *xy = malloc(2 * n * sizeof *xy);
  void *reals = malloc(2 * n * sizeof(double));
  drt_status status = DRT_OK;
  if (!xy || !reals) {
    status = drt__fail(DRT_ENOMEM, "endpoint upload: out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    const drt_point *p = vary_tx ? drt_scene_rx(s->scene, i)
                                 : drt_scene_tx(s->scene, i);
    xy[2 * i] = p->x;
    xy[2 * i + 1] = p->y;
  }
  store_reals(s->ctx, xy, 2 * n, reals);
  status = upload(s->ctx, reals, 2 * n * drt__real_size(s->ctx), &s->fixed);
  s->n_fixed = (int)n;
done:
  free(xy);
  free(reals);
  return status;
}

static drt_status upload_candidates(session *s) {
  drt_status status = DRT_OK;
  for (int i = 0; i < s->n_orders && !status; i++) {
    drt__candidates *set = &s->sets[i];
    status = drt__candidates_build(drt_scene_object_count(s->scene),
                                   s->opt->order_min + i, set);
    if (!status && set->count > INT32_MAX)
      status = drt__fail(DRT_ETOOBIG, "%zu candidates of order %d exceed "
                         "the kernels' 32-bit candidate index",
                         set->count, set->order);
    if (!status)
      status = upload(s->ctx, set->indices,
                      set->count * set->order * sizeof(int),
                      &s->candidates[i]);
  }
  return status;
}

static drt_status create_work_buffers(session *s) {
  drt_status status = DRT_OK;
  cl_int err;
  size_t rs = drt__real_size(s->ctx);
  s->moving = clCreateBuffer(s->ctx->cl, CL_MEM_READ_ONLY,
                             2 * DRT_TILE_CELLS * rs, NULL, &err);
  DRT_CL_CHECK(err);
  s->partial = clCreateBuffer(s->ctx->cl, CL_MEM_READ_WRITE,
                              DRT_PARTIAL_SLOTS * rs, NULL, &err);
  DRT_CL_CHECK(err);
  s->out = clCreateBuffer(s->ctx->cl, CL_MEM_WRITE_ONLY, DRT_TILE_CELLS * rs,
                          NULL, &err);
  DRT_CL_CHECK(err);
  s->staging = malloc(2 * DRT_TILE_CELLS * rs);
  if (!s->staging) status = drt__fail(DRT_ENOMEM, "tile: out of memory");
error:
  return status;
}

static drt_status session_open(session *s, drt_context *ctx,
                               const drt_scene *scene,
                               const drt_trace_options *opt) {
  memset(s, 0, sizeof *s);
  s->ctx = ctx;
  s->scene = scene;
  s->opt = opt;
  s->n_orders = opt->order_max - opt->order_min + 1;
  drt_status status = upload_scene(s);
  if (!status) status = upload_fixed(s);
  if (!status) status = upload_candidates(s);
  if (!status) status = create_work_buffers(s);
  if (status) session_close(s);
  return status;
}

/* Chunks to split n_candidates into so the device has enough work-items:
 * one chunk when the cells alone fill it. */
static size_t chunk_count(const session *s, size_t n_cells,
                          size_t n_candidates) {
  size_t target = (size_t)s->ctx->compute_units * DRT_ITEMS_PER_UNIT;
  size_t chunks = (target + n_cells - 1) / n_cells;
  size_t most = DRT_PARTIAL_SLOTS / n_cells;
  if (chunks > most) chunks = most;
  if (chunks > n_candidates) chunks = n_candidates;
  return chunks ? chunks : 1;
}

static size_t round_up(size_t n, size_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

/* Adds the power of one order's candidates into the partial sums. Returns
 * the number of chunks used through *chunks_used (max over orders). */
static drt_status launch_order(session *s, int i, int n_cells,
                               size_t *chunks_used) {
  drt_status status = DRT_OK;
  const drt__candidates *set = &s->sets[i];
  if (set->count == 0) return DRT_OK;
  size_t chunks = chunk_count(s, n_cells, set->count);
  cl_int chunk = (cl_int)((set->count + chunks - 1) / chunks);
  chunks = (set->count + chunk - 1) / chunk;
  if (chunks > *chunks_used) *chunks_used = chunks;
  cl_kernel k = s->ctx->trace_im;
  cl_int order = set->order, n_cand = (cl_int)set->count;
  cl_int n_obj = (cl_int)drt_scene_object_count(s->scene);
  cl_int vary_tx = s->opt->vary == DRT_VARY_TX, mode = s->opt->smoothing;
  double alpha_d = s->opt->alpha;
  float alpha_f = (float)alpha_d;
  int a = 0;
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_mem), &s->moving));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_int), &n_cells));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_mem), &s->fixed));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_int), &s->n_fixed));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_int), &vary_tx));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_mem), &s->segments));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_mem), &s->types));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_mem), &s->phis));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_int), &n_obj));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_mem), &s->candidates[i]));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_int), &order));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_int), &n_cand));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_int), &chunk));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_int), &mode));
  if (s->ctx->precision == DRT_PRECISION_DOUBLE)
    DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof alpha_d, &alpha_d));
  else
    DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof alpha_f, &alpha_f));
  DRT_CL_CHECK(clSetKernelArg(k, a++, sizeof(cl_mem), &s->partial));
  size_t wg = s->ctx->work_group;
  size_t global[2] = {round_up((size_t)n_cells, wg), chunks};
  size_t local[2] = {wg, 1};
  DRT_CL_CHECK(clEnqueueNDRangeKernel(s->ctx->queue, k, 2, NULL, global, local,
                                      0, NULL, NULL));
error:
  return status;
}

static drt_status reduce_tile(session *s, int n_cells, size_t chunks) {
  drt_status status = DRT_OK;
  cl_kernel k = s->ctx->reduce_chunks;
  cl_int n_chunks = (cl_int)chunks;
  DRT_CL_CHECK(clSetKernelArg(k, 0, sizeof(cl_mem), &s->partial));
  DRT_CL_CHECK(clSetKernelArg(k, 1, sizeof(cl_int), &n_cells));
  DRT_CL_CHECK(clSetKernelArg(k, 2, sizeof(cl_int), &n_chunks));
  DRT_CL_CHECK(clSetKernelArg(k, 3, sizeof(cl_mem), &s->out));
  size_t wg = s->ctx->work_group;
  size_t global = round_up((size_t)n_cells, wg);
  DRT_CL_CHECK(clEnqueueNDRangeKernel(s->ctx->queue, k, 1, NULL, &global, &wg,
                                      0, NULL, NULL));
error:
  return status;
}

/* Power at n <= DRT_TILE_CELLS points on the OpenCL device. */
static drt_status eval_tile(session *s, const double *xy, size_t n,
                            double *power) {
  drt_status status = DRT_OK;
  size_t rs = drt__real_size(s->ctx);
  int n_cells = (int)n;
  store_reals(s->ctx, xy, 2 * n, s->staging);
  DRT_CL_CHECK(clEnqueueWriteBuffer(s->ctx->queue, s->moving, CL_FALSE, 0,
                                    2 * n * rs, s->staging, 0, NULL, NULL));
  /* Slots past the chunk count of an order stay zero for the reduction. */
  double zero_d = 0;
  float zero_f = 0;
  DRT_CL_CHECK(clEnqueueFillBuffer(
      s->ctx->queue, s->partial,
      rs == sizeof(double) ? (void *)&zero_d : (void *)&zero_f, rs, 0,
      DRT_PARTIAL_SLOTS * rs, 0, NULL, NULL));
  size_t chunks = 1;
  for (int i = 0; i < s->n_orders && !status; i++)
    status = launch_order(s, i, n_cells, &chunks);
  if (status) return status;
  status = reduce_tile(s, n_cells, chunks);
  if (status) return status;
  DRT_CL_CHECK(clEnqueueReadBuffer(s->ctx->queue, s->out, CL_TRUE, 0, n * rs,
                                   s->staging, 0, NULL, NULL));
  load_reals(s->ctx, s->staging, n, power);
error:
  return status;
}

drt_status drt_eval_points(drt_context *ctx, const drt_scene *scene,
                           const drt_trace_options *opt, const double *xy,
                           size_t n, double *power) {
  drt_status status = drt_trace_options_check(opt, scene);
  if (status) return status;
  if (ctx->is_ref) return drt__ref_eval(scene, opt, xy, n, power);
  session s;
  status = session_open(&s, ctx, scene, opt);
  for (size_t done = 0; done < n && !status; done += DRT_TILE_CELLS) {
    size_t count = n - done < DRT_TILE_CELLS ? n - done : DRT_TILE_CELLS;
    status = eval_tile(&s, xy + 2 * done, count, power + done);
  }
  if (s.ctx) session_close(&s);
  return status;
}

void drt_grid_point(const drt_grid *g, int row, int col, double *x,
                    double *y) {
  double fx = g->nx > 1 ? (double)col / (g->nx - 1) : 0.0;
  double fy = g->ny > 1 ? (double)row / (g->ny - 1) : 0.0;
  *x = g->bbox[0] + fx * (g->bbox[2] - g->bbox[0]);
  *y = g->bbox[1] + fy * (g->bbox[3] - g->bbox[1]);
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

/* Grid points [first, first + n) in row-major order. */
static void fill_grid_points(const drt_grid *g, size_t first, size_t n,
                             double *xy) {
  for (size_t i = 0; i < n; i++) {
    size_t cell = first + i;
    drt_grid_point(g, (int)(cell / g->nx), (int)(cell % g->nx), &xy[2 * i],
                   &xy[2 * i + 1]);
  }
}

drt_status drt_map_compute(drt_context *ctx, const drt_scene *scene,
                           const drt_trace_options *opt, const drt_grid *grid,
                           double *power) {
  drt_status status = check_grid(grid);
  if (!status) status = drt_trace_options_check(opt, scene);
  if (status) return status;
  size_t total = (size_t)grid->nx * (size_t)grid->ny;
  double *xy = malloc(2 * DRT_TILE_CELLS * sizeof *xy);
  if (!xy) return drt__fail(DRT_ENOMEM, "map tile: out of memory");
  session s = {0};
  if (!ctx->is_ref) status = session_open(&s, ctx, scene, opt);
  for (size_t done = 0; done < total && !status; done += DRT_TILE_CELLS) {
    size_t count = total - done < DRT_TILE_CELLS ? total - done : DRT_TILE_CELLS;
    fill_grid_points(grid, done, count, xy);
    status = ctx->is_ref ? drt__ref_eval(scene, opt, xy, count, power + done)
                         : eval_tile(&s, xy, count, power + done);
  }
  if (s.ctx) session_close(&s);
  free(xy);
  return status;
}

/* The kernels' copies of these constants must match the public ones. */
#include "drt_cl_compat.h"
_Static_assert(DRT_OBJ_WALL == (int)DRT_OBJECT_WALL, "object type codes");
_Static_assert(DRT_OBJ_RIS == (int)DRT_OBJECT_RIS, "object type codes");
_Static_assert(DRT_OBJ_VERTEX == (int)DRT_OBJECT_VERTEX, "object type codes");
_Static_assert(DRT_SMOOTH_NONE == (int)DRT_SMOOTHING_NONE, "smoothing codes");
_Static_assert(DRT_SMOOTH_SIGMOID == (int)DRT_SMOOTHING_SIGMOID, "smoothing codes");
_Static_assert(DRT_SMOOTH_HARD_SIGMOID == (int)DRT_SMOOTHING_HARD_SIGMOID,
               "smoothing codes");
