/* candidates.h — enumeration of path candidates (docs/method.md §2). */
#ifndef DRT_HOST_CANDIDATES_H
#define DRT_HOST_CANDIDATES_H

#include <stddef.h>

#include "drt2d.h"

/* Candidates of one order, flattened: indices[c * order + j] is the j-th
 * object of candidate c. Order 0 holds one empty candidate. */
typedef struct drt__candidates {
  int order;
  size_t count;
  int *indices; /* NULL when order == 0 */
} drt__candidates;

/* Most bytes of candidate indices one order may take. */
#define DRT_MAX_CANDIDATE_BYTES ((size_t)1 << 30)

/* Every sequence of `order` indices taken from objects[0..n_objects) (all
 * of 0..n_objects-1 when objects is NULL), no index repeated back to back,
 * in lexicographic order of positions in `objects`. Refuses (DRT_ETOOBIG,
 * with the numbers) a set larger than DRT_MAX_CANDIDATE_BYTES. */
drt_status drt__candidates_build(const int *objects, size_t n_objects,
                                 int order, drt__candidates *out);
/* The indices of the scene objects whose type is in `only` (DRT_ONLY_*
 * bits); *objects must be freed. */
drt_status drt__candidate_objects(const drt_scene *scene, unsigned only,
                                  int **objects, size_t *count);
void drt__candidates_free(drt__candidates *candidates);

#endif
