/* scene_grad.c — device side of the scene-parameter derivatives: the
 * trace_scene_grad kernel over tiles of points, one launch per order. */
#include "scene_grad.h"

#include <stdio.h>
#include <stdlib.h>

#include "cl_runtime.h"
#include "context_impl.h"
#define DRT_MOVING_OBJECTS /* drt_scene_stride */
#include "drt_contribution.h"
#include "error.h"
#include "session.h"

/* Device memory for one tile's results, and the most points a tile. */
#define DRT_SCENE_TILE_BYTES ((size_t)64 << 20)
#define DRT_SCENE_TILE_POINTS ((size_t)4096)

static const char *const method_programs[DRT_METHOD_COUNT] = {
    "trace_im.cl", "trace_fpt.cl", "trace_mpt.cl"};

size_t drt__scene_grad_stride(const drt_scene *scene,
                              const drt_trace_options *options) {
  size_t n_fixed = options->vary == DRT_VARY_TX ? drt_scene_rx_count(scene)
                                                : drt_scene_tx_count(scene);
  return (size_t)drt_scene_stride((int)drt_scene_object_count(scene),
                                  (int)n_fixed);
}

/* The method's trace_scene_grad kernel, its program built on first use. */
static drt_status scene_kernel(drt_context *ctx, drt_method method,
                               cl_kernel *kernel) {
  drt_status status = DRT_OK;
  if (!ctx->scene_programs[method]) {
    char options[128];
    snprintf(options, sizeof options,
             "-cl-std=CL1.2%s -DDRT_ND=2 -DDRT_MOVING_OBJECTS "
             "-DDRT_LANES=1",
             ctx->precision == DRT_PRECISION_DOUBLE ? " -DDRT_DOUBLE" : "");
    status = drt__cl_build_program(ctx->cl, ctx->device,
                                   method_programs[method], options,
                                   &ctx->scene_programs[method]);
    if (status) return status;
  }
  if (!ctx->scene_kernels[method]) {
    cl_int err;
    ctx->scene_kernels[method] = clCreateKernel(ctx->scene_programs[method],
                                                "trace_scene", &err);
    DRT_CL_CHECK(err);
  }
  *kernel = ctx->scene_kernels[method];
error:
  return status;
}

/* One tile's buffers and its host staging (device precision). */
typedef struct scene_tile {
  size_t points, stride;
  cl_mem moving, out, iterations;
  void *staging;
  cl_uint *counts;
} scene_tile;

static drt_status tile_open(drt_context *ctx, size_t points, size_t stride,
                            scene_tile *t) {
  drt_status status = DRT_OK;
  size_t rs = drt__real_size(ctx);
  cl_int err;
  *t = (scene_tile){.points = points, .stride = stride};
  t->moving = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY, 2 * points * rs, NULL,
                             &err);
  DRT_CL_CHECK(err);
  t->out = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE, points * stride * rs,
                          NULL, &err);
  DRT_CL_CHECK(err);
  t->iterations = clCreateBuffer(ctx->cl, CL_MEM_READ_WRITE,
                                 points * sizeof(cl_uint), NULL, &err);
  DRT_CL_CHECK(err);
  t->staging = malloc(points * (stride > 2 ? stride : 2) * rs);
  t->counts = malloc(points * sizeof *t->counts);
  if (!t->staging || !t->counts)
    status = drt__fail(DRT_ENOMEM, "scene gradient: out of memory");
error:
  return status;
}

static void tile_close(scene_tile *t) {
  cl_mem buffers[] = {t->moving, t->out, t->iterations};
  for (int i = 0; i < 3; i++)
    if (buffers[i]) clReleaseMemObject(buffers[i]);
  free(t->staging);
  free(t->counts);
}

/* Kernel arguments of order set i for `count` points from global point
 * `first`. */
static drt_status set_args(drt__session *s, scene_tile *t, cl_kernel k, int i,
                           cl_int count, cl_ulong first) {
  drt_status status = DRT_OK;
  const drt__candidates *set = &s->sets[i];
  cl_int order = set->order, n_cand = (cl_int)set->count;
  cl_int n_obj = (cl_int)drt_scene_object_count(s->scene);
  cl_int vary_tx = s->opt->vary == DRT_VARY_TX, mode = s->opt->smoothing;
  cl_int stride = (cl_int)t->stride;
  cl_ulong seed = s->opt->seed;
  double alpha_d = s->opt->alpha;
  float alpha_f = (float)alpha_d;
  int is_double = s->ctx->precision == DRT_PRECISION_DOUBLE;
  const struct {
    size_t size;
    const void *value;
  } args[] = {{sizeof(cl_mem), &t->moving},     {sizeof count, &count},
              {sizeof first, &first},           {sizeof(cl_mem), &s->fixed},
              {sizeof(cl_int), &s->n_fixed},    {sizeof vary_tx, &vary_tx},
              {sizeof(cl_mem), &s->segments},   {sizeof(cl_mem), &s->types},
              {sizeof(cl_mem), &s->phis},       {sizeof n_obj, &n_obj},
              {sizeof(cl_mem), &s->candidates[i]}, {sizeof order, &order},
              {sizeof n_cand, &n_cand},         {sizeof mode, &mode},
              {is_double ? sizeof alpha_d : sizeof alpha_f,
               is_double ? (const void *)&alpha_d : (const void *)&alpha_f},
              {sizeof seed, &seed},             {sizeof(cl_mem), &t->out},
              {sizeof stride, &stride},         {sizeof(cl_mem), &t->iterations}};
  for (cl_uint a = 0; a < sizeof args / sizeof args[0]; a++)
    DRT_CL_CHECK(clSetKernelArg(k, a, args[a].size, args[a].value));
error:
  return status;
}

/* Copies n doubles into the device's real type, or back. */
static void to_reals(int is_double, const double *src, size_t n, void *dst) {
  for (size_t i = 0; i < n; i++) {
    if (is_double) ((double *)dst)[i] = src[i];
    else ((float *)dst)[i] = (float)src[i];
  }
}

static void from_reals(int is_double, const void *src, size_t n, double *dst) {
  for (size_t i = 0; i < n; i++)
    dst[i] = is_double ? ((const double *)src)[i] : ((const float *)src)[i];
}

/* Clears the tile's results, then adds every order's launch into them. */
static drt_status launch_tile(drt__session *s, scene_tile *t, cl_kernel k,
                              size_t count, size_t first) {
  drt_status status = DRT_OK;
  size_t rs = drt__real_size(s->ctx);
  const double zero_d = 0;
  const float zero_f = 0;
  const cl_uint zero_u = 0;
  DRT_CL_CHECK(clEnqueueFillBuffer(
      s->ctx->queue, t->out,
      rs == sizeof(double) ? (const void *)&zero_d : (const void *)&zero_f, rs,
      0, count * t->stride * rs, 0, NULL, NULL));
  DRT_CL_CHECK(clEnqueueFillBuffer(s->ctx->queue, t->iterations, &zero_u,
                                   sizeof zero_u, 0, count * sizeof zero_u, 0,
                                   NULL, NULL));
  for (int i = 0; i < s->n_orders; i++) {
    if (s->sets[i].count == 0) continue;
    status = set_args(s, t, k, i, (cl_int)count, (cl_ulong)first);
    if (status) return status;
    DRT_CL_CHECK(clEnqueueNDRangeKernel(s->ctx->queue, k, 1, NULL, &count,
                                        NULL, 0, NULL, NULL));
  }
error:
  return status;
}

/* One tile: points up, kernels, results and iteration counts back. */
static drt_status eval_tile(drt__session *s, scene_tile *t, cl_kernel k,
                            const double *xy, size_t count, size_t first,
                            double *out, double *iterations) {
  drt_status status = DRT_OK;
  int is_double = s->ctx->precision == DRT_PRECISION_DOUBLE;
  size_t rs = drt__real_size(s->ctx);
  to_reals(is_double, xy, 2 * count, t->staging);
  DRT_CL_CHECK(clEnqueueWriteBuffer(s->ctx->queue, t->moving, CL_FALSE, 0,
                                    2 * count * rs, t->staging, 0, NULL, NULL));
  status = launch_tile(s, t, k, count, first);
  if (status) return status;
  DRT_CL_CHECK(clEnqueueReadBuffer(s->ctx->queue, t->out, CL_TRUE, 0,
                                   count * t->stride * rs, t->staging, 0, NULL,
                                   NULL));
  from_reals(is_double, t->staging, count * t->stride, out);
  DRT_CL_CHECK(clEnqueueReadBuffer(s->ctx->queue, t->iterations, CL_TRUE, 0,
                                   count * sizeof(cl_uint), t->counts, 0, NULL,
                                   NULL));
  for (size_t i = 0; i < count; i++) *iterations += t->counts[i];
error:
  return status;
}

drt_status drt__scene_grad_device(drt_context *ctx, const drt_scene *scene,
                                  const drt_trace_options *opt,
                                  const double *xy, size_t n, double *out,
                                  double *iterations) {
  size_t stride = drt__scene_grad_stride(scene, opt);
  size_t per_tile = DRT_SCENE_TILE_BYTES / (stride * drt__real_size(ctx));
  if (per_tile > DRT_SCENE_TILE_POINTS) per_tile = DRT_SCENE_TILE_POINTS;
  if (per_tile > n) per_tile = n;
  if (per_tile == 0) per_tile = 1;
  cl_kernel k = NULL;
  drt__session s = {0};
  scene_tile t = {0};
  drt_status status = scene_kernel(ctx, opt->method, &k);
  if (!status) status = drt__session_open_uploads(&s, ctx, scene, opt);
  if (!status) status = tile_open(ctx, per_tile, stride, &t);
  for (size_t done = 0; done < n && !status; done += per_tile) {
    size_t count = n - done < per_tile ? n - done : per_tile;
    status = eval_tile(&s, &t, k, xy + 2 * done, count, done,
                       out + stride * done, iterations);
  }
  tile_close(&t);
  if (s.ctx) drt__session_close(&s);
  return status;
}
