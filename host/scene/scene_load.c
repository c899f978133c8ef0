/* scene_load.c — picks the scene reader from the file name's extension. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "scene_io.h"

static int has_suffix(const char *text, const char *suffix) {
  size_t n = strlen(text), m = strlen(suffix);
  return n >= m && strcmp(text + n - m, suffix) == 0;
}

drt_status drt_scene_load(const char *path, drt_scene **out) {
  drt__clear_error();
  *out = NULL;
  if (has_suffix(path, ".geojson")) return drt__scene_load_geojson(path, out);
  if (has_suffix(path, ".json")) return drt__scene_load_json(path, out);
  return drt__fail(DRT_EINVAL,
                   "%s: unknown scene file type (expected .json or .geojson)",
                   path);
}

/* What a scene file may hold: DRT_SCENE_MAX_MB mebibytes (a positive
 * integer), 256 by default, far above a city's buildings (tests/data's
 * largest is under 1 MiB) and far below what would exhaust memory while a
 * device or pipe such as /dev/zero is read. */
#define DEFAULT_SCENE_MAX_MB 256
static drt_status scene_size_limit(size_t *bytes) {
  const char *text = getenv("DRT_SCENE_MAX_MB");
  unsigned long mb = DEFAULT_SCENE_MAX_MB;
  if (text) {
    char *end;
    errno = 0;
    mb = strtoul(text, &end, 10);
    if (!*text || *end || errno || text[0] < '0' || text[0] > '9' || mb == 0 ||
        mb > SIZE_MAX / 2 / (1u << 20))
      return drt__fail(DRT_EINVAL, "DRT_SCENE_MAX_MB=%s: expected a "
                       "positive whole number of MiB (or unset: %d)", text,
                       DEFAULT_SCENE_MAX_MB);
  }
  *bytes = (size_t)mb << 20;
  return DRT_OK;
}

/* Reads f into a growing buffer, stopping early at a NUL byte (the JSON
 * parser then reports it at its line and column, not after the whole of
 * /dev/zero) or past limit bytes (*over set). */
static char *read_stream(FILE *f, size_t limit, size_t *length, int *over) {
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  *over = 0;
  while (buf) {
    size_t got = fread(buf + len, 1, cap - len - 1, f);
    int nul = memchr(buf + len, '\0', got) != NULL;
    len += got;
    if (len > limit) *over = 1;
    if (nul || *over || len < cap - 1) break;
    char *grown = realloc(buf, 2 * cap);
    if (!grown) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  *length = len;
  return buf;
}

drt_status drt__read_file(const char *path, char **text, size_t *length) {
  *text = NULL;
  size_t limit = 0, len = 0;
  drt_status status = scene_size_limit(&limit);
  if (status) return status;
  FILE *f = fopen(path, "rb");
  if (!f) return drt__fail(DRT_EIO, "%s: %s", path, strerror(errno));
  int over;
  char *buf = read_stream(f, limit, &len, &over);
  /* fopen accepts a directory; the read then fails with EISDIR, which the
   * message must name, as fopen's errors are. */
  int read_error = ferror(f) ? (errno ? errno : EIO) : 0;
  fclose(f);
  if (!buf) return drt__fail(DRT_ENOMEM, "%s: out of memory", path);
  if (read_error || over) {
    free(buf);
    if (over)
      return drt__fail(DRT_ETOOBIG, "%s: larger than %zu MiB, the most a "
                       "scene file may hold (DRT_SCENE_MAX_MB raises it)",
                       path, limit >> 20);
    return drt__fail(DRT_EIO, "%s: read error: %s", path,
                     strerror(read_error));
  }
  buf[len] = '\0';
  *text = buf;
  if (length) *length = len;
  return DRT_OK;
}
