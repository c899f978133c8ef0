/* cull.c — visibility-pruned image-method candidates (docs/method.md §13).
 *
 * Notation: from a source S (the fixed endpoint), a candidate reflects on
 * walls w_1..w_k; I_j is the image of S in w_1..w_j. On the line of w_j,
 * E_j is the range of its parameter u where "u in [0, 1]" is not surely
 * false (the wall extended by the smoothing's margin). The kernels' point
 * P_j is where the line from I_j through P_{j+1} meets that line, so
 *   forward:  F_j = {P in E_j : P_{j-1} in F_{j-1}}, one interval each;
 *   per box:  J_k = F_k meets the projection of the box from I_k,
 *             J_j = F_j meets the projection of J_{j+1} from I_j;
 * and every leg P_j P_{j+1} runs from J_j to J_{j+1} (J_0 = S, J_{k+1} =
 * the box). A candidate is dropped for a box when some J_j is empty, or
 * some wall meets every segment from J_j to J_{j+1} with both parameters
 * inside the range where the segment test is exactly 1. */
#include "cull_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/drt_cl_compat.h" /* DRT_CULLED_WIDTH */
#include "candidates.h"
#include "cull_geometry.h"
#include "error.h"

/* The segment test's tolerance (kernels/base/drt_geometry.h): relative
 * in the paper's model, in metres in the radio model's. */
#define SEGMENT_TOL 0.005
#define SEGMENT_EPS_M 1e-3
/* The sigmoid has no compact support: a test is taken as 0 where it is
 * below e^-36.9 < 1e-16, i.e. at alpha x below minus this, so a skipped
 * path adds less than 1e-16 of its power (and a skipped obstruction
 * changes V by less): far inside the contract's 1e-12, and below the
 * rounding of a double sum. */
#define SIGMOID_TAIL 36.9
/* Slack on every margin, in parameter units (a share of the segment), for
 * the kernels' rounding in float. */
#define ROUNDING_SLACK 1e-3

static drt__pt sub(drt__pt a, drt__pt b) { return (drt__pt){a.x - b.x, a.y - b.y}; }

static drt__pt point_at(drt__seg w, double u) {
  return (drt__pt){w.a.x + u * (w.b.x - w.a.x), w.a.y + u * (w.b.y - w.a.y)};
}

/* The image of p in the line of w, as the kernels take it (a zero-length
 * wall has no normal: p itself). */
static drt__pt mirror(drt__pt p, drt__seg w) {
  drt__pt t = sub(w.b, w.a);
  double len = hypot(t.x, t.y);
  if (len == 0) return p;
  drt__pt n = {t.y / len, -t.x / len};
  double d = (p.x - w.a.x) * n.x + (p.y - w.a.y) * n.y;
  return (drt__pt){p.x - 2 * d * n.x, p.y - 2 * d * n.y};
}

static int zero_length(drt__seg w) { return w.a.x == w.b.x && w.a.y == w.b.y; }

uint64_t drt__candidate_rank(const int *pos, int k, size_t n) {
  uint64_t rank = 0;
  for (int j = 0; j < k; j++) {
    uint64_t digit = (uint64_t)pos[j];
    if (j > 0) {
      digit -= pos[j] > pos[j - 1];
      rank *= (uint64_t)(n - 1);
    }
    rank += digit;
  }
  return rank;
}

/* Margins of the model and smoothing mode (docs/method.md §13): the
 * smoothing's band where a test is neither surely 0 nor surely 1, the
 * segment test's tolerance, and a relative slack for the kernels'
 * rounding in float. The paper's tests are relative to each segment's
 * length; the radio model's are in metres (its alpha in 1/m). */
static void set_margins(drt__culler *c, const drt_trace_options *opt) {
  double band = 0;
  if (opt->smoothing == DRT_SMOOTHING_HARD_SIGMOID) band = 3 / opt->alpha;
  if (opt->smoothing == DRT_SMOOTHING_SIGMOID) band = SIGMOID_TAIL / opt->alpha;
  if (opt->model == DRT_MODEL_RADIO) {
    c->on = (drt__margin){ROUNDING_SLACK, band};
    c->outer = (drt__margin){ROUNDING_SLACK, SEGMENT_EPS_M + band};
    c->inner = (drt__margin){ROUNDING_SLACK, band - SEGMENT_EPS_M};
  } else {
    c->on = (drt__margin){band + ROUNDING_SLACK, 0};
    c->outer = (drt__margin){SEGMENT_TOL + band + ROUNDING_SLACK, 0};
    c->inner = (drt__margin){-SEGMENT_TOL + band + ROUNDING_SLACK, 0};
  }
}

static int fwd_grow(fwd_set *s, int k) {
  if (s->n < s->cap) return 0;
  size_t cap = s->cap ? 2 * s->cap : 256;
  int *pos = realloc(s->pos, cap * k * sizeof *pos);
  if (pos) s->pos = pos;
  drt__pt *image = realloc(s->image, cap * k * sizeof *image);
  if (image) s->image = image;
  double *lo = realloc(s->lo, cap * k * sizeof *lo);
  if (lo) s->lo = lo;
  double *hi = realloc(s->hi, cap * k * sizeof *hi);
  if (hi) s->hi = hi;
  unsigned char *plain = realloc(s->plain, cap * sizeof *plain);
  if (plain) s->plain = plain;
  if (!pos || !image || !lo || !hi || !plain) return -1;
  s->cap = cap;
  return 0;
}

static void fwd_free(fwd_set *s) {
  free(s->pos);
  free(s->image);
  free(s->lo);
  free(s->hi);
  free(s->plain);
}

/* ---- legs ---- */

typedef struct leg_query {
  const drt__culler *c;
  const drt__cset *p, *q;
  int skip_a, skip_b;
} leg_query;

static int blocks_leg(void *data, int wall) {
  const leg_query *lq = data;
  if (wall == lq->skip_a || wall == lq->skip_b || !lq->c->obstructs[wall])
    return 0;
  return drt__blocks_all(lq->p, lq->q, lq->c->walls[wall], lq->c->inner);
}

static drt__pt centre(const drt__cset *s) {
  drt__pt m = {0, 0};
  for (int i = 0; i < s->n; i++) m.x += s->v[i].x / s->n, m.y += s->v[i].y / s->n;
  return m;
}

/* A wall that surely blocks every segment from p to q crosses the one
 * between their centres, so only the walls listed along it are tested. */
int drt__leg_blocked(const drt__culler *c, drt__grid_marks *marks,
                     const drt__cset *p, const drt__cset *q, int skip_a,
                     int skip_b) {
  if (c->inner.rel >= 0.5) return 0; /* no test is surely 1 */
  drt__pt line[2] = {centre(p), centre(q)};
  leg_query lq = {c, p, q, skip_a, skip_b};
  return drt__wall_grid_visit(&c->grid, marks, line, 2, blocks_leg, &lq);
}

drt__cset drt__segment_set(drt__seg w, double lo, double hi) {
  drt__cset s = {2, {point_at(w, lo), point_at(w, hi)}};
  return s;
}

/* ---- forward pass ---- */

/* Extends forward candidate `e` of set `from` (order k, or the source
 * alone when from is NULL) by position q into `to`. */
static int extend(drt__culler *c, drt__grid_marks *marks, drt__pt source,
                  const fwd_set *from,
                  size_t e, int k, int q, fwd_set *to) {
  drt__seg wq = c->walls[c->objects[q]];
  int plain = !zero_length(wq) && (!from || from->plain[e]);
  double wall_len = hypot(wq.b.x - wq.a.x, wq.b.y - wq.a.y);
  double on = wall_len > 0 ? drt__margin_share(c->on, wall_len) : 0;
  double lo = -on, hi = 1 + on;
  drt__pt image_from = source;
  drt__cset set_from = {1, {source}};
  int last = -1;
  if (from) {
    last = c->objects[from->pos[e * k + k - 1]];
    image_from = from->image[e * k + k - 1];
    set_from = drt__segment_set(c->walls[last], from->lo[e * k + k - 1],
                           from->hi[e * k + k - 1]);
    double plo, phi;
    if (plain && drt__project_onto(image_from, &set_from, wq, &plo, &phi)) {
      lo = fmax(lo, plo);
      hi = fmin(hi, phi);
      if (lo > hi) return 0;
    }
  }
  drt__cset set_to = drt__segment_set(wq, lo, hi);
  if (plain && drt__leg_blocked(c, marks, &set_from, &set_to, last, c->objects[q]))
    return 0;
  if (fwd_grow(to, k + 1)) return -1;
  size_t n = to->n++;
  for (int j = 0; j < k; j++) {
    to->pos[n * (k + 1) + j] = from->pos[e * k + j];
    to->image[n * (k + 1) + j] = from->image[e * k + j];
    to->lo[n * (k + 1) + j] = from->lo[e * k + j];
    to->hi[n * (k + 1) + j] = from->hi[e * k + j];
  }
  to->pos[n * (k + 1) + k] = q;
  to->image[n * (k + 1) + k] = mirror(image_from, wq);
  to->lo[n * (k + 1) + k] = lo;
  to->hi[n * (k + 1) + k] = hi;
  to->plain[n] = (unsigned char)plain;
  return 0;
}

static drt_status forward_pass(drt__culler *c, drt__grid_marks *marks,
                               int s) {
  fwd_set *sets = c->fwd + (size_t)s * (c->order_max + 1);
  for (int k = 0; k < c->order_max; k++) {
    const fwd_set *from = k ? &sets[k] : NULL;
    size_t n_from = k ? from->n : 1;
    for (size_t e = 0; e < n_from; e++) {
      int last = k ? from->pos[e * k + k - 1] : -1;
      for (int q = 0; q < (int)c->n_cand; q++) {
        if (q == last) continue;
        if (extend(c, marks, c->src[s], from, e, k, q, &sets[k + 1]))
          return drt__fail(DRT_ENOMEM, "culling: out of memory");
      }
    }
  }
  return DRT_OK;
}

/* ---- set-up ---- */

static drt_status load_scene(drt__culler *c, const drt_scene *scene,
                             const drt_trace_options *opt) {
  c->n_objects = drt_scene_object_count(scene);
  size_t n = c->n_objects ? c->n_objects : 1;
  c->walls = malloc(n * sizeof *c->walls);
  c->obstructs = malloc(n * sizeof *c->obstructs);
  c->all_blockers = malloc(n * sizeof *c->all_blockers);
  if (!c->walls || !c->obstructs || !c->all_blockers)
    return drt__fail(DRT_ENOMEM, "culling: out of memory");
  for (size_t i = 0; i < c->n_objects; i++) {
    const drt_object *o = drt_scene_object(scene, i);
    c->walls[i] = (drt__seg){{o->ax, o->ay}, {o->bx, o->by}};
    c->obstructs[i] = o->type != DRT_OBJECT_VERTEX;
    if (c->obstructs[i]) c->all_blockers[c->n_all_blockers++] = (int)i;
  }
  drt_status status =
      drt__candidate_objects(scene, opt->only, &c->objects, &c->n_cand);
  if (status) return status;
  c->vary_tx = opt->vary == DRT_VARY_TX;
  c->n_src = (int)(c->vary_tx ? drt_scene_rx_count(scene)
                              : drt_scene_tx_count(scene));
  c->src = malloc((c->n_src ? c->n_src : 1) * sizeof *c->src);
  if (!c->src) return drt__fail(DRT_ENOMEM, "culling: out of memory");
  for (int s = 0; s < c->n_src; s++) {
    const drt_point *p = c->vary_tx ? drt_scene_rx(scene, s) : drt_scene_tx(scene, s);
    c->src[s] = (drt__pt){p->x, p->y};
  }
  return DRT_OK;
}

drt_status drt__culler_create(const drt_scene *scene,
                              const drt_trace_options *opt,
                              const size_t *chunk, drt__culler **out) {
  *out = NULL;
  drt__culler *c = calloc(1, sizeof *c);
  if (!c) return drt__fail(DRT_ENOMEM, "culling: out of memory");
  c->order_min = opt->order_min;
  c->order_max = opt->order_max;
  for (int k = opt->order_min; k <= opt->order_max; k++)
    c->chunk[k] = chunk[k - opt->order_min];
  set_margins(c, opt);
  drt_status status = load_scene(c, scene, opt);
  if (!status && drt__wall_grid_build(&c->grid, c->walls, c->obstructs,
                                      c->n_objects, c->outer))
    status = drt__fail(DRT_ENOMEM, "culling: out of memory");
  if (!status) {
    c->fwd = calloc((size_t)c->n_src * (c->order_max + 1), sizeof *c->fwd);
    if (!c->fwd) status = drt__fail(DRT_ENOMEM, "culling: out of memory");
  }
  drt__grid_marks marks = {0};
  if (!status && drt__grid_marks_init(&marks, c->n_objects))
    status = drt__fail(DRT_ENOMEM, "culling: out of memory");
  for (int s = 0; s < c->n_src && !status; s++)
    status = forward_pass(c, &marks, s);
  drt__grid_marks_free(&marks);
  if (status) {
    drt__culler_destroy(c);
    return status;
  }
  *out = c;
  return DRT_OK;
}

void drt__culler_destroy(drt__culler *c) {
  if (!c) return;
  if (c->fwd)
    for (size_t i = 0; i < (size_t)c->n_src * (c->order_max + 1); i++)
      fwd_free(&c->fwd[i]);
  free(c->fwd);
  drt__wall_grid_free(&c->grid);
  free(c->objects);
  free(c->walls);
  free(c->obstructs);
  free(c->all_blockers);
  free(c->src);
  free(c);
}

void drt__culler_counts(const drt__culler *c, int order, double *kept,
                        double *all) {
  *all = (double)drt_candidate_count(c->n_cand, order) * c->n_src;
  *kept = order == 0 ? c->n_src : 0;
  for (int s = 0; s < c->n_src && order > 0; s++)
    *kept += (double)c->fwd[(size_t)s * (c->order_max + 1) + order].n;
}

size_t drt__culler_bytes(const drt__culler *c) {
  size_t bytes = sizeof *c + c->n_objects * (sizeof *c->walls + 2 * sizeof(int)) +
                 c->n_cand * sizeof(int) +
                 ((size_t)c->grid.nx * c->grid.ny + 1) * sizeof(int) +
                 (size_t)c->grid.cell_first[(size_t)c->grid.nx * c->grid.ny] * sizeof(int);
  for (size_t i = 0; i < (size_t)c->n_src * (c->order_max + 1); i++) {
    size_t k = i % (c->order_max + 1);
    bytes += c->fwd[i].cap * (k * (sizeof(int) + sizeof(drt__pt) + 2 * sizeof(double)) + 1);
  }
  return bytes;
}
