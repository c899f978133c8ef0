/* coordinate_range.c — refusing coordinates whose squared lengths would
 * overflow the precision they are computed in. */
#include "coordinate_range.h"

#include <math.h>
#include <stdio.h>

#include "error.h"

double drt__coordinate_limit(drt_precision precision) {
  return precision == DRT_PRECISION_DOUBLE ? 1e152 : 1e17;
}

int drt__coordinate_fits(double value, drt_precision precision) {
  return fabs(value) <= drt__coordinate_limit(precision);
}

const char *drt__precision_name(drt_precision precision) {
  return precision == DRT_PRECISION_DOUBLE ? "double" : "float";
}

drt_status drt__range_fail(const char *locator, double value,
                           drt_precision precision) {
  char hint[64] = "";
  if (precision != DRT_PRECISION_DOUBLE)
    snprintf(hint, sizeof hint, "; --precision double allows %g",
             drt__coordinate_limit(DRT_PRECISION_DOUBLE));
  if (!isfinite(value))
    return drt__fail(DRT_EINVAL, "%s: coordinate %g is not finite", locator,
                     value);
  return drt__fail(DRT_EINVAL, "%s: coordinate %g is outside what %s "
                   "computes (|x| <= %g%s)", locator, value,
                   drt__precision_name(precision),
                   drt__coordinate_limit(precision), hint);
}

/* The first of the pair (x, y) out of range, reported at locator. */
static drt_status check_pair(const char *locator, double x, double y,
                             drt_precision precision) {
  if (!drt__coordinate_fits(x, precision))
    return drt__range_fail(locator, x, precision);
  if (!drt__coordinate_fits(y, precision))
    return drt__range_fail(locator, y, precision);
  return DRT_OK;
}

static drt_status check_points(const char *kind, size_t n,
                               const drt_point *(*get)(const drt_scene *,
                                                       size_t),
                               const drt_scene *scene,
                               drt_precision precision) {
  drt_status status = DRT_OK;
  for (size_t i = 0; i < n && !status; i++) {
    char locator[64];
    snprintf(locator, sizeof locator, "%s[%zu].position", kind, i);
    const drt_point *p = get(scene, i);
    status = check_pair(locator, p->x, p->y, precision);
  }
  return status;
}

drt_status drt__scene_check_range(const drt_scene *scene,
                                  drt_precision precision) {
  drt_status status = DRT_OK;
  for (size_t i = 0; i < drt_scene_object_count(scene) && !status; i++) {
    const drt_object *o = drt_scene_object(scene, i);
    char locator[64];
    snprintf(locator, sizeof locator, "objects[%zu].a", i);
    status = check_pair(locator, o->ax, o->ay, precision);
    snprintf(locator, sizeof locator, "objects[%zu].b", i);
    if (!status && o->type != DRT_OBJECT_VERTEX)
      status = check_pair(locator, o->bx, o->by, precision);
  }
  if (!status)
    status = check_points("transmitters", drt_scene_tx_count(scene),
                          drt_scene_tx, scene, precision);
  if (!status)
    status = check_points("receivers", drt_scene_rx_count(scene),
                          drt_scene_rx, scene, precision);
  return status;
}
