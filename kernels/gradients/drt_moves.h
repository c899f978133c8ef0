/* drt_moves.h — the directions a program differentiates along, as moves
 * of the scene: how the endpoints, the path's objects and the object
 * deciding its obstruction move along each of DRT_ND directions. Scene
 * directions are numbered per path: 0, 1 the moving endpoint's x and y;
 * 2, 3 the fixed endpoint's; then DRT_SG_PER_OBJECT for interaction j's
 * object (ax, ay, bx, by, phi); then DRT_SG_BLOCKER for the deciding
 * obstruction object (ax, ay, bx, by). The endpoint-gradient programs
 * take directions 0 and 1 only, and their objects never move. */
#ifndef DRT_MOVES_H
#define DRT_MOVES_H

#include "base/drt_cl_compat.h"
#include "base/drt_geometry.h"
#include "paths/drt_interactions.h"
#include "base/drt_num.h"

#define DRT_SG_ENDPOINTS 4
#define DRT_SG_PER_OBJECT 5
#define DRT_SG_BLOCKER 4

/* Layout of one point's scene-gradient result (drt_contribution.h):
 * power, the moving endpoint's x and y, DRT_SG_PER_OBJECT per object, R,
 * then x and y of each fixed endpoint. */
DRT_FN int drt_scene_stride(int n_objects, int n_fixed) {
  return 4 + DRT_SG_PER_OBJECT * n_objects + 2 * n_fixed;
}

/* Directions of one path of order k: in the radio model one more, the
 * turn of the transmitter's antenna (its azimuth). */
DRT_FN int drt_scene_directions(int k) {
#ifdef DRT_RADIO
  return DRT_SG_ENDPOINTS + DRT_SG_PER_OBJECT * k + DRT_SG_BLOCKER + 1;
#else
  return DRT_SG_ENDPOINTS + DRT_SG_PER_OBJECT * k + DRT_SG_BLOCKER;
#endif
}

/* The radio model's scene-gradient layout: the paper's (whose R slot
 * stays 0), then each fixed endpoint's azimuth, for the field's real
 * part; the same again for its imaginary part. */
DRT_FN int drt_radio_scene_stride(int n_objects, int n_fixed) {
  return drt_scene_stride(n_objects, n_fixed) + n_fixed;
}

/* The moves along the DRT_ND directions of one block: the endpoints; with
 * moving objects also each interaction's object start a, direction
 * t = b - a, unit normal n and RIS angle (as d sin phi, d cos phi), and
 * the deciding obstruction object's ends p3, p4. */
typedef struct drt_moves {
  drt_tangent tx, rx;
  real turn[DRT_ND_SLOTS]; /* the fixed transmitter's boresight turns (the
                              radio model's last scene direction) */
#ifdef DRT_MOVING_OBJECTS
  drt_tangent a[DRT_MAX_ORDER], t[DRT_MAX_ORDER], n[DRT_MAX_ORDER];
  drt_tangent phi[DRT_MAX_ORDER];
  drt_tangent p3, p4;
#endif
} drt_moves;

/* Unit vector along axis c (0: x, 1: y). */
DRT_FN drt_vec2 drt_axis(int c) { return drt_v2(c == 0 ? 1 : 0, c == 1 ? 1 : 0); }

#ifdef DRT_MOVING_OBJECTS
/* dn for a change dt of the direction: n = normalize(m), m = (t_y, -t_x),
 * dn = (I - n n^T) dm / |m|. */
DRT_FN drt_vec2 drt_normal_tangent(drt_vec2 t, drt_vec2 n, drt_vec2 dt) {
  real l = drt_norm(t);
  if (l == (real)0) return drt_v2(0, 0);
  drt_vec2 dm = drt_v2(dt.y, -dt.x);
  return drt_scale(drt_sub(dm, drt_scale(n, drt_dot(n, dm))), (real)1 / l);
}

/* Direction i as a move of interaction j's object (c = its coordinate):
 * a moves a (and t the other way), b moves t, phi turns the RIS angle. A
 * vertex has only a; a wall's angle is no parameter. */
DRT_FN void drt_object_direction(const drt_interactions *in, int j, int c,
                                 int i, drt_moves *mv) {
  int vertex = in->type[j] == DRT_OBJ_VERTEX;
  if (c < 2) {
    mv->a[j].d[i] = drt_axis(c);
    if (!vertex) mv->t[j].d[i] = drt_scale(drt_axis(c), -1);
  } else if (c < 4 && !vertex) {
    mv->t[j].d[i] = drt_axis(c - 2);
  } else if (c == 4 && in->type[j] == DRT_OBJ_RIS) {
    mv->phi[j].d[i] = drt_v2(in->cos_phi[j], -in->sin_phi[j]);
  }
  mv->n[j].d[i] = drt_normal_tangent(in->t[j], in->n[j], mv->t[j].d[i]);
}
#endif

/* The moves of directions first .. first + DRT_ND - 1 (directions past a
 * path's last move nothing); vary_tx says which endpoint is the moving
 * one. */
DRT_FN void drt_moves_fill(const drt_interactions *in, int vary_tx, int first,
                           drt_moves *mv) {
  const drt_vec2 zero = drt_v2(0, 0);
  for (int i = 0; i < DRT_ND; i++) {
    int dir = first + i;
    /* moving endpoint, then the fixed one */
    int on_tx = (dir < 2) == (vary_tx != 0);
    int endpoint = dir < DRT_SG_ENDPOINTS;
    mv->tx.d[i] = endpoint && on_tx ? drt_axis(dir % 2) : zero;
    mv->rx.d[i] = endpoint && !on_tx ? drt_axis(dir % 2) : zero;
    int k = in->k, objects_end = DRT_SG_ENDPOINTS + DRT_SG_PER_OBJECT * k;
    mv->turn[i] = dir == objects_end + DRT_SG_BLOCKER && !vary_tx ? 1 : 0;
#ifdef DRT_MOVING_OBJECTS
    mv->p3.d[i] = mv->p4.d[i] = zero;
    for (int j = 0; j < k; j++)
      mv->a[j].d[i] = mv->t[j].d[i] = mv->n[j].d[i] = mv->phi[j].d[i] = zero;
    if (!endpoint && dir < objects_end) {
      int rel = dir - DRT_SG_ENDPOINTS;
      drt_object_direction(in, rel / DRT_SG_PER_OBJECT, rel % DRT_SG_PER_OBJECT,
                           i, mv);
    } else if (!endpoint && dir < objects_end + DRT_SG_BLOCKER) {
      int c = dir - objects_end;
      if (c < 2) mv->p3.d[i] = drt_axis(c);
      else mv->p4.d[i] = drt_axis(c - 2);
    }
#endif
  }
}

/* theta of interaction j's point (0 for a vertex). */
DRT_FN lreal drt_point_theta(const drt_interactions *in, const drt_vec2 *path,
                             int j) {
  if (in->unknown[j] < 0) return 0;
  drt_vec2 t = in->t[j];
  return drt_dot(t, drt_sub(path[j + 1], in->a[j])) / drt_dot(t, t);
}

/* How the path points move with the scene while every theta is held: the
 * endpoints with their moves, a + theta t by da + theta dt, a vertex by
 * da; without moving objects the interaction points stay. */
DRT_FN void drt_explicit_moves(const drt_interactions *in, const drt_vec2 *path,
                               const drt_moves *mv, drt_tangent *w) {
  w[0] = mv->tx;
  w[in->k + 1] = mv->rx;
  for (int j = 0; j < in->k; j++) {
#ifdef DRT_MOVING_OBJECTS
    lreal theta = drt_point_theta(in, path, j);
    for (int i = 0; i < DRT_ND; i++)
      w[j + 1].d[i] = drt_add(mv->a[j].d[i], drt_scale(mv->t[j].d[i], theta));
#else
    for (int i = 0; i < DRT_ND; i++) w[j + 1].d[i] = drt_v2(0, 0);
#endif
  }
}

#endif
