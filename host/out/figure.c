/* figure.c — power maps drawn as PNG figures: map, axes, colour bar, scene. */
#include "figure.h"

#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "colormap.h"
#include "error.h"
#include "font.h"

/* Layout rules (all sizes in pixels):
 * - the map draws grid cell (row r, column c) as a block of cell_x by
 *   cell_y pixels (nearest neighbour), row 0 (south) at the bottom, so the
 *   map is nx*cell_x by ny*cell_y; cells are square, cell = ceil(500 /
 *   max(nx, ny)) when the grid is smaller than 500 cells on its longer side
 *   and 1 otherwise, except that a side still under 100 pixels (a strip
 *   such as 1000 x 1) is stretched by ceil(100 / n) so it stays readable;
 * - text is drawn at font scale f = max(2, longer map side / 300), capped
 *   at the shorter side / 40 for strips, the title too; about five
 *   "nice" ticks (1, 2, 5 x 10^k) an axis, fewer where labels would crowd;
 *   margins, ticks, markers and line widths are multiples of f, so a large
 *   map gets a figure of the same proportions;
 * - left margin: "y", y tick labels, ticks; bottom: ticks, x tick labels, "x";
 *   top: title; right: colour bar (map height, 1/20 of the longer map side
 *   wide but at least 5f) with dB tick labels and the unit written upwards. */
#define MIN_MAP_PIXELS 500
#define MIN_MAP_SIDE 100 /* pixels, for the shorter side of a strip */
#define MAX_IMAGE_PIXELS ((size_t)1 << 29) /* 1.5 GiB of RGB */
#define MAX_TICKS 16
#define MAX_LABELS_FOR_NAMES 8 /* more points than this: markers only */

static const uint8_t BLACK[3] = {0, 0, 0};
static const uint8_t WHITE[3] = {255, 255, 255};
static const uint8_t RIS_CORE[3] = {255, 64, 160}; /* a hue the map lacks */

typedef struct canvas {
  uint8_t *rgb; /* row-major, 3 bytes a pixel, row 0 at the top */
  int width, height;
} canvas;

typedef struct rect {
  int x0, y0, x1, y1; /* half-open: x0 <= x < x1 */
} rect;

typedef struct ticks {
  double value[MAX_TICKS];
  char label[MAX_TICKS][32];
  int n;
  int label_width; /* widest label at the layout's text scale */
} ticks;

/* Scene coordinates to pixel coordinates: the centre of cell (r, c) lies at
 * grid point (x0 + c dx, y0 + r dy). Pixel i covers [i, i + 1). */
typedef struct transform {
  double x0, y0, dx, dy;
  double left, bottom; /* pixel x of the map's west edge, y of its south */
  int cell_x, cell_y;
} transform;

typedef struct layout {
  int cell_x, cell_y, text, title_text, line, tick, pad;
  rect map, bar;
  int width, height;
  transform to_pixels;
  ticks x_ticks, y_ticks, db_ticks;
} layout;

/* ------------------------------------------------------------------------ */
/* Validation                                                               */
/* ------------------------------------------------------------------------ */

static drt_status check_axis(const char *path, const char *name, double lo,
                             double hi, int n) {
  if (n < 1)
    return drt__fail(DRT_EINVAL, "%s: figure needs n%s >= 1, got %d", path,
                     name, n);
  if (n > PNG_USER_WIDTH_MAX)
    return drt__fail(DRT_ETOOBIG, "%s: figure n%s = %d is too large", path,
                     name, n);
  if (!isfinite(hi - lo) || lo > hi || (lo == hi && n > 1))
    return drt__fail(DRT_EINVAL,
                     "%s: figure %s range [%g, %g] must be finite and "
                     "increasing (equal ends only with one point)",
                     path, name, lo, hi);
  return DRT_OK;
}

static drt_status check_list(const char *path, const void *items, size_t n,
                             const char *what) {
  if (n > 0 && !items)
    return drt__fail(DRT_EINVAL, "%s: figure has %zu %s but no array", path, n,
                     what);
  return DRT_OK;
}

static drt_status check_figure(const drt__figure *f, const char *path) {
  if (!f->db) return drt__fail(DRT_EINVAL, "%s: figure has no values", path);
  drt_status status = check_axis(path, "x", f->bbox[0], f->bbox[2], f->nx);
  if (status == DRT_OK)
    status = check_axis(path, "y", f->bbox[1], f->bbox[3], f->ny);
  if (status != DRT_OK) return status;
  if (!isfinite(f->db_hi - f->db_lo) || !(f->db_lo < f->db_hi))
    return drt__fail(DRT_EINVAL,
                     "%s: colour scale [%g, %g] dB must be finite with "
                     "db_lo < db_hi",
                     path, f->db_lo, f->db_hi);
  status = check_list(path, f->objects, f->n_objects, "objects");
  if (status == DRT_OK) status = check_list(path, f->tx, f->n_tx, "tx");
  if (status == DRT_OK) status = check_list(path, f->rx, f->n_rx, "rx");
  if (status == DRT_OK && f->arrows && f->arrow_every < 1)
    status = drt__fail(DRT_EINVAL, "%s: arrows need a spacing of at least 1 "
                       "cell, not %d", path, f->arrow_every);
  if (status == DRT_OK)
    status = check_list(path, f->track, f->n_track, "track points");
  return status;
}

/* ------------------------------------------------------------------------ */
/* Ticks and layout                                                         */
/* ------------------------------------------------------------------------ */

/* The step of 1, 2 or 5 times a power of ten nearest (geometrically) to
 * span / 5, for about five intervals. */
static double nice_step(double span) {
  double raw = span / 5.0;
  double magnitude = pow(10.0, floor(log10(raw)));
  double r = raw / magnitude;
  return (r < 1.4142   ? 1.0
          : r < 3.1623 ? 2.0
          : r < 7.0711 ? 5.0
                       : 10.0) *
         magnitude;
}

/* The next coarser step: 1 -> 2 -> 5 -> 10. */
static double coarser_step(double step) {
  double magnitude = pow(10.0, floor(log10(step) + 1e-9));
  double m = step / magnitude;
  return (m < 1.5 ? 2.0 : m < 3.5 ? 5.0 : 10.0) * magnitude;
}

static void ticks_with_step(double lo, double hi, double step, int text_scale,
                            ticks *out) {
  out->n = 0;
  out->label_width = 0;
  int decimals = (int)fmax(0.0, -floor(log10(step) + 1e-9));
  double first = ceil(lo / step - 1e-9);
  for (int i = 0; out->n < MAX_TICKS; i++) {
    double value = (first + i) * step;
    if (value > hi + 1e-9 * step) break;
    if (fabs(value) < 1e-9 * step) value = 0.0; /* no "-0" */
    out->value[out->n] = value;
    snprintf(out->label[out->n], sizeof out->label[0], "%.*f", decimals, value);
    int w = drt__font_text_width(out->label[out->n], text_scale);
    if (w > out->label_width) out->label_width = w;
    out->n++;
  }
}

/* Ticks over [lo, hi], drawn along `pixels`: about five, fewer where their
 * labels would crowd (stacked labels need twice their height, side by side
 * their width and a gap). */
static void fit_ticks(double lo, double hi, int pixels, int stacked,
                      int text_scale, ticks *out) {
  double span = hi - lo;
  double step = span > 0.0 ? nice_step(span) : 1.0;
  ticks_with_step(lo, hi, step, text_scale, out);
  while (out->n > 1) {
    int room = stacked ? 2 * DRT_FONT_HEIGHT * text_scale
                       : out->label_width + 3 * text_scale;
    if (pixels * step / span >= room) return;
    ticks fewer;
    step = coarser_step(step);
    ticks_with_step(lo, hi, step, text_scale, &fewer);
    if (fewer.n == 0) return; /* keep the crowded ones rather than none */
    *out = fewer;
  }
}

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

/* Pixels a cell spans along an axis of n cells, the longer axis having
 * `longer`. */
static int map_cell_pixels(int n, int longer) {
  int cell = longer >= MIN_MAP_PIXELS ? 1 : ceil_div(MIN_MAP_PIXELS, longer);
  if (n * cell < MIN_MAP_SIDE) cell = ceil_div(MIN_MAP_SIDE, n);
  return cell;
}

/* Grid spacing of one axis; a single point gets the other axis's spacing,
 * or 1, so its cell still has a size. */
static double axis_spacing(double lo, double hi, int n) {
  return n > 1 ? (hi - lo) / (n - 1) : hi - lo;
}

static void make_transform(const drt__figure *f, int cell_x, int cell_y,
                           transform *t) {
  t->x0 = f->bbox[0];
  t->y0 = f->bbox[1];
  t->dx = axis_spacing(f->bbox[0], f->bbox[2], f->nx);
  t->dy = axis_spacing(f->bbox[1], f->bbox[3], f->ny);
  if (!(t->dx > 0.0)) t->dx = t->dy > 0.0 ? t->dy : 1.0;
  if (!(t->dy > 0.0)) t->dy = t->dx;
  t->cell_x = cell_x;
  t->cell_y = cell_y;
}

static double pixel_x(const transform *t, double x) {
  return t->left + ((x - t->x0) / t->dx + 0.5) * t->cell_x;
}

static double pixel_y(const transform *t, double y) {
  return t->bottom - ((y - t->y0) / t->dy + 0.5) * t->cell_y;
}

/* Ticks over the scene extent the map covers (half a cell past each end). */
static void axis_ticks(double origin, double spacing, int n, int pixels,
                       int stacked, int text_scale, ticks *out) {
  double lo = origin - 0.5 * spacing;
  double hi = origin + (n - 0.5) * spacing;
  fit_ticks(lo, hi, pixels, stacked, text_scale, out);
}

static int max_int(int a, int b) { return a > b ? a : b; }

static int right_margin(const layout *l, const drt__figure *f) {
  int s = l->text;
  int last_x_label =
      l->x_ticks.n > 0
          ? drt__font_text_width(l->x_ticks.label[l->x_ticks.n - 1], s)
          : 0;
  int gap = max_int(5 * s, last_x_label / 2 + 2 * s);
  int bar_side = 2 * l->line + l->tick + 2 * s + l->db_ticks.label_width;
  int unit = f->unit && *f->unit ? 3 * s + DRT_FONT_HEIGHT * s : 0;
  return l->line + gap + (l->bar.x1 - l->bar.x0) + bar_side + unit + l->pad;
}

static int left_margin(const layout *l) {
  int s = l->text;
  int margin = l->pad + drt__font_text_width("y", s) + 5 * s +
               l->y_ticks.label_width + 2 * s + l->tick + l->line;
  int first_x_label =
      l->x_ticks.n > 0 ? drt__font_text_width(l->x_ticks.label[0], s) : 0;
  return max_int(margin, first_x_label / 2 + l->pad);
}

static void place_map(layout *l, const drt__figure *f, int map_w, int map_h) {
  int s = l->text;
  int title_h =
      f->title && *f->title ? DRT_FONT_HEIGHT * l->title_text + 4 * s : 0;
  int top = l->pad + title_h + 4 * s;
  int bottom = l->line + l->tick + 2 * s + DRT_FONT_HEIGHT * s + 3 * s +
               DRT_FONT_HEIGHT * s + l->pad;
  int left = left_margin(l);
  l->map = (rect){left, top, left + map_w, top + map_h};
  int bar_w = max_int(5 * s, max_int(map_w, map_h) / 20);
  int last_x_label =
      l->x_ticks.n > 0
          ? drt__font_text_width(l->x_ticks.label[l->x_ticks.n - 1], s)
          : 0;
  int bar_x =
      l->map.x1 + 2 * l->line + max_int(5 * s, last_x_label / 2 + 2 * s);
  l->bar = (rect){bar_x, top, bar_x + bar_w, top + map_h};
  l->width = l->map.x1 + right_margin(l, f);
  l->height = l->map.y1 + bottom;
  if (f->title && *f->title)
    l->width = max_int(l->width, drt__font_text_width(f->title, l->title_text) +
                                     2 * l->pad);
}

static void make_layout(const drt__figure *f, layout *l) {
  memset(l, 0, sizeof *l);
  int longer = max_int(f->nx, f->ny);
  l->cell_x = map_cell_pixels(f->nx, longer);
  l->cell_y = map_cell_pixels(f->ny, longer);
  int map_w = f->nx * l->cell_x, map_h = f->ny * l->cell_y;
  /* Text grows with the map, but not past what a strip's short side (or
   * the colour bar beside it) can hold. */
  int shorter = map_w < map_h ? map_w : map_h;
  int s = max_int(2, max_int(map_w, map_h) / 300);
  if (s > shorter / 40) s = max_int(2, shorter / 40);
  l->text = s;
  l->title_text = s;
  l->line = max_int(1, s / 2);
  l->tick = 3 * s;
  l->pad = 3 * s;
  make_transform(f, l->cell_x, l->cell_y, &l->to_pixels);
  transform *t = &l->to_pixels;
  axis_ticks(t->x0, t->dx, f->nx, map_w, 0, s, &l->x_ticks);
  axis_ticks(t->y0, t->dy, f->ny, map_h, 1, s, &l->y_ticks);
  fit_ticks(f->db_lo, f->db_hi, map_h, 1, s, &l->db_ticks);
  place_map(l, f, map_w, map_h);
  t->left = l->map.x0;
  t->bottom = l->map.y1;
}

/* ------------------------------------------------------------------------ */
/* Painting: anti-aliased shapes by signed distance                         */
/* ------------------------------------------------------------------------ */

typedef enum shape_kind {
  SHAPE_DISC,
  SHAPE_SEGMENT,
  SHAPE_TRIANGLE
} shape_kind;

typedef struct shape {
  shape_kind kind;
  double ax, ay; /* disc or triangle centre, or segment start */
  double bx, by; /* segment end */
  double radius; /* disc radius, half line width, triangle circumradius */
} shape;

static double segment_distance(const shape *s, double x, double y) {
  double ux = s->bx - s->ax, uy = s->by - s->ay;
  double length2 = ux * ux + uy * uy;
  double t =
      length2 > 0.0 ? ((x - s->ax) * ux + (y - s->ay) * uy) / length2 : 0.0;
  t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
  return hypot(x - (s->ax + t * ux), y - (s->ay + t * uy));
}

/* An upward triangle is the intersection of three half-planes; the largest
 * signed distance to their edges is a good enough distance for shading. */
static double triangle_distance(const shape *s, double x, double y) {
  static const double normals[3][2] = {
      {0.0, 1.0}, {-0.8660254037844386, -0.5}, {0.8660254037844386, -0.5}};
  double worst = -INFINITY;
  for (int i = 0; i < 3; i++) {
    double d = normals[i][0] * (x - s->ax) + normals[i][1] * (y - s->ay);
    if (d > worst) worst = d;
  }
  return worst - 0.5 * s->radius; /* the inradius is half the circumradius */
}

/* Negative inside the shape, positive outside, in pixels. */
static double shape_distance(const shape *s, double x, double y) {
  switch (s->kind) {
  case SHAPE_DISC:
    return hypot(x - s->ax, y - s->ay) - s->radius;
  case SHAPE_SEGMENT:
    return segment_distance(s, x, y) - s->radius;
  case SHAPE_TRIANGLE:
    return triangle_distance(s, x, y);
  }
  return INFINITY;
}

static void blend_pixel(canvas *c, int x, int y, const uint8_t colour[3],
                        double alpha) {
  uint8_t *p = c->rgb + ((size_t)y * c->width + x) * 3;
  for (int k = 0; k < 3; k++)
    p[k] = (uint8_t)lround(p[k] + alpha * ((double)colour[k] - p[k]));
}

static rect intersect(rect a, rect b) {
  rect r = {max_int(a.x0, b.x0), max_int(a.y0, b.y0), a.x1 < b.x1 ? a.x1 : b.x1,
            a.y1 < b.y1 ? a.y1 : b.y1};
  return r;
}

/* Pixels of a region covered by a shape, shaded by coverage. */
static void paint_region(canvas *c, rect region, const shape *s,
                         const uint8_t colour[3]) {
  for (int y = region.y0; y < region.y1; y++)
    for (int x = region.x0; x < region.x1; x++) {
      double coverage = 0.5 - shape_distance(s, x + 0.5, y + 0.5);
      if (coverage > 0.0)
        blend_pixel(c, x, y, colour, coverage > 1.0 ? 1.0 : coverage);
    }
}

/* A compact shape (disc, triangle) centred at (ax, ay). */
static void paint_compact(canvas *c, rect clip, const shape *s,
                          const uint8_t colour[3]) {
  double reach = s->radius + 2.0;
  if (!(fabs(s->ax) < 1e9 && fabs(s->ay) < 1e9)) return;
  rect box = {(int)floor(s->ax - reach), (int)floor(s->ay - reach),
              (int)ceil(s->ax + reach), (int)ceil(s->ay + reach)};
  paint_region(c, intersect(box, clip), s, colour);
}

/* Liang-Barsky: trims segment a-b to the box; 0 if nothing is left. */
static int clip_segment(double *ax, double *ay, double *bx, double *by,
                        const double box[4]) {
  double dx = *bx - *ax, dy = *by - *ay;
  double p[4] = {-dx, dx, -dy, dy};
  double q[4] = {*ax - box[0], box[2] - *ax, *ay - box[1], box[3] - *ay};
  double t0 = 0.0, t1 = 1.0;
  for (int i = 0; i < 4; i++) {
    if (p[i] == 0.0) {
      if (q[i] < 0.0) return 0;
      continue;
    }
    double t = q[i] / p[i];
    if (p[i] < 0.0 && t > t0) t0 = t;
    if (p[i] > 0.0 && t < t1) t1 = t;
    if (t0 > t1) return 0;
  }
  double x0 = *ax + t0 * dx, y0 = *ay + t0 * dy;
  *bx = *ax + t1 * dx;
  *by = *ay + t1 * dy;
  *ax = x0;
  *ay = y0;
  return 1;
}

/* A thick segment, walked one pixel column (or row, if steep) at a time so
 * long diagonals never visit their whole bounding box. */
static void paint_segment(canvas *c, rect clip, shape s,
                          const uint8_t colour[3]) {
  double reach = s.radius + 2.0;
  double box[4] = {clip.x0 - reach, clip.y0 - reach, clip.x1 + reach,
                   clip.y1 + reach};
  if (!clip_segment(&s.ax, &s.ay, &s.bx, &s.by, box)) return;
  int steep = fabs(s.by - s.ay) > fabs(s.bx - s.ax);
  double u0 = steep ? s.ay : s.ax, u1 = steep ? s.by : s.bx;
  double v0 = steep ? s.ax : s.ay, v1 = steep ? s.bx : s.by;
  double band = 1.5 * reach + 1.0; /* covers the slant (<= sqrt 2) and caps */
  int u_lo = (int)floor(fmin(u0, u1) - reach);
  int u_hi = (int)ceil(fmax(u0, u1) + reach);
  for (int u = u_lo; u <= u_hi; u++) {
    double t = u1 != u0 ? (u + 0.5 - u0) / (u1 - u0) : 0.0;
    t = t < 0.0 ? 0.0 : t > 1.0 ? 1.0 : t;
    double v = v0 + t * (v1 - v0);
    int v_lo = (int)floor(v - band), v_hi = (int)ceil(v + band);
    rect strip = steep ? (rect){v_lo, u, v_hi + 1, u + 1}
                       : (rect){u, v_lo, u + 1, v_hi + 1};
    paint_region(c, intersect(strip, clip), &s, colour);
  }
}

static void fill_rect(canvas *c, rect r, const uint8_t colour[3]) {
  r = intersect(r, (rect){0, 0, c->width, c->height});
  for (int y = r.y0; y < r.y1; y++)
    for (int x = r.x0; x < r.x1; x++)
      memcpy(c->rgb + ((size_t)y * c->width + x) * 3, colour, 3);
}

/* A frame of the given width just outside r. */
static void frame_rect(canvas *c, rect r, int width) {
  fill_rect(c, (rect){r.x0 - width, r.y0 - width, r.x1 + width, r.y0}, BLACK);
  fill_rect(c, (rect){r.x0 - width, r.y1, r.x1 + width, r.y1 + width}, BLACK);
  fill_rect(c, (rect){r.x0 - width, r.y0, r.x0, r.y1}, BLACK);
  fill_rect(c, (rect){r.x1, r.y0, r.x1 + width, r.y1}, BLACK);
}

/* ------------------------------------------------------------------------ */
/* The map and the colour bar                                               */
/* ------------------------------------------------------------------------ */

typedef uint8_t colour_table[256][3];

static void make_colour_table(colour_table table) {
  for (int i = 0; i < 256; i++) drt__colormap(i / 255.0, table[i]);
}

/* NaN, -inf and anything below the range get the lowest colour. */
static int colour_index(double db, double lo, double hi) {
  double t = (db - lo) / (hi - lo);
  if (!(t > 0.0)) return 0;
  if (t >= 1.0) return 255;
  return (int)lround(t * 255.0);
}

static void paint_map(canvas *c, const layout *l, const drt__figure *f,
                      colour_table table) {
  size_t stride = (size_t)c->width * 3;
  for (int r = 0; r < f->ny; r++) {
    int top = l->map.y1 - (r + 1) * l->cell_y; /* row 0 is the south edge */
    uint8_t *line = c->rgb + (size_t)top * stride + (size_t)l->map.x0 * 3;
    const double *values = f->db + (size_t)r * f->nx;
    for (int col = 0; col < f->nx; col++) {
      const uint8_t *colour =
          table[colour_index(values[col], f->db_lo, f->db_hi)];
      for (int k = 0; k < l->cell_x; k++)
        memcpy(line + ((size_t)col * l->cell_x + k) * 3, colour, 3);
    }
    for (int k = 1; k < l->cell_y; k++)
      memcpy(line + k * stride, line, (size_t)f->nx * l->cell_x * 3);
  }
}

static void paint_colour_bar(canvas *c, const layout *l, colour_table table) {
  int h = l->bar.y1 - l->bar.y0;
  for (int i = 0; i < h; i++) {
    double t = 1.0 - (i + 0.5) / h;
    const uint8_t *colour = table[colour_index(t, 0.0, 1.0)];
    fill_rect(c, (rect){l->bar.x0, l->bar.y0 + i, l->bar.x1, l->bar.y0 + i + 1},
              colour);
  }
  frame_rect(c, l->bar, l->line);
}

/* ------------------------------------------------------------------------ */
/* Text                                                                     */
/* ------------------------------------------------------------------------ */

static void draw_text(canvas *c, int x, int y, const char *text, int scale,
                      const uint8_t colour[3]) {
  drt__font_draw(c->rgb, c->width, c->height, x, y, text, scale, colour);
}

/* Text with a white halo, legible on any colour of the map. */
static void draw_haloed_text(canvas *c, int x, int y, const char *text,
                             int scale) {
  int halo = max_int(1, scale / 2);
  for (int dy = -halo; dy <= halo; dy++)
    for (int dx = -halo; dx <= halo; dx++)
      if (dx || dy) draw_text(c, x + dx, y + dy, text, scale, WHITE);
  draw_text(c, x, y, text, scale, BLACK);
}

/* Text reading upwards, its baseline on the left: drawn flat into scratch
 * (room for the text, see allocate) and copied turned a quarter left, with
 * the text's start at the bottom, (x, y_bottom). */
static void draw_text_upwards(canvas *c, uint8_t *scratch, int x, int y_bottom,
                              const char *text, int scale) {
  int w = drt__font_text_width(text, scale), h = DRT_FONT_HEIGHT * scale;
  memset(scratch, 255, (size_t)w * h * 3);
  drt__font_draw(scratch, w, h, 0, 0, text, scale, BLACK);
  for (int sy = 0; sy < h; sy++)
    for (int sx = 0; sx < w; sx++) {
      if (scratch[((size_t)sy * w + sx) * 3] != 0) continue;
      int px = x + sy, py = y_bottom - 1 - sx;
      if (px >= 0 && px < c->width && py >= 0 && py < c->height)
        memcpy(c->rgb + ((size_t)py * c->width + px) * 3, BLACK, 3);
    }
}

/* ------------------------------------------------------------------------ */
/* Axes                                                                     */
/* ------------------------------------------------------------------------ */

static void draw_x_axis(canvas *c, const layout *l) {
  int s = l->text, below = l->map.y1 + l->line;
  for (int i = 0; i < l->x_ticks.n; i++) {
    double px = pixel_x(&l->to_pixels, l->x_ticks.value[i]);
    int x = (int)lround(px - 0.5 * l->line);
    fill_rect(c, (rect){x, below, x + l->line, below + l->tick}, BLACK);
    const char *label = l->x_ticks.label[i];
    int w = drt__font_text_width(label, s);
    draw_text(c, (int)lround(px - 0.5 * w), below + l->tick + 2 * s, label, s,
              BLACK);
  }
  int name_y = below + l->tick + 2 * s + DRT_FONT_HEIGHT * s + 3 * s;
  int name_x = (l->map.x0 + l->map.x1 - drt__font_text_width("x", s)) / 2;
  draw_text(c, name_x, name_y, "x", s, BLACK);
}

static void draw_y_axis(canvas *c, const layout *l) {
  int s = l->text, outside = l->map.x0 - l->line;
  int label_right = outside - l->tick - 2 * s;
  for (int i = 0; i < l->y_ticks.n; i++) {
    double py = pixel_y(&l->to_pixels, l->y_ticks.value[i]);
    int y = (int)lround(py - 0.5 * l->line);
    fill_rect(c, (rect){outside - l->tick, y, outside, y + l->line}, BLACK);
    const char *label = l->y_ticks.label[i];
    int w = drt__font_text_width(label, s);
    draw_text(c, label_right - w, (int)lround(py - 0.5 * DRT_FONT_HEIGHT * s),
              label, s, BLACK);
  }
  int name_x = label_right - l->y_ticks.label_width - 5 * s -
               drt__font_text_width("y", s);
  int name_y = (l->map.y0 + l->map.y1 - DRT_FONT_HEIGHT * s) / 2;
  draw_text(c, name_x, name_y, "y", s, BLACK);
}

static void draw_colour_bar_axis(canvas *c, const layout *l,
                                 const drt__figure *f, uint8_t *scratch) {
  int s = l->text, outside = l->bar.x1 + l->line;
  int h = l->bar.y1 - l->bar.y0;
  for (int i = 0; i < l->db_ticks.n; i++) {
    double t = (l->db_ticks.value[i] - f->db_lo) / (f->db_hi - f->db_lo);
    double py = l->bar.y0 + (1.0 - t) * h;
    int y = (int)lround(py - 0.5 * l->line);
    fill_rect(c, (rect){outside, y, outside + l->tick, y + l->line}, BLACK);
    draw_text(c, outside + l->tick + 2 * s,
              (int)lround(py - 0.5 * DRT_FONT_HEIGHT * s), l->db_ticks.label[i],
              s, BLACK);
  }
  if (!f->unit || !*f->unit) return;
  int unit_x = outside + l->tick + 2 * s + l->db_ticks.label_width + 3 * s;
  int unit_w = drt__font_text_width(f->unit, s);
  int unit_bottom = (l->bar.y0 + l->bar.y1 + unit_w) / 2;
  draw_text_upwards(c, scratch, unit_x, unit_bottom, f->unit, s);
}

static void draw_title(canvas *c, const layout *l, const char *title) {
  if (!title || !*title) return;
  int w = drt__font_text_width(title, l->title_text);
  int x = (l->map.x0 + l->map.x1 - w) / 2;
  if (x + w > c->width - l->pad) x = c->width - l->pad - w;
  if (x < l->pad) x = l->pad;
  draw_text(c, x, l->pad, title, l->title_text, BLACK);
}

/* ------------------------------------------------------------------------ */
/* Scene overlay                                                            */
/* ------------------------------------------------------------------------ */

/* Sizes of the overlay, in pixels, from the text scale. */
typedef struct overlay_style {
  double line_core;      /* width of a wall's light core */
  double line_outline;   /* width of the dark edge on each side of it */
  double vertex;         /* radius of a vertex dot */
  double marker;         /* transmitter triangle's circumradius */
  double marker_outline; /* dark edge around markers */
} overlay_style;

static overlay_style make_style(const layout *l) {
  double s = l->text;
  return (overlay_style){.line_core = s,
                         .line_outline = 0.5 * s,
                         .vertex = 1.25 * s,
                         .marker = 4.5 * s,
                         .marker_outline = 0.75 * s};
}

/* A shape drawn twice: grown by the outline width in the edge colour, then
 * itself in the fill colour. */
static void paint_outlined(canvas *c, rect clip, shape s, double outline,
                           const uint8_t fill[3], const uint8_t edge[3]) {
  shape grown = s;
  /* A triangle's edges move out by half the change of its circumradius. */
  grown.radius += s.kind == SHAPE_TRIANGLE ? 2.0 * outline : outline;
  if (s.kind == SHAPE_SEGMENT) {
    paint_segment(c, clip, grown, edge);
    paint_segment(c, clip, s, fill);
  } else {
    paint_compact(c, clip, &grown, edge);
    paint_compact(c, clip, &s, fill);
  }
}

/* Scene point to pixels; 0 for points so far off (beyond 10^15 pixels) that
 * they cannot touch the map and their arithmetic could overflow. */
static int point_in_pixels(const transform *t, double x, double y, double *px,
                           double *py) {
  *px = pixel_x(t, x);
  *py = pixel_y(t, y);
  return fabs(*px) < 1e15 && fabs(*py) < 1e15;
}

static void draw_object(canvas *c, const layout *l, const overlay_style *st,
                        const drt_object *o) {
  double ax, ay, bx, by;
  if (!point_in_pixels(&l->to_pixels, o->ax, o->ay, &ax, &ay)) return;
  if (o->type == DRT_OBJECT_VERTEX) {
    shape dot = {SHAPE_DISC, ax, ay, ax, ay, st->vertex};
    paint_outlined(c, l->map, dot, 0.5 * st->line_outline, BLACK, WHITE);
    return;
  }
  if (!point_in_pixels(&l->to_pixels, o->bx, o->by, &bx, &by)) return;
  shape line = {SHAPE_SEGMENT, ax, ay, bx, by, 0.5 * st->line_core};
  const uint8_t *core = o->type == DRT_OBJECT_RIS ? RIS_CORE : WHITE;
  paint_outlined(c, l->map, line, st->line_outline, core, BLACK);
}

/* Names beside the markers, kept inside the map where they fit. */
static void draw_point_name(canvas *c, const layout *l, double px, double py,
                            const char *name, double marker) {
  int s = l->text;
  int w = drt__font_text_width(name, s), h = DRT_FONT_HEIGHT * s;
  int x = (int)lround(px + marker + s), y = (int)lround(py - marker - h);
  if (x + w > l->map.x1 - s) x = (int)lround(px - marker - s) - w;
  if (y < l->map.y0 + s) y = (int)lround(py + marker);
  draw_haloed_text(c, x, y, name, s);
}

static void draw_points(canvas *c, const layout *l, const overlay_style *st,
                        const drt_point *points, size_t n, shape_kind kind,
                        int with_names) {
  for (size_t i = 0; i < n; i++) {
    double px, py;
    if (!point_in_pixels(&l->to_pixels, points[i].x, points[i].y, &px, &py))
      continue;
    double size = kind == SHAPE_TRIANGLE ? st->marker : 0.7 * st->marker;
    shape marker = {kind, px, py, px, py, size};
    paint_outlined(c, l->map, marker, st->marker_outline, WHITE, BLACK);
    if (kind == SHAPE_DISC) { /* a receiver: ring with a centre dot */
      shape centre = {SHAPE_DISC, px, py, px, py, 0.3 * size};
      paint_compact(c, l->map, &centre, BLACK);
    }
    int inside =
        px >= l->map.x0 && px < l->map.x1 && py >= l->map.y0 && py < l->map.y1;
    if (with_names && inside && points[i].name[0]) {
      char name[sizeof points[i].name + 1] = {0}; /* even if unterminated */
      memcpy(name, points[i].name, sizeof points[i].name);
      draw_point_name(c, l, px, py, name, size);
    }
  }
}

/* An arrow of `length` pixels centred on (px, py) pointing along the unit
 * vector (ux, uy) of scene axes (pixel y grows downwards): a shaft and two
 * barbs at 25 degrees, dark with a light edge so it reads on any colour. */
static void draw_arrow(canvas *c, const layout *l, double px, double py,
                       double ux, double uy, double length) {
  double half = 0.5 * length, width = fmax(1.0, 0.25 * l->text);
  double tip_x = px + ux * half, tip_y = py - uy * half;
  shape parts[3] = {{SHAPE_SEGMENT, px - ux * half, py + uy * half, tip_x,
                     tip_y, width}};
  const double c25 = 0.9063077870366499, s25 = 0.42261826174069944;
  for (int side = 0; side < 2; side++) {
    double sgn = side ? 1.0 : -1.0;
    double bx = -(ux * c25 - sgn * uy * s25), by = -(uy * c25 + sgn * ux * s25);
    parts[1 + side] = (shape){SHAPE_SEGMENT, tip_x, tip_y,
                              tip_x + 0.35 * length * bx,
                              tip_y - 0.35 * length * by, width};
  }
  for (int i = 0; i < 3; i++)
    paint_outlined(c, l->map, parts[i], 0.5 * width, BLACK, WHITE);
}

/* The vector field, one arrow every f->arrow_every cells, at the cells'
 * centres; zero and non-finite vectors get none. */
static void draw_arrows(canvas *c, const layout *l, const drt__figure *f) {
  int every = f->arrow_every;
  double length = 0.8 * every * fmin(l->cell_x, l->cell_y);
  for (int r = every / 2; r < f->ny; r += every)
    for (int col = every / 2; col < f->nx; col += every) {
      double vx = f->arrows[2 * ((size_t)r * f->nx + col)];
      double vy = f->arrows[2 * ((size_t)r * f->nx + col) + 1];
      double norm = hypot(vx, vy);
      if (!(norm > 0) || !isfinite(norm)) continue;
      double x = f->bbox[0] + col * axis_spacing(f->bbox[0], f->bbox[2], f->nx);
      double y = f->bbox[1] + r * axis_spacing(f->bbox[1], f->bbox[3], f->ny);
      draw_arrow(c, l, pixel_x(&l->to_pixels, x), pixel_y(&l->to_pixels, y),
                 vx / norm, vy / norm, length);
    }
}

/* The track: a light line with a dark edge through its points, a disc at
 * the first and a triangle at the last. */
static void draw_track(canvas *c, const layout *l, const overlay_style *st,
                       const drt__figure *f) {
  double px = 0, py = 0, qx, qy;
  int have = 0;
  for (size_t i = 0; i < f->n_track; i++) {
    int ok = point_in_pixels(&l->to_pixels, f->track[2 * i],
                             f->track[2 * i + 1], &qx, &qy);
    if (ok && have) {
      shape line = {SHAPE_SEGMENT, px, py, qx, qy, 0.35 * st->line_core};
      paint_outlined(c, l->map, line, 0.5 * st->line_outline, WHITE, BLACK);
    }
    have = ok;
    px = qx;
    py = qy;
  }
  for (int end = 0; end < 2 && f->n_track > 0; end++) {
    size_t i = end ? f->n_track - 1 : 0;
    if (!point_in_pixels(&l->to_pixels, f->track[2 * i], f->track[2 * i + 1],
                         &qx, &qy))
      continue;
    shape marker = {end ? SHAPE_TRIANGLE : SHAPE_DISC, qx, qy, qx, qy,
                    end ? 0.8 * st->marker : 0.45 * st->marker};
    paint_outlined(c, l->map, marker, st->marker_outline, WHITE, BLACK);
  }
}

static void draw_scene(canvas *c, const layout *l, const drt__figure *f) {
  overlay_style st = make_style(l);
  for (size_t i = 0; i < f->n_objects; i++)
    if (f->objects[i].type != DRT_OBJECT_VERTEX)
      draw_object(c, l, &st, &f->objects[i]);
  for (size_t i = 0; i < f->n_objects; i++)
    if (f->objects[i].type == DRT_OBJECT_VERTEX)
      draw_object(c, l, &st, &f->objects[i]);
  int names = f->n_tx + f->n_rx <= MAX_LABELS_FOR_NAMES;
  draw_points(c, l, &st, f->rx, f->n_rx, SHAPE_DISC, names);
  draw_points(c, l, &st, f->tx, f->n_tx, SHAPE_TRIANGLE, names);
  if (f->track) draw_track(c, l, &st, f);
}

/* ------------------------------------------------------------------------ */
/* Rendering and writing                                                    */
/* ------------------------------------------------------------------------ */

static void render(canvas *c, uint8_t *scratch, const layout *l,
                   const drt__figure *f) {
  colour_table table;
  make_colour_table(table);
  memset(c->rgb, 255, (size_t)c->width * c->height * 3);
  paint_map(c, l, f, table);
  if (f->arrows) draw_arrows(c, l, f);
  draw_scene(c, l, f);
  frame_rect(c, l->map, l->line);
  draw_x_axis(c, l);
  draw_y_axis(c, l);
  paint_colour_bar(c, l, table);
  draw_colour_bar_axis(c, l, f, scratch);
  draw_title(c, l, f->title);
}

static drt_status allocate(const layout *l, const drt__figure *f,
                           const char *path, canvas *c, uint8_t **scratch) {
  size_t pixels = (size_t)l->width * (size_t)l->height;
  if (l->width > PNG_USER_WIDTH_MAX || l->height > PNG_USER_HEIGHT_MAX ||
      pixels > MAX_IMAGE_PIXELS)
    return drt__fail(DRT_ETOOBIG, "%s: a %d x %d figure is too large", path,
                     l->width, l->height);
  /* Scratch holds the unit label, drawn flat before it is turned. */
  size_t unit_w = (size_t)drt__font_text_width(f->unit ? f->unit : "", l->text);
  size_t scratch_bytes = unit_w * DRT_FONT_HEIGHT * l->text * 3 + 1;
  c->width = l->width;
  c->height = l->height;
  c->rgb = malloc(pixels * 3);
  *scratch = malloc(scratch_bytes);
  if (!c->rgb || !*scratch) {
    free(c->rgb);
    free(*scratch);
    return drt__fail(DRT_ENOMEM, "%s: no memory for a %d x %d figure", path,
                     l->width, l->height);
  }
  return DRT_OK;
}

typedef struct png_failure {
  char message[256];
} png_failure;

static void on_png_error(png_structp png, png_const_charp message) {
  png_failure *failure = png_get_error_ptr(png);
  snprintf(failure->message, sizeof failure->message, "%s", message);
  png_longjmp(png, 1);
}

static void on_png_warning(png_structp png, png_const_charp message) {
  (void)png;
  (void)message; /* nothing a caller could act on */
}

static drt_status write_png(FILE *stream, const canvas *c, const char *path) {
  png_failure failure = {{0}};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &failure,
                                            on_png_error, on_png_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!info) {
    png_destroy_write_struct(&png, NULL);
    return drt__fail(DRT_ENOMEM, "%s: libpng: out of memory", path);
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return drt__fail(DRT_EIO, "%s: libpng: %s", path, failure.message);
  }
  png_init_io(png, stream);
  png_set_IHDR(png, info, (png_uint_32)c->width, (png_uint_32)c->height, 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < c->height; y++)
    png_write_row(png, c->rgb + (size_t)y * c->width * 3);
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  return DRT_OK;
}

static drt_status write_atomically(const canvas *c, const char *path) {
  drt__atomic_file file;
  drt_status status = drt__atomic_open(&file, path);
  if (status != DRT_OK) return status;
  status = write_png(file.stream, c, path);
  if (status != DRT_OK) {
    drt__atomic_abort(&file);
    return status;
  }
  return drt__atomic_commit(&file);
}

/* The figure drawn on a new canvas (c->rgb is the caller's to free). */
static drt_status draw_figure(const drt__figure *figure, const char *path,
                              canvas *c) {
  drt_status status = check_figure(figure, path);
  if (status != DRT_OK) return status;
  layout l;
  make_layout(figure, &l);
  uint8_t *scratch = NULL;
  status = allocate(&l, figure, path, c, &scratch);
  if (status != DRT_OK) return status;
  render(c, scratch, &l, figure);
  free(scratch);
  return DRT_OK;
}

drt_status drt__png_write_rgb(const uint8_t *rgb, int width, int height,
                             const char *path) {
  canvas c = {(uint8_t *)rgb, width, height};
  return write_atomically(&c, path);
}

drt_status drt__figure_write_png(const drt__figure *figure, const char *path) {
  if (!figure || !path)
    return drt__fail(DRT_EINVAL, "figure: missing figure or output path");
  canvas c;
  drt_status status = draw_figure(figure, path, &c);
  if (status != DRT_OK) return status;
  status = write_atomically(&c, path);
  free(c.rgb);
  return status;
}

/* Copies panel into strip with its top-left corner at column x. */
static void blit(canvas *strip, const canvas *panel, int x) {
  for (int y = 0; y < panel->height; y++)
    memcpy(strip->rgb + ((size_t)y * strip->width + x) * 3,
           panel->rgb + (size_t)y * panel->width * 3,
           (size_t)panel->width * 3);
}

/* The panels side by side on a white strip; frees the panels. */
static drt_status join_panels(canvas *panels, int n, const char *path,
                              canvas *strip) {
  size_t width = 0;
  int height = 0;
  for (int i = 0; i < n; i++) {
    width += (size_t)panels[i].width;
    height = max_int(height, panels[i].height);
  }
  drt_status status = DRT_OK;
  strip->rgb = NULL;
  if (width > PNG_USER_WIDTH_MAX || width * height > MAX_IMAGE_PIXELS)
    status = drt__fail(DRT_ETOOBIG, "%s: a %zu x %d strip is too large", path,
                       width, height);
  else if (!(strip->rgb = malloc(width * height * 3)))
    status = drt__fail(DRT_ENOMEM, "%s: no memory for a %zu x %d strip", path,
                       width, height);
  strip->width = (int)width;
  strip->height = height;
  if (strip->rgb) memset(strip->rgb, 255, width * height * 3);
  for (int i = 0, x = 0; i < n; x += panels[i].width, i++) {
    if (strip->rgb) blit(strip, &panels[i], x);
    free(panels[i].rgb);
  }
  return status;
}

drt_status drt__figure_strip_write_png(const drt__figure *figures, int n,
                                       const char *path) {
  if (!figures || !path || n < 1)
    return drt__fail(DRT_EINVAL, "figure strip: no figures or output path");
  canvas *panels = calloc((size_t)n, sizeof *panels);
  if (!panels) return drt__fail(DRT_ENOMEM, "%s: out of memory", path);
  drt_status status = DRT_OK;
  int drawn = 0;
  for (; drawn < n && status == DRT_OK; drawn++)
    status = draw_figure(&figures[drawn], path, &panels[drawn]);
  if (status != DRT_OK) drawn--; /* the failed panel has no canvas */
  canvas strip = {0};
  if (status == DRT_OK) status = join_panels(panels, drawn, path, &strip);
  else
    for (int i = 0; i < drawn; i++) free(panels[i].rgb);
  if (status == DRT_OK) status = write_atomically(&strip, path);
  free(strip.rgb);
  free(panels);
  return status;
}
