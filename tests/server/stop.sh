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
grace=${S3MPU_SERVER_STOP_GRACE:-5} # per daemon; each needs < 1 s when healthy

log() { printf 'stop.sh: %s\n' "$*" >&2; }
# shellcheck source=gateway.sh
. "$(dirname "${BASH_SOURCE[0]}")/gateway.sh"
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

# Same lock as start.sh (which sets S3MPU_SERVER_LOCKED when it calls us holding it).
if [ -z "${S3MPU_SERVER_LOCKED:-}" ] && [ -d "$(dirname "$dir")" ]; then
    exec 9>"$dir.lock"
    flock -w 300 9 || { log "could not lock $dir.lock"; exit 1; }
fi

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
    local arg
    { while IFS= read -r -d '' arg; do [ "$arg" = "$conf" ] && return 0; done; } \
        2>/dev/null <"/proc/$1/cmdline"
    return 1
}


# One at a time, gateway, OSD, monitor: each shuts down in well under a second while the
# monitor is still there to hear from it (all at once, they take seconds).
for name in client.rgw osd.0 mon.a; do
    f=$dir/run/ceph-$name.pid
    [ -r "$f" ] || continue
    pid=$(tr -dc 0-9 <"$f")
    [ -n "$pid" ] && ours "$pid" || continue
    log "stopping $name (pid $pid)"
    stop_pids "$pid"
done
# Stragglers without a pid file (a daemon that died before writing one, a hung ceph CLI),
# identified by our exact config path, never by program name.
strays=()
for c in /proc/[0-9]*/cmdline; do
    pid=${c#/proc/}; pid=${pid%/cmdline}
    [ "$pid" != $$ ] && ours "$pid" && strays+=("$pid")
done
if [ ${#strays[@]} -gt 0 ]; then
    log "stopping stray processes ${strays[*]}"
    stop_pids "${strays[@]}"
fi

rm -rf -- "$dir"
log "stopped; removed $dir"
