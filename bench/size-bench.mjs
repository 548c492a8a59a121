#!/usr/bin/env node
// Shipped size of the same minimal upload program per contender
// (bench/size/*.mjs), bundled with esbuild --bundle --minify, raw and gzip -9.
// s3mpu: the shim bundle plus each s3mpu.wasm build.
//
//   node bench/size-bench.mjs <outDir>   -> one JSON line { rows: [...] }
import { build } from 'esbuild';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join, relative } from 'node:path';
import { execFileSync } from 'node:child_process';
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
  const { metafile } = await build({
    entryPoints: [join(here, 'size', e.file)], bundle: true, minify: true, format: 'esm',
    platform: e.platform, outfile, external: e.external ?? [], logLevel: 'error', legalComments: 'none',
    metafile: true,
  });
  const js = await readFile(outfile);
  const row = { name: e.name, platform: e.platform, jsRaw: js.length, jsGzip: gz(js), note: e.note };
  if (e.name === 's3mpu') {
    // Minified bytes each source file puts in the bundle.
    const inputs = Object.values(metafile.outputs)[0].inputs;
    row.byFile = Object.entries(inputs).map(([file, v]) => ({ file: relative(root, file), bytes: v.bytesInOutput }))
      .filter((x) => x.bytes > 0).sort((a, b) => b.bytes - a.bytes);
  }
  rows.push(row);
}

const shim = rows.find((r) => r.name === 's3mpu');
const wasms = [];
for (const [build_, path] of [['wasi', 'build/wasi/wasm/s3mpu.wasm'], ['emscripten', 'build/emscripten/wasm/s3mpu.wasm'], ['js/s3mpu.wasm', 'js/s3mpu.wasm']]) {
  const p = join(root, path);
  if (!(await stat(p).catch(() => null))) continue;
  const w = await readFile(p);
  wasms.push({ build: build_, raw: w.length, gzip: gz(w) });
}
// Where the wasm's bytes go (sections, sources, functions): bench/wasm/sizes.mjs
// relinks the wasi build with names; it needs that build's tree and toolchain.
let wasmBreakdown;
try {
  wasmBreakdown = execFileSync(process.execPath, [join(here, 'wasm/sizes.mjs'), join(root, 'build/wasi'), '12'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
} catch (e) {
  wasmBreakdown = undefined;
  process.stderr.write(`size-bench: no wasm breakdown (${String(e.stderr || e.message).trim().split('\n').pop()})\n`);
}
process.stdout.write(`${JSON.stringify({ rows, shim, wasms, wasmBreakdown, esbuild: (await import('esbuild')).version })}\n`);
