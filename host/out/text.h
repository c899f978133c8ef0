/* text.h — figure labels in a real sans-serif font (DejaVu Sans, found
 * through fontconfig) with cairo: measured and placed by the top-left
 * corner of their box, so layouts are written like those of boxes. */
#ifndef DRT_HOST_TEXT_H
#define DRT_HOST_TEXT_H

#include <cairo.h>
#include <stddef.h>

/* Selects the figure font at `size` points on cr. Metrics are unhinted,
 * so a text measures the same on every surface and at every resolution. */
void drt__text_font(cairo_t *cr, double size);

/* A context for measuring text before the drawing exists; NULL if cairo
 * has no memory. Free with cairo_destroy. */
cairo_t *drt__text_measurer(void);

/* Advance width of text in the current font, in points. */
double drt__text_width(cairo_t *cr, const char *text);
/* Height of a line's box (ascent + descent) in the current font. */
double drt__text_height(cairo_t *cr);

/* Draws text with its box's top-left corner at (x, top). */
void drt__text_draw(cairo_t *cr, double x, double top, const char *text);
/* The same in black with a white halo `halo` points wide, legible on any
 * colour of a map. */
void drt__text_draw_haloed(cairo_t *cr, double x, double top,
                           const char *text, double halo);
/* Text reading upwards: its box's top edge on the line x, its start at
 * y_bottom. */
void drt__text_draw_upwards(cairo_t *cr, double x, double y_bottom,
                            const char *text);

/* Copies text into out (cap bytes, cap >= 4), each byte that does not
 * begin a valid UTF-8 sequence replaced by '?': cairo refuses to draw
 * invalid UTF-8, and names come from files. Truncates at a character. */
void drt__text_clean(const char *text, char *out, size_t cap);

#endif
