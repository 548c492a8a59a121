#!/usr/bin/env bash
# test.sh -- every test of s3mpu, on a fresh Debian bookworm machine too:
# installs what is missing, then runs
#   0. the C formatting check (scripts/format-c.sh --check) and function length,
#   1. the C core's unit tests and the C integration suite against a real
#      S3 server (Ceph RGW on loopback, started and stopped by ctest),
#   2. the unit tests again under ASan + UBSan (clang), and under valgrind,
#      and each libFuzzer target of tests/fuzz for a few seconds,
#   3. both wasm builds and their smoke test,
#   4. the JS suite (unit, CLI, integration against RGW) once per wasm build, and its lint,
#   5. the C integration suite and the JS suite (one wasm build) against a second
#      gateway, OpenStack Swift's s3api (tests/server/swift), started and stopped the same way.
# S3MPU_TEST_ENDPOINT (+ _REGION, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY,
# _BUCKET) points the integration suites at another S3 store instead.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
steps=0
step() { steps=$((steps + 1)); printf '\n=== %s\n' "$*"; }

step "dependencies"
scripts/install-deps.sh

step "C: formatting (clang-format 14, scripts/format-c.sh --check), no function over 80 lines"
scripts/format-c.sh --check
scripts/function-length.sh

step "C: unit and integration tests (native, debug)"
cmake --preset dev >/dev/null
cmake --build --preset dev -j2
ctest --preset dev -j2

step "C: unit tests under ASan + UBSan"
cmake --preset asan >/dev/null
cmake --build --preset asan -j2
ctest --preset asan -j2 -LE integration

step "C: fuzz targets, the same 100,000 inputs of each on every run (scripts/fuzz.sh; longer: --seconds N)"
scripts/fuzz.sh --runs 100000

step "C: unit tests under valgrind"
cmake --preset valgrind >/dev/null
cmake --build --preset valgrind -j2
ctest --preset valgrind -j2 -LE integration

step "wasm: wasi and emscripten builds"
scripts/build-wasm.sh
node --test tests/wasm/smoke.mjs tests/wasm/flood.mjs tests/wasm/md5.mjs

step "JS: unit, CLI and integration tests, once per wasm build"
S3MPU_WASM_BUILDS="wasi emscripten" scripts/test-js.sh

step "Hostile S3 server and fault proxy: typed errors in bounded time and memory; a short soak into RGW (tests/hostile, wasi build)"
S3MPU_WASM_BUILDS=wasi scripts/test-js.sh tests/hostile

step "JS: lint (Biome, a dev dependency of tests/js installed by the step above; biome.jsonc)"
tests/js/node_modules/.bin/biome lint .

step "Second gateway, Swift s3api: C integration tests, and the JS suite on the wasi build"
S3MPU_TEST_GATEWAY=swift ctest --preset dev -L integration -j2
S3MPU_TEST_GATEWAY=swift S3MPU_WASM_BUILDS=wasi scripts/test-js.sh

step "Browser (headless Chromium) and edge worker (workerd) tests, once per wasm build"
S3MPU_WASM_BUILDS="wasi emscripten" scripts/test-e2e.sh

step "Interop: the published Uppy and Companion (npm) with s3mpu, in Chromium (one wasm build)"
scripts/test-e2e.sh tests/interop

step "Deno and Bun (npm binaries): the signing handler under Deno.serve and Bun.serve, upload() inside each (tests/runtimes)"
scripts/test-e2e.sh tests/runtimes

step "Benchmarks, smoke run (every contender once, tiny sizes, no timing assertions)"
scripts/bench.sh --smoke

# Every step above stops the script on its first failure: reaching here means all passed.
printf '\nsteps: %d passed, 0 failed\n' "$steps"
