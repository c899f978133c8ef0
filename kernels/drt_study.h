/* drt_study.h — one query of a convergence study: the power at one receiver
 * of one trial's scene from one transmitter position, with its derivatives
 * by the transmitter, summed over the trial's candidates (image method).
 * Shared by kernels/study.cl and the serial --device ref loop. Value-only
 * queries run DRT_LANES cells of one trial at once, as the map kernels. */
#ifndef DRT_STUDY_H
#define DRT_STUDY_H

/* The lane-ready headers come first: the kernel embedding inlines each
 * header once, where it first appears, so they must not first appear
 * inside the one-lane block below. */
#include "drt_cl_compat.h"
#include "drt_geometry.h"
#include "drt_interactions.h"
#include "drt_path_im.h"
#include "drt_smooth.h"
#include "drt_validity.h"
#if DRT_LANES == 1
#include "drt_gradient.h"
#endif

/* A trial's slice of the flat arrays: 4 ints per trial. */
#define DRT_STUDY_OBJ_FIRST 0  /* its first object in segments/types/phis */
#define DRT_STUDY_OBJ_COUNT 1
#define DRT_STUDY_CAND_FIRST 2 /* its first candidate row */
#define DRT_STUDY_CAND_COUNT 3

/* Power at rx from tx (one cell per lane) over the trial's candidates.
 * Candidate rows are `width` ints: the order k, then k object indices
 * local to the trial. */
DRT_FN lreal drt_study_power(DRT_GLOBAL const int *trial,
                             DRT_GLOBAL const real *segments,
                             DRT_GLOBAL const int *types,
                             DRT_GLOBAL const real *phis,
                             DRT_GLOBAL const int *candidates, int width,
                             drt_vec2 tx, drt_vec2 rx, drt_smoothing_params p) {
  const int first = trial[DRT_STUDY_OBJ_FIRST];
  DRT_GLOBAL const int *rows = candidates + trial[DRT_STUDY_CAND_FIRST] * width;
  drt_vec2 path[DRT_MAX_ORDER + 2];
  drt_interactions in;
  lreal sum = 0;
  for (int c = 0; c < trial[DRT_STUDY_CAND_COUNT]; c++) {
    DRT_GLOBAL const int *cand = rows + c * width + 1;
    drt_load_interactions(cand, rows[c * width], segments + 4 * first,
                          types + first, phis + first, &in);
    drt_image_method(&in, tx, rx, path);
    sum += drt_path_contribution(&in, path, cand, segments + 4 * first,
                                 types + first, trial[DRT_STUDY_OBJ_COUNT], p);
  }
  return sum;
}

#if DRT_LANES == 1
/* out[0] = P, out[1], out[2] = dP/dtx_x, dP/dtx_y: drt_study_power with
 * the derivatives of drt_gradient.h (scalar only). */
DRT_FN void drt_study_query(DRT_GLOBAL const int *trial,
                            DRT_GLOBAL const real *segments,
                            DRT_GLOBAL const int *types,
                            DRT_GLOBAL const real *phis,
                            DRT_GLOBAL const int *candidates, int width,
                            drt_vec2 tx, drt_vec2 rx, drt_smoothing_params p,
                            real *out) {
  const int first = trial[DRT_STUDY_OBJ_FIRST];
  DRT_GLOBAL const real *seg = segments + 4 * first;
  DRT_GLOBAL const int *typ = types + first;
  DRT_GLOBAL const int *rows = candidates + trial[DRT_STUDY_CAND_FIRST] * width;
  drt_vec2 path[DRT_MAX_ORDER + 2];
  drt_tangent dpath[DRT_MAX_ORDER + 2];
  drt_interactions in;
  drt_dual sum = drt_dual_const(0);
  for (int c = 0; c < trial[DRT_STUDY_CAND_COUNT]; c++) {
    DRT_GLOBAL const int *cand = rows + c * width + 1;
    const int k = rows[c * width];
    drt_load_interactions(cand, k, seg, typ, phis + first, &in);
    drt_image_method(&in, tx, rx, path);
    drt_endpoint_tangents(1, &dpath[0], &dpath[k + 1]);
    drt_image_method_tangents(&in, tx, rx, &dpath[0], &dpath[k + 1], dpath);
    drt_dual power = drt_path_contribution_dual(
        &in, path, dpath, cand, seg, typ, trial[DRT_STUDY_OBJ_COUNT], p);
    sum.v += power.v;
    for (int i = 0; i < DRT_ND; i++) sum.d[i] += power.d[i];
  }
  out[0] = sum.v;
  out[1] = sum.d[0];
  out[2] = sum.d[1];
}
#endif

#endif
