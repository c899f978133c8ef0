/* test_radio.c — the radio model (docs/method.md §14): closed forms of free
 * space, Fresnel reflection and the two-ray field computed here on C99
 * complex numbers; the kernels against the ref evaluator; gradients
 * against central finite differences; materials and their errors. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h" /* exit codes */
#include "rng.h"
#include "testutil.h"
/* The kernels' Fresnel coefficients, compiled as C: checked below against
 * the formulas written here. */
#define DRT_ND 1
#include "power/drt_radio.h"

#include "radio_forms.h"

static double complex kernel_gamma(double complex eta, double c, int tm,
                                   double *dre, double *dim) {
  drt_num cn = drt_num_const(c);
  cn.d[0] = 1;
  drt_cnum g = drt_fresnel(cn, drt_cx_make(creal(eta), cimag(eta)), tm);
  if (dre) *dre = g.re.d[0];
  if (dim) *dim = g.im.d[0];
  return g.re.v + I * g.im.v;
}

START_TEST(fresnel_matches_closed_forms) {
  const double f = 3.5e9;
  /* A metal wall at normal incidence: Gamma -> -1 (vertical). */
  double complex metal = eta_of(1, 1e7, f);
  ck_assert(cabs(kernel_gamma(metal, 1, 0, NULL, NULL) + 1) < 1e-3);
  /* Normal incidence: (1 - sqrt eta) / (1 + sqrt eta), both lossy and not;
   * the horizontal one the opposite sign in this convention. */
  double complex etas[] = {eta_of(5.24, 0.0462 * pow(3.5, 0.7822), f),
                           4.0, eta_of(3.91, 0.03, f)};
  for (int i = 0; i < 3; i++) {
    double complex root = csqrt(etas[i]);
    double complex expected = (1 - root) / (1 + root);
    ck_assert(cabs(kernel_gamma(etas[i], 1, 0, NULL, NULL) - expected) < 1e-12);
    ck_assert(cabs(kernel_gamma(etas[i], 1, 1, NULL, NULL) + expected) < 1e-12);
    /* Every angle against the formulas, and dGamma/dc against a central
     * difference. */
    for (double c = 0.05; c < 1; c += 0.05) {
      double dre, dim;
      for (int tm = 0; tm < 2; tm++) {
        double complex g = kernel_gamma(etas[i], c, tm, &dre, &dim);
        double complex want = tm ? gamma_tm(etas[i], c) : gamma_te(etas[i], c);
        ck_assert_msg(cabs(g - want) < 1e-12, "c %g tm %d", c, tm);
        const double h = 1e-6;
        double complex fd = ((tm ? gamma_tm(etas[i], c + h) : gamma_te(etas[i], c + h)) -
                             (tm ? gamma_tm(etas[i], c - h) : gamma_te(etas[i], c - h))) /
                            (2 * h);
        ck_assert_msg(cabs(dre + I * dim - fd) < 1e-7 * (1 + cabs(fd)),
                      "dGamma/dc at c %g tm %d: %g%+gi vs %g%+gi", c, tm, dre,
                      dim, creal(fd), cimag(fd));
      }
    }
  }
  /* A lossless dielectric: |Gamma_TM| vanishes at Brewster's angle
   * atan(sqrt(eps_r)), its minimum (golden-section search over theta). */
  const double eps_r = 4;
  double lo = 0.5, hi = 1.5, phi = (sqrt(5) - 1) / 2;
  for (int it = 0; it < 200; it++) {
    double a = hi - phi * (hi - lo), b = lo + phi * (hi - lo);
    if (cabs(kernel_gamma(eps_r, cos(a), 1, NULL, NULL)) <
        cabs(kernel_gamma(eps_r, cos(b), 1, NULL, NULL)))
      hi = b;
    else
      lo = a;
  }
  double brewster = atan(sqrt(eps_r));
  printf("Brewster: minimum of |Gamma_TM| at %.9f rad, atan(sqrt(4)) = %.9f\n",
         0.5 * (lo + hi), brewster);
  ck_assert(fabs(0.5 * (lo + hi) - brewster) < 1e-6);
  ck_assert(cabs(kernel_gamma(eps_r, cos(brewster), 1, NULL, NULL)) < 1e-12);
}
END_TEST

static void radio_options(drt_trace_options *o, double f, drt_sum sum) {
  drt_trace_options_init(o);
  o->model = DRT_MODEL_RADIO;
  o->frequency = f;
  o->sum = sum;
}

/* Free space: 1 m at 2.4 GHz is a path gain of -40.05 dB. */
START_TEST(free_space_path_gain) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_create(&scene));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 0.25, -0.5));
  drt_trace_options o;
  radio_options(&o, 2.4e9, DRT_SUM_COHERENT);
  o.tx_power_dbm = 0;
  o.order_max = 0;
  double xy[2] = {1.25, -0.5}, p;
  drt_device_kind devices[] = {DRT_DEVICE_REF, DRT_DEVICE_AUTO, DRT_DEVICE_AUTO};
  drt_precision precisions[] = {DRT_PRECISION_DOUBLE, DRT_PRECISION_DOUBLE,
                                DRT_PRECISION_FLOAT};
  for (int d = 0; d < 3; d++) {
    drt_context *ctx = drt_test_open_context(devices[d], precisions[d]);
    DRT_CHECK_OK(drt_eval_points(ctx, scene, &o, xy, 1, &p));
    double gain_db = 10 * log10(p / 1e-3);
    printf("free space, 1 m, 2.4 GHz on %s: %.6f dB\n",
           drt_context_device_name(ctx), gain_db);
    ck_assert(fabs(gain_db - -40.05) < 0.005);
    double tol = precisions[d] == DRT_PRECISION_DOUBLE ? 1e-12 : 1e-6;
    ck_assert(fabs(p - spread(2.4e9, 0)) <= tol * spread(2.4e9, 0));
    drt_context_destroy(ctx);
  }
  drt_scene_destroy(scene);
}
END_TEST

/* The sector element (3GPP TR 38.901) in free space: P = P_tx (lambda /
 * (4 pi L))^2 10^(G_dB / 10), G_dB = 8 - min(12 (phi / 65)^2, 30) with phi
 * in degrees from the boresight; a transmitter's own power; and the path
 * gain, which has neither. */
START_TEST(antennas_match_closed_forms) {
  const double azimuth_deg = 130, off_deg[] = {0, 30, -65, 100, -120, 180};
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_create(&scene));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 3, -2));
  drt_antenna a = {DRT_PATTERN_SECTOR, azimuth_deg * PI / 180, 1, 27};
  DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, 0, &a));
  drt_trace_options o;
  radio_options(&o, 3.5e9, DRT_SUM_COHERENT);
  o.order_max = 0;
  double xy[12], p[6], gain[6];
  for (int i = 0; i < 6; i++) {
    double angle = (azimuth_deg + off_deg[i]) * PI / 180, distance = 7 + i;
    xy[2 * i] = 3 + distance * cos(angle);
    xy[2 * i + 1] = -2 + distance * sin(angle);
  }
  drt_device_kind devices[] = {DRT_DEVICE_REF, DRT_DEVICE_AUTO, DRT_DEVICE_AUTO};
  drt_precision precisions[] = {DRT_PRECISION_DOUBLE, DRT_PRECISION_DOUBLE,
                                DRT_PRECISION_FLOAT};
  for (int d = 0; d < 3; d++) {
    drt_context *ctx = drt_test_open_context(devices[d], precisions[d]);
    o.quantity = DRT_QUANTITY_POWER;
    DRT_CHECK_OK(drt_eval_points(ctx, scene, &o, xy, 6, p));
    o.quantity = DRT_QUANTITY_PATH_GAIN;
    DRT_CHECK_OK(drt_eval_points(ctx, scene, &o, xy, 6, gain));
    double tol = precisions[d] == DRT_PRECISION_DOUBLE ? 1e-12 : 1e-5;
    for (int i = 0; i < 6; i++) {
      double g_db = 8 - fmin(12 * pow(off_deg[i] / 65, 2), 30);
      double free = pow(lambda_of(3.5e9) / (4 * PI * (7 + i)), 2);
      double want = spread(3.5e9, 27) / pow(lambda_of(3.5e9) / (4 * PI), 2) *
                    free * pow(10, g_db / 10);
      printf("sector %6.1f deg off boresight on %s: %.6f dBm (closed form "
             "%.6f), path gain %.6f dB\n", off_deg[i],
             drt_context_device_name(ctx), 10 * log10(p[i] / 1e-3),
             10 * log10(want / 1e-3), 10 * log10(gain[i]));
      ck_assert(fabs(p[i] - want) <= tol * want);
      ck_assert(fabs(gain[i] - free) <= tol * free);
    }
    drt_context_destroy(ctx);
  }
  o.model = DRT_MODEL_PAPER;
  o.quantity = DRT_QUANTITY_POWER;
  drt_context *ref = drt_test_open_context(DRT_DEVICE_REF, DRT_PRECISION_DOUBLE);
  ck_assert_int_eq(drt_eval_points(ref, scene, &o, xy, 1, p), DRT_EUNSUPPORTED);
  ck_assert(strstr(drt_last_error(), "tx0") && strstr(drt_last_error(), "radio"));
  drt_context_destroy(ref);
  a.pattern = (drt_pattern)7;
  ck_assert_int_eq(drt_scene_set_tx_antenna(scene, 0, &a), DRT_EINVAL);
  a.pattern = DRT_PATTERN_SECTOR;
  a.azimuth = NAN;
  ck_assert_int_eq(drt_scene_set_tx_antenna(scene, 0, &a), DRT_EINVAL);
  ck_assert_int_eq(drt_scene_set_tx_antenna(scene, 1, &a), DRT_EINVAL);
  drt_scene_destroy(scene);
}
END_TEST

/* Two rays over a long metal wall y = 0: the transmitter and receiver at
 * height 2 m, 3.5 GHz. With L1 = |dx| and L2 = sqrt(dx^2 + 16) the field
 * is e^(-jkL1)/L1 + Gamma(theta) e^(-jkL2)/L2. */
static double two_ray(double dx, double f, drt_sum sum, int tm) {
  double k = 2 * PI / lambda_of(f), l1 = fabs(dx), l2 = hypot(dx, 4);
  double complex g = tm ? gamma_tm(eta_of(1, 1e7, f), 4 / l2)
                        : gamma_te(eta_of(1, 1e7, f), 4 / l2);
  double complex a1 = cexp(-I * k * l1) / l1, a2 = g * cexp(-I * k * l2) / l2;
  double total = sum == DRT_SUM_COHERENT
                     ? creal((a1 + a2) * conj(a1 + a2))
                     : creal(a1 * conj(a1)) + creal(a2 * conj(a2));
  return spread(f, 20) * total;
}

START_TEST(two_ray_interference) {
  const double f = 3.5e9, lambda = lambda_of(f);
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_create(&scene));
  drt_object wall = {.type = DRT_OBJECT_WALL, .ax = -200, .ay = 0, .bx = 200,
                     .by = 0, .material = DRT_MATERIAL_METAL};
  DRT_CHECK_OK(drt_scene_add_object(scene, &wall));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 0, 2));
  double xy[2 * 20], got[20], want[20];
  int n = 0;
  for (int m = 1; m <= 10; m++) {
    double delta = m * lambda, half = (m - 0.5) * lambda;
    /* sqrt(dx^2 + 16) - dx = delta: dx = (16 - delta^2) / (2 delta). */
    xy[2 * n] = (16 - delta * delta) / (2 * delta);
    xy[2 * n++ + 1] = 2;
    xy[2 * n] = (16 - half * half) / (2 * half);
    xy[2 * n++ + 1] = 2;
  }
  for (int tm = 0; tm < 2; tm++)
    for (int s = 0; s < 2; s++) {
      drt_trace_options o;
      radio_options(&o, f, (drt_sum)s);
      o.polarization = tm ? DRT_POLARIZATION_HORIZONTAL : DRT_POLARIZATION_VERTICAL;
      for (int i = 0; i < n; i++) want[i] = two_ray(xy[2 * i], f, o.sum, tm);
      for (int d = 0; d < 2; d++) {
        drt_context *ctx = drt_test_open_context(
            d ? DRT_DEVICE_AUTO : DRT_DEVICE_REF, DRT_PRECISION_DOUBLE);
        DRT_CHECK_OK(drt_eval_points(ctx, scene, &o, xy, (size_t)n, got));
        for (int i = 0; i < n; i++)
          ck_assert_msg(fabs(got[i] - want[i]) <= 1e-9 * want[i],
                        "%s %s point %d: %.12g vs %.12g",
                        drt_context_device_name(ctx), s ? "incoherent" : "coherent",
                        i, got[i], want[i]);
        drt_context_destroy(ctx);
      }
      /* Coherent: each null at least 20 dB below the peak beside it. On
       * metal Gamma -> -1 (vertical): nulls where L2 - L1 = m lambda; +1
       * (horizontal): there the peaks, the nulls half-way. */
      for (int i = 0; s == 0 && i + 1 < n; i += 2) {
        double null = tm ? want[i + 1] : want[i], peak = tm ? want[i] : want[i + 1];
        ck_assert_msg(null * 100 < peak, "null %d: %g vs %g", i / 2, null, peak);
      }
    }
  drt_scene_destroy(scene);
}
END_TEST

/* A street canyon of my own: two long facades of different materials, a
 * glass kiosk between them and a RIS-free wall at the end, in metres. */
static drt_scene *canyon_scene(void) {
  drt_scene *scene;
  DRT_CHECK_OK(drt_scene_create(&scene));
  drt_object walls[] = {
      {.type = DRT_OBJECT_WALL, .ax = 0, .ay = 0, .bx = 60, .by = 0,
       .material = DRT_MATERIAL_CONCRETE},
      {.type = DRT_OBJECT_WALL, .ax = 0, .ay = 12, .bx = 60, .by = 12.5,
       .material = DRT_MATERIAL_BRICK},
      {.type = DRT_OBJECT_WALL, .ax = 25, .ay = 5, .bx = 28, .by = 7,
       .material = DRT_MATERIAL_GLASS},
      {.type = DRT_OBJECT_WALL, .ax = 60, .ay = -1, .bx = 61, .by = 13,
       .material = DRT_MATERIAL_CUSTOM, .eps_r = 7, .sigma = 0.05},
  };
  for (int i = 0; i < 4; i++) DRT_CHECK_OK(drt_scene_add_object(scene, &walls[i]));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 4, 6));
  DRT_CHECK_OK(drt_scene_add_tx(scene, NULL, 50, 3));
  /* A sector pointing 20 degrees up the street (points behind it are on
   * the pattern's floor) and an isotropic one of its own power. */
  drt_antenna sector = {DRT_PATTERN_SECTOR, 20 * PI / 180, 0, 0};
  drt_antenna strong = {DRT_PATTERN_ISOTROPIC, 0, 1, 26};
  DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, 0, &sector));
  DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, 1, &strong));
  return scene;
}

static void random_points(drt__rng *rng, double *xy, int n) {
  for (int i = 0; i < n; i++) {
    xy[2 * i] = 1 + 58 * drt__rng_uniform(rng);
    xy[2 * i + 1] = 0.5 + 11 * drt__rng_uniform(rng);
  }
}

/* The kernels against the ref: values and endpoint gradients, both sums
 * and polarisations, exact and smoothed, IM at orders 0:2 and FPT/MPT at
 * 0:1, double within 1e-9 and float within 1e-3 relative (plus a floor
 * well below the map's scale). */
START_TEST(kernels_match_ref) {
  const int method = _i / 4, sum = _i % 2, pol = _i / 2 % 2;
  enum { N = 60 };
  drt_scene *scene = canyon_scene();
  drt__rng rng;
  drt__rng_seed(&rng, 11 + _i);
  double xy[2 * N], want[3 * N], got[3 * N];
  random_points(&rng, xy, N);
  drt_trace_options o;
  radio_options(&o, 3.5e9, (drt_sum)sum);
  o.polarization = (drt_polarization)pol;
  o.method = (drt_method)method;
  o.order_max = method == DRT_METHOD_IM ? 2 : 1;
  drt_context *ref = drt_test_open_context(DRT_DEVICE_REF, DRT_PRECISION_DOUBLE);
  drt_smoothing modes[] = {DRT_SMOOTHING_NONE, DRT_SMOOTHING_SIGMOID,
                           DRT_SMOOTHING_HARD_SIGMOID};
  for (int m = 0; m < 3; m++) {
    o.smoothing = modes[m];
    o.alpha = 20; /* 1/m: a band of about 5 cm */
    DRT_CHECK_OK(drt_eval_points_grad(ref, scene, &o, xy, N, want));
    double scale = 0;
    for (int i = 0; i < N; i++) scale = fmax(scale, want[3 * i]);
    for (int p = 0; p < 2; p++) {
      drt_context *ctx = drt_test_open_context(
          DRT_DEVICE_AUTO, p ? DRT_PRECISION_DOUBLE : DRT_PRECISION_FLOAT);
      DRT_CHECK_OK(drt_eval_points_grad(ctx, scene, &o, xy, N, got));
      double rtol = p ? 1e-9 : 2e-3;
      int differ = 0;
      for (int i = 0; i < 3 * N; i++) {
        /* A derivative's floor: the power's scale over a wavelength. */
        double floor = (i % 3 ? 73.0 : 1.0) * scale * (p ? 1e-12 : 1e-5);
        differ += !(fabs(got[i] - want[i]) <= rtol * fabs(want[i]) + floor);
      }
      printf("radio %s %s %s smoothing %d %-6s: %d of %d values out of "
             "tolerance\n", method == 0 ? "im" : method == 1 ? "fpt" : "mpt",
             sum ? "incoherent" : "coherent", pol ? "horizontal" : "vertical",
             (int)modes[m], p ? "double" : "float", differ, 3 * N);
      if (p) ck_assert_int_eq(differ, 0);
      else ck_assert_msg(differ * 50 <= 3 * N, "%d of %d differ", differ, 3 * N);
      drt_context_destroy(ctx);
    }
  }
  drt_context_destroy(ref);
  drt_scene_destroy(scene);
}
END_TEST

/* dP/dx and dP/dy against central differences of P (double), smoothed by
 * the sigmoid (smooth everywhere) and exact (smooth between shadow edges:
 * a few points may straddle one). */
START_TEST(gradients_match_finite_differences) {
  enum { N = 200 };
  const double h = 1e-5; /* m: well inside the 1.4 cm a radian of phase */
  drt_scene *scene = canyon_scene();
  drt__rng rng;
  drt__rng_seed(&rng, 5 + _i);
  double xy[2 * N], grad[3 * N], moved[4 * 2 * N], values[4 * N];
  random_points(&rng, xy, N);
  drt_trace_options o;
  radio_options(&o, 3.5e9, _i % 2 ? DRT_SUM_INCOHERENT : DRT_SUM_COHERENT);
  o.order_max = 2;
  o.smoothing = _i / 2 ? DRT_SMOOTHING_SIGMOID : DRT_SMOOTHING_NONE;
  o.alpha = 20;
  for (int i = 0; i < N; i++)
    for (int s = 0; s < 4; s++) {
      moved[2 * (4 * i + s)] = xy[2 * i] + (s == 0 ? h : s == 1 ? -h : 0);
      moved[2 * (4 * i + s) + 1] = xy[2 * i + 1] + (s == 2 ? h : s == 3 ? -h : 0);
    }
  drt_context *ctx = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
  DRT_CHECK_OK(drt_eval_points_grad(ctx, scene, &o, xy, N, grad));
  DRT_CHECK_OK(drt_eval_points(ctx, scene, &o, moved, 4 * N, values));
  int bad = 0;
  for (int i = 0; i < N; i++)
    for (int a = 0; a < 2; a++) {
      double fd = (values[4 * i + 2 * a] - values[4 * i + 2 * a + 1]) / (2 * h);
      double g = grad[3 * i + 1 + a];
      double tol = 1e-5 * fabs(fd) + 1e-6 * 73 * grad[3 * i];
      if (fabs(g - fd) > tol) {
        bad++;
        if (bad < 5)
          printf("  point (%g, %g) axis %d: gradient %.10g, difference %.10g\n",
                 xy[2 * i], xy[2 * i + 1], a, g, fd);
      }
    }
  printf("radio gradients %s %s: %d of %d derivatives off\n",
         o.sum ? "incoherent" : "coherent", o.smoothing ? "sigmoid" : "exact",
         bad, 2 * N);
  if (o.smoothing) ck_assert_int_eq(bad, 0);
  else ck_assert_msg(bad * 100 <= 2 * N, "%d of %d", bad, 2 * N);
  drt_context_destroy(ctx);
  drt_scene_destroy(scene);
}
END_TEST

/* Coherent maps add the transmitters' powers: two transmitters give the
 * sum of each one's map (the field of one never meets the other's). */
START_TEST(transmitters_add_as_powers) {
  enum { N = 40 };
  drt_scene *scene = canyon_scene(), *alone[2];
  drt__rng rng;
  drt__rng_seed(&rng, 3);
  double xy[2 * N], both[N], one[2][N];
  random_points(&rng, xy, N);
  drt_trace_options o;
  radio_options(&o, 3.5e9, DRT_SUM_COHERENT);
  o.order_max = 2;
  drt_context *ctx = drt_test_open_context(DRT_DEVICE_AUTO, DRT_PRECISION_DOUBLE);
  DRT_CHECK_OK(drt_eval_points(ctx, scene, &o, xy, N, both));
  for (int t = 0; t < 2; t++) {
    alone[t] = canyon_scene();
    drt_scene_clear_tx(alone[t]);
    const drt_point *p = drt_scene_tx(scene, (size_t)t);
    DRT_CHECK_OK(drt_scene_add_tx(alone[t], NULL, p->x, p->y));
    DRT_CHECK_OK(drt_scene_set_tx_antenna(alone[t], 0, &p->antenna));
    DRT_CHECK_OK(drt_eval_points(ctx, alone[t], &o, xy, N, one[t]));
    drt_scene_destroy(alone[t]);
  }
  for (int i = 0; i < N; i++)
    ck_assert(fabs(both[i] - (one[0][i] + one[1][i])) <= 1e-12 * both[i]);
  drt_context_destroy(ctx);
  drt_scene_destroy(scene);
}
END_TEST

START_TEST(materials_and_their_errors) {
  double re, im;
  drt_material m;
  DRT_CHECK_OK(drt_material_from_name("ceiling-board", &m));
  ck_assert_int_eq(m, DRT_MATERIAL_CEILING_BOARD);
  ck_assert_int_eq(drt_material_from_name("cheese", &m), DRT_EINVAL);
  ck_assert(strstr(drt_last_error(), "cheese"));
  /* Concrete at 3.5 GHz: eps_r 5.24, sigma 0.0462 f^0.7822. */
  DRT_CHECK_OK(drt_material_permittivity(DRT_MATERIAL_CONCRETE, 0, 0, 3.5e9,
                                         &re, &im));
  ck_assert(fabs(re - 5.24) < 1e-12);
  double sigma = 0.0462 * pow(3.5, 0.7822);
  ck_assert(fabs(im + sigma / (2 * PI * 3.5e9 * EPS0)) < 1e-12 * fabs(im));
  /* Floorboard is defined from 50 GHz; brick up to 40 GHz. */
  ck_assert_int_eq(drt_material_permittivity(DRT_MATERIAL_FLOORBOARD, 0, 0,
                                             3.5e9, &re, &im), DRT_EINVAL);
  ck_assert(strstr(drt_last_error(), "50"));
  ck_assert_int_eq(drt_material_permittivity(DRT_MATERIAL_BRICK, 0, 0, 60e9,
                                             &re, &im), DRT_EINVAL);
  ck_assert_int_eq(drt_material_permittivity(DRT_MATERIAL_CUSTOM, 4, -0.1,
                                             3.5e9, &re, &im), DRT_EINVAL);
  ck_assert(strstr(drt_last_error(), "sigma"));
  /* The trace options name the object whose material does not fit. */
  drt_scene *scene = canyon_scene();
  drt_object floor = {.type = DRT_OBJECT_WALL, .ax = 0, .ay = 20, .bx = 5,
                      .by = 20, .material = DRT_MATERIAL_FLOORBOARD};
  DRT_CHECK_OK(drt_scene_add_object(scene, &floor));
  drt_trace_options o;
  radio_options(&o, 3.5e9, DRT_SUM_COHERENT);
  ck_assert_int_eq(drt_trace_options_check(&o, scene), DRT_EINVAL);
  ck_assert_msg(strstr(drt_last_error(), "object 4"), "%s", drt_last_error());
  o.frequency = 60e9;
  ck_assert_int_eq(drt_trace_options_check(&o, scene), DRT_EINVAL);
  ck_assert_msg(strstr(drt_last_error(), "brick"), "%s", drt_last_error());
  /* Not yet in the radio model: vertices, said so. */
  o.frequency = 3.5e9;
  drt_scene_destroy(scene);
  scene = canyon_scene();
  drt_object corner = {.type = DRT_OBJECT_VERTEX, .ax = 25, .ay = 5};
  DRT_CHECK_OK(drt_scene_add_object(scene, &corner));
  o.method = DRT_METHOD_FPT;
  ck_assert_int_eq(drt_trace_options_check(&o, scene), DRT_EUNSUPPORTED);
  o.model = DRT_MODEL_PAPER;
  const drt_antenna isotropic = {DRT_PATTERN_ISOTROPIC, 0, 0, 0};
  for (size_t t = 0; t < 2; t++)
    DRT_CHECK_OK(drt_scene_set_tx_antenna(scene, t, &isotropic));
  DRT_CHECK_OK(drt_trace_options_check(&o, scene));
  drt_scene_destroy(scene);
}
END_TEST

/* The scene format: materials by name or value, a RIS's amplitude,
 * "units"; saved and read back; bad values named with their place. */
START_TEST(scene_files_carry_materials) {
  const char *good = drt_test_scratch("good.json");
  FILE *f = fopen(good, "w");
  fputs("{\"units\": \"m\", \"transmitters\": [{\"name\": \"a\", \"position\": "
        "[1, 2], \"pattern\": \"sector\", \"azimuth_deg\": 45, "
        "\"power_dbm\": 33.5}, {\"position\": [2, 2]}], \"objects\": [{\"type\": \"wall\", \"a\": [0, 0], \"b\": "
        "[5, 0], \"material\": \"metal\"}, {\"type\": \"wall\", \"a\": [0, 3], "
        "\"b\": [5, 3], \"material\": {\"eps_r\": 4.5, \"sigma\": 0.02}}, "
        "{\"type\": \"ris\", \"a\": [6, 0], \"b\": [6, 3], \"phi\": 0.3, "
        "\"amplitude\": 0.8}]}\n", f);
  fclose(f);
  drt_scene *scene, *again;
  DRT_CHECK_OK(drt_scene_load(good, &scene));
  ck_assert(drt_scene_in_metres(scene));
  ck_assert_int_eq(drt_scene_object(scene, 0)->material, DRT_MATERIAL_METAL);
  ck_assert_int_eq(drt_scene_object(scene, 1)->material, DRT_MATERIAL_CUSTOM);
  ck_assert(drt_scene_object(scene, 1)->eps_r == 4.5);
  ck_assert(drt_scene_object(scene, 2)->amplitude == 0.8);
  const drt_antenna *sector = &drt_scene_tx(scene, 0)->antenna;
  ck_assert_int_eq(sector->pattern, DRT_PATTERN_SECTOR);
  ck_assert(fabs(sector->azimuth - PI / 4) < 1e-15);
  ck_assert(sector->has_power && sector->power_dbm == 33.5);
  ck_assert_int_eq(drt_scene_tx(scene, 1)->antenna.pattern, DRT_PATTERN_ISOTROPIC);
  ck_assert(!drt_scene_tx(scene, 1)->antenna.has_power);
  const char *saved = drt_test_scratch("saved.json");
  DRT_CHECK_OK(drt_scene_save_json(scene, saved));
  DRT_CHECK_OK(drt_scene_load(saved, &again));
  ck_assert(drt_scene_in_metres(again));
  for (size_t i = 0; i < 3; i++)
    ck_assert(memcmp(drt_scene_object(scene, i), drt_scene_object(again, i),
                     sizeof(drt_object)) == 0);
  for (size_t t = 0; t < 2; t++) {
    const drt_antenna *x = &drt_scene_tx(scene, t)->antenna,
                      *y = &drt_scene_tx(again, t)->antenna;
    ck_assert(x->pattern == y->pattern && x->has_power == y->has_power &&
              x->power_dbm == y->power_dbm &&
              fabs(x->azimuth - y->azimuth) <= 1e-15);
  }
  drt_scene_destroy(again);
  drt_scene_destroy(scene);
  const char *bad[][2] = {
      {"\"material\": \"cheese\"", "objects[0].material"},
      {"\"material\": {\"eps_r\": 0.5, \"sigma\": 0}", "objects[0].material"},
      {"\"material\": {\"eps_r\": 2, \"sigma\": -1}", "objects[0].material"},
      {"\"material\": {\"eps_r\": 2}", "sigma"},
      {"\"material\": 3", "objects[0].material"},
  };
  const char *bad_points[][2] = {
      {"\"transmitters\": [{\"position\": [0, 0], \"pattern\": \"dish\"}]",
       "transmitters[0].pattern"},
      {"\"transmitters\": [{\"position\": [0, 0], \"azimuth_deg\": 10}]",
       "transmitters[0].azimuth_deg"},
      {"\"transmitters\": [{\"position\": [0, 0], \"power_dbm\": \"x\"}]",
       "transmitters[0].power_dbm"},
      {"\"receivers\": [{\"position\": [0, 0], \"power_dbm\": 3}]",
       "receivers[0]"},
  };
  for (int i = 0; i < 4; i++) {
    const char *path = drt_test_scratch("bad.json");
    f = fopen(path, "w");
    fprintf(f, "{%s, \"objects\": []}\n", bad_points[i][0]);
    fclose(f);
    ck_assert_int_eq(drt_scene_load(path, &scene), DRT_ESCHEMA);
    ck_assert_msg(strstr(drt_last_error(), bad_points[i][1]), "%s",
                  drt_last_error());
  }
  for (int i = 0; i < 5; i++) {
    const char *path = drt_test_scratch("bad.json");
    f = fopen(path, "w");
    fprintf(f, "{\"objects\": [{\"type\": \"wall\", \"a\": [0, 0], \"b\": "
            "[1, 0], %s}]}\n", bad[i][0]);
    fclose(f);
    drt_status status = drt_scene_load(path, &scene);
    ck_assert_int_eq(status, DRT_ESCHEMA);
    ck_assert_msg(strstr(drt_last_error(), bad[i][1]) &&
                      strstr(drt_last_error(), "bad.json"),
                  "%s", drt_last_error());
  }
}
END_TEST

/* A new user's city map: GeoJSON is in metres, so the radio model is the
 * default and the map is in dBm; --model paper keeps the paper's. */
START_TEST(cli_defaults_to_radio_for_metres) {
  const char *scene = drt_test_data("mumbai-osm.geojson");
  const char *npy = drt_test_scratch("city.npy");
  ck_assert_int_eq(drt_test_cli("map", "--scene", scene, "--tx", "0,0",
                                "--order", "0", "--grid", "5", "--npy", npy,
                                "--precision", "double", NULL), 0);
  ck_assert_int_eq(drt_test_cli("map", "--scene", scene, "--tx", "0,0",
                                "--model", "radio", "--frequency", "-3",
                                "--npy", npy, NULL), DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("map", "--scene", scene, "--tx", "0,0",
                                "--model", "radios", "--npy", npy, NULL),
                   DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("map", "--scene", scene, "--tx", "0,0",
                                "--material", "cheese", "--npy", npy, NULL),
                   DRT_EXIT_USAGE);
  ck_assert_int_eq(drt_test_cli("map", "--scene", scene, "--tx", "0,0",
                                "--order", "0", "--grid", "5", "--npy", npy,
                                "--quantity", "path-gain", NULL), 0);
  ck_assert_int_eq(drt_test_cli("map", "--scene", scene, "--tx", "0,0",
                                "--quantity", "gain", "--npy", npy, NULL),
                   DRT_EXIT_USAGE);
  ck_assert_int_ne(drt_test_cli("map", "--scene", scene, "--tx", "0,0",
                                "--model", "paper", "--quantity", "path-gain",
                                "--npy", npy, NULL), 0);
}
END_TEST

static Suite *radio_suite(void) {
  Suite *s = suite_create("radio");
  TCase *closed = tcase_create("closed forms");
  tcase_set_timeout(closed, 300);
  tcase_add_test(closed, fresnel_matches_closed_forms);
  tcase_add_test(closed, free_space_path_gain);
  tcase_add_test(closed, antennas_match_closed_forms);
  tcase_add_test(closed, two_ray_interference);
  tcase_add_test(closed, materials_and_their_errors);
  suite_add_tcase(s, closed);
  TCase *kernels = tcase_create("kernels");
  tcase_set_timeout(kernels, 900);
  tcase_add_loop_test(kernels, kernels_match_ref, 0, 12);
  tcase_add_loop_test(kernels, gradients_match_finite_differences, 0, 4);
  tcase_add_test(kernels, transmitters_add_as_powers);
  suite_add_tcase(s, kernels);
  TCase *files = tcase_create("files");
  tcase_add_checked_fixture(files, drt_test_scratch_create,
                            drt_test_scratch_remove);
  tcase_add_test(files, scene_files_carry_materials);
  tcase_add_test(files, cli_defaults_to_radio_for_metres);
  suite_add_tcase(s, files);
  return s;
}

int main(void) { return drt_test_run(radio_suite()); }
