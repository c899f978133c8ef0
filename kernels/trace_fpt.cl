/* trace_fpt.cl — tracing with Fermat path tracing (Newton on path length). */
#include "drt_path_fpt.h"

#define DRT_FIND_PATH(in, tx, rx, seed, cell, candidate, path)                 \
  drt_fermat_path(in, tx, rx, path)
#define DRT_PATH_TANGENTS(in, tx, rx, path, dpath)                             \
  drt_fermat_tangents(in, path, dpath)
#include "drt_trace_kernel.h"
