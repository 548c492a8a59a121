#!/usr/bin/env node
// s3mpu's benchmarks against its peers, all measured in this one run, and
// the report (BENCHMARKS.md). scripts/bench.sh is the way to run it: it
// installs, builds and starts what this needs.
//
//   node bench/run.mjs [--smoke | --full] [--out FILE] [--only a,b,...] [--report-only | --reprofile]
//                      [--link-size-mib N] [--link-curve-mib N]
//
// Sections (--only): upload, gateway, scale, sign, hash, browser, worker, size, direct, link,
// link-browser (link: emulated WAN links, bench/link/bench.mjs; needs root for its network
// namespaces; link-browser: Chromium over DevTools' emulated links, link-browser-bench.mjs).
// Every measurement runs in a fresh child process; contenders alternate
// within each round (the order rotates from round to round), figures are
// medians with min-max, and ratios are taken between runs of the same round.
// Environment: S3MPU_BENCH_RGW_ENDPOINT (+ _ACCESS_KEY, _SECRET_KEY,
// _REGION, _BUCKET) enables the gateway runs; S3MPU_BENCH_NATIVE names the
// bench/native binary; S3MPU_BENCH_FILE_DIR where the body files go.
// Exits 1 when any contender crashed or an upload did not arrive whole.
import { spawn, execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile, stat, open, readdir, rm } from 'node:fs/promises';
import { cpus, totalmem, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { childJson } from './lib/child.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const opt = (f) => (argv.indexOf(f) >= 0 ? argv[argv.indexOf(f) + 1] : undefined);
const MODE = flag('--smoke') ? 'smoke' : flag('--full') ? 'full' : 'default';
const only = opt('--only')?.split(',');
const want = (s) => !only || only.includes(s);
const OUT = opt('--out') ?? (MODE === 'smoke' ? join(root, 'build/bench-smoke.md') : join(root, 'BENCHMARKS.md'));
const WORK = join(root, 'build/bench');
const FILE_DIR = process.env.S3MPU_BENCH_FILE_DIR ?? join(WORK, 'files');
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const C = {
  // Every code path once, as fast as it goes: CI runs this so nothing rots.
  smoke: {
    size: 16 * MiB, plainRounds: 1, md5Rounds: 1, gatewayRounds: 1, bigSize: 0,
    fileContenders: ['s3mpu-md5', 'lib-storage', 'minio', 'floor-undici'], md5Contenders: ['s3mpu-md5', 'floor-http'],
    signMs: 100, signRounds: 1, hashMiB: 2, hashMs: 30, hashRounds: 1,
    worker: { n: 100, per: 2, rounds: 1 }, scaleSizes: [16 * MiB], scaleConc: [2], scaleRounds: 1, scaleConcSize: 16 * MiB,
    scaleContenders: ['s3mpu-none'], gatewayContenders: ['s3mpu-md5', 'lib-storage'],
    nativeIters: 2000, timeoutMs: 120_000,
  },
  default: {
    size: 512 * MiB, plainRounds: 5, fileRounds: 3, md5Rounds: 2, gatewayRounds: 1, bigSize: 0,
    signMs: 1000, signRounds: 5, hashMiB: 64, hashMs: 1000, hashRounds: 3,
    worker: { n: 1000, per: 10, rounds: 5 }, scaleSizes: [64 * MiB, 128 * MiB, 256 * MiB, 512 * MiB], scaleConc: [1, 2, 4, 8, 16], scaleRounds: 1, scaleConcSize: 256 * MiB,
    nativeIters: 200_000, timeoutMs: 600_000,
  },
};
C.full = { ...C.default, bigSize: 4 * GiB, scaleSizes: [...C.default.scaleSizes, 4 * GiB] };
const cfg = C[MODE];
const PART = 8 * MiB;
const CONC = 4;
const BUCKET = 'bench-bucket';
const CREDS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1' };

const S3MPU = ['s3mpu-md5', 's3mpu-crc32', 's3mpu-crc32c', 's3mpu-sha256', 's3mpu-none'];
const PEERS = ['lib-storage', 'minio', 'minio-http', 'aws4fetch', 'aws4fetch-pool', 'floor-undici', 'floor-http'];
const MD5_SINK = ['s3mpu-md5', 's3mpu-crc32', 's3mpu-none', 'lib-storage', 'minio', 'floor-undici', 'floor-http'];
const GATEWAY = ['s3mpu-md5', 's3mpu-crc32', 's3mpu-none', 'lib-storage', 'minio', 'aws4fetch'];
const SCALE = ['s3mpu-md5', 's3mpu-none', 'lib-storage', 'floor-undici'];

const failures = [];
const results = { mode: MODE, started: new Date().toISOString(), upload: [], sign: [], hash: [], md5Threads: [], native: null, worker: null, size: null, profiles: {} };
const log = (...a) => process.stderr.write(`bench: ${a.join(' ')}\n`);

// ---- Child processes -------------------------------------------------------------

const childEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

/** Run a command; resolve to the JSON of its last stdout line, or record a failure and resolve undefined. */
function runJson(label, cmd, args, { timeoutMs = cfg.timeoutMs, cwd = here } = {}) {
  const child = spawn(cmd, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  return childJson(child, timeoutMs).then(({ json, why, stderr }) => {
    if (json) return json;
    failures.push({ label, why, stderr });
    log(`FAILED ${label}: ${why}\n${stderr}`);
    return undefined;
  });
}

/** Start bench/sink.mjs; resolves to { url, control, stop }. */
function startSink(checkMd5) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'sink.mjs'), ...(checkMd5 ? ['--check-md5'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      if (!buf.includes('\n')) return;
      const { port, control } = JSON.parse(buf.split('\n')[0]);
      resolve({
        url: `http://127.0.0.1:${port}`,
        control: `http://127.0.0.1:${control}`,
        stop: () => child.kill('SIGTERM'),
      });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`sink exited ${code}`)));
  });
}

const sinkReset = (s) => fetch(`${s.control}/reset`, { method: 'POST' }).then((r) => r.text());
const sinkStats = (s) => fetch(`${s.control}/stats`).then((r) => r.json());

// ---- Statistics ----------------------------------------------------------------------

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const min = (xs) => Math.min(...xs.filter(Number.isFinite));
const max = (xs) => Math.max(...xs.filter(Number.isFinite));
const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');
const big = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '—');
const mm = (xs, d = 2) => (xs.length > 1 ? `${fmt(min(xs), d)}–${fmt(max(xs), d)}` : '');
const withRange = (xs, d = 2) => (xs.length ? `${fmt(median(xs), d)}${xs.length > 1 ? ` (${mm(xs, d)})` : ''}` : '—');

/** Rotate a list by r (alternating order across rounds). */
const rotate = (xs, r) => xs.map((_, i) => xs[(i + r) % xs.length]);

// ---- Body files --------------------------------------------------------------------------

async function bodyFile(size) {
  await mkdir(FILE_DIR, { recursive: true });
  const path = join(FILE_DIR, `body-${size}.bin`);
  const st = await stat(path).catch(() => null);
  if (st?.size === size) return path;
  log(`writing ${path} (${size / MiB} MiB)`);
  const fh = await open(path, 'w');
  const { randomFillSync } = await import('node:crypto');
  const block = randomFillSync(Buffer.allocUnsafe(8 * MiB));
  for (let at = 0; at < size; at += block.length) await fh.write(block, 0, Math.min(block.length, size - at));
  await fh.close();
  return path;
}

// ---- Uploads ----------------------------------------------------------------------------------

/**
 * One upload run in a child; returns the row (also stored) or undefined.
 * target: { kind: 'plain'|'md5'|'rgw', sink?, endpoint, creds, bucket, cleanup? }
 */
async function uploadRun(section, target, contender, source, size, concurrency, round) {
  const file = source === 'file' ? await bodyFile(size) : undefined;
  const key = `bench/${contender}-${source}-${size}-${round}.bin`;
  const opts = {
    contender, endpoint: target.endpoint, region: target.creds.region, accessKeyId: target.creds.accessKeyId,
    secretAccessKey: target.creds.secretAccessKey, bucket: target.bucket, key, source, size, file,
    partSize: PART, concurrency,
  };
  if (target.sink) await sinkReset(target.sink);
  const label = `${section}/${target.kind}/${source}/${size / MiB}MiB/c${concurrency}/${contender}#${round}`;
  const r = await runJson(label, process.execPath, [join(here, 'upload-child.mjs'), JSON.stringify(opts)], target.timeoutMs ? { timeoutMs: target.timeoutMs } : {});
  if (!r) {
    // A gateway that stopped answering (memstore full, a crash) would hang every later run.
    if (target.healthy && !(await target.healthy())) {
      target.dead = true;
      failures.push({ label: `${section}/${target.kind}`, why: 'the gateway stopped answering: the remaining gateway runs were skipped' });
    }
    return undefined;
  }
  let sink;
  if (target.sink) {
    sink = await sinkStats(target.sink);
    if (sink.partBytes < size || sink.completes < 1) {
      failures.push({ label, why: `the sink got ${sink.partBytes} of ${size} bytes, ${sink.completes} Complete` });
      log(`FAILED ${label}: incomplete upload`);
      return undefined;
    }
  }
  if (target.cleanup) await target.cleanup(key);
  const cpuS = (r.cpuUserUs + r.cpuSysUs) / 1e6;
  const row = {
    section, target: target.kind, source, size, concurrency, contender, round,
    wallMs: r.wallMs, mibps: size / MiB / (r.wallMs / 1000), cpuS, cpuPerGiB: cpuS / (size / GiB),
    cpuUserPerGiB: r.cpuUserUs / 1e6 / (size / GiB), cpuSysPerGiB: r.cpuSysUs / 1e6 / (size / GiB),
    extraRssMiB: Math.max(0, r.maxRssBytes - r.rssBeforeBytes) / MiB, maxRssMiB: r.maxRssBytes / MiB,
    connections: sink?.connections, sinkCpuPerGiB: sink ? sink.cpuUs / 1e6 / (size / GiB) : undefined,
  };
  results.upload.push(row);
  log(`${label}: ${fmt(row.mibps, 0)} MiB/s, ${fmt(row.cpuPerGiB)} CPU s/GiB, +${fmt(row.extraRssMiB, 0)} MiB RSS${sink ? `, ${sink.connections} conn` : ''}`);
  return row;
}

async function uploadMatrix(section, target, contenders, sources, size, rounds, concurrency = CONC) {
  for (let round = 0; round < rounds; round++) {
    for (const source of sources) {
      for (const c of rotate(contenders, round)) {
        if (target.dead) return;
        await uploadRun(section, target, c, source, size, concurrency, round);
      }
    }
  }
}

/** Median of a metric over rows of one contender (and the per-round values). */
function metric(rows, contender, key) {
  const xs = rows.filter((r) => r.contender === contender).map((r) => r[key]);
  return { xs, med: median(xs) };
}

/** Ratio a/b per round (same round index), median and range. */
function pairedRatio(rows, a, b, key) {
  const byRound = (c) => new Map(rows.filter((r) => r.contender === c).map((r) => [r.round, r[key]]));
  const A = byRound(a);
  const B = byRound(b);
  const xs = [...A.keys()].filter((k) => B.has(k)).map((k) => A.get(k) / B.get(k));
  return { xs, med: median(xs) };
}

function uploadTable(rows, contenders, { floor = 'floor-undici', base = 'lib-storage', connections = true } = {}) {
  const cols = floor === base ? [floor] : [floor, base];
  const head = ['contender', 'wall s', 'MiB/s', 'CPU s/GiB', ...cols.map((c) => `CPU vs ${c}`), `MiB/s vs ${base}`, 'peak RSS over body, MiB'];
  if (connections) head.push('connections', 'sink CPU s/GiB');
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const section = rows[0] && `${rows[0].section}/${rows[0].target}/${rows[0].source}/`;
  for (const c of contenders) {
    const mine = rows.filter((r) => r.contender === c);
    if (!mine.length) {
      // Listed only when it was run and crashed (see Failures).
      if (section && failures.some((f) => f.label.startsWith(section) && f.label.includes(`/${c}#`))) {
        lines.push(`| \`${c}\` | crashed (see Failures) |${head.slice(2).map(() => '').join(' |')} |`);
      }
      continue;
    }
    const cells = [
      `\`${c}\``,
      withRange(mine.map((r) => r.wallMs / 1000)),
      withRange(mine.map((r) => r.mibps), 0),
      withRange(mine.map((r) => r.cpuPerGiB)),
      ...cols.map((k) => `${fmt(pairedRatio(rows, c, k, 'cpuPerGiB').med)}×`),
      `${fmt(pairedRatio(rows, c, base, 'mibps').med)}×`,
      withRange(mine.map((r) => r.extraRssMiB), 0),
    ];
    if (connections) cells.push(String(median(mine.map((r) => r.connections ?? NaN))), withRange(mine.map((r) => r.sinkCpuPerGiB ?? NaN)));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

// ---- Signing, hashing, native, worker, size ------------------------------------------------------

const SIGNERS = [
  ['s3mpu', 'header'], ['aws4', 'header'], ['aws4fetch', 'header'], ['smithy', 'header'],
  ['s3mpu', 'presign'], ['s3mpu-batch', 'presign'], ['aws4', 'presign'], ['aws4fetch', 'presign'], ['smithy', 'presign'],
];

async function signBench() {
  for (let round = 0; round < cfg.signRounds; round++) {
    for (const [s, kind] of rotate(SIGNERS, round)) {
      const r = await runJson(`sign/${s}/${kind}#${round}`, process.execPath, [join(here, 'sign-child.mjs'), s, kind, String(cfg.signMs)]);
      if (r) results.sign.push({ signer: s, kind, round, opsPerSec: r.opsPerSec });
    }
  }
}

const HASHES = [
  ['md5', 's3mpu-wasm'], ['md5', 's3mpu-wasm-inplace'], ['md5', 'node'], ['md5', 'spark-md5'],
  ['sha256', 's3mpu-wasm'], ['sha256', 's3mpu-wasm-inplace'], ['sha256', 'node'], ['sha256', 'webcrypto'],
  ['crc32', 's3mpu-wasm'], ['crc32', 's3mpu-wasm-inplace'], ['crc32', 'zlib'], ['crc32', 'sdk-js'],
  ['crc32c', 's3mpu-wasm'], ['crc32c', 's3mpu-wasm-inplace'], ['crc32c', 'sdk-js'],
];

async function hashBench() {
  const digests = {};
  for (let round = 0; round < cfg.hashRounds; round++) {
    for (const [algo, impl] of rotate(HASHES, round)) {
      const r = await runJson(`hash/${algo}/${impl}#${round}`, process.execPath, [join(here, 'hash-child.mjs'), impl, algo, String(cfg.hashMiB), String(cfg.hashMs)]);
      if (!r) continue;
      results.hash.push({ algo, impl, round, mbPerSec: r.mbPerSec, digest: r.digest });
      (digests[algo] ??= new Set()).add(r.digest);
    }
  }
  for (const [algo, set] of Object.entries(digests)) {
    if (set.size !== 1) failures.push({ label: `hash/${algo}`, why: `implementations disagree: ${[...set].join(' ')}` });
  }
}

/** MD5 of an upload's parts on the calling thread against 1 and 2 worker threads (the throughput target's question). */
async function md5ThreadsBench() {
  const digests = new Set();
  for (let round = 0; round < cfg.hashRounds; round++) {
    for (const threads of rotate([0, 1, 2], round)) {
      const r = await runJson(`md5-threads/${threads}#${round}`, process.execPath, [join(here, 'md5-threads-child.mjs'), String(threads), String(cfg.size / MiB), String(PART / MiB)]);
      if (!r) continue;
      results.md5Threads.push({ threads, round, ...r, contender: String(threads), mibps: cfg.size / MiB / (r.wallMs / 1000), cpuPerGiB: r.cpuUs / 1e6 / (cfg.size / GiB) });
      digests.add(r.digest);
    }
  }
  if (digests.size > 1) failures.push({ label: 'md5-threads', why: `digests disagree: ${[...digests].join(' ')}` });
}

/** MD5 of CONC parts one by one (node:crypto, scalar wasm) or four at a time in md5x4's SIMD lanes. */
async function md5x4Bench() {
  results.md5x4 = [];
  const digests = new Set();
  const partMiB = Math.min(PART / MiB, cfg.hashMiB);
  for (let round = 0; round < cfg.hashRounds; round++) {
    for (const impl of rotate(['node', 's3mpu-wasm', 's3mpu-md5x4'], round)) {
      const r = await runJson(`md5x4/${impl}#${round}`, process.execPath, [join(here, 'md5x4-child.mjs'), impl, String(partMiB), String(CONC), String(cfg.hashMs)]);
      if (!r) continue;
      results.md5x4.push({ impl, contender: impl, round, partMiB, parts: CONC, mbPerSec: r.mbPerSec, cpuPerGiB: r.cpuPerGiB });
      digests.add(r.digest);
    }
  }
  if (digests.size > 1) failures.push({ label: 'md5x4', why: `digests disagree: ${[...digests].join(' / ')}` });
}

async function browserBench() {
  const r = await runJson('browser-hash', process.execPath, [join(here, 'browser-hash.mjs'), join(WORK, 'browser'), String(cfg.hashMiB), String(cfg.hashMs), String(cfg.hashRounds), String(Math.min(PART / MiB, cfg.hashMiB))]);
  results.browser = r;
  if (!r?.runs) return;
  // Same bytes as hash-child.mjs: the digests must match Node's.
  for (const run of r.runs) {
    const node = results.hash.find((h) => h.algo === run.algo && h.digest);
    if (node && node.digest !== run.digest) failures.push({ label: `browser-hash/${run.algo}/${run.impl}`, why: `digest ${run.digest}, Node's ${node.digest}` });
  }
  const partDigests = new Set((r.parts ?? []).map((x) => x.digest));
  if (partDigests.size > 1) failures.push({ label: 'browser-hash/parts', why: 'spark-md5 and s3mpu disagree on the parts\' MD5s' });
  const manyDigests = new Set((r.many ?? []).map((x) => x.digest));
  if (manyDigests.size > 1) failures.push({ label: 'browser-hash/md5x4', why: 'md5x4 and the scalar wasm MD5 disagree' });
}

async function nativeBench() {
  const bin = process.env.S3MPU_BENCH_NATIVE;
  if (!bin || !(await stat(bin).catch(() => null))) {
    results.native = { skipped: 'bench/native binary not built (scripts/bench.sh builds it with -DS3MPU_BENCH=ON when bench/native exists)' };
    return;
  }
  const runs = { header: [], presign: [] };
  for (let round = 0; round < (want('sign') ? cfg.signRounds : 0); round++) {
    let out;
    try {
      out = execFileSync(bin, [String(cfg.nativeIters)], { encoding: 'utf8', timeout: 300_000 });
    } catch (e) {
      failures.push({ label: 'native', why: String(e.message).slice(0, 300) });
      return;
    }
    for (const line of out.split('\n')) {
      const m = /([\d.]+)\s*\/s\s*$/.exec(line);
      if (!m) continue;
      if (/header/i.test(line)) runs.header.push(Number(m[1]));
      else if (/presign/i.test(line)) runs.presign.push(Number(m[1]));
    }
  }
  // Hashing: MB/s per algorithm (medians of the binary's 7 runs, one per round), digests checked.
  const hash = {};
  for (let round = 0; round < (want('hash') ? cfg.hashRounds : 0); round++) {
    let out;
    try {
      out = execFileSync(bin, ['hash', String(cfg.hashMiB)], { encoding: 'utf8', timeout: 300_000 });
    } catch (e) {
      failures.push({ label: 'native/hash', why: String(e.message).slice(0, 300) });
      break;
    }
    for (const line of out.split('\n')) {
      const m = /^hash (\w+)\s+median\s+([\d.]+) MB\/s.*digest ([0-9a-f]+)$/.exec(line);
      if (!m) continue;
      const [, algo, mbPerSec, digest] = m;
      (hash[algo] ??= []).push(Number(mbPerSec));
      const node = results.hash.find((h) => h.algo === algo && h.digest);
      if (node && node.digest !== digest) failures.push({ label: `native/hash/${algo}`, why: `digest ${digest}, Node's ${node.digest}` });
    }
  }
  results.native = { bin: bin.replace(`${root}/`, ''), ...runs, hash };
}

async function workerBench() {
  const w = cfg.worker;
  results.worker = await runJson('worker', process.execPath, [join(here, 'worker-bench.mjs'), join(WORK, 'worker'), String(w.n), String(w.per), String(w.rounds)]);
}

async function sizeBench() {
  results.size = await runJson('size', process.execPath, [join(here, 'size-bench.mjs'), join(WORK, 'size')]);
}

// ---- Profiles of misses ------------------------------------------------------------------------------

/** Self time by function of a --cpu-prof profile: top n as [name, percent]. */
async function profileTop(dir, n = 8) {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) return [];
  const prof = JSON.parse(await readFile(join(dir, files[0]), 'utf8'));
  const self = new Map();
  const counts = new Map();
  for (const s of prof.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
  let total = 0;
  for (const node of prof.nodes) {
    const hits = counts.get(node.id) ?? 0;
    if (!hits || node.callFrame.functionName === '(idle)') continue; // waiting is not CPU
    const cf = node.callFrame;
    const where = cf.url ? `${cf.url.replace(/^file:\/\//, '').replace(`${root}/`, '').replace(/.*node_modules\//, '')}:${cf.lineNumber + 1}` : '';
    const name = `${cf.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(name, (self.get(name) ?? 0) + hits);
    total += hits;
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, h]) => [name, (100 * h) / total]);
}

async function profileUpload(name, target, contender, size) {
  const dir = join(WORK, 'prof', name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  if (target.sink) await sinkReset(target.sink);
  const opts = {
    contender, endpoint: target.endpoint, region: target.creds.region, accessKeyId: target.creds.accessKeyId,
    secretAccessKey: target.creds.secretAccessKey, bucket: target.bucket, key: `prof/${name}`, source: 'memory', size,
    partSize: PART, concurrency: CONC,
  };
  childEnv.S3MPU_BENCH_PROFILE = join(dir, 'upload.cpuprofile');
  await runJson(`profile/${name}`, process.execPath, [join(here, 'upload-child.mjs'), JSON.stringify(opts)]);
  delete childEnv.S3MPU_BENCH_PROFILE;
  results.profiles[name] = await profileTop(dir);
}

async function profileSign(name, signer, kind) {
  const dir = join(WORK, 'prof', name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await runJson(`profile/${name}`, process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, join(here, 'sign-child.mjs'), signer, kind, String(cfg.signMs)]);
  results.profiles[name] = await profileTop(dir);
}

// ---- Machine -----------------------------------------------------------------------------------------

async function machine() {
  const pkg = async (p) => JSON.parse(await readFile(join(here, 'node_modules', p, 'package.json'), 'utf8')).version;
  const versions = {};
  for (const p of ['@aws-sdk/client-s3', '@aws-sdk/lib-storage', 'minio', 'aws4fetch', 'aws4', '@smithy/signature-v4', '@smithy/hash-node', 'undici', 'spark-md5', 'esbuild', 'miniflare', 'workerd']) {
    versions[p] = await pkg(p).catch(() => '?');
  }
  let commit = '?';
  try {
    commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--', 'js', 'core', 'wasm'], { encoding: 'utf8' }).trim();
    if (dirty) commit += ' (+ uncommitted changes in js/, core/ or wasm/)';
  } catch { /* not a git tree */ }
  const wasm = await readFile(process.env.S3MPU_WASM || join(root, 'js/s3mpu.wasm')).catch(() => null);
  return {
    nproc: cpus().length, cpu: cpus()[0]?.model ?? '?', memGiB: totalmem() / GiB, node: process.version,
    kernel: execFileSync('uname', ['-sr'], { encoding: 'utf8' }).trim(), commit, versions,
    wasm: process.env.S3MPU_WASM ? process.env.S3MPU_WASM.replace(`${root}/`, '') : 'js/s3mpu.wasm', wasmBytes: wasm?.length,
    loadStart: loadavg(),
  };
}

// ---- Main ------------------------------------------------------------------------------------------------

// --report-only: render OUT again from the last run's results (no measuring).
if (flag('--report-only')) {
  const saved = JSON.parse(await readFile(join(WORK, `results-${MODE}.json`), 'utf8'));
  failures.push(...saved.failures);
  const { render } = await import('./lib/report.mjs');
  await writeFile(OUT, render(saved, { cfg, MiB, GiB, PART, CONC, S3MPU, PEERS, MD5_SINK, GATEWAY, SCALE, median, min, max, fmt, big, withRange, pairedRatio, uploadTable, metric }));
  log(`rendered ${OUT} from build/bench/results-${MODE}.json`);
  process.exit(0);
}

// --reprofile: take the profiles again into the last run's results and re-render.
if (flag('--reprofile')) {
  const saved = JSON.parse(await readFile(join(WORK, `results-${MODE}.json`), 'utf8'));
  const sink = await startSink(false);
  try {
    const t = { kind: 'plain', sink, endpoint: sink.url, creds: CREDS, bucket: BUCKET };
    await profileUpload('s3mpu-none', t, 's3mpu-none', 256 * MiB);
    await profileUpload('s3mpu-md5', t, 's3mpu-md5', 256 * MiB);
    await profileUpload('floor-http', t, 'floor-http', 256 * MiB);
    await profileSign('sign-s3mpu-header', 's3mpu', 'header');
  } finally {
    sink.stop();
  }
  saved.profiles = results.profiles;
  await writeFile(join(WORK, `results-${MODE}.json`), JSON.stringify(saved, null, 1));
  const { render } = await import('./lib/report.mjs');
  failures.push(...saved.failures);
  await writeFile(OUT, render(saved, { cfg, MiB, GiB, PART, CONC, S3MPU, PEERS, MD5_SINK, GATEWAY, SCALE, median, min, max, fmt, big, withRange, pairedRatio, uploadTable, metric }));
  log(`re-profiled into ${OUT}`);
  process.exit(0);
}

const t0 = Date.now();
results.machine = await machine();
log(`mode ${MODE}, writing ${OUT}`);
await mkdir(WORK, { recursive: true });

const sinks = {};
try {
  if (want('upload') || want('scale')) {
    sinks.plain = await startSink(false);
    sinks.md5 = await startSink(true);
  }
  const sinkTarget = (kind) => ({ kind, sink: sinks[kind], endpoint: sinks[kind].url, creds: CREDS, bucket: BUCKET });

  if (want('upload')) {
    log('uploads to the sink');
    await uploadMatrix('upload', sinkTarget('plain'), [...S3MPU, ...PEERS], ['memory'], cfg.size, cfg.plainRounds);
    await uploadMatrix('upload', sinkTarget('plain'), cfg.fileContenders ?? [...S3MPU, ...PEERS], ['file'], cfg.size, cfg.fileRounds ?? cfg.plainRounds);
    await uploadMatrix('upload', sinkTarget('md5'), cfg.md5Contenders ?? MD5_SINK, ['memory', 'file'], cfg.size, cfg.md5Rounds);
    if (cfg.bigSize) {
      log('4 GiB uploads from memory and from a file');
      await uploadMatrix('big', sinkTarget('plain'), ['s3mpu-md5', 's3mpu-none', 'lib-storage', 'floor-undici'], ['memory', 'file'], cfg.bigSize, 1);
    }
  }
  if (want('gateway') && process.env.S3MPU_BENCH_RGW_ENDPOINT) {
    log('uploads to RGW');
    const { S3Client, DeleteObjectCommand, HeadBucketCommand } = await import('@aws-sdk/client-s3');
    const e = process.env;
    const creds = { accessKeyId: e.S3MPU_BENCH_RGW_ACCESS_KEY, secretAccessKey: e.S3MPU_BENCH_RGW_SECRET_KEY, region: e.S3MPU_BENCH_RGW_REGION || 'us-east-1' };
    const sdk = new S3Client({ endpoint: e.S3MPU_BENCH_RGW_ENDPOINT, region: creds.region, forcePathStyle: true, credentials: creds });
    const bucket = e.S3MPU_BENCH_RGW_BUCKET || BUCKET;
    const target = {
      kind: 'rgw', endpoint: e.S3MPU_BENCH_RGW_ENDPOINT, creds, bucket,
      // memstore keeps every byte in RAM: drop each object at once.
      cleanup: (key) => sdk.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => {}),
      timeoutMs: MODE === 'smoke' ? 60_000 : 300_000,
      healthy: () => sdk.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: AbortSignal.timeout(15_000) }).then(() => true, () => false),
    };
    const size = cfg.size;
    results.gatewaySize = size;
    await uploadMatrix('gateway', target, cfg.gatewayContenders ?? GATEWAY, ['memory', 'file'], size, cfg.gatewayRounds);
    sdk.destroy();
  } else if (want('gateway')) {
    results.gatewaySkipped = 'S3MPU_BENCH_RGW_ENDPOINT not set (scripts/bench.sh starts RGW unless --smoke or --no-gateway)';
  }
  if (want('scale')) {
    log('scale: size');
    for (let round = 0; round < cfg.scaleRounds; round++) {
      for (const size of cfg.scaleSizes) {
        for (const c of rotate(cfg.scaleContenders ?? SCALE, round)) await uploadRun('scale-size', sinkTarget('plain'), c, 'file', size, CONC, round);
      }
    }
    log('scale: concurrency');
    for (let round = 0; round < cfg.scaleRounds; round++) {
      for (const conc of cfg.scaleConc) {
        for (const c of rotate(cfg.scaleContenders ?? SCALE, round)) await uploadRun('scale-conc', sinkTarget('plain'), c, 'file', cfg.scaleConcSize, conc, round);
      }
    }
  }
  if (want('sign')) {
    log('signing');
    await signBench();
  }
  if (want('hash')) {
    log('hashing');
    await hashBench();
    await md5ThreadsBench();
    await md5x4Bench();
  }
  if (want('sign') || want('hash')) await nativeBench();
  if (want('browser')) {
    log('hashing in Chromium');
    await browserBench();
  }
  if (want('worker')) {
    log('workerd');
    await workerBench();
  }
  if (want('size')) {
    log('size');
    await sizeBench();
  }
  if (want('direct')) {
    log('browser direct uploads (s3mpu/direct against Uppy)');
    results.direct = await runJson('direct', process.execPath, [join(here, 'direct-bench.mjs'), join(WORK, 'direct'), MODE]);
  }
  if (want('link')) {
    log('uploads over emulated WAN links (bench/link/bench.mjs)');
    const sizes = ['size', 'curve'].flatMap((k) => (opt(`--link-${k}-mib`) ? [`--${k}-mib`, opt(`--link-${k}-mib`)] : []));
    results.link = await runJson('link', process.execPath, [join(here, 'link/bench.mjs'), join(WORK, 'link'), MODE, ...sizes], { timeoutMs: 4 * 3600_000 });
    failures.push(...(results.link?.failures ?? []));
  }
  if (want('link-browser')) {
    log('browser uploads over an emulated link (s3mpu/direct against Uppy)');
    const size = opt('--link-size-mib') ? ['--size-mib', opt('--link-size-mib')] : [];
    results.linkBrowser = await runJson('link-browser', process.execPath, [join(here, 'link-browser-bench.mjs'), join(WORK, 'link-browser'), MODE, ...size],
      { timeoutMs: MODE === 'smoke' ? 180_000 : 3_600_000 });
  }
  // Where the CPU goes, for the targets these runs can miss (not in smoke runs).
  if (MODE !== 'smoke' && want('upload')) {
    log('profiles');
    await profileUpload('s3mpu-none', sinkTarget('plain'), 's3mpu-none', 256 * MiB);
    await profileUpload('s3mpu-md5', sinkTarget('plain'), 's3mpu-md5', 256 * MiB);
    await profileUpload('floor-http', sinkTarget('plain'), 'floor-http', 256 * MiB);
  }
  if (MODE !== 'smoke' && want('sign')) await profileSign('sign-s3mpu-header', 's3mpu', 'header');
} finally {
  for (const s of Object.values(sinks)) s.stop();
}

results.machine.loadEnd = loadavg();
results.seconds = (Date.now() - t0) / 1000;
results.failures = failures;
await writeFile(join(WORK, `results-${MODE}.json`), JSON.stringify(results, null, 1));
const { render } = await import('./lib/report.mjs');
await mkdir(join(OUT, '..'), { recursive: true });
await writeFile(OUT, render(results, { cfg, MiB, GiB, PART, CONC, S3MPU, PEERS, MD5_SINK, GATEWAY, SCALE, median, min, max, fmt, big, withRange, pairedRatio, uploadTable, metric }));
log(`wrote ${OUT} in ${fmt(results.seconds, 0)} s; ${failures.length} failure(s)`);
if (failures.length) {
  for (const f of failures) log(`failure: ${f.label}: ${f.why}`);
  process.exit(1);
}
