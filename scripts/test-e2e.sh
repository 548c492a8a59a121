#!/usr/bin/env bash
# Run s3mpu's end-to-end tests in their real runtimes, against a real S3 server:
#   tests/browser  s3mpu/direct and the browser example (examples/browser) in Debian's Chromium
#   tests/worker   the edge worker example (examples/worker) in workerd (miniflare), and
#                  with wrangler itself (deploy --dry-run, npm run dev)
#   tests/e2e      the npm package (npm pack) installed into an empty project and used
#                  from Node, from an esbuild browser bundle in Chromium, and in workerd
#   tests/interop  (only when named) the published Uppy (@uppy/core + @uppy/aws-s3) in
#                  Chromium and the published @uppy/companion server, with s3mpu
#   tests/runtimes (only when named) the signing handler and upload() under Deno and Bun
#                  (their npm binaries)
#
#   scripts/test-e2e.sh [node --test options...] [test files or directories...]
#
# Installs what is missing on a fresh Debian machine: the chromium package (apt; never a
# browser download), the dev dependencies of tests/e2e (playwright-core, miniflare, esbuild:
# npm ci from the lockfile), of examples/worker (wrangler) and of tests/interop and
# tests/runtimes when named (Uppy; Deno and Bun), and the wasm builds
# (scripts/build-wasm.sh) when js/s3mpu.wasm is missing. Then hands over to scripts/test-js.sh, which starts a throwaway Ceph RGW (or
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
log "$("$chromium" --version 2>/dev/null | sed -n 1p)"

# ---- dev dependencies of tests/e2e and tests/interop --------------------------------------
# Same staleness rule as test-js.sh: node_modules/.package-lock.json older than the
# lockfile (or missing) means npm ci again. One install at a time per directory.
npm_ci() {
    local dir=$1 stamp=$1/node_modules/.package-lock.json
    if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ] || [ "$dir/package.json" -nt "$stamp" ]; then
        (
            lock=${TMPDIR:-/tmp}/s3mpu-e2e-npm-$(printf %s "$dir" | cksum | cut -d' ' -f1).lock
            exec 8>"$lock"
            flock -w 600 8 || die "could not lock $lock"
            if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ] || [ "$dir/package.json" -nt "$stamp" ]; then
                log "installing ${dir#"$root"/} dev dependencies (npm ci)"
                t0=$SECONDS
                (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error </dev/null >&2)
                touch "$stamp"
                log "npm ci took $((SECONDS - t0)) s"
            fi
        )
    fi
}
npm_ci "$e2e"
# Uppy and Companion (tests/interop), the Deno and Bun binaries (tests/runtimes): only when
# those tests run.
for a in "$@"; do
    case $a in
        *tests/interop*) npm_ci "$root/tests/interop" ;;
        *tests/runtimes*) npm_ci "$root/tests/runtimes" ;;
    esac
done

# wrangler (tests/worker/wrangler.test.mjs): examples/worker's own dev dependency, installed
# as its README says; only when tests/worker runs (named, or by default with no paths).
worker_deps=1
for a in "$@"; do
    if [ -e "$a" ] && [ "${a#-}" = "$a" ]; then
        worker_deps=0
        break
    fi
done
for a in "$@"; do
    case $a in *tests/worker*) worker_deps=1; break ;; esac
done
[ "$worker_deps" = 0 ] || npm_ci "$root/examples/worker"

# ---- the wasm module -------------------------------------------------------------------
if [ ! -f "$root/js/s3mpu.wasm" ] || [ ! -f "$root/js/s3mpu-md5.wasm" ]; then
    log "js/s3mpu.wasm or js/s3mpu-md5.wasm is missing: building the wasm modules (scripts/build-wasm.sh)"
    "$root/scripts/build-wasm.sh" >&2
fi

# ---- run -------------------------------------------------------------------------------
have_paths=0
for a in "$@"; do
    if [ -e "$a" ] && [ "${a#-}" = "$a" ]; then have_paths=1; fi
done
cd "$root"
# The browser tests' credentials mode asks the gateway for STS session credentials.
export S3MPU_SERVER_STS=${S3MPU_SERVER_STS:-1}
if [ "$have_paths" = 1 ]; then
    exec scripts/test-js.sh "$@"
fi
exec scripts/test-js.sh "$@" tests/browser tests/worker tests/e2e
