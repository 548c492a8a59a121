// The done-when check of store profiles (issue 12): uploads of 0 B to 64 MiB with every
// checksum mode of the CLI read back byte for byte, with their Content-Type, metadata and
// multipart ETag, on whichever gateway scripts/test-js.sh started (RGW, and Swift s3api with
// S3MPU_TEST_GATEWAY=swift). The CLI picks no profile by itself for a loopback endpoint: it is
// given the gateway's (--profile), as a user of such a store would.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STORE } from './harness/gateway.mjs';

const BIN = fileURLToPath(new URL('../../js/bin/s3mpu.js', import.meta.url));
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const SIZES = [0, 1, PART + 1, 64 * MiB];
const MODES = ['md5', 'none', 'crc32', 'crc32c', 'sha256'];
const HAVE_STORE = Boolean(process.env.S3MPU_TEST_ENDPOINT);
const PROFILE = { rgw: 'rgw', swift: 'swift' }[STORE];

function run(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
  });
}

/** The part sizes upload() makes of `size` bytes in PART-byte parts ([] for a single PUT). */
function partsOf(size) {
  if (size <= PART) return undefined;
  const parts = Array(Math.floor(size / PART)).fill(PART);
  if (size % PART) parts.push(size % PART);
  return parts;
}

describe('every checksum mode, 0 B to 64 MiB, read back', { skip: !HAVE_STORE && 'S3MPU_TEST_ENDPOINT is not set (run scripts/test-js.sh)' }, () => {
  let verify;
  let bucket;
  let env;
  let dir;
  const files = new Map();
  const prefix = `roundtrip-${process.pid}-${Date.now().toString(36)}/`;

  before(async () => {
    const { s3Server } = await import('./harness/server.mjs');
    verify = await import('./harness/verify.mjs');
    const store = await s3Server();
    bucket = await store.bucket('s3mpu-roundtrip');
    env = {
      PATH: process.env.PATH, S3MPU_WASM: process.env.S3MPU_WASM ?? '',
      S3MPU_ENDPOINT: store.endpoint, S3MPU_REGION: store.region,
      S3MPU_ACCESS_KEY_ID: store.accessKeyId, S3MPU_SECRET_ACCESS_KEY: store.secretAccessKey,
    };
    if (!env.S3MPU_WASM) delete env.S3MPU_WASM;
    dir = await mkdtemp(join(tmpdir(), 's3mpu-roundtrip-'));
    const big = randomBytes(64 * MiB);
    for (const size of SIZES) {
      const path = join(dir, `${size}.bin`);
      await writeFile(path, big.subarray(0, size));
      files.set(size, { path, bytes: big.subarray(0, size) });
    }
  });

  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    if (bucket) {
      await verify.abortAll(bucket, prefix);
      await verify.deleteAll(bucket, prefix);
    }
  });

  for (const mode of MODES) {
    test(`--checksum ${mode}${PROFILE ? ` --profile ${PROFILE}` : ''}: ${SIZES.map((s) => `${s} B`).join(', ')}`, async () => {
      for (const size of SIZES) {
        const { path, bytes } = files.get(size);
        const key = `${prefix}${mode}/${size}.bin`;
        const args = ['upload', path, `s3://${bucket}/${key}`, '--path-style', '--no-progress', '--part-size', '5MiB',
          '--checksum', mode, '--content-type', 'application/x-roundtrip', '--meta', `mode=${mode}`, '--meta', 'size-class=any'];
        if (PROFILE) args.push('--profile', PROFILE);
        const r = await run(args, env);
        assert.equal(r.code, 0, `${mode} ${size} B: ${r.stderr}`);
        const { etag } = await verify.verifyObject({
          bucket, key, expectBytes: bytes, expectParts: partsOf(size) ?? undefined,
          expectHeaders: { contentType: 'application/x-roundtrip', metadata: { mode, 'size-class': 'any' } },
        });
        assert.equal(r.stdout.trim().replace(/"/g, ''), etag, `${mode} ${size} B: the ETag the CLI printed`);
      }
    });
  }
});
