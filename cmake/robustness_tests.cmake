# robustness_tests.cmake — the corpus replay, degenerate-geometry
# and loader regression suites, and (with DRT_BUILD_FUZZ) the loader
# fuzzers. Include it after the test block of CMakeLists.txt, which defines
# drt_add_test.
if(DRT_BUILD_TESTS)
  drt_add_test(test_corpus)
  # drt_add_test sets ENVIRONMENT; the corpus location is added to it.
  set_property(TEST test_corpus APPEND PROPERTY ENVIRONMENT
               "DRT_CORPUS_DIR=${CMAKE_CURRENT_SOURCE_DIR}/tests/corpus")
  drt_add_test(test_degenerate)
  drt_add_test(test_loader_robustness)
endif()

include(${CMAKE_CURRENT_LIST_DIR}/fuzz.cmake)
