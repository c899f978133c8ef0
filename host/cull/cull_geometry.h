/* cull_geometry.h — the plane geometry of candidate culling (docs/method.md
 * §9): central projections onto wall lines, the single-wall full-blocking
 * test, convex hulls, and a uniform grid of walls answering "which walls
 * may touch this convex region". Host code, in double. */
#ifndef DRT_HOST_CULL_GEOMETRY_H
#define DRT_HOST_CULL_GEOMETRY_H

#include <stddef.h>
#include <stdint.h>

typedef struct drt__pt {
  double x, y;
} drt__pt;

/* A small convex set by its vertices: a point (1), a segment (2) or a box
 * (4), the sets a leg of a path runs between. */
typedef struct drt__cset {
  int n;
  drt__pt v[4];
} drt__cset;

/* A segment a -> b (a wall, or its line with parameter u: a + u (b - a)). */
typedef struct drt__seg {
  drt__pt a, b;
} drt__seg;

/* A distance along a segment of length len: rel len + abs. The paper's
 * tests are relative to each segment (abs = 0); the radio model's are in
 * metres (docs/method.md §14), with a relative slack for rounding. */
typedef struct drt__margin {
  double rel, abs;
} drt__margin;

/* The margin as a share of a segment of length len (> 0). */
static inline double drt__margin_share(drt__margin m, double len) {
  return m.rel + m.abs / len;
}

/* Where the line from `center` through each point of `set` meets the
 * line of `wall`, as an interval [*lo, *hi] of its parameter. Returns 0
 * where no interval bounds it: some such line is parallel to the wall, or
 * nearly so (the kernels then keep a point off the wall), or center lies
 * in the set. */
int drt__project_onto(drt__pt center, const drt__cset *set, drt__seg wall,
                      double *lo, double *hi);

/* Whether `wall` meets every segment from a point of p to a point of q at
 * least `inner` from the ends of both (inner may be negative: a tolerance
 * beyond the ends), so the segment test is exactly 1 there. */
int drt__blocks_all(const drt__cset *p, const drt__cset *q, drt__seg wall,
                    drt__margin inner);

/* The convex hull of every segment from p to q, each extended by `outer`
 * of its length beyond both ends: at most 16 vertices, counter-clockwise,
 * into hull; returns their count. */
int drt__leg_hull(const drt__cset *p, const drt__cset *q, double outer,
                  drt__pt hull[16]);

/* Whether segment s meets the convex polygon hull[0..n) (closed), or
 * may pass within `reach` of it. */
int drt__segment_meets_hull(drt__seg s, const drt__pt *hull, int n,
                            double reach);

/* A uniform grid over the walls: every wall listed in the cells its box,
 * extended by `outer` beyond both ends and by outer.abs sideways,
 * overlaps (cells beyond the grid fold onto its border, so no query misses
 * a wall). */
typedef struct drt__wall_grid {
  int nx, ny;
  double x0, y0, cell_w, cell_h;
  int *cell_first; /* nx * ny + 1 offsets into items */
  int *items;      /* wall indices, increasing within a cell */
  size_t n_walls;
} drt__wall_grid;

/* Which walls a query has visited already, one per thread. */
typedef struct drt__grid_marks {
  uint32_t *stamp; /* per wall: the query that last saw it */
  uint32_t query;
  size_t n_walls;
} drt__grid_marks;

int drt__grid_marks_init(drt__grid_marks *m, size_t n_walls);
void drt__grid_marks_free(drt__grid_marks *m);

int drt__wall_grid_build(drt__wall_grid *g, const drt__seg *walls,
                         const int *usable, size_t n, drt__margin outer);
void drt__wall_grid_free(drt__wall_grid *g);

/* Calls visit(data, wall) once for each wall listed in a cell the convex
 * polygon hull[0..n) overlaps, until visit returns non-zero (returned). */
int drt__wall_grid_visit(const drt__wall_grid *g, drt__grid_marks *marks,
                         const drt__pt *hull, int n,
                         int (*visit)(void *data, int wall), void *data);

#endif
