/* number.h — the one reader of decimal numbers for every input (option
 * values, points files, JSON and GeoJSON scene files), so that one text
 * means one thing everywhere; and the check of UTF-8 text. */
#ifndef DRT_HOST_NUMBER_H
#define DRT_HOST_NUMBER_H

#include <stddef.h>

typedef enum drt__number_verdict {
  DRT_NUMBER_OK,
  DRT_NUMBER_MALFORMED, /* not a number, or more than one */
  DRT_NUMBER_NOT_FINITE, /* inf, nan, or beyond the doubles (1e999) */
  DRT_NUMBER_TOO_SMALL   /* non-zero text that reads as 0 or a subnormal
                            (1e-400, 1e-310): its digits would be lost */
} drt__number_verdict;

/* Reads exactly [text, end) as one number (strtod's syntax, no white
 * space around it) into *value when DRT_NUMBER_OK. */
drt__number_verdict drt__read_number(const char *text, const char *end,
                                     double *value);

/* Why a verdict refuses, for messages: "not a number", "not finite (out
 * of range)", "too small (below 2.2250738585072014e-308, the smallest
 * normal double, it would lose its digits or read as 0)". */
const char *drt__number_problem(drt__number_verdict verdict);

/* The offset of the first byte of text that is not part of valid UTF-8
 * (overlong forms, surrogates and code points past U+10FFFF are not), or
 * -1 when all of it is valid. */
long drt__utf8_invalid_at(const char *text);

#endif
