/* trace_mpt.cl — tracing with min-path tracing (Levenberg-Marquardt on the
 * interaction errors, seeded random starts). */
#include "drt_path_mpt.h"

#define DRT_FIND_PATH(in, tx, rx, seed, cell, candidate, path)                 \
  drt_min_path(in, tx, rx, seed, cell, candidate, path)
#include "drt_trace_kernel.h"
