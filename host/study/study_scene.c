/* study_scene.c — the options of a convergence study and the draw of each
 * trial (room, interior walls, receivers, start) from its own stream. */
#include <math.h>
#include <string.h>

#include "drt2d.h"
#include "base/drt_random.h"
#include "error.h"
#include "rng.h"
#include "study_internal.h"

void drt_study_options_init(drt_study_options *o) {
  memset(o, 0, sizeof *o);
  o->trials = 100;
  o->receivers[0] = 2;
  o->receivers[1] = 3;
  o->receivers[2] = 4;
  o->n_counts = 3;
  o->walls = 2;
  o->order = 0;
  o->steps = 100;
  o->lr = 0.01;
  o->alpha_start = 1;
  o->alpha_end = 100;
  o->smoothing = DRT_SMOOTHING_HARD_SIGMOID;
  o->tolerance_db = 1;
  o->grid = 101;
  o->refine_starts = 3;
}

static drt_status bad(const char *what) {
  return drt__fail(DRT_EINVAL, "study options: %s", what);
}

drt_status drt_study_options_check(const drt_study_options *o) {
  drt__clear_error();
  if (o->trials < 1 || o->trials > 10000000) return bad("trials must be 1..10^7");
  if (o->n_counts < 1 || o->n_counts > DRT_STUDY_MAX_COUNTS)
    return bad("give 1 to 8 receiver counts");
  for (int i = 0; i < o->n_counts; i++)
    if (o->receivers[i] < 1 || o->receivers[i] > DRT_STUDY_MAX_RECEIVERS)
      return bad("receiver counts must be 1..16");
  if (o->walls < 0 || o->walls > DRT__STUDY_MAX_WALLS)
    return bad("interior walls must be 0..64");
  if (o->order < 0 || o->order > 3) return bad("order must be 0..3");
  if (o->steps < 1 || o->steps > 100000) return bad("steps must be 1..100000");
  if (!(o->lr > 0) || !isfinite(o->lr)) return bad("lr must be finite and > 0");
  if (!(o->alpha_start > 0) || !(o->alpha_end > 0) || !isfinite(o->alpha_start) ||
      !isfinite(o->alpha_end))
    return bad("alpha-start and alpha-end must be finite and > 0");
  if (o->smoothing != DRT_SMOOTHING_SIGMOID &&
      o->smoothing != DRT_SMOOTHING_HARD_SIGMOID)
    return bad("the smoothed arm needs sigmoid or hard-sigmoid");
  if (!(o->tolerance_db >= 0) || !isfinite(o->tolerance_db))
    return bad("tolerance-db must be finite and >= 0");
  if (o->grid < 3 || o->grid > 501) return bad("grid must be 3..501");
  if (o->refine_starts < 1 || o->refine_starts > 16)
    return bad("refine-starts must be 1..16");
  if (o->batch < 0) return bad("batch must be >= 0");
  return DRT_OK;
}

size_t drt_study_trial_count(const drt_study_options *o) {
  return (size_t)o->n_counts * (size_t)o->trials;
}

/* A trial's stream depends on the seed, its receiver count and its number
 * only: not on the batch size, the trial count or the other counts. */
static void trial_stream(const drt_study_options *o, int receivers, int index,
                         drt__rng *rng) {
  drt_u64 key = drt_mix64(o->seed + (drt_u64)0x9e3779b97f4a7c15ULL);
  key = drt_mix64(key ^ ((drt_u64)receivers << 32 | (drt_u64)(uint32_t)index));
  drt__rng_seed(rng, key);
}

static double uniform(drt__rng *rng, double lo, double hi) {
  return lo + (hi - lo) * drt__rng_uniform(rng);
}

/* An interior wall: centre uniform in [0.2, 0.8]^2, direction uniform,
 * length uniform in [0.15, 0.35], so it stays inside the room. */
static void draw_wall(drt__rng *rng, double w[4]) {
  const double pi = 3.14159265358979323846;
  double cx = uniform(rng, 0.2, 0.8), cy = uniform(rng, 0.2, 0.8);
  double angle = uniform(rng, 0, pi), half = 0.5 * uniform(rng, 0.15, 0.35);
  w[0] = cx - half * cos(angle);
  w[1] = cy - half * sin(angle);
  w[2] = cx + half * cos(angle);
  w[3] = cy + half * sin(angle);
}

void drt__study_draw_trial(const drt_study_options *o, size_t trial,
                           drt__study_draw *d) {
  static const double room[4][4] = {
      {0, 0, 1, 0}, {1, 0, 1, 1}, {1, 1, 0, 1}, {0, 1, 0, 0}};
  memset(d, 0, sizeof *d);
  d->receivers = o->receivers[trial / (size_t)o->trials];
  d->index = (int)(trial % (size_t)o->trials);
  drt__rng rng;
  trial_stream(o, d->receivers, d->index, &rng);
  memcpy(d->walls, room, sizeof room);
  d->n_walls = DRT__STUDY_ROOM_WALLS + o->walls;
  for (int i = DRT__STUDY_ROOM_WALLS; i < d->n_walls; i++)
    draw_wall(&rng, d->walls[i]);
  for (int r = 0; r < d->receivers; r++) {
    d->rx[r][0] = uniform(&rng, 0.05, 0.95);
    d->rx[r][1] = uniform(&rng, 0.05, 0.95);
  }
  d->start[0] = uniform(&rng, 0.05, 0.95);
  d->start[1] = uniform(&rng, 0.05, 0.95);
}

drt_status drt_study_trial_scene(const drt_study_options *o, size_t trial,
                                 drt_scene **out) {
  drt__clear_error();
  *out = NULL;
  drt_status status = drt_study_options_check(o);
  if (status) return status;
  if (trial >= drt_study_trial_count(o))
    return drt__fail(DRT_EINVAL, "study trial %zu: there are %zu", trial,
                     drt_study_trial_count(o));
  drt__study_draw d;
  drt__study_draw_trial(o, trial, &d);
  drt_scene *scene;
  status = drt_scene_create(&scene);
  for (int i = 0; i < d.n_walls && !status; i++)
    status = drt_scene_add_wall(scene, d.walls[i][0], d.walls[i][1],
                                d.walls[i][2], d.walls[i][3]);
  for (int r = 0; r < d.receivers && !status; r++)
    status = drt_scene_add_rx(scene, NULL, d.rx[r][0], d.rx[r][1]);
  if (!status) status = drt_scene_add_tx(scene, NULL, d.start[0], d.start[1]);
  if (status) {
    drt_scene_destroy(scene);
    return status;
  }
  *out = scene;
  return DRT_OK;
}
