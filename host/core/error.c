/* error.c — status codes, their texts, and the per-thread last-error message. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_error[8192];

const char *drt_strerror(drt_status status) {
  switch (status) {
#define DRT__STATUS_TEXT(name, code, text)                                     \
  case DRT_##name:                                                             \
    return text;
    DRT_STATUS_MAP(DRT__STATUS_TEXT)
#undef DRT__STATUS_TEXT
  }
  return "unknown status";
}

const char *drt_status_name(drt_status status) {
  switch (status) {
#define DRT__STATUS_NAME(name, code, text)                                     \
  case DRT_##name:                                                             \
    return "DRT_" #name;
    DRT_STATUS_MAP(DRT__STATUS_NAME)
#undef DRT__STATUS_NAME
  }
  return "DRT_UNKNOWN";
}

const char *drt_last_error(void) { return last_error; }

void drt__clear_error(void) { last_error[0] = '\0'; }

drt_status drt__fail(drt_status status, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(last_error, sizeof last_error, format, args);
  va_end(args);
  return status;
}
