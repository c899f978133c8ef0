/* trace_mpt.cl — tracing with min-path tracing (Levenberg-Marquardt on the
 * interaction errors, seeded random starts). */
#include "drt_path_mpt.h"

#define DRT_FIND_PATH(in, tx, rx, seed, cell, candidate, path)                 \
  drt_min_path(in, tx, rx, seed, cell, candidate, path)
#define DRT_PATH_TANGENTS(in, tx, rx, path, dpath)                             \
  drt_min_path_tangents(in, path, dpath)
#include "drt_trace_kernel.h"
