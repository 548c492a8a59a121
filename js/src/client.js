// S3Client: one method per S3 operation. The core builds and signs each
// request (through abi.js, the wasm ABI); this file sends it (fetch, or node:http on Node: transport.js),
// retries what may be retried and turns responses into results or S3Error.
import { WasmAbi } from './abi.js';
import { loadAbi } from './wasm.js';
import { S3Error, S3InputError, S3VerifyError, statusError } from './errors.js';
import { upload } from './upload.js';
import { objectFields } from './object.js';
import { unquote } from './etag.js';
import { defaultTransport, DEFAULT_IDLE_TIMEOUT_MS, isRedirect, redirectError } from './transport.js';
import { DEFAULT_RETRY, backoffMs } from './retry.js';
import { sleep } from './signal.js';
import { resolveProfile, partSizeFor } from './profiles.js';
import { probe } from './probe.js';
import { EXPIRES_DEFAULT, EXPIRES_MAX, PART_NUMBER_MAX, PART_SIZE_MAX } from './limits.js';

// A RequestTimeTooSkewed answer's Date is believed only this close to our clock.
const MAX_SKEW_MS = 24 * 3600_000;
// Slack around our own Create's time window when telling our orphans from others' uploads.
const ORPHAN_SLACK_MS = 2000;
// The runtime sets these itself; browsers forbid setting them.
const RUNTIME_HEADERS = new Set(['host', 'content-length']);

/**
 * @typedef {object} S3ClientOptions
 * @property {string} endpoint  "https://s3.cn-north-1.jcloudcs.com", "http://127.0.0.1:7480"
 * @property {string} [region]  may be omitted for JD Cloud and AWS endpoints
 * @property {{ accessKeyId: string, secretAccessKey: string, sessionToken?: string }} credentials
 * @property {boolean} [forcePathStyle]  default: the profile's addressing (path for rgw, swift, minio)
 * @property {string | object} [profile]  what the store accepts (profiles.js): a name ('aws',
 *   'jdcloud', 'rgw', 'swift', 'minio', 'r2', 'generic'), or an object of fields over a `base`
 *   (what `s3mpu probe --json` writes); default: chosen from the endpoint's host
 * @property {typeof fetch} [fetch]
 * @property {BufferSource | URL | string | Response | WebAssembly.Module} [wasm]
 * @property {string[]} [storageClasses]  allowed besides STANDARD and REDUCED_REDUNDANCY
 * @property {{ attempts?: number, baseDelayMs?: number, maxDelayMs?: number, noProgressMs?: number }} [retry]
 * @property {() => number} [clock]  milliseconds since the epoch (default Date.now)
 * @property {number} [idleTimeout]  ms a request may make no progress (default 60 000; 0: no limit)
 */

export class S3Client {
  /** @param {S3ClientOptions} options */
  static async create(options) {
    checkOptions(options);
    const abi = await loadAbi(options.wasm);
    return new S3Client(abi, options);
  }

  /**
   * Find out what a store accepts, by trying: S3Client.create's options plus `bucket` (and
   * `signal`). A short run under BUCKET/s3mpu-probe-<random>/ (about 12 MiB sent) that deletes
   * or aborts all it made, also on failure. See probe.js.
   * @returns {Promise<{ profile: object, observations: { step: string, result: string }[] }>}
   */
  static probe(params) {
    return probe(S3Client, params);
  }

  /** @param {WasmAbi} abi @param {S3ClientOptions} options */
  constructor(abi, options) {
    if (!(abi instanceof WasmAbi)) throw new S3InputError('InvalidArgument', 'use S3Client.create(options)');
    checkOptions(options);
    const { credentials } = options;
    /** What the store accepts: plan() and upload() keep within it. */
    this.profile = resolveProfile(options.profile, options.endpoint);
    abi.clientInit({
      endpoint: options.endpoint,
      region: options.region ?? '',
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken ?? '',
      storageClasses: (options.storageClasses ?? []).join(','),
      pathStyle: options.forcePathStyle === undefined ? this.profile.addressing === 'path' : Boolean(options.forcePathStyle),
    });
    this.abi = abi;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    // What send() puts requests on the wire with (transport.js).
    this.transport = defaultTransport(options.fetch, { idleTimeoutMs: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS });
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.clock = options.clock ?? Date.now;
    // Server time minus ours, learnt from a RequestTimeTooSkewed answer.
    this.clockOffsetMs = 0;
  }

  /** Erase the credentials from wasm memory; the client is unusable after. */
  destroy() {
    this.abi.wipe();
  }

  /** Unix seconds as the server sees them. */
  now() {
    return Math.floor((this.clock() + this.clockOffsetMs) / 1000);
  }

  // ---- Transport ------------------------------------------------------------

  /**
   * Build, sign and send one operation, retrying transient failures with
   * exponential backoff and full jitter: `retry.attempts` times, or while
   * `retryWhile(attempt)` says so (upload() retries while it makes
   * progress). A clock skew is corrected once from the server's Date, within
   * MAX_SKEW_MS, and kept only if the re-signed request is not refused for
   * skew again. `body` is a function giving a fresh body for each attempt.
   * Resolves to { response, bytes } for a 2xx answer.
   */
  async send(kind, fields, { body, signal, onAttemptFailed, onProgress, expect = 'body', retryWhile, connections } = {}) {
    let skew; // { previous offset } while a correction is unconfirmed
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const { response, bytes, error: failed } = await tryOnce(this, kind, fields, { body, signal, onProgress, expect, connections });
      let error = failed;
      let cls = error instanceof S3Error ? this.abi.retryClassify(error.status ?? 0, error.code) : 'yes';
      if (response && !error) {
        if (isRedirect(response)) {
          error = redirectError(response, bytes, bytes.length ? this.errorOf(bytes, response) : undefined);
          cls = 'no';
        } else if (response.ok) {
          try {
            return { response, bytes, ...(kind === 'completeMultipartUpload' ? { parsed: this.parse('completeMultipartUpload', bytes, response) } : {}) };
          } catch (e) {
            // Complete's 200 that carries an <Error>, or that we cannot read.
            if (!(e instanceof S3Error || e instanceof S3VerifyError)) throw e;
            error = e;
          }
        } else {
          error = this.errorOf(bytes, response);
        }
        if (cls !== 'no') cls = this.abi.retryClassify(error.status, error.code);
      }
      if (cls === 'skew') {
        const previous = this.clockOffsetMs;
        if (skew) {
          this.clockOffsetMs = skew.previous; // the correction did not help: not the server's clock
        } else if (correctClock(this, response)) {
          skew = { previous };
          onAttemptFailed?.(error, attempt);
          continue;
        }
      }
      onAttemptFailed?.(error, attempt);
      const more = retryWhile ? retryWhile(attempt) : attempt < this.retry.attempts;
      if (cls !== 'yes' || !more) throw error;
      await sleep(backoffMs(attempt, this.retry), signal);
    }
  }

  /** An S3Error from an error response (HEAD answers have no body). */
  errorOf(bytes, response) {
    const requestId = response.headers.get('x-amz-request-id') ?? undefined;
    if (bytes.length === 0) return statusError(response.status, response.statusText, requestId);
    try {
      this.abi.parse('error', bytes, response.status, requestId);
    } catch (e) {
      // abi.parse gives an S3Error for every error status: the store's <Error>, or for a body
      // that is none (a proxy's HTML page) one whose code comes from the status (statusError).
      if (e instanceof S3Error) return e;
      throw e;
    }
    /* c8 ignore next */
    return statusError(response.status, '', requestId);
  }

  parse(kind, bytes, response) {
    return this.abi.parse(kind, bytes, response.status, response.headers.get('x-amz-request-id') ?? undefined);
  }

  // ---- Operations -------------------------------------------------------------

  /**
   * CreateMultipartUpload. A retry after an answer that got lost may have
   * created an upload already: it is found and aborted, so none is left
   * behind. Only uploads of the key initiated inside this call's own time
   * window (the server's clock, from its Date) are aborted, so another
   * writer's upload of the key is left alone unless it began within those
   * seconds.
   * @returns {Promise<{ bucket: string, key: string, uploadId: string }>}
   */
  async createMultipartUpload(params) {
    const fields = objectFields(params);
    if (params.checksumAlgorithm) fields.checksumAlgorithm = params.checksumAlgorithm;
    const startedMs = this.clock();
    let uncertain = false;
    const { response, bytes } = await this.send('createMultipartUpload', fields, {
      signal: params.signal,
      retryWhile: params.retryWhile,
      connections: params.connections,
      onAttemptFailed: (error) => {
        uncertain ||= !(error instanceof S3Error) || !(error.status < 500) || error.status === 200;
      },
    });
    const { bucket, key, uploadId } = this.parse('createMultipartUpload', bytes, response);
    if (!/^[\x21-\x7e]{1,1024}$/.test(uploadId)) {
      // The core would refuse to send it back, so it can be neither used nor aborted here.
      throw new S3VerifyError({
        code: 'InvalidUploadId', status: response.status, requestId: response.headers.get('x-amz-request-id') ?? undefined,
        message: `the store answered the UploadId ${JSON.stringify(uploadId)}, which is not printable ASCII and cannot be sent back: ` +
          'the upload is left on the server (abort it with the store\'s own tools)',
      });
    }
    if (uncertain) {
      const serverSeconds = this.abi.parseHttpDate(response.headers.get('date'));
      const endedMs = this.clock();
      // Date has whole seconds: the server's clock is up to 1 s past it.
      const offset = serverSeconds === undefined ? this.clockOffsetMs : serverSeconds * 1000 - endedMs;
      const window = [startedMs + offset - ORPHAN_SLACK_MS, endedMs + offset + 1000 + ORPHAN_SLACK_MS];
      await this.abortOrphans(params.bucket, params.key, uploadId, window, params.retryWhile);
    }
    return { bucket: bucket || params.bucket, key: key || params.key, uploadId };
  }

  /** Abort uploads of `key` initiated inside `window` ([from, to], ms of the server's clock) other than `keep`. */
  async abortOrphans(bucket, key, keep, [from, to], retryWhile) {
    for await (const upload of this.listAllMultipartUploads({ bucket, prefix: key, retryWhile })) {
      if (upload.key !== key || upload.uploadId === keep) continue;
      const initiated = Date.parse(upload.initiated);
      if (!(initiated >= from && initiated <= to)) continue;
      await this.abortMultipartUpload({ bucket, key, uploadId: upload.uploadId, retryWhile }).catch(() => {});
    }
  }

  /**
   * UploadPart. `body` is a Uint8Array, ArrayBuffer, Blob or string, or a
   * function returning a fresh body for each attempt (with `contentLength`).
   * @returns {Promise<{ partNumber: number, etag: string | undefined, checksum?: string }>}
   */
  async uploadPart(params) {
    const { bucket, key, uploadId, partNumber, signal } = params;
    const [body, length] = bodyOf(params);
    const fields = {
      bucket, key, uploadId, partNumber, contentLength: length,
      contentMD5: params.contentMD5, payloadHash: params.payloadHash,
    };
    if (params.checksum) {
      fields.checksumAlgorithm = params.checksum.algorithm;
      fields.checksum = params.checksum.value;
    }
    const { response } = await this.send('uploadPart', fields, { body, signal, expect: 'none' });
    // Browsers hide ETag unless the bucket's CORS rule exposes it: then it
    // is undefined here and comes from ListParts.
    return { partNumber, etag: response.headers.get('etag') ?? undefined, checksum: params.checksum?.value };
  }

  /**
   * CompleteMultipartUpload. Parts ascending, each { partNumber, etag, checksum? }.
   * When a retry finds the upload gone because an earlier attempt did
   * complete it, the object is checked with HEAD and success reported.
   * @returns {Promise<{ etag: string, location: string, bucket: string, key: string }>}
   */
  async completeMultipartUpload(params) {
    const { bucket, key, uploadId, parts, signal } = params;
    const fields = { bucket, key, uploadId, parts };
    if (params.checksumAlgorithm) fields.checksumAlgorithm = params.checksumAlgorithm;
    let uncertain = false;
    try {
      const { parsed } = await this.send('completeMultipartUpload', fields, {
        signal,
        retryWhile: params.retryWhile,
        onAttemptFailed: (error) => {
          uncertain ||= !(error instanceof S3Error) || !(error.status < 500) || error.status === 200;
        },
      });
      const { location, bucket: rbucket, key: rkey, etag } = parsed;
      return { etag, location, bucket: rbucket || bucket, key: rkey || key };
    } catch (error) {
      if (!(uncertain && error instanceof S3Error && (error.code === 'NoSuchUpload' || error.status === 404))) throw error;
      const head = await this.headObject({ bucket, key, signal, retryWhile: params.retryWhile }).catch(() => undefined);
      const suffix = `-${parts.length}"`;
      const matches = head && (params.expectedETag
        ? unquote(head.etag) === unquote(params.expectedETag)
        : head.etag?.endsWith(suffix));
      if (!matches) throw error;
      return { etag: head.etag, location: '', bucket, key };
    }
  }

  /** AbortMultipartUpload. */
  async abortMultipartUpload({ bucket, key, uploadId, signal, retryWhile }) {
    await this.send('abortMultipartUpload', { bucket, key, uploadId }, { signal, expect: 'none', retryWhile });
  }

  /**
   * ListParts: one page.
   * @returns {Promise<{ parts: { partNumber: number, size: number, etag: string, lastModified: string, checksum?: string }[], isTruncated: boolean, nextPartNumberMarker: number }>}
   */
  async listParts({ bucket, key, uploadId, maxParts, partNumberMarker, signal, retryWhile }) {
    const { response, bytes } = await this.send('listParts', { bucket, key, uploadId, maxParts, partNumberMarker }, { signal, retryWhile });
    return this.parse('listParts', bytes, response);
  }

  /**
   * Every part of an upload, across pages. A truncated page without
   * NextPartNumberMarker (Swift) goes on from its last part; a marker that
   * does not move forward is a PaginationLoop.
   */
  async *listAllParts(params) {
    let marker = params.partNumberMarker ?? 0;
    for (;;) {
      const page = await this.listParts({ ...params, partNumberMarker: marker || undefined });
      yield* page.parts;
      if (!page.isTruncated) return;
      const next = page.nextPartNumberMarker || page.parts.at(-1)?.partNumber || 0;
      if (!(next > marker)) throw paginationLoop('ListParts', `part number marker ${next} after ${marker}`);
      marker = next;
    }
  }

  /**
   * ListMultipartUploads: one page.
   * @returns {Promise<{ uploads: { key: string, uploadId: string, initiated: string, storageClass: string }[], isTruncated: boolean, nextKeyMarker: string, nextUploadIdMarker: string }>}
   */
  async listMultipartUploads({ bucket, prefix, keyMarker, uploadIdMarker, maxUploads, signal, retryWhile }) {
    const { response, bytes } = await this.send('listMultipartUploads',
      { bucket, prefix, keyMarker, uploadIdMarker, maxUploads }, { signal, retryWhile });
    return this.parse('listMultipartUploads', bytes, response);
  }

  /**
   * Every in-progress upload of a bucket (under `prefix`), across pages. A
   * truncated page without NextKeyMarker (Swift) goes on from its last
   * upload; markers seen before are a PaginationLoop.
   */
  async *listAllMultipartUploads(params) {
    let { keyMarker = '', uploadIdMarker = '' } = params;
    const seen = new Set([`${keyMarker}\n${uploadIdMarker}`]);
    for (;;) {
      const page = await this.listMultipartUploads({ ...params, keyMarker, uploadIdMarker });
      yield* page.uploads;
      if (!page.isTruncated) return;
      const last = page.uploads.at(-1);
      const next = page.nextKeyMarker ? [page.nextKeyMarker, page.nextUploadIdMarker] : [last?.key ?? '', last?.uploadId ?? ''];
      const id = next.join('\n');
      if (!next[0] || seen.has(id)) throw paginationLoop('ListMultipartUploads', `markers ${JSON.stringify(next)} again`);
      seen.add(id);
      [keyMarker, uploadIdMarker] = next;
    }
  }

  /**
   * PutObject, for bodies below the multipart threshold.
   * @returns {Promise<{ etag: string | undefined }>}
   */
  async putObject(params) {
    const [body, length] = bodyOf(params);
    const fields = { ...objectFields(params), contentLength: length, contentMD5: params.contentMD5, payloadHash: params.payloadHash };
    if (params.checksum) {
      fields.checksumAlgorithm = params.checksum.algorithm;
      fields.checksum = params.checksum.value;
    }
    const { response } = await this.send('putObject', fields, { body, signal: params.signal, expect: 'none' });
    return { etag: response.headers.get('etag') ?? undefined };
  }

  /** DeleteObject (S3 answers 204 also for a key that is not there). */
  async deleteObject({ bucket, key, signal }) {
    await this.send('deleteObject', { bucket, key }, { signal, expect: 'none' });
  }

  /** HeadObject: the object's size, ETag, headers and metadata. */
  async headObject({ bucket, key, signal, retryWhile }) {
    const { response } = await this.send('headObject', { bucket, key }, { signal, expect: 'none', retryWhile });
    const h = response.headers;
    const metadata = {};
    h.forEach((value, name) => {
      if (name.startsWith('x-amz-meta-')) metadata[name.slice(11)] = value;
    });
    return {
      etag: h.get('etag') ?? undefined,
      size: Number(h.get('content-length') ?? NaN),
      contentType: h.get('content-type') ?? undefined,
      cacheControl: h.get('cache-control') ?? undefined,
      contentDisposition: h.get('content-disposition') ?? undefined,
      contentEncoding: h.get('content-encoding') ?? undefined,
      expires: h.get('expires') ?? undefined,
      lastModified: h.get('last-modified') ?? undefined,
      metadata,
    };
  }

  /**
   * Upload a whole body: a single PutObject when it fits in one part, else
   * a multipart upload with parts in parallel, checksums, progress,
   * checkpoints and resume. See upload.js.
   */
  upload(params) {
    return upload(this, params);
  }

  /**
   * How upload() cuts a body of `size` bytes: every part but the last has
   * `partSize` bytes (the preferred size, 8 MiB by default, raised only when
   * the store's parts (10,000; Swift 1,000: the client's profile) would not
   * hold the body). A backend that hands a page presigned part URLs plans with this.
   * @returns {{ partSize: number, partCount: number }}
   */
  plan({ size, partSize } = {}) {
    if (!(Number.isSafeInteger(size) && size >= 0)) throw new S3InputError('InvalidArgument', 'size must be a non-negative integer');
    if (partSize !== undefined && !(Number.isSafeInteger(partSize) && partSize > 0)) {
      throw new S3InputError('InvalidArgument', 'partSize must be a positive integer');
    }
    const planned = this.abi.plan(size, partSizeFor(this.profile, size, this.abi.plan(size, partSize ?? 0).partSize));
    return { partSize: planned.partSize, partCount: planned.partCount };
  }

  // ---- Presigning ---------------------------------------------------------------

  /**
   * A presigned URL, synchronously. `operation`: 'uploadPart' (default),
   * 'putObject', 'createMultipartUpload', 'completeMultipartUpload',
   * 'abortMultipartUpload', 'listParts', 'headObject'.
   * @returns {{ url: string, method: string, headers: Record<string, string> }}
   */
  presign({ operation = 'uploadPart', expiresIn = EXPIRES_DEFAULT, ...params }) {
    if (!PRESIGNABLE.has(operation)) throw new S3InputError('InvalidArgument', `s3mpu: cannot presign ${operation}`);
    checkExpires(expiresIn);
    // The caller's fields, expires as objectFields() gives it (a Date as its HTTP-date).
    // Object.assign and plain stores, not spread syntax: V8 (Node 20) spends microseconds
    // spreading these objects, more than signing (presigning is a hot path, BENCHMARKS.md).
    const expires = objectFields(params).expires;
    const fields = Object.assign({}, params);
    fields.expires = expires;
    fields.presignExpires = expiresIn;
    fields.signal = undefined;
    const request = this.abi.build(operation, fields, this.now());
    const headers = {};
    for (const [name, value] of request.headers) if (!RUNTIME_HEADERS.has(name)) headers[name] = value;
    return { url: request.url, method: request.method, headers };
  }

  /**
   * Presigned UploadPart URLs for many parts in one call (a backend hands a
   * browser all of an upload's URLs at once): each the URL presign() gives
   * for its part, so they differ only in partNumber's digits and the
   * signature's hex.
   * @returns {{ partNumber: number, url: string }[]}
   */
  presignParts({ bucket, key, uploadId, partNumbers, expiresIn = EXPIRES_DEFAULT }) {
    if (!Array.isArray(partNumbers) || partNumbers.length === 0) {
      throw new S3InputError('InvalidPartNumber', 's3mpu: partNumbers must be a non-empty array');
    }
    checkExpires(expiresIn);
    for (const n of partNumbers) {
      if (!(Number.isInteger(n) && n >= 1 && n <= PART_NUMBER_MAX)) {
        throw new S3InputError('InvalidPartNumber', `part numbers are integers from 1 to ${PART_NUMBER_MAX}, not ${n}`);
      }
    }
    const urls = this.abi.presignParts({ bucket, key, uploadId, presignExpires: expiresIn }, partNumbers, this.now());
    return partNumbers.map((partNumber, i) => ({ partNumber, url: urls[i] }));
  }

  /**
   * A presigned POST form (SigV4 POST policy): a page posts `fields`, then
   * the file as the last field "file", as multipart/form-data to `url`.
   * `key` names the object; or `keyPrefix` lets the form pick any key that
   * starts with it (fields.key is then keyPrefix + "${filename}").
   * `contentLengthRange` [min, max] bounds the file's size; `contentType`
   * (or `contentTypePrefix`), `metadata`, `checksum` { algorithm, value }
   * and `fields` (more exact form fields: acl, success_action_status, ...)
   * become conditions of the policy. `expires` is `expiresIn` (seconds),
   * `expiration` the instant (ISO 8601).
   * @returns {{ url: string, fields: Record<string, string>, expires: number, expiration: string, policy: string }}
   */
  presignPost(params) {
    const p = checkPostParams(params);
    const form = this.abi.post({
      bucket: p.bucket,
      key: p.key ?? p.keyPrefix,
      keyIsPrefix: p.key === undefined,
      presignExpires: p.expiresIn,
      lengthRange: p.contentLengthRange,
      contentType: p.contentType ?? p.contentTypePrefix,
      contentTypeIsPrefix: p.contentTypePrefix !== undefined,
      metadata: p.metadata,
      ...(p.checksum ? { checksumAlgorithm: p.checksum.algorithm, checksum: p.checksum.value } : {}),
      formFields: Object.entries(p.fields ?? {}),
    }, this.now());
    return {
      url: form.url,
      fields: Object.fromEntries(form.fields),
      expires: p.expiresIn,
      expiration: form.expiration,
      policy: form.policy,
    };
  }
}

/** presignPost's parameters, checked before anything is signed. */
function checkPostParams(params) {
  const bad = (code, message) => { throw new S3InputError(code, `s3mpu: presignPost: ${message}`); };
  if (!params || typeof params !== 'object') bad('InvalidArgument', 'parameters are required');
  const { bucket, key, keyPrefix, expiresIn = EXPIRES_DEFAULT, contentLengthRange, contentType, contentTypePrefix,
    metadata, checksum, fields } = params;
  if (typeof bucket !== 'string' || !bucket) bad('InvalidBucketName', 'bucket is required');
  if ((key === undefined) === (keyPrefix === undefined)) bad('InvalidKey', 'give exactly one of key and keyPrefix');
  if (key !== undefined && (typeof key !== 'string' || !key)) bad('InvalidKey', 'key must be a non-empty string');
  if (keyPrefix !== undefined && typeof keyPrefix !== 'string') bad('InvalidKey', 'keyPrefix must be a string');
  if (!(Number.isInteger(expiresIn) && expiresIn >= 1 && expiresIn <= EXPIRES_MAX)) {
    bad('InvalidExpires', `a POST policy lives 1 to ${EXPIRES_MAX} seconds (7 days), not ${expiresIn}`);
  }
  if (contentLengthRange !== undefined) {
    const [min, max] = Array.isArray(contentLengthRange) ? contentLengthRange : [];
    if (contentLengthRange.length !== 2 || !Number.isSafeInteger(min) || !Number.isSafeInteger(max) ||
      min < 0 || max < min || max < 1 || max > PART_SIZE_MAX) {
      bad('InvalidArgument', 'contentLengthRange must be [min, max] with 0 <= min <= max, 1 <= max <= 5 GiB');
    }
  }
  if (contentType !== undefined && contentTypePrefix !== undefined) bad('InvalidHeader', 'give contentType or contentTypePrefix, not both');
  for (const [name, v] of [['contentType', contentType], ['contentTypePrefix', contentTypePrefix]]) {
    if (v !== undefined && typeof v !== 'string') bad('InvalidHeader', `${name} must be a string`);
  }
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null)) bad('InvalidMetadata', 'metadata must be an object');
  if (checksum !== undefined && (!checksum || !['crc32', 'crc32c', 'sha256'].includes(checksum.algorithm) ||
    typeof checksum.value !== 'string')) {
    bad('InvalidDigest', 'checksum must be { algorithm: "crc32" | "crc32c" | "sha256", value: base64 }');
  }
  if (fields !== undefined && (typeof fields !== 'object' || fields === null)) bad('InvalidArgument', 'fields must be an object');
  return { ...params, expiresIn };
}

// The operations presign() takes: an operation's name is the same in every layer.
const PRESIGNABLE = new Set([
  'uploadPart', 'putObject', 'createMultipartUpload', 'completeMultipartUpload', 'abortMultipartUpload', 'listParts', 'headObject',
]);

// ---- Helpers ---------------------------------------------------------------------

/** One try: { response, bytes } or { error } (a network failure, a timeout, a body cut short). */
async function tryOnce(client, kind, fields, { body, signal, onProgress, expect, connections }) {
  const request = client.abi.build(kind, fields, client.now());
  const headers = request.headers.filter(([name]) => !RUNTIME_HEADERS.has(name));
  try {
    const payload = body ? body() : request.body || undefined;
    const response = await client.transport(request.url, {
      method: request.method,
      headers,
      body: payload,
      signal,
      onProgress,
      ...(connections > 1 ? { connections } : {}),
      ...(payload && typeof payload.getReader === 'function' ? { duplex: 'half' } : {}),
    });
    // Read here: a body cut short after the status line is a failed attempt like any other.
    const bytes = expect === 'none' && response.ok ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer());
    return { response, bytes };
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (e instanceof S3InputError) throw e;
    return { error: e };
  }
}

/**
 * Believe a RequestTimeTooSkewed answer's Date when it is within MAX_SKEW_MS
 * of our clock (a Date of 9999-12-31 is not). Returns whether it did.
 */
function correctClock(client, response) {
  const serverSeconds = response && client.abi.parseHttpDate(response.headers.get('date'));
  if (serverSeconds === undefined) return false;
  const offset = serverSeconds * 1000 - client.clock();
  if (!(Math.abs(offset) <= MAX_SKEW_MS)) return false;
  client.clockOffsetMs = offset;
  return true;
}


function checkOptions(options) {
  if (!options || typeof options !== 'object') throw new S3InputError('InvalidArgument', 's3mpu: options are required');
  if (typeof options.endpoint !== 'string' || !options.endpoint) throw new S3InputError('InvalidEndpoint', 's3mpu: options.endpoint is required');
  const c = options.credentials;
  if (!c || typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string') {
    throw new S3InputError('InvalidCredentials', 's3mpu: options.credentials { accessKeyId, secretAccessKey } are required');
  }
  const idle = options.idleTimeout;
  if (idle !== undefined && !(Number.isSafeInteger(idle) && idle >= 0)) {
    throw new S3InputError('InvalidArgument', 'idleTimeout is a number of milliseconds (0: no limit)');
  }
}

// The core reads an expiry of 0 as "sign with a header": a URL must say 1 s at least.
function checkExpires(expiresIn) {
  if (!(Number.isInteger(expiresIn) && expiresIn >= 1)) {
    throw new S3InputError('InvalidExpires', `a presigned URL lives 1 to ${EXPIRES_MAX} seconds (7 days), not ${expiresIn}`);
  }
}

function paginationLoop(operation, detail) {
  return new S3VerifyError({ code: 'PaginationLoop', message: `${operation} says there is more but does not move on (${detail}): stopped` });
}

/** [fresh-body factory, length] of an operation's body. */
function bodyOf({ body, contentLength }) {
  if (typeof body === 'function') {
    if (!Number.isSafeInteger(contentLength)) throw new S3InputError('InvalidArgument', 's3mpu: a body function needs contentLength');
    return [body, contentLength];
  }
  if (body === undefined || body === null) return [() => new Uint8Array(0), 0];
  if (typeof body === 'string') body = new TextEncoder().encode(body);
  if (body instanceof ArrayBuffer) body = new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return [() => body, body.byteLength];
  if (typeof Blob !== 'undefined' && body instanceof Blob) return [() => body, body.size];
  throw new S3InputError('InvalidArgument', 's3mpu: body must be a Uint8Array, ArrayBuffer, Blob, string or a function');
}

