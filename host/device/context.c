/* context.c — creating a context: the ref evaluator or an OpenCL device with
 * its program built for the chosen precision. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_runtime.h"
#include "context_impl.h"
#include "error.h"

void drt_context_options_init(drt_context_options *options) {
  memset(options, 0, sizeof *options);
  options->device = DRT_DEVICE_AUTO;
  options->precision = DRT_PRECISION_FLOAT;
}

static drt_status query_device(drt_context *ctx) {
  drt_status status = DRT_OK;
  DRT_CL_CHECK(clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_COMPUTE_UNITS,
                               sizeof ctx->compute_units, &ctx->compute_units,
                               NULL));
  DRT_CL_CHECK(clGetDeviceInfo(ctx->device, CL_DEVICE_MAX_MEM_ALLOC_SIZE,
                               sizeof ctx->max_alloc, &ctx->max_alloc, NULL));
error:
  return status;
}

static drt_status open_device(drt_context *ctx, const drt_context_options *o) {
  drt__cl_device_list list;
  drt_status status = drt__cl_list_devices(&list);
  if (status) return status;
  size_t picked = 0;
  status = drt__cl_pick_device(&list, o->device, o->index, &picked);
  if (status) goto error;
  ctx->device = list.devices[picked];
  drt__cl_describe_device(list.platforms[picked], ctx->device,
                          ctx->device_name, sizeof ctx->device_name);
  if (ctx->precision == DRT_PRECISION_DOUBLE && !drt__cl_has_fp64(ctx->device)) {
    status = drt__fail(DRT_ENOFP64, "%s has no double precision; use "
                       "--precision float", ctx->device_name);
    goto error;
  }
  cl_int err;
  cl_context_properties props[] = {
      CL_CONTEXT_PLATFORM, (cl_context_properties)list.platforms[picked], 0};
  ctx->cl = clCreateContext(props, 1, &ctx->device, NULL, NULL, &err);
  DRT_CL_CHECK(err);
  ctx->queue = clCreateCommandQueue(ctx->cl, ctx->device, 0, &err);
  DRT_CL_CHECK(err);
error:
  drt__cl_free_device_list(&list);
  return status;
}

/* A known-answer test of the image-method kernels: in a scene with one
 * wall, y = 0, and tx (0.3, 0.5), the power at rx is the line of sight
 * 1/(h^2 + |tx - rx|^2) plus the reflection R/(h^2 + |image(tx) - rx|^2),
 * image(tx) = (0.3, -0.5). A miscompiling driver fails here, when the
 * context is created, not in the middle of a study. */
static drt_status self_test(drt_context *ctx) {
  drt_scene *scene;
  drt_status status = drt_scene_create(&scene);
  if (!status) status = drt_scene_add_wall(scene, -10, 0, 10, 0);
  if (!status) status = drt_scene_add_tx(scene, NULL, 0.3, 0.5);
  double xy[4] = {0.9, 0.8, -0.4, 1.7}, power[2];
  drt_trace_options o;
  drt_trace_options_init(&o);
  if (!status) status = drt_eval_points(ctx, scene, &o, xy, 2, power);
  drt_scene_destroy(scene);
  if (status) return status;
  const double h2 = DRT_HEIGHT * DRT_HEIGHT;
  for (int i = 0; i < 2; i++) {
    double dx = xy[2 * i] - 0.3, up = xy[2 * i + 1] - 0.5;
    double down = xy[2 * i + 1] + 0.5;
    double expected = 1.0 / (h2 + dx * dx + up * up) +
                      DRT_REFLECTION_COEF / (h2 + dx * dx + down * down);
    if (!(fabs(power[i] - expected) <= 1e-5 * expected))
      return drt__fail(DRT_ECL, "%s failed the self-test: power %.9g where "
                       "%.9g is known: its compiler or driver, or kernels "
                       "loaded from DRT_KERNEL_DIR, compute wrong results "
                       "(use another device or --device ref)",
                       ctx->device_name, power[i], expected);
  }
  return DRT_OK;
}

/* Opens the device, builds the image-method program and runs the
 * known-answer test at once, so a broken kernel or driver shows when the
 * context is created. */
static drt_status open_opencl(drt_context *ctx, const drt_context_options *o) {
  drt_status status = open_device(ctx, o);
  if (!status) status = query_device(ctx);
  const drt__program *unused;
  if (!status)
    status = drt__program_get(ctx, DRT__PROGRAM_POWER, DRT_METHOD_IM, &unused);
  return status ? status : self_test(ctx);
}

drt_status drt_context_create(const drt_context_options *options,
                              drt_context **out) {
  drt__clear_error();
  drt_context_options defaults;
  if (!options) {
    drt_context_options_init(&defaults);
    options = &defaults;
  }
  *out = NULL;
  drt_context *ctx = calloc(1, sizeof *ctx);
  if (!ctx) return drt__fail(DRT_ENOMEM, "context: out of memory");
  ctx->precision = options->precision;
  drt_status status = DRT_OK;
  if (options->device == DRT_DEVICE_REF) {
    ctx->is_ref = 1;
    if (options->precision != DRT_PRECISION_DOUBLE)
      status = drt__fail(DRT_EINVAL, "the ref device computes in double "
                         "precision only; use --precision double");
    snprintf(ctx->device_name, sizeof ctx->device_name,
             "ref (serial C reference evaluator, double)");
  } else {
    status = open_opencl(ctx, options);
  }
  if (status) {
    drt_context_destroy(ctx);
    return status;
  }
  *out = ctx;
  return DRT_OK;
}

void drt_context_destroy(drt_context *ctx) {
  if (!ctx) return;
  drt__programs_release(ctx);
  if (ctx->queue) clReleaseCommandQueue(ctx->queue);
  if (ctx->cl) clReleaseContext(ctx->cl);
  free(ctx);
}

const char *drt_context_device_name(const drt_context *ctx) {
  return ctx->device_name;
}

drt_precision drt_context_precision(const drt_context *ctx) {
  return ctx->precision;
}

void drt_context_set_progress(drt_context *ctx,
                              drt_progress_callback callback, void *user) {
  ctx->progress = callback;
  ctx->progress_user = user;
}

static int report_share(void *user, double done, double total) {
  (void)total;
  drt__progress_share *share = user;
  return share->outer(share->outer_user, share->before + done, share->whole);
}

void drt__progress_share_begin(drt_context *ctx, drt__progress_share *share,
                               double whole) {
  *share = (drt__progress_share){ctx->progress, ctx->progress_user, 0, whole};
  if (share->outer) drt_context_set_progress(ctx, report_share, share);
}

void drt__progress_share_end(drt_context *ctx,
                             const drt__progress_share *share) {
  drt_context_set_progress(ctx, share->outer, share->outer_user);
}

void drt_context_last_stats(const drt_context *ctx, drt_eval_stats *stats) {
  *stats = ctx->last_stats;
}

drt_status drt_devices_describe(char *buf, size_t size) {
  drt__clear_error();
  if (!buf || size == 0)
    return drt__fail(DRT_EINVAL, "devices: no buffer to describe them into");
  drt__cl_device_list list;
  drt_status status = drt__cl_list_devices(&list);
  if (status) return status;
  size_t auto_pick = 0;
  status = drt__cl_pick_device(&list, DRT_DEVICE_AUTO, 0, &auto_pick);
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < list.count && !status && used < size; i++) {
    char name[512];
    drt__cl_describe_device(list.platforms[i], list.devices[i], name,
                            sizeof name);
    used += snprintf(buf + used, size - used, "%zu: %s%s\n", i, name,
                     i == auto_pick ? "  <- auto" : "");
  }
  drt__cl_free_device_list(&list);
  return status;
}

void drt__store_reals(const drt_context *ctx, const double *src, size_t n,
                      void *dst) {
  if (ctx->precision == DRT_PRECISION_DOUBLE) {
    memcpy(dst, src, n * sizeof(double));
    return;
  }
  float *f = dst;
  for (size_t i = 0; i < n; i++) f[i] = (float)src[i];
}

void drt__load_reals(const drt_context *ctx, const void *src, size_t n,
                     double *dst) {
  if (ctx->precision == DRT_PRECISION_DOUBLE) {
    memcpy(dst, src, n * sizeof(double));
    return;
  }
  const float *f = src;
  for (size_t i = 0; i < n; i++) dst[i] = f[i];
}
