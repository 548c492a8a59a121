#!/usr/bin/env node
// Hashing throughput of one implementation, in a fresh process; prints one
// JSON line { mbPerSec, bytes, ms, digest }.
//
//   node bench/hash-child.mjs <impl> <md5|sha256|crc32|crc32c> <bufferMiB> <durationMs>
//
// impl: s3mpu-wasm (the exported s3mpu_md5_* / s3mpu_sha256_* /
// s3mpu_crc_update, fed through a 64 KiB window in wasm memory as
// js/src/abi.js does: the copy in is part of the cost), s3mpu-wasm-inplace
// (the same over bytes already in wasm memory: the compiled code alone),
// node (node:crypto createHash), webcrypto (crypto.subtle.digest), zlib
// (zlib.crc32), spark-md5 (pure JS, what browser uploaders use), sdk-js (the
// AWS SDK's JS CRCs, what it runs in browsers). MB = 10^6 bytes.
import { readFile } from 'node:fs/promises';
import { fillTestBytes } from './lib/bytes.mjs';
import { wasmHasher } from './lib/wasm-hash.mjs';

const [impl, algo, mibArg, durationArg] = process.argv.slice(2);
const size = Number(mibArg ?? 64) * 1024 * 1024;
const duration = Number(durationArg ?? 1000);
// Deterministic bytes, so every implementation's digest can be compared.
const data = fillTestBytes(Buffer.allocUnsafe(size));
const hex = (u8) => Buffer.from(u8).toString('hex');

async function wasmCore() {
  const { loadAbi } = await import('../js/src/wasm.js');
  const bytes = await readFile(process.env.S3MPU_WASM || new URL('../js/s3mpu.wasm', import.meta.url));
  return loadAbi(bytes);
}

/** @returns {Promise<(buf: Uint8Array) => string>} one-shot hash of buf, hex */
async function make() {
  switch (impl) {
    case 's3mpu-wasm':
    case 's3mpu-wasm-inplace':
      return wasmHasher(await wasmCore(), algo, { inplace: impl.endsWith('inplace') ? data : undefined });
    case 'node': {
      const { createHash } = await import('node:crypto');
      return (buf) => createHash(algo).update(buf).digest('hex');
    }
    case 'webcrypto': {
      if (algo !== 'sha256') throw new Error('webcrypto: sha256 only');
      return async (buf) => hex(new Uint8Array(await crypto.subtle.digest('SHA-256', buf)));
    }
    case 'zlib': {
      const zlib = await import('node:zlib');
      if (algo !== 'crc32' || typeof zlib.crc32 !== 'function') throw new Error('zlib: crc32 only (Node >= 20.15)');
      return (buf) => (zlib.crc32(buf) >>> 0).toString(16).padStart(8, '0');
    }
    case 'spark-md5': {
      if (algo !== 'md5') throw new Error('spark-md5: md5 only');
      const SparkMD5 = (await import('spark-md5')).default;
      return (buf) => SparkMD5.ArrayBuffer.hash(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    }
    case 'sdk-js': {
      const { Crc32cJs } = await import('@aws-sdk/checksums/crc');
      const { Crc32Js } = await import('@smithy/core/checksum');
      const C = algo === 'crc32' ? Crc32Js : algo === 'crc32c' ? Crc32cJs : undefined;
      if (!C) throw new Error('sdk-js: crc32 and crc32c only');
      return async (buf) => {
        const h = new C();
        h.update(buf);
        return hex(await h.digest());
      };
    }
    default:
      throw new Error(`unknown impl ${impl}`);
  }
}

const fn = await make();
// Warm up on a small slice, then hash the whole buffer until `duration` passes.
await fn(data.subarray(0, 1 << 20));
const digest = await fn(data);
let bytes = 0;
const t0 = performance.now();
let ms = 0;
do {
  await fn(data);
  bytes += data.length;
  ms = performance.now() - t0;
} while (ms < duration);
process.stdout.write(`${JSON.stringify({ mbPerSec: bytes / 1e6 / (ms / 1000), bytes, ms, digest })}\n`);
