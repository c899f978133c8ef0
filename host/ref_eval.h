/* ref_eval.h — the serial C reference evaluator: plain double-precision code,
 * written apart from the kernels on purpose, so it can check them. */
#ifndef DRT_HOST_REF_EVAL_H
#define DRT_HOST_REF_EVAL_H

#include <stddef.h>

#include "drt2d.h"

/* Path points and validity terms of one candidate, for tests. */
typedef struct drt__ref_path {
  int order;
  double x[DRT_MAX_ORDER + 2], y[DRT_MAX_ORDER + 2]; /* tx, points, rx */
  double loss;       /* sum of interaction residuals */
  double on_objects; /* truth values in [0, 1] */
  double obstructed;
  double validity;
  double power;      /* validity * R^k / (h^2 + L^2), 0 when V is NaN */
} drt__ref_path;

/* Traces candidate `objects` (order entries) from (tx_x, tx_y) to
 * (rx_x, rx_y) with the image method. */
void drt__ref_trace(const drt_scene *scene, const int *objects, int order,
                    double tx_x, double tx_y, double rx_x, double rx_y,
                    drt_smoothing smoothing, double alpha, drt__ref_path *path);

/* Power at n points of the moving endpoint, as drt_eval_points. */
drt_status drt__ref_eval(const drt_scene *scene,
                         const drt_trace_options *options, const double *xy,
                         size_t n, double *power);

#endif
