/* error.h — recording the details of the last failure on this thread. */
#ifndef DRT_HOST_ERROR_H
#define DRT_HOST_ERROR_H

#include "drt2d.h"

/* Records a printf-style message as drt_last_error() and returns status, so
 * a failing path reads `return drt__fail(DRT_EINVAL, "...", ...);`. */
drt_status drt__fail(drt_status status, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Empties drt_last_error(). Every public function that returns a
 * drt_status calls it first, so that the message always belongs to the
 * caller's last such call. */
void drt__clear_error(void);

#endif
