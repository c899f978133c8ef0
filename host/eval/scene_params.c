/* scene_params.c — the scene parameters of drt_eval_points_scene_grad:
 * their count, names and order, and the evaluation that gathers their
 * derivatives from the kernels' layout. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context_impl.h"
#include "gradients/drt_moves.h"
#include "error.h"
#include "session.h"

/* Coordinates of an object that are parameters, in the kernels' order
 * (ax, ay, bx, by, phi): a wall has 4, a RIS 5, a vertex 2. */
static const char *const coord_names[DRT_SG_PER_OBJECT] = {"ax", "ay", "bx",
                                                           "by", "phi"};

/* The longest names: "d_<point name>_azimuth" and "d_r<index>_phi" (an
 * index of up to 20 digits), each with its NUL. */
_Static_assert(2 + sizeof((drt_point *)0)->name - 1 + 8 + 1 <=
                       DRT_PARAM_NAME_SIZE &&
                   2 + 1 + 20 + 1 + 3 + 1 <= DRT_PARAM_NAME_SIZE,
               "DRT_PARAM_NAME_SIZE must hold every parameter name");

static int object_params(drt_object_type type) {
  return type == DRT_OBJECT_VERTEX ? 2 : type == DRT_OBJECT_RIS ? 5 : 4;
}

static char type_letter(drt_object_type type) {
  return type == DRT_OBJECT_VERTEX ? 'v' : type == DRT_OBJECT_RIS ? 'r' : 'w';
}

static size_t fixed_count(const drt_scene *scene, const drt_trace_options *o) {
  return o->vary == DRT_VARY_TX ? drt_scene_rx_count(scene)
                                : drt_scene_tx_count(scene);
}

static const drt_point *fixed_point(const drt_scene *scene,
                                    const drt_trace_options *o, size_t f) {
  return o->vary == DRT_VARY_TX ? drt_scene_rx(scene, f)
                                : drt_scene_tx(scene, f);
}

/* The parameters after the objects' and the fixed endpoints': R in the
 * paper's model; in the radio model each fixed transmitter's azimuth (a
 * receiver map's), none in a transmitter map (its receivers have none,
 * its moving transmitter is isotropic). */
static size_t model_params(const drt_scene *scene, const drt_trace_options *o) {
  if (o->model != DRT_MODEL_RADIO) return 1;
  return o->vary == DRT_VARY_TX ? 0 : fixed_count(scene, o);
}

size_t drt_scene_param_count(const drt_scene *scene,
                             const drt_trace_options *options) {
  size_t count = 2 * fixed_count(scene, options) + model_params(scene, options);
  for (size_t o = 0; o < drt_scene_object_count(scene); o++)
    count += (size_t)object_params(drt_scene_object(scene, o)->type);
  return count;
}

/* Walks the parameters in order: calls visit with each one's index into
 * the kernels' layout and what names it (object o and coordinate c; or
 * fixed endpoint f and axis c, c = 2 its azimuth; or R), stopping when
 * visit returns 1. */
typedef int (*param_visitor)(void *data, size_t slot, size_t object,
                             size_t fixed, int c);
#define NONE ((size_t)-1)

static void visit_params(const drt_scene *scene, const drt_trace_options *opt,
                         param_visitor visit, void *data) {
  size_t n = drt_scene_object_count(scene);
  for (size_t o = 0; o < n; o++) {
    int coords = object_params(drt_scene_object(scene, o)->type);
    for (int c = 0; c < coords; c++)
      if (visit(data, 3 + DRT_SG_PER_OBJECT * o + (size_t)c, o, NONE, c)) return;
  }
  size_t n_fixed = fixed_count(scene, opt);
  for (size_t f = 0; f < n_fixed; f++)
    for (int c = 0; c < 2; c++)
      if (visit(data, 4 + DRT_SG_PER_OBJECT * n + 2 * f + (size_t)c, NONE, f, c))
        return;
  if (opt->model != DRT_MODEL_RADIO) {
    visit(data, 3 + DRT_SG_PER_OBJECT * n, NONE, NONE, 0);
    return;
  }
  size_t azimuth = (size_t)drt_scene_stride((int)n, (int)n_fixed);
  for (size_t f = 0; f < model_params(scene, opt); f++)
    if (visit(data, azimuth + f, NONE, f, 2)) return;
}

/* Collects the slots of every parameter. */
typedef struct slot_list {
  size_t *slots, count;
} slot_list;

static int collect_slot(void *data, size_t slot, size_t object, size_t fixed,
                        int c) {
  slot_list *list = data;
  list->slots[list->count++] = slot;
  return 0;
}

/* Finds parameter `index` and writes its name. */
typedef struct name_query {
  const drt_scene *scene;
  const drt_trace_options *opt;
  size_t index, seen;
  char *name;
  size_t size;
} name_query;

static int name_param(void *data, size_t slot, size_t object, size_t fixed,
                      int c) {
  name_query *q = data;
  if (q->seen++ != q->index) return 0;
  if (object != NONE)
    snprintf(q->name, q->size, "d_%c%zu_%s",
             type_letter(drt_scene_object(q->scene, object)->type), object,
             coord_names[c]);
  else if (fixed != NONE)
    snprintf(q->name, q->size, "d_%s_%s",
             fixed_point(q->scene, q->opt, fixed)->name,
             c == 2 ? "azimuth" : c ? "y" : "x");
  else
    snprintf(q->name, q->size, "d_R");
  return 1;
}

drt_status drt_scene_param_name(const drt_scene *scene,
                                const drt_trace_options *options, size_t index,
                                char *name, size_t size) {
  drt__clear_error();
  if (!name || size == 0)
    return drt__fail(DRT_EINVAL, "parameter name: no buffer");
  size_t count = drt_scene_param_count(scene, options);
  if (index >= count)
    return drt__fail(DRT_EINVAL, "parameter %zu of %zu does not exist", index,
                     count);
  name_query q = {scene, options, index, 0, name, size};
  visit_params(scene, options, name_param, &q);
  return DRT_OK;
}

/* Paths traced: points x fixed endpoints x candidates. */
/* Gathers each point's power, endpoint gradient and parameters from the
 * kernels' layout (raw, stride values a point) into out. */
static void gather(const double *raw, size_t stride, const slot_list *list,
                   size_t n, double *out) {
  size_t width = 3 + list->count;
  for (size_t i = 0; i < n; i++) {
    const double *from = raw + stride * i;
    double *to = out + width * i;
    for (int c = 0; c < 3; c++) to[c] = from[c];
    for (size_t p = 0; p < list->count; p++) to[3 + p] = from[list->slots[p]];
  }
}

drt_status drt_eval_points_scene_grad(drt_context *ctx, const drt_scene *scene,
                                      const drt_trace_options *opt,
                                      const double *xy, size_t n, double *out) {
  drt__clear_error();
  drt_status status = drt_trace_options_check(opt, scene);
  if (status) return status;
  size_t stride = drt__eval_components(scene, opt, DRT__EVAL_SCENE);
  size_t count = drt_scene_param_count(scene, opt);
  if (n > SIZE_MAX / sizeof(double) / (stride > 3 + count ? stride : 3 + count))
    return drt__fail(DRT_ETOOBIG, "scene gradient: %zu points of %zu values "
                     "exceed the address space", n, 3 + count);
  slot_list list = {malloc(count * sizeof *list.slots), 0};
  double *raw = malloc((n ? n : 1) * stride * sizeof *raw);
  if (!list.slots || !raw) {
    status = drt__fail(DRT_ENOMEM, "scene gradient: out of memory for %zu "
                       "points x %zu values", n, stride);
  } else {
    visit_params(scene, opt, collect_slot, &list);
    status = drt__evaluate_points(ctx, scene, opt, DRT__EVAL_SCENE, xy, n, raw);
  }
  if (!status) gather(raw, stride, &list, n, out);
  free(list.slots);
  free(raw);
  return status;
}
