/* trace_fpt.cl — tracing with Fermat path tracing (Newton on path length). */
#include "drt_path_fpt.h"

#define DRT_FIND_PATH(in, tx, rx, seed, cell, candidate, path)                 \
  drt_fermat_path(in, tx, rx, path)
#include "drt_trace_kernel.h"
