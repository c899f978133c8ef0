/* drt_num.h — the one number type of validity and power: a lane value
 * with DRT_ND tangent directions, and the smoothed logic on it
 * (docs/method.md §3, §9).
 * A program picks DRT_ND by a -D option: 0 for values only, 2 for the
 * moving endpoint's x and y, a block of scene parameters for scene
 * gradients. With DRT_ND = 0 every tangent loop is empty and a drt_num is
 * a plain lreal, so the value programs compile to the value math alone. */
#ifndef DRT_NUM_H
#define DRT_NUM_H

#include "base/drt_cl_compat.h"
#include "base/drt_geometry.h"
#include "base/drt_smooth.h"

#ifndef DRT_ND
#define DRT_ND 0
#endif
/* Arrays cannot be empty: value programs keep one unused slot. */
#if DRT_ND > 0
#define DRT_ND_SLOTS DRT_ND
#else
#define DRT_ND_SLOTS 1
#endif

/* Terms that exist only when the scene's objects move (scene-gradient
 * programs, -DDRT_MOVING_OBJECTS); elsewhere they vanish at compile time,
 * so the endpoint-only programs pay nothing for them. */
#ifdef DRT_MOVING_OBJECTS
#define DRT_IF_MOVING(...) __VA_ARGS__
#else
#define DRT_IF_MOVING(...)
#endif

/* A value and its derivatives along each direction. */
typedef struct drt_num {
  lreal v;
  lreal d[DRT_ND_SLOTS];
} drt_num;

/* How a point moves along each direction. */
typedef struct drt_tangent {
  drt_vec2 d[DRT_ND_SLOTS];
} drt_tangent;

DRT_FN drt_num drt_num_const(lreal v) {
  drt_num r;
  r.v = v;
  for (int i = 0; i < DRT_ND; i++) r.d[i] = 0;
  return r;
}

DRT_FN drt_num drt_num_sub(drt_num a, drt_num b) {
  drt_num r;
  r.v = a.v - b.v;
  for (int i = 0; i < DRT_ND; i++) r.d[i] = a.d[i] - b.d[i];
  return r;
}

DRT_FN void drt_num_accumulate(drt_num *sum, drt_num term) {
  sum->v += term.v;
  for (int i = 0; i < DRT_ND; i++) sum->d[i] += term.d[i];
}

/* Per lane: a where m is true, else b. */
DRT_FN drt_num drt_num_sel(lmask m, drt_num a, drt_num b) {
  drt_num r;
  r.v = drt_sel(m, a.v, b.v);
  for (int i = 0; i < DRT_ND; i++) r.d[i] = drt_sel(m, a.d[i], b.d[i]);
  return r;
}

/* ds/dx of the smoothing function: alpha s (1 - s) for the sigmoid,
 * alpha / 6 inside the hard sigmoid's ramp and 0 outside (and at its two
 * kinks, where it has none). */
DRT_FN lreal drt_smooth_slope(lreal x, drt_smoothing_params p) {
  if (p.mode == DRT_SMOOTH_SIGMOID) {
    lreal s = drt_sigmoid(x, p.alpha);
    return p.alpha * s * ((real)1 - s);
  }
  if (p.mode == DRT_SMOOTH_HARD_SIGMOID) {
    lreal y = p.alpha * x;
    return drt_sel(y > (real)-3 && y < (real)3, p.alpha / (real)6, 0);
  }
  return 0;
}

/* Truth of big >= small (strict: big > small): an exact boolean without
 * smoothing, which has no derivative; s(big - small) with it. */
DRT_FN drt_num drt_num_compare(drt_num big, drt_num small, int strict,
                               drt_smoothing_params p) {
  if (p.mode == DRT_SMOOTH_NONE)
    return drt_num_const(strict ? drt_sel(big.v > small.v, 1, 0)
                                : drt_sel(big.v >= small.v, 1, 0));
  drt_num x = drt_num_sub(big, small), r;
  r.v = drt_smooth(x.v, p);
#if DRT_ND > 0
  lreal slope = drt_smooth_slope(x.v, p);
  for (int i = 0; i < DRT_ND; i++) r.d[i] = slope * x.d[i];
#endif
  return r;
}

/* and, not with the semantics of drt_smooth.h (NaN propagates): the
 * derivative follows the operand whose value is taken. */
DRT_FN drt_num drt_num_and(drt_num a, drt_num b) {
  return drt_num_sel(drt_and_takes_b(a.v, b.v), b, a);
}
DRT_FN drt_num drt_num_not(drt_num a) {
  drt_num r;
  r.v = (real)1 - a.v;
  for (int i = 0; i < DRT_ND; i++) r.d[i] = -a.d[i];
  return r;
}

/* Truth of "t lies in [lo, hi]", the bounds numbers that may move (the
 * radio model's lengths in metres). */
DRT_FN drt_num drt_num_between(drt_num t, drt_num lo, drt_num hi,
                               drt_smoothing_params p) {
  return drt_num_and(drt_num_compare(t, lo, 0, p), drt_num_compare(hi, t, 0, p));
}

/* The same for fixed bounds. */
DRT_FN drt_num drt_num_within(drt_num t, real lo, real hi,
                              drt_smoothing_params p) {
  return drt_num_between(t, drt_num_const(lo), drt_num_const(hi), p);
}

#endif
