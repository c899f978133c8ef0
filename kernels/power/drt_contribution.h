/* drt_contribution.h — what one traced path adds to a result: its power
 * (with the moving endpoint's derivatives in gradient programs) for maps,
 * points, pairs and studies, or its power with the derivatives by every
 * scene parameter (scene-gradient programs, -DDRT_MOVING_OBJECTS) in a
 * point's result layout. Shared by the kernels and the serial ref. */
#ifndef DRT_CONTRIBUTION_H
#define DRT_CONTRIBUTION_H

#include "base/drt_cl_compat.h"
#include "gradients/drt_moves.h"
#include "base/drt_num.h"
#include "power/drt_power.h"
#include "gradients/drt_tangents.h"

/* The tangents of the path's points along the moving endpoint's x and y
 * (DRT_ND = 2; none in value programs), for drt_path_power and
 * drt_path_radio. */
DRT_FN void drt_endpoint_tangents(const drt_traced *tp, int vary_tx,
                                  drt_moves *mv, drt_tangent *dpath) {
#if DRT_ND > 0
  drt_moves_fill(tp->in, vary_tx, 0, mv);
  drt_path_tangents(tp->method, tp->in, tp->path, mv, dpath);
#else
  (void)tp;
  (void)vary_tx;
  (void)mv;
  (void)dpath;
#endif
}

/* The path's power and, along the moving endpoint's x and y, its
 * derivatives. */
DRT_FN drt_num drt_endpoint_power(const drt_traced *tp, int vary_tx,
                                  const drt_scene_view *sv,
                                  drt_smoothing_params p) {
  drt_moves mv;
  drt_tangent dpath[DRT_MAX_ORDER + 2];
  drt_blocker b = drt_blocker_unknown();
  drt_endpoint_tangents(tp, vary_tx, &mv, dpath);
  return drt_path_power(tp, dpath, &mv, sv, p, &b);
}

#ifdef DRT_RADIO
/* The radio model's field (coherent) or power (incoherent) of the path
 * from transmitter entry tx (drt_path_radio), with its derivatives along
 * the moving endpoint's x and y. */
DRT_FN drt_cnum drt_endpoint_radio(const drt_traced *tp, int vary_tx, int tx,
                                   const drt_scene_view *sv,
                                   drt_smoothing_params p) {
  drt_moves mv;
  drt_tangent dpath[DRT_MAX_ORDER + 2];
  drt_blocker b = drt_blocker_unknown();
  drt_endpoint_tangents(tp, vary_tx, &mv, dpath);
  return drt_path_radio(tp, dpath, &mv, sv, p, &b, tx);
}
#endif

/* A path's record (drt_path_record, trace_paths) through k objects:
 * DRT_PATH_RECORD(k) reals, its k + 2 points (x, y) from DRT_PATH_POINTS;
 * host/eval/paths.c reads it. */
#define DRT_PATH_POINTS 5
#define DRT_PATH_RECORD(k) (DRT_PATH_POINTS + 2 * ((k) + 2))

#ifdef DRT_PATHS
/* A traced path's record for `drt2d paths` (value programs): its
 * validity V, its contribution's real and imaginary parts, its length,
 * then (written by the caller) the solver's iterations and the path's
 * k + 2 points. The contribution is, in the radio model, the amplitude a
 * from transmitter entry tx before the host's constant (drt_path_amplitude),
 * so the path adds V a to the coherent field and V |a|^2 to the
 * incoherent power; in the paper's model, the weight W (im 0), so it adds
 * V W. A path with V = 0 records a zero contribution. */
DRT_FN void drt_path_record(const drt_traced *tp, int tx,
                            const drt_scene_view *sv, drt_smoothing_params p,
                            DRT_GLOBAL real *out) {
  drt_moves mv;
  drt_tangent dpath[DRT_MAX_ORDER + 2];
  drt_blocker b = drt_blocker_unknown();
  drt_endpoint_tangents(tp, 0, &mv, dpath);
  drt_num v = drt_path_validity(tp, dpath, &mv, sv, p, &b);
  drt_num length = drt_length(tp->path, dpath, tp->in->k);
  real re = 0, im = 0;
  if (v.v > (real)0) {
#ifdef DRT_RADIO
    drt_cnum a = drt_path_amplitude(tp, dpath, &mv, sv, tx, length);
    re = a.re.v;
    im = a.im.v;
#else
    (void)tx;
    re = drt_paper_weight(length, tp->in->k).v;
#endif
  }
  out[0] = v.v > (real)0 ? v.v : (real)0;
  out[1] = re;
  out[2] = im;
  out[3] = length.v;
}
#endif

#ifdef DRT_MOVING_OBJECTS
/* Index in that layout of direction dir of a path through objects cand
 * from fixed endpoint `fixed`, deciding obstruction object bm; -1 for
 * none. */
DRT_FN int drt_scene_slot(const drt_traced *tp, int dir, int fixed, int bm,
                          int n_objects) {
  int k = tp->in->k, objects_end = DRT_SG_ENDPOINTS + DRT_SG_PER_OBJECT * k;
  if (dir < 2) return 1 + dir;
  if (dir < DRT_SG_ENDPOINTS)
    return 4 + DRT_SG_PER_OBJECT * n_objects + 2 * fixed + dir - 2;
  if (dir < objects_end) {
    int rel = dir - DRT_SG_ENDPOINTS;
    return 3 + DRT_SG_PER_OBJECT * tp->cand[rel / DRT_SG_PER_OBJECT] +
           rel % DRT_SG_PER_OBJECT;
  }
  if (dir < objects_end + DRT_SG_BLOCKER && bm >= 0)
    return 3 + DRT_SG_PER_OBJECT * bm + dir - objects_end;
  return -1;
}

/* Adds the path's power and its derivatives by every scene parameter into
 * one point's result `out`, DRT_ND directions a block. Only the path's
 * objects and the one deciding its obstruction enter its power, so its
 * derivatives by the rest of the scene are 0; dP/dR = k P / R. */
DRT_FN void drt_scene_power(const drt_traced *tp, int vary_tx, int fixed,
                            const drt_scene_view *sv, drt_smoothing_params p,
                            DRT_GLOBAL real *out) {
  drt_moves mv;
  drt_tangent dpath[DRT_MAX_ORDER + 2];
  drt_blocker b = drt_blocker_unknown();
  int directions = drt_scene_directions(tp->in->k);
  for (int first = 0; first < directions; first += DRT_ND) {
    drt_moves_fill(tp->in, vary_tx, first, &mv);
    drt_path_tangents(tp->method, tp->in, tp->path, &mv, dpath);
    drt_num power = drt_path_power(tp, dpath, &mv, sv, p, &b);
    if (first == 0) {
      if (!(power.v > (real)0)) return; /* V = 0: no power, no derivative */
      out[0] += power.v;
      out[3 + DRT_SG_PER_OBJECT * sv->n_objects] +=
          (real)tp->in->k * power.v / DRT_R;
    }
    for (int i = 0; i < DRT_ND; i++) {
      int slot = drt_scene_slot(tp, first + i, fixed, (int)b.m, sv->n_objects);
      if (slot >= 0) out[slot] += power.d[i];
    }
  }
}

#ifdef DRT_RADIO
/* The radio model's counterpart (drt_radio_scene_stride's layout, `stride`
 * values a part): the path's field (coherent) or power (incoherent, im 0)
 * with its derivatives by every scene parameter, the real parts from
 * out[0], the imaginary from out[stride]. The last direction turns the
 * fixed transmitter's antenna; its slot follows the paper's layout. */
DRT_FN void drt_scene_radio(const drt_traced *tp, int vary_tx, int fixed,
                            int n_fixed, const drt_scene_view *sv,
                            drt_smoothing_params p, DRT_GLOBAL real *out) {
  drt_moves mv;
  drt_tangent dpath[DRT_MAX_ORDER + 2];
  drt_blocker b = drt_blocker_unknown();
  const int directions = drt_scene_directions(tp->in->k);
  const int stride = drt_radio_scene_stride(sv->n_objects, n_fixed);
  const int turn = directions - 1;
  for (int first = 0; first < directions; first += DRT_ND) {
    drt_moves_fill(tp->in, vary_tx, first, &mv);
    drt_path_tangents(tp->method, tp->in, tp->path, &mv, dpath);
    drt_cnum f = drt_path_radio(tp, dpath, &mv, sv, p, &b, vary_tx ? -1 : fixed);
    if (first == 0) {
      if (f.re.v == (real)0 && f.im.v == (real)0) return; /* V = 0 */
      out[0] += f.re.v;
      out[stride] += f.im.v;
    }
    for (int i = 0; i < DRT_ND; i++) {
      int dir = first + i, slot = -1;
      if (dir < turn)
        slot = drt_scene_slot(tp, dir, fixed, (int)b.m, sv->n_objects);
      else if (dir == turn && !vary_tx)
        slot = drt_scene_stride(sv->n_objects, n_fixed) + fixed;
      if (slot < 0) continue;
      out[slot] += f.re.d[i];
      out[stride + slot] += f.im.d[i];
    }
  }
}
#endif
#endif

#endif
