/* cull.h — visibility-pruned candidates (docs/method.md §13): for each unit
 * of points (a small box of cells), the image-method candidates that can
 * have V > 0 somewhere in it, each with the objects that can meet its
 * segments there. A candidate is dropped only where V is exactly 0 (exact
 * mode, hard sigmoid) or at most 1e-12 (sigmoid) at every point of the
 * unit, so sums equal the whole enumeration's, term for term. */
#ifndef DRT_HOST_CULL_H
#define DRT_HOST_CULL_H

#include <stddef.h>
#include <stdint.h>

#include "drt2d.h"

typedef struct drt__culler drt__culler;

/* Builds the wall grid and, from each fixed endpoint, the candidates of
 * orders order_min..order_max whose every leg may be open (the forward
 * pass), for the image method on `scene` under `opt`. chunk[i] is the
 * chunk size, in candidates, of order order_min + i in the whole
 * enumeration (the kernels' slot of a candidate is its index / chunk). */
drt_status drt__culler_create(const drt_scene *scene,
                              const drt_trace_options *opt,
                              const size_t *chunk, drt__culler **out);
void drt__culler_destroy(drt__culler *c);

/* Candidates per order kept by the forward pass, summed over the fixed
 * endpoints (what any point may use), and the whole enumeration's. */
void drt__culler_counts(const drt__culler *c, int order, double *kept,
                        double *all);
/* Bytes the culler holds. */
size_t drt__culler_bytes(const drt__culler *c);

/* The culled work of n_units units (boxes[4 u .. 4 u + 3] = x0, y0, x1,
 * y1), laid out as kernels/drt_driver.h's trace_culled reads it. */
typedef struct drt__cull_batch {
  int n_units;
  int *rows[DRT_MAX_ORDER + 1];         /* DRT_CULLED_WIDTH(k) ints a row */
  size_t n_rows[DRT_MAX_ORDER + 1];
  int *unit_entries[DRT_MAX_ORDER + 1]; /* 2 a unit: first entry, count */
  int *entries[DRT_MAX_ORDER + 1];      /* 3 an entry: slot, first, end */
  size_t n_entries[DRT_MAX_ORDER + 1];
  int max_entries[DRT_MAX_ORDER + 1];   /* most entries of any unit */
  int *unit_slots;                      /* slots a unit uses */
  int max_slots;
  int *blockers;
  size_t n_blockers;
  size_t cap_rows[DRT_MAX_ORDER + 1], cap_entries[DRT_MAX_ORDER + 1],
      cap_blockers;
} drt__cull_batch;

drt_status drt__cull_units(drt__culler *c, const double *boxes, int n_units,
                           drt__cull_batch *out);
void drt__cull_batch_free(drt__cull_batch *b);

/* The index of the candidate objects[pos[0]], ... in the lexicographic
 * enumeration of candidates.c over n candidate objects. */
uint64_t drt__candidate_rank(const int *pos, int k, size_t n);

#endif
