/* test_corpus.c — replays the fuzzing corpora through the scene loaders
 * and the points-file reader. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_points.h"
#include "testutil.h"

/* tests/corpus holds json/ and geojson/, each seeded by hand and extended
 * with inputs the fuzzers found interesting. A file's name says what the
 * loader must do with it:
 *   valid-*       loads (DRT_OK);
 *   bad-syntax-*  is refused as malformed JSON (DRT_EPARSE);
 *   bad-*         is refused as off the format (DRT_ESCHEMA);
 *   fuzz-*        anything but a crash, and an error must name the file.
 * Every file carries its directory's extension: drt_scene_load picks the
 * reader by extension, and a stray file must not be skipped silently. */

/* Fewer files than this means the corpus was not found or lost files. */
enum { MIN_FILES = 20 };

/* expected_status for fuzz-* files: positive, so no drt_status. */
enum { ANY_STATUS = 1 };

static const char *corpus_dir(void) {
  const char *dir = getenv("DRT_CORPUS_DIR");
  return dir ? dir : "tests/corpus";
}

static int has_prefix(const char *text, const char *prefix) {
  return strncmp(text, prefix, strlen(prefix)) == 0;
}

static int has_suffix(const char *text, const char *suffix) {
  size_t n = strlen(text), m = strlen(suffix);
  return n >= m && strcmp(text + n - m, suffix) == 0;
}

/* What the file's name promises, or ANY_STATUS. */
static int expected_status(const char *name) {
  if (has_prefix(name, "valid-")) return DRT_OK;
  if (has_prefix(name, "bad-syntax-")) return DRT_EPARSE;
  if (has_prefix(name, "bad-")) return DRT_ESCHEMA;
  ck_assert_msg(has_prefix(name, "fuzz-"),
                "%s: corpus file names start with valid-, bad- or fuzz-",
                name);
  return ANY_STATUS;
}

/* Loads one file through the public entry point and checks the outcome. */
static void replay_file(const char *path, const char *name) {
  drt_scene *scene = NULL;
  drt_status status = drt_scene_load(path, &scene);
  int expected = expected_status(name);
  if (expected != ANY_STATUS)
    ck_assert_msg(status == (drt_status)expected, "%s: %s, expected %s: %s",
                  path, drt_status_name(status),
                  drt_status_name((drt_status)expected), drt_last_error());
  if (status == DRT_OK) {
    ck_assert_ptr_nonnull(scene);
    drt_scene_destroy(scene);
    return;
  }
  ck_assert_ptr_null(scene);
  /* The CLI shows only this message: it must say which file failed. */
  ck_assert_msg(strstr(drt_last_error(), path) != NULL,
                "%s: error message does not name the file: \"%s\"", path,
                drt_last_error());
}

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every file of one corpus directory through `replay`, in name
 * order so a failure reproduces. Returns the number of files. */
static int replay_dir(const char *sub, const char *extension,
                      void (*replay)(const char *path, const char *name)) {
  char dir_path[4096];
  snprintf(dir_path, sizeof dir_path, "%s/%s", corpus_dir(), sub);
  DIR *dir = opendir(dir_path);
  ck_assert_msg(dir != NULL, "cannot open %s (set DRT_CORPUS_DIR)", dir_path);
  char **names = NULL;
  int count = 0;
  for (struct dirent *e; (e = readdir(dir));) {
    if (e->d_name[0] == '.') continue;
    names = realloc(names, (size_t)(count + 1) * sizeof *names);
    ck_assert_ptr_nonnull(names);
    names[count++] = strdup(e->d_name);
  }
  closedir(dir);
  qsort(names, (size_t)count, sizeof *names, compare_names);
  for (int i = 0; i < count; i++) {
    ck_assert_msg(has_suffix(names[i], extension), "%s/%s: expected a %s file",
                  dir_path, names[i], extension);
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir_path, names[i]);
    replay(path, names[i]);
    free(names[i]);
  }
  free(names);
  return count;
}

START_TEST(json_corpus) {
  int count = replay_dir("json", ".json", replay_file);
  ck_assert_int_ge(count, MIN_FILES);
}
END_TEST

START_TEST(geojson_corpus) {
  int count = replay_dir("geojson", ".geojson", replay_file);
  ck_assert_int_ge(count, MIN_FILES);
}
END_TEST

/* What a points file's name promises in one precision: valid-* reads,
 * bad-* is malformed in both, range-* holds a coordinate beyond float's
 * range (and beyond double's too unless its name says float-only). */
static int expected_points(const char *name, drt_precision precision) {
  if (has_prefix(name, "valid-")) return DRT_POINTS_OK;
  if (has_prefix(name, "bad-")) return DRT_POINTS_BAD_FILE;
  ck_assert_msg(has_prefix(name, "range-"),
                "%s: points corpus names start with valid-, bad- or range-",
                name);
  return precision == DRT_PRECISION_DOUBLE && strstr(name, "float-only")
             ? DRT_POINTS_OK
             : DRT_POINTS_OUT_OF_RANGE;
}

static void replay_points(const char *path, const char *name) {
  for (int p = 0; p < 2; p++) {
    drt_precision precision = p ? DRT_PRECISION_DOUBLE : DRT_PRECISION_FLOAT;
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    double *xy = NULL;
    size_t n = 0;
    int rc = drt__points_read(f, path, precision, &xy, &n);
    fclose(f);
    ck_assert_msg(rc == expected_points(name, precision),
                  "%s (%s): %d: %s", path, p ? "double" : "float", rc,
                  drt_last_error());
    if (rc == DRT_POINTS_OK) {
      for (size_t i = 0; i < 2 * n; i++) ck_assert(isfinite(xy[i]));
      free(xy);
    } else {
      ck_assert_ptr_null(xy);
      ck_assert_msg(has_prefix(drt_last_error(), path),
                    "%s: the message does not start with the file: %s", path,
                    drt_last_error());
    }
  }
}

START_TEST(points_corpus) {
  ck_assert_int_ge(replay_dir("points", ".txt", replay_points), 12);
}
END_TEST

/* The checks above must be able to fail: a missing file is an error that
 * names it, and a name's promise is enforced. */
START_TEST(missing_file_is_named) {
  const char *path = "/nonexistent/drt2d-corpus/bad-missing.json";
  drt_scene *scene = NULL;
  ck_assert_int_eq(drt_scene_load(path, &scene), DRT_EIO);
  ck_assert_ptr_null(scene);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), path));
}
END_TEST

START_TEST(names_map_to_statuses) {
  ck_assert_int_eq(expected_status("valid-x.json"), DRT_OK);
  ck_assert_int_eq(expected_status("bad-syntax-x.json"), DRT_EPARSE);
  ck_assert_int_eq(expected_status("bad-x.json"), DRT_ESCHEMA);
  ck_assert_int_eq(expected_status("fuzz-0123abcd.json"), ANY_STATUS);
}
END_TEST

static Suite *corpus_suite(void) {
  Suite *s = suite_create("corpus");
  TCase *t = tcase_create("replay");
  tcase_add_test(t, json_corpus);
  tcase_add_test(t, geojson_corpus);
  tcase_add_test(t, points_corpus);
  tcase_add_test(t, missing_file_is_named);
  tcase_add_test(t, names_map_to_statuses);
  suite_add_tcase(s, t);
  return s;
}

int main(void) { return drt_test_run(corpus_suite()); }
