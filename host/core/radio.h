/* radio.h — what the host computes for the radio model (docs/method.md
 * §14): physical constants, each object's permittivity at the carrier,
 * the constant factor of every path and the options' checks. */
#ifndef DRT_HOST_RADIO_H
#define DRT_HOST_RADIO_H

#include "drt2d.h"

#define DRT__PI 3.14159265358979323846
#define DRT__LIGHT_SPEED 299792458.0 /* m/s */
#define DRT__EPS0 8.8541878128e-12   /* F/m */

/* 2 pi / lambda in 1/m. */
double drt__wavenumber(const drt_trace_options *opt);
/* P_tx (lambda / (4 pi))^2 in watts (P_tx = 1 W for the path gain): the factor of |field|^2 and of the
 * incoherent sum the kernels return. */
double drt__radio_scale(const drt_trace_options *opt);
/* The radio kernels' table (drt_radio.h): per object 4 values, eta (re,
 * im) at the carrier, a RIS's amplitude, 0; then, in receiver maps and
 * point queries, per transmitter 4: 1 for a sector antenna, the cosine and
 * sine of its azimuth, its field's factor sqrt(P_tx / options' P_tx).
 * out holds drt__radio_table_size values. Fails on a material out of its
 * range, naming the object. */
size_t drt__radio_table_size(const drt_scene *scene,
                             const drt_trace_options *opt);
drt_status drt__radio_table(const drt_scene *scene,
                            const drt_trace_options *opt, double *out);
/* A radio program's results at n points (2 components values each: the
 * real parts of the value and its derivatives, then the imaginary parts)
 * as watts and W/m into power (components each): coherent P = C |F|^2,
 * dP = 2 C (re dre + im dim); incoherent P = C re, dP = C dre, with C
 * drt__radio_scale. */
void drt__radio_powers(const drt_trace_options *opt, size_t components,
                       const double *fields, size_t n, double *power);
/* The radio options' own checks (frequency, power, enums, materials,
 * what the model does not do yet). */
drt_status drt__radio_check(const drt_trace_options *opt,
                            const drt_scene *scene);

#endif
