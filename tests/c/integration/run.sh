#!/usr/bin/env bash
# Build and run the C integration suite (and the C example) against a throwaway Ceph RGW.
#
#   tests/c/integration/run.sh [BUILD_DIR] [ctest args...]     e.g. run.sh build/integ -V
#
# BUILD_DIR defaults to build/integration. ctest starts the server (fixture rgw.start), runs
# every test labelled "integration" and stops it (rgw.stop), also when tests fail. Lines
# "note: ..." in the verbose output (-V) record what the server answered. Set
# S3MPU_TEST_ENDPOINT & co. (see fixture.sh) to test another store instead.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
build=$root/build/integration
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then build=$1; shift; fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DS3MPU_WERROR=ON -DS3MPU_INTEGRATION=ON >/dev/null
cmake --build "$build" -j2 --target s3mpu test_rgw s3mpu_c_upload
ctest --test-dir "$build" -L integration --output-on-failure "$@"
