#!/usr/bin/env node
// MD5 of a batch of parts, in a fresh process: the parts an upload holds at
// once, hashed one after another or four at a time in md5x4's SIMD lanes.
// Prints one JSON line { mbPerSec, cpuPerGiB, bytes, ms, digest } (digest: the
// parts' MD5s in hex, joined). CPU time (process.cpuUsage) is the measure to
// trust on a shared machine; MB/s is wall time. MB = 10^6 bytes.
//
//   node bench/md5x4-child.mjs <impl> <partMiB> <parts> <durationMs>
//
// impl: node (node:crypto, part by part), s3mpu-wasm (the scalar wasm MD5,
// part by part: createMd5().digest on wasm), s3mpu-md5x4 (createMd5()
// .digestMany on wasm: four parts per pass through the SIMD lanes).
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { fillTestBytes } from './lib/bytes.mjs';

const [impl, partArg, countArg, durationArg] = process.argv.slice(2);
const part = Number(partArg ?? 8) * 1024 * 1024;
const count = Number(countArg ?? 4);
const duration = Number(durationArg ?? 1000);
const data = fillTestBytes(Buffer.allocUnsafe(part * count));
const parts = Array.from({ length: count }, (_, i) => data.subarray(i * part, (i + 1) * part));

async function make() {
  if (impl === 'node') return (ps) => ps.map((p) => createHash('md5').update(p).digest('hex'));
  const { createMd5 } = await import('../js/src/index.node.js');
  const { useNative } = await import('../js/src/hash.js');
  useNative(false); // the wasm MD5, as in browsers and workers
  const m = await createMd5({ wasm: await readFile(process.env.S3MPU_WASM || new URL('../js/s3mpu.wasm', import.meta.url)) });
  if (impl === 's3mpu-wasm') return (ps) => ps.map((p) => m.digest(p).hex);
  if (impl === 's3mpu-md5x4') return (ps) => m.digestMany(ps).map((d) => d.hex);
  throw new Error(`unknown impl ${impl}`);
}

const fn = await make();
fn(parts.map((p) => p.subarray(0, 1 << 20))); // warm up
const digest = fn(parts).join(' ');
let bytes = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let ms = 0;
do {
  fn(parts);
  bytes += data.length;
  ms = performance.now() - t0;
} while (ms < duration);
const cpu = process.cpuUsage(cpu0);
const cpuS = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({ mbPerSec: bytes / 1e6 / (ms / 1000), cpuPerGiB: cpuS / (bytes / 2 ** 30), bytes, ms, digest })}\n`);
