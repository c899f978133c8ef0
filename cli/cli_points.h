/* cli_points.h — the points file of `drt2d eval --points`: one "x y" pair a
 * line, blank lines and '#' comments allowed. Parsed from a stream, so that
 * the fuzz target reads the same code from memory. */
#ifndef DRT_CLI_POINTS_H
#define DRT_CLI_POINTS_H

#include <stddef.h>
#include <stdio.h>

#include "drt2d.h"

/* What drt__points_read found wrong. */
enum {
  DRT_POINTS_OK = 0,
  DRT_POINTS_BAD_FILE = -1,  /* unreadable, malformed, out of memory */
  DRT_POINTS_OUT_OF_RANGE = -2 /* a coordinate `precision` cannot compute
                                  (a usage error of the command) */
};

/* Reads every point of f into *xy (2 n values, malloc'd; NULL when n is 0
 * or on failure) and *n. On failure returns DRT_POINTS_BAD_FILE or
 * DRT_POINTS_OUT_OF_RANGE and drt_last_error() says why, starting with
 * "<shown>:<line>: " (or "<shown>: " for a read error). */
int drt__points_read(FILE *f, const char *shown, drt_precision precision,
                     double **xy, size_t *n);

#endif
