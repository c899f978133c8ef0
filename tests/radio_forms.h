/* radio_forms.h — the radio model's closed forms (docs/method.md §14)
 * written on C99 complex numbers, apart from the kernels, for the suites
 * that check them. */
#ifndef DRT_TESTS_RADIO_FORMS_H
#define DRT_TESTS_RADIO_FORMS_H

#include <complex.h>
#include <math.h>

#define PI 3.14159265358979323846
#define LIGHT 299792458.0
#define EPS0 8.8541878128e-12

static inline double lambda_of(double f) { return LIGHT / f; }

/* P_tx (lambda / (4 pi))^2 in watts. */
static inline double spread(double f, double dbm) {
  double l = lambda_of(f) / (4 * PI);
  return pow(10.0, (dbm - 30) / 10) * l * l;
}

static inline double complex eta_of(double eps_r, double sigma, double f) {
  return eps_r - I * sigma / (2 * PI * f * EPS0);
}

/* ITU-R P.2040's reflection coefficients at incidence cosine c. */
static inline double complex gamma_te(double complex eta, double c) {
  double complex w = csqrt(eta - (1 - c * c));
  return (c - w) / (c + w);
}
static inline double complex gamma_tm(double complex eta, double c) {
  double complex w = csqrt(eta - (1 - c * c));
  return (eta * c - w) / (eta * c + w);
}

#endif
