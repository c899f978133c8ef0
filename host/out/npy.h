/* npy.h — writing arrays in NumPy's .npy format (version 1.0). */
#ifndef DRT_HOST_NPY_H
#define DRT_HOST_NPY_H

#include <stddef.h>

#include "drt2d.h"

/* Writes a C-order array of doubles with the given shape (up to 3 axes),
 * stored as float64, or as float32 when as_float32 (values rounded once).
 * Atomic: a failure leaves no file. */
drt_status drt__npy_write(const char *path, const double *data,
                          const size_t *shape, int n_axes, int as_float32);

#endif
