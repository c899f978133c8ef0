/* cull_api.c — the public view of culling: how many candidates the
 * forward pass keeps, and what it costs to set up. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <time.h>

#include "cull.h"
#include "error.h"

static double seconds_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

drt_status drt_candidates_visible(const drt_scene *scene,
                                  const drt_trace_options *options,
                                  double *kept, double *seconds,
                                  double *bytes) {
  drt_status status = drt_trace_options_check(options, scene);
  if (status) return status;
  if (options->method != DRT_METHOD_IM)
    return drt__fail(DRT_EUNSUPPORTED, "visible candidates are found for "
                     "the image method only");
  /* Chunks matter only to the kernels' layout, not to the counts. */
  size_t chunk[DRT_MAX_ORDER + 1];
  for (int i = 0; i <= DRT_MAX_ORDER; i++) chunk[i] = 1;
  double start = seconds_now();
  drt__culler *c;
  status = drt__culler_create(scene, options, chunk, &c);
  if (status) return status;
  *seconds = seconds_now() - start;
  *bytes = (double)drt__culler_bytes(c);
  for (int k = options->order_min; k <= options->order_max; k++) {
    double all;
    drt__culler_counts(c, k, &kept[k - options->order_min], &all);
  }
  drt__culler_destroy(c);
  return DRT_OK;
}
