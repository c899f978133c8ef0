/* session.c — the one evaluation pipeline on a device: uploads, one kernel
 * launch per (tile, order), the chunk reduction, and read-back. */
#include "session.h"

#include <stdlib.h>
#include <string.h>

#include "cl_runtime.h"
#include "context_impl.h"
#include "error.h"
#include "gradients/drt_moves.h" /* drt_scene_stride */
#include "power/drt_radio.h"     /* DRT_WAVE_* */
#include "radio.h"

/* Candidates of one order a chunk holds, at least: a cell's sum over an
 * order's candidates is split into chunks by candidate index, each summed
 * by one work-item, then the chunks in order. The split depends on the
 * candidate count alone, never on the tile, so a point's value is the
 * same bits however the points were tiled (a progress callback's small
 * first tiles, a map split between processes). */
#define DRT_CHUNK_CANDIDATES 256
/* Cells a chunked tile holds at least: chunks grow past
 * DRT_CHUNK_CANDIDATES candidates so that a tile of this many cells fits
 * the partial sums. */
#define DRT_CHUNKED_TILE_MIN 64
/* Device memory for one scene-gradient tile's results, and its most
 * points: a point's result is long, and one work-item makes it whole. */
#define DRT_SCENE_TILE_BYTES ((size_t)64 << 20)
#define DRT_SCENE_TILE_POINTS ((size_t)4096)

drt_status drt__upload(drt_context *ctx, const void *host, size_t bytes,
                       cl_mem *buffer) {
  drt_status status = DRT_OK;
  cl_int err;
  /* Zero-sized buffers are invalid in OpenCL: keep one dummy element. */
  static const double dummy = 0;
  *buffer = clCreateBuffer(ctx->cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
                           bytes ? bytes : sizeof dummy,
                           bytes ? (void *)host : (void *)&dummy, &err);
  DRT_CL_CHECK(err);
error:
  return status;
}

drt_status drt__upload_reals(drt_context *ctx, const double *values, size_t n,
                             cl_mem *buffer) {
  void *reals = malloc((n ? n : 1) * sizeof(double));
  if (!reals) return drt__fail(DRT_ENOMEM, "upload: out of memory");
  drt__store_reals(ctx, values, n, reals);
  drt_status status = drt__upload(ctx, reals, n * drt__real_size(ctx), buffer);
  free(reals);
  return status;
}

/* The radio model's table (radio.h); in the paper's model one unused
 * element. */
static drt_status upload_materials(drt__session *s) {
  int radio = s->opt->model == DRT_MODEL_RADIO;
  size_t n = radio ? drt__radio_table_size(s->scene, s->opt) : 1;
  double *values = calloc(n ? n : 1, sizeof *values);
  if (!values) return drt__fail(DRT_ENOMEM, "scene upload: out of memory");
  drt_status status =
      radio ? drt__radio_table(s->scene, s->opt, values) : DRT_OK;
  if (!status) status = drt__upload_reals(s->ctx, values, n, &s->materials);
  free(values);
  return status;
}

static drt_status upload_scene(drt__session *s) {
  size_t n = drt_scene_object_count(s->scene);
  double *coords = malloc((n ? n : 1) * 5 * sizeof *coords);
  int *types = malloc((n ? n : 1) * sizeof *types);
  drt_status status = DRT_OK;
  if (!coords || !types) {
    status = drt__fail(DRT_ENOMEM, "scene upload: out of memory");
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    const drt_object *o = drt_scene_object(s->scene, i);
    double c[4] = {o->ax, o->ay, o->bx, o->by};
    memcpy(coords + 4 * i, c, sizeof c);
    coords[4 * n + i] = o->phi;
    types[i] = (int)o->type;
  }
  status = drt__upload_reals(s->ctx, coords, 4 * n, &s->segments);
  if (!status) status = drt__upload_reals(s->ctx, coords + 4 * n, n, &s->phis);
  if (!status) status = drt__upload(s->ctx, types, n * sizeof *types, &s->types);
  if (!status) status = upload_materials(s);
done:
  free(coords);
  free(types);
  return status;
}

static drt_status upload_fixed(drt__session *s) {
  int vary_tx = s->opt->vary == DRT_VARY_TX;
  size_t n = vary_tx ? drt_scene_rx_count(s->scene)
                     : drt_scene_tx_count(s->scene);
  double *xy = malloc((n ? n : 1) * 2 * sizeof *xy);
  if (!xy) return drt__fail(DRT_ENOMEM, "endpoint upload: out of memory");
  for (size_t i = 0; i < n; i++) {
    const drt_point *p = vary_tx ? drt_scene_rx(s->scene, i)
                                 : drt_scene_tx(s->scene, i);
    xy[2 * i] = p->x;
    xy[2 * i + 1] = p->y;
  }
  drt_status status = drt__upload_reals(s->ctx, xy, 2 * n, &s->fixed);
  s->n_fixed = (int)n;
  free(xy);
  return status;
}

static drt_status upload_candidates(drt__session *s) {
  int *objects;
  size_t n_objects;
  drt_status status =
      drt__candidate_objects(s->scene, s->opt->only, &objects, &n_objects);
  for (int i = 0; i < s->n_orders && !status; i++) {
    drt__candidates *set = &s->sets[i];
    status = drt__candidates_build(objects, n_objects, s->opt->order_min + i,
                                   set);
    if (!status && set->count > INT32_MAX)
      status = drt__fail(DRT_ETOOBIG, "%zu candidates of order %d exceed "
                         "the kernels' 32-bit candidate index",
                         set->count, set->order);
    if (!status)
      status = drt__upload(s->ctx, set->indices,
                      set->count * set->order * sizeof(int),
                      &s->candidates[i]);
  }
  free(objects);
  return status;
}

size_t drt__eval_components(const drt_scene *scene,
                            const drt_trace_options *opt, drt__eval_kind kind) {
  if (kind == DRT__EVAL_POWER || kind == DRT__EVAL_TIMES_L ||
      kind == DRT__EVAL_TIMES_L2)
    return 1;
  if (kind == DRT__EVAL_PATHS) return 0; /* records: paths.c */
  if (kind != DRT__EVAL_SCENE) return 3;
  size_t n_fixed = opt->vary == DRT_VARY_TX ? drt_scene_rx_count(scene)
                                            : drt_scene_tx_count(scene);
  int n_objects = (int)drt_scene_object_count(scene);
  if (opt->model == DRT_MODEL_RADIO)
    return (size_t)drt_radio_scene_stride(n_objects, (int)n_fixed);
  return (size_t)drt_scene_stride(n_objects, (int)n_fixed);
}

/* Candidates per chunk of a set of `count` (see DRT_CHUNK_CANDIDATES). */
size_t drt__chunk_size(size_t count) {
  size_t most_chunks = DRT_PARTIAL_SLOTS / DRT_CHUNKED_TILE_MIN;
  size_t needed = (count + most_chunks - 1) / most_chunks;
  return needed > DRT_CHUNK_CANDIDATES ? needed : DRT_CHUNK_CANDIDATES;
}

/* Chunks of order set i (0 for an empty set; one where results are not
 * chunked), of chunk_size candidates each. */
static size_t order_chunks(const drt__session *s, int i, size_t *chunk) {
  size_t count = s->sets[i].count;
  *chunk = s->chunked ? drt__chunk_size(count) : (count ? count : 1);
  return (count + *chunk - 1) / *chunk;
}

/* The most chunks of any order: the partial-sum rows of a tile. */
static size_t tile_chunks(const drt__session *s) {
  size_t chunks = 1, chunk;
  for (int i = 0; i < s->n_orders; i++) {
    size_t used = order_chunks(s, i, &chunk);
    if (used > chunks) chunks = used;
  }
  return chunks;
}

/* Points a tile of the session: a chunked tile is bounded by its partial
 * sums (a multiple of 16 cells, a whole number of work-items of any
 * lanes), a scene-gradient tile by its results' memory. */
static size_t tile_capacity(const drt__session *s) {
  if (s->chunked) {
    size_t cells = DRT_PARTIAL_SLOTS / tile_chunks(s) / 16 * 16;
    return cells < DRT_TILE_CELLS ? cells : DRT_TILE_CELLS;
  }
  size_t points = DRT_SCENE_TILE_BYTES / (s->fields * drt__real_size(s->ctx));
  if (points > DRT_SCENE_TILE_POINTS) points = DRT_SCENE_TILE_POINTS;
  return points ? points : 1;
}

drt_status drt__create_buffer(drt_context *ctx, cl_mem_flags flags,
                              size_t bytes, cl_mem *buffer) {
  drt_status status = DRT_OK;
  cl_int err;
  *buffer = clCreateBuffer(ctx->cl, flags, bytes, NULL, &err);
  DRT_CL_CHECK(err);
error:
  return status;
}

/* The tiles' buffers: chunked kinds keep partial sums per (cell, chunk)
 * and reduce them into out; a scene-gradient tile's work-items write
 * their points' results whole into partial. */
static drt_status create_work_buffers(drt__session *s) {
  size_t rs = drt__real_size(s->ctx);
  size_t room = s->cell_room ? s->cell_room : s->capacity;
  size_t results = s->fields * room;
  size_t partial = s->chunked ? s->fields * DRT_PARTIAL_SLOTS : results;
  size_t counts = s->chunked ? DRT_PARTIAL_SLOTS : room;
  drt_status status =
      drt__create_buffer(s->ctx, CL_MEM_READ_ONLY, 2 * room * rs, &s->moving);
  if (!status)
    status = drt__create_buffer(s->ctx, CL_MEM_READ_WRITE, partial * rs,
                               &s->partial);
  if (!status)
    status = drt__create_buffer(s->ctx, CL_MEM_READ_WRITE, counts * sizeof(cl_uint),
                           &s->iterations);
  if (!status && s->chunked)
    status = drt__create_buffer(s->ctx, CL_MEM_WRITE_ONLY, results * rs, &s->out);
  for (int i = 0; i < 2 && !status; i++) {
    struct drt__tile_slot *slot = &s->slots[i];
    slot->points = malloc(2 * room * rs);
    slot->results = malloc(results * rs);
    slot->counts = malloc(counts * sizeof *slot->counts);
    slot->fields = malloc(results * sizeof *slot->fields);
    if (!slot->points || !slot->results || !slot->counts || !slot->fields)
      status = drt__fail(DRT_ENOMEM, "tile: out of memory");
  }
  return status;
}

static const drt__program_kind program_of_kind[] = {
    [DRT__EVAL_POWER] = DRT__PROGRAM_POWER,
    [DRT__EVAL_GRADIENT] = DRT__PROGRAM_GRADIENT,
    [DRT__EVAL_PAIRS] = DRT__PROGRAM_GRADIENT,
    [DRT__EVAL_SCENE] = DRT__PROGRAM_SCENE,
    [DRT__EVAL_PATHS] = DRT__PROGRAM_PATHS,
    [DRT__EVAL_TIMES_L] = DRT__PROGRAM_RADIO_POWER,
    [DRT__EVAL_TIMES_L2] = DRT__PROGRAM_RADIO_POWER};

/* The program of a kind in the options' model: the radio model has every
 * kind but the pairs of a receiver map (a pair work-item would need each
 * lane's transmitter entry; docs/method.md §14). */
static drt_status kind_program(const drt_trace_options *opt,
                               drt__eval_kind kind, drt__program_kind *out) {
  *out = program_of_kind[kind];
  int moment = kind == DRT__EVAL_TIMES_L || kind == DRT__EVAL_TIMES_L2;
  if (moment && (opt->model != DRT_MODEL_RADIO || opt->sum != DRT_SUM_INCOHERENT))
    return drt__fail(DRT_EUNSUPPORTED, "delay moments are the radio model's "
                     "incoherent sums");
  if (opt->model != DRT_MODEL_RADIO || moment) return DRT_OK;
  if (kind == DRT__EVAL_PATHS) {
    *out = DRT__PROGRAM_RADIO_PATHS;
    return DRT_OK;
  }
  if (kind == DRT__EVAL_SCENE) {
    *out = DRT__PROGRAM_RADIO_SCENE;
    return DRT_OK;
  }
  int tx_pairs = kind == DRT__EVAL_PAIRS && opt->vary == DRT_VARY_TX;
  if (kind == DRT__EVAL_POWER || kind == DRT__EVAL_GRADIENT || tx_pairs) {
    *out = kind == DRT__EVAL_POWER ? DRT__PROGRAM_RADIO_POWER
                                   : DRT__PROGRAM_RADIO_GRADIENT;
    return DRT_OK;
  }
  return drt__fail(DRT_EUNSUPPORTED, "the radio model has no per-pair "
                   "evaluation of a receiver map yet: use --model paper");
}

drt_status drt__session_open(drt__session *s, drt_context *ctx,
                             const drt_scene *scene,
                             const drt_trace_options *opt,
                             drt__eval_kind kind) {
  memset(s, 0, sizeof *s);
  s->ctx = ctx;
  s->scene = scene;
  s->opt = opt;
  s->n_orders = opt->order_max - opt->order_min + 1;
  s->components = drt__eval_components(scene, opt, kind);
  s->fields = opt->model == DRT_MODEL_RADIO ? 2 * s->components : s->components;
  s->chunked = kind != DRT__EVAL_SCENE && kind != DRT__EVAL_PATHS;
  s->wave_weight = kind == DRT__EVAL_TIMES_L    ? DRT_WAVE_TIMES_L
                   : kind == DRT__EVAL_TIMES_L2 ? DRT_WAVE_TIMES_L2
                                                : 0;
  s->trace_slots = s->chunked ? DRT_PARTIAL_SLOTS : s->fields;
  drt__program_kind program;
  drt_status status = kind_program(opt, kind, &program);
  if (!status) status = drt__program_get(ctx, program, opt->method, &s->prog);
  if (!status)
    s->kernel = s->prog->kernel[kind == DRT__EVAL_PAIRS ? DRT__KERNEL_PAIRS
                                                        : DRT__KERNEL_CELLS];
  if (!status) status = upload_scene(s);
  if (!status) status = upload_fixed(s);
  if (!status && drt__session_culls(scene, opt, kind))
    status = drt__session_open_culled(s);
  else if (!status)
    status = upload_candidates(s);
  if (kind == DRT__EVAL_PATHS) {
    if (status) drt__session_close(s);
    return status;
  }
  if (!status && !s->culler) s->capacity = tile_capacity(s);
  if (!status) status = create_work_buffers(s);
  if (status) drt__session_close(s);
  return status;
}

void drt__session_close(drt__session *s) {
  /* The device may still be reading or writing the slots' host memory.
   * Should the wait itself fail, the device is lost and writes nothing. */
  if (s->ctx && s->ctx->queue && clFinish(s->ctx->queue) != CL_SUCCESS)
    drt__fail(DRT_ECL, "clFinish failed while closing a session");
  drt__culler_destroy(s->culler);
  drt__cull_batch_free(&s->batch);
  for (int i = 0; i < s->n_orders; i++) {
    drt__candidates_free(&s->sets[i]);
    if (s->candidates[i]) clReleaseMemObject(s->candidates[i]);
  }
  cl_mem *buffers[] = {&s->segments, &s->types,   &s->phis,
                       &s->fixed,    &s->moving,  &s->partial,
                       &s->iterations, &s->out,   &s->materials};
  for (size_t i = 0; i < sizeof buffers / sizeof buffers[0]; i++)
    if (*buffers[i]) clReleaseMemObject(*buffers[i]);
  for (int i = 0; i < 2; i++) {
    struct drt__tile_slot *slot = &s->slots[i];
    if (slot->done) clReleaseEvent(slot->done);
    free(slot->points);
    free(slot->results);
    free(slot->counts);
    free(slot->fields);
  }
  memset(s, 0, sizeof *s);
}

/* The cells kernel's arguments (kernels/drt_driver.h, DRT_TRACE_ARGS),
 * the same for every kind: a scene-gradient tile takes the whole set as
 * one chunk, and its `slots` is the stride of a point's result. */
drt_status drt__set_trace_args(drt__session *s, cl_kernel kernel, int i,
                               cl_mem candidates, cl_int n_cells,
                               cl_ulong first_cell, cl_int chunk) {
  const drt__candidates *set = &s->sets[i];
  cl_int order = set->order, n_cand = (cl_int)set->count;
  cl_int n_obj = (cl_int)drt_scene_object_count(s->scene);
  cl_int vary_tx = s->opt->vary == DRT_VARY_TX, mode = s->opt->smoothing;
  cl_ulong seed = s->opt->seed;
  cl_ulong slots = s->trace_slots;
  double alpha_d = s->opt->alpha;
  float alpha_f = (float)alpha_d;
  int is_double = s->ctx->precision == DRT_PRECISION_DOUBLE;
  int radio = s->opt->model == DRT_MODEL_RADIO;
  double k_d = radio ? drt__wavenumber(s->opt) : 0;
  float k_f = (float)k_d;
  cl_int wave_flags =
      (radio && s->opt->sum == DRT_SUM_COHERENT ? DRT_WAVE_COHERENT : 0) |
      (radio && s->opt->polarization == DRT_POLARIZATION_HORIZONTAL
           ? DRT_WAVE_HORIZONTAL
           : 0) |
      s->wave_weight;
  const drt__arg args[] = {
      {sizeof(cl_mem), &s->moving},   {sizeof n_cells, &n_cells},
      {sizeof first_cell, &first_cell}, {sizeof(cl_mem), &s->fixed},
      {sizeof(cl_int), &s->n_fixed},  {sizeof vary_tx, &vary_tx},
      {sizeof(cl_mem), &s->segments}, {sizeof(cl_mem), &s->types},
      {sizeof(cl_mem), &s->phis},     {sizeof n_obj, &n_obj},
      {sizeof(cl_mem), &candidates},  {sizeof order, &order},
      {sizeof n_cand, &n_cand},       {sizeof chunk, &chunk},
      {sizeof mode, &mode},
      {is_double ? sizeof alpha_d : sizeof alpha_f,
       is_double ? (const void *)&alpha_d : (const void *)&alpha_f},
      {sizeof seed, &seed},           {sizeof(cl_mem), &s->partial},
      {sizeof(cl_mem), &s->iterations}, {sizeof slots, &slots},
      {sizeof(cl_mem), &s->materials},
      {is_double ? sizeof k_d : sizeof k_f,
       is_double ? (const void *)&k_d : (const void *)&k_f},
      {sizeof wave_flags, &wave_flags}};
  return drt__set_args(kernel, args, sizeof args / sizeof args[0]);
}

/* Adds the values of one order's candidates into the partial sums. */
static drt_status launch_order(drt__session *s, int i, int n_cells,
                               size_t first_cell) {
  size_t chunk_candidates;
  size_t used = order_chunks(s, i, &chunk_candidates);
  cl_int chunk = (cl_int)chunk_candidates;
  if (used == 0) return DRT_OK;
  drt_status status = drt__set_trace_args(s, s->kernel, i, s->candidates[i], n_cells,
                                         first_cell, chunk);
  if (status) return status;
  size_t wg = s->prog->work_group;
  size_t items = (size_t)n_cells / (size_t)s->prog->lanes;
  size_t global[2] = {drt__round_up(items, wg), used};
  size_t local[2] = {wg, 1};
  DRT_CL_CHECK(clEnqueueNDRangeKernel(s->ctx->queue, s->kernel, 2, NULL,
                                      global, local, 0, NULL, NULL));
error:
  return status;
}

static drt_status reduce_tile(drt__session *s, int n_cells, size_t chunks) {
  cl_kernel k = s->prog->kernel[DRT__KERNEL_REDUCE];
  cl_int n_chunks = (cl_int)chunks;
  cl_ulong slots = DRT_PARTIAL_SLOTS;
  const drt__arg args[] = {{sizeof(cl_mem), &s->partial},
                           {sizeof n_cells, &n_cells},
                           {sizeof n_chunks, &n_chunks},
                           {sizeof slots, &slots},
                           {sizeof(cl_mem), &s->out}};
  drt_status status = drt__set_args(k, args, sizeof args / sizeof args[0]);
  if (status) return status;
  size_t wg = s->prog->work_group;
  size_t global = drt__round_up((size_t)n_cells, wg);
  DRT_CL_CHECK(clEnqueueNDRangeKernel(s->ctx->queue, k, 1, NULL, &global, &wg,
                                      0, NULL, NULL));
error:
  return status;
}

/* Zeroes the first `slots` partial sums (of every component) and
 * iteration counts: slots past an order's chunk count stay zero for the
 * reduction. Unchunked results are one block of slots points. */
drt_status drt__clear_slots(drt__session *s, size_t slots) {
  drt_status status = DRT_OK;
  size_t rs = drt__real_size(s->ctx);
  const double zero_d = 0;
  const float zero_f = 0;
  const cl_uint zero_u = 0;
  size_t blocks = s->chunked ? s->fields : 1;
  size_t block = s->chunked ? slots : slots * s->fields;
  for (size_t c = 0; c < blocks; c++)
    DRT_CL_CHECK(clEnqueueFillBuffer(
        s->ctx->queue, s->partial,
        rs == sizeof(double) ? (const void *)&zero_d : (const void *)&zero_f,
        rs, c * DRT_PARTIAL_SLOTS * rs, block * rs, 0, NULL, NULL));
  DRT_CL_CHECK(clEnqueueFillBuffer(s->ctx->queue, s->iterations, &zero_u,
                                   sizeof zero_u, 0, slots * sizeof zero_u, 0,
                                   NULL, NULL));
error:
  return status;
}

/* Stages n points (n >= 1) as the kernels read them: all x, then all y,
 * each padded with copies of the last point to n_cells. */
static void stage_points(const drt__session *s, const double *xy, size_t n,
                         size_t n_cells, void *staged) {
  int is_double = s->ctx->precision == DRT_PRECISION_DOUBLE;
  double *xd = staged;
  float *xf = staged;
  for (size_t i = 0; i < n_cells; i++) {
    const double *point = xy + 2 * (i < n ? i : n - 1);
    if (is_double) {
      xd[i] = point[0];
      xd[n_cells + i] = point[1];
    } else {
      xf[i] = (float)point[0];
      xf[n_cells + i] = (float)point[1];
    }
  }
}

/* Queues a tile's work and its read-back into `slot`, without waiting. */
static drt_status enqueue_tile(drt__session *s, struct drt__tile_slot *slot,
                               size_t first_cell) {
  drt_status status = DRT_OK;
  size_t rs = drt__real_size(s->ctx);
  /* A whole number of work-items: a tile's capacity is a multiple of 16,
   * or of one lane. */
  int n_cells = (int)drt__round_up(slot->n, (size_t)s->prog->lanes);
  DRT_CL_CHECK(clEnqueueWriteBuffer(s->ctx->queue, s->moving, CL_FALSE, 0,
                                    2 * (size_t)n_cells * rs, slot->points, 0,
                                    NULL, NULL));
  size_t chunks = tile_chunks(s);
  status = drt__clear_slots(s, chunks * (size_t)n_cells);
  for (int i = 0; i < s->n_orders && !status; i++)
    status = launch_order(s, i, n_cells, first_cell);
  /* With one chunk the partial sums are the powers already; gradients are
   * always interleaved (P, dP/dx, dP/dy) by the reduction; scene
   * gradients are written whole, point by point. */
  int reduce = s->chunked && (chunks > 1 || s->fields > 1);
  cl_mem result = reduce ? s->out : s->partial;
  if (!status && reduce) status = reduce_tile(s, n_cells, chunks);
  if (status) return status;
  int counted = s->opt->method != DRT_METHOD_IM;
  slot->n_counts = counted ? chunks * (size_t)n_cells : 0;
  DRT_CL_CHECK(clEnqueueReadBuffer(
      s->ctx->queue, result, CL_FALSE, 0, slot->n * s->fields * rs,
      slot->results, 0, NULL, counted ? NULL : &slot->done));
  if (counted)
    DRT_CL_CHECK(clEnqueueReadBuffer(s->ctx->queue, s->iterations, CL_FALSE, 0,
                                     slot->n_counts * sizeof(cl_uint),
                                     slot->counts, 0, NULL, &slot->done));
  DRT_CL_CHECK(clFlush(s->ctx->queue));
error:
  return status;
}

void drt__session_unpack(const drt__session *s, const void *raw, size_t n,
                         double *scratch, double *out) {
  if (s->fields == s->components) {
    drt__load_reals(s->ctx, raw, n * s->components, out);
    return;
  }
  drt__load_reals(s->ctx, raw, n * s->fields, scratch);
  drt__radio_powers(s->opt, s->components, scratch, n, out);
}

/* Waits for a queued tile and unpacks its results; the slot is then idle. */
static drt_status finish_tile(drt__session *s, struct drt__tile_slot *slot) {
  drt_status status = DRT_OK;
  if (!slot->done) return DRT_OK;
  cl_event done = slot->done;
  slot->done = NULL;
  cl_int err = clWaitForEvents(1, &done);
  clReleaseEvent(done);
  DRT_CL_CHECK(err);
  drt__session_unpack(s, slot->results, slot->n, slot->fields, slot->power);
  double total = 0;
  for (size_t i = 0; i < slot->n_counts; i++) total += slot->counts[i];
  s->solver_iterations += total;
error:
  return status;
}

drt_status drt__session_eval(drt__session *s, const double *xy, size_t n,
                             size_t first_cell, double *power) {
  if (n == 0) return DRT_OK;
  if (s->culler) return drt__session_eval_culled(s, xy, n, power);
  /* Idle after any successful call: the tile it held was finished before
   * that call returned. */
  struct drt__tile_slot *slot = &s->slots[s->next_slot];
  struct drt__tile_slot *previous = &s->slots[1 - s->next_slot];
  slot->n = n;
  slot->power = power;
  stage_points(s, xy, n, drt__round_up(n, (size_t)s->prog->lanes), slot->points);
  drt_status status = enqueue_tile(s, slot, first_cell);
  s->next_slot = 1 - s->next_slot;
  return status ? status : finish_tile(s, previous);
}

drt_status drt__session_wait(drt__session *s) {
  drt_status status = finish_tile(s, &s->slots[s->next_slot]);
  return status ? status : finish_tile(s, &s->slots[1 - s->next_slot]);
}
