/* format.h — numbers written as text that reads back exactly. */
#ifndef DRT_HOST_FORMAT_H
#define DRT_HOST_FORMAT_H

#define DRT_NUMBER_CHARS 32

/* The shortest of %.15g, %.16g, %.17g that reads back as the same double,
 * with a '.' decimal point whatever the locale. */
void drt__format_double(double value, char out[DRT_NUMBER_CHARS]);

#endif
