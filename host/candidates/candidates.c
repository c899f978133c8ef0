/* candidates.c — enumeration of path candidates in lexicographic order. */
#include "candidates.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* Advances seq (length k) to the next sequence without back-to-back repeats,
 * like an odometer whose digits skip their left neighbour's value. Returns 0
 * after the last sequence. */
static int next_sequence(int *seq, int k, int n) {
  for (int j = k - 1; j >= 0; j--) {
    for (int v = seq[j] + 1; v < n; v++) {
      if (j > 0 && v == seq[j - 1]) continue;
      seq[j] = v;
      /* Reset the digits to the right to their smallest allowed values. */
      for (int i = j + 1; i < k; i++) seq[i] = seq[i - 1] == 0 ? 1 : 0;
      return 1;
    }
  }
  return 0;
}

drt_status drt__candidates_build(const int *objects, size_t n_objects,
                                 int order, drt__candidates *out) {
  memset(out, 0, sizeof *out);
  out->order = order;
  if (order < 0 || order > DRT_MAX_ORDER)
    return drt__fail(DRT_EINVAL, "order %d is outside 0..%d", order,
                     DRT_MAX_ORDER);
  size_t count = drt_candidate_count(n_objects, order);
  if (order == 0 || count == 0) {
    out->count = count;
    return DRT_OK;
  }
  if (n_objects > INT32_MAX || count > DRT_MAX_CANDIDATE_BYTES / sizeof(int) / order)
    return drt__fail(DRT_ETOOBIG,
                     "%zu objects at order %d give %zu candidates, more than "
                     "the %zu MiB allowed for candidate lists",
                     n_objects, order, count, DRT_MAX_CANDIDATE_BYTES >> 20);
  int *indices = malloc(count * order * sizeof *indices);
  if (!indices) return drt__fail(DRT_ENOMEM, "candidates: out of memory");
  int seq[DRT_MAX_ORDER];
  for (int j = 0; j < order; j++) seq[j] = j % 2;
  size_t c = 0;
  do {
    for (int j = 0; j < order; j++)
      indices[c * order + j] = objects ? objects[seq[j]] : seq[j];
    c++;
  } while (next_sequence(seq, order, (int)n_objects));
  out->count = c;
  out->indices = indices;
  return DRT_OK;
}

drt_status drt__candidate_objects(const drt_scene *scene, unsigned only,
                                  int **objects, size_t *count) {
  size_t n = drt_scene_object_count(scene);
  *count = 0;
  *objects = malloc((n ? n : 1) * sizeof **objects);
  if (!*objects) return drt__fail(DRT_ENOMEM, "candidates: out of memory");
  for (size_t i = 0; i < n; i++)
    if (only & (1u << drt_scene_object(scene, i)->type))
      (*objects)[(*count)++] = (int)i;
  return DRT_OK;
}

void drt__candidates_free(drt__candidates *candidates) {
  free(candidates->indices);
  candidates->indices = NULL;
  candidates->count = 0;
}
