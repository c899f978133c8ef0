/* programs.c — the one table of programs and their build options. */
#include "programs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_runtime.h"
#include "context_impl.h"
#include "error.h"

/* Lanes of a program: one, or the image method's on this device. */
enum { LANES_ONE, LANES_OF_METHOD };

static const struct program_spec {
  int per_method;      /* trace_<method>.cl, else study.cl (image method) */
  const char *defines; /* what the program computes */
  int lanes;
  const char *kernels[DRT__PROGRAM_MAX_KERNELS];
} specs[DRT__PROGRAM_KINDS] = {
    [DRT__PROGRAM_POWER] = {1, "-DDRT_ND=0", LANES_OF_METHOD,
                            {"trace", "reduce_chunks", NULL, "trace_culled",
                             "reduce_culled"}},
    [DRT__PROGRAM_GRADIENT] = {1, "-DDRT_ND=2", LANES_OF_METHOD,
                               {"trace", "reduce_chunks", "trace_pairs",
                                "trace_culled", "reduce_culled"}},
    [DRT__PROGRAM_SCENE] = {1, "-DDRT_ND=2 -DDRT_MOVING_OBJECTS", LANES_ONE,
                            {"trace_scene", NULL, NULL}},
    [DRT__PROGRAM_STUDY_GRADIENT] = {0, "-DDRT_ND=2", LANES_ONE,
                                     {"study_eval", "study_descend", NULL}},
    [DRT__PROGRAM_STUDY_POWER] = {0, "-DDRT_ND=0", LANES_OF_METHOD,
                                  {"study_power", "study_map", "study_refine"}},
    [DRT__PROGRAM_RADIO_POWER] = {1, "-DDRT_ND=0 -DDRT_RADIO", LANES_OF_METHOD,
                                  {"trace", "reduce_chunks", NULL,
                                   "trace_culled", "reduce_culled"}},
    [DRT__PROGRAM_RADIO_GRADIENT] = {1, "-DDRT_ND=2 -DDRT_RADIO",
                                     LANES_OF_METHOD,
                                     {"trace", "reduce_chunks", "trace_pairs",
                                      "trace_culled", "reduce_culled"}},
    [DRT__PROGRAM_PATHS] = {1, "-DDRT_ND=0 -DDRT_PATHS", LANES_ONE,
                            {"trace_paths", NULL, NULL, NULL, NULL}},
    [DRT__PROGRAM_RADIO_PATHS] = {1, "-DDRT_ND=0 -DDRT_RADIO -DDRT_PATHS",
                                  LANES_ONE,
                                  {"trace_paths", NULL, NULL, NULL, NULL}},
    [DRT__PROGRAM_RADIO_SCENE] = {1,
                                  "-DDRT_ND=2 -DDRT_MOVING_OBJECTS -DDRT_RADIO",
                                  LANES_ONE,
                                  {"trace_scene", NULL, NULL, NULL, NULL}},
};

static const char *const method_sources[DRT_METHOD_COUNT] = {
    "trace_im.cl", "trace_fpt.cl", "trace_mpt.cl"};

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

/* Cells per work-item of a method's kernels (DRT_LANES). A GPU's lanes
 * are its work-items: 1. A CPU's OpenCL compiler does not pack the
 * work-items of a kernel with inner loops into SIMD lanes, so there the
 * image method computes the device's preferred vector width of cells at
 * once (rounded down to 1, 2, 4, 8 or 16); the iterative solvers, which
 * branch per cell, keep 1. The environment variable DRT_LANES sets the
 * image method's lanes on any device, and must then be one of those
 * counts: DRT_LANES=1 runs the GPU code path on a CPU. */
static drt_status method_lanes(const drt_context *ctx, drt_method method,
                               int *lanes) {
  *lanes = 1;
  if (method != DRT_METHOD_IM) return DRT_OK;
  const char *forced = getenv("DRT_LANES");
  if (forced && *forced) {
    static const char *const allowed[] = {"1", "2", "4", "8", "16"};
    for (int i = 0; i < 5; i++)
      if (strcmp(forced, allowed[i]) == 0) {
        *lanes = 1 << i;
        return DRT_OK;
      }
    return drt__fail(DRT_EINVAL, "DRT_LANES=%s: expected 1, 2, 4, 8 or 16 "
                     "cells per work-item (or unset)", forced);
  }
  cl_uint width = cpu_vector_width(ctx);
  while (*lanes < 16 && (cl_uint)(2 * *lanes) <= width) *lanes *= 2;
  return DRT_OK;
}

static drt_status create_kernels(drt_context *ctx,
                                 const struct program_spec *spec,
                                 drt__program *prog) {
  drt_status status = DRT_OK;
  cl_int err;
  for (int i = 0; i < DRT__PROGRAM_MAX_KERNELS; i++) {
    if (!spec->kernels[i]) continue;
    prog->kernel[i] = clCreateKernel(prog->program, spec->kernels[i], &err);
    DRT_CL_CHECK(err);
  }
  size_t most = 0;
  DRT_CL_CHECK(clGetKernelWorkGroupInfo(prog->kernel[0], ctx->device,
                                        CL_KERNEL_WORK_GROUP_SIZE, sizeof most,
                                        &most, NULL));
  prog->work_group = most < 64 ? most : 64;
error:
  return status;
}

static void release_program(drt__program *prog) {
  for (int i = 0; i < DRT__PROGRAM_MAX_KERNELS; i++)
    if (prog->kernel[i]) clReleaseKernel(prog->kernel[i]);
  if (prog->program) clReleaseProgram(prog->program);
  memset(prog, 0, sizeof *prog);
}

drt_status drt__program_get(drt_context *ctx, drt__program_kind kind,
                            drt_method method, const drt__program **out) {
  const struct program_spec *spec = &specs[kind];
  if (!spec->per_method) method = DRT_METHOD_IM;
  drt__program *prog = &ctx->programs[kind][method];
  *out = prog;
  if (prog->kernel[0]) return DRT_OK;
  prog->lanes = 1;
  if (spec->lanes == LANES_OF_METHOD) {
    drt_status status = method_lanes(ctx, method, &prog->lanes);
    if (status) {
      *out = NULL;
      return status;
    }
  }
  char options[160];
  snprintf(options, sizeof options, "-cl-std=CL1.2%s -DDRT_LANES=%d %s",
           ctx->precision == DRT_PRECISION_DOUBLE ? " -DDRT_DOUBLE" : "",
           prog->lanes, spec->defines);
  const char *source = spec->per_method ? method_sources[method] : "study.cl";
  drt_status status = drt__cl_build_program(ctx->cl, ctx->device, source,
                                            options, &prog->program);
  if (!status) status = create_kernels(ctx, spec, prog);
  if (status) {
    release_program(prog);
    *out = NULL;
  }
  return status;
}

void drt__programs_release(drt_context *ctx) {
  for (int kind = 0; kind < DRT__PROGRAM_KINDS; kind++)
    for (int m = 0; m < DRT_METHOD_COUNT; m++)
      release_program(&ctx->programs[kind][m]);
}

drt_status drt__set_args(cl_kernel kernel, const drt__arg *args, size_t n) {
  drt_status status = DRT_OK;
  for (size_t a = 0; a < n; a++)
    DRT_CL_CHECK(clSetKernelArg(kernel, (cl_uint)a, args[a].size, args[a].value));
error:
  return status;
}
