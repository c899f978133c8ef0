/* trace_options.c — defaults and validation of the tracing options. */
#include <math.h>
#include <string.h>

#include "candidates.h"
#include "drt2d.h"
#include "error.h"
#include "radio.h"

void drt_trace_options_init(drt_trace_options *o) {
  memset(o, 0, sizeof *o);
  o->order_min = 0;
  o->order_max = 1;
  o->method = DRT_METHOD_IM;
  o->smoothing = DRT_SMOOTHING_NONE;
  o->alpha = 100.0;
  o->vary = DRT_VARY_RX;
  o->only = DRT_ONLY_ALL;
  o->seed = 0;
  o->first_key = 0;
  o->candidates = DRT_CANDIDATES_VISIBLE;
  o->model = DRT_MODEL_PAPER;
  o->frequency = 3.5e9;
  o->tx_power_dbm = 20;
  o->sum = DRT_SUM_COHERENT;
  o->polarization = DRT_POLARIZATION_VERTICAL;
  o->default_material = DRT_MATERIAL_CONCRETE;
  o->quantity = DRT_QUANTITY_POWER;
}

static const char *object_type_name(drt_object_type type) {
  return type == DRT_OBJECT_WALL ? "wall"
         : type == DRT_OBJECT_RIS ? "ris"
                                  : "vertex";
}

size_t drt_scene_candidate_objects(const drt_scene *scene,
                                   const drt_trace_options *o) {
  size_t count = 0;
  for (size_t i = 0; i < drt_scene_object_count(scene); i++)
    count += (o->only >> drt_scene_object(scene, i)->type) & 1u;
  return count;
}

/* The image method has no closed form for a RIS or a vertex. */
static drt_status check_image_method_objects(const drt_trace_options *o,
                                             const drt_scene *scene) {
  if (o->method != DRT_METHOD_IM || o->order_max == 0) return DRT_OK;
  for (size_t i = 0; i < drt_scene_object_count(scene); i++) {
    drt_object_type type = drt_scene_object(scene, i)->type;
    if (type != DRT_OBJECT_WALL && (o->only >> type & 1u))
      return drt__fail(DRT_EUNSUPPORTED,
                       "the image method handles walls only, but object %zu "
                       "is a %s: use --method fpt or mpt, or --only wall",
                       i, object_type_name(type));
  }
  return DRT_OK;
}

/* Refuses, before anything is allocated, candidate lists too large to
 * hold (DRT_MAX_CANDIDATE_BYTES per order), with the numbers. */
static drt_status check_candidate_sizes(const drt_trace_options *o,
                                        const drt_scene *scene) {
  size_t objects = drt_scene_candidate_objects(scene, o);
  for (int k = o->order_min > 1 ? o->order_min : 1; k <= o->order_max; k++) {
    size_t count = drt_candidate_count(objects, k);
    if (count > DRT_MAX_CANDIDATE_BYTES / sizeof(int) / (size_t)k)
      return drt__fail(DRT_ETOOBIG,
                       "order %d over %zu objects gives %zu candidates "
                       "(%.3g GiB of indices), more than the %zu MiB allowed; "
                       "lower the order or use --only",
                       k, objects, count,
                       (double)count * k * sizeof(int) / (1 << 30),
                       DRT_MAX_CANDIDATE_BYTES >> 20);
  }
  return DRT_OK;
}

drt_status drt_trace_options_check(const drt_trace_options *o,
                                   const drt_scene *scene) {
  drt__clear_error();
  if (o->order_min < 0 || o->order_max < o->order_min ||
      o->order_max > DRT_MAX_ORDER)
    return drt__fail(DRT_EINVAL, "order range %d:%d must satisfy 0 <= KMIN <= "
                     "KMAX <= %d", o->order_min, o->order_max, DRT_MAX_ORDER);
  if (!(o->alpha > 0) || !isfinite(o->alpha))
    return drt__fail(DRT_EINVAL, "alpha must be a finite number > 0, not %g",
                     o->alpha);
  if (o->method < DRT_METHOD_IM || o->method >= DRT_METHOD_COUNT)
    return drt__fail(DRT_EINVAL, "unknown path method %d", (int)o->method);
  if (o->smoothing < DRT_SMOOTHING_NONE || o->smoothing > DRT_SMOOTHING_HARD_SIGMOID)
    return drt__fail(DRT_EINVAL, "unknown smoothing %d", (int)o->smoothing);
  if (o->candidates != DRT_CANDIDATES_VISIBLE && o->candidates != DRT_CANDIDATES_ALL)
    return drt__fail(DRT_EINVAL, "unknown candidate choice %d", (int)o->candidates);
  if (o->only == 0 || (o->only & ~DRT_ONLY_ALL))
    return drt__fail(DRT_EINVAL, "object-type mask 0x%x is empty or unknown",
                     o->only);
  drt_status status = check_image_method_objects(o, scene);
  if (!status) status = drt__radio_check(o, scene);
  if (!status) status = check_candidate_sizes(o, scene);
  if (status) return status;
  size_t n_fixed = o->vary == DRT_VARY_TX ? drt_scene_rx_count(scene)
                                          : drt_scene_tx_count(scene);
  if (n_fixed == 0)
    return drt__fail(DRT_EINVAL, "the scene has no %s; give one (--%s X,Y)",
                     o->vary == DRT_VARY_TX ? "receiver" : "transmitter",
                     o->vary == DRT_VARY_TX ? "rx" : "tx");
  return DRT_OK;
}
