// Transports: how S3Client.send puts a signed request on the wire.
//
//   transport(url, { method, headers, body, signal, duplex, onProgress }) -> Promise<Response>
//   (both answer a BufferedResponse, response.js: the part of Response send() reads)
//
// headers are [name, value] pairs without Host and Content-Length; body is
// a string, Uint8Array, Blob or undefined. onProgress(bytesSent) reports
// the body as it goes, where the transport can see it. Both transports send
// the URL's path exactly as signed, never follow a redirect, read an answer
// whole but at most MAX_RESPONSE_BYTES, and fail a request that makes no
// progress for idleTimeoutMs (response.js).
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

import { S3InputError } from './errors.js';
import { bufferedFetch, DEFAULT_IDLE_TIMEOUT_MS } from './response.js';

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
