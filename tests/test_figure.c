/* test_figure.c — the colour map, the bitmap font and PNG figures read back. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "colormap.h"
#include "figure.h"
#include "font.h"
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
/* Font                                                                     */
/* ------------------------------------------------------------------------ */

static const uint8_t INK[3] = {10, 20, 30};

/* Renders text at scale 1 at (1, 1) of a blank canvas with a 1-pixel border
 * and returns the lit pixels as '#'/'.' art of the glyph area. */
static void render_art(const char *text, char *art, int art_size) {
  int w = drt__font_text_width(text, 1) + 2, h = DRT_FONT_HEIGHT + 2;
  uint8_t *rgb = calloc((size_t)w * h, 3);
  ck_assert_ptr_nonnull(rgb);
  drt__font_draw(rgb, w, h, 1, 1, text, 1, INK);
  int n = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) {
      int lit = rgb[(y * w + x) * 3] != 0;
      int border = x == 0 || y == 0 || x == w - 1 || y == h - 1;
      ck_assert_msg(!(lit && border), "'%s' drew outside its cell", text);
      if (!border && n < art_size - 1) art[n++] = lit ? '#' : '.';
    }
  art[n] = '\0';
  free(rgb);
}

static int count_lit(const char *art) {
  int n = 0;
  for (; *art; art++) n += *art == '#';
  return n;
}

START_TEST(test_font_widths) {
  uint8_t rgb[3 * 64 * 16] = {0};
  ck_assert_int_eq(drt__font_text_width("", 2), 0);
  ck_assert_int_eq(drt__font_text_width("a", 1), 5);
  ck_assert_int_eq(drt__font_text_width("ab", 2), 22); /* 6 per glyph, less
                                                          the last gap */
  ck_assert_int_eq(drt__font_draw(rgb, 64, 16, 0, 0, "ab", 2, INK), 22);
}
END_TEST

START_TEST(test_font_eight_is_symmetric) {
  char art[64];
  render_art("8", art, sizeof art);
  ck_assert_int_eq((int)strlen(art), DRT_FONT_WIDTH * DRT_FONT_HEIGHT);
  ck_assert_int_gt(count_lit(art), 10);
  for (int y = 0; y < DRT_FONT_HEIGHT; y++)
    for (int x = 0; x < DRT_FONT_WIDTH; x++)
      ck_assert_int_eq(art[y * 5 + x], art[y * 5 + (4 - x)]);
  /* Closed at the top, the waist and the bottom. */
  ck_assert_int_eq(art[0 * 5 + 2], '#');
  ck_assert_int_eq(art[3 * 5 + 2], '#');
  ck_assert_int_eq(art[6 * 5 + 2], '#');
  ck_assert_int_eq(art[1 * 5 + 2], '.');
}
END_TEST

START_TEST(test_font_unknown_is_box) {
  const char *unknown[] = {"\x01", "~", "\xc3"};
  for (size_t i = 0; i < 3; i++) {
    char art[64];
    render_art(unknown[i], art, sizeof art);
    for (int y = 0; y < DRT_FONT_HEIGHT; y++)
      for (int x = 0; x < DRT_FONT_WIDTH; x++) {
        int edge = x == 0 || y == 0 || x == 4 || y == 6;
        ck_assert_int_eq(art[y * 5 + x], edge ? '#' : '.');
      }
  }
}
END_TEST

START_TEST(test_font_required_glyphs_distinct) {
  const char *required = "0123456789-+.,:()=/% "
                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "abcdefghijklmnopqrstuvwxyz";
  size_t n = strlen(required);
  char box[64], arts[128][64];
  render_art("\x01", box, sizeof box);
  for (size_t i = 0; i < n; i++) {
    char one[2] = {required[i], 0};
    render_art(one, arts[i], sizeof arts[i]);
    ck_assert_msg(strcmp(arts[i], box) != 0, "'%c' has no glyph", required[i]);
    if (required[i] != ' ')
      ck_assert_msg(count_lit(arts[i]) > 0, "'%c' is blank", required[i]);
    for (size_t j = 0; j < i; j++)
      ck_assert_msg(strcmp(arts[i], arts[j]) != 0, "'%c' looks like '%c'",
                    required[i], required[j]);
  }
}
END_TEST

START_TEST(test_font_scale_and_clipping) {
  const char *text = "Ag5";
  char art[128];
  render_art(text, art, sizeof art);
  int lit1 = count_lit(art);
  /* Scale 3: every font pixel is a 3x3 block. */
  int w = drt__font_text_width(text, 3), h = 7 * 3;
  uint8_t *big = calloc((size_t)w * h, 3);
  ck_assert_ptr_nonnull(big);
  drt__font_draw(big, w, h, 0, 0, text, 3, INK);
  int lit3 = 0;
  for (int i = 0; i < w * h; i++) lit3 += big[i * 3] != 0;
  ck_assert_int_eq(lit3, 9 * lit1);
  /* Drawn partly off a small canvas: exactly the overlapping part appears. */
  uint8_t small[8 * 6 * 3] = {0};
  drt__font_draw(small, 8, 6, -4, -5, text, 3, INK);
  for (int y = 0; y < 6; y++)
    for (int x = 0; x < 8; x++)
      ck_assert_int_eq(small[(y * 8 + x) * 3], big[((y + 5) * w + x + 4) * 3]);
  free(big);
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
  DRT_CHECK_OK(drt__figure_write_png(f, path));
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
  drt_point tx = {"tx0", 2.0, 1.5}, rx = {"rx0", 4.0, 3.0};
  drt_object wall = {DRT_OBJECT_WALL, 0.5, 1.0, 4.0, 1.0, 0.0};
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
      {DRT_OBJECT_WALL, -1e6, -1e6, 1e6, 1e6, 0.0}, /* the diagonal y = x */
      {DRT_OBJECT_WALL, 1e300, 0.0, -1e300, 1.0, 0.0},
      {DRT_OBJECT_WALL, NAN, 0.0, 1.0, INFINITY, 0.0},
      {DRT_OBJECT_VERTEX, -1e200, 1e200, -1e200, 1e200, 0.0},
  };
  drt_point far[] = {{"far", 1e300, -1e300}, {"nan", NAN, 1.0}};
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
  drt_status status = drt__figure_write_png(&f, scratch_file("map.png"));
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
  drt_point tx = {"tx0", 0.5, 0.5};
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
    drt_status status = drt__figure_write_png(&bad[i], path);
    ck_assert_msg(status == DRT_EINVAL, "case %d: %s", i,
                  drt_status_name(status));
    ck_assert_ptr_nonnull(strstr(drt_last_error(), path));
    ck_assert_int_eq(scratch_entries(), 0);
  }
  ck_assert_int_eq(drt__figure_write_png(NULL, path), DRT_EINVAL);
  ck_assert_int_eq(drt__figure_write_png(&good, NULL), DRT_EINVAL);
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
  ck_assert_int_eq(drt__figure_write_png(&f, path), DRT_EIO);
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
  ck_assert_int_eq(drt__figure_write_png(&f, path), DRT_EINVAL);
  char text[8] = {0};
  old = fopen(path, "r");
  ck_assert_ptr_nonnull(old);
  ck_assert_ptr_nonnull(fgets(text, sizeof text, old));
  fclose(old);
  ck_assert_str_eq(text, "old");
  /* A valid figure that cannot replace its target (a directory) fails in
   * the final rename and leaves no temporary file beside it. */
  f.db_hi = 2.0;
  const char *dir_path = scratch_file("sub");
  ck_assert_int_eq(mkdir(dir_path, 0700), 0);
  ck_assert_int_eq(drt__figure_write_png(&f, dir_path), DRT_EIO);
  ck_assert_int_eq(scratch_entries(), 2); /* old.png and sub */
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
  TCase *font = tcase_create("font");
  tcase_add_test(font, test_font_widths);
  tcase_add_test(font, test_font_eight_is_symmetric);
  tcase_add_test(font, test_font_unknown_is_box);
  tcase_add_test(font, test_font_required_glyphs_distinct);
  tcase_add_test(font, test_font_scale_and_clipping);
  suite_add_tcase(s, font);
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
  suite_add_tcase(s, png);
  return s;
}

int main(void) { return drt_test_run(figure_suite()); }
