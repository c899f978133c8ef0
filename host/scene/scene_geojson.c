/* scene_geojson.c — GeoJSON lon/lat outlines to walls in metres. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "scene_io.h"

#define DRT__EARTH_RADIUS_M 6371008.8 /* IUGG mean radius */
#define DRT__PI 3.14159265358979323846

/* GeometryCollections nested deeper than this are refused (RFC 7946 already
 * advises against nesting them at all). */
enum { MAX_COLLECTION_DEPTH = 16 };

/* The document is walked twice by the same code: the first pass checks
 * everything and measures the lon/lat bounding box, the second, knowing the
 * projection centre, adds the walls. Only the per-line visitor differs. */
typedef struct geo_pass geo_pass;
typedef drt_status (*line_visitor)(geo_pass *pass, const cJSON *positions,
                                   const char *where, int is_ring);

struct geo_pass {
  const char *path;
  line_visitor visit;
  double lon_min, lon_max, lat_min, lat_max; /* measured by the first pass */
  double east_min, east_max; /* the longitudes moved to [0, 360): the box
                                of data across the antimeridian */
  double lon0, lat0;                         /* projection centre, degrees */
  double metres_per_lon, metres_per_lat;     /* metres per degree */
  drt_scene *scene;                          /* filled by the second pass */
};

/* ------------------------------------------------------------------------ */
/* Positions                                                                */
/* ------------------------------------------------------------------------ */

/* [lon, lat] or [lon, lat, altitude]; the altitude is ignored. */
static drt_status read_position(const geo_pass *pass, const cJSON *item,
                                const char *where, double lonlat[2]) {
  if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) < 2 ||
      !cJSON_IsNumber(item->child) || !cJSON_IsNumber(item->child->next))
    return drt__json_schema_fail(
        pass->path, where, "expected a position [longitude, latitude]");
  double lon = item->child->valuedouble, lat = item->child->next->valuedouble;
  if (!isfinite(lon) || !isfinite(lat))
    return drt__json_schema_fail(pass->path, where,
                                 "coordinate is out of range (not finite)");
  if (lon < -180 || lon > 180)
    return drt__json_schema_fail(pass->path, where,
                                 "longitude %.17g is outside [-180, 180]", lon);
  if (lat < -90 || lat > 90)
    return drt__json_schema_fail(pass->path, where,
                                 "latitude %.17g is outside [-90, 90]", lat);
  if (fabs(lat) == 90)
    return drt__json_schema_fail(pass->path, where,
                                 "a position on a pole, where every longitude "
                                 "meets: a local projection cannot place it");
  lonlat[0] = lon;
  lonlat[1] = lat;
  return DRT_OK;
}

/* lon - lon0 in (-180, 180]: the shorter way round, so that 179.999 and
 * -179.999 are 0.002 degrees apart, not 359.998. */
static double longitude_offset(double lon, double lon0) {
  double d = fmod(lon - lon0, 360.0);
  if (d > 180) d -= 360;
  if (d <= -180) d += 360;
  return d;
}

static void widen_box(geo_pass *pass, const double lonlat[2]) {
  double east = lonlat[0] < 0 ? lonlat[0] + 360 : lonlat[0];
  pass->lon_min = fmin(pass->lon_min, lonlat[0]);
  pass->lon_max = fmax(pass->lon_max, lonlat[0]);
  pass->east_min = fmin(pass->east_min, east);
  pass->east_max = fmax(pass->east_max, east);
  pass->lat_min = fmin(pass->lat_min, lonlat[1]);
  pass->lat_max = fmax(pass->lat_max, lonlat[1]);
}

/* A line that winds around a pole (its steps, each the shorter way round,
 * add up to a turn) or spans more than half the globe's longitudes has
 * no local map: it would collapse or be cut. */
static drt_status check_line_is_local(const geo_pass *pass, const char *where,
                                      double span, double winding) {
  if (fabs(winding) >= 180)
    return drt__json_schema_fail(pass->path, where,
                                 "the line winds around a pole: a local "
                                 "projection cannot represent it");
  if (span > 180)
    return drt__json_schema_fail(pass->path, where,
                                 "the line spans %.17g degrees of longitude: "
                                 "a local projection cannot represent it",
                                 span);
  return DRT_OK;
}

/* First pass: checks every position, insists that rings be closed and
 * lines be local, and widens the bounding boxes. */
static drt_status measure_line(geo_pass *pass, const cJSON *positions,
                               const char *where, int is_ring) {
  double first[2] = {0, 0}, lonlat[2] = {0, 0};
  double unwrapped = 0, low = 0, high = 0; /* degrees east of the first */
  int index = 0;
  for (const cJSON *item = positions->child; item; item = item->next) {
    char at[DRT_LOCATOR_MAX];
    drt__json_locate_index(at, where, index);
    double previous = lonlat[0];
    drt_status status = read_position(pass, item, at, lonlat);
    if (status) return status;
    widen_box(pass, lonlat);
    if (index++ == 0) memcpy(first, lonlat, sizeof first);
    else unwrapped += longitude_offset(lonlat[0], previous);
    low = fmin(low, unwrapped);
    high = fmax(high, unwrapped);
  }
  drt_status status = check_line_is_local(pass, where, high - low, unwrapped);
  if (status) return status;
  if (is_ring && (first[0] != lonlat[0] || first[1] != lonlat[1]))
    return drt__json_schema_fail(
        pass->path, where,
        "polygon ring is not closed (its last position must equal its first)");
  return DRT_OK;
}

/* Local equirectangular projection about (lon0, lat0): metres, x east,
 * y north. Accurate to well under 1 % across a city. */
static void project(const geo_pass *pass, const cJSON *position,
                    double xy[2]) {
  xy[0] = longitude_offset(position->child->valuedouble, pass->lon0) *
          pass->metres_per_lon;
  xy[1] = (position->child->next->valuedouble - pass->lat0) *
          pass->metres_per_lat;
}

/* Second pass: one wall per pair of consecutive positions. A ring's last
 * position repeats its first, so this already closes it; repeated positions
 * are skipped, as they would make zero-length walls. */
static drt_status build_line(geo_pass *pass, const cJSON *positions,
                             const char *where, int is_ring) {
  double previous[2] = {0, 0}, xy[2];
  for (const cJSON *item = positions->child; item; item = item->next) {
    project(pass, item, xy);
    int repeated = xy[0] == previous[0] && xy[1] == previous[1];
    if (item != positions->child && !repeated) {
      drt_status status = drt_scene_add_wall(pass->scene, previous[0],
                                             previous[1], xy[0], xy[1]);
      if (status) return status;
    }
    memcpy(previous, xy, sizeof previous);
  }
  return DRT_OK;
}

/* ------------------------------------------------------------------------ */
/* Geometries                                                               */
/* ------------------------------------------------------------------------ */

/* The geometry types that make walls, and how deep their coordinate arrays
 * nest above the list of positions. */
typedef struct line_shape {
  const char *type;
  int levels;  /* 0: the coordinates are one line of positions */
  int is_ring; /* polygon rings: closed, at least 4 positions */
} line_shape;

static const line_shape line_shapes[] = {
    {"LineString", 0, 0},
    {"MultiLineString", 1, 0},
    {"Polygon", 1, 1},
    {"MultiPolygon", 2, 1},
};

static const line_shape *find_shape(const char *type) {
  for (size_t i = 0; i < sizeof line_shapes / sizeof *line_shapes; i++)
    if (strcmp(type, line_shapes[i].type) == 0) return &line_shapes[i];
  return NULL;
}

static drt_status walk_line(geo_pass *pass, const cJSON *positions,
                            const char *where, int is_ring) {
  int minimum = is_ring ? 4 : 2;
  if (cJSON_GetArraySize(positions) < minimum)
    return drt__json_schema_fail(pass->path, where,
                                 "%s needs at least %d positions",
                                 is_ring ? "a polygon ring" : "a line",
                                 minimum);
  return pass->visit(pass, positions, where, is_ring);
}

/* Descends `levels` array levels of a coordinates value to its lines. */
static drt_status walk_coordinates(geo_pass *pass, const cJSON *item,
                                   const char *where, int levels,
                                   int is_ring) {
  if (!cJSON_IsArray(item))
    return drt__json_schema_fail(pass->path, where, "expected an array");
  if (levels == 0) return walk_line(pass, item, where, is_ring);
  int index = 0;
  for (const cJSON *child = item->child; child; child = child->next) {
    char at[DRT_LOCATOR_MAX];
    drt__json_locate_index(at, where, index++);
    drt_status status = walk_coordinates(pass, child, at, levels - 1, is_ring);
    if (status) return status;
  }
  return DRT_OK;
}

static const char *type_of(const cJSON *item) {
  const cJSON *type = cJSON_GetObjectItemCaseSensitive(item, "type");
  return cJSON_IsString(type) ? type->valuestring : NULL;
}

static drt_status walk_geometry(geo_pass *pass, const cJSON *geometry,
                                const char *where, int depth);

static drt_status walk_collection(geo_pass *pass, const cJSON *collection,
                                  const char *where, int depth) {
  char at[DRT_LOCATOR_MAX];
  drt__json_locate_key(at, where, "geometries");
  const cJSON *geometries =
      cJSON_GetObjectItemCaseSensitive(collection, "geometries");
  if (!cJSON_IsArray(geometries))
    return drt__json_schema_fail(pass->path, at, "expected an array");
  if (depth >= MAX_COLLECTION_DEPTH)
    return drt__json_schema_fail(pass->path, where,
                                 "GeometryCollections nested too deeply");
  int index = 0;
  for (const cJSON *item = geometries->child; item; item = item->next) {
    char item_at[DRT_LOCATOR_MAX];
    drt__json_locate_index(item_at, at, index++);
    drt_status status = walk_geometry(pass, item, item_at, depth + 1);
    if (status) return status;
  }
  return DRT_OK;
}

static drt_status walk_geometry(geo_pass *pass, const cJSON *geometry,
                                const char *where, int depth) {
  const char *type = type_of(geometry);
  if (!cJSON_IsObject(geometry) || !type)
    return drt__json_schema_fail(pass->path, where,
                                 "expected a geometry object with a \"type\"");
  if (strcmp(type, "GeometryCollection") == 0)
    return walk_collection(pass, geometry, where, depth);
  const line_shape *shape = find_shape(type);
  if (!shape)
    return drt__json_schema_fail(
        pass->path, where,
        "unsupported geometry type \"%s\" (supported: Polygon, MultiPolygon, "
        "LineString, MultiLineString, GeometryCollection)",
        type);
  char at[DRT_LOCATOR_MAX];
  drt__json_locate_key(at, where, "coordinates");
  const cJSON *coordinates =
      cJSON_GetObjectItemCaseSensitive(geometry, "coordinates");
  if (!coordinates)
    return drt__json_schema_fail(pass->path, where,
                                 "missing key \"coordinates\"");
  return walk_coordinates(pass, coordinates, at, shape->levels,
                          shape->is_ring);
}

/* ------------------------------------------------------------------------ */
/* Features and the document                                                */
/* ------------------------------------------------------------------------ */

/* A feature with a null geometry (allowed by RFC 7946) adds nothing. */
static drt_status walk_feature(geo_pass *pass, const cJSON *feature,
                               const char *where) {
  const char *type = type_of(feature);
  if (!cJSON_IsObject(feature) || !type || strcmp(type, "Feature") != 0)
    return drt__json_schema_fail(pass->path, where, "expected a Feature");
  const cJSON *geometry =
      cJSON_GetObjectItemCaseSensitive(feature, "geometry");
  if (!geometry)
    return drt__json_schema_fail(pass->path, where,
                                 "missing key \"geometry\"");
  if (cJSON_IsNull(geometry)) return DRT_OK;
  char at[DRT_LOCATOR_MAX];
  drt__json_locate_key(at, where, "geometry");
  return walk_geometry(pass, geometry, at, 0);
}

static drt_status walk_features(geo_pass *pass, const cJSON *collection) {
  const cJSON *features =
      cJSON_GetObjectItemCaseSensitive(collection, "features");
  if (!cJSON_IsArray(features))
    return drt__json_schema_fail(pass->path, "features", "expected an array");
  int index = 0;
  for (const cJSON *item = features->child; item; item = item->next) {
    char at[DRT_LOCATOR_MAX];
    drt__json_locate_index(at, "features", index++);
    drt_status status = walk_feature(pass, item, at);
    if (status) return status;
  }
  return DRT_OK;
}

/* A FeatureCollection, a single Feature or a bare geometry. */
static drt_status walk_document(geo_pass *pass, const cJSON *root) {
  const char *type = type_of(root);
  if (!cJSON_IsObject(root) || !type)
    return drt__json_schema_fail(
        pass->path, NULL, "expected a GeoJSON object with a \"type\" string");
  if (strcmp(type, "FeatureCollection") == 0)
    return walk_features(pass, root);
  if (strcmp(type, "Feature") == 0) return walk_feature(pass, root, "");
  return walk_geometry(pass, root, "", 0);
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */
/* ------------------------------------------------------------------------ */

static drt_status no_walls(const char *path) {
  return drt__json_schema_fail(path, NULL,
                               "no walls: the file has no Polygon, "
                               "MultiPolygon, LineString or MultiLineString "
                               "edge");
}

/* Centres the projection on the measured box, then walks again. */
static drt_status build_scene(geo_pass *pass, const cJSON *root,
                              drt_scene **out) {
  if (pass->lon_min > pass->lon_max) return no_walls(pass->path);
  /* The narrower of the two boxes holds the data: across the antimeridian
   * it is the one in [0, 360). */
  double span = pass->lon_max - pass->lon_min;
  double east_span = pass->east_max - pass->east_min;
  if (fmin(span, east_span) > 180)
    return drt__json_schema_fail(pass->path, NULL,
                                 "the data spans more than half the globe's "
                                 "longitudes: a local projection cannot "
                                 "represent it");
  pass->lon0 = east_span < span ? 0.5 * (pass->east_min + pass->east_max)
                                : 0.5 * (pass->lon_min + pass->lon_max);
  pass->lat0 = 0.5 * (pass->lat_min + pass->lat_max);
  pass->metres_per_lat = DRT__EARTH_RADIUS_M * DRT__PI / 180.0;
  pass->metres_per_lon =
      pass->metres_per_lat * cos(pass->lat0 * DRT__PI / 180.0);
  pass->visit = build_line;
  drt_status status = drt_scene_create(&pass->scene);
  if (!status) drt_scene_set_metres(pass->scene, 1); /* projected to metres */
  if (!status) status = walk_document(pass, root);
  if (!status && drt_scene_object_count(pass->scene) == 0)
    status = no_walls(pass->path);
  if (status) {
    drt_scene_destroy(pass->scene);
    return status;
  }
  *out = pass->scene;
  return DRT_OK;
}

/* Measures, then builds the scene from a parsed document, which it then
 * frees. */
static drt_status scene_from_root(const char *name, cJSON *root,
                                  drt_scene **out) {
  geo_pass pass = {.path = name,
                   .visit = measure_line,
                   .lon_min = INFINITY,
                   .lon_max = -INFINITY,
                   .lat_min = INFINITY,
                   .lat_max = -INFINITY,
                   .east_min = INFINITY,
                   .east_max = -INFINITY};
  drt_status status = walk_document(&pass, root);
  if (!status) status = build_scene(&pass, root, out);
  cJSON_Delete(root);
  return status;
}

drt_status drt__scene_load_geojson(const char *path, drt_scene **out) {
  *out = NULL;
  cJSON *root;
  drt_status status = drt__json_parse_file(path, &root);
  return status ? status : scene_from_root(path, root, out);
}

drt_status drt__scene_parse_geojson(const char *name, const char *text,
                                    size_t length, drt_scene **out) {
  *out = NULL;
  cJSON *root;
  drt_status status = drt__json_parse_text(name, text, length, &root);
  return status ? status : scene_from_root(name, root, out);
}
