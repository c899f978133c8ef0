/* figure.c — power maps drawn with cairo: map, axes, colour bar, scene. */
#include "figure.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colormap.h"
#include "drawing.h"
#include "error.h"
#include "text.h"

/* Layout rules (all sizes in points, one pixel a point at 72 dpi):
 * - the map draws grid cell (row r, column c) as a block of cell_x by
 *   cell_y points (nearest neighbour), row 0 (south) at the bottom, so the
 *   map is nx*cell_x by ny*cell_y; cells are square, cell = ceil(500 /
 *   max(nx, ny)) when the grid is smaller than 500 cells on its longer side
 *   and 1 otherwise, except that a side still under 100 points (a strip
 *   such as 1000 x 1) is stretched by ceil(100 / n) so it stays readable;
 * - a text unit s = max(2, longer map side / 300), capped at the shorter
 *   side / 40 for strips; labels are set at 7s points, the title at 8s;
 *   about five "nice" ticks (1, 2, 5 x 10^k) an axis, fewer where labels
 *   would crowd; margins, ticks, markers and line widths are multiples of
 *   s, so a large map gets a figure of the same proportions;
 * - left margin: "y", y tick labels, ticks; bottom: ticks, x tick labels, "x";
 *   top: title; right: colour bar (map height, 1/20 of the longer map side
 *   wide but at least 5s) with dB tick labels and the unit written upwards;
 * - every edge of the map and the bar lies on a whole point, so at 72 dpi
 *   (or any whole multiple) a cell is a block of whole pixels. */
#define MIN_MAP_POINTS 500
#define MIN_MAP_SIDE 100 /* points, for the shorter side of a strip */
#define MAX_GRID_SIDE 32767 /* cells: cairo's largest image */
#define MAX_TICKS 16
#define MAX_LABELS_FOR_NAMES 8 /* more points than this: markers only */
#define LABEL_FONT 7.0 /* label size, in text units */
#define TITLE_FONT 8.0

typedef struct rgb {
  double r, g, b;
} rgb;

static const rgb BLACK = {0, 0, 0};
static const rgb WHITE = {1, 1, 1};
static const rgb RIS_CORE = {1.0, 0.25, 0.63}; /* a hue the map lacks */

typedef struct rect {
  double x0, y0, x1, y1;
} rect;

typedef struct ticks {
  double value[MAX_TICKS];
  char label[MAX_TICKS][32];
  int n;
  double label_width; /* widest label at the layout's label size */
} ticks;

/* Scene coordinates to points: the centre of cell (r, c) lies at grid
 * point (x0 + c dx, y0 + r dy). */
typedef struct transform {
  double x0, y0, dx, dy;
  double left, bottom; /* x of the map's west edge, y of its south edge */
  int cell_x, cell_y;
} transform;

typedef struct layout {
  int cell_x, cell_y;
  double text;                 /* the text unit s */
  double font, title_font;     /* sizes in points */
  double text_h, title_h;      /* their line boxes */
  double line, tick, pad;
  rect map, bar;
  double width, height;
  transform to_points;
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
  if (n > MAX_GRID_SIDE)
    return drt__fail(DRT_ETOOBIG, "%s: figure n%s = %d is too large (at most "
                     "%d)", path, name, n, MAX_GRID_SIDE);
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

static drt_status check_grid(const drt__figure *f, const char *path) {
  drt_status status = check_axis(path, "x", f->bbox[0], f->bbox[2], f->nx);
  if (status == DRT_OK)
    status = check_axis(path, "y", f->bbox[1], f->bbox[3], f->ny);
  if (status == DRT_OK && !f->n_classes &&
      !(isfinite(f->db_hi - f->db_lo) && f->db_lo < f->db_hi))
    status = drt__fail(DRT_EINVAL,
                       "%s: colour scale [%g, %g] dB must be finite with "
                       "db_lo < db_hi",
                       path, f->db_lo, f->db_hi);
  return status;
}

static drt_status check_figure(const drt__figure *f, const char *path) {
  if (!f->db && !f->n_rays)
    return drt__fail(DRT_EINVAL, "%s: figure has no values", path);
  drt_status status = check_grid(f, path);
  if (status != DRT_OK) return status;
  status = check_list(path, f->objects, f->n_objects, "objects");
  if (status == DRT_OK) status = check_list(path, f->tx, f->n_tx, "tx");
  if (status == DRT_OK) status = check_list(path, f->rx, f->n_rx, "rx");
  if (status == DRT_OK && f->arrows && f->arrow_every < 1)
    status = drt__fail(DRT_EINVAL, "%s: arrows need a spacing of at least 1 "
                       "cell, not %d", path, f->arrow_every);
  if (status == DRT_OK)
    status = check_list(path, f->track, f->n_track, "track points");
  if (status == DRT_OK && f->n_rays &&
      (!f->ray_points || !f->ray_start || !f->ray_db))
    status = drt__fail(DRT_EINVAL, "%s: figure has %zu rays but no arrays",
                       path, f->n_rays);
  if (status == DRT_OK && (f->n_classes < 0 ||
                           f->n_classes > DRT_FIGURE_MAX_CLASSES ||
                           (f->n_classes && !f->class_names)))
    status = drt__fail(DRT_EINVAL, "%s: a categorical map draws 1 to %d "
                       "named classes, not %d", path, DRT_FIGURE_MAX_CLASSES,
                       f->n_classes);
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

/* Labels are measured with cr, set in the layout's label font. */
static void ticks_with_step(cairo_t *cr, double lo, double hi, double step,
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
    out->label_width =
        fmax(out->label_width, drt__text_width(cr, out->label[out->n]));
    out->n++;
  }
}

/* Ticks over [lo, hi], drawn along `length` points: about five, fewer
 * where their labels would crowd (stacked labels need twice their height,
 * side by side their width and a gap). */
static void fit_ticks(cairo_t *cr, const layout *l, double lo, double hi,
                      double length, int stacked, ticks *out) {
  double span = hi - lo;
  double step = span > 0.0 ? nice_step(span) : 1.0;
  ticks_with_step(cr, lo, hi, step, out);
  while (out->n > 1) {
    double room = stacked ? 2.0 * l->text_h : out->label_width + 3.0 * l->text;
    if (length * step / span >= room) return;
    ticks fewer;
    step = coarser_step(step);
    ticks_with_step(cr, lo, hi, step, &fewer);
    if (fewer.n == 0) return; /* keep the crowded ones rather than none */
    *out = fewer;
  }
}

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

/* Points a cell spans along an axis of n cells, the longer axis having
 * `longer`. */
static int map_cell_points(int n, int longer) {
  int cell = longer >= MIN_MAP_POINTS ? 1 : ceil_div(MIN_MAP_POINTS, longer);
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

static double point_x(const transform *t, double x) {
  return t->left + ((x - t->x0) / t->dx + 0.5) * t->cell_x;
}

static double point_y(const transform *t, double y) {
  return t->bottom - ((y - t->y0) / t->dy + 0.5) * t->cell_y;
}

/* Ticks over the scene extent the map covers (half a cell past each end). */
static void axis_ticks(cairo_t *cr, const layout *l, double origin,
                       double spacing, int n, double length, int stacked,
                       ticks *out) {
  double lo = origin - 0.5 * spacing;
  double hi = origin + (n - 0.5) * spacing;
  fit_ticks(cr, l, lo, hi, length, stacked, out);
}

static double last_label_width(cairo_t *cr, const ticks *t) {
  return t->n > 0 ? drt__text_width(cr, t->label[t->n - 1]) : 0.0;
}

static double left_margin(cairo_t *cr, const layout *l) {
  double s = l->text;
  double margin = l->pad + drt__text_width(cr, "y") + 5 * s +
                  l->y_ticks.label_width + 2 * s + l->tick + l->line;
  double first_x_label =
      l->x_ticks.n > 0 ? drt__text_width(cr, l->x_ticks.label[0]) : 0.0;
  return ceil(fmax(margin, first_x_label / 2 + l->pad));
}

static void place_map(cairo_t *cr, layout *l, const drt__figure *f,
                      int map_w, int map_h) {
  double s = l->text;
  int titled = f->title && *f->title;
  double top = ceil(l->pad + (titled ? l->title_h + 4 * s : 0.0) + 4 * s);
  double bottom = l->line + l->tick + 2 * s + l->text_h + 3 * s + l->text_h +
                  l->pad;
  double left = left_margin(cr, l);
  l->map = (rect){left, top, left + map_w, top + map_h};
  double bar_w = ceil(fmax(5 * s, fmax(map_w, map_h) / 20.0));
  double gap = fmax(5 * s, last_label_width(cr, &l->x_ticks) / 2 + 2 * s);
  double bar_x = ceil(l->map.x1 + 2 * l->line + gap);
  l->bar = (rect){bar_x, top, bar_x + bar_w, top + map_h};
  double bar_side = 2 * l->line + l->tick + 2 * s + l->db_ticks.label_width;
  double unit = f->unit && *f->unit ? 3 * s + l->text_h : 0.0;
  l->width = ceil(l->bar.x1 + bar_side + unit + l->pad);
  l->height = ceil(l->map.y1 + bottom);
  if (titled) {
    drt__text_font(cr, l->title_font);
    l->width = fmax(l->width,
                    ceil(drt__text_width(cr, f->title) + 2 * l->pad));
    drt__text_font(cr, l->font);
  }
}

/* A categorical map's legend: a tick at each class's block, labelled with
 * its name, over the range [-0.5, n - 0.5]. */
static void class_ticks(cairo_t *cr, const drt__figure *f, ticks *out) {
  out->n = 0;
  out->label_width = 0;
  for (int i = 0; i < f->n_classes && i < MAX_TICKS; i++) {
    out->value[i] = f->n_classes - 1 - i; /* the first class on top */
    drt__text_clean(f->class_names[i], out->label[i], sizeof out->label[0]);
    out->label_width = fmax(out->label_width, drt__text_width(cr, out->label[i]));
    out->n++;
  }
}

static void make_layout(cairo_t *cr, const drt__figure *f, layout *l) {
  memset(l, 0, sizeof *l);
  int longer = f->nx > f->ny ? f->nx : f->ny;
  l->cell_x = map_cell_points(f->nx, longer);
  l->cell_y = map_cell_points(f->ny, longer);
  int map_w = f->nx * l->cell_x, map_h = f->ny * l->cell_y;
  /* Text grows with the map, but not past what a strip's short side (or
   * the colour bar beside it) can hold. */
  int shorter = map_w < map_h ? map_w : map_h;
  int s = (map_w > map_h ? map_w : map_h) / 300;
  if (s < 2) s = 2;
  if (s > shorter / 40) s = shorter / 40 > 2 ? shorter / 40 : 2;
  l->text = s;
  l->font = LABEL_FONT * s;
  l->title_font = TITLE_FONT * s;
  drt__text_font(cr, l->title_font);
  l->title_h = drt__text_height(cr);
  drt__text_font(cr, l->font);
  l->text_h = drt__text_height(cr);
  l->line = s / 2 > 1 ? s / 2 : 1;
  l->tick = 3 * s;
  l->pad = 3 * s;
  make_transform(f, l->cell_x, l->cell_y, &l->to_points);
  transform *t = &l->to_points;
  axis_ticks(cr, l, t->x0, t->dx, f->nx, map_w, 0, &l->x_ticks);
  axis_ticks(cr, l, t->y0, t->dy, f->ny, map_h, 1, &l->y_ticks);
  if (f->n_classes) class_ticks(cr, f, &l->db_ticks);
  else fit_ticks(cr, l, f->db_lo, f->db_hi, map_h, 1, &l->db_ticks);
  place_map(cr, l, f, map_w, map_h);
  t->left = l->map.x0;
  t->bottom = l->map.y1;
}

/* ------------------------------------------------------------------------ */
/* Shapes                                                                   */
/* ------------------------------------------------------------------------ */

static void set_colour(cairo_t *cr, rgb c) {
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void fill_rect(cairo_t *cr, rect r, rgb c) {
  set_colour(cr, c);
  cairo_rectangle(cr, r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0);
  cairo_fill(cr);
}

/* A black frame of the given width just outside r. */
static void frame_rect(cairo_t *cr, rect r, double width) {
  set_colour(cr, BLACK);
  cairo_set_line_width(cr, width);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
  cairo_rectangle(cr, r.x0 - 0.5 * width, r.y0 - 0.5 * width,
                  r.x1 - r.x0 + width, r.y1 - r.y0 + width);
  cairo_stroke(cr);
}

/* The current path stroked twice: `outline` points wider on each side in
 * the edge colour, then at `width` in the core colour. */
static void stroke_outlined(cairo_t *cr, double width, double outline,
                            rgb core, rgb edge) {
  cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  set_colour(cr, edge);
  cairo_set_line_width(cr, width + 2.0 * outline);
  cairo_stroke_preserve(cr);
  set_colour(cr, core);
  cairo_set_line_width(cr, width);
  cairo_stroke(cr);
}

static void disc(cairo_t *cr, double x, double y, double radius, rgb c) {
  set_colour(cr, c);
  cairo_new_sub_path(cr);
  cairo_arc(cr, x, y, radius, 0.0, 6.283185307179586);
  cairo_fill(cr);
}

/* An upward triangle of circumradius r centred at (x, y). */
static void triangle(cairo_t *cr, double x, double y, double r, rgb c) {
  const double half_side = 0.8660254037844386 * r;
  set_colour(cr, c);
  cairo_move_to(cr, x, y - r);
  cairo_line_to(cr, x + half_side, y + 0.5 * r);
  cairo_line_to(cr, x - half_side, y + 0.5 * r);
  cairo_close_path(cr);
  cairo_fill(cr);
}

/* A light disc or upward triangle of radius r with a dark edge `outline`
 * wide (a triangle's edges move out by half the change of its radius). */
static void outlined_disc(cairo_t *cr, double x, double y, double r,
                          double outline) {
  disc(cr, x, y, r + outline, BLACK);
  disc(cr, x, y, r, WHITE);
}

static void outlined_triangle(cairo_t *cr, double x, double y, double r,
                              double outline) {
  triangle(cr, x, y, r + 2.0 * outline, BLACK);
  triangle(cr, x, y, r, WHITE);
}

/* Liang-Barsky: trims segment a-b to the box; 0 if nothing is left. Keeps
 * what cairo draws within its fixed-point range whatever the scene holds. */
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

/* Adds segment a-b, trimmed to the map grown by `reach`, to the path. */
static int add_segment(cairo_t *cr, const layout *l, double ax, double ay,
                       double bx, double by, double reach) {
  double box[4] = {l->map.x0 - reach, l->map.y0 - reach, l->map.x1 + reach,
                   l->map.y1 + reach};
  if (!clip_segment(&ax, &ay, &bx, &by, box)) return 0;
  cairo_move_to(cr, ax, ay);
  cairo_line_to(cr, bx, by);
  return 1;
}

/* ------------------------------------------------------------------------ */
/* The map and the colour bar                                               */
/* ------------------------------------------------------------------------ */

typedef uint32_t colour_table[256]; /* cairo's xRGB words */

static void make_colour_table(colour_table table) {
  for (int i = 0; i < 256; i++) {
    uint8_t c[3];
    drt__colormap(i / 255.0, c);
    table[i] = (uint32_t)c[0] << 16 | (uint32_t)c[1] << 8 | c[2];
  }
}

/* A categorical map's colours: distinct hues that read on white and
 * beside the scene's light walls, then grey for "no class". */
static const uint32_t class_colours[DRT_FIGURE_MAX_CLASSES] = {
    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b,
    0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf, 0x393b79, 0x637939,
    0x8c6d31, 0x843c39, 0x7b4173, 0x3182bd};
#define NO_CLASS_COLOUR 0x404040

/* Class i's colour: the figure's own, else the palette's. */
static uint32_t colour_of_class(const drt__figure *f, int i) {
  return f->class_rgb ? f->class_rgb[i] : class_colours[i];
}

static uint32_t class_colour(const drt__figure *f, double value) {
  if (!(value >= 0) || value >= f->n_classes || value != floor(value))
    return NO_CLASS_COLOUR;
  return colour_of_class(f, (int)value);
}

/* NaN, -inf and anything below the range get the lowest colour. */
static int colour_index(double db, double lo, double hi) {
  double t = (db - lo) / (hi - lo);
  if (!(t > 0.0)) return 0;
  if (t >= 1.0) return 255;
  return (int)lround(t * 255.0);
}

/* A raster of w x h cells; row 0 at the top. NULL when out of memory. */
static cairo_surface_t *new_raster(int w, int h, uint32_t **words,
                                   int *stride_words) {
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(s);
    return NULL;
  }
  cairo_surface_flush(s);
  *words = (uint32_t *)(void *)cairo_image_surface_get_data(s);
  *stride_words = cairo_image_surface_get_stride(s) / 4;
  return s;
}

/* The raster drawn over r, each cell a block (nearest neighbour), as a
 * raster at its own resolution in SVG and PDF. */
static void paint_raster(cairo_t *cr, cairo_surface_t *raster, rect r, int w,
                         int h) {
  cairo_surface_mark_dirty(raster);
  cairo_save(cr);
  cairo_rectangle(cr, r.x0, r.y0, r.x1 - r.x0, r.y1 - r.y0);
  cairo_clip(cr);
  cairo_translate(cr, r.x0, r.y0);
  cairo_scale(cr, (r.x1 - r.x0) / w, (r.y1 - r.y0) / h);
  cairo_set_source_surface(cr, raster, 0.0, 0.0);
  cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
  cairo_paint(cr);
  cairo_restore(cr);
}

static drt_status paint_map(cairo_t *cr, const layout *l, const drt__figure *f,
                            const colour_table table, const char *path) {
  if (!f->db) { /* rays alone: a background on which every colour reads */
    fill_rect(cr, l->map, (rgb){0.9, 0.9, 0.9});
    return DRT_OK;
  }
  uint32_t *words;
  int stride;
  cairo_surface_t *raster = new_raster(f->nx, f->ny, &words, &stride);
  if (!raster)
    return drt__fail(DRT_ENOMEM, "%s: no memory for a %d x %d map", path,
                     f->nx, f->ny);
  for (int r = 0; r < f->ny; r++) {
    uint32_t *line = words + (size_t)(f->ny - 1 - r) * stride; /* north up */
    const double *values = f->db + (size_t)r * f->nx;
    for (int c = 0; c < f->nx; c++)
      line[c] = f->n_classes ? class_colour(f, values[c])
                             : table[colour_index(values[c], f->db_lo, f->db_hi)];
  }
  paint_raster(cr, raster, l->map, f->nx, f->ny);
  cairo_surface_destroy(raster);
  return DRT_OK;
}

static drt_status paint_colour_bar(cairo_t *cr, const layout *l,
                                   const drt__figure *f,
                                   const colour_table table,
                                   const char *path) {
  uint32_t *words;
  int stride, rows = f->n_classes ? f->n_classes : 256;
  cairo_surface_t *raster = new_raster(1, rows, &words, &stride);
  if (!raster) return drt__fail(DRT_ENOMEM, "%s: out of memory", path);
  for (int i = 0; i < rows; i++)
    words[(size_t)i * stride] =
        f->n_classes ? colour_of_class(f, i) : table[255 - i];
  paint_raster(cr, raster, l->bar, 1, rows);
  cairo_surface_destroy(raster);
  frame_rect(cr, l->bar, l->line);
  return DRT_OK;
}

/* ------------------------------------------------------------------------ */
/* Axes                                                                     */
/* ------------------------------------------------------------------------ */

static void draw_x_axis(cairo_t *cr, const layout *l) {
  double s = l->text, below = l->map.y1 + l->line;
  for (int i = 0; i < l->x_ticks.n; i++) {
    double x = point_x(&l->to_points, l->x_ticks.value[i]);
    fill_rect(cr, (rect){x - 0.5 * l->line, below, x + 0.5 * l->line,
                         below + l->tick}, BLACK);
    const char *label = l->x_ticks.label[i];
    drt__text_draw(cr, x - 0.5 * drt__text_width(cr, label),
                   below + l->tick + 2 * s, label);
  }
  double name_y = below + l->tick + 2 * s + l->text_h + 3 * s;
  double name_x = 0.5 * (l->map.x0 + l->map.x1 - drt__text_width(cr, "x"));
  drt__text_draw(cr, name_x, name_y, "x");
}

static void draw_y_axis(cairo_t *cr, const layout *l) {
  double s = l->text, outside = l->map.x0 - l->line;
  double label_right = outside - l->tick - 2 * s;
  for (int i = 0; i < l->y_ticks.n; i++) {
    double y = point_y(&l->to_points, l->y_ticks.value[i]);
    fill_rect(cr, (rect){outside - l->tick, y - 0.5 * l->line, outside,
                         y + 0.5 * l->line}, BLACK);
    const char *label = l->y_ticks.label[i];
    drt__text_draw(cr, label_right - drt__text_width(cr, label),
                   y - 0.5 * l->text_h, label);
  }
  double name_x = label_right - l->y_ticks.label_width - 5 * s -
                  drt__text_width(cr, "y");
  drt__text_draw(cr, name_x, 0.5 * (l->map.y0 + l->map.y1 - l->text_h), "y");
}

static void draw_colour_bar_axis(cairo_t *cr, const layout *l,
                                 const drt__figure *f) {
  double s = l->text, outside = l->bar.x1 + l->line;
  double h = l->bar.y1 - l->bar.y0;
  double lo = f->n_classes ? -0.5 : f->db_lo;
  double hi = f->n_classes ? f->n_classes - 0.5 : f->db_hi;
  for (int i = 0; i < l->db_ticks.n; i++) {
    double t = (l->db_ticks.value[i] - lo) / (hi - lo);
    double y = l->bar.y0 + (1.0 - t) * h;
    fill_rect(cr, (rect){outside, y - 0.5 * l->line, outside + l->tick,
                         y + 0.5 * l->line}, BLACK);
    drt__text_draw(cr, outside + l->tick + 2 * s, y - 0.5 * l->text_h,
                   l->db_ticks.label[i]);
  }
  if (!f->unit || !*f->unit) return;
  double unit_x = outside + l->tick + 2 * s + l->db_ticks.label_width + 3 * s;
  double unit_w = drt__text_width(cr, f->unit);
  drt__text_draw_upwards(cr, unit_x, 0.5 * (l->bar.y0 + l->bar.y1 + unit_w),
                         f->unit);
}

static void draw_title(cairo_t *cr, const layout *l, const char *title) {
  if (!title || !*title) return;
  drt__text_font(cr, l->title_font);
  double w = drt__text_width(cr, title);
  double x = 0.5 * (l->map.x0 + l->map.x1 - w);
  if (x + w > l->width - l->pad) x = l->width - l->pad - w;
  if (x < l->pad) x = l->pad;
  drt__text_draw(cr, x, l->pad, title);
  drt__text_font(cr, l->font);
}

/* ------------------------------------------------------------------------ */
/* Scene overlay                                                            */
/* ------------------------------------------------------------------------ */

/* Sizes of the overlay, in points, from the text unit. */
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

/* Scene point to points; 0 for points so far off (beyond 10^15 points)
 * that they cannot touch the map, or not finite. */
static int scene_point(const transform *t, double x, double y, double *px,
                       double *py) {
  *px = point_x(t, x);
  *py = point_y(t, y);
  return fabs(*px) < 1e15 && fabs(*py) < 1e15;
}

static int inside_map(const layout *l, double x, double y, double margin) {
  return x >= l->map.x0 - margin && x <= l->map.x1 + margin &&
         y >= l->map.y0 - margin && y <= l->map.y1 + margin;
}

static void draw_object(cairo_t *cr, const layout *l, const overlay_style *st,
                        const drt_object *o) {
  double ax, ay, bx, by;
  if (!scene_point(&l->to_points, o->ax, o->ay, &ax, &ay)) return;
  if (o->type == DRT_OBJECT_VERTEX) {
    if (!inside_map(l, ax, ay, 2 * st->vertex)) return;
    disc(cr, ax, ay, st->vertex + 0.5 * st->line_outline, WHITE);
    disc(cr, ax, ay, st->vertex, BLACK);
    return;
  }
  if (!scene_point(&l->to_points, o->bx, o->by, &bx, &by)) return;
  double width = st->line_core, reach = width + 2 * st->line_outline;
  if (!add_segment(cr, l, ax, ay, bx, by, reach)) return;
  stroke_outlined(cr, width, st->line_outline,
                  o->type == DRT_OBJECT_RIS ? RIS_CORE : WHITE, BLACK);
}

/* Names beside the markers, kept inside the map where they fit. */
static void draw_point_name(cairo_t *cr, const layout *l, double px,
                            double py, const char *name, double marker) {
  double s = l->text;
  double w = drt__text_width(cr, name), h = l->text_h;
  double x = px + marker + s, y = py - marker - h;
  if (x + w > l->map.x1 - s) x = px - marker - s - w;
  if (y < l->map.y0 + s) y = py + marker;
  drt__text_draw_haloed(cr, x, y, name, 0.5 * s);
}

typedef enum marker_kind { MARK_RECEIVER, MARK_TRANSMITTER } marker_kind;

static void draw_points(cairo_t *cr, const layout *l, const overlay_style *st,
                        const drt_point *points, size_t n, marker_kind kind,
                        int with_names) {
  for (size_t i = 0; i < n; i++) {
    double px, py;
    if (!scene_point(&l->to_points, points[i].x, points[i].y, &px, &py))
      continue;
    double size = kind == MARK_TRANSMITTER ? st->marker : 0.7 * st->marker;
    if (!inside_map(l, px, py, 2 * size)) continue;
    if (kind == MARK_TRANSMITTER) {
      outlined_triangle(cr, px, py, size, st->marker_outline);
    } else { /* a ring with a centre dot */
      outlined_disc(cr, px, py, size, st->marker_outline);
      disc(cr, px, py, 0.3 * size, BLACK);
    }
    int inside = inside_map(l, px, py, 0.0);
    if (with_names && inside && points[i].name[0]) {
      char name[sizeof points[i].name + 1] = {0}; /* even if unterminated */
      memcpy(name, points[i].name, sizeof points[i].name);
      draw_point_name(cr, l, px, py, name, size);
    }
  }
}

/* An arrow of `length` points centred on (px, py) pointing along the unit
 * vector (ux, uy) of scene axes (y grows downwards on the page): a shaft
 * and two barbs at 25 degrees, dark with a light edge so it reads on any
 * colour. */
static void draw_arrow(cairo_t *cr, const layout *l, double px, double py,
                       double ux, double uy, double length) {
  double half = 0.5 * length, width = fmax(1.0, 0.25 * l->text);
  double tip_x = px + ux * half, tip_y = py - uy * half;
  const double c25 = 0.9063077870366499, s25 = 0.42261826174069944;
  cairo_move_to(cr, px - ux * half, py + uy * half);
  cairo_line_to(cr, tip_x, tip_y);
  for (int side = 0; side < 2; side++) {
    double sgn = side ? 1.0 : -1.0;
    double bx = -(ux * c25 - sgn * uy * s25), by = -(uy * c25 + sgn * ux * s25);
    cairo_move_to(cr, tip_x, tip_y);
    cairo_line_to(cr, tip_x + 0.35 * length * bx, tip_y - 0.35 * length * by);
  }
  stroke_outlined(cr, 2.0 * width, 0.5 * width, BLACK, WHITE);
}

/* The vector field, one arrow every f->arrow_every cells, at the cells'
 * centres; zero and non-finite vectors get none. */
static void draw_arrows(cairo_t *cr, const layout *l, const drt__figure *f) {
  int every = f->arrow_every;
  double length = 0.8 * every * fmin(l->cell_x, l->cell_y);
  double sx = axis_spacing(f->bbox[0], f->bbox[2], f->nx);
  double sy = axis_spacing(f->bbox[1], f->bbox[3], f->ny);
  for (int r = every / 2; r < f->ny; r += every)
    for (int col = every / 2; col < f->nx; col += every) {
      double vx = f->arrows[2 * ((size_t)r * f->nx + col)];
      double vy = f->arrows[2 * ((size_t)r * f->nx + col) + 1];
      double norm = hypot(vx, vy);
      if (!(norm > 0) || !isfinite(norm)) continue;
      double x = f->bbox[0] + col * sx, y = f->bbox[1] + r * sy;
      draw_arrow(cr, l, point_x(&l->to_points, x), point_y(&l->to_points, y),
                 vx / norm, vy / norm, length);
    }
}

/* The track: a light line with a dark edge through its points, a disc at
 * the first and a triangle at the last. */
static void draw_track(cairo_t *cr, const layout *l, const overlay_style *st,
                       const drt__figure *f) {
  double px = 0, py = 0, qx, qy, width = 0.7 * st->line_core;
  int have = 0;
  for (size_t i = 0; i < f->n_track; i++) {
    int ok = scene_point(&l->to_points, f->track[2 * i], f->track[2 * i + 1],
                         &qx, &qy);
    if (ok && have) add_segment(cr, l, px, py, qx, qy, 2 * width);
    have = ok;
    px = qx;
    py = qy;
  }
  stroke_outlined(cr, width, 0.5 * st->line_outline, WHITE, BLACK);
  for (int end = 0; end < 2 && f->n_track > 0; end++) {
    size_t i = end ? f->n_track - 1 : 0;
    if (!scene_point(&l->to_points, f->track[2 * i], f->track[2 * i + 1], &qx,
                     &qy) ||
        !inside_map(l, qx, qy, st->marker))
      continue;
    double r = end ? 0.8 * st->marker : 0.45 * st->marker;
    if (end) outlined_triangle(cr, qx, qy, r, st->marker_outline);
    else outlined_disc(cr, qx, qy, r, st->marker_outline);
  }
}

/* The rays, each a line in its colour on the scale with a dark edge. */
static void draw_rays(cairo_t *cr, const layout *l, const overlay_style *st,
                      const drt__figure *f) {
  double width = 1.2 * st->line_core;
  for (size_t i = 0; i < f->n_rays; i++) {
    double px = 0, py = 0, qx, qy;
    int have = 0;
    for (size_t j = f->ray_start[i]; j < f->ray_start[i + 1]; j++) {
      int ok = scene_point(&l->to_points, f->ray_points[2 * j],
                           f->ray_points[2 * j + 1], &qx, &qy);
      if (ok && have) add_segment(cr, l, px, py, qx, qy, 2 * width);
      have = ok;
      px = qx;
      py = qy;
    }
    uint8_t c[3];
    double t = (f->ray_db[i] - f->db_lo) / (f->db_hi - f->db_lo);
    drt__colormap(t > 0 ? (t < 1 ? t : 1) : 0, c);
    stroke_outlined(cr, width, 0.3 * st->line_outline,
                    (rgb){c[0] / 255.0, c[1] / 255.0, c[2] / 255.0}, BLACK);
  }
}

static void draw_scene(cairo_t *cr, const layout *l, const drt__figure *f) {
  overlay_style st = make_style(l);
  if (f->n_rays) draw_rays(cr, l, &st, f);
  for (size_t i = 0; i < f->n_objects; i++)
    if (f->objects[i].type != DRT_OBJECT_VERTEX)
      draw_object(cr, l, &st, &f->objects[i]);
  for (size_t i = 0; i < f->n_objects; i++)
    if (f->objects[i].type == DRT_OBJECT_VERTEX)
      draw_object(cr, l, &st, &f->objects[i]);
  int names = f->n_tx + f->n_rx <= MAX_LABELS_FOR_NAMES;
  draw_points(cr, l, &st, f->rx, f->n_rx, MARK_RECEIVER, names);
  draw_points(cr, l, &st, f->tx, f->n_tx, MARK_TRANSMITTER, names);
  if (f->track) draw_track(cr, l, &st, f);
}

/* ------------------------------------------------------------------------ */
/* Rendering and writing                                                    */
/* ------------------------------------------------------------------------ */

/* One figure drawn with its top-left corner at the origin of cr. */
static drt_status render(cairo_t *cr, const layout *l, const drt__figure *f,
                         const char *path) {
  colour_table table;
  make_colour_table(table);
  drt__text_font(cr, l->font);
  drt_status status = paint_map(cr, l, f, table, path);
  if (status != DRT_OK) return status;
  cairo_save(cr);
  cairo_rectangle(cr, l->map.x0, l->map.y0, l->map.x1 - l->map.x0,
                  l->map.y1 - l->map.y0);
  cairo_clip(cr);
  if (f->arrows) draw_arrows(cr, l, f);
  draw_scene(cr, l, f);
  cairo_restore(cr);
  frame_rect(cr, l->map, l->line);
  draw_x_axis(cr, l);
  draw_y_axis(cr, l);
  status = paint_colour_bar(cr, l, f, table, path);
  if (status != DRT_OK) return status;
  draw_colour_bar_axis(cr, l, f);
  draw_title(cr, l, f->title);
  return DRT_OK;
}

/* Checks and lays out n figures (for a strip, side by side). */
static drt_status lay_out(const drt__figure *figures, int n, const char *path,
                          layout *layouts) {
  for (int i = 0; i < n; i++) {
    drt_status status = check_figure(&figures[i], path);
    if (status != DRT_OK) return status;
  }
  cairo_t *measure = drt__text_measurer();
  if (!measure) return drt__fail(DRT_ENOMEM, "%s: out of memory", path);
  for (int i = 0; i < n; i++) make_layout(measure, &figures[i], &layouts[i]);
  cairo_destroy(measure);
  return DRT_OK;
}

static drt_status draw_strip(const drt__figure *figures, int n,
                             const layout *layouts, const char *path,
                             double dpi) {
  double width = 0.0, height = 0.0;
  for (int i = 0; i < n; i++) {
    width += layouts[i].width;
    height = fmax(height, layouts[i].height);
  }
  drt__drawing d;
  drt_status status = drt__drawing_begin(&d, path, width, height, dpi);
  if (status != DRT_OK) return status;
  double x = 0.0;
  for (int i = 0; i < n && status == DRT_OK; x += layouts[i].width, i++) {
    cairo_save(d.cr);
    cairo_translate(d.cr, x, 0.0);
    status = render(d.cr, &layouts[i], &figures[i], path);
    cairo_restore(d.cr);
  }
  if (status != DRT_OK) {
    drt__drawing_discard(&d);
    return status;
  }
  return drt__drawing_end(&d);
}

drt_status drt__figure_check_size(const drt__figure *figure, int panels,
                                  const char *path, double dpi) {
  drt_status status = check_grid(figure, path);
  if (status != DRT_OK) return status;
  drt__figure untitled = *figure;
  untitled.title = NULL;
  cairo_t *measure = drt__text_measurer();
  if (!measure) return drt__fail(DRT_ENOMEM, "%s: out of memory", path);
  layout l;
  make_layout(measure, &untitled, &l);
  cairo_destroy(measure);
  return drt__drawing_check_size(path, panels * l.width, l.height, dpi);
}

drt_status drt__figure_write(const drt__figure *figure, const char *path,
                             double dpi) {
  if (!figure || !path)
    return drt__fail(DRT_EINVAL, "figure: missing figure or output path");
  return drt__figure_strip_write(figure, 1, path, dpi);
}

drt_status drt__figure_strip_write(const drt__figure *figures, int n,
                                   const char *path, double dpi) {
  if (!figures || !path || n < 1)
    return drt__fail(DRT_EINVAL, "figure strip: no figures or output path");
  layout *layouts = calloc((size_t)n, sizeof *layouts);
  if (!layouts) return drt__fail(DRT_ENOMEM, "%s: out of memory", path);
  drt_status status = lay_out(figures, n, path, layouts);
  if (status == DRT_OK) status = draw_strip(figures, n, layouts, path, dpi);
  free(layouts);
  return status;
}
