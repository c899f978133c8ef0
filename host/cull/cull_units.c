#define _DEFAULT_SOURCE /* sysconf(_SC_NPROCESSORS_ONLN) */
/* cull_units.c — the per-unit pass of culling (docs/method.md §13): the
 * forward candidates tested against boxes of points, coarse boxes first
 * (a hierarchy over the units), then each unit's rows, chunk entries and
 * obstruction lists in the layout of trace_culled. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/drt_cl_compat.h" /* DRT_CULLED_WIDTH */
#include "cull_internal.h"
#include "error.h"

/* A forward candidate: source s, order k, entry e of its set (order 0:
 * the line of sight, e = 0). */
typedef struct item {
  int s, k;
  uint32_t e;
} item;

enum { CULLED = 0, KEPT = 1, KEPT_ANYWHERE = 2 };

static drt__cset box_set(const double *box) {
  drt__cset s = {4, {{box[0], box[1]}, {box[2], box[1]}, {box[2], box[3]},
                     {box[0], box[3]}}};
  return s;
}

static const fwd_set *set_of(const drt__culler *c, item it) {
  return &c->fwd[(size_t)it.s * (c->order_max + 1) + it.k];
}

/* The object of interaction j (1-based, from the source) of `it`. */
static int object_of(const drt__culler *c, item it, int j) {
  return c->objects[set_of(c, it)->pos[(size_t)it.e * it.k + j - 1]];
}

/* Tests `it` against `box`: sets[0..k+1] receive J_0 = source .. J_{k+1}
 * = box when it is KEPT. The legs are tested only when `legs` (at the
 * units: coarse boxes rarely block, and the test is the costly part). */
static int box_test(const drt__culler *c, drt__grid_marks *marks, item it,
                    const double *box, int legs, drt__cset *sets) {
  const int k = it.k;
  sets[0] = (drt__cset){1, {c->src[it.s]}};
  sets[k + 1] = box_set(box);
  if (k > 0) {
    const fwd_set *f = set_of(c, it);
    size_t at = (size_t)it.e * k;
    if (!f->plain[it.e]) return KEPT_ANYWHERE;
    for (int j = k; j >= 1; j--) {
      drt__seg w = c->walls[c->objects[f->pos[at + j - 1]]];
      double lo, hi;
      if (!drt__project_onto(f->image[at + j - 1], &sets[j + 1], w, &lo, &hi))
        return KEPT_ANYWHERE;
      lo = fmax(lo, f->lo[at + j - 1]);
      hi = fmin(hi, f->hi[at + j - 1]);
      if (lo > hi) return CULLED;
      sets[j] = drt__segment_set(w, lo, hi);
    }
  }
  for (int j = 0; j <= k && legs; j++) {
    int skip_a = j >= 1 ? object_of(c, it, j) : -1;
    int skip_b = j < k ? object_of(c, it, j + 1) : -1;
    if (drt__leg_blocked(c, marks, &sets[j], &sets[j + 1], skip_a, skip_b))
      return CULLED;
  }
  return KEPT;
}

/* ---- growing arrays ---- */

static int reserve(void **array, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t cap2 = *cap ? *cap : 1024;
  while (cap2 < need) cap2 *= 2;
  void *grown = realloc(*array, cap2 * elem);
  if (!grown) return -1;
  *array = grown;
  *cap = cap2;
  return 0;
}

/* ---- obstruction lists ---- */

typedef struct list_query {
  const drt__culler *c;
  const drt__pt *hull;
  int n_hull;
  int *list;
  size_t *n;
  unsigned char *seen;
} list_query;

static int add_if_near(void *data, int wall) {
  list_query *q = data;
  if (q->seen[wall] || !q->c->obstructs[wall]) return 0;
  drt__seg w = q->c->walls[wall];
  double dx = w.b.x - w.a.x, dy = w.b.y - w.a.y, len = hypot(dx, dy);
  double e = len > 0 ? drt__margin_share(q->c->outer, len) : 0;
  drt__seg extended = {{w.a.x - e * dx, w.a.y - e * dy},
                       {w.b.x + e * dx, w.b.y + e * dy}};
  /* The hull extends each leg by outer.rel of its length; the metres of
   * outer.abs beyond a leg's ends are the reach. */
  if (drt__segment_meets_hull(extended, q->hull, q->n_hull, q->c->outer.abs)) {
    q->seen[wall] = 1;
    q->list[(*q->n)++] = wall;
  }
  return 0;
}

/* Insertion sort: the lists are short. */
static void sort_increasing(int *list, size_t n) {
  for (size_t i = 1; i < n; i++) {
    int v = list[i];
    size_t j = i;
    for (; j > 0 && list[j - 1] > v; j--) list[j] = list[j - 1];
    list[j] = v;
  }
}

/* The objects that can meet a leg of a KEPT candidate in its unit, in
 * increasing order, into list (n_objects ints); returns their count. */
static size_t near_objects(const drt__culler *c, drt__grid_marks *marks,
                           int k, const drt__cset *sets, int *list,
                           unsigned char *seen) {
  size_t n = 0;
  for (int j = 0; j <= k; j++) {
    drt__pt hull[16];
    int n_hull = drt__leg_hull(&sets[j], &sets[j + 1], c->outer.rel, hull);
    list_query q = {c, hull, n_hull, list, &n, seen};
    drt__wall_grid_visit(&c->grid, marks, hull, n_hull, add_if_near, &q);
  }
  for (size_t i = 0; i < n; i++) seen[list[i]] = 0;
  sort_increasing(list, n);
  return n;
}

/* ---- one unit's output ---- */

typedef struct unit_row {
  uint64_t rank;
  int s, k;
  uint32_t e;
  int first, count; /* obstruction list */
} unit_row;

static int row_order(const void *a, const void *b) {
  const unit_row *x = a, *y = b;
  if (x->rank != y->rank) return x->rank < y->rank ? -1 : 1;
  return (x->s > y->s) - (x->s < y->s);
}

static int u64_order(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

typedef struct unit_work {
  unit_row *rows;
  size_t cap_rows;
  uint64_t *chunks;
  size_t cap_chunks;
  int *list;
  unsigned char *seen;
  long all_first; /* where the batch holds every obstructing object */
  drt__grid_marks marks;
} unit_work;

static drt_status append_blockers(drt__cull_batch *b, const int *list,
                                  size_t n, int *first) {
  if (reserve((void **)&b->blockers, &b->cap_blockers, b->n_blockers + n,
              sizeof *b->blockers))
    return drt__fail(DRT_ENOMEM, "culling: out of memory");
  memcpy(b->blockers + b->n_blockers, list, n * sizeof *list);
  *first = (int)b->n_blockers;
  b->n_blockers += n;
  return DRT_OK;
}

/* The candidate's objects in the order the kernels trace it (from the
 * transmitter), and its index in the whole enumeration. */
static uint64_t actual_objects(const drt__culler *c, item it, int *objects) {
  int pos[DRT_MAX_ORDER];
  for (int j = 0; j < it.k; j++) {
    int from_source = set_of(c, it)->pos[(size_t)it.e * it.k + j];
    pos[c->vary_tx ? it.k - 1 - j : j] = from_source;
  }
  for (int j = 0; j < it.k; j++) objects[j] = c->objects[pos[j]];
  return drt__candidate_rank(pos, it.k, c->n_cand);
}

/* Ordinal of chunk id among the unit's sorted chunk ids. */
static int slot_of(const uint64_t *chunks, size_t n, uint64_t id) {
  size_t lo = 0, hi = n;
  while (lo + 1 < hi) {
    size_t mid = (lo + hi) / 2;
    if (chunks[mid] <= id) lo = mid;
    else hi = mid;
  }
  return (int)lo;
}

/* Rows, entries and slots of unit u from its surviving items. */
static drt_status emit_unit(const drt__culler *c, int u, const double *box,
                            const item *items, size_t n_items,
                            unit_work *w, drt__cull_batch *b) {
  drt__cset sets[DRT_MAX_ORDER + 2];
  size_t n_rows = 0;
  if (reserve((void **)&w->rows, &w->cap_rows, n_items, sizeof *w->rows) ||
      reserve((void **)&w->chunks, &w->cap_chunks, n_items, sizeof *w->chunks))
    return drt__fail(DRT_ENOMEM, "culling: out of memory");
  for (size_t i = 0; i < n_items; i++) {
    int kept = box_test(c, &w->marks, items[i], box, 1, sets);
    if (kept == CULLED) continue;
    unit_row *r = &w->rows[n_rows++];
    int objects[DRT_MAX_ORDER];
    r->rank = actual_objects(c, items[i], objects);
    r->s = items[i].s;
    r->k = items[i].k;
    r->e = items[i].e;
    if (kept == KEPT_ANYWHERE) {
      if (w->all_first < 0) {
        int first = 0;
        drt_status status = append_blockers(b, c->all_blockers,
                                            c->n_all_blockers, &first);
        if (status) return status;
        w->all_first = first;
      }
      r->first = (int)w->all_first;
      r->count = (int)c->n_all_blockers;
    } else {
      size_t n = near_objects(c, &w->marks, r->k, sets, w->list, w->seen);
      drt_status status = append_blockers(b, w->list, n, &r->first);
      if (status) return status;
      r->count = (int)n;
    }
  }
  qsort(w->rows, n_rows, sizeof *w->rows, row_order);
  /* The unit's chunks of the whole enumeration, over every order. */
  for (size_t i = 0; i < n_rows; i++)
    w->chunks[i] = w->rows[i].rank / c->chunk[w->rows[i].k];
  qsort(w->chunks, n_rows, sizeof *w->chunks, u64_order);
  size_t n_chunks = 0;
  for (size_t i = 0; i < n_rows; i++)
    if (n_chunks == 0 || w->chunks[n_chunks - 1] != w->chunks[i])
      w->chunks[n_chunks++] = w->chunks[i];
  b->unit_slots[u] = (int)n_chunks;
  if ((int)n_chunks > b->max_slots) b->max_slots = (int)n_chunks;
  for (int k = c->order_min; k <= c->order_max; k++) {
    int i = k - c->order_min, width = DRT_CULLED_WIDTH(k), count = 0;
    b->unit_entries[i][2 * u] = (int)b->n_entries[i];
    for (size_t r = 0; r < n_rows; r++) {
      const unit_row *row = &w->rows[r];
      if (row->k != k) continue;
      if (reserve((void **)&b->rows[i], &b->cap_rows[i],
                  (b->n_rows[i] + 1) * width, sizeof(int)) ||
          reserve((void **)&b->entries[i], &b->cap_entries[i],
                  3 * (b->n_entries[i] + 1), sizeof(int)))
        return drt__fail(DRT_ENOMEM, "culling: out of memory");
      int *out = b->rows[i] + b->n_rows[i] * width;
      item it = {row->s, row->k, row->e};
      out[0] = (int)actual_objects(c, it, out + 2);
      out[1] = row->s;
      out[k + 2] = row->first;
      out[k + 3] = row->count;
      int slot = slot_of(w->chunks, n_chunks, row->rank / c->chunk[k]);
      int *last = count ? b->entries[i] + 3 * (b->n_entries[i] - 1) : NULL;
      if (last && last[0] == slot) {
        last[2]++;
      } else {
        int *entry = b->entries[i] + 3 * b->n_entries[i]++;
        entry[0] = slot;
        entry[1] = entry[2] = (int)b->n_rows[i];
        entry[2]++;
        count++;
      }
      b->n_rows[i]++;
    }
    b->unit_entries[i][2 * u + 1] = count;
    if (count > b->max_entries[i]) b->max_entries[i] = count;
  }
  return DRT_OK;
}

/* ---- the hierarchy over units ---- */

static void union_box(const double *boxes, int lo, int hi, double *box) {
  box[0] = box[1] = INFINITY;
  box[2] = box[3] = -INFINITY;
  for (int u = lo; u < hi; u++) {
    box[0] = fmin(box[0], boxes[4 * u]);
    box[1] = fmin(box[1], boxes[4 * u + 1]);
    box[2] = fmax(box[2], boxes[4 * u + 2]);
    box[3] = fmax(box[3], boxes[4 * u + 3]);
  }
}

static drt_status cull_range(const drt__culler *c, const double *boxes, int lo,
                             int hi, const item *items, size_t n_items,
                             unit_work *w, drt__cull_batch *b) {
  if (hi - lo == 1)
    return emit_unit(c, lo, boxes + 4 * lo, items, n_items, w, b);
  double box[4];
  drt__cset sets[DRT_MAX_ORDER + 2];
  union_box(boxes, lo, hi, box);
  item *kept = malloc((n_items ? n_items : 1) * sizeof *kept);
  if (!kept) return drt__fail(DRT_ENOMEM, "culling: out of memory");
  size_t n_kept = 0;
  for (size_t i = 0; i < n_items; i++)
    if (box_test(c, &w->marks, items[i], box, 0, sets) != CULLED) kept[n_kept++] = items[i];
  int mid = lo + (hi - lo) / 2;
  drt_status status = cull_range(c, boxes, lo, mid, kept, n_kept, w, b);
  if (!status) status = cull_range(c, boxes, mid, hi, kept, n_kept, w, b);
  free(kept);
  return status;
}

static drt_status root_items(const drt__culler *c, item **items, size_t *n) {
  size_t total = 0;
  for (int s = 0; s < c->n_src; s++)
    for (int k = c->order_min; k <= c->order_max; k++)
      total += k == 0 ? 1 : set_of(c, (item){s, k, 0})->n;
  *items = malloc((total ? total : 1) * sizeof **items);
  if (!*items) return drt__fail(DRT_ENOMEM, "culling: out of memory");
  *n = 0;
  for (int s = 0; s < c->n_src; s++)
    for (int k = c->order_min; k <= c->order_max; k++) {
      size_t count = k == 0 ? 1 : set_of(c, (item){s, k, 0})->n;
      for (size_t e = 0; e < count; e++) (*items)[(*n)++] = (item){s, k, (uint32_t)e};
    }
  return DRT_OK;
}

/* The units [0, n_units) of boxes into b, on one thread. */
static drt_status cull_serial(const drt__culler *c, const double *boxes,
                              int n_units, drt__cull_batch *b) {
  int n_orders = c->order_max - c->order_min + 1;
  memset(b, 0, sizeof *b);
  b->n_units = n_units;
  for (int i = 0; i < n_orders; i++)
    b->unit_entries[i] = malloc(2 * (size_t)(n_units ? n_units : 1) * sizeof(int));
  b->unit_slots = malloc((size_t)(n_units ? n_units : 1) * sizeof(int));
  unit_work w = {0};
  w.all_first = -1;
  w.list = malloc((c->n_objects ? c->n_objects : 1) * sizeof *w.list);
  w.seen = calloc(c->n_objects ? c->n_objects : 1, 1);
  item *items = NULL;
  size_t n_items = 0;
  drt_status status = DRT_OK;
  int missing = !b->unit_slots || !w.list || !w.seen ||
                drt__grid_marks_init(&w.marks, c->n_objects);
  for (int i = 0; i < n_orders; i++) missing |= !b->unit_entries[i];
  if (missing) status = drt__fail(DRT_ENOMEM, "culling: out of memory");
  if (!status) status = root_items(c, &items, &n_items);
  if (!status && n_units > 0)
    status = cull_range(c, boxes, 0, n_units, items, n_items, &w, b);
  free(items);
  free(w.rows);
  free(w.chunks);
  free(w.list);
  free(w.seen);
  drt__grid_marks_free(&w.marks);
  return status;
}

typedef struct cull_share {
  const drt__culler *c;
  const double *boxes;
  int n_units;
  drt__cull_batch batch;
  drt_status status;
  char error[256];
} cull_share;

static void *cull_thread(void *data) {
  cull_share *sh = data;
  sh->status = cull_serial(sh->c, sh->boxes, sh->n_units, &sh->batch);
  /* The error message lives per thread: carry it to the caller's. */
  if (sh->status) snprintf(sh->error, sizeof sh->error, "%s", drt_last_error());
  return NULL;
}

/* Appends part's units to b, shifting its row, entry and list indices. */
static drt_status append_part(const drt__culler *c, drt__cull_batch *b,
                              const drt__cull_batch *part) {
  int n_orders = c->order_max - c->order_min + 1, u0 = b->n_units;
  int n_units = u0 + part->n_units;
  size_t rows0[DRT_MAX_ORDER + 1], blockers0 = b->n_blockers;
  for (int i = 0; i < n_orders; i++) {
    int k = c->order_min + i, width = DRT_CULLED_WIDTH(k);
    rows0[i] = b->n_rows[i];
    int *ue = realloc(b->unit_entries[i], 2 * (size_t)(n_units ? n_units : 1) * sizeof *ue);
    if (ue) b->unit_entries[i] = ue;
    if (!ue ||
        reserve((void **)&b->rows[i], &b->cap_rows[i],
                (b->n_rows[i] + part->n_rows[i]) * width, sizeof(int)) ||
        reserve((void **)&b->entries[i], &b->cap_entries[i],
                3 * (b->n_entries[i] + part->n_entries[i]), sizeof(int)))
      return drt__fail(DRT_ENOMEM, "culling: out of memory");
    for (int u = 0; u < part->n_units; u++) {
      b->unit_entries[i][2 * (u0 + u)] =
          part->unit_entries[i][2 * u] + (int)b->n_entries[i];
      b->unit_entries[i][2 * (u0 + u) + 1] = part->unit_entries[i][2 * u + 1];
    }
    for (size_t e = 0; e < part->n_entries[i]; e++) {
      int *to = b->entries[i] + 3 * (b->n_entries[i] + e);
      const int *from = part->entries[i] + 3 * e;
      to[0] = from[0];
      to[1] = from[1] + (int)rows0[i];
      to[2] = from[2] + (int)rows0[i];
    }
    b->n_entries[i] += part->n_entries[i];
    for (size_t r = 0; r < part->n_rows[i]; r++) {
      int *to = b->rows[i] + (rows0[i] + r) * width;
      memcpy(to, part->rows[i] + r * width, width * sizeof *to);
      to[k + 2] += (int)blockers0;
    }
    b->n_rows[i] += part->n_rows[i];
    if (part->max_entries[i] > b->max_entries[i])
      b->max_entries[i] = part->max_entries[i];
  }
  int *slots = realloc(b->unit_slots, (size_t)(n_units ? n_units : 1) * sizeof *slots);
  if (!slots ||
      reserve((void **)&b->blockers, &b->cap_blockers,
              b->n_blockers + part->n_blockers, sizeof(int))) {
    if (slots) b->unit_slots = slots;
    return drt__fail(DRT_ENOMEM, "culling: out of memory");
  }
  b->unit_slots = slots;
  memcpy(b->unit_slots + u0, part->unit_slots, part->n_units * sizeof *slots);
  memcpy(b->blockers + b->n_blockers, part->blockers,
         part->n_blockers * sizeof *b->blockers);
  b->n_blockers += part->n_blockers;
  if (part->max_slots > b->max_slots) b->max_slots = part->max_slots;
  b->n_units = n_units;
  return DRT_OK;
}

/* Threads the units are shared between: the host's cores, at most 16,
 * and no more than one per 4 units. */
static int thread_count(int n_units) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int n = cores > 16 ? 16 : cores < 1 ? 1 : (int)cores;
  while (n > 1 && n_units < 4 * n) n--;
  return n;
}

drt_status drt__cull_units(drt__culler *c, const double *boxes, int n_units,
                           drt__cull_batch *b) {
  drt__cull_batch_free(b);
  cull_share shares[16];
  pthread_t threads[16];
  int n_threads = thread_count(n_units), started = 0;
  for (int t = 0; t < n_threads; t++) {
    int u0 = (int)((long)n_units * t / n_threads);
    int u1 = (int)((long)n_units * (t + 1) / n_threads);
    shares[t] = (cull_share){c, boxes + 4 * (size_t)u0, u1 - u0, {0}, DRT_OK, ""};
  }
  /* Thread 0's share runs here while the others run beside it. */
  for (int t = 1; t < n_threads; t++, started++)
    if (pthread_create(&threads[t], NULL, cull_thread, &shares[t])) break;
  cull_thread(&shares[0]);
  drt_status status = DRT_OK;
  for (int t = 1; t <= started; t++) pthread_join(threads[t], NULL);
  for (int t = started + 1; t < n_threads; t++) cull_thread(&shares[t]);
  for (int t = 0; t < n_threads && !status; t++) {
    if (shares[t].status)
      status = drt__fail(shares[t].status, "%s", shares[t].error);
    else
      status = append_part(c, b, &shares[t].batch);
  }
  for (int t = 0; t < n_threads; t++) drt__cull_batch_free(&shares[t].batch);
  return status;
}

void drt__cull_batch_free(drt__cull_batch *b) {
  for (int i = 0; i <= DRT_MAX_ORDER; i++) {
    free(b->rows[i]);
    free(b->unit_entries[i]);
    free(b->entries[i]);
  }
  free(b->unit_slots);
  free(b->blockers);
  memset(b, 0, sizeof *b);
}
