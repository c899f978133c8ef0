/* fuzz_points.c — libFuzzer target for the points file of `drt2d eval
 * --points` (cli/cli_points.c), read in both precisions.
 *
 * Invariants besides "no crash, leak or UB":
 * - a refused file leaves no array and a drt_last_error() that starts with
 *   the file's name;
 * - an accepted file has one point per line holding anything before its
 *   '#' (counted here independently), every coordinate finite and within
 *   the precision's range, and reads back bit for bit from "%.17g" text;
 * - double accepts every file float accepts, with the same points (float's
 *   range is the narrower). */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>

#include "cli_points.h"
#include "coordinate_range.h"
#include "fuzz_common.h"

#define NAME "points.txt"

/* Lines with a character other than blanks before any '#'. */
static size_t point_lines(const uint8_t *data, size_t size) {
  size_t lines = 0;
  int seen = 0, comment = 0;
  for (size_t i = 0; i < size; i++) {
    char c = (char)data[i];
    if (c == '\n') {
      lines += seen;
      seen = comment = 0;
    } else if (c == '#') {
      comment = 1;
    } else if (!comment && c != ' ' && c != '\t' && c != '\r') {
      seen = 1;
    }
  }
  return lines + seen;
}

static int read_buffer(const void *data, size_t size, drt_precision precision,
                       double **xy, size_t *n) {
  /* fmemopen refuses a zero-length buffer: read an empty file instead. */
  static const char empty[1];
  FILE *f = size ? fmemopen((void *)data, size, "r")
                 : fmemopen((void *)empty, 1, "r");
  if (!f) drt_fuzz_fail("fmemopen", "failed");
  if (!size) fgetc(f);
  int rc = drt__points_read(f, NAME, precision, xy, n);
  fclose(f);
  return rc;
}

static void check_accepted(const uint8_t *data, size_t size,
                           drt_precision precision, const double *xy,
                           size_t n) {
  if (n != point_lines(data, size))
    drt_fuzz_fail("accepted file", "points do not match its lines");
  char *text = NULL;
  size_t text_size = 0;
  FILE *out = open_memstream(&text, &text_size);
  for (size_t i = 0; i < 2 * n; i++) {
    if (!drt__coordinate_fits(xy[i], precision) || !isfinite(xy[i]))
      drt_fuzz_fail("accepted file", "a coordinate out of range");
    fprintf(out, i % 2 ? " %.17g\n" : "%.17g", xy[i]);
  }
  fclose(out);
  double *again = NULL;
  size_t n_again = 0;
  if (read_buffer(text, text_size, precision, &again, &n_again) ||
      n_again != n ||
      (n && memcmp(again, xy, 2 * n * sizeof *xy) != 0))
    drt_fuzz_fail("round trip", "the points do not read back");
  free(again);
  free(text);
}

static int read_checked(const uint8_t *data, size_t size,
                        drt_precision precision, double **xy, size_t *n) {
  int rc = read_buffer(data, size, precision, xy, n);
  if (rc == DRT_POINTS_OK) {
    check_accepted(data, size, precision, *xy, *n);
  } else {
    if (rc != DRT_POINTS_BAD_FILE && rc != DRT_POINTS_OUT_OF_RANGE)
      drt_fuzz_fail("status", "unknown");
    if (*xy || *n) drt_fuzz_fail("refused file", "left an array");
    if (strncmp(drt_last_error(), NAME, strlen(NAME)) != 0)
      drt_fuzz_fail("error message does not start with the file name",
                    drt_last_error());
  }
  return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  double *xy_f = NULL, *xy_d = NULL;
  size_t n_f = 0, n_d = 0;
  int rc_f = read_checked(data, size, DRT_PRECISION_FLOAT, &xy_f, &n_f);
  int rc_d = read_checked(data, size, DRT_PRECISION_DOUBLE, &xy_d, &n_d);
  if (rc_f == DRT_POINTS_OK &&
      (rc_d != DRT_POINTS_OK || n_d != n_f ||
       (n_f && memcmp(xy_f, xy_d, 2 * n_f * sizeof *xy_f) != 0)))
    drt_fuzz_fail("precisions", "double refuses what float accepts");
  free(xy_f);
  free(xy_d);
  return 0;
}
