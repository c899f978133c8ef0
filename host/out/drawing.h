/* drawing.h — a cairo drawing that becomes a figure file: PNG, SVG or PDF
 * as the file name's extension says, written atomically once finished.
 * Drawings are laid out in points (1/72 inch); a PNG has dpi / 72 pixels
 * a point, so at the default 72 dpi one pixel a point. */
#ifndef DRT_HOST_DRAWING_H
#define DRT_HOST_DRAWING_H

#include <cairo.h>
#include <stddef.h>

#include "drt2d.h"

typedef enum drt__figure_format {
  DRT_FIGURE_PNG,
  DRT_FIGURE_SVG,
  DRT_FIGURE_PDF
} drt__figure_format;

#define DRT_FIGURE_DPI 72.0 /* the default: one pixel a point */
#define DRT_FIGURE_MIN_DPI 18.0
#define DRT_FIGURE_MAX_DPI 1200.0

/* The format a figure file's name asks for: its extension, .png, .svg or
 * .pdf in any case; DRT_EINVAL naming the file for any other. */
drt_status drt__figure_format_of(const char *path, drt__figure_format *format);

/* DRT_EINVAL unless DRT_FIGURE_MIN_DPI <= dpi <= DRT_FIGURE_MAX_DPI. */
drt_status drt__figure_check_dpi(double dpi);

/* Whether a width x height point drawing fits path's format at dpi: a PNG
 * has at most 32767 pixels a side (cairo's images) and 2^28 in all; SVG
 * and PDF have no pixels. DRT_ETOOBIG naming path otherwise. */
drt_status drt__drawing_check_size(const char *path, double width,
                                   double height, double dpi);

typedef struct drt__drawing {
  cairo_t *cr; /* draw here, in points, y down, on white */
  /* private */
  cairo_surface_t *surface;
  drt__figure_format format;
  const char *path;
  double dpi;
  unsigned char *bytes; /* the SVG or PDF document as cairo writes it */
  size_t n_bytes, capacity;
  int out_of_memory;
} drt__drawing;

/* A width x height point drawing for path (its format from the name; dpi
 * used by PNG alone). A PNG larger than cairo's 32767 pixels a side, or
 * 2^28 pixels in all, is DRT_ETOOBIG. */
drt_status drt__drawing_begin(drt__drawing *d, const char *path, double width,
                              double height, double dpi);

/* Finishes the drawing and writes its file atomically: on any failure
 * (cairo's, the disk's) no file is left and an existing one is kept.
 * Releases the drawing either way. */
drt_status drt__drawing_end(drt__drawing *d);

/* Releases a drawing without writing anything. */
void drt__drawing_discard(drt__drawing *d);

#endif
