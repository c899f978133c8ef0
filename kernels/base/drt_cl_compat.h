/* drt_cl_compat.h — lets the kernel math headers compile both as OpenCL C
 * (the kernels) and as C11 (host tests of the exact same math). */
#ifndef DRT_CL_COMPAT_H
#define DRT_CL_COMPAT_H

#ifdef __OPENCL_VERSION__

/* No fused multiply-adds: the kernels then round exactly like the host
 * build of the same headers, so device and ref results can be compared
 * bit for bit in double precision. */
#pragma OPENCL FP_CONTRACT OFF

#ifdef DRT_DOUBLE
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define DRT_REAL_T double
#else
#define DRT_REAL_T float
#endif
typedef DRT_REAL_T real;
typedef ulong drt_u64;
/* Everything inlined: a helper left out of line (the compiler's choice for
 * small functions returning a drt_num) passes its vectors through memory. */
#define DRT_FN static inline __attribute__((always_inline))
#define DRT_GLOBAL __global

#ifndef DRT_LANES
#define DRT_LANES 1
#endif

#else /* host C11: always double */

#include <math.h>
#include <stdint.h>
typedef double real;
typedef uint64_t drt_u64;
#define DRT_FN static inline __attribute__((always_inline))
#define DRT_GLOBAL

/* The host computes one cell at a time. */
#define DRT_LANES 1

#endif

/* Cells per work-item: the per-cell math runs on `lreal`, a vector of
 * DRT_LANES reals, one lane per cell, while data shared by all the cells
 * (the scene, a candidate) stays in plain `real`. Branches that depend on
 * a cell become drt_sel(mask, a, b), every lane computing both sides, and
 * early exits wait until DRT_ALL / DRT_ANY lanes agree. One lane on GPUs,
 * whose work-items are lanes already, and on the host. */
#if DRT_LANES > 1
#define DRT_PASTE_(a, b) a##b
#define DRT_PASTE(a, b) DRT_PASTE_(a, b)
typedef DRT_PASTE(DRT_REAL_T, DRT_LANES) lreal;
/* What comparing two lreal gives (-1 true, 0 false per lane); as lanes of
 * integers it also carries per-lane indices. */
#ifdef DRT_DOUBLE
#define DRT_MASK_T long
#else
#define DRT_MASK_T int
#endif
typedef DRT_MASK_T drt_mask_elem;
typedef DRT_PASTE(DRT_MASK_T, DRT_LANES) lmask;
#define drt_store_mask(v, p) DRT_PASTE(vstore, DRT_LANES)(v, 0, p)
#define drt_sel_mask(m, a, b) select((lmask)(b), (lmask)(a), (m))
#define drt_sel(m, a, b) select((lreal)(b), (lreal)(a), (m))
#define DRT_ALL(m) all(m)
#define DRT_ANY(m) any(m)
#define drt_load_lanes(p) DRT_PASTE(vload, DRT_LANES)(0, p)
#define drt_store_lanes(v, p) DRT_PASTE(vstore, DRT_LANES)(v, 0, p)
#else
typedef real lreal;
typedef int drt_mask_elem;
typedef int lmask;
#define drt_store_mask(v, p) (*(p) = (v))
#define drt_sel_mask(m, a, b) ((m) ? (lmask)(a) : (lmask)(b))
#define drt_sel(m, a, b) ((m) ? (lreal)(a) : (lreal)(b))
#define DRT_ALL(m) (m)
#define DRT_ANY(m) (m)
#define drt_load_lanes(p) (*(p))
#define drt_store_lanes(v, p) (*(p) = (v))
#endif

/* Constants shared with the host (include/drt2d.h must agree). */
#define DRT_MAX_ORDER 8
/* Ints in a culled candidate row of order k (drt_driver.h: its index, its
 * fixed endpoint, its k objects, its obstruction list's first and count). */
#define DRT_CULLED_WIDTH(k) ((k) + 4)
#define DRT_SMOOTH_NONE 0
#define DRT_SMOOTH_SIGMOID 1
#define DRT_SMOOTH_HARD_SIGMOID 2
#define DRT_OBJ_WALL 0
#define DRT_OBJ_RIS 1
#define DRT_OBJ_VERTEX 2

#endif
