/* testutil.c — shared helpers for the Check suites. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

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

const char *drt_test_shared_data(const char *name) {
  return data_path("DRT_SHARED_DATA", "../shared/data", name);
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
