/* scene_load.c — picks the scene reader from the file name's extension. */
#include <errno.h>
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

drt_status drt__read_file(const char *path, char **text, size_t *length) {
  *text = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return drt__fail(DRT_EIO, "%s: %s", path, strerror(errno));
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  while (buf) {
    len += fread(buf + len, 1, cap - len - 1, f);
    if (len < cap - 1) break;
    char *grown = realloc(buf, 2 * cap);
    if (!grown) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  /* fopen accepts a directory; the read then fails with EISDIR, which the
   * message must name, as fopen's errors are. */
  int read_error = ferror(f) ? (errno ? errno : EIO) : 0;
  fclose(f);
  if (!buf) return drt__fail(DRT_ENOMEM, "%s: out of memory", path);
  if (read_error) {
    free(buf);
    return drt__fail(DRT_EIO, "%s: read error: %s", path,
                     strerror(read_error));
  }
  buf[len] = '\0';
  *text = buf;
  if (length) *length = len;
  return DRT_OK;
}
