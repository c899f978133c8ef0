/* test_loader_robustness.c — regression tests for the loader defects found
 * while fuzzing and reviewing them (issue 8), and the in-memory entry
 * points the fuzzers use. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "scene_io.h"
#include "testutil.h"

static double seconds_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* A JSON scene of n receivers without names (rx0, rx1, ...), except that
 * receiver `dup` (if < n) is explicitly named after receiver `of`. */
static char *many_receivers(int n, int dup, int of) {
  size_t cap = (size_t)n * 64 + 64;
  char *text = malloc(cap);
  ck_assert_ptr_nonnull(text);
  size_t used = (size_t)snprintf(text, cap, "{\"receivers\": [");
  for (int i = 0; i < n; i++) {
    const char *comma = i ? ", " : "";
    if (i == dup)
      used += (size_t)snprintf(text + used, cap - used,
                               "%s{\"name\": \"rx%d\", \"position\": [%d, 1]}",
                               comma, of, i);
    else
      used += (size_t)snprintf(text + used, cap - used,
                               "%s{\"position\": [%d, 0]}", comma, i);
  }
  snprintf(text + used, cap - used, "], \"objects\": []}");
  return text;
}

/* Seconds to load n unnamed receivers (the last one checked). */
static double load_seconds(int n) {
  char *text = many_receivers(n, n, 0);
  drt_scene *scene = NULL;
  double start = seconds_now();
  DRT_CHECK_OK(drt__scene_parse_json("many.json", text, strlen(text), &scene));
  double elapsed = seconds_now() - start;
  char last[32];
  snprintf(last, sizeof last, "rx%d", n - 1);
  ck_assert_uint_eq(drt_scene_rx_count(scene), (size_t)n);
  ck_assert_str_eq(drt_scene_rx(scene, (size_t)n - 1)->name, last);
  drt_scene_destroy(scene);
  free(text);
  return elapsed;
}

/* Defect: each name was compared with every earlier one, so 100,000
 * receivers took 21 s to load. Four times the points must take about four
 * times as long, not sixteen; a ratio rather than a time limit, so that
 * slow builds (sanitizers, valgrind) pass too. */
START_TEST(many_names_load_in_linear_time) {
  double small = load_seconds(50000), large = load_seconds(200000);
  ck_assert_msg(large < 8 * small + 0.05,
                "50,000 receivers: %.3f s, 200,000: %.3f s (ratio %.1f)",
                small, large, large / small);
}
END_TEST

/* The faster check must report what the old one did: the later point, and
 * the first earlier point of the same name, default names included. */
START_TEST(duplicate_names_still_found) {
  static const int cases[][3] = {{1000, 700, 300}, {70, 69, 0}, {2, 1, 0}};
  for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
    int n = cases[c][0], dup = cases[c][1], of = cases[c][2];
    char *text = many_receivers(n, dup, of);
    drt_scene *scene = NULL;
    ck_assert_int_eq(drt__scene_parse_json("dup.json", text, strlen(text),
                                           &scene),
                     DRT_ESCHEMA);
    ck_assert_ptr_null(scene);
    char expected[160];
    snprintf(expected, sizeof expected,
             "dup.json: receivers[%d]: duplicate receiver name \"rx%d\" "
             "(also receivers[%d])",
             dup, of, of);
    ck_assert_str_eq(drt_last_error(), expected);
    free(text);
  }
}
END_TEST

/* Defect: a directory opens as a file and its read fails; the message said
 * only "read error". */
START_TEST(directory_as_scene_names_the_reason) {
  char dir[64];
  snprintf(dir, sizeof dir, "/tmp/drt_test_robust_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[96];
  snprintf(path, sizeof path, "%s/scene.json", dir);
  ck_assert_int_eq(mkdir(path, 0700), 0);
  drt_scene *scene = NULL;
  ck_assert_int_eq(drt_scene_load(path, &scene), DRT_EIO);
  char expected[256];
  snprintf(expected, sizeof expected, "%s: read error: %s", path,
           strerror(EISDIR));
  ck_assert_str_eq(drt_last_error(), expected);
  rmdir(path);
  rmdir(dir);
}
END_TEST

/* Scene reads are capped (DRT_SCENE_MAX_MB, 256 MiB by default) and stop
 * at the first NUL byte: /dev/zero as a scene used to read 2 GB before
 * failing. A file over the cap fails naming it and the cap; raised, it
 * loads; a bad cap is an error naming the variable. */
START_TEST(scene_reads_are_capped_and_stop_at_nul) {
  char dir[64], zero[96], big[96];
  snprintf(dir, sizeof dir, "/tmp/drt_test_cap_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(zero, sizeof zero, "%s/zero.json", dir);
  snprintf(big, sizeof big, "%s/big.json", dir);
  ck_assert_int_eq(symlink("/dev/zero", zero), 0);
  drt_scene *scene = NULL;
  double start = seconds_now();
  ck_assert_int_eq(drt_scene_load(zero, &scene), DRT_EPARSE);
  ck_assert_msg(seconds_now() - start < 5, "reading /dev/zero took %g s",
                seconds_now() - start);
  char expected[256];
  snprintf(expected, sizeof expected, "%s:1:1: JSON syntax error (NUL byte)",
           zero);
  ck_assert_str_eq(drt_last_error(), expected);
  char *text = many_receivers(60000, 60000, 0); /* about 1.5 MB */
  FILE *f = fopen(big, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
  free(text);
  setenv("DRT_SCENE_MAX_MB", "1", 1);
  ck_assert_int_eq(drt_scene_load(big, &scene), DRT_ETOOBIG);
  snprintf(expected, sizeof expected, "%s: larger than 1 MiB, the most a "
           "scene file may hold (DRT_SCENE_MAX_MB raises it)", big);
  ck_assert_str_eq(drt_last_error(), expected);
  setenv("DRT_SCENE_MAX_MB", "2", 1);
  DRT_CHECK_OK(drt_scene_load(big, &scene));
  ck_assert_uint_eq(drt_scene_rx_count(scene), 60000);
  drt_scene_destroy(scene);
  setenv("DRT_SCENE_MAX_MB", "0", 1);
  ck_assert_int_eq(drt_scene_load(big, &scene), DRT_EINVAL);
  ck_assert_msg(strstr(drt_last_error(), "DRT_SCENE_MAX_MB=0: expected a "
                       "positive whole number"), "%s", drt_last_error());
  unsetenv("DRT_SCENE_MAX_MB");
  unlink(zero);
  unlink(big);
  rmdir(dir);
}
END_TEST

/* The in-memory readers parse exactly `length` bytes, need no terminator,
 * and name the input as given. */
START_TEST(memory_entry_points_respect_length) {
  static const char text[] = "{\"objects\": []}trailing";
  drt_scene *scene = NULL;
  DRT_CHECK_OK(drt__scene_parse_json("mem.json", text, 15, &scene));
  ck_assert_uint_eq(drt_scene_object_count(scene), 0);
  drt_scene_destroy(scene);
  ck_assert_int_eq(drt__scene_parse_json("mem.json", text, 16, &scene),
                   DRT_EPARSE);
  ck_assert_str_eq(drt_last_error(), "mem.json:1:16: JSON syntax error");
  ck_assert_int_eq(drt__scene_parse_json("mem.json", text, 0, &scene),
                   DRT_EPARSE);
  ck_assert_str_eq(drt_last_error(),
                   "mem.json:1:1: JSON syntax error (unexpected end of file)");
  static const char nul[] = "{\"objects\": []}\0";
  ck_assert_int_eq(drt__scene_parse_json("nul.json", nul, sizeof nul - 1,
                                         &scene),
                   DRT_EPARSE);
  ck_assert_str_eq(drt_last_error(), "nul.json:1:16: JSON syntax error (NUL "
                                     "byte)");
}
END_TEST

/* A line along the equator from lon 0 to 0.001: one wall of
 * 0.001 * pi / 180 * R metres, centred on the origin. */
START_TEST(memory_geojson_reader) {
  static const char text[] =
      "{\"type\": \"LineString\", \"coordinates\": [[0, 0], [0.001, 0]]}";
  drt_scene *scene = NULL;
  DRT_CHECK_OK(drt__scene_parse_geojson("mem.geojson", text, sizeof text - 1,
                                        &scene));
  ck_assert_uint_eq(drt_scene_object_count(scene), 1);
  const drt_object *wall = drt_scene_object(scene, 0);
  double length = 0.001 * 3.14159265358979323846 / 180 * 6371008.8;
  ck_assert_double_eq_tol(wall->bx - wall->ax, length, 1e-9 * length);
  ck_assert_double_eq_tol(wall->ax, -0.5 * length, 1e-9 * length);
  drt_scene_destroy(scene);
  ck_assert_int_eq(drt__scene_parse_geojson("mem.geojson", text, 20, &scene),
                   DRT_EPARSE);
  /* Cut inside "LineString": cJSON points at the unterminated string. */
  ck_assert_str_eq(drt_last_error(), "mem.geojson:1:11: JSON syntax error");
}
END_TEST

static Suite *robustness_suite(void) {
  Suite *s = suite_create("loader robustness");
  TCase *t = tcase_create("regressions");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, many_names_load_in_linear_time);
  tcase_add_test(t, duplicate_names_still_found);
  tcase_add_test(t, directory_as_scene_names_the_reason);
  tcase_add_test(t, memory_entry_points_respect_length);
  tcase_add_test(t, memory_geojson_reader);
  tcase_add_test(t, scene_reads_are_capped_and_stop_at_nul);
  suite_add_tcase(s, t);
  return s;
}

int main(void) { return drt_test_run(robustness_suite()); }
