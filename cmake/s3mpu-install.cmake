# `cmake --install BUILD [--prefix P]`: the static library, its one header,
# a CMake package (find_package(s3mpu) gives s3mpu::s3mpu) and a pkg-config
# file (pkg-config --cflags --libs s3mpu). Native builds only.
#
# libs3mpu.a needs mxml and BearSSL at every link, so both files carry them:
# the exported target as link dependencies (s3mpuConfig.cmake finds the two
# libraries again), s3mpu.pc in Libs. (Libs.private would leave them out of
# a plain `pkg-config --libs`, which is right for shared libraries only.)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/s3mpu")
install(TARGETS s3mpu EXPORT s3mpuTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/core/include/s3mpu.h"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(EXPORT s3mpuTargets NAMESPACE s3mpu:: DESTINATION "${_cmake_dir}")

# Where this build found the dependencies: hints for the package config,
# and -L flags for s3mpu.pc when they are not in the linker's own path.
set(S3MPU_DEP_HINTS)
set(S3MPU_PC_DEP_LIBS)
foreach(_lib IN ITEMS MXML_LIBRARY BEARSSL_LIBRARY)
  get_filename_component(_dir "${${_lib}}" DIRECTORY)
  list(APPEND S3MPU_DEP_HINTS "${_dir}")
  if(NOT _dir IN_LIST CMAKE_C_IMPLICIT_LINK_DIRECTORIES)
    string(APPEND S3MPU_PC_DEP_LIBS " -L${_dir}")
  endif()
endforeach()
list(REMOVE_DUPLICATES S3MPU_DEP_HINTS)
string(APPEND S3MPU_PC_DEP_LIBS " -lmxml -lbearssl")

configure_package_config_file(cmake/s3mpuConfig.cmake.in
  "${PROJECT_BINARY_DIR}/s3mpuConfig.cmake" INSTALL_DESTINATION "${_cmake_dir}")
# 0.x: a minor version may change the API.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/s3mpuConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/s3mpuConfig.cmake"
  "${PROJECT_BINARY_DIR}/s3mpuConfigVersion.cmake" DESTINATION "${_cmake_dir}")

# s3mpu.pc finds its prefix from its own place (pkgconf's ${pcfiledir}), so
# `cmake --install --prefix` anywhere gives a working file.
file(RELATIVE_PATH S3MPU_PC_TO_PREFIX "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
string(REGEX REPLACE "/$" "" S3MPU_PC_TO_PREFIX "${S3MPU_PC_TO_PREFIX}")
configure_file(cmake/s3mpu.pc.in "${PROJECT_BINARY_DIR}/s3mpu.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/s3mpu.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
