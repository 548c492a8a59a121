# CMake 3.25 has no WASI platform; cmake/toolchain-wasi.cmake puts this
# directory on CMAKE_MODULE_PATH so that CMAKE_SYSTEM_NAME WASI is known.
set(WASI 1)
set(UNIX 1)
set(CMAKE_EXECUTABLE_SUFFIX ".wasm")
