/* figure.h — power maps drawn as figures (PNG, SVG or PDF by the file
 * name): dB colour scale with a colour bar, walls, transmitters and
 * receivers, north up. */
#ifndef DRT_HOST_FIGURE_H
#define DRT_HOST_FIGURE_H

#include <stddef.h>
#include <stdint.h>

#include "drt2d.h"

typedef struct drt__figure {
  const double *db;     /* ny * nx values in dB, row r at y0 + r dy (south
                           first); NaN or -inf is drawn as the lowest colour */
  int nx, ny;
  double bbox[4];       /* x0, y0, x1, y1 of the grid */
  double db_lo, db_hi;  /* colour scale range; values outside are clipped */
  const drt_object *objects; /* drawn on top: walls as lines, vertices as dots */
  size_t n_objects;
  const drt_point *tx;  /* drawn as marked transmitters */
  size_t n_tx;
  const drt_point *rx;  /* drawn as marked receivers */
  size_t n_rx;
  const char *title;    /* one line above the map, may be NULL */
  const char *unit;     /* colour-bar label, e.g. "dB rel. P0" */
  const double *arrows; /* optional: ny * nx vectors (x, y) in scene
                           axes, drawn as unit-length arrows */
  int arrow_every;      /* cells between arrows along each axis (>= 1) */
  const double *track;  /* optional: n_track points (x, y) joined by a line,
                           the first marked by a disc, the last by a
                           triangle (an optimiser's transmitter path) */
  size_t n_track;
  /* Optional: n_rays polylines (a ray tracer's paths) drawn over the scene
   * in the colour of ray_db[i] on the scale, in order (the last on top):
   * ray i joins points ray_start[i] .. ray_start[i + 1] - 1 of ray_points
   * (x, y). With rays, db may be NULL: the map is then a plain light
   * background. */
  const double *ray_points;
  const size_t *ray_start; /* n_rays + 1 offsets, in points */
  const double *ray_db;
  size_t n_rays;
  /* Optional: a categorical map. db then holds class indices 0 ..
   * n_classes - 1 (anything else, NaN included: no class, drawn grey),
   * each drawn in its own colour, and the colour bar becomes a legend of
   * class_names; db_lo and db_hi are ignored. */
  const char *const *class_names;
  int n_classes; /* at most DRT_FIGURE_MAX_CLASSES */
  const uint32_t *class_rgb; /* optional: each class's 0xRRGGBB */
} drt__figure;

#define DRT_FIGURE_MAX_CLASSES 16

/* Draws the figure and writes it to path atomically (temp file + rename),
 * in the format its extension names (drawing.h); dpi sets a PNG's pixels
 * a point (DRT_FIGURE_DPI: one). The map is a raster of its cells, every
 * other mark a vector in SVG and PDF. */
drt_status drt__figure_write(const drt__figure *figure, const char *path,
                             double dpi);

/* Whether `panels` figures like this one, side by side, fit path's format
 * at dpi, before their values exist: figure->db may be NULL, and the title
 * is left out of the measure (it only widens a figure narrower than it).
 * DRT_ETOOBIG (a grid or an image too large) or DRT_EINVAL naming path. */
drt_status drt__figure_check_size(const drt__figure *figure, int panels,
                                  const char *path, double dpi);

/* n figures side by side, tops aligned, in one file (a strip of panels). */
drt_status drt__figure_strip_write(const drt__figure *figures, int n,
                                   const char *path, double dpi);

#endif
