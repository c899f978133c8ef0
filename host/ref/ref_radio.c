/* ref_radio.c — the reference evaluator's radio model (docs/method.md §14):
 * validity in metres, Fresnel coefficients and the coherent or incoherent
 * sum written plainly on C99 complex numbers, apart from the kernels' own
 * code; the path points are the ref's (drt__ref_trace). The gradient is
 * the kernels' formulas compiled as C, on the ref's paths. */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "candidates.h"
#include "error.h"
#include "radio.h"
#include "ref_eval.h"
#define DRT_ND 2
#define DRT_RADIO
#include "power/drt_contribution.h"

typedef struct {
  double x, y;
} vec;

static double smooth_ge(double x, const drt_trace_options *o) {
  if (o->smoothing == DRT_SMOOTHING_NONE) return x >= 0 ? 1.0 : 0.0;
  if (o->smoothing == DRT_SMOOTHING_SIGMOID)
    return 1.0 / (1.0 + exp(-o->alpha * x));
  if (isnan(x)) return NAN;
  return fmin(fmax(o->alpha * x + 3.0, 0.0), 6.0) / 6.0;
}

static double and2(double a, double b) {
  if (isnan(a) || isnan(b)) return NAN;
  return a < b ? a : b;
}

static double or2(double a, double b) {
  if (isnan(a) || isnan(b)) return NAN;
  return a > b ? a : b;
}

/* m in [-eps, len + eps], eps = 1 mm. */
static double within(double m, double len, const drt_trace_options *o) {
  const double eps = 1e-3;
  return and2(smooth_ge(m + eps, o), smooth_ge(len + eps - m, o));
}

static double meets(vec p1, vec p2, vec p3, vec p4,
                    const drt_trace_options *o) {
  vec A = {p2.x - p1.x, p2.y - p1.y}, B = {p3.x - p4.x, p3.y - p4.y};
  vec C = {p1.x - p3.x, p1.y - p3.y};
  double d = A.y * B.x - A.x * B.y;
  if (d == 0) return 0;
  double ta = (B.y * C.x - B.x * C.y) / d, tb = (A.x * C.y - A.y * C.x) / d;
  double la = hypot(A.x, A.y), lb = hypot(B.x, B.y);
  return and2(within(ta * la, la, o), within(tb * lb, lb, o));
}

/* V of a traced path in the radio model. */
static double validity(const drt_scene *scene, const int *objects, int k,
                       const drt__ref_path *path,
                       const drt_trace_options *o) {
  double on = 1;
  for (int j = 1; j <= k; j++) {
    const drt_object *w = drt_scene_object(scene, objects[j - 1]);
    double tx = w->bx - w->ax, ty = w->by - w->ay, len = hypot(tx, ty);
    double u = len == 0 ? 0
                        : ((path->x[j] - w->ax) * tx + (path->y[j] - w->ay) * ty) /
                              len;
    on = and2(on, and2(smooth_ge(u, o), smooth_ge(len - u, o)));
  }
  double margin = 100 * (1 - path->loss / 0.01);
  double converged = o->smoothing == DRT_SMOOTHING_NONE ? (margin > 0 ? 1.0 : 0.0)
                                                        : smooth_ge(margin, o);
  double blocked = 0;
  for (int j = 0; j <= k; j++)
    for (size_t m = 0; m < drt_scene_object_count(scene); m++) {
      const drt_object *w = drt_scene_object(scene, m);
      if ((j > 0 && objects[j - 1] == (int)m) || (j < k && objects[j] == (int)m) ||
          w->type == DRT_OBJECT_VERTEX)
        continue;
      vec p1 = {path->x[j], path->y[j]}, p2 = {path->x[j + 1], path->y[j + 1]};
      blocked = or2(blocked, meets(p1, p2, (vec){w->ax, w->ay},
                                   (vec){w->bx, w->by}, o));
    }
  return and2(and2(on, converged), 1 - blocked);
}

/* Gamma at a wall of permittivity eta, incidence cos c. */
static double complex fresnel(double complex eta, double c, int horizontal) {
  double complex w = csqrt(eta - (1 - c * c));
  double complex q = horizontal ? eta * c : c;
  if (q + w == 0) return -1;
  return (q - w) / (q + w);
}

/* The path's field before the constant factor: prod Gamma e^(-jkL) / L. */
static double complex path_field(const drt_scene *scene, const int *objects,
                                 int k, const drt__ref_path *path,
                                 const drt_trace_options *o,
                                 const double *materials) {
  double complex product = 1;
  double length = 0;
  for (int j = 0; j <= k; j++)
    length += hypot(path->x[j + 1] - path->x[j], path->y[j + 1] - path->y[j]);
  for (int j = 1; j <= k; j++) {
    const drt_object *w = drt_scene_object(scene, objects[j - 1]);
    const double *mat = materials + 4 * objects[j - 1];
    if (w->type == DRT_OBJECT_RIS) {
      product *= mat[2];
      continue;
    }
    double nx = w->by - w->ay, ny = -(w->bx - w->ax), nl = hypot(nx, ny);
    double ix = path->x[j] - path->x[j - 1], iy = path->y[j] - path->y[j - 1];
    double il = hypot(ix, iy);
    double c = nl == 0 || il == 0 ? 0 : fabs(ix * nx + iy * ny) / (nl * il);
    product *= fresnel(mat[0] + I * mat[1], c,
                       o->polarization == DRT_POLARIZATION_HORIZONTAL);
  }
  double k_wave = drt__wavenumber(o);
  return product * cexp(-I * k_wave * length) / length;
}

/* The transmitter's field factor, written on degrees: sqrt of its power
 * over the options' and of its gain towards the path's first point; 1
 * for a moving transmitter and for the path gain. */
static double antenna_factor(const drt_point *tx, const drt__ref_path *path,
                             const drt_trace_options *o) {
  if (!tx || o->quantity == DRT_QUANTITY_PATH_GAIN) return 1;
  double factor = tx->antenna.has_power
                      ? sqrt(pow(10.0, (tx->antenna.power_dbm -
                                        o->tx_power_dbm) / 10.0))
                      : 1;
  if (tx->antenna.pattern != DRT_PATTERN_SECTOR) return factor;
  double departure = atan2(path->y[1] - path->y[0], path->x[1] - path->x[0]);
  double off = (departure - tx->antenna.azimuth) * 180 / DRT__PI;
  off = fmod(off, 360.0);
  if (off > 180) off -= 360;
  if (off < -180) off += 360;
  double gain_db = 8 - fmin(12 * (off / 65) * (off / 65), 30);
  return factor * sqrt(pow(10.0, gain_db / 10));
}

/* Watts at one moving point. */
static double radio_power_at(const drt_scene *scene,
                             const drt_trace_options *o,
                             const drt__candidates *sets,
                             const double *materials, const double here[2],
                             uint64_t cell, double *iterations) {
  int vary_tx = o->vary == DRT_VARY_TX;
  size_t n_fixed = vary_tx ? drt_scene_rx_count(scene) : drt_scene_tx_count(scene);
  double total = 0;
  for (size_t f = 0; f < n_fixed; f++) {
    const drt_point *fixed = vary_tx ? drt_scene_rx(scene, f) : drt_scene_tx(scene, f);
    const double there[2] = {fixed->x, fixed->y};
    double complex field = 0;
    double incoherent = 0;
    for (int k = o->order_min; k <= o->order_max; k++) {
      const drt__candidates *set = &sets[k - o->order_min];
      for (size_t c = 0; c < set->count; c++) {
        const int *objects = set->indices + c * k;
        drt__ref_path path;
        drt__ref_trace(scene, objects, k, vary_tx ? here : there,
                       vary_tx ? there : here, o, cell,
                       drt_path_key(k, c, (int)n_fixed, (int)f), &path);
        *iterations += path.iterations;
        double v = validity(scene, objects, k, &path, o);
        if (isnan(v) || v == 0) continue;
        double complex a = path_field(scene, objects, k, &path, o, materials) *
                           antenna_factor(vary_tx ? NULL : fixed, &path, o);
        field += v * a;
        incoherent += v * creal(a * conj(a));
      }
    }
    total += o->sum == DRT_SUM_COHERENT ? creal(field * conj(field)) : incoherent;
  }
  return drt__radio_scale(o) * total;
}

/* The kernels' field of one path with its tangents, on the ref's points. */
static drt_cnum kernel_field(const drt_scene *scene,
                             const drt__flat_scene *flat, const int *objects,
                             int k, const drt__ref_path *path,
                             const drt_trace_options *o,
                             const double *materials, int tx) {
  drt_interactions in;
  drt_load_interactions(objects, k, flat->segments, flat->types, flat->phis,
                        &in);
  (void)scene;
  drt_vec2 points[DRT_MAX_ORDER + 2];
  for (int j = 0; j <= k + 1; j++) points[j] = drt_v2(path->x[j], path->y[j]);
  const drt_traced tp = {&in, points, objects, (int)o->method};
  drt_scene_view sv =
      drt_view_of(flat->segments, flat->types, flat->phis, flat->n);
  sv.wave.k = drt__wavenumber(o);
  sv.wave.flags = (o->sum == DRT_SUM_COHERENT ? DRT_WAVE_COHERENT : 0) |
                  (o->polarization == DRT_POLARIZATION_HORIZONTAL
                       ? DRT_WAVE_HORIZONTAL
                       : 0);
  sv.wave.materials = materials;
  drt_smoothing_params p = {(int)o->smoothing, o->alpha};
  return drt_endpoint_radio(&tp, o->vary == DRT_VARY_TX, tx, &sv, p);
}

/* Watts and W/m at one moving point, from fixed endpoints f_first ..
 * f_last - 1. */
static void radio_gradient_at(const drt_scene *scene,
                              const drt__flat_scene *flat,
                              const drt_trace_options *o,
                              const drt__candidates *sets,
                              const double *materials, const double here[2],
                              uint64_t cell, size_t f_first, size_t f_last,
                              double out[3], double *iterations) {
  int vary_tx = o->vary == DRT_VARY_TX;
  size_t n_fixed = vary_tx ? drt_scene_rx_count(scene) : drt_scene_tx_count(scene);
  out[0] = out[1] = out[2] = 0;
  for (size_t f = f_first; f < f_last; f++) {
    const drt_point *fixed = vary_tx ? drt_scene_rx(scene, f) : drt_scene_tx(scene, f);
    const double there[2] = {fixed->x, fixed->y};
    double fields[6] = {0}, watts[3];
    for (int k = o->order_min; k <= o->order_max; k++) {
      const drt__candidates *set = &sets[k - o->order_min];
      for (size_t c = 0; c < set->count; c++) {
        const int *objects = set->indices + c * k;
        drt__ref_path path;
        drt__ref_trace(scene, objects, k, vary_tx ? here : there,
                       vary_tx ? there : here, o, cell,
                       drt_path_key(k, c, (int)n_fixed, (int)f), &path);
        *iterations += path.iterations;
        drt_cnum a = kernel_field(scene, flat, objects, k, &path, o, materials,
                                  vary_tx ? -1 : (int)f);
        double parts[6] = {a.re.v, a.re.d[0], a.re.d[1],
                           a.im.v, a.im.d[0], a.im.d[1]};
        for (int i = 0; i < 6; i++) fields[i] += parts[i];
      }
    }
    drt__radio_powers(o, 3, fields, 1, watts);
    for (int i = 0; i < 3; i++) out[i] += watts[i];
  }
}

drt_status drt__ref_eval_radio(const drt_scene *scene,
                               const drt_trace_options *o, const double *xy,
                               size_t n, size_t first_cell,
                               drt__ref_radio_kind kind, double *out,
                               double *iterations) {
  int vary_tx = o->vary == DRT_VARY_TX;
  size_t n_fixed = vary_tx ? drt_scene_rx_count(scene) : drt_scene_tx_count(scene);
  drt__candidates sets[DRT_MAX_ORDER + 1] = {{0}};
  int n_orders = o->order_max - o->order_min + 1;
  int *objects = NULL;
  size_t n_objects;
  drt__flat_scene flat = {0};
  size_t table = drt__radio_table_size(scene, o);
  double *materials = calloc(table ? table : 1, sizeof *materials);
  drt_status status = materials ? DRT_OK
                                : drt__fail(DRT_ENOMEM, "ref: out of memory");
  if (!status) status = drt__radio_table(scene, o, materials);
  if (!status) status = drt__ref_flatten(scene, &flat);
  if (!status) status = drt__candidate_objects(scene, o->only, &objects, &n_objects);
  for (int i = 0; i < n_orders && !status; i++)
    status = drt__candidates_build(objects, n_objects, o->order_min + i, &sets[i]);
  for (size_t i = 0; i < n && !status; i++) {
    size_t g = first_cell + i; /* a pair: point g / n_fixed, endpoint g % n */
    if (kind == DRT__REF_RADIO_PAIRS)
      radio_gradient_at(scene, &flat, o, sets, materials, xy + 2 * i,
                        g / n_fixed, g % n_fixed, g % n_fixed + 1,
                        out + 3 * i, iterations);
    else if (kind == DRT__REF_RADIO_GRADIENT)
      radio_gradient_at(scene, &flat, o, sets, materials, xy + 2 * i, g, 0,
                        n_fixed, out + 3 * i, iterations);
    else
      out[i] = radio_power_at(scene, o, sets, materials, xy + 2 * i, g,
                              iterations);
  }
  for (int i = 0; i < n_orders; i++) drt__candidates_free(&sets[i]);
  free(objects);
  free(materials);
  drt__ref_flat_free(&flat);
  return status;
}
