/* fuzz_common.h — invariants shared by the scene-loader fuzz targets. */
#ifndef DRT_FUZZ_COMMON_H
#define DRT_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drt2d.h"

/* Any broken invariant is reported as a crash, which libFuzzer saves. */
static inline void drt_fuzz_fail(const char *what, const char *detail) {
  fprintf(stderr, "fuzz invariant broken: %s: %s\n", what, detail);
  abort();
}

/* A failing load must say why, and name the input as the user named it:
 * the CLI prints only drt_last_error(). */
static inline void drt_fuzz_check_error(drt_status status, const char *name) {
  if (status >= 0) drt_fuzz_fail("status", drt_status_name(status));
  const char *message = drt_last_error();
  if (strncmp(message, name, strlen(name)) != 0)
    drt_fuzz_fail("error message does not start with the file name",
                  message);
}

#endif
