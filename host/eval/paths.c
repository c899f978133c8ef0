/* paths.c — drt_trace_paths: every path to one receiver point on its own,
 * traced by the trace_paths kernel (kernels/drt_driver.h) over the whole
 * enumeration of each order in batches of candidates, and kept where its
 * validity is above 0. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_runtime.h"
#include "context_impl.h"
#include "coordinate_range.h"
#include "error.h"
#include "power/drt_contribution.h" /* the record's layout */
#include "radio.h"
#include "session.h"

/* Candidates a launch traces from every transmitter, at most: bounds the
 * record buffer (PATHS_BATCH_RECORDS records) whatever the scene. */
#define PATHS_BATCH_RECORDS ((size_t)1 << 16)

/* The paths found so far, grown as they come. */
typedef struct path_list {
  drt_path *paths;
  size_t count, room;
} path_list;

static drt_status list_push(path_list *list, const drt_path *path) {
  if (list->count == list->room) {
    size_t room = list->room ? 2 * list->room : 64;
    drt_path *grown = realloc(list->paths, room * sizeof *grown);
    if (!grown) return drt__fail(DRT_ENOMEM, "paths: out of memory");
    list->paths = grown;
    list->room = room;
  }
  list->paths[list->count++] = *path;
  return DRT_OK;
}

/* Degrees counter-clockwise from +x of the direction from a to b. */
static double direction_deg(const double *a, const double *b) {
  return atan2(b[1] - a[1], b[0] - a[0]) * 180.0 / DRT__PI;
}

/* A record's path: the kernel's contribution c becomes the amplitude,
 * sqrt(C) c with C the radio model's constant, or sqrt(W) in the paper's
 * model; the power is V |a|^2. */
static void path_of_record(const drt_trace_options *opt, const double *rec,
                           const int *objects, int k, int tx, drt_path *p) {
  memset(p, 0, sizeof *p);
  p->transmitter = tx;
  p->order = k;
  if (k > 0) memcpy(p->objects, objects, (size_t)k * sizeof *objects);
  memcpy(p->points, rec + DRT_PATH_POINTS,
         2 * ((size_t)k + 2) * sizeof *p->points);
  p->validity = rec[0];
  p->length = rec[3];
  p->iterations = rec[4];
  if (opt->model == DRT_MODEL_RADIO) {
    double scale = sqrt(drt__radio_scale(opt));
    p->amplitude_re = scale * rec[1];
    p->amplitude_im = scale * rec[2];
    p->delay = p->length / DRT__LIGHT_SPEED;
  } else {
    p->amplitude_re = sqrt(rec[1]);
  }
  p->power = p->validity * (p->amplitude_re * p->amplitude_re +
                            p->amplitude_im * p->amplitude_im);
  p->departure_deg = direction_deg(p->points, p->points + 2);
  p->arrival_deg = direction_deg(p->points + 2 * (k + 1), p->points + 2 * k);
}

/* The records of one launch, read back: records [f batch + i] of every
 * transmitter f, kept where V > 0 (a NaN V is not). */
static drt_status keep_paths(drt__session *s, const drt__candidates *set,
                             size_t first, size_t n, size_t batch,
                             void *raw, double *records, path_list *list) {
  drt_status status = DRT_OK;
  size_t w = (size_t)DRT_PATH_RECORD(set->order), rs = drt__real_size(s->ctx);
  size_t values = (size_t)s->n_fixed * batch * w;
  DRT_CL_CHECK(clEnqueueReadBuffer(s->ctx->queue, s->partial, CL_TRUE, 0,
                                   values * rs, raw, 0, NULL, NULL));
  drt__load_reals(s->ctx, raw, values, records);
  for (int f = 0; f < s->n_fixed && !status; f++)
    for (size_t i = 0; i < n && !status; i++) {
      const double *rec = records + ((size_t)f * batch + i) * w;
      if (!(rec[0] > 0)) continue;
      const int *objects =
          set->order ? set->indices + (first + i) * set->order : NULL;
      drt_path p;
      path_of_record(s->opt, rec, objects, set->order, f, &p);
      status = list_push(list, &p);
    }
error:
  return status;
}

/* Traces order set i in batches of `batch` candidates from every
 * transmitter. */
static drt_status trace_order(drt__session *s, int i, size_t batch,
                              void *raw, double *records, path_list *list) {
  drt_status status = DRT_OK;
  const drt__candidates *set = &s->sets[i];
  for (size_t first = 0; first < set->count && !status; first += batch) {
    size_t n = set->count - first < batch ? set->count - first : batch;
    /* The random starts of the first point of a query (first_key). */
    status = drt__set_trace_args(s, s->kernel, i, s->candidates[i], 1,
                                 s->opt->first_key, (cl_int)first);
    if (status) break;
    size_t global[2] = {n, (size_t)s->n_fixed};
    DRT_CL_CHECK(clEnqueueNDRangeKernel(s->ctx->queue, s->kernel, 2, NULL,
                                        global, NULL, 0, NULL, NULL));
    status = keep_paths(s, set, first, n, batch, raw, records, list);
  }
error:
  return status;
}

/* The receiver point as the kernels read it, and the record buffer of
 * `values` reals. */
static drt_status create_path_buffers(drt__session *s, double rx_x,
                                      double rx_y, size_t values) {
  double xy[2] = {rx_x, rx_y};
  drt_status status = drt__upload_reals(s->ctx, xy, 2, &s->moving);
  if (!status)
    status = drt__create_buffer(s->ctx, CL_MEM_WRITE_ONLY,
                                values * drt__real_size(s->ctx), &s->partial);
  /* The kernel's argument list has one; trace_paths writes none. */
  if (!status)
    status = drt__create_buffer(s->ctx, CL_MEM_READ_WRITE, sizeof(cl_uint),
                                &s->iterations);
  return status;
}

static drt_status check_paths_call(const drt_context *ctx,
                                   const drt_scene *scene,
                                   const drt_trace_options *opt, double rx_x,
                                   double rx_y) {
  drt_status status = drt_trace_options_check(opt, scene);
  if (status) return status;
  if (ctx->is_ref)
    return drt__fail(DRT_EUNSUPPORTED, "paths: the ref evaluator does not "
                     "list paths; use an OpenCL device");
  if (opt->vary != DRT_VARY_RX)
    return drt__fail(DRT_EINVAL, "paths: the receiver must be the moving "
                     "endpoint (vary rx)");
  if (drt_scene_tx_count(scene) == 0)
    return drt__fail(DRT_EINVAL, "paths: the scene has no transmitter");
  status = drt__scene_check_range(scene, ctx->precision);
  double rx[2] = {rx_x, rx_y};
  for (int i = 0; i < 2 && !status; i++)
    if (!drt__coordinate_fits(rx[i], ctx->precision))
      status = drt__range_fail("receiver", rx[i], ctx->precision);
  return status;
}

drt_status drt_trace_paths(drt_context *ctx, const drt_scene *scene,
                           const drt_trace_options *opt, double rx_x,
                           double rx_y, drt_path **paths, size_t *count) {
  drt__clear_error();
  *paths = NULL;
  *count = 0;
  drt_status status = check_paths_call(ctx, scene, opt, rx_x, rx_y);
  if (status) return status;
  drt__session s;
  path_list list = {0};
  void *raw = NULL;
  double *records = NULL;
  status = drt__session_open(&s, ctx, scene, opt, DRT__EVAL_PATHS);
  if (status) return status;
  size_t batch = PATHS_BATCH_RECORDS / (size_t)s.n_fixed;
  if (batch == 0) batch = 1;
  s.trace_slots = batch;
  /* Records of `batch` candidates from every transmitter, at the highest
   * order's size. */
  size_t values =
      (size_t)s.n_fixed * batch * (size_t)DRT_PATH_RECORD(opt->order_max);
  status = create_path_buffers(&s, rx_x, rx_y, values);
  raw = malloc(values * drt__real_size(ctx));
  records = malloc(values * sizeof *records);
  if (!status && (!raw || !records))
    status = drt__fail(DRT_ENOMEM, "paths: out of memory");
  for (int i = 0; i < s.n_orders && !status; i++)
    status = trace_order(&s, i, batch, raw, records, &list);
  drt__session_close(&s);
  free(raw);
  free(records);
  if (status) {
    free(list.paths);
    return status;
  }
  *paths = list.paths;
  *count = list.count;
  return DRT_OK;
}

void drt_paths_free(drt_path *paths) { free(paths); }
