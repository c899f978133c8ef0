/* font.h — a tiny built-in bitmap font for figure labels (no font files). */
#ifndef DRT_HOST_FONT_H
#define DRT_HOST_FONT_H

#include <stdint.h>

/* Glyph cell size in pixels at scale 1. */
#define DRT_FONT_WIDTH 5
#define DRT_FONT_HEIGHT 7

/* Draws text into an RGB image (row-major, 3 bytes a pixel, row 0 at the
 * top) with its top-left corner at (x, y), each font pixel a scale x scale
 * block; pixels outside the image are skipped. Characters without a glyph
 * are drawn as a box. Returns the width drawn, in pixels. */
int drt__font_draw(uint8_t *rgb, int width, int height, int x, int y,
                   const char *text, int scale, const uint8_t colour[3]);
/* Width in pixels that drt__font_draw would use. */
int drt__font_text_width(const char *text, int scale);

#endif
