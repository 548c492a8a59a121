#!/usr/bin/env node
// Uploads over emulated WAN links (issue 15, "Full links at real latency"): each contender at
// its default settings, one file, through bench/link/emulator.mjs to a bench/sink.mjs
// --check-md5 on the host's loopback (the sink, not RGW: RGW on this loopback tops out near
// 50 MiB/s, below a 1 Gbit/s link). Every cell first measures its link (RTT, bulk bandwidth).
//
//   node bench/link/bench.mjs <outDir> <smoke|default|full> [--size-mib N] [--cells 20x100,200x1000]
//                             [--contenders a,b] [--curve-mib N (0: no curve)]
//
// Prints one JSON line { size, cells: [{ rttMs, mbit, link, runs: [...] }], curve, failures }.
// A run is whole when the sink saw no bad Content-MD5, the object's size is the file's and its
// ETag is the multipart ETag of the file's own part MD5s. Failures are listed in the JSON (exit 0 once it is printed).
// curve: s3mpu at fixed concurrencies beside its default (adaptive) at the slowest cell.
import { spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childJson } from '../lib/child.mjs';
import { measureLink, withLink } from './emulator.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const bench = join(here, '..');
const MiB = 1024 * 1024;
const argv = process.argv.slice(2);
const outDir = resolve(argv[0]);
const mode = argv[1] ?? 'default';
const opt = (f) => (argv.indexOf(f) >= 0 ? argv[argv.indexOf(f) + 1] : undefined);
const GRID = [20, 80, 200].flatMap((rttMs) => [100, 1000].map((mbit) => ({ rttMs, mbit })));
const parseCells = (s) => s.split(',').map((c) => {
  const [rttMs, mbit] = c.split('x').map(Number);
  return { rttMs, mbit };
});
const cfg = {
  size: Number(opt('--size-mib') ?? (mode === 'smoke' ? 16 : 1024)) * MiB,
  cells: opt('--cells') ? parseCells(opt('--cells')) : mode === 'smoke' ? [{ rttMs: 20, mbit: 1000 }] : GRID,
  probeBytes: mode === 'smoke' ? 64 * MiB : undefined, // measureLink's default: 2 s of the link
  contenders: opt('--contenders')?.split(',') ?? ['s3mpu-md5', 'lib-storage', 'minio'],
  curveSize: Number(opt('--curve-mib') ?? (mode === 'smoke' ? 16 : 1024)) * MiB, // adapting takes ~100 parts of 8 MiB
  curveConc: mode === 'smoke' ? [8] : [2, 4, 8, 16, 32],
};
const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1' };
const BUCKET = 'bench-bucket';
const failures = [];
const log = (...a) => process.stderr.write(`link-bench: ${a.join(' ')}\n`);

function startSink() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(bench, 'sink.mjs'), '--check-md5'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) {
        const { port, control } = JSON.parse(buf.split('\n')[0]);
        const stop = () => child.kill('SIGTERM');
        process.on('exit', stop); // emulator.mjs exits on SIGINT/SIGTERM
        resolve({ port, base: `http://127.0.0.1:${port}`, control: `http://127.0.0.1:${control}`, stop });
      }
    });
    child.on('error', reject);
  });
}

async function bodyFile(size) {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, `body-${size}.bin`);
  if ((await stat(path).catch(() => null))?.size === size) return path;
  const fh = await open(path, 'w');
  const block = randomFillSync(Buffer.allocUnsafe(8 * MiB));
  for (let at = 0; at < size; at += block.length) await fh.write(block, 0, Math.min(block.length, size - at));
  await fh.close();
  return path;
}

/** The multipart ETags of the file cut into `count` parts of some whole number of MiB, or its MD5 (count 0); cached. */
const etags = new Map();
async function expectedEtags(file, size, count) {
  if (!count) return [`"${createHash('md5').update(await readFile(file)).digest('hex')}"`];
  const out = [];
  for (let mib = Math.max(1, Math.floor(size / count / MiB)); mib * MiB * (count - 1) < size; mib++) {
    if (Math.ceil(size / (mib * MiB)) !== count) continue;
    const key = `${file}:${mib}`;
    if (!etags.has(key)) {
      const fh = await open(file, 'r');
      const whole = createHash('md5');
      const buf = Buffer.allocUnsafe(mib * MiB);
      for (let at = 0; at < size; at += buf.length) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - at), at);
        whole.update(createHash('md5').update(buf.subarray(0, bytesRead)).digest());
      }
      await fh.close();
      etags.set(key, `"${whole.digest('hex')}-${count}"`);
    }
    out.push(etags.get(key));
  }
  return out;
}

/** Did `key` arrive whole? undefined when it did, else why not. */
async function checkWhole(sink, key, file, size) {
  const stats = await fetch(`${sink.control}/stats`).then((r) => r.json());
  if (stats.badDigests) return `${stats.badDigests} part(s) failed the sink's Content-MD5 check`;
  const head = await fetch(`${sink.base}/${BUCKET}/${key}`, { method: 'HEAD' });
  const got = Number(head.headers.get('content-length'));
  const etag = head.headers.get('etag') ?? '';
  if (head.status !== 200 || got !== size) return `HEAD ${head.status}, size ${got} of ${size}`;
  const count = Number(/-(\d+)"$/.exec(etag)?.[1] ?? 0); // 0: one PutObject (minio below its part size)
  if (!(await expectedEtags(file, size, count)).includes(etag)) return `ETag ${etag} is not the file's ${count ? `multipart ETag in ${count} parts` : 'MD5'}`;
  return undefined;
}

/** One upload-child run inside the link's namespace; resolves to its JSON or undefined. */
function uploadChild(link, opts, timeoutMs) {
  const child = link.spawn(process.execPath, [join(bench, 'upload-child.mjs'), JSON.stringify(opts)], {
    cwd: bench, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return childJson(child, timeoutMs).then(({ json, why, stderr }) => json ?? { error: `${why}: ${stderr.split('\n').slice(-6).join(' | ')}` });
}

/** Upload the file once by `contender` over `link`; the row, or undefined (failure recorded). */
async function run(link, sink, cell, contender, file, size, round, extra = {}) {
  const label = `link/${cell.rttMs}ms-${cell.mbit}mbit/${contender}${extra.concurrency ? `-c${extra.concurrency}` : ''}#${round}`;
  await fetch(`${sink.control}/reset`, { method: 'POST' });
  const key = `link/${contender}-${cell.rttMs}-${cell.mbit}-${round}.bin`;
  const opts = { contender, endpoint: link.url, bucket: BUCKET, key, source: 'file', file, size, ...CREDS, ...extra };
  // 10x the link's time, at least 2 minutes: a stalled contender fails, it does not hang.
  const timeoutMs = Math.max(120_000, (10 * size * 8) / (cell.mbit * 1e3));
  const r = await uploadChild(link, opts, timeoutMs);
  const why = r.error ?? (await checkWhole(sink, key, file, size));
  if (why) {
    failures.push({ label, why });
    log(`FAILED ${label}: ${why}`);
    return undefined;
  }
  const seconds = r.wallMs / 1000;
  const row = {
    contender, round, ...extra, seconds, mbps: size / 1e6 / seconds, mbit: (size * 8) / 1e6 / seconds,
    cpuS: (r.cpuUserUs + r.cpuSysUs) / 1e6, extraRssMiB: Math.max(0, r.maxRssBytes - r.rssBeforeBytes) / MiB,
  };
  log(`${label}: ${row.seconds.toFixed(2)} s, ${row.mbps.toFixed(1)} MB/s`);
  return row;
}

const rotate = (xs, r) => xs.map((_, i) => xs[(i + r) % xs.length]);

// Network namespaces need root (CI and scripts/bench.sh run as root); elsewhere say so.
if (process.getuid?.() !== 0) {
  process.stdout.write(`${JSON.stringify({ mode, skipped: 'not root: ip netns needs root', cells: [], failures })}\n`);
  process.exit(0);
}
const sink = await startSink();
const result = { mode, size: 0, cells: [], curve: undefined, failures, loadStart: loadavg() };
try {
  const file = await bodyFile(cfg.size);
  result.size = cfg.size;
  for (const [i, cell] of cfg.cells.entries()) {
    const link = await measureLink({ ...cell, bulkBytes: cfg.probeBytes });
    log(`link ${cell.rttMs} ms x ${cell.mbit} Mbit/s: measured RTT ${link.rttMs.toFixed(1)} ms, ${link.mbit.toFixed(0)} Mbit/s`);
    const runs = await withLink({ ...cell, upstream: `127.0.0.1:${sink.port}` }, async (l) => {
      const rows = [];
      for (const c of rotate(cfg.contenders, i)) rows.push(await run(l, sink, cell, c, file, cfg.size, 0));
      return rows.filter(Boolean);
    });
    result.cells.push({ ...cell, link, runs });
  }
  // s3mpu at fixed parts in flight beside its default, where the link is longest and widest.
  if (cfg.curveSize) await curve(sink);
} finally {
  sink.stop();
}
result.loadEnd = loadavg();
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0); // failures are in the JSON: run.mjs reports them

async function curve(sink) {
  const slow = cfg.cells.reduce((a, b) => (b.rttMs * b.mbit > a.rttMs * a.mbit ? b : a));
  const curveFile = await bodyFile(cfg.curveSize);
  const link = await measureLink({ ...slow, bulkBytes: cfg.probeBytes });
  const runs = await withLink({ ...slow, upstream: `127.0.0.1:${sink.port}` }, async (l) => {
    const rows = [];
    for (const concurrency of [...cfg.curveConc, undefined]) {
      rows.push(await run(l, sink, slow, 's3mpu-md5', curveFile, cfg.curveSize, 0, concurrency ? { concurrency } : {}));
    }
    return rows.filter(Boolean);
  });
  result.curve = { ...slow, size: cfg.curveSize, link, runs };
}
