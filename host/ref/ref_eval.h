/* ref_eval.h — the serial C reference evaluator: plain double-precision code.
 * Its image method, validity and power are written apart from the kernels
 * on purpose, so they check them; the FPT/MPT solvers are the kernels' own
 * (checked against the image method and closed forms instead). */
#ifndef DRT_HOST_REF_EVAL_H
#define DRT_HOST_REF_EVAL_H

#include <stddef.h>
#include <stdint.h>

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
  int iterations;    /* of the FPT/MPT solver */
} drt__ref_path;

/* Traces candidate `objects` (order entries) from tx to rx with
 * options->method; cell and key select MPT's random starts as the kernels
 * do (global cell index; drt_path_key of kernels/base/drt_random.h). */
void drt__ref_trace(const drt_scene *scene, const int *objects, int order,
                    const double tx[2], const double rx[2],
                    const drt_trace_options *options, uint64_t cell,
                    uint64_t key, drt__ref_path *path);

/* Power at n points of the moving endpoint, as drt_eval_points; the first
 * point is global cell first_cell. Adds solver iterations to *iterations. */
drt_status drt__ref_eval(const drt_scene *scene,
                         const drt_trace_options *options, const double *xy,
                         size_t n, size_t first_cell, double *power,
                         double *iterations);

/* As drt__ref_eval with 3 values a point: power and its derivatives by the
 * moving endpoint's x and y (the kernels' gradient formulas on the ref's
 * paths). */
drt_status drt__ref_eval_grad(const drt_scene *scene,
                              const drt_trace_options *options,
                              const double *xy, size_t n, size_t first_cell,
                              double *out, double *iterations);

/* As drt__ref_eval_grad over (point, fixed endpoint) pairs, each apart:
 * global pair g = first_pair + i is fixed endpoint g % n_fixed with the
 * moving endpoint at xy[2 i] (point g / n_fixed, the key of its random
 * starts), as the kernels' trace_pairs. */
drt_status drt__ref_eval_grad_pairs(const drt_scene *scene,
                                    const drt_trace_options *options,
                                    const double *xy, size_t n,
                                    size_t first_pair, double *out,
                                    double *iterations);

/* As drt__ref_eval with the derivatives by every scene parameter, in the
 * kernels' layout (drt__eval_components of DRT__EVAL_SCENE values a
 * point: kernels/power/drt_contribution.h). */
drt_status drt__ref_eval_scene_grad(const drt_scene *scene,
                                    const drt_trace_options *options,
                                    const double *xy, size_t n,
                                    size_t first_cell, double *out,
                                    double *iterations);

/* What drt__ref_eval_radio computes at each point. */
typedef enum drt__ref_radio_kind {
  DRT__REF_RADIO_POWER,    /* watts, one value a point */
  DRT__REF_RADIO_GRADIENT, /* watts and W/m by the moving endpoint */
  DRT__REF_RADIO_PAIRS     /* the same for each pair, as ref_eval_grad_pairs */
} drt__ref_radio_kind;

/* The radio model (docs/method.md §14) at n points (or pairs), summed
 * over the fixed endpoints as powers (ref_radio.c). */
drt_status drt__ref_eval_radio(const drt_scene *scene,
                               const drt_trace_options *options,
                               const double *xy, size_t n, size_t first_cell,
                               drt__ref_radio_kind kind, double *out,
                               double *iterations);

/* The scene in the kernels' flat layout (4 coordinates, phi and type per
 * object), for the kernel headers compiled as C. */
typedef struct drt__flat_scene {
  double *segments, *phis;
  int *types;
  int n;
} drt__flat_scene;

drt_status drt__ref_flatten(const drt_scene *scene, drt__flat_scene *flat);
void drt__ref_flat_free(drt__flat_scene *flat);

#endif
