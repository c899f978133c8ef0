/* error.h — recording the details of the last failure on this thread. */
#ifndef DRT_HOST_ERROR_H
#define DRT_HOST_ERROR_H

#include "drt2d.h"

/* Records a printf-style message as drt_last_error() and returns status, so
 * a failing path reads `return drt__fail(DRT_EINVAL, "...", ...);`. */
drt_status drt__fail(drt_status status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Empties drt_last_error(). */
void drt__clear_error(void);

#endif
