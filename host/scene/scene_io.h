/* scene_io.h — scene file readers and writers, one per format. */
#ifndef DRT_HOST_SCENE_IO_H
#define DRT_HOST_SCENE_IO_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "drt2d.h"

/* drt2d's own JSON scene format (README "Scene file format"). Errors name the
 * file and, for syntax errors, the line and column; schema errors name the
 * offending field. */
drt_status drt__scene_load_json(const char *path, drt_scene **out);

/* GeoJSON: every edge of every Polygon/MultiPolygon ring (and LineString)
 * becomes a wall, lon/lat projected to metres by a local equirectangular
 * projection about the centre of the data's bounding box. */
drt_status drt__scene_load_geojson(const char *path, drt_scene **out);

/* The same two readers on a file's contents already in memory (the fuzzers
 * use them); `name` stands for the file in error messages. text need not be
 * NUL-terminated: a NUL byte inside its `length` bytes is a syntax error. */
drt_status drt__scene_parse_json(const char *name, const char *text,
                                 size_t length, drt_scene **out);
drt_status drt__scene_parse_geojson(const char *name, const char *text,
                                    size_t length, drt_scene **out);

/* Shared by the JSON and GeoJSON readers (defined in scene_json.c). */
/* Parses a JSON file; syntax errors give FILE:LINE:COL (DRT_EPARSE). */
drt_status drt__json_parse_file(const char *path, cJSON **root);
/* The same on `length` bytes in memory, named `name` in errors. */
drt_status drt__json_parse_text(const char *name, const char *text,
                                size_t length, cJSON **root);
/* Records "FILE: WHERE: message" as a DRT_ESCHEMA error. */
drt_status drt__json_schema_fail(const char *path, const char *where,
                                 const char *format, ...)
    __attribute__((format(printf, 3, 4)));
/* Room for a locator such as "features[146].geometry.coordinates[0][12][7]";
 * a longer one is cut short, which only shortens an error message. */
#define DRT_LOCATOR_MAX 128
/* The locators "parent.key" and "parent[index]". */
void drt__json_locate_key(char out[DRT_LOCATOR_MAX], const char *parent,
                          const char *key);
void drt__json_locate_index(char out[DRT_LOCATOR_MAX], const char *parent,
                            int index);

/* Reads a whole file into a NUL-terminated buffer (free with free()). */
drt_status drt__read_file(const char *path, char **text, size_t *length);

#endif
