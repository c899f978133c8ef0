/* cl_runtime.h — OpenCL plumbing: checked calls, device choice, program
 * builds with their logs. */
#ifndef DRT_HOST_CL_RUNTIME_H
#define DRT_HOST_CL_RUNTIME_H

#include <CL/cl.h>
#include <CL/cl_ext.h> /* CL_PLATFORM_NOT_FOUND_KHR */
#include <stddef.h>

#include "drt2d.h"

/* Records a failed OpenCL call (name, code, where) as the last error. */
drt_status drt__cl_fail(cl_int code, const char *call, const char *file,
                        int line);

/* Every OpenCL call goes through this: on failure it records the call and
 * jumps to the function's `error:` label with `status` set. */
#define DRT_CL_CHECK(call)                                                     \
  do {                                                                         \
    cl_int drt_cl_err_ = (call);                                               \
    if (drt_cl_err_ != CL_SUCCESS) {                                           \
      status = drt__cl_fail(drt_cl_err_, #call, __FILE__, __LINE__);          \
      goto error;                                                              \
    }                                                                          \
  } while (0)

/* Name of an OpenCL error code ("CL_OUT_OF_RESOURCES"). */
const char *drt__cl_error_name(cl_int code);

/* All devices of all platforms, numbered platform by platform. */
typedef struct drt__cl_device_list {
  cl_platform_id *platforms; /* platform of each device */
  cl_device_id *devices;
  size_t count;
} drt__cl_device_list;

drt_status drt__cl_list_devices(drt__cl_device_list *list);
void drt__cl_free_device_list(drt__cl_device_list *list);

/* Index into list of the device `kind` (and `index`) selects. */
drt_status drt__cl_pick_device(const drt__cl_device_list *list,
                               drt_device_kind kind, int index,
                               size_t *picked);

/* "NAME (PLATFORM, TYPE)" into buf. */
void drt__cl_describe_device(cl_platform_id platform, cl_device_id device,
                             char *buf, size_t size);

/* Does the device support double precision? */
int drt__cl_has_fp64(cl_device_id device);

/* Builds program `name` (a .cl file) from the embedded sources, or from the
 * directory DRT_KERNEL_DIR names when set; a failed build records its log. */
drt_status drt__cl_build_program(cl_context context, cl_device_id device,
                                 const char *name, const char *options,
                                 cl_program *program);

#endif
