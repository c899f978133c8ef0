/* drt_smooth.h — the smoothing function s(x; alpha) and smoothed logic on
 * truth values in [0, 1] (docs/method.md §3). */
#ifndef DRT_SMOOTH_H
#define DRT_SMOOTH_H

#include "base/drt_cl_compat.h"

/* Smoothing settings of one evaluation. */
typedef struct drt_smoothing_params {
  int mode;   /* DRT_SMOOTH_NONE, _SIGMOID or _HARD_SIGMOID */
  real alpha; /* sharpness, > 0 */
} drt_smoothing_params;

DRT_FN lreal drt_sigmoid(lreal x, real alpha) {
  return (real)1 / ((real)1 + exp(-alpha * x));
}

DRT_FN lreal drt_hard_sigmoid(lreal x, real alpha) {
  return fmin(fmax(alpha * x + (real)3, (real)0), (real)6) / (real)6;
}

/* s(x; alpha) for the smoothed modes. NaN in gives NaN out. */
DRT_FN lreal drt_smooth(lreal x, drt_smoothing_params p) {
  if (p.mode == DRT_SMOOTH_SIGMOID) return drt_sigmoid(x, p.alpha);
  /* fmin/fmax would swallow NaN */
  return drt_sel(x != x, x, drt_hard_sigmoid(x, p.alpha));
}

/* x >= y: exact boolean without smoothing, s(x - y) with it. */
DRT_FN lreal drt_greater_equal(lreal x, lreal y, drt_smoothing_params p) {
  if (p.mode == DRT_SMOOTH_NONE) return drt_sel(x >= y, 1, 0);
  return drt_smooth(x - y, p);
}

/* x <= y: exact boolean without smoothing, s(y - x) with it. */
DRT_FN lreal drt_less_equal(lreal x, lreal y, drt_smoothing_params p) {
  if (p.mode == DRT_SMOOTH_NONE) return drt_sel(x <= y, 1, 0);
  return drt_smooth(y - x, p);
}

/* x < y: the strict exact test; smoothed it is the same s(y - x). */
DRT_FN lreal drt_less(lreal x, lreal y, drt_smoothing_params p) {
  if (p.mode == DRT_SMOOTH_NONE) return drt_sel(x < y, 1, 0);
  return drt_smooth(y - x, p);
}

/* a and b = min(a, b), propagating NaN (a NaN validity must reach the end,
 * where it counts as 0, rather than vanish inside fmin): per lane, whether
 * it takes b, and its value. The rule is stated once here, for the
 * numbers with tangents and the obstruction scan follow it too. */
DRT_FN lmask drt_and_takes_b(lreal a, lreal b) { return !(a < b || a != a); }
DRT_FN lreal drt_and(lreal a, lreal b) {
  return drt_sel(drt_and_takes_b(a, b), b, a);
}

/* a or b = max(a, b), propagating NaN. */
DRT_FN lmask drt_or_takes_b(lreal a, lreal b) { return !(a > b || a != a); }
DRT_FN lreal drt_or(lreal a, lreal b) {
  return drt_sel(drt_or_takes_b(a, b), b, a);
}

DRT_FN lreal drt_not(lreal a) { return (real)1 - a; }

#endif
