# Toolchain: clang-14 --target=wasm32-wasi with a wasi-libc sysroot (the
# wasi-sdk way). Default: Debian's wasi-libc (/usr/include/wasm32-wasi,
# /usr/lib/wasm32-wasi) and libclang-rt-14-dev-wasm32; set WASI_SYSROOT in
# the environment to use a wasi-sdk sysroot instead.
# Opt levels: MinSizeRel -Oz, Release -O2 (cmake/wasm-features.cmake, shared
# with the Emscripten toolchain); both with full LTO.
set(CMAKE_SYSTEM_NAME WASI)
set(CMAKE_SYSTEM_VERSION 1)
set(CMAKE_SYSTEM_PROCESSOR wasm32)
list(APPEND CMAKE_MODULE_PATH "${CMAKE_CURRENT_LIST_DIR}") # Platform/WASI.cmake

find_program(CMAKE_C_COMPILER NAMES clang-14 clang REQUIRED)
find_program(CMAKE_AR NAMES llvm-ar-14 llvm-ar REQUIRED)
find_program(CMAKE_RANLIB NAMES llvm-ranlib-14 llvm-ranlib REQUIRED)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)

if(DEFINED ENV{WASI_SYSROOT} AND NOT "$ENV{WASI_SYSROOT}" STREQUAL "")
  set(CMAKE_SYSROOT "$ENV{WASI_SYSROOT}")
  set(_s3mpu_wasi_inc "")
else()
  # Debian's clang also searches the host's /usr/include: hide it.
  set(_s3mpu_wasi_inc "-nostdlibinc -isystem /usr/include/wasm32-wasi")
endif()

include("${CMAKE_CURRENT_LIST_DIR}/wasm-features.cmake")
set(CMAKE_C_FLAGS_INIT "${_s3mpu_wasi_inc} -flto")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-flto -Wno-unused-command-line-argument") # -nostdlibinc

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
