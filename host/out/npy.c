/* npy.c — NumPy .npy writer: magic, a padded header dict, raw little-endian data. */
#include "npy.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "atomic_file.h"
#include "error.h"

/* The header text: dict padded with spaces and a newline so that the data
 * starts on a 64-byte boundary, as the format asks. */
static size_t format_header(char *buf, size_t size, const size_t *shape,
                            int n_axes, int as_float32) {
  char dims[128] = "";
  size_t used = 0;
  for (int i = 0; i < n_axes; i++)
    used += snprintf(dims + used, sizeof dims - used, "%zu,%s", shape[i],
                     i + 1 < n_axes ? " " : "");
  if (n_axes > 1) dims[used - 1] = '\0'; /* (a, b) but (a,) for one axis */
  int len = snprintf(buf, size, "{'descr': '%s', 'fortran_order': False, "
                     "'shape': (%s), }",
                     as_float32 ? "<f4" : "<f8", dims);
  size_t total = 10 + (size_t)len + 1;
  size_t padded = (total + 63) / 64 * 64;
  memset(buf + len, ' ', padded - total);
  buf[padded - 11] = '\n';
  return padded - 10;
}

static int write_data(FILE *f, const double *data, size_t count,
                      int as_float32) {
  if (!as_float32) return fwrite(data, sizeof *data, count, f) == count;
  float block[4096];
  for (size_t done = 0; done < count;) {
    size_t n = count - done < 4096 ? count - done : 4096;
    for (size_t i = 0; i < n; i++) block[i] = (float)data[done + i];
    if (fwrite(block, sizeof *block, n, f) != n) return 0;
    done += n;
  }
  return 1;
}

drt_status drt__npy_write(const char *path, const double *data,
                          const size_t *shape, int n_axes, int as_float32) {
  if (n_axes < 1 || n_axes > 3)
    return drt__fail(DRT_EINVAL, "%s: npy arrays here have 1 to 3 axes", path);
  char header[512];
  size_t header_len =
      format_header(header, sizeof header, shape, n_axes, as_float32);
  size_t count = 1;
  for (int i = 0; i < n_axes; i++) count *= shape[i];
  drt__atomic_file file;
  drt_status status = drt__atomic_open(&file, path);
  if (status) return status;
  const unsigned char magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  uint16_t len16 = (uint16_t)header_len; /* little-endian hosts only */
  int ok = fwrite(magic, 1, 8, file.stream) == 8 &&
           fwrite(&len16, 2, 1, file.stream) == 1 &&
           fwrite(header, 1, header_len, file.stream) == header_len &&
           write_data(file.stream, data, count, as_float32);
  if (!ok) {
    int err = errno;
    drt__atomic_abort(&file);
    return drt__fail(DRT_EIO, "%s: write failed: %s", path, strerror(err));
  }
  return drt__atomic_commit(&file);
}
