#!/usr/bin/env bash
# Start a throwaway all-in-one OpenStack Swift with the s3api middleware (an S3 gateway) on
# 127.0.0.1 for s3mpu's integration tests: the second real S3 implementation besides Ceph RGW
# (tests/server/start.sh). All state lives under DIR; tests/server/swift/stop.sh ends it.
#
#   tests/server/swift/start.sh [--dir DIR] [--port PORT]
#
# Defaults: DIR=${S3MPU_SWIFT_DIR:-/tmp/s3mpu-swift}, PORT=${S3MPU_SWIFT_PORT:-8780}, startup
# bound ${S3MPU_SERVER_TIMEOUT:-120} s. Same output as tests/server/start.sh: the credentials
# as KEY=value lines, then the endpoint (http://127.0.0.1:PORT) as the last line; everything
# else on stderr. A healthy gateway already running under DIR on PORT is reused; anything
# else under DIR that start.sh made is stopped and rebuilt.
#
# Proxy (s3api + tempauth, SigV4 checked) on PORT; account, container and object servers and
# memcached on free loopback ports; rings, devices (mount_check off), swift.conf and logs
# under DIR. Nothing is written outside DIR (and the lock file DIR.lock beside it).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=credentials.env
. "$here/credentials.env"
# shellcheck source=gateway.sh
. "$here/../gateway.sh"

dir=${S3MPU_SWIFT_DIR:-/tmp/s3mpu-swift}
port=${S3MPU_SWIFT_PORT:-8780}
timeout=${S3MPU_SERVER_TIMEOUT:-120}

log() { printf 'swift/start.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { echo "usage: $0 [--dir DIR] [--port PORT]" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case $1 in
        --dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
        --dir=*) dir=${1#*=}; shift ;;
        --port) [ $# -ge 2 ] || usage; port=$2; shift 2 ;;
        --port=*) port=${1#*=}; shift ;;
        *) usage ;;
    esac
done
case $port in ''|*[!0-9]*) die "bad port '$port'" ;; esac
[ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "bad port '$port'"
case $dir in /*) ;; '') die "empty --dir" ;; *) dir=$PWD/$dir ;; esac
dir=${dir%/}
[ -n "$dir" ] && [ "$dir" != / ] || die "refusing --dir /"

marker=$dir/.s3mpu-swift # stop.sh only deletes a DIR that carries this file
endpoint=http://127.0.0.1:$port
servers="memcached account-server container-server object-server proxy-server"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# curl's --user splits at the first colon and tempauth's access key has one: a netrc instead.
netrc=$dir/run/netrc
write_netrc() {
    (umask 077; printf 'machine 127.0.0.1 login %s password %s\n' \
        "$S3MPU_TEST_ACCESS_KEY_ID" "$S3MPU_TEST_SECRET_ACCESS_KEY" >"$netrc")
}
# Signed GET / (ListBuckets): 200 means proxy, auth, rings and all three servers work.
s3_ok() {
    local code
    code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 --netrc-file "$netrc" \
        --aws-sigv4 "aws:amz:$S3MPU_TEST_REGION:s3" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
        "$endpoint/" 2>/dev/null) || return 1
    [ "$code" = 200 ]
}

# pid of server $1 if its pid file names a live process whose command line mentions DIR.
server_pid() {
    local f=$dir/run/$1.pid pid arg
    [ -r "$f" ] || return 1
    pid=$(tr -dc 0-9 <"$f")
    [ -n "$pid" ] || return 1
    { while IFS= read -r -d '' arg; do
        case $arg in "$dir"/*) echo "$pid"; return 0 ;; esac
    done; } 2>/dev/null <"/proc/$pid/cmdline"
    return 1
}
all_alive() {
    local s
    for s in $servers; do server_pid "$s" >/dev/null || return 1; done
}

lock_dir

# ---- 1. reuse or clear what a previous run left under DIR --------------------------
if [ -e "$marker" ]; then
    old_port=$(sed -n 's/^port=//p' "$marker" 2>/dev/null || true)
    if [ "$old_port" = "$port" ] && all_alive && s3_ok; then
        log "reusing the running gateway under $dir"
        print_result
        exit 0
    fi
    log "gateway under $dir is stale or half-dead: stopping it and rebuilding"
    "$here/stop.sh" --dir "$dir"
elif [ -e "$dir" ]; then
    [ -d "$dir" ] && [ -z "$(ls -A "$dir")" ] || die "$dir exists and was not made by start.sh"
fi

# ---- 2. packages -------------------------------------------------------------------
"$here/install.sh" || die "could not install Swift's packages"

# ---- 3. ports: PORT for the proxy, free ones near it for the rest -----------------------
port_busy "$port" && die "127.0.0.1:$port is already in use by something that is not ours"
taken=" $port "
next_free() { # next free port above $1 not handed out yet
    local p=$1
    while p=$((p + 1)); [ "$p" -le 65000 ] || p=20000; port_busy "$p" || [[ $taken == *" $p "* ]]; do :; done
    taken+="$p "
    echo "$p"
}
base=$((port + 10000)); [ "$base" -le 64000 ] || base=$((port - 10000))
mc_port=$(next_free "$base")
acct_port=$(next_free "$mc_port")
cont_port=$(next_free "$acct_port")
obj_port=$(next_free "$cont_port")

t0=$(date +%s%N)
deadline=$(($(date +%s) + timeout))
fail() {
    log "error: $*"
    dump_logs
    if [ "${S3MPU_SERVER_KEEP_ON_FAILURE:-0}" = 1 ]; then
        log "leaving $dir and its servers for inspection (S3MPU_SERVER_KEEP_ON_FAILURE=1)"
    else
        "$here/stop.sh" --dir "$dir" || true
    fi
    exit 1
}
past_deadline() { [ "$(date +%s)" -ge "$deadline" ]; }

mkdir -p "$dir"/{etc,srv/d1,run,log}
printf 'port=%s\nmemcached=%s\naccount=%s\ncontainer=%s\nobject=%s\n' \
    "$port" "$mc_port" "$acct_port" "$cont_port" "$obj_port" >"$marker"
write_netrc

# ---- 4. configuration --------------------------------------------------------------
etc=$dir/etc
user=$(id -un)
cat >"$etc/swift.conf" <<CONF
# Generated by tests/server/swift/start.sh (read through serve.py, never /etc/swift).
[swift-hash]
swift_hash_path_prefix = $(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
swift_hash_path_suffix = $(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
[storage-policy:0]
name = Policy-0
default = yes
CONF

# Common [DEFAULT] of every server. log_address names no socket, so nothing reaches the
# host's syslog; serve.py logs to stderr, which goes to DIR/log.
server_defaults() {
    cat <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = 0
user = $user
swift_dir = $etc
devices = $dir/srv
mount_check = false
disable_fallocate = true
log_address = $dir/run/no-syslog
log_name = $2
CONF
}
for s in account container object; do
    case $s in account) p=$acct_port ;; container) p=$cont_port ;; object) p=$obj_port ;; esac
    {
        server_defaults "$p" "$s-server"
        printf '[pipeline:main]\npipeline = %s-server\n[app:%s-server]\nuse = egg:swift#%s\n' "$s" "$s" "$s"
    } >"$etc/$s-server.conf"
done

{
    server_defaults "$port" proxy-server
    cat <<CONF
[pipeline:main]
# The order of the s3api docs' example, trimmed to what S3 calls need (slo: multipart).
pipeline = catch_errors gatekeeper proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:s3api]
use = egg:swift#s3api
# The SigV4 credential scope's region must be this one.
location = $S3MPU_TEST_REGION
# Virtual-hosted style: Host: BUCKET.localhost:PORT.
storage_domain = localhost
# Answer CORS preflights (PutBucketCors itself is NotImplemented in s3api).
cors_preflight_allow_origin = *

[filter:tempauth]
use = egg:swift#tempauth
user_${S3MPU_TEST_SWIFT_ACCOUNT}_${S3MPU_TEST_SWIFT_USER} = $S3MPU_TEST_SECRET_ACCESS_KEY .admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$mc_port

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
CONF
} >"$etc/proxy-server.conf"

# ---- 5. rings: one device, one replica, each -----------------------------------------
/usr/bin/python3 "$here/rings.py" "$etc" d1 "$acct_port" "$cont_port" "$obj_port" \
    </dev/null >>"$dir/log/rings.out" 2>&1 || fail "rings.py failed"

# ---- 6. servers ----------------------------------------------------------------------
# Each in the background, stdio to DIR/log, without our lock (fd 9). memcached's argv[0]
# names DIR so that stop.sh can tell it is ours; the others carry their DIR/etc conf path.
start_one() { # NAME COMMAND...
    local name=$1; shift
    "$@" </dev/null >>"$dir/log/$name.log" 2>&1 9>&- &
    echo $! >"$dir/run/$name.pid"
}
mc_args=(-l 127.0.0.1 -p "$mc_port" -U 0 -m 64)
[ "$(id -u)" != 0 ] || mc_args+=(-u root)
start_one memcached bash -c 'exec -a "$0" memcached "$@"' "$dir/run/memcached" "${mc_args[@]}"
for s in account container object proxy; do
    start_one "$s-server" /usr/bin/python3 "$here/serve.py" "$s-server" "$etc/$s-server.conf"
done

until s3_ok; do
    all_alive || fail "a server died during startup"
    past_deadline && fail "signed S3 requests do not succeed on $endpoint"
    sleep 0.2
done
ms=$((($(date +%s%N) - t0) / 1000000))
log "S3 (Swift s3api) ready on $endpoint after $((ms / 1000)).$(printf %03d $((ms % 1000))) s"
print_result
