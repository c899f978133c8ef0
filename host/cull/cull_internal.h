/* cull_internal.h — the culler's state, shared by its forward pass
 * (cull.c) and its per-unit pass (cull_units.c). */
#ifndef DRT_HOST_CULL_INTERNAL_H
#define DRT_HOST_CULL_INTERNAL_H

#include "cull.h"
#include "cull_geometry.h"

/* Forward candidates of one order k from one source: k-strided arrays. */
typedef struct fwd_set {
  size_t n, cap;
  int *pos;        /* positions in the candidate objects, from the source */
  drt__pt *image;  /* I_1..I_k */
  double *lo, *hi; /* F_j */
  unsigned char *plain; /* 0: the model does not hold (a zero-length
                           wall, a degenerate projection): keep always */
} fwd_set;

struct drt__culler {
  int order_min, order_max, vary_tx;
  size_t n_objects, n_cand;
  int *objects;      /* candidate position -> object index */
  drt__seg *walls;   /* every object's segment */
  int *obstructs;    /* whether the object can block (not a vertex) */
  int *all_blockers; /* every object that obstructs, increasing */
  size_t n_all_blockers;
  /* Where "u in [0, 1]" on an interaction's wall can be non-zero (on),
   * where a segment test can be non-zero (outer) and where it is surely
   * 1 (inner), from each segment's ends. */
  drt__margin on, outer, inner;
  size_t chunk[DRT_MAX_ORDER + 1];
  drt__wall_grid grid;
  int n_src;
  drt__pt *src;
  fwd_set *fwd; /* [s * (order_max + 1) + k], k >= 1 */
};

/* Whether one wall (other than skip_a, skip_b) surely blocks every
 * segment from p to q. */
int drt__leg_blocked(const drt__culler *c, drt__grid_marks *marks,
                     const drt__cset *p, const drt__cset *q, int skip_a,
                     int skip_b);
drt__cset drt__segment_set(drt__seg w, double lo, double hi);

#endif
