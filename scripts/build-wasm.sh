#!/usr/bin/env bash
# build-wasm.sh -- both wasm builds of the core (wasi and emscripten) and the
# package's copies of the default ones (js/s3mpu.wasm and js/s3mpu-md5.wasm,
# the wasi builds).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs} # Debian's emcc with this Node
scripts/wasm-deps.sh all
for preset in wasi emscripten; do
	cmake --preset "$preset" >/dev/null
	cmake --build --preset "$preset" -j2
done
cp build/wasi/wasm/s3mpu.wasm js/s3mpu.wasm
cp build/wasi/wasm/s3mpu-md5.wasm js/s3mpu-md5.wasm # s3mpu/direct's hashing Worker
