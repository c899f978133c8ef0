/* ref_scene_grad.c — the ref evaluator's scene-parameter derivatives: its
 * own path points (drt__ref_trace), then the kernels' derivative formulas
 * of kernels/power/drt_contribution.h compiled as C. */
#include <stdlib.h>
#include <string.h>

#include "candidates.h"
/* Scene-parameter derivatives, two directions a block. */
#define DRT_ND 2
#define DRT_MOVING_OBJECTS
#include "power/drt_contribution.h"
#include "error.h"
#include "ref_eval.h"
#include "session.h"

/* Adds one candidate's paths from every fixed endpoint at point `cell`. */
static void add_candidate(const drt_scene *scene, const drt__flat_scene *flat,
                          const drt_trace_options *opt, const int *objects,
                          int k, size_t c, const double here[2], size_t cell,
                          double *out, double *iterations) {
  int vary_tx = opt->vary == DRT_VARY_TX;
  size_t n_fixed = vary_tx ? drt_scene_rx_count(scene)
                           : drt_scene_tx_count(scene);
  drt_smoothing_params p = {(int)opt->smoothing, opt->alpha};
  drt_interactions in;
  drt_load_interactions(objects, k, flat->segments, flat->types, flat->phis,
                        &in);
  for (size_t f = 0; f < n_fixed; f++) {
    const drt_point *fixed = vary_tx ? drt_scene_rx(scene, f)
                                     : drt_scene_tx(scene, f);
    const double there[2] = {fixed->x, fixed->y};
    uint64_t key = drt_path_key(k, c, (int)n_fixed, (int)f);
    drt__ref_path path;
    drt__ref_trace(scene, objects, k, vary_tx ? here : there,
                   vary_tx ? there : here, opt, cell, key, &path);
    *iterations += path.iterations;
    drt_vec2 points[DRT_MAX_ORDER + 2];
    for (int j = 0; j <= k + 1; j++) points[j] = drt_v2(path.x[j], path.y[j]);
    const drt_traced tp = {&in, points, objects, (int)opt->method};
    const drt_scene_view sv =
        drt_view_of(flat->segments, flat->types, flat->phis, flat->n);
    drt_scene_power(&tp, vary_tx, (int)f, &sv, p, out);
  }
}

drt_status drt__ref_eval_scene_grad(const drt_scene *scene,
                                   const drt_trace_options *opt,
                                   const double *xy, size_t n,
                                   size_t first_cell, double *out,
                                   double *iterations) {
  drt__candidates sets[DRT_MAX_ORDER + 1] = {{0}};
  int n_orders = opt->order_max - opt->order_min + 1;
  int *objects = NULL;
  size_t n_objects, stride = drt__eval_components(scene, opt, DRT__EVAL_SCENE);
  drt__flat_scene flat = {0};
  drt_status status = drt__ref_flatten(scene, &flat);
  if (!status)
    status = drt__candidate_objects(scene, opt->only, &objects, &n_objects);
  for (int i = 0; i < n_orders && !status; i++)
    status = drt__candidates_build(objects, n_objects, opt->order_min + i,
                                   &sets[i]);
  for (size_t i = 0; i < n && !status; i++) {
    double *point = out + stride * i;
    memset(point, 0, stride * sizeof *point);
    for (int s = 0; s < n_orders; s++)
      for (size_t c = 0; c < sets[s].count; c++)
        add_candidate(scene, &flat, opt, sets[s].indices + c * sets[s].order,
                      sets[s].order, c, xy + 2 * i, first_cell + i, point,
                      iterations);
  }
  for (int i = 0; i < n_orders; i++) drt__candidates_free(&sets[i]);
  free(objects);
  drt__ref_flat_free(&flat);
  return status;
}
