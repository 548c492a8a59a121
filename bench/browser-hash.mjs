#!/usr/bin/env node
// Hashing in headless Chromium (Debian's /usr/bin/chromium, or S3MPU_CHROMIUM,
// driven by playwright-core): spark-md5 against s3mpu's wasm MD5, WebCrypto
// SHA-256 against the wasm SHA-256, on the page's main thread; then MD5 of
// each part as an uploader computes Content-MD5 (a part per task), with the
// longest main-thread task that makes; then four parts at once, part by part
// against md5x4's SIMD lanes (createMd5().digestMany).
//
//   node bench/browser-hash.mjs <outDir> <bufferMiB> <durationMs> <rounds> [partMiB]
//
// Prints one JSON line { chromium, runs: [{ impl, algo, round, mbPerSec, digest }],
// parts: [{ impl, round, partMiB, mbPerSec, longestTaskMs, longTasks, longestLongTaskMs, digest }],
// many: [{ impl, round, partMiB, parts, mbPerSec, digest }] },
// or { skipped } when there is no browser.
import { build } from 'esbuild';
import http from 'node:http';
import { access, mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const [outDir, mibArg, msArg, roundsArg] = process.argv.slice(2);
const mib = Number(mibArg ?? 64);
const ms = Number(msArg ?? 1000);
const rounds = Number(roundsArg ?? 3);
const partMiB = Number(process.argv[6] ?? 8);
const here = fileURLToPath(new URL('.', import.meta.url));
const exe = process.env.S3MPU_CHROMIUM || '/usr/bin/chromium';

try {
  await access(exe);
} catch {
  process.stdout.write(`${JSON.stringify({ skipped: `no browser at ${exe} (apt-get install chromium)` })}\n`);
  process.exit(0);
}
const { chromium } = await import('playwright-core');

await mkdir(outDir, { recursive: true });
await build({
  entryPoints: [join(here, 'browser/page.mjs')], bundle: true, format: 'esm', platform: 'browser',
  outfile: join(outDir, 'page.js'), external: ['node:*'], logLevel: 'error',
});
const files = {
  '/': ['text/html', '<!doctype html><meta charset="utf-8"><title>hash bench</title><script type="module" src="/page.js"></script>'],
  '/page.js': ['text/javascript', await readFile(join(outDir, 'page.js'))],
  '/s3mpu.wasm': ['application/wasm', await readFile(process.env.S3MPU_WASM || join(here, '../js/s3mpu.wasm'))],
};
const server = http.createServer((req, res) => {
  const f = files[req.url];
  if (!f) {
    res.statusCode = 404;
    return res.end();
  }
  res.setHeader('content-type', f[0]);
  res.end(f[1]);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

const browser = await chromium.launch({
  executablePath: exe, headless: true, timeout: 60_000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => typeof window.runHash === 'function');
  const cases = [['spark-md5', 'md5'], ['s3mpu-wasm', 'md5'], ['webcrypto', 'sha256'], ['s3mpu-wasm', 'sha256'], ['s3mpu-wasm', 'crc32c']];
  const runs = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < cases.length; i++) {
      const [impl, algo] = cases[(i + round) % cases.length];
      const r = await page.evaluate(([a, b, c, d]) => window.runHash(a, b, c, d), [impl, algo, mib, ms]);
      runs.push({ impl, algo, round, ...r });
    }
  }
  // Content-MD5 per part on the main thread: the longest task it makes.
  const parts = [];
  for (let round = 0; round < rounds; round++) {
    for (const impl of round % 2 ? ['s3mpu-wasm', 'spark-md5'] : ['spark-md5', 's3mpu-wasm']) {
      const r = await page.evaluate(([a, b, c]) => window.runParts(a, b, c), [impl, mib, partMiB]);
      parts.push({ impl, round, partMiB, ...r });
    }
  }
  // Four parts at once: the scalar wasm MD5 part by part against md5x4's SIMD lanes.
  const many = [];
  for (let round = 0; round < rounds; round++) {
    for (const impl of round % 2 ? ['s3mpu-md5x4', 's3mpu-wasm'] : ['s3mpu-wasm', 's3mpu-md5x4']) {
      const r = await page.evaluate(([a, b, c, d]) => window.runMany(a, b, c, d), [impl, partMiB, 4, ms]);
      many.push({ impl, contender: impl, round, partMiB, parts: 4, ...r });
    }
  }
  process.stdout.write(`${JSON.stringify({ chromium: browser.version(), runs, parts, many })}\n`);
} finally {
  await browser.close();
  server.close();
}
