/* optimize.c — the descent of docs/method.md §10: Adam on the transmitter
 * position, the objective over the receivers, alpha raised geometrically
 * step by step; and the objective as a transmitter map, for figures and
 * optimum search. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "context_impl.h"
#include "coordinate_range.h"
#include "drt2d.h"
#include "error.h"
#include "optim_math.h"

void drt_optimize_options_init(drt_optimize_options *o) {
  *o = (drt_optimize_options){.steps = 100,
                              .lr = 0.01,
                              .alpha_start = 1,
                              .alpha_end = 100,
                              .smoothing = DRT_SMOOTHING_HARD_SIGMOID,
                              .objective = DRT_OBJECTIVE_MIN,
                              .temperature = 1e-3,
                              .start = {NAN, NAN}};
}

drt_status drt_optimize_options_check(const drt_optimize_options *o) {
  drt__clear_error();
  if (o->steps < 1)
    return drt__fail(DRT_EINVAL, "steps must be at least 1, not %d", o->steps);
  if (!(o->lr > 0) || !isfinite(o->lr))
    return drt__fail(DRT_EINVAL, "learning rate must be a finite number > 0, "
                     "not %g", o->lr);
  if (!(o->alpha_start > 0) || !isfinite(o->alpha_start) ||
      !(o->alpha_end > 0) || !isfinite(o->alpha_end))
    return drt__fail(DRT_EINVAL, "alpha start and end must be finite numbers "
                     "> 0, not %g and %g", o->alpha_start, o->alpha_end);
  if (o->smoothing < DRT_SMOOTHING_NONE ||
      o->smoothing > DRT_SMOOTHING_HARD_SIGMOID)
    return drt__fail(DRT_EINVAL, "unknown smoothing %d", (int)o->smoothing);
  if (o->objective < DRT_OBJECTIVE_MIN || o->objective > DRT_OBJECTIVE_SOFTMIN)
    return drt__fail(DRT_EINVAL, "unknown objective %d", (int)o->objective);
  if (!(o->temperature > 0) || !isfinite(o->temperature))
    return drt__fail(DRT_EINVAL, "softmin temperature must be a finite number "
                     "> 0, not %g", o->temperature);
  if (isfinite(o->start[0]) != isfinite(o->start[1]))
    return drt__fail(DRT_EINVAL, "start (%g, %g) must be two finite numbers "
                     "or both NaN (the scene's transmitter)", o->start[0],
                     o->start[1]);
  return DRT_OK;
}

double drt_power_reference(const drt_trace_options *opt) {
  if (opt->model != DRT_MODEL_RADIO) return DRT_P0;
  return opt->quantity == DRT_QUANTITY_PATH_GAIN ? 1.0 : 1e-3;
}

/* Scratch of one objective evaluation over n receivers. */
typedef struct objective_eval {
  size_t n;
  double *out; /* 3 n: the pairs' (P, dP/dx, dP/dy) */
  double *f;   /* n: f_i = P_i / drt_power_reference */
  double *df;  /* 2 n: its gradient */
} objective_eval;

static drt_status objective_eval_alloc(objective_eval *e, size_t n) {
  e->n = n;
  e->out = malloc(3 * n * sizeof *e->out);
  e->f = malloc(n * sizeof *e->f);
  e->df = malloc(2 * n * sizeof *e->df);
  if (e->out && e->f && e->df) return DRT_OK;
  return drt__fail(DRT_ENOMEM, "optimize: out of memory");
}

static void objective_eval_free(objective_eval *e) {
  free(e->out);
  free(e->f);
  free(e->df);
}

/* F and dF/dtx at tx: every receiver's power and gradient in one launch
 * (drt_eval_pairs_grad), normalised, combined by the objective. */
static drt_status objective_at(drt_context *ctx, const drt_scene *scene,
                               const drt_trace_options *opt,
                               const drt_optimize_options *o,
                               objective_eval *e, const double tx[2],
                               double *value, double grad[2]) {
  drt_status status = drt_eval_pairs_grad(ctx, scene, opt, tx, 1, e->out);
  if (status) return status;
  double unit = drt_power_reference(opt);
  for (size_t i = 0; i < e->n; i++) {
    e->f[i] = e->out[3 * i] / unit;
    e->df[2 * i] = e->out[3 * i + 1] / unit;
    e->df[2 * i + 1] = e->out[3 * i + 2] / unit;
  }
  *value =
      drt__objective(o->objective, o->temperature, e->f, e->df, e->n, grad);
  return DRT_OK;
}

/* The record of step t at x: the smoothed objective and its gradient at
 * the step's alpha, then the exact objective (the same evaluation when
 * there is no smoothing). */
static drt_status record_step(drt_context *ctx, const drt_scene *scene,
                              drt_trace_options *opt,
                              const drt_optimize_options *o, objective_eval *e,
                              int t, const double x[2],
                              drt_optimize_step *rec) {
  *rec = (drt_optimize_step){.step = t, .alpha = NAN, .tx = {x[0], x[1]}};
  drt_status status = DRT_OK;
  if (o->smoothing != DRT_SMOOTHING_NONE) {
    /* The last record keeps the last step's alpha, alpha_end. */
    int at = t < o->steps ? t : o->steps - 1;
    rec->alpha = drt__alpha_at(o->alpha_start, o->alpha_end, at, o->steps);
    opt->smoothing = o->smoothing;
    opt->alpha = rec->alpha;
    status =
        objective_at(ctx, scene, opt, o, e, x, &rec->f_smoothed, rec->grad);
  }
  double unused[2];
  opt->smoothing = DRT_SMOOTHING_NONE;
  if (!status)
    status = objective_at(ctx, scene, opt, o, e, x, &rec->f_exact,
                          o->smoothing ? unused : rec->grad);
  if (o->smoothing == DRT_SMOOTHING_NONE) rec->f_smoothed = rec->f_exact;
  rec->grad_norm = hypot(rec->grad[0], rec->grad[1]);
  return status;
}

static drt_status check_run(const drt_scene *scene,
                            const drt_trace_options *trace,
                            const drt_optimize_options *o,
                            drt_trace_options *opt) {
  drt_status status = drt_optimize_options_check(o);
  if (status) return status;
  *opt = *trace;
  opt->vary = DRT_VARY_TX;
  status = drt_trace_options_check(opt, scene);
  if (status) return status;
  if (!isfinite(o->start[0]) && drt_scene_tx_count(scene) == 0)
    return drt__fail(DRT_EINVAL, "no start given and the scene has no "
                     "transmitter to start from");
  return DRT_OK;
}

/* A step that left what the precision computes (too large a learning
 * rate sends the transmitter towards infinity, where the objective is NaN
 * or 0) ends the descent with an error: its end would be no placement at
 * all. Checked before the position is evaluated. */
static drt_status check_position(int t, const double x[2],
                                 drt_precision precision, double lr) {
  if (drt__coordinate_fits(x[0], precision) &&
      drt__coordinate_fits(x[1], precision))
    return DRT_OK;
  return drt__fail(DRT_EINVAL, "the descent diverged at step %d: transmitter "
                   "at (%g, %g), outside what %s computes (|x| <= %g); use a "
                   "smaller learning rate than %g", t, x[0], x[1],
                   drt__precision_name(precision),
                   drt__coordinate_limit(precision), lr);
}

static drt_status check_objective(const drt_optimize_step *rec, double lr) {
  if (isfinite(rec->f_exact) && isfinite(rec->f_smoothed)) return DRT_OK;
  return drt__fail(DRT_EINVAL, "the descent diverged at step %d: objective "
                   "%g (smoothed %g) at (%g, %g); use a smaller learning rate "
                   "than %g", rec->step, rec->f_exact, rec->f_smoothed,
                   rec->tx[0], rec->tx[1], lr);
}

/* The descent itself, records into rec (steps + 1 of them). */
static drt_status descend(drt_context *ctx, const drt_scene *scene,
                          drt_trace_options *opt,
                          const drt_optimize_options *o, objective_eval *e,
                          drt_optimize_step *rec, drt_optimize_result *r) {
  double x[2] = {r->start[0], r->start[1]};
  drt__adam adam;
  drt__adam_init(&adam, o->lr);
  drt_status status = DRT_OK;
  for (int t = 0; t <= o->steps && !status; t++) {
    status = check_position(t, x, drt_context_precision(ctx), o->lr);
    if (!status) status = record_step(ctx, scene, opt, o, e, t, x, &rec[t]);
    if (!status) status = check_objective(&rec[t], o->lr);
    if (status) break;
    if (t == 0) r->f_start = rec[0].f_exact;
    r->tx[0] = x[0];
    r->tx[1] = x[1];
    r->f_exact = rec[t].f_exact;
    if (o->on_step && o->on_step(o->user, &rec[t])) break;
    if (t == o->steps) break;
    /* Adam minimises the loss -F. */
    double loss_grad[2] = {-rec[t].grad[0], -rec[t].grad[1]};
    r->nan_gradients += drt__adam_step(&adam, x, loss_grad);
    r->steps++;
  }
  return status;
}

drt_status drt_optimize_run(drt_context *ctx, const drt_scene *scene,
                            const drt_trace_options *trace,
                            const drt_optimize_options *o,
                            drt_optimize_step *trajectory,
                            drt_optimize_result *result) {
  drt__clear_error();
  drt_trace_options opt;
  drt_status status = check_run(scene, trace, o, &opt);
  if (status) return status;
  *result = (drt_optimize_result){0};
  const drt_point *tx0 =
      drt_scene_tx_count(scene) ? drt_scene_tx(scene, 0) : NULL;
  result->start[0] = isfinite(o->start[0]) ? o->start[0] : tx0->x;
  result->start[1] = isfinite(o->start[1]) ? o->start[1] : tx0->y;
  objective_eval e = {0};
  size_t bytes = ((size_t)o->steps + 1) * sizeof(drt_optimize_step);
  drt_optimize_step *records = trajectory ? trajectory : malloc(bytes);
  if (!records) status = drt__fail(DRT_ENOMEM, "optimize: out of memory");
  if (!status)
    status = objective_eval_alloc(&e, drt_scene_rx_count(scene));
  /* A descent reports through on_step, not once per step's launch. */
  drt_progress_callback progress = ctx->progress;
  void *progress_user = ctx->progress_user;
  drt_context_set_progress(ctx, NULL, NULL);
  if (!status) status = descend(ctx, scene, &opt, o, &e, records, result);
  drt_context_set_progress(ctx, progress, progress_user);
  objective_eval_free(&e);
  if (!trajectory) free(records);
  return status;
}

/* ------------------------------------------------------------------------ */
/* The objective over a grid                                                */
/* ------------------------------------------------------------------------ */

/* scene's objects with receiver i as its only receiver. */
static drt_status single_receiver_scene(const drt_scene *scene, size_t i,
                                        drt_scene **out) {
  drt_scene *one = NULL;
  drt_status status = drt_scene_create(&one);
  for (size_t k = 0; k < drt_scene_object_count(scene) && !status; k++)
    status = drt_scene_add_object(one, drt_scene_object(scene, k));
  const drt_point *rx = drt_scene_rx(scene, i);
  if (!status) status = drt_scene_add_rx(one, rx->name, rx->x, rx->y);
  if (status) {
    drt_scene_destroy(one);
    one = NULL;
  }
  *out = one;
  return status;
}

/* maps[i * cells + k]: f_i at cell k, a transmitter map per receiver
 * (the value kernels, which sum over receivers, get one at a time),
 * reported to the context's callback as one map. */
static drt_status receiver_maps(drt_context *ctx, const drt_scene *scene,
                                const drt_trace_options *opt,
                                const drt_grid *grid, double *maps) {
  size_t cells = (size_t)grid->nx * (size_t)grid->ny;
  size_t n = drt_scene_rx_count(scene);
  drt__progress_share share;
  drt__progress_share_begin(ctx, &share, (double)cells * (double)n);
  drt_status status = DRT_OK;
  for (size_t i = 0; i < n && !status; i++) {
    drt_scene *one;
    share.before = (double)(i * cells);
    status = single_receiver_scene(scene, i, &one);
    if (!status)
      status = drt_map_compute(ctx, one, opt, grid, maps + i * cells);
    drt_scene_destroy(one);
  }
  drt__progress_share_end(ctx, &share);
  double unit = drt_power_reference(opt);
  for (size_t k = 0; k < cells * drt_scene_rx_count(scene); k++)
    maps[k] /= unit;
  return status;
}

drt_status drt_map_objective(drt_context *ctx, const drt_scene *scene,
                             const drt_trace_options *options,
                             drt_objective objective, double temperature,
                             const drt_grid *grid, double *values) {
  drt__clear_error();
  drt_trace_options opt = *options;
  opt.vary = DRT_VARY_TX;
  drt_status status = drt_trace_options_check(&opt, scene);
  if (status) return status;
  if (objective < DRT_OBJECTIVE_MIN || objective > DRT_OBJECTIVE_SOFTMIN ||
      !(temperature > 0) || !isfinite(temperature))
    return drt__fail(DRT_EINVAL, "objective %d with temperature %g: unknown "
                     "objective or temperature not > 0", (int)objective,
                     temperature);
  if (grid->nx < 1 || grid->ny < 1)
    return drt__fail(DRT_EINVAL, "grid %dx%d must have at least 1 point per "
                     "axis", grid->nx, grid->ny);
  size_t n = drt_scene_rx_count(scene);
  size_t cells = (size_t)grid->nx * (size_t)grid->ny;
  double *maps = malloc(cells * n * sizeof *maps);
  double *f = malloc(n * sizeof *f), *zeros = calloc(2 * n, sizeof *zeros);
  if (!maps || !f || !zeros)
    status = drt__fail(DRT_ENOMEM, "objective map: out of memory");
  if (!status) status = receiver_maps(ctx, scene, &opt, grid, maps);
  for (size_t k = 0; k < cells && !status; k++) {
    double unused[2];
    for (size_t i = 0; i < n; i++) f[i] = maps[i * cells + k];
    values[k] = drt__objective(objective, temperature, f, zeros, n, unused);
  }
  free(maps);
  free(f);
  free(zeros);
  return status;
}
