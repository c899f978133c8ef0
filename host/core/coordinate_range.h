/* coordinate_range.h — the coordinates each precision computes without
 * overflow (docs/errors.md, "Coordinate range"), and the checks that
 * refuse the rest before any work. */
#ifndef DRT_HOST_COORDINATE_RANGE_H
#define DRT_HOST_COORDINATE_RANGE_H

#include "drt2d.h"

/* The largest |coordinate| computed in precision: 1e17 in float, 1e152
 * in double. Paths of order k reach images (2k + 1) times as far out, so
 * differences reach 34 L at order 8, and squared lengths 2 (34 L)^2 must
 * stay below FLT_MAX or DBL_MAX; the powers of ten below those bounds
 * (3.8e17, 2.8e152) are the limits. */
double drt__coordinate_limit(drt_precision precision);

/* Whether |value| <= the limit (a NaN is not). */
int drt__coordinate_fits(double value, drt_precision precision);

/* "float" or "double", for messages. */
const char *drt__precision_name(drt_precision precision);

/* Every coordinate of the scene's objects, transmitters and receivers
 * within the limit, else DRT_EINVAL whose message starts with the field
 * ("objects[3].b", "transmitters[0].position": a JSON scene file's own
 * names, in file order) and says the limit. */
drt_status drt__scene_check_range(const drt_scene *scene,
                                  drt_precision precision);

/* The message of a coordinate out of range, after its locator:
 * "coordinate 1e+39 is outside what float computes (|x| <= 1e+17; ...)". */
drt_status drt__range_fail(const char *locator, double value,
                           drt_precision precision);

#endif
