/* atomic_file.h — output files written to a temporary name, then renamed, so
 * a failure never leaves a partial file behind. */
#ifndef DRT_HOST_ATOMIC_FILE_H
#define DRT_HOST_ATOMIC_FILE_H

#include <stdio.h>

#include "drt2d.h"

typedef struct drt__atomic_file {
  FILE *stream;       /* write here */
  char *final_path;   /* where it lands on commit */
  char *temp_path;    /* same directory, unique name */
} drt__atomic_file;

/* Opens a temporary file beside path for writing ("wb"). */
drt_status drt__atomic_open(drt__atomic_file *file, const char *path);
/* Flushes, closes and renames onto the final path; on any error the
 * temporary file is removed and the final path left untouched. */
drt_status drt__atomic_commit(drt__atomic_file *file);
/* Closes and removes the temporary file. Safe on a closed file. */
void drt__atomic_abort(drt__atomic_file *file);

#endif
