#!/usr/bin/env bash
# soak.sh -- uploads through the fault-injecting proxy (tests/hostile/proxy.mjs) into a
# throwaway Ceph RGW, by s3mpu and, for comparison, @aws-sdk/lib-storage (bench's pinned
# dev dependency) and boto3 (Debian python3-boto3), each through its own proxy with the
# same seed. Prints, per client: uploads completed, byte-identical, left on the server,
# false failures (reported failed, stored intact). Only s3mpu's figures are asserted.
#
#   scripts/soak.sh [--faults 0.5] [--uploads 30] [--seed 1] [--peers lib-storage,boto3]
#                   [--out results.json] [--log proxy.log]
#
# CI runs a short s3mpu-only soak (tests/hostile/soak.test.mjs with its defaults).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
faults=0.5 uploads=30 seed=1 peers=lib-storage,boto3 out= logfile=
while [ $# -gt 0 ]; do
    case $1 in
        --faults) faults=$2; shift 2 ;;
        --uploads) uploads=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        --peers) peers=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --log) logfile=$2; shift 2 ;;
        *) echo "soak.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
scripts/install-deps.sh --soak
if [ -n "$peers" ] && [ ! -d bench/node_modules/@aws-sdk/lib-storage ]; then
    (cd bench && npm ci --no-audit --no-fund --loglevel=error)
fi
S3MPU_SOAK_FAULTS=$faults S3MPU_SOAK_UPLOADS=$uploads S3MPU_SOAK_SEED=$seed S3MPU_SOAK_PEERS=$peers \
S3MPU_SOAK_OUT=$out S3MPU_SOAK_LOG=$logfile \
    exec scripts/test-js.sh tests/hostile/soak.test.mjs
