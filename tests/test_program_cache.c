/* test_program_cache.c — the on-disk cache of compiled OpenCL programs: a
 * first build writes an entry, a later one loads it and computes the same
 * bits, a damaged entry is caught and rewritten, and DRT_CACHE_DIR=0 or an
 * unusable folder leaves the disk alone. SHA-256 on its test vectors. */
#define _DEFAULT_SOURCE /* setenv, truncate */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cl_runtime.h"
#include "error.h"
#include "program_cache.h"
#include "testutil.h"

#define N_POINTS 400

static drt__program_cache_counts counts(void) {
  drt__program_cache_counts c;
  drt__program_cache_stats(&c);
  return c;
}

/* Power at a 20 x 20 grid over square-obstacle, on a fresh context: the
 * context builds the image method's program, through the cache. */
static void powers(double power[N_POINTS]) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin("square-obstacle", &scene));
  double box[4], xy[2 * N_POINTS];
  DRT_CHECK_OK(drt_scene_bbox(scene, box));
  for (int i = 0; i < N_POINTS; i++) {
    xy[2 * i] = box[0] + (box[2] - box[0]) * (i % 20 + 0.5) / 20;
    xy[2 * i + 1] = box[1] + (box[3] - box[1]) * (i / 20 + 0.5) / 20;
  }
  drt_trace_options o;
  drt_trace_options_init(&o);
  drt_context *ctx = drt_test_open_context(DRT_DEVICE_AUTO,
                                           DRT_PRECISION_FLOAT);
  DRT_CHECK_OK(drt_eval_points(ctx, scene, &o, xy, N_POINTS, power));
  drt_context_destroy(ctx);
  drt_scene_destroy(scene);
}

static int is_key_name(const char *name) {
  if (strlen(name) != 64) return 0;
  for (const char *p = name; *p; p++)
    if (!strchr("0123456789abcdef", *p)) return 0;
  return 1;
}

/* Entries (hex-named files) in dir, the path of the last one found, and
 * how many other files lie there (leftover temporary files). */
static int list_entries(const char *dir, char *entry, size_t size,
                        int *others) {
  int n = 0;
  *others = 0;
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    if (is_key_name(e->d_name)) {
      n++;
      if (entry) snprintf(entry, size, "%s/%s", dir, e->d_name);
    } else {
      (*others)++;
    }
  }
  closedir(d);
  return n;
}

static long file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static unsigned char *read_whole(const char *path, long *size) {
  *size = file_size(path);
  ck_assert_int_gt(*size, 0);
  unsigned char *bytes = malloc((size_t)*size);
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(fread(bytes, 1, (size_t)*size, f), *size);
  fclose(f);
  return bytes;
}

static void write_whole(const char *path, const unsigned char *bytes,
                        long size) {
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(fwrite(bytes, 1, (size_t)size, f), size);
  ck_assert_int_eq(fclose(f), 0);
}

static char cache_dir[128];

static void use_scratch_cache(void) {
  drt_test_scratch_create();
  snprintf(cache_dir, sizeof cache_dir, "%s", drt_test_scratch("cache"));
  setenv("DRT_CACHE_DIR", cache_dir, 1);
  drt__program_cache_reset_stats();
}

/* The header's size and where its fields lie (program_cache.c). */
enum { HEADER = 88, AT_VERSION = 8, AT_KEY = 16, AT_LENGTH = 48 };

/* Powers from a build from source, and the entry that build wrote: made
 * once, then copied into each test's cache, so that a test builds from
 * source only what it checks. */
static double reference[N_POINTS];
static unsigned char *good_entry;
static long good_size;
static char good_name[65];

/* The entry path into entry. */
static void seed_entry(char *entry, size_t size) {
  int others;
  if (!good_entry) {
    powers(reference);
    ck_assert_int_eq(list_entries(cache_dir, entry, size, &others), 1);
    good_entry = read_whole(entry, &good_size);
    snprintf(good_name, sizeof good_name, "%s", strrchr(entry, '/') + 1);
  } else {
    ck_assert_int_eq(mkdir(cache_dir, 0700), 0);
    snprintf(entry, size, "%s/%s", cache_dir, good_name);
    write_whole(entry, good_entry, good_size);
  }
  drt__program_cache_reset_stats();
}

START_TEST(first_build_writes_an_entry) {
  double power[N_POINTS];
  powers(power);
  drt__program_cache_counts c = counts();
  ck_assert_uint_eq(c.misses, 1);
  ck_assert_uint_eq(c.hits, 0);
  ck_assert_uint_eq(c.stores, 1);
  char entry[256];
  int others;
  ck_assert_int_eq(list_entries(cache_dir, entry, sizeof entry, &others), 1);
  ck_assert_int_eq(others, 0); /* no temporary file left behind */
  ck_assert_int_gt(file_size(entry), HEADER);
  struct stat st;
  ck_assert_int_eq(stat(cache_dir, &st), 0);
  ck_assert_int_eq(st.st_mode & 0777, 0700);
}
END_TEST

/* A second context loads the entry and computes the very bits the build
 * from source did. */
START_TEST(second_context_loads_the_entry) {
  double source[N_POINTS], cached[N_POINTS];
  powers(source);
  drt__program_cache_reset_stats();
  powers(cached);
  drt__program_cache_counts c = counts();
  ck_assert_uint_eq(c.hits, 1);
  ck_assert_uint_eq(c.misses + c.rejects + c.refused + c.stores, 0);
  ck_assert_mem_eq(source, cached, sizeof source);
  int others;
  ck_assert_int_eq(list_entries(cache_dir, NULL, 0, &others), 1);
}
END_TEST

/* Ways an entry goes bad; each is caught before OpenCL sees the binary. */
enum {
  FLIP_MIDDLE,
  FLIP_LAST,
  TRUNCATE_HALF,
  TRUNCATE_ONE,
  HEADER_ONLY,
  EMPTY,
  APPENDED,
  WRONG_MAGIC,
  WRONG_VERSION,
  WRONG_LENGTH,
  OTHER_KEY,
  N_DAMAGES
};

static const char *damage_names[N_DAMAGES] = {
    "flip middle", "flip last",  "truncate half", "truncate one",
    "header only", "empty",      "appended",      "wrong magic",
    "wrong version", "wrong length", "other key"};

static void damage(const char *path, int how) {
  long size;
  unsigned char *bytes = read_whole(path, &size);
  switch (how) {
  case FLIP_MIDDLE:
    for (long i = size / 2; i < size / 2 + 16 && i < size; i++) bytes[i] ^= 0x5a;
    break;
  case FLIP_LAST:
    bytes[size - 1] ^= 1;
    break;
  case TRUNCATE_HALF:
    size /= 2;
    break;
  case TRUNCATE_ONE:
    size -= 1;
    break;
  case HEADER_ONLY:
    size = HEADER;
    break;
  case EMPTY:
    size = 0;
    break;
  case APPENDED: {
    unsigned char *more = realloc(bytes, (size_t)size + 100);
    ck_assert_ptr_nonnull(more);
    bytes = more;
    memset(bytes + size, 0, 100);
    size += 100;
    break;
  }
  case WRONG_MAGIC:
    bytes[0] ^= 0x20;
    break;
  case WRONG_VERSION:
    bytes[AT_VERSION] += 1;
    break;
  case WRONG_LENGTH:
    bytes[AT_LENGTH] += 1;
    break;
  case OTHER_KEY: /* a whole, valid entry, of another key */
    bytes[AT_KEY] ^= 1;
    ck_assert_int_eq(drt__program_cache_write_entry(path, bytes + AT_KEY,
                                                    bytes + HEADER,
                                                    (size_t)size - HEADER),
                     0);
    free(bytes);
    return;
  }
  write_whole(path, bytes, size);
  free(bytes);
}

/* A damaged entry is rejected, the program built from source (the same
 * bits), and the entry rewritten: the next context loads it. */
START_TEST(damaged_entry_is_rejected_and_rewritten) {
  double again[N_POINTS], cached[N_POINTS];
  char entry[256];
  seed_entry(entry, sizeof entry);
  damage(entry, _i);
  powers(again);
  drt__program_cache_counts c = counts();
  ck_assert_msg(c.rejects == 1 && c.refused == 0 && c.hits == 0 &&
                    c.stores == 1,
                "%s: %lu rejects, %lu refused, %lu hits, %lu stores",
                damage_names[_i], c.rejects, c.refused, c.hits, c.stores);
  ck_assert_mem_eq(reference, again, sizeof again);
  ck_assert_int_eq(file_size(entry), good_size);
  drt__program_cache_reset_stats();
  powers(cached);
  c = counts();
  ck_assert_msg(c.hits == 1 && c.rejects == 0, "%s: rewritten entry not used",
                damage_names[_i]);
  ck_assert_mem_eq(reference, cached, sizeof cached);
  int others;
  ck_assert_int_eq(list_entries(cache_dir, NULL, 0, &others), 1);
  ck_assert_int_eq(others, 0);
}
END_TEST

/* An entry whose checks pass but whose binary OpenCL refuses: the program
 * is built from source, the entry replaced, and the refusal reported
 * nowhere (the successful call leaves the last error empty). */
START_TEST(refused_binary_is_rebuilt) {
  double again[N_POINTS];
  char entry[256];
  seed_entry(entry, sizeof entry);
  unsigned char *bytes = malloc((size_t)good_size);
  memcpy(bytes, good_entry, (size_t)good_size);
  memset(bytes + HEADER, 0xa5, (size_t)good_size - HEADER);
  ck_assert_int_eq(drt__program_cache_write_entry(entry, bytes + AT_KEY,
                                                  bytes + HEADER,
                                                  (size_t)good_size - HEADER),
                   0);
  free(bytes);
  drt__fail(DRT_EIO, "earlier error");
  powers(again);
  ck_assert_str_eq(drt_last_error(), "");
  drt__program_cache_counts c = counts();
  ck_assert_msg(c.refused == 1 && c.rejects == 0 && c.hits == 0 &&
                    c.stores == 1,
                "%lu refused, %lu rejects, %lu hits, %lu stores", c.refused,
                c.rejects, c.hits, c.stores);
  ck_assert_mem_eq(reference, again, sizeof again);
  ck_assert_int_eq(file_size(entry), good_size);
}
END_TEST

/* Saves HOME and XDG_CACHE_HOME, points them into the scratch folder. */
static char saved_home[4096], saved_xdg[4096];
static int had_home, had_xdg;

static void save_env(void) {
  const char *home = getenv("HOME"), *xdg = getenv("XDG_CACHE_HOME");
  had_home = home != NULL;
  had_xdg = xdg != NULL;
  snprintf(saved_home, sizeof saved_home, "%s", home ? home : "");
  snprintf(saved_xdg, sizeof saved_xdg, "%s", xdg ? xdg : "");
}

static void restore_env(void) {
  if (had_home) setenv("HOME", saved_home, 1);
  else unsetenv("HOME");
  if (had_xdg) setenv("XDG_CACHE_HOME", saved_xdg, 1);
  else unsetenv("XDG_CACHE_HOME");
}

/* DRT_CACHE_DIR=0: no folder, no entry, not even in the default places. */
START_TEST(cache_dir_0_writes_nothing) {
  save_env();
  setenv("DRT_CACHE_DIR", "0", 1);
  setenv("HOME", drt_test_scratch("home"), 1);
  setenv("XDG_CACHE_HOME", drt_test_scratch("xdg"), 1);
  double power[N_POINTS];
  powers(power);
  restore_env();
  drt__program_cache_counts c = counts();
  ck_assert_uint_eq(c.hits + c.misses + c.rejects + c.refused + c.stores, 0);
  ck_assert(!drt_test_exists(cache_dir));
  ck_assert(!drt_test_exists(drt_test_scratch("home")));
  ck_assert(!drt_test_exists(drt_test_scratch("xdg")));
  char dir[256];
  setenv("DRT_CACHE_DIR", "0", 1);
  ck_assert_int_eq(drt__program_cache_dir(dir, sizeof dir), 0);
}
END_TEST

/* A DRT_CACHE_DIR that cannot be created: the build goes on without. */
START_TEST(unusable_folder_builds_without_cache) {
  char file[256];
  snprintf(file, sizeof file, "%s", drt_test_scratch("file"));
  write_whole(file, (const unsigned char *)"x", 1);
  char dir[300];
  snprintf(dir, sizeof dir, "%s/sub", file);
  setenv("DRT_CACHE_DIR", dir, 1);
  double power[N_POINTS];
  powers(power);
  drt__program_cache_counts c = counts();
  ck_assert_uint_eq(c.hits + c.misses + c.rejects + c.refused + c.stores, 0);
  ck_assert_int_eq(file_size(file), 1);
}
END_TEST

/* Where the folder lies, and that it is made with mkdir -p, mode 0700. */
START_TEST(folder_follows_the_environment) {
  save_env();
  char dir[256], expected[256];
  unsetenv("DRT_CACHE_DIR");
  setenv("XDG_CACHE_HOME", drt_test_scratch("xdg/deep"), 1);
  setenv("HOME", drt_test_scratch("home"), 1);
  ck_assert_int_eq(drt__program_cache_dir(dir, sizeof dir), 1);
  snprintf(expected, sizeof expected, "%s", drt_test_scratch("xdg/deep/drt2d"));
  ck_assert_str_eq(dir, expected);
  struct stat st;
  ck_assert_int_eq(stat(dir, &st), 0);
  ck_assert(S_ISDIR(st.st_mode));
  ck_assert_int_eq(st.st_mode & 0777, 0700);
  setenv("XDG_CACHE_HOME", "relative/ignored", 1);
  ck_assert_int_eq(drt__program_cache_dir(dir, sizeof dir), 1);
  snprintf(expected, sizeof expected, "%s",
           drt_test_scratch("home/.cache/drt2d"));
  ck_assert_str_eq(dir, expected);
  unsetenv("XDG_CACHE_HOME");
  setenv("DRT_CACHE_DIR", "", 1); /* empty: as if unset */
  ck_assert_int_eq(drt__program_cache_dir(dir, sizeof dir), 1);
  ck_assert_str_eq(dir, expected);
  unsetenv("HOME");
  ck_assert_int_eq(drt__program_cache_dir(dir, sizeof dir), 0);
  setenv("DRT_CACHE_DIR", drt_test_scratch("a/b/c"), 1);
  ck_assert_int_eq(drt__program_cache_dir(dir, sizeof dir), 1);
  ck_assert_str_eq(dir, drt_test_scratch("a/b/c"));
  ck_assert(drt_test_exists(dir));
  restore_env();
}
END_TEST

/* The key changes with the source and the options, and only with them. */
START_TEST(key_covers_source_and_options) {
  drt__cl_device_list list;
  DRT_CHECK_OK(drt__cl_list_devices(&list));
  cl_device_id device = list.devices[0];
  drt__program_cache_entry a, b, c, d;
  ck_assert_int_eq(drt__program_cache_prepare(device, "kernel", "-DX", &a), 1);
  ck_assert_int_eq(drt__program_cache_prepare(device, "kernel", "-DX", &b), 1);
  ck_assert_int_eq(drt__program_cache_prepare(device, "kernel", "-DY", &c), 1);
  ck_assert_int_eq(drt__program_cache_prepare(device, "kernel ", "-DX", &d), 1);
  ck_assert_str_eq(a.path, b.path);
  ck_assert_str_ne(a.path, c.path);
  ck_assert_str_ne(a.path, d.path);
  ck_assert_str_ne(c.path, d.path);
  /* Moving text between source and options changes the key too. */
  ck_assert_int_eq(drt__program_cache_prepare(device, "kernel-DX", "", &d), 1);
  ck_assert_str_ne(a.path, d.path);
  drt__cl_free_device_list(&list);
}
END_TEST

static uint8_t race_binary[100000];

static void *write_entries(void *path) {
  static const uint8_t key[32] = {1, 2, 3};
  for (int i = 0; i < 20; i++)
    if (drt__program_cache_write_entry(path, key, race_binary,
                                       sizeof race_binary))
      return path;
  return NULL;
}

/* Writers racing on one entry leave one whole entry and no temp file. */
START_TEST(concurrent_writers_leave_a_whole_entry) {
  for (size_t i = 0; i < sizeof race_binary; i++)
    race_binary[i] = (uint8_t)(i * 7);
  ck_assert_int_eq(mkdir(cache_dir, 0700), 0);
  char path[256];
  snprintf(path, sizeof path, "%s/%064d", cache_dir, 0);
  pthread_t threads[4];
  for (int i = 0; i < 4; i++)
    ck_assert_int_eq(pthread_create(&threads[i], NULL, write_entries, path), 0);
  for (int i = 0; i < 4; i++) {
    void *failed;
    pthread_join(threads[i], &failed);
    ck_assert_ptr_null(failed);
  }
  ck_assert_int_eq(file_size(path), HEADER + 100000);
  int others;
  ck_assert_int_eq(list_entries(cache_dir, NULL, 0, &others), 1);
  ck_assert_int_eq(others, 0);
}
END_TEST

static void hex_of(const void *data, size_t n, char hex[65]) {
  drt__sha256 h;
  uint8_t digest[32];
  drt__sha256_init(&h);
  drt__sha256_update(&h, data, n);
  drt__sha256_final(&h, digest);
  drt__sha256_hex(digest, hex);
}

/* FIPS 180-4 examples, and chunked input hashing as one piece does. */
START_TEST(sha256_test_vectors) {
  char hex[65];
  hex_of("", 0, hex);
  ck_assert_str_eq(
      hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  hex_of("abc", 3, hex);
  ck_assert_str_eq(
      hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  hex_of(two, strlen(two), hex);
  ck_assert_str_eq(
      hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  static char million[1000000];
  memset(million, 'a', sizeof million);
  hex_of(million, sizeof million, hex);
  ck_assert_str_eq(
      hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  drt__sha256 h;
  uint8_t digest[32];
  drt__sha256_init(&h);
  for (size_t at = 0, step = 1; at < sizeof million; at += step, step = step * 3 % 997 + 1)
    drt__sha256_update(&h, million + at,
                       step < sizeof million - at ? step : sizeof million - at);
  drt__sha256_final(&h, digest);
  char chunked[65];
  drt__sha256_hex(digest, chunked);
  ck_assert_str_eq(chunked, hex);
}
END_TEST

static Suite *program_cache_suite(void) {
  Suite *s = suite_create("program_cache");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 600);
  tcase_add_checked_fixture(tc, use_scratch_cache, drt_test_scratch_remove);
  tcase_add_test(tc, sha256_test_vectors);
  tcase_add_test(tc, folder_follows_the_environment);
  tcase_add_test(tc, key_covers_source_and_options);
  tcase_add_test(tc, concurrent_writers_leave_a_whole_entry);
  tcase_add_test(tc, first_build_writes_an_entry);
  tcase_add_test(tc, second_context_loads_the_entry);
  tcase_add_loop_test(tc, damaged_entry_is_rejected_and_rewritten, 0,
                      N_DAMAGES);
  tcase_add_test(tc, refused_binary_is_rebuilt);
  tcase_add_test(tc, cache_dir_0_writes_nothing);
  tcase_add_test(tc, unusable_folder_builds_without_cache);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return drt_test_run(program_cache_suite()); }
