/* text.c — figure labels through cairo's font API and fontconfig. */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FONT_FAMILY "DejaVu Sans"
#define MAX_TEXT 512 /* bytes of a label; longer ones are cut */

void drt__text_font(cairo_t *cr, double size) {
  cairo_select_font_face(cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_font_options_t *options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
  cairo_set_font_options(cr, options);
  cairo_font_options_destroy(options);
}

cairo_t *drt__text_measurer(void) {
  cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
  cairo_t *cr = cairo_create(surface);
  cairo_surface_destroy(surface); /* cr holds its own reference */
  if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
    cairo_destroy(cr);
    return NULL;
  }
  return cr;
}

/* Length of the valid UTF-8 sequence at s, or 0 (overlong forms,
 * surrogates and code points past U+10FFFF are invalid too). */
static size_t utf8_sequence(const unsigned char *s) {
  if (s[0] < 0x80) return 1;
  size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
  if (n == 0 || s[0] > 0xF4) return 0;
  uint32_t code = s[0] & (0x7F >> n);
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    code = code << 6 | (s[i] & 0x3F);
  }
  static const uint32_t smallest[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < smallest[n] || code > 0x10FFFF ||
      (code >= 0xD800 && code <= 0xDFFF))
    return 0;
  return n;
}

void drt__text_clean(const char *text, char *out, size_t cap) {
  const unsigned char *s = (const unsigned char *)(text ? text : "");
  size_t used = 0;
  while (*s) {
    size_t n = utf8_sequence(s);
    if (used + (n ? n : 1) >= cap) break;
    if (n) memcpy(out + used, s, n);
    else out[used] = '?';
    used += n ? n : 1;
    s += n ? n : 1;
  }
  out[used] = '\0';
}

double drt__text_width(cairo_t *cr, const char *text) {
  char clean[MAX_TEXT];
  drt__text_clean(text, clean, sizeof clean);
  cairo_text_extents_t extents;
  cairo_text_extents(cr, clean, &extents);
  return extents.x_advance;
}

double drt__text_height(cairo_t *cr) {
  cairo_font_extents_t extents;
  cairo_font_extents(cr, &extents);
  return extents.ascent + extents.descent;
}

static double ascent(cairo_t *cr) {
  cairo_font_extents_t extents;
  cairo_font_extents(cr, &extents);
  return extents.ascent;
}

void drt__text_draw(cairo_t *cr, double x, double top, const char *text) {
  char clean[MAX_TEXT];
  drt__text_clean(text, clean, sizeof clean);
  cairo_move_to(cr, x, top + ascent(cr));
  cairo_show_text(cr, clean);
}

void drt__text_draw_haloed(cairo_t *cr, double x, double top,
                           const char *text, double halo) {
  char clean[MAX_TEXT];
  drt__text_clean(text, clean, sizeof clean);
  cairo_save(cr);
  cairo_new_path(cr);
  cairo_move_to(cr, x, top + ascent(cr));
  cairo_text_path(cr, clean);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_width(cr, 2.0 * halo);
  cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
  cairo_stroke_preserve(cr);
  cairo_set_source_rgb(cr, 0.0, 0.0, 0.0);
  cairo_fill(cr);
  cairo_restore(cr);
}

void drt__text_draw_upwards(cairo_t *cr, double x, double y_bottom,
                            const char *text) {
  cairo_save(cr);
  cairo_translate(cr, x, y_bottom);
  cairo_rotate(cr, -1.5707963267948966); /* a quarter turn left */
  drt__text_draw(cr, 0.0, 0.0, text);
  cairo_restore(cr);
}
