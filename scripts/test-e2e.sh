#!/usr/bin/env bash
# Run s3mpu's end-to-end tests in their real runtimes, against a real S3 server:
#   tests/browser  s3mpu/direct and the browser example (examples/browser) in Debian's Chromium
#   tests/worker   the edge worker example (examples/worker) in workerd (miniflare)
#   tests/e2e      the npm package (npm pack) installed into an empty project and used
#                  from Node, from an esbuild browser bundle in Chromium, and in workerd
#
#   scripts/test-e2e.sh [node --test options...] [test files or directories...]
#
# Installs what is missing on a fresh Debian machine: the chromium package (apt; never a
# browser download), the dev dependencies of tests/e2e (playwright-core, miniflare, esbuild:
# npm ci from the lockfile), and the wasm builds (scripts/build-wasm.sh) when js/s3mpu.wasm
# is missing. Then hands over to scripts/test-js.sh, which starts a throwaway Ceph RGW (or
# uses S3MPU_TEST_ENDPOINT), installs tests/js's dependencies (the verifier), runs the
# tests, and stops the server. S3MPU_WASM_BUILDS="wasi emscripten" runs every test once per
# wasm build. The progress screenshot lands in build/artifacts/browser-progress.png.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
e2e=$root/tests/e2e
log() { printf 'test-e2e.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v node >/dev/null || die "node is not installed"
command -v npm >/dev/null || die "npm is not installed"

# ---- Chromium, from Debian -------------------------------------------------------------
chromium=${S3MPU_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    [ -z "${S3MPU_CHROMIUM:-}" ] || die "S3MPU_CHROMIUM=$chromium is not an executable"
    [ "$(id -u)" = 0 ] || die "chromium is missing: run 'apt-get install chromium' as root"
    log "installing Debian's chromium (apt)"
    apt_install() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -q chromium >&2; }
    if ! apt_install; then
        log "apt-get install failed; updating the package lists and trying again"
        apt-get -o DPkg::Lock::Timeout=900 update -q >&2
        apt_install
    fi
    [ -x "$chromium" ] || die "chromium installed but $chromium is not there"
fi
log "$("$chromium" --version 2>/dev/null | head -n1)"

# ---- tests/e2e dev dependencies --------------------------------------------------------
# Same staleness rule as test-js.sh: node_modules/.package-lock.json older than the
# lockfile (or missing) means npm ci again. One install at a time.
stamp=$e2e/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ "$e2e/package-lock.json" -nt "$stamp" ] || [ "$e2e/package.json" -nt "$stamp" ]; then
    (
        lock=${TMPDIR:-/tmp}/s3mpu-e2e-npm-$(printf %s "$e2e" | cksum | cut -d' ' -f1).lock
        exec 8>"$lock"
        flock -w 600 8 || die "could not lock $lock"
        if [ ! -f "$stamp" ] || [ "$e2e/package-lock.json" -nt "$stamp" ] || [ "$e2e/package.json" -nt "$stamp" ]; then
            log "installing tests/e2e dev dependencies (npm ci)"
            t0=$SECONDS
            (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error </dev/null >&2)
            touch "$stamp"
            log "npm ci took $((SECONDS - t0)) s"
        fi
    )
fi

# ---- the wasm module -------------------------------------------------------------------
if [ ! -f "$root/js/s3mpu.wasm" ]; then
    log "js/s3mpu.wasm is missing: building the wasm modules (scripts/build-wasm.sh)"
    "$root/scripts/build-wasm.sh" >&2
fi

# ---- run -------------------------------------------------------------------------------
have_paths=0
for a in "$@"; do
    if [ -e "$a" ] && [ "${a#-}" = "$a" ]; then have_paths=1; fi
done
cd "$root"
if [ "$have_paths" = 1 ]; then
    exec scripts/test-js.sh "$@"
fi
exec scripts/test-js.sh "$@" tests/browser tests/worker tests/e2e
