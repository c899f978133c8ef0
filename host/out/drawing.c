/* drawing.c — cairo surfaces for figure files and their atomic writing:
 * PNG through libpng (with its resolution), SVG and PDF from cairo's
 * document streams. */
#define _GNU_SOURCE /* memmem */
#include "drawing.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <cairo-svg.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "atomic_file.h"
#include "error.h"

#define MAX_IMAGE_SIDE 32767 /* cairo's image surfaces */
#define MAX_IMAGE_PIXELS ((double)(1 << 28)) /* 1 GiB at 4 bytes a pixel */

/* ------------------------------------------------------------------------ */
/* Formats                                                                  */
/* ------------------------------------------------------------------------ */

drt_status drt__figure_format_of(const char *path, drt__figure_format *format) {
  const char *slash = strrchr(path, '/');
  const char *name = slash ? slash + 1 : path;
  const char *dot = strrchr(name, '.');
  static const struct {
    const char *extension;
    drt__figure_format format;
  } known[] = {{"png", DRT_FIGURE_PNG},
               {"svg", DRT_FIGURE_SVG},
               {"pdf", DRT_FIGURE_PDF}};
  for (size_t i = 0; dot && i < sizeof known / sizeof known[0]; i++)
    if (strcasecmp(dot + 1, known[i].extension) == 0) {
      *format = known[i].format;
      return DRT_OK;
    }
  return drt__fail(DRT_EINVAL,
                   "%s: unknown figure format: the name must end in .png, "
                   ".svg or .pdf",
                   path);
}

drt_status drt__figure_check_dpi(double dpi) {
  if (dpi >= DRT_FIGURE_MIN_DPI && dpi <= DRT_FIGURE_MAX_DPI) return DRT_OK;
  return drt__fail(DRT_EINVAL, "a resolution of %g dpi is outside [%g, %g]",
                   dpi, DRT_FIGURE_MIN_DPI, DRT_FIGURE_MAX_DPI);
}

/* ------------------------------------------------------------------------ */
/* Surfaces                                                                 */
/* ------------------------------------------------------------------------ */

/* cairo's document stream, kept in memory until the file is written. */
static cairo_status_t append_bytes(void *closure, const unsigned char *data,
                                   unsigned int length) {
  drt__drawing *d = closure;
  if (d->capacity - d->n_bytes < length) {
    size_t capacity = d->capacity ? d->capacity : 1 << 16;
    while (capacity - d->n_bytes < length) capacity *= 2;
    unsigned char *grown = realloc(d->bytes, capacity);
    if (!grown) {
      d->out_of_memory = 1;
      return CAIRO_STATUS_WRITE_ERROR;
    }
    d->bytes = grown;
    d->capacity = capacity;
  }
  memcpy(d->bytes + d->n_bytes, data, length);
  d->n_bytes += length;
  return CAIRO_STATUS_SUCCESS;
}

/* The pixels of a PNG of a width x height point drawing at dpi. */
static void png_pixels(double width, double height, double dpi, double *w,
                       double *h) {
  double scale = dpi / 72.0;
  *w = ceil(width * scale - 1e-9);
  *h = ceil(height * scale - 1e-9);
}

drt_status drt__drawing_check_size(const char *path, double width,
                                   double height, double dpi) {
  drt__figure_format format;
  drt_status status = drt__figure_format_of(path, &format);
  if (status != DRT_OK || format != DRT_FIGURE_PNG) return status;
  double w, h;
  png_pixels(width, height, dpi, &w, &h);
  if (w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE || w * h > MAX_IMAGE_PIXELS)
    return drt__fail(DRT_ETOOBIG,
                     "%s: a %.0f x %.0f pixel figure at %g dpi is too large "
                     "(at most %d pixels a side and %.0f in all)",
                     path, w, h, dpi, MAX_IMAGE_SIDE, MAX_IMAGE_PIXELS);
  return DRT_OK;
}

static drt_status image_surface(drt__drawing *d, double width, double height) {
  drt_status status =
      drt__drawing_check_size(d->path, width, height, d->dpi);
  if (status != DRT_OK) return status;
  double w, h;
  png_pixels(width, height, d->dpi, &w, &h);
  d->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
  return DRT_OK;
}

static void vector_surface(drt__drawing *d, double width, double height) {
  if (d->format == DRT_FIGURE_SVG) {
    d->surface =
        cairo_svg_surface_create_for_stream(append_bytes, d, width, height);
    cairo_svg_surface_restrict_to_version(d->surface, CAIRO_SVG_VERSION_1_1);
  } else {
    d->surface =
        cairo_pdf_surface_create_for_stream(append_bytes, d, width, height);
  }
}

/* The status of a failed cairo object, as a drt2d error. */
static drt_status cairo_failure(const drt__drawing *d, cairo_status_t status) {
  if (status == CAIRO_STATUS_NO_MEMORY || d->out_of_memory)
    return drt__fail(DRT_ENOMEM, "%s: out of memory for the figure", d->path);
  return drt__fail(DRT_EIO, "%s: cairo: %s", d->path,
                   cairo_status_to_string(status));
}

drt_status drt__drawing_begin(drt__drawing *d, const char *path, double width,
                              double height, double dpi) {
  memset(d, 0, sizeof *d);
  d->path = path;
  d->dpi = dpi;
  drt_status status = drt__figure_format_of(path, &d->format);
  if (status == DRT_OK) status = drt__figure_check_dpi(dpi);
  if (status == DRT_OK && !(width > 0.0 && height > 0.0 && width < 1e6 &&
                            height < 1e6))
    status = drt__fail(DRT_EINVAL, "%s: a %g x %g point figure", path, width,
                       height);
  if (status != DRT_OK) return status;
  if (d->format == DRT_FIGURE_PNG) status = image_surface(d, width, height);
  else vector_surface(d, width, height);
  if (status != DRT_OK) return status;
  d->cr = cairo_create(d->surface);
  cairo_status_t cs = cairo_status(d->cr);
  if (cs != CAIRO_STATUS_SUCCESS) {
    status = cairo_failure(d, cs);
    drt__drawing_discard(d);
    return status;
  }
  if (d->format == DRT_FIGURE_PNG) cairo_scale(d->cr, dpi / 72.0, dpi / 72.0);
  cairo_set_source_rgb(d->cr, 1.0, 1.0, 1.0);
  cairo_paint(d->cr);
  return DRT_OK;
}

void drt__drawing_discard(drt__drawing *d) {
  if (d->cr) cairo_destroy(d->cr);
  if (d->surface) cairo_surface_destroy(d->surface);
  free(d->bytes);
  memset(d, 0, sizeof *d);
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

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

/* cairo's native-endian xRGB words as RGB bytes. */
static void unpack_row(const unsigned char *row, int width, png_bytep rgb) {
  const uint32_t *words = (const uint32_t *)(const void *)row;
  for (int x = 0; x < width; x++) {
    rgb[3 * x] = (png_byte)(words[x] >> 16);
    rgb[3 * x + 1] = (png_byte)(words[x] >> 8);
    rgb[3 * x + 2] = (png_byte)words[x];
  }
}

static void write_png_rows(png_structp png, png_infop info,
                           const drt__drawing *d, png_bytep row_rgb) {
  int width = cairo_image_surface_get_width(d->surface);
  int height = cairo_image_surface_get_height(d->surface);
  int stride = cairo_image_surface_get_stride(d->surface);
  const unsigned char *data = cairo_image_surface_get_data(d->surface);
  png_uint_32 per_metre = (png_uint_32)lround(d->dpi / 0.0254);
  png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_pHYs(png, info, per_metre, per_metre, PNG_RESOLUTION_METER);
  png_write_info(png, info);
  for (int y = 0; y < height; y++) {
    unpack_row(data + (size_t)y * stride, width, row_rgb);
    png_write_row(png, row_rgb);
  }
  png_write_end(png, NULL);
}

static drt_status write_png(FILE *stream, const drt__drawing *d) {
  cairo_surface_flush(d->surface);
  png_bytep row = malloc((size_t)cairo_image_surface_get_width(d->surface) * 3);
  png_failure failure = {{0}};
  png_structp png = row ? png_create_write_struct(PNG_LIBPNG_VER_STRING,
                                                  &failure, on_png_error,
                                                  on_png_warning)
                        : NULL;
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!info) {
    png_destroy_write_struct(&png, NULL);
    free(row);
    return drt__fail(DRT_ENOMEM, "%s: out of memory for the PNG", d->path);
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    free(row);
    return drt__fail(DRT_EIO, "%s: libpng: %s", d->path, failure.message);
  }
  png_init_io(png, stream);
  write_png_rows(png, info, d, row);
  png_destroy_write_struct(&png, &info);
  free(row);
  return DRT_OK;
}

/* cairo's SVG images carry no resampling hint, so viewers would smooth a
 * map's cells into each other: every image (the map and the colour bar,
 * both rasters of cells) is marked to be scaled by nearest neighbour. The
 * figures' text is drawn as glyph outlines, so "<image " occurs in the
 * document only as cairo's own tags. */
static int write_svg(FILE *stream, const drt__drawing *d) {
  static const char tag[] = "<image ";
  static const char marked[] =
      "<image image-rendering=\"optimizeSpeed\" "
      "style=\"image-rendering:pixelated\" ";
  const unsigned char *at = d->bytes, *end = d->bytes + d->n_bytes;
  while (at < end) {
    const unsigned char *hit = memmem(at, (size_t)(end - at), tag, 7);
    size_t plain = (size_t)((hit ? hit : end) - at);
    if (fwrite(at, 1, plain, stream) != plain) return 0;
    if (!hit) break;
    if (fputs(marked, stream) == EOF) return 0;
    at = hit + 7;
  }
  return 1;
}

static drt_status write_file(const drt__drawing *d) {
  drt__atomic_file file;
  drt_status status = drt__atomic_open(&file, d->path);
  if (status != DRT_OK) return status;
  if (d->format == DRT_FIGURE_PNG) status = write_png(file.stream, d);
  else if (d->format == DRT_FIGURE_SVG ? !write_svg(file.stream, d)
                                       : fwrite(d->bytes, 1, d->n_bytes,
                                                file.stream) != d->n_bytes)
    status = drt__fail(DRT_EIO, "%s: write failed: %s", d->path,
                       strerror(errno));
  if (status != DRT_OK) {
    drt__atomic_abort(&file);
    return status;
  }
  return drt__atomic_commit(&file);
}

/* A vector document is complete once its surface is finished; an image's
 * pixels are read before (finishing would free them). */
drt_status drt__drawing_end(drt__drawing *d) {
  cairo_status_t cs = cairo_status(d->cr);
  cairo_destroy(d->cr);
  d->cr = NULL;
  if (d->format != DRT_FIGURE_PNG) cairo_surface_finish(d->surface);
  if (cs == CAIRO_STATUS_SUCCESS) cs = cairo_surface_status(d->surface);
  drt_status status =
      cs == CAIRO_STATUS_SUCCESS ? write_file(d) : cairo_failure(d, cs);
  drt__drawing_discard(d);
  return status;
}
