/* fuzz_scene_json.c — libFuzzer target: the drt2d JSON scene reader, plus a
 * save-and-reload round trip of every scene it accepts. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "fuzz_common.h"
#include "scene_io.h"

/* One private directory per fuzzing process for the round-trip file. */
static char temp_dir[64];
static char save_path[96];

static void remove_temp_dir(void) {
  unlink(save_path);
  rmdir(temp_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  snprintf(temp_dir, sizeof temp_dir, "/tmp/drt_fuzz_json_XXXXXX");
  if (!mkdtemp(temp_dir)) drt_fuzz_fail("mkdtemp", temp_dir);
  snprintf(save_path, sizeof save_path, "%s/saved.json", temp_dir);
  atexit(remove_temp_dir);
  return 0;
}

/* Doubles are compared bit for bit: the writer promises text that reads
 * back as the very same value, the sign of zero included. */
static int same_double(double a, double b) {
  return memcmp(&a, &b, sizeof a) == 0;
}

static int same_object(const drt_object *a, const drt_object *b) {
  return a->type == b->type && same_double(a->ax, b->ax) &&
         same_double(a->ay, b->ay) && same_double(a->bx, b->bx) &&
         same_double(a->by, b->by) && same_double(a->phi, b->phi);
}

static int same_point(const drt_point *a, const drt_point *b) {
  return strcmp(a->name, b->name) == 0 && same_double(a->x, b->x) &&
         same_double(a->y, b->y);
}

static void check_same_scene(const drt_scene *a, const drt_scene *b) {
  if (drt_scene_object_count(a) != drt_scene_object_count(b) ||
      drt_scene_tx_count(a) != drt_scene_tx_count(b) ||
      drt_scene_rx_count(a) != drt_scene_rx_count(b))
    drt_fuzz_fail("round trip", "counts differ");
  for (size_t i = 0; i < drt_scene_object_count(a); i++)
    if (!same_object(drt_scene_object(a, i), drt_scene_object(b, i)))
      drt_fuzz_fail("round trip", "an object differs");
  for (size_t i = 0; i < drt_scene_tx_count(a); i++)
    if (!same_point(drt_scene_tx(a, i), drt_scene_tx(b, i)))
      drt_fuzz_fail("round trip", "a transmitter differs");
  for (size_t i = 0; i < drt_scene_rx_count(a); i++)
    if (!same_point(drt_scene_rx(a, i), drt_scene_rx(b, i)))
      drt_fuzz_fail("round trip", "a receiver differs");
}

/* Whatever the reader accepts, the writer must write and the reader must
 * read back unchanged. */
static void round_trip(const drt_scene *scene) {
  if (drt_scene_save_json(scene, save_path) != DRT_OK)
    drt_fuzz_fail("save", drt_last_error());
  drt_scene *again = NULL;
  if (drt_scene_load(save_path, &again) != DRT_OK)
    drt_fuzz_fail("reload", drt_last_error());
  check_same_scene(scene, again);
  drt_scene_destroy(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char name[] = "fuzz.json";
  drt__clear_error();
  drt_scene *scene = NULL;
  drt_status status =
      drt__scene_parse_json(name, (const char *)data, size, &scene);
  if (status == DRT_OK)
    round_trip(scene);
  else
    drt_fuzz_check_error(status, name);
  drt_scene_destroy(scene);
  return 0;
}
