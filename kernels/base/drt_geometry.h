/* drt_geometry.h — 2D vectors and the geometry primitives of
 * docs/method.md §4. */
#ifndef DRT_GEOMETRY_H
#define DRT_GEOMETRY_H

#include "base/drt_cl_compat.h"
#include "base/drt_smooth.h"

/* A point or vector per lane (one cell per lane, DRT_LANES). */
typedef struct drt_vec2 {
  lreal x, y;
} drt_vec2;

/* Tolerance of the segment intersection test (docs/method.md §4). */
#define DRT_SEGMENT_TOL ((real)0.005)

DRT_FN drt_vec2 drt_v2(lreal x, lreal y) {
  drt_vec2 v = {x, y};
  return v;
}
DRT_FN drt_vec2 drt_add(drt_vec2 a, drt_vec2 b) {
  return drt_v2(a.x + b.x, a.y + b.y);
}
DRT_FN drt_vec2 drt_sub(drt_vec2 a, drt_vec2 b) {
  return drt_v2(a.x - b.x, a.y - b.y);
}
DRT_FN drt_vec2 drt_scale(drt_vec2 a, lreal s) {
  return drt_v2(a.x * s, a.y * s);
}
DRT_FN lreal drt_dot(drt_vec2 a, drt_vec2 b) { return a.x * b.x + a.y * b.y; }
DRT_FN lreal drt_cross(drt_vec2 a, drt_vec2 b) { return a.x * b.y - a.y * b.x; }
DRT_FN lreal drt_norm(drt_vec2 a) { return sqrt(drt_dot(a, a)); }

/* Per lane: a where m is true, else b. */
DRT_FN drt_vec2 drt_sel_v2(lmask m, drt_vec2 a, drt_vec2 b) {
  return drt_v2(drt_sel(m, a.x, b.x), drt_sel(m, a.y, b.y));
}

/* v / |v|, and v unchanged when |v| = 0 (scaled by exactly 1). */
DRT_FN drt_vec2 drt_normalize(drt_vec2 v) {
  lreal length = drt_norm(v);
  return drt_scale(v, drt_sel(length == (real)0, 1, (real)1 / length));
}

/* Unit normal of the wall a->b: normalize((t_y, -t_x)) with t = b - a. */
DRT_FN drt_vec2 drt_wall_normal(drt_vec2 a, drt_vec2 b) {
  drt_vec2 t = drt_sub(b, a);
  return drt_normalize(drt_v2(t.y, -t.x));
}

/* Parametric coordinate of p on the wall a->b (0 at a, 1 at b). */
DRT_FN lreal drt_wall_param(drt_vec2 p, drt_vec2 a, drt_vec2 b) {
  drt_vec2 t = drt_sub(b, a);
  lreal tt = drt_dot(t, t);
  return drt_dot(t, drt_sub(p, a)) / drt_sel(tt == (real)0, 1, tt);
}

/* Mirror image of p in the line through a with unit normal n. */
DRT_FN drt_vec2 drt_mirror(drt_vec2 p, drt_vec2 a, drt_vec2 n) {
  return drt_sub(p, drt_scale(n, (real)2 * drt_dot(drt_sub(p, a), n)));
}

/* Error vector of the law of specular reflection at `at` between `from`
 * and `to` on a surface of unit normal n: r - (i - 2 (i.n) n). */
DRT_FN drt_vec2 drt_reflection_error(drt_vec2 from, drt_vec2 at, drt_vec2 to,
                                     drt_vec2 n) {
  drt_vec2 i = drt_normalize(drt_sub(at, from));
  drt_vec2 r = drt_normalize(drt_sub(to, at));
  return drt_sub(r, drt_sub(i, drt_scale(n, (real)2 * drt_dot(i, n))));
}

/* Its squared norm, the reflection residual of docs/method.md §4. */
DRT_FN lreal drt_reflection_residual(drt_vec2 from, drt_vec2 at, drt_vec2 to,
                                    drt_vec2 n) {
  drt_vec2 e = drt_reflection_error(from, at, to, n);
  return drt_dot(e, e);
}

/* Error vector of a RIS at `at` sending the ray to `to`: with a the angle
 * of the outgoing ray to the normal, (sin a - sin phi, cos a - cos phi),
 * sin a = cross(-r, n), cos a = (-r).n. */
DRT_FN drt_vec2 drt_ris_error(drt_vec2 at, drt_vec2 to, drt_vec2 n,
                              real sin_phi, real cos_phi) {
  drt_vec2 back = drt_scale(drt_normalize(drt_sub(to, at)), (real)-1);
  return drt_v2(drt_cross(back, n) - sin_phi, drt_dot(back, n) - cos_phi);
}

/* Truth of "t lies in [-tol, 1 + tol]". */
DRT_FN lreal drt_in_unit_interval(lreal t, drt_smoothing_params p) {
  return drt_and(drt_greater_equal(t, -DRT_SEGMENT_TOL, p),
                 drt_less_equal(t, (real)1 + DRT_SEGMENT_TOL, p));
}

/* Truth of "t len lies in [-eps, len + eps]" for a segment of length len:
 * the radio model's test in metres (docs/method.md §14), eps = 1 mm. */
#define DRT_SEGMENT_EPS ((real)1e-3)
DRT_FN lreal drt_in_segment(lreal t, lreal len, drt_smoothing_params p) {
  lreal m = t * len;
  return drt_and(drt_greater_equal(m, -DRT_SEGMENT_EPS, p),
                 drt_less_equal(m, len + DRT_SEGMENT_EPS, p));
}

/* The parameter test of the program's model: relative to the segment in
 * the paper's, in metres in the radio model's. */
#ifdef DRT_RADIO
#define DRT_ON_SEGMENT(t, len, p) drt_in_segment(t, len, p)
#else
#define DRT_ON_SEGMENT(t, len, p) drt_in_unit_interval(t, p)
#endif

/* Truth of "segment p1p2 meets segment p3p4", extremities included within
 * DRT_SEGMENT_TOL (the radio model: DRT_SEGMENT_EPS). Parallel segments never meet (t = +inf); their lanes
 * divide by 0 and are then discarded. */
DRT_FN lreal drt_segments_meet(drt_vec2 p1, drt_vec2 p2, drt_vec2 p3,
                               drt_vec2 p4, drt_smoothing_params p) {
  drt_vec2 A = drt_sub(p2, p1), B = drt_sub(p3, p4), C = drt_sub(p1, p3);
  lreal a = B.y * C.x - B.x * C.y;
  lreal b = A.x * C.y - A.y * C.x;
  lreal d = A.y * B.x - A.x * B.y;
  if (!DRT_ANY(d != (real)0)) return 0;
  lreal meet = drt_and(DRT_ON_SEGMENT(a / d, drt_norm(A), p),
                       DRT_ON_SEGMENT(b / d, drt_norm(B), p));
  return drt_sel(d == (real)0, 0, meet);
}

#endif
