/* format.c — shortest exact decimal text for doubles. */
#include "format.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* %.17g always reads back exactly; the shorter forms keep 0.1 as "0.1". */
void drt__format_double(double value, char out[DRT_NUMBER_CHARS]) {
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(out, DRT_NUMBER_CHARS, "%.*g", digits, value);
    if (strtod(out, NULL) == value) break;
  }
  /* A locale with a decimal comma must not leak into JSON. */
  const char *point = localeconv()->decimal_point;
  if (point[0] != '.' && point[0] != '\0') {
    char *found = strchr(out, point[0]);
    if (found) *found = '.';
  }
}
