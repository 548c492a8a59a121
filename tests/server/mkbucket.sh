#!/usr/bin/env bash
# Create bucket NAME on the test server (as the test user) and apply tests/server/cors.xml,
# so browser pages on http://localhost:* / http://127.0.0.1:* may use it. Idempotent.
#
#   tests/server/mkbucket.sh [--endpoint URL] NAME
#
# URL defaults to $S3MPU_ENDPOINT, else http://127.0.0.1:${S3MPU_SERVER_PORT:-7480}. Keys and
# region come from the environment (S3MPU_TEST_ACCESS_KEY_ID, S3MPU_TEST_SECRET_ACCESS_KEY,
# S3MPU_TEST_REGION) when set there, else from credentials.env (RGW's). A store without bucket
# CORS (Swift s3api answers 501 NotImplemented) gets the bucket alone, and a note saying so.
# Signs with curl's built-in SigV4. Two things curl 7.88 does not do for us, and RGW insists on:
# an x-amz-content-sha256 header (we send the body's hash), and a canonical query of "cors="
# for the bare "?cors" subresource (so we write the URL as "?cors=").
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
given=("${S3MPU_TEST_ACCESS_KEY_ID:-}" "${S3MPU_TEST_SECRET_ACCESS_KEY:-}" "${S3MPU_TEST_REGION:-}")
# shellcheck source=credentials.env
. "$here/credentials.env"
S3MPU_TEST_ACCESS_KEY_ID=${given[0]:-$S3MPU_TEST_ACCESS_KEY_ID}
S3MPU_TEST_SECRET_ACCESS_KEY=${given[1]:-$S3MPU_TEST_SECRET_ACCESS_KEY}
S3MPU_TEST_REGION=${given[2]:-$S3MPU_TEST_REGION}

endpoint=${S3MPU_ENDPOINT:-http://127.0.0.1:${S3MPU_SERVER_PORT:-7480}}
usage() { echo "usage: $0 [--endpoint URL] NAME" >&2; exit 2; }
name=
while [ $# -gt 0 ]; do
    case $1 in
        --endpoint) [ $# -ge 2 ] || usage; endpoint=$2; shift 2 ;;
        --endpoint=*) endpoint=${1#*=}; shift ;;
        -h|--help|-*) usage ;;
        *) [ -z "$name" ] || usage; name=$1; shift ;;
    esac
done
[ -n "$name" ] || usage
endpoint=${endpoint%/}

# s3 METHOD PATH_AND_QUERY [BODY_FILE [extra curl args...]]: prints the HTTP status; body -> $resp
resp=$(mktemp)
netrc=$(mktemp) # curl's --user splits at the first colon; Swift's access keys have one
trap 'rm -f "$resp" "$netrc"' EXIT
printf 'default login %s password %s\n' "$S3MPU_TEST_ACCESS_KEY_ID" "$S3MPU_TEST_SECRET_ACCESS_KEY" >"$netrc"
s3() {
    local method=$1 target=$2 body=${3:-} sha
    shift $(($# < 3 ? $# : 3))
    local data=()
    if [ -n "$body" ]; then
        sha=$(sha256sum "$body" | cut -d' ' -f1)
        data=(--data-binary "@$body")
    else
        sha=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 # sha256("")
    fi
    curl -sS --max-time 30 -o "$resp" -w '%{http_code}' -X "$method" \
        --aws-sigv4 "aws:amz:$S3MPU_TEST_REGION:s3" \
        --netrc-file "$netrc" \
        -H "x-amz-content-sha256: $sha" ${data[@]+"${data[@]}"} "$@" "$endpoint$target" </dev/null
}

# A 503 (Swift s3api, just started: "Please reduce your request rate" while its account and
# container services come up) is retried for up to ~15 s; anything else is final.
for delay in 0.2 0.5 1 1 2 2 3 3 3; do
    code=$(s3 PUT "/$name")
    [ "$code" = 503 ] || break
    echo "mkbucket.sh: create $name: HTTP 503, again in $delay s" >&2
    sleep "$delay"
done
case $code in
    200) ;;
    409) grep -q BucketAlreadyOwnedByYou "$resp" || { cat "$resp" >&2; echo >&2; exit 1; } ;;
    *) echo "mkbucket.sh: create $name: HTTP $code" >&2; cat "$resp" >&2; echo >&2; exit 1 ;;
esac

cors=$here/cors.xml
md5=$(python3 -c 'import base64,hashlib,sys; print(base64.b64encode(hashlib.md5(open(sys.argv[1],"rb").read()).digest()).decode())' "$cors")
code=$(s3 PUT "/$name?cors=" "$cors" -H "Content-MD5: $md5" -H 'Content-Type: application/xml')
if [ "$code" = 501 ] && grep -q NotImplemented "$resp"; then
    echo "mkbucket.sh: bucket $name ready; this store has no bucket CORS (PutBucketCors: 501 NotImplemented)" >&2
    exit 0
elif [ "$code" != 200 ]; then
    echo "mkbucket.sh: put cors on $name: HTTP $code" >&2; cat "$resp" >&2; echo >&2; exit 1
fi
echo "mkbucket.sh: bucket $name ready with CORS for http://localhost:* and http://127.0.0.1:*" >&2
