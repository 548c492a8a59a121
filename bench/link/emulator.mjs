// A WAN link on one machine: bandwidth from tbf on the loopback of a network
// namespace of its own, latency from bench/link/relay.mjs (no netem in this kernel).
// Needs root (ip netns) and iproute2.
//
//   import { withLink, measureLink } from './link/emulator.mjs';
//   await withLink({ rttMs: 80, mbit: 100, upstream: '127.0.0.1:9000' }, async (link) => {
//     // link.url   'http://127.0.0.1:PORT': the far end, reachable only inside the namespace
//     // link.spawn(cmd, args, opts)   child_process.spawn inside the namespace
//     // link.argv(cmd, args)          ['ip', 'netns', 'exec', NAME, cmd, ...args]
//     // link.netns, link.settings, link.sysctl { tcpSlowStartAfterIdle, tcpWmemMax, tcpRmemMax }
//   });
//   const m = await measureLink({ rttMs: 80, mbit: 100 });   // what the link really does:
//   // { rttMs, mbit, bulkBytes, connections, windowBytes, ... } (RTT of 1-byte pings, bulk of
//   // `connections` parallel streams through relay and tbf, minus one RTT)
//
// CLI: node bench/link/emulator.mjs --rtt-ms 80 --mbit 100 [--window BYTES]  prints measureLink's JSON.
//
// Layout: the client runs inside the namespace and connects to link.url, a relay in the
// namespace that holds each chunk RTT/2 each way (relay.mjs) and forwards over a Unix socket
// (not shaped) to a plain relay in the host namespace, which connects to `upstream` (the S3
// gateway or sink on the host's loopback, unchanged). The only TCP inside the namespace is
// client <-> relay; tbf on the namespace's lo shapes it: both directions share the one bucket
// (an upload's reverse traffic is ACKs and short answers). Each connection carries at most
// `windowBytes` per round trip (default 4 MiB: Linux's default tcp_wmem maximum, which bounds
// a sender's unacknowledged bytes): window/RTT per connection, as on a real path. Not
// emulated: slow start (the client's TCP sees loopback RTT), loss. Connection setup costs one
// RTT. Namespaces are named `${S3MPU_LINK_PREFIX || 's3mpu-link'}-<pid>-<n>` and deleted on
// return, on exit and on SIGINT/SIGTERM (scripts/bench.sh also deletes its prefix's at exit).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const RELAY = join(here, 'relay.mjs');
const PROBE = join(here, 'probe.mjs');
export const DEFAULT_WINDOW_BYTES = 4 * 1024 * 1024;

const live = new Set(); // namespaces to delete if the process dies
const procs = new Set(); // and the processes in them (relays, link.spawn's)
let counter = 0;
function cleanupAll() {
  for (const c of procs) c.kill('SIGKILL');
  procs.clear();
  for (const ns of live) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch { /* gone */ }
  }
  live.clear();
}
process.on('exit', cleanupAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    cleanupAll();
    process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
  });
}

/** Kill `child` with the link if this process stops first. */
function track(child) {
  procs.add(child);
  child.on('exit', () => procs.delete(child));
  return child;
}

const ip = (...args) => execFileSync('ip', args, { encoding: 'utf8' });

/** tbf on the namespace's lo: rate, a bucket of ~4 ms (>= one 64 KiB GSO packet), ~50 ms of queue. */
function shape(ns, mbit) {
  const bytesPerS = (mbit * 1e6) / 8;
  const burst = Math.max(256 * 1024, Math.round(bytesPerS * 0.004));
  const limit = burst + Math.round(bytesPerS * 0.05);
  execFileSync('tc', ['-n', ns, 'qdisc', 'add', 'dev', 'lo', 'root', 'tbf', 'rate', `${mbit}mbit`, 'burst', String(burst), 'limit', String(limit)]);
}

function sysctlIn(ns, name) {
  try {
    return ip('netns', 'exec', ns, 'sysctl', '-n', name).trim();
  } catch {
    return '?';
  }
}

/** Spawn a relay; resolves to its first JSON line and the child. */
function relay(argv) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] }));
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) resolve({ child, info: JSON.parse(buf.split('\n')[0]) });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`relay exited ${code} before listening`)));
  });
}

/**
 * Run fn(link) with a link of rttMs / mbit to `upstream` ('host:port' on the host's
 * loopback); the namespace and relays are gone when it settles.
 */
export async function withLink({ rttMs, mbit, upstream, windowBytes = DEFAULT_WINDOW_BYTES }, fn) {
  const ns = `${process.env.S3MPU_LINK_PREFIX || 's3mpu-link'}-${process.pid}-${counter++}`;
  const dir = mkdtempSync(join(tmpdir(), 's3mpu-link-'));
  const sock = join(dir, 'up.sock');
  const children = [];
  live.add(ns);
  try {
    ip('netns', 'add', ns);
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    shape(ns, mbit);
    const argv = (cmd, args = []) => ['ip', 'netns', 'exec', ns, cmd, ...args];
    const host = await relay([process.execPath, RELAY, '--listen', `unix:${sock}`, '--to', `tcp:${upstream}`]);
    children.push(host.child);
    const far = await relay(argv(process.execPath, [RELAY, '--listen', 'tcp:127.0.0.1:0', '--to', `unix:${sock}`,
      '--delay-ms', String(rttMs / 2), '--window', String(windowBytes)]));
    children.push(far.child);
    const link = {
      netns: ns, url: `http://127.0.0.1:${far.info.port}`, port: far.info.port,
      settings: { rttMs, mbit, windowBytes },
      sysctl: {
        tcpSlowStartAfterIdle: sysctlIn(ns, 'net.ipv4.tcp_slow_start_after_idle'),
        tcpWmemMax: sysctlIn(ns, 'net.ipv4.tcp_wmem').split(/\s+/).pop(),
        tcpRmemMax: sysctlIn(ns, 'net.ipv4.tcp_rmem').split(/\s+/).pop(),
      },
      argv,
      spawn: (cmd, args, opts) => {
        const a = argv(cmd, args);
        return track(spawn(a[0], a.slice(1), opts));
      },
    };
    return await fn(link);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    try {
      ip('netns', 'del', ns);
    } catch { /* never made */ }
    live.delete(ns);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A host-side server for probe.mjs: 'p' -> 'p' (ping); 'b' + u64 length + bytes -> 'k' (bulk). */
function probeServer() {
  const server = net.createServer({ noDelay: true }, (s) => {
    let want = -1;
    let header = Buffer.alloc(0);
    s.on('data', (d) => {
      let data = d;
      while (data.length) {
        if (want > 0) {
          const take = Math.min(want, data.length);
          want -= take;
          data = data.subarray(take);
          if (want === 0) {
            s.write('k');
            want = -1;
          }
          continue;
        }
        header = Buffer.concat([header, data]);
        data = Buffer.alloc(0);
        if (header[0] === 0x70) {
          s.write('p');
          data = header.subarray(1);
          header = Buffer.alloc(0);
        } else if (header.length >= 9) {
          want = Number(header.readBigUInt64BE(1));
          data = header.subarray(9);
          header = Buffer.alloc(0);
        }
      }
    });
    s.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * What a link of these settings really does: median RTT of 1-byte pings on a warm
 * connection, and the bandwidth of `connections` parallel bulk streams (~2 s of the nominal
 * rate, at least 8 MiB) with one RTT taken off their time.
 */
export async function measureLink({ rttMs, mbit, windowBytes = DEFAULT_WINDOW_BYTES, connections = 16, bulkBytes }) {
  const bytes = bulkBytes ?? Math.max(8 * 1024 * 1024, Math.round((mbit * 1e6) / 8 * 2));
  const server = await probeServer();
  try {
    return await withLink({ rttMs, mbit, windowBytes, upstream: `127.0.0.1:${server.address().port}` }, (link) => new Promise((resolve, reject) => {
      const child = link.spawn(process.execPath, [PROBE, String(link.port), String(bytes), String(connections)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => { out += d; });
      child.on('error', reject);
      child.on('close', (code) => {
        if (code !== 0) return reject(new Error(`probe exited ${code}`));
        const r = JSON.parse(out.trim().split('\n').pop());
        resolve({ nominal: { rttMs, mbit }, windowBytes, connections, bulkBytes: bytes, ...r, sysctl: link.sysctl });
      });
    }));
  } finally {
    server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const opt = (f) => (argv.indexOf(f) >= 0 ? argv[argv.indexOf(f) + 1] : undefined);
  const m = await measureLink({
    rttMs: Number(opt('--rtt-ms') ?? 80), mbit: Number(opt('--mbit') ?? 100),
    windowBytes: Number(opt('--window') ?? DEFAULT_WINDOW_BYTES), connections: Number(opt('--connections') ?? 16),
  });
  process.stdout.write(`${JSON.stringify(m)}\n`);
}
