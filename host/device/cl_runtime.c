/* cl_runtime.c — OpenCL plumbing: error texts, device listing and choice,
 * program builds from embedded or on-disk kernel sources, through the
 * on-disk cache of compiled programs. */
#define _DEFAULT_SOURCE /* access */
#include "cl_runtime.h"
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "program_cache.h"
#include "scene_io.h"

extern const struct {
  const char *name;
  const char *source;
} drt__embedded_kernels[];

const char *drt__cl_error_name(cl_int code) {
  switch (code) {
#define DRT_CL_NAME(c)                                                         \
  case c:                                                                      \
    return #c;
    DRT_CL_NAME(CL_DEVICE_NOT_FOUND)
    DRT_CL_NAME(CL_DEVICE_NOT_AVAILABLE)
    DRT_CL_NAME(CL_COMPILER_NOT_AVAILABLE)
    DRT_CL_NAME(CL_MEM_OBJECT_ALLOCATION_FAILURE)
    DRT_CL_NAME(CL_OUT_OF_RESOURCES)
    DRT_CL_NAME(CL_OUT_OF_HOST_MEMORY)
    DRT_CL_NAME(CL_BUILD_PROGRAM_FAILURE)
    DRT_CL_NAME(CL_INVALID_VALUE)
    DRT_CL_NAME(CL_INVALID_DEVICE)
    DRT_CL_NAME(CL_INVALID_CONTEXT)
    DRT_CL_NAME(CL_INVALID_COMMAND_QUEUE)
    DRT_CL_NAME(CL_INVALID_MEM_OBJECT)
    DRT_CL_NAME(CL_INVALID_BUFFER_SIZE)
    DRT_CL_NAME(CL_INVALID_PROGRAM)
    DRT_CL_NAME(CL_INVALID_PROGRAM_EXECUTABLE)
    DRT_CL_NAME(CL_INVALID_KERNEL_NAME)
    DRT_CL_NAME(CL_INVALID_KERNEL)
    DRT_CL_NAME(CL_INVALID_ARG_INDEX)
    DRT_CL_NAME(CL_INVALID_ARG_VALUE)
    DRT_CL_NAME(CL_INVALID_ARG_SIZE)
    DRT_CL_NAME(CL_INVALID_KERNEL_ARGS)
    DRT_CL_NAME(CL_INVALID_WORK_DIMENSION)
    DRT_CL_NAME(CL_INVALID_WORK_GROUP_SIZE)
    DRT_CL_NAME(CL_INVALID_WORK_ITEM_SIZE)
    DRT_CL_NAME(CL_INVALID_GLOBAL_WORK_SIZE)
    DRT_CL_NAME(CL_INVALID_BUILD_OPTIONS)
    DRT_CL_NAME(CL_INVALID_OPERATION)
    DRT_CL_NAME(CL_INVALID_PLATFORM)
#undef DRT_CL_NAME
  }
  return "unknown OpenCL error";
}

drt_status drt__cl_fail(cl_int code, const char *call, const char *file,
                        int line) {
  if (code == CL_PLATFORM_NOT_FOUND_KHR || code == CL_DEVICE_NOT_FOUND)
    return drt__fail(DRT_ENODEVICE,
                     "no OpenCL platform or device found (%s returned %d); "
                     "install one (e.g. pocl-opencl-icd) or use --device ref",
                     call, code);
  return drt__fail(DRT_ECL, "%s failed with %s (%d) at %s:%d", call,
                   drt__cl_error_name(code), code, file, line);
}

/* Devices of one platform appended to list. */
static drt_status append_platform_devices(cl_platform_id platform,
                                          drt__cl_device_list *list) {
  drt_status status = DRT_OK;
  cl_uint n = 0;
  cl_int err = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, NULL, &n);
  if (err == CL_DEVICE_NOT_FOUND || n == 0) return DRT_OK;
  DRT_CL_CHECK(err);
  size_t total = list->count + n;
  cl_device_id *devices = realloc(list->devices, total * sizeof *devices);
  if (devices) list->devices = devices;
  cl_platform_id *platforms =
      realloc(list->platforms, total * sizeof *platforms);
  if (platforms) list->platforms = platforms;
  if (!devices || !platforms)
    return drt__fail(DRT_ENOMEM, "device list: out of memory");
  DRT_CL_CHECK(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, n,
                              list->devices + list->count, NULL));
  for (cl_uint i = 0; i < n; i++) list->platforms[list->count + i] = platform;
  list->count = total;
error:
  return status;
}

/* Why POCL_CACHE_DIR cannot hold POCL's kernel cache, into why (empty
 * when it can, or is unset): the directory, or the nearest folder above it
 * that exists (POCL creates the rest), must be a directory drt2d may
 * write. POCL itself only reports "no device" (it drops its CPU device
 * when the folder cannot be made) or an empty build log. */
static void pocl_cache_problem(char *why, size_t size) {
  why[0] = '\0';
  const char *dir = getenv("POCL_CACHE_DIR");
  if (!dir || !*dir) return;
  char at[4096];
  snprintf(at, sizeof at, "%s", dir);
  struct stat st;
  while (stat(at, &st) != 0) {
    char *slash = strrchr(at, '/');
    if ((errno != ENOENT && errno != ENOTDIR) || !slash || slash == at)
      return; /* cannot tell */
    *slash = '\0';
  }
  const char *reason = !S_ISDIR(st.st_mode)                ? strerror(ENOTDIR)
                       : access(at, W_OK | X_OK) != 0 ? strerror(errno)
                                                          : NULL;
  if (reason)
    snprintf(why, size, "POCL_CACHE_DIR=%s cannot hold POCL's kernel cache "
             "(%s: %s); point it to a writable directory, or unset it", dir,
             at, reason);
}

/* The status's message with the cache directory's problem in its place
 * when there is one: the likelier cause, and one the user can fix. */
static drt_status blame_pocl_cache(drt_status status, const char *what) {
  char why[4400];
  pocl_cache_problem(why, sizeof why);
  if (!*why) return status;
  return drt__fail(status, "%s: %s", what, why);
}

drt_status drt__cl_list_devices(drt__cl_device_list *list) {
  drt_status status = DRT_OK;
  memset(list, 0, sizeof *list);
  cl_platform_id platforms[16];
  cl_uint n_platforms = 0;
  cl_int err = clGetPlatformIDs(16, platforms, &n_platforms);
  if (err == CL_PLATFORM_NOT_FOUND_KHR || (err == CL_SUCCESS && !n_platforms))
    return drt__fail(DRT_ENODEVICE,
                     "no OpenCL platform found; install one (e.g. "
                     "pocl-opencl-icd) or use --device ref");
  DRT_CL_CHECK(err);
  for (cl_uint p = 0; p < n_platforms && p < 16 && !status; p++)
    status = append_platform_devices(platforms[p], list);
  if (!status && list->count == 0)
    status = drt__fail(DRT_ENODEVICE,
                       "no OpenCL device found; install one (e.g. "
                       "pocl-opencl-icd) or use --device ref");
  if (status == DRT_ENODEVICE)
    status = blame_pocl_cache(status, "no OpenCL device found");
error:
  if (status) drt__cl_free_device_list(list);
  return status;
}

void drt__cl_free_device_list(drt__cl_device_list *list) {
  free(list->devices);
  free(list->platforms);
  memset(list, 0, sizeof *list);
}

static cl_device_type device_type(cl_device_id device) {
  cl_device_type type = 0;
  if (clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof type, &type, NULL))
    return 0;
  return type;
}

/* Device `which` (modulo their count) of the given type, or -1. */
static long nth_of_type(const drt__cl_device_list *list, cl_device_type type,
                        int which) {
  size_t n = 0;
  for (size_t i = 0; i < list->count; i++)
    if (device_type(list->devices[i]) & type) n++;
  if (!n) return -1;
  size_t wanted = (size_t)(which < 0 ? 0 : which) % n;
  for (size_t i = 0; i < list->count; i++)
    if ((device_type(list->devices[i]) & type) && wanted-- == 0)
      return (long)i;
  return -1;
}

static long first_of_type(const drt__cl_device_list *list,
                          cl_device_type type) {
  return nth_of_type(list, type, 0);
}

drt_status drt__cl_pick_device(const drt__cl_device_list *list,
                               drt_device_kind kind, int index,
                               size_t *picked) {
  long found = -1;
  switch (kind) {
  case DRT_DEVICE_AUTO:
    found = nth_of_type(list, CL_DEVICE_TYPE_GPU, index);
    if (found < 0) found = first_of_type(list, CL_DEVICE_TYPE_CPU);
    if (found < 0) found = 0;
    break;
  case DRT_DEVICE_CPU:
    found = first_of_type(list, CL_DEVICE_TYPE_CPU);
    break;
  case DRT_DEVICE_GPU:
    found = nth_of_type(list, CL_DEVICE_TYPE_GPU, index);
    break;
  case DRT_DEVICE_INDEX:
    if (index < 0 || (size_t)index >= list->count)
      return drt__fail(DRT_ENODEVICE,
                       "device %d does not exist (%zu devices; see "
                       "`drt2d devices`)",
                       index, list->count);
    found = index;
    break;
  case DRT_DEVICE_REF:
    return drt__fail(DRT_EINVAL, "the ref device is not an OpenCL device");
  }
  if (found < 0)
    return drt__fail(DRT_ENODEVICE,
                     "no OpenCL %s device found (see `drt2d devices`); use "
                     "--device auto or --device ref",
                     kind == DRT_DEVICE_GPU ? "GPU" : "CPU");
  *picked = (size_t)found;
  return DRT_OK;
}

void drt__cl_describe_device(cl_platform_id platform, cl_device_id device,
                             char *buf, size_t size) {
  char name[256] = "?", platform_name[256] = "?";
  clGetDeviceInfo(device, CL_DEVICE_NAME, sizeof name, name, NULL);
  clGetPlatformInfo(platform, CL_PLATFORM_NAME, sizeof platform_name,
                    platform_name, NULL);
  cl_device_type type = device_type(device);
  const char *kind = (type & CL_DEVICE_TYPE_GPU)   ? "GPU"
                     : (type & CL_DEVICE_TYPE_CPU) ? "CPU"
                                                   : "other";
  snprintf(buf, size, "%s (%s, %s%s)", name, platform_name, kind,
           drt__cl_has_fp64(device) ? ", fp64" : "");
}

int drt__cl_has_fp64(cl_device_id device) {
  cl_device_fp_config config = 0;
  if (clGetDeviceInfo(device, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof config,
                      &config, NULL) != CL_SUCCESS)
    return 0;
  return config != 0;
}

static const char *embedded_source(const char *name) {
  for (int i = 0; drt__embedded_kernels[i].name; i++)
    if (strcmp(drt__embedded_kernels[i].name, name) == 0)
      return drt__embedded_kernels[i].source;
  return NULL;
}

/* The build log, truncated to fit the last-error buffer. */
static drt_status fail_with_build_log(cl_program program, cl_device_id device,
                                      const char *name) {
  size_t size = 0;
  clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, NULL, &size);
  char *log = malloc(size + 1);
  if (!log) return drt__fail(DRT_EBUILD, "%s: build failed (no memory for log)", name);
  log[0] = '\0';
  clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size, log, NULL);
  log[size] = '\0';
  drt_status status =
      drt__fail(DRT_EBUILD, "%s: OpenCL build failed; build log:\n%s", name, log);
  free(log);
  char what[128];
  snprintf(what, sizeof what, "%s: OpenCL build failed", name);
  return blame_pocl_cache(status, what);
}

/* Source text and include option for program `name`. */
static drt_status load_source(const char *name, char **owned,
                              const char **source, char *include_opt,
                              size_t opt_size) {
  const char *dir = getenv("DRT_KERNEL_DIR");
  include_opt[0] = '\0';
  *owned = NULL;
  if (!dir || !*dir) {
    *source = embedded_source(name);
    if (!*source)
      return drt__fail(DRT_EINVAL, "no embedded kernel named %s", name);
    return DRT_OK;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  drt_status status = drt__read_file(path, owned, NULL);
  if (status) {
    char reason[512]; /* drt__fail must not read the buffer it writes */
    snprintf(reason, sizeof reason, "%s", drt_last_error());
    return drt__fail(status, "kernel source from DRT_KERNEL_DIR: %s", reason);
  }
  snprintf(include_opt, opt_size, " -I %s", dir);
  *source = *owned;
  return DRT_OK;
}

drt_status drt__cl_build_program(cl_context context, cl_device_id device,
                                 const char *name, const char *options,
                                 cl_program *program) {
  drt_status status = DRT_OK;
  char include_opt[4200], all_options[8192];
  char *owned = NULL;
  const char *source = NULL;
  cl_int err;
  *program = NULL;
  status = load_source(name, &owned, &source, include_opt, sizeof include_opt);
  if (status) return status;
  snprintf(all_options, sizeof all_options, "%s%s", options, include_opt);
  /* Sources from DRT_KERNEL_DIR #include headers the key cannot see, so
   * only the self-contained embedded sources use the binary cache. */
  drt__program_cache_entry entry;
  int cached = !owned && drt__program_cache_prepare(device, source,
                                                    all_options, &entry);
  if (cached) {
    *program = drt__program_cache_load(&entry, context, device, all_options);
    if (*program) return DRT_OK;
  }
  *program = clCreateProgramWithSource(context, 1, &source, NULL, &err);
  DRT_CL_CHECK(err);
  err = clBuildProgram(*program, 1, &device, all_options, NULL, NULL);
  if (err == CL_BUILD_PROGRAM_FAILURE) {
    status = fail_with_build_log(*program, device, name);
    goto error;
  }
  DRT_CL_CHECK(err);
  if (cached) drt__program_cache_store(&entry, *program, device);
  free(owned);
  return DRT_OK;
error:
  if (*program) clReleaseProgram(*program);
  *program = NULL;
  free(owned);
  return status;
}
