/* drt_path_im.h — path points by the image method (DESIGN §6), walls only. */
#ifndef DRT_PATH_IM_H
#define DRT_PATH_IM_H

#include "drt_cl_compat.h"
#include "drt_geometry.h"

/* Scene objects live in flat arrays: 4 coordinates (ax, ay, bx, by) each. */
DRT_FN drt_vec2 drt_object_a(DRT_GLOBAL const real *segments, int i) {
  return drt_v2(segments[4 * i], segments[4 * i + 1]);
}
DRT_FN drt_vec2 drt_object_b(DRT_GLOBAL const real *segments, int i) {
  return drt_v2(segments[4 * i + 2], segments[4 * i + 3]);
}

/* Fills path[0..k+1] = tx, reflection points on walls cand[0..k-1], rx.
 * Forward: images of tx in each wall in turn; backward from rx: intersect
 * the line towards each image with its wall. */
DRT_FN void drt_image_method(drt_vec2 tx, drt_vec2 rx,
                             DRT_GLOBAL const int *cand, int k,
                             DRT_GLOBAL const real *segments, drt_vec2 *path) {
  drt_vec2 images[DRT_MAX_ORDER];
  drt_vec2 image = tx;
  for (int j = 0; j < k; j++) {
    drt_vec2 a = drt_object_a(segments, cand[j]);
    drt_vec2 n = drt_wall_normal(a, drt_object_b(segments, cand[j]));
    image = drt_mirror(image, a, n);
    images[j] = image;
  }
  drt_vec2 q = rx;
  for (int j = k - 1; j >= 0; j--) {
    drt_vec2 a = drt_object_a(segments, cand[j]);
    drt_vec2 n = drt_wall_normal(a, drt_object_b(segments, cand[j]));
    drt_vec2 u = drt_sub(q, images[j]);
    real un = drt_dot(u, n);
    if (un != (real)0) q = drt_add(q, drt_scale(u, drt_dot(drt_sub(a, q), n) / un));
    path[j + 1] = q;
  }
  path[0] = tx;
  path[k + 1] = rx;
}

#endif
