/* figure_bars.c — grouped bar charts with whiskers, drawn with the
 * built-in font and written by the figure module's PNG writer. */
#include "figure_bars.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "figure.h"
#include "font.h"

#define WIDTH 800
#define HEIGHT 520
#define TEXT 2 /* font scale */
#define LEFT 90
#define RIGHT 30
#define TOP 60
#define BOTTOM 100

typedef struct image {
  uint8_t *rgb;
} image;

static const uint8_t BLACK[3] = {0, 0, 0};
static const uint8_t GRID[3] = {215, 215, 215};
/* Series colours: a blue and an orange, told apart in grey scale too. */
static const uint8_t SERIES[DRT_BARS_MAX_SERIES][3] = {
    {70, 110, 170}, {235, 140, 40}, {90, 160, 90}, {160, 80, 150}};

static void fill(image *im, int x0, int y0, int x1, int y1,
                 const uint8_t c[3]) {
  for (int y = y0 < 0 ? 0 : y0; y < y1 && y < HEIGHT; y++)
    for (int x = x0 < 0 ? 0 : x0; x < x1 && x < WIDTH; x++)
      memcpy(im->rgb + ((size_t)y * WIDTH + x) * 3, c, 3);
}

static void text(image *im, int x, int y, const char *s) {
  drt__font_draw(im->rgb, WIDTH, HEIGHT, x, y, s, TEXT, BLACK);
}

static void centred(image *im, int cx, int y, const char *s) {
  text(im, cx - drt__font_text_width(s, TEXT) / 2, y, s);
}

/* Pixel row of a rate in [0, 1]. */
static int rate_y(double v) {
  double clamped = v < 0 ? 0 : v > 1 ? 1 : v;
  return HEIGHT - BOTTOM - (int)lround(clamped * (HEIGHT - BOTTOM - TOP));
}

static void draw_axes(image *im) {
  char label[16];
  for (int pct = 0; pct <= 100; pct += 20) {
    int y = rate_y(pct / 100.0);
    fill(im, LEFT, y, WIDTH - RIGHT, y + 1, GRID);
    snprintf(label, sizeof label, "%d%%", pct);
    text(im, LEFT - 10 - drt__font_text_width(label, TEXT), y - 7, label);
  }
  fill(im, LEFT - 2, TOP, LEFT, HEIGHT - BOTTOM + 2, BLACK);
  fill(im, LEFT - 2, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM + 2, BLACK);
}

/* One bar with its whisker (a vertical line with caps). */
static void draw_bar(image *im, int x0, int x1, double v, double lo, double hi,
                     const uint8_t c[3]) {
  if (isnan(v)) return;
  fill(im, x0, rate_y(v), x1, HEIGHT - BOTTOM, c);
  if (isnan(lo) || isnan(hi)) return;
  int cx = (x0 + x1) / 2, top = rate_y(hi), bottom = rate_y(lo);
  fill(im, cx - 1, top, cx + 1, bottom + 1, BLACK);
  fill(im, cx - 6, top - 1, cx + 6, top + 1, BLACK);
  fill(im, cx - 6, bottom - 1, cx + 6, bottom + 1, BLACK);
}

static void draw_groups(image *im, const drt__bar_chart *c) {
  int span = (WIDTH - LEFT - RIGHT) / c->n_groups;
  int bar = span * 3 / 4 / c->n_series;
  for (int g = 0; g < c->n_groups; g++) {
    int x = LEFT + g * span + (span - bar * c->n_series) / 2;
    for (int s = 0; s < c->n_series; s++, x += bar)
      draw_bar(im, x + 2, x + bar - 2, c->value[g][s], c->lo[g][s],
               c->hi[g][s], SERIES[s]);
    centred(im, LEFT + g * span + span / 2, HEIGHT - BOTTOM + 12,
            c->group_label[g]);
  }
}

static void draw_legend(image *im, const drt__bar_chart *c) {
  int x = LEFT, y = HEIGHT - BOTTOM + 50;
  for (int s = 0; s < c->n_series; s++) {
    fill(im, x, y, x + 24, y + 14, SERIES[s]);
    x += 32;
    text(im, x, y, c->series_label[s]);
    x += drt__font_text_width(c->series_label[s], TEXT) + 40;
  }
}

drt_status drt__bar_chart_write_png(const drt__bar_chart *c, const char *path) {
  if (c->n_groups < 1 || c->n_groups > DRT_BARS_MAX_GROUPS ||
      c->n_series < 1 || c->n_series > DRT_BARS_MAX_SERIES)
    return drt__fail(DRT_EINVAL, "%s: a bar chart needs 1-%d groups of 1-%d "
                     "series", path, DRT_BARS_MAX_GROUPS, DRT_BARS_MAX_SERIES);
  image im = {malloc((size_t)WIDTH * HEIGHT * 3)};
  if (!im.rgb) return drt__fail(DRT_ENOMEM, "%s: out of memory", path);
  memset(im.rgb, 255, (size_t)WIDTH * HEIGHT * 3);
  draw_axes(&im);
  draw_groups(&im, c);
  draw_legend(&im, c);
  if (c->title) centred(&im, WIDTH / 2, TOP / 2 - 7, c->title);
  drt_status status = drt__png_write_rgb(im.rgb, WIDTH, HEIGHT, path);
  free(im.rgb);
  return status;
}
