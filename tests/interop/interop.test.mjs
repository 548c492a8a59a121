// Interop with clients and servers nobody here wrote (pinned in tests/interop/package.json),
// in Debian's Chromium against the real gateway, every object read back byte for byte by the
// independent verifier:
//   - the published @uppy/core + @uppy/aws-s3 uploading through s3mpu's
//     createDirectUploadHandler: 20 MiB (Uppy's presigned POST, /s3/params: s3mpu's POST
//     policy) and 120 MiB (Uppy's multipart, one part URL at a time);
//   - s3mpu/direct's directUpload against the published @uppy/companion server;
//   - (the harness's own check) Uppy through Companion, neither written here, 20 MiB by POST.
// Run with: scripts/test-e2e.sh tests/interop
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, createDirectUploadHandler } from '../../js/src/index.node.js';
import { s3Server } from '../js/harness/server.mjs';
import { verifyObject, listUploads, deleteAll } from '../js/harness/verify.mjs';
import { CHROMIUM, haveChromium, launchChromium } from '../e2e/chromium.mjs';
import { startCompanion } from './companion.mjs';
import { bundleUppy, startPage } from './page.mjs';

const MiB = 1024 * 1024;
const SMALL = 20 * MiB;   // under Uppy's 100 MiB: one presigned POST (/s3/params)
const LARGE = 120 * MiB;  // over it: multipart in Uppy's 5 MiB parts
const UPPY_PARTS = [...Array(24).fill(5 * MiB)];

let s3;
let bucket;
let prefix;
let dir;
let browser;
let script;
const files = {};

before(async () => {
  assert.ok(await haveChromium(), `no browser at ${CHROMIUM}: apt-get install chromium (scripts/test-e2e.sh does)`);
  s3 = await s3Server();
  bucket = await s3.bucket('s3mpu-interop'); // CORS for http://127.0.0.1:*, ETag exposed
  prefix = `interop/${Date.now()}-${process.pid}/`;
  dir = await mkdtemp(join(tmpdir(), 's3mpu-interop-'));
  for (const [name, size] of [['small', SMALL], ['large', LARGE]]) {
    files[name] = join(dir, `${name}.bin`);
    await writeFile(files[name], randomBytes(size));
  }
  script = await bundleUppy();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (bucket) await deleteAll(bucket, prefix);
});

/** Upload `path` with Uppy in a fresh page of `site`, signing through `endpoint`. */
async function uppyUpload(site, endpoint, path) {
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(site.url);
    await page.waitForFunction(() => window.uppyReady === true);
    await page.setInputFiles('#file', path);
    const result = await page.evaluate((ep) => window.uppyUpload(document.querySelector('#file').files[0], ep), endpoint);
    assert.deepEqual(errors, []);
    return result;
  } finally {
    await ctx.close();
  }
}

test('harness: Uppy through the published Companion, 20 MiB by POST', { timeout: 300_000 }, async (t) => {
  const site = await startPage({ script });
  const companion = await startCompanion({
    endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey,
    bucket, clientOrigins: [site.origin], keyPrefix: `${prefix}companion/`,
  });
  try {
    for (const [name, parts] of [['small', undefined]]) {
      const t0 = Date.now();
      const r = await uppyUpload(site, companion.url, files[name]);
      assert.deepEqual(r.failed, [], companion.log().slice(-2000));
      assert.equal(r.successful.length, 1);
      const { key } = r.successful[0];
      assert.ok(key.startsWith(`${prefix}companion/`), key);
      t.diagnostic(`${name}: ${key} in ${Date.now() - t0} ms, parts ${r.parts.length}`);
      await verifyObject({ bucket, key, expectBytes: files[name], expectParts: parts });
    }
    assert.deepEqual(await listUploads(bucket, prefix), []);
  } finally {
    await companion.close();
    await site.close();
  }
});

/** Upload `path` with s3mpu/direct's directUpload in a fresh page of `site`. */
async function directUploadIn(site, options, path) {
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(`${site.origin}/direct.html`);
    await page.waitForFunction(() => window.directReady === true);
    await page.setInputFiles('#file', path);
    const result = await page.evaluate(async (o) => {
      const file = document.querySelector('#file').files[0];
      let last;
      try {
        const r = await window.directUpload(file, { ...o, store: false, onProgress: (p) => { last = p; } });
        return { ok: true, key: r.key, etag: r.etag, loaded: last?.loaded };
      } catch (e) {
        return { ok: false, error: `${e?.name}: ${e?.message}` };
      }
    }, options);
    assert.deepEqual(errors, []);
    return result;
  } finally {
    await ctx.close();
  }
}

test('Uppy (published) through createDirectUploadHandler: 20 MiB by POST policy, 120 MiB multipart', { timeout: 300_000 }, async (t) => {
  const client = await S3Client.create({
    endpoint: s3.endpoint, region: s3.region, forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  const asked = [];
  const handler = createDirectUploadHandler(client, {
    bucket,
    key: (filename) => `${prefix}handler/${filename}`,
    authorize: (_request, { operation }) => {
      asked.push(operation);
      return true;
    },
  });
  const site = await startPage({ script, handler });
  try {
    for (const [name, parts] of [['small', undefined], ['large', UPPY_PARTS]]) {
      const t0 = Date.now();
      const r = await uppyUpload(site, site.origin, files[name]);
      assert.deepEqual(r.failed, []);
      assert.equal(r.successful.length, 1);
      const key = `${prefix}handler/${name}.bin`;
      assert.equal(r.successful[0].key, key);
      t.diagnostic(`${name}: ${Date.now() - t0} ms, ${r.parts.length} parts`);
      await verifyObject({ bucket, key, expectBytes: files[name], expectParts: parts });
    }
    // The small file went by one presigned POST, the large one part by part.
    assert.ok(asked.includes('getUploadParameters'), asked.join());
    assert.equal(asked.filter((o) => o === 'signPart').length, UPPY_PARTS.length);
    assert.deepEqual(await listUploads(bucket, prefix), []);
  } finally {
    await site.close();
    client.destroy();
  }
});

test('directUpload against the published Companion: one POST (5 MiB) and multipart (40 MiB)', { timeout: 300_000 }, async (t) => {
  const site = await startPage({});
  const companion = await startCompanion({
    endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey,
    bucket, clientOrigins: [site.origin], keyPrefix: `${prefix}direct/`,
  });
  const mid = join(dir, 'mid.bin');
  const one = join(dir, 'one.bin');
  await writeFile(mid, randomBytes(40 * MiB));
  await writeFile(one, randomBytes(5 * MiB - 3));
  try {
    for (const [path, size] of [[one, 5 * MiB - 3], [mid, 40 * MiB]]) {
      const t0 = Date.now();
      const r = await directUploadIn(site, { endpoint: `${companion.url}/s3` }, path);
      assert.ok(r.ok, `${r.error}\n${companion.log().slice(-3000)}`);
      assert.ok(r.key.startsWith(`${prefix}direct/`), r.key);
      t.diagnostic(`${size} bytes: ${r.key} in ${Date.now() - t0} ms`);
      // Companion says nothing of part sizes: directUpload plans its default 8 MiB parts.
      await verifyObject({ bucket, key: r.key, expectBytes: path, expectParts: size > 8 * MiB ? Array(5).fill(8 * MiB) : undefined });
    }
    assert.deepEqual(await listUploads(bucket, prefix), []);
  } finally {
    await companion.close();
    await site.close();
  }
});
