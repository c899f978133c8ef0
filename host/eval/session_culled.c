/* session_culled.c — a session's tiles traced over visibility-pruned
 * candidates (docs/method.md §13): the tile's points sorted into units of
 * nearby points, each unit's candidates culled on the host, then one
 * trace_culled launch per (group of units, order) and the reduction. The
 * sums equal the whole enumeration's, chunk for chunk. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/drt_cl_compat.h" /* DRT_CULLED_WIDTH */
#include "cl_runtime.h"
#include "context_impl.h"
#include "error.h"
#include "session.h"

/* Points of a culled tile: the host culls a tile while the device waits,
 * so tiles stay small enough to report progress often. */
#define DRT_CULLED_TILE_POINTS ((size_t)1 << 16)

/* Below this many segment tests a point (candidates times the objects
 * that obstruct), the whole enumeration costs less than culling it: the
 * unit-square scenes at orders 0:1 (bench/bench_culling.sh). */
#define DRT_CULL_MIN_WORK 256.0

int drt__session_culls(const drt_scene *scene, const drt_trace_options *opt,
                       drt__eval_kind kind) {
  if (opt->candidates != DRT_CANDIDATES_VISIBLE ||
      opt->method != DRT_METHOD_IM ||
      (kind != DRT__EVAL_POWER && kind != DRT__EVAL_GRADIENT &&
       kind != DRT__EVAL_TIMES_L && kind != DRT__EVAL_TIMES_L2))
    return 0;
  size_t n_cand = drt_scene_candidate_objects(scene, opt), obstructing = 0;
  for (size_t i = 0; i < drt_scene_object_count(scene); i++)
    obstructing += drt_scene_object(scene, i)->type != DRT_OBJECT_VERTEX;
  double candidates = 0;
  for (int k = opt->order_min; k <= opt->order_max; k++)
    candidates += (double)drt_candidate_count(n_cand, k);
  return candidates * (double)(obstructing ? obstructing : 1) >= DRT_CULL_MIN_WORK;
}

drt_status drt__session_open_culled(drt__session *s) {
  size_t n_cand = drt_scene_candidate_objects(s->scene, s->opt);
  size_t chunk[DRT_MAX_ORDER + 1];
  for (int i = 0; i < s->n_orders; i++) {
    drt__candidates *set = &s->sets[i];
    set->order = s->opt->order_min + i;
    set->count = drt_candidate_count(n_cand, set->order);
    if (set->count > INT32_MAX)
      return drt__fail(DRT_ETOOBIG, "%zu candidates of order %d exceed "
                       "the kernels' 32-bit candidate index",
                       set->count, set->order);
    chunk[i] = drt__chunk_size(set->count);
  }
  s->capacity = DRT_CULLED_TILE_POINTS;
  size_t lanes = (size_t)s->prog->lanes;
  /* Pieces of units hold at least 64 points but the last of each unit,
   * so padding them to whole work-items at most doubles the cells. */
  s->cell_room = 2 * s->capacity + lanes;
  return drt__culler_create(s->scene, s->opt, chunk, &s->culler);
}

/* ---- units ---- */

static uint64_t spread_bits(uint32_t v) {
  uint64_t x = v;
  x = (x | x << 16) & 0x0000FFFF0000FFFFull;
  x = (x | x << 8) & 0x00FF00FF00FF00FFull;
  x = (x | x << 4) & 0x0F0F0F0F0F0F0F0Full;
  x = (x | x << 2) & 0x3333333333333333ull;
  x = (x | x << 1) & 0x5555555555555555ull;
  return x;
}

typedef struct keyed {
  uint64_t key;
  size_t index;
} keyed;

static int by_key(const void *a, const void *b) {
  const keyed *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

/* The tile's points in Morton order over their box, so that each run of
 * DRT_CULL_UNIT points is a compact patch. */
static drt_status spatial_order(const double *xy, size_t n, size_t *order) {
  double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
  for (size_t i = 0; i < n; i++)
    for (int a = 0; a < 2; a++) {
      lo[a] = fmin(lo[a], xy[2 * i + a]);
      hi[a] = fmax(hi[a], xy[2 * i + a]);
    }
  keyed *keys = malloc(n * sizeof *keys);
  if (!keys) return drt__fail(DRT_ENOMEM, "culling: out of memory");
  for (size_t i = 0; i < n; i++) {
    uint32_t q[2];
    for (int a = 0; a < 2; a++) {
      double span = hi[a] - lo[a];
      double f = span > 0 ? (xy[2 * i + a] - lo[a]) / span : 0;
      q[a] = (uint32_t)fmin(fmax(f * 65535.0, 0), 65535);
    }
    keys[i].key = spread_bits(q[0]) | spread_bits(q[1]) << 1;
    keys[i].index = i;
  }
  qsort(keys, n, sizeof *keys, by_key);
  for (size_t i = 0; i < n; i++) order[i] = keys[i].index;
  free(keys);
  return DRT_OK;
}

/* The box of each unit's points as the device holds them (rounded to
 * its precision), widened by a few of their ulps. */
static void unit_boxes(const drt__session *s, const double *xy,
                       const size_t *order, size_t n, double *boxes) {
  int is_float = s->ctx->precision == DRT_PRECISION_FLOAT;
  size_t n_units = (n + DRT_CULL_UNIT - 1) / DRT_CULL_UNIT;
  for (size_t u = 0; u < n_units; u++) {
    double *box = boxes + 4 * u;
    box[0] = box[1] = INFINITY;
    box[2] = box[3] = -INFINITY;
    size_t end = (u + 1) * DRT_CULL_UNIT < n ? (u + 1) * DRT_CULL_UNIT : n;
    for (size_t i = u * DRT_CULL_UNIT; i < end; i++)
      for (int a = 0; a < 2; a++) {
        double v = xy[2 * order[i] + a];
        if (is_float) v = (float)v;
        box[a] = fmin(box[a], v);
        box[a + 2] = fmax(box[a + 2], v);
      }
    for (int a = 0; a < 2; a++) {
      double widen = 1e-6 * (fabs(box[a]) + fabs(box[a + 2])) + 1e-300;
      box[a] -= widen;
      box[a + 2] += widen;
    }
  }
}

/* ---- device work ---- */

typedef struct culled_buffers {
  cl_mem rows[DRT_MAX_ORDER + 1], unit_entries[DRT_MAX_ORDER + 1],
      entries[DRT_MAX_ORDER + 1];
  cl_mem unit_slots, blockers, item_unit;
} culled_buffers;

static void release_buffers(culled_buffers *b) {
  cl_mem *all = (cl_mem *)b;
  for (size_t i = 0; i < sizeof *b / sizeof(cl_mem); i++)
    if (all[i]) clReleaseMemObject(all[i]);
  memset(b, 0, sizeof *b);
}

static drt_status upload_batch(drt__session *s, culled_buffers *d) {
  const drt__cull_batch *b = &s->batch;
  drt_status status = DRT_OK;
  for (int i = 0; i < s->n_orders && !status; i++) {
    int k = s->sets[i].order;
    status = drt__upload(s->ctx, b->rows[i],
                         b->n_rows[i] * DRT_CULLED_WIDTH(k) * sizeof(int),
                         &d->rows[i]);
    if (!status)
      status = drt__upload(s->ctx, b->unit_entries[i],
                           2 * (size_t)b->n_units * sizeof(int),
                           &d->unit_entries[i]);
    if (!status)
      status = drt__upload(s->ctx, b->entries[i],
                           3 * b->n_entries[i] * sizeof(int), &d->entries[i]);
  }
  if (!status)
    status = drt__upload(s->ctx, b->unit_slots, (size_t)b->n_units * sizeof(int),
                         &d->unit_slots);
  if (!status)
    status = drt__upload(s->ctx, b->blockers, b->n_blockers * sizeof(int),
                         &d->blockers);
  return status;
}

/* A group of sorted points [p0, p1): its pieces, the parts of units
 * within it, each padded to whole work-items with copies of its last
 * point, take `cells` cells; `slots` is the most slots of their units. */
typedef struct unit_group {
  size_t p0, p1;
  size_t cells;
  int slots;
} unit_group;

/* The end of the piece starting at sorted point p: its unit's end, or
 * sooner where the unit's slots would not fit the partial sums (a unit
 * of DRT_CULL_UNIT points may use up to every chunk's slot). */
static size_t piece_end(const drt__session *s, size_t p, size_t n) {
  size_t u = p / DRT_CULL_UNIT, lanes = (size_t)s->prog->lanes;
  size_t end = (u + 1) * DRT_CULL_UNIT < n ? (u + 1) * DRT_CULL_UNIT : n;
  int slots = s->batch.unit_slots[u] ? s->batch.unit_slots[u] : 1;
  size_t most = DRT_PARTIAL_SLOTS / (size_t)slots / lanes * lanes;
  return p + most < end ? p + most : end;
}

/* Stages the group's points and each work-item's unit; calls visit for
 * each piece's points with the cell of the first. */
static void stage_group(const drt__session *s, const unit_group *g,
                        const double *xy, const size_t *order, size_t n,
                        void *staged, int *item_unit) {
  int is_double = s->ctx->precision == DRT_PRECISION_DOUBLE;
  size_t lanes = (size_t)s->prog->lanes, cell = 0;
  double *xd = staged;
  float *xf = staged;
  for (size_t p = g->p0; p < g->p1;) {
    size_t end = piece_end(s, p, n), count = end - p;
    size_t padded = drt__round_up(count, lanes);
    for (size_t i = 0; i < padded; i++, cell++) {
      size_t point = order[p + (i < count ? i : count - 1)];
      if (is_double) {
        xd[cell] = xy[2 * point];
        xd[g->cells + cell] = xy[2 * point + 1];
      } else {
        xf[cell] = (float)xy[2 * point];
        xf[g->cells + cell] = (float)xy[2 * point + 1];
      }
      if (i % lanes == 0) item_unit[cell / lanes] = (int)(p / DRT_CULL_UNIT);
    }
    p = end;
  }
}

static drt_status launch_group(drt__session *s, const unit_group *g,
                               culled_buffers *d) {
  drt_status status = DRT_OK;
  cl_int n_cells = (cl_int)g->cells;
  size_t wg = s->prog->work_group;
  size_t items = g->cells / (size_t)s->prog->lanes;
  cl_kernel trace = s->prog->kernel[DRT__KERNEL_CULLED];
  /* Zero slots would be an empty fill, which OpenCL refuses. */
  status = drt__clear_slots(s, (size_t)(g->slots ? g->slots : 1) * g->cells);
  for (int i = 0; i < s->n_orders && !status; i++) {
    if (s->batch.max_entries[i] == 0) continue;
    status = drt__set_trace_args(s, trace, i, d->rows[i], n_cells, 0, 1);
    const drt__arg extra[] = {{sizeof(cl_mem), &d->item_unit},
                              {sizeof(cl_mem), &d->unit_entries[i]},
                              {sizeof(cl_mem), &d->entries[i]},
                              {sizeof(cl_mem), &d->blockers}};
    for (cl_uint a = 0; a < 4 && !status; a++)
      DRT_CL_CHECK(clSetKernelArg(trace, DRT__TRACE_ARGS + a, extra[a].size, extra[a].value));
    size_t global[2] = {drt__round_up(items, wg), (size_t)s->batch.max_entries[i]};
    size_t local[2] = {wg, 1};
    if (!status)
      DRT_CL_CHECK(clEnqueueNDRangeKernel(s->ctx->queue, trace, 2, NULL,
                                          global, local, 0, NULL, NULL));
  }
  if (status) return status;
  cl_kernel reduce = s->prog->kernel[DRT__KERNEL_REDUCE_CULLED];
  cl_ulong slots = DRT_PARTIAL_SLOTS;
  const drt__arg args[] = {{sizeof(cl_mem), &s->partial},
                           {sizeof n_cells, &n_cells},
                           {sizeof(cl_mem), &d->item_unit},
                           {sizeof(cl_mem), &d->unit_slots},
                           {sizeof slots, &slots},
                           {sizeof(cl_mem), &s->out}};
  status = drt__set_args(reduce, args, sizeof args / sizeof args[0]);
  if (status) return status;
  size_t global = drt__round_up(g->cells, wg);
  DRT_CL_CHECK(clEnqueueNDRangeKernel(s->ctx->queue, reduce, 1, NULL, &global,
                                      &wg, 0, NULL, NULL));
error:
  return status;
}

/* Traces one group and writes its points' values in their own places. */
static drt_status run_group(drt__session *s, const unit_group *g,
                            const double *xy, const size_t *order, size_t n,
                            culled_buffers *d, double *values) {
  drt_status status = DRT_OK;
  size_t rs = drt__real_size(s->ctx), lanes = (size_t)s->prog->lanes;
  struct drt__tile_slot *slot = &s->slots[0];
  int *item_unit = malloc((g->cells / lanes + 1) * sizeof *item_unit);
  double *results = malloc(g->cells * s->components * sizeof *results);
  /* Radio programs return the field's parts: the unpacking's scratch. */
  double *fields = s->fields != s->components
                       ? malloc(g->cells * s->fields * sizeof *fields)
                       : results;
  if (!item_unit || !results || !fields) {
    status = drt__fail(DRT_ENOMEM, "culling: out of memory");
    goto done;
  }
  stage_group(s, g, xy, order, n, slot->points, item_unit);
  status = drt__upload(s->ctx, item_unit, g->cells / lanes * sizeof *item_unit,
                       &d->item_unit);
  if (status) goto done;
  DRT_CL_CHECK(clEnqueueWriteBuffer(s->ctx->queue, s->moving, CL_FALSE, 0,
                                    2 * g->cells * rs, slot->points, 0, NULL,
                                    NULL));
  status = launch_group(s, g, d);
  if (status) goto done;
  DRT_CL_CHECK(clEnqueueReadBuffer(s->ctx->queue, s->out, CL_TRUE, 0,
                                   g->cells * s->fields * rs,
                                   slot->results, 0, NULL, NULL));
  drt__session_unpack(s, slot->results, g->cells, fields, results);
  size_t cell = 0;
  for (size_t p = g->p0; p < g->p1;) {
    size_t end = piece_end(s, p, n);
    for (size_t i = 0; i < end - p; i++)
      memcpy(values + order[p + i] * s->components,
             results + (cell + i) * s->components,
             s->components * sizeof *results);
    cell += drt__round_up(end - p, lanes);
    p = end;
  }
error:
done:
  if (d->item_unit) clReleaseMemObject(d->item_unit);
  d->item_unit = NULL;
  free(item_unit);
  if (fields != results) free(fields);
  free(results);
  return status;
}

drt_status drt__session_eval_culled(drt__session *s, const double *xy,
                                    size_t n, double *values) {
  size_t n_units = (n + DRT_CULL_UNIT - 1) / DRT_CULL_UNIT;
  size_t *order = malloc(n * sizeof *order);
  double *boxes = malloc(4 * n_units * sizeof *boxes);
  culled_buffers d;
  memset(&d, 0, sizeof d);
  drt_status status = order && boxes ? DRT_OK
                                     : drt__fail(DRT_ENOMEM, "culling: out of memory");
  if (!status) status = spatial_order(xy, n, order);
  if (!status) {
    unit_boxes(s, xy, order, n, boxes);
    status = drt__cull_units(s->culler, boxes, (int)n_units, &s->batch);
  }
  if (!status) status = upload_batch(s, &d);
  /* Groups of pieces whose partial sums fit the slots. */
  size_t lanes = (size_t)s->prog->lanes;
  for (size_t p = 0; p < n && !status;) {
    unit_group g = {p, p, 0, 0};
    while (g.p1 < n) {
      size_t end = piece_end(s, g.p1, n);
      size_t cells = g.cells + drt__round_up(end - g.p1, lanes);
      int unit_slots = s->batch.unit_slots[g.p1 / DRT_CULL_UNIT];
      int slots = unit_slots > g.slots ? unit_slots : g.slots;
      if (g.p1 > g.p0 && ((size_t)slots * cells > DRT_PARTIAL_SLOTS ||
                          cells > s->cell_room))
        break;
      g.cells = cells;
      g.slots = slots;
      g.p1 = end;
    }
    status = run_group(s, &g, xy, order, n, &d, values);
    p = g.p1;
  }
  release_buffers(&d);
  free(order);
  free(boxes);
  return status;
}
