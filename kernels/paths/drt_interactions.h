/* drt_interactions.h — the objects of one path candidate, loaded once from
 * the scene arrays into private memory, and the path points they imply. */
#ifndef DRT_INTERACTIONS_H
#define DRT_INTERACTIONS_H

#include "base/drt_cl_compat.h"
#include "base/drt_geometry.h"

/* Scene objects live in flat arrays: 4 coordinates (ax, ay, bx, by) each. */
DRT_FN drt_vec2 drt_object_a(DRT_GLOBAL const real *segments, int i) {
  return drt_v2(segments[4 * i], segments[4 * i + 1]);
}
DRT_FN drt_vec2 drt_object_b(DRT_GLOBAL const real *segments, int i) {
  return drt_v2(segments[4 * i + 2], segments[4 * i + 3]);
}

/* Interaction j (0-based) of a candidate: a wall or RIS point a + theta t
 * with unknown theta, or a vertex a (no unknown). */
typedef struct drt_interactions {
  int k;                        /* number of interactions */
  int m;                        /* number of unknowns theta */
  int type[DRT_MAX_ORDER];      /* DRT_OBJ_WALL, _RIS or _VERTEX */
  int unknown[DRT_MAX_ORDER];   /* index into theta, -1 for a vertex */
  drt_vec2 a[DRT_MAX_ORDER];    /* wall start, or the vertex */
  drt_vec2 t[DRT_MAX_ORDER];    /* wall direction b - a (0 for a vertex) */
  drt_vec2 n[DRT_MAX_ORDER];    /* unit normal (docs/method.md §1) */
  real sin_phi[DRT_MAX_ORDER];  /* RIS outgoing angle */
  real cos_phi[DRT_MAX_ORDER];
} drt_interactions;

DRT_FN void drt_load_interactions(DRT_GLOBAL const int *cand, int k,
                                  DRT_GLOBAL const real *segments,
                                  DRT_GLOBAL const int *types,
                                  DRT_GLOBAL const real *phis,
                                  drt_interactions *in) {
  in->k = k;
  in->m = 0;
  for (int j = 0; j < k; j++) {
    int o = cand[j];
    drt_vec2 a = drt_object_a(segments, o), b = drt_object_b(segments, o);
    in->type[j] = types[o];
    in->a[j] = a;
    in->t[j] = drt_sub(b, a);
    in->n[j] = drt_wall_normal(a, b);
    /* Only a RIS has an angle (sin and cos are costly per work-item). */
    int ris = types[o] == DRT_OBJ_RIS;
    in->sin_phi[j] = ris ? sin(phis[o]) : (real)0;
    in->cos_phi[j] = ris ? cos(phis[o]) : (real)1;
    in->unknown[j] = types[o] == DRT_OBJ_VERTEX ? -1 : in->m++;
  }
}

/* path[0..k+1] = tx, the interaction points for theta, rx. */
DRT_FN void drt_points_from_theta(const drt_interactions *in, const real *theta,
                                  drt_vec2 tx, drt_vec2 rx, drt_vec2 *path) {
  path[0] = tx;
  for (int j = 0; j < in->k; j++) {
    int u = in->unknown[j];
    path[j + 1] = u < 0 ? in->a[j] : drt_add(in->a[j], drt_scale(in->t[j], theta[u]));
  }
  path[in->k + 1] = rx;
}

#endif
