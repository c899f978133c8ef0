/* number.c — one rule for numbers, whichever input they come from. */
#include "number.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

drt__number_verdict drt__read_number(const char *text, const char *end,
                                     double *value) {
  char buf[128];
  size_t len = (size_t)(end - text);
  if (len == 0 || len >= sizeof buf || text[0] == ' ' || text[0] == '\t' ||
      text[0] == '\n' || text[0] == '\r' || memchr(text, '\0', len))
    return DRT_NUMBER_MALFORMED;
  memcpy(buf, text, len);
  buf[len] = '\0';
  char *stop;
  errno = 0;
  double v = strtod(buf, &stop);
  if (*stop != '\0') return DRT_NUMBER_MALFORMED;
  /* strtod sets ERANGE both past DBL_MAX and below DBL_MIN: the size of
   * the result tells them apart. */
  if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1))
    return DRT_NUMBER_NOT_FINITE;
  if ((errno == ERANGE && fabs(v) <= DBL_MIN) ||
      fpclassify(v) == FP_SUBNORMAL)
    return DRT_NUMBER_TOO_SMALL;
  *value = v;
  return DRT_NUMBER_OK;
}

const char *drt__number_problem(drt__number_verdict verdict) {
  switch (verdict) {
  case DRT_NUMBER_MALFORMED: return "not a number";
  case DRT_NUMBER_NOT_FINITE: return "not finite (out of range)";
  case DRT_NUMBER_TOO_SMALL:
    return "too small (below 2.2250738585072014e-308, the smallest normal "
           "double, it would lose its digits or read as 0)";
  default: return "a number";
  }
}

/* The length of the valid UTF-8 sequence at p, or 0. */
static int utf8_sequence(const unsigned char *p) {
  if (p[0] < 0x80) return 1;
  int n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
  if (n == 0 || p[0] > 0xF4) return 0;
  unsigned long cp = p[0] & (0x3F >> (n - 1));
  for (int i = 1; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = cp << 6 | (p[i] & 0x3F);
  }
  static const unsigned long least[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

long drt__utf8_invalid_at(const char *text) {
  const unsigned char *p = (const unsigned char *)text;
  while (*p) {
    int n = utf8_sequence(p);
    if (!n) return (long)(p - (const unsigned char *)text);
    p += n;
  }
  return -1;
}
