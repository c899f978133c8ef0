/* drt_adam.h — one Adam step of one coordinate, and the minimum objective
 * with its gradient: written once for the host's descent (optim_math.c)
 * and the convergence study's descent on the device (drt_study.h), so that
 * in double both take the same steps bit for bit. */
#ifndef DRT_ADAM_H
#define DRT_ADAM_H

#include "base/drt_cl_compat.h"

/* The descent's state: double on the host, and on every device that has
 * double precision (its float programs too, so that a float study
 * descends as the host would); float on a device without it. */
#if defined(__OPENCL_VERSION__) && !defined(DRT_DOUBLE)
#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double dstate;
#else
typedef float dstate;
#endif
#else
typedef double dstate;
#endif

typedef struct drt_adam_params {
  dstate lr, beta1, beta2, eps;
} drt_adam_params;

/* Moves x by one Adam step for the loss gradient g, with the moments m and
 * v and the bias corrections c1 = 1 - beta1^t, c2 = 1 - beta2^t of step t
 * (computed by the caller: the host's pow). A NaN gradient is taken as 0;
 * returns 1 then. */
DRT_FN int drt_adam_update(const drt_adam_params *a, dstate c1, dstate c2,
                           dstate g, dstate *m, dstate *v, dstate *x) {
  int nan = isnan(g) ? 1 : 0;
  if (nan) g = 0;
  *m = a->beta1 * *m + (1 - a->beta1) * g;
  *v = a->beta2 * *v + (1 - a->beta2) * g * g;
  dstate m_hat = *m / c1;
  dstate v_hat = *v / c2;
  *x -= a->lr * m_hat / (sqrt(v_hat) + a->eps);
  return nan;
}

/* F = min_i f_i over n >= 1 values, its gradient the mean of df's pairs at
 * the minimum (ties share it); F and the gradient NaN when any f_i is. */
DRT_FN dstate drt_objective_min(const dstate *f, const dstate *df, int n,
                                dstate grad[2]) {
  grad[0] = grad[1] = 0;
  for (int i = 0; i < n; i++)
    if (isnan(f[i])) return grad[0] = grad[1] = (dstate)NAN;
  dstate low = f[0];
  for (int i = 1; i < n; i++)
    if (f[i] < low) low = f[i];
  int ties = 0;
  for (int i = 0; i < n; i++) {
    if (f[i] != low) continue;
    grad[0] += df[2 * i];
    grad[1] += df[2 * i + 1];
    ties++;
  }
  grad[0] /= ties;
  grad[1] /= ties;
  return low;
}

#endif
