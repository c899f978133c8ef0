/* version.c — the library's version, as CMake's project() gives it. */
#include "drt2d.h"

/* The header's version macros are written by hand: they must follow
 * project(drt2d VERSION ...) in CMakeLists.txt. */
_Static_assert(DRT_VERSION_MAJOR == DRT_BUILD_VERSION_MAJOR &&
                   DRT_VERSION_MINOR == DRT_BUILD_VERSION_MINOR &&
                   DRT_VERSION_PATCH == DRT_BUILD_VERSION_PATCH,
               "DRT_VERSION_* in include/drt2d.h differ from the version in "
               "CMakeLists.txt");

const char *drt_version(void) { return DRT_BUILD_VERSION; }

int drt_version_number(void) { return DRT_VERSION_NUMBER; }
