/* cli_metric.h — `map --metric` and `eval --metric`: the network metrics
 * of several transmitters (docs/method.md §15) from each transmitter's
 * received power, as map values, figure labels and CSV columns. */
#ifndef DRT_CLI_METRIC_H
#define DRT_CLI_METRIC_H

#include <stddef.h>

#include "drt2d.h"

typedef enum drt__cli_metric {
  DRT__METRIC_POWER,       /* the received power (the default) */
  DRT__METRIC_PATH_GAIN,   /* the same as --quantity path-gain */
  DRT__METRIC_SINR,        /* S / (I + N) of the serving transmitter, dB */
  DRT__METRIC_BEST_SERVER, /* the strongest transmitter */
  DRT__METRIC_COVERAGE,    /* SINR at or above --threshold-db */
  DRT__METRIC_DELAY_SPREAD /* the serving transmitter's RMS delay spread */
} drt__cli_metric;

typedef struct drt__cli_network {
  drt__cli_metric metric;
  drt_network_options options; /* --bandwidth, --noise-figure, --threshold-db */
} drt__cli_network;

extern const char drt__cli_network_help[];

void drt__cli_network_init(drt__cli_network *n);
/* --metric, --bandwidth, --noise-figure and --threshold-db: 1 when name is
 * one of them and value is good, -1 (said why) when it is bad, 0 for any
 * other option. */
int drt__cli_network_option(drt__cli_network *n, const char *name,
                            const char *value);
/* Whether the metric is formed from each transmitter's power apart, and
 * whether also from its delay moments. */
int drt__cli_metric_per_tx(const drt__cli_network *n);
int drt__cli_metric_delays(const drt__cli_network *n);
/* The metric against the trace and the scene's n_tx transmitters: SINR
 * and coverage need the radio model (the noise is in watts), every
 * per-transmitter metric a receiver map, a transmitter and no gradient;
 * path-gain sets the quantity. 0, or -1 having printed the usage error of
 * `command`. */
int drt__cli_metric_prepare(const drt__cli_network *n, drt_trace_options *trace,
                            int gradient, const char *command, size_t n_tx);
/* One point's metrics from its t powers (watts), the noise power
 * (drt_noise_power of n's options, formed once by the caller) and, for
 * the delay spread, the t transmitters' delay moments (3 each; else
 * NULL): the SINR
 * in dB (-inf where nothing arrives), the server's index (-1 there),
 * whether the SINR reaches --threshold-db, the server's delay spread in
 * ns (NaN where nothing arrives). */
typedef struct drt__cli_point_metrics {
  double sinr_db, delay_spread_ns;
  int server, covered;
} drt__cli_point_metrics;
drt__cli_point_metrics drt__cli_metric_point(const drt__cli_network *n,
                                              double noise, const double *power,
                                              const double *moments, size_t t);
/* Values a point of a per-transmitter metric: t powers, and with the
 * delay spread 3 t moments after them. */
size_t drt__cli_metric_width(const drt__cli_network *n, size_t t);
/* The metric per point from drt__cli_metric_width values a point: SINR
 * in dB, the server's index, coverage 1 or 0, the delay spread in ns. */
void drt__cli_metric_values(const drt__cli_network *n, const double *values,
                            size_t count, size_t t, double *out);
/* The figure's colour-bar label, and the metric's name. */
const char *drt__cli_metric_unit(const drt__cli_network *n);
const char *drt__cli_metric_name(const drt__cli_network *n);

#endif
