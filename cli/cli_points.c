/* cli_points.c — the points file of `drt2d eval --points` (cli_points.h). */
#define _POSIX_C_SOURCE 200809L
#include "cli_points.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "coordinate_range.h"
#include "error.h"
#include "number.h"

/* Appends one point to a growing array. */
static int push_point(double **xy, size_t *n, size_t *cap, double x,
                      double y) {
  if (*n == *cap) {
    size_t grown_cap = *cap ? 2 * *cap : 1024;
    double *grown = realloc(*xy, 2 * grown_cap * sizeof *grown);
    if (!grown) return -1;
    *xy = grown;
    *cap = grown_cap;
  }
  (*xy)[2 * *n] = x;
  (*xy)[2 * *n + 1] = y;
  (*n)++;
  return 0;
}

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Parses one line: blank or comment (DRT_NUMBER_OK, *got = 0), "x y"
 * (DRT_NUMBER_OK, *got = 1), or the reader's verdict on the first field
 * that is no finite number (a line of one or three fields: malformed). */
static drt__number_verdict parse_point_line(char *line, double xy[2],
                                            int *got) {
  char *hash = strchr(line, '#');
  if (hash) *hash = '\0';
  *got = 0;
  char *p = line;
  int fields = 0;
  while (*p) {
    while (is_blank(*p)) p++;
    if (!*p) break;
    char *end = p;
    while (*end && !is_blank(*end)) end++;
    if (fields == 2) return DRT_NUMBER_MALFORMED;
    drt__number_verdict verdict = drt__read_number(p, end, &xy[fields++]);
    if (verdict) return verdict;
    p = end;
  }
  if (fields == 1) return DRT_NUMBER_MALFORMED;
  *got = fields == 2;
  return DRT_NUMBER_OK;
}

/* One line's point into the array (*got: whether it held one), or the
 * reason it cannot be read, recorded as drt_last_error(). */
static int read_line(char *line, size_t length, const char *shown,
                     long line_no, drt_precision precision, double xy[2],
                     int *got) {
  /* The parser reads C strings: a NUL would end the line early and hide
   * what follows it. */
  if (memchr(line, '\0', length)) {
    drt__fail(DRT_EPARSE, "%s:%ld: a NUL byte in the line", shown, line_no);
    return DRT_POINTS_BAD_FILE;
  }
  drt__number_verdict verdict = parse_point_line(line, xy, got);
  if (verdict == DRT_NUMBER_TOO_SMALL) {
    drt__fail(DRT_EPARSE, "%s:%ld: a number is %s", shown, line_no,
              drt__number_problem(verdict));
    return DRT_POINTS_BAD_FILE;
  }
  if (verdict) {
    drt__fail(DRT_EPARSE, "%s:%ld: expected two finite numbers 'x y'", shown,
              line_no);
    return DRT_POINTS_BAD_FILE;
  }
  if (*got && !(drt__coordinate_fits(xy[0], precision) &&
                drt__coordinate_fits(xy[1], precision))) {
    char locator[4096];
    snprintf(locator, sizeof locator, "%s:%ld", shown, line_no);
    drt__range_fail(locator,
                    drt__coordinate_fits(xy[0], precision) ? xy[1] : xy[0],
                    precision);
    return DRT_POINTS_OUT_OF_RANGE;
  }
  return DRT_POINTS_OK;
}

int drt__points_read(FILE *f, const char *shown, drt_precision precision,
                     double **xy_out, size_t *n) {
  char *line = NULL;
  size_t line_cap = 0, cap = 0;
  long line_no = 0;
  int rc = DRT_POINTS_OK;
  *xy_out = NULL;
  *n = 0;
  ssize_t length;
  errno = 0;
  while (rc == DRT_POINTS_OK &&
         (length = getline(&line, &line_cap, f)) != -1) {
    double xy[2];
    int got = 0;
    rc = read_line(line, (size_t)length, shown, ++line_no, precision, xy,
                   &got);
    if (rc == DRT_POINTS_OK && got && push_point(xy_out, n, &cap, xy[0], xy[1])) {
      drt__fail(DRT_ENOMEM, "%s: out of memory", shown);
      rc = DRT_POINTS_BAD_FILE;
    }
  }
  if (rc == DRT_POINTS_OK && ferror(f)) {
    drt__fail(DRT_EIO, "%s: read error%s%s", shown, errno ? ": " : "",
              errno ? strerror(errno) : "");
    rc = DRT_POINTS_BAD_FILE;
  }
  free(line);
  if (rc) {
    free(*xy_out);
    *xy_out = NULL;
    *n = 0;
  }
  return rc;
}
