/* figure_bars.c — grouped bar charts with whiskers, drawn with cairo. */
#include "figure_bars.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "drawing.h"
#include "error.h"
#include "text.h"

/* The chart's box, in points. */
#define WIDTH 800.0
#define HEIGHT 520.0
#define LEFT 90.0
#define RIGHT 30.0
#define TOP 60.0
#define BOTTOM 100.0
#define FONT 14.0
#define TITLE_FONT 16.0

typedef struct rgb {
  double r, g, b;
} rgb;

/* Series colours: a blue and an orange, told apart in grey scale too. */
static const rgb SERIES[DRT_BARS_MAX_SERIES] = {{0.275, 0.431, 0.667},
                                                {0.922, 0.549, 0.157},
                                                {0.353, 0.627, 0.353},
                                                {0.627, 0.314, 0.588}};

static void fill(cairo_t *cr, double x0, double y0, double x1, double y1,
                 rgb c) {
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
  cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
  cairo_fill(cr);
}

static void line(cairo_t *cr, double x0, double y0, double x1, double y1,
                 double width, rgb c) {
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
  cairo_set_line_width(cr, width);
  cairo_move_to(cr, x0, y0);
  cairo_line_to(cr, x1, y1);
  cairo_stroke(cr);
}

static void centred(cairo_t *cr, double cx, double top, const char *s) {
  cairo_set_source_rgb(cr, 0, 0, 0);
  drt__text_draw(cr, cx - 0.5 * drt__text_width(cr, s), top, s);
}

/* Height on the page of a rate in [0, 1]. */
static double rate_y(double v) {
  double clamped = v < 0 ? 0 : v > 1 ? 1 : v;
  return HEIGHT - BOTTOM - clamped * (HEIGHT - BOTTOM - TOP);
}

static void draw_axes(cairo_t *cr) {
  const rgb black = {0, 0, 0}, grid = {0.84, 0.84, 0.84};
  char label[16];
  for (int pct = 0; pct <= 100; pct += 20) {
    double y = rate_y(pct / 100.0);
    line(cr, LEFT, y, WIDTH - RIGHT, y, 1.0, grid);
    snprintf(label, sizeof label, "%d%%", pct);
    cairo_set_source_rgb(cr, 0, 0, 0);
    drt__text_draw(cr, LEFT - 10 - drt__text_width(cr, label),
                   y - 0.5 * drt__text_height(cr), label);
  }
  line(cr, LEFT - 1, TOP, LEFT - 1, HEIGHT - BOTTOM + 2, 2.0, black);
  line(cr, LEFT - 2, HEIGHT - BOTTOM + 1, WIDTH - RIGHT, HEIGHT - BOTTOM + 1,
       2.0, black);
}

/* One bar with its whisker (a vertical line with caps). */
static void draw_bar(cairo_t *cr, double x0, double x1, double v, double lo,
                     double hi, rgb c) {
  const rgb black = {0, 0, 0};
  if (isnan(v)) return;
  fill(cr, x0, rate_y(v), x1, HEIGHT - BOTTOM, c);
  if (isnan(lo) || isnan(hi)) return;
  double cx = 0.5 * (x0 + x1), top = rate_y(hi), bottom = rate_y(lo);
  line(cr, cx, top, cx, bottom, 2.0, black);
  line(cr, cx - 6, top, cx + 6, top, 2.0, black);
  line(cr, cx - 6, bottom, cx + 6, bottom, 2.0, black);
}

static void draw_groups(cairo_t *cr, const drt__bar_chart *c) {
  double span = (WIDTH - LEFT - RIGHT) / c->n_groups;
  double bar = span * 0.75 / c->n_series;
  for (int g = 0; g < c->n_groups; g++) {
    double x = LEFT + g * span + 0.5 * (span - bar * c->n_series);
    for (int s = 0; s < c->n_series; s++, x += bar)
      draw_bar(cr, x + 2, x + bar - 2, c->value[g][s], c->lo[g][s],
               c->hi[g][s], SERIES[s]);
    centred(cr, LEFT + g * span + 0.5 * span, HEIGHT - BOTTOM + 12,
            c->group_label[g]);
  }
}

static void draw_legend(cairo_t *cr, const drt__bar_chart *c) {
  double x = LEFT, y = HEIGHT - BOTTOM + 50;
  for (int s = 0; s < c->n_series; s++) {
    fill(cr, x, y, x + 24, y + 14, SERIES[s]);
    x += 32;
    cairo_set_source_rgb(cr, 0, 0, 0);
    drt__text_draw(cr, x, y + 7 - 0.5 * drt__text_height(cr),
                   c->series_label[s]);
    x += drt__text_width(cr, c->series_label[s]) + 40;
  }
}

drt_status drt__bar_chart_write(const drt__bar_chart *c, const char *path,
                                double dpi) {
  if (c->n_groups < 1 || c->n_groups > DRT_BARS_MAX_GROUPS ||
      c->n_series < 1 || c->n_series > DRT_BARS_MAX_SERIES)
    return drt__fail(DRT_EINVAL, "%s: a bar chart needs 1-%d groups of 1-%d "
                     "series", path, DRT_BARS_MAX_GROUPS, DRT_BARS_MAX_SERIES);
  drt__drawing d;
  drt_status status = drt__drawing_begin(&d, path, WIDTH, HEIGHT, dpi);
  if (status != DRT_OK) return status;
  drt__text_font(d.cr, FONT);
  draw_axes(d.cr);
  draw_groups(d.cr, c);
  draw_legend(d.cr, c);
  if (c->title) {
    drt__text_font(d.cr, TITLE_FONT);
    centred(d.cr, 0.5 * WIDTH, 0.5 * TOP - 0.5 * drt__text_height(d.cr),
            c->title);
  }
  return drt__drawing_end(&d);
}
