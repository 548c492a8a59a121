#!/usr/bin/env bash
# Stop the throwaway RGW cluster that tests/server/start.sh built under DIR, then remove DIR.
#
#   tests/server/stop.sh [--dir DIR]        (DIR defaults to ${S3MPU_SERVER_DIR:-/tmp/s3mpu-rgw})
#
# Ends only our own processes: those named by DIR/run/*.pid, plus any process whose command
# line carries DIR/ceph.conf as an argument (a daemon that died before writing its pid file,
# a hung ceph CLI). Never by program name. SIGTERM, bounded wait, then SIGKILL.
set -euo pipefail

dir=${S3MPU_SERVER_DIR:-/tmp/s3mpu-rgw}
grace=${S3MPU_SERVER_STOP_GRACE:-20}

log() { printf 'stop.sh: %s\n' "$*" >&2; }
usage() { echo "usage: $0 [--dir DIR]" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case $1 in
        --dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
        --dir=*) dir=${1#*=}; shift ;;
        -h|--help) usage ;;
        *) usage ;;
    esac
done
case $dir in
    /*) ;;
    '') log "empty --dir"; exit 2 ;;
    *) dir=$PWD/$dir ;;
esac
dir=${dir%/}
[ -n "$dir" ] && [ "$dir" != / ] || { log "refusing --dir /"; exit 2; }
conf=$dir/ceph.conf

if [ ! -e "$dir" ]; then
    log "nothing under $dir"
    exit 0
fi
if [ ! -e "$dir/.s3mpu-rgw" ]; then
    log "$dir was not made by start.sh; leaving it alone"
    exit 1
fi

# True if pid $1 is alive and was started with our ceph.conf.
ours() {
    [ -r "/proc/$1/cmdline" ] && tr '\0' '\n' 2>/dev/null <"/proc/$1/cmdline" | grep -qxF -- "$conf"
}

pids=()
# Pid files first, in shutdown order: gateway, OSD, monitor.
for name in client.rgw osd.0 mon.a; do
    f=$dir/run/ceph-$name.pid
    [ -r "$f" ] || continue
    pid=$(tr -dc 0-9 <"$f")
    [ -n "$pid" ] && ours "$pid" && pids+=("$pid")
done
# Stragglers without a pid file, identified by our exact config path.
for c in /proc/[0-9]*/cmdline; do
    pid=${c#/proc/}; pid=${pid%/cmdline}
    [ "$pid" != $$ ] || continue
    case " ${pids[*]-} " in *" $pid "*) continue ;; esac
    ours "$pid" && pids+=("$pid")
done

if [ ${#pids[@]} -gt 0 ]; then
    log "stopping ${pids[*]}"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    end=$(($(date +%s) + grace))
    while :; do
        left=()
        for pid in "${pids[@]}"; do ours "$pid" && left+=("$pid"); done
        [ ${#left[@]} -gt 0 ] || break
        if [ "$(date +%s)" -ge "$end" ]; then
            log "still running after ${grace}s, killing ${left[*]}"
            for pid in "${left[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
            sleep 1
            break
        fi
        sleep 0.2
    done
fi

rm -rf -- "$dir"
log "stopped; removed $dir"
