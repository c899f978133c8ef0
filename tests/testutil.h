/* testutil.h — shared helpers for the Check suites. */
#ifndef DRT_TESTS_TESTUTIL_H
#define DRT_TESTS_TESTUTIL_H

#include <check.h>

#include "drt2d.h"

/* Runs the suite without forking (OpenCL runtimes do not survive fork),
 * prints Check's summary, returns the process exit code. */
int drt_test_run(Suite *suite);

/* Path of a file in ../shared/data (DRT_SHARED_DATA) or tests/data
 * (DRT_TEST_DATA); the returned buffer is static, valid until next call. */
const char *drt_test_shared_data(const char *name);
const char *drt_test_data(const char *name);

/* A context on the given device and precision; fails the test if none. */
drt_context *drt_test_open_context(drt_device_kind device,
                                   drt_precision precision);

/* Asserts status == DRT_OK, printing drt_last_error() otherwise. */
#define DRT_CHECK_OK(expr)                                                     \
  do {                                                                         \
    drt_status drt_check_status_ = (expr);                                     \
    ck_assert_msg(drt_check_status_ == DRT_OK, "%s -> %s: %s", #expr,          \
                  drt_status_name(drt_check_status_), drt_last_error());       \
  } while (0)

#endif
