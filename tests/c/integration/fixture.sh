#!/usr/bin/env bash
# The ctest fixture "rgw" of the C integration tests (see CMakeLists.txt here).
#
#   fixture.sh setup STATE            start a throwaway gateway on a free loopback port, create
#                                     the test bucket, write STATE: Ceph RGW
#                                     (tests/server/start.sh), or Swift s3api
#                                     (tests/server/swift/start.sh) with S3MPU_TEST_GATEWAY=swift
#   fixture.sh cleanup STATE          stop the server that setup started, remove STATE
#   fixture.sh example STATE UPLOADER run the native C example against the target and read
#                                     the object back with curl
#   fixture.sh example-sigint STATE UPLOADER [INT|TERM]   signal the example mid-upload:
#                                     it aborts the upload, nothing is left
#   fixture.sh example-https STATE UPLOADER   the example over https (a TLS front, --cacert)
#
# STATE holds KEY=value lines that test_rgw reads: S3MPU_TEST_ENDPOINT, S3MPU_TEST_REGION,
# S3MPU_TEST_ACCESS_KEY_ID, S3MPU_TEST_SECRET_ACCESS_KEY, S3MPU_TEST_BUCKET, S3MPU_TEST_STORE
# (rgw or swift: the gateway, whose known differences the tests skip or expect by name).
# With S3MPU_TEST_ENDPOINT set in the environment, no server is started: the tests use the
# environment (keys, region, and an existing bucket S3MPU_TEST_BUCKET, default s3mpu-ctest).
# S3MPU_TEST_KEEP_SERVER=1 makes cleanup leave the server running (the next setup reuses it).
# The server gets its own directory (/tmp/s3mpu-ctest[-swift]-<hash of STATE>) and port, so it never
# touches the default server of tests/server (/tmp/s3mpu-rgw, port 7480) others may be using.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server=$(cd "$here/../../server" && pwd)
usage() { echo "usage: $0 setup|cleanup STATE | example|example-sigint|example-https STATE UPLOADER" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1 state=$2
log() { printf 'fixture.sh: %s\n' "$*" >&2; }
gateway=${S3MPU_TEST_GATEWAY:-rgw}
case $gateway in
    rgw) suffix= ;;
    swift) suffix=-swift ;;
    *) log "S3MPU_TEST_GATEWAY must be rgw or swift, not '$gateway'"; exit 2 ;;
esac

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
    local dir=${S3MPU_TEST_SERVER_DIR:-/tmp/s3mpu-ctest$suffix-$hash} port endpoint
    local bucket=${S3MPU_TEST_BUCKET:-s3mpu-ctest} t0=$SECONDS
    # A server kept from the last run (S3MPU_TEST_KEEP_SERVER) keeps its port: start.sh reuses it.
    port=$(state_value S3MPU_TEST_SERVER_PORT)
    [ -n "$port" ] || port=${S3MPU_SERVER_PORT:-}
    s3mpu_gateway_start "$gateway" "$dir" $((7490 + hash % 500)) "$port" || { log "could not start the server"; exit 1; }
    endpoint=$S3MPU_RGW_ENDPOINT
    # mkbucket.sh signs with the gateway's keys.
    export S3MPU_TEST_ACCESS_KEY_ID=$S3MPU_RGW_ACCESS_KEY S3MPU_TEST_SECRET_ACCESS_KEY=$S3MPU_RGW_SECRET_KEY
    export S3MPU_TEST_REGION=$S3MPU_RGW_REGION
    "$server/mkbucket.sh" --endpoint "$endpoint" "$bucket"
    {
        echo "S3MPU_TEST_ENDPOINT=$endpoint"
        echo "S3MPU_TEST_REGION=$S3MPU_RGW_REGION"
        echo "S3MPU_TEST_ACCESS_KEY_ID=$S3MPU_RGW_ACCESS_KEY"
        echo "S3MPU_TEST_SECRET_ACCESS_KEY=$S3MPU_RGW_SECRET_KEY"
        echo "S3MPU_TEST_BUCKET=$bucket"
        echo "S3MPU_TEST_STORE=$gateway"
        echo "S3MPU_TEST_SERVER_DIR=$dir"
        echo "S3MPU_TEST_SERVER_PORT=$S3MPU_RGW_PORT"
    } >"$state.tmp"
    mv "$state.tmp" "$state"
    log "$gateway at $endpoint (dir $dir), bucket $bucket, ready in $((SECONDS - t0)) s"
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
    case $(state_value S3MPU_TEST_STORE) in
        swift) "$server/swift/stop.sh" --dir "$dir" ;;
        *) "$server/stop.sh" --dir "$dir" ;;
    esac
    rm -f "$state" "$dir.lock"
}

# The target of the example runs: the environment's store, or the fixture's server.
example_target() {
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
}

# GET with an independent client (curl --aws-sigv4) into FILE; PATH is URL-encoded.
s3_get() { # PATH_AND_QUERY FILE
    local code
    # A netrc, not --user: curl splits that at the first colon, and Swift's keys have one.
    printf 'default login %s password %s\n' "$access" "$secret" >"$tmp/netrc"
    code=$(curl -sS --max-time 120 -o "$2" -w '%{http_code}' \
        --aws-sigv4 "aws:amz:$region:s3" --netrc-file "$tmp/netrc" \
        -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
        "${endpoint%/}/$1")
    [ "$code" = 200 ] || { log "GET $1: HTTP $code"; exit 1; }
}

# The C example end to end: 11 MiB in 5 MiB parts, 3 at a time, ETag checked by the
# example itself (HEAD against s3mpu_multipart_etag_format), bytes checked here with curl.
example() {
    local uploader=${3:?uploader binary} etag
    example_target
    head -c $((11 * 1024 * 1024 + 7)) /dev/urandom >"$tmp/in"
    local key="ctest-example-$$/my file+1.bin"
    etag=$(S3MPU_ACCESS_KEY_ID=$access S3MPU_SECRET_ACCESS_KEY=$secret \
        "$uploader" "$tmp/in" "s3://$bucket/$key" --endpoint "$endpoint" --region "$region" \
        --part-size 5242880 --parallel 3)
    echo "example printed ETag $etag"
    case $etag in \"*-3\") ;; *) log "expected a 3-part ETag"; exit 1 ;; esac
    s3_get "$bucket/ctest-example-$$/my%20file%2B1.bin" "$tmp/out"
    cmp "$tmp/in" "$tmp/out"
    echo "1 passed, 0 failed"
}

# SIGINT (or $4: TERM) mid-upload (sent once Create has answered; --max-rate keeps the parts
# in flight for seconds): the example aborts the upload, exits 128 + the signal's number,
# and the server lists no upload left.
example_sigint() {
    local uploader=${3:?uploader binary} sig=${4:-INT} pid status=0 i want
    example_target
    head -c $((11 * 1024 * 1024)) /dev/urandom >"$tmp/in"
    local prefix="ctest-sigint-$$/"
    S3MPU_ACCESS_KEY_ID=$access S3MPU_SECRET_ACCESS_KEY=$secret \
        "$uploader" "$tmp/in" "s3://$bucket/${prefix}big.bin" --endpoint "$endpoint" \
        --region "$region" --part-size 5242880 --parallel 2 --max-rate 1048576 \
        2>"$tmp/err" &
    pid=$!
    for i in $(seq 600); do
        grep -q '^upload id ' "$tmp/err" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    grep -q '^upload id ' "$tmp/err" || { cat "$tmp/err" >&2; log "no upload was created"; exit 1; }
    kill -s "$sig" "$pid"
    wait "$pid" || status=$?
    cat "$tmp/err"
    want=$((128 + $(kill -l "$sig")))
    [ "$status" = "$want" ] || { log "exit status $status, expected $want (SIG$sig)"; exit 1; }
    grep -q 'aborted' "$tmp/err" || { log "the example did not say it aborted"; exit 1; }
    s3_get "$bucket?prefix=${prefix%/}%2F&uploads=" "$tmp/list" # sorted: curl 7.88 signs the query as given
    grep -q '<ListMultipartUploadsResult' "$tmp/list" || { log "not an upload list"; exit 1; }
    if grep -q '<UploadId>' "$tmp/list"; then
        cat "$tmp/list" >&2
        log "an upload is left on the server"
        exit 1
    fi
    echo "1 passed, 0 failed"
}

# The example over https: a throwaway certificate for 127.0.0.1, trusted with --cacert, and
# a TLS front (tls-proxy.mjs) before the gateway; the object is read back over plain http.
example_https() {
    local uploader=${3:?uploader binary} etag port i
    example_target
    case $endpoint in
        http://127.0.0.1:*) ;;
        *) echo "skipped: the TLS front needs the local gateway (http://127.0.0.1:PORT)"; return 0 ;;
    esac
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
        -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
        -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
    local target_port=${endpoint##*:}
    target_port=${target_port%%/*}
    mkfifo "$tmp/hold"
    node "$here/tls-proxy.mjs" "$tmp/cert.pem" "$tmp/key.pem" "$target_port" <"$tmp/hold" >"$tmp/port" &
    exec 9>"$tmp/hold" # the proxy stops when this closes (at exit)
    for i in $(seq 100); do
        port=$(head -n1 "$tmp/port")
        [ -z "$port" ] || break
        sleep 0.1
    done
    [ -n "$port" ] || { log "the TLS proxy did not start"; exit 1; }
    head -c $((6 * 1024 * 1024)) /dev/urandom >"$tmp/in"
    etag=$(S3MPU_ACCESS_KEY_ID=$access S3MPU_SECRET_ACCESS_KEY=$secret \
        "$uploader" "$tmp/in" "s3://$bucket/ctest-https-$$/obj.bin" \
        --endpoint "https://127.0.0.1:$port" --region "$region" --cacert "$tmp/cert.pem" \
        --part-size 5242880)
    echo "example printed ETag $etag over https://127.0.0.1:$port"
    case $etag in \"*-2\") ;; *) log "expected a 2-part ETag"; exit 1 ;; esac
    s3_get "$bucket/ctest-https-$$/obj.bin" "$tmp/out"
    cmp "$tmp/in" "$tmp/out"
    # Without --cacert the self-signed certificate is refused: nothing is sent.
    if S3MPU_ACCESS_KEY_ID=$access S3MPU_SECRET_ACCESS_KEY=$secret "$uploader" "$tmp/in" \
        "s3://$bucket/ctest-https-$$/untrusted.bin" --endpoint "https://127.0.0.1:$port" \
        --region "$region" 2>"$tmp/err"; then
        log "an untrusted certificate was accepted"
        exit 1
    fi
    grep -i 'certificate' "$tmp/err" | head -n1
    echo "1 passed, 0 failed"
}

case $cmd in
    setup) setup ;;
    cleanup) cleanup ;;
    example) example "$@" ;;
    example-sigint) example_sigint "$@" ;;
    example-https) example_https "$@" ;;
    *) usage ;;
esac
