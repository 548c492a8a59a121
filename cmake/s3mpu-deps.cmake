# BearSSL and mxml. Native builds use the system's (Debian's libbearssl-dev
# and libmxml-dev); cross builds (wasm) set S3MPU_DEPS_PREFIX to a prefix
# holding include/ and lib/ built from the pinned source releases.
set(S3MPU_DEPS_PREFIX "" CACHE PATH "Prefix with BearSSL and mxml for cross builds")

if(S3MPU_DEPS_PREFIX)
  set(_hints HINTS "${S3MPU_DEPS_PREFIX}" NO_DEFAULT_PATH)
  set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
  set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
else()
  set(_hints)
endif()

find_path(BEARSSL_INCLUDE_DIR bearssl_hash.h PATH_SUFFIXES include include/bearssl ${_hints})
find_library(BEARSSL_LIBRARY NAMES bearssl PATH_SUFFIXES lib ${_hints})
find_path(MXML_INCLUDE_DIR mxml.h PATH_SUFFIXES include ${_hints})
find_library(MXML_LIBRARY NAMES mxml PATH_SUFFIXES lib ${_hints})

foreach(v BEARSSL_INCLUDE_DIR BEARSSL_LIBRARY MXML_INCLUDE_DIR MXML_LIBRARY)
  if(NOT ${v})
    message(FATAL_ERROR "${v} not found: run scripts/install-deps.sh (Debian: libbearssl-dev libmxml-dev)")
  endif()
endforeach()

add_library(s3mpu_bearssl UNKNOWN IMPORTED)
set_target_properties(s3mpu_bearssl PROPERTIES IMPORTED_LOCATION "${BEARSSL_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${BEARSSL_INCLUDE_DIR}")
add_library(s3mpu_mxml UNKNOWN IMPORTED)
set_target_properties(s3mpu_mxml PROPERTIES IMPORTED_LOCATION "${MXML_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${MXML_INCLUDE_DIR}")
