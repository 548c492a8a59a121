// The harness checks itself end to end, without s3mpu: objects uploaded with the AWS SDK must
// pass verifyObject, wrong expectations must fail it, and no upload may be left behind.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  PutObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CompleteMultipartUploadCommand,
} from '@aws-sdk/client-s3';
import { s3Server } from './server.mjs';
import {
  verifyObject, verifierClient, listUploads, abortAll, deleteAll, sdkHasChecksumSettings,
} from './verify.mjs';

const MiB = 1024 * 1024;
const prefix = `selfcheck-${process.pid}-${Date.now()}/`;

describe('harness self-check (AWS SDK only)', () => {
  let s3;
  let bucket;
  let dir;
  const small = randomBytes(1000);
  const parts = [randomBytes(5 * MiB), randomBytes(1 * MiB + 17)];
  const big = Buffer.concat(parts);
  const headers = {
    contentType: 'application/x-s3mpu-test',
    cacheControl: 'max-age=60, private',
    contentDisposition: 'attachment; filename="a b.bin"',
    contentEncoding: 'identity',
    expires: new Date('2031-02-03T04:05:06Z'),
    metadata: { Origin: 'selfcheck', 'two-words': 'a b' },
  };

  before(async () => {
    s3 = await s3Server();
    bucket = await s3.bucket('s3mpu-js-selfcheck');
    dir = await mkdtemp(path.join(tmpdir(), 's3mpu-selfcheck-'));
  });

  after(async () => {
    if (bucket) {
      await abortAll(bucket, prefix);
      await deleteAll(bucket, prefix);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('configures the SDK from the environment, checksums only when required', async () => {
    assert.match(s3.endpoint, /^https?:\/\//);
    assert.ok(s3.region && s3.accessKeyId && s3.secretAccessKey);
    assert.equal(sdkHasChecksumSettings(), true);
    assert.equal(await s3.bucket('s3mpu-js-selfcheck'), bucket, 'bucket() is idempotent');
  });

  it('verifies a single PUT (bytes, file, digest), with headers and metadata', async () => {
    const key = `${prefix}single.bin`;
    await verifierClient().send(new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: small,
      ContentType: headers.contentType,
      CacheControl: headers.cacheControl,
      ContentDisposition: headers.contentDisposition,
      ContentEncoding: headers.contentEncoding,
      Expires: headers.expires,
      Metadata: headers.metadata,
    }));
    const r = await verifyObject({ bucket, key, expectBytes: small, expectHeaders: headers });
    assert.equal(r.etag, createHash('md5').update(small).digest('hex'));
    assert.equal(r.size, small.length);

    const file = path.join(dir, 'small.bin');
    await writeFile(file, small);
    await verifyObject({ bucket, key, expectBytes: file });
    const sha256 = createHash('sha256').update(small).digest('hex');
    await verifyObject({ bucket, key, expectBytes: { size: small.length, sha256 } });
    // Header given as an HTTP-date string: compared as an instant.
    await verifyObject({
      bucket, key, expectBytes: small, expectHeaders: { expires: headers.expires.toUTCString() },
    });
  });

  it('verifies a multipart upload (5 MiB + 1 MiB) and its ETag', async () => {
    const key = `${prefix}multi part+1.bin`;
    const client = verifierClient();
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({
      Bucket: bucket, Key: key, ContentType: 'application/octet-stream', Metadata: { n: '2' },
    }));
    assert.ok(UploadId);
    assert.ok((await listUploads(bucket, prefix)).some((u) => u.uploadId === UploadId),
      'listUploads sees the upload in progress');
    const done = [];
    for (let i = 0; i < parts.length; i++) {
      const r = await client.send(new UploadPartCommand({
        Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: parts[i],
      }));
      assert.equal(r.ETag.replace(/"/g, ''), createHash('md5').update(parts[i]).digest('hex'));
      done.push({ PartNumber: i + 1, ETag: r.ETag });
    }
    await client.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: done },
    }));
    const sizes = parts.map((p) => p.length);
    const r = await verifyObject({
      bucket, key, expectBytes: big, expectParts: sizes,
      expectHeaders: { contentType: 'application/octet-stream', metadata: { n: '2' } },
    });
    assert.match(r.etag, /^[0-9a-f]{32}-2$/);

    const file = path.join(dir, 'big.bin');
    await writeFile(file, big);
    await verifyObject({ bucket, key, expectBytes: file, expectParts: sizes });
    const sha256 = createHash('sha256').update(big).digest('hex');
    await verifyObject({ bucket, key, expectBytes: { size: big.length, sha256 }, expectParts: sizes });

    assert.deepEqual(await listUploads(bucket, prefix), [], 'no upload left behind');
  });

  it('rejects wrong expectations', async () => {
    const single = `${prefix}single.bin`;
    const multi = `${prefix}multi part+1.bin`;
    const sizes = parts.map((p) => p.length);
    const fails = (opts, re) => assert.rejects(verifyObject({ bucket, ...opts }), re);

    const flipped = Buffer.from(small);
    flipped[500] ^= 1;
    await fails({ key: single, expectBytes: flipped }, /first at offset 500/);
    await fails({ key: single, expectBytes: small.subarray(1) }, /GET returned 1000 bytes, expected 999/);
    await fails({ key: single, expectBytes: { size: small.length, sha256: '0'.repeat(64) } }, /sha256/);
    await fails({ key: single, expectBytes: small, expectHeaders: { contentType: 'text/plain' } }, /contentType/);
    await fails({ key: single, expectBytes: small, expectHeaders: { cacheControl: null } }, /cacheControl should be absent/);
    await fails({ key: single, expectBytes: small, expectHeaders: { metadata: { origin: 'selfcheck' } } }, /metadata/);
    await fails({ key: single, expectBytes: small, expectHeaders: { expires: new Date(0) } }, /expires/);
    await fails({ key: single, expectBytes: small, expectParts: [small.length] }, /ETag \(multipart/);
    // Right bytes, wrong split into parts, or a multipart object taken for a single PUT.
    await fails({ key: multi, expectBytes: big, expectParts: [sizes[0] - 1, sizes[1] + 1] }, /ETag/);
    await fails({ key: multi, expectBytes: big, expectParts: [big.length] }, /ETag/);
    await fails({ key: multi, expectBytes: big }, /ETag \(single PUT\)/);
    await fails({ key: multi, expectBytes: big, expectParts: [1, 2] }, /add up to 3/);
    await fails({ key: `${prefix}missing`, expectBytes: small }, (e) => e.name === 'NotFound');
    // expectParts: false skips the ETag check only.
    await verifyObject({ bucket, key: multi, expectBytes: big, expectParts: false });
  });

  it('abortAll() ends uploads left behind; listUploads() is then empty', async () => {
    const key = `${prefix}abandoned`;
    const client = verifierClient();
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    await client.send(new UploadPartCommand({
      Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: small,
    }));
    const left = await listUploads(bucket, prefix);
    assert.deepEqual(left.map((u) => [u.key, u.uploadId]), [[key, UploadId]]);
    assert.equal(await abortAll(bucket, prefix), 1);
    assert.deepEqual(await listUploads(bucket, prefix), []);
  });
});
