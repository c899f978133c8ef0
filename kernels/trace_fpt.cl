/* trace_fpt.cl — tracing with Fermat path tracing (Newton on path length). */
#include "paths/drt_path_fpt.h"
#include "gradients/drt_tangents.h"

#define DRT_METHOD DRT_METHOD_FPT
#define DRT_FIND_PATH(in, tx, rx, seed, cell, key, path)                       \
  drt_fermat_path(in, tx, rx, path)
#include "drt_driver.h"
