/* test_figure.c — the colour map, text, and figures read back: PNG with
 * libpng, SVG as XML (expat), PDF through pdftoppm. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <expat.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "colormap.h"
#include "drawing.h"
#include "figure.h"
#include "figure_bars.h"
#include "text.h"
#include "testutil.h"

/* ------------------------------------------------------------------------ */
/* Colour science, written independently of colormap.c                      */
/* ------------------------------------------------------------------------ */

static double srgb_to_linear(uint8_t code) {
  double v = code / 255.0;
  return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double lab_f(double t) {
  double d = 6.0 / 29.0;
  return t > d * d * d ? cbrt(t) : t / (3.0 * d * d) + 4.0 / 29.0;
}

/* CIELAB (D65) of an 8-bit sRGB colour. */
static void srgb_to_lab(const uint8_t rgb[3], double lab[3]) {
  double r = srgb_to_linear(rgb[0]), g = srgb_to_linear(rgb[1]),
         b = srgb_to_linear(rgb[2]);
  double x = 0.4124 * r + 0.3576 * g + 0.1805 * b;
  double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  double z = 0.0193 * r + 0.1192 * g + 0.9505 * b;
  double fx = lab_f(x / 0.95047), fy = lab_f(y), fz = lab_f(z / 1.08883);
  lab[0] = 116.0 * fy - 16.0;
  lab[1] = 500.0 * (fx - fy);
  lab[2] = 200.0 * (fy - fz);
}

static double lightness(const uint8_t rgb[3]) {
  double lab[3];
  srgb_to_lab(rgb, lab);
  return lab[0];
}

static double hue_degrees(const uint8_t rgb[3]) {
  double lab[3];
  srgb_to_lab(rgb, lab);
  double h = atan2(lab[2], lab[1]) * (180.0 / acos(-1.0));
  return h < 0.0 ? h + 360.0 : h;
}

/* ------------------------------------------------------------------------ */
/* Colour map                                                               */
/* ------------------------------------------------------------------------ */

START_TEST(test_colormap_endpoints) {
  uint8_t lo[3], hi[3], c[3];
  drt__colormap(0.0, lo);
  drt__colormap(1.0, hi);
  ck_assert_double_eq_tol(lightness(lo), 18.0, 1.0);
  ck_assert_double_eq_tol(lightness(hi), 93.0, 1.0);
  /* Dark blue-violet: blue dominates, red above green. */
  ck_assert_int_gt(lo[2], lo[0]);
  ck_assert_int_gt(lo[0], lo[1]);
  /* Light yellow: red and green far above blue. */
  ck_assert_int_gt(hi[0], hi[2] + 100);
  ck_assert_int_gt(hi[1], hi[2] + 100);
  /* Out-of-range and NaN inputs are clamped. */
  drt__colormap(-3.0, c);
  ck_assert_mem_eq(c, lo, 3);
  drt__colormap(NAN, c);
  ck_assert_mem_eq(c, lo, 3);
  drt__colormap(7.0, c);
  ck_assert_mem_eq(c, hi, 3);
}
END_TEST

/* Over 256 samples, 8-bit rounding may repeat a colour, so L* must not
 * fall; over 64 it must rise. */
START_TEST(test_colormap_lightness_linear) {
  double previous = -1.0, previous_coarse = -1.0;
  for (int i = 0; i < 256; i++) {
    double t = i / 255.0;
    uint8_t c[3];
    drt__colormap(t, c);
    double l = lightness(c);
    ck_assert_msg(l >= previous, "L* falls at t = %g: %g after %g", t, l,
                  previous);
    if (i % 4 == 0) {
      ck_assert_msg(l > previous_coarse, "L* flat at t = %g", t);
      previous_coarse = l;
    }
    ck_assert_msg(fabs(l - (18.0 + 75.0 * t)) < 1.0,
                  "L* = %g at t = %g is off the line 18 + 75 t", l, t);
    previous = l;
  }
}
END_TEST

START_TEST(test_colormap_uniform_steps) {
  double min_step = INFINITY, max_step = 0.0, prev[3];
  for (int i = 0; i <= 16; i++) {
    uint8_t c[3];
    double lab[3];
    drt__colormap(i / 16.0, c);
    srgb_to_lab(c, lab);
    if (i > 0) {
      double step = sqrt(pow(lab[0] - prev[0], 2) + pow(lab[1] - prev[1], 2) +
                         pow(lab[2] - prev[2], 2));
      min_step = fmin(min_step, step);
      max_step = fmax(max_step, step);
    }
    memcpy(prev, lab, sizeof prev);
  }
  /* Equal arc length along the curve, measured here by chords. */
  ck_assert_msg(max_step < 1.2 * min_step, "CIE76 steps from %g to %g",
                min_step, max_step);
}
END_TEST

START_TEST(test_colormap_hue_path_and_gamut) {
  double previous = 360.0;
  for (int i = 0; i <= 32; i++) {
    uint8_t c[3];
    drt__colormap(i / 32.0, c);
    double h = hue_degrees(c);
    ck_assert_msg(h < previous, "hue %g at t = %g does not fall", h, i / 32.0);
    previous = h;
    /* Away from the ends no channel sits at a bound: nothing was clipped. */
    if (i > 0 && i < 32)
      for (int k = 0; k < 3; k++) {
        ck_assert_int_gt(c[k], 0);
        ck_assert_int_lt(c[k], 255);
      }
  }
  uint8_t lo[3], mid[3], hi[3];
  drt__colormap(0.0, lo);
  drt__colormap(0.5, mid);
  drt__colormap(1.0, hi);
  ck_assert_double_gt(hue_degrees(lo), 285.0); /* blue-violet */
  ck_assert_double_lt(hue_degrees(hi), 110.0); /* yellow */
  ck_assert_int_gt(mid[1], mid[0]);            /* teal-green in the middle */
  ck_assert_int_gt(mid[1], mid[2]);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Text                                                                     */
/* ------------------------------------------------------------------------ */

START_TEST(test_text_clean_utf8) {
  char out[32];
  drt__text_clean("plain", out, sizeof out);
  ck_assert_str_eq(out, "plain");
  drt__text_clean("\xc3\xa9t\xc3\xa9", out, sizeof out); /* été */
  ck_assert_str_eq(out, "\xc3\xa9t\xc3\xa9");
  /* A stray continuation byte, a truncated sequence, an overlong '/', a
   * surrogate and a code point past U+10FFFF each become one '?'. */
  drt__text_clean("a\x80" "b\xc3", out, sizeof out);
  ck_assert_str_eq(out, "a?b?");
  drt__text_clean("\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80", out, sizeof out);
  ck_assert_str_eq(out, "??|???|????");
  /* Cut at a whole character: "é" does not fit in the last 2 bytes. */
  drt__text_clean("ab\xc3\xa9", out, 4);
  ck_assert_str_eq(out, "ab");
  drt__text_clean(NULL, out, sizeof out);
  ck_assert_str_eq(out, "");
}
END_TEST

/* Inked pixels of text drawn in black on a white RGB surface. */
static int inked_pixels(const char *text, double size) {
  cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 400, 60);
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  drt__text_font(cr, size);
  drt__text_draw(cr, 2, 2, text);
  ck_assert_int_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
  cairo_surface_flush(s);
  const unsigned char *data = cairo_image_surface_get_data(s);
  int stride = cairo_image_surface_get_stride(s), inked = 0;
  for (int y = 0; y < 60; y++)
    for (int x = 0; x < 400; x++) {
      uint32_t v = *(const uint32_t *)(const void *)(data + y * stride + 4 * x);
      inked += (v & 0xFF) < 128;
    }
  cairo_destroy(cr);
  cairo_surface_destroy(s);
  return inked;
}

START_TEST(test_text_metrics_and_ink) {
  cairo_t *cr = drt__text_measurer();
  ck_assert_ptr_nonnull(cr);
  drt__text_font(cr, 10.0);
  double w10 = drt__text_width(cr, "-40 dB"), h10 = drt__text_height(cr);
  drt__text_font(cr, 20.0);
  double w20 = drt__text_width(cr, "-40 dB");
  /* Unhinted metrics scale with the size exactly. */
  ck_assert_double_eq_tol(w20, 2.0 * w10, 1e-9 * w20);
  /* A sans-serif text box: about 1.2 em high, letters about 0.6 em wide. */
  ck_assert_double_gt(h10, 10.0);
  ck_assert_double_lt(h10, 14.0);
  ck_assert_double_gt(w10, 6 * 4.0);
  ck_assert_double_lt(w10, 6 * 8.0);
  ck_assert_double_eq(drt__text_width(cr, ""), 0.0);
  /* Invalid UTF-8 is measured as its '?' replacements, not refused. */
  ck_assert_double_eq_tol(drt__text_width(cr, "a\xff"),
                          drt__text_width(cr, "a?"), 1e-12);
  ck_assert_int_eq(cairo_status(cr), CAIRO_STATUS_SUCCESS);
  cairo_destroy(cr);
  /* Real outlines: ink grows with the text and its size, and a space has
   * none. */
  int one = inked_pixels("W", 20.0), two = inked_pixels("WW", 20.0);
  ck_assert_int_gt(one, 20);
  ck_assert_int_gt(two, (int)(1.8 * one));
  ck_assert_int_gt(inked_pixels("W", 40.0), 3 * one);
  ck_assert_int_eq(inked_pixels("   ", 20.0), 0);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Figures                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct image {
  uint8_t *rgb;
  int width, height;
} image;

/* Each figure test gets a fresh directory, so "no file left" can be checked,
 * and the image it reads back; the fixture cleans both up even when the
 * test fails half way. */
static char scratch_dir[64];
static char scratch_path[128];
static image loaded;

static const uint8_t BLACK[3] = {0, 0, 0}, WHITE[3] = {255, 255, 255};
static uint8_t LOWEST[3], HIGHEST[3];

static void figure_setup(void) {
  snprintf(scratch_dir, sizeof scratch_dir, "/tmp/drt_test_figure_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(scratch_dir));
  loaded = (image){NULL, 0, 0};
  drt__colormap(0.0, LOWEST);
  drt__colormap(1.0, HIGHEST);
}

static void figure_teardown(void) {
  free(loaded.rgb);
  loaded.rgb = NULL;
  DIR *dir = opendir(scratch_dir);
  for (struct dirent *e; dir && (e = readdir(dir));) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char path[sizeof scratch_dir + sizeof e->d_name + 2];
    snprintf(path, sizeof path, "%s/%s", scratch_dir, e->d_name);
    if (remove(path) != 0) rmdir(path);
  }
  if (dir) closedir(dir);
  rmdir(scratch_dir);
}

static const char *scratch_file(const char *name) {
  snprintf(scratch_path, sizeof scratch_path, "%s/%s", scratch_dir, name);
  return scratch_path;
}

static int scratch_entries(void) {
  DIR *dir = opendir(scratch_dir);
  ck_assert_ptr_nonnull(dir);
  int n = 0;
  for (struct dirent *e; (e = readdir(dir));)
    n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
  closedir(dir);
  return n;
}

/* Reads a PNG into `loaded` (replacing what was there). */
static const image *read_png_file(const char *path) {
  png_image png;
  memset(&png, 0, sizeof png);
  png.version = PNG_IMAGE_VERSION;
  ck_assert_msg(png_image_begin_read_from_file(&png, path), "%s: %s", path,
                png.message);
  png.format = PNG_FORMAT_RGB;
  free(loaded.rgb);
  loaded =
      (image){malloc(PNG_IMAGE_SIZE(png)), (int)png.width, (int)png.height};
  ck_assert_ptr_nonnull(loaded.rgb);
  ck_assert(png_image_finish_read(&png, NULL, loaded.rgb, 0, NULL));
  return &loaded;
}

static const image *write_and_read(const drt__figure *f) {
  const char *path = scratch_file("map.png");
  DRT_CHECK_OK(drt__figure_write(f, path, DRT_FIGURE_DPI));
  return read_png_file(path);
}

static const uint8_t *pixel(const image *im, int x, int y) {
  ck_assert_msg(x >= 0 && x < im->width && y >= 0 && y < im->height,
                "pixel (%d, %d) outside the %d x %d image", x, y, im->width,
                im->height);
  return im->rgb + ((size_t)y * im->width + x) * 3;
}

static int near_colour(const uint8_t *a, const uint8_t *b, int tolerance) {
  for (int k = 0; k < 3; k++)
    if (abs((int)a[k] - (int)b[k]) > tolerance) return 0;
  return 1;
}

static int first_x_with(const image *im, int y, const uint8_t c[3]) {
  for (int x = 0; x < im->width; x++)
    if (near_colour(pixel(im, x, y), c, 0)) return x;
  return -1;
}

static int last_x_with(const image *im, int y, const uint8_t c[3]) {
  for (int x = im->width - 1; x >= 0; x--)
    if (near_colour(pixel(im, x, y), c, 0)) return x;
  return -1;
}

static int first_y_with(const image *im, const uint8_t c[3]) {
  for (int y = 0; y < im->height; y++)
    if (first_x_with(im, y, c) >= 0) return y;
  return -1;
}

static int last_y_with(const image *im, const uint8_t c[3]) {
  for (int y = im->height - 1; y >= 0; y--)
    if (first_x_with(im, y, c) >= 0) return y;
  return -1;
}

/* nx x ny grid at spacing 0.1 from the origin; values rise with the column
 * (west to east) or, with by_row, with the row (south to north), spanning
 * exactly the colour scale. */
static drt__figure gradient_figure(double *db, int nx, int ny, int by_row) {
  for (int r = 0; r < ny; r++)
    for (int c = 0; c < nx; c++) db[r * nx + c] = by_row ? r : c;
  drt__figure f = {0};
  f.db = db;
  f.nx = nx;
  f.ny = ny;
  f.bbox[2] = 0.1 * (nx - 1);
  f.bbox[3] = 0.1 * (ny - 1);
  f.db_lo = 0.0;
  f.db_hi = by_row ? ny - 1 : nx - 1;
  f.title = "Test map";
  f.unit = "dB";
  return f;
}

typedef struct map_box {
  int left, right, top, bottom; /* inclusive pixel bounds of the map */
} map_box;

/* The map of a west-to-east gradient: its rows are those holding the lowest
 * colour, its ends the first lowest and last highest pixels of a middle row
 * (the colour bar holds middle colours there). */
static map_box find_west_east_map(const image *im) {
  map_box m;
  m.top = first_y_with(im, LOWEST);
  m.bottom = last_y_with(im, LOWEST);
  ck_assert_int_ge(m.top, 0);
  int middle = (m.top + m.bottom) / 2;
  m.left = first_x_with(im, middle, LOWEST);
  m.right = last_x_with(im, middle, HIGHEST);
  ck_assert_int_ge(m.left, 0);
  ck_assert_int_gt(m.right, m.left);
  return m;
}

START_TEST(test_figure_layout_west_east) {
  double db[50 * 40];
  drt__figure f = gradient_figure(db, 50, 40, 0);
  const image *im = write_and_read(&f);
  map_box m = find_west_east_map(im);
  /* 50 x 40 cells scaled by ceil(500 / 50) = 10. */
  ck_assert_int_eq(m.right - m.left + 1, 500);
  ck_assert_int_eq(m.bottom - m.top + 1, 400);
  ck_assert_int_gt(im->width, 500 + 100); /* room for the colour bar */
  ck_assert_int_lt(im->width, 2 * 500);
  ck_assert_int_gt(im->height, 400 + 40);
  ck_assert_int_lt(im->height, 2 * 400);
  /* Each 10-pixel column block has its column's colour. */
  for (int c = 0; c < 50; c++) {
    uint8_t expect[3];
    drt__colormap(c / 49.0, expect);
    const uint8_t *got = pixel(im, m.left + 10 * c + 5, m.top + 200);
    ck_assert_msg(near_colour(got, expect, 3), "column %d: %d %d %d", c, got[0],
                  got[1], got[2]);
  }
  /* A black frame, white margins. */
  ck_assert(near_colour(pixel(im, m.left - 1, m.top + 200), BLACK, 0));
  ck_assert(near_colour(pixel(im, m.left + 250, m.top - 1), BLACK, 0));
  ck_assert(near_colour(pixel(im, 0, 0), WHITE, 0));
  ck_assert(near_colour(pixel(im, im->width - 1, im->height - 1), WHITE, 0));
  /* The colour bar, right of the map, spans the map's height. */
  ck_assert_int_gt(last_x_with(im, m.top, HIGHEST), m.right + 1);
  ck_assert_int_gt(last_x_with(im, m.bottom, LOWEST), m.right + 1);
}
END_TEST

START_TEST(test_figure_north_up) {
  double db[50 * 40];
  drt__figure f = gradient_figure(db, 50, 40, 1); /* high in the north */
  const image *im = write_and_read(&f);
  int top = first_y_with(im, HIGHEST), bottom = last_y_with(im, LOWEST);
  ck_assert_int_ge(top, 0);
  ck_assert_int_eq(bottom - top + 1, 400);
  int x = first_x_with(im, top, HIGHEST) + 250;
  /* Rows go up the image: row r's block ends 10 r pixels above the bottom. */
  for (int r = 0; r < 40; r++) {
    uint8_t expect[3];
    drt__colormap(r / 39.0, expect);
    const uint8_t *got = pixel(im, x, bottom - 10 * r - 5);
    ck_assert_msg(near_colour(got, expect, 3), "row %d: %d %d %d", r, got[0],
                  got[1], got[2]);
  }
}
END_TEST

START_TEST(test_figure_markers_and_walls) {
  double db[50 * 40];
  drt__figure f = gradient_figure(db, 50, 40, 0);
  drt_point tx = {.name = "tx0", .x = 2.0, .y = 1.5}, rx = {.name = "rx0", .x = 4.0, .y = 3.0};
  drt_object wall = {.type = DRT_OBJECT_WALL, .ax = 0.5, .ay = 1.0, .bx = 4.0, .by = 1.0, .phi = 0.0};
  f.tx = &tx;
  f.n_tx = 1;
  f.rx = &rx;
  f.n_rx = 1;
  f.objects = &wall;
  f.n_objects = 1;
  const image *im = write_and_read(&f);
  map_box m = find_west_east_map(im);
  /* Scene (x, y) lies at pixel (left + 10 (x / 0.1 + 0.5),
   * top + 400 - 10 (y / 0.1 + 0.5)): tx at (left + 205, top + 245), a white
   * triangle with a black edge. */
  ck_assert(near_colour(pixel(im, m.left + 205, m.top + 245), WHITE, 0));
  int edge = 0;
  for (int dy = -14; dy <= 14; dy++)
    edge |= near_colour(pixel(im, m.left + 205, m.top + 245 + dy), BLACK, 30);
  ck_assert(edge);
  /* rx at (left + 405, top + 95): a black centre in a white ring. */
  ck_assert(near_colour(pixel(im, m.left + 405, m.top + 95), BLACK, 30));
  ck_assert(near_colour(pixel(im, m.left + 405 + 4, m.top + 95), WHITE, 30));
  /* The wall along y = 1.0, pixel row boundary top + 295: a white core two
   * pixels wide between black edges. */
  int x = m.left + 255;
  ck_assert(near_colour(pixel(im, x, m.top + 294), WHITE, 0));
  ck_assert(near_colour(pixel(im, x, m.top + 295), WHITE, 0));
  ck_assert(near_colour(pixel(im, x, m.top + 293), BLACK, 0));
  ck_assert(near_colour(pixel(im, x, m.top + 296), BLACK, 0));
  /* Away from the overlay the map is untouched. */
  uint8_t expect[3];
  drt__colormap(25.0 / 49.0, expect);
  ck_assert(near_colour(pixel(im, x, m.top + 200), expect, 3));
}
END_TEST

START_TEST(test_figure_overlay_far_and_odd_coordinates) {
  double db[50 * 40];
  drt__figure f = gradient_figure(db, 50, 40, 0);
  drt_object objects[] = {
      {.type = DRT_OBJECT_WALL, .ax = -1e6, .ay = -1e6, .bx = 1e6, .by = 1e6, .phi = 0.0}, /* the diagonal y = x */
      {.type = DRT_OBJECT_WALL, .ax = 1e300, .ay = 0.0, .bx = -1e300, .by = 1.0, .phi = 0.0},
      {.type = DRT_OBJECT_WALL, .ax = NAN, .ay = 0.0, .bx = 1.0, .by = INFINITY, .phi = 0.0},
      {.type = DRT_OBJECT_VERTEX, .ax = -1e200, .ay = 1e200, .bx = -1e200, .by = 1e200, .phi = 0.0},
  };
  drt_point far[] = {{.name = "far", .x = 1e300, .y = -1e300}, {.name = "nan", .x = NAN, .y = 1.0}};
  f.objects = objects;
  f.n_objects = 4;
  f.tx = far;
  f.n_tx = 2;
  f.rx = far;
  f.n_rx = 2;
  const image *im = write_and_read(&f);
  map_box m = find_west_east_map(im);
  /* The diagonal crosses (2, 2): pixel (left + 205, top + 400 - 205). */
  const uint8_t *p = pixel(im, m.left + 205, m.top + 195);
  ck_assert_msg(near_colour(p, WHITE, 60), "no wall core: %d %d %d", p[0], p[1],
                p[2]);
}
END_TEST

/* Two cells, 250 pixels each: the west one must get the lowest colour and
 * the east one the highest, whatever the values' oddities. */
static void check_two_cells(double west, double east) {
  double db[2] = {west, east};
  drt__figure f = {.db = db,
                   .nx = 2,
                   .ny = 1,
                   .bbox = {0.0, 0.0, 1.0, 0.0},
                   .db_lo = -50.0,
                   .db_hi = -10.0};
  const image *im = write_and_read(&f);
  int found = 0;
  for (int y = 0; y < im->height && !found; y++) {
    int x = first_x_with(im, y, LOWEST);
    if (x < 0 || x + 499 >= im->width) continue;
    found = near_colour(pixel(im, x + 249, y), LOWEST, 0) &&
            near_colour(pixel(im, x + 250, y), HIGHEST, 0) &&
            near_colour(pixel(im, x + 499, y), HIGHEST, 0);
  }
  ck_assert_msg(found, "west %g, east %g: cells not drawn lowest/highest", west,
                east);
}

START_TEST(test_figure_nan_inf_and_clipping) {
  check_two_cells(NAN, INFINITY);
  check_two_cells(-INFINITY, 1e300);
  check_two_cells(-1000.0, 0.0);
}
END_TEST

START_TEST(test_figure_large_grid_one_to_one) {
  double *db = malloc(sizeof *db * 600 * 520);
  ck_assert_ptr_nonnull(db);
  drt__figure f = gradient_figure(db, 600, 520, 0);
  drt_status status = drt__figure_write(&f, scratch_file("map.png"), DRT_FIGURE_DPI);
  free(db);
  DRT_CHECK_OK(status);
  map_box m = find_west_east_map(read_png_file(scratch_file("map.png")));
  ck_assert_int_eq(m.right - m.left + 1, 600);
  ck_assert_int_eq(m.bottom - m.top + 1, 520);
}
END_TEST

START_TEST(test_figure_strip_is_stretched) {
  double db[600 * 2];
  drt__figure f = gradient_figure(db, 600, 2, 0);
  map_box m = find_west_east_map(write_and_read(&f));
  ck_assert_int_eq(m.right - m.left + 1, 600);
  ck_assert_int_eq(m.bottom - m.top + 1, 100); /* 2 rows of 50 pixels */
}
END_TEST

START_TEST(test_figure_single_point_grid) {
  double db[1] = {-20.0};
  drt__figure f = {.db = db,
                   .nx = 1,
                   .ny = 1,
                   .bbox = {2.0, 3.0, 2.0, 3.0},
                   .db_lo = -30.0,
                   .db_hi = 0.0};
  const image *im = write_and_read(&f);
  ck_assert_int_gt(im->width, 500);
  ck_assert_int_gt(im->height, 500);
}
END_TEST

START_TEST(test_figure_invalid_input_leaves_no_file) {
  const char *path = scratch_file("bad.png");
  double db[4] = {0};
  drt_point tx = {.name = "tx0", .x = 0.5, .y = 0.5};
  drt__figure good = {.db = db,
                      .nx = 2,
                      .ny = 2,
                      .bbox = {0, 0, 1, 1},
                      .db_lo = -1.0,
                      .db_hi = 1.0,
                      .tx = &tx,
                      .n_tx = 1};
  enum { N_BAD = 13 };
  drt__figure bad[N_BAD];
  for (int i = 0; i < N_BAD; i++) bad[i] = good;
  bad[0].db_hi = bad[0].db_lo;
  bad[1].db_lo = 2.0;
  bad[2].nx = 0;
  bad[3].ny = -1;
  bad[4].bbox[1] = NAN;
  bad[5].bbox[0] = 2.0; /* x0 > x1 */
  bad[6].bbox[2] = 0.0; /* x0 == x1 with two columns */
  bad[7].db = NULL;
  bad[8].tx = NULL;
  bad[9].db_hi = INFINITY;
  bad[10].db_lo = NAN;
  bad[11].db_lo = -1e308; /* the range itself overflows */
  bad[11].db_hi = 1e308;
  bad[12].bbox[0] = -1e308;
  bad[12].bbox[2] = 1e308;
  for (int i = 0; i < N_BAD; i++) {
    drt_status status = drt__figure_write(&bad[i], path, DRT_FIGURE_DPI);
    ck_assert_msg(status == DRT_EINVAL, "case %d: %s", i,
                  drt_status_name(status));
    ck_assert_ptr_nonnull(strstr(drt_last_error(), path));
    ck_assert_int_eq(scratch_entries(), 0);
  }
  ck_assert_int_eq(drt__figure_write(NULL, path, DRT_FIGURE_DPI), DRT_EINVAL);
  ck_assert_int_eq(drt__figure_write(&good, NULL, DRT_FIGURE_DPI), DRT_EINVAL);
  ck_assert_int_eq(scratch_entries(), 0);
}
END_TEST

START_TEST(test_figure_unwritable_path) {
  double db[4] = {0};
  drt__figure f = {.db = db,
                   .nx = 2,
                   .ny = 2,
                   .bbox = {0, 0, 1, 1},
                   .db_lo = -1.0,
                   .db_hi = 1.0};
  const char *path = "/nonexistent/dir/x.png";
  ck_assert_int_eq(drt__figure_write(&f, path, DRT_FIGURE_DPI), DRT_EIO);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), path));
  ck_assert_int_ne(access(path, F_OK), 0);
}
END_TEST

START_TEST(test_figure_failure_keeps_old_file) {
  double db[4] = {0};
  drt__figure f = {.db = db,
                   .nx = 2,
                   .ny = 2,
                   .bbox = {0, 0, 1, 1},
                   .db_lo = 1.0,
                   .db_hi = 1.0}; /* invalid scale */
  const char *path = scratch_file("old.png");
  FILE *old = fopen(path, "w");
  ck_assert_ptr_nonnull(old);
  fputs("old", old);
  fclose(old);
  ck_assert_int_eq(drt__figure_write(&f, path, DRT_FIGURE_DPI), DRT_EINVAL);
  char text[8] = {0};
  old = fopen(path, "r");
  ck_assert_ptr_nonnull(old);
  ck_assert_ptr_nonnull(fgets(text, sizeof text, old));
  fclose(old);
  ck_assert_str_eq(text, "old");
  /* A valid figure that cannot replace its target (a directory) fails in
   * the final rename and leaves no temporary file beside it. */
  f.db_hi = 2.0;
  const char *dir_path = scratch_file("sub.png");
  ck_assert_int_eq(mkdir(dir_path, 0700), 0);
  ck_assert_int_eq(drt__figure_write(&f, dir_path, DRT_FIGURE_DPI), DRT_EIO);
  ck_assert_int_eq(scratch_entries(), 2); /* old.png and sub.png */
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Resolution and formats                                                   */
/* ------------------------------------------------------------------------ */

/* The PNG's pHYs resolution, in dots per inch (0 when it has none). */
static double png_dpi(const char *path) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL,
                                           NULL);
  png_infop info = png_create_info_struct(png);
  ck_assert_ptr_nonnull(info);
  double dpi = 0.0;
  if (setjmp(png_jmpbuf(png)) == 0) {
    png_init_io(png, f);
    png_read_info(png, info);
    png_uint_32 x = 0, y = 0;
    int unit = 0;
    if (png_get_pHYs(png, info, &x, &y, &unit) && unit == PNG_RESOLUTION_METER &&
        x == y)
      dpi = x * 0.0254;
  }
  png_destroy_read_struct(&png, &info, NULL);
  fclose(f);
  return dpi;
}

START_TEST(test_figure_dpi_scales_pixels) {
  double db[50 * 40];
  drt__figure f = gradient_figure(db, 50, 40, 0);
  const char *path = scratch_file("map.png");
  DRT_CHECK_OK(drt__figure_write(&f, path, DRT_FIGURE_DPI));
  ck_assert_double_eq_tol(png_dpi(path), 72.0, 0.01);
  const image *im = read_png_file(path);
  int w1 = im->width, h1 = im->height;
  DRT_CHECK_OK(drt__figure_write(&f, path, 144.0));
  ck_assert_double_eq_tol(png_dpi(path), 144.0, 0.01);
  im = read_png_file(path);
  /* The layout is in whole points: twice the dpi, twice the pixels. */
  ck_assert_int_eq(im->width, 2 * w1);
  ck_assert_int_eq(im->height, 2 * h1);
  map_box m = find_west_east_map(im);
  ck_assert_int_eq(m.right - m.left + 1, 1000); /* 50 cells of 20 pixels */
  ck_assert_int_eq(m.bottom - m.top + 1, 800);
  for (int c = 0; c < 50; c++) {
    uint8_t expect[3];
    drt__colormap(c / 49.0, expect);
    ck_assert(near_colour(pixel(im, m.left + 20 * c + 1, m.top + 400), expect,
                          3));
    ck_assert(near_colour(pixel(im, m.left + 20 * c + 18, m.top + 400), expect,
                          3));
  }
  ck_assert_int_eq(drt__figure_write(&f, path, 5.0), DRT_EINVAL);
  ck_assert_int_eq(drt__figure_write(&f, path, NAN), DRT_EINVAL);
}
END_TEST

START_TEST(test_figure_format_follows_name) {
  drt__figure_format format;
  DRT_CHECK_OK(drt__figure_format_of("a/b.map.PNG", &format));
  ck_assert_int_eq(format, DRT_FIGURE_PNG);
  DRT_CHECK_OK(drt__figure_format_of("x.svg", &format));
  ck_assert_int_eq(format, DRT_FIGURE_SVG);
  DRT_CHECK_OK(drt__figure_format_of("x.Pdf", &format));
  ck_assert_int_eq(format, DRT_FIGURE_PDF);
  const char *unknown[] = {"map.jpg", "map", "png", "dir.png/map", ".svg.",
                           "map.png.gz"};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
    ck_assert_int_eq(drt__figure_format_of(unknown[i], &format), DRT_EINVAL);
    ck_assert_ptr_nonnull(strstr(drt_last_error(), unknown[i]));
  }
  /* Nothing is written under a name of no known format. */
  double db[4] = {0};
  drt__figure f = {.db = db, .nx = 2, .ny = 2, .bbox = {0, 0, 1, 1},
                   .db_lo = -1.0, .db_hi = 1.0};
  ck_assert_int_eq(drt__figure_write(&f, scratch_file("map.jpg"),
                                     DRT_FIGURE_DPI), DRT_EINVAL);
  /* Bad figures leave no SVG or PDF either. */
  f.db_hi = f.db_lo;
  ck_assert_int_eq(drt__figure_write(&f, scratch_file("bad.svg"),
                                     DRT_FIGURE_DPI), DRT_EINVAL);
  ck_assert_int_eq(drt__figure_write(&f, scratch_file("bad.pdf"),
                                     DRT_FIGURE_DPI), DRT_EINVAL);
  ck_assert_int_eq(scratch_entries(), 0);
  f.db_hi = 1.0;
  ck_assert_int_eq(drt__figure_write(&f, "/nonexistent/dir/x.pdf",
                                     DRT_FIGURE_DPI), DRT_EIO);
  ck_assert_int_eq(drt__figure_write(&f, "/nonexistent/dir/x.svg",
                                     DRT_FIGURE_DPI), DRT_EIO);
}
END_TEST

/* What an SVG holds, as expat reads it. */
typedef struct svg_census {
  int depth, elements, root_is_svg;
  char root_width[32], root_height[32];
  int images, images_pixelated, map_images, bar_images;
  int glyph_symbols, glyph_uses, white_strokes;
} svg_census;

static const char *attribute(const char **attrs, const char *name) {
  for (int i = 0; attrs[i]; i += 2)
    if (strcmp(attrs[i], name) == 0) return attrs[i + 1];
  return NULL;
}

static int map_nx = 0, map_ny = 0; /* the image the census looks for */

static void XMLCALL svg_start(void *user, const char *name,
                              const char **attrs) {
  svg_census *c = user;
  const char *v;
  if (c->depth++ == 0) {
    c->root_is_svg = strcmp(name, "svg") == 0;
    snprintf(c->root_width, sizeof c->root_width, "%s",
             (v = attribute(attrs, "width")) ? v : "");
    snprintf(c->root_height, sizeof c->root_height, "%s",
             (v = attribute(attrs, "height")) ? v : "");
  }
  c->elements++;
  if (strcmp(name, "image") == 0) {
    c->images++;
    v = attribute(attrs, "image-rendering");
    c->images_pixelated += v && strcmp(v, "optimizeSpeed") == 0;
    int w = atoi((v = attribute(attrs, "width")) ? v : "0");
    int h = atoi((v = attribute(attrs, "height")) ? v : "0");
    c->map_images += w == map_nx && h == map_ny;
    c->bar_images += w == 1 && h == 256;
  } else if (strcmp(name, "symbol") == 0) {
    v = attribute(attrs, "id");
    c->glyph_symbols += v && strncmp(v, "glyph", 5) == 0;
  } else if (strcmp(name, "use") == 0) {
    v = attribute(attrs, "xlink:href");
    c->glyph_uses += v && strncmp(v, "#glyph", 6) == 0;
  } else if (strcmp(name, "path") == 0) {
    v = attribute(attrs, "style");
    c->white_strokes += v && strstr(v, "stroke:rgb(100%,100%,100%)") != NULL;
  }
}

static void XMLCALL svg_end(void *user, const char *name) {
  (void)name;
  ((svg_census *)user)->depth--;
}

static svg_census read_svg(const char *path) {
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  svg_census census = {0};
  XML_Parser parser = XML_ParserCreate(NULL);
  XML_SetUserData(parser, &census);
  XML_SetElementHandler(parser, svg_start, svg_end);
  char buffer[1 << 14];
  for (;;) {
    size_t n = fread(buffer, 1, sizeof buffer, f);
    int done = n < sizeof buffer;
    ck_assert_msg(XML_Parse(parser, buffer, (int)n, done) == XML_STATUS_OK,
                  "%s: not well-formed XML: %s at line %lu", path,
                  XML_ErrorString(XML_GetErrorCode(parser)),
                  (unsigned long)XML_GetCurrentLineNumber(parser));
    if (done) break;
  }
  XML_ParserFree(parser);
  fclose(f);
  return census;
}

/* A 50 x 40 map with three walls, a transmitter and a title. */
static drt__figure scene_figure(double *db, drt_object walls[3],
                                drt_point *tx) {
  drt__figure f = gradient_figure(db, 50, 40, 0);
  walls[0] = (drt_object){.type = DRT_OBJECT_WALL, .ax = 0.5, .ay = 1.0, .bx = 4.0, .by = 1.0, .phi = 0.0};
  walls[1] = (drt_object){.type = DRT_OBJECT_WALL, .ax = 1.0, .ay = 0.5, .bx = 1.0, .by = 3.5, .phi = 0.0};
  walls[2] = (drt_object){.type = DRT_OBJECT_WALL, .ax = 2.0, .ay = 3.0, .bx = 4.5, .by = 1.5, .phi = 0.0};
  *tx = (drt_point){.name = "", .x = 3.0, .y = 2.5};
  f.objects = walls;
  f.n_objects = 3;
  f.tx = tx;
  f.n_tx = 1;
  return f;
}

START_TEST(test_figure_svg_structure) {
  double db[50 * 40];
  drt_object walls[3];
  drt_point tx;
  drt__figure f = scene_figure(db, walls, &tx);
  DRT_CHECK_OK(drt__figure_write(&f, scratch_file("map.png"), DRT_FIGURE_DPI));
  const image *im = read_png_file(scratch_file("map.png"));
  DRT_CHECK_OK(drt__figure_write(&f, scratch_file("map.svg"), DRT_FIGURE_DPI));
  map_nx = 50;
  map_ny = 40;
  svg_census c = read_svg(scratch_file("map.svg"));
  ck_assert(c.root_is_svg);
  /* The page is the PNG's size at 72 dpi, in points. */
  char expect[32];
  snprintf(expect, sizeof expect, "%dpt", im->width);
  ck_assert_str_eq(c.root_width, expect);
  snprintf(expect, sizeof expect, "%dpt", im->height);
  ck_assert_str_eq(c.root_height, expect);
  /* Two rasters, both at their own resolution and marked for nearest
   * neighbour: the map's cells and the colour bar's 256 steps. */
  ck_assert_int_eq(c.images, 2);
  ck_assert_int_eq(c.images_pixelated, 2);
  ck_assert_int_eq(c.map_images, 1);
  ck_assert_int_eq(c.bar_images, 1);
  /* Each wall a vector line (its light core), text as glyph outlines. */
  ck_assert_int_eq(c.white_strokes, 3);
  ck_assert_int_ge(c.glyph_symbols, 8);
  ck_assert_int_ge(c.glyph_uses, (int)strlen("Testmap") + 5);
}
END_TEST

/* Fraction of pixels whose channels differ by more than `tolerance`, and
 * the mean absolute difference, of two images of one size. */
static void compare_images(const image *a, const image *b, int tolerance,
                           double *far_fraction, double *mean_difference) {
  ck_assert_int_eq(a->width, b->width);
  ck_assert_int_eq(a->height, b->height);
  size_t n = (size_t)a->width * a->height, far = 0;
  double total = 0.0;
  for (size_t i = 0; i < n; i++) {
    int worst = 0;
    for (int k = 0; k < 3; k++) {
      int d = abs((int)a->rgb[3 * i + k] - (int)b->rgb[3 * i + k]);
      total += d;
      if (d > worst) worst = d;
    }
    far += worst > tolerance;
  }
  *far_fraction = (double)far / n;
  *mean_difference = total / (3.0 * n);
}

START_TEST(test_figure_pdf_renders_as_png) {
  double db[50 * 40];
  drt_object walls[3];
  drt_point tx;
  drt__figure f = scene_figure(db, walls, &tx);
  const char *pdf = scratch_file("map.pdf");
  DRT_CHECK_OK(drt__figure_write(&f, pdf, DRT_FIGURE_DPI));
  FILE *file = fopen(pdf, "rb");
  ck_assert_ptr_nonnull(file);
  char head[8] = {0};
  ck_assert_int_eq(fread(head, 1, 5, file), 5);
  fclose(file);
  ck_assert_str_eq(head, "%PDF-");
  /* poppler renders the PDF at 72 dpi; cells of 10 points are drawn
   * without interpolation at that scale. */
  char command[512];
  snprintf(command, sizeof command,
           "pdftoppm -r 72 -png -singlefile '%s' '%s/poppler' 2>&1", pdf,
           scratch_dir);
  int rc = system(command);
  ck_assert_msg(rc == 0, "'%s' failed (%d): pdftoppm is in Debian's "
                "poppler-utils", command, rc);
  DRT_CHECK_OK(drt__figure_write(&f, scratch_file("map.png"), DRT_FIGURE_DPI));
  const image *drawn = read_png_file(scratch_file("map.png"));
  image own = *drawn;
  loaded.rgb = NULL; /* keep it: the next read replaces `loaded` */
  const image *rendered = read_png_file(scratch_file("poppler.png"));
  double far, mean;
  compare_images(&own, rendered, 64, &far, &mean);
  free(own.rgb);
  /* Antialiasing differs at edges and glyphs; the picture must not. */
  ck_assert_msg(far < 0.01 && mean < 2.0,
                "PDF and PNG differ: %.3f%% of pixels by more than 64, "
                "mean %.2f", 100 * far, mean);
}
END_TEST

START_TEST(test_bar_chart_formats) {
  drt__bar_chart c = {.title = "Success rates", .n_groups = 2, .n_series = 2,
                      .series_label = {"exact", "smoothed"}};
  snprintf(c.group_label[0], sizeof c.group_label[0], "2 receivers");
  snprintf(c.group_label[1], sizeof c.group_label[1], "3 receivers");
  const double v[2][2] = {{0.25, 0.75}, {0.5, NAN}};
  for (int g = 0; g < 2; g++)
    for (int k = 0; k < 2; k++) {
      c.value[g][k] = v[g][k];
      c.lo[g][k] = v[g][k] - 0.1;
      c.hi[g][k] = v[g][k] + 0.1;
    }
  const char *png = scratch_file("bars.png");
  DRT_CHECK_OK(drt__bar_chart_write(&c, png, DRT_FIGURE_DPI));
  const image *im = read_png_file(png);
  ck_assert_int_eq(im->width, 800);
  ck_assert_int_eq(im->height, 520);
  /* The smoothed bar of group 0 rises to 75 %: its colour at 70 %, none
   * of the exact bar's colour above 30 %. */
  const uint8_t orange[3] = {235, 140, 40}, blue[3] = {70, 110, 170};
  double plot = 520 - 100 - 60;
  int y70 = (int)(520 - 100 - 0.70 * plot), y30 = (int)(520 - 100 - 0.30 * plot);
  int orange_at_70 = 0, blue_at_30 = 0;
  for (int x = 90; x < 90 + 340; x++) {
    orange_at_70 |= near_colour(pixel(im, x, y70), orange, 2);
    blue_at_30 |= near_colour(pixel(im, x, y30), blue, 2);
  }
  ck_assert(orange_at_70);
  ck_assert(!blue_at_30);
  DRT_CHECK_OK(drt__bar_chart_write(&c, scratch_file("bars.svg"), 72.0));
  map_nx = map_ny = -1;
  svg_census census = read_svg(scratch_file("bars.svg"));
  ck_assert_str_eq(census.root_width, "800pt");
  ck_assert_int_eq(census.images, 0); /* all vector */
  DRT_CHECK_OK(drt__bar_chart_write(&c, scratch_file("bars.pdf"), 72.0));
  ck_assert_int_eq(drt__bar_chart_write(&c, scratch_file("bars.gif"), 72.0),
                   DRT_EINVAL);
  ck_assert_int_eq(scratch_entries(), 3);
}
END_TEST

START_TEST(test_figure_odd_text_is_drawn) {
  double db[50 * 40];
  drt__figure f = gradient_figure(db, 50, 40, 0);
  drt_point tx = {.name = "t\xff\xfe", .x = 2.0, .y = 1.5}; /* names come from files */
  f.title = "bad \xc3 utf-8 \x80";
  f.unit = "\xe2\x82";
  f.tx = &tx;
  f.n_tx = 1;
  const image *im = write_and_read(&f);
  map_box m = find_west_east_map(im);
  ck_assert_int_eq(m.right - m.left + 1, 500);
}
END_TEST

static Suite *figure_suite(void) {
  Suite *s = suite_create("figure");
  TCase *colours = tcase_create("colormap");
  tcase_add_test(colours, test_colormap_endpoints);
  tcase_add_test(colours, test_colormap_lightness_linear);
  tcase_add_test(colours, test_colormap_uniform_steps);
  tcase_add_test(colours, test_colormap_hue_path_and_gamut);
  suite_add_tcase(s, colours);
  TCase *text = tcase_create("text");
  tcase_add_test(text, test_text_clean_utf8);
  tcase_add_test(text, test_text_metrics_and_ink);
  suite_add_tcase(s, text);
  TCase *png = tcase_create("png");
  tcase_set_timeout(png, 60);
  tcase_add_checked_fixture(png, figure_setup, figure_teardown);
  tcase_add_test(png, test_figure_layout_west_east);
  tcase_add_test(png, test_figure_north_up);
  tcase_add_test(png, test_figure_markers_and_walls);
  tcase_add_test(png, test_figure_nan_inf_and_clipping);
  tcase_add_test(png, test_figure_overlay_far_and_odd_coordinates);
  tcase_add_test(png, test_figure_large_grid_one_to_one);
  tcase_add_test(png, test_figure_strip_is_stretched);
  tcase_add_test(png, test_figure_single_point_grid);
  tcase_add_test(png, test_figure_invalid_input_leaves_no_file);
  tcase_add_test(png, test_figure_unwritable_path);
  tcase_add_test(png, test_figure_failure_keeps_old_file);
  tcase_add_test(png, test_figure_dpi_scales_pixels);
  tcase_add_test(png, test_figure_format_follows_name);
  tcase_add_test(png, test_figure_svg_structure);
  tcase_add_test(png, test_figure_pdf_renders_as_png);
  tcase_add_test(png, test_bar_chart_formats);
  tcase_add_test(png, test_figure_odd_text_is_drawn);
  suite_add_tcase(s, png);
  return s;
}

int main(void) { return drt_test_run(figure_suite()); }
