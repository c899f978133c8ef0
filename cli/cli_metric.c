/* cli_metric.c — the network metrics of map and eval (docs/method.md
 * §15): their options, checks and per-point values, on the library's
 * drt_network_metrics. */
#include "cli_metric.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_options.h"

static const char *const metric_names[] = {
    "power", "path-gain", "sinr", "best-server", "coverage", "delay-spread"};

const char drt__cli_network_help[] =
    "  --metric M          power (default), path-gain, sinr (of the serving\n"
    "                      transmitter, dB), best-server (the strongest\n"
    "                      transmitter), coverage (SINR at or above\n"
    "                      --threshold-db) or delay-spread (the serving\n"
    "                      transmitter's RMS delay spread, ns); all but\n"
    "                      best-server need the radio model\n"
    "  --bandwidth HZ      receiver bandwidth of the noise k T B F (default "
    "20e6)\n"
    "  --noise-figure DB   receiver noise figure F (default 7)\n"
    "  --threshold-db DB   coverage: the SINR a cell needs (default 0)\n";

void drt__cli_network_init(drt__cli_network *n) {
  n->metric = DRT__METRIC_POWER;
  drt_network_options_init(&n->options);
}

/* Option `name`'s number into *out when `accept` takes it; 1, else -1
 * having said that it wants `want`. */
static int parse_number(const char *name, const char *value, double *out,
                        int (*accept)(double), const char *want) {
  double v;
  if (drt__parse_double(name, value, &v)) return -1;
  if (!accept(v)) {
    fprintf(stderr, "drt2d: --%s: invalid value '%s' (expected %s)\n", name,
            value, want);
    return -1;
  }
  *out = v;
  return 1;
}

static int positive(double v) { return v > 0; }
static int not_negative(double v) { return v >= 0; }
static int any(double v) { return v == v; }

int drt__cli_network_option(drt__cli_network *n, const char *name,
                            const char *value) {
  drt_network_options *o = &n->options;
  if (strcmp(name, "metric") == 0) {
    int choice;
    if (drt__parse_choice(name, value, metric_names, 6,
                          "power, path-gain, sinr, best-server, coverage or "
                          "delay-spread",
                          &choice))
      return -1;
    n->metric = (drt__cli_metric)choice;
    return 1;
  }
  if (strcmp(name, "bandwidth") == 0)
    return parse_number(name, value, &o->bandwidth, positive,
                        "a bandwidth > 0 in Hz");
  if (strcmp(name, "noise-figure") == 0)
    return parse_number(name, value, &o->noise_figure_db, not_negative,
                        "a noise figure >= 0 in dB");
  if (strcmp(name, "threshold-db") == 0)
    return parse_number(name, value, &o->threshold_db, any, "a number of dB");
  return 0;
}

int drt__cli_metric_per_tx(const drt__cli_network *n) {
  return n->metric >= DRT__METRIC_SINR;
}

int drt__cli_metric_delays(const drt__cli_network *n) {
  return n->metric == DRT__METRIC_DELAY_SPREAD;
}

size_t drt__cli_metric_width(const drt__cli_network *n, size_t t) {
  return drt__cli_metric_delays(n) ? 4 * t : t;
}

int drt__cli_metric_prepare(const drt__cli_network *n, drt_trace_options *trace,
                            int gradient, const char *command, size_t n_tx) {
  const char *name = metric_names[n->metric];
  const char *problem = NULL;
  int radio = trace->model == DRT_MODEL_RADIO;
  if (n->metric == DRT__METRIC_PATH_GAIN) {
    if (!radio) problem = "needs the radio model (--model radio)";
    else trace->quantity = DRT_QUANTITY_PATH_GAIN;
  } else if (drt__cli_metric_per_tx(n)) {
    if (n->metric != DRT__METRIC_BEST_SERVER && !radio)
      problem = "needs the radio model (--model radio): the noise floor is "
                "in watts";
    else if (trace->vary != DRT_VARY_RX)
      problem = "is a receiver map's (--vary rx)";
    else if (gradient)
      problem = "has no gradient (--grad, --grad-png, --wrt scene)";
    else if (n_tx == 0)
      problem = "needs a transmitter (--tx, or the scene's)";
  }
  if (!problem) return 0;
  fprintf(stderr, "drt2d %s: --metric %s %s (see 'drt2d %s --help')\n",
          command, name, problem, command);
  return -1;
}

drt__cli_point_metrics drt__cli_metric_point(const drt__cli_network *n,
                                              double noise, const double *power,
                                              const double *moments, size_t t) {
  drt__cli_point_metrics m;
  double sinr;
  drt_network_metrics(power, 1, t, noise, &m.server, &sinr);
  m.sinr_db = 10 * log10(sinr); /* -inf where nothing arrives */
  m.covered = m.server >= 0 && m.sinr_db >= n->options.threshold_db;
  m.delay_spread_ns = m.server >= 0 && moments
                          ? 1e9 * drt_delay_spread(moments + 3 * m.server)
                          : NAN;
  return m;
}

void drt__cli_metric_values(const drt__cli_network *n, const double *values,
                            size_t count, size_t t, double *out) {
  size_t width = drt__cli_metric_width(n, t);
  int delays = drt__cli_metric_delays(n);
  double noise = drt_noise_power(&n->options);
  for (size_t i = 0; i < count; i++) {
    const double *v = values + i * width;
    drt__cli_point_metrics m =
        drt__cli_metric_point(n, noise, v, delays ? v + t : NULL, t);
    out[i] = n->metric == DRT__METRIC_SINR          ? m.sinr_db
             : n->metric == DRT__METRIC_BEST_SERVER ? m.server
             : n->metric == DRT__METRIC_COVERAGE    ? m.covered
                                                    : m.delay_spread_ns;
  }
}

const char *drt__cli_metric_unit(const drt__cli_network *n) {
  return n->metric == DRT__METRIC_SINR           ? "SINR (dB)"
         : n->metric == DRT__METRIC_DELAY_SPREAD ? "delay spread (ns)"
                                                 : "";
}

const char *drt__cli_metric_name(const drt__cli_network *n) {
  return metric_names[n->metric];
}
