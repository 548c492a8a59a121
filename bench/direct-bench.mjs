#!/usr/bin/env node
// Browser direct uploads (issue 13), s3mpu against the published Uppy, in one run:
//   size     gzip -9 of an esbuild browser bundle of s3mpu/direct (its module, its hashing
//            Worker and the wasm, as a page fetches them) and of @uppy/core + @uppy/aws-s3
//   upload   a file from Chromium to the gateway: s3mpu's directUpload (Content-MD5 on,
//            signing through createDirectUploadHandler) beside @uppy/aws-s3 through the
//            published @uppy/companion (multipart both), alternating, same run
//   longtask the page's longest main-thread task while directUpload sends a file
// (The handler's CPU in workerd is worker-bench.mjs's "handler-batch".)
//
//   node bench/direct-bench.mjs <outDir> <smoke|default|full>
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

const [outDir, mode = 'default'] = process.argv.slice(2);
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

const out = { mode, size: await sizes() };
let failed = false;
try {
  Object.assign(out, await browserRuns());
} catch (e) {
  failed = true;
  out.error = String(e?.stack ?? e);
  log(out.error);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
process.exit(failed ? 1 : 0);

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
  const inputs = Object.values(metafile.outputs)[0].inputs;
  const byFile = Object.entries(inputs).map(([file, v]) => ({ file: relative(root, file).replace(/^.*node_modules\//, ''), bytes: v.bytesInOutput }))
    .filter((x) => x.bytes > 0).sort((a, b) => b.bytes - a.bytes);
  return { bytes: await readFile(outfile), byFile };
}

async function sizes() {
  const rows = [];
  // s3mpu/direct: the page's module, the Worker it starts (new URL('./worker.js', ...), a file
  // of its own), and the wasm the Worker loads: three fetches, each counted.
  const direct = join(root, 'js/src/direct/index.js');
  if (await exists(direct)) {
    const files = [
      sized('direct.min.js', await bundle(join(here, 'size/s3mpu-direct.mjs'), join(outDir, 'direct.min.js'))),
      sized('worker.min.js', await bundle(join(root, 'js/src/direct/worker.js'), join(outDir, 'worker.min.js'))),
      sized('s3mpu.wasm', { bytes: await readFile(process.env.S3MPU_WASM || join(root, 'js/s3mpu.wasm')) }),
    ];
    rows.push({ name: 's3mpu/direct', files, gzip: files.reduce((s, f) => s + f.gzip, 0), raw: files.reduce((s, f) => s + f.raw, 0) });
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
