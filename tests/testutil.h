/* testutil.h — shared helpers for the Check suites. */
#ifndef DRT_TESTS_TESTUTIL_H
#define DRT_TESTS_TESTUTIL_H

#include <check.h>

#include "drt2d.h"

/* Runs the suite without forking (OpenCL runtimes do not survive fork),
 * prints Check's summary, returns the process exit code. */
int drt_test_run(Suite *suite);

/* Path of a file in tests/data (DRT_TEST_DATA); the returned buffer is
 * static, valid until the next call. */
const char *drt_test_data(const char *name);

/* A context on the given device and precision; fails the test if none. */
drt_context *drt_test_open_context(drt_device_kind device,
                                   drt_precision precision);

/* Runs drt2d in-process with a NULL-terminated argument list (stdout
 * flushed first); returns its exit code. */
int drt_test_cli(const char *first, ...);
/* Runs drt2d in-process on argv (argv[0] "drt2d") with its standard
 * output written into the file stdout_path; returns its exit code. */
int drt_test_cli_captured(const char *stdout_path, int argc, char **argv);

/* A fresh scratch directory (a checked fixture's setup) and its removal
 * (the teardown); drt_test_scratch(name) is a path inside it, valid for the
 * next 3 calls. */
void drt_test_scratch_create(void);
void drt_test_scratch_remove(void);
const char *drt_test_scratch(const char *name);
int drt_test_exists(const char *path);

/* Asserts status == DRT_OK, printing drt_last_error() otherwise. */
#define DRT_CHECK_OK(expr)                                                     \
  do {                                                                         \
    drt_status drt_check_status_ = (expr);                                     \
    ck_assert_msg(drt_check_status_ == DRT_OK, "%s -> %s: %s", #expr,          \
                  drt_status_name(drt_check_status_), drt_last_error());       \
  } while (0)

#endif
