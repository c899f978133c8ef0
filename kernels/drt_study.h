/* drt_study.h — one query of a convergence study: the power at one receiver
 * of one trial's scene from one transmitter position (with DRT_ND = 2 its
 * derivatives by the transmitter), summed over the trial's candidates by
 * the image method through the one kernel driver. Shared by
 * kernels/study.cl and the serial --device ref loop. */
#ifndef DRT_STUDY_H
#define DRT_STUDY_H

#include "base/drt_cl_compat.h"
#include "paths/drt_path_im.h"
#include "gradients/drt_tangents.h"

#define DRT_METHOD DRT_METHOD_IM
#define DRT_FIND_PATH(in, tx, rx, seed, cell, key, path)                       \
  drt_image_method(in, tx, rx, path)
#include "drt_driver.h"

/* A trial's slice of the flat arrays: 4 ints per trial. */
#define DRT_STUDY_OBJ_FIRST 0  /* its first object in segments/types/phis */
#define DRT_STUDY_OBJ_COUNT 1
#define DRT_STUDY_CAND_FIRST 2 /* its first candidate row */
#define DRT_STUDY_CAND_COUNT 3

/* Power at rx from tx (one query per lane) over the trial's candidates,
 * with its derivatives by tx. Candidate rows are `width` ints: the order
 * k, then k object indices local to the trial. */
DRT_FN drt_num drt_study_power(DRT_GLOBAL const int *trial,
                               DRT_GLOBAL const real *segments,
                               DRT_GLOBAL const int *types,
                               DRT_GLOBAL const real *phis,
                               DRT_GLOBAL const int *candidates, int width,
                               drt_vec2 tx, drt_vec2 rx,
                               drt_smoothing_params p) {
  const int first = trial[DRT_STUDY_OBJ_FIRST];
  const drt_scene_view sv = {segments + 4 * first, types + first, phis + first,
                             trial[DRT_STUDY_OBJ_COUNT]};
  const drt_candidate_rows cr = {
      candidates + trial[DRT_STUDY_CAND_FIRST] * width, width, -1};
  /* One fixed endpoint, the query's own receiver. */
  drt_endpoints ep = drt_endpoints_all(tx, segments, 1, 1, 0, 0);
  ep.use_fixed = 0;
  ep.there = rx;
  drt_sink sink = drt_sink_empty(0);
  drt_trace_candidates(&cr, 0, trial[DRT_STUDY_CAND_COUNT], &ep, &sv, p,
                       &sink);
  return sink.sum;
}

#endif
