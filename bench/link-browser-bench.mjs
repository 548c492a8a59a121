#!/usr/bin/env node
// Browser uploads over an emulated link (issue 15, "Full links at real latency"): s3mpu's
// directUpload (Content-MD5 on, signing through createDirectUploadHandler) beside the
// published @uppy/aws-s3 through @uppy/companion, from Chromium to the gateway, per cell of
// RTT × bandwidth.
//
//   node bench/link-browser-bench.mjs <outDir> <smoke|default|full> [--size-mib N]
//
// The link is DevTools' Network.emulateNetworkConditions (Playwright's CDP session) on each
// page: a latency added to every request before its answer, and one upload throughput that
// all the page's requests share (measured: 4 parallel PUTs at 100 Mbit/s get 100 Mbit/s
// together, not each). It covers every request of the page: part PUTs, the signing calls to
// the backend (s3mpu's handler, Companion), Complete. Each cell first measures the link it
// got, from the same page: RTT (a 1-byte PUT, median of 5) and bandwidth (6 parallel PUTs of
// the test file's bytes to a discarding sink, Chromium's 6 connections per host), so each
// upload is also a % of what this machine can push through that link.
// --size-mib sets the upload size (run.mjs's --link-size-mib) and S3MPU_BENCH_LINK_CELLS
// ("20x100,200x1000": RTT ms × Mbit/s) the cells; S3MPU_BENCH_LINK_DIRECT (JSON, e.g. {"concurrency":6}) adds
// options to directUpload's and S3MPU_BENCH_LINK_ONLY (a contender) leaves the other out, for
// tuning. Needs what direct-bench.mjs needs; skipped (reported) without.
// Every upload is checked: the object's size, and its bytes read back (MD5 of the whole file).
// Prints one JSON line; exits non-zero when an upload fails or does not arrive whole.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { CONTENDERS, arrived, bodyFile, browserSkip, openBrowserUploads } from './lib/browser-upload.mjs';
import { printJsonAndExit } from './lib/child.mjs';

const [outDir, mode = 'default', ...rest] = process.argv.slice(2);
const MiB = 1024 * 1024;
const GRID = [20, 80, 200].flatMap((rttMs) => [100, 1000].map((mbit) => ({ rttMs, mbit })));
const at = ({ rttMs, mbit }) => (mbit ? `${rttMs} ms × ${mbit} Mbit/s` : 'loopback (no emulation)');
const MODES = {
  // One cell, a file of 2 parts for both contenders: every code path, in seconds.
  smoke: { size: 16 * MiB, rounds: 1, cells: [{ rttMs: 20, mbit: 100 }] },
  // First the machine's own limit: the same uploads on loopback, no emulation.
  default: { size: 1024 * MiB, rounds: 1, cells: [{ rttMs: 0, mbit: 0 }, ...GRID] },
  full: { size: 1024 * MiB, rounds: 2, cells: [{ rttMs: 0, mbit: 0 }, ...GRID] },
};
const cfg = { ...MODES[mode] };
if (rest[0] === '--size-mib') cfg.size = Number(rest[1]) * MiB;
if (process.env.S3MPU_BENCH_LINK_CELLS) {
  cfg.cells = process.env.S3MPU_BENCH_LINK_CELLS.split(',').map((c) => {
    const [rttMs, mbit] = c.split('x').map(Number);
    return { rttMs, mbit };
  });
}
const contenders = CONTENDERS.filter((c) => !process.env.S3MPU_BENCH_LINK_ONLY || c === process.env.S3MPU_BENCH_LINK_ONLY);
const directOptions = JSON.parse(process.env.S3MPU_BENCH_LINK_DIRECT || '{}');
const PROBE_SECONDS = 5; // the bandwidth probe sends about this long at the nominal rate
const log = (...a) => process.stderr.write(`link-browser: ${a.join(' ')}\n`);
await mkdir(outDir, { recursive: true });

await printJsonAndExit({ mode, size: cfg.size, emulator: 'devtools', cells: cfg.cells }, runGrid, log);

async function runGrid() {
  const skip = await browserSkip();
  if (skip) return { skipped: skip };
  const B = await openBrowserUploads(`link-browser-bench/${Date.now()}/`);
  const sink = await startSink();
  const body = await bodyFile(outDir, cfg.size);
  try {
    const md5 = await md5Of(createReadStream(body));
    const links = [];
    const uploads = [];
    for (const cell of cfg.cells) {
      const link = await measureLink(B, sink, body, cell);
      links.push(link);
      log(`${at(cell)}: measured RTT ${link.measuredRttMs.toFixed(0)} ms, ${link.MBps.toFixed(1)} MB/s (to the gateway ${link.gatewayMBps.toFixed(1)} MB/s)`);
      for (let round = 0; round < cfg.rounds; round++) {
        for (const c of round % 2 ? [...contenders].reverse() : contenders) {
          const r = await B.upload(c, body, { setup: emulate(cell), options: c === 's3mpu-direct' ? directOptions : {} });
          await verify(B, r, md5, c);
          const MBps = cfg.size / 1e6 / (r.ms / 1000);
          uploads.push({ ...cell, contender: c, round, size: cfg.size, ms: r.ms, MBps, phases: r.phases });
          const phases = Object.entries(r.phases ?? {}).map(([k, v]) => `${k} ${Math.round(v)}`).join(', ');
          log(`${at(cell)} ${c}#${round}: ${(r.ms / 1000).toFixed(1)} s, ${MBps.toFixed(1)} MB/s (${((100 * MBps) / link.MBps).toFixed(0)} % of the link)${phases ? `; ms to ${phases}` : ''}`);
        }
      }
    }
    return { links, uploads, chromium: B.browser.version() };
  } finally {
    await B.close();
    sink.close();
    await rm(body, { force: true });
  }
}

/** A page's setup: the cell's link on every request it makes (none for mbit 0: loopback). */
function emulate({ rttMs, mbit }) {
  return async (page, ctx) => {
    if (!mbit) return;
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    const Bps = (mbit * 1e6) / 8;
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: rttMs, uploadThroughput: Bps, downloadThroughput: Bps });
  };
}

/**
 * The link a page gets in this cell: RTT of a 1-byte PUT; the bandwidth of 6 parallel PUTs to
 * a discarding sink (the link), and to the gateway (presigned PutObject, no hashing: what this
 * machine's gateway takes through that link).
 */
async function measureLink(B, sink, body, cell) {
  const ctx = await B.browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto(`${B.site.origin}/direct.html`);
    await page.setInputFiles('#file', body);
    await emulate(cell)(page, ctx);
    const bytes = cell.mbit ? Math.min(cfg.size, Math.round(((cell.mbit * 1e6) / 8) * PROBE_SECONDS)) : cfg.size;
    const keys = Array.from({ length: 6 }, (_, i) => `${B.prefix}floor/${Date.now()}-${i}`);
    const gateway = keys.map((key) => B.client.presign({ operation: 'putObject', bucket: B.bucket, key }));
    const r = await page.evaluate(async ({ sinkUrl, gateway, bytes }) => {
      const put = ({ url, headers = {} }, b) => new Promise((resolve, reject) => {
        const x = new XMLHttpRequest();
        x.open('PUT', url);
        for (const [k, v] of Object.entries(headers)) x.setRequestHeader(k, v);
        x.onload = () => (x.status === 200 ? resolve(Number(x.responseText) || 0) : reject(new Error(`PUT ${url}: HTTP ${x.status}`)));
        x.onerror = () => reject(new Error(`PUT ${url} failed`));
        x.send(b);
      });
      const rtts = [];
      for (let i = 0; i < 6; i++) {
        const t = performance.now();
        await put({ url: sinkUrl }, 'x');
        rtts.push(performance.now() - t);
      }
      const file = document.querySelector('#file').files[0];
      const per = Math.ceil(bytes / 6);
      const parallel = async (targets) => {
        const t0 = performance.now();
        const got = await Promise.all(targets.map((t, i) => put(t, file.slice(i * per, Math.min(bytes, (i + 1) * per)))));
        return { ms: performance.now() - t0, got: got.reduce((a, b) => a + b, 0) };
      };
      const toSink = await parallel(gateway.map(() => ({ url: sinkUrl })));
      return { rtts: rtts.slice(1), toSink, toGateway: await parallel(gateway) };
    }, { sinkUrl: sink.url, gateway, bytes });
    if (r.toSink.got !== bytes) throw new Error(`link probe: the sink got ${r.toSink.got} of ${bytes} bytes`);
    const per = Math.ceil(bytes / 6);
    for (const [i, key] of keys.entries()) {
      await arrived(B.client, B.bucket, key, Math.max(0, Math.min(bytes, (i + 1) * per) - i * per), 'link probe');
      await B.drop(key);
    }
    const measuredRttMs = [...r.rtts].sort((a, b) => a - b)[r.rtts.length >> 1];
    const MBps = (x) => bytes / 1e6 / (x.ms / 1000);
    return { ...cell, measuredRttMs, probeBytes: bytes, MBps: MBps(r.toSink), gatewayMBps: MBps(r.toGateway) };
  } finally {
    await ctx.close();
  }
}

/** The object has the file's size and bytes (read back whole); then it goes. */
async function verify(B, r, md5, label) {
  try {
    const head = await arrived(B.client, B.bucket, r.key, cfg.size, label);
    if (r.etag && head.etag !== r.etag) throw new Error(`${label}: ${r.key} has ETag ${head.etag}, directUpload said ${r.etag}`);
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const got = await B.sdk.send(new GetObjectCommand({ Bucket: B.bucket, Key: r.key }));
    const back = await md5Of(got.Body);
    if (back !== md5) throw new Error(`${label}: ${r.key} reads back with MD5 ${back}, the file's is ${md5}`);
  } finally {
    await B.drop(r.key);
  }
}

async function md5Of(stream) {
  const h = createHash('md5');
  for await (const c of stream) h.update(c);
  return h.digest('hex');
}

/** A CORS-open sink on 127.0.0.1 that counts and drops what it is sent. */
async function startSink() {
  const cors = { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'PUT', 'access-control-allow-headers': '*' };
  const server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    let n = 0;
    req.on('data', (c) => {
      n += c.length;
    });
    req.on('end', () => {
      res.writeHead(200, { ...cors, 'content-type': 'text/plain' });
      res.end(String(n));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/sink`, close: () => server.close() };
}
