#!/usr/bin/env bash
# Run s3mpu's JavaScript tests (tests/js/**/*.test.mjs) with node's test runner against a real
# S3 server.
#
#   scripts/test-js.sh [node --test options...] [test files or directories...]
#
# Unless S3MPU_TEST_ENDPOINT is set (then that store is used, with S3MPU_TEST_REGION,
# S3MPU_TEST_ACCESS_KEY_ID, S3MPU_TEST_SECRET_ACCESS_KEY and optionally S3MPU_TEST_BUCKET),
# starts a throwaway gateway in a directory and on a port of its own: Ceph RGW
# (tests/server/start.sh), or Swift s3api (tests/server/swift/start.sh) with
# S3MPU_TEST_GATEWAY=swift. It exports its settings as S3MPU_TEST_* (S3MPU_TEST_STORE=rgw or
# swift) and stops it on exit (success, failure or signal); S3MPU_TEST_KEEP_SERVER=1 leaves it
# running under /tmp/s3mpu-jstest-keep[-swift] instead, for the next run to reuse. Installs tests/js's dev dependencies (npm ci) when node_modules
# is missing or older than the lockfile.
#
# S3MPU_WASM_BUILDS="wasi emscripten" runs the whole suite once per build with
# S3MPU_WASM=build/<b>/wasm/s3mpu.wasm (one server for all passes); otherwise one pass with
# S3MPU_WASM as given. Exits 0 when every pass passed, else the first failing status.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jsdir=$root/tests/js
server=$root/tests/server
gateway=${S3MPU_TEST_GATEWAY:-rgw}
case $gateway in
    rgw) gateway_dir=$server gateway_marker=.s3mpu-rgw gateway_name=RGW gateway_suffix= ;;
    swift) gateway_dir=$server/swift gateway_marker=.s3mpu-swift gateway_name="Swift s3api" gateway_suffix=-swift ;;
    *) echo "test-js.sh: S3MPU_TEST_GATEWAY must be rgw or swift, not '$gateway'" >&2; exit 2 ;;
esac
log() { printf 'test-js.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

server_dir= # set once we own a server to stop
node_pid=
tmp=$(mktemp -d)
# shellcheck disable=SC2317 # run by the traps
on_exit() {
    local rc=$?
    trap - EXIT INT TERM HUP
    if [ -n "$node_pid" ]; then kill -TERM -- "-$node_pid" 2>/dev/null || true; fi
    if [ -n "$server_dir" ]; then
        if [ -n "${S3MPU_TEST_KEEP_SERVER:-}" ]; then
            log "S3MPU_TEST_KEEP_SERVER set: leaving the server under $server_dir running"
        else
            if "$gateway_dir/stop.sh" --dir "$server_dir"; then
                rm -f -- "$server_dir.lock"
            else
                log "stop.sh failed"
            fi
        fi
    fi
    rm -rf -- "$tmp"
    exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

command -v node >/dev/null || die "node is not installed"
# The SDK (pinned by the lockfile) warns on every test process that later versions will need
# node 22: noise here.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=${AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED:-true}
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "node >= 20 needed, found $(node --version)"

# ---- arguments: node options pass through; paths select test files ------------------
node_opts=()
files=()
own_reporter=0
for a in "$@"; do
    if [ -e "$a" ] && [ "${a#-}" = "$a" ]; then
        if [ -d "$a" ]; then
            while IFS= read -r f; do files+=("$f"); done < <(
                find "$a" -name node_modules -prune -o -type f -name '*.test.mjs' -print | sort)
        else
            files+=("$a")
        fi
    else
        node_opts+=("$a")
        case $a in --test-reporter|--test-reporter=*) own_reporter=1 ;; esac
    fi
done
if [ $# -eq 0 ] || [ ${#files[@]} -eq 0 ]; then
    while IFS= read -r f; do files+=("$f"); done < <(
        find "$jsdir" -name node_modules -prune -o -type f -name '*.test.mjs' -print | sort)
fi
[ ${#files[@]} -gt 0 ] || die "no test files (*.test.mjs) under $jsdir"

# ---- dev dependencies ------------------------------------------------------------------
# npm writes node_modules/.package-lock.json on every install: older than the lockfile (or
# missing) means stale. One npm ci at a time (the lock lives outside the tree).
stamp=$jsdir/node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ "$jsdir/package-lock.json" -nt "$stamp" ] || [ "$jsdir/package.json" -nt "$stamp" ]; then
    command -v npm >/dev/null || die "npm is not installed"
    (
        lock=${TMPDIR:-/tmp}/s3mpu-jstest-npm-$(printf %s "$jsdir" | cksum | cut -d' ' -f1).lock
        exec 8>"$lock"
        flock -w 600 8 || die "could not lock $lock"
        if [ ! -f "$stamp" ] || [ "$jsdir/package-lock.json" -nt "$stamp" ] || [ "$jsdir/package.json" -nt "$stamp" ]; then
            log "installing tests/js dev dependencies (npm ci)"
            t0=$SECONDS
            (cd "$jsdir" && npm ci --no-audit --no-fund --loglevel=error </dev/null >&2)
            touch "$stamp"
            log "npm ci took $((SECONDS - t0)) s"
        fi
    )
fi

# ---- the S3 server ---------------------------------------------------------------------
# shellcheck source=../tests/server/lib.sh
. "$server/lib.sh"
if [ -n "${S3MPU_TEST_ENDPOINT:-}" ]; then
    log "S3MPU_TEST_ENDPOINT=$S3MPU_TEST_ENDPOINT: testing that store, starting no server"
    : "${S3MPU_TEST_ACCESS_KEY_ID:?S3MPU_TEST_ACCESS_KEY_ID must be set with S3MPU_TEST_ENDPOINT}"
    : "${S3MPU_TEST_SECRET_ACCESS_KEY:?S3MPU_TEST_SECRET_ACCESS_KEY must be set with S3MPU_TEST_ENDPOINT}"
    export S3MPU_TEST_REGION=${S3MPU_TEST_REGION:-us-east-1}
else
    t0=$SECONDS
    port=
    if [ -n "${S3MPU_TEST_KEEP_SERVER:-}" ]; then
        server_dir=${S3MPU_TEST_SERVER_DIR:-/tmp/s3mpu-jstest-keep${gateway_suffix}}
        # A kept server keeps its port, so start.sh can reuse it.
        [ -f "$server_dir/$gateway_marker" ] && port=$(sed -n 's/^port=//p' "$server_dir/$gateway_marker")
    else
        server_dir=${S3MPU_TEST_SERVER_DIR:-/tmp/s3mpu-jstest${gateway_suffix}-$$}
    fi
    # Never the default /tmp/s3mpu-rgw on 7480 (others may be using it).
    s3mpu_gateway_start "$gateway" "$server_dir" $((8000 + $$ % 900)) "$port" || die "could not start the S3 server"
    S3MPU_TEST_ENDPOINT=$S3MPU_RGW_ENDPOINT
    S3MPU_TEST_REGION=$S3MPU_RGW_REGION
    S3MPU_TEST_ACCESS_KEY_ID=$S3MPU_RGW_ACCESS_KEY
    S3MPU_TEST_SECRET_ACCESS_KEY=$S3MPU_RGW_SECRET_KEY
    export S3MPU_TEST_ENDPOINT S3MPU_TEST_REGION S3MPU_TEST_ACCESS_KEY_ID S3MPU_TEST_SECRET_ACCESS_KEY
    export S3MPU_TEST_STORE=$gateway
    unset S3MPU_TEST_BUCKET
    log "$gateway_name at $S3MPU_TEST_ENDPOINT (dir $server_dir) ready in $((SECONDS - t0)) s"
fi

# ---- the passes ------------------------------------------------------------------------
builds=()
if [ -n "${S3MPU_WASM_BUILDS:-}" ]; then
    for b in $S3MPU_WASM_BUILDS; do
        w=$root/build/$b/wasm/s3mpu.wasm
        [ -f "$w" ] || die "S3MPU_WASM_BUILDS names '$b' but $w does not exist (build it first)"
        builds+=("$b")
    done
fi
[ ${#builds[@]} -gt 0 ] || builds=("")

status=0
total_pass=0
total_fail=0
summaries=()
for b in "${builds[@]}"; do
    if [ -n "$b" ]; then
        export S3MPU_WASM=$root/build/$b/wasm/s3mpu.wasm
        export S3MPU_MD5_WASM=$root/build/$b/wasm/s3mpu-md5.wasm # s3mpu/direct's Worker, served by the test pages
        log "pass '$b': S3MPU_WASM=$S3MPU_WASM"
    fi
    tap=$tmp/pass-${b:-default}.tap
    reporters=()
    # Spec to the terminal, TAP to a file we count from (unless the caller chose reporters).
    [ "$own_reporter" = 1 ] || reporters=(--test-reporter=spec --test-reporter-destination=stdout
        --test-reporter=tap "--test-reporter-destination=$tap")
    t0=$SECONDS
    # Own process group, in the background: a signal to us can then end node and its test
    # processes at once (the trap), instead of waiting for them.
    (exec setsid node --test ${reporters[@]+"${reporters[@]}"} \
        ${node_opts[@]+"${node_opts[@]}"} "${files[@]}") </dev/null &
    node_pid=$!
    rc=0
    wait "$node_pid" || rc=$?
    node_pid=
    if [ -f "$tap" ]; then
        p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -n1)
        f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -n1)
        total_pass=$((total_pass + ${p:-0}))
        total_fail=$((total_fail + ${f:-0}))
        summaries+=("${b:-tests}: ${p:-0} passed, ${f:-0} failed in $((SECONDS - t0)) s (node exit $rc)")
    fi
    [ "$rc" = 0 ] || [ "$status" != 0 ] || status=$rc
done

for s in ${summaries[@]+"${summaries[@]}"}; do log "$s"; done
[ "$own_reporter" = 1 ] || echo "js: $total_pass passed, $total_fail failed"
exit "$status"
