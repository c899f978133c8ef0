/* trace_im.cl — tracing with the image method (walls only, closed form). */
#include "paths/drt_path_im.h"
#include "gradients/drt_tangents.h"

#define DRT_METHOD DRT_METHOD_IM
#define DRT_FIND_PATH(in, tx, rx, seed, cell, key, path)                       \
  drt_image_method(in, tx, rx, path)
#include "drt_driver.h"
