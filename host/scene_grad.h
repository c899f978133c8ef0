/* scene_grad.h — derivatives of received power by every scene parameter
 * at a few points, on a device or the ref evaluator, in the kernels'
 * layout (drt_scene_stride of kernels/drt_scene_gradient.h). */
#ifndef DRT_HOST_SCENE_GRAD_H
#define DRT_HOST_SCENE_GRAD_H

#include <stddef.h>

#include "drt2d.h"

/* Values a point of the kernels' layout: power, d/d(moving x, y), 5 an
 * object (ax, ay, bx, by, phi), R, then x, y of each fixed endpoint. */
size_t drt__scene_grad_stride(const drt_scene *scene,
                              const drt_trace_options *options);

/* n points xy into out (n strides, zeroed first); adds the solver
 * iterations to *iterations. Options are checked by the caller. */
drt_status drt__scene_grad_device(drt_context *context, const drt_scene *scene,
                                  const drt_trace_options *options,
                                  const double *xy, size_t n, double *out,
                                  double *iterations);
/* The same on the serial ref evaluator: its path points, the kernels'
 * derivative formulas (compiled as C). */
drt_status drt__scene_grad_ref(const drt_scene *scene,
                               const drt_trace_options *options,
                               const double *xy, size_t n, double *out,
                               double *iterations);

#endif
