// Transports: how S3Client.send puts a signed request on the wire.
//
//   transport(url, { method, headers, body, signal, duplex, onProgress }) -> Promise<Response>
//   (the node:http transport answers a NodeResponse: the part of Response send() reads)
//
// headers are [name, value] pairs without Host and Content-Length; body is
// a string, Uint8Array, Blob or undefined. onProgress(bytesSent) reports
// the body as it goes, where the transport can see it.
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

/** The fetch transport over `fetchFn`. */
export function fetchTransport(fetchFn) {
  const t = (url, { onProgress, ...init }) => fetchFn(url, init);
  t.kind = 'fetch';
  return t;
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
export function defaultTransport(fetchFn) {
  if (fetchFn) return fetchTransport(fetchFn);
  const g = globalThis;
  // Deno, Bun and Workers with nodejs_compat pose as Node; their fetch is native.
  const node = g.process?.versions?.node && !g.process.versions.bun && !g.Deno &&
    g.navigator?.userAgent !== 'Cloudflare-Workers';
  if (node && makeNodeTransport) return makeNodeTransport();
  return fetchTransport(g.fetch.bind(g));
}
