# shellcheck shell=bash
# What the start.sh and stop.sh of both test gateways (RGW here, Swift in swift/) share.
# Sourced; the caller sets dir, endpoint, grace and defines log, die and ours PID (true if
# PID is alive and one of this gateway's processes).

# The gateway's settings for the suites: credentials as KEY=value lines, then the endpoint.
print_result() {
    printf 'S3MPU_TEST_ACCESS_KEY_ID=%s\nS3MPU_TEST_SECRET_ACCESS_KEY=%s\nS3MPU_TEST_REGION=%s\n' \
        "$S3MPU_TEST_ACCESS_KEY_ID" "$S3MPU_TEST_SECRET_ACCESS_KEY" "$S3MPU_TEST_REGION"
    echo "$endpoint"
}

dump_logs() {
    local f
    for f in "$dir"/log/*; do
        [ -s "$f" ] || continue
        echo "===== last 40 lines of $f =====" >&2
        tail -n 40 "$f" >&2 || true
    done
}

# One start.sh/stop.sh at a time per DIR (test suites may start a gateway in parallel: the
# later one waits, then reuses). The lock file sits beside DIR and is left there.
lock_dir() {
    [ -z "${S3MPU_SERVER_LOCKED:-}" ] || return 0
    mkdir -p "$(dirname "$dir")"
    exec 9>"$dir.lock"
    flock -w 300 9 || die "could not lock $dir.lock"
    export S3MPU_SERVER_LOCKED=1 # for the stop.sh start.sh may call
}

# stop_pids PID...: SIGTERM, wait up to $grace s, then SIGKILL whatever is left.
stop_pids() {
    local pid left end
    for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
    end=$(($(date +%s) + grace))
    while :; do
        left=()
        for pid in "$@"; do ours "$pid" && left+=("$pid"); done
        [ ${#left[@]} -gt 0 ] || return 0
        if [ "$(date +%s)" -ge "$end" ]; then
            log "still running after ${grace}s, killing ${left[*]}"
            for pid in "${left[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
            sleep 1
            return 0
        fi
        sleep 0.05
    done
}
