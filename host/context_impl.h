/* context_impl.h — the inside of a drt_context, shared by the engine. */
#ifndef DRT_HOST_CONTEXT_IMPL_H
#define DRT_HOST_CONTEXT_IMPL_H

#include <CL/cl.h>

#include "drt2d.h"

struct drt_context {
  int is_ref;              /* serial C evaluator, no OpenCL objects */
  drt_precision precision;
  char device_name[512];
  cl_device_id device;
  cl_context cl;
  cl_command_queue queue;
  /* One program per path method, built on first use. */
  cl_program program[DRT_METHOD_COUNT];
  cl_kernel trace[DRT_METHOD_COUNT];
  cl_kernel reduce_chunks[DRT_METHOD_COUNT];
  cl_kernel trace_grad[DRT_METHOD_COUNT];
  cl_kernel reduce_chunks_grad[DRT_METHOD_COUNT];
  size_t work_group[DRT_METHOD_COUNT]; /* work-group size over cells */
  int lanes[DRT_METHOD_COUNT];  /* cells per work-item (DRT_LANES) */
  cl_uint compute_units;
  cl_ulong max_alloc;      /* CL_DEVICE_MAX_MEM_ALLOC_SIZE */
  drt_eval_stats last_stats;
};

/* Builds the program of `method` if not built yet. */
drt_status drt__context_method(struct drt_context *context, drt_method method);

/* Bytes of one `real` on this context. */
static inline size_t drt__real_size(const struct drt_context *context) {
  return context->precision == DRT_PRECISION_DOUBLE ? sizeof(double)
                                                    : sizeof(float);
}

#endif
