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

static const char *const method_programs[DRT_METHOD_COUNT] = {
    "trace_im.cl", "trace_fpt.cl", "trace_mpt.cl"};

static drt_status create_kernels(drt_context *ctx, drt__program *prog,
                                 int gradient) {
  drt_status status = DRT_OK;
  cl_int err;
  prog->trace = clCreateKernel(prog->program, "trace", &err);
  DRT_CL_CHECK(err);
  prog->reduce = clCreateKernel(prog->program, "reduce_chunks", &err);
  DRT_CL_CHECK(err);
  if (gradient) {
    prog->pairs = clCreateKernel(prog->program, "trace_pairs", &err);
    DRT_CL_CHECK(err);
  }
  size_t kernel_wg = 0;
  DRT_CL_CHECK(clGetKernelWorkGroupInfo(prog->trace, ctx->device,
                                        CL_KERNEL_WORK_GROUP_SIZE,
                                        sizeof kernel_wg, &kernel_wg, NULL));
  prog->work_group = kernel_wg < 64 ? kernel_wg : 64;
error:
  return status;
}

/* The preferred vector width of a CPU device; 1 for any other device. */
static cl_uint cpu_vector_width(const drt_context *ctx) {
  cl_device_type type = 0;
  cl_uint width = 1;
  cl_device_info query = ctx->precision == DRT_PRECISION_DOUBLE
                             ? CL_DEVICE_PREFERRED_VECTOR_WIDTH_DOUBLE
                             : CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT;
  if (clGetDeviceInfo(ctx->device, CL_DEVICE_TYPE, sizeof type, &type,
                      NULL) != CL_SUCCESS ||
      !(type & CL_DEVICE_TYPE_CPU) ||
      clGetDeviceInfo(ctx->device, query, sizeof width, &width, NULL) !=
          CL_SUCCESS)
    return 1;
  return width;
}

/* Cells per work-item of a method's trace kernel (DRT_LANES). A GPU's
 * lanes are its work-items: 1. A CPU's OpenCL compiler does not pack the
 * work-items of a kernel with inner loops into SIMD lanes, so there the
 * image method computes the device's preferred vector width of cells at
 * once; the iterative solvers, which branch per cell, keep 1. The
 * environment variable DRT_LANES sets the image method's lanes on any
 * device (rounded down to 1, 2, 4, 8 or 16): DRT_LANES=1 runs the GPU code
 * path on a CPU. */
static int method_lanes(const drt_context *ctx, drt_method method) {
  if (method != DRT_METHOD_IM) return 1;
  const char *forced = getenv("DRT_LANES");
  cl_uint width = forced && *forced ? (cl_uint)strtoul(forced, NULL, 10)
                                    : cpu_vector_width(ctx);
  int lanes = 1;
  while (lanes < 16 && (cl_uint)(2 * lanes) <= width) lanes *= 2;
  return lanes;
}

drt_status drt__context_program(drt_context *ctx, drt_method method,
                                int gradient, const drt__program **out) {
  drt__program *prog = &ctx->programs[gradient ? 1 : 0][method];
  *out = prog;
  if (prog->trace) return DRT_OK;
  prog->lanes = method_lanes(ctx, method);
  char options[128];
  snprintf(options, sizeof options, "-cl-std=CL1.2%s%s -DDRT_LANES=%d",
           ctx->precision == DRT_PRECISION_DOUBLE ? " -DDRT_DOUBLE" : "",
           gradient ? " -DDRT_ND=2" : "", prog->lanes);
  drt_status status =
      drt__cl_build_program(ctx->cl, ctx->device, method_programs[method],
                            options, &prog->program);
  return status ? status : create_kernels(ctx, prog, gradient);
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
  if (!status) status = drt__context_program(ctx, DRT_METHOD_IM, 0, &unused);
  return status ? status : self_test(ctx);
}

drt_status drt_context_create(const drt_context_options *options,
                              drt_context **out) {
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
  for (int g = 0; g < 2; g++)
    for (int m = 0; m < DRT_METHOD_COUNT; m++) {
      drt__program *prog = &ctx->programs[g][m];
      if (prog->trace) clReleaseKernel(prog->trace);
      if (prog->reduce) clReleaseKernel(prog->reduce);
      if (prog->pairs) clReleaseKernel(prog->pairs);
      if (prog->program) clReleaseProgram(prog->program);
    }
  for (int m = 0; m < DRT_METHOD_COUNT; m++) {
    if (ctx->scene_kernels[m]) clReleaseKernel(ctx->scene_kernels[m]);
    if (ctx->scene_programs[m]) clReleaseProgram(ctx->scene_programs[m]);
  }
  for (int i = 0; i < 2; i++) {
    if (ctx->study_kernel[i]) clReleaseKernel(ctx->study_kernel[i]);
    if (ctx->study_program[i]) clReleaseProgram(ctx->study_program[i]);
  }
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

void drt_context_last_stats(const drt_context *ctx, drt_eval_stats *stats) {
  *stats = ctx->last_stats;
}

drt_status drt_devices_describe(char *buf, size_t size) {
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
