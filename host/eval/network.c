/* network.c — the network metrics of several transmitters
 * (docs/method.md §15): the noise floor, the serving transmitter and the
 * SINR from each transmitter's received power, the delay spread from its
 * delay moments. */
#include <math.h>

#include "drt2d.h"
#include "error.h"

/* Boltzmann's constant (J/K, exact in the SI) and the noise temperature. */
#define BOLTZMANN 1.380649e-23
#define NOISE_KELVIN 290.0

void drt_network_options_init(drt_network_options *o) {
  o->bandwidth = 20e6;
  o->noise_figure_db = 7;
  o->threshold_db = 0;
}

drt_status drt_network_options_check(const drt_network_options *o) {
  drt__clear_error();
  if (!(o->bandwidth > 0) || !isfinite(o->bandwidth))
    return drt__fail(DRT_EINVAL, "bandwidth must be a finite number of Hz "
                     "> 0, not %g", o->bandwidth);
  if (!(o->noise_figure_db >= 0) || !isfinite(o->noise_figure_db))
    return drt__fail(DRT_EINVAL, "noise figure must be a finite number of dB "
                     ">= 0, not %g", o->noise_figure_db);
  if (!isfinite(o->threshold_db))
    return drt__fail(DRT_EINVAL, "threshold must be a finite number of dB, "
                     "not %g", o->threshold_db);
  return DRT_OK;
}

double drt_noise_power(const drt_network_options *o) {
  return BOLTZMANN * NOISE_KELVIN * o->bandwidth *
         pow(10, o->noise_figure_db / 10);
}

void drt_network_metrics(const double *power, size_t n, size_t t,
                         double noise, int *server, double *sinr) {
  for (size_t i = 0; i < n; i++) {
    const double *p = power + i * t;
    int best = -1;
    for (size_t j = 0; j < t; j++)
      if (p[j] > 0 && (best < 0 || p[j] > p[best])) best = (int)j;
    /* The others summed apart: no cancellation where one dominates. */
    double interference = 0;
    for (size_t j = 0; j < t; j++)
      if ((int)j != best) interference += p[j];
    if (server) server[i] = best;
    if (sinr) sinr[i] = best < 0 ? 0 : p[best] / (interference + noise);
  }
}

double drt_delay_spread(const double moments[3]) {
  if (!(moments[0] > 0)) return 0;
  double mean = moments[1] / moments[0];
  double spread = moments[2] / moments[0] - mean * mean;
  /* Rounding can leave a single path's spread a hair below 0. */
  return spread > 0 ? sqrt(spread) : 0;
}
