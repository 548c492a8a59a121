#!/usr/bin/env bash
# Smoke test of a running test server with curl's SigV4: proves the server checks signatures
# and speaks the S3 calls s3mpu needs. Does not start or stop anything.
#
#   tests/server/selftest.sh [ENDPOINT]     (default $S3MPU_ENDPOINT or http://127.0.0.1:7480)
#
# Ends with "N passed, N failed"; exit status 1 if anything failed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=credentials.env
. "$here/credentials.env"

endpoint=${1:-${S3MPU_ENDPOINT:-http://127.0.0.1:${S3MPU_SERVER_PORT:-7480}}}
endpoint=${endpoint%/}
hostport=${endpoint#http://}
port=${hostport##*:}
bucket=s3mpu-selftest-$$
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }
# req SECRET URL METHOD BODY_FILE|'' [curl args...]: prints HTTP status; body -> $tmp/out,
# headers -> $tmp/hdr. Query subresources are written "?name=": curl 7.88 signs the query as is.
req() {
    local secret=$1 url=$2 method=$3 body=$4 sha
    shift 4
    local data=()
    if [ -n "$body" ]; then sha=$(sha_of "$body"); data=(--data-binary "@$body")
    else sha=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855; fi
    sha=${SHA_OVERRIDE:-$sha}
    curl -sS --max-time 60 -o "$tmp/out" -D "$tmp/hdr" -w '%{http_code}' -X "$method" \
        --aws-sigv4 "aws:amz:$S3MPU_TEST_REGION:s3" --user "$S3MPU_TEST_ACCESS_KEY_ID:$secret" \
        -H "x-amz-content-sha256: $sha" ${data[@]+"${data[@]}"} "$@" "$url" </dev/null || true
}
s3() { req "$S3MPU_TEST_SECRET_ACCESS_KEY" "$endpoint$1" "${@:2}"; }
has() { grep -q "$1" "$tmp/out"; }

code=$(s3 / GET '')
[ "$code" = 200 ] && has ListAllMyBucketsResult && ok "ListBuckets" || bad "ListBuckets: $code"

"$here/mkbucket.sh" --endpoint "$endpoint" "$bucket" 2>"$tmp/mk.err" && ok "mkbucket.sh $bucket" ||
    { bad "mkbucket.sh: $(cat "$tmp/mk.err")"; }

touch "$tmp/out" "$tmp/hdr"
head -c 100000 /dev/urandom >"$tmp/obj"
code=$(s3 "/$bucket/dir/obj.bin" PUT "$tmp/obj")
[ "$code" = 200 ] && ok "PutObject" || bad "PutObject: $code $(cat "$tmp/out")"
code=$(s3 "/$bucket/dir/obj.bin" GET '')
[ "$code" = 200 ] && cmp -s "$tmp/obj" "$tmp/out" && ok "GetObject returns the same bytes" ||
    bad "GetObject: $code"

code=$(curl -sS -o "$tmp/out" -w '%{http_code}' "$endpoint/$bucket/dir/obj.bin" || true)
[ "$code" = 403 ] && has AccessDenied && ok "anonymous GET: 403 AccessDenied" || bad "anonymous GET: $code"

code=$(req wrong-secret "$endpoint/$bucket/dir/obj.bin" GET '')
[ "$code" = 403 ] && has SignatureDoesNotMatch && ok "wrong secret: 403 SignatureDoesNotMatch" ||
    bad "wrong secret: $code $(cat "$tmp/out")"

code=$(SHA_OVERRIDE=$(printf %064d 0) s3 "/$bucket/bad-hash" PUT "$tmp/obj")
[ "$code" = 400 ] && has XAmzContentSHA256Mismatch && ok "wrong payload hash: 400 XAmzContentSHA256Mismatch" ||
    bad "wrong payload hash: $code $(cat "$tmp/out")"

# Virtual-hosted style, Host: BUCKET.localhost:PORT (rgw dns name = localhost).
code=$(req "$S3MPU_TEST_SECRET_ACCESS_KEY" "http://$bucket.localhost:$port/dir/obj.bin" GET '' \
    --resolve "$bucket.localhost:$port:127.0.0.1")
[ "$code" = 200 ] && cmp -s "$tmp/obj" "$tmp/out" && ok "virtual-hosted GET ($bucket.localhost:$port)" ||
    bad "virtual-hosted GET: $code $(cat "$tmp/out")"

# Multipart upload: 5 MiB + a small last part.
head -c $((5 * 1024 * 1024)) /dev/urandom >"$tmp/p1"
head -c 12345 /dev/urandom >"$tmp/p2"
cat "$tmp/p1" "$tmp/p2" >"$tmp/whole"
key=multi/part.bin
code=$(s3 "/$bucket/$key?uploads=" POST '')
upload_id=$(sed -n 's:.*<UploadId>\([^<]*\)</UploadId>.*:\1:p' "$tmp/out")
if [ "$code" = 200 ] && [ -n "$upload_id" ]; then
    ok "CreateMultipartUpload ($upload_id)"
    etags=()
    for n in 1 2; do
        code=$(s3 "/$bucket/$key?partNumber=$n&uploadId=$upload_id" PUT "$tmp/p$n")
        etag=$(tr -d '\r' <"$tmp/hdr" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p')
        [ "$code" = 200 ] && [ -n "$etag" ] && ok "UploadPart $n ($etag)" || bad "UploadPart $n: $code"
        etags+=("$etag")
    done
    code=$(s3 "/$bucket/$key?uploadId=$upload_id" GET '')
    [ "$code" = 200 ] && [ "$(grep -o '<PartNumber>' "$tmp/out" | wc -l)" = 2 ] && ok "ListParts" ||
        bad "ListParts: $code"
    {
        echo '<CompleteMultipartUpload>'
        for n in 1 2; do echo "<Part><PartNumber>$n</PartNumber><ETag>${etags[n-1]}</ETag></Part>"; done
        echo '</CompleteMultipartUpload>'
    } >"$tmp/complete.xml"
    code=$(s3 "/$bucket/$key?uploadId=$upload_id" POST "$tmp/complete.xml" -H 'Content-Type: application/xml')
    # RGW 16.2 answers <ETag></ETag> here (fixed upstream later); HEAD has the real one.
    [ "$code" = 200 ] && has '<CompleteMultipartUploadResult' && ok "CompleteMultipartUpload" ||
        bad "CompleteMultipartUpload: $code $(cat "$tmp/out")"
    code=$(s3 "/$bucket/$key" HEAD '' -I)
    [ "$code" = 200 ] && grep -qi '^ETag: "[0-9a-f]*-2"' "$tmp/hdr" && ok "HeadObject ETag ends in -2" ||
        bad "HeadObject: $code $(cat "$tmp/hdr")"
    code=$(s3 "/$bucket/$key" GET '')
    [ "$code" = 200 ] && cmp -s "$tmp/whole" "$tmp/out" && ok "multipart object reads back" ||
        bad "multipart GET: $code"
else
    bad "CreateMultipartUpload: $code $(cat "$tmp/out")"
fi

# An abandoned upload can be aborted and is gone afterwards. RGW 16.2 quirk: ListParts of
# an aborted upload says 404 NoSuchKey (AWS: NoSuchUpload); a second abort says NoSuchUpload.
code=$(s3 "/$bucket/aborted?uploads=" POST '')
upload_id=$(sed -n 's:.*<UploadId>\([^<]*\)</UploadId>.*:\1:p' "$tmp/out")
code=$(s3 "/$bucket/aborted?uploadId=$upload_id" DELETE '')
[ -n "$upload_id" ] && [ "$code" = 204 ] && ok "AbortMultipartUpload" || bad "AbortMultipartUpload: $code"
code=$(s3 "/$bucket/aborted?uploadId=$upload_id" GET '')
[ "$code" = 404 ] && ok "ListParts after abort: 404" || bad "ListParts after abort: $code $(cat "$tmp/out")"
code=$(s3 "/$bucket/aborted?uploadId=$upload_id" DELETE '')
[ "$code" = 404 ] && has NoSuchUpload && ok "second abort: 404 NoSuchUpload" ||
    bad "second abort: $code $(cat "$tmp/out")"

code=$(curl -sS -o /dev/null -D "$tmp/hdr" -w '%{http_code}' -X OPTIONS \
    -H 'Origin: http://localhost:5173' -H 'Access-Control-Request-Method: PUT' \
    -H 'Access-Control-Request-Headers: authorization,x-amz-date,x-amz-content-sha256' \
    "$endpoint/$bucket/dir/obj.bin" || true)
[ "$code" = 200 ] && grep -qi '^Access-Control-Expose-Headers: ETag' "$tmp/hdr" && ok "CORS preflight" ||
    bad "CORS preflight: $code"

# Clean up: objects, then the bucket.
for k in dir/obj.bin "$key"; do s3 "/$bucket/$k" DELETE '' >/dev/null || true; done
code=$(s3 "/$bucket" DELETE '')
[ "$code" = 204 ] && ok "DeleteBucket" || bad "DeleteBucket: $code $(cat "$tmp/out")"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
