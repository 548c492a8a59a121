#!/usr/bin/env bash
# The README's "build against the installed library" steps, as a newcomer runs them:
#
#   installed.sh STATE BUILD_DIR
#
# installs BUILD_DIR (cmake --install) into a temporary prefix, builds examples/c/upload.c
# against that installed copy twice, with pkg-config and with find_package(s3mpu)
# (cmake -S examples/c), and runs each build against the test target (fixture.sh example:
# an 11 MiB upload read back byte for byte). STATE is the ctest fixture's state file.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
state=${1:?state file} build=${2:?build directory}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null

echo "== pkg-config"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
pkg-config --cflags --libs s3mpu libcurl
# shellcheck disable=SC2046 # word splitting of pkg-config's flags is intended
cc -std=c11 -Wall -Werror -o "$tmp/upload-pkgconfig" "$root/examples/c/upload.c" \
    $(pkg-config --cflags --libs s3mpu libcurl)
bash "$here/fixture.sh" example "$state" "$tmp/upload-pkgconfig"

echo "== find_package(s3mpu)"
cmake -S "$root/examples/c" -B "$tmp/example" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$tmp/example" >/dev/null
bash "$here/fixture.sh" example "$state" "$tmp/example/s3mpu-c-upload"
