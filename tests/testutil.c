/* testutil.c — shared helpers for the Check suites. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include "testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int drt_test_run(Suite *suite) {
  SRunner *runner = srunner_create(suite);
  srunner_set_fork_status(runner, CK_NOFORK);
  srunner_run_all(runner, CK_NORMAL);
  int failed = srunner_ntests_failed(runner);
  srunner_free(runner);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static const char *data_path(const char *variable, const char *fallback,
                             const char *name) {
  static char path[4096];
  const char *dir = getenv(variable);
  snprintf(path, sizeof path, "%s/%s", dir ? dir : fallback, name);
  return path;
}

const char *drt_test_data(const char *name) {
  return data_path("DRT_TEST_DATA", "tests/data", name);
}

drt_context *drt_test_open_context(drt_device_kind device,
                                   drt_precision precision) {
  drt_context_options o;
  drt_context_options_init(&o);
  o.device = device;
  o.precision = precision;
  drt_context *ctx = NULL;
  drt_status status = drt_context_create(&o, &ctx);
  ck_assert_msg(status == DRT_OK, "context: %s", drt_last_error());
  return ctx;
}

int drt_test_cli(const char *first, ...) {
  char *argv[64] = {"drt2d", (char *)first};
  int argc = 2;
  va_list args;
  va_start(args, first);
  const char *a;
  while ((a = va_arg(args, const char *)) && argc < 63)
    argv[argc++] = (char *)a;
  va_end(args);
  fflush(stdout);
  return drt_cli_main(argc, argv);
}

int drt_test_cli_captured(const char *stdout_path, int argc, char **argv) {
  fflush(stdout);
  int saved = dup(STDOUT_FILENO);
  int fd = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert(saved >= 0 && fd >= 0);
  dup2(fd, STDOUT_FILENO);
  close(fd);
  int rc = drt_cli_main(argc, argv);
  fflush(stdout);
  dup2(saved, STDOUT_FILENO);
  close(saved);
  return rc;
}

static char scratch_dir[64];

void drt_test_scratch_create(void) {
  snprintf(scratch_dir, sizeof scratch_dir, "/tmp/drt2d-test-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(scratch_dir));
}

void drt_test_scratch_remove(void) {
  char command[128];
  snprintf(command, sizeof command, "rm -rf %s", scratch_dir);
  ck_assert_int_eq(system(command), 0);
}

const char *drt_test_scratch(const char *name) {
  static char path[4][128];
  static int which;
  which = (which + 1) % 4;
  snprintf(path[which], sizeof path[which], "%s/%s", scratch_dir, name);
  return path[which];
}

int drt_test_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}
