#!/usr/bin/env node
// Shipped size of the same minimal upload program per contender
// (bench/size/*.mjs), bundled with esbuild --bundle --minify, raw and gzip -9.
// s3mpu: the shim bundle plus each s3mpu.wasm build.
//
//   node bench/size-bench.mjs <outDir>   -> one JSON line { rows: [...] }
import { build } from 'esbuild';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const outDir = process.argv[2];
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
await mkdir(outDir, { recursive: true });

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

const entries = [
  // node:* are the shim's Node-only paths, behind dynamic imports that
  // browsers never run: left external (a browser bundler must be told so).
  { name: 's3mpu', file: 's3mpu.mjs', platform: 'browser', external: ['node:*'] },
  { name: 'aws4fetch', file: 'aws4fetch.mjs', platform: 'browser' },
  { name: 'lib-storage', file: 'lib-storage.mjs', platform: 'browser' },
  { name: 'minio', file: 'minio.mjs', platform: 'node', note: 'Node only: bundled for platform=node, node: built-ins not counted' },
];

const rows = [];
for (const e of entries) {
  const outfile = join(outDir, `${e.name}.min.js`);
  await build({
    entryPoints: [join(here, 'size', e.file)], bundle: true, minify: true, format: 'esm',
    platform: e.platform, outfile, external: e.external ?? [], logLevel: 'error', legalComments: 'none',
  });
  const js = await readFile(outfile);
  rows.push({ name: e.name, platform: e.platform, jsRaw: js.length, jsGzip: gz(js), note: e.note });
}

const shim = rows.find((r) => r.name === 's3mpu');
const wasms = [];
for (const [build_, path] of [['wasi', 'build/wasi/wasm/s3mpu.wasm'], ['emscripten', 'build/emscripten/wasm/s3mpu.wasm'], ['js/s3mpu.wasm', 'js/s3mpu.wasm']]) {
  const p = join(root, path);
  if (!(await stat(p).catch(() => null))) continue;
  const w = await readFile(p);
  wasms.push({ build: build_, raw: w.length, gzip: gz(w) });
}
process.stdout.write(`${JSON.stringify({ rows, shim, wasms, esbuild: (await import('esbuild')).version })}\n`);
