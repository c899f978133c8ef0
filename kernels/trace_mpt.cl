/* trace_mpt.cl — tracing with min-path tracing (Levenberg-Marquardt on the
 * interaction errors, seeded random starts). */
#include "paths/drt_path_mpt.h"
#include "gradients/drt_tangents.h"

#define DRT_METHOD DRT_METHOD_MPT
#define DRT_FIND_PATH(in, tx, rx, seed, cell, key, path)                       \
  drt_min_path(in, tx, rx, seed, cell, key, path)
#include "drt_driver.h"
