/* session.h — the one evaluation pipeline on an OpenCL device: the scene,
 * endpoints and candidates uploaded once, then tiles of points traced
 * through the program of the session's kind, two tiles in flight. Maps,
 * point queries, pairs and scene gradients all run through it. */
#ifndef DRT_HOST_SESSION_H
#define DRT_HOST_SESSION_H

#include <CL/cl.h>

#include "candidates.h"
#include "cull.h"
#include "drt2d.h"
#include "programs.h"

/* Cells per tile, and the size of the per-(cell, chunk) partial-sum buffer:
 * what bounds device memory whatever the grid size. */
#define DRT_TILE_CELLS ((size_t)1 << 18)
#define DRT_PARTIAL_SLOTS ((size_t)1 << 20)

/* What a session computes at each point. */
typedef enum drt__eval_kind {
  DRT__EVAL_POWER,    /* the power, summed over the fixed endpoints */
  DRT__EVAL_GRADIENT, /* and its derivatives by the moving endpoint */
  DRT__EVAL_PAIRS,    /* the same for each (point, fixed endpoint) pair */
  DRT__EVAL_SCENE,    /* and by every scene parameter (drt_scene_stride) */
  DRT__EVAL_PATHS,    /* each path apart (paths.c): uploads only */
  DRT__EVAL_TIMES_L,  /* the radio model's incoherent power, each path's */
  DRT__EVAL_TIMES_L2  /* V |a|^2 times its length L, or L^2 (delay spread) */
} drt__eval_kind;

/* Values a point of a kind: 1, 3, 3, or the scene-gradient layout's
 * stride (power, moving x, y, 5 an object, R, x, y of each fixed
 * endpoint: kernels/power/drt_contribution.h). */
size_t drt__eval_components(const drt_scene *scene,
                            const drt_trace_options *opt, drt__eval_kind kind);

typedef struct drt__session {
  drt_context *ctx;
  const drt_scene *scene;
  const drt_trace_options *opt;
  int n_orders;
  int n_fixed;
  size_t components; /* values a point */
  size_t fields;     /* values a point in the kernels' results: the
                        components, or in the radio model the field's real
                        and imaginary parts of each (radio.h) */
  size_t capacity;   /* points a tile */
  int chunked;       /* candidates split into chunks, then reduced */
  int wave_weight;   /* DRT_WAVE_TIMES_L or _L2 of a delay moment's kind */
  cl_ulong trace_slots; /* the cells kernels' `slots` argument */
  const drt__program *prog;
  cl_kernel kernel;  /* the one launched over cells */
  drt__candidates sets[DRT_MAX_ORDER + 1];
  cl_mem candidates[DRT_MAX_ORDER + 1];
  cl_mem segments, types, phis, fixed, moving, partial, iterations, out;
  cl_mem materials; /* radio: per object eta and amplitude (radio.h) */
  /* Two tiles in flight: while the device traces one, the host stages the
   * next or unpacks the one before. */
  struct drt__tile_slot {
    void *points;    /* the tile's points going up, device precision */
    void *results;   /* its results coming back, device precision */
    cl_uint *counts; /* its solver iteration counts coming back */
    double *fields;  /* its results as doubles, before drt__radio_powers */
    cl_event done;   /* the read-back has finished; NULL when idle */
    size_t n;        /* points in the tile */
    size_t n_counts; /* iteration counts read back */
    double *power;   /* where its results go */
  } slots[2];
  int next_slot;
  double solver_iterations; /* summed over the tiles finished so far */
  /* Visibility-pruned candidates (session_culled.c), NULL for the whole
   * enumeration: tiles are then traced one at a time, in units. */
  drt__culler *culler;
  drt__cull_batch batch;
  size_t cell_room; /* cells the tile buffers hold, units padded */
} drt__session;

/* Builds the kind's program for the method if needed and uploads
 * everything. A DRT__EVAL_PATHS session uploads the scene, its
 * transmitters and the whole enumeration and leaves moving, partial and
 * iterations to its caller. With DRT__EVAL_PAIRS, cell g of drt__session_eval is the
 * scene's fixed endpoint g % n_fixed with the moving endpoint at its own xy
 * (the host repeats each point n_fixed times), traced alone. */
drt_status drt__session_open(drt__session *s, drt_context *ctx,
                             const drt_scene *scene,
                             const drt_trace_options *opt,
                             drt__eval_kind kind);
/* Queues the kind's values (s->components a point) at n <= s->capacity
 * points, the first being global cell `first_cell` (the key of its random
 * starts), into `values`, and returns once the tile queued before it is
 * in its own `values`. xy may be reused at once; `values` must stay
 * valid until drt__session_wait. */
drt_status drt__session_eval(drt__session *s, const double *xy, size_t n,
                             size_t first_cell, double *values);
/* Finishes every queued tile; s->solver_iterations then counts them all. */
drt_status drt__session_wait(drt__session *s);
/* n points' results as the kernels left them (raw: s->fields of the
 * context's reals each) into out (s->components doubles each): radio
 * programs' field parts become powers through scratch (n s->fields
 * doubles; unused otherwise). */
void drt__session_unpack(const drt__session *s, const void *raw, size_t n,
                         double *scratch, double *out);
/* Waits for the device, then releases everything. */
void drt__session_close(drt__session *s);

/* Points a unit of culling holds (docs/method.md §13). */
#define DRT_CULL_UNIT 256
/* Whether a session of `kind` under `opt` traces culled candidates: the
 * image method's values and endpoint gradients, on scenes large enough. */
int drt__session_culls(const drt_scene *scene, const drt_trace_options *opt,
                       drt__eval_kind kind);
/* The culled counterparts of session open and eval (session_culled.c). */
drt_status drt__session_open_culled(drt__session *s);
drt_status drt__session_eval_culled(drt__session *s, const double *xy,
                                    size_t n, double *values);
/* n rounded up to a multiple of `multiple`: whole work-items, whole
 * work-groups. */
static inline size_t drt__round_up(size_t n, size_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

/* Shared with session_culled.c: the count of DRT_TRACE_ARGS
 * (kernels/drt_driver.h), which drt__set_trace_args sets. */
#define DRT__TRACE_ARGS 23
size_t drt__chunk_size(size_t count);
drt_status drt__clear_slots(drt__session *s, size_t slots);
drt_status drt__set_trace_args(drt__session *s, cl_kernel kernel, int i,
                               cl_mem candidates, cl_int n_cells,
                               cl_ulong first_cell, cl_int chunk);

/* The values of `kind` at n points xy into out (drt__eval_components a
 * point), in tiles through a session, or on the ref evaluator: the one
 * path of every point evaluation. Options are checked by the caller. */
drt_status drt__evaluate_points(drt_context *ctx, const drt_scene *scene,
                                const drt_trace_options *opt,
                                drt__eval_kind kind, const double *xy, size_t n,
                                double *out);

/* A read-only device buffer holding a copy of `bytes` bytes of host
 * memory (one dummy element when bytes = 0), and the same for n doubles
 * stored as the context's real type. */
drt_status drt__upload(drt_context *ctx, const void *host, size_t bytes,
                       cl_mem *buffer);
drt_status drt__upload_reals(drt_context *ctx, const double *values, size_t n,
                             cl_mem *buffer);
/* A device buffer of `bytes` bytes, uninitialised. */
drt_status drt__create_buffer(drt_context *ctx, cl_mem_flags flags,
                              size_t bytes, cl_mem *buffer);

#endif
