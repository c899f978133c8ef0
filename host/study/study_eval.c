/* study_eval.c — the batched evaluation of a study's queries: the trials'
 * scenes flattened and uploaded once, then one launch of kernels/study.cl
 * per slice of queries, or a serial loop over the same kernel header on
 * the ref device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "candidates.h"
#include "cl_runtime.h"
#include "context_impl.h"
#include "coordinate_range.h"
/* The ref loop: values with the transmitter's derivatives. */
#define DRT_ND 2
#include "drt_study.h"
#include "error.h"
#include "optim_math.h"
#include "session.h"
#include "study_internal.h"

_Static_assert(DRT__STUDY_MOVES == DRT_STUDY_MOVES, "pattern-search moves");
_Static_assert(DRT__STUDY_MAX_WALLS + DRT__STUDY_ROOM_WALLS > 0 &&
                   DRT_STUDY_MAX_RECEIVERS == DRT_STUDY_MAX_RX,
               "a trial's receivers");

/* Queries per launch: bounds device and staging memory. */
#define STUDY_CAPACITY ((size_t)1 << 18)

drt_status drt__study_push(drt__study_queries *q, int trial, int mode,
                           const double tx[2], const double rx[2]) {
  if (q->n == q->cap) {
    size_t cap = q->cap ? 2 * q->cap : 4096;
    int *ints = realloc(q->ints, 2 * cap * sizeof *ints);
    if (ints) q->ints = ints;
    double *xy = realloc(q->xy, 4 * cap * sizeof *xy);
    if (xy) q->xy = xy;
    if (!ints || !xy) return drt__fail(DRT_ENOMEM, "study: out of memory");
    q->cap = cap;
  }
  q->ints[2 * q->n] = trial;
  q->ints[2 * q->n + 1] = mode;
  double *p = q->xy + 4 * q->n;
  p[0] = tx[0];
  p[1] = tx[1];
  p[2] = rx[0];
  p[3] = rx[1];
  q->n++;
  return DRT_OK;
}

void drt__study_queries_free(drt__study_queries *q) {
  free(q->ints);
  free(q->xy);
  memset(q, 0, sizeof *q);
}

/* Candidate rows of orders 0..order over n objects: k, then k indices. */
static drt_status build_rows(drt__study_batch *b, int n_objects, int order) {
  size_t rows = 0;
  for (int k = 0; k <= order; k++) rows += drt_candidate_count((size_t)n_objects, k);
  b->candidates = malloc(rows * (size_t)b->width * sizeof *b->candidates);
  if (!b->candidates) return drt__fail(DRT_ENOMEM, "study: out of memory");
  size_t row = 0;
  drt_status status = DRT_OK;
  for (int k = 0; k <= order && !status; k++) {
    drt__candidates set;
    status = drt__candidates_build(NULL, (size_t)n_objects, k, &set);
    for (size_t c = 0; c < set.count && !status; c++, row++) {
      int *r = b->candidates + row * (size_t)b->width;
      memset(r, 0, (size_t)b->width * sizeof *r);
      r[0] = k;
      for (int j = 0; j < k; j++) r[1 + j] = set.indices[c * k + j];
    }
    drt__candidates_free(&set);
  }
  b->n_rows = rows;
  return status;
}

/* Every trial of a batch has the same object count, so all share one
 * candidate list; the layout allows each its own. */
static drt_status flatten(drt__study_batch *b, const drt__study_draw *draws,
                          size_t n, int order) {
  size_t objects = 0;
  for (size_t t = 0; t < n; t++) objects += (size_t)draws[t].n_walls;
  b->trials = malloc(4 * n * sizeof *b->trials);
  b->rx = calloc(2 * DRT_STUDY_MAX_RX * n, sizeof *b->rx);
  b->n_rx = malloc(n * sizeof *b->n_rx);
  if (!b->rx || !b->n_rx) return drt__fail(DRT_ENOMEM, "study: out of memory");
  for (size_t t = 0; t < n; t++) {
    b->n_rx[t] = draws[t].receivers;
    memcpy(b->rx + 2 * DRT_STUDY_MAX_RX * t, draws[t].rx,
           2 * (size_t)draws[t].receivers * sizeof(double));
  }
  b->segments = malloc(4 * objects * sizeof *b->segments);
  b->phis = calloc(objects, sizeof *b->phis);
  b->types = calloc(objects, sizeof *b->types); /* DRT_OBJ_WALL = 0 */
  if (!b->trials || !b->segments || !b->phis || !b->types)
    return drt__fail(DRT_ENOMEM, "study: out of memory");
  drt_status status = build_rows(b, draws[0].n_walls, order);
  size_t first = 0;
  for (size_t t = 0; t < n && !status; t++) {
    int *info = b->trials + 4 * t;
    info[DRT_STUDY_OBJ_FIRST] = (int)first;
    info[DRT_STUDY_OBJ_COUNT] = draws[t].n_walls;
    info[DRT_STUDY_CAND_FIRST] = 0;
    info[DRT_STUDY_CAND_COUNT] = (int)b->n_rows;
    memcpy(b->segments + 4 * first, draws[t].walls,
           4 * (size_t)draws[t].n_walls * sizeof(double));
    first += (size_t)draws[t].n_walls;
  }
  b->n_objects = objects;
  return status;
}

/* Both study programs (programs.h): study_eval, one lane, and
 * study_power on the image method's lanes; the work-group size both
 * allow. */
static drt_status study_programs(drt__study_batch *b) {
  drt_status status =
      drt__program_get(b->ctx, DRT__PROGRAM_STUDY_GRADIENT, DRT_METHOD_IM,
                       &b->programs[0]);
  if (!status)
    status = drt__program_get(b->ctx, DRT__PROGRAM_STUDY_POWER, DRT_METHOD_IM,
                              &b->programs[1]);
  if (status) return status;
  b->lanes = b->programs[1]->lanes;
  b->work_group = b->programs[0]->work_group < b->programs[1]->work_group
                      ? b->programs[0]->work_group
                      : b->programs[1]->work_group;
  return DRT_OK;
}

static drt_status upload(drt__study_batch *b) {
  size_t rs = drt__real_size(b->ctx);
  drt_status status = study_programs(b);
  if (!status)
    status = drt__upload(b->ctx, b->trials, 4 * b->n_trials * sizeof(int),
                         &b->d_trials);
  if (!status)
    status = drt__upload_reals(b->ctx, b->segments, 4 * b->n_objects,
                               &b->d_segments);
  if (!status)
    status = drt__upload_reals(b->ctx, b->phis, b->n_objects, &b->d_phis);
  if (!status)
    status = drt__upload(b->ctx, b->types, b->n_objects * sizeof(int),
                         &b->d_types);
  if (!status)
    status = drt__upload(b->ctx, b->candidates,
                         b->n_rows * (size_t)b->width * sizeof(int),
                         &b->d_candidates);
  if (!status)
    status = drt__upload_reals(b->ctx, b->rx, 2 * DRT_STUDY_MAX_RX * b->n_trials,
                               &b->d_rx);
  if (!status)
    status = drt__upload(b->ctx, b->n_rx, b->n_trials * sizeof(int),
                         &b->d_n_rx);
  if (!status)
    status = drt__create_buffer(b->ctx, CL_MEM_READ_ONLY,
                                2 * b->capacity * sizeof(int), &b->d_ints);
  if (!status)
    status = drt__create_buffer(b->ctx, CL_MEM_READ_ONLY, 4 * b->capacity * rs,
                                &b->d_xy);
  if (!status)
    status = drt__create_buffer(b->ctx, CL_MEM_WRITE_ONLY,
                                3 * b->capacity * rs, &b->d_out);
  if (!status && !(b->staging = malloc(4 * b->capacity * rs)))
    status = drt__fail(DRT_ENOMEM, "study: out of memory");
  return status;
}

drt_status drt__study_batch_open(drt__study_batch *b, drt_context *ctx,
                                 const drt__study_draw *draws, size_t n,
                                 int order) {
  memset(b, 0, sizeof *b);
  b->ctx = ctx;
  b->n_trials = n;
  b->width = order + 1;
  b->capacity = STUDY_CAPACITY;
  b->lanes = 1;
  if (n == 0) return drt__fail(DRT_EINVAL, "study: a batch without trials");
  drt_status status = flatten(b, draws, n, order);
  if (!status && !ctx->is_ref) status = upload(b);
  if (status) drt__study_batch_close(b);
  return status;
}

void drt__study_batch_close(drt__study_batch *b) {
  cl_mem *buffers[] = {&b->d_trials, &b->d_segments, &b->d_types,
                       &b->d_phis,   &b->d_candidates, &b->d_ints,
                       &b->d_xy,     &b->d_out, &b->d_rx, &b->d_n_rx};
  for (size_t i = 0; i < sizeof buffers / sizeof buffers[0]; i++)
    if (*buffers[i]) clReleaseMemObject(*buffers[i]);
  free(b->trials);
  free(b->segments);
  free(b->phis);
  free(b->types);
  free(b->candidates);
  free(b->rx);
  free(b->n_rx);
  free(b->staging);
  memset(b, 0, sizeof *b);
}

/* Arguments of study_eval (gradient >= 0) or study_power (gradient < 0). */
static drt_status set_args(drt__study_batch *b, cl_kernel k, cl_int n,
                           double alpha, cl_int gradient) {
  cl_int width = b->width;
  float alpha_f = (float)alpha;
  int is_double = b->ctx->precision == DRT_PRECISION_DOUBLE;
  drt__arg args[12] = {
      {sizeof(cl_mem), &b->d_ints},     {sizeof(cl_mem), &b->d_xy},
      {sizeof n, &n},                   {sizeof(cl_mem), &b->d_trials},
      {sizeof(cl_mem), &b->d_segments}, {sizeof(cl_mem), &b->d_types},
      {sizeof(cl_mem), &b->d_phis},     {sizeof(cl_mem), &b->d_candidates},
      {sizeof width, &width},
      {is_double ? sizeof alpha : sizeof alpha_f,
       is_double ? (const void *)&alpha : (const void *)&alpha_f}};
  size_t count = 10;
  if (gradient >= 0) args[count++] = (drt__arg){sizeof gradient, &gradient};
  args[count++] = (drt__arg){sizeof(cl_mem), &b->d_out};
  return drt__set_args(k, args, count);
}

/* One launch over queries [first, first + n), n <= capacity: study_eval
 * (3 values a query) when gradient >= 0, else study_power (1 value). */
static drt_status launch(drt__study_batch *b, const drt__study_queries *q,
                         size_t first, size_t n, double alpha, int gradient,
                         double *out) {
  drt_status status = DRT_OK;
  cl_command_queue queue = b->ctx->queue;
  size_t rs = drt__real_size(b->ctx);
  int power = gradient < 0;
  cl_kernel k = b->programs[power]->kernel[DRT__KERNEL_CELLS];
  size_t values = power ? 1 : 3, lanes = power ? (size_t)b->lanes : 1;
  DRT_CL_CHECK(clEnqueueWriteBuffer(queue, b->d_ints, CL_FALSE, 0,
                                    2 * n * sizeof(int), q->ints + 2 * first,
                                    0, NULL, NULL));
  drt__store_reals(b->ctx, q->xy + 4 * first, 4 * n, b->staging);
  DRT_CL_CHECK(clEnqueueWriteBuffer(queue, b->d_xy, CL_TRUE, 0, 4 * n * rs,
                                    b->staging, 0, NULL, NULL));
  status = set_args(b, k, (cl_int)n, alpha, gradient);
  if (status) return status;
  size_t local = b->work_group, items = (n + lanes - 1) / lanes;
  size_t global = (items + local - 1) / local * local;
  DRT_CL_CHECK(clEnqueueNDRangeKernel(queue, k, 1, NULL, &global, &local, 0,
                                      NULL, NULL));
  DRT_CL_CHECK(clEnqueueReadBuffer(queue, b->d_out, CL_TRUE, 0,
                                   values * n * rs, b->staging, 0, NULL, NULL));
  drt__load_reals(b->ctx, b->staging, values * n, out + values * first);
error:
  return status;
}

static drt_status eval_slices(drt__study_batch *b, const drt__study_queries *q,
                              double alpha, int gradient, double *out) {
  drt_status status = DRT_OK;
  for (size_t first = 0; first < q->n && !status; first += b->capacity) {
    size_t n = q->n - first < b->capacity ? q->n - first : b->capacity;
    status = launch(b, q, first, n, alpha, gradient, out);
  }
  return status;
}

/* Trial t's view of the batch's host arrays, for the ref device. */
static drt_study_view view_of(const drt__study_batch *b, size_t t) {
  return drt_study_view_of(b->trials, (int)t, b->segments, b->types, b->phis,
                           b->candidates, b->width, b->rx, b->n_rx);
}

drt_status drt__study_eval(drt__study_batch *b, const drt__study_queries *q,
                           double alpha, int gradient, double *out) {
  if (!b->ctx->is_ref) return eval_slices(b, q, alpha, gradient ? 1 : 0, out);
  for (size_t i = 0; i < q->n; i++) {
    const double *xy = q->xy + 4 * i;
    const drt_study_view v = view_of(b, (size_t)q->ints[2 * i]);
    drt_smoothing_params p = {q->ints[2 * i + 1], alpha};
    drt_vec2 tx = drt_v2(xy[0], xy[1]), rx = drt_v2(xy[2], xy[3]);
    double *o = out + 3 * i;
    drt_num power = drt_study_power(&v, tx, rx, p);
    o[0] = power.v;
    o[1] = gradient ? power.d[0] : 0;
    o[2] = gradient ? power.d[1] : 0;
  }
  return DRT_OK;
}

drt_status drt__study_power(drt__study_batch *b, const drt__study_queries *q,
                            double alpha, double *out) {
  if (q->n % (size_t)b->lanes)
    return drt__fail(DRT_EINVAL, "study: %zu queries are not whole groups of "
                     "%d lanes", q->n, b->lanes);
  if (!b->ctx->is_ref) return eval_slices(b, q, alpha, -1, out);
  for (size_t i = 0; i < q->n; i++) {
    const double *xy = q->xy + 4 * i;
    drt_smoothing_params p = {q->ints[2 * i + 1], alpha};
    const drt_study_view v = view_of(b, (size_t)q->ints[2 * i]);
    out[i] = drt_study_power(&v, drt_v2(xy[0], xy[1]), drt_v2(xy[2], xy[3]), p)
                 .v;
  }
  return DRT_OK;
}

/* ------------------------------------------------------------------------ */
/* The descent of every arm in one launch                                   */
/* ------------------------------------------------------------------------ */

/* What every arm's descent reads, as doubles (the device's types are made
 * at upload): the receivers, Adam's constants, the step tables. */
typedef struct descent_tables {
  double constants[6];  /* lr, beta1, beta2, eps, P0, coordinate limit */
  double *alpha;        /* a step */
  double *correct;      /* 2 a step: 1 - beta1^t, 1 - beta2^t */
} descent_tables;

static void descent_tables_free(descent_tables *t) {
  free(t->alpha);
  free(t->correct);
}

/* The tables of drt_study_descend, computed as the host's descent
 * computes them (drt__alpha_at, drt__adam_corrections). */
static drt_status descent_tables_make(const drt_study_options *o,
                                      drt_precision precision,
                                      descent_tables *t) {
  size_t steps = (size_t)o->steps;
  *t = (descent_tables){0};
  t->alpha = malloc(steps * sizeof *t->alpha);
  t->correct = malloc(2 * steps * sizeof *t->correct);
  if (!t->alpha || !t->correct) {
    descent_tables_free(t);
    return drt__fail(DRT_ENOMEM, "study: out of memory");
  }
  drt__adam adam;
  drt__adam_init(&adam, o->lr);
  double constants[6] = {adam.lr, adam.beta1, adam.beta2, adam.eps, DRT_P0,
                         drt__coordinate_limit(precision)};
  memcpy(t->constants, constants, sizeof constants);
  for (int step = 0; step < o->steps; step++) {
    t->alpha[step] = drt__alpha_at(o->alpha_start, o->alpha_end, step, o->steps);
    drt__adam_corrections(&adam, step + 1, t->correct + 2 * step);
  }
  return DRT_OK;
}

/* The serial descent of every arm on the ref device. */
static void descend_on_ref(const drt__study_batch *b, const descent_tables *t,
                           const drt_study_options *o, double *pos,
                           double *f_start, int *diverged) {
  for (size_t a = 0; a < 2 * b->n_trials; a++) {
    size_t trial = a / 2;
    const drt_study_descent d = {
        o->steps, a % 2 == 0 ? DRT_SMOOTH_NONE : (int)o->smoothing,
        {t->constants[0], t->constants[1], t->constants[2], t->constants[3]},
        t->constants[4], t->constants[5]};
    const drt_study_view v = view_of(b, trial);
    diverged[a] = drt_study_descend(&v, &d, t->alpha, t->correct, pos + 2 * a,
                                    &f_start[a]);
  }
}

/* n doubles as the device's dstate (double with fp64, else float), in a
 * malloc'd array. */
static void *to_dstate(const double *src, size_t n, int fp64) {
  void *out = malloc((n ? n : 1) * (fp64 ? sizeof(double) : sizeof(float)));
  if (!out) return NULL;
  for (size_t i = 0; i < n; i++)
    if (fp64) ((double *)out)[i] = src[i];
    else ((float *)out)[i] = (float)src[i];
  return out;
}

static void from_dstate(const void *src, size_t n, int fp64, double *dst) {
  for (size_t i = 0; i < n; i++)
    dst[i] = fp64 ? ((const double *)src)[i] : ((const float *)src)[i];
}

/* A work-group size for kernel k: 64 at most, as the programs' own, and
 * given explicitly, so that a CPU device spreads the groups over its
 * cores (left to it, one group of every work-item may run on one). */
static drt_status kernel_group(drt_context *ctx, cl_kernel k, size_t *local) {
  drt_status status = DRT_OK;
  size_t most = 0;
  DRT_CL_CHECK(clGetKernelWorkGroupInfo(k, ctx->device,
                                        CL_KERNEL_WORK_GROUP_SIZE, sizeof most,
                                        &most, NULL));
  *local = most < 64 ? (most ? most : 1) : 64;
error:
  return status;
}

/* The device's buffers of one descent. */
typedef struct descent_buffers {
  cl_mem constants, alpha, correct, pos, f_start, diverged;
} descent_buffers;

static void descent_buffers_release(descent_buffers *d) {
  cl_mem *all[] = {&d->constants, &d->alpha, &d->correct, &d->pos,
                   &d->f_start, &d->diverged};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (*all[i]) clReleaseMemObject(*all[i]);
}

static drt_status upload_dstate(drt_context *ctx, const double *src, size_t n,
                                int fp64, cl_mem *buffer) {
  void *host = to_dstate(src, n, fp64);
  if (!host) return drt__fail(DRT_ENOMEM, "study: out of memory");
  drt_status status = drt__upload(
      ctx, host, n * (fp64 ? sizeof(double) : sizeof(float)), buffer);
  free(host);
  return status;
}

static drt_status descent_upload(drt__study_batch *b, const descent_tables *t,
                                 size_t steps, int fp64, descent_buffers *d) {
  size_t n = b->n_trials, ds = fp64 ? sizeof(double) : sizeof(float);
  drt_status status =
      upload_dstate(b->ctx, t->constants, 6, fp64, &d->constants);
  if (!status) status = drt__upload_reals(b->ctx, t->alpha, steps, &d->alpha);
  if (!status)
    status = upload_dstate(b->ctx, t->correct, 2 * steps, fp64, &d->correct);
  if (!status)
    status = drt__create_buffer(b->ctx, CL_MEM_READ_WRITE, 4 * n * ds, &d->pos);
  if (!status)
    status = drt__create_buffer(b->ctx, CL_MEM_WRITE_ONLY, 2 * n * ds,
                                &d->f_start);
  if (!status)
    status = drt__create_buffer(b->ctx, CL_MEM_WRITE_ONLY,
                                2 * n * sizeof(cl_int), &d->diverged);
  return status;
}

/* The arguments of study_map, study_refine and study_descend: the
 * trials' scenes and receivers first (drt_study_view_of), then `own`. */
static drt_status set_view_args(const drt__study_batch *b, cl_kernel k,
                                const drt__arg *own, size_t n_own) {
  cl_int width = b->width;
  drt__arg args[24] = {
      {sizeof(cl_mem), &b->d_trials},     {sizeof(cl_mem), &b->d_segments},
      {sizeof(cl_mem), &b->d_types},      {sizeof(cl_mem), &b->d_phis},
      {sizeof(cl_mem), &b->d_candidates}, {sizeof width, &width},
      {sizeof(cl_mem), &b->d_rx},         {sizeof(cl_mem), &b->d_n_rx}};
  if (n_own > 24 - 8) return drt__fail(DRT_EINVAL, "study: too many arguments");
  memcpy(args + 8, own, n_own * sizeof *own);
  return drt__set_args(k, args, 8 + n_own);
}

static drt_status descent_args(drt__study_batch *b, const descent_buffers *d,
                               cl_kernel k, cl_int steps, cl_int smoothing) {
  cl_int arms = (cl_int)(2 * b->n_trials);
  const drt__arg args[] = {
      {sizeof arms, &arms},               {sizeof steps, &steps},
      {sizeof smoothing, &smoothing},     {sizeof(cl_mem), &d->constants},
      {sizeof(cl_mem), &d->alpha},        {sizeof(cl_mem), &d->correct},
      {sizeof(cl_mem), &d->pos},          {sizeof(cl_mem), &d->f_start},
      {sizeof(cl_mem), &d->diverged}};
  return set_view_args(b, k, args, sizeof args / sizeof args[0]);
}

/* The launch: positions in, every arm's descent, results back. */
static drt_status descend_on_device(drt__study_batch *b,
                                    const descent_tables *t,
                                    const drt_study_options *o, double *pos,
                                    double *f_start, int *diverged) {
  int fp64 = drt__cl_has_fp64(b->ctx->device);
  size_t arms = 2 * b->n_trials, ds = fp64 ? sizeof(double) : sizeof(float);
  descent_buffers d = {0};
  void *host = to_dstate(pos, 2 * arms, fp64);
  cl_int *steps_at = malloc(arms * sizeof *steps_at);
  drt_status status = host && steps_at
                          ? descent_upload(b, t, (size_t)o->steps, fp64, &d)
                          : drt__fail(DRT_ENOMEM, "study: out of memory");
  cl_command_queue queue = b->ctx->queue;
  cl_kernel k = b->programs[0]->kernel[1];
  if (status) goto error;
  DRT_CL_CHECK(clEnqueueWriteBuffer(queue, d.pos, CL_FALSE, 0, 2 * arms * ds,
                                    host, 0, NULL, NULL));
  status = descent_args(b, &d, k, o->steps, (cl_int)o->smoothing);
  if (status) goto error;
  size_t local = 0;
  status = kernel_group(b->ctx, k, &local);
  if (status) goto error;
  size_t global = (arms + local - 1) / local * local;
  DRT_CL_CHECK(clEnqueueNDRangeKernel(queue, k, 1, NULL, &global, &local, 0,
                                      NULL, NULL));
  DRT_CL_CHECK(clEnqueueReadBuffer(queue, d.pos, CL_TRUE, 0, 2 * arms * ds,
                                   host, 0, NULL, NULL));
  from_dstate(host, 2 * arms, fp64, pos);
  DRT_CL_CHECK(clEnqueueReadBuffer(queue, d.f_start, CL_TRUE, 0, arms * ds,
                                   host, 0, NULL, NULL));
  from_dstate(host, arms, fp64, f_start);
  DRT_CL_CHECK(clEnqueueReadBuffer(queue, d.diverged, CL_TRUE, 0,
                                   arms * sizeof *steps_at, steps_at, 0, NULL,
                                   NULL));
  for (size_t a = 0; a < arms; a++) diverged[a] = steps_at[a];
error:
  descent_buffers_release(&d);
  free(host);
  free(steps_at);
  return status;
}

drt_status drt__study_descend(drt__study_batch *b, const drt_study_options *o,
                              double *pos, double *f_start, int *diverged) {
  descent_tables t;
  drt_status status = descent_tables_make(o, b->ctx->precision, &t);
  if (status) return status;
  if (b->ctx->is_ref) descend_on_ref(b, &t, o, pos, f_start, diverged);
  else status = descend_on_device(b, &t, o, pos, f_start, diverged);
  descent_tables_free(&t);
  return status;
}

/* ------------------------------------------------------------------------ */
/* The optimum search's maps                                                */
/* ------------------------------------------------------------------------ */

static void map_on_ref(const drt__study_batch *b, size_t t0, size_t t1,
                       int grid, double *maps) {
  int cells = grid * grid;
  for (size_t t = t0; t < t1; t++)
    for (int c = 0; c < cells; c++) {
      drt_vec2 tx = drt_v2((double)(c % grid) / (grid - 1),
                           (double)(c / grid) / (grid - 1));
      const drt_study_view v = view_of(b, t);
      drt_study_map_f(&v, tx, DRT_P0,
                      maps + (t - t0) * (size_t)cells + (size_t)c);
    }
}

static drt_status map_on_device(drt__study_batch *b, size_t t0, size_t t1,
                                int grid, double *maps) {
  int fp64 = drt__cl_has_fp64(b->ctx->device);
  size_t ds = fp64 ? sizeof(double) : sizeof(float);
  size_t cells = (size_t)grid * (size_t)grid, n = t1 - t0;
  cl_int groups = (cl_int)((cells + (size_t)b->lanes - 1) / (size_t)b->lanes);
  cl_int first = (cl_int)t0, n_trials = (cl_int)n, g = grid;
  double p0 = DRT_P0;
  cl_mem constants = NULL, out = NULL;
  void *host = malloc(n * cells * ds);
  drt_status status = host ? upload_dstate(b->ctx, &p0, 1, fp64, &constants)
                           : drt__fail(DRT_ENOMEM, "study: out of memory");
  if (!status)
    status = drt__create_buffer(b->ctx, CL_MEM_WRITE_ONLY, n * cells * ds, &out);
  cl_kernel k = b->programs[1]->kernel[1];
  const drt__arg args[] = {
      {sizeof first, &first},             {sizeof n_trials, &n_trials},
      {sizeof groups, &groups},           {sizeof g, &g},
      {sizeof(cl_mem), &constants},       {sizeof(cl_mem), &out}};
  if (!status) status = set_view_args(b, k, args, sizeof args / sizeof args[0]);
  size_t local = 0;
  if (!status) status = kernel_group(b->ctx, k, &local);
  if (status) goto error;
  size_t items = n * (size_t)groups, global = (items + local - 1) / local * local;
  DRT_CL_CHECK(clEnqueueNDRangeKernel(b->ctx->queue, k, 1, NULL, &global,
                                      &local, 0, NULL, NULL));
  DRT_CL_CHECK(clEnqueueReadBuffer(b->ctx->queue, out, CL_TRUE, 0,
                                   n * cells * ds, host, 0, NULL, NULL));
  from_dstate(host, n * cells, fp64, maps);
error:
  if (constants) clReleaseMemObject(constants);
  if (out) clReleaseMemObject(out);
  free(host);
  return status;
}

drt_status drt__study_map(drt__study_batch *b, size_t t0, size_t t1, int grid,
                          double *maps) {
  if (t1 <= t0 || t1 > b->n_trials || grid < 2)
    return drt__fail(DRT_EINVAL, "study: map of trials %zu to %zu, grid %d",
                     t0, t1, grid);
  if (b->ctx->is_ref) {
    map_on_ref(b, t0, t1, grid, maps);
    return DRT_OK;
  }
  return map_on_device(b, t0, t1, grid, maps);
}

/* ------------------------------------------------------------------------ */
/* The optimum search's pattern searches                                    */
/* ------------------------------------------------------------------------ */

drt_status drt__study_refine(drt__study_batch *b, size_t n, int *ints,
                             double *state, const double *moves,
                             int iterations, double step_min) {
  if (b->ctx->is_ref) {
    for (size_t i = 0; i < n; i++) {
      size_t t = (size_t)ints[2 * i];
      const drt_study_view v = view_of(b, t);
      drt_study_refine(&v, moves, iterations, DRT_P0, step_min, state + 4 * i,
                       &ints[2 * i + 1]);
    }
    return DRT_OK;
  }
  int fp64 = drt__cl_has_fp64(b->ctx->device);
  size_t ds = fp64 ? sizeof(double) : sizeof(float);
  double constants[2] = {DRT_P0, step_min};
  cl_mem d_constants = NULL, d_moves = NULL, d_state = NULL, d_ints = NULL;
  void *host = to_dstate(state, 4 * n, fp64);
  drt_status status =
      host ? upload_dstate(b->ctx, constants, 2, fp64, &d_constants)
           : drt__fail(DRT_ENOMEM, "study: out of memory");
  if (!status)
    status = upload_dstate(b->ctx, moves, 2 * DRT_STUDY_MOVES, fp64, &d_moves);
  if (!status)
    status = drt__create_buffer(b->ctx, CL_MEM_READ_WRITE, 4 * n * ds, &d_state);
  if (!status)
    status = drt__create_buffer(b->ctx, CL_MEM_READ_WRITE, 2 * n * sizeof(int),
                                &d_ints);
  cl_command_queue queue = b->ctx->queue;
  cl_kernel k = b->programs[1]->kernel[2];
  cl_int searches = (cl_int)n, rounds = iterations;
  const drt__arg args[] = {
      {sizeof searches, &searches},       {sizeof rounds, &rounds},
      {sizeof(cl_mem), &d_constants},     {sizeof(cl_mem), &d_moves},
      {sizeof(cl_mem), &d_state},         {sizeof(cl_mem), &d_ints}};
  if (!status) status = set_view_args(b, k, args, sizeof args / sizeof args[0]);
  size_t local = 0;
  if (!status) status = kernel_group(b->ctx, k, &local);
  if (status) goto error;
  size_t global = (n + local - 1) / local * local;
  DRT_CL_CHECK(clEnqueueWriteBuffer(queue, d_state, CL_FALSE, 0, 4 * n * ds,
                                    host, 0, NULL, NULL));
  DRT_CL_CHECK(clEnqueueWriteBuffer(queue, d_ints, CL_FALSE, 0,
                                    2 * n * sizeof(int), ints, 0, NULL, NULL));
  DRT_CL_CHECK(clEnqueueNDRangeKernel(queue, k, 1, NULL, &global, &local, 0,
                                      NULL, NULL));
  DRT_CL_CHECK(clEnqueueReadBuffer(queue, d_state, CL_TRUE, 0, 4 * n * ds,
                                   host, 0, NULL, NULL));
  DRT_CL_CHECK(clEnqueueReadBuffer(queue, d_ints, CL_TRUE, 0,
                                   2 * n * sizeof(int), ints, 0, NULL, NULL));
  from_dstate(host, 4 * n, fp64, state);
error:
  cl_mem all[] = {d_constants, d_moves, d_state, d_ints};
  for (size_t i = 0; i < 4; i++)
    if (all[i]) clReleaseMemObject(all[i]);
  free(host);
  return status;
}
