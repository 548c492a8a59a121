// The independent verifier: checks what s3mpu stored, using only @aws-sdk/client-s3 and
// node:crypto. It shares no code with s3mpu on purpose, so a bug there cannot hide itself here.
//
//   import { verifyObject, listUploads, abortAll } from '../harness/verify.mjs';
//   await verifyObject({ bucket, key, expectBytes, expectHeaders, expectParts });
//
// Connection settings come from the environment only (scripts/test-js.sh sets them):
// S3MPU_TEST_ENDPOINT, S3MPU_TEST_REGION, S3MPU_TEST_ACCESS_KEY_ID, S3MPU_TEST_SECRET_ACCESS_KEY.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import {
  S3Client,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  AbortMultipartUploadCommand,
  ListObjectsV2Command,
  DeleteObjectCommand,
} from '@aws-sdk/client-s3';

// Objects up to this size are also compared byte for byte (the whole expectation in memory).
const BYTE_COMPARE_MAX = 64 * 1024 * 1024;

/** The store the tests talk to, from the environment. Throws when it is not configured. */
export function testConfig() {
  const env = process.env;
  const endpoint = env.S3MPU_TEST_ENDPOINT;
  if (!endpoint) {
    throw new Error(
      'S3MPU_TEST_ENDPOINT is not set: run the JS tests with scripts/test-js.sh (it starts a ' +
        'throwaway RGW), or set S3MPU_TEST_ENDPOINT, S3MPU_TEST_REGION, ' +
        'S3MPU_TEST_ACCESS_KEY_ID and S3MPU_TEST_SECRET_ACCESS_KEY for another store',
    );
  }
  const accessKeyId = env.S3MPU_TEST_ACCESS_KEY_ID;
  const secretAccessKey = env.S3MPU_TEST_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('S3MPU_TEST_ACCESS_KEY_ID and S3MPU_TEST_SECRET_ACCESS_KEY must be set');
  }
  return {
    endpoint: endpoint.replace(/\/+$/, ''),
    region: env.S3MPU_TEST_REGION || 'us-east-1',
    accessKeyId,
    secretAccessKey,
    bucket: env.S3MPU_TEST_BUCKET || undefined, // an existing bucket to use (other stores)
    store: env.S3MPU_TEST_STORE || 'external', // "rgw" when scripts/test-js.sh started it
  };
}

let cached; // { key, client }: one client per configuration

/**
 * The verifier's own SDK client (path style). The SDK's flexible checksums are limited to
 * operations that require them: by default SDK >= 3.729 sends PutObject/UploadPart bodies as
 * aws-chunked with a CRC32 trailer, which RGW 16 does not understand.
 */
export function verifierClient() {
  const c = testConfig();
  const key = JSON.stringify(c);
  if (cached?.key === key) return cached.client;
  const client = new S3Client({
    endpoint: c.endpoint,
    region: c.region,
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  cached = { key, client };
  return client;
}

/** True when the installed SDK knows the checksum settings above (3.729.0 and later). */
export function sdkHasChecksumSettings() {
  const cfg = verifierClient().config;
  return typeof cfg.requestChecksumCalculation === 'function' ||
    typeof cfg.requestChecksumCalculation === 'string';
}

const hex = (buf) => Buffer.from(buf).toString('hex');
const md5 = (data) => createHash('md5').update(data).digest();
const unquote = (etag) => (etag ?? '').replace(/^"+|"+$/g, '');

/**
 * The ETag S3 gives an object: md5 hex of the bytes for a single PUT; for a multipart upload
 * hex(md5(md5(part1) || ... || md5(partN))) + "-N". partMd5s: Buffers (raw digests).
 */
export function expectedEtag(wholeMd5, partMd5s) {
  if (!partMd5s) return hex(wholeMd5);
  return `${hex(md5(Buffer.concat(partMd5s)))}-${partMd5s.length}`;
}

// What the bytes must be: { size, sha256, bytes? (Uint8Array when small enough) }.
async function resolveExpectation(expectBytes) {
  if (expectBytes instanceof Uint8Array) {
    return {
      size: expectBytes.length,
      sha256: createHash('sha256').update(expectBytes).digest('hex'),
      bytes: expectBytes.length <= BYTE_COMPARE_MAX ? expectBytes : undefined,
      what: `${expectBytes.length} bytes in memory`,
    };
  }
  if (typeof expectBytes === 'string') {
    const { size } = await stat(expectBytes);
    if (size <= BYTE_COMPARE_MAX) {
      const bytes = await readFile(expectBytes);
      return {
        size,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes,
        what: `file ${expectBytes}`,
      };
    }
    const h = createHash('sha256');
    let n = 0;
    for await (const chunk of createReadStream(expectBytes, { highWaterMark: 1 << 20 })) {
      h.update(chunk);
      n += chunk.length;
    }
    return { size: n, sha256: h.digest('hex'), what: `file ${expectBytes}` };
  }
  if (expectBytes && typeof expectBytes === 'object' &&
      Number.isSafeInteger(expectBytes.size) && typeof expectBytes.sha256 === 'string') {
    return {
      size: expectBytes.size,
      sha256: expectBytes.sha256.toLowerCase(),
      what: `digest {size ${expectBytes.size}, sha256 ${expectBytes.sha256}}`,
    };
  }
  throw new TypeError('expectBytes: a Uint8Array, a file path, or { size, sha256 }');
}

// Index of the first byte where a and b differ, or -1 (a and b of equal length).
function firstDifference(a, b) {
  if (Buffer.compare(a, b) === 0) return -1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

// Hashes the GET body as it streams: sha256, whole md5, md5 of each part (when part sizes are
// given), and compares to `bytes` as it goes when those are known.
async function digestBody(body, partSizes, bytes) {
  const sha = createHash('sha256');
  const whole = createHash('md5');
  const partMd5s = partSizes ? [] : null;
  let part = createHash('md5');
  let partLeft = partSizes ? partSizes[0] : 0;
  // Closes the current part while it is full (several in a row when some are empty).
  const closeFullParts = () => {
    while (partSizes && partLeft === 0 && partMd5s.length < partSizes.length) {
      partMd5s.push(part.digest());
      part = createHash('md5');
      partLeft = partSizes[partMd5s.length] ?? 0;
    }
  };
  closeFullParts();
  let offset = 0;
  let firstDiff = -1;
  for await (const raw of body) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
    sha.update(chunk);
    whole.update(chunk);
    if (bytes && firstDiff < 0) {
      const n = Math.min(chunk.length, Math.max(0, bytes.length - offset));
      const i = firstDifference(chunk.subarray(0, n),
        Buffer.from(bytes.buffer, bytes.byteOffset + offset, n));
      if (i >= 0) firstDiff = offset + i;
      else if (n < chunk.length) firstDiff = offset + n; // longer than expected
    }
    // Feed the parts: a chunk may span several part boundaries.
    let pos = 0;
    while (partSizes && pos < chunk.length && partMd5s.length < partSizes.length) {
      const take = Math.min(partLeft, chunk.length - pos);
      part.update(chunk.subarray(pos, pos + take));
      pos += take;
      partLeft -= take;
      closeFullParts();
    }
    offset += chunk.length;
  }
  return {
    size: offset,
    sha256: sha.digest('hex'),
    md5: whole.digest(),
    partMd5s,
    firstDiff,
  };
}

const HEADER_FIELDS = {
  contentType: 'ContentType',
  cacheControl: 'CacheControl',
  contentDisposition: 'ContentDisposition',
  contentEncoding: 'ContentEncoding',
};

// Expires as the store sent it (SDK >= 3.7xx keeps the raw header in ExpiresString).
function expiresOf(head) {
  if (head.ExpiresString !== undefined) return head.ExpiresString;
  if (head.Expires instanceof Date) return head.Expires.toUTCString();
  return head.Expires;
}

// Each field: undefined = not checked, null = must be absent, else must equal.
function checkHeaders(head, expect, where) {
  for (const [name, sdkName] of Object.entries(HEADER_FIELDS)) {
    if (!(name in expect) || expect[name] === undefined) continue;
    const got = head[sdkName];
    if (expect[name] === null) {
      assert.equal(got, undefined, `${where}: ${name} should be absent, is ${JSON.stringify(got)}`);
    } else {
      assert.equal(got, expect[name], `${where}: ${name}`);
    }
  }
  if (expect.expires !== undefined) {
    const got = expiresOf(head);
    if (expect.expires === null) {
      assert.equal(got, undefined, `${where}: expires should be absent, is ${JSON.stringify(got)}`);
    } else {
      // Compare as instants when both parse (a Date or any HTTP-date form), else as text.
      const want = expect.expires instanceof Date ? expect.expires : String(expect.expires);
      const wantMs = want instanceof Date ? want.getTime() : Date.parse(want);
      const gotMs = got === undefined ? NaN : Date.parse(got);
      if (Number.isFinite(wantMs) && Number.isFinite(gotMs)) {
        assert.equal(new Date(gotMs).toISOString(), new Date(wantMs).toISOString(),
          `${where}: expires (store sent ${JSON.stringify(got)})`);
      } else {
        assert.equal(got, String(want), `${where}: expires`);
      }
    }
  }
  if (expect.metadata !== undefined) {
    // Metadata keys come back lower-cased (they travel as x-amz-meta-* headers).
    const want = {};
    for (const [k, v] of Object.entries(expect.metadata ?? {})) want[k.toLowerCase()] = String(v);
    assert.deepEqual({ ...(head.Metadata ?? {}) }, want, `${where}: metadata`);
  }
}

/**
 * GETs the object (streaming) and HEADs it, and checks: size, sha256 (and each byte for
 * objects up to 64 MiB given as bytes or a file), the headers and metadata named in
 * expectHeaders, and the ETag: md5 of the bytes when expectParts is omitted (single PUT),
 * else the multipart ETag computed from the part sizes given (an array of byte counts).
 * Pass expectParts: false to skip the ETag check.
 * Resolves to { size, sha256, etag, head } or rejects with an AssertionError.
 */
export async function verifyObject({
  bucket, key, expectBytes, expectHeaders = {}, expectParts,
}) {
  assert.ok(bucket && typeof key === 'string', 'verifyObject: bucket and key are required');
  const where = `s3://${bucket}/${key}`;
  const want = await resolveExpectation(expectBytes);
  let partSizes = null;
  if (Array.isArray(expectParts)) {
    assert.ok(expectParts.length >= 1 && expectParts.every((n) => Number.isSafeInteger(n) && n >= 0),
      `${where}: expectParts must be a non-empty array of sizes`);
    const sum = expectParts.reduce((a, b) => a + b, 0);
    assert.equal(sum, want.size, `${where}: expectParts add up to ${sum}, expected object is ${want.size} bytes`);
    partSizes = expectParts;
  } else {
    assert.ok(expectParts === undefined || expectParts === false,
      `${where}: expectParts: an array of part sizes, false, or omitted`);
  }

  const s3 = verifierClient();
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const d = await digestBody(got.Body, partSizes, want.bytes);

  assert.equal(d.size, want.size, `${where}: GET returned ${d.size} bytes, expected ${want.size} (${want.what})`);
  assert.equal(Number(got.ContentLength), want.size, `${where}: GET Content-Length`);
  assert.equal(Number(head.ContentLength), want.size, `${where}: HEAD Content-Length`);
  if (want.bytes) {
    assert.equal(d.firstDiff, -1, `${where}: bytes differ from ${want.what}, first at offset ${d.firstDiff}`);
  }
  assert.equal(d.sha256, want.sha256, `${where}: sha256 of the stored bytes (${want.what})`);

  checkHeaders(head, expectHeaders, `${where} HEAD`);
  checkHeaders(got, expectHeaders, `${where} GET`);

  const etag = unquote(head.ETag);
  assert.equal(unquote(got.ETag), etag, `${where}: GET and HEAD disagree on the ETag`);
  if (expectParts !== false) {
    assert.equal(etag, expectedEtag(d.md5, d.partMd5s),
      `${where}: ETag (${partSizes ? `multipart, parts ${JSON.stringify(partSizes)}` : 'single PUT'})`);
  }
  return { size: d.size, sha256: d.sha256, etag, head };
}

/** The multipart uploads in progress under prefix: [{ key, uploadId, initiated }]. */
export async function listUploads(bucket, prefix = '') {
  const s3 = verifierClient();
  const out = [];
  let KeyMarker;
  let UploadIdMarker;
  for (;;) {
    const r = await s3.send(new ListMultipartUploadsCommand({
      Bucket: bucket, Prefix: prefix || undefined, KeyMarker, UploadIdMarker,
    }));
    for (const u of r.Uploads ?? []) {
      out.push({ key: u.Key, uploadId: u.UploadId, initiated: u.Initiated });
    }
    if (!r.IsTruncated) return out;
    KeyMarker = r.NextKeyMarker;
    UploadIdMarker = r.NextUploadIdMarker;
    if (!KeyMarker && !UploadIdMarker) return out;
  }
}

/** Aborts every upload in progress under prefix; resolves to how many it aborted. */
export async function abortAll(bucket, prefix = '') {
  const s3 = verifierClient();
  const uploads = await listUploads(bucket, prefix);
  for (const u of uploads) {
    try {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.key, UploadId: u.uploadId }));
    } catch (e) {
      if (e?.name !== 'NoSuchUpload') throw e; // gone meanwhile
    }
  }
  return uploads.length;
}

/** The keys of the objects under prefix, in the store's order. */
export async function listKeys(bucket, prefix = '') {
  const s3 = verifierClient();
  const keys = [];
  let ContinuationToken;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken }));
    for (const o of r.Contents ?? []) keys.push(o.Key);
    ContinuationToken = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return keys;
}

/** Deletes every object under prefix (one DELETE each); resolves to how many. */
export async function deleteAll(bucket, prefix = '') {
  const s3 = verifierClient();
  let n = 0;
  let ContinuationToken;
  do {
    const r = await s3.send(new ListObjectsV2Command({
      Bucket: bucket, Prefix: prefix || undefined, ContinuationToken,
    }));
    for (const o of r.Contents ?? []) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
      n++;
    }
    ContinuationToken = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (ContinuationToken);
  return n;
}
