#!/usr/bin/env bash
# Benchmarks of s3mpu against its peers, all measured in one run; writes BENCHMARKS.md.
#
#   scripts/bench.sh [--full | --smoke] [--no-gateway] [-- extra bench/run.mjs options]
#
#   (default)  512 MiB uploads to a loopback sink and to a throwaway RGW, scale, signing,
#              hashing, workerd, size, browser direct uploads against Uppy (also over
#              emulated links, 1 GiB per cell: ~20-25 min of it): ~45-55 min on 2 cores.
#              Writes BENCHMARKS.md.
#   --full     adds 4 GiB uploads from memory and from a file (and 4 GiB in the size scale).
#   --smoke    every code path once with tiny sizes, in a minute or two; writes
#              build/bench-smoke.md (never BENCHMARKS.md). For CI: exits non-zero when any
#              contender crashes or an upload does not arrive whole; no timing assertions.
#   --no-gateway  skip the RGW runs.
#
# Installs bench/'s dev dependencies (npm ci) when stale, builds js/s3mpu.wasm when missing
# (scripts/build-wasm.sh) and the native signing benchmark (bench/native, Release) when its
# sources exist, starts RGW with tests/server/start.sh in a directory and on a port of its
# own, and stops it at exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
log() { printf 'bench.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

mode=default
gateway=1
extra=()
while [ $# -gt 0 ]; do
    case $1 in
        --full) mode=full ;;
        --smoke) mode=smoke ;; # RGW too: the browser direct uploads need a gateway with CORS
        --no-gateway) gateway=0 ;;
        --) shift; extra=("$@"); break ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
    shift
done

command -v node >/dev/null || die "node is not installed"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "node >= 20 needed, found $(node --version)"
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

# ---- dev dependencies (one npm ci at a time; npm stamps node_modules/.package-lock.json) ----
stamp=bench/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ bench/package-lock.json -nt "$stamp" ] || [ bench/package.json -nt "$stamp" ]; then
    (
        exec 8>"${TMPDIR:-/tmp}/s3mpu-bench-npm.lock"
        flock -w 600 8 || die "could not lock the npm install"
        log "installing bench/ dev dependencies (npm ci)"
        (cd bench && npm ci --no-audit --no-fund --loglevel=error </dev/null >&2)
        touch "$stamp"
    )
fi

# The published Uppy and Companion the direct-upload runs compare with (tests/interop's pins).
stamp=tests/interop/node_modules/.package-lock.json
if [ -f tests/interop/package-lock.json ] && { [ ! -f "$stamp" ] || [ tests/interop/package-lock.json -nt "$stamp" ]; }; then
    (
        exec 8>"${TMPDIR:-/tmp}/s3mpu-e2e-npm-$(printf %s "$root/tests/interop" | cksum | cut -d' ' -f1).lock"
        flock -w 600 8 || die "could not lock the npm install"
        log "installing tests/interop dev dependencies (npm ci)"
        (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error </dev/null >&2)
        touch "$stamp"
    )
fi

# ---- builds ------------------------------------------------------------------------------------
if [ ! -f js/s3mpu.wasm ] || [ ! -f js/s3mpu-md5.wasm ]; then
    log "js/s3mpu.wasm or js/s3mpu-md5.wasm is missing: scripts/build-wasm.sh"
    scripts/build-wasm.sh >&2
fi
native=
if [ -f bench/native/CMakeLists.txt ]; then
    bdir=build/bench-native
    log "building bench/native (Release, $bdir)"
    if cmake -S . -B "$bdir" -DCMAKE_BUILD_TYPE=Release -DS3MPU_BENCH=ON -DS3MPU_TESTS=OFF >"$bdir.log" 2>&1 \
        && cmake --build "$bdir" -j2 --target s3mpu_bench >>"$bdir.log" 2>&1; then
        native=$(find "$bdir" -type f -name s3mpu_bench -perm -u+x -print -quit)
    else
        log "bench/native did not build (see $bdir.log): the native figures are skipped"
    fi
fi
[ -z "$native" ] || export S3MPU_BENCH_NATIVE=$root/$native

# ---- RGW for the gateway runs ---------------------------------------------------------------------
server_dir=
# bench/link/emulator.mjs names its network namespaces after this prefix: any left by a
# killed run are deleted here.
export S3MPU_LINK_PREFIX=s3mpu-link-$$
on_exit() {
    local rc=$?
    trap - EXIT INT TERM HUP
    local ns
    for ns in $(ip netns list 2>/dev/null | awk -v p="$S3MPU_LINK_PREFIX-" 'index($1, p) == 1 { print $1 }'); do
        ip netns del "$ns" 2>/dev/null || true
    done
    if [ -n "$server_dir" ]; then
        tests/server/stop.sh --dir "$server_dir" >&2 || log "stop.sh failed"
        rm -f -- "$server_dir.lock"
    fi
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [ "$gateway" = 1 ]; then
    # shellcheck source=../tests/server/lib.sh
    . tests/server/lib.sh
    server_dir=/tmp/s3mpu-bench-rgw-$$
    log "starting RGW ($server_dir)"
    if s3mpu_rgw_start "$server_dir" $((9000 + $$ % 800)); then
        export S3MPU_BENCH_RGW_ENDPOINT=$S3MPU_RGW_ENDPOINT S3MPU_BENCH_RGW_REGION=$S3MPU_RGW_REGION
        export S3MPU_BENCH_RGW_ACCESS_KEY=$S3MPU_RGW_ACCESS_KEY S3MPU_BENCH_RGW_SECRET_KEY=$S3MPU_RGW_SECRET_KEY
        export S3MPU_BENCH_RGW_BUCKET=bench-bucket
        S3MPU_SERVER_DIR=$server_dir S3MPU_SERVER_PORT=$S3MPU_RGW_PORT \
            tests/server/mkbucket.sh --endpoint "$S3MPU_BENCH_RGW_ENDPOINT" "$S3MPU_BENCH_RGW_BUCKET" >&2
    else
        log "RGW did not start: the gateway runs are skipped"
        server_dir=
    fi
fi

# ---- run ---------------------------------------------------------------------------------------------
args=()
case $mode in
    smoke) args+=(--smoke) ;;
    full) args+=(--full) ;;
esac
rc=0
node bench/run.mjs ${args[@]+"${args[@]}"} ${extra[@]+"${extra[@]}"} || rc=$?
if [ "$mode" = smoke ]; then
    out=build/bench-smoke.md
else
    out=BENCHMARKS.md
fi
if [ "$rc" = 0 ]; then
    log "wrote $out"
else
    log "bench/run.mjs failed (exit $rc): see its failures above and in $out"
fi
exit "$rc"
