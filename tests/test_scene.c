/* test_scene.c — the scene model and the built-in scenes of
 * docs/method.md §1. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "testutil.h"

typedef struct {
  double ax, ay, bx, by;
} seg;

/* The unit room: (0,0)->(1,0)->(1,1)->(0,1)->(0,0), in that order. */
static const seg room[4] = {{0, 0, 1, 0}, {1, 0, 1, 1}, {1, 1, 0, 1}, {0, 1, 0, 0}};

static void assert_walls(const drt_scene *scene, const seg *walls, size_t n) {
  ck_assert_uint_eq(drt_scene_object_count(scene), n);
  for (size_t i = 0; i < n; i++) {
    const drt_object *o = drt_scene_object(scene, i);
    ck_assert_int_eq(o->type, DRT_OBJECT_WALL);
    ck_assert_msg(o->ax == walls[i].ax && o->ay == walls[i].ay &&
                      o->bx == walls[i].bx && o->by == walls[i].by,
                  "wall %zu is (%g,%g)->(%g,%g)", i, o->ax, o->ay, o->bx, o->by);
  }
}

static void assert_endpoints(const drt_scene *scene, double tx, double ty,
                             double rx, double ry) {
  ck_assert_uint_eq(drt_scene_tx_count(scene), 1);
  ck_assert_uint_eq(drt_scene_rx_count(scene), 1);
  ck_assert(drt_scene_tx(scene, 0)->x == tx && drt_scene_tx(scene, 0)->y == ty);
  ck_assert(drt_scene_rx(scene, 0)->x == rx && drt_scene_rx(scene, 0)->y == ry);
}

START_TEST(builtin_square) {
  drt_scene *s;
  DRT_CHECK_OK(drt_scene_builtin("square", &s));
  assert_walls(s, room, 4);
  assert_endpoints(s, 0.2, 0.2, 0.5, 0.6);
  drt_scene_destroy(s);
}
END_TEST

START_TEST(builtin_square_wall) {
  seg walls[5];
  memcpy(walls, room, sizeof room);
  walls[4] = (seg){0.5, 0.2, 0.5, 0.8};
  drt_scene *s;
  DRT_CHECK_OK(drt_scene_builtin("square-wall", &s));
  assert_walls(s, walls, 5);
  assert_endpoints(s, 0.2, 0.5, 0.8, 0.5);
  drt_scene_destroy(s);
}
END_TEST

START_TEST(builtin_square_obstacle) {
  seg walls[8];
  memcpy(walls, room, sizeof room);
  walls[4] = (seg){0.45, 0.45, 0.55, 0.45};
  walls[5] = (seg){0.55, 0.45, 0.55, 0.55};
  walls[6] = (seg){0.55, 0.55, 0.45, 0.55};
  walls[7] = (seg){0.45, 0.55, 0.45, 0.45};
  drt_scene *s;
  DRT_CHECK_OK(drt_scene_builtin("square-obstacle", &s));
  assert_walls(s, walls, 8);
  assert_endpoints(s, 0.2, 0.2, 0.5, 0.6);
  drt_scene_destroy(s);
}
END_TEST

START_TEST(builtin_basic) {
  seg walls[7];
  memcpy(walls, room, sizeof room);
  walls[4] = (seg){0.4, 0, 0.4, 0.4};
  walls[5] = (seg){0.4, 0.4, 0.3, 0.4};
  walls[6] = (seg){0.1, 0.4, 0, 0.4};
  drt_scene *s;
  DRT_CHECK_OK(drt_scene_builtin("basic", &s));
  assert_walls(s, walls, 7);
  assert_endpoints(s, 0.1, 0.1, 0.302, 0.2147);
  double box[4];
  DRT_CHECK_OK(drt_scene_bbox(s, box));
  ck_assert(box[0] == 0 && box[1] == 0 && box[2] == 1 && box[3] == 1);
  drt_scene_destroy(s);
}
END_TEST

static int same_object(const drt_object *a, const drt_object *b) {
  return a->type == b->type && a->ax == b->ax && a->ay == b->ay &&
         a->bx == b->bx && a->by == b->by && a->phi == b->phi;
}

START_TEST(random_scenes_are_reproducible_and_in_unit_square) {
  drt_scene *a, *b, *c;
  DRT_CHECK_OK(drt_scene_builtin("random:42:20", &a));
  DRT_CHECK_OK(drt_scene_builtin("random:42:20", &b));
  DRT_CHECK_OK(drt_scene_builtin("random:43:20", &c));
  ck_assert_uint_eq(drt_scene_object_count(a), 20);
  int differs = 0;
  for (size_t i = 0; i < 20; i++) {
    const drt_object *oa = drt_scene_object(a, i), *ob = drt_scene_object(b, i);
    const drt_object *oc = drt_scene_object(c, i);
    ck_assert(same_object(oa, ob));
    differs |= !same_object(oa, oc);
    const double v[4] = {oa->ax, oa->ay, oa->bx, oa->by};
    for (int j = 0; j < 4; j++) ck_assert(v[j] >= 0 && v[j] < 1);
  }
  ck_assert(differs);
  ck_assert_uint_eq(drt_scene_tx_count(a), 1);
  ck_assert_uint_eq(drt_scene_rx_count(a), 1);
  drt_scene_destroy(a);
  drt_scene_destroy(b);
  drt_scene_destroy(c);
}
END_TEST

START_TEST(bad_builtin_names_are_errors) {
  const char *bad[] = {"squares", "random", "random:1", "random:x:3",
                       "random:1:", "random:1:-2", "random:-1:3", "random:1:3:4",
                       "random:1:1000001"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    drt_scene *s = (drt_scene *)1;
    ck_assert_int_eq(drt_scene_builtin(bad[i], &s), DRT_EINVAL);
    ck_assert_ptr_null(s);
    ck_assert_ptr_nonnull(strstr(drt_last_error(), bad[i] + (i > 1 ? 7 : 0)));
  }
}
END_TEST

START_TEST(model_validates_objects_and_points) {
  drt_scene *s;
  DRT_CHECK_OK(drt_scene_create(&s));
  ck_assert_int_eq(drt_scene_add_wall(s, 0.5, 0.5, 0.5, 0.5), DRT_EINVAL);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), "zero length"));
  ck_assert_int_eq(drt_scene_add_wall(s, NAN, 0, 1, 1), DRT_EINVAL);
  ck_assert_int_eq(drt_scene_add_tx(s, NULL, INFINITY, 0), DRT_EINVAL);
  ck_assert_uint_eq(drt_scene_object_count(s), 0);
  double box[4];
  ck_assert_int_eq(drt_scene_bbox(s, box), DRT_EINVAL);
  DRT_CHECK_OK(drt_scene_add_tx(s, NULL, 2, -1));
  DRT_CHECK_OK(drt_scene_add_tx(s, "alpha", -3, 4));
  ck_assert_str_eq(drt_scene_tx(s, 0)->name, "tx0");
  ck_assert_str_eq(drt_scene_tx(s, 1)->name, "alpha");
  DRT_CHECK_OK(drt_scene_bbox(s, box));
  ck_assert(box[0] == -3 && box[1] == -1 && box[2] == 2 && box[3] == 4);
  drt_scene_clear_tx(s);
  ck_assert_uint_eq(drt_scene_tx_count(s), 0);
  drt_scene_destroy(s);
  drt_scene_destroy(NULL);
}
END_TEST

START_TEST(status_texts) {
  ck_assert_str_eq(drt_status_name(DRT_EINVAL), "DRT_EINVAL");
  ck_assert_str_eq(drt_strerror(DRT_OK), "success");
  ck_assert_str_eq(drt_status_name((drt_status)-999), "DRT_UNKNOWN");
}
END_TEST

START_TEST(version_matches_header) {
  char expected[32];
  snprintf(expected, sizeof expected, "%d.%d.%d", DRT_VERSION_MAJOR,
           DRT_VERSION_MINOR, DRT_VERSION_PATCH);
  ck_assert_str_eq(drt_version(), expected);
  ck_assert_int_eq(drt_version_number(), DRT_VERSION_NUMBER);
}
END_TEST

START_TEST(last_error_is_cleared_by_a_successful_call) {
  drt_scene *s = NULL;
  ck_assert_int_eq(drt_scene_builtin("no-such-scene", &s), DRT_EINVAL);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), "no-such-scene"));
  DRT_CHECK_OK(drt_scene_builtin("square", &s));
  ck_assert_str_eq(drt_last_error(), "");
  /* Another function's success clears it too. */
  ck_assert_int_eq(drt_scene_add_wall(s, 0, 0, 0, 0), DRT_EINVAL);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), "zero length"));
  drt_trace_options o;
  drt_trace_options_init(&o);
  DRT_CHECK_OK(drt_trace_options_check(&o, s));
  ck_assert_str_eq(drt_last_error(), "");
  /* Functions that return no status leave it as it is. */
  drt_optimize_options opt;
  drt_optimize_options_init(&opt);
  opt.steps = 0;
  ck_assert_int_eq(drt_optimize_options_check(&opt), DRT_EINVAL);
  ck_assert_uint_eq(drt_scene_object_count(s), 4);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), "steps"));
  drt_study_options study;
  drt_study_options_init(&study);
  DRT_CHECK_OK(drt_study_options_check(&study));
  ck_assert_str_eq(drt_last_error(), "");
  /* Creating a context: the ref device needs double precision. */
  drt_context_options co;
  drt_context_options_init(&co);
  co.device = DRT_DEVICE_REF;
  drt_context *ctx = NULL;
  ck_assert_int_eq(drt_context_create(&co, &ctx), DRT_EINVAL);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), "double"));
  co.precision = DRT_PRECISION_DOUBLE;
  DRT_CHECK_OK(drt_context_create(&co, &ctx));
  ck_assert_str_eq(drt_last_error(), "");
  drt_context_destroy(ctx);
  /* Describing the devices, after a refusal of an empty buffer. */
  char listing[4096];
  ck_assert_int_eq(drt_devices_describe(listing, 0), DRT_EINVAL);
  ck_assert_ptr_nonnull(strstr(drt_last_error(), "buffer"));
  DRT_CHECK_OK(drt_devices_describe(listing, sizeof listing));
  ck_assert_str_eq(drt_last_error(), "");
  drt_scene_destroy(s);
}
END_TEST

START_TEST(grid_point_count) {
  drt_grid g = {.nx = 3, .ny = 5, .bbox = {0, 0, 1, 1}};
  ck_assert_uint_eq(drt_grid_point_count(&g), 15);
  g.nx = 0;
  ck_assert_uint_eq(drt_grid_point_count(&g), 0);
  g.nx = 46341, g.ny = 46341; /* the product overflows an int */
  ck_assert_uint_eq(drt_grid_point_count(&g), (size_t)46341 * 46341);
}
END_TEST

START_TEST(param_names_fit_their_buffer) {
  drt_scene *s;
  DRT_CHECK_OK(drt_scene_create(&s));
  char longest[sizeof((drt_point *)0)->name];
  memset(longest, 'n', sizeof longest - 1);
  longest[sizeof longest - 1] = '\0';
  DRT_CHECK_OK(drt_scene_add_wall(s, 0, 0, 1, 0));
  DRT_CHECK_OK(drt_scene_add_tx(s, longest, 0.5, 0.5));
  drt_trace_options o;
  drt_trace_options_init(&o);
  size_t count = drt_scene_param_count(s, &o);
  ck_assert_uint_eq(count, 4 + 2 + 1);
  char name[DRT_PARAM_NAME_SIZE];
  DRT_CHECK_OK(drt_scene_param_name(s, &o, 4, name, sizeof name));
  ck_assert_uint_eq(strlen(name), 2 + strlen(longest) + 2);
  ck_assert_int_eq(drt_scene_param_name(s, &o, count, name, sizeof name),
                   DRT_EINVAL);
  drt_scene_destroy(s);
}
END_TEST

/* Points added at once equal the same points added one by one, and a
 * non-finite one leaves the scene as it was. */
START_TEST(endpoints_added_at_once) {
  drt_scene *a = NULL, *b = NULL;
  DRT_CHECK_OK(drt_scene_create(&a));
  DRT_CHECK_OK(drt_scene_create(&b));
  const double xy[6] = {0.5, 0.25, -1.0, 2.0, 3.0, -4.5};
  DRT_CHECK_OK(drt_scene_add_rx(a, "kept", 9.0, 9.0));
  DRT_CHECK_OK(drt_scene_add_rx(b, "kept", 9.0, 9.0));
  DRT_CHECK_OK(drt_scene_add_rx_points(a, xy, 3));
  for (int i = 0; i < 3; i++)
    DRT_CHECK_OK(drt_scene_add_rx(b, NULL, xy[2 * i], xy[2 * i + 1]));
  DRT_CHECK_OK(drt_scene_add_tx_points(a, xy, 1));
  ck_assert_uint_eq(drt_scene_rx_count(a), 4);
  for (size_t i = 0; i < 4; i++) {
    const drt_point *p = drt_scene_rx(a, i), *q = drt_scene_rx(b, i);
    ck_assert_str_eq(p->name, q->name);
    ck_assert(p->x == q->x && p->y == q->y);
  }
  ck_assert_str_eq(drt_scene_tx(a, 0)->name, "tx0");
  const double bad[4] = {0.1, 0.2, NAN, 0.0};
  ck_assert_int_eq(drt_scene_add_rx_points(a, bad, 2), DRT_EINVAL);
  ck_assert_uint_eq(drt_scene_rx_count(a), 4);
  drt_scene_destroy(a);
  drt_scene_destroy(b);
}
END_TEST

static Suite *scene_suite(void) {
  Suite *s = suite_create("scene");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, builtin_square);
  tcase_add_test(tc, endpoints_added_at_once);
  tcase_add_test(tc, builtin_square_wall);
  tcase_add_test(tc, builtin_square_obstacle);
  tcase_add_test(tc, builtin_basic);
  tcase_add_test(tc, random_scenes_are_reproducible_and_in_unit_square);
  tcase_add_test(tc, bad_builtin_names_are_errors);
  tcase_add_test(tc, model_validates_objects_and_points);
  tcase_add_test(tc, status_texts);
  tcase_add_test(tc, version_matches_header);
  tcase_add_test(tc, last_error_is_cleared_by_a_successful_call);
  tcase_add_test(tc, grid_point_count);
  tcase_add_test(tc, param_names_fit_their_buffer);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) { return drt_test_run(scene_suite()); }
