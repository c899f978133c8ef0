/* materials.c — the radio model's materials: ITU-R P.2040 Table 3
 * (eps_r = a f^b, sigma = c f^d, f in GHz, each over its frequency range)
 * and the complex relative permittivity they give at a carrier. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "drt2d.h"
#include "error.h"
#include "radio.h"

static const struct material_spec {
  const char *name;
  double a, b, c, d;       /* eps_r = a f^b, sigma = c f^d */
  double lo_ghz, hi_ghz;   /* where the fit holds */
} specs[DRT_MATERIAL_COUNT] = {
    [DRT_MATERIAL_DEFAULT] = {"default", 0, 0, 0, 0, 0, 0},
    [DRT_MATERIAL_VACUUM] = {"vacuum", 1, 0, 0, 0, 0.001, 100},
    [DRT_MATERIAL_CONCRETE] = {"concrete", 5.24, 0, 0.0462, 0.7822, 1, 100},
    [DRT_MATERIAL_BRICK] = {"brick", 3.91, 0, 0.0238, 0.16, 1, 40},
    [DRT_MATERIAL_PLASTERBOARD] = {"plasterboard", 2.73, 0, 0.0085, 0.9395, 1,
                                   100},
    [DRT_MATERIAL_WOOD] = {"wood", 1.99, 0, 0.0047, 1.0718, 0.001, 100},
    [DRT_MATERIAL_GLASS] = {"glass", 6.31, 0, 0.0036, 1.3394, 0.1, 100},
    [DRT_MATERIAL_CEILING_BOARD] = {"ceiling-board", 1.48, 0, 0.0011, 1.075, 1,
                                    100},
    [DRT_MATERIAL_CHIPBOARD] = {"chipboard", 2.58, 0, 0.0217, 0.78, 1, 100},
    [DRT_MATERIAL_PLYWOOD] = {"plywood", 2.71, 0, 0.33, 0, 1, 40},
    [DRT_MATERIAL_MARBLE] = {"marble", 7.074, 0, 0.0055, 0.9262, 1, 60},
    [DRT_MATERIAL_FLOORBOARD] = {"floorboard", 3.66, 0, 0.0044, 1.3515, 50,
                                 100},
    [DRT_MATERIAL_METAL] = {"metal", 1, 0, 1e7, 0, 1, 100},
    [DRT_MATERIAL_VERY_DRY_GROUND] = {"very-dry-ground", 3, 0, 0.00015, 2.52,
                                      1, 10},
    [DRT_MATERIAL_MEDIUM_DRY_GROUND] = {"medium-dry-ground", 15, -0.1, 0.035,
                                        1.63, 1, 10},
    [DRT_MATERIAL_WET_GROUND] = {"wet-ground", 30, -0.4, 0.15, 1.30, 1, 10},
    [DRT_MATERIAL_CUSTOM] = {"custom", 0, 0, 0, 0, 0, 0},
};

const char *drt_material_name(drt_material material) {
  if ((int)material < 0 || material >= DRT_MATERIAL_COUNT) return "unknown";
  return specs[material].name;
}

drt_status drt_material_from_name(const char *name, drt_material *out) {
  drt__clear_error();
  for (int m = DRT_MATERIAL_VACUUM; m < DRT_MATERIAL_CUSTOM; m++)
    if (name && strcmp(name, specs[m].name) == 0) {
      *out = (drt_material)m;
      return DRT_OK;
    }
  return drt__fail(DRT_EINVAL, "unknown material \"%s\": expected one of "
                   "vacuum, concrete, brick, plasterboard, wood, glass, "
                   "ceiling-board, chipboard, plywood, marble, floorboard, "
                   "metal, very-dry-ground, medium-dry-ground, wet-ground",
                   name ? name : "(null)");
}

drt_status drt_material_permittivity(drt_material material, double eps_r,
                                     double sigma, double frequency_hz,
                                     double *eta_re, double *eta_im) {
  drt__clear_error();
  if (!(frequency_hz > 0) || !isfinite(frequency_hz))
    return drt__fail(DRT_EINVAL, "frequency must be a finite number > 0 Hz, "
                     "not %g", frequency_hz);
  if ((int)material <= DRT_MATERIAL_DEFAULT || material > DRT_MATERIAL_CUSTOM)
    return drt__fail(DRT_EINVAL, "material %d has no permittivity (resolve "
                     "the default first)", (int)material);
  double f_ghz = frequency_hz / 1e9;
  if (material == DRT_MATERIAL_CUSTOM) {
    if (!(eps_r >= 1) || !isfinite(eps_r))
      return drt__fail(DRT_EINVAL, "relative permittivity eps_r must be a "
                       "finite number >= 1, not %g", eps_r);
    if (!(sigma >= 0) || !isfinite(sigma))
      return drt__fail(DRT_EINVAL, "conductivity sigma must be a finite "
                       "number >= 0 S/m, not %g", sigma);
  } else {
    const struct material_spec *m = &specs[material];
    if (f_ghz < m->lo_ghz || f_ghz > m->hi_ghz)
      return drt__fail(DRT_EINVAL, "material %s is defined from %g to %g GHz "
                       "(ITU-R P.2040), not at %g GHz", m->name, m->lo_ghz,
                       m->hi_ghz, f_ghz);
    eps_r = m->a * pow(f_ghz, m->b);
    sigma = m->c * pow(f_ghz, m->d);
  }
  *eta_re = eps_r;
  *eta_im = -sigma / (2 * DRT__PI * frequency_hz * DRT__EPS0);
  return DRT_OK;
}

/* The last failure again, prefixed with the object it concerns. */
static drt_status object_failure(drt_status status, size_t object) {
  char why[256];
  snprintf(why, sizeof why, "%s", drt_last_error());
  return drt__fail(status, "object %zu: %s", object, why);
}

double drt__wavenumber(const drt_trace_options *opt) {
  return 2 * DRT__PI * opt->frequency / DRT__LIGHT_SPEED;
}

double drt__radio_scale(const drt_trace_options *opt) {
  double lambda = DRT__LIGHT_SPEED / opt->frequency;
  double watts = opt->quantity == DRT_QUANTITY_PATH_GAIN
                     ? 1.0
                     : pow(10.0, (opt->tx_power_dbm - 30.0) / 10.0);
  double spread = lambda / (4 * DRT__PI);
  return watts * spread * spread;
}

size_t drt__radio_table_size(const drt_scene *scene,
                             const drt_trace_options *opt) {
  size_t antennas = opt->vary == DRT_VARY_TX ? 0 : drt_scene_tx_count(scene);
  return 4 * (drt_scene_object_count(scene) + antennas);
}

/* Transmitter t's entry: {1 for a sector, cos and sin of its boresight,
 * its field's factor sqrt(P_t / P_options)}; the path gain has neither
 * patterns nor powers. */
static void antenna_entry(const drt_point *tx, const drt_trace_options *opt,
                          double *out) {
  const drt_antenna *a = &tx->antenna;
  int gain = opt->quantity == DRT_QUANTITY_PATH_GAIN;
  out[0] = !gain && a->pattern == DRT_PATTERN_SECTOR;
  out[1] = cos(a->azimuth);
  out[2] = sin(a->azimuth);
  out[3] = !gain && a->has_power
               ? pow(10.0, (a->power_dbm - opt->tx_power_dbm) / 20.0)
               : 1.0;
}

drt_status drt__radio_table(const drt_scene *scene,
                            const drt_trace_options *opt, double *out) {
  size_t n = drt_scene_object_count(scene);
  for (size_t i = 0; i < n; i++) {
    const drt_object *o = drt_scene_object(scene, i);
    drt_material m = o->material ? o->material : opt->default_material;
    drt_status status = drt_material_permittivity(m, o->eps_r, o->sigma,
                                                  opt->frequency, out + 4 * i,
                                                  out + 4 * i + 1);
    if (status) return object_failure(status, i);
    out[4 * i + 2] = o->amplitude > 0 ? o->amplitude : 1.0;
    out[4 * i + 3] = 0;
  }
  if (opt->vary == DRT_VARY_TX) return DRT_OK;
  for (size_t t = 0; t < drt_scene_tx_count(scene); t++)
    antenna_entry(drt_scene_tx(scene, t), opt, out + 4 * (n + t));
  return DRT_OK;
}

/* The paper's model has neither antenna patterns nor powers: a scene
 * that gives them is refused rather than traced without them. */
static drt_status paper_check(const drt_trace_options *o,
                              const drt_scene *scene) {
  if (o->quantity != DRT_QUANTITY_POWER)
    return drt__fail(DRT_EUNSUPPORTED, "the path gain is a quantity of the "
                     "radio model: use --model radio");
  for (size_t t = 0; t < drt_scene_tx_count(scene); t++) {
    const drt_point *tx = drt_scene_tx(scene, t);
    if (tx->antenna.pattern != DRT_PATTERN_ISOTROPIC || tx->antenna.has_power)
      return drt__fail(DRT_EUNSUPPORTED, "transmitter %s has %s, which only "
                       "the radio model uses: use --model radio", tx->name,
                       tx->antenna.has_power ? "its own power" : "a sector "
                       "antenna");
  }
  return DRT_OK;
}

drt_status drt__radio_check(const drt_trace_options *o,
                            const drt_scene *scene) {
  if (o->model == DRT_MODEL_PAPER) return paper_check(o, scene);
  if (o->model != DRT_MODEL_RADIO)
    return drt__fail(DRT_EINVAL, "unknown model %d", (int)o->model);
  if (!(o->frequency > 0) || !isfinite(o->frequency))
    return drt__fail(DRT_EINVAL, "frequency must be a finite number > 0 Hz, "
                     "not %g", o->frequency);
  if (!isfinite(o->tx_power_dbm))
    return drt__fail(DRT_EINVAL, "transmit power must be finite (dBm), not %g",
                     o->tx_power_dbm);
  if (o->quantity != DRT_QUANTITY_POWER && o->quantity != DRT_QUANTITY_PATH_GAIN)
    return drt__fail(DRT_EINVAL, "unknown quantity %d", (int)o->quantity);
  if (o->sum != DRT_SUM_COHERENT && o->sum != DRT_SUM_INCOHERENT)
    return drt__fail(DRT_EINVAL, "unknown sum %d", (int)o->sum);
  if (o->polarization != DRT_POLARIZATION_VERTICAL &&
      o->polarization != DRT_POLARIZATION_HORIZONTAL)
    return drt__fail(DRT_EINVAL, "unknown polarization %d",
                     (int)o->polarization);
  if ((int)o->default_material <= DRT_MATERIAL_DEFAULT ||
      o->default_material >= DRT_MATERIAL_CUSTOM)
    return drt__fail(DRT_EINVAL, "the default material must be one of the "
                     "named materials, not %d", (int)o->default_material);
  for (size_t i = 0; i < drt_scene_object_count(scene); i++) {
    const drt_object *obj = drt_scene_object(scene, i);
    if (obj->type == DRT_OBJECT_VERTEX && (o->only & DRT_ONLY_VERTEX) &&
        o->order_max > 0)
      return drt__fail(DRT_EUNSUPPORTED, "the radio model has no corner "
                       "diffraction yet, but object %zu is a vertex: use "
                       "--only wall,ris or --model paper", i);
    if (!(obj->amplitude >= 0 && obj->amplitude <= 1))
      return drt__fail(DRT_EINVAL, "object %zu: RIS amplitude must be in "
                       "(0, 1], not %g", i, obj->amplitude);
    double re, im;
    drt_material m = obj->material ? obj->material : o->default_material;
    drt_status status = drt_material_permittivity(m, obj->eps_r, obj->sigma,
                                                  o->frequency, &re, &im);
    if (status) return object_failure(status, i);
  }
  return DRT_OK;
}

void drt__radio_powers(const drt_trace_options *opt, size_t components,
                       const double *fields, size_t n, double *power) {
  double scale = drt__radio_scale(opt);
  int coherent = opt->sum == DRT_SUM_COHERENT;
  for (size_t i = 0; i < n; i++) {
    const double *re = fields + 2 * components * i, *im = re + components;
    double *out = power + components * i;
    out[0] = scale * (coherent ? re[0] * re[0] + im[0] * im[0] : re[0]);
    for (size_t c = 1; c < components; c++)
      out[c] = scale * (coherent ? 2 * (re[0] * re[c] + im[0] * im[c]) : re[c]);
  }
}
