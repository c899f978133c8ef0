/* colormap.c — a perceptually uniform sequential colour map built in CIELAB. */
#include "colormap.h"

#include <math.h>

/* The map is a path through CIELAB: L* rises linearly from 18 to 93 while
 * (a*, b*) follows a cubic Bezier curve from blue-violet (C* 42, h 305 deg)
 * past a low-chroma teal, through green, to a light yellow (C* 76, h 99 deg).
 * The curve is walked at constant arc length, so equal steps in t are equal
 * steps in CIE76 colour difference. The control points were chosen so the
 * whole path stays inside the sRGB gamut with a margin of about 4 units of
 * chroma where it is tightest (the dark teal, L* near 40). */
#define LIGHTNESS_START 18.0
#define LIGHTNESS_END 93.0
static const double CURVE[4][2] = {
    {24.0, -34.4}, /* blue-violet */
    {10.0, -42.0}, /* keeps the hue in the blues while the map is dark */
    {-75.0, 10.0}, /* pulls the path out through teal and green */
    {-12.0, 75.0}, /* light yellow */
};
/* Straight pieces used to measure the curve's arc length. */
#define CURVE_PIECES 128

/* D65 reference white in CIE XYZ (Y normalised to 1). */
#define WHITE_X 0.95047
#define WHITE_Z 1.08883

static void bezier_point(double u, double ab[2]) {
  double v = 1.0 - u;
  double w[4] = {v * v * v, 3.0 * u * v * v, 3.0 * u * u * v, u * u * u};
  for (int k = 0; k < 2; k++)
    ab[k] = w[0] * CURVE[0][k] + w[1] * CURVE[1][k] + w[2] * CURVE[2][k] +
            w[3] * CURVE[3][k];
}

/* (a*, b*) at fraction t of the curve's arc length. */
static void curve_at_arc_fraction(double t, double ab[2]) {
  double points[CURVE_PIECES + 1][2];
  double length[CURVE_PIECES + 1];
  length[0] = 0.0;
  bezier_point(0.0, points[0]);
  for (int i = 1; i <= CURVE_PIECES; i++) {
    bezier_point((double)i / CURVE_PIECES, points[i]);
    length[i] = length[i - 1] + hypot(points[i][0] - points[i - 1][0],
                                      points[i][1] - points[i - 1][1]);
  }
  double target = t * length[CURVE_PIECES];
  int i = 1;
  while (i < CURVE_PIECES && length[i] < target) i++;
  double piece = length[i] - length[i - 1];
  double f = piece > 0.0 ? (target - length[i - 1]) / piece : 0.0;
  for (int k = 0; k < 2; k++)
    ab[k] = points[i - 1][k] + f * (points[i][k] - points[i - 1][k]);
}

/* Inverse of the CIELAB companding function f. */
static double lab_f_inverse(double f) {
  const double delta = 6.0 / 29.0;
  if (f > delta) return f * f * f;
  return 3.0 * delta * delta * (f - 4.0 / 29.0);
}

static void lab_to_linear_srgb(double l, double a, double b, double rgb[3]) {
  double fy = (l + 16.0) / 116.0;
  double x = WHITE_X * lab_f_inverse(fy + a / 500.0);
  double y = lab_f_inverse(fy);
  double z = WHITE_Z * lab_f_inverse(fy - b / 200.0);
  /* XYZ (D65) to linear sRGB, IEC 61966-2-1. */
  rgb[0] = 3.2406 * x - 1.5372 * y - 0.4986 * z;
  rgb[1] = -0.9689 * x + 1.8758 * y + 0.0415 * z;
  rgb[2] = 0.0557 * x - 0.2040 * y + 1.0570 * z;
}

/* Linear light to the sRGB transfer curve, in 8-bit code units (unrounded). */
static double srgb_encode(double linear) {
  if (!(linear > 0.0)) return 0.0;
  if (linear >= 1.0) return 255.0;
  double v = linear <= 0.0031308 ? 12.92 * linear
                                 : 1.055 * pow(linear, 1.0 / 2.4) - 0.055;
  return 255.0 * v;
}

static double srgb_decode(int code) {
  double v = code / 255.0;
  return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

/* CIE L* of linear sRGB light. */
static double lightness_of(const double linear[3]) {
  double y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  const double delta = 6.0 / 29.0;
  double f = y > delta * delta * delta ? cbrt(y)
                                       : y / (3.0 * delta * delta) + 4.0 / 29.0;
  return 116.0 * f - 16.0;
}

/* Of the 8 ways to round the channels down or up, the nearest to the exact
 * colour among those within LIGHTNESS_TOLERANCE of its L*; plain rounding
 * errs by up to 0.2 in L*, which can break the rise of L* between
 * neighbouring entries of a 256-colour table (0.29 apart). */
#define LIGHTNESS_TOLERANCE 0.1
static void quantise(const double linear[3], uint8_t rgb[3]) {
  double target = lightness_of(linear);
  double exact[3];
  int floor_code[3];
  for (int k = 0; k < 3; k++) {
    exact[k] = srgb_encode(linear[k]);
    floor_code[k] = (int)floor(exact[k]);
    if (floor_code[k] > 254) floor_code[k] = 254;
  }
  double best = INFINITY;
  for (int choice = 0; choice < 8; choice++) {
    int code[3];
    double decoded[3], distance = 0.0;
    for (int k = 0; k < 3; k++) {
      code[k] = floor_code[k] + ((choice >> k) & 1);
      decoded[k] = srgb_decode(code[k]);
      distance += (code[k] - exact[k]) * (code[k] - exact[k]);
    }
    double l_error = fabs(lightness_of(decoded) - target);
    /* Candidates off in L* rank after all others, by that error. */
    double cost = l_error <= LIGHTNESS_TOLERANCE ? distance : 1e6 * l_error;
    if (cost < best) {
      best = cost;
      for (int k = 0; k < 3; k++) rgb[k] = (uint8_t)code[k];
    }
  }
}

void drt__colormap(double t, uint8_t rgb[3]) {
  if (!(t > 0.0)) t = 0.0; /* also catches NaN */
  if (t > 1.0) t = 1.0;
  double ab[2], linear[3];
  curve_at_arc_fraction(t, ab);
  double lightness = LIGHTNESS_START + (LIGHTNESS_END - LIGHTNESS_START) * t;
  lab_to_linear_srgb(lightness, ab[0], ab[1], linear);
  quantise(linear, rgb);
}
