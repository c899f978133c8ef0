/* test_cli.c — the drt2d command line, driven in-process: exit codes for bad
 * usage, no output file on failure, and .npy maps that match the library;
 * and the drt2d executable itself (DRT_TEST_CLI) with its standard output
 * on /dev/full or closed. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cli_options.h"
#include "testutil.h"

START_TEST(bad_usage_exits_2_and_writes_nothing) {
  const char *png = drt_test_scratch("bad.png");
  const char *bad[][4] = {
      {"map", "--grid", "0", NULL},      {"map", "--tx", "1,", NULL},
      {"map", "--alpha", "-1", NULL},    {"map", "--alpha", "nan", NULL},
      {"map", "--order", "2:1", NULL},   {"map", "--order", "9", NULL},
      {"map", "--grid", "10x", NULL},    {"map", "--smoothing", "soft", NULL},
      {"map", "--bbox", "0,0,1", NULL},  {"map", "--db-range", "5,-50", NULL},
      {"map", "--vary", "both", NULL},   {"map", "--device", "tpu", NULL},
      {"map", "--precision", "half", NULL}, {"map", "--method", "xyz", NULL},
      {"map", "--only", "door", NULL},
      {"map", "--frobnicate", "1", NULL}, {"eval", "--grid", "3", NULL},
      {"map", "--tx", "1e999,0", NULL},  {"info", "--png", "x", NULL},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    int rc = drt_test_cli(bad[i][0], bad[i][1], bad[i][2], "--png", png, NULL);
    ck_assert_msg(rc == DRT_EXIT_USAGE, "%s %s %s -> %d", bad[i][0], bad[i][1],
                  bad[i][2], rc);
    ck_assert(!drt_test_exists(png));
  }
  ck_assert_int_eq(drt_test_cli("map", NULL),
                   DRT_EXIT_USAGE); /* no output named */
  ck_assert_int_eq(drt_test_cli("fly", NULL), DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("map", "--png", NULL), DRT_EXIT_USAGE);
}
END_TEST

START_TEST(failures_exit_1_and_write_nothing) {
  const char *npy = drt_test_scratch("fail.npy");
  ck_assert_int_eq(
      drt_test_cli("map", "--scene", "nowhere.json", "--npy", npy, NULL),
      DRT_EXIT_FAILURE);
  ck_assert_int_eq(
      drt_test_cli("map", "--scene", "random:1", "--npy", npy, NULL),
      DRT_EXIT_FAILURE);
  ck_assert_int_eq(drt_test_cli("map", "--npy", "/nonexistent/dir/x.npy",
                                "--grid", "5", NULL),
                   DRT_EXIT_FAILURE);
  ck_assert(!drt_test_exists(npy));
}
END_TEST

/* Outputs land on a symbolic link's target, and devices and pipes are
 * written, not replaced by a renamed file. */
START_TEST(outputs_follow_links_and_keep_devices) {
  const char *target = drt_test_scratch("target.npy"),
             *link = drt_test_scratch("link.npy");
  FILE *f = fopen(target, "w");
  ck_assert_ptr_nonnull(f);
  fclose(f);
  ck_assert_int_eq(symlink(target, link), 0);
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--device", "ref",
                                "--npy", link, NULL),
                   0);
  struct stat st;
  ck_assert_int_eq(lstat(link, &st), 0);
  ck_assert(S_ISLNK(st.st_mode));
  ck_assert_int_eq(stat(target, &st), 0);
  ck_assert_int_gt(st.st_size, 128); /* header and 16 float64 values */
  /* A pipe stands for a device: with a reader open, the small map fits
   * its buffer, and it must still be a pipe afterwards. */
  const char *fifo = drt_test_scratch("pipe.npy");
  ck_assert_int_eq(mkfifo(fifo, 0600), 0);
  int reader = open(fifo, O_RDONLY | O_NONBLOCK);
  ck_assert_int_ge(reader, 0);
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--device", "ref",
                                "--npy", fifo, NULL),
                   0);
  char head[8];
  ck_assert_int_eq(read(reader, head, sizeof head), sizeof head);
  ck_assert(memcmp(head, "\x93NUMPY", 6) == 0);
  close(reader);
  ck_assert_int_eq(lstat(fifo, &st), 0);
  ck_assert(S_ISFIFO(st.st_mode));
}
END_TEST

/* A grid 65536 wide whose --grad values (3 doubles a cell) need more than
 * 3/4 of this machine's memory, or NULL on a machine so large that even the
 * largest grid fits. */
static const char *grid_over_memory(char *text, size_t size) {
  double physical = (double)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
  double row_bytes = 65536.0 * 3 * sizeof(double);
  double rows = ceil(0.8 * physical / row_bytes);
  if (rows > 65536) return NULL;
  snprintf(text, size, "65536x%.0f", rows);
  return text;
}

START_TEST(work_too_large_is_refused_before_allocating) {
  const char *npy = drt_test_scratch("huge.npy");
  char grid[32];
  if (grid_over_memory(grid, sizeof grid))
    ck_assert_int_eq(drt_test_cli("map", "--grid", grid, "--grad", "--npy",
                                  npy, NULL),
                     DRT_EXIT_USAGE);
  else
    printf("NOTE: this machine's memory exceeds the largest map's; the map "
           "size refusal was not exercised\n");
  /* 2000 walls at order 3: 8e9 candidates, 96 GB of indices */
  ck_assert_int_eq(drt_test_cli("map", "--scene", "random:1:2000", "--order",
                                "3", "--npy", npy, NULL),
                   DRT_EXIT_USAGE);
  ck_assert_int_eq(
      drt_test_cli("info", "--scene", "random:1:2000", "--order", "3", NULL),
      0); /* info only counts them */
  ck_assert(!drt_test_exists(npy));
}
END_TEST

/* Reads an .npy file written by drt2d: header dict and float64 data. */
static double *read_npy(const char *path, char *header, size_t header_size,
                        size_t count) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  unsigned char magic[10];
  ck_assert_uint_eq(fread(magic, 1, 10, f), 10);
  ck_assert(memcmp(magic, "\x93NUMPY\x01\x00", 8) == 0);
  size_t len = magic[8] | (magic[9] << 8);
  ck_assert_uint_eq((10 + len) % 64, 0);
  ck_assert(len < header_size);
  ck_assert_uint_eq(fread(header, 1, len, f), len);
  header[len] = '\0';
  double *data = malloc(count * sizeof *data);
  ck_assert_uint_eq(fread(data, sizeof *data, count, f), count);
  ck_assert_int_eq(fgetc(f), EOF); /* nothing after the data */
  fclose(f);
  return data;
}

START_TEST(map_npy_matches_library) {
  const char *npy = drt_test_scratch("map.npy");
  ck_assert_int_eq(drt_test_cli("map", "--scene", "square-wall", "--grid",
                                "7x5", "--order", "0:1", "--device", "ref",
                                "--npy", npy, NULL),
                   0);
  char header[256];
  double *data = read_npy(npy, header, sizeof header, 35);
  ck_assert_ptr_nonnull(strstr(header, "'descr': '<f8'"));
  ck_assert_ptr_nonnull(strstr(header, "'shape': (5, 7)"));
  ck_assert_ptr_nonnull(strstr(header, "'fortran_order': False"));
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_builtin("square-wall", &scene));
  drt_context_options co;
  drt_context_options_init(&co);
  co.device = DRT_DEVICE_REF;
  co.precision = DRT_PRECISION_DOUBLE;
  drt_context *ctx;
  DRT_CHECK_OK(drt_context_create(&co, &ctx));
  drt_trace_options o;
  drt_trace_options_init(&o);
  /* row r is y = y0 + r dy: row 0 is the south edge */
  for (int r = 0; r < 5; r++)
    for (int c = 0; c < 7; c++) {
      double xy[2] = {c / 6.0, r / 4.0}, p;
      DRT_CHECK_OK(drt_eval_points(ctx, scene, &o, xy, 1, &p));
      ck_assert_double_eq_tol(data[r * 7 + c], p, 1e-12 * (p + 1e-300));
    }
  free(data);
  drt_context_destroy(ctx);
  drt_scene_destroy(scene);
}
END_TEST

START_TEST(map_png_and_float_npy) {
  const char *png = drt_test_scratch("map.png");
  const char *npy = drt_test_scratch("map32.npy");
  ck_assert_int_eq(drt_test_cli("map", "--grid", "40", "--smoothing",
                                "hard-sigmoid", "--alpha", "50", "--png", png,
                                "--npy", npy, NULL),
                   0);
  ck_assert(drt_test_exists(png));
  FILE *f = fopen(npy, "rb");
  ck_assert_ptr_nonnull(f);
  char head[128] = {0};
  ck_assert_uint_eq(fread(head, 1, 127, f), 127);
  fclose(f);
  ck_assert_ptr_nonnull(strstr(head + 10, "'descr': '<f4'"));
  ck_assert_ptr_nonnull(strstr(head + 10, "'shape': (40, 40)"));
}
END_TEST

START_TEST(help_and_info_succeed) {
  ck_assert_int_eq(drt_test_cli("--help", NULL), 0);
  ck_assert_int_eq(drt_test_cli("--version", NULL), 0);
  ck_assert_int_eq(drt_test_cli("map", "--help", NULL), 0);
  ck_assert_int_eq(
      drt_test_cli("info", "--scene", "basic", "--order", "0:3", NULL), 0);
  ck_assert_int_eq(drt_test_cli("devices", NULL), 0);
}
END_TEST

/* The listing `drt2d devices` prints, sized by a first call. */
START_TEST(devices_listing_reports_its_size) {
  size_t needed = 0;
  DRT_CHECK_OK(drt_devices_listing(NULL, 0, &needed));
  ck_assert_uint_gt(needed, 1);
  char *whole = malloc(needed);
  ck_assert_ptr_nonnull(whole);
  size_t again = 0;
  DRT_CHECK_OK(drt_devices_listing(whole, needed, &again));
  ck_assert_uint_eq(again, needed);
  ck_assert_uint_eq(strlen(whole), needed - 1);
  ck_assert_ptr_nonnull(strstr(whole, "<- auto"));
  char cut[8];
  DRT_CHECK_OK(drt_devices_listing(cut, sizeof cut, &again));
  ck_assert_uint_eq(again, needed);
  ck_assert_uint_eq(strlen(cut), sizeof cut - 1);
  ck_assert_int_eq(strncmp(cut, whole, sizeof cut - 1), 0);
  ck_assert_int_eq(drt_devices_listing(NULL, 4, NULL), DRT_EINVAL);
  free(whole);
}
END_TEST

extern char **environ;

/* Spawns the drt2d executable (DRT_TEST_CLI) with an argument list,
 * extra_env (NULL: none) added to the environment, stdin from stdin_path
 * (NULL: /dev/null), stdout onto stdout_path (NULL: closed) and stderr
 * into err (NUL-terminated); returns its wait status. */
static int spawn_drt2d(const char *extra_env, const char *stdin_path,
                       const char *stdout_path, char *err, size_t err_size,
                       const char *first, va_list args) {
  const char *exe = getenv("DRT_TEST_CLI");
  ck_assert_msg(exe != NULL, "DRT_TEST_CLI (the drt2d executable) is unset");
  char *argv[32] = {(char *)exe, (char *)first};
  int argc = 2;
  const char *a;
  while ((a = va_arg(args, const char *)) && argc < 31) argv[argc++] = (char *)a;
  argv[argc] = NULL;
  char *envp[256];
  int envc = 0;
  /* extra_env replaces a variable of its name (getenv takes the first). */
  size_t name = extra_env ? strcspn(extra_env, "=") + 1 : 0;
  for (char **e = environ; *e && envc < 254; e++)
    if (!extra_env || strncmp(*e, extra_env, name) != 0) envp[envc++] = *e;
  if (extra_env) envp[envc++] = (char *)extra_env;
  envp[envc] = NULL;
  char err_path[128];
  snprintf(err_path, sizeof err_path, "%s", drt_test_scratch("stderr.txt"));
  posix_spawn_file_actions_t actions;
  ck_assert_int_eq(posix_spawn_file_actions_init(&actions), 0);
  posix_spawn_file_actions_addopen(&actions, 0,
                                   stdin_path ? stdin_path : "/dev/null",
                                   O_RDONLY, 0);
  if (stdout_path)
    posix_spawn_file_actions_addopen(&actions, 1, stdout_path, O_WRONLY, 0);
  else
    posix_spawn_file_actions_addclose(&actions, 1);
  posix_spawn_file_actions_addopen(&actions, 2, err_path,
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid;
  ck_assert_int_eq(posix_spawn(&pid, exe, &actions, NULL, argv, envp), 0);
  posix_spawn_file_actions_destroy(&actions);
  int status;
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  FILE *f = fopen(err_path, "r");
  ck_assert_ptr_nonnull(f);
  size_t n = fread(err, 1, err_size - 1, f);
  err[n] = '\0';
  fclose(f);
  return status;
}

/* spawn_drt2d without extra environment, for a run that must exit;
 * returns its exit status. */
static int run_drt2d(const char *stdin_path, const char *stdout_path,
                     char *err, size_t err_size, const char *first, ...) {
  va_list args;
  va_start(args, first);
  int status =
      spawn_drt2d(NULL, stdin_path, stdout_path, err, err_size, first, args);
  va_end(args);
  ck_assert_msg(WIFEXITED(status), "drt2d %s did not exit", first);
  return WEXITSTATUS(status);
}

/* spawn_drt2d with extra_env, stdout on /dev/null; the wait status. */
static int run_drt2d_env(const char *extra_env, char *err, size_t err_size,
                         const char *first, ...) {
  va_list args;
  va_start(args, first);
  int status =
      spawn_drt2d(extra_env, NULL, "/dev/null", err, err_size, first, args);
  va_end(args);
  return status;
}

/* Every command that prints fails, exit 1 with one line on stderr, when
 * its standard output cannot take it (a full disk: /dev/full). */
START_TEST(stdout_write_failure_exits_1) {
  const char *points = drt_test_scratch("points.txt");
  char points_path[128];
  snprintf(points_path, sizeof points_path, "%s", points);
  FILE *f = fopen(points_path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("0.3 0.7\n", f);
  fclose(f);
  const char *full = "/dev/full";
  const char *message = "drt2d: standard output: No space left on device\n";
  char err[4096];
  const char *cmds[][8] = {
      {"info", NULL},
      {"info", "--scene", "basic", "--order", "0:3", NULL},
      {"devices", NULL},
      {"--help", NULL},
      {"--version", NULL},
      {"map", "--help", NULL},
      {"optimize", "--steps", "2", "--device", "ref", NULL},
      {"study", "--trials", "1", "--receivers", "2", "--device", "ref", NULL},
  };
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    const char *const *c = cmds[i];
    int rc = run_drt2d(NULL, full, err, sizeof err, c[0], c[1], c[2], c[3],
                       c[4], c[5], c[6], c[7]);
    ck_assert_msg(rc == DRT_EXIT_FAILURE, "drt2d %s %s > /dev/full -> %d", c[0],
                  c[1] ? c[1] : "", rc);
    ck_assert_msg(strstr(err, message), "drt2d %s: stderr '%s'", c[0], err);
  }
  ck_assert_int_eq(run_drt2d(points_path, full, err, sizeof err, "eval",
                             "--scene", "square", "--points", "-", "--device",
                             "ref", NULL),
                   DRT_EXIT_FAILURE);
  ck_assert_str_eq(err, message); /* the only line */
  /* A usage error keeps its code. */
  ck_assert_int_eq(run_drt2d(NULL, full, err, sizeof err, "map", "--grid",
                             "0", "--npy", "x.npy", NULL),
                   DRT_EXIT_USAGE);
  /* A command that prints nothing does not fail. */
  ck_assert_int_eq(run_drt2d(NULL, full, err, sizeof err, "map", "--grid", "4",
                             "--device", "ref", "--npy",
                             drt_test_scratch("full.npy"), NULL),
                   0);
}
END_TEST

START_TEST(closed_stdout_exits_1) {
  char err[4096];
  const char *message = "drt2d: standard output: Bad file descriptor\n";
  ck_assert_int_eq(run_drt2d(NULL, NULL, err, sizeof err, "info", NULL),
                   DRT_EXIT_FAILURE);
  ck_assert_str_eq(err, message);
  ck_assert_int_eq(run_drt2d(NULL, NULL, err, sizeof err, "--version", NULL),
                   DRT_EXIT_FAILURE);
  ck_assert_str_eq(err, message);
  /* The descriptor stays reserved: the JSON written meanwhile is whole
   * and holds none of the step lines. */
  char json[128];
  snprintf(json, sizeof json, "%s", drt_test_scratch("closed.json"));
  ck_assert_int_eq(run_drt2d(NULL, NULL, err, sizeof err, "optimize",
                             "--steps", "2", "--device", "ref", "--json", json,
                             NULL),
                   DRT_EXIT_FAILURE);
  ck_assert_ptr_nonnull(strstr(err, message));
  FILE *f = fopen(json, "r");
  ck_assert_ptr_nonnull(f);
  int first = fgetc(f);
  fclose(f);
  ck_assert_int_eq(first, '{');
  /* Nothing printed, nothing lost. */
  ck_assert_int_eq(run_drt2d(NULL, NULL, err, sizeof err, "map", "--grid", "4",
                             "--device", "ref", "--npy",
                             drt_test_scratch("closed.npy"), NULL),
                   0);
  ck_assert(drt_test_exists(drt_test_scratch("closed.npy")));
}
END_TEST

/* In-process, a failed run reports it and leaves stdout usable: the next
 * run succeeds. */
START_TEST(stdout_failure_in_process_does_not_poison_the_next_run) {
  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  ck_assert_int_ge(saved, 0);
  int full = open("/dev/full", O_WRONLY);
  ck_assert_int_ge(full, 0);
  ck_assert_int_ge(dup2(full, STDOUT_FILENO), 0);
  close(full);
  int rc = drt_test_cli("--version", NULL);
  ck_assert_int_ge(dup2(saved, STDOUT_FILENO), 0);
  close(saved);
  ck_assert_int_eq(rc, DRT_EXIT_FAILURE);
  ck_assert_int_eq(drt_test_cli("--version", NULL), 0);
  ck_assert_int_eq(drt_test_cli("info", NULL), 0);
}
END_TEST

/* Two output options naming one file are refused (exit 2) before any
 * work: otherwise the last output's rename silently replaces the first. */
START_TEST(outputs_on_one_file_are_refused) {
  char a[128], a_dot[128], a_up[128], link[128], keep[128], sub[128];
  snprintf(a, sizeof a, "%s", drt_test_scratch("a.png"));
  snprintf(a_dot, sizeof a_dot, "%s", drt_test_scratch("./a.png"));
  snprintf(sub, sizeof sub, "%s", drt_test_scratch("sub"));
  snprintf(a_up, sizeof a_up, "%s", drt_test_scratch("sub/../a.png"));
  snprintf(keep, sizeof keep, "%s", drt_test_scratch("keep.png"));
  snprintf(link, sizeof link, "%s", drt_test_scratch("link.png"));
  ck_assert_int_eq(mkdir(sub, 0700), 0);
  FILE *f = fopen(keep, "w");
  ck_assert_ptr_nonnull(f);
  fputs("keep", f);
  fclose(f);
  ck_assert_int_eq(symlink(keep, link), 0);
  const char *g = "--grid", *four = "4", *d = "--device", *ref = "ref";
  ck_assert_int_eq(drt_test_cli("map", g, four, d, ref, "--png", a, "--npy",
                                a, NULL), DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("map", g, four, d, ref, "--npy", a, "--png",
                                a_dot, NULL), DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("map", g, four, d, ref, "--png", a,
                                "--grad-png", a_up, NULL), DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("map", g, four, d, ref, "--npy", keep,
                                "--png", link, NULL), DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("optimize", "--steps", "2", d, ref, "--json",
                                a, "--png", a_dot, NULL), DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("optimize", "--steps", "2", d, ref, "--png",
                                keep, "--frames-png", link, NULL),
                   DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("study", "--trials", "1", d, ref, "--json",
                                a_up, "--csv", a, NULL), DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("study", "--trials", "1", d, ref, "--csv",
                                link, "--png", keep, NULL), DRT_EXIT_USAGE);
  /* Relative names, from the scratch directory. */
  int cwd = open(".", O_RDONLY);
  ck_assert_int_ge(cwd, 0);
  ck_assert_int_eq(chdir(sub), 0);
  int rc = drt_test_cli("map", g, four, d, ref, "--png", "../a.png", "--npy",
                        "./../sub/../a.png", NULL);
  ck_assert_int_eq(fchdir(cwd), 0);
  close(cwd);
  ck_assert_int_eq(rc, DRT_EXIT_USAGE);
  ck_assert(!drt_test_exists(a));
  f = fopen(keep, "r");
  char text[8] = {0};
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fread(text, 1, sizeof text - 1, f), 4);
  fclose(f);
  ck_assert_str_eq(text, "keep"); /* untouched */
  /* A device written in place may take several outputs (a figure's
   * through a link, since its name must say its format). */
  char null_png[128];
  snprintf(null_png, sizeof null_png, "%s", drt_test_scratch("null.png"));
  ck_assert_int_eq(symlink("/dev/null", null_png), 0);
  ck_assert_int_eq(drt_test_cli("map", g, four, d, ref, "--npy", "/dev/null",
                                "--png", null_png, NULL), 0);
  /* The message names both options. */
  char err[4096];
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "map",
                             "--png", a, "--npy", a_dot, NULL),
                   DRT_EXIT_USAGE);
  ck_assert_ptr_nonnull(strstr(err, "--png"));
  ck_assert_ptr_nonnull(strstr(err, "--npy"));
  ck_assert_ptr_nonnull(strstr(err, "name the same file"));
  ck_assert(!drt_test_exists(a));
}
END_TEST

/* Long work is estimated once its rate is measured, and stopped beyond
 * --max-minutes (no file written) unless --yes, which says so and runs it.
 * Each report is one second after the last (DRT_TEST_PROGRESS_TICK), so
 * the estimate is the same on any machine: random:1:100 at orders 0:2
 * (10,101 candidates a cell, all traced) reports after 1,600, 4,800 and
 * 11,200 of 14,400 cells, so the first estimate is 3 s. */
START_TEST(long_work_is_estimated_and_stopped) {
  const char *tick = "DRT_TEST_PROGRESS_TICK=1";
  char npy[256], json[256], err[4096];
  snprintf(npy, sizeof npy, "%s", drt_test_scratch("long.npy"));
  snprintf(json, sizeof json, "%s", drt_test_scratch("long.json"));
  int status = run_drt2d_env(tick, err, sizeof err, "map", "--scene",
                             "random:1:100", "--order", "0:2", "--candidates",
                             "all", "--grid", "120",
                             "--npy", npy, "--max-minutes", "0.04", NULL);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s", err);
  ck_assert_msg(strstr(err, "stopped: the work would take about 3 s more") &&
                    strstr(err, "--yes"), "%s", err);
  ck_assert(!drt_test_exists(npy));
  /* Within the limit: no message. */
  status = run_drt2d_env(tick, err, sizeof err, "map", "--scene",
                         "random:1:100", "--order", "0:2", "--candidates",
                         "all", "--grid", "120",
                         "--npy", npy, "--max-minutes", "0.06", NULL);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", err);
  ck_assert_msg(!strstr(err, "work left"), "%s", err);
  ck_assert_int_eq(unlink(npy), 0);
  status = run_drt2d_env(tick, err, sizeof err, "map", "--scene",
                         "random:1:100", "--order", "0:2", "--candidates",
                         "all", "--grid", "120",
                         "--npy", npy, "--max-minutes", "0.04", "--yes", NULL);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s", err);
  ck_assert_msg(strstr(err, "about 3 s of work left"), "%s", err);
  ck_assert(drt_test_exists(npy));
  /* A descent is estimated by its steps: 18 left after 2. */
  status = run_drt2d_env(tick, err, sizeof err, "optimize", "--steps", "20",
                         "--max-minutes", "0.1", "--json", json, NULL);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s", err);
  ck_assert_msg(strstr(err, "about 18 s more (2 of 20 steps"), "%s", err);
  ck_assert(!drt_test_exists(json));
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--npy", npy,
                                "--max-minutes", "0", NULL), DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("optimize", "--max-minutes", "x", NULL),
                   DRT_EXIT_USAGE);
}
END_TEST

/* Output names are checked before any work: an empty name or one that
 * looks like an option (--npy --png) is a usage error, an output that
 * cannot be created fails before the map is computed (its timing line
 * never printed), and a name that fits as a file also fits as the
 * temporary it is written to first (none left behind). */
START_TEST(output_names_are_checked_before_work) {
  char err[4096];
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--npy", "--png", NULL), 2);
  ck_assert(!drt_test_exists("--png"));
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--npy", "", NULL), 2);
  ck_assert_int_eq(drt_test_cli("study", "--trials", "1", "--device", "ref",
                                "--json", "-x.json", NULL), 2);
  /* Checked before the scene is even read: the output is what it names. */
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "map",
                             "--scene", "/no-such-scene.json", "--npy",
                             "/no-such-dir/x.npy", NULL), 1);
  ck_assert_msg(strstr(err, "--npy: /no-such-dir/x.npy") != NULL &&
                    strstr(err, "no-such-scene") == NULL, "%s", err);
  /* 250 bytes: the longest names the file system takes, less a few. */
  char name[251];
  memset(name, 'n', 246);
  memcpy(name + 246, ".npy", 5);
  char path[512];
  snprintf(path, sizeof path, "%s", drt_test_scratch(name));
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--npy", path, NULL), 0);
  ck_assert(drt_test_exists(path));
  char dir[512];
  snprintf(dir, sizeof dir, "%s", drt_test_scratch(""));
  DIR *listing = opendir(dir);
  ck_assert_ptr_nonnull(listing);
  struct dirent *entry;
  while ((entry = readdir(listing)))
    ck_assert_msg(strstr(entry->d_name, ".tmp.") == NULL, "left behind: %s",
                  entry->d_name);
  closedir(listing);
}
END_TEST

/* One error, one line: a bad list of receiver counts is reported once,
 * not once for the item and again for the list. */
START_TEST(one_error_one_line) {
  char err[4096];
  const char *lists[] = {"0", "17", "2,x", "2,,3", ""};
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
    ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "study",
                               "--receivers", lists[i], NULL), 2);
    const char *newline = strchr(err, '\n');
    ck_assert_msg(newline && newline[1] == '\0', "'%s': %s", lists[i], err);
    ck_assert_msg(strstr(err, "--receivers") != NULL, "%s", err);
  }
}
END_TEST

/* Candidate counts past 2^64 - 1, where drt_candidate_count saturates,
 * are printed as the true figure, n (n - 1)^(k - 1), not as 2^64 - 1. */
START_TEST(info_prints_huge_counts_truly) {
  char err[4096], out_path[512];
  snprintf(out_path, sizeof out_path, "%s", drt_test_scratch("info.txt"));
  FILE *f = fopen(out_path, "w");
  ck_assert_ptr_nonnull(f);
  fclose(f);
  ck_assert_int_eq(run_drt2d(NULL, out_path, err, sizeof err, "info",
                             "--scene", "random:1:100000", "--order", "3:5",
                             NULL), 0);
  f = fopen(out_path, "r");
  ck_assert_ptr_nonnull(f);
  char line[256];
  int seen = 0;
  const double n = 100000;
  while (fgets(line, sizeof line, f)) {
    int k;
    double count;
    if (sscanf(line, "  order %d: about %lf", &k, &count) == 2) {
      double want = n * pow(n - 1, k - 1);
      ck_assert_msg(k >= 4 && fabs(count - want) <= 1e-8 * want, "%s", line);
      seen++;
    } else if (sscanf(line, "  order %d: %lf", &k, &count) == 2) {
      ck_assert_int_eq(k, 3); /* 999980000100000 fits: printed exactly */
      ck_assert_msg(strcmp(line, "  order 3: 999980000100000\n") == 0, "%s", line);
    } else if (strncmp(line, "  total:", 8) == 0) {
      ck_assert_msg(strncmp(line, "  total: about ", 15) == 0, "%s", line);
    }
  }
  fclose(f);
  ck_assert_int_eq(seen, 2);
}
END_TEST

/* A NUL byte in a points file is an error on its line: the C-string
 * parser would otherwise stop there and drop or hide what follows. */
START_TEST(nul_in_points_is_an_error) {
  char path[512];
  snprintf(path, sizeof path, "%s", drt_test_scratch("nul.txt"));
  const char text[] = "0.3 0.7\n\0000.8 0.5\n0.2 0.2\n";
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(text, 1, sizeof text - 1, f), sizeof text - 1);
  fclose(f);
  char err[4096];
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "eval",
                             "--points", path, NULL), 1);
  ck_assert_msg(strstr(err, "nul.txt:2: a NUL byte") != NULL, "%s", err);
}
END_TEST

/* A dangling symbolic link as output is written through like a live one:
 * its target is created and the link kept; a link into a missing folder
 * fails before any work; and a link and its target named by two outputs
 * are one file. */
START_TEST(dangling_links_are_written_through) {
  char link[512], made[512], far[512], other[512];
  snprintf(link, sizeof link, "%s", drt_test_scratch("dangling.npy"));
  snprintf(made, sizeof made, "%s", drt_test_scratch("made.npy"));
  snprintf(far, sizeof far, "%s", drt_test_scratch("far.npy"));
  snprintf(other, sizeof other, "%s", drt_test_scratch("other.png"));
  ck_assert_int_eq(symlink("made.npy", link), 0); /* relative to its folder */
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--device", "ref",
                                "--npy", link, NULL), 0);
  struct stat st;
  ck_assert_int_eq(lstat(link, &st), 0);
  ck_assert(S_ISLNK(st.st_mode));
  ck_assert_int_eq(lstat(made, &st), 0);
  ck_assert(S_ISREG(st.st_mode));
  ck_assert_int_gt(st.st_size, 128);
  ck_assert_int_eq(symlink("/no-such-dir/x.npy", far), 0);
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--npy", far, NULL), 1);
  ck_assert_int_eq(unlink(made), 0);
  ck_assert_int_eq(symlink("made.npy", other), 0);
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--npy", made, "--png",
                                other, NULL), 2);
  ck_assert(!drt_test_exists(made));
}
END_TEST

/* How many names in dir are temporary files of an output (".tmp."). */
static int temporaries_in(const char *dir) {
  DIR *d = opendir(dir);
  ck_assert_ptr_nonnull(d);
  int count = 0;
  struct dirent *e;
  while ((e = readdir(d))) count += strstr(e->d_name, ".tmp.") != NULL;
  closedir(d);
  return count;
}

static void write_text_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

static int file_holds(const char *path, const char *text) {
  char buf[64] = {0};
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  return n == strlen(text) && memcmp(buf, text, n) == 0;
}

/* An output may not replace the scene it is computed from, however the
 * two names are spelled (./, .., a link to the scene): a usage error before
 * any work, the scene untouched. */
START_TEST(output_on_the_scene_file_is_refused) {
  char scene[256], dotted[256], link[256], link_npy[256];
  snprintf(scene, sizeof scene, "%s", drt_test_scratch("room.json"));
  write_text_file(scene, "{\"objects\":[],\"transmitters\":[{\"position\":[0.5,0.5]}]}");
  snprintf(dotted, sizeof dotted, "%s/room.json", drt_test_scratch("."));
  snprintf(link, sizeof link, "%s", drt_test_scratch("room-link.json"));
  ck_assert_int_eq(symlink(scene, link), 0);
  snprintf(link_npy, sizeof link_npy, "%s", drt_test_scratch("room.npy"));
  ck_assert_int_eq(symlink(scene, link_npy), 0);
  char err[4096];
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "map",
                             "--scene", scene, "--grid", "4", "--npy",
                             link_npy, NULL), DRT_EXIT_USAGE);
  ck_assert_msg(strstr(err, "is the scene file") != NULL, "%s", err);
  ck_assert_int_eq(drt_test_cli("map", "--scene", link, "--grid", "4",
                                "--npy", scene, NULL), DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("optimize", "--scene", scene, "--steps", "2",
                                "--device", "ref", "--json", dotted, NULL),
                   DRT_EXIT_USAGE);
  ck_assert(file_holds(scene, "{\"objects\":[],\"transmitters\":[{\"position\":[0.5,0.5]}]}"));
  /* Another file beside it is fine. */
  ck_assert_int_eq(drt_test_cli("map", "--scene", scene, "--grid", "4",
                                "--bbox", "0,0,1,1", "--device", "ref",
                                "--npy", drt_test_scratch("room-map.npy"),
                                NULL), 0);
}
END_TEST

/* SIGTERM, SIGINT or SIGHUP while an output's temporary file exists: the
 * temporary is removed, the file it would have replaced is untouched, and
 * drt2d ends by the signal, as without a handler. The test hook
 * DRT_TEST_SIGNAL_AT_TEMP=SIG:N makes drt2d send the signal itself once
 * its N-th temporary file exists; the 1st is the check of the output
 * before any work, the 2nd the write itself. */
START_TEST(signal_during_a_write_leaves_no_temporary) {
  char dir[128], npy[160], png[160], frames[160], err[4096];
  snprintf(dir, sizeof dir, "%s", drt_test_scratch("out"));
  ck_assert_int_eq(mkdir(dir, 0700), 0);
  snprintf(npy, sizeof npy, "%s/map.npy", dir);
  snprintf(png, sizeof png, "%s/map.png", dir);
  snprintf(frames, sizeof frames, "%s/frames.png", dir);
  write_text_file(npy, "old");
  int status = run_drt2d_env("DRT_TEST_SIGNAL_AT_TEMP=15:2", err, sizeof err,
                             "map", "--grid", "4", "--device", "ref", "--npy",
                             npy, NULL);
  ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
                "map --npy: status %#x, stderr '%s'", status, err);
  ck_assert_int_eq(temporaries_in(dir), 0);
  ck_assert(file_holds(npy, "old"));
  status = run_drt2d_env("DRT_TEST_SIGNAL_AT_TEMP=2:2", err, sizeof err,
                         "optimize", "--steps", "2", "--device", "ref",
                         "--quiet", "--frames", "2", "--grid", "8",
                         "--frames-png", frames, NULL);
  ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT,
                "optimize --frames-png: status %#x, stderr '%s'", status, err);
  ck_assert_int_eq(temporaries_in(dir), 0);
  ck_assert(!drt_test_exists(frames));
  status = run_drt2d_env("DRT_TEST_SIGNAL_AT_TEMP=1:1", err, sizeof err,
                         "map", "--grid", "4", "--device", "ref", "--png",
                         png, NULL);
  ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP,
                "map --png: status %#x, stderr '%s'", status, err);
  ck_assert_int_eq(temporaries_in(dir), 0);
  ck_assert(!drt_test_exists(png));
  /* A signal ignored on entry (nohup) stays ignored: the work completes. */
  void (*previous)(int) = signal(SIGHUP, SIG_IGN);
  status = run_drt2d_env("DRT_TEST_SIGNAL_AT_TEMP=1:2", err, sizeof err,
                         "map", "--grid", "4", "--device", "ref", "--npy",
                         npy, NULL);
  signal(SIGHUP, previous);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                "nohup map: status %#x, stderr '%s'", status, err);
  ck_assert(!file_holds(npy, "old"));
  ck_assert_int_eq(temporaries_in(dir), 0);
}
END_TEST

/* Coordinates whose squared lengths overflow the precision (beyond 1e17
 * in float, 1e152 in double) are refused before any work, exit 2, naming
 * the option or the file and field; at the limits the values are finite.
 * The library refuses them too, and the last check before writing
 * refuses a non-finite value. */
START_TEST(coordinates_beyond_the_precision_are_refused) {
  char npy[160], scene[160];
  snprintf(npy, sizeof npy, "%s", drt_test_scratch("range.npy"));
  snprintf(scene, sizeof scene, "%s", drt_test_scratch("wide.json"));
  write_text_file(scene, "{\"objects\": [{\"type\": \"wall\", \"a\": "
                  "[-1e308, 0], \"b\": [1e308, 0]}], \"transmitters\": "
                  "[{\"position\": [0, 1]}]}");
  const char *refused[][8] = {
      {"--tx", "1e39,0.5", NULL},
      {"--tx", "1e18,0.5", NULL},
      {"--rx", "0.5,-2e17", "--vary", "tx", NULL},
      {"--tx", "1e200,0.5", "--precision", "double", "--grad", NULL},
      {"--tx", "1e153,0.5", "--device", "ref", NULL},
      {"--bbox", "-1e308,-1e308,1e308,1e308", NULL},
      {"--scene", scene, "--bbox", "0,0,1,1", "--device", "ref", NULL},
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    const char *const *a = refused[i];
    int rc = drt_test_cli("map", "--grid", "4", "--npy", npy, a[0], a[1],
                          a[2], a[3], a[4], a[5], a[6], a[7]);
    ck_assert_msg(rc == DRT_EXIT_USAGE, "map %s %s -> %d", a[0], a[1], rc);
    ck_assert(!drt_test_exists(npy));
  }
  char err[4096];
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "map",
                             "--grid", "4", "--npy", npy, "--scene", scene,
                             "--bbox", "0,0,1,1", NULL),
                   DRT_EXIT_USAGE);
  ck_assert_msg(strstr(err, "wide.json: objects[0].a: coordinate -1e+308 is "
                       "outside what float computes (|x| <= 1e+17"),
                "%s", err);
  /* At the limits: computed, every value finite. */
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--npy", npy, "--tx",
                                "1e17,0.5", "--grad", NULL), 0);
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--npy", npy, "--tx",
                                "-1e152,1e152", "--device", "ref", "--grad",
                                NULL), 0);
  char header[256];
  double *v = read_npy(npy, header, sizeof header, 4 * 4 * 3);
  for (int i = 0; i < 48; i++) ck_assert_msg(isfinite(v[i]), "value %d", i);
  ck_assert(v[0] > 0 && v[0] < 1e-300); /* 1/d^2 at d ~ 1.4e152 */
  free(v);
  /* eval's points file and optimize's start. */
  const char *points = drt_test_scratch("far-points.txt");
  write_text_file(points, "0.5 0.5\n# far\n1e20 1\n");
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "eval",
                             "--points", points, NULL), DRT_EXIT_USAGE);
  ck_assert_msg(strstr(err, "far-points.txt:3: coordinate 1e+20 is outside"),
                "%s", err);
  ck_assert_int_eq(drt_test_cli("optimize", "--tx", "1e30,0", "--steps", "2",
                                "--quiet", NULL), DRT_EXIT_USAGE);
  /* The library's own refusal, for callers other than the CLI. */
  drt_context *ctx = drt_test_open_context(DRT_DEVICE_REF, DRT_PRECISION_DOUBLE);
  drt_scene *s = NULL;
  DRT_CHECK_OK(drt_scene_builtin("square", &s));
  DRT_CHECK_OK(drt_scene_add_tx(s, "far", 1e200, 0.5));
  drt_trace_options o;
  drt_trace_options_init(&o);
  double xy[2] = {0.5, 0.5}, power;
  ck_assert_int_eq(drt_eval_points(ctx, s, &o, xy, 1, &power), DRT_EINVAL);
  ck_assert_msg(strstr(drt_last_error(), "transmitters[1].position: "
                       "coordinate 1e+200 is outside what double computes"),
                "%s", drt_last_error());
  drt_scene_destroy(s);
  drt_context_destroy(ctx);
  /* The outputs' last check. */
  const double good[3] = {1, 0, -2}, bad[3] = {1, NAN, 0};
  ck_assert_int_eq(drt__cli_assert_finite("map", "cell", good, 1, 3), 0);
  ck_assert_int_eq(drt__cli_assert_finite("map", "cell", bad, 1, 3),
                   DRT_EXIT_FAILURE);
}
END_TEST

/* One rule for numbers in options, points files and scene files: a
 * non-zero number that would read as 0 or a subnormal (1e-400, 1e-310)
 * is refused as too small, not read as 0 in files and called "not
 * finite" on the command line; names must be valid UTF-8. */
START_TEST(numbers_too_small_are_refused_everywhere) {
  char err[4096], npy[160], points[160], scene[160], name[160];
  snprintf(npy, sizeof npy, "%s", drt_test_scratch("small.npy"));
  snprintf(points, sizeof points, "%s", drt_test_scratch("small.txt"));
  snprintf(scene, sizeof scene, "%s", drt_test_scratch("small.json"));
  snprintf(name, sizeof name, "%s", drt_test_scratch("name.json"));
  const char *too_small = "too small (below 2.2250738585072014e-308";
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "map",
                             "--grid", "4", "--npy", npy, "--tx", "1e-400,0.5",
                             NULL), DRT_EXIT_USAGE);
  ck_assert_msg(strstr(err, "--tx: invalid value '1e-400,0.5' (a number is ") &&
                strstr(err, too_small), "%s", err);
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--npy", npy,
                                "--smoothing", "sigmoid", "--alpha", "1e-310",
                                NULL), DRT_EXIT_USAGE);
  ck_assert(!drt_test_exists(npy));
  write_text_file(points, "0.5 0.5\n0.3 1e-400\n");
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "eval",
                             "--points", points, "--device", "ref", NULL),
                   DRT_EXIT_FAILURE);
  ck_assert_msg(strstr(err, "small.txt:2: a number is ") &&
                strstr(err, too_small), "%s", err);
  write_text_file(scene, "{\"objects\": [{\"type\": \"wall\", \"a\": "
                  "[0, 0],\n \"b\": [1, 1e-400]}]}");
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "info",
                             "--scene", scene, NULL), DRT_EXIT_FAILURE);
  ck_assert_msg(strstr(err, "small.json:2:11: number 1e-400 is too small"),
                "%s", err);
  write_text_file(name, "{\"objects\": [], \"receivers\": [{\"name\": "
                  "\"r\xc3\", \"position\": [0, 0]}]}");
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "info",
                             "--scene", name, NULL), DRT_EXIT_FAILURE);
  ck_assert_msg(strstr(err, "receivers[0].name: name is not valid UTF-8 "
                       "(byte 2, 0xC3)"), "%s", err);
  /* The smallest normal double, 0 and -0 are numbers like any other. */
  ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--npy", npy, "--tx",
                                "2.2250738585072014e-308,-0", "--device",
                                "ref", NULL), 0);
}
END_TEST

/* A POCL_CACHE_DIR that cannot hold POCL's kernel cache is named as the
 * cause, with the fix, where POCL only reports "no device" (a folder under
 * a file: it drops its device) or a build failure with an empty log (a
 * file: drt2d's own program cache emptied, so that POCL must build). */
START_TEST(unusable_pocl_cache_is_named) {
  char file[160], under[200], env[240], cache[160], err[4096];
  snprintf(file, sizeof file, "%s", drt_test_scratch("not-a-dir"));
  snprintf(cache, sizeof cache, "%s", drt_test_scratch("program-cache"));
  write_text_file(file, "x");
  snprintf(under, sizeof under, "%s/pocl", file);
  snprintf(env, sizeof env, "POCL_CACHE_DIR=%s", under);
  int status = run_drt2d_env(env, err, sizeof err, "map", "--grid", "4",
                             "--npy", drt_test_scratch("o.npy"), NULL);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%#x", status);
  char expected[1024];
  snprintf(expected, sizeof expected, "no OpenCL device found: %s cannot hold "
           "POCL's kernel cache (%s: Not a directory); point it to a "
           "writable directory, or unset it", env, file);
  ck_assert_msg(strstr(err, expected), "%s", err);
  const char *saved = getenv("DRT_CACHE_DIR");
  char kept[512] = "";
  if (saved) snprintf(kept, sizeof kept, "%s", saved);
  setenv("DRT_CACHE_DIR", cache, 1);
  snprintf(env, sizeof env, "POCL_CACHE_DIR=%s", file);
  status = run_drt2d_env(env, err, sizeof err, "map", "--grid", "4", "--npy",
                         drt_test_scratch("o.npy"), NULL);
  if (saved) setenv("DRT_CACHE_DIR", kept, 1);
  else unsetenv("DRT_CACHE_DIR");
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%#x", status);
  snprintf(expected, sizeof expected, "OpenCL build failed: %s cannot hold "
           "POCL's kernel cache (%s: Not a directory)", env, file);
  ck_assert_msg(strstr(err, expected), "%s", err);
}
END_TEST

/* Width and height of a PNG, from its IHDR chunk. */
static void png_size_of(const char *path, unsigned *width, unsigned *height) {
  unsigned char head[24];
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fread(head, 1, sizeof head, f), sizeof head);
  fclose(f);
  ck_assert_int_eq(memcmp(head + 12, "IHDR", 4), 0);
  *width = (unsigned)head[16] << 24 | head[17] << 16 | head[18] << 8 | head[19];
  *height = (unsigned)head[20] << 24 | head[21] << 16 | head[22] << 8 | head[23];
}

static int file_starts_with(const char *path, const char *text) {
  char head[16] = {0};
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  size_t n = fread(head, 1, strlen(text), f);
  fclose(f);
  return n == strlen(text) && memcmp(head, text, n) == 0;
}

/* A figure's format follows its name; --dpi sets a PNG's pixels and is a
 * usage error where no figure is a PNG. All checked before any work. */
START_TEST(figure_formats_and_dpi) {
  char err[4096], jpg[256], npy[256], svg[256], png[256], pdf[256];
  snprintf(jpg, sizeof jpg, "%s", drt_test_scratch("map.jpg"));
  snprintf(npy, sizeof npy, "%s", drt_test_scratch("map.npy"));
  snprintf(svg, sizeof svg, "%s", drt_test_scratch("map.svg"));
  snprintf(png, sizeof png, "%s", drt_test_scratch("map.png"));
  snprintf(pdf, sizeof pdf, "%s", drt_test_scratch("grad.pdf"));
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "map",
                             "--grid", "4", "--png", jpg, NULL), 2);
  ck_assert_msg(strstr(err, "--png: ") && strstr(err, "map.jpg") &&
                    strstr(err, ".png, .svg or .pdf"), "%s", err);
  ck_assert(!drt_test_exists(jpg));
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "map",
                             "--grid", "4", "--npy", npy, "--png", svg,
                             "--dpi", "100", NULL), 2);
  ck_assert_msg(strstr(err, "--dpi") != NULL, "%s", err);
  ck_assert(!drt_test_exists(npy) && !drt_test_exists(svg));
  const char *bad_dpi[] = {"5", "abc", "1e9", "nan", "-72"};
  for (size_t i = 0; i < sizeof bad_dpi / sizeof bad_dpi[0]; i++)
    ck_assert_int_eq(drt_test_cli("map", "--grid", "4", "--png", png, "--dpi",
                                  bad_dpi[i], NULL), 2);
  ck_assert_int_eq(drt_test_cli("optimize", "--steps", "1", "--json", npy,
                                "--dpi", "100", NULL), 2);
  ck_assert_int_eq(drt_test_cli("study", "--trials", "1", "--png", jpg, NULL),
                   2);
  ck_assert_int_eq(drt_test_cli("study", "--trials", "1", "--dpi", "100",
                                NULL), 2);
  /* Figures too large to draw are refused before the work: at 1200 dpi a
   * 4000-cell map is 66,667 pixels wide, a strip of 16 panels of 200 cells
   * 13 times a panel's 10,000. */
  ck_assert_int_eq(run_drt2d(NULL, "/dev/null", err, sizeof err, "map",
                             "--grid", "4000", "--png", png, "--dpi", "1200",
                             NULL), 2);
  ck_assert_msg(strstr(err, "too large") && !strstr(err, "map on "), "%s", err);
  ck_assert_int_eq(drt_test_cli("optimize", "--steps", "20", "--frames", "16",
                                "--frames-png", png, "--dpi", "600", NULL), 2);
  ck_assert_int_eq(drt_test_cli("map", "--grid", "40000x2", "--png", svg,
                                NULL), 2);
  ck_assert(!drt_test_exists(png) && !drt_test_exists(npy));
  /* Every format, and the resolution. */
  ck_assert_int_eq(drt_test_cli("map", "--grid", "8", "--png", svg,
                                "--grad-png", pdf, NULL), 0);
  ck_assert(file_starts_with(svg, "<?xml"));
  ck_assert(file_starts_with(pdf, "%PDF-"));
  unsigned w72, h72, w144, h144;
  ck_assert_int_eq(drt_test_cli("map", "--grid", "8", "--png", png, NULL), 0);
  png_size_of(png, &w72, &h72);
  ck_assert_int_eq(drt_test_cli("map", "--grid", "8", "--png", png, "--dpi",
                                "144", NULL), 0);
  png_size_of(png, &w144, &h144);
  ck_assert_uint_eq(w144, 2 * w72);
  ck_assert_uint_eq(h144, 2 * h72);
}
END_TEST

static Suite *cli_suite(void) {
  Suite *s = suite_create("cli");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_checked_fixture(tc, drt_test_scratch_create,
                            drt_test_scratch_remove);
  tcase_add_test(tc, bad_usage_exits_2_and_writes_nothing);
  tcase_add_test(tc, failures_exit_1_and_write_nothing);
  tcase_add_test(tc, work_too_large_is_refused_before_allocating);
  tcase_add_test(tc, outputs_follow_links_and_keep_devices);
  tcase_add_test(tc, map_npy_matches_library);
  tcase_add_test(tc, map_png_and_float_npy);
  tcase_add_test(tc, help_and_info_succeed);
  tcase_add_test(tc, devices_listing_reports_its_size);
  tcase_add_test(tc, stdout_write_failure_exits_1);
  tcase_add_test(tc, closed_stdout_exits_1);
  tcase_add_test(tc, stdout_failure_in_process_does_not_poison_the_next_run);
  tcase_add_test(tc, outputs_on_one_file_are_refused);
  tcase_add_test(tc, output_names_are_checked_before_work);
  tcase_add_test(tc, output_on_the_scene_file_is_refused);
  tcase_add_test(tc, long_work_is_estimated_and_stopped);
  tcase_add_test(tc, figure_formats_and_dpi);
  tcase_add_test(tc, one_error_one_line);
  tcase_add_test(tc, info_prints_huge_counts_truly);
  tcase_add_test(tc, nul_in_points_is_an_error);
  tcase_add_test(tc, dangling_links_are_written_through);
  tcase_add_test(tc, signal_during_a_write_leaves_no_temporary);
  tcase_add_test(tc, coordinates_beyond_the_precision_are_refused);
  tcase_add_test(tc, numbers_too_small_are_refused_everywhere);
  tcase_add_test(tc, unusable_pocl_cache_is_named);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return drt_test_run(cli_suite()); }
