/* context_impl.h — the inside of a drt_context, shared by the device,
 * evaluation and study code. */
#ifndef DRT_HOST_CONTEXT_IMPL_H
#define DRT_HOST_CONTEXT_IMPL_H

#include <CL/cl.h>

#include "drt2d.h"
#include "programs.h"

struct drt_context {
  int is_ref;              /* serial C evaluator, no OpenCL objects */
  drt_precision precision;
  char device_name[512];
  cl_device_id device;
  cl_context cl;
  cl_command_queue queue;
  /* Every program of programs.h, by [kind][method], built on first use. */
  drt__program programs[DRT__PROGRAM_KINDS][DRT_METHOD_COUNT];
  cl_uint compute_units;
  cl_ulong max_alloc;      /* CL_DEVICE_MAX_MEM_ALLOC_SIZE */
  drt_eval_stats last_stats;
  drt_progress_callback progress; /* drt_context_set_progress; may be NULL */
  void *progress_user;
};

/* Bytes of one `real` on this context. */
static inline size_t drt__real_size(const struct drt_context *context) {
  return context->precision == DRT_PRECISION_DOUBLE ? sizeof(double)
                                                    : sizeof(float);
}

/* Several evaluations reported to the context's callback as one: while
 * the share is on, an evaluation's (done, total) reaches the callback as
 * (before + done, whole), the caller moving `before` on between them. */
typedef struct drt__progress_share {
  drt_progress_callback outer;
  void *outer_user;
  double before, whole;
} drt__progress_share;

/* Puts the share on ctx (nothing to do without a callback), and back. */
void drt__progress_share_begin(struct drt_context *context,
                               drt__progress_share *share, double whole);
void drt__progress_share_end(struct drt_context *context,
                             const drt__progress_share *share);

/* n doubles written into dst as the context's real type, and back. */
void drt__store_reals(const struct drt_context *context, const double *src,
                      size_t n, void *dst);
void drt__load_reals(const struct drt_context *context, const void *src,
                     size_t n, double *dst);

#endif
