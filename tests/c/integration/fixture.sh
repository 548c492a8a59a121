#!/usr/bin/env bash
# The ctest fixture "rgw" of the C integration tests (see CMakeLists.txt here).
#
#   fixture.sh setup STATE            start a throwaway Ceph RGW (tests/server/start.sh) on a
#                                     free loopback port, create the test bucket, write STATE
#   fixture.sh cleanup STATE          stop the server that setup started, remove STATE
#   fixture.sh example STATE UPLOADER run the native C example against the target and read
#                                     the object back with curl
#
# STATE holds KEY=value lines that test_rgw reads: S3MPU_TEST_ENDPOINT, S3MPU_TEST_REGION,
# S3MPU_TEST_ACCESS_KEY_ID, S3MPU_TEST_SECRET_ACCESS_KEY, S3MPU_TEST_BUCKET, S3MPU_TEST_STORE.
# With S3MPU_TEST_ENDPOINT set in the environment, no server is started: the tests use the
# environment (keys, region, and an existing bucket S3MPU_TEST_BUCKET, default s3mpu-ctest).
# S3MPU_TEST_KEEP_SERVER=1 makes cleanup leave the server running (the next setup reuses it).
# The server gets its own directory (/tmp/s3mpu-ctest-<hash of STATE>) and port, so it never
# touches the default server of tests/server (/tmp/s3mpu-rgw, port 7480) others may be using.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server=$(cd "$here/../../server" && pwd)
usage() { echo "usage: $0 setup|cleanup STATE | example STATE UPLOADER" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1 state=$2
log() { printf 'fixture.sh: %s\n' "$*" >&2; }

hash=$(printf %s "$state" | cksum | cut -d' ' -f1)
# shellcheck source=../../server/lib.sh
. "$server/lib.sh"
state_value() { [ -f "$state" ] && sed -n "s/^$1=//p" "$state" | head -n1 || true; }

setup() {
    if [ -n "${S3MPU_TEST_ENDPOINT:-}" ]; then
        log "S3MPU_TEST_ENDPOINT=$S3MPU_TEST_ENDPOINT: testing that store, starting no server"
        rm -f "$state"
        return 0
    fi
    local dir=${S3MPU_TEST_SERVER_DIR:-/tmp/s3mpu-ctest-$hash} port endpoint
    local bucket=${S3MPU_TEST_BUCKET:-s3mpu-ctest} t0=$SECONDS
    # A server kept from the last run (S3MPU_TEST_KEEP_SERVER) keeps its port: start.sh reuses it.
    port=$(state_value S3MPU_TEST_SERVER_PORT)
    [ -n "$port" ] || port=${S3MPU_SERVER_PORT:-}
    s3mpu_rgw_start "$dir" $((7490 + hash % 500)) "$port" || { log "could not start the server"; exit 1; }
    endpoint=$S3MPU_RGW_ENDPOINT
    "$server/mkbucket.sh" --endpoint "$endpoint" "$bucket"
    {
        echo "S3MPU_TEST_ENDPOINT=$endpoint"
        echo "S3MPU_TEST_REGION=$S3MPU_RGW_REGION"
        echo "S3MPU_TEST_ACCESS_KEY_ID=$S3MPU_RGW_ACCESS_KEY"
        echo "S3MPU_TEST_SECRET_ACCESS_KEY=$S3MPU_RGW_SECRET_KEY"
        echo "S3MPU_TEST_BUCKET=$bucket"
        echo "S3MPU_TEST_STORE=rgw"
        echo "S3MPU_TEST_SERVER_DIR=$dir"
        echo "S3MPU_TEST_SERVER_PORT=$S3MPU_RGW_PORT"
    } >"$state.tmp"
    mv "$state.tmp" "$state"
    log "RGW at $endpoint (dir $dir), bucket $bucket, ready in $((SECONDS - t0)) s"
}

cleanup() {
    local dir
    [ -f "$state" ] || return 0
    dir=$(state_value S3MPU_TEST_SERVER_DIR)
    [ -n "$dir" ] || return 0
    if [ -n "${S3MPU_TEST_KEEP_SERVER:-}" ]; then
        log "S3MPU_TEST_KEEP_SERVER set: leaving the server under $dir running"
        return 0
    fi
    "$server/stop.sh" --dir "$dir"
    rm -f "$state"
}

# The C example end to end: 11 MiB in 5 MiB parts, ETag checked by the example itself
# (HEAD against s3mpu_multipart_etag), bytes checked here with curl.
example() {
    local uploader=${3:?uploader binary}
    local endpoint region access secret bucket etag code
    if [ -n "${S3MPU_TEST_ENDPOINT:-}" ]; then
        endpoint=$S3MPU_TEST_ENDPOINT region=${S3MPU_TEST_REGION:-us-east-1}
        access=${S3MPU_TEST_ACCESS_KEY_ID:?} secret=${S3MPU_TEST_SECRET_ACCESS_KEY:?}
        bucket=${S3MPU_TEST_BUCKET:-s3mpu-ctest}
    else
        endpoint=$(state_value S3MPU_TEST_ENDPOINT) region=$(state_value S3MPU_TEST_REGION)
        access=$(state_value S3MPU_TEST_ACCESS_KEY_ID) secret=$(state_value S3MPU_TEST_SECRET_ACCESS_KEY)
        bucket=$(state_value S3MPU_TEST_BUCKET)
        [ -n "$endpoint" ] || { log "no state file $state: did the setup run?"; exit 1; }
    fi
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    head -c $((11 * 1024 * 1024 + 7)) /dev/urandom >"$tmp/in"
    local key="ctest-example-$$/my file+1.bin"
    etag=$(S3MPU_ACCESS_KEY_ID=$access S3MPU_SECRET_ACCESS_KEY=$secret \
        "$uploader" "$tmp/in" "s3://$bucket/$key" --endpoint "$endpoint" --region "$region" \
        --part-size 5242880)
    echo "example printed ETag $etag"
    case $etag in \"*-3\") ;; *) log "expected a 3-part ETag"; exit 1 ;; esac
    code=$(curl -sS --max-time 120 -o "$tmp/out" -w '%{http_code}' \
        --aws-sigv4 "aws:amz:$region:s3" --user "$access:$secret" \
        -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
        "${endpoint%/}/$bucket/ctest-example-$$/my%20file%2B1.bin")
    [ "$code" = 200 ] || { log "GET: HTTP $code"; exit 1; }
    cmp "$tmp/in" "$tmp/out"
    echo "1 passed, 0 failed"
}

case $cmd in
    setup) setup ;;
    cleanup) cleanup ;;
    example) example "$@" ;;
    *) usage ;;
esac
