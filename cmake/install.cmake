# install.cmake — what `cmake --install` puts under the prefix: the shared
# library, its header, the drt2d tool, a pkg-config file and a CMake
# package (find_package(drt2d) gives the target drt2d::drt2d); and the
# test that installs into a scratch prefix and builds programs against it.
include(CMakePackageConfigHelpers)

set(DRT_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/drt2d)

# The Python package (pyproject.toml, built by scikit-build-core, which
# sets SKBUILD) takes the shared library alone, as one file beside its
# modules: a wheel holds no symbolic links, and ctypes loads it by path.
if(SKBUILD)
  install(FILES $<TARGET_FILE:drt2d_shared> DESTINATION . RENAME libdrt2d.so
          COMPONENT python)
endif()

install(TARGETS drt2d_shared EXPORT drt2dTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES include/drt2d.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS drt2d RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(EXPORT drt2dTargets NAMESPACE drt2d:: DESTINATION ${DRT_CMAKE_DIR})
configure_package_config_file(cmake/drt2dConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/drt2dConfig.cmake
  INSTALL_DESTINATION ${DRT_CMAKE_DIR})
# The SONAME changes with the major version, and so may the API.
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/drt2dConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/drt2dConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/drt2dConfigVersion.cmake
        DESTINATION ${DRT_CMAKE_DIR})

# pkg-config: with relative install directories, the prefix is computed
# from the .pc file's place (${pcfiledir}), as the prefix is only known at
# install time (cmake --install --prefix).
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR
   IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(DRT_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(DRT_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(DRT_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH DRT_PC_UP "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
  string(REGEX REPLACE "/$" "" DRT_PC_UP "${DRT_PC_UP}")
  set(DRT_PC_PREFIX "\${pcfiledir}/${DRT_PC_UP}")
  set(DRT_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(DRT_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(cmake/drt2d.pc.in ${CMAKE_CURRENT_BINARY_DIR}/drt2d.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/drt2d.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# Installs the build into a scratch prefix, then builds and runs one program
# through pkg-config and one through find_package(drt2d) against it. A
# sanitized library would need its runtime loaded first in the programs.
if(DRT_BUILD_TESTS AND NOT DRT_SANITIZE)
  add_test(NAME test_install
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/test_install.sh
            ${CMAKE_BINARY_DIR} ${CMAKE_COMMAND} ${CMAKE_C_COMPILER}
            ${PKG_CONFIG_EXECUTABLE} ${CMAKE_INSTALL_LIBDIR}
            ${PROJECT_VERSION} ${PROJECT_VERSION_MAJOR})
  set_tests_properties(test_install PROPERTIES TIMEOUT 600)
endif()
