/* colormap.h — a perceptually uniform sequential colour map. */
#ifndef DRT_HOST_COLORMAP_H
#define DRT_HOST_COLORMAP_H

#include <stdint.h>

/* sRGB colour of t in [0, 1] (clamped): dark blue-violet at 0 through
 * teal and green to light yellow at 1, CIE L* rising linearly with t. */
void drt__colormap(double t, uint8_t rgb[3]);

#endif
