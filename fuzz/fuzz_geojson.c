/* fuzz_geojson.c — libFuzzer target: the GeoJSON scene reader. */
#include <math.h>
#include <stdint.h>

#include "error.h"
#include "fuzz_common.h"
#include "scene_io.h"

/* What the reader promises of every scene it returns: at least one wall,
 * walls only, finite coordinates, no zero-length wall. */
static void check_scene(const drt_scene *scene) {
  size_t n = drt_scene_object_count(scene);
  if (n == 0) drt_fuzz_fail("scene", "no walls");
  for (size_t i = 0; i < n; i++) {
    const drt_object *o = drt_scene_object(scene, i);
    if (o->type != DRT_OBJECT_WALL) drt_fuzz_fail("scene", "not a wall");
    if (!isfinite(o->ax) || !isfinite(o->ay) || !isfinite(o->bx) ||
        !isfinite(o->by))
      drt_fuzz_fail("scene", "non-finite coordinate");
    if (o->ax == o->bx && o->ay == o->by)
      drt_fuzz_fail("scene", "zero-length wall");
  }
  if (drt_scene_tx_count(scene) || drt_scene_rx_count(scene))
    drt_fuzz_fail("scene", "GeoJSON gave transmitters or receivers");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char name[] = "fuzz.geojson";
  drt__clear_error();
  drt_scene *scene = NULL;
  drt_status status =
      drt__scene_parse_geojson(name, (const char *)data, size, &scene);
  if (status == DRT_OK)
    check_scene(scene);
  else
    drt_fuzz_check_error(status, name);
  drt_scene_destroy(scene);
  return 0;
}
