# fuzz.cmake — libFuzzer targets for the scene loaders (-DDRT_BUILD_FUZZ=ON,
# clang only). docs/fuzzing.md says how to run them.
option(DRT_BUILD_FUZZ "Build the libFuzzer targets of the scene loaders" OFF)

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
  # Replays the committed corpora once (no fuzzing), under the sanitizers
  # and the targets' own checks.
  if(DRT_BUILD_TESTS)
    add_test(NAME fuzz_scene_json_corpus
             COMMAND fuzz_scene_json -runs=0
                     ${CMAKE_CURRENT_SOURCE_DIR}/tests/corpus/json)
    add_test(NAME fuzz_geojson_corpus
             COMMAND fuzz_geojson -runs=0
                     ${CMAKE_CURRENT_SOURCE_DIR}/tests/corpus/geojson)
  endif()
endif()
