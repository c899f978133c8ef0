# fuzz.cmake — libFuzzer targets for the scene loaders, the points file and
# the command line's options (-DDRT_BUILD_FUZZ=ON, clang only).
# docs/fuzzing.md says how to run them.
option(DRT_BUILD_FUZZ "Build the libFuzzer targets of the input parsers" OFF)

if(DRT_BUILD_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "DRT_BUILD_FUZZ needs clang "
                        "(configure with -DCMAKE_C_COMPILER=clang)")
  endif()
  # The loaders are compiled into each target rather than linked from
  # drt2d_core, so that they carry the fuzzer's coverage instrumentation;
  # they need neither OpenCL nor libpng.
  set(DRT_FUZZ_SOURCES
    host/core/error.c host/core/format.c host/core/atomic_file.c
    host/core/number.c host/scene/scene.c
    host/scene/scene_json.c host/scene/scene_geojson.c host/scene/scene_load.c)
  set(DRT_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined
                     -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  foreach(target fuzz_scene_json fuzz_geojson)
    add_executable(${target} fuzz/${target}.c ${DRT_FUZZ_SOURCES})
    target_include_directories(${target} PRIVATE include ${DRT_HOST_DIRS}
                               fuzz)
    target_compile_options(${target} PRIVATE ${DRT_FUZZ_FLAGS})
    target_link_options(${target} PRIVATE ${DRT_FUZZ_FLAGS})
    target_link_libraries(${target} PRIVATE PkgConfig::CJSON m)
  endforeach()
  # The points file: its reader and the number reader, instrumented.
  add_executable(fuzz_points fuzz/fuzz_points.c cli/cli_points.c
                 host/core/coordinate_range.c ${DRT_FUZZ_SOURCES})
  # The options: the command line's code and the core parsers it calls are
  # compiled into the target, instrumented; the rest of the library (never
  # reached: the target stops before any work) is linked as built.
  add_executable(fuzz_cli_options fuzz/fuzz_cli_options.c
    cli/cli.c cli/cli_options.c cli/cli_optimize.c cli/cli_optimize_out.c
    cli/cli_points.c cli/cli_progress.c cli/cli_study.c cli/cli_mpi.c
    host/core/number.c
    host/core/coordinate_range.c host/core/atomic_file.c)
  target_link_libraries(fuzz_points PRIVATE PkgConfig::CJSON m)
  target_link_libraries(fuzz_cli_options PRIVATE drt2d_out)
  foreach(target fuzz_points fuzz_cli_options)
    target_include_directories(${target} PRIVATE include cli host/out
                               ${DRT_HOST_DIRS} fuzz)
    target_compile_options(${target} PRIVATE ${DRT_FUZZ_FLAGS})
    target_link_options(${target} PRIVATE ${DRT_FUZZ_FLAGS})
  endforeach()
  target_compile_definitions(fuzz_cli_options PRIVATE
                             CL_TARGET_OPENCL_VERSION=120)
  # Replays the committed corpora once (no fuzzing), under the sanitizers
  # and the targets' own checks.
  if(DRT_BUILD_TESTS)
    add_test(NAME fuzz_scene_json_corpus
             COMMAND fuzz_scene_json -runs=0
                     ${CMAKE_CURRENT_SOURCE_DIR}/tests/corpus/json)
    add_test(NAME fuzz_geojson_corpus
             COMMAND fuzz_geojson -runs=0
                     ${CMAKE_CURRENT_SOURCE_DIR}/tests/corpus/geojson)
    add_test(NAME fuzz_points_corpus
             COMMAND fuzz_points -runs=0
                     ${CMAKE_CURRENT_SOURCE_DIR}/tests/corpus/points)
    add_test(NAME fuzz_cli_options_corpus
             COMMAND fuzz_cli_options -runs=0 -close_fd_mask=1
                     ${CMAKE_CURRENT_SOURCE_DIR}/tests/corpus/options)
  endif()
endif()
