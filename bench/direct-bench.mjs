#!/usr/bin/env node
// Browser direct uploads (issue 13), s3mpu against the published Uppy, in one run:
//   size     gzip -9 of an esbuild browser bundle of s3mpu/direct (its module, its hashing
//            Worker and the wasm, as a page fetches them) and of @uppy/core + @uppy/aws-s3
//   upload   a file from Chromium to the gateway: s3mpu's directUpload (Content-MD5 on,
//            signing through createDirectUploadHandler) beside @uppy/aws-s3 through the
//            published @uppy/companion (multipart both), alternating, same run
//   longtask the page's longest main-thread task while directUpload sends a file
//   hashing  the hashing Worker's MD5 of 4 parts at once (md5x4) against one part at a time
// (The handler's CPU in workerd is worker-bench.mjs's "handler-batch".)
//
//   node bench/direct-bench.mjs <outDir> <smoke|default|full> [--size-only]
//
// The uploads need S3MPU_BENCH_RGW_ENDPOINT (+ _ACCESS_KEY, _SECRET_KEY, _REGION, _BUCKET,
// a bucket with CORS for http://127.0.0.1:*), Chromium (S3MPU_CHROMIUM or /usr/bin/chromium)
// and tests/interop's dev dependencies; without them they are reported as skipped. Prints
// one JSON line. Exits non-zero when an upload fails or does not arrive whole.
import { build } from 'esbuild';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CONTENDERS, arrived, bodyFile, browserSkip, exists, interopModules, openBrowserUploads } from './lib/browser-upload.mjs';
import { printJsonAndExit } from './lib/child.mjs';

const [outDir, mode = 'default', only] = process.argv.slice(2);
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const MiB = 1024 * 1024;
const SIZES = {
  smoke: { upload: 8 * MiB, rounds: 1, longtask: 16 * MiB },
  default: { upload: 200 * MiB, rounds: 3, longtask: 256 * MiB },
  full: { upload: 200 * MiB, rounds: 5, longtask: 256 * MiB },
}[mode];
const log = (...a) => process.stderr.write(`direct-bench: ${a.join(' ')}\n`);
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
await mkdir(outDir, { recursive: true });

await printJsonAndExit({ mode, size: await sizes() },
  async () => (only === '--size-only' ? {} : { ...(await workerHashing()), ...(await browserRuns()) }), log);

// ---- size ---------------------------------------------------------------------------------

/** One file of a bundle, raw and gzip -9. */
function sized(file, { bytes, byFile }) {
  return { file, raw: bytes.length, gzip: gz(bytes), byFile };
}

/** Bundle `entry`; the bytes, and the minified bytes each source file puts in them. */
async function bundle(entry, outfile, { nodePaths = [] } = {}) {
  const { metafile } = await build({
    entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', outfile,
    external: ['node:*'], nodePaths, logLevel: 'error', legalComments: 'none', metafile: true,
  });
  return { bytes: await readFile(outfile), byFile: byFile(Object.values(metafile.outputs)[0]) };
}

function byFile(output) {
  return Object.entries(output.inputs).map(([file, v]) => ({ file: relative(root, file).replace(/^.*node_modules\//, ''), bytes: v.bytesInOutput }))
    .filter((x) => x.bytes > 0).sort((a, b) => b.bytes - a.bytes);
}

/**
 * Bundle `entry` with code splitting, as a page's bundler would: what the page fetches at
 * once (the entry and the chunks it imports statically) and what it fetches only when a
 * dynamic import() runs (credentials mode's S3Client), each a list of sized files.
 */
async function splitBundle(entry, dir) {
  const { metafile } = await build({
    entryPoints: { direct: entry }, bundle: true, minify: true, format: 'esm', platform: 'browser', outdir: dir,
    splitting: true, external: ['node:*'], logLevel: 'error', legalComments: 'none', metafile: true,
    entryNames: '[name].min', chunkNames: '[name]-[hash].min',
  });
  const outputs = metafile.outputs;
  const eager = new Set();
  const visit = (path) => {
    if (eager.has(path)) return;
    eager.add(path);
    for (const i of outputs[path].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(Object.keys(outputs).find((p) => outputs[p].entryPoint));
  const files = async (paths) => Promise.all(paths.map(async (p) => sized(relative(dir, p), { bytes: await readFile(p), byFile: byFile(outputs[p]) })));
  const all = Object.keys(outputs).filter((p) => p.endsWith('.js'));
  return { eager: await files([...eager]), lazy: await files(all.filter((p) => !eager.has(p))) };
}

function row(name, files) {
  return { name, files, gzip: files.reduce((s, f) => s + f.gzip, 0), raw: files.reduce((s, f) => s + f.raw, 0) };
}

async function sizes() {
  const rows = [];
  // s3mpu/direct in endpoint (or signer) mode: the page's module, the Worker it starts
  // (new URL('./worker.js', ...), a file of its own) and the MD5 wasm the Worker loads,
  // each counted. Credentials mode fetches besides the chunk it import()s (S3Client) and
  // s3mpu.wasm, which sign in the page, and a runtime without Workers the tasks' chunk:
  // a row of their own.
  const direct = join(root, 'js/src/direct/index.js');
  if (await exists(direct)) {
    const page = await splitBundle(join(here, 'size/s3mpu-direct.mjs'), join(outDir, 'direct'));
    rows.push(row('s3mpu/direct', [
      ...page.eager,
      sized('worker.min.js', await bundle(join(root, 'js/src/direct/worker.js'), join(outDir, 'direct', 'worker.min.js'))),
      sized('s3mpu-md5.wasm', { bytes: await readFile(join(root, 'js/s3mpu-md5.wasm')) }),
    ]));
    rows.push(row('s3mpu/direct, loaded on demand (credentials mode; tasks without a Worker)', [
      ...page.lazy,
      sized('s3mpu.wasm', { bytes: await readFile(process.env.S3MPU_WASM || join(root, 'js/s3mpu.wasm')) }),
    ]));
  } else {
    rows.push({ name: 's3mpu/direct', skipped: 'js/src/direct/ is not in this tree' });
  }
  if (await exists(join(interopModules, '@uppy/aws-s3'))) {
    const files = [sized('uppy.min.js', await bundle(join(here, 'size/uppy.mjs'), join(outDir, 'uppy.min.js'), { nodePaths: [interopModules] }))];
    const version = JSON.parse(await readFile(join(interopModules, '@uppy/aws-s3/package.json'), 'utf8')).version;
    rows.push({ name: `@uppy/core + @uppy/aws-s3 ${version}`, files, gzip: files[0].gzip, raw: files[0].raw });
  } else {
    rows.push({ name: '@uppy/core + @uppy/aws-s3', skipped: 'tests/interop dev dependencies not installed' });
  }
  return rows;
}

// ---- the hashing Worker in Chromium ----------------------------------------------------------

/**
 * The Worker directUpload starts (js/src/direct/worker.js, s3mpu-md5.wasm), hashing 4 parts of
 * a Blob: in one task (md5x4's lanes: what the engine asks for) against one part per task, one
 * after another. MB/s = bytes of the 4 parts / time from the request to the last digest
 * (Blob reads included); then the same wasm on the bytes in memory (md5wasm.js's md5Many
 * against md5 of each), which is the lanes' gain alone. Needs only Chromium.
 */
async function workerHashing() {
  const exe = process.env.S3MPU_CHROMIUM || '/usr/bin/chromium';
  if (!(await exists(exe))) return { hashingSkipped: `no browser at ${exe}` };
  const { chromium } = await import('playwright-core');
  const { startPage } = await import('../tests/interop/page.mjs');
  const site = await startPage({});
  const browser = await chromium.launch({ executablePath: exe, headless: true, timeout: 60_000, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(`${site.origin}/direct.html`);
    const partMiB = 8;
    const rounds = { smoke: 2, default: 5, full: 9 }[mode];
    const runs = await page.evaluate(async ({ partMiB, rounds }) => {
      const { openHasher } = await import('/s3mpu/src/direct/hasher.js');
      const hasher = await openHasher();
      const part = partMiB * 1024 * 1024;
      const bytes = new Uint8Array(4 * part);
      for (let at = 0; at < bytes.length; at += 65536) crypto.getRandomValues(bytes.subarray(at, at + 65536));
      const blob = new Blob([bytes]);
      const ranges = [0, 1, 2, 3].map((i) => [i * part, (i + 1) * part]);
      const out = [];
      await hasher.run('md5', { blob, ranges: [ranges[0]] }); // warm: the module compiled, the code hot
      for (let round = 0; round < rounds; round++) {
        for (const how of round % 2 ? ['one', 'batch'] : ['batch', 'one']) {
          const t0 = performance.now();
          const digests = how === 'batch'
            ? await hasher.run('md5', { blob, ranges })
            : [await hasher.run('md5', { blob, ranges: [ranges[0]] }), await hasher.run('md5', { blob, ranges: [ranges[1]] }),
              await hasher.run('md5', { blob, ranges: [ranges[2]] }), await hasher.run('md5', { blob, ranges: [ranges[3]] })].flat();
          const ms = performance.now() - t0;
          out.push({ how, round, ms, mbPerSec: bytes.length / 1e6 / (ms / 1000), digest: digests.map((d) => d.hex).join(',') });
        }
      }
      hasher.close();
      // The same wasm on bytes in memory, on the page's thread: md5x4's lanes without the reads.
      const { loadMd5 } = await import('/s3mpu/src/direct/md5wasm.js');
      const m = await loadMd5(await fetch('/s3mpu/s3mpu-md5.wasm').then((r) => r.arrayBuffer()));
      const parts = ranges.map(([s, e]) => bytes.subarray(s, e));
      const hexOf = (d) => Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
      for (let round = 0; round < rounds; round++) {
        for (const how of round % 2 ? ['one-memory', 'batch-memory'] : ['batch-memory', 'one-memory']) {
          const t0 = performance.now();
          const digests = how === 'batch-memory' ? m.md5Many(parts) : parts.map((p) => m.md5(p));
          const ms = performance.now() - t0;
          out.push({ how, round, ms, mbPerSec: bytes.length / 1e6 / (ms / 1000), digest: digests.map(hexOf).join(',') });
        }
      }
      return out;
    }, { partMiB, rounds });
    if (new Set(runs.map((r) => r.digest)).size !== 1) throw new Error('the Worker\'s batch and single digests differ');
    const median = (xs) => xs.sort((x, y) => x - y)[xs.length >> 1];
    const mbps = (how) => median(runs.filter((r) => r.how === how).map((r) => r.mbPerSec));
    log(`worker md5: 4 x ${partMiB} MiB, batch ${mbps('batch').toFixed(0)} MB/s, one at a time ${mbps('one').toFixed(0)} MB/s; `
      + `in memory ${mbps('batch-memory').toFixed(0)} against ${mbps('one-memory').toFixed(0)} MB/s`);
    return {
      hashing: {
        partMiB, parts: 4, runs: runs.map(({ digest, ...r }) => r), batchMBps: mbps('batch'), oneMBps: mbps('one'),
        batchMemoryMBps: mbps('batch-memory'), oneMemoryMBps: mbps('one-memory'),
      },
    };
  } finally {
    await browser.close();
    await site.close();
  }
}

// ---- uploads from Chromium ----------------------------------------------------------------

async function browserRuns() {
  const skip = await browserSkip();
  if (skip) return { uploadSkipped: skip };
  const B = await openBrowserUploads(`direct-bench/${Date.now()}/`);
  const files = [];
  try {
    const body = await bodyFile(outDir, SIZES.upload);
    files.push(body);
    const uploads = [];
    for (let round = 0; round < SIZES.rounds; round++) {
      for (const c of round % 2 ? [...CONTENDERS].reverse() : CONTENDERS) {
        const r = await B.upload(c, body);
        await arrived(B.client, B.bucket, r.key, SIZES.upload, c);
        uploads.push({ contender: c, round, size: SIZES.upload, ms: r.ms, mibps: SIZES.upload / MiB / (r.ms / 1000) });
        log(`${c}#${round}: ${(SIZES.upload / MiB).toFixed(0)} MiB in ${r.ms.toFixed(0)} ms`);
        await B.drop(r.key);
      }
    }
    const big = SIZES.longtask === SIZES.upload ? body : await bodyFile(outDir, SIZES.longtask);
    if (big !== body) files.push(big);
    const lt = await B.upload('s3mpu-direct', big, { watchLongTasks: true });
    await arrived(B.client, B.bucket, lt.key, SIZES.longtask, 'longtask');
    await B.drop(lt.key);
    const longtask = { size: SIZES.longtask, ms: lt.ms, longTasks: lt.longTasks.length, longestMs: Math.max(0, ...lt.longTasks) };
    log(`longtask: ${SIZES.longtask / MiB} MiB, ${longtask.longTasks} tasks >= 50 ms, longest ${longtask.longestMs.toFixed(0)} ms`);
    return { uploads, longtask, chromium: B.browser.version() };
  } finally {
    await B.close();
    for (const f of files) await rm(f, { force: true });
  }
}
