/* atomic_file.c — temp-file-and-rename output, so failures leave no partial file. */
#define _DEFAULT_SOURCE /* realpath, fchmod */
#include "atomic_file.h"

#include <errno.h>
#include <limits.h> /* NAME_MAX */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

/* ------------------------------------------------------------------------ */
/* Temporary files a signal must not leave behind                           */
/* ------------------------------------------------------------------------ */

/* The temporary files that exist now, by their paths (owned by their
 * drt__atomic_file). A signal handler reads the table while the program
 * writes it, so each slot is a lock-free atomic pointer: C11 lets a
 * handler touch those, and nothing else here (no lock, no malloc). */
static _Atomic(char *) live_temps[DRT_ATOMIC_MAX_LIVE];

/* The signals that end a program by default and that a user sends to stop
 * one: a handler removes the temporary files first. */
static const int cleanup_signals[] = {SIGINT, SIGTERM, SIGHUP};
#define N_CLEANUP_SIGNALS (int)(sizeof cleanup_signals / sizeof cleanup_signals[0])

/* Keeps path in a free slot; with every slot taken (more than
 * DRT_ATOMIC_MAX_LIVE files open at once) it is not kept, and a signal
 * would leave it. */
static void register_temp(char *path) {
  for (int i = 0; i < DRT_ATOMIC_MAX_LIVE; i++) {
    char *expected = NULL;
    if (atomic_compare_exchange_strong(&live_temps[i], &expected, path)) return;
  }
}

static void unregister_temp(const char *path) {
  for (int i = 0; i < DRT_ATOMIC_MAX_LIVE; i++) {
    char *expected = (char *)path;
    if (atomic_compare_exchange_strong(&live_temps[i], &expected, NULL)) return;
  }
}

/* Only async-signal-safe calls: unlink, then the default action of the
 * signal (SA_RESETHAND restored it, SA_NODEFER lets raise deliver it now),
 * so the exit status is the conventional one (128 + signal in a shell). */
static void remove_temps_and_reraise(int sig) {
  int saved = errno;
  for (int i = 0; i < DRT_ATOMIC_MAX_LIVE; i++) {
    char *path = atomic_load(&live_temps[i]);
    if (path) unlink(path);
  }
  errno = saved;
  raise(sig);
}

void drt__atomic_cleanup_on_signals(void) {
  for (int i = 0; i < N_CLEANUP_SIGNALS; i++) {
    struct sigaction old, action;
    /* A signal ignored on entry (nohup's SIGHUP) stays ignored. */
    if (sigaction(cleanup_signals[i], NULL, &old) != 0 ||
        old.sa_handler == SIG_IGN)
      continue;
    memset(&action, 0, sizeof action);
    action.sa_handler = remove_temps_and_reraise;
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(cleanup_signals[i], &action, NULL);
  }
}

/* The cleanup signals held off while a temporary file is created and
 * registered, or renamed and unregistered: a signal in between would
 * leave a file the table does not name, or unlink a name already gone. */
static void block_cleanup_signals(sigset_t *previous) {
  sigset_t set;
  sigemptyset(&set);
  for (int i = 0; i < N_CLEANUP_SIGNALS; i++) sigaddset(&set, cleanup_signals[i]);
  pthread_sigmask(SIG_BLOCK, &set, previous);
}

static void restore_signals(const sigset_t *previous) {
  pthread_sigmask(SIG_SETMASK, previous, NULL);
}

/* The test hook DRT_TEST_SIGNAL_AT_TEMP=SIG:N (read once): the program
 * sends itself signal SIG once its N-th temporary file exists, as a user's
 * Ctrl-C during a write would, so tests need no sleeps or timing. */
static void test_hook_temp_created(void) {
  static int sig = -1, at = 0, created = 0;
  if (sig < 0) {
    const char *hook = getenv("DRT_TEST_SIGNAL_AT_TEMP");
    sig = 0;
    if (hook && sscanf(hook, "%d:%d", &sig, &at) != 2) sig = 0;
  }
  if (sig > 0 && ++created == at) raise(sig);
}

static void remove_temp(drt__atomic_file *file);

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

/* mkstemp, the new file entered in the table of live temporaries before
 * a signal can land (errno set on failure). */
static int create_registered_temp(char *temp_path) {
  sigset_t signals;
  block_cleanup_signals(&signals);
  int fd = mkstemp(temp_path);
  int err = errno;
  if (fd >= 0) register_temp(temp_path);
  restore_signals(&signals);
  errno = err;
  return fd;
}

static drt_status open_temporary(drt__atomic_file *file, const char *target,
                                 const char *shown) {
  file->final_path = strdup(target);
  file->temp_path = temporary_name(target);
  if (!file->final_path || !file->temp_path) {
    release_paths(file);
    return drt__fail(DRT_ENOMEM, "%s: out of memory", shown);
  }
  int fd = create_registered_temp(file->temp_path);
  if (fd < 0) {
    int err = errno;
    release_paths(file);
    return drt__fail(DRT_EIO, "%s: cannot create: %s", shown, strerror(err));
  }
  test_hook_temp_created();
  /* mkstemp creates the file 0600; outputs should follow the umask like
   * any file the user's shell would create. */
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  file->stream = fdopen(fd, "wb");
  if (!file->stream) {
    int err = errno;
    close(fd);
    remove_temp(file);
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

/* Removes the temporary file and its name from the table, signals held
 * off in between. */
static void remove_temp(drt__atomic_file *file) {
  sigset_t signals;
  block_cleanup_signals(&signals);
  int err = errno;
  unlink(file->temp_path);
  unregister_temp(file->temp_path);
  errno = err;
  restore_signals(&signals);
}

/* Renames the temporary file onto the final path (errno set on failure);
 * once renamed it is the output, no longer for a signal to remove. */
static int rename_temp(drt__atomic_file *file) {
  sigset_t signals;
  block_cleanup_signals(&signals);
  int rc = rename(file->temp_path, file->final_path);
  int err = errno;
  if (rc == 0) unregister_temp(file->temp_path);
  restore_signals(&signals);
  errno = err;
  return rc;
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
  if (!failed && rename_temp(file) == 0) {
    release_paths(file);
    return DRT_OK;
  }
  int err = errno;
  remove_temp(file);
  drt_status status = drt__fail(DRT_EIO, "%s: write failed: %s",
                                file->final_path, strerror(err));
  release_paths(file);
  return status;
}

void drt__atomic_abort(drt__atomic_file *file) {
  if (file->stream) fclose(file->stream);
  if (file->temp_path) remove_temp(file);
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
