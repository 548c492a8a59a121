#!/usr/bin/env bash
# Start a throwaway single-node Ceph RADOS Gateway (S3) on 127.0.0.1 for s3mpu's
# integration tests and demo. All state lives under DIR; tests/server/stop.sh ends it.
#
#   tests/server/start.sh [--dir DIR] [--port PORT]
#
# Defaults: DIR=${S3MPU_SERVER_DIR:-/tmp/s3mpu-rgw}, PORT=${S3MPU_SERVER_PORT:-7480},
# startup bound ${S3MPU_SERVER_TIMEOUT:-120} s. Stdout: the credentials as KEY=value lines,
# then the endpoint (http://127.0.0.1:PORT) as the last line. Everything else goes to stderr.
# S3MPU_SERVER_STS=1 also turns on STS (GetSessionToken), for the browser tests.
# A healthy server already running under DIR on PORT is reused; a half-dead one is stopped
# and rebuilt (memstore keeps nothing across an OSD restart, so we never restart one).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
unset CEPH_ARGS CEPH_CONF # only our own ceph.conf and flags
# shellcheck source=credentials.env
. "$here/credentials.env"
# shellcheck source=gateway.sh
. "$here/gateway.sh"

dir=${S3MPU_SERVER_DIR:-/tmp/s3mpu-rgw}
port=${S3MPU_SERVER_PORT:-7480}
timeout=${S3MPU_SERVER_TIMEOUT:-120}

log() { printf 'start.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
usage() { echo "usage: $0 [--dir DIR] [--port PORT]" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case $1 in
        --dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
        --dir=*) dir=${1#*=}; shift ;;
        --port) [ $# -ge 2 ] || usage; port=$2; shift 2 ;;
        --port=*) port=${1#*=}; shift ;;
        -h|--help) usage ;;
        *) usage ;;
    esac
done

case $port in ''|*[!0-9]*) die "bad port '$port'" ;; esac
[ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "bad port '$port'"
case $dir in
    /*) ;;
    '') die "empty --dir" ;;
    *) dir=$PWD/$dir ;;
esac
dir=${dir%/}
[ -n "$dir" ] && [ "$dir" != / ] || die "refusing --dir /"

conf=$dir/ceph.conf
marker=$dir/.s3mpu-rgw # stop.sh only deletes a DIR that carries this file
endpoint=http://127.0.0.1:$port
daemons="mon.a osd.0 client.rgw"

# Connect-probe: true if something listens on 127.0.0.1:$1.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Signed GET / (ListBuckets) as the test user: 200 means RGW, the cluster and the user work.
# RGW rejects SigV4 without x-amz-content-sha256, which curl 7.88 does not add by itself.
s3_ok() {
    local code
    code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 \
        --aws-sigv4 "aws:amz:$S3MPU_TEST_REGION:s3" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
        --user "$S3MPU_TEST_ACCESS_KEY_ID:$S3MPU_TEST_SECRET_ACCESS_KEY" \
        "$endpoint/" 2>/dev/null) || return 1
    [ "$code" = 200 ]
}

# pid of daemon $1 if its pid file names a live process started with our ceph.conf.
daemon_pid() {
    local f=$dir/run/ceph-$1.pid pid
    [ -r "$f" ] || return 1
    pid=$(tr -dc 0-9 <"$f")
    [ -n "$pid" ] || return 1
    local arg
    { while IFS= read -r -d '' arg; do
        [ "$arg" = "$conf" ] && { echo "$pid"; return 0; }
    done; } 2>/dev/null <"/proc/$pid/cmdline"
    return 1
}

all_alive() {
    local d
    for d in $daemons; do daemon_pid "$d" >/dev/null || return 1; done
}

lock_dir

# ---- 1. reuse or clear what a previous run left under DIR --------------------------
if [ -e "$marker" ]; then
    old_port=$(sed -n 's/^port=//p' "$marker" 2>/dev/null || true)
    if [ "$old_port" = "$port" ] && all_alive && s3_ok; then
        log "reusing the running server under $dir"
        print_result
        exit 0
    fi
    log "server under $dir is stale or half-dead: stopping it and rebuilding"
    "$here/stop.sh" --dir "$dir"
elif [ -e "$dir" ]; then
    [ -d "$dir" ] && [ -z "$(ls -A "$dir")" ] || die "$dir exists and was not made by start.sh"
fi

# ---- 2. install the packages that are missing --------------------------------------
missing=()
for p in radosgw ceph-mon ceph-osd ceph-common; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "packages missing (${missing[*]}) and not root to install them"
    log "installing ${missing[*]}"
    apt_install() {
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y \
            --no-install-recommends "${missing[@]}" </dev/null >&2
    }
    if ! apt_install; then
        # A fresh machine may have no package lists yet.
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 update </dev/null >&2 || true
        apt_install || die "apt-get install ${missing[*]} failed"
    fi
fi

# ---- 3. a fresh cluster --------------------------------------------------------------
port_busy "$port" && die "127.0.0.1:$port is already in use by something that is not ours"

# Monitor port: derived from PORT, then probed for a free one.
mon_port=$((port + 10000))
[ "$mon_port" -le 65000 ] || mon_port=$((port - 10000))
[ "$mon_port" -ge 1024 ] || mon_port=20000
tries=0
while port_busy "$mon_port" || [ "$mon_port" = "$port" ]; do
    tries=$((tries + 1))
    [ "$tries" -lt 200 ] || die "no free monitor port near $((mon_port - tries))"
    mon_port=$((mon_port + 1))
done

t0=$(date +%s)
deadline=$((t0 + timeout))
fail() {
    log "error: $*"
    dump_logs
    if [ "${S3MPU_SERVER_KEEP_ON_FAILURE:-0}" = 1 ]; then
        log "leaving $dir and its daemons for inspection (S3MPU_SERVER_KEEP_ON_FAILURE=1)"
    else
        "$here/stop.sh" --dir "$dir" || true
    fi
    exit 1
}
past_deadline() { [ "$(date +%s)" -ge "$deadline" ]; }

mkdir -p "$dir"/{run,log,mon,osd,rgw,crash}
printf 'port=%s\nmon_port=%s\n' "$port" "$mon_port" >"$marker"
fsid=$(cat /proc/sys/kernel/random/uuid)
osd_uuid=$(cat /proc/sys/kernel/random/uuid)

cat >"$conf" <<EOF
# Generated by tests/server/start.sh: a throwaway one-mon, one-OSD (memstore) cluster.
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_port]
mon initial members = a
# No cephx anywhere: the daemons only agree to talk when all three are none and
# every messenger mode is crc.
auth cluster required = none
auth service required = none
auth client required = none
ms cluster mode = crc
ms service mode = crc
ms client mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
ms mon client mode = crc
ms bind msgr1 = false
ms bind msgr2 = true
# All state under $dir.
keyring = $dir/keyring
run dir = $dir/run
admin socket = $dir/run/\$cluster-\$name.asok
pid file = $dir/run/\$cluster-\$name.pid
log file = $dir/log/\$cluster-\$name.log
mon cluster log file = $dir/log/\$cluster.log
crash dir = $dir/crash
mon data = $dir/mon/\$cluster-\$id
osd data = $dir/osd/\$cluster-\$id
log to syslog = false
log to stderr = false
err to stderr = false
# One OSD: replicas of 1, few PGs, no health noise about it.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
mon data avail warn = 2
mon data avail crit = 1

[mon]
# Commit map changes at once rather than batching them for 1 s: RGW's first start issues
# about a dozen pool commands one after another.
paxos propose interval = 0.05
paxos min wait = 0.01

[osd]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
osd objectstore = memstore
# Only a cap: memstore allocates as objects are written.
memstore device bytes = 8589934592

[client.rgw]
rgw data = $dir/rgw/\$cluster-\$id
rgw frontends = beast endpoint=127.0.0.1:$port
# Lets virtual-hosted requests (Host: BUCKET.localhost:PORT) name the bucket.
rgw dns name = localhost
rgw thread pool size = 64
# Free deleted and aborted data within seconds, not hours: the memstore OSD
# keeps everything in memory and a test run writes gigabytes.
rgw gc obj min wait = 0
rgw gc processor period = 5
rgw gc processor max time = 5
EOF
# STS (GetSessionToken) only when asked (S3MPU_SERVER_STS=1, the browser tests' credentials
# mode): with it on, RGW answers a bad signature with AccessDenied instead of
# SignatureDoesNotMatch, which the C and JS suites check.
if [ "${S3MPU_SERVER_STS:-}" = 1 ]; then
    printf '%s\n' 'rgw s3 auth use sts = true' 'rgw sts key = s3mputeststskey1' >>"$conf"
fi

cephq() { timeout 30 ceph -c "$conf" --connect-timeout 10 "$@" </dev/null; }

log "building a cluster under $dir (mon 127.0.0.1:$mon_port, S3 127.0.0.1:$port)"
monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap" >&2 \
    || fail "monmaptool failed"
ceph-mon -c "$conf" -i a --mkfs --monmap "$dir/monmap" </dev/null >>"$dir/log/mkfs.out" 2>&1 \
    || fail "ceph-mon --mkfs failed"
# Daemons fork into the background: their stdio must not hold our caller's pipes open, nor
# may they inherit the lock (fd 9).
ceph-mon -c "$conf" -i a </dev/null >>"$dir/log/mon.a.out" 2>&1 9>&- || fail "ceph-mon did not start"

until osd_id=$(cephq osd new "$osd_uuid" 2>>"$dir/log/cli.err"); do
    past_deadline && fail "monitor did not answer"
    sleep 0.5
done
[ "$osd_id" = 0 ] || fail "unexpected OSD id '$osd_id'"
mkdir -p "$dir/osd/ceph-0"
ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid" </dev/null >>"$dir/log/mkfs.out" 2>&1 \
    || fail "ceph-osd --mkfs failed"
ceph-osd -c "$conf" -i 0 </dev/null >>"$dir/log/osd.0.out" 2>&1 9>&- || fail "ceph-osd did not start"

until [ "$(cephq osd stat -f json 2>>"$dir/log/cli.err" |
          sed -n 's/.*"num_up_osds":\([0-9]*\).*/\1/p')" = 1 ]; do
    past_deadline && fail "OSD did not come up"
    sleep 0.5
done

radosgw -c "$conf" -n client.rgw </dev/null >>"$dir/log/rgw.out" 2>&1 9>&- || fail "radosgw did not start"

# RGW answers HTTP once it has created its pools and zone.
until curl -s -o /dev/null --max-time 5 "$endpoint/"; do
    past_deadline && fail "radosgw did not answer on $endpoint"
    sleep 0.5
done

timeout 60 radosgw-admin -c "$conf" -n client.rgw user create --uid="$S3MPU_TEST_USER" \
    --display-name="s3mpu integration tests" \
    --access-key="$S3MPU_TEST_ACCESS_KEY_ID" --secret-key="$S3MPU_TEST_SECRET_ACCESS_KEY" \
    </dev/null >>"$dir/log/radosgw-admin.out" 2>&1 || fail "radosgw-admin user create failed"
# The user may set its own IAM policy (the tests allow it sts:GetSessionToken).
timeout 60 radosgw-admin -c "$conf" -n client.rgw caps add --uid="$S3MPU_TEST_USER" --caps="user-policy=*" \
    </dev/null >>"$dir/log/radosgw-admin.out" 2>&1 || fail "radosgw-admin caps add failed"

until s3_ok; do
    past_deadline && fail "signed S3 requests do not succeed on $endpoint"
    sleep 0.5
done
all_alive || fail "a daemon died during startup"

log "S3 ready on $endpoint after $(($(date +%s) - t0)) s"
print_result
