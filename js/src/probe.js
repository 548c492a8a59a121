// S3Client.prototype.probe: find out a store's profile (profiles.js) by trying, with a short
// run against a real bucket. Safe: objects and uploads go under a fresh prefix
// "s3mpu-probe-<random>/", at most ~12 MiB is sent, and everything made is deleted or
// aborted at the end, also when a step fails. Each step records what it observed; one that
// cannot tell leaves the field as the endpoint's profile has it (null: unknown).
import { S3Error, S3InputError } from './errors.js';
import { resolveProfile } from './profiles.js';
import { hashers, multipartEtag, hex } from './hash.js';
import { unquote } from './etag.js';
import { PART_NUMBER_MAX } from './limits.js';

const MiB = 1024 * 1024;
const ORIGIN = 'http://localhost:5173';

/**
 * @param {typeof import('./client.js').S3Client} Client
 * @param {object} params  S3Client.create's options, with `bucket` and an optional `signal`
 * @returns {Promise<{ profile: object, observations: { step: string, result: string }[] }>}
 */
export async function probe(Client, { bucket, signal, ...options } = {}) {
  if (typeof bucket !== 'string' || !bucket) throw new S3InputError('InvalidBucketName', 's3mpu: probe needs a bucket');
  const client = await Client.create(options);
  const run = new Probe(client, bucket, signal);
  run.options = options; // for the clients of the addressing step
  run.profile = { ...resolveProfile(options.profile, options.endpoint) };
  run.profile.base = run.profile.name;
  run.profile.name = 'probed';
  run.h = await hashers(client.abi);
  try {
    for (const step of STEPS) {
      signal?.throwIfAborted();
      await step(run);
    }
  } finally {
    await run.cleanUp();
    client.destroy();
  }
  return { profile: run.profile, observations: run.observations };
}

class Probe {
  constructor(client, bucket, signal) {
    this.client = client;
    this.bucket = bucket;
    this.signal = signal;
    this.prefix = `s3mpu-probe-${randomHex(8)}/`;
    this.observations = [];
    this.objects = new Set();
    this.uploads = new Map(); // uploadId -> key
  }

  async crc32(data) {
    const h = this.h.part({ checksum: 'crc32' });
    try {
      h.update(data);
      return (await h.digest()).checksum;
    } finally {
      h.dispose();
    }
  }

  note(step, result) {
    this.observations.push({ step, result });
  }

  key(name) {
    return `${this.prefix}${name}`;
  }

  async put(name, body, extra = {}) {
    const key = this.key(name);
    this.objects.add(key); // even a refused PUT: delete is harmless, a leftover is not
    return this.client.putObject({ bucket: this.bucket, key, body, signal: this.signal, ...extra });
  }

  async create(name, extra = {}) {
    const key = this.key(name);
    const { uploadId } = await this.client.createMultipartUpload({ bucket: this.bucket, key, signal: this.signal, ...extra });
    this.uploads.set(uploadId, key);
    return { key, uploadId };
  }

  part(u, partNumber, body, extra = {}) {
    return this.client.uploadPart({ bucket: this.bucket, ...u, partNumber, body, signal: this.signal, ...extra });
  }

  async complete(u, parts, extra = {}) {
    const done = await this.client.completeMultipartUpload({ bucket: this.bucket, ...u, parts, signal: this.signal, ...extra });
    this.uploads.delete(u.uploadId);
    this.objects.add(u.key);
    return done;
  }

  /** Abort what is still open, delete what was made; never throws. */
  async cleanUp() {
    const { client, bucket } = this;
    for (const [uploadId, key] of this.uploads) {
      await client.abortMultipartUpload({ bucket, key, uploadId }).catch(() => {});
    }
    for (const key of this.objects) await client.deleteObject({ bucket, key }).catch(() => {});
    // Uploads a lost answer may have made (Create retried): none may stay.
    for await (const u of client.listAllMultipartUploads({ bucket, prefix: this.prefix })) {
      await client.abortMultipartUpload({ bucket, key: u.key, uploadId: u.uploadId }).catch(() => {});
    }
  }
}

// ---- The steps, in order ---------------------------------------------------------------

/** A wrong Content-MD5: refused (BadDigest) when the store checks it. */
async function contentMD5(run) {
  const body = bytes(1000, 1);
  try {
    await run.put('md5-wrong', body, { contentMD5: '1B2M2Y8AsgTpgAmY7PhCfg==' });
    run.profile.contentMD5 = 'ignored';
    run.note('Content-MD5', 'a wrong Content-MD5 was accepted: ignored');
  } catch (e) {
    if (!(e instanceof S3Error) || e.status === 403) throw e; // no access: nothing to probe
    run.profile.contentMD5 = 'verified';
    run.note('Content-MD5', `a wrong Content-MD5 was refused (${e.code}): verified`);
  }
}

/** x-amz-checksum-crc32: a right value accepted (echoed?), a wrong one refused? */
async function checksums(run) {
  const body = bytes(1000, 2);
  const right = await run.crc32(body);
  let rightOk;
  try {
    await run.put('crc-right', body, { checksum: { algorithm: 'crc32', value: right } });
    rightOk = true;
  } catch (e) {
    if (!(e instanceof S3Error)) throw e;
    run.profile.checksums = 'rejected';
    run.note('x-amz-checksum-*', `a right x-amz-checksum-crc32 was refused (${e.code}): rejected`);
    return;
  }
  try {
    await run.put('crc-wrong', body, { checksum: { algorithm: 'crc32', value: 'AAAAAA==' } });
    run.profile.checksums = 'ignored';
    run.note('x-amz-checksum-*', 'a wrong x-amz-checksum-crc32 was accepted: ignored');
  } catch (e) {
    if (!(e instanceof S3Error)) throw e;
    run.profile.checksums = rightOk ? 'verified' : 'rejected';
    run.note('x-amz-checksum-*', `a wrong x-amz-checksum-crc32 was refused (${e.code}): verified`);
  }
}

/**
 * One multipart upload of 5 MiB + 1 B with CRC32 declared: are part ETags MD5s, is the
 * checksum echoed on UploadPart, may Complete list it, is Complete's ETag filled and the
 * MD5 of the part MD5s?
 */
async function multipart(run) {
  const u = await run.create('multipart', { checksumAlgorithm: 'crc32' });
  const sent = [];
  let echoed = false;
  for (const [partNumber, body] of [[1, bytes(5 * MiB, 3)], [2, bytes(1, 4)]]) {
    const checksum = await run.crc32(body);
    // send(), not uploadPart(): the answer's headers say whether the checksum was echoed.
    const { response } = await run.client.send('uploadPart', {
      bucket: run.bucket, ...u, partNumber, contentLength: body.length, checksumAlgorithm: 'crc32', checksum,
    }, { body: () => body, signal: run.signal, expect: 'none' });
    echoed ||= Boolean(response.headers.get('x-amz-checksum-crc32'));
    sent.push({ partNumber, etag: response.headers.get('etag') ?? '', checksum, md5: run.h.md5(body) });
  }
  const partsAreMd5 = sent.every((p) => unquote(p.etag).toLowerCase() === hex(p.md5));
  run.note('UploadPart', `part ETags ${partsAreMd5 ? 'are' : 'are not'} the parts' MD5; x-amz-checksum-crc32 ${echoed ? 'echoed' : 'not echoed'}`);
  let done;
  try {
    done = await run.complete(u, sent.map(({ partNumber, etag, checksum }) => ({ partNumber, etag, checksum })), { checksumAlgorithm: 'crc32' });
    run.profile.completeChecksums = true;
    run.note('Complete', 'a Complete listing <ChecksumCRC32> was accepted');
  } catch (e) {
    if (!(e instanceof S3Error) || e.status >= 500 || e.status === 0) throw e;
    run.profile.completeChecksums = false;
    run.note('Complete', `a Complete listing <ChecksumCRC32> was refused (${e.code}); one without checksums was sent`);
    done = await run.complete(u, sent.map(({ partNumber, etag }) => ({ partNumber, etag })));
  }
  const expected = multipartEtag(run.h, sent.map((p) => p.md5));
  const head = await run.client.headObject({ bucket: run.bucket, key: u.key, signal: run.signal });
  const objectIsMd5 = unquote(head.etag) === expected;
  run.profile.completeETag = done.etag ? 'filled' : 'empty';
  run.profile.etag = partsAreMd5 && objectIsMd5 ? 'md5' : 'opaque';
  run.note('Complete', `answered 200 with ${done.etag ? `ETag ${done.etag}` : 'an empty ETag'}; the object's ETag ` +
    `${head.etag} ${objectIsMd5 ? 'is' : 'is not'} the MD5 of the part MD5s + "-2". (Whether Complete can answer ` +
    '200 with an <Error> cannot be provoked: s3mpu reads every Complete body for one.)');
}

/** A non-last part of 1 MiB: refused at Complete (EntityTooSmall) where the minimum is above. */
async function minPartSize(run) {
  const u = await run.create('min-part');
  const p1 = await run.part(u, 1, bytes(MiB, 5));
  const p2 = await run.part(u, 2, bytes(1, 6));
  try {
    await run.complete(u, [p1, p2].map(({ partNumber, etag }) => ({ partNumber, etag })));
    run.profile.minPartSize = Math.min(run.profile.minPartSize, MiB);
    run.note('part size', 'a 1 MiB non-last part was accepted: the minimum is 1 MiB or less');
  } catch (e) {
    if (!(e instanceof S3Error) || e.status >= 500) throw e;
    run.note('part size', `a 1 MiB non-last part was refused (${e.code}); 5 MiB was accepted: the minimum is ${run.profile.minPartSize / MiB} MiB`);
  }
}

/** Part number 10,000 and, if refused, 1,000: the store's part count limit. */
async function maxParts(run) {
  const u = await run.create('max-parts');
  for (const n of [PART_NUMBER_MAX, 1000]) {
    try {
      await run.part(u, n, bytes(1, 7));
      run.profile.maxParts = n;
      run.note('part count', `part number ${n} was accepted: at most ${n.toLocaleString('en-US')} parts`);
      return;
    } catch (e) {
      if (!(e instanceof S3Error) || e.status >= 500) throw e;
      run.note('part count', `part number ${n} was refused (${e.code})`);
    }
  }
}

/** A cross-origin HEAD: does the answer let a page read ETag? */
async function cors(run) {
  const key = run.key('md5-right');
  const body = bytes(100, 8);
  run.objects.add(key);
  await run.client.putObject({ bucket: run.bucket, key, body, signal: run.signal });
  const { url } = run.client.presign({ operation: 'headObject', bucket: run.bucket, key, expiresIn: 300 });
  const response = await run.client.transport(url, { method: 'HEAD', headers: [['origin', ORIGIN]], signal: run.signal });
  const allow = response.headers.get('access-control-allow-origin');
  const expose = (response.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/\s*,\s*/);
  const exposes = Boolean(allow) && (expose.includes('etag') || expose.includes('*'));
  run.profile.corsExposesETag = exposes;
  run.note('CORS', allow
    ? `a request from ${ORIGIN} is allowed; ETag ${exposes ? 'is' : 'is not'} exposed`
    : `no CORS headers for ${ORIGIN} (the bucket has no rule for it)`);
}

/** Path and virtual-hosted addressing: which one answers a HEAD of an object made above. */
async function addressing(run) {
  const host = new URL(run.options.endpoint).hostname;
  if (/^[0-9.]+$|^\[/.test(host)) {
    run.profile.addressing = 'path';
    run.note('addressing', `${host} is an IP address: path style`);
    return;
  }
  const key = run.key('md5-right');
  const works = async (forcePathStyle) => {
    const other = await run.client.constructor.create({ ...run.options, forcePathStyle });
    try {
      await other.headObject({ bucket: run.bucket, key, signal: run.signal });
      return true;
    } catch {
      return false;
    } finally {
      other.destroy();
    }
  };
  const virtual = await works(false);
  const path = await works(true);
  if (virtual !== path) run.profile.addressing = virtual ? 'virtual' : 'path';
  run.note('addressing', `virtual-hosted ${virtual ? 'works' : 'fails'}, path style ${path ? 'works' : 'fails'}`);
}

const STEPS = [contentMD5, checksums, multipart, minPartSize, maxParts, cors, addressing];

// ---- Helpers ---------------------------------------------------------------------------

/** `n` bytes of a cheap pattern (seeded): not all zeros, so ETags mean something. */
function bytes(n, seed) {
  const b = new Uint8Array(n);
  let x = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

function randomHex(n) {
  const b = crypto.getRandomValues(new Uint8Array(n));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}
