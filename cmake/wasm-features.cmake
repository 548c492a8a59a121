# What the two wasm toolchains share (included by the toolchain files and by
# wasm/CMakeLists.txt; see bench/SIZE.md).
#
# Opt levels as cache entries, not *_INIT: CMake appends its own defaults
# to the *_INIT values ("-Oz -DNDEBUG -Os -DNDEBUG"), and the last -O wins,
# so MinSizeRel used to build -Os.
set(CMAKE_C_FLAGS_MINSIZEREL "-Oz -DNDEBUG" CACHE STRING "C flags of MinSizeRel builds")
set(CMAKE_C_FLAGS_RELEASE "-O2 -DNDEBUG" CACHE STRING "C flags of Release builds")

# WebAssembly features beyond the 1.0 MVP, for the core and its deps alike
# (scripts/wasm-deps.sh uses the same list). All in every engine s3mpu
# targets (Chrome/V8 75+, Firefox 79+, Safari 15+, Node 12+, workerd,
# Deno, Bun):
#  - bulk memory: memcpy/memset become memory.copy/memory.fill (smaller,
#    and faster for the short copies of request building);
#  - non-trapping float-to-int: double -> integer casts of the ABI without
#    range-check code around them;
#  - sign extension: one instruction instead of shift pairs;
#  - SIMD128 (Chrome/V8 91+, Firefox 89+, Safari 16.4+, Node 16.4+,
#    workerd): md5x4.c hashes four parts at once in its lanes (the
#    core only: wasm-deps.sh leaves it out, the deps have no use for it).
# wasm/CMakeLists.txt puts them on the targets (not in CMAKE_C_FLAGS, so
# that build directories configured before them get them too).
set(S3MPU_WASM_FEATURES -mbulk-memory -mnontrapping-fptoint -msign-ext -msimd128)
# The same for binaryen (wasm-metadce, wasm-opt: cmake/wasm-finish.cmake),
# which cannot always read them from the module (emcc strips the
# target_features section).
set(S3MPU_WASM_BINARYEN_FEATURES
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-simd)
