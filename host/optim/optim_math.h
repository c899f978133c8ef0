/* optim_math.h — the pieces of the descent (docs/method.md §10) that every
 * driver shares: Adam on a 2-vector, the geometric alpha schedule and the
 * objectives over the receivers' normalised powers with their gradients. */
#ifndef DRT_HOST_OPTIM_MATH_H
#define DRT_HOST_OPTIM_MATH_H

#include <stddef.h>

#include "drt2d.h"

/* Adam's state for one 2-vector (the transmitter position). */
typedef struct drt__adam {
  double lr, beta1, beta2, eps;
  double m[2], v[2]; /* first and second moment estimates */
  int t;             /* steps taken */
} drt__adam;

/* Zero moments, beta1 0.9, beta2 0.999, eps 1e-8 (docs/method.md §10). */
void drt__adam_init(drt__adam *adam, double lr);

/* One step minimising a loss whose gradient at x is loss_grad: m and v
 * updated, bias-corrected, x -= lr m^ / (sqrt(v^) + eps). A NaN component
 * of the gradient is taken as 0. Returns how many components were NaN. */
int drt__adam_step(drt__adam *adam, double x[2], const double loss_grad[2]);
/* The bias corrections of step t (1, 2, ...): c[0] = 1 - beta1^t, c[1] =
 * 1 - beta2^t, as drt__adam_step divides by them (and a device descent,
 * through kernels/base/drt_adam.h, is given them). */
void drt__adam_corrections(const drt__adam *adam, int t, double c[2]);

/* alpha at step t of `steps`: geometric from start to end,
 * start (end/start)^(t/(steps-1)); start when steps == 1. */
double drt__alpha_at(double start, double end, int t, int steps);

/* The objective F over n receivers given their normalised powers f[i]
 * (P_i / P0) and gradients df[2 i], df[2 i + 1]; writes dF into grad.
 * min: the smallest term, the average gradient of the tied ones;
 * sum: the sum; softmin: -T log sum exp(-f_i / T), weights softmax(-f/T).
 * NaN terms make F NaN. */
double drt__objective(drt_objective objective, double temperature,
                      const double *f, const double *df, size_t n,
                      double grad[2]);

#endif
