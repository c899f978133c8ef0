/* optim_math.c — Adam, the alpha schedule and the objectives of
 * docs/method.md §10. */
#include "optim_math.h"

#include <float.h>
#include <math.h>

#include "base/drt_adam.h"

void drt__adam_init(drt__adam *adam, double lr) {
  *adam = (drt__adam){.lr = lr, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8};
}

void drt__adam_corrections(const drt__adam *adam, int t, double c[2]) {
  c[0] = 1 - pow(adam->beta1, t);
  c[1] = 1 - pow(adam->beta2, t);
}

int drt__adam_step(drt__adam *adam, double x[2], const double loss_grad[2]) {
  double c[2];
  drt__adam_corrections(adam, ++adam->t, c);
  const drt_adam_params p = {adam->lr, adam->beta1, adam->beta2, adam->eps};
  int nans = 0;
  for (int i = 0; i < 2; i++)
    nans += drt_adam_update(&p, c[0], c[1], loss_grad[i], &adam->m[i],
                            &adam->v[i], &x[i]);
  return nans;
}

double drt__alpha_at(double start, double end, int t, int steps) {
  if (steps <= 1) return start;
  double f = (double)t / (double)(steps - 1), ratio = end / start;
  /* end / start overflows or underflows for far-apart ends (1e200 down to
   * 1e-200): then in logs, where every step stays between the two. */
  if (!(ratio >= DBL_MIN && ratio <= DBL_MAX))
    return exp(log(start) + f * (log(end) - log(start)));
  return start * pow(ratio, f);
}

static double objective_sum(const double *f, const double *df, size_t n,
                            double grad[2]) {
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    sum += f[i];
    grad[0] += df[2 * i];
    grad[1] += df[2 * i + 1];
  }
  return sum;
}

/* Shifted by the minimum so the exponentials cannot overflow. */
static double objective_softmin(double temperature, const double *f,
                                const double *df, size_t n, double grad[2]) {
  double low = f[0];
  for (size_t i = 1; i < n; i++)
    if (f[i] < low) low = f[i];
  double total = 0;
  for (size_t i = 0; i < n; i++) total += exp(-(f[i] - low) / temperature);
  for (size_t i = 0; i < n; i++) {
    double w = exp(-(f[i] - low) / temperature) / total;
    grad[0] += w * df[2 * i];
    grad[1] += w * df[2 * i + 1];
  }
  return low - temperature * log(total);
}

double drt__objective(drt_objective objective, double temperature,
                      const double *f, const double *df, size_t n,
                      double grad[2]) {
  grad[0] = grad[1] = 0;
  if (n == 0) return NAN;
  for (size_t i = 0; i < n; i++)
    if (isnan(f[i])) return grad[0] = grad[1] = NAN;
  switch (objective) {
  case DRT_OBJECTIVE_MIN: return drt_objective_min(f, df, (int)n, grad);
  case DRT_OBJECTIVE_SUM: return objective_sum(f, df, n, grad);
  case DRT_OBJECTIVE_SOFTMIN:
    return objective_softmin(temperature, f, df, n, grad);
  }
  return NAN;
}
