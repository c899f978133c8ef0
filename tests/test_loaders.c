/* test_loaders.c — the JSON and GeoJSON scene readers and the JSON writer. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define EARTH_RADIUS_M 6371008.8

/* ------------------------------------------------------------------------ */
/* A fresh temporary directory per test, for the files the tests write      */
/* ------------------------------------------------------------------------ */

static char temp_dir[64];

static void make_temp_dir(void) {
  snprintf(temp_dir, sizeof temp_dir, "/tmp/drt_test_loaders_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(temp_dir));
}

/* Entries of the temporary directory (".", ".." excluded). */
static int count_temp_entries(void) {
  DIR *dir = opendir(temp_dir);
  ck_assert_ptr_nonnull(dir);
  int count = 0;
  for (struct dirent *e; (e = readdir(dir));)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) count++;
  closedir(dir);
  return count;
}

/* The tests create plain files and empty directories only. */
static void remove_temp_dir(void) {
  DIR *dir = opendir(temp_dir);
  if (!dir) return;
  for (struct dirent *e; (e = readdir(dir));) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", temp_dir, e->d_name);
    if (unlink(path) != 0) rmdir(path);
  }
  closedir(dir);
  rmdir(temp_dir);
}

/* Path of name in the temporary directory; valid until the next call. */
static const char *temp_path(const char *name) {
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", temp_dir, name);
  return path;
}

static const char *write_temp_bytes(const char *name, const char *bytes,
                                    size_t length) {
  const char *path = temp_path(name);
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(bytes, 1, length, f), length);
  ck_assert_int_eq(fclose(f), 0);
  return path;
}

static const char *write_temp(const char *name, const char *text) {
  return write_temp_bytes(name, text, strlen(text));
}

/* Whole file as a NUL-terminated string (free with free()). */
static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  static const size_t cap = 1 << 20;
  char *text = calloc(1, cap);
  ck_assert_ptr_nonnull(text);
  size_t n = fread(text, 1, cap - 1, f);
  ck_assert_uint_lt(n, cap - 1);
  fclose(f);
  return text;
}

/* ------------------------------------------------------------------------ */
/* Assertions                                                               */
/* ------------------------------------------------------------------------ */

static uint64_t bits_of(double value) {
  uint64_t bits;
  memcpy(&bits, &value, sizeof bits);
  return bits;
}

#define ASSERT_SAME_DOUBLE(a, b)                                               \
  ck_assert_msg(bits_of(a) == bits_of(b), "%s = %.17g, %s = %.17g differ",     \
                #a, (a), #b, (b))

/* Loading path fails with `expected`, names the file and says `needle`. */
static void assert_load_fails(const char *path, drt_status expected,
                              const char *needle) {
  drt_scene *scene = NULL;
  drt_status status = drt_scene_load(path, &scene);
  ck_assert_msg(status == expected, "%s: got %s (\"%s\"), expected %s", path,
                drt_status_name(status), drt_last_error(),
                drt_status_name(expected));
  ck_assert_ptr_null(scene);
  const char *message = drt_last_error();
  ck_assert_msg(strncmp(message, path, strlen(path)) == 0,
                "error \"%s\" does not start with the file name", message);
  ck_assert_msg(strstr(message, needle) != NULL,
                "error \"%s\" does not say \"%s\"", message, needle);
}

static drt_scene *load_ok(const char *path) {
  drt_scene *scene = NULL;
  DRT_CHECK_OK(drt_scene_load(path, &scene));
  ck_assert_ptr_nonnull(scene);
  return scene;
}

/* ------------------------------------------------------------------------ */
/* JSON: round trip                                                         */
/* ------------------------------------------------------------------------ */

/* Doubles that a careless writer gets wrong: no short decimal form, the
 * extremes of the range, a negative zero, subnormals. */
static drt_scene *awkward_scene(void) {
  drt_scene *s;
  DRT_CHECK_OK(drt_scene_create(&s));
  DRT_CHECK_OK(drt_scene_add_wall(s, 0, 0, 1, 0));
  DRT_CHECK_OK(drt_scene_add_wall(s, 0.1 + 0.2, 1 / 3.0, -1e-300, 2 / 3.0));
  DRT_CHECK_OK(drt_scene_add_wall(s, DBL_MAX, -DBL_MAX, DBL_MIN, -0.0));
  drt_object ris = {.type = DRT_OBJECT_RIS, .ax = 0.5, .ay = 0.3, .bx = 0.5, .by = 0.7, .phi = atan(1.0)};
  DRT_CHECK_OK(drt_scene_add_object(s, &ris));
  drt_object vertex = {.type = DRT_OBJECT_VERTEX, .ax = 0.3, .ay = 0.4, .bx = 0, .by = 0, .phi = 0};
  DRT_CHECK_OK(drt_scene_add_object(s, &vertex));
  DRT_CHECK_OK(drt_scene_add_tx(s, "alpha", 0.1 + 0.2, 1 / 3.0));
  DRT_CHECK_OK(drt_scene_add_tx(s, "q\"uote\\ tab\t", 123456789.123456789,
                                -2.2250738585072014e-308));
  DRT_CHECK_OK(drt_scene_add_rx(s, NULL, 0.5, 0.6));
  DRT_CHECK_OK(drt_scene_add_rx(s, "rx-east", -1e-300, 1e300));
  return s;
}

static void assert_same_points(const drt_point *a, const drt_point *b) {
  ck_assert_str_eq(a->name, b->name);
  ASSERT_SAME_DOUBLE(a->x, b->x);
  ASSERT_SAME_DOUBLE(a->y, b->y);
}

static void assert_same_scenes(const drt_scene *a, const drt_scene *b) {
  ck_assert_uint_eq(drt_scene_object_count(a), drt_scene_object_count(b));
  for (size_t i = 0; i < drt_scene_object_count(a); i++) {
    const drt_object *p = drt_scene_object(a, i), *q = drt_scene_object(b, i);
    ck_assert_int_eq(p->type, q->type);
    ASSERT_SAME_DOUBLE(p->ax, q->ax);
    ASSERT_SAME_DOUBLE(p->ay, q->ay);
    ASSERT_SAME_DOUBLE(p->bx, q->bx);
    ASSERT_SAME_DOUBLE(p->by, q->by);
    ASSERT_SAME_DOUBLE(p->phi, q->phi);
  }
  ck_assert_uint_eq(drt_scene_tx_count(a), drt_scene_tx_count(b));
  for (size_t i = 0; i < drt_scene_tx_count(a); i++)
    assert_same_points(drt_scene_tx(a, i), drt_scene_tx(b, i));
  ck_assert_uint_eq(drt_scene_rx_count(a), drt_scene_rx_count(b));
  for (size_t i = 0; i < drt_scene_rx_count(a); i++)
    assert_same_points(drt_scene_rx(a, i), drt_scene_rx(b, i));
}

START_TEST(test_json_round_trip) {
  drt_scene *original = awkward_scene();
  char path[512];
  snprintf(path, sizeof path, "%s", temp_path("scene.json"));
  DRT_CHECK_OK(drt_scene_save_json(original, path));
  drt_scene *loaded = load_ok(path);
  assert_same_scenes(original, loaded);
  ck_assert_str_eq(drt_scene_rx(loaded, 0)->name, "rx0");
  ck_assert_int_eq(drt_scene_object(loaded, 4)->type, DRT_OBJECT_VERTEX);

  /* Saving what was loaded gives the same bytes, and it overwrites. */
  char *first = slurp(path);
  DRT_CHECK_OK(drt_scene_save_json(loaded, path));
  char *second = slurp(path);
  ck_assert_str_eq(first, second);
  /* Numbers are written in their shortest exact form, for readability. */
  ck_assert_ptr_nonnull(strstr(
      first, "{\"name\": \"alpha\", \"position\": [0.30000000000000004, "
             "0.3333333333333333]}"));
  ck_assert_ptr_nonnull(
      strstr(first, "{\"type\": \"wall\", \"a\": [0, 0], \"b\": [1, 0]}"));
  ck_assert_ptr_nonnull(strstr(first, "\"q\\\"uote\\\\ tab\\u0009\""));
  ck_assert_int_eq(count_temp_entries(), 1); /* no temporary file left */
  free(first);
  free(second);
  drt_scene_destroy(loaded);
  drt_scene_destroy(original);
}
END_TEST

START_TEST(test_json_minimal_and_empty) {
  const char *path = write_temp("empty.json", "{\"objects\": []}");
  drt_scene *scene = load_ok(path);
  ck_assert_uint_eq(drt_scene_object_count(scene), 0);
  ck_assert_uint_eq(drt_scene_tx_count(scene), 0);
  ck_assert_uint_eq(drt_scene_rx_count(scene), 0);
  DRT_CHECK_OK(drt_scene_save_json(scene, temp_path("copy.json")));
  drt_scene *copy = load_ok(temp_path("copy.json"));
  assert_same_scenes(scene, copy);
  drt_scene_destroy(copy);
  drt_scene_destroy(scene);
}
END_TEST

/* The example of the README, read field by field. */
START_TEST(test_json_readme_example) {
  const char *path = write_temp(
      "example.json",
      "{\n"
      "  \"transmitters\": [ {\"name\": \"tx0\", \"position\": [0.2, 0.2]} ],\n"
      "  \"receivers\":    [ {\"name\": \"rx0\", \"position\": [0.5, 0.6]} ],\n"
      "  \"objects\": [\n"
      "    {\"type\": \"wall\",   \"a\": [0, 0], \"b\": [1, 0]},\n"
      "    {\"type\": \"ris\",    \"a\": [0.5, 0.3], \"b\": [0.5, 0.7], "
      "\"phi\": 0.785398},\n"
      "    {\"type\": \"vertex\", \"position\": [0.3, 0.4]}\n"
      "  ]\n"
      "}\n");
  drt_scene *scene = load_ok(path);
  ck_assert_uint_eq(drt_scene_object_count(scene), 3);
  const drt_object *ris = drt_scene_object(scene, 1);
  ck_assert_int_eq(ris->type, DRT_OBJECT_RIS);
  ck_assert_double_eq(ris->by, 0.7);
  ck_assert_double_eq(ris->phi, 0.785398);
  const drt_object *vertex = drt_scene_object(scene, 2);
  ck_assert_int_eq(vertex->type, DRT_OBJECT_VERTEX);
  ck_assert_double_eq(vertex->bx, 0.3);
  ck_assert_double_eq(vertex->by, 0.4);
  ck_assert_str_eq(drt_scene_tx(scene, 0)->name, "tx0");
  ck_assert_double_eq(drt_scene_rx(scene, 0)->y, 0.6);
  drt_scene_destroy(scene);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* JSON: errors                                                             */
/* ------------------------------------------------------------------------ */

typedef struct bad_file {
  const char *text;
  drt_status status;
  const char *message;
} bad_file;

static const bad_file bad_json[] = {
    /* Missing comma after "wall" on line 4: the 21st character of that line
     * is the quote that starts "a". */
    {"{\n"
     "  \"objects\": [\n"
     "    {\"type\": \"wall\", \"a\": [0, 0], \"b\": [1, 0]},\n"
     "    {\"type\": \"wall\" \"a\": [0, 0], \"b\": [1, 0]}\n"
     "  ]\n"
     "}\n",
     DRT_EPARSE, ":4:21: JSON syntax error"},
    /* Columns count characters: the two bytes of é are one column, so the
     * quote of "position" is column 35 (byte 36). */
    {"{\"transmitters\": [{\"name\": \"caf\xc3\xa9\" \"position\": [0, 0]}], "
     "\"objects\": []}",
     DRT_EPARSE, ":1:35: JSON syntax error"},
    {"{\"objects\": [\n", DRT_EPARSE, ":2:1: JSON syntax error (unexpected end"},
    {"{\"objects\": []} x", DRT_EPARSE, ":1:17: JSON syntax error"},
    {"", DRT_EPARSE, ":1:1: JSON syntax error"},
    {"[]", DRT_ESCHEMA, "expected a JSON object at the top level"},
    {"{\"objects\": [], \"recievers\": []}", DRT_ESCHEMA,
     ": unknown key \"recievers\" (expected transmitters, receivers, objects, units)"},
    {"{\"transmitters\": []}", DRT_ESCHEMA, ": missing key \"objects\""},
    {"{\"objects\": {}}", DRT_ESCHEMA, ": objects: expected an array"},
    {"{\"objects\": [{\"type\": \"door\", \"a\": [0, 0], \"b\": [1, 0]}]}",
     DRT_ESCHEMA,
     ": objects[0].type: unknown object type \"door\" (expected wall, ris or "
     "vertex)"},
    {"{\"objects\": [{\"a\": [0, 0], \"b\": [1, 0]}]}", DRT_ESCHEMA,
     ": objects[0]: missing key \"type\""},
    {"{\"objects\": [{\"type\": 3}]}", DRT_ESCHEMA,
     ": objects[0].type: expected a string"},
    {"{\"objects\": [7]}", DRT_ESCHEMA, ": objects[0]: expected an object"},
    {"{\"objects\": [{\"type\": \"vertex\", \"position\": [0, 0]},"
     " {\"type\": \"vertex\", \"position\": [1, 0]},"
     " {\"type\": \"vertex\", \"position\": [2, 0]},"
     " {\"type\": \"wall\", \"a\": [0, 0], \"b\": [1]}]}",
     DRT_ESCHEMA, ": objects[3].b: expected an array of 2 numbers"},
    {"{\"objects\": [{\"type\": \"wall\", \"a\": [0, 0], \"b\": [1, 0, 0]}]}",
     DRT_ESCHEMA, ": objects[0].b: expected an array of 2 numbers"},
    {"{\"objects\": [{\"type\": \"wall\", \"a\": [0, \"0\"], \"b\": [1, 0]}]}",
     DRT_ESCHEMA, ": objects[0].a: expected an array of 2 numbers"},
    {"{\"objects\": [{\"type\": \"wall\", \"a\": 0, \"b\": [1, 0]}]}",
     DRT_ESCHEMA, ": objects[0].a: expected an array of 2 numbers"},
    {"{\"objects\": [{\"type\": \"wall\", \"a\": [0, 0]}]}", DRT_ESCHEMA,
     ": objects[0]: missing key \"b\""},
    {"{\"objects\": [{\"type\": \"wall\", \"a\": [0, 0], \"b\": [1, 0], "
     "\"phi\": 1}]}",
     DRT_ESCHEMA, ": objects[0]: unknown key \"phi\" (expected type, a, b, material)"},
    {"{\"objects\": [{\"type\": \"ris\", \"a\": [0, 0], \"b\": [1, 0]}]}",
     DRT_ESCHEMA, ": objects[0]: missing key \"phi\""},
    {"{\"objects\": [{\"type\": \"ris\", \"a\": [0, 0], \"b\": [1, 0], "
     "\"phi\": \"45deg\"}]}",
     DRT_ESCHEMA, ": objects[0].phi: expected a number"},
    {"{\"objects\": [{\"type\": \"vertex\", \"a\": [0, 0]}]}", DRT_ESCHEMA,
     ": objects[0]: unknown key \"a\" (expected type, position)"},
    {"{\"objects\": [{\"type\": \"vertex\"}]}", DRT_ESCHEMA,
     ": objects[0]: missing key \"position\""},
    {"{\"objects\": [{\"type\": \"wall\", \"a\": [0, 0], \"b\": [1, 0]},"
     " {\"type\": \"wall\", \"a\": [0.5, 2], \"b\": [0.5, 2]}]}",
     DRT_ESCHEMA, ": objects[1]: wall has zero length"},
    {"{\"objects\": [{\"type\": \"ris\", \"a\": [1, 1], \"b\": [1, 1], "
     "\"phi\": 0}]}",
     DRT_ESCHEMA, ": objects[0]: ris has zero length"},
    /* cJSON reads 1e999 as an infinity. */
    {"{\"objects\": [{\"type\": \"wall\", \"a\": [0, 1e999], \"b\": [1, 0]}]}",
     DRT_ESCHEMA, ": objects[0].a[1]: number is out of range (not finite)"},
    {"{\"transmitters\": [{\"position\": [-1e999, 0]}], \"objects\": []}",
     DRT_ESCHEMA, ": transmitters[0].position[0]: number is out of range"},
    {"{\"objects\": [{\"type\": \"ris\", \"a\": [0, 0], \"b\": [1, 0], "
     "\"phi\": 1e400}]}",
     DRT_ESCHEMA, ": objects[0].phi: number is out of range"},
    {"{\"objects\": [{\"type\": \"wall\", \"a\": [0, 0], \"b\": [1, 0], "
     "\"a\": [2, 2]}]}",
     DRT_ESCHEMA, ": objects[0]: duplicate key \"a\""},
    {"{\"receivers\": [{\"name\": \"rx0\", \"position\": [0, 0]},"
     " {\"name\": \"rx0\", \"position\": [1, 1]}], \"objects\": []}",
     DRT_ESCHEMA,
     ": receivers[1]: duplicate receiver name \"rx0\" (also receivers[0])"},
    /* The first transmitter gets the default name "tx0". */
    {"{\"transmitters\": [{\"position\": [0, 0]},"
     " {\"name\": \"tx0\", \"position\": [1, 1]}], \"objects\": []}",
     DRT_ESCHEMA, ": transmitters[1]: duplicate transmitter name \"tx0\""},
    {"{\"receivers\": [{\"name\": \"abcdefghijklmnopqrstuvwxyz0123456\","
     " \"position\": [0, 0]}], \"objects\": []}",
     DRT_ESCHEMA, ": receivers[0].name: name \"abcdefghijklmnopqrstuvwxyz0123456\""
                  " is longer than 31 bytes"},
    {"{\"transmitters\": [{\"name\": 5, \"position\": [0, 0]}], \"objects\": []}",
     DRT_ESCHEMA, ": transmitters[0].name: expected a string"},
    {"{\"transmitters\": [{\"name\": \"\", \"position\": [0, 0]}], "
     "\"objects\": []}",
     DRT_ESCHEMA, ": transmitters[0].name: name is empty"},
    {"{\"transmitters\": [{\"pos\": [0, 0]}], \"objects\": []}", DRT_ESCHEMA,
     ": transmitters[0]: unknown key \"pos\" (expected name, position,"
     " power_dbm, pattern, azimuth_deg)"},
    {"{\"transmitters\": [{\"name\": \"a\"}], \"objects\": []}", DRT_ESCHEMA,
     ": transmitters[0]: missing key \"position\""},
    {"{\"transmitters\": [[0, 0]], \"objects\": []}", DRT_ESCHEMA,
     ": transmitters[0]: expected an object"},
    {"{\"receivers\": {}, \"objects\": []}", DRT_ESCHEMA,
     ": receivers: expected an array"},
};

START_TEST(test_json_errors) {
  const bad_file *bad = &bad_json[_i];
  assert_load_fails(write_temp("bad.json", bad->text), bad->status,
                    bad->message);
}
END_TEST

/* cJSON would stop at a NUL byte and accept the valid text before it. */
START_TEST(test_json_nul_byte) {
  static const char bytes[] = "{\"objects\": []}\0 more";
  const char *path = write_temp_bytes("nul.json", bytes, sizeof bytes - 1);
  assert_load_fails(path, DRT_EPARSE, ":1:16: JSON syntax error (NUL byte)");
}
END_TEST

START_TEST(test_json_missing_file) {
  assert_load_fails(temp_path("missing.json"), DRT_EIO,
                    "No such file or directory");
}
END_TEST

START_TEST(test_json_save_fails_cleanly) {
  drt_scene *scene = awkward_scene();
  /* A directory that does not exist: nothing can be created. */
  char path[512];
  snprintf(path, sizeof path, "%s", temp_path("no/such/dir/scene.json"));
  ck_assert_int_eq(drt_scene_save_json(scene, path), DRT_EIO);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), path));
  ck_assert_int_ne(access(path, F_OK), 0);
  ck_assert_int_eq(count_temp_entries(), 0);

  /* The target is a directory: the temporary file is written, the rename
   * fails, and the temporary file must not be left behind. */
  snprintf(path, sizeof path, "%s", temp_path("a-directory"));
  ck_assert_int_eq(mkdir(path, 0700), 0);
  ck_assert_int_eq(drt_scene_save_json(scene, path), DRT_EIO);
  ck_assert_int_eq(count_temp_entries(), 1);
  struct stat info;
  ck_assert_int_eq(stat(path, &info), 0);
  ck_assert(S_ISDIR(info.st_mode));

  ck_assert_int_eq(drt_scene_save_json(NULL, path), DRT_EINVAL);
  drt_scene_destroy(scene);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* GeoJSON: the real data files                                             */
/* ------------------------------------------------------------------------ */

/* Great-circle distance on the sphere of radius EARTH_RADIUS_M. */
static double haversine_m(double lon1, double lat1, double lon2, double lat2) {
  const double rad = acos(-1.0) / 180.0;
  double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
  double h = sin(dlat / 2) * sin(dlat / 2) +
             cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
  return 2 * EARTH_RADIUS_M * asin(sqrt(h));
}

static double projected_distance(double ax, double ay, double bx, double by) {
  return hypot(bx - ax, by - ay);
}

#define ASSERT_WITHIN_PERCENT(value, expected, percent)                        \
  ck_assert_msg(fabs((value) - (expected)) <= (percent) / 100.0 * (expected),  \
                "%s = %.6g, expected %.6g within %g %%", #value, (value),      \
                (expected), (double)(percent))

/* louvain-osm.geojson: two Polygon features, one ring each.
 *   way/492286203: 7 positions (last = first) -> 6 edges, walls 0..5
 *   way/492286204: 21 positions (last = first) -> 20 edges, walls 6..25
 * No two consecutive positions are equal, so 6 + 20 = 26 walls.
 * Longitudes span 4.6250217..4.6255124, latitudes 50.6682201..50.6685068;
 * the first position (4.6251085, 50.6682201) is the southernmost. */
START_TEST(test_geojson_louvain) {
  drt_scene *scene = load_ok(drt_test_data("louvain-osm.geojson"));
  ck_assert_uint_eq(drt_scene_object_count(scene), 26);
  ck_assert_uint_eq(drt_scene_tx_count(scene), 0);
  ck_assert_uint_eq(drt_scene_rx_count(scene), 0);
  const drt_object *w0 = drt_scene_object(scene, 0);
  const drt_object *w5 = drt_scene_object(scene, 5);
  const drt_object *w6 = drt_scene_object(scene, 6);
  const drt_object *w16 = drt_scene_object(scene, 16);
  ck_assert_int_eq(w0->type, DRT_OBJECT_WALL);
  /* The ring closes on its first vertex, with no duplicate closing wall. */
  ASSERT_SAME_DOUBLE(w5->bx, w0->ax);
  ASSERT_SAME_DOUBLE(w5->by, w0->ay);
  ck_assert(w6->ax != w5->bx || w6->ay != w5->by);

  /* First edge: (4.6251085, 50.6682201) -> (4.6251756, 50.6682511), ~5.85 m. */
  ASSERT_WITHIN_PERCENT(projected_distance(w0->ax, w0->ay, w0->bx, w0->by),
                        haversine_m(4.6251085, 50.6682201, 4.6251756,
                                    50.6682511),
                        0.5);
  /* Wall 16 starts at position 10 of the second ring, (4.6255124,
   * 50.6683029), the easternmost point: a ~30 m baseline across the data. */
  ASSERT_WITHIN_PERCENT(projected_distance(w0->ax, w0->ay, w16->ax, w16->ay),
                        haversine_m(4.6251085, 50.6682201, 4.6255124,
                                    50.6683029),
                        0.5);

  /* Centred on (0, 0), about 34.6 m east-west by 31.9 m north-south. */
  double box[4];
  DRT_CHECK_OK(drt_scene_bbox(scene, box));
  ck_assert_double_eq_tol(box[0] + box[2], 0.0, 1e-9);
  ck_assert_double_eq_tol(box[1] + box[3], 0.0, 1e-9);
  double lat0 = 0.5 * (50.6682201 + 50.6685068);
  double lon0 = 0.5 * (4.6250217 + 4.6255124);
  ASSERT_WITHIN_PERCENT(box[2] - box[0],
                        haversine_m(4.6250217, lat0, 4.6255124, lat0), 0.5);
  ASSERT_WITHIN_PERCENT(box[3] - box[1],
                        haversine_m(lon0, 50.6682201, lon0, 50.6685068), 0.5);
  ck_assert_double_lt(box[2] - box[0], 300.0);
  /* North is +y: the southernmost vertex sits on the bottom edge. */
  ASSERT_SAME_DOUBLE(w0->ay, box[1]);
  drt_scene_destroy(scene);
}
END_TEST

/* mumbai-osm.geojson: 147 MultiPolygon features; 146 hold one polygon of
 * one ring, one holds two polygons of one ring each: 148 rings holding 1,342
 * positions. Each closed ring of p positions has p - 1 edges, so there are
 * 1,342 - 148 = 1,194 edges, and no consecutive positions repeat. (Counted
 * with a separate script over the file, not with this loader; it agrees with
 * tests/data/README.md.) The data spans 0.0071681 deg of longitude at 19.147 N
 * (753 m) and 0.0115930 deg of latitude (1,289 m). */
START_TEST(test_geojson_mumbai) {
  drt_scene *scene = load_ok(drt_test_data("mumbai-osm.geojson"));
  ck_assert_uint_eq(drt_scene_object_count(scene), 1194);
  double box[4];
  DRT_CHECK_OK(drt_scene_bbox(scene, box));
  ASSERT_WITHIN_PERCENT(box[2] - box[0], 750.0, 20);
  ASSERT_WITHIN_PERCENT(box[3] - box[1], 1300.0, 20);
  ck_assert_double_eq_tol(box[0] + box[2], 0.0, 1e-6);
  ck_assert_double_eq_tol(box[1] + box[3], 0.0, 1e-6);
  for (size_t i = 0; i < drt_scene_object_count(scene); i++)
    ck_assert_int_eq(drt_scene_object(scene, i)->type, DRT_OBJECT_WALL);
  drt_scene_destroy(scene);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* GeoJSON: the rules, on small files                                       */
/* ------------------------------------------------------------------------ */

/* Metres in one degree of a great circle. */
static double metres_per_degree(void) {
  return 2 * acos(-1.0) * EARTH_RADIUS_M / 360.0;
}

/* A bare LineString about the equator: 2 walls. The box is lon 0..2,
 * lat -1..1, centre (1, 0), where a degree of longitude is a full degree of
 * arc; the altitude is ignored. */
START_TEST(test_geojson_bare_linestring) {
  const char *path = write_temp(
      "line.geojson", "{\"type\": \"LineString\", \"coordinates\": "
                      "[[0, -1], [0, 1, 120.5], [2, 1]]}");
  drt_scene *scene = load_ok(path);
  double k = metres_per_degree();
  ck_assert_uint_eq(drt_scene_object_count(scene), 2);
  const drt_object *w0 = drt_scene_object(scene, 0);
  const drt_object *w1 = drt_scene_object(scene, 1);
  ck_assert_double_eq_tol(w0->ax, -k, 1e-6);
  ck_assert_double_eq_tol(w0->ay, -k, 1e-6);
  ck_assert_double_eq_tol(w0->bx, -k, 1e-6);
  ck_assert_double_eq_tol(w0->by, k, 1e-6);
  ck_assert_double_eq_tol(w1->bx, k, 1e-6);
  ck_assert_double_eq_tol(w1->by, k, 1e-6);
  drt_scene_destroy(scene);
}
END_TEST

/* Across the antimeridian: 179.999 to -179.999 at latitude 10 is 0.002
 * degrees of longitude the short way, 0.002 cos(10 deg) degrees of arc
 * (about 219 m), not 359.998 (19,700 km); the centre is on the
 * antimeridian, so the wall is symmetric about x = 0. A ring around a
 * pole, a position on one and data over more than half the longitudes
 * have no local map and are refused, naming the line where one does. */
START_TEST(test_geojson_antimeridian_and_poles) {
  drt_scene *scene = load_ok(write_temp(
      "am.geojson", "{\"type\": \"LineString\", \"coordinates\": "
                    "[[179.999, 10], [-179.999, 10]]}"));
  double half = 0.001 * cos(10 * acos(-1.0) / 180) * metres_per_degree();
  ck_assert_uint_eq(drt_scene_object_count(scene), 1);
  const drt_object *w = drt_scene_object(scene, 0);
  ck_assert_double_eq_tol(w->ax, -half, 1e-6);
  ck_assert_double_eq_tol(w->bx, half, 1e-6);
  ck_assert_double_eq_tol(w->ay, 0, 1e-6);
  drt_scene_destroy(scene);
  assert_load_fails(
      write_temp("pole.geojson",
                 "{\"type\": \"Polygon\", \"coordinates\": [[[0, 80], "
                 "[90, 80], [180, 80], [-90, 80], [0, 80]]]}"),
      DRT_ESCHEMA, "coordinates[0]: the line winds around a pole");
  assert_load_fails(
      write_temp("on-pole.geojson",
                 "{\"type\": \"LineString\", \"coordinates\": "
                 "[[10, 89.5], [20, 90]]}"),
      DRT_ESCHEMA, "coordinates[1]: a position on a pole");
  assert_load_fails(
      write_temp("wide.geojson",
                 "{\"type\": \"MultiLineString\", \"coordinates\": "
                 "[[[-170, 0], [-10, 0]], [[10, 1], [170, 1]]]}"),
      DRT_ESCHEMA, "the data spans more than half the globe's longitudes");
}
END_TEST

/* A single Feature; its ring repeats a vertex, which adds no wall. */
START_TEST(test_geojson_feature_skips_repeats) {
  const char *path = write_temp(
      "feature.geojson",
      "{\"type\": \"Feature\", \"properties\": {\"name\": \"x\"}, \"geometry\":"
      " {\"type\": \"Polygon\", \"coordinates\":"
      " [[[0, 0], [0.001, 0], [0.001, 0], [0.001, 0.001], [0, 0]]]}}");
  drt_scene *scene = load_ok(path);
  ck_assert_uint_eq(drt_scene_object_count(scene), 3);
  drt_scene_destroy(scene);
}
END_TEST

/* A FeatureCollection mixing every supported type and a null geometry:
 * MultiLineString 1 + 2 edges, GeometryCollection of a LineString (1) and a
 * MultiPolygon (a square: 4), a Polygon with a hole (4 + 3): 15 walls. */
START_TEST(test_geojson_all_types) {
  const char *path = write_temp(
      "mixed.geojson",
      "{\"type\": \"FeatureCollection\", \"features\": [\n"
      " {\"type\": \"Feature\", \"geometry\": null, \"properties\": {}},\n"
      " {\"type\": \"Feature\", \"geometry\": {\"type\": \"MultiLineString\","
      "  \"coordinates\": [[[0, 0], [0, 0.001]],"
      "                    [[0.002, 0], [0.002, 0.001], [0.003, 0.001]]]}},\n"
      " {\"type\": \"Feature\", \"geometry\": {\"type\": \"GeometryCollection\","
      "  \"geometries\": ["
      "   {\"type\": \"LineString\", \"coordinates\": [[0, 0.002], [0.001, "
      "0.002]]},"
      "   {\"type\": \"MultiPolygon\", \"coordinates\": [[[[0, 0], [0.001, 0],"
      "    [0.001, 0.001], [0, 0.001], [0, 0]]]]}]}},\n"
      " {\"type\": \"Feature\", \"geometry\": {\"type\": \"Polygon\","
      "  \"coordinates\": [[[0, 0], [0.003, 0], [0.003, 0.003], [0, 0.003],"
      "   [0, 0]], [[0.001, 0.001], [0.002, 0.001], [0.001, 0.002],"
      "   [0.001, 0.001]]]}}\n"
      "]}\n");
  drt_scene *scene = load_ok(path);
  ck_assert_uint_eq(drt_scene_object_count(scene), 15);
  drt_scene_destroy(scene);
}
END_TEST

/* Wraps a geometry in a one-feature FeatureCollection. */
#define ONE_FEATURE(geometry)                                                  \
  "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", "  \
  "\"properties\": {}, \"geometry\": " geometry "}]}"

#define SQUARE "[[0, 0], [0.001, 0], [0.001, 0.001], [0, 0.001], [0, 0]]"

static const bad_file bad_geojson[] = {
    {"{\"type\": \"FeatureCollection\", \"features\": [\n"
     "  {\"type\": \"Feature\", \"geometry\": {\"type\": \"Polygon\", "
     "\"coordinates\": [" SQUARE "]}},\n"
     "  {\"type\": \"Feature\", \"geometry\": {\"type\": \"Point\", "
     "\"coordinates\": [0, 0]}}]}",
     DRT_ESCHEMA,
     ": features[1].geometry: unsupported geometry type \"Point\" (supported: "
     "Polygon, MultiPolygon, LineString, MultiLineString, "
     "GeometryCollection)"},
    {ONE_FEATURE("{\"type\": \"MultiPoint\", \"coordinates\": [[0, 0]]}"),
     DRT_ESCHEMA, ": features[0].geometry: unsupported geometry type "
                  "\"MultiPoint\""},
    {"{\"type\": \"FeatureCollection\", \"features\": []}", DRT_ESCHEMA,
     ": no walls"},
    {ONE_FEATURE("null"), DRT_ESCHEMA, ": no walls"},
    {ONE_FEATURE("{\"type\": \"Polygon\", \"coordinates\": []}"), DRT_ESCHEMA,
     ": no walls"},
    {ONE_FEATURE("{\"type\": \"Polygon\", \"coordinates\": "
                 "[[[0, 0], [1, 0], [1, 95], [0, 0]]]}"),
     DRT_ESCHEMA,
     ": features[0].geometry.coordinates[0][2]: latitude 95 is outside "
     "[-90, 90]"},
    {ONE_FEATURE("{\"type\": \"LineString\", \"coordinates\": "
                 "[[0, 0], [200, 0]]}"),
     DRT_ESCHEMA,
     ": features[0].geometry.coordinates[1]: longitude 200 is outside "
     "[-180, 180]"},
    {ONE_FEATURE("{\"type\": \"LineString\", \"coordinates\": "
                 "[[0, 0], [1e999, 0]]}"),
     DRT_ESCHEMA, ": features[0].geometry.coordinates[1]: coordinate is out "
                  "of range (not finite)"},
    {ONE_FEATURE("{\"type\": \"Polygon\", \"coordinates\": \"oops\"}"),
     DRT_ESCHEMA, ": features[0].geometry.coordinates: expected an array"},
    {ONE_FEATURE("{\"type\": \"MultiPolygon\", \"coordinates\": [[5]]}"),
     DRT_ESCHEMA,
     ": features[0].geometry.coordinates[0][0]: expected an array"},
    {ONE_FEATURE("{\"type\": \"LineString\", \"coordinates\": [[0, 0], [1]]}"),
     DRT_ESCHEMA, ": features[0].geometry.coordinates[1]: expected a position "
                  "[longitude, latitude]"},
    {ONE_FEATURE("{\"type\": \"LineString\", \"coordinates\": [[0, 0]]}"),
     DRT_ESCHEMA, ": features[0].geometry.coordinates: a line needs at least "
                  "2 positions"},
    {ONE_FEATURE("{\"type\": \"Polygon\", \"coordinates\": "
                 "[[[0, 0], [1, 0], [0, 0]]]}"),
     DRT_ESCHEMA, ": features[0].geometry.coordinates[0]: a polygon ring "
                  "needs at least 4 positions"},
    {ONE_FEATURE("{\"type\": \"Polygon\", \"coordinates\": "
                 "[[[0, 0], [1, 0], [1, 1], [0, 1]]]}"),
     DRT_ESCHEMA, ": features[0].geometry.coordinates[0]: polygon ring is "
                  "not closed"},
    {ONE_FEATURE("{\"type\": \"Polygon\"}"), DRT_ESCHEMA,
     ": features[0].geometry: missing key \"coordinates\""},
    {ONE_FEATURE("{\"type\": \"GeometryCollection\", \"geometries\": ["
                 "{\"type\": \"LineString\", \"coordinates\": [[0, 0], [1, 0]]},"
                 " {\"type\": \"Point\", \"coordinates\": [0, 0]}]}"),
     DRT_ESCHEMA,
     ": features[0].geometry.geometries[1]: unsupported geometry type"},
    {"{\"type\": \"FeatureCollection\", \"features\": [{\"type\": "
     "\"Feature\"}]}",
     DRT_ESCHEMA, ": features[0]: missing key \"geometry\""},
    {"{\"type\": \"FeatureCollection\", \"features\": [{\"type\": "
     "\"Polygon\", \"coordinates\": [" SQUARE "]}]}",
     DRT_ESCHEMA, ": features[0]: expected a Feature"},
    {"{\"type\": \"FeatureCollection\"}", DRT_ESCHEMA,
     ": features: expected an array"},
    {"{\"features\": []}", DRT_ESCHEMA,
     ": expected a GeoJSON object with a \"type\" string"},
    {"{\"type\": \"Circle\", \"coordinates\": [0, 0]}", DRT_ESCHEMA,
     ": unsupported geometry type \"Circle\""},
    /* Duplicate keys: the rule of the JSON scene loader, wherever they are
     * (here the second geometry would have been ignored). */
    {"{\"type\": \"FeatureCollection\", \"features\": [\n"
     "  {\"type\": \"Feature\", \"geometry\": {\"type\": \"Polygon\", "
     "\"coordinates\": [" SQUARE "]}, \"geometry\": null}]}",
     DRT_ESCHEMA, ": features[0]: duplicate key \"geometry\""},
    {"{\"type\": \"FeatureCollection\", \"type\": \"Feature\", "
     "\"features\": []}",
     DRT_ESCHEMA, ": duplicate key \"type\""},
    /* The brace on line 3 closes an array: its column is 16. */
    {"{\n"
     "  \"type\": \"FeatureCollection\",\n"
     "  \"features\": [}\n",
     DRT_EPARSE, ":3:16: JSON syntax error"},
};

START_TEST(test_geojson_errors) {
  const bad_file *bad = &bad_geojson[_i];
  assert_load_fails(write_temp("bad.geojson", bad->text), bad->status,
                    bad->message);
}
END_TEST

START_TEST(test_geojson_missing_file) {
  assert_load_fails(temp_path("missing.geojson"), DRT_EIO,
                    "No such file or directory");
}
END_TEST

/* ------------------------------------------------------------------------ */

static Suite *loaders_suite(void) {
  Suite *suite = suite_create("loaders");
  TCase *json = tcase_create("json");
  tcase_add_checked_fixture(json, make_temp_dir, remove_temp_dir);
  tcase_add_test(json, test_json_round_trip);
  tcase_add_test(json, test_json_minimal_and_empty);
  tcase_add_test(json, test_json_readme_example);
  tcase_add_loop_test(json, test_json_errors, 0,
                      (int)(sizeof bad_json / sizeof *bad_json));
  tcase_add_test(json, test_json_nul_byte);
  tcase_add_test(json, test_json_missing_file);
  tcase_add_test(json, test_json_save_fails_cleanly);
  suite_add_tcase(suite, json);

  TCase *geojson = tcase_create("geojson");
  tcase_add_checked_fixture(geojson, make_temp_dir, remove_temp_dir);
  tcase_add_test(geojson, test_geojson_louvain);
  tcase_add_test(geojson, test_geojson_mumbai);
  tcase_add_test(geojson, test_geojson_bare_linestring);
  tcase_add_test(geojson, test_geojson_antimeridian_and_poles);
  tcase_add_test(geojson, test_geojson_feature_skips_repeats);
  tcase_add_test(geojson, test_geojson_all_types);
  tcase_add_loop_test(geojson, test_geojson_errors, 0,
                      (int)(sizeof bad_geojson / sizeof *bad_geojson));
  tcase_add_test(geojson, test_geojson_missing_file);
  suite_add_tcase(suite, geojson);
  return suite;
}

int main(void) { return drt_test_run(loaders_suite()); }
