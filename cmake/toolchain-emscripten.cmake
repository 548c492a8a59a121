# Toolchain: Debian's Emscripten (package emscripten), wrapped so that emcc
# finds acorn when Node is not Debian's (NODE_PATH) and so that both wasm
# toolchains share opt levels: MinSizeRel -Oz, Release -O2, full LTO.
if(DEFINED ENV{EMSCRIPTEN} AND NOT "$ENV{EMSCRIPTEN}" STREQUAL "")
  set(_s3mpu_em_root "$ENV{EMSCRIPTEN}")
else()
  set(_s3mpu_em_root "/usr/share/emscripten")
endif()
if(NOT DEFINED ENV{NODE_PATH} OR "$ENV{NODE_PATH}" STREQUAL "")
  set(ENV{NODE_PATH} "/usr/share/nodejs") # for emcc run by configure
endif()
include("${_s3mpu_em_root}/cmake/Modules/Platform/Emscripten.cmake")

# ... and for emcc run by the build.
set(CMAKE_C_COMPILER_LAUNCHER env "NODE_PATH=$ENV{NODE_PATH}")
set(CMAKE_C_LINKER_LAUNCHER env "NODE_PATH=$ENV{NODE_PATH}")

include("${CMAKE_CURRENT_LIST_DIR}/wasm-features.cmake")
set(CMAKE_C_FLAGS_INIT "-flto")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-flto")
