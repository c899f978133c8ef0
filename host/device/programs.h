/* programs.h — the one table of the OpenCL programs drt2d builds: which
 * source each is built from, the -D options that make it what it is, its
 * kernels, and the cells a work-item takes. Built on first use, once per
 * context (and kept across processes by the program cache). */
#ifndef DRT_HOST_PROGRAMS_H
#define DRT_HOST_PROGRAMS_H

#include <CL/cl.h>
#include <stddef.h>

#include "drt2d.h"

/* What a program computes. */
typedef enum drt__program_kind {
  DRT__PROGRAM_POWER,          /* trace, reduce_chunks: power */
  DRT__PROGRAM_GRADIENT,       /* and trace_pairs: with d/d(moving x, y) */
  DRT__PROGRAM_SCENE,          /* trace_scene: d/d(every scene parameter) */
  DRT__PROGRAM_STUDY_GRADIENT, /* study_eval (image method only) */
  DRT__PROGRAM_STUDY_POWER,    /* study_power (image method only) */
  DRT__PROGRAM_RADIO_POWER,    /* the radio model's field or power */
  DRT__PROGRAM_RADIO_GRADIENT, /* and with d/d(moving x, y) */
  DRT__PROGRAM_PATHS,          /* trace_paths: each path's record */
  DRT__PROGRAM_RADIO_PATHS,    /* the same in the radio model */
  DRT__PROGRAM_RADIO_SCENE,    /* trace_scene in the radio model */
  DRT__PROGRAM_KINDS
} drt__program_kind;

#define DRT__PROGRAM_MAX_KERNELS 5

/* One built program and its kernels, in the table's order (kernel[0] is
 * the one launched over cells: trace, trace_scene, trace_paths, study_eval
 * or study_power; then reduce_chunks, trace_pairs, trace_culled and
 * reduce_culled where built; NULL where not). */
typedef struct drt__program {
  cl_program program;
  cl_kernel kernel[DRT__PROGRAM_MAX_KERNELS];
  size_t work_group; /* work-group size over cells, at most 64 */
  int lanes;         /* cells per work-item (DRT_LANES) */
} drt__program;

#define DRT__KERNEL_CELLS 0
#define DRT__KERNEL_REDUCE 1
#define DRT__KERNEL_PAIRS 2
#define DRT__KERNEL_CULLED 3
#define DRT__KERNEL_REDUCE_CULLED 4

/* The program of `kind` for `method`, built if not built yet. */
drt_status drt__program_get(drt_context *context, drt__program_kind kind,
                            drt_method method, const drt__program **program);

/* Releases every program of the context. */
void drt__programs_release(drt_context *context);

/* One kernel argument: its size and where its value is. */
typedef struct drt__arg {
  size_t size;
  const void *value;
} drt__arg;

/* Sets a kernel's arguments 0 .. n - 1 in order. */
drt_status drt__set_args(cl_kernel kernel, const drt__arg *args, size_t n);

#endif
