/* scene.c — the scene model: objects, transmitters, receivers, bounding box. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drt2d.h"
#include "error.h"

struct drt_scene {
  drt_object *objects;
  size_t n_objects, cap_objects;
  drt_point *tx;
  size_t n_tx, cap_tx;
  drt_point *rx;
  size_t n_rx, cap_rx;
  int metres; /* coordinates in metres (docs/method.md §14) */
};

void drt_scene_set_metres(drt_scene *scene, int metres) {
  scene->metres = metres != 0;
}

int drt_scene_in_metres(const drt_scene *scene) { return scene->metres; }

drt_status drt_scene_create(drt_scene **out) {
  drt__clear_error();
  *out = calloc(1, sizeof **out);
  if (!*out) return drt__fail(DRT_ENOMEM, "scene: out of memory");
  return DRT_OK;
}

void drt_scene_destroy(drt_scene *scene) {
  if (!scene) return;
  free(scene->objects);
  free(scene->tx);
  free(scene->rx);
  free(scene);
}

/* Makes room for one more element of size `elem` in *items. */
static drt_status grow(void **items, size_t count, size_t *cap, size_t elem) {
  if (count < *cap) return DRT_OK;
  size_t new_cap = *cap ? 2 * *cap : 8;
  void *grown = realloc(*items, new_cap * elem);
  if (!grown) return drt__fail(DRT_ENOMEM, "scene: out of memory");
  *items = grown;
  *cap = new_cap;
  return DRT_OK;
}

static int all_finite(const double *values, int n) {
  for (int i = 0; i < n; i++)
    if (!isfinite(values[i])) return 0;
  return 1;
}

static drt_status check_object(const drt_object *o) {
  double coords[5] = {o->ax, o->ay, o->bx, o->by, o->phi};
  if (!all_finite(coords, 5))
    return drt__fail(DRT_EINVAL, "object has a non-finite coordinate");
  switch (o->type) {
  case DRT_OBJECT_WALL:
  case DRT_OBJECT_RIS:
    if (o->ax == o->bx && o->ay == o->by)
      return drt__fail(DRT_EINVAL, "wall (%g, %g)->(%g, %g) has zero length",
                       o->ax, o->ay, o->bx, o->by);
    return DRT_OK;
  case DRT_OBJECT_VERTEX:
    return DRT_OK;
  }
  return drt__fail(DRT_EINVAL, "unknown object type %d", (int)o->type);
}

/* The radio fields: a known material (custom values checked where the
 * frequency is known too), an amplitude in [0, 1] (0: the default 1). */
static drt_status check_radio_fields(const drt_object *o) {
  if ((int)o->material < 0 || o->material >= DRT_MATERIAL_COUNT)
    return drt__fail(DRT_EINVAL, "unknown material %d", (int)o->material);
  if (!(o->amplitude >= 0 && o->amplitude <= 1))
    return drt__fail(DRT_EINVAL, "RIS amplitude %g is not in (0, 1]",
                     o->amplitude);
  double eta_re, eta_im;
  if (o->material == DRT_MATERIAL_CUSTOM &&
      drt_material_permittivity(o->material, o->eps_r, o->sigma, 1e9, &eta_re,
                                &eta_im))
    return DRT_EINVAL;
  return DRT_OK;
}

drt_status drt_scene_add_object(drt_scene *scene, const drt_object *object) {
  drt__clear_error();
  drt_status status = check_object(object);
  if (!status) status = check_radio_fields(object);
  if (status) return status;
  status = grow((void **)&scene->objects, scene->n_objects, &scene->cap_objects,
                sizeof *scene->objects);
  if (status) return status;
  drt_object *o = &scene->objects[scene->n_objects++];
  *o = *object;
  if (o->type == DRT_OBJECT_VERTEX) {
    o->bx = o->ax;
    o->by = o->ay;
  }
  if (o->type != DRT_OBJECT_RIS) o->phi = 0.0;
  return DRT_OK;
}

drt_status drt_scene_add_wall(drt_scene *scene, double ax, double ay, double bx,
                              double by) {
  drt__clear_error();
  drt_object wall = {.type = DRT_OBJECT_WALL, .ax = ax, .ay = ay, .bx = bx, .by = by, .phi = 0.0};
  return drt_scene_add_object(scene, &wall);
}

static drt_status add_point(drt_point **points, size_t *count, size_t *cap,
                            const char *prefix, const char *name, double x,
                            double y) {
  if (!isfinite(x) || !isfinite(y))
    return drt__fail(DRT_EINVAL, "%s position (%g, %g) is not finite", prefix,
                     x, y);
  if (name && strlen(name) >= sizeof((drt_point *)0)->name)
    return drt__fail(DRT_EINVAL, "%s name \"%s\" is longer than %zu characters",
                     prefix, name, sizeof((drt_point *)0)->name - 1);
  drt_status status = grow((void **)points, *count, cap, sizeof **points);
  if (status) return status;
  drt_point *p = &(*points)[(*count)++];
  if (name)
    snprintf(p->name, sizeof p->name, "%s", name);
  else
    snprintf(p->name, sizeof p->name, "%s%zu", prefix, *count - 1);
  p->x = x;
  p->y = y;
  p->antenna = (drt_antenna){DRT_PATTERN_ISOTROPIC, 0.0, 0, 0.0};
  return DRT_OK;
}

drt_status drt_scene_add_tx(drt_scene *scene, const char *name, double x,
                            double y) {
  drt__clear_error();
  return add_point(&scene->tx, &scene->n_tx, &scene->cap_tx, "tx", name, x, y);
}

drt_status drt_scene_add_rx(drt_scene *scene, const char *name, double x,
                            double y) {
  drt__clear_error();
  return add_point(&scene->rx, &scene->n_rx, &scene->cap_rx, "rx", name, x, y);
}

/* n points with default names, all or none: a failure drops the ones
 * this call added. */
static drt_status add_points(drt_point **points, size_t *count, size_t *cap,
                             const char *prefix, const double *xy, size_t n) {
  size_t before = *count;
  drt_status status = DRT_OK;
  for (size_t i = 0; i < n && status == DRT_OK; i++)
    status = add_point(points, count, cap, prefix, NULL, xy[2 * i],
                       xy[2 * i + 1]);
  if (status != DRT_OK) *count = before;
  return status;
}

drt_status drt_scene_add_tx_points(drt_scene *scene, const double *xy,
                                   size_t n) {
  drt__clear_error();
  return add_points(&scene->tx, &scene->n_tx, &scene->cap_tx, "tx", xy, n);
}

drt_status drt_scene_add_rx_points(drt_scene *scene, const double *xy,
                                   size_t n) {
  drt__clear_error();
  return add_points(&scene->rx, &scene->n_rx, &scene->cap_rx, "rx", xy, n);
}

drt_status drt_scene_set_tx_antenna(drt_scene *scene, size_t index,
                                    const drt_antenna *antenna) {
  drt__clear_error();
  if (index >= scene->n_tx)
    return drt__fail(DRT_EINVAL, "transmitter %zu does not exist (the scene "
                     "has %zu)", index, scene->n_tx);
  const char *name = scene->tx[index].name;
  if (antenna->pattern != DRT_PATTERN_ISOTROPIC &&
      antenna->pattern != DRT_PATTERN_SECTOR)
    return drt__fail(DRT_EINVAL, "transmitter %s: unknown antenna pattern %d",
                     name, (int)antenna->pattern);
  if (!isfinite(antenna->azimuth))
    return drt__fail(DRT_EINVAL, "transmitter %s: azimuth must be finite, "
                     "not %g", name, antenna->azimuth);
  if (antenna->has_power && !isfinite(antenna->power_dbm))
    return drt__fail(DRT_EINVAL, "transmitter %s: power must be finite "
                     "(dBm), not %g", name, antenna->power_dbm);
  scene->tx[index].antenna = *antenna;
  scene->tx[index].antenna.has_power = antenna->has_power != 0;
  return DRT_OK;
}

void drt_scene_clear_tx(drt_scene *scene) { scene->n_tx = 0; }
void drt_scene_clear_rx(drt_scene *scene) { scene->n_rx = 0; }

size_t drt_scene_object_count(const drt_scene *scene) {
  return scene->n_objects;
}

const drt_object *drt_scene_object(const drt_scene *scene, size_t index) {
  return index < scene->n_objects ? &scene->objects[index] : NULL;
}

size_t drt_scene_tx_count(const drt_scene *scene) { return scene->n_tx; }

const drt_point *drt_scene_tx(const drt_scene *scene, size_t index) {
  return index < scene->n_tx ? &scene->tx[index] : NULL;
}

size_t drt_scene_rx_count(const drt_scene *scene) { return scene->n_rx; }

const drt_point *drt_scene_rx(const drt_scene *scene, size_t index) {
  return index < scene->n_rx ? &scene->rx[index] : NULL;
}

static void extend_box(double box[4], double x, double y) {
  box[0] = fmin(box[0], x);
  box[1] = fmin(box[1], y);
  box[2] = fmax(box[2], x);
  box[3] = fmax(box[3], y);
}

drt_status drt_scene_bbox(const drt_scene *scene, double box[4]) {
  drt__clear_error();
  box[0] = box[1] = INFINITY;
  box[2] = box[3] = -INFINITY;
  for (size_t i = 0; i < scene->n_objects; i++) {
    extend_box(box, scene->objects[i].ax, scene->objects[i].ay);
    extend_box(box, scene->objects[i].bx, scene->objects[i].by);
  }
  for (size_t i = 0; i < scene->n_tx; i++)
    extend_box(box, scene->tx[i].x, scene->tx[i].y);
  for (size_t i = 0; i < scene->n_rx; i++)
    extend_box(box, scene->rx[i].x, scene->rx[i].y);
  if (box[0] > box[2])
    return drt__fail(DRT_EINVAL, "scene is empty: no bounding box");
  return DRT_OK;
}

size_t drt_candidate_count(size_t n_objects, int order) {
  if (order <= 0) return order == 0 ? 1 : 0;
  if (n_objects == 0) return 0;
  size_t count = n_objects;
  for (int k = 1; k < order; k++) {
    if (n_objects - 1 != 0 && count > SIZE_MAX / (n_objects - 1))
      return SIZE_MAX;
    count *= n_objects - 1;
  }
  return count;
}
