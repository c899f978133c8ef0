/* trace_im.cl — tracing with the image method (walls only, closed form). */
#include "drt_path_im.h"

/* The image method's paths obey the interaction laws by construction:
 * their loss does not move with the endpoints (drt_gradient.h). */
#define DRT_LOSS_STATIONARY

#define DRT_FIND_PATH(in, tx, rx, seed, cell, candidate, path)                 \
  drt_image_method(in, tx, rx, path)
#define DRT_PATH_TANGENTS(in, tx, rx, path, dpath)                             \
  drt_image_method_tangents(in, tx, rx, &dpath[0], &dpath[(in)->k + 1], dpath)
#include "drt_trace_kernel.h"
