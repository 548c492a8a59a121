// S3Client.presignPost against a real server: a form POST of a file is stored byte for byte
// (read back with the independent verifier), and a form that breaks each condition of its
// policy is refused with nothing stored.
//
//   scripts/test-js.sh tests/js/post-policy.test.mjs
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { S3Client, S3InputError } from '../../js/src/index.node.js';
import { s3Server } from './harness/server.mjs';
import { verifyObject, verifierClient, deleteAll } from './harness/verify.mjs';
import { notOn } from './harness/gateway.mjs';

const MiB = 1024 * 1024;
const BIN = fileURLToPath(new URL('../../js/bin/s3mpu.js', import.meta.url));
const prefix = `post-${process.pid}-${Date.now()}/`;
const sha256b64 = (b) => createHash('sha256').update(b).digest('base64');

/** POST `fields` then the file, as a browser form does; resolves to { status, text }. */
async function postForm(url, fields, bytes, filename = 'file.bin') {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([bytes]), filename);
  const response = await fetch(url, { method: 'POST', body: form });
  return { status: response.status, text: await response.text() };
}

async function exists(bucket, key) {
  try {
    await verifierClient().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (e) {
    if (e?.$metadata?.httpStatusCode === 404) return false;
    throw e;
  }
}

describe('presignPost: browser form uploads', {
  timeout: 120_000, skip: notOn('swift', 'Swift s3api has no browser form uploads (POST Object): it answers 412 Bad URL'),
}, () => {
  let server;
  let bucket;
  let s3;
  let n = 0;
  const keyOf = (name) => `${prefix}${name}-${++n}`;
  const clients = [];

  async function client(extra = {}) {
    const c = await S3Client.create(server.clientOptions(extra));
    clients.push(c);
    return c;
  }

  before(async () => {
    server = await s3Server();
    bucket = await server.bucket('s3mpu-post');
    s3 = await client();
  });

  after(async () => {
    if (bucket) await deleteAll(bucket, prefix);
    for (const c of clients) c.destroy();
  });

  it('stores a posted file byte for byte, with its type and metadata', async () => {
    const bytes = randomBytes(3 * MiB + 17);
    const key = keyOf('exact');
    const form = s3.presignPost({
      bucket, key, expiresIn: 300, contentLengthRange: [1, 4 * MiB],
      contentType: 'application/x-test', metadata: { owner: 'alice', note: 'form upload' },
    });
    assert.equal(form.expires, 300);
    assert.match(form.expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    assert.equal(JSON.parse(form.policy).expiration, form.expiration);
    assert.equal(Buffer.from(form.fields.policy, 'base64').toString(), form.policy);
    const { status, text } = await postForm(form.url, form.fields, bytes);
    assert.equal(status, 204, text);
    await verifyObject({
      bucket, key, expectBytes: bytes,
      expectHeaders: { contentType: 'application/x-test', metadata: { owner: 'alice', note: 'form upload' } },
    });
  });

  it('a key prefix: the file name by default, or any key under the prefix', async () => {
    const dir = `${keyOf('prefix')}/`;
    const form = s3.presignPost({ bucket, keyPrefix: dir, expiresIn: 300, contentLengthRange: [0, MiB] });
    assert.equal(form.fields.key, `${dir}\${filename}`);
    const a = randomBytes(1000);
    assert.equal((await postForm(form.url, form.fields, a, 'photo.jpg')).status, 204);
    await verifyObject({ bucket, key: `${dir}photo.jpg`, expectBytes: a });
    const b = randomBytes(10);
    assert.equal((await postForm(form.url, { ...form.fields, key: `${dir}deeper/b.bin` }, b)).status, 204);
    await verifyObject({ bucket, key: `${dir}deeper/b.bin`, expectBytes: b });
    // An empty file is a file too.
    assert.equal((await postForm(form.url, { ...form.fields, key: `${dir}empty` }, new Uint8Array(0))).status, 204);
    await verifyObject({ bucket, key: `${dir}empty`, expectBytes: new Uint8Array(0) });
  });

  it('success_action_status 201 answers with the stored key', async () => {
    const key = keyOf('status');
    const form = s3.presignPost({ bucket, key, fields: { success_action_status: '201' } });
    const { status, text } = await postForm(form.url, form.fields, randomBytes(100));
    assert.equal(status, 201, text);
    assert.match(text, new RegExp(`<Key>${key}</Key>`));
  });

  it('a checksum field: the right sum is stored', async () => {
    const bytes = randomBytes(4096);
    const key = keyOf('checksum');
    const form = s3.presignPost({ bucket, key, checksum: { algorithm: 'sha256', value: sha256b64(bytes) } });
    assert.equal(form.fields['x-amz-checksum-sha256'], sha256b64(bytes));
    const { status, text } = await postForm(form.url, form.fields, bytes);
    assert.equal(status, 204, text);
    await verifyObject({ bucket, key, expectBytes: bytes });
  });

  describe('refuses a form that breaks its policy, storing nothing', () => {
    const bytes = randomBytes(64 * 1024);

    async function refused(form, fields, file = bytes) {
      const { status, text } = await postForm(form.url, fields, file);
      assert.ok(status === 400 || status === 403, `HTTP ${status}: ${text}`);
      return text;
    }

    it('a key outside the prefix', async () => {
      const dir = `${keyOf('jail')}/`;
      const form = s3.presignPost({ bucket, keyPrefix: dir });
      const key = `${prefix}escaped-${n}`;
      await refused(form, { ...form.fields, key });
      assert.equal(await exists(bucket, key), false);
    });

    it('another key than the one signed', async () => {
      const key = keyOf('exact-only');
      const form = s3.presignPost({ bucket, key });
      await refused(form, { ...form.fields, key: `${key}x` });
      assert.equal(await exists(bucket, `${key}x`), false);
    });

    it('a file larger than the length range, or smaller', async () => {
      const key = keyOf('big');
      const small = s3.presignPost({ bucket, key, contentLengthRange: [1, 64 * 1024 - 1] });
      await refused(small, small.fields);
      const large = s3.presignPost({ bucket, key, contentLengthRange: [64 * 1024 + 1, MiB] });
      await refused(large, large.fields);
      assert.equal(await exists(bucket, key), false);
    });

    it('another content type', async () => {
      const key = keyOf('type');
      const form = s3.presignPost({ bucket, key, contentType: 'image/png' });
      await refused(form, { ...form.fields, 'Content-Type': 'text/html' });
      const prefixed = s3.presignPost({ bucket, key, contentTypePrefix: 'image/' });
      await refused(prefixed, { ...prefixed.fields, 'Content-Type': 'text/html' });
      assert.equal(await exists(bucket, key), false);
      // ... while a type under the prefix is fine.
      assert.equal((await postForm(prefixed.url, { ...prefixed.fields, 'Content-Type': 'image/webp' }, bytes)).status, 204);
      await verifyObject({ bucket, key, expectBytes: bytes, expectHeaders: { contentType: 'image/webp' } });
    });

    it('other metadata than signed', async () => {
      const key = keyOf('meta');
      const form = s3.presignPost({ bucket, key, metadata: { owner: 'alice' } });
      await refused(form, { ...form.fields, 'x-amz-meta-owner': 'mallory' });
      assert.equal(await exists(bucket, key), false);
    });

    it('an expired policy', async () => {
      const key = keyOf('expired');
      const past = await client({ clock: () => Date.now() - 3600_000 });
      const form = past.presignPost({ bucket, key, expiresIn: 60 });
      const text = await refused(form, form.fields);
      assert.match(text, /expired|AccessDenied/i);
      assert.equal(await exists(bucket, key), false);
    });

    it('a bad signature, and a policy changed after signing', async () => {
      const key = keyOf('forged');
      const form = s3.presignPost({ bucket, key, contentLengthRange: [1, 10] });
      const sig = form.fields['x-amz-signature'];
      const flipped = (sig[0] === '0' ? '1' : '0') + sig.slice(1);
      await refused(form, { ...form.fields, 'x-amz-signature': flipped });
      const widened = form.policy.replace('["content-length-range",1,10]', '["content-length-range",1,1048576]');
      assert.notEqual(widened, form.policy);
      await refused(form, { ...form.fields, policy: Buffer.from(widened).toString('base64') });
      const other = await client({ credentials: { accessKeyId: server.accessKeyId, secretAccessKey: 'not-the-secret' } });
      const wrongKey = other.presignPost({ bucket, key });
      await refused(wrongKey, wrongKey.fields);
      assert.equal(await exists(bucket, key), false);
    });

    // RGW 16 stores the file whatever its x-amz-checksum-* field says (AWS S3 checks it).
    const rgw = process.env.S3MPU_TEST_STORE === 'rgw';
    it('a file whose checksum is not the signed one', { skip: rgw && 'RGW does not check a form\'s checksum' }, async () => {
      const key = keyOf('bad-sum');
      const form = s3.presignPost({ bucket, key, checksum: { algorithm: 'sha256', value: sha256b64(Buffer.from('other')) } });
      await refused(form, form.fields);
      assert.equal(await exists(bucket, key), false);
    });

    it('a field the policy does not list', async () => {
      const key = keyOf('extra');
      const form = s3.presignPost({ bucket, key });
      await refused(form, { ...form.fields, 'x-amz-meta-sneaky': 'yes' });
      assert.equal(await exists(bucket, key), false);
    });
  });

  it('s3mpu presign --post prints a form that uploads, and refuses bad input with status 2', async () => {
    const env = {
      PATH: process.env.PATH, S3MPU_ENDPOINT: server.endpoint, S3MPU_REGION: server.region,
      S3MPU_ACCESS_KEY_ID: server.accessKeyId, S3MPU_SECRET_ACCESS_KEY: server.secretAccessKey,
    };
    const run = (args) => new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env }, (error, stdout, stderr) => resolve({ code: error?.code ?? 0, stdout, stderr }));
    });
    const dir = `${keyOf('cli')}/`;
    const ok = await run(['presign', '--post', `s3://${bucket}/${dir}`, '--prefix', '--path-style', '--max-size', '1MiB',
      '--content-type', 'text/plain', '--meta', 'by=cli', '--expires', '5m']);
    assert.equal(ok.code, 0, ok.stderr);
    const form = JSON.parse(ok.stdout);
    assert.equal(form.expires, 300);
    assert.ok(!ok.stdout.includes(server.secretAccessKey));
    const bytes = randomBytes(5000);
    assert.equal((await postForm(form.url, form.fields, bytes, 'note.txt')).status, 204);
    await verifyObject({ bucket, key: `${dir}note.txt`, expectBytes: bytes, expectHeaders: { contentType: 'text/plain', metadata: { by: 'cli' } } });
    assert.equal((await postForm(form.url, form.fields, randomBytes(MiB + 1), 'big.txt')).status, 400);
    for (const args of [['--max-size', '6GiB'], ['--min-size', '1'], ['--expires', '8d'], ['--meta', 'novalue']]) {
      const bad = await run(['presign', '--post', `s3://${bucket}/k`, ...args]);
      assert.equal(bad.code, 2, `${args}: ${bad.stderr}`);
      assert.ok(!bad.stderr.includes(server.secretAccessKey));
    }
  });

  it('refuses bad input with S3InputError before signing', () => {
    const bad = [
      {},
      { bucket, expiresIn: 60 },
      { bucket, key: 'k', keyPrefix: 'p/' },
      { bucket, key: '' },
      { bucket: 'Not_A_Bucket', key: 'k' },
      { bucket, key: 'k', expiresIn: 0 },
      { bucket, key: 'k', expiresIn: 604801 },
      { bucket, key: 'k', expiresIn: 1.5 },
      { bucket, key: 'k', contentLengthRange: [10, 5] },
      { bucket, key: 'k', contentLengthRange: [0, 6 * 1024 * MiB] },
      { bucket, key: 'k', contentLengthRange: 100 },
      { bucket, key: 'k', contentType: 'a', contentTypePrefix: 'b' },
      { bucket, key: 'k', contentType: 'text/plain\r\nx-evil: 1' },
      { bucket, key: 'k', metadata: { 'bad name': 'v' } },
      { bucket, key: 'k', checksum: { algorithm: 'md5', value: 'x' } },
      { bucket, key: 'k', checksum: { algorithm: 'sha256', value: 'AAAA' } },
      { bucket, key: 'k', fields: { key: 'other' } },
      { bucket, key: 'k', fields: { 'x-amz-signature': 'x' } },
      { bucket, key: 'k', fields: { acl: 'a\nb' } },
    ];
    for (const params of bad) {
      assert.throws(() => s3.presignPost(params), S3InputError, JSON.stringify(params));
    }
    assert.throws(() => s3.presignPost(), S3InputError);
  });
});
