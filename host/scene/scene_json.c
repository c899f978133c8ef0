/* scene_json.c — reads and writes drt2d's own JSON scene format. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "error.h"
#include "number.h"
#include "format.h"
#include "scene_io.h"

/* ------------------------------------------------------------------------ */
/* Parsing and error reporting (also used by the GeoJSON reader)            */
/* ------------------------------------------------------------------------ */

/* 1-based line and column of `at` in text. Columns count characters, so the
 * continuation bytes of a UTF-8 sequence do not advance them. */
static void text_position(const char *text, const char *at, int *line,
                          int *column) {
  *line = 1;
  *column = 1;
  for (const char *p = text; p < at; p++) {
    if (*p == '\n') {
      ++*line;
      *column = 1;
    } else if (((unsigned char)*p & 0xC0) != 0x80) {
      ++*column;
    }
  }
}

static drt_status syntax_error(const char *path, const char *text,
                               const char *at, const char *why) {
  int line, column;
  text_position(text, at, &line, &column);
  return drt__fail(DRT_EPARSE, "%s:%d:%d: JSON syntax error%s", path, line,
                   column, why);
}

static int compare_keys(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* No object anywhere in item holds a key twice: cJSON would keep both and
 * lookups see only the first, so the second would be silently ignored.
 * One rule for every JSON input (scene files and GeoJSON); keys are
 * sorted, so a hostile object of many keys costs n log n. */
static drt_status check_unique_keys(const char *path, const cJSON *item,
                                    const char *where) {
  size_t n = 0;
  for (const cJSON *c = item->child; c; c = c->next) n++;
  if (cJSON_IsObject(item) && n > 1) {
    const char **keys = malloc(n * sizeof *keys);
    if (!keys) return drt__fail(DRT_ENOMEM, "%s: out of memory", path);
    size_t i = 0;
    for (const cJSON *c = item->child; c; c = c->next) keys[i++] = c->string;
    qsort(keys, n, sizeof *keys, compare_keys);
    const char *twice = NULL;
    for (i = 1; i < n && !twice; i++)
      if (strcmp(keys[i - 1], keys[i]) == 0) twice = keys[i];
    drt_status status = twice ? drt__json_schema_fail(path, where,
                                                      "duplicate key \"%s\"",
                                                      twice)
                              : DRT_OK;
    free(keys);
    if (status) return status;
  }
  int index = 0;
  for (const cJSON *c = item->child; c; c = c->next, index++) {
    char at[DRT_LOCATOR_MAX];
    if (cJSON_IsObject(item)) drt__json_locate_key(at, where, c->string);
    else drt__json_locate_index(at, where, index);
    drt_status status = check_unique_keys(path, c, at);
    if (status) return status;
  }
  return DRT_OK;
}

/* Every number literal of a parsed document read by the one number rule
 * (number.h): cJSON reads 1e-400 as 0 and keeps subnormals, which the
 * command line refuses, so the literals are read again from the text
 * (outside strings) and one too small is refused at its line and column.
 * Out-of-range literals (1e999) are left to the fields' own check, which
 * names the field. */
static drt_status check_number_literals(const char *name, const char *text) {
  int in_string = 0;
  for (const char *p = text; *p; p++) {
    if (in_string) {
      if (*p == '\\' && p[1]) p++;
      else if (*p == '"') in_string = 0;
      continue;
    }
    if (*p == '"') in_string = 1;
    if (*p != '-' && (*p < '0' || *p > '9')) continue;
    const char *end = p + strspn(p, "0123456789+-.eE");
    double value;
    if (drt__read_number(p, end, &value) == DRT_NUMBER_TOO_SMALL) {
      int line, column;
      text_position(text, p, &line, &column);
      return drt__fail(DRT_ESCHEMA, "%s:%d:%d: number %.*s is %s", name, line,
                       column, (int)(end - p), p,
                       drt__number_problem(DRT_NUMBER_TOO_SMALL));
    }
    p = end - 1;
  }
  return DRT_OK;
}

/* Parses text, which must have a NUL byte at text[length]: cJSON checks for
 * trailing garbage by looking for that terminator. */
static drt_status parse_terminated(const char *name, const char *text,
                                   size_t length, cJSON **root) {
  /* cJSON stops at the first NUL byte and would ignore whatever follows. */
  size_t text_length = strlen(text);
  if (text_length < length)
    return syntax_error(name, text, text + text_length, " (NUL byte)");
  const char *end = NULL;
  *root = cJSON_ParseWithOpts(text, &end, 1);
  if (*root) {
    drt_status status = check_unique_keys(name, *root, "");
    if (!status) status = check_number_literals(name, text);
    if (status) {
      cJSON_Delete(*root);
      *root = NULL;
    }
    return status;
  }
  if (!end) end = text;
  return syntax_error(name, text, end,
                      *end ? "" : " (unexpected end of file)");
}

drt_status drt__json_parse_file(const char *path, cJSON **root) {
  *root = NULL;
  char *text;
  size_t length;
  drt_status status = drt__read_file(path, &text, &length);
  if (status) return status;
  status = parse_terminated(path, text, length, root);
  free(text);
  return status;
}

/* A copy supplies the terminator that parse_terminated needs. */
drt_status drt__json_parse_text(const char *name, const char *text,
                                size_t length, cJSON **root) {
  *root = NULL;
  char *copy = malloc(length + 1);
  if (!copy) return drt__fail(DRT_ENOMEM, "%s: out of memory", name);
  if (length) memcpy(copy, text, length);
  copy[length] = '\0';
  drt_status status = parse_terminated(name, copy, length, root);
  free(copy);
  return status;
}

/* Appends text to out (size bytes), cutting it short if it does not fit. */
static void append_cut(char *out, size_t size, const char *text) {
  size_t used = strlen(out), length = strlen(text);
  if (length > size - 1 - used) length = size - 1 - used;
  memcpy(out + used, text, length);
  out[used + length] = '\0';
}

void drt__json_locate_key(char out[DRT_LOCATOR_MAX], const char *parent,
                          const char *key) {
  out[0] = '\0';
  append_cut(out, DRT_LOCATOR_MAX, parent);
  if (*parent) append_cut(out, DRT_LOCATOR_MAX, ".");
  append_cut(out, DRT_LOCATOR_MAX, key);
}

void drt__json_locate_index(char out[DRT_LOCATOR_MAX], const char *parent,
                            int index) {
  char index_text[16];
  snprintf(index_text, sizeof index_text, "[%d]", index);
  out[0] = '\0';
  append_cut(out, DRT_LOCATOR_MAX, parent);
  append_cut(out, DRT_LOCATOR_MAX, index_text);
}

drt_status drt__json_schema_fail(const char *path, const char *where,
                                 const char *format, ...) {
  char message[512];
  va_list args;
  va_start(args, format);
  vsnprintf(message, sizeof message, format, args);
  va_end(args);
  if (!where || !*where)
    return drt__fail(DRT_ESCHEMA, "%s: %s", path, message);
  return drt__fail(DRT_ESCHEMA, "%s: %s: %s", path, where, message);
}

/* ------------------------------------------------------------------------ */
/* Reading: small checkers, each naming the field it rejects                */
/* ------------------------------------------------------------------------ */

/* The file being read and the scene being built. */
typedef struct json_reader {
  const char *path;
  drt_scene *scene;
} json_reader;

static int is_allowed(const char *key, const char *const *allowed) {
  for (; *allowed; allowed++)
    if (strcmp(key, *allowed) == 0) return 1;
  return 0;
}

/* "a, b, c": the allowed keys, for error messages. */
static void list_keys(char *out, size_t size, const char *const *allowed) {
  out[0] = '\0';
  for (size_t used = 0; *allowed; allowed++) {
    int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "",
                     *allowed);
    if (n < 0 || (size_t)n >= size - used) return;
    used += (size_t)n;
  }
}

/* Every key of object must be allowed (that it appears once is checked at
 * parse time): a misspelt key must not silently fall back to a default. */
static drt_status check_keys(const json_reader *r, const cJSON *object,
                             const char *where, const char *const *allowed) {
  for (const cJSON *item = object->child; item; item = item->next) {
    if (!is_allowed(item->string, allowed)) {
      char expected[160];
      list_keys(expected, sizeof expected, allowed);
      return drt__json_schema_fail(r->path, where,
                                   "unknown key \"%s\" (expected %s)",
                                   item->string, expected);
    }
  }
  return DRT_OK;
}

static drt_status require_key(const json_reader *r, const cJSON *object,
                              const char *where, const char *key,
                              const cJSON **item) {
  *item = cJSON_GetObjectItemCaseSensitive(object, key);
  if (!*item)
    return drt__json_schema_fail(r->path, where, "missing key \"%s\"", key);
  return DRT_OK;
}

/* cJSON turns out-of-range literals such as 1e999 into infinities. */
static drt_status read_number(const json_reader *r, const cJSON *item,
                              const char *where, double *value) {
  if (!cJSON_IsNumber(item))
    return drt__json_schema_fail(r->path, where, "expected a number");
  if (!isfinite(item->valuedouble))
    return drt__json_schema_fail(r->path, where,
                                 "number is out of range (not finite)");
  *value = item->valuedouble;
  return DRT_OK;
}

static drt_status read_xy(const json_reader *r, const cJSON *item,
                          const char *where, double xy[2]) {
  if (!cJSON_IsArray(item) || cJSON_GetArraySize(item) != 2 ||
      !cJSON_IsNumber(item->child) || !cJSON_IsNumber(item->child->next))
    return drt__json_schema_fail(r->path, where,
                                 "expected an array of 2 numbers");
  const cJSON *element = item->child;
  for (int i = 0; i < 2; i++, element = element->next) {
    char at[DRT_LOCATOR_MAX];
    drt__json_locate_index(at, where, i);
    drt_status status = read_number(r, element, at, &xy[i]);
    if (status) return status;
  }
  return DRT_OK;
}

/* The value of object[key] as a point, the key being required. */
static drt_status read_xy_key(const json_reader *r, const cJSON *object,
                              const char *where, const char *key,
                              double xy[2]) {
  const cJSON *item;
  drt_status status = require_key(r, object, where, key, &item);
  if (status) return status;
  char at[DRT_LOCATOR_MAX];
  drt__json_locate_key(at, where, key);
  return read_xy(r, item, at, xy);
}

/* ------------------------------------------------------------------------ */
/* Reading: transmitters and receivers                                      */
/* ------------------------------------------------------------------------ */

/* What differs between the transmitter and receiver lists. */
typedef struct point_list {
  const char *key;  /* "transmitters" */
  const char *noun; /* "transmitter" */
  drt_status (*add)(drt_scene *, const char *, double, double);
  size_t (*count)(const drt_scene *);
  const drt_point *(*get)(const drt_scene *, size_t);
} point_list;

static const point_list transmitter_list = {
    "transmitters", "transmitter", drt_scene_add_tx, drt_scene_tx_count,
    drt_scene_tx};
static const point_list receiver_list = {"receivers", "receiver",
                                         drt_scene_add_rx, drt_scene_rx_count,
                                         drt_scene_rx};

/* name is NULL when the key is absent (the scene then picks "tx0", ...). */
static drt_status read_name(const json_reader *r, const cJSON *object,
                            const char *where, const char **name) {
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, "name");
  *name = NULL;
  if (!item) return DRT_OK;
  char at[DRT_LOCATOR_MAX];
  drt__json_locate_key(at, where, "name");
  size_t limit = sizeof((drt_point *)0)->name - 1;
  if (!cJSON_IsString(item))
    return drt__json_schema_fail(r->path, at, "expected a string");
  if (item->valuestring[0] == '\0')
    return drt__json_schema_fail(r->path, at, "name is empty");
  long bad = drt__utf8_invalid_at(item->valuestring);
  if (bad >= 0)
    return drt__json_schema_fail(r->path, at, "name is not valid UTF-8 (byte "
                                 "%ld, 0x%02X)", bad + 1,
                                 (unsigned char)item->valuestring[bad]);
  if (strlen(item->valuestring) > limit)
    return drt__json_schema_fail(r->path, at,
                                 "name \"%s\" is longer than %zu bytes",
                                 item->valuestring, limit);
  *name = item->valuestring;
  return DRT_OK;
}

/* The names of a list read so far: an open-addressing hash set of point
 * indices. Comparing each new name with every earlier one cost n^2/2
 * string compares: 21 s for a file of 100,000 receivers. */
typedef struct name_set {
  size_t *slots; /* point index + 1; 0: empty */
  size_t cap;    /* a power of two, more than twice count */
  size_t count;
} name_set;

static size_t hash_name(const char *name) {
  uint64_t h = UINT64_C(14695981039346656037); /* 64-bit FNV-1a */
  for (; *name; name++)
    h = (h ^ (unsigned char)*name) * UINT64_C(1099511628211);
  return (size_t)h;
}

/* The slot holding `name`, or the empty slot where it belongs. */
static size_t *find_slot(const name_set *set, const point_list *list,
                         const drt_scene *scene, const char *name) {
  size_t i = hash_name(name) & (set->cap - 1);
  while (set->slots[i] &&
         strcmp(list->get(scene, set->slots[i] - 1)->name, name) != 0)
    i = (i + 1) & (set->cap - 1);
  return &set->slots[i];
}

/* Doubles the table (names are read back from the scene). 0 if no memory. */
static int grow_names(name_set *set, const point_list *list,
                      const drt_scene *scene) {
  name_set bigger = {calloc(set->cap ? 2 * set->cap : 64, sizeof(size_t)),
                     set->cap ? 2 * set->cap : 64, set->count};
  if (!bigger.slots) return 0;
  for (size_t i = 0; i < set->cap; i++)
    if (set->slots[i])
      *find_slot(&bigger, list, scene,
                 list->get(scene, set->slots[i] - 1)->name) = set->slots[i];
  free(set->slots);
  *set = bigger;
  return 1;
}

/* Checked after adding, so a default name ("tx0") and an explicit one can
 * collide too: outputs refer to points by name. The earlier point named is
 * the first one of that name. */
static drt_status check_unique_name(const json_reader *r,
                                    const point_list *list, name_set *seen,
                                    const char *where) {
  if (2 * (seen->count + 1) >= seen->cap && !grow_names(seen, list, r->scene))
    return drt__fail(DRT_ENOMEM, "%s: out of memory", r->path);
  size_t last = list->count(r->scene) - 1;
  const char *name = list->get(r->scene, last)->name;
  size_t *slot = find_slot(seen, list, r->scene, name);
  if (*slot)
    return drt__json_schema_fail(r->path, where,
                                 "duplicate %s name \"%s\" (also %s[%zu])",
                                 list->noun, name, list->key, *slot - 1);
  *slot = last + 1;
  seen->count++;
  return DRT_OK;
}

static const char *const point_keys[] = {"name", "position", NULL};
static const char *const transmitter_keys[] = {"name", "position",
                                               "power_dbm", "pattern",
                                               "azimuth_deg", NULL};

/* A transmitter's "pattern" ("isotropic" or "sector"), "azimuth_deg"
 * (sector only: an isotropic antenna has no boresight) and "power_dbm". */
static drt_status read_antenna(const json_reader *r, const cJSON *item,
                               const char *where, drt_antenna *antenna) {
  char at[DRT_LOCATOR_MAX];
  const cJSON *pattern = cJSON_GetObjectItemCaseSensitive(item, "pattern");
  const cJSON *azimuth = cJSON_GetObjectItemCaseSensitive(item, "azimuth_deg");
  const cJSON *power = cJSON_GetObjectItemCaseSensitive(item, "power_dbm");
  drt_status status = DRT_OK;
  if (pattern) {
    drt__json_locate_key(at, where, "pattern");
    if (cJSON_IsString(pattern) && !strcmp(pattern->valuestring, "sector"))
      antenna->pattern = DRT_PATTERN_SECTOR;
    else if (!cJSON_IsString(pattern) ||
             strcmp(pattern->valuestring, "isotropic"))
      return drt__json_schema_fail(r->path, at, "expected \"isotropic\" or "
                                   "\"sector\"");
  }
  if (azimuth) {
    drt__json_locate_key(at, where, "azimuth_deg");
    if (antenna->pattern != DRT_PATTERN_SECTOR)
      return drt__json_schema_fail(r->path, at, "an azimuth needs "
                                   "\"pattern\": \"sector\"");
    double degrees = 0;
    status = read_number(r, azimuth, at, &degrees);
    antenna->azimuth = degrees * (3.14159265358979323846 / 180.0);
  }
  if (power && !status) {
    drt__json_locate_key(at, where, "power_dbm");
    status = read_number(r, power, at, &antenna->power_dbm);
    antenna->has_power = 1;
  }
  return status;
}

static drt_status read_point(const json_reader *r, const point_list *list,
                             name_set *seen, const cJSON *item,
                             const char *where) {
  if (!cJSON_IsObject(item))
    return drt__json_schema_fail(r->path, where, "expected an object");
  int transmitter = list == &transmitter_list;
  drt_status status = check_keys(r, item, where,
                                 transmitter ? transmitter_keys : point_keys);
  const char *name = NULL;
  if (!status) status = read_name(r, item, where, &name);
  double xy[2] = {0, 0};
  if (!status) status = read_xy_key(r, item, where, "position", xy);
  drt_antenna antenna = {DRT_PATTERN_ISOTROPIC, 0.0, 0, 0.0};
  if (!status && transmitter) status = read_antenna(r, item, where, &antenna);
  if (!status) status = list->add(r->scene, name, xy[0], xy[1]);
  if (!status && transmitter)
    status = drt_scene_set_tx_antenna(r->scene, list->count(r->scene) - 1,
                                      &antenna);
  return status ? status : check_unique_name(r, list, seen, where);
}

/* The list is optional: a scene may get its endpoints elsewhere. */
static drt_status read_points(const json_reader *r, const cJSON *root,
                              const point_list *list) {
  const cJSON *array = cJSON_GetObjectItemCaseSensitive(root, list->key);
  if (!array) return DRT_OK;
  if (!cJSON_IsArray(array))
    return drt__json_schema_fail(r->path, list->key, "expected an array");
  name_set seen = {NULL, 0, 0};
  drt_status status = DRT_OK;
  int index = 0;
  for (const cJSON *item = array->child; item && !status;
       item = item->next, index++) {
    char where[DRT_LOCATOR_MAX];
    drt__json_locate_index(where, list->key, index);
    status = read_point(r, list, &seen, item, where);
  }
  free(seen.slots);
  return status;
}

/* ------------------------------------------------------------------------ */
/* Reading: objects                                                         */
/* ------------------------------------------------------------------------ */

static const char *const wall_keys[] = {"type", "a", "b", "material", NULL};
static const char *const ris_keys[] = {"type", "a", "b", "phi", "amplitude",
                                       NULL};
static const char *const vertex_keys[] = {"type", "position", NULL};

typedef struct object_kind {
  const char *name;
  drt_object_type type;
  const char *const *keys;
} object_kind;

static const object_kind object_kinds[] = {
    {"wall", DRT_OBJECT_WALL, wall_keys},
    {"ris", DRT_OBJECT_RIS, ris_keys},
    {"vertex", DRT_OBJECT_VERTEX, vertex_keys},
};

static drt_status read_kind(const json_reader *r, const cJSON *item,
                            const char *where, const object_kind **kind) {
  const cJSON *type;
  drt_status status = require_key(r, item, where, "type", &type);
  if (status) return status;
  char at[DRT_LOCATOR_MAX];
  drt__json_locate_key(at, where, "type");
  if (!cJSON_IsString(type))
    return drt__json_schema_fail(r->path, at, "expected a string");
  for (size_t i = 0; i < sizeof object_kinds / sizeof *object_kinds; i++) {
    if (strcmp(type->valuestring, object_kinds[i].name) == 0) {
      *kind = &object_kinds[i];
      return DRT_OK;
    }
  }
  return drt__json_schema_fail(
      r->path, at, "unknown object type \"%s\" (expected wall, ris or vertex)",
      type->valuestring);
}

/* The fields of an object of a known kind, checked as the scene would check
 * them, so the error names the object instead of failing later. */
static drt_status read_geometry(const json_reader *r, const cJSON *item,
                                const char *where, const object_kind *kind,
                                drt_object *object) {
  double a[2], b[2];
  if (kind->type == DRT_OBJECT_VERTEX) {
    drt_status status = read_xy_key(r, item, where, "position", a);
    if (status) return status;
    *object = (drt_object){.type = kind->type, .ax = a[0], .ay = a[1], .bx = a[0], .by = a[1], .phi = 0.0};
    return DRT_OK;
  }
  drt_status status = read_xy_key(r, item, where, "a", a);
  if (!status) status = read_xy_key(r, item, where, "b", b);
  if (status) return status;
  if (a[0] == b[0] && a[1] == b[1])
    return drt__json_schema_fail(r->path, where, "%s has zero length",
                                 kind->name);
  *object = (drt_object){.type = kind->type, .ax = a[0], .ay = a[1], .bx = b[0], .by = b[1], .phi = 0.0};
  if (kind->type != DRT_OBJECT_RIS) return DRT_OK;
  const cJSON *phi;
  status = require_key(r, item, where, "phi", &phi);
  char at[DRT_LOCATOR_MAX];
  drt__json_locate_key(at, where, "phi");
  return status ? status : read_number(r, phi, at, &object->phi);
}

/* "material": a name of drt_material_name, or {"eps_r": E, "sigma": S}. */
static const char *const custom_material_keys[] = {"eps_r", "sigma", NULL};

static drt_status read_material(const json_reader *r, const cJSON *item,
                                const char *where, drt_object *object) {
  const cJSON *m = cJSON_GetObjectItemCaseSensitive(item, "material");
  if (!m) return DRT_OK;
  char at[DRT_LOCATOR_MAX];
  drt__json_locate_key(at, where, "material");
  if (cJSON_IsString(m)) {
    if (drt_material_from_name(m->valuestring, &object->material))
      return drt__json_schema_fail(r->path, at, "%s", drt_last_error());
    return DRT_OK;
  }
  if (!cJSON_IsObject(m))
    return drt__json_schema_fail(r->path, at, "expected a material name or "
                                 "{\"eps_r\": E, \"sigma\": S}");
  const cJSON *eps, *sigma;
  drt_status status = check_keys(r, m, at, custom_material_keys);
  if (!status) status = require_key(r, m, at, "eps_r", &eps);
  if (!status) status = require_key(r, m, at, "sigma", &sigma);
  char key[DRT_LOCATOR_MAX];
  drt__json_locate_key(key, at, "eps_r");
  if (!status) status = read_number(r, eps, key, &object->eps_r);
  drt__json_locate_key(key, at, "sigma");
  if (!status) status = read_number(r, sigma, key, &object->sigma);
  if (status) return status;
  double re, im;
  object->material = DRT_MATERIAL_CUSTOM;
  if (drt_material_permittivity(DRT_MATERIAL_CUSTOM, object->eps_r,
                                object->sigma, 1e9, &re, &im))
    return drt__json_schema_fail(r->path, at, "%s", drt_last_error());
  return DRT_OK;
}

/* A RIS's "amplitude", in (0, 1]. */
static drt_status read_amplitude(const json_reader *r, const cJSON *item,
                                 const char *where, drt_object *object) {
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(item, "amplitude");
  if (!a) return DRT_OK;
  char at[DRT_LOCATOR_MAX];
  drt__json_locate_key(at, where, "amplitude");
  drt_status status = read_number(r, a, at, &object->amplitude);
  if (!status && !(object->amplitude > 0 && object->amplitude <= 1))
    return drt__json_schema_fail(r->path, at, "amplitude must be in (0, 1], "
                                 "not %g", object->amplitude);
  return status;
}

static drt_status read_object(const json_reader *r, const cJSON *item,
                              const char *where) {
  if (!cJSON_IsObject(item))
    return drt__json_schema_fail(r->path, where, "expected an object");
  const object_kind *kind = NULL;
  drt_status status = read_kind(r, item, where, &kind);
  if (!status) status = check_keys(r, item, where, kind->keys);
  drt_object object = {0};
  if (!status) status = read_geometry(r, item, where, kind, &object);
  if (!status) status = read_material(r, item, where, &object);
  if (!status) status = read_amplitude(r, item, where, &object);
  return status ? status : drt_scene_add_object(r->scene, &object);
}

static drt_status read_objects(const json_reader *r, const cJSON *root) {
  const cJSON *array;
  drt_status status = require_key(r, root, "", "objects", &array);
  if (status) return status;
  if (!cJSON_IsArray(array))
    return drt__json_schema_fail(r->path, "objects", "expected an array");
  int index = 0;
  for (const cJSON *item = array->child; item; item = item->next, index++) {
    char where[DRT_LOCATOR_MAX];
    drt__json_locate_index(where, "objects", index);
    status = read_object(r, item, where);
    if (status) return status;
  }
  return DRT_OK;
}

static const char *const top_level_keys[] = {"transmitters", "receivers",
                                             "objects", "units", NULL};

/* "units": "m" (coordinates in metres: the radio model's scene) or
 * "unitless" (the paper's, the default). */
static drt_status read_units(const json_reader *r, const cJSON *root) {
  const cJSON *u = cJSON_GetObjectItemCaseSensitive(root, "units");
  if (!u) return DRT_OK;
  if (cJSON_IsString(u) && strcmp(u->valuestring, "m") == 0) {
    drt_scene_set_metres(r->scene, 1);
    return DRT_OK;
  }
  if (cJSON_IsString(u) && strcmp(u->valuestring, "unitless") == 0)
    return DRT_OK;
  return drt__json_schema_fail(r->path, "units",
                               "expected \"m\" or \"unitless\"");
}

static drt_status read_scene(const json_reader *r, const cJSON *root) {
  if (!cJSON_IsObject(root))
    return drt__json_schema_fail(r->path, NULL,
                                 "expected a JSON object at the top level");
  drt_status status = check_keys(r, root, "", top_level_keys);
  if (!status) status = read_units(r, root);
  if (!status) status = read_points(r, root, &transmitter_list);
  if (!status) status = read_points(r, root, &receiver_list);
  return status ? status : read_objects(r, root);
}

/* Builds the scene from a parsed document, which it then frees. */
static drt_status scene_from_root(const char *name, cJSON *root,
                                  drt_scene **out) {
  json_reader reader = {name, NULL};
  drt_status status = drt_scene_create(&reader.scene);
  if (!status) status = read_scene(&reader, root);
  cJSON_Delete(root);
  if (status) {
    drt_scene_destroy(reader.scene);
    return status;
  }
  *out = reader.scene;
  return DRT_OK;
}

drt_status drt__scene_load_json(const char *path, drt_scene **out) {
  *out = NULL;
  cJSON *root;
  drt_status status = drt__json_parse_file(path, &root);
  return status ? status : scene_from_root(path, root, out);
}

drt_status drt__scene_parse_json(const char *name, const char *text,
                                 size_t length, drt_scene **out) {
  *out = NULL;
  cJSON *root;
  drt_status status = drt__json_parse_text(name, text, length, &root);
  return status ? status : scene_from_root(name, root, out);
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                  */
/* ------------------------------------------------------------------------ */

static void write_string(FILE *f, const char *text) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if (*p < 0x20)
      fprintf(f, "\\u%04x", *p);
    else
      fputc(*p, f);
  }
  fputc('"', f);
}

static void write_xy(FILE *f, double x, double y) {
  char xs[DRT_NUMBER_CHARS], ys[DRT_NUMBER_CHARS];
  drt__format_double(x, xs);
  drt__format_double(y, ys);
  fprintf(f, "[%s, %s]", xs, ys);
}

/* Only what differs from the default isotropic antenna. */
static void write_antenna(FILE *f, const drt_antenna *a) {
  char number[DRT_NUMBER_CHARS];
  if (a->pattern == DRT_PATTERN_SECTOR) {
    drt__format_double(a->azimuth * (180.0 / 3.14159265358979323846), number);
    fprintf(f, ", \"pattern\": \"sector\", \"azimuth_deg\": %s", number);
  }
  if (a->has_power) {
    drt__format_double(a->power_dbm, number);
    fprintf(f, ", \"power_dbm\": %s", number);
  }
}

static void write_points(FILE *f, const drt_scene *scene,
                         const point_list *list) {
  size_t n = list->count(scene);
  fprintf(f, "  \"%s\": [%s", list->key, n ? "\n" : "");
  for (size_t i = 0; i < n; i++) {
    const drt_point *p = list->get(scene, i);
    fputs("    {\"name\": ", f);
    write_string(f, p->name);
    fputs(", \"position\": ", f);
    write_xy(f, p->x, p->y);
    write_antenna(f, &p->antenna);
    fputs(i + 1 < n ? "},\n" : "}\n", f);
  }
  fprintf(f, "%s],\n", n ? "  " : "");
}

static void write_object(FILE *f, const drt_object *o) {
  if (o->type == DRT_OBJECT_VERTEX) {
    fputs("{\"type\": \"vertex\", \"position\": ", f);
    write_xy(f, o->ax, o->ay);
    fputc('}', f);
    return;
  }
  fprintf(f, "{\"type\": \"%s\", \"a\": ",
          o->type == DRT_OBJECT_RIS ? "ris" : "wall");
  write_xy(f, o->ax, o->ay);
  fputs(", \"b\": ", f);
  write_xy(f, o->bx, o->by);
  if (o->type == DRT_OBJECT_RIS) {
    char phi[DRT_NUMBER_CHARS];
    drt__format_double(o->phi, phi);
    fprintf(f, ", \"phi\": %s", phi);
    if (o->amplitude > 0) {
      drt__format_double(o->amplitude, phi);
      fprintf(f, ", \"amplitude\": %s", phi);
    }
  } else if (o->material == DRT_MATERIAL_CUSTOM) {
    char eps[DRT_NUMBER_CHARS], sigma[DRT_NUMBER_CHARS];
    drt__format_double(o->eps_r, eps);
    drt__format_double(o->sigma, sigma);
    fprintf(f, ", \"material\": {\"eps_r\": %s, \"sigma\": %s}", eps, sigma);
  } else if (o->material != DRT_MATERIAL_DEFAULT) {
    fprintf(f, ", \"material\": \"%s\"", drt_material_name(o->material));
  }
  fputc('}', f);
}

static void write_scene(FILE *f, const drt_scene *scene) {
  fputs("{\n", f);
  if (drt_scene_in_metres(scene)) fputs("  \"units\": \"m\",\n", f);
  write_points(f, scene, &transmitter_list);
  write_points(f, scene, &receiver_list);
  size_t n = drt_scene_object_count(scene);
  fprintf(f, "  \"objects\": [%s", n ? "\n" : "");
  for (size_t i = 0; i < n; i++) {
    fputs("    ", f);
    write_object(f, drt_scene_object(scene, i));
    fputs(i + 1 < n ? ",\n" : "\n", f);
  }
  fprintf(f, "%s]\n}\n", n ? "  " : "");
}

drt_status drt_scene_save_json(const drt_scene *scene, const char *path) {
  drt__clear_error();
  if (!scene || !path)
    return drt__fail(DRT_EINVAL, "drt_scene_save_json: scene and path must "
                                 "not be NULL");
  drt__atomic_file file;
  drt_status status = drt__atomic_open(&file, path);
  if (status) return status;
  write_scene(file.stream, scene);
  return drt__atomic_commit(&file);
}
