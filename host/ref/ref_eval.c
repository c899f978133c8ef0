/* ref_eval.c — the serial C reference evaluator (docs/method.md §4–§8):
 * its image method, validity and power written as plainly as possible and
 * independently of the kernel headers; the FPT/MPT solvers and the
 * derivatives are the kernel headers compiled as C. */
#include "ref_eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "candidates.h"
/* The gradient: the kernels' formulas along the moving endpoint. */
#define DRT_ND 2
#include "power/drt_contribution.h"
#include "error.h"

typedef struct {
  double x, y;
} vec;

static vec v_sub(vec a, vec b) { return (vec){a.x - b.x, a.y - b.y}; }
static double v_dot(vec a, vec b) { return a.x * b.x + a.y * b.y; }
static double v_len(vec a) { return sqrt(a.x * a.x + a.y * a.y); }

static vec v_unit(vec a) {
  double len = v_len(a);
  if (len == 0) return a;
  return (vec){a.x / len, a.y / len};
}

static vec wall_a(const drt_object *o) { return (vec){o->ax, o->ay}; }
static vec wall_b(const drt_object *o) { return (vec){o->bx, o->by}; }

static vec wall_normal(const drt_object *o) {
  vec t = v_sub(wall_b(o), wall_a(o));
  return v_unit((vec){t.y, -t.x});
}

/* s(x; alpha) of the smoothed modes. */
static double smooth(double x, drt_smoothing mode, double alpha) {
  if (mode == DRT_SMOOTHING_SIGMOID) return 1.0 / (1.0 + exp(-alpha * x));
  if (isnan(x)) return NAN;
  double y = alpha * x + 3.0;
  if (y < 0) y = 0;
  if (y > 6) y = 6;
  return y / 6.0;
}

/* Truth of x >= y (and, smoothed, of x > y). */
static double is_ge(double x, double y, drt_smoothing mode, double alpha) {
  if (mode == DRT_SMOOTHING_NONE) return x >= y ? 1.0 : 0.0;
  return smooth(x - y, mode, alpha);
}

/* Truth of x < y, strict in exact mode. */
static double is_lt(double x, double y, drt_smoothing mode, double alpha) {
  if (mode == DRT_SMOOTHING_NONE) return x < y ? 1.0 : 0.0;
  return smooth(y - x, mode, alpha);
}

/* min and max that keep a NaN. */
static double and2(double a, double b) {
  if (isnan(a) || isnan(b)) return NAN;
  return a < b ? a : b;
}

static double or2(double a, double b) {
  if (isnan(a) || isnan(b)) return NAN;
  return a > b ? a : b;
}

static double in_range(double t, drt_smoothing mode, double alpha) {
  const double tol = 0.005;
  return and2(is_ge(t, -tol, mode, alpha),
              is_ge(1.0 + tol, t, mode, alpha));
}

/* Does segment p1p2 meet segment p3p4 (docs/method.md §4)? */
static double segments_meet(vec p1, vec p2, vec p3, vec p4,
                            drt_smoothing mode, double alpha) {
  vec A = v_sub(p2, p1), B = v_sub(p3, p4), C = v_sub(p1, p3);
  double a = B.y * C.x - B.x * C.y;
  double b = A.x * C.y - A.y * C.x;
  double d = A.y * B.x - A.x * B.y;
  if (d == 0) return 0.0; /* parallel: t = +inf, never inside [0, 1] */
  return and2(in_range(a / d, mode, alpha), in_range(b / d, mode, alpha));
}

static void image_method(const drt_scene *scene, const int *objects, int k,
                         vec *p) {
  vec images[DRT_MAX_ORDER + 1];
  images[0] = p[0];
  for (int j = 1; j <= k; j++) {
    const drt_object *o = drt_scene_object(scene, objects[j - 1]);
    vec n = wall_normal(o);
    double dist = v_dot(v_sub(images[j - 1], wall_a(o)), n);
    images[j] = (vec){images[j - 1].x - 2 * dist * n.x,
                      images[j - 1].y - 2 * dist * n.y};
  }
  vec q = p[k + 1];
  for (int j = k; j >= 1; j--) {
    const drt_object *o = drt_scene_object(scene, objects[j - 1]);
    vec n = wall_normal(o);
    vec u = v_sub(q, images[j]);
    vec v = v_sub(wall_a(o), q);
    double un = v_dot(u, n);
    if (un != 0) {
      double t = v_dot(v, n) / un;
      q = (vec){q.x + t * u.x, q.y + t * u.y};
    }
    p[j] = q;
  }
}

static double reflection_residual(vec prev, vec at, vec next, vec n) {
  vec i = v_unit(v_sub(at, prev));
  vec r = v_unit(v_sub(next, at));
  double in = v_dot(i, n);
  vec e = {r.x - (i.x - 2 * in * n.x), r.y - (i.y - 2 * in * n.y)};
  return v_dot(e, e);
}

static double ris_residual(vec at, vec next, vec n, double phi) {
  vec r = v_unit(v_sub(next, at));
  vec back = {-r.x, -r.y};
  double sin_a = back.x * n.y - back.y * n.x;
  double cos_a = v_dot(back, n);
  return (sin_a - sin(phi)) * (sin_a - sin(phi)) +
         (cos_a - cos(phi)) * (cos_a - cos(phi));
}

static double path_loss(const drt_scene *scene, const int *objects, int k,
                        const vec *p) {
  double loss = 0;
  for (int j = 1; j <= k; j++) {
    const drt_object *o = drt_scene_object(scene, objects[j - 1]);
    if (o->type == DRT_OBJECT_WALL)
      loss += reflection_residual(p[j - 1], p[j], p[j + 1], wall_normal(o));
    else if (o->type == DRT_OBJECT_RIS)
      loss += ris_residual(p[j], p[j + 1], wall_normal(o), o->phi);
  }
  return loss;
}

static double on_objects(const drt_scene *scene, const int *objects, int k,
                         const vec *p, drt_smoothing mode, double alpha) {
  double on = 1.0;
  for (int j = 1; j <= k; j++) {
    const drt_object *o = drt_scene_object(scene, objects[j - 1]);
    if (o->type == DRT_OBJECT_VERTEX) continue;
    vec t = v_sub(wall_b(o), wall_a(o));
    double tt = v_dot(t, t);
    double u = v_dot(t, v_sub(p[j], wall_a(o))) / (tt == 0 ? 1 : tt);
    on = and2(on, and2(is_ge(u, 0, mode, alpha), is_ge(1, u, mode, alpha)));
  }
  return on;
}

static double obstructed(const drt_scene *scene, const int *objects, int k,
                         const vec *p, drt_smoothing mode, double alpha) {
  double blocked = 0.0;
  for (int j = 0; j <= k; j++) {
    for (size_t m = 0; m < drt_scene_object_count(scene); m++) {
      const drt_object *o = drt_scene_object(scene, m);
      int is_start = j > 0 && objects[j - 1] == (int)m;
      int is_end = j < k && objects[j] == (int)m;
      if (is_start || is_end || o->type == DRT_OBJECT_VERTEX) continue;
      blocked = or2(blocked, segments_meet(p[j], p[j + 1], wall_a(o),
                                           wall_b(o), mode, alpha));
    }
  }
  return blocked;
}

/* The candidate's objects in the kernels' solver layout. */
static void solver_interactions(const drt_scene *scene, const int *objects,
                                int k, drt_interactions *in) {
  in->k = k;
  in->m = 0;
  for (int j = 0; j < k; j++) {
    const drt_object *o = drt_scene_object(scene, objects[j]);
    vec n = wall_normal(o);
    in->type[j] = (int)o->type;
    in->a[j] = drt_v2(o->ax, o->ay);
    in->t[j] = drt_v2(o->bx - o->ax, o->by - o->ay);
    in->n[j] = drt_v2(n.x, n.y);
    in->sin_phi[j] = sin(o->phi);
    in->cos_phi[j] = cos(o->phi);
    in->unknown[j] = o->type == DRT_OBJECT_VERTEX ? -1 : in->m++;
  }
}

/* Path points p[0..k+1] (p[0], p[k+1] given) by options->method; returns
 * the solver's iterations. */
static int find_path(const drt_scene *scene, const int *objects, int k,
                     const drt_trace_options *opt, uint64_t cell, uint64_t key,
                     vec *p) {
  if (opt->method == DRT_METHOD_IM) {
    image_method(scene, objects, k, p);
    return 0;
  }
  drt_interactions in;
  drt_vec2 points[DRT_MAX_ORDER + 2];
  solver_interactions(scene, objects, k, &in);
  drt_vec2 tx = drt_v2(p[0].x, p[0].y), rx = drt_v2(p[k + 1].x, p[k + 1].y);
  int iterations = opt->method == DRT_METHOD_FPT
                       ? drt_fermat_path(&in, tx, rx, points)
                       : drt_min_path(&in, tx, rx, opt->seed, cell, key, points);
  for (int j = 1; j <= k; j++) p[j] = (vec){points[j].x, points[j].y};
  return iterations;
}

void drt__ref_trace(const drt_scene *scene, const int *objects, int order,
                    const double tx[2], const double rx[2],
                    const drt_trace_options *opt, uint64_t cell, uint64_t key,
                    drt__ref_path *path) {
  drt_smoothing smoothing = opt->smoothing;
  double alpha = opt->alpha;
  vec p[DRT_MAX_ORDER + 2];
  p[0] = (vec){tx[0], tx[1]};
  p[order + 1] = (vec){rx[0], rx[1]};
  path->iterations = find_path(scene, objects, order, opt, cell, key, p);
  path->order = order;
  for (int j = 0; j <= order + 1; j++) {
    path->x[j] = p[j].x;
    path->y[j] = p[j].y;
  }
  path->loss = path_loss(scene, objects, order, p);
  path->on_objects = on_objects(scene, objects, order, p, smoothing, alpha);
  path->obstructed = obstructed(scene, objects, order, p, smoothing, alpha);
  double converged = is_lt(path->loss, 0.01, smoothing, alpha);
  path->validity =
      and2(and2(path->on_objects, 1.0 - path->obstructed), converged);
  double length = 0;
  for (int j = 0; j <= order; j++) length += v_len(v_sub(p[j + 1], p[j]));
  double h = DRT_HEIGHT;
  double power = pow(DRT_REFLECTION_COEF, order) / (h * h + length * length);
  path->power = (isnan(path->validity) || path->validity == 0)
                    ? 0.0
                    : path->validity * power;
}

/* Power at one moving point (global cell `cell`), summed over fixed
 * endpoints and candidates; adds solver iterations to *iterations. */
static double power_at(const drt_scene *scene, const drt_trace_options *opt,
                       const drt__candidates *sets, const double here[2],
                       uint64_t cell, double *iterations) {
  int vary_tx = opt->vary == DRT_VARY_TX;
  size_t n_fixed = vary_tx ? drt_scene_rx_count(scene)
                           : drt_scene_tx_count(scene);
  double total = 0;
  for (int k = opt->order_min; k <= opt->order_max; k++) {
    const drt__candidates *set = &sets[k - opt->order_min];
    for (size_t c = 0; c < set->count; c++) {
      for (size_t f = 0; f < n_fixed; f++) {
        const drt_point *fixed = vary_tx ? drt_scene_rx(scene, f)
                                         : drt_scene_tx(scene, f);
        const double there[2] = {fixed->x, fixed->y};
        uint64_t key = drt_path_key(k, c, (int)n_fixed, (int)f);
        drt__ref_path path;
        drt__ref_trace(scene, set->indices + c * k, k, vary_tx ? here : there,
                       vary_tx ? there : here, opt, cell, key, &path);
        total += path.power;
        *iterations += path.iterations;
      }
    }
  }
  return total;
}

drt_status drt__ref_eval(const drt_scene *scene,
                         const drt_trace_options *options, const double *xy,
                         size_t n, size_t first_cell, double *power,
                         double *iterations) {
  drt__candidates sets[DRT_MAX_ORDER + 1] = {{0}};
  int n_orders = options->order_max - options->order_min + 1;
  int *objects;
  size_t n_objects;
  drt_status status =
      drt__candidate_objects(scene, options->only, &objects, &n_objects);
  for (int i = 0; i < n_orders && !status; i++)
    status = drt__candidates_build(objects, n_objects, options->order_min + i,
                                   &sets[i]);
  for (size_t i = 0; i < n && !status; i++)
    power[i] = power_at(scene, options, sets, xy + 2 * i, first_cell + i,
                        iterations);
  for (int i = 0; i < n_orders; i++) drt__candidates_free(&sets[i]);
  free(objects);
  return status;
}

drt_status drt__ref_flatten(const drt_scene *scene, drt__flat_scene *f) {
  f->n = (int)drt_scene_object_count(scene);
  size_t n = f->n ? (size_t)f->n : 1;
  f->segments = malloc(4 * n * sizeof *f->segments);
  f->phis = malloc(n * sizeof *f->phis);
  f->types = malloc(n * sizeof *f->types);
  if (!f->segments || !f->phis || !f->types)
    return drt__fail(DRT_ENOMEM, "ref: out of memory");
  for (int i = 0; i < f->n; i++) {
    const drt_object *o = drt_scene_object(scene, i);
    const double c[4] = {o->ax, o->ay, o->bx, o->by};
    memcpy(f->segments + 4 * i, c, sizeof c);
    f->phis[i] = o->phi;
    f->types[i] = (int)o->type;
  }
  return DRT_OK;
}

void drt__ref_flat_free(drt__flat_scene *f) {
  free(f->segments);
  free(f->phis);
  free(f->types);
}

/* Gradient of one path's power by the moving endpoint (the kernels'
 * hand-derived formulas, run on the ref's path points). */
static void path_gradient(const drt_scene *scene, const drt__flat_scene *flat,
                          const int *objects, int k, const drt__ref_path *path,
                          const drt_trace_options *opt, double grad[2]) {
  drt_interactions in;
  drt_vec2 points[DRT_MAX_ORDER + 2];
  solver_interactions(scene, objects, k, &in);
  for (int j = 0; j <= k + 1; j++) points[j] = drt_v2(path->x[j], path->y[j]);
  const drt_traced tp = {&in, points, objects, (int)opt->method};
  const drt_scene_view sv =
      drt_view_of(flat->segments, flat->types, flat->phis, flat->n);
  drt_smoothing_params p = {(int)opt->smoothing, opt->alpha};
  drt_num power = drt_endpoint_power(&tp, opt->vary == DRT_VARY_TX, &sv, p);
  grad[0] = power.d[0];
  grad[1] = power.d[1];
}

/* Power and gradient of the pair (moving point `here`, fixed endpoint f)
 * over every candidate; `cell` is the point's global index. */
static void pair_gradient(const drt_scene *scene, const drt__flat_scene *flat,
                          const drt_trace_options *opt,
                          const drt__candidates *sets, const double here[2],
                          size_t f, uint64_t cell, double out[3],
                          double *iterations) {
  int vary_tx = opt->vary == DRT_VARY_TX;
  size_t n_fixed = vary_tx ? drt_scene_rx_count(scene)
                           : drt_scene_tx_count(scene);
  const drt_point *fixed = vary_tx ? drt_scene_rx(scene, f)
                                   : drt_scene_tx(scene, f);
  const double there[2] = {fixed->x, fixed->y};
  out[0] = out[1] = out[2] = 0;
  for (int k = opt->order_min; k <= opt->order_max; k++) {
    const drt__candidates *set = &sets[k - opt->order_min];
    for (size_t c = 0; c < set->count; c++) {
      uint64_t key = drt_path_key(k, c, (int)n_fixed, (int)f);
      const int *objects = set->indices + c * k;
      drt__ref_path path;
      drt__ref_trace(scene, objects, k, vary_tx ? here : there,
                     vary_tx ? there : here, opt, cell, key, &path);
      double grad[2];
      path_gradient(scene, flat, objects, k, &path, opt, grad);
      out[0] += path.power;
      out[1] += grad[0];
      out[2] += grad[1];
      *iterations += path.iterations;
    }
  }
}

/* Power and gradient at one moving point, summed over the pairs. */
static void gradient_at(const drt_scene *scene, const drt__flat_scene *flat,
                        const drt_trace_options *opt,
                        const drt__candidates *sets, const double here[2],
                        uint64_t cell, double out[3], double *iterations) {
  size_t n_fixed = opt->vary == DRT_VARY_TX ? drt_scene_rx_count(scene)
                                            : drt_scene_tx_count(scene);
  out[0] = out[1] = out[2] = 0;
  for (size_t f = 0; f < n_fixed; f++) {
    double one[3];
    pair_gradient(scene, flat, opt, sets, here, f, cell, one, iterations);
    for (int i = 0; i < 3; i++) out[i] += one[i];
  }
}

/* Value and gradient at n points (pairs = 0) or n pairs (pairs = 1: global
 * pair g = first + i is point g / n_fixed with fixed endpoint g % n_fixed,
 * its point at xy + 2 i). */
static drt_status eval_grad(const drt_scene *scene,
                            const drt_trace_options *options, const double *xy,
                            size_t n, size_t first, int pairs, double *out,
                            double *iterations) {
  drt__candidates sets[DRT_MAX_ORDER + 1] = {{0}};
  int n_orders = options->order_max - options->order_min + 1;
  int *objects = NULL;
  size_t n_objects;
  size_t n_fixed = options->vary == DRT_VARY_TX ? drt_scene_rx_count(scene)
                                                : drt_scene_tx_count(scene);
  drt__flat_scene flat = {0};
  drt_status status = drt__ref_flatten(scene, &flat);
  if (!status)
    status = drt__candidate_objects(scene, options->only, &objects, &n_objects);
  for (int i = 0; i < n_orders && !status; i++)
    status = drt__candidates_build(objects, n_objects, options->order_min + i,
                                   &sets[i]);
  for (size_t i = 0; i < n && !status; i++) {
    size_t g = first + i;
    if (pairs)
      pair_gradient(scene, &flat, options, sets, xy + 2 * i, g % n_fixed,
                    g / n_fixed, out + 3 * i, iterations);
    else
      gradient_at(scene, &flat, options, sets, xy + 2 * i, g, out + 3 * i,
                  iterations);
  }
  for (int i = 0; i < n_orders; i++) drt__candidates_free(&sets[i]);
  free(objects);
  drt__ref_flat_free(&flat);
  return status;
}

drt_status drt__ref_eval_grad(const drt_scene *scene,
                              const drt_trace_options *options,
                              const double *xy, size_t n, size_t first_cell,
                              double *out, double *iterations) {
  return eval_grad(scene, options, xy, n, first_cell, 0, out, iterations);
}

drt_status drt__ref_eval_grad_pairs(const drt_scene *scene,
                                    const drt_trace_options *options,
                                    const double *xy, size_t n,
                                    size_t first_pair, double *out,
                                    double *iterations) {
  return eval_grad(scene, options, xy, n, first_pair, 1, out, iterations);
}
