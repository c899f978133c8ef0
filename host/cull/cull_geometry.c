/* cull_geometry.c — projections, full blocking, hulls and the wall grid of
 * candidate culling. Every test errs on the side of keeping a candidate:
 * near-degenerate cases answer "cannot bound" or "may touch". */
#include "cull_geometry.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static drt__pt sub(drt__pt a, drt__pt b) { return (drt__pt){a.x - b.x, a.y - b.y}; }
static double cross(drt__pt a, drt__pt b) { return a.x * b.y - a.y * b.x; }
static double min2(double a, double b) { return a < b ? a : b; }
static double max2(double a, double b) { return a > b ? a : b; }

/* Lines closer than this sine to parallel are not projected: the kernels'
 * division there is too ill-conditioned to bound in float. */
#define NEAR_PARALLEL 1e-4

int drt__project_onto(drt__pt center, const drt__cset *set, drt__seg wall,
                      double *lo, double *hi) {
  drt__pt t = sub(wall.b, wall.a), off = sub(center, wall.a);
  double tt = t.x * t.x + t.y * t.y;
  int sign = 0;
  *lo = INFINITY;
  *hi = -INFINITY;
  if (tt == 0) return 0;
  for (int i = 0; i < set->n; i++) {
    drt__pt w = sub(set->v[i], center);
    double d = cross(t, w), ww = w.x * w.x + w.y * w.y;
    if (!(d * d > NEAR_PARALLEL * NEAR_PARALLEL * tt * ww)) return 0;
    int s = d > 0 ? 1 : -1;
    if (sign && s != sign) return 0;
    sign = s;
    double u = cross(off, w) / d;
    if (!isfinite(u)) return 0;
    if (u < *lo) *lo = u;
    if (u > *hi) *hi = u;
  }
  return 1;
}

int drt__blocks_all(const drt__cset *p, const drt__cset *q, drt__seg wall,
                    drt__margin inner) {
  drt__pt t = sub(wall.b, wall.a);
  double len = hypot(t.x, t.y);
  if (len == 0 || p->n < 1 || q->n < 1) return 0;
  double wall_in = drt__margin_share(inner, len);
  if (wall_in >= 0.5) return 0;
  /* Distances to the wall's line times |t|: only signs and ratios count. */
  double sp[4] = {0}, sq[4] = {0};
  for (int i = 0; i < p->n; i++) sp[i] = cross(t, sub(p->v[i], wall.a));
  for (int i = 0; i < q->n; i++) sq[i] = cross(t, sub(q->v[i], wall.a));
  /* Strictly apart on either side of the wall's line. */
  double side = sp[0] > 0 ? 1 : -1, near_p = INFINITY, near_q = INFINITY;
  for (int i = 0; i < p->n; i++) {
    if (!(side * sp[i] > 0)) return 0;
    near_p = min2(near_p, fabs(sp[i]) / len);
  }
  for (int i = 0; i < q->n; i++) {
    if (!(side * sq[i] < 0)) return 0;
    near_q = min2(near_q, fabs(sq[i]) / len);
  }
  /* Every leg crosses the line, so it is at least near_p + near_q long:
   * that bounds the share of a positive inner.abs (a negative one only
   * widens the range where the test is 1, and is left out). */
  double leg_in = inner.rel + (inner.abs > 0 ? inner.abs / (near_p + near_q) : 0);
  if (!(leg_in < 0.5)) return 0;
  for (int i = 0; i < p->n; i++)
    for (int j = 0; j < q->n; j++) {
      drt__pt leg = sub(q->v[j], p->v[i]);
      double d = cross(t, leg);
      if (d == 0) return 0;
      double along_wall = cross(sub(p->v[i], wall.a), leg) / d;
      double along_leg = fabs(sp[i]) / (fabs(sp[i]) + fabs(sq[j]));
      if (!(along_wall >= wall_in && along_wall <= 1 - wall_in)) return 0;
      if (!(along_leg >= leg_in && along_leg <= 1 - leg_in)) return 0;
    }
  return 1;
}

static int point_order(const void *a, const void *b) {
  const drt__pt *p = a, *q = b;
  if (p->x != q->x) return p->x < q->x ? -1 : 1;
  return (p->y > q->y) - (p->y < q->y);
}

/* Andrew's monotone chain over n <= 16 points, in place into hull. */
static int convex_hull(drt__pt *pts, int n, drt__pt hull[16]) {
  qsort(pts, (size_t)n, sizeof *pts, point_order);
  drt__pt chain[34];
  int k = 0;
  for (int i = 0; i < n; i++) {
    while (k >= 2 && cross(sub(chain[k - 1], chain[k - 2]),
                           sub(pts[i], chain[k - 2])) <= 0)
      k--;
    chain[k++] = pts[i];
  }
  for (int i = n - 2, lower = k + 1; i >= 0; i--) {
    while (k >= lower && cross(sub(chain[k - 1], chain[k - 2]),
                               sub(pts[i], chain[k - 2])) <= 0)
      k--;
    chain[k++] = pts[i];
  }
  int m = n > 1 ? k - 1 : n;
  if (m < 1) m = 1;
  if (m > 16) m = 16; /* cannot happen: a hull of 16 points */
  memcpy(hull, chain, (size_t)m * sizeof *hull);
  return m;
}

int drt__leg_hull(const drt__cset *p, const drt__cset *q, double outer,
                  drt__pt hull[16]) {
  drt__pt pts[32];
  int n = 0;
  for (int i = 0; i < p->n; i++)
    for (int j = 0; j < q->n; j++) {
      drt__pt d = sub(q->v[j], p->v[i]);
      pts[n++] = (drt__pt){p->v[i].x - outer * d.x, p->v[i].y - outer * d.y};
      pts[n++] = (drt__pt){q->v[j].x + outer * d.x, q->v[j].y + outer * d.y};
    }
  return convex_hull(pts, n, hull);
}

/* Distance from point c to segment ab. */
static double point_segment_distance(drt__pt c, drt__pt a, drt__pt b) {
  drt__pt ab = sub(b, a), ac = sub(c, a);
  double len2 = ab.x * ab.x + ab.y * ab.y;
  double u = len2 > 0 ? (ab.x * ac.x + ab.y * ac.y) / len2 : 0;
  u = u < 0 ? 0 : u > 1 ? 1 : u;
  return hypot(ac.x - u * ab.x, ac.y - u * ab.y);
}

/* Whether segments ab and cd meet, or pass within tol of each other. */
static int segments_near(drt__pt a, drt__pt b, drt__pt c, drt__pt d,
                         double tol) {
  double d1 = cross(sub(b, a), sub(c, a)), d2 = cross(sub(b, a), sub(d, a));
  double d3 = cross(sub(d, c), sub(a, c)), d4 = cross(sub(d, c), sub(b, c));
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) &&
      ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
    return 1;
  return point_segment_distance(c, a, b) <= tol ||
         point_segment_distance(d, a, b) <= tol ||
         point_segment_distance(a, c, d) <= tol ||
         point_segment_distance(b, c, d) <= tol;
}

/* Separating axes of a segment and a convex polygon (counter-clockwise,
 * three vertices or more): the polygon's edge normals and the segment's
 * normal. Apart only when some axis separates them by more than tol. */
static int separated(drt__seg s, const drt__pt *hull, int n, double tol) {
  for (int i = 0; i < n; i++) {
    drt__pt a = hull[i], edge = sub(hull[(i + 1) % n], a);
    double scale = tol * (fabs(edge.x) + fabs(edge.y));
    if (cross(edge, sub(s.a, a)) < -scale && cross(edge, sub(s.b, a)) < -scale)
      return 1;
  }
  drt__pt d = sub(s.b, s.a);
  double scale = tol * (fabs(d.x) + fabs(d.y));
  int above = 0, below = 0;
  for (int i = 0; i < n; i++) {
    double side = cross(d, sub(hull[i], s.a));
    above |= side > -scale;
    below |= side < scale;
  }
  return !(above && below);
}

int drt__segment_meets_hull(drt__seg s, const drt__pt *hull, int n,
                            double reach) {
  double scale = fabs(s.a.x) + fabs(s.a.y) + fabs(s.b.x) + fabs(s.b.y);
  for (int i = 0; i < n; i++) scale += fabs(hull[i].x) + fabs(hull[i].y);
  const double tol = 1e-9 * (scale + 1) + reach;
  if (n >= 3) return !separated(s, hull, n, tol);
  if (n == 1) return point_segment_distance(hull[0], s.a, s.b) <= tol;
  return segments_near(s.a, s.b, hull[0], hull[1], tol);
}

/* ---- the wall grid ---- */

static int clamp_index(double f, int n) {
  if (!(f >= 0)) return 0; /* NaN folds to the border too */
  if (f >= n) return n - 1;
  return (int)f;
}

static void cell_range(const drt__wall_grid *g, double lo, double hi, int x,
                       int *first, int *last) {
  double origin = x ? g->x0 : g->y0, size = x ? g->cell_w : g->cell_h;
  int n = x ? g->nx : g->ny;
  *first = clamp_index((lo - origin) / size, n);
  *last = clamp_index((hi - origin) / size, n);
}

/* A wall's box extended by `outer` at both ends and by outer.abs on
 * every side (a zero-length wall: by outer.abs). */
static void extended_box(drt__seg w, drt__margin outer, double box[4]) {
  drt__pt d = sub(w.b, w.a);
  double len = hypot(d.x, d.y), e = len > 0 ? drt__margin_share(outer, len) : 0;
  drt__pt a = {w.a.x - e * d.x, w.a.y - e * d.y};
  drt__pt b = {w.b.x + e * d.x, w.b.y + e * d.y};
  box[0] = min2(a.x, b.x) - outer.abs;
  box[1] = min2(a.y, b.y) - outer.abs;
  box[2] = max2(a.x, b.x) + outer.abs;
  box[3] = max2(a.y, b.y) + outer.abs;
}

int drt__wall_grid_build(drt__wall_grid *g, const drt__seg *walls,
                         const int *usable, size_t n, drt__margin outer) {
  memset(g, 0, sizeof *g);
  double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
  for (size_t i = 0; i < n; i++) {
    double box[4];
    if (!usable[i]) continue;
    extended_box(walls[i], (drt__margin){0, 0}, box);
    lo[0] = min2(lo[0], box[0]);
    lo[1] = min2(lo[1], box[1]);
    hi[0] = max2(hi[0], box[2]);
    hi[1] = max2(hi[1], box[3]);
  }
  if (!(lo[0] <= hi[0])) lo[0] = lo[1] = 0, hi[0] = hi[1] = 1;
  double w = max2(hi[0] - lo[0], 1e-12), h = max2(hi[1] - lo[1], 1e-12);
  /* About one wall a cell, on square-ish cells. */
  double side = sqrt(w * h / (double)(n ? n : 1));
  g->nx = (int)min2(max2(ceil(w / side), 1), 1024);
  g->ny = (int)min2(max2(ceil(h / side), 1), 1024);
  g->x0 = lo[0];
  g->y0 = lo[1];
  g->cell_w = w / g->nx;
  g->cell_h = h / g->ny;
  g->n_walls = n;
  size_t cells = (size_t)g->nx * (size_t)g->ny;
  g->cell_first = calloc(cells + 1, sizeof *g->cell_first);
  if (!g->cell_first) return -1;
  /* Two passes: count per cell, then fill in wall order. */
  for (int pass = 0; pass < 2; pass++) {
    size_t *fill = NULL;
    if (pass == 1) {
      for (size_t c = 0; c < cells; c++) g->cell_first[c + 1] += g->cell_first[c];
      g->items = malloc(((size_t)g->cell_first[cells] + 1) * sizeof *g->items);
      fill = calloc(cells, sizeof *fill);
      if (!g->items || !fill) {
        free(fill);
        return -1;
      }
    }
    for (size_t i = 0; i < n; i++) {
      double box[4];
      int c0, c1, r0, r1;
      if (!usable[i]) continue;
      extended_box(walls[i], outer, box);
      cell_range(g, box[0], box[2], 1, &c0, &c1);
      cell_range(g, box[1], box[3], 0, &r0, &r1);
      for (int r = r0; r <= r1; r++)
        for (int c = c0; c <= c1; c++) {
          size_t cell = (size_t)r * g->nx + c;
          if (pass == 0) g->cell_first[cell + 1]++;
          else g->items[g->cell_first[cell] + fill[cell]++] = (int)i;
        }
    }
    free(fill);
  }
  return 0;
}

void drt__wall_grid_free(drt__wall_grid *g) {
  free(g->cell_first);
  free(g->items);
  memset(g, 0, sizeof *g);
}

int drt__grid_marks_init(drt__grid_marks *m, size_t n_walls) {
  m->stamp = calloc(n_walls ? n_walls : 1, sizeof *m->stamp);
  m->query = 0;
  m->n_walls = n_walls;
  return m->stamp ? 0 : -1;
}

void drt__grid_marks_free(drt__grid_marks *m) {
  free(m->stamp);
  m->stamp = NULL;
}

/* Extends [*lo, *hi] by the x-extent of segment ab within y in [y0, y1]. */
static void clip_to_band(drt__pt a, drt__pt b, double y0, double y1,
                         double *lo, double *hi) {
  double s0 = 0, s1 = 1, dy = b.y - a.y;
  if (dy == 0) {
    if (a.y < y0 || a.y > y1) return;
  } else {
    double t0 = (y0 - a.y) / dy, t1 = (y1 - a.y) / dy;
    if (t0 > t1) {
      double t = t0;
      t0 = t1;
      t1 = t;
    }
    s0 = max2(s0, t0);
    s1 = min2(s1, t1);
    if (s0 > s1) return;
  }
  double xa = a.x + s0 * (b.x - a.x), xb = a.x + s1 * (b.x - a.x);
  *lo = min2(*lo, min2(xa, xb));
  *hi = max2(*hi, max2(xa, xb));
}

int drt__wall_grid_visit(const drt__wall_grid *g, drt__grid_marks *marks,
                         const drt__pt *hull, int n,
                         int (*visit)(void *data, int wall), void *data) {
  double ylo = INFINITY, yhi = -INFINITY;
  for (int i = 0; i < n; i++) {
    ylo = min2(ylo, hull[i].y);
    yhi = max2(yhi, hull[i].y);
  }
  if (++marks->query == 0) { /* the stamps wrapped: start again */
    memset(marks->stamp, 0, marks->n_walls * sizeof *marks->stamp);
    marks->query = 1;
  }
  int r0, r1;
  cell_range(g, ylo, yhi, 0, &r0, &r1);
  for (int r = r0; r <= r1; r++) {
    /* Border rows hold everything beyond the grid too. */
    double y0 = r == 0 ? -INFINITY : g->y0 + r * g->cell_h;
    double y1 = r == g->ny - 1 ? INFINITY : g->y0 + (r + 1) * g->cell_h;
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
      drt__pt a = hull[i], b = hull[(i + 1) % n];
      clip_to_band(a, b, y0, y1, &lo, &hi);
    }
    if (!(lo <= hi)) continue;
    int c0, c1;
    cell_range(g, lo, hi, 1, &c0, &c1);
    for (int c = c0; c <= c1; c++) {
      size_t cell = (size_t)r * g->nx + c;
      for (int i = g->cell_first[cell]; i < g->cell_first[cell + 1]; i++) {
        int wall = g->items[i];
        if (marks->stamp[wall] == marks->query) continue;
        marks->stamp[wall] = marks->query;
        int stop = visit(data, wall);
        if (stop) return stop;
      }
    }
  }
  return 0;
}
