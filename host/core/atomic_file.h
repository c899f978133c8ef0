/* atomic_file.h — output files written to a temporary name, then renamed, so
 * a failure never leaves a partial file behind. A path that names a device,
 * a pipe or another non-regular file (/dev/stdout, /dev/null) is written
 * directly: renaming onto it would replace the device node. */
#ifndef DRT_HOST_ATOMIC_FILE_H
#define DRT_HOST_ATOMIC_FILE_H

#include <stdio.h>

#include "drt2d.h"

typedef struct drt__atomic_file {
  FILE *stream;       /* write here */
  char *final_path;   /* where it lands on commit */
  char *temp_path;    /* same directory, unique name; NULL when writing
                         directly to a non-regular file */
} drt__atomic_file;

/* The file a write to path replaces, as a malloc'd path: an existing
 * regular file by its realpath, a symbolic link (live or dangling) by the
 * end of its chain, anything else as given; NULL (errno set) when a link
 * chain cannot be followed. */
char *drt__atomic_landing(const char *path);

/* Opens a temporary file beside path's landing (above) for writing ("wb"),
 * or path itself if it exists and is not a regular file: a symbolic link
 * is written through, to its target, created when it does not exist. */
drt_status drt__atomic_open(drt__atomic_file *file, const char *path);
/* Flushes, closes and renames onto the final path; on any error the
 * temporary file is removed and the final path left untouched. */
drt_status drt__atomic_commit(drt__atomic_file *file);
/* Closes and removes the temporary file. Safe on a closed file. */
void drt__atomic_abort(drt__atomic_file *file);

/* Whether drt__atomic_open(path) would succeed, found by creating its
 * temporary file and removing it again, so work is not done for an output
 * that cannot be written; a directory is refused. Another existing
 * non-regular file (a device, a pipe) is not opened: opening a pipe would
 * wait for a reader. */
drt_status drt__atomic_probe(const char *path);

/* Installs handlers of SIGINT, SIGTERM and SIGHUP (those not ignored on
 * entry) that remove every temporary file that exists at the time, then
 * end the program by the signal's default action. For programs, not
 * libraries: a handler is process-wide. A signal that lands in another
 * thread in the instant between a temporary file's creation and its entry
 * in the table (the writer holds the signals off in its own thread only)
 * would still leave it. */
#define DRT_ATOMIC_MAX_LIVE 64 /* temporary files tracked at once */
void drt__atomic_cleanup_on_signals(void);

/* Writes text to path atomically, with a final newline if it lacks one. */
drt_status drt__atomic_write_text(const char *path, const char *text);

#endif
