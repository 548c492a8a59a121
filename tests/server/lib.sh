# shellcheck shell=bash disable=SC2034 # the S3MPU_RGW_* it sets are read by the sourcing script
# tests/server/lib.sh -- sourced (not run) by the scripts that start a throwaway RGW of their
# own: scripts/test-js.sh, scripts/bench.sh, scripts/demo.sh, tests/c/integration/fixture.sh.
#
#   s3mpu_rgw_start DIR FIRST_PORT [PORT]
#       Starts tests/server/start.sh under DIR on PORT, or else on the first port from
#       FIRST_PORT that is free with PORT+10000 (the monitor's). Two runs may probe the same
#       free port at once: the loser's start fails and it tries another, three starts in all.
#       Sets S3MPU_RGW_ENDPOINT, S3MPU_RGW_PORT, S3MPU_RGW_REGION, S3MPU_RGW_ACCESS_KEY and
#       S3MPU_RGW_SECRET_KEY; returns 1 (after start.sh's own messages) if no start succeeded.
#   s3mpu_gateway_start rgw|swift DIR FIRST_PORT [PORT]
#       The same for either gateway: Swift s3api's is tests/server/swift/start.sh (its other
#       servers take ports above PORT+10000). Sets the same S3MPU_RGW_* (the gateway's).
#   s3mpu_port_busy PORT
#       True when something listens on 127.0.0.1:PORT.
#
# Stopping stays with the caller (tests/server/stop.sh --dir DIR), which knows when it is done.

s3mpu_server_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

s3mpu_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

s3mpu_rgw_start() { s3mpu_gateway_start rgw "$@"; }

s3mpu_gateway_start() {
    local start=$s3mpu_server_dir/start.sh dir=$2 first=$3 port=${4:-} out tries=0
    case $1 in
        rgw) ;;
        swift) start=$s3mpu_server_dir/swift/start.sh ;;
        *) printf 'lib.sh: no gateway "%s" (rgw, swift)\n' "$1" >&2; return 2 ;;
    esac
    while :; do
        if [ -z "$port" ]; then
            port=$first
            while s3mpu_port_busy "$port" || s3mpu_port_busy $((port + 10000)); do port=$((port + 1)); done
        fi
        if out=$("$start" --dir "$dir" --port "$port"); then break; fi
        tries=$((tries + 1))
        [ "$tries" -lt 3 ] || return 1
        printf 'lib.sh: start on port %s failed; trying another port\n' "$port" >&2
        port=
    done
    S3MPU_RGW_PORT=$port
    S3MPU_RGW_ENDPOINT=$(printf '%s\n' "$out" | tail -n1)
    S3MPU_RGW_REGION=$(printf '%s\n' "$out" | sed -n 's/^S3MPU_TEST_REGION=//p' | head -n1)
    S3MPU_RGW_ACCESS_KEY=$(printf '%s\n' "$out" | sed -n 's/^S3MPU_TEST_ACCESS_KEY_ID=//p' | head -n1)
    S3MPU_RGW_SECRET_KEY=$(printf '%s\n' "$out" | sed -n 's/^S3MPU_TEST_SECRET_ACCESS_KEY=//p' | head -n1)
    if [ -z "$S3MPU_RGW_ACCESS_KEY" ] || [ -z "$S3MPU_RGW_SECRET_KEY" ]; then
        printf 'lib.sh: start.sh printed no credentials\n' >&2
        return 1
    fi
}
