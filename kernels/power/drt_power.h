/* drt_power.h — the smoothed validity V of a traced path and its power
 * V R^k / (h^2 + L^2) (docs/method.md §6), on drt_num: values in value
 * programs, with their derivatives along the block's directions in the
 * gradient programs (docs/method.md §8). Written once for every program. */
#ifndef DRT_POWER_H
#define DRT_POWER_H

#include "base/drt_cl_compat.h"
#include "base/drt_geometry.h"
#include "paths/drt_interactions.h"
#include "paths/drt_laws.h"
#include "gradients/drt_moves.h"
#include "base/drt_num.h"
#include "base/drt_smooth.h"
#include "gradients/drt_tangents.h"
#include "power/drt_radio.h"

#define DRT_LOSS_TOL ((real)0.01)
#define DRT_R ((real)0.5)
#define DRT_H ((real)0.1)

/* The scene's objects as the kernels see them: 4 coordinates each
 * (drt_interactions.h), their types, RIS angles and count; and the objects
 * a path's obstruction scan tests: every one where `blockers` is 0 (NULL),
 * else the n_blockers listed, in increasing order (a culled candidate's
 * list holds every object that can meet its segments, docs/method.md §13). */
typedef struct drt_scene_view {
  DRT_GLOBAL const real *segments;
  DRT_GLOBAL const int *types;
  DRT_GLOBAL const real *phis;
  int n_objects;
  DRT_GLOBAL const int *blockers;
  int n_blockers;
  drt_wave wave; /* radio programs only */
} drt_scene_view;

/* The view of n_objects objects, every one obstructing, without a wave
 * (the paper's model; radio programs then set it). */
DRT_FN drt_scene_view drt_view_of(DRT_GLOBAL const real *segments,
                                  DRT_GLOBAL const int *types,
                                  DRT_GLOBAL const real *phis, int n_objects) {
  drt_scene_view sv;
  sv.segments = segments;
  sv.types = types;
  sv.phis = phis;
  sv.n_objects = n_objects;
  sv.blockers = 0;
  sv.n_blockers = 0;
  sv.wave.k = 0;
  sv.wave.flags = 0;
  sv.wave.materials = 0;
  return sv;
}

/* One traced path: its objects, points and how it was found. */
typedef struct drt_traced {
  const drt_interactions *in;
  const drt_vec2 *path;
  DRT_GLOBAL const int *cand; /* its object indices */
  int method;                 /* DRT_METHOD_* */
} drt_traced;

/* What the obstruction scan found for a path, kept for its next blocks of
 * directions: the obstruction's value and, per lane, the (segment j,
 * object m) test that decides it, -1 where none does. */
typedef struct drt_blocker {
  int known;
  lreal blocked;
  lmask j, m;
} drt_blocker;

/* A path's blocker before its scan. */
DRT_FN drt_blocker drt_blocker_unknown(void) {
  drt_blocker b;
  b.known = 0;
  b.blocked = 0;
  b.j = b.m = -1;
  return b;
}

/* Truth of "every interaction point lies on its object": u = t.(P - a) /
 * t.t in [0, 1], u moving with P and, when objects move, with a and t. */
DRT_FN drt_num drt_on_objects(const drt_traced *tp, const drt_tangent *dpath,
                              const drt_moves *mv, drt_smoothing_params p) {
  const drt_interactions *in = tp->in;
  /* Exact tests are piecewise constant: no tangent to take. */
  const int moves = p.mode != DRT_SMOOTH_NONE;
  drt_num on = drt_num_const(1);
  for (int j = 0; j < in->k; j++) {
    if (in->type[j] == DRT_OBJ_VERTEX) continue;
    drt_vec2 t = in->t[j], off = drt_sub(tp->path[j + 1], in->a[j]);
    lreal tt = drt_dot(t, t);
    lmask flat = tt == (real)0; /* divided by 1, which does not move */
    tt = drt_sel(flat, 1, tt);
    drt_num u = drt_num_const(drt_dot(t, off) / tt);
    for (int i = 0; i < DRT_ND && moves; i++) {
      drt_vec2 doff = dpath[j + 1].d[i];
      DRT_IF_MOVING(doff = drt_sub(doff, mv->a[j].d[i]);)
      lreal du = drt_dot(t, doff) DRT_IF_MOVING(
          + drt_dot(mv->t[j].d[i], off) -
          u.v * drt_sel(flat, 0, (real)2 * drt_dot(t, mv->t[j].d[i])));
      u.d[i] = du / tt;
    }
#ifdef DRT_RADIO
    /* In metres: u |t| >= 0 and (1 - u) |t| >= 0, |t| moving with the
     * object where objects move (d|t| = t . dt / |t|). */
    drt_num len = drt_num_const(sqrt(tt));
    DRT_IF_MOVING(for (int i = 0; i < DRT_ND && moves; i++) len.d[i] =
                      drt_sel(flat, 0, drt_dot(t, mv->t[j].d[i]) / len.v);)
    drt_num along = drt_num_const(u.v * len.v);
    for (int i = 0; i < DRT_ND; i++) along.d[i] = u.d[i] * len.v + u.v * len.d[i];
    on = drt_num_and(on, drt_num_between(along, drt_num_const(0), len, p));
#else
    on = drt_num_and(on, drt_num_within(u, 0, 1, p));
#endif
  }
  return on;
}

/* The loss sum |e_j|^2 with its derivatives 2 e . de. An image-method
 * path obeys its laws whatever the endpoints and walls: each residual is
 * 0, or of norm 2 where the path turns back (r = -reflect(i)), so its
 * loss is locally constant and the derivative exactly 0 (a tangent would
 * only add rounding noise). */
DRT_FN drt_num drt_loss(const drt_traced *tp, const drt_tangent *dpath,
                        const drt_moves *mv, drt_smoothing_params p) {
  const drt_interactions *in = tp->in;
  drt_num loss = drt_num_const(0);
  int moves = DRT_ND > 0 && tp->method != DRT_METHOD_IM &&
              p.mode != DRT_SMOOTH_NONE;
  for (int j = 0; j < in->k; j++) {
    if (in->type[j] == DRT_OBJ_VERTEX) continue;
    drt_vec2 e = drt_interaction_error(in, tp->path, j);
    loss.v += drt_dot(e, e);
    for (int i = 0; i < DRT_ND && moves; i++) {
      drt_vec2 de = drt_error_tangent(in, tp->path, j, dpath[j].d[i],
                                      dpath[j + 1].d[i], dpath[j + 2].d[i]);
      DRT_IF_MOVING(de = drt_add(de, drt_error_object_tangent(
                                         in, tp->path, j, mv->n[j].d[i],
                                         mv->phi[j].d[i]));)
      loss.d[i] += (real)2 * drt_dot(e, de);
    }
  }
  return loss;
}

/* The value of "some object meets some path segment", the objects at
 * either end of a segment excepted (vertices never obstruct), and per
 * lane the test whose value `or` takes (drt_or's rule, ties and NaN
 * included). A lane stops once certain (its value frozen at 1), the loop
 * after a segment once every lane has (testing after each object costs a
 * reduction over the lanes each time, more than the tests it saves). The
 * deciding test is tracked only when `track` (a constant at every call,
 * so each call compiles to its own loop). */
DRT_FN void drt_obstruction_scan(const drt_traced *tp, const drt_scene_view *sv,
                                 drt_smoothing_params p, int track,
                                 drt_blocker *b) {
  const int k = tp->in->k;
  const int listed = sv->blockers != 0;
  const int n_scanned = listed ? sv->n_blockers : sv->n_objects;
  lreal blocked = 0;
  b->j = b->m = -1;
  for (int j = 0; j <= k; j++) {
    int first = j > 0 ? tp->cand[j - 1] : -1;
    int last = j < k ? tp->cand[j] : -1;
    for (int i = 0; i < n_scanned; i++) {
      const int m = listed ? sv->blockers[i] : i;
      if (m == first || m == last || sv->types[m] == DRT_OBJ_VERTEX) continue;
      lreal meets = drt_segments_meet(tp->path[j], tp->path[j + 1],
                                      drt_object_a(sv->segments, m),
                                      drt_object_b(sv->segments, m), p);
      lmask take = blocked != (real)1 && drt_or_takes_b(blocked, meets);
      blocked = drt_sel(take, meets, blocked);
      if (track) {
        b->j = drt_sel_mask(take, j, b->j);
        b->m = drt_sel_mask(take, m, b->m);
      }
    }
    if (DRT_ALL(blocked == (real)1)) break;
  }
  b->known = 1;
  b->blocked = blocked;
}

/* drt_segments_meet on numbers: with A = p2 - p1, B = p3 - p4,
 * C = p1 - p3, the parameters a/d and b/d follow a = B_y C_x - B_x C_y,
 * b = A_x C_y - A_y C_x, d = A_y B_x - A_x B_y as the path segment p1p2
 * moves (d1, d2) and, when objects move, the wall p3p4 too. */
DRT_FN drt_num drt_segments_meet_num(drt_vec2 p1, drt_vec2 p2, drt_vec2 p3,
                                     drt_vec2 p4, const drt_tangent *d1,
                                     const drt_tangent *d2,
                                     const drt_moves *mv,
                                     drt_smoothing_params p) {
  drt_vec2 A = drt_sub(p2, p1), B = drt_sub(p3, p4), C = drt_sub(p1, p3);
  lreal a = B.y * C.x - B.x * C.y;
  lreal b = A.x * C.y - A.y * C.x;
  lreal d = A.y * B.x - A.x * B.y;
  lmask parallel = d == (real)0;
  if (DRT_ALL(parallel)) return drt_num_const(0);
  d = drt_sel(parallel, 1, d);
  drt_num ta, tb;
  ta.v = a / d;
  tb.v = b / d;
  for (int i = 0; i < DRT_ND; i++) {
    drt_vec2 dA = drt_sub(d2->d[i], d1->d[i]), dC = d1->d[i];
    DRT_IF_MOVING(drt_vec2 dB = drt_sub(mv->p3.d[i], mv->p4.d[i]);
                  dC = drt_sub(dC, mv->p3.d[i]);)
    lreal da = B.y * dC.x - B.x * dC.y DRT_IF_MOVING(+ dB.y * C.x - dB.x * C.y);
    lreal db = dA.x * C.y + A.x * dC.y - dA.y * C.x - A.y * dC.x;
    lreal dd = dA.y * B.x - dA.x * B.y DRT_IF_MOVING(+ A.y * dB.x - A.x * dB.y);
    ta.d[i] = (da - ta.v * dd) / d;
    tb.d[i] = (db - tb.v * dd) / d;
  }
#ifdef DRT_RADIO
  /* In metres (docs/method.md §14): t |A| in [-eps, |A| + eps], |A| moving
   * with the path segment, and t |B| likewise for the fixed wall. */
  lreal la = drt_norm(A), lb = drt_norm(B);
  drt_num len_a = drt_num_const(la + DRT_SEGMENT_EPS);
  drt_num len_b = drt_num_const(lb + DRT_SEGMENT_EPS);
  lreal safe_la = drt_sel(la == (real)0, 1, la);
  DRT_IF_MOVING(lreal safe_lb = drt_sel(lb == (real)0, 1, lb);)
  for (int i = 0; i < DRT_ND; i++) {
    len_a.d[i] = drt_dot(A, drt_sub(d2->d[i], d1->d[i])) / safe_la;
    /* B = p3 - p4 moves with the blocker where objects move. */
    DRT_IF_MOVING(len_b.d[i] =
                      drt_dot(B, drt_sub(mv->p3.d[i], mv->p4.d[i])) / safe_lb;)
    ta.d[i] = ta.d[i] * la + ta.v * len_a.d[i];
    tb.d[i] = tb.d[i] * lb + tb.v * len_b.d[i];
  }
  ta.v *= la;
  tb.v *= lb;
  const drt_num lo = drt_num_const(-DRT_SEGMENT_EPS);
  drt_num meet = drt_num_and(drt_num_between(ta, lo, len_a, p),
                             drt_num_between(tb, lo, len_b, p));
#else
  const real lo = -DRT_SEGMENT_TOL, hi = (real)1 + DRT_SEGMENT_TOL;
  drt_num meet = drt_num_and(drt_num_within(ta, lo, hi, p),
                             drt_num_within(tb, lo, hi, p));
#endif
  return drt_num_sel(parallel, drt_num_const(0), meet);
}

/* Each lane's segment `seg` of the path (0..k) with its tangents. */
DRT_FN void drt_lane_segment(const drt_vec2 *path, const drt_tangent *dpath,
                             int k, lmask seg, drt_vec2 *p1, drt_vec2 *p2,
                             drt_tangent *d1, drt_tangent *d2) {
  *p1 = path[0];
  *p2 = path[1];
  *d1 = dpath[0];
  *d2 = dpath[1];
  for (int j = 1; j <= k; j++) {
    lmask here = seg == j;
    *p1 = drt_sel_v2(here, path[j], *p1);
    *p2 = drt_sel_v2(here, path[j + 1], *p2);
    for (int i = 0; i < DRT_ND; i++) {
      d1->d[i] = drt_sel_v2(here, dpath[j].d[i], d1->d[i]);
      d2->d[i] = drt_sel_v2(here, dpath[j + 1].d[i], d2->d[i]);
    }
  }
}

/* Each lane's object `object` (-1: object 0, for lanes to discard), its
 * endpoints gathered lane by lane. */
DRT_FN void drt_lane_object(DRT_GLOBAL const real *segments, lmask object,
                            drt_vec2 *a, drt_vec2 *b) {
  drt_mask_elem index[DRT_LANES];
  real ax[DRT_LANES], ay[DRT_LANES], bx[DRT_LANES], by[DRT_LANES];
  drt_store_mask(object, index);
  for (int l = 0; l < DRT_LANES; l++) {
    int m = index[l] < 0 ? 0 : (int)index[l];
    ax[l] = segments[4 * m];
    ay[l] = segments[4 * m + 1];
    bx[l] = segments[4 * m + 2];
    by[l] = segments[4 * m + 3];
  }
  *a = drt_v2(drt_load_lanes(ax), drt_load_lanes(ay));
  *b = drt_v2(drt_load_lanes(bx), drt_load_lanes(by));
}

/* Truth of "the path is obstructed", from the scan (*b: made on first
 * use and kept for the path's next blocks). Without smoothing, or without
 * directions, it is the scan's value (piecewise constant: no derivative);
 * smoothed, the test the scan found deciding is differentiated. */
DRT_FN drt_num drt_obstructed(const drt_traced *tp, const drt_tangent *dpath,
                              const drt_moves *mv, const drt_scene_view *sv,
                              drt_smoothing_params p, drt_blocker *b) {
  /* Only smoothed tests in programs with directions are differentiated. */
  const int exact = DRT_ND == 0 || p.mode == DRT_SMOOTH_NONE;
  if (!b->known) {
    if (exact) drt_obstruction_scan(tp, sv, p, 0, b);
    else drt_obstruction_scan(tp, sv, p, 1, b);
  }
  if (exact) return drt_num_const(b->blocked);
  if (DRT_ALL(b->j < 0)) return drt_num_const(0);
  drt_vec2 p1, p2, wa, wb;
  drt_tangent d1, d2;
  drt_lane_segment(tp->path, dpath, tp->in->k, b->j, &p1, &p2, &d1, &d2);
  drt_lane_object(sv->segments, b->m, &wa, &wb);
  drt_num meet = drt_segments_meet_num(p1, p2, wa, wb, &d1, &d2, mv, p);
  return drt_num_sel(b->j < 0, drt_num_const(0), meet);
}

/* The path length with its derivatives: sum of dhat . (dP_{s+1} - dP_s). */
DRT_FN drt_num drt_length(const drt_vec2 *path, const drt_tangent *dpath,
                          int k) {
  drt_num length = drt_num_const(0);
  for (int s = 0; s <= k; s++) {
    drt_vec2 d = drt_sub(path[s + 1], path[s]);
    lreal l = drt_norm(d);
    length.v += l;
    /* A zero-length segment adds nothing (its direction is undefined). */
    lmask zero = l == (real)0;
    l = drt_sel(zero, 1, l);
    for (int i = 0; i < DRT_ND; i++)
      length.d[i] += drt_sel(
          zero, 0, drt_dot(d, drt_sub(dpath[s + 1].d[i], dpath[s].d[i])) / l);
  }
  return length;
}

/* R^k by products: exact for R = 1/2 (OpenCL's pown goes through exp). */
DRT_FN real drt_reflection_power(int k) {
  real r_k = 1;
  for (int j = 0; j < k; j++) r_k *= DRT_R;
  return r_k;
}

/* Truth of "the path has converged": loss < tol in the paper's model;
 * s(100 (1 - loss / tol)) in the radio model's, 1 for a converged path
 * where the paper's s(tol - loss) is 2/3 (docs/method.md §14). */
DRT_FN drt_num drt_converged(const drt_traced *tp, const drt_tangent *dpath,
                             const drt_moves *mv, drt_smoothing_params p) {
  drt_num loss = drt_loss(tp, dpath, mv, p);
#ifdef DRT_RADIO
  drt_num margin;
  margin.v = (real)100 * ((real)1 - loss.v / DRT_LOSS_TOL);
  for (int i = 0; i < DRT_ND; i++)
    margin.d[i] = (real)-100 * loss.d[i] / DRT_LOSS_TOL;
  return drt_num_compare(margin, drt_num_const(0), 1, p);
#else
  return drt_num_compare(drt_num_const(DRT_LOSS_TOL), loss, 1, p);
#endif
}

/* V = on_objects and converged and not obstructed, with its derivatives;
 * the obstruction test, the costly part, is skipped once V is known to be
 * 0 in every lane. */
DRT_FN drt_num drt_path_validity(const drt_traced *tp,
                                 const drt_tangent *dpath, const drt_moves *mv,
                                 const drt_scene_view *sv,
                                 drt_smoothing_params p, drt_blocker *b) {
  drt_num v = drt_num_and(drt_on_objects(tp, dpath, mv, p),
                          drt_converged(tp, dpath, mv, p));
  if (!DRT_ANY(v.v > (real)0)) return v;
  return drt_num_and(v,
                     drt_num_not(drt_obstructed(tp, dpath, mv, sv, p, b)));
}

/* The paper's weight of a path of length L through k objects, W = R^k /
 * (h^2 + L^2), with dW = -2 L W dL / (h^2 + L^2): one division for the
 * value and its derivatives. */
DRT_FN drt_num drt_paper_weight(drt_num length, int k) {
  lreal denominator = DRT_H * DRT_H + length.v * length.v;
  drt_num w;
  w.v = drt_reflection_power(k) / denominator;
  for (int i = 0; i < DRT_ND; i++)
    w.d[i] = (real)-2 * length.v * w.v * length.d[i] / denominator;
  return w;
}

/* V W with its derivatives d(V W) = dV W + V dW, where V = on_objects and
 * loss < tol and not obstructed. A NaN or zero V contributes exactly 0.
 * The obstruction test, the costly part, is skipped once V is known to be
 * 0 in every lane, and the weight once the obstruction makes it so. */
DRT_FN drt_num drt_path_power(const drt_traced *tp, const drt_tangent *dpath,
                              const drt_moves *mv, const drt_scene_view *sv,
                              drt_smoothing_params p, drt_blocker *b) {
  drt_num v = drt_path_validity(tp, dpath, mv, sv, p, b);
  if (!DRT_ANY(v.v > (real)0)) return drt_num_const(0);
  drt_num w = drt_paper_weight(drt_length(tp->path, dpath, tp->in->k),
                               tp->in->k);
  drt_num out;
  out.v = v.v * w.v;
  for (int i = 0; i < DRT_ND; i++) out.d[i] = v.d[i] * w.v + v.v * w.d[i];
  return drt_num_sel(v.v > (real)0, out, drt_num_const(0));
}

/* The radio model's amplitude of the path (drt_radio.h) before the host's
 * constant: the product of its interactions' coefficients, the
 * transmitter's antenna factor and e^(-j k L) / L; tx is the
 * transmitter's entry in the wave's table after the objects' (-1: an
 * isotropic transmitter at the options' power, as a moving one). */
DRT_FN drt_cnum drt_path_amplitude(const drt_traced *tp,
                                   const drt_tangent *dpath,
                                   const drt_moves *mv,
                                   const drt_scene_view *sv, int tx,
                                   drt_num length) {
  drt_cnum product = drt_interaction_product(tp->in, tp->cand, tp->path,
                                             dpath, mv, &sv->wave);
  DRT_GLOBAL const real *entry =
      tx < 0 ? 0 : sv->wave.materials + 4 * (sv->n_objects + tx);
  product = drt_cnum_scale(product,
                           drt_antenna_factor(tp->path, dpath, mv, entry));
  return drt_cnum_mul(product, drt_spherical_phase(length, sv->wave.k));
}

/* The radio model's contribution of the path: its field V a or,
 * incoherent, its power V |a|^2 (drt_path_field). */
DRT_FN drt_cnum drt_path_radio(const drt_traced *tp, const drt_tangent *dpath,
                               const drt_moves *mv, const drt_scene_view *sv,
                               drt_smoothing_params p, drt_blocker *b,
                               int tx) {
  drt_num v = drt_path_validity(tp, dpath, mv, sv, p, b);
  drt_cnum zero = {drt_num_const(0), drt_num_const(0)};
  if (!DRT_ANY(v.v > (real)0)) return zero;
  drt_num length = drt_length(tp->path, dpath, tp->in->k);
  drt_cnum out =
      drt_path_field(v, drt_path_amplitude(tp, dpath, mv, sv, tx, length),
                     &sv->wave);
  /* An incoherent power's delay moment: times L, or L^2. */
  if (sv->wave.flags & (DRT_WAVE_TIMES_L | DRT_WAVE_TIMES_L2))
    out = drt_cnum_scale(out, length);
  if (sv->wave.flags & DRT_WAVE_TIMES_L2) out = drt_cnum_scale(out, length);
  return out;
}

#endif
