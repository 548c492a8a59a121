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
 * Temporary credentials from the backend; the wasm core signs in the page
 * (credentials.js, loaded on first use with S3Client: a page signed for by
 * its backend never fetches either).
 */
function credentialsSigner(o) {
  const s3 = o.s3 ?? {};
  if (typeof s3.endpoint !== 'string' || typeof s3.bucket !== 'string') {
    throw new S3InputError('InvalidArgument', 's3mpu: credentials mode needs s3: { endpoint, bucket, region?, forcePathStyle? }');
  }
  let loaded;
  const hook = (name) => async (args) => {
    loaded ??= import('./credentials.js').then((m) => m.credentialsSigner(o), (e) => {
      loaded = undefined; // a failed fetch of the module is tried again by the next call
      throw e;
    });
    return (await loaded)[name](args);
  };
  const out = { id: `s3 ${s3.endpoint} ${s3.bucket}` };
  for (const h of [...HOOKS, 'params']) out[h] = hook(h);
  return out;
}
