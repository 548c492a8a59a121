// A soak through the fault proxy: N uploads by one client (s3mpu, @aws-sdk/lib-storage or
// boto3) into the real gateway behind tests/hostile/proxy.mjs, then the gateway is asked
// directly what it holds: objects byte-identical to the body, uploads left behind, and
// false failures (the client said it failed, but the object is there intact).
//
// Used by soak.test.mjs (a short s3mpu soak in CI) and by scripts/soak.sh (the long one,
// with the peers). Needs the S3MPU_TEST_* environment (scripts/test-js.sh sets it).
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { writeFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { S3Client } from '../../js/src/index.node.js';
import { testConfig, verifierClient, listUploads } from '../js/harness/verify.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// Debian's python3 and python3-boto3 (install-deps.sh --soak), not another python on PATH.
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const root = path.resolve(here, '../..');
// The verifier's SDK (tests/js's dev dependencies): node_modules is not above this directory.
const { GetObjectCommand } = await import(pathToFileURL(createRequire(path.join(root, 'tests/js/package.json')).resolve('@aws-sdk/client-s3')));

/** Run `uploads` uploads of `body` at most `parallel` at a time; outcome per key. */
async function each(keys, parallel, fn) {
  const out = [];
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++];
      const t0 = performance.now();
      try {
        await fn(key);
        out.push({ key, ok: true, ms: performance.now() - t0 });
      } catch (e) {
        out.push({ key, ok: false, error: `${e?.name}: ${e?.code ?? ''} ${e?.message}`.slice(0, 300), ms: performance.now() - t0 });
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out;
}

const CLIENTS = {
  async s3mpu({ endpoint, bucket, keys, body, partSize, parallel }) {
    const c = testConfig();
    const s3 = await S3Client.create({
      endpoint, region: c.region, forcePathStyle: true,
      credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
    });
    try {
      return await each(keys, parallel, (key) => s3.upload({ bucket, key, body, partSize }));
    } finally {
      s3.transport.close?.();
    }
  },

  async 'lib-storage'({ endpoint, bucket, keys, body, partSize, parallel }) {
    // The bench's pinned SDK (bench/package-lock.json): lib-storage needs its own client-s3.
    const require = createRequire(path.join(root, 'bench/package.json'));
    const sdk = await import(pathToFileURL(require.resolve('@aws-sdk/client-s3')));
    const { Upload } = await import(pathToFileURL(require.resolve('@aws-sdk/lib-storage')));
    const c = testConfig();
    const client = new sdk.S3Client({
      endpoint, region: c.region, forcePathStyle: true,
      credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      return await each(keys, parallel, (key) => new Upload({
        client, params: { Bucket: bucket, Key: key, Body: body }, partSize, queueSize: 4, leavePartsOnError: false,
      }).done());
    } finally {
      client.destroy();
    }
  },

  async boto3({ endpoint, bucket, keys, body, partSize, parallel }) {
    const dir = await mkdtemp(path.join(tmpdir(), 's3mpu-soak-'));
    const file = path.join(dir, 'body');
    await writeFile(file, body);
    try {
      const c = testConfig();
      const lines = await run(PYTHON, [path.join(here, 'soak_boto3.py'), endpoint, bucket, file, String(partSize), String(parallel), ...keys], {
        AWS_ACCESS_KEY_ID: c.accessKeyId, AWS_SECRET_ACCESS_KEY: c.secretAccessKey, AWS_DEFAULT_REGION: c.region,
      });
      return lines.filter(Boolean).map((l) => JSON.parse(l));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

function run(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out.split('\n')) : reject(new Error(`${cmd} exited ${code}`))));
  });
}

async function sha256Of(bucket, key) {
  try {
    const r = await verifierClient().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const h = createHash('sha256');
    for await (const chunk of r.Body) h.update(chunk);
    return h.digest('hex');
  } catch (e) {
    if (e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404) return undefined;
    throw e;
  }
}

/**
 * One client's soak: `uploads` uploads of one random body through `proxyEndpoint`.
 * @returns {Promise<{ client, uploads, completed, identical, left, falseFailures, failures: object[], seconds }>}
 */
export async function soak({ client, proxyEndpoint, bucket, prefix, uploads, body, partSize = 5 * 1024 * 1024, parallel = 3 }) {
  const keys = Array.from({ length: uploads }, (_, i) => `${prefix}${client}/${i}`);
  const t0 = performance.now();
  const outcomes = await CLIENTS[client]({ endpoint: proxyEndpoint, bucket, keys, body, partSize, parallel });
  const seconds = (performance.now() - t0) / 1000;
  const want = createHash('sha256').update(body).digest('hex');
  let identical = 0;
  let falseFailures = 0;
  const failures = [];
  for (const o of outcomes) {
    const stored = (await sha256Of(bucket, o.key)) === want;
    if (stored && o.ok) identical++;
    if (!o.ok) failures.push(o);
    if (stored && !o.ok) falseFailures++;
    if (!stored && o.ok) failures.push({ ...o, error: 'reported done, but the object is not the body' });
  }
  const left = (await listUploads(bucket, `${prefix}${client}/`)).length;
  return {
    client, uploads, completed: outcomes.filter((o) => o.ok).length, identical, left, falseFailures, failures, seconds,
  };
}
