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
typedef double real;
#else
typedef float real;
#endif
typedef ulong drt_u64;
#define DRT_FN static inline
#define DRT_GLOBAL __global

#else /* host C11: always double */

#include <math.h>
#include <stdint.h>
typedef double real;
typedef uint64_t drt_u64;
#define DRT_FN static inline
#define DRT_GLOBAL

/* OpenCL's integer power. */
static inline double pown(double x, int n) {
  double result = 1.0;
  for (int i = 0; i < n; i++) result *= x;
  return result;
}

#endif

/* Constants shared with the host (include/drt2d.h must agree). */
#define DRT_MAX_ORDER 8
#define DRT_SMOOTH_NONE 0
#define DRT_SMOOTH_SIGMOID 1
#define DRT_SMOOTH_HARD_SIGMOID 2
#define DRT_OBJ_WALL 0
#define DRT_OBJ_RIS 1
#define DRT_OBJ_VERTEX 2

#endif
