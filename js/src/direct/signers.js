// Where a direct upload's signatures come from. Every signer has the shape
// of Uppy Companion's S3 routes (the `signer` option's hooks):
//   create({ filename, type, metadata, size })  -> { key, uploadId, bucket?, partSize? }
//   signParts({ key, uploadId, partNumbers })   -> { presignedUrls: { [n]: url }, expires? }
//   listParts({ key, uploadId })                -> [{ PartNumber, ETag, Size }]
//   complete({ key, uploadId, parts })          -> { location?, key?, bucket?, etag? }
//   abort({ key, uploadId })                    -> anything
//   params({ filename, type, metadata, size })  -> { method, url, fields?, headers?, key? } (optional)
import { DEFAULT_RETRY, backoffMs } from '../retry.js';
import { sleep } from '../signal.js';
import { NetworkError } from './xhr.js';
import { S3InputError } from '../errors.js';
import { EXPIRES_DEFAULT } from '../limits.js';

const HOOKS = ['create', 'signParts', 'listParts', 'complete', 'abort'];

/** The signer of `options`: endpoint, signer hooks, or credentials. */
export function signerOf(o) {
  const given = ['endpoint', 'signer', 'credentials'].filter((k) => o[k] !== undefined);
  if (given.length !== 1) throw new S3InputError('InvalidArgument', 's3mpu: directUpload needs exactly one of endpoint, signer, credentials');
  if (o.signer) {
    const missing = HOOKS.filter((h) => typeof o.signer[h] !== 'function');
    if (missing.length) throw new S3InputError('InvalidArgument', `s3mpu: signer lacks ${missing.join(', ')}`);
    return { id: o.storeId ?? 'signer', ...pick(o.signer) };
  }
  if (o.endpoint) {
    if (typeof o.endpoint !== 'string' && !(o.endpoint instanceof URL)) throw new S3InputError('InvalidArgument', 's3mpu: endpoint must be a URL or path such as "/s3"');
    return endpointSigner(String(o.endpoint), o);
  }
  if (typeof o.credentials !== 'function') throw new S3InputError('InvalidArgument', 's3mpu: credentials must be an async function');
  return credentialsSigner(o);
}

function pick(s) {
  const out = {};
  for (const h of [...HOOKS, 'params']) if (typeof s[h] === 'function') out[h] = s[h].bind(s);
  return out;
}

/** An error the backend reported, readable as it is: "HTTP 502 Bad Gateway: ..." never ends in nothing. */
export class BackendError extends Error {
  constructor(status, statusText, detail, what) {
    super(`${what}: the upload backend answered HTTP ${status}${statusText ? ` ${statusText}` : ''}: ` +
      `${detail || '(no explanation in its answer)'}`);
    this.name = 'BackendError';
    this.status = status;
  }
}

/** Companion's routes under `base` ("/s3", "https://api.example.com/companion/s3"). */
function endpointSigner(base, o) {
  const root = base.replace(/\/+$/, '');
  // Retried like S3 requests (full jitter): a lost answer or a 5xx; a POST
  // that starts an upload only when the backend surely did nothing (429, 503).
  const call = async (method, path, { body, what, idempotent = true, signal = o.signal }) => {
    const url = `${root}${path}`;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      let res;
      let error;
      let retry;
      try {
        const headers = { ...(await o.headers?.()) };
        if (body !== undefined) headers['content-type'] = 'application/json';
        res = await (o.fetch ?? fetch)(url, {
          method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal,
        });
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        error = new NetworkError(`${what}: no answer from ${url} (${e?.message ?? e})`);
        retry = idempotent;
      }
      if (res) {
        const text = await res.text();
        let data;
        try {
          data = text ? JSON.parse(text) : undefined;
        } catch { /* not JSON: the status says it */ }
        if (res.ok) return data;
        const detail = typeof data?.error === 'string' ? data.error : data?.message ?? text.slice(0, 200).trim();
        error = new BackendError(res.status, res.statusText, detail, what);
        retry = res.status === 429 || res.status === 503 || (idempotent && res.status >= 500);
      }
      if (!retry || attempt >= DEFAULT_RETRY.attempts) throw error;
      await sleep(backoffMs(attempt, DEFAULT_RETRY), signal);
    }
  };
  const q = (key) => `?key=${encodeURIComponent(key)}`;
  const id = (uploadId) => encodeURIComponent(uploadId);
  return {
    id: `endpoint ${new URL(root, globalThis.location?.href ?? 'http://localhost/').href}`,
    create: ({ filename, type, metadata, size }) => call('POST', '/multipart',
      { body: { filename, type, metadata, size }, what: 'starting the upload', idempotent: false }),
    signParts: ({ key, uploadId, partNumbers }) => call('GET',
      `/multipart/${id(uploadId)}/batch${q(key)}&partNumbers=${partNumbers.join(',')}`, { what: 'signing part URLs' }),
    listParts: ({ key, uploadId }) => call('GET', `/multipart/${id(uploadId)}${q(key)}`, { what: 'listing the parts' }),
    complete: ({ key, uploadId, parts }) => call('POST', `/multipart/${id(uploadId)}/complete${q(key)}`,
      { body: { parts }, what: 'completing the upload' }),
    abort: ({ key, uploadId }) => call('DELETE', `/multipart/${id(uploadId)}${q(key)}`, { what: 'aborting the upload', signal: null }),
    params: ({ filename, type, metadata, size }) => {
      const p = new URLSearchParams({ filename, type: type ?? '' });
      for (const [k, v] of Object.entries(metadata ?? {})) p.set(`metadata[${k}]`, v);
      if (size !== undefined) p.set('size', String(size));
      return call('GET', `/params?${p}`, { what: 'signing the upload form' });
    },
  };
}

/**
 * Temporary credentials from the backend; the wasm core signs in the page.
 * Only for stores with STS (the credentials must be short-lived and scoped
 * to the bucket): never give a page a long-lived key.
 */
function credentialsSigner(o) {
  const s3 = o.s3 ?? {};
  if (typeof s3.endpoint !== 'string' || typeof s3.bucket !== 'string') {
    throw new S3InputError('InvalidArgument', 's3mpu: credentials mode needs s3: { endpoint, bucket, region?, forcePathStyle? }');
  }
  const MARGIN_MS = 60_000; // refresh this long before the credentials expire
  let current;
  const client = async () => {
    if (!current || Date.now() > current.until - MARGIN_MS) {
      current = (async () => {
        const { S3Client } = await import('../client.js');
        const c = await o.credentials();
        if (!c?.accessKeyId || !c?.secretAccessKey) throw new S3InputError('InvalidArgument', 's3mpu: credentials() must give accessKeyId and secretAccessKey');
        const until = c.expiration ? new Date(c.expiration).getTime() : Infinity;
        const made = await S3Client.create({
          endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle, wasm: o.wasm,
          credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
        });
        current.until = until;
        return made;
      })();
      current.until = Infinity;
      current.catch(() => {
        current = undefined;
      });
    }
    return current;
  };
  const lifetime = () => Math.max(1, Math.min(o.expiresIn ?? EXPIRES_DEFAULT, Math.floor((current.until - Date.now()) / 1000)));
  const bucket = s3.bucket;
  const signal = o.signal;
  return {
    id: `s3 ${s3.endpoint} ${bucket}`,
    create: async ({ filename, type, metadata }) => {
      const c = await client();
      const key = typeof o.key === 'function' ? await o.key(filename) : o.key ?? filename;
      const { uploadId } = await c.createMultipartUpload({ bucket, key, contentType: type || undefined, metadata, signal });
      return { key, uploadId, bucket };
    },
    signParts: async ({ key, uploadId, partNumbers }) => {
      const c = await client();
      const expires = lifetime();
      const presignedUrls = {};
      for (const { partNumber, url } of c.presignParts({ bucket, key, uploadId, partNumbers, expiresIn: expires })) presignedUrls[partNumber] = url;
      return { presignedUrls, expires };
    },
    listParts: async ({ key, uploadId }) => {
      const c = await client();
      const out = [];
      for await (const p of c.listAllParts({ bucket, key, uploadId, signal })) out.push({ PartNumber: p.partNumber, ETag: p.etag, Size: p.size });
      return out;
    },
    complete: async ({ key, uploadId, parts }) => {
      const c = await client();
      const done = await c.completeMultipartUpload({ bucket, key, uploadId, signal, parts: parts.map((p) => ({ partNumber: p.PartNumber, etag: p.ETag })) });
      const etag = done.etag || (await c.headObject({ bucket, key, signal })).etag;
      return { location: done.location, key, bucket, etag };
    },
    abort: async ({ key, uploadId }) => (await client()).abortMultipartUpload({ bucket, key, uploadId }),
    params: async ({ filename, type }) => {
      const c = await client();
      const key = typeof o.key === 'function' ? await o.key(filename) : o.key ?? filename;
      const signed = c.presign({ operation: 'putObject', bucket, key, contentType: type || undefined, expiresIn: lifetime() });
      return { method: 'PUT', url: signed.url, headers: signed.headers, key, bucket };
    },
  };
}
