// Hashing in the browser page (bench/browser-hash.mjs bundles and drives it):
// window.runHash(impl, algo, mib, ms) -> { mbPerSec, digest };
// window.runParts(impl, mib, partMiB) -> { mbPerSec, longestTaskMs, longTasks, digest }.
import SparkMD5 from 'spark-md5';
import { loadAbi } from '../../js/src/wasm.js';
import { createMd5 } from '../../js/src/index.js';
import { fillTestBytes } from '../lib/bytes.mjs';
import { wasmHasher } from '../lib/wasm-hash.mjs';

const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');
let data;
let dataMiB = 0;
let core;
let ownMd5; // createMd5(), once

function bytes(mib) {
  if (dataMiB !== mib) {
    data = fillTestBytes(new Uint8Array(mib * 1024 * 1024));
    dataMiB = mib;
  }
  return data;
}

async function make(impl, algo) {
  if (impl === 'spark-md5') return (buf) => SparkMD5.ArrayBuffer.hash(buf.buffer);
  if (impl === 'webcrypto') return async (buf) => hex(new Uint8Array(await crypto.subtle.digest('SHA-256', buf)));
  // s3mpu wasm through its exports, fed through a 64 KiB window as js/src/abi.js does.
  core ??= await loadAbi(await (await fetch('/s3mpu.wasm')).arrayBuffer());
  return wasmHasher(core, algo);
}

window.runHash = async (impl, algo, mib, ms) => {
  const buf = bytes(mib);
  const fn = await make(impl, algo);
  await fn(buf.subarray(0, 1 << 20));
  const digest = await fn(buf);
  let n = 0;
  const t0 = performance.now();
  let t = 0;
  do {
    await fn(buf);
    n += buf.length;
    t = performance.now() - t0;
  } while (t < ms);
  return { mbPerSec: n / 1e6 / (t / 1000), digest };
};

// Content-MD5 of each part as an uploader computes it on the main thread:
// one part per task (a macrotask between parts, as reading the next part
// gives), s3mpu through its public createMd5() (wasm in a browser). The longest task is the longest part hashed, timed here, and
// the browser's own Long Tasks (PerformanceObserver 'longtask', >= 50 ms).
let longTaskMs = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTaskMs.push(e.duration);
}).observe({ type: 'longtask' });

window.runParts = async (impl, mib, partMiB) => {
  const buf = bytes(mib);
  const part = partMiB * 1024 * 1024;
  const own = impl === 'spark-md5' ? undefined : (ownMd5 ??= await createMd5({ wasm: fetch('/s3mpu.wasm') }));
  const md5 = own ? (b) => own.digest(b).hex : (b) => SparkMD5.ArrayBuffer.hash(b.buffer);
  md5(buf.slice(0, 1 << 20));
  await new Promise((r) => setTimeout(r, 100)); // let the warm-up's long task, if any, be reported
  longTaskMs = [];
  const digests = [];
  let longest = 0;
  let busy = 0;
  for (let at = 0; at < buf.length; at += part) {
    // A part of its own, as a Blob read gives (spark-md5 takes a whole ArrayBuffer); not timed.
    const piece = buf.slice(at, Math.min(at + part, buf.length));
    await new Promise((r) => setTimeout(r, 0));
    const t0 = performance.now();
    digests.push(md5(piece));
    const t = performance.now() - t0;
    busy += t;
    longest = Math.max(longest, t);
  }
  await new Promise((r) => setTimeout(r, 100)); // long task entries arrive after the task
  return {
    mbPerSec: buf.length / 1e6 / (busy / 1000), longestTaskMs: longest,
    longTasks: longTaskMs.length, longestLongTaskMs: Math.max(0, ...longTaskMs), digest: digests.join(''),
  };
};

// The MD5s of `count` parts of `partMiB`, the parts an uploader holds at once:
// createMd5().digest part by part (the scalar wasm MD5) or digestMany (four
// parts per pass through md5x4's SIMD lanes).
window.runMany = async (impl, partMiB, count, ms) => {
  const buf = bytes(partMiB * count);
  const part = partMiB * 1024 * 1024;
  const parts = Array.from({ length: count }, (_, i) => buf.subarray(i * part, (i + 1) * part));
  const own = (ownMd5 ??= await createMd5({ wasm: fetch('/s3mpu.wasm') }));
  const fn = impl === 's3mpu-md5x4' ? (ps) => own.digestMany(ps).map((d) => d.hex) : (ps) => ps.map((p) => own.digest(p).hex);
  fn(parts.map((p) => p.subarray(0, 1 << 20)));
  const digest = fn(parts).join(' ');
  let n = 0;
  const t0 = performance.now();
  let t = 0;
  do {
    fn(parts);
    n += buf.length;
    t = performance.now() - t0;
  } while (t < ms);
  return { mbPerSec: n / 1e6 / (t / 1000), digest };
};
