#!/usr/bin/env bash
# demo.sh -- s3mpu's main job end to end: a 64 MiB file of random bytes
# uploaded in parts by the s3mpu command line (progress on stderr), its ETag
# checked against one computed here and against the server's, via a
# presigned HEAD with curl.
#
#   scripts/demo.sh
#       builds the wasm core if needed (scripts/wasm-deps.sh + the "wasi"
#       preset, copied to js/s3mpu.wasm), starts a throwaway local RGW
#       (tests/server/start.sh, own dir and port), creates a bucket, uploads,
#       and stops the server on exit.
#   S3MPU_ENDPOINT=https://... S3MPU_BUCKET=my-bucket S3MPU_REGION=... \
#   S3MPU_ACCESS_KEY_ID=... S3MPU_SECRET_ACCESS_KEY=... scripts/demo.sh
#       uploads to that store instead (the object is left there: demo/KEY).
#
# Environment: S3MPU_DEMO_MIB (file size, default 64), S3MPU_DEMO_PART
# (default 16MiB), S3MPU_DEMO_PORT (the local server's port; default: a free
# one from 7600). Runs unattended (CI); exit status 0 only when verified.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
mib=${S3MPU_DEMO_MIB:-64}
part=${S3MPU_DEMO_PART:-16MiB}
log() { printf 'demo: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

command -v node >/dev/null || die "node is not installed (Node >= 18.17)"
command -v curl >/dev/null || die "curl is not installed"
# shellcheck source=../tests/server/lib.sh
. tests/server/lib.sh
if [ -n "${S3MPU_DEMO_PORT:-}" ] && [ -z "${S3MPU_ENDPOINT:-}" ]; then
    [[ $S3MPU_DEMO_PORT =~ ^[0-9]+$ ]] && [ "$S3MPU_DEMO_PORT" -ge 1 ] && [ "$S3MPU_DEMO_PORT" -le 55535 ] ||
        die "S3MPU_DEMO_PORT=$S3MPU_DEMO_PORT is not a port number from 1 to 55535"
    ! s3mpu_port_busy "$S3MPU_DEMO_PORT" || die "S3MPU_DEMO_PORT=$S3MPU_DEMO_PORT is in use: pick a free port, or leave it unset"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/s3mpu-demo.XXXXXX")
server_dir=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$server_dir" ]; then
        log "stopping the local server"
        tests/server/stop.sh --dir "$server_dir" >/dev/null 2>&1 || log "stop.sh failed (dir $server_dir)"
        rm -f -- "$server_dir.lock"
    fi
    rm -rf -- "$work"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the wasm core ------------------------------------------------------------------
if [ -f build/wasi/CMakeCache.txt ]; then
    # Configured before: an incremental build keeps js/s3mpu.wasm current.
    cmake --build --preset wasi >&2
    cp build/wasi/wasm/s3mpu.wasm build/wasi/wasm/s3mpu-md5.wasm js/
elif [ ! -f js/s3mpu.wasm ] || [ ! -f js/s3mpu-md5.wasm ]; then
    log "building the wasm core (first time: toolchain and dependencies)"
    scripts/wasm-deps.sh wasi >&2
    cmake --preset wasi >&2
    cmake --build --preset wasi >&2
    cp build/wasi/wasm/s3mpu.wasm build/wasi/wasm/s3mpu-md5.wasm js/
fi

# ---- the store ------------------------------------------------------------------------
if [ -n "${S3MPU_ENDPOINT:-}" ]; then
    : "${S3MPU_BUCKET:?S3MPU_BUCKET must name an existing bucket with S3MPU_ENDPOINT}"
    if [ -z "${S3MPU_ACCESS_KEY_ID:-${AWS_ACCESS_KEY_ID:-}}" ]; then
        die "set S3MPU_ACCESS_KEY_ID and S3MPU_SECRET_ACCESS_KEY (or the AWS_* ones) with S3MPU_ENDPOINT"
    fi
    bucket=$S3MPU_BUCKET
    log "uploading to $S3MPU_ENDPOINT, bucket $bucket"
else
    server_dir=/tmp/s3mpu-demo-$$
    log "starting a local RGW (tests/server/start.sh; first run installs Ceph packages)"
    s3mpu_rgw_start "$server_dir" $((7600 + $$ % 300)) "${S3MPU_DEMO_PORT:-}" || die "the local server did not start"
    export S3MPU_ENDPOINT=$S3MPU_RGW_ENDPOINT S3MPU_REGION=$S3MPU_RGW_REGION
    export S3MPU_ACCESS_KEY_ID=$S3MPU_RGW_ACCESS_KEY S3MPU_SECRET_ACCESS_KEY=$S3MPU_RGW_SECRET_KEY
    unset S3MPU_SESSION_TOKEN
    bucket=s3mpu-demo
    tests/server/mkbucket.sh --endpoint "$S3MPU_ENDPOINT" "$bucket" >&2
fi

# ---- the upload ------------------------------------------------------------------------
file=$work/random-${mib}MiB.bin
key=demo/random-${mib}MiB-$(date -u +%Y%m%dT%H%M%SZ).bin
log "writing $mib MiB of random bytes to $file"
head -c "$((mib * 1024 * 1024))" /dev/urandom >"$file"

log "s3mpu cp $file s3://$bucket/$key --part-size $part"
etag=$(node js/bin/s3mpu.js cp "$file" "s3://$bucket/$key" --part-size "$part" | tr -d '"') # printed quoted, as S3 gives it

# The ETag S3 gives a multipart object: md5 of the parts' md5s, "-" part count
# (a single PutObject: the md5 of the bytes). Part size as the CLI planned it.
expected=$(node --input-type=module - "$file" "$part" <<'EOF'
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseSize } from './js/src/cli/args.js';
const [file, part] = process.argv.slice(2);
const bytes = readFileSync(file);
const size = parseSize(part);
if (bytes.length <= size) {
  console.log(createHash('md5').update(bytes).digest('hex'));
} else {
  const md5s = [];
  for (let at = 0; at < bytes.length; at += size) md5s.push(createHash('md5').update(bytes.subarray(at, at + size)).digest());
  console.log(`${createHash('md5').update(Buffer.concat(md5s)).digest('hex')}-${md5s.length}`);
}
EOF
)
# What the server says, asked through a presigned HEAD (plain curl, no s3mpu code).
head_url=$(node js/bin/s3mpu.js presign "s3://$bucket/$key" --method head --expires 300)
server=$(curl -sfI "$head_url" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p')
length=$(curl -sfI "$head_url" | tr -d '\r' | sed -n 's/^[Cc]ontent-[Ll]ength: *//p')

echo "s3://$bucket/$key"
echo "ETag from s3mpu:    $etag"
echo "ETag computed here: $expected"
echo "ETag from HEAD:     $server ($length bytes)"
[ "$etag" = "$expected" ] || die "the ETag differs from the one computed from the file"
[ "$server" = "$expected" ] || die "the server's ETag differs"
[ "$length" = "$((mib * 1024 * 1024))" ] || die "the object has $length bytes, not $((mib * 1024 * 1024))"
echo "verified"
