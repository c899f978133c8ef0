/* atomic_file.c — temp-file-and-rename output, so failures leave no partial file. */
#define _DEFAULT_SOURCE /* realpath, fchmod */
#include "atomic_file.h"

#include <errno.h>
#include <limits.h> /* NAME_MAX */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

static void release_paths(drt__atomic_file *file) {
  free(file->final_path);
  free(file->temp_path);
  file->final_path = NULL;
  file->temp_path = NULL;
  file->stream = NULL;
}

/* Writes straight to an existing non-regular file (a device, a pipe). */
static drt_status open_direct(drt__atomic_file *file, const char *path) {
  file->final_path = strdup(path);
  if (!file->final_path) return drt__fail(DRT_ENOMEM, "%s: out of memory", path);
  file->stream = fopen(path, "wb");
  if (!file->stream) {
    int err = errno;
    release_paths(file);
    return drt__fail(DRT_EIO, "%s: cannot open: %s", path, strerror(err));
  }
  return DRT_OK;
}

#define TEMP_SUFFIX ".tmp.XXXXXX"

/* The temporary name beside target: its name and TEMP_SUFFIX, the name cut
 * so that the whole still fits in NAME_MAX (a name that fits as the output
 * must not fail as the temporary). */
static char *temporary_name(const char *target) {
  const char *slash = strrchr(target, '/');
  size_t dir_len = slash ? (size_t)(slash - target) + 1 : 0;
  size_t base_len = strlen(target + dir_len);
  size_t most = NAME_MAX - (sizeof TEMP_SUFFIX - 1);
  if (base_len > most) base_len = most;
  char *temp = malloc(dir_len + base_len + sizeof TEMP_SUFFIX);
  if (!temp) return NULL;
  memcpy(temp, target, dir_len + base_len);
  memcpy(temp + dir_len + base_len, TEMP_SUFFIX, sizeof TEMP_SUFFIX);
  return temp;
}

static drt_status open_temporary(drt__atomic_file *file, const char *target,
                                 const char *shown) {
  file->final_path = strdup(target);
  file->temp_path = temporary_name(target);
  if (!file->final_path || !file->temp_path) {
    release_paths(file);
    return drt__fail(DRT_ENOMEM, "%s: out of memory", shown);
  }
  int fd = mkstemp(file->temp_path);
  if (fd < 0) {
    int err = errno;
    release_paths(file);
    return drt__fail(DRT_EIO, "%s: cannot create: %s", shown, strerror(err));
  }
  /* mkstemp creates the file 0600; outputs should follow the umask like
   * any file the user's shell would create. */
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  file->stream = fdopen(fd, "wb");
  if (!file->stream) {
    int err = errno;
    close(fd);
    unlink(file->temp_path);
    release_paths(file);
    return drt__fail(DRT_EIO, "%s: cannot open: %s", shown, strerror(err));
  }
  return DRT_OK;
}

/* Where a symbolic link chain from path ends: the first name that is not
 * a link (it need not exist), a relative link read from its own folder. */
static char *link_chain_end(const char *path) {
  char *at = strdup(path);
  for (int hops = 0; at && hops < 40; hops++) {
    struct stat st;
    if (lstat(at, &st) != 0 || !S_ISLNK(st.st_mode)) return at;
    char target[4096];
    ssize_t n = readlink(at, target, sizeof target - 1);
    if (n < 0) break;
    target[n] = '\0';
    const char *slash = strrchr(at, '/');
    size_t dir = target[0] != '/' && slash ? (size_t)(slash - at) + 1 : 0;
    char *next = malloc(dir + (size_t)n + 1);
    if (next) {
      memcpy(next, at, dir);
      memcpy(next + dir, target, (size_t)n + 1);
    }
    free(at);
    at = next;
  }
  if (at) errno = ELOOP;
  free(at);
  return NULL;
}

char *drt__atomic_landing(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0)
    return S_ISREG(st.st_mode) ? realpath(path, NULL) : strdup(path);
  return link_chain_end(path);
}

drt_status drt__atomic_open(drt__atomic_file *file, const char *path) {
  memset(file, 0, sizeof *file);
  struct stat st;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
    return open_direct(file, path);
  /* Rename onto a link's target, not over the link itself, whether the
   * target exists yet or not. */
  char *target = drt__atomic_landing(path);
  if (!target) return drt__fail(DRT_EIO, "%s: %s", path, strerror(errno));
  drt_status status = open_temporary(file, target, path);
  free(target);
  return status;
}

drt_status drt__atomic_commit(drt__atomic_file *file) {
  int failed = ferror(file->stream) != 0;
  failed |= fclose(file->stream) != 0;
  file->stream = NULL;
  if (!file->temp_path) { /* written directly */
    int err = errno;
    drt_status status =
        failed ? drt__fail(DRT_EIO, "%s: write failed: %s", file->final_path,
                           strerror(err))
               : DRT_OK;
    release_paths(file);
    return status;
  }
  if (!failed && rename(file->temp_path, file->final_path) == 0) {
    release_paths(file);
    return DRT_OK;
  }
  int err = errno;
  unlink(file->temp_path);
  drt_status status = drt__fail(DRT_EIO, "%s: write failed: %s",
                                file->final_path, strerror(err));
  release_paths(file);
  return status;
}

void drt__atomic_abort(drt__atomic_file *file) {
  if (file->stream) fclose(file->stream);
  if (file->temp_path) unlink(file->temp_path);
  release_paths(file);
}

drt_status drt__atomic_probe(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    return drt__fail(DRT_EIO, "%s: cannot open: %s", path, strerror(EISDIR));
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) return DRT_OK;
  drt__atomic_file file;
  drt_status status = drt__atomic_open(&file, path);
  if (!status) drt__atomic_abort(&file);
  return status;
}

drt_status drt__atomic_write_text(const char *path, const char *text) {
  drt__atomic_file file;
  drt_status status = drt__atomic_open(&file, path);
  if (status)
    return status;
  size_t n = strlen(text);
  fputs(text, file.stream);
  if (n == 0 || text[n - 1] != '\n')
    fputc('\n', file.stream);
  return drt__atomic_commit(&file); /* it reports a failed write */
}
