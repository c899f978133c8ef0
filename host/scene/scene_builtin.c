/* scene_builtin.c — the built-in scenes of docs/method.md §1 and seeded
 * random scenes. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "drt2d.h"
#include "error.h"
#include "rng.h"

/* Walls along a closed polyline x[0],y[0] -> ... -> x[n-1],y[n-1] -> x[0],y[0]. */
static drt_status add_closed_polyline(drt_scene *scene, const double *x,
                                      const double *y, int n) {
  for (int i = 0; i < n; i++) {
    int j = (i + 1) % n;
    drt_status status = drt_scene_add_wall(scene, x[i], y[i], x[j], y[j]);
    if (status) return status;
  }
  return DRT_OK;
}

static drt_status add_square(drt_scene *scene, double x0, double y0, double x1,
                             double y1) {
  const double x[4] = {x0, x1, x1, x0};
  const double y[4] = {y0, y0, y1, y1};
  return add_closed_polyline(scene, x, y, 4);
}

static drt_status add_endpoints(drt_scene *scene, double tx, double ty,
                                double rx, double ry) {
  drt_status status = drt_scene_add_tx(scene, NULL, tx, ty);
  return status ? status : drt_scene_add_rx(scene, NULL, rx, ry);
}

static drt_status build_square(drt_scene *scene) {
  drt_status status = add_square(scene, 0, 0, 1, 1);
  return status ? status : add_endpoints(scene, 0.2, 0.2, 0.5, 0.6);
}

static drt_status build_square_wall(drt_scene *scene) {
  drt_status status = add_square(scene, 0, 0, 1, 1);
  if (!status) status = drt_scene_add_wall(scene, 0.5, 0.2, 0.5, 0.8);
  return status ? status : add_endpoints(scene, 0.2, 0.5, 0.8, 0.5);
}

static drt_status build_square_obstacle(drt_scene *scene) {
  drt_status status = add_square(scene, 0, 0, 1, 1);
  if (!status) status = add_square(scene, 0.45, 0.45, 0.55, 0.55);
  return status ? status : add_endpoints(scene, 0.2, 0.2, 0.5, 0.6);
}

static drt_status build_basic(drt_scene *scene) {
  static const double walls[3][4] = {
      {0.4, 0.0, 0.4, 0.4}, {0.4, 0.4, 0.3, 0.4}, {0.1, 0.4, 0.0, 0.4}};
  drt_status status = add_square(scene, 0, 0, 1, 1);
  for (int i = 0; i < 3 && !status; i++)
    status = drt_scene_add_wall(scene, walls[i][0], walls[i][1], walls[i][2],
                                walls[i][3]);
  return status ? status : add_endpoints(scene, 0.1, 0.1, 0.302, 0.2147);
}

/* n walls with endpoints uniform in [0,1]^2, then tx and rx uniform in
 * [0,1]^2, all from one generator seeded with `seed`. A draw that gives a
 * zero-length wall (probability 2^-106) is drawn again. */
static drt_status build_random(drt_scene *scene, uint64_t seed, long n) {
  drt__rng rng;
  drt__rng_seed(&rng, seed);
  for (long i = 0; i < n; i++) {
    double c[4];
    do {
      for (int j = 0; j < 4; j++) c[j] = drt__rng_uniform(&rng);
    } while (c[0] == c[2] && c[1] == c[3]);
    drt_status status = drt_scene_add_wall(scene, c[0], c[1], c[2], c[3]);
    if (status) return status;
  }
  double p[4];
  for (int j = 0; j < 4; j++) p[j] = drt__rng_uniform(&rng);
  return add_endpoints(scene, p[0], p[1], p[2], p[3]);
}

/* Parses "SEED:NWALLS" (both non-negative decimal integers). */
static drt_status parse_random_spec(const char *spec, uint64_t *seed,
                                    long *n) {
  const char *usage = "random scene must be random:SEED:NWALLS with "
                      "non-negative integers (e.g. random:1:10)";
  char *end;
  if (*spec < '0' || *spec > '9')
    return drt__fail(DRT_EINVAL, "\"random:%s\": %s", spec, usage);
  errno = 0;
  unsigned long long s = strtoull(spec, &end, 10);
  if (errno || *end != ':' || end[1] < '0' || end[1] > '9')
    return drt__fail(DRT_EINVAL, "\"random:%s\": %s", spec, usage);
  const char *count = end + 1;
  long walls = strtol(count, &end, 10);
  if (errno || *end != '\0' || walls > 100000)
    return drt__fail(DRT_EINVAL, "\"random:%s\": %s (at most 100000 walls)",
                     spec, usage);
  *seed = (uint64_t)s;
  *n = walls;
  return DRT_OK;
}

typedef drt_status (*scene_builder)(drt_scene *);

static scene_builder find_builder(const char *name) {
  static const struct {
    const char *name;
    scene_builder build;
  } table[] = {{"square", build_square},
               {"square-wall", build_square_wall},
               {"square-obstacle", build_square_obstacle},
               {"basic", build_basic}};
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcmp(name, table[i].name) == 0) return table[i].build;
  return NULL;
}

drt_status drt_scene_builtin(const char *name, drt_scene **out) {
  drt__clear_error();
  *out = NULL;
  uint64_t seed = 0;
  long n = 0;
  scene_builder build = find_builder(name);
  int is_random = strncmp(name, "random:", 7) == 0;
  if (!build && !is_random)
    return drt__fail(DRT_EINVAL,
                     "unknown scene \"%s\" (built-ins: square, square-wall, "
                     "square-obstacle, basic, random:SEED:NWALLS)",
                     name);
  if (is_random) {
    drt_status status = parse_random_spec(name + 7, &seed, &n);
    if (status) return status;
  }
  drt_scene *scene;
  drt_status status = drt_scene_create(&scene);
  if (status) return status;
  status = is_random ? build_random(scene, seed, n) : build(scene);
  if (status) {
    drt_scene_destroy(scene);
    return status;
  }
  *out = scene;
  return DRT_OK;
}
