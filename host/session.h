/* session.h — one evaluation on an OpenCL device: the scene, endpoints and
 * candidates uploaded once, then tiles of points traced through it. */
#ifndef DRT_HOST_SESSION_H
#define DRT_HOST_SESSION_H

#include <CL/cl.h>

#include "candidates.h"
#include "drt2d.h"

/* Cells per tile, and the size of the per-(cell, chunk) partial-sum buffer:
 * what bounds device memory whatever the grid size. */
#define DRT_TILE_CELLS ((size_t)1 << 18)
#define DRT_PARTIAL_SLOTS ((size_t)1 << 20)

typedef struct drt__session {
  drt_context *ctx;
  const drt_scene *scene;
  const drt_trace_options *opt;
  int n_orders;
  int n_fixed;
  int components;    /* 1 (power) or 3 (power and its gradient) */
  int pairs;         /* cells are (point, fixed endpoint) pairs */
  const struct drt__program *prog; /* the trace kernels in use */
  drt__candidates sets[DRT_MAX_ORDER + 1];
  cl_mem candidates[DRT_MAX_ORDER + 1];
  cl_mem segments, types, phis, fixed, moving, partial, iterations, out;
  /* Two tiles in flight: while the device traces one, the host stages the
   * next or unpacks the one before. */
  struct drt__tile_slot {
    void *points;    /* the tile's points going up, device precision */
    void *results;   /* its results coming back, device precision */
    cl_uint *counts; /* its solver iteration counts coming back */
    cl_event done;   /* the read-back has finished; NULL when idle */
    size_t n;        /* points in the tile */
    size_t n_counts; /* iteration counts read back */
    double *power;   /* where its results go */
  } slots[2];
  int next_slot;
  double solver_iterations; /* summed over the tiles finished so far */
} drt__session;

/* Builds the method's program if needed and uploads everything; with
 * gradient set, evaluations also give the power's gradient. */
drt_status drt__session_open(drt__session *s, drt_context *ctx,
                             const drt_scene *scene,
                             const drt_trace_options *opt, int gradient);
/* Queues the power (and with a gradient session, its gradient: 3 values a
 * point) at n <= DRT_TILE_CELLS points, the first being global cell
 * `first_cell` (the key of its random starts), into `power`, and returns
 * once the tile queued before it is in its own `power`. xy may be reused
 * at once; `power` must stay valid until drt__session_wait. */
drt_status drt__session_eval(drt__session *s, const double *xy, size_t n,
                             size_t first_cell, double *power);
/* Finishes every queued tile; s->solver_iterations then counts them all. */
drt_status drt__session_wait(drt__session *s);
/* Waits for the device, then releases everything. */
void drt__session_close(drt__session *s);

/* A gradient session over (point, fixed endpoint) pairs: cell g of
 * drt__session_eval is the scene's fixed endpoint g % n_fixed with the
 * moving endpoint at its own xy (the host repeats each point n_fixed
 * times), traced alone, not summed over the fixed endpoints. */
drt_status drt__session_open_pairs(drt__session *s, drt_context *ctx,
                                   const drt_scene *scene,
                                   const drt_trace_options *opt);

/* Only the uploads (scene, fixed endpoints, candidates; no program, no
 * work buffers), for kernels that bring their own (host/scene_grad.c);
 * drt__session_close releases them. */
drt_status drt__session_open_uploads(drt__session *s, drt_context *ctx,
                                     const drt_scene *scene,
                                     const drt_trace_options *opt);

#endif
