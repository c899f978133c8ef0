/* drt_radio.h — the radio model's field of one path (docs/method.md §14):
 * V (1/L) prod_j Gamma_j e^(-j k L), with the Fresnel coefficients of the
 * walls' materials, on complex numbers with tangents. The constant
 * sqrt(P_tx) lambda / (4 pi) is the host's (it multiplies every path
 * alike). Built in radio programs (-DDRT_RADIO) only. */
#ifndef DRT_RADIO_H
#define DRT_RADIO_H

#include "base/drt_cl_compat.h"
#include "base/drt_geometry.h"
#include "base/drt_num.h"
#include "gradients/drt_moves.h"
#include "paths/drt_interactions.h"
#include "paths/drt_laws.h"

/* Bits of drt_wave.flags. */
#define DRT_WAVE_COHERENT 1
#define DRT_WAVE_HORIZONTAL 2 /* E in the plane (TM); else vertical (TE) */
/* The incoherent power's delay moments (docs/method.md §15): each path's
 * V |a|^2 weighted by its length L, or by L^2. */
#define DRT_WAVE_TIMES_L 4
#define DRT_WAVE_TIMES_L2 8

/* The wave as the kernels see it: the wavenumber k = 2 pi / lambda (1/m),
 * the flags above, and per object 4 reals: the complex relative
 * permittivity eta = eps_r - j sigma / (2 pi f eps0) at the carrier
 * (re, im), a RIS's amplitude, unused; then per transmitter of a
 * receiver map 4 more (drt_antenna_factor). */
typedef struct drt_wave {
  real k;
  int flags;
  DRT_GLOBAL const real *materials;
} drt_wave;

/* A complex value per lane. */
typedef struct drt_cx {
  lreal re, im;
} drt_cx;

DRT_FN drt_cx drt_cx_make(lreal re, lreal im) {
  drt_cx z = {re, im};
  return z;
}
DRT_FN drt_cx drt_cx_add(drt_cx a, drt_cx b) {
  return drt_cx_make(a.re + b.re, a.im + b.im);
}
DRT_FN drt_cx drt_cx_sub(drt_cx a, drt_cx b) {
  return drt_cx_make(a.re - b.re, a.im - b.im);
}
DRT_FN drt_cx drt_cx_mul(drt_cx a, drt_cx b) {
  return drt_cx_make(a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re);
}
DRT_FN drt_cx drt_cx_scale(drt_cx a, lreal s) {
  return drt_cx_make(a.re * s, a.im * s);
}
DRT_FN drt_cx drt_cx_div(drt_cx a, drt_cx b) {
  lreal bb = b.re * b.re + b.im * b.im;
  return drt_cx_make((a.re * b.re + a.im * b.im) / bb,
                     (a.im * b.re - a.re * b.im) / bb);
}

/* The principal square root, without the cancellation of (|z| - x) / 2:
 * the larger part from it, the smaller as y / (2 t). 0 for z = 0. */
DRT_FN drt_cx drt_cx_sqrt(drt_cx z) {
  lreal r = sqrt(z.re * z.re + z.im * z.im);
  lmask right = z.re >= (real)0;
  lreal t = sqrt((r + fabs(z.re)) * (real)0.5);
  lreal safe = drt_sel(t == (real)0, 1, t);
  lreal other = z.im / ((real)2 * safe);
  lreal re = drt_sel(right, t, fabs(other));
  lreal im = drt_sel(right, other, drt_sel(z.im < (real)0, -t, t));
  return drt_cx_make(drt_sel(t == (real)0, 0, re), drt_sel(t == (real)0, 0, im));
}

/* A complex number with tangents along the block's directions. */
typedef struct drt_cnum {
  drt_num re, im;
} drt_cnum;

DRT_FN drt_cnum drt_cnum_one(void) {
  drt_cnum z = {drt_num_const(1), drt_num_const(0)};
  return z;
}

/* a b with d(ab) = da b + a db. */
DRT_FN drt_cnum drt_cnum_mul(drt_cnum a, drt_cnum b) {
  drt_cnum r;
  r.re.v = a.re.v * b.re.v - a.im.v * b.im.v;
  r.im.v = a.re.v * b.im.v + a.im.v * b.re.v;
  for (int i = 0; i < DRT_ND; i++) {
    r.re.d[i] = a.re.d[i] * b.re.v + a.re.v * b.re.d[i] -
                a.im.d[i] * b.im.v - a.im.v * b.im.d[i];
    r.im.d[i] = a.re.d[i] * b.im.v + a.re.v * b.im.d[i] +
                a.im.d[i] * b.re.v + a.im.v * b.re.d[i];
  }
  return r;
}

/* a s for a real number s with tangents. */
DRT_FN drt_cnum drt_cnum_scale(drt_cnum a, drt_num s) {
  drt_cnum r;
  r.re.v = a.re.v * s.v;
  r.im.v = a.im.v * s.v;
  for (int i = 0; i < DRT_ND; i++) {
    r.re.d[i] = a.re.d[i] * s.v + a.re.v * s.d[i];
    r.im.d[i] = a.im.d[i] * s.v + a.im.v * s.d[i];
  }
  return r;
}

/* |a|^2 with d|a|^2 = 2 (re dre + im dim). */
DRT_FN drt_num drt_cnum_norm2(drt_cnum a) {
  drt_num r;
  r.v = a.re.v * a.re.v + a.im.v * a.im.v;
  for (int i = 0; i < DRT_ND; i++)
    r.d[i] = (real)2 * (a.re.v * a.re.d[i] + a.im.v * a.im.d[i]);
  return r;
}

/* Fresnel reflection on a wall of permittivity eta at cos(theta) = c
 * (theta from the normal), with w = sqrt(eta - sin^2 theta) = sqrt(eta - 1
 * + c^2): vertical polarisation (c - w) / (c + w), horizontal (eta c - w)
 * / (eta c + w). With q = c or eta c, dGamma/dc = 2 q' (eta - 1) / (w (q +
 * w)^2), q' = 1 or eta. At grazing incidence on vacuum (w = c = 0) the
 * limit -1. */
DRT_FN drt_cnum drt_fresnel(drt_num c, drt_cx eta, int horizontal) {
  drt_cx cc = drt_cx_make(c.v, 0);
  drt_cx w = drt_cx_sqrt(drt_cx_make(eta.re - (real)1 + c.v * c.v, eta.im));
  drt_cx dq = horizontal ? eta : drt_cx_make(1, 0);
  drt_cx q = drt_cx_mul(dq, cc);
  drt_cx den = drt_cx_add(q, w);
  lmask grazing = den.re == (real)0 && den.im == (real)0;
  den = drt_cx_make(drt_sel(grazing, 1, den.re), den.im);
  drt_cx gamma = drt_cx_div(drt_cx_sub(q, w), den);
  drt_cx slope = drt_cx_div(
      drt_cx_scale(drt_cx_mul(dq, drt_cx_make(eta.re - (real)1, eta.im)), 2),
      drt_cx_mul(w, drt_cx_mul(den, den))); /* unused where grazing */
  drt_cnum g;
  g.re = drt_num_const(drt_sel(grazing, -1, gamma.re));
  g.im = drt_num_const(drt_sel(grazing, 0, gamma.im));
  for (int i = 0; i < DRT_ND; i++) {
    g.re.d[i] = drt_sel(grazing, 0, slope.re * c.d[i]);
    g.im.d[i] = drt_sel(grazing, 0, slope.im * c.d[i]);
  }
  return g;
}

/* cos(theta) = |i . n| at interaction j (path point j + 1), i the unit
 * incoming direction, with dc = sign(i . n) (di . n + i . dn), the wall's
 * normal turning only where objects move. */
DRT_FN drt_num drt_incidence_cos(const drt_interactions *in,
                                 const drt_vec2 *path,
                                 const drt_tangent *dpath,
                                 const drt_moves *mv, int j) {
  drt_vec2 from = path[j], at = path[j + 1];
  drt_vec2 i = drt_normalize(drt_sub(at, from));
  lreal in_n = drt_dot(i, in->n[j]);
  lreal sign = drt_sel(in_n < (real)0, -1, 1);
  drt_num c = drt_num_const(in_n * sign);
  for (int d = 0; d < DRT_ND; d++) {
    drt_vec2 di = drt_unit_turn(from, at,
                                drt_sub(dpath[j + 1].d[d], dpath[j].d[d]));
    lreal dc = drt_dot(di, in->n[j]);
    DRT_IF_MOVING(dc += drt_dot(i, mv->n[j].d[d]);)
    c.d[d] = sign * dc;
  }
  (void)mv;
  return c;
}

/* The product of the path's interaction coefficients: Fresnel at walls,
 * the amplitude at a RIS. */
DRT_FN drt_cnum drt_interaction_product(const drt_interactions *in,
                                        DRT_GLOBAL const int *cand,
                                        const drt_vec2 *path,
                                        const drt_tangent *dpath,
                                        const drt_moves *mv,
                                        const drt_wave *wave) {
  drt_cnum a = drt_cnum_one();
  for (int j = 0; j < in->k; j++) {
    DRT_GLOBAL const real *mat = wave->materials + 4 * cand[j];
    if (in->type[j] == DRT_OBJ_RIS) {
      a = drt_cnum_scale(a, drt_num_const(mat[2]));
      continue;
    }
    drt_num c = drt_incidence_cos(in, path, dpath, mv, j);
    drt_cx eta = drt_cx_make(mat[0], mat[1]);
    a = drt_cnum_mul(a, drt_fresnel(c, eta, wave->flags & DRT_WAVE_HORIZONTAL));
  }
  return a;
}

/* The sector element's half-power beamwidth (65 degrees) in radians, its
 * gain at boresight (8 dBi) and its floor (30 dB below). */
#define DRT_SECTOR_WIDTH ((real)1.1344640137963142)
#define DRT_SECTOR_PEAK_DB ((real)8)
#define DRT_SECTOR_FLOOR_DB ((real)30)
#define DRT_DB_TO_FIELD ((real)0.11512925464970229) /* ln 10 / 20 */

/* The transmitter's factor on the path's field, sqrt(G(phi)) times its
 * power's (entry: drt__radio_table's 4 values; NULL: isotropic, 1), with
 * its tangents. phi is the departure angle from the boresight b of the
 * first segment d = P1 - P0, atan2(b x d, b . d), so dphi = (d x dd) /
 * |d|^2 - dturn (a boresight turned by dturn). Sector: G_dB = 8 -
 * min(12 (phi / 65 deg)^2, 30) and sqrt(G) = 10^(G_dB / 20); on the floor
 * the factor is flat. */
DRT_FN drt_num drt_antenna_factor(const drt_vec2 *path,
                                  const drt_tangent *dpath,
                                  const drt_moves *mv,
                                  DRT_GLOBAL const real *entry) {
  if (!entry) return drt_num_const(1);
  drt_num f = drt_num_const(entry[3]);
  if (entry[0] == (real)0) return f;
  drt_vec2 d = drt_sub(path[1], path[0]);
  lreal along = d.x * entry[1] + d.y * entry[2];
  lreal across = entry[1] * d.y - entry[2] * d.x;
  lreal x = atan2(across, along) / DRT_SECTOR_WIDTH;
  lreal loss = (real)12 * x * x;
  lmask floor = loss > DRT_SECTOR_FLOOR_DB;
  loss = drt_sel(floor, DRT_SECTOR_FLOOR_DB, loss);
  f.v = entry[3] * exp((DRT_SECTOR_PEAK_DB - loss) * DRT_DB_TO_FIELD);
  lreal dd2 = drt_dot(d, d);
  dd2 = drt_sel(dd2 == (real)0, 1, dd2);
  for (int i = 0; i < DRT_ND; i++) {
    drt_vec2 dd = drt_sub(dpath[1].d[i], dpath[0].d[i]);
    lreal dphi = (d.x * dd.y - d.y * dd.x) / dd2 - mv->turn[i];
    lreal dloss = (real)24 * x * dphi / DRT_SECTOR_WIDTH;
    f.d[i] = drt_sel(floor, 0, -f.v * DRT_DB_TO_FIELD * dloss);
  }
  return f;
}

/* e^(-j k L) / L with its tangents: d/dL = -(j k + 1 / L) e^(-j k L) / L. */
DRT_FN drt_cnum drt_spherical_phase(drt_num length, real k) {
  lreal l = drt_sel(length.v == (real)0, 1, length.v);
  lreal kl = k * l, co = cos(kl), si = sin(kl);
  drt_cnum r;
  r.re = drt_num_const(co / l);
  r.im = drt_num_const(-si / l);
  for (int i = 0; i < DRT_ND; i++) {
    lreal dl = length.d[i];
    r.re.d[i] = (-k * si - co / l) * dl / l;
    r.im.d[i] = (-k * co + si / l) * dl / l;
  }
  return r;
}

/* What a path adds in a radio program: coherent, its field V a (re, im);
 * incoherent, its power V |a|^2 in re (im 0), a its amplitude
 * (drt_path_amplitude). V = 0 adds exactly 0. */
DRT_FN drt_cnum drt_path_field(drt_num v, drt_cnum field,
                               const drt_wave *wave) {
  drt_cnum out;
  if (wave->flags & DRT_WAVE_COHERENT) {
    out = drt_cnum_scale(field, v);
  } else {
    out.re = drt_num_const(0);
    out.im = drt_num_const(0);
    drt_num p = drt_cnum_norm2(field);
    out.re.v = v.v * p.v;
    for (int i = 0; i < DRT_ND; i++) out.re.d[i] = v.d[i] * p.v + v.v * p.d[i];
  }
  lmask on = v.v > (real)0;
  out.re = drt_num_sel(on, out.re, drt_num_const(0));
  out.im = drt_num_sel(on, out.im, drt_num_const(0));
  return out;
}

#endif
