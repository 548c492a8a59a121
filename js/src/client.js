// S3Client: one method per S3 operation. The core builds and signs each
// request (through abi.js, the wasm ABI); this file sends it (fetch, or node:http on Node: transport.js),
// retries what may be retried and turns responses into results or S3Error.
import { WasmAbi } from './abi.js';
import { loadAbi } from './wasm.js';
import { S3Error, S3InputError, S3VerifyError, statusError } from './errors.js';
import { defaultTransport } from './transport.js';
import { upload } from './upload.js';
import { objectFields, unquote } from './object.js';
import { resolveProfile, partSizeFor } from './profiles.js';
import { probe } from './probe.js';

export const DEFAULT_RETRY = { attempts: 5, baseDelayMs: 200, maxDelayMs: 20_000 };
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
 * @property {{ attempts?: number, baseDelayMs?: number, maxDelayMs?: number }} [retry]
 * @property {() => number} [clock]  milliseconds since the epoch (default Date.now)
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
    this.transport = defaultTransport(options.fetch);
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
   * exponential backoff and full jitter, and a clock skew once after
   * correcting the clock. `body` is a function giving a fresh body for each
   * attempt. Resolves to { response, bytes } for a 2xx answer.
   */
  async send(kind, fields, { body, signal, onAttemptFailed, onProgress, expect = 'body' } = {}) {
    let skewFixed = false;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      const request = this.abi.build(kind, fields, this.now());
      const headers = request.headers.filter(([name]) => !RUNTIME_HEADERS.has(name));
      let response;
      let error;
      try {
        const payload = body ? body() : request.body || undefined;
        response = await this.transport(request.url, {
          method: request.method,
          headers,
          body: payload,
          signal,
          onProgress,
          ...(payload && typeof payload.getReader === 'function' ? { duplex: 'half' } : {}),
        });
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        error = e;
      }
      let cls = 'yes';
      if (response) {
        const bytes = expect === 'none' && response.ok
          ? new Uint8Array(0)
          : new Uint8Array(await readBody(response, signal));
        if (response.ok) {
          try {
            return { response, bytes, ...(kind === 'complete' ? { parsed: this.parse('complete', bytes, response) } : {}) };
          } catch (e) {
            // Complete's 200 that carries an <Error>, or that we cannot read.
            if (!(e instanceof S3Error || e instanceof S3VerifyError)) throw e;
            error = e;
          }
        } else {
          error = this.errorOf(bytes, response);
        }
        cls = this.abi.retryClass(error.status, error.code);
        if (cls === 'skew' && !skewFixed) {
          const serverSeconds = this.abi.parseHttpDate(response.headers.get('date'));
          if (serverSeconds !== undefined) {
            this.clockOffsetMs = serverSeconds * 1000 - this.clock();
            skewFixed = true;
            onAttemptFailed?.(error, attempt);
            continue;
          }
        }
      }
      onAttemptFailed?.(error, attempt);
      if (cls !== 'yes' || attempt >= this.retry.attempts) throw error;
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
      if (e instanceof S3Error) return e;
      throw e;
    }
    /* c8 ignore next */
    return new S3Error({ code: `HTTP${response.status}`, status: response.status, requestId });
  }

  parse(kind, bytes, response) {
    return this.abi.parse(kind, bytes, response.status, response.headers.get('x-amz-request-id') ?? undefined);
  }

  // ---- Operations -------------------------------------------------------------

  /**
   * CreateMultipartUpload. A retry after an answer that got lost may have
   * created an upload already: it is found and aborted, so none is left behind.
   * @returns {Promise<{ bucket: string, key: string, uploadId: string }>}
   */
  async createMultipartUpload(params) {
    const fields = objectFields(params);
    if (params.checksumAlgorithm) fields.checksumAlgorithm = params.checksumAlgorithm;
    const startedSeconds = this.now();
    let uncertain = false;
    const { response, bytes } = await this.send('create', fields, {
      signal: params.signal,
      onAttemptFailed: (error) => {
        uncertain ||= !(error instanceof S3Error) || error.status >= 500 || error.status === 200;
      },
    });
    const { bucket, key, uploadId } = this.parse('create', bytes, response);
    if (uncertain) await this.abortOrphans(params.bucket, params.key, uploadId, startedSeconds);
    return { bucket: bucket || params.bucket, key: key || params.key, uploadId };
  }

  /** Abort uploads of `key` started since `sinceSeconds` other than `keep`. */
  async abortOrphans(bucket, key, keep, sinceSeconds) {
    for await (const upload of this.listAllMultipartUploads({ bucket, prefix: key })) {
      if (upload.key !== key || upload.uploadId === keep) continue;
      const initiated = Date.parse(upload.initiated) / 1000;
      // A minute of slack for the server's clock.
      if (!(initiated >= sinceSeconds - 60)) continue;
      await this.abortMultipartUpload({ bucket, key, uploadId: upload.uploadId }).catch(() => {});
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
      const { parsed } = await this.send('complete', fields, {
        signal,
        onAttemptFailed: (error) => {
          uncertain ||= !(error instanceof S3Error) || error.status >= 500 || error.status === 200;
        },
      });
      const { location, bucket: rbucket, key: rkey, etag } = parsed;
      return { etag, location, bucket: rbucket || bucket, key: rkey || key };
    } catch (error) {
      if (!(uncertain && error instanceof S3Error && (error.code === 'NoSuchUpload' || error.status === 404))) throw error;
      const head = await this.headObject({ bucket, key, signal }).catch(() => undefined);
      const suffix = `-${parts.length}"`;
      const matches = head && (params.expectedETag
        ? unquote(head.etag) === unquote(params.expectedETag)
        : head.etag?.endsWith(suffix));
      if (!matches) throw error;
      return { etag: head.etag, location: '', bucket, key };
    }
  }

  /** AbortMultipartUpload. */
  async abortMultipartUpload({ bucket, key, uploadId, signal }) {
    await this.send('abort', { bucket, key, uploadId }, { signal, expect: 'none' });
  }

  /**
   * ListParts: one page.
   * @returns {Promise<{ parts: { partNumber: number, size: number, etag: string, lastModified: string, checksum?: string }[], isTruncated: boolean, nextPartNumberMarker: number }>}
   */
  async listParts({ bucket, key, uploadId, maxParts, partNumberMarker, signal }) {
    const { response, bytes } = await this.send('listParts', { bucket, key, uploadId, maxParts, partNumberMarker }, { signal });
    return this.parse('listParts', bytes, response);
  }

  /** Every part of an upload, across pages. */
  async *listAllParts(params) {
    let partNumberMarker = params.partNumberMarker;
    for (;;) {
      const page = await this.listParts({ ...params, partNumberMarker });
      yield* page.parts;
      if (!page.isTruncated || !page.nextPartNumberMarker) return;
      partNumberMarker = page.nextPartNumberMarker;
    }
  }

  /**
   * ListMultipartUploads: one page.
   * @returns {Promise<{ uploads: { key: string, uploadId: string, initiated: string, storageClass: string }[], isTruncated: boolean, nextKeyMarker: string, nextUploadIdMarker: string }>}
   */
  async listMultipartUploads({ bucket, prefix, keyMarker, uploadIdMarker, maxUploads, signal }) {
    const { response, bytes } = await this.send('listUploads',
      { bucket, prefix, keyMarker, uploadIdMarker, maxUploads }, { signal });
    return this.parse('listUploads', bytes, response);
  }

  /** Every in-progress upload of a bucket (under `prefix`), across pages. */
  async *listAllMultipartUploads(params) {
    let { keyMarker, uploadIdMarker } = params;
    for (;;) {
      const page = await this.listMultipartUploads({ ...params, keyMarker, uploadIdMarker });
      yield* page.uploads;
      if (!page.isTruncated || !page.nextKeyMarker) return;
      ({ nextKeyMarker: keyMarker, nextUploadIdMarker: uploadIdMarker } = page);
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
  async headObject({ bucket, key, signal }) {
    const { response } = await this.send('headObject', { bucket, key }, { signal, expect: 'none' });
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
  presign({ operation = 'uploadPart', expiresIn = 3600, ...params }) {
    const kind = PRESIGN_KINDS[operation];
    if (!kind) throw new S3InputError('InvalidArgument', `s3mpu: cannot presign ${operation}`);
    checkExpires(expiresIn, this.abi.constants.EXPIRES_MAX);
    const fields = { ...objectFields(params), ...params, presignExpires: expiresIn };
    delete fields.signal;
    const request = this.abi.build(kind, fields, this.now());
    const headers = {};
    for (const [name, value] of request.headers) if (!RUNTIME_HEADERS.has(name)) headers[name] = value;
    return { url: request.url, method: request.method, headers };
  }

  /**
   * Presigned UploadPart URLs for many parts in one call (a backend hands a
   * browser all of an upload's URLs at once).
   * @returns {{ partNumber: number, url: string }[]}
   */
  presignParts({ bucket, key, uploadId, partNumbers, expiresIn = 3600 }) {
    if (!Array.isArray(partNumbers) || partNumbers.length === 0) {
      throw new S3InputError('InvalidPartNumber', 's3mpu: partNumbers must be a non-empty array');
    }
    checkExpires(expiresIn, this.abi.constants.EXPIRES_MAX);
    const now = this.now();
    this.abi.build('uploadPart', { bucket, key, uploadId, partNumber: partNumbers[0], presignExpires: expiresIn }, now);
    return partNumbers.map((partNumber) => ({ partNumber, url: this.abi.rebuildPart(partNumber, now) }));
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
  const { bucket, key, keyPrefix, expiresIn = 3600, contentLengthRange, contentType, contentTypePrefix,
    metadata, checksum, fields } = params;
  if (typeof bucket !== 'string' || !bucket) bad('InvalidBucketName', 'bucket is required');
  if ((key === undefined) === (keyPrefix === undefined)) bad('InvalidKey', 'give exactly one of key and keyPrefix');
  if (key !== undefined && (typeof key !== 'string' || !key)) bad('InvalidKey', 'key must be a non-empty string');
  if (keyPrefix !== undefined && typeof keyPrefix !== 'string') bad('InvalidKey', 'keyPrefix must be a string');
  if (!(Number.isInteger(expiresIn) && expiresIn >= 1 && expiresIn <= 604800)) {
    bad('InvalidExpires', `a POST policy lives 1 to 604800 seconds (7 days), not ${expiresIn}`);
  }
  if (contentLengthRange !== undefined) {
    const [min, max] = Array.isArray(contentLengthRange) ? contentLengthRange : [];
    if (contentLengthRange.length !== 2 || !Number.isSafeInteger(min) || !Number.isSafeInteger(max) ||
      min < 0 || max < min || max < 1 || max > 5 * 2 ** 30) {
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

const PRESIGN_KINDS = {
  uploadPart: 'uploadPart', putObject: 'putObject', createMultipartUpload: 'create',
  completeMultipartUpload: 'complete', abortMultipartUpload: 'abort', listParts: 'listParts',
  headObject: 'headObject',
};

// ---- Helpers ---------------------------------------------------------------------

function checkOptions(options) {
  if (!options || typeof options !== 'object') throw new S3InputError('InvalidArgument', 's3mpu: options are required');
  if (typeof options.endpoint !== 'string' || !options.endpoint) throw new S3InputError('InvalidEndpoint', 's3mpu: options.endpoint is required');
  const c = options.credentials;
  if (!c || typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string') {
    throw new S3InputError('InvalidCredentials', 's3mpu: options.credentials { accessKeyId, secretAccessKey } are required');
  }
}

// The core reads an expiry of 0 as "sign with a header": a URL must say 1 s at least.
function checkExpires(expiresIn, max) {
  if (!(Number.isInteger(expiresIn) && expiresIn >= 1)) {
    throw new S3InputError('InvalidExpires', `a presigned URL lives 1 to ${max} seconds (7 days), not ${expiresIn}`);
  }
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

async function readBody(response, signal) {
  if (signal?.aborted) throw signal.reason;
  return response.arrayBuffer();
}

/** Full jitter: uniform in [0, min(max, base * 2^attempt)). */
export function backoffMs(attempt, { baseDelayMs, maxDelayMs }) {
  return Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
}

export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

