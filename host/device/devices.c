/* devices.c — the device listing, with the size its caller needs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

/* drt_devices_describe cuts the listing to its buffer's size - 1 bytes: a
 * listing shorter than that is whole. */
drt_status drt_devices_listing(char *buf, size_t size, size_t *needed) {
  drt__clear_error();
  if (!buf && size)
    return drt__fail(DRT_EINVAL, "device listing: no buffer of %zu bytes",
                     size);
  char *text = NULL;
  size_t cap = 4096, length;
  for (;;) {
    char *grown = realloc(text, cap);
    if (!grown) {
      free(text);
      return drt__fail(DRT_ENOMEM, "device listing: out of memory");
    }
    text = grown;
    drt_status status = drt_devices_describe(text, cap);
    if (status) {
      free(text);
      return status;
    }
    length = strlen(text);
    if (length + 1 < cap || cap > SIZE_MAX / 2) break;
    cap *= 2;
  }
  if (needed) *needed = length + 1;
  if (size) {
    size_t kept = length < size - 1 ? length : size - 1;
    memcpy(buf, text, kept);
    buf[kept] = '\0';
  }
  free(text);
  return DRT_OK;
}
