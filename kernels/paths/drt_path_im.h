/* drt_path_im.h — path points by the image method (docs/method.md §5),
 * walls only. */
#ifndef DRT_PATH_IM_H
#define DRT_PATH_IM_H

#include "base/drt_cl_compat.h"
#include "base/drt_geometry.h"
#include "paths/drt_interactions.h"

/* Fills path[0..k+1] = tx, reflection points, rx. Forward: images of tx in
 * each wall in turn; backward from rx: intersect the line towards each
 * image with its wall. Returns 0: no iterations. */
DRT_FN int drt_image_method(const drt_interactions *in, drt_vec2 tx,
                            drt_vec2 rx, drt_vec2 *path) {
  drt_vec2 images[DRT_MAX_ORDER];
  drt_vec2 image = tx;
  for (int j = 0; j < in->k; j++) {
    image = drt_mirror(image, in->a[j], in->n[j]);
    images[j] = image;
  }
  drt_vec2 q = rx;
  for (int j = in->k - 1; j >= 0; j--) {
    drt_vec2 u = drt_sub(q, images[j]);
    lreal un = drt_dot(u, in->n[j]);
    /* No step where un = 0 (lanes that divide by 0 keep q). */
    drt_vec2 moved =
        drt_add(q, drt_scale(u, drt_dot(drt_sub(in->a[j], q), in->n[j]) / un));
    q = drt_v2(drt_sel(un != (real)0, moved.x, q.x),
               drt_sel(un != (real)0, moved.y, q.y));
    path[j + 1] = q;
  }
  path[0] = tx;
  path[in->k + 1] = rx;
  return 0;
}

#endif
