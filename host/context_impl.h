/* context_impl.h — the inside of a drt_context, shared by the engine. */
#ifndef DRT_HOST_CONTEXT_IMPL_H
#define DRT_HOST_CONTEXT_IMPL_H

#include <CL/cl.h>

#include "drt2d.h"

/* One built trace program: a path method's value kernels, or with
 * gradient its value-and-gradient kernels. */
typedef struct drt__program {
  cl_program program;
  cl_kernel trace;   /* "trace" or "trace_grad" */
  cl_kernel reduce;  /* "reduce_chunks" or "reduce_chunks_grad" */
  cl_kernel pairs;   /* gradient programs: "trace_grad_pairs" */
  size_t work_group; /* work-group size over cells */
  int lanes;         /* cells per work-item (DRT_LANES) */
} drt__program;

struct drt_context {
  int is_ref;              /* serial C evaluator, no OpenCL objects */
  drt_precision precision;
  char device_name[512];
  cl_device_id device;
  cl_context cl;
  cl_command_queue queue;
  /* Programs by [gradient][method], built on first use. */
  struct drt__program programs[2][DRT_METHOD_COUNT];
  /* The convergence study's programs (kernels/study.cl), built on first
   * use by host/study_eval.c: [0] one lane (study_eval), [1] the image
   * method's lanes (study_power). */
  cl_program study_program[2];
  cl_kernel study_kernel[2];
  /* The scene-gradient programs by method (-DDRT_SCENE_GRADIENT) and
   * their trace_scene_grad kernels, built on first use by
   * host/scene_grad.c. */
  cl_program scene_programs[DRT_METHOD_COUNT];
  cl_kernel scene_kernels[DRT_METHOD_COUNT];
  cl_uint compute_units;
  cl_ulong max_alloc;      /* CL_DEVICE_MAX_MEM_ALLOC_SIZE */
  drt_eval_stats last_stats;
};

/* The program of `method` (with gradient: its value-and-gradient
 * variant), built if not built yet. */
drt_status drt__context_program(struct drt_context *context, drt_method method,
                                int gradient, const drt__program **program);

/* Bytes of one `real` on this context. */
static inline size_t drt__real_size(const struct drt_context *context) {
  return context->precision == DRT_PRECISION_DOUBLE ? sizeof(double)
                                                    : sizeof(float);
}

/* n doubles written into dst as the context's real type, and back. */
void drt__store_reals(const struct drt_context *context, const double *src,
                      size_t n, void *dst);
void drt__load_reals(const struct drt_context *context, const void *src,
                     size_t n, double *dst);

#endif
