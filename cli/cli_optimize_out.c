/* cli_optimize_out.c — what `drt2d optimize` writes from a finished run:
 * the JSON record, the map of the exact objective with the path, and the
 * strip of frames smoothed at the alphas of the descent. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "cli_optimize.h"
#include "error.h"
#include "figure.h"

const char *drt__objective_name(drt_objective objective) {
  static const char *names[] = {"min", "sum", "softmin"};
  return names[objective];
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */
/* ------------------------------------------------------------------------ */

/* A number, or null when it is not finite (JSON has no NaN or infinity). */
static void add_number(cJSON *object, const char *key, double value) {
  if (isfinite(value)) cJSON_AddNumberToObject(object, key, value);
  else cJSON_AddNullToObject(object, key);
}

static void add_pair(cJSON *object, const char *key, const double xy[2]) {
  cJSON *pair = cJSON_AddArrayToObject(object, key);
  for (int i = 0; i < 2 && pair; i++)
    cJSON_AddItemToArray(pair, isfinite(xy[i]) ? cJSON_CreateNumber(xy[i])
                                               : cJSON_CreateNull());
}

static cJSON *settings_json(const drt__optimize_run *run) {
  const drt__optimize_args *a = run->args;
  const drt_optimize_options *o = &a->opt;
  static const char *methods[] = {"im", "fpt", "mpt"};
  cJSON *s = cJSON_CreateObject();
  cJSON_AddStringToObject(s, "scene", a->common.scene);
  cJSON *rx = cJSON_AddArrayToObject(s, "receivers");
  for (size_t i = 0; i < drt_scene_rx_count(run->scene); i++) {
    const drt_point *p = drt_scene_rx(run->scene, i);
    cJSON *xy = cJSON_CreateArray();
    cJSON_AddItemToArray(xy, cJSON_CreateNumber(p->x));
    cJSON_AddItemToArray(xy, cJSON_CreateNumber(p->y));
    cJSON_AddItemToArray(rx, xy);
  }
  add_pair(s, "start", run->result.start);
  cJSON_AddNumberToObject(s, "steps", o->steps);
  cJSON_AddNumberToObject(s, "lr", o->lr);
  cJSON_AddNumberToObject(s, "alpha_start", o->alpha_start);
  cJSON_AddNumberToObject(s, "alpha_end", o->alpha_end);
  cJSON_AddStringToObject(s, "smoothing", drt__smoothing_name(o->smoothing));
  cJSON_AddStringToObject(s, "objective", drt__objective_name(o->objective));
  cJSON_AddStringToObject(s, "objective_db_unit",
                          drt__cli_db_unit(&a->common.trace, 0));
  cJSON_AddNumberToObject(s, "temperature", o->temperature);
  cJSON_AddNumberToObject(s, "order_min", a->common.trace.order_min);
  cJSON_AddNumberToObject(s, "order_max", a->common.trace.order_max);
  cJSON_AddStringToObject(s, "method", methods[a->common.trace.method]);
  cJSON_AddNumberToObject(s, "seed", (double)a->common.trace.seed);
  cJSON_AddStringToObject(s, "device", drt_context_device_name(run->ctx));
  return s;
}

static cJSON *step_json(const drt_optimize_step *st) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "step", st->step);
  add_number(j, "alpha", st->alpha);
  add_pair(j, "tx", st->tx);
  add_number(j, "f_exact", st->f_exact);
  add_number(j, "f_smoothed", st->f_smoothed);
  add_pair(j, "grad", st->grad);
  add_number(j, "grad_norm", st->grad_norm);
  return j;
}

static cJSON *result_json(const drt_optimize_result *r) {
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "steps", r->steps);
  add_pair(j, "tx", r->tx);
  add_number(j, "f_exact", r->f_exact);
  add_number(j, "f_exact_db", 10.0 * log10(r->f_exact));
  add_number(j, "f_start", r->f_start);
  add_number(j, "f_start_db", 10.0 * log10(r->f_start));
  cJSON_AddNumberToObject(j, "nan_gradients", r->nan_gradients);
  return j;
}

/* The trajectory's positions and objectives finite: the descent stops
 * where they would not be, so a non-finite one here is a bug. */
static drt_status check_trajectory(const drt__optimize_run *run) {
  size_t n = (size_t)run->result.steps + 1;
  double *v = malloc(4 * n * sizeof *v);
  if (!v) {
    fprintf(stderr, "drt2d: --json: out of memory\n");
    return DRT_ENOMEM;
  }
  for (size_t t = 0; t < n; t++) {
    const drt_optimize_step *s = &run->steps[t];
    double record[4] = {s->tx[0], s->tx[1], s->f_exact, s->f_smoothed};
    memcpy(v + 4 * t, record, sizeof record);
  }
  int rc = drt__cli_assert_finite("--json", "step", v, n, 4);
  free(v);
  return rc ? DRT_EINVAL : DRT_OK;
}

drt_status drt__optimize_write_json(const drt__optimize_run *run) {
  if (check_trajectory(run)) return DRT_EINVAL;
  cJSON *root = cJSON_CreateObject();
  cJSON_AddItemToObject(root, "settings", settings_json(run));
  cJSON *steps = cJSON_AddArrayToObject(root, "trajectory");
  for (int t = 0; t <= run->result.steps; t++)
    cJSON_AddItemToArray(steps, step_json(&run->steps[t]));
  cJSON_AddItemToObject(root, "result", result_json(&run->result));
  char *text = cJSON_Print(root);
  drt_status status = text ? drt__atomic_write_text(run->args->json, text)
                           : drt__fail(DRT_ENOMEM, "out of memory");
  if (status)
    fprintf(stderr, "drt2d: --json: %s\n", drt_last_error());
  cJSON_free(text);
  cJSON_Delete(root);
  return status;
}

/* ------------------------------------------------------------------------ */
/* Figures                                                                  */
/* ------------------------------------------------------------------------ */

/* The objective over the figures' grid, in dB (F = 0: -inf, drawn
 * at the bottom of the scale); smoothing none gives the exact objective. */
static drt_status objective_db(const drt__optimize_run *run,
                               drt_smoothing smoothing, double alpha,
                               double *db) {
  const drt__optimize_args *a = run->args;
  drt_trace_options trace = a->common.trace;
  trace.smoothing = smoothing;
  if (smoothing) trace.alpha = alpha;
  drt_grid grid = {a->nx, a->ny,
                   {a->bbox[0], a->bbox[1], a->bbox[2], a->bbox[3]}};
  drt_status status = drt_map_objective(run->ctx, run->scene, &trace,
                                        a->opt.objective, a->opt.temperature,
                                        &grid, db);
  size_t cells = (size_t)a->nx * (size_t)a->ny;
  for (size_t k = 0; k < cells && !status; k++) db[k] = 10.0 * log10(db[k]);
  return status;
}

/* The colour scale: --db-range, or 40 dB below the highest finite value
 * rounded up to 5 dB. */
static void colour_scale(const drt__optimize_args *a, const double *db,
                         size_t n, double range[2]) {
  if (a->db_given) {
    range[0] = a->db_lo;
    range[1] = a->db_hi;
    return;
  }
  range[1] = drt__cli_db_top(db, n); /* F = 0 everywhere: 0, any scale */
  range[0] = range[1] - 40.0;
}

/* Positions of records 0..last as (x, y) pairs. */
static double *track_of(const drt__optimize_run *run, int last) {
  double *track = malloc(2 * ((size_t)last + 1) * sizeof *track);
  for (int t = 0; t <= last && track; t++) {
    track[2 * t] = run->steps[t].tx[0];
    track[2 * t + 1] = run->steps[t].tx[1];
  }
  return track;
}

static drt__figure make_figure(const drt__optimize_run *run, const double *db,
                               const double range[2], const double *track,
                               int last, const char *title) {
  const drt__optimize_args *a = run->args;
  static char unit[48];
  snprintf(unit, sizeof unit, "objective, %s",
           drt__cli_db_unit(&a->common.trace, 0));
  drt__figure fig = {
      .db = db, .nx = a->nx, .ny = a->ny,
      .db_lo = range[0], .db_hi = range[1],
      .objects = drt_scene_object(run->scene, 0),
      .n_objects = drt_scene_object_count(run->scene),
      .rx = drt_scene_rx(run->scene, 0),
      .n_rx = drt_scene_rx_count(run->scene),
      .title = title, .unit = unit,
      .track = track, .n_track = (size_t)last + 1};
  memcpy(fig.bbox, a->bbox, sizeof fig.bbox);
  return fig;
}

static drt_status no_memory(void) {
  return drt__fail(DRT_ENOMEM, "out of memory for the figure");
}

/* "-3.04 dB" (or dBm), or "F = 0" where there is no power at all. */
static void db_text(const drt__optimize_run *run, double f, char out[32]) {
  if (f > 0)
    snprintf(out, 32, "%.2f %s", 10.0 * log10(f),
             drt__cli_db_unit(&run->args->common.trace, 0));
  else snprintf(out, 32, "F = 0");
}

/* Errors of the figures name their file already. */
static drt_status report(const char *option, drt_status status) {
  if (status) fprintf(stderr, "drt2d: --%s: %s\n", option, drt_last_error());
  return status;
}

drt_status drt__optimize_write_png(const drt__optimize_run *run) {
  const drt__optimize_args *a = run->args;
  size_t cells = (size_t)a->nx * (size_t)a->ny;
  int last = run->result.steps;
  double *db = malloc(cells * sizeof *db), *track = track_of(run, last);
  drt_status status = db && track ? DRT_OK : no_memory();
  if (!status) status = objective_db(run, DRT_SMOOTHING_NONE, 0, db);
  if (!status) {
    double range[2];
    colour_scale(a, db, cells, range);
    char title[256], from[32], to[32];
    db_text(run, run->result.f_start, from);
    db_text(run, run->result.f_exact, to);
    snprintf(title, sizeof title, "%s objective (exact), %s descent: %s -> %s",
             drt__objective_name(a->opt.objective),
             a->opt.smoothing ? drt__smoothing_name(a->opt.smoothing) : "exact",
             from, to);
    drt__figure fig = make_figure(run, db, range, track, last, title);
    status = drt__figure_write(&fig, a->png, a->dpi);
  }
  free(db);
  free(track);
  return report("png", status);
}

/* Step of panel i of n: evenly spaced from the first record to the last. */
static int frame_step(int i, int n, int last) {
  return n > 1 ? (int)lround((double)i * last / (n - 1)) : last;
}

/* Each panel's map, all on one colour scale. */
static drt_status frame_maps(const drt__optimize_run *run, double *db,
                             double range[2]) {
  const drt__optimize_args *a = run->args;
  size_t cells = (size_t)a->nx * (size_t)a->ny;
  drt_status status = DRT_OK;
  for (int i = 0; i < a->frames && !status; i++) {
    const drt_optimize_step *s =
        &run->steps[frame_step(i, a->frames, run->result.steps)];
    status = objective_db(run, a->opt.smoothing, s->alpha, db + i * cells);
  }
  if (!status) colour_scale(a, db, cells * (size_t)a->frames, range);
  return status;
}

static drt_status write_frames(const drt__optimize_run *run, const double *db,
                               const double range[2], const double *track,
                               drt__figure *figs, char (*titles)[128]) {
  const drt__optimize_args *a = run->args;
  size_t cells = (size_t)a->nx * (size_t)a->ny;
  for (int i = 0; i < a->frames; i++) {
    int t = frame_step(i, a->frames, run->result.steps);
    const drt_optimize_step *s = &run->steps[t];
    char f[32];
    db_text(run, a->opt.smoothing ? s->f_smoothed : s->f_exact, f);
    if (a->opt.smoothing)
      snprintf(titles[i], 128, "step %d, alpha %.3g: %s", t, s->alpha, f);
    else
      snprintf(titles[i], 128, "step %d, exact: %s", t, f);
    figs[i] = make_figure(run, db + i * cells, range, track, t, titles[i]);
  }
  return drt__figure_strip_write(figs, a->frames, a->frames_png, a->dpi);
}

drt_status drt__optimize_write_frames(const drt__optimize_run *run) {
  const drt__optimize_args *a = run->args;
  size_t cells = (size_t)a->nx * (size_t)a->ny;
  double *db = malloc(cells * (size_t)a->frames * sizeof *db);
  double *track = track_of(run, run->result.steps);
  drt__figure figs[DRT_OPTIMIZE_MAX_FRAMES];
  char titles[DRT_OPTIMIZE_MAX_FRAMES][128];
  double range[2];
  drt_status status = db && track ? DRT_OK : no_memory();
  if (!status) status = frame_maps(run, db, range);
  if (!status) status = write_frames(run, db, range, track, figs, titles);
  free(db);
  free(track);
  return report("frames-png", status);
}
