/* program_cache.c — compiled OpenCL programs kept on disk between
 * processes: SHA-256 keys, entry files checked before use, atomic writes. */
#define _DEFAULT_SOURCE /* mkstemp */
#include "program_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cl_runtime.h"
#include "error.h"

/* ---- SHA-256 (FIPS 180-4) ---- */

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(uint32_t state[8], const uint8_t block[64]) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++)
    w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 |
           (uint32_t)block[4 * i + 2] << 8 | (uint32_t)block[4 * i + 3];
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
  for (int i = 0; i < 64; i++) {
    uint32_t s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    uint32_t ch = (e & f) ^ (~e & g);
    uint32_t t1 = h + s1 + ch + sha256_k[i] + w[i];
    uint32_t s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
    uint32_t t2 = s0 + maj;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
  state[4] += e;
  state[5] += f;
  state[6] += g;
  state[7] += h;
}

void drt__sha256_init(drt__sha256 *h) {
  static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                      0xa54ff53a, 0x510e527f, 0x9b05688c,
                                      0x1f83d9ab, 0x5be0cd19};
  memcpy(h->state, initial, sizeof initial);
  h->length = 0;
  h->used = 0;
}

void drt__sha256_update(drt__sha256 *h, const void *data, size_t n) {
  const uint8_t *p = data;
  h->length += n;
  while (n > 0) {
    size_t take = 64 - h->used < n ? 64 - h->used : n;
    memcpy(h->block + h->used, p, take);
    h->used += take;
    p += take;
    n -= take;
    if (h->used == 64) {
      sha256_block(h->state, h->block);
      h->used = 0;
    }
  }
}

void drt__sha256_final(drt__sha256 *h, uint8_t digest[32]) {
  uint64_t bits = h->length * 8;
  uint8_t pad[72] = {0x80};
  size_t pad_len = (h->used < 56 ? 56 : 120) - h->used;
  for (int i = 0; i < 8; i++) pad[pad_len + i] = (uint8_t)(bits >> (56 - 8 * i));
  drt__sha256_update(h, pad, pad_len + 8);
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 4; j++)
      digest[4 * i + j] = (uint8_t)(h->state[i] >> (24 - 8 * j));
}

void drt__sha256_hex(const uint8_t digest[32], char hex[65]) {
  for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", digest[i]);
}

/* ---- statistics ---- */

static atomic_ulong count_hits, count_misses, count_rejects, count_refused,
    count_stores;

void drt__program_cache_stats(drt__program_cache_counts *out) {
  out->hits = atomic_load(&count_hits);
  out->misses = atomic_load(&count_misses);
  out->rejects = atomic_load(&count_rejects);
  out->refused = atomic_load(&count_refused);
  out->stores = atomic_load(&count_stores);
}

void drt__program_cache_reset_stats(void) {
  atomic_store(&count_hits, 0);
  atomic_store(&count_misses, 0);
  atomic_store(&count_rejects, 0);
  atomic_store(&count_refused, 0);
  atomic_store(&count_stores, 0);
}

/* The cache's OpenCL calls may fail (DRT_CL_CHECK records them); the
 * build that follows must not report them, so each entry point puts back
 * the last error it found. */
typedef struct saved_error {
  char text[8192];
} saved_error;

static void save_error(saved_error *saved) {
  snprintf(saved->text, sizeof saved->text, "%s", drt_last_error());
}

static void restore_error(const saved_error *saved) {
  drt__fail(DRT_OK, "%s", saved->text);
}

/* ---- the folder ---- */

/* mkdir -p with mode for every folder it creates; 0 on success. */
static int make_dirs(char *path, mode_t mode) {
  for (char *p = path + 1;; p++) {
    if (*p != '/' && *p != '\0') continue;
    char saved = *p;
    *p = '\0';
    int made = mkdir(path, mode) == 0 || errno == EEXIST;
    *p = saved;
    if (!made) return -1;
    if (saved == '\0') break;
  }
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return -1;
  return access(path, W_OK | X_OK) == 0 ? 0 : -1;
}

int drt__program_cache_dir(char *dir, size_t size) {
  const char *set = getenv("DRT_CACHE_DIR");
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");
  int n;
  if (set && *set) {
    if (strcmp(set, "0") == 0) return 0;
    n = snprintf(dir, size, "%s", set);
  } else if (xdg && xdg[0] == '/') {
    n = snprintf(dir, size, "%s/drt2d", xdg);
  } else if (home && *home) {
    n = snprintf(dir, size, "%s/.cache/drt2d", home);
  } else {
    return 0;
  }
  if (n <= 0 || (size_t)n >= size) return 0;
  return make_dirs(dir, 0700) == 0;
}

/* ---- keys ---- */

/* A field of the key: a tag, the length, the bytes, so no two lists of
 * fields hash the same text. */
static void hash_field(drt__sha256 *h, char tag, const void *data, size_t n) {
  uint8_t head[9] = {(uint8_t)tag};
  for (int i = 0; i < 8; i++) head[1 + i] = (uint8_t)((uint64_t)n >> (8 * i));
  drt__sha256_update(h, head, sizeof head);
  drt__sha256_update(h, data, n);
}

static drt_status hash_device_info(drt__sha256 *h, char tag,
                                   cl_device_id device, cl_device_info what) {
  drt_status status = DRT_OK;
  size_t n = 0;
  char *text = NULL;
  DRT_CL_CHECK(clGetDeviceInfo(device, what, 0, NULL, &n));
  text = malloc(n + 1);
  if (!text) return DRT_ENOMEM;
  DRT_CL_CHECK(clGetDeviceInfo(device, what, n, text, NULL));
  hash_field(h, tag, text, strnlen(text, n));
error:
  free(text);
  return status;
}

static drt_status hash_platform_info(drt__sha256 *h, char tag,
                                     cl_platform_id platform,
                                     cl_platform_info what) {
  drt_status status = DRT_OK;
  size_t n = 0;
  char *text = NULL;
  DRT_CL_CHECK(clGetPlatformInfo(platform, what, 0, NULL, &n));
  text = malloc(n + 1);
  if (!text) return DRT_ENOMEM;
  DRT_CL_CHECK(clGetPlatformInfo(platform, what, n, text, NULL));
  hash_field(h, tag, text, strnlen(text, n));
error:
  free(text);
  return status;
}

static drt_status compute_key(cl_device_id device, const char *source,
                              const char *options, uint8_t key[32]) {
  drt_status status = DRT_OK;
  drt__sha256 h;
  drt__sha256_init(&h);
  const uint32_t version = DRT__PROGRAM_CACHE_VERSION;
  hash_field(&h, 'F', "drt2d program cache", 19);
  uint8_t v[4] = {(uint8_t)version, (uint8_t)(version >> 8),
                  (uint8_t)(version >> 16), (uint8_t)(version >> 24)};
  hash_field(&h, 'V', v, sizeof v);
  hash_field(&h, 'S', source, strlen(source));
  hash_field(&h, 'O', options, strlen(options));
  cl_platform_id platform = NULL;
  DRT_CL_CHECK(clGetDeviceInfo(device, CL_DEVICE_PLATFORM, sizeof platform,
                               &platform, NULL));
  static const cl_device_info device_fields[] = {
      CL_DEVICE_NAME, CL_DEVICE_VENDOR, CL_DEVICE_VERSION, CL_DRIVER_VERSION};
  for (int i = 0; i < 4 && !status; i++)
    status = hash_device_info(&h, (char)('a' + i), device, device_fields[i]);
  if (!status)
    status = hash_platform_info(&h, 'p', platform, CL_PLATFORM_NAME);
  if (!status)
    status = hash_platform_info(&h, 'q', platform, CL_PLATFORM_VERSION);
  if (!status) drt__sha256_final(&h, key);
error:
  return status;
}

int drt__program_cache_prepare(cl_device_id device, const char *source,
                               const char *options,
                               drt__program_cache_entry *entry) {
  entry->path[0] = '\0';
  char dir[4096 - 80];
  if (!drt__program_cache_dir(dir, sizeof dir)) return 0;
  saved_error saved;
  save_error(&saved);
  drt_status status = compute_key(device, source, options, entry->key);
  restore_error(&saved);
  if (status) return 0;
  char hex[65];
  drt__sha256_hex(entry->key, hex);
  snprintf(entry->path, sizeof entry->path, "%s/%s", dir, hex);
  return 1;
}

/* ---- entry files ---- */

/* magic[8] version:u32 header_size:u32 key[32] length:u64 checksum[32],
 * integers little-endian, then length bytes of binary. */
static const char entry_magic[8] = {'D', 'R', 'T', '2', 'D', 'P', 'C', 'B'};
enum { HEADER_SIZE = 88 };
/* No device binary comes near this; a larger length is corruption. */
#define MAX_BINARY ((uint64_t)1 << 30)

static void put_le(uint8_t *p, uint64_t x, int bytes) {
  for (int i = 0; i < bytes; i++) p[i] = (uint8_t)(x >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int bytes) {
  uint64_t x = 0;
  for (int i = 0; i < bytes; i++) x |= (uint64_t)p[i] << (8 * i);
  return x;
}

static int write_all(int fd, const void *data, size_t n) {
  const char *p = data;
  while (n > 0) {
    ssize_t done = write(fd, p, n);
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) return -1;
    p += done;
    n -= (size_t)done;
  }
  return 0;
}

static int read_all(int fd, void *data, size_t n) {
  char *p = data;
  while (n > 0) {
    ssize_t done = read(fd, p, n);
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) return -1;
    p += done;
    n -= (size_t)done;
  }
  return 0;
}

int drt__program_cache_write_entry(const char *path, const uint8_t key[32],
                                   const void *binary, size_t size) {
  uint8_t header[HEADER_SIZE];
  memcpy(header, entry_magic, 8);
  put_le(header + 8, DRT__PROGRAM_CACHE_VERSION, 4);
  put_le(header + 12, HEADER_SIZE, 4);
  memcpy(header + 16, key, 32);
  put_le(header + 48, size, 8);
  drt__sha256 h;
  drt__sha256_init(&h);
  drt__sha256_update(&h, binary, size);
  drt__sha256_final(&h, header + 56);
  char temp[4096 + 16];
  if (snprintf(temp, sizeof temp, "%s.tmp.XXXXXX", path) >= (int)sizeof temp)
    return -1;
  int fd = mkstemp(temp); /* unique: concurrent writers never share one */
  if (fd < 0) return -1;
  int failed = write_all(fd, header, sizeof header) != 0 ||
               write_all(fd, binary, size) != 0;
  failed |= close(fd) != 0;
  if (!failed && rename(temp, path) == 0) return 0;
  unlink(temp);
  return -1;
}

/* The entry's binary if its file passes every check: 1 read, 0 no file,
 * -1 rejected. */
static int read_entry(const drt__program_cache_entry *entry, uint8_t **out,
                      size_t *out_size) {
  *out = NULL;
  int fd = open(entry->path, O_RDONLY);
  if (fd < 0) return errno == ENOENT ? 0 : -1;
  int result = -1;
  uint8_t header[HEADER_SIZE], digest[32], *binary = NULL;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < HEADER_SIZE)
    goto done;
  if (read_all(fd, header, sizeof header) != 0) goto done;
  uint64_t length = get_le(header + 48, 8);
  if (memcmp(header, entry_magic, 8) != 0 ||
      get_le(header + 8, 4) != DRT__PROGRAM_CACHE_VERSION ||
      get_le(header + 12, 4) != HEADER_SIZE ||
      memcmp(header + 16, entry->key, 32) != 0 || length == 0 ||
      length > MAX_BINARY || length != (uint64_t)st.st_size - HEADER_SIZE)
    goto done;
  binary = malloc((size_t)length);
  if (!binary || read_all(fd, binary, (size_t)length) != 0) goto done;
  drt__sha256 h;
  drt__sha256_init(&h);
  drt__sha256_update(&h, binary, (size_t)length);
  drt__sha256_final(&h, digest);
  if (memcmp(digest, header + 56, 32) != 0) goto done;
  *out = binary;
  *out_size = (size_t)length;
  binary = NULL;
  result = 1;
done:
  free(binary);
  close(fd);
  return result;
}

static drt_status program_from_binary(cl_context context, cl_device_id device,
                                      const char *options,
                                      const uint8_t *binary, size_t size,
                                      cl_program *program) {
  drt_status status = DRT_OK;
  cl_int err, binary_status = CL_INVALID_BINARY;
  cl_build_status built = CL_BUILD_ERROR;
  *program = clCreateProgramWithBinary(context, 1, &device, &size, &binary,
                                       &binary_status, &err);
  DRT_CL_CHECK(err);
  DRT_CL_CHECK(binary_status);
  DRT_CL_CHECK(clBuildProgram(*program, 1, &device, options, NULL, NULL));
  DRT_CL_CHECK(clGetProgramBuildInfo(*program, device, CL_PROGRAM_BUILD_STATUS,
                                     sizeof built, &built, NULL));
  if (built != CL_BUILD_SUCCESS) status = DRT_EBUILD;
error:
  if (status && *program) {
    clReleaseProgram(*program);
    *program = NULL;
  }
  return status;
}

cl_program drt__program_cache_load(const drt__program_cache_entry *entry,
                                   cl_context context, cl_device_id device,
                                   const char *options) {
  if (!entry->path[0]) return NULL;
  uint8_t *binary = NULL;
  size_t size = 0;
  int found = read_entry(entry, &binary, &size);
  if (found <= 0) {
    atomic_fetch_add(found == 0 ? &count_misses : &count_rejects, 1);
    return NULL;
  }
  saved_error saved;
  save_error(&saved);
  cl_program program = NULL;
  drt_status status =
      program_from_binary(context, device, options, binary, size, &program);
  restore_error(&saved);
  free(binary);
  atomic_fetch_add(status ? &count_refused : &count_hits, 1);
  return status ? NULL : program;
}

/* The program's binary for device, malloc'ed. */
static drt_status program_binary(cl_program program, cl_device_id device,
                                 uint8_t **out, size_t *out_size) {
  drt_status status = DRT_OK;
  cl_uint n = 0, at = 0;
  cl_device_id *devices = NULL;
  size_t *sizes = NULL;
  uint8_t **binaries = NULL;
  *out = NULL;
  DRT_CL_CHECK(clGetProgramInfo(program, CL_PROGRAM_NUM_DEVICES, sizeof n, &n,
                                NULL));
  devices = calloc(n ? n : 1, sizeof *devices);
  sizes = calloc(n ? n : 1, sizeof *sizes);
  binaries = calloc(n ? n : 1, sizeof *binaries);
  if (!devices || !sizes || !binaries) {
    status = DRT_ENOMEM;
    goto error;
  }
  DRT_CL_CHECK(clGetProgramInfo(program, CL_PROGRAM_DEVICES,
                                n * sizeof *devices, devices, NULL));
  DRT_CL_CHECK(clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES,
                                n * sizeof *sizes, sizes, NULL));
  while (at < n && devices[at] != device) at++;
  if (at == n || sizes[at] == 0 || sizes[at] > MAX_BINARY) {
    status = DRT_ECL;
    goto error;
  }
  binaries[at] = malloc(sizes[at]); /* the other devices' stay NULL */
  if (!binaries[at]) {
    status = DRT_ENOMEM;
    goto error;
  }
  DRT_CL_CHECK(clGetProgramInfo(program, CL_PROGRAM_BINARIES,
                                n * sizeof *binaries, binaries, NULL));
  *out = binaries[at];
  *out_size = sizes[at];
  binaries[at] = NULL;
error:
  if (binaries && at < n) free(binaries[at]);
  free(binaries);
  free(sizes);
  free(devices);
  return status;
}

void drt__program_cache_store(const drt__program_cache_entry *entry,
                              cl_program program, cl_device_id device) {
  if (!entry->path[0]) return;
  saved_error saved;
  save_error(&saved);
  uint8_t *binary = NULL;
  size_t size = 0;
  drt_status status = program_binary(program, device, &binary, &size);
  restore_error(&saved);
  if (status) return;
  if (drt__program_cache_write_entry(entry->path, entry->key, binary, size) ==
      0)
    atomic_fetch_add(&count_stores, 1);
  free(binary);
}
