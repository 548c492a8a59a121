// Transports: how S3Client.send puts a signed request on the wire.
//
//   transport(url, { method, headers, body, signal, duplex, onProgress, connections }) -> Promise<Response>
//   (both answer a BufferedResponse, below: the part of Response send() reads)
//
// headers are [name, value] pairs without Host and Content-Length; body is
// a string, Uint8Array, Blob or undefined. onProgress(bytesSent) reports
// the body as it goes, where the transport can see it. connections: this many
// requests to the URL's origin will follow at once (node.js opens their
// connections while this one is answered; fetch has no say). Both transports send
// the URL's path exactly as signed, never follow a redirect, read an answer
// whole but at most MAX_RESPONSE_BYTES, and fail a request that makes no
// progress for idleTimeoutMs (bufferedFetch below, request() in node.js).
//
// fetch is the transport everywhere (browsers, workers, Deno, Bun, or a
// fetch the caller injects); it reports no progress (browsers cannot
// stream a request body of known length). On Node the default is
// node:http(s) with a keep-alive Agent (node.js), which writes the body in
// pieces and counts each as the socket takes it. Measured against Node 20's fetch
// (256 MiB, 8 MiB parts, 4 in flight, no hashing, 2 shared cores): to a
// loopback sink 0.14-0.22 s CPU and 0.3-0.5 s wall against fetch's
// 0.6-0.9 s CPU and 0.9-1.6 s wall; to RGW (the server is the bottleneck,
// ~50 MiB/s) 0.23-0.5 s CPU against 0.7-2.1 s; RSS +15 MiB against +140
// MiB. tests/js/upload.test.mjs repeats the sink comparison.

import { S3Error, S3InputError } from './errors.js';
import { anySignal } from './signal.js';

/** The fetch transport over `fetchFn`. */
export function fetchTransport(fetchFn, { idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS } = {}) {
  const t = async (url, { onProgress, ...init }) => {
    checkPathKept(url);
    return bufferedFetch(fetchFn, url, init, { idleTimeoutMs, bodyLength: lengthOf(init.body) });
  };
  t.kind = 'fetch';
  return t;
}

/**
 * fetch parses the URL (WHATWG): "." and ".." segments, "%2e" ones too, are
 * resolved away, so a key such as "a/../b" would go to another path than
 * the one signed. Refuse it here; node:http sends any path as it is.
 */
function checkPathKept(url) {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const raw = start < 0 ? '/' : url.slice(start).split(/[?#]/)[0];
  const parsed = new URL(url).pathname;
  if (parsed !== raw) {
    throw new S3InputError('InvalidKey', `fetch would send the path ${raw} as ${parsed} (URL parsing resolves "." and ".." ` +
      'segments), so it would reach another key than the one signed: such keys need the Node transport (node:http)');
  }
}

function lengthOf(body) {
  if (!body) return 0;
  return typeof body === 'string' ? body.length * 3 : body.byteLength ?? body.size ?? 0;
}

// The node:http(s) transport's factory: the Node entry (index.node.js) sets
// it, so browser and worker bundles never carry it.
let makeNodeTransport;

/** @param {() => Function} factory */
export function setNodeTransport(factory) {
  makeNodeTransport = factory;
}

/**
 * The transport S3Client uses: fetch when the caller injects one or off
 * Node; node:http(s) on Node (Deno and Bun have their own fast fetch).
 */
export function defaultTransport(fetchFn, options = {}) {
  if (fetchFn) return fetchTransport(fetchFn, options);
  const g = globalThis;
  // Deno, Bun and Workers with nodejs_compat pose as Node; their fetch is native.
  const node = g.process?.versions?.node && !g.process.versions.bun && !g.Deno &&
    g.navigator?.userAgent !== 'Cloudflare-Workers';
  if (node && makeNodeTransport) return makeNodeTransport(options);
  return fetchTransport(g.fetch.bind(g), options);
}

// ---- Answers ---------------------------------------------------------------------
// What both transports do with an answer before send() sees it: read its body whole but
// never more than MAX_RESPONSE_BYTES (S3 answers are small: a ListParts page of 1,000
// parts is < 400 KB), give up when nothing arrives for `idleTimeoutMs`, and never follow
// a redirect (the next host would get our signed headers, session token included).
/** The most read of any answer. A ListMultipartUploads page of 1,000 uploads with 1 KiB keys, escaped, fits. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** Default of S3ClientOptions.idleTimeout: a request with no progress for this long fails. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** The answer was larger than any S3 answer: its status is kept. */
export function tooLarge(status, requestId) {
  return new S3Error({
    code: 'ResponseTooLarge', status, requestId,
    message: `the answer's body is over ${MAX_RESPONSE_BYTES} bytes, more than any S3 answer: not read further`,
  });
}

/** No progress for `ms`: S3's own name for an idle connection. Retried like S3's. */
export function idleTimeout(ms) {
  return new S3Error({ code: 'RequestTimeout', message: `no progress for ${ms / 1000} s (idleTimeout)`, status: undefined });
}

/**
 * An answer read whole: the part of fetch's Response that send() reads.
 * Both transports answer one; `bytes` is the body.
 */
export class BufferedResponse {
  /** @param {{ status: number, statusText?: string, headers: { get(name: string): string | null }, type?: string }} head */
  constructor(head, bytes) {
    this.status = head.status;
    this.statusText = head.statusText ?? '';
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = head.headers;
    this.type = head.type ?? 'basic';
    this.bytes = bytes;
  }

  async arrayBuffer() {
    const b = this.bytes;
    return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b.buffer : b.slice().buffer;
  }

  async text() {
    return new TextDecoder().decode(this.bytes);
  }
}

/**
 * fetch with the rules above: `idleTimeoutMs` of no progress (0 = none) ends the request
 * with a RequestTimeout S3Error; the body is read whole, capped. fetch shows no progress
 * while it sends a body, so until the answer starts the wait allows 1 s per MiB of body
 * on top (an upload slower than 1 MiB/s per request needs a longer idleTimeout).
 */
export async function bufferedFetch(fetchFn, url, init, { idleTimeoutMs, bodyLength = 0 }) {
  const inner = new AbortController();
  const signals = init.signal ? [init.signal, inner.signal] : [inner.signal];
  const signal = signals.length > 1 ? anySignal(signals) : signals[0];
  let timer;
  const arm = (ms) => {
    clearTimeout(timer);
    if (idleTimeoutMs > 0) timer = setTimeout(() => inner.abort(idleTimeout(idleTimeoutMs)), ms);
  };
  try {
    arm(idleTimeoutMs + Math.ceil(bodyLength / 1048.576));
    let response;
    try {
      response = await fetchFn(url, { ...init, signal, redirect: 'manual' });
    } catch (e) {
      throw inner.signal.aborted ? inner.signal.reason : e;
    }
    arm(idleTimeoutMs);
    const requestId = response.headers.get('x-amz-request-id') ?? undefined;
    const declared = Number(response.headers.get('content-length'));
    if (init.method !== 'HEAD' && declared > MAX_RESPONSE_BYTES) { // a HEAD's is the object's
      await response.body?.cancel().catch(() => {});
      throw tooLarge(response.status, requestId);
    }
    const chunks = [];
    let size = 0;
    const reader = response.body?.getReader();
    try {
      for (;;) {
        const { done, value } = reader ? await reader.read() : { done: true };
        if (done) break;
        arm(idleTimeoutMs);
        size += value.byteLength;
        if (size > MAX_RESPONSE_BYTES) {
          await reader.cancel().catch(() => {});
          throw tooLarge(response.status, requestId);
        }
        chunks.push(value);
      }
    } catch (e) {
      throw inner.signal.aborted ? inner.signal.reason : e;
    }
    return new BufferedResponse(response, concat(chunks, size));
  } finally {
    clearTimeout(timer);
  }
}

export function concat(chunks, size) {
  if (chunks.length === 1) return new Uint8Array(chunks[0].buffer, chunks[0].byteOffset, chunks[0].byteLength);
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * A redirect, never followed: an S3Error naming where the store points (Location, the
 * <Endpoint> of S3's PermanentRedirect, x-amz-bucket-region). A browser's fetch shows
 * only an opaque redirect (status 0).
 */
export function redirectError(response, bytes, parsed) {
  const h = response.headers;
  // The one element of a redirect's body the core's error parser does not return: read
  // for the message only, from a body already capped.
  const endpoint = /<Endpoint>([^<]{1,255})<\/Endpoint>/.exec(new TextDecoder().decode(bytes.subarray(0, 4096)))?.[1];
  const where = [h.get('location'), endpoint, h.get('x-amz-bucket-region') && `region ${h.get('x-amz-bucket-region')}`]
    .filter(Boolean).join(', ');
  const status = response.type === 'opaqueredirect' ? 0 : response.status;
  const code = parsed?.code || (status === 301 || status === 308 ? 'PermanentRedirect' : 'TemporaryRedirect');
  return new S3Error({
    code, status, requestId: parsed?.requestId ?? h.get('x-amz-request-id') ?? undefined,
    message: `the store redirects this request${where ? ` to ${where}` : ''}; redirects are not followed ` +
      '(they would carry the signed headers elsewhere): use that endpoint and region',
  });
}

/** Whether an answer is a redirect (fetch with redirect: 'manual' in a browser: opaque, status 0). */
export function isRedirect(response) {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400 && response.status !== 304);
}
