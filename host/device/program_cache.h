/* program_cache.h — an on-disk cache of compiled OpenCL programs, so a
 * process loads the device binary an earlier one built instead of compiling
 * the kernels again.
 *
 * An entry is one file named by the hex SHA-256 key of everything the
 * binary depends on: the program source as given to
 * clCreateProgramWithSource, the build options, the device's name, vendor,
 * version and driver version, its platform's name and version, and the
 * entry format version. It holds a header (magic, format version, key,
 * binary length, SHA-256 of the binary) and the binary. Entries are
 * written to a unique temporary file and renamed into place, so concurrent
 * processes only ever see whole entries; an entry that fails any check is
 * never used, and the program is built from source and the entry
 * rewritten.
 *
 * The folder: $DRT_CACHE_DIR if set and not empty ("0" turns the cache
 * off), else $XDG_CACHE_HOME/drt2d (an absolute XDG_CACHE_HOME), else
 * $HOME/.cache/drt2d; created as with mkdir -p, mode 0700. A folder that
 * cannot be created or written only means no cache: the cache never fails
 * a build, never prints, and leaves drt_last_error() as it found it. */
#ifndef DRT_HOST_PROGRAM_CACHE_H
#define DRT_HOST_PROGRAM_CACHE_H

#include <CL/cl.h>
#include <stddef.h>
#include <stdint.h>

/* Format of the entries; part of every key, so changing it orphans the
 * old entries rather than misreading them. */
#define DRT__PROGRAM_CACHE_VERSION 1

/* SHA-256, incrementally. */
typedef struct drt__sha256 {
  uint32_t state[8];
  uint64_t length; /* bytes so far */
  uint8_t block[64];
  size_t used; /* bytes in block */
} drt__sha256;

void drt__sha256_init(drt__sha256 *h);
void drt__sha256_update(drt__sha256 *h, const void *data, size_t n);
void drt__sha256_final(drt__sha256 *h, uint8_t digest[32]);
void drt__sha256_hex(const uint8_t digest[32], char hex[65]);

/* What one build needs of the cache: the entry's path (empty when the
 * cache is off or has no usable folder) and key. */
typedef struct drt__program_cache_entry {
  char path[4096];
  uint8_t key[32];
} drt__program_cache_entry;

/* The cache folder into dir (created if missing); 0 when the cache is off
 * or no folder can be created. */
int drt__program_cache_dir(char *dir, size_t size);

/* Finds the folder and computes the key of source built with options for
 * device; 0 (and an empty path) when there is no cache to use. */
int drt__program_cache_prepare(cl_device_id device, const char *source,
                               const char *options,
                               drt__program_cache_entry *entry);

/* The entry's program, built for device with options; NULL when there is
 * no entry or it is rejected (counted in the statistics). */
cl_program drt__program_cache_load(const drt__program_cache_entry *entry,
                                   cl_context context, cl_device_id device,
                                   const char *options);

/* Writes the built program's binary for device as the entry, replacing
 * any; best effort. */
void drt__program_cache_store(const drt__program_cache_entry *entry,
                              cl_program program, cl_device_id device);

/* Writes an entry file for key holding binary (what store writes); 0 on
 * success. Exposed for the tests. */
int drt__program_cache_write_entry(const char *path, const uint8_t key[32],
                                   const void *binary, size_t size);

/* What the cache did in this process, since the last reset. */
typedef struct drt__program_cache_counts {
  unsigned long hits;     /* programs loaded from an entry */
  unsigned long misses;   /* no entry file */
  unsigned long rejects;  /* an entry failed a check (magic, version, key,
                             length, checksum) and was not used */
  unsigned long refused;  /* an entry passed the checks but OpenCL would not
                             create or build a program from its binary */
  unsigned long stores;   /* entries written */
} drt__program_cache_counts;

void drt__program_cache_stats(drt__program_cache_counts *out);
void drt__program_cache_reset_stats(void);

#endif
