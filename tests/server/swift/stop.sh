#!/usr/bin/env bash
# Stop the throwaway Swift s3api gateway that tests/server/swift/start.sh built under DIR,
# then remove DIR.
#
#   tests/server/swift/stop.sh [--dir DIR]     (DIR defaults to ${S3MPU_SWIFT_DIR:-/tmp/s3mpu-swift})
#
# Ends only our own processes: those named by DIR/run/*.pid whose command line mentions DIR,
# plus any process whose command line has an argument under DIR (a server that died before
# its pid file was written). Never by program name. SIGTERM, bounded wait, then SIGKILL.
set -euo pipefail

dir=${S3MPU_SWIFT_DIR:-/tmp/s3mpu-swift}
grace=${S3MPU_SERVER_STOP_GRACE:-5}

log() { printf 'swift/stop.sh: %s\n' "$*" >&2; }
# shellcheck source=gateway.sh
. "$(dirname "${BASH_SOURCE[0]}")/../gateway.sh"
usage() { echo "usage: $0 [--dir DIR]" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
        --dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
        --dir=*) dir=${1#*=}; shift ;;
        *) usage ;;
    esac
done
case $dir in /*) ;; '') log "empty --dir"; exit 2 ;; *) dir=$PWD/$dir ;; esac
dir=${dir%/}
[ -n "$dir" ] && [ "$dir" != / ] || { log "refusing --dir /"; exit 2; }

if [ -z "${S3MPU_SERVER_LOCKED:-}" ] && [ -d "$(dirname "$dir")" ]; then
    exec 9>"$dir.lock"
    flock -w 300 9 || { log "could not lock $dir.lock"; exit 1; }
fi
if [ ! -e "$dir" ]; then
    log "nothing under $dir"
    exit 0
fi
if [ ! -e "$dir/.s3mpu-swift" ]; then
    log "$dir was not made by swift/start.sh; leaving it alone"
    exit 1
fi

# True if pid $1 is alive and one of its arguments is a path under DIR.
ours() {
    local arg
    { while IFS= read -r -d '' arg; do
        case $arg in "$dir"/*) return 0 ;; esac
    done; } 2>/dev/null <"/proc/$1/cmdline"
    return 1
}

pids=()
for f in "$dir"/run/*.pid; do
    [ -r "$f" ] || continue
    pid=$(tr -dc 0-9 <"$f")
    [ -n "$pid" ] && ours "$pid" && pids+=("$pid")
done
# Stragglers without a pid file, identified by a path under DIR, never by program name.
for c in /proc/[0-9]*/cmdline; do
    pid=${c#/proc/}; pid=${pid%/cmdline}
    [ "$pid" != $$ ] || continue
    [[ " ${pids[*]-} " == *" $pid "* ]] && continue
    ours "$pid" && pids+=("$pid")
done
if [ ${#pids[@]} -gt 0 ]; then
    log "stopping ${#pids[@]} processes (${pids[*]})"
    stop_pids "${pids[@]}"
fi
rm -rf -- "$dir"
log "stopped; removed $dir"
