// What only Node has: the node:http(s) transport and file-path bodies. The
// Node entry (index.node.js) plugs them in; browser and worker bundles never
// import this file.
import { open } from 'node:fs/promises';
import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { S3InputError } from './errors.js';
import { partBuffers } from './body.js';
import { BufferedResponse, MAX_RESPONSE_BYTES, DEFAULT_IDLE_TIMEOUT_MS, concat, idleTimeout, tooLarge } from './transport.js';

// Pieces of at most this size: one progress event each. Each piece costs a
// write and a 'drain' round: 512 KiB pieces measured ~10% more CPU per GiB
// than 1-2 MiB ones (loopback, 8 MiB parts).
const PIECE = 1024 * 1024;
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

const NODE_MODULES = {
  'http:': () => import('node:http'),
  'https:': () => import('node:https'),
};

/**
 * The node:http(s) transport. Its Agents keep connections alive and open
 * at most `maxSockets` per host (raise it with setMaxSockets).
 */
export function nodeTransport({ maxSockets = 4, idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS } = {}) {
  const mods = {};
  const agents = {};
  // Only the module a URL needs: loading node:https costs a first request ~5 ms.
  const load = (protocol) => {
    const importer = NODE_MODULES[protocol];
    if (!importer) return Promise.reject(new S3InputError('InvalidEndpoint', `s3mpu: unsupported protocol ${protocol}`));
    mods[protocol] ??= importer().then((mod) => {
      agents[protocol] = new (warmingAgent(mod.Agent))({ keepAlive: true, maxSockets });
      return mod;
    });
    return mods[protocol];
  };

  const t = async (url, { method, headers, body, signal, onProgress, connections }) => {
    const u = new URL(url);
    const mod = await load(u.protocol);
    signal?.throwIfAborted();
    const bytes = await toBytes(body);
    const h = {};
    for (const [name, value] of headers ?? []) h[name] = value;
    h['content-length'] = String(bytes.length);
    // The path exactly as signed: URL parsing would resolve "." and ".." segments away.
    const options = {
      protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: rawPath(url),
      method, headers: h, agent: agents[u.protocol], signal,
    };
    if (connections > 1) agents[u.protocol].warm(options, Math.min(connections, maxSockets));
    return request(mod, options, bytes, onProgress, idleTimeoutMs);
  };
  t.kind = 'node';
  t.setMaxSockets = (n) => {
    maxSockets = Math.max(maxSockets, n);
    for (const a of Object.values(agents)) a.maxSockets = maxSockets;
  };
  /** Close the idle connections (they do not keep the process alive anyway). */
  t.close = () => {
    for (const a of Object.values(agents)) a.destroy();
  };
  return t;
}

// A connection opened ahead and not taken within this long is closed.
const WARM_IDLE_MS = 5000;

/**
 * node:http(s)'s Agent, able to open connections ahead: warm(options, n) connects sockets to
 * a request's origin, up to n in all (a TCP and a TLS handshake each: a round trip or more)
 * while that request is answered, and the Agent takes them before opening new ones. upload()
 * warms the first parts' connections during CreateMultipartUpload. createConnection is the
 * Agent's documented hook for supplying sockets.
 */
function warmingAgent(Agent) {
  return class WarmingAgent extends Agent {
    ready = new Map(); // Agent key -> sockets connected ahead, not yet taken
    drops = new Map(); // socket -> its listener that closes it while it waits

    /** Up to n connections to the origin in all, this request's included (it may take one of them). */
    warm(requestOptions, n) {
      const options = this.connectionOptions(requestOptions);
      const key = this.getName(options);
      const ready = this.ready.get(key) ?? [];
      this.ready.set(key, ready);
      const open = (this.sockets[key]?.length ?? 0) + (this.freeSockets[key]?.length ?? 0) + ready.length;
      for (let i = open; i < n; i++) {
        const socket = super.createConnection(options);
        const drop = () => {
          socket.destroy();
          this.drops.delete(socket);
          const at = ready.indexOf(socket);
          if (at >= 0) ready.splice(at, 1);
        };
        socket.on('error', drop).on('close', drop).on('timeout', drop).setTimeout(WARM_IDLE_MS).unref();
        this.drops.set(socket, drop);
        ready.push(socket);
      }
    }

    /** The options the Agent itself would connect with (createSocket's, for these fields). */
    connectionOptions(o) {
      const port = o.port || (o.protocol === 'https:' ? 443 : 80);
      const options = { ...o, ...this.options, host: o.hostname, port, keepAlive: this.keepAlive, keepAliveInitialDelay: this.keepAliveMsecs };
      if (o.protocol === 'https:' && options.servername === undefined) options.servername = isIP(o.hostname) ? '' : o.hostname;
      delete options.agent;
      delete options.signal;
      delete options.headers;
      return options;
    }

    createConnection(options, cb) {
      const ready = this.ready.get(this.getName(options));
      const socket = ready?.shift();
      if (!socket) return super.createConnection(options, cb);
      const drop = this.drops.get(socket);
      this.drops.delete(socket);
      for (const event of ['error', 'close', 'timeout']) socket.off(event, drop);
      socket.setTimeout(0).ref();
      return socket;
    }

    destroy() {
      for (const drop of [...this.drops.values()]) drop();
      super.destroy();
    }
  };
}

async function toBytes(body) {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (typeof Blob !== 'undefined' && body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  throw new S3InputError('InvalidArgument', 's3mpu: the node transport sends strings, bytes and Blobs');
}

/** Path and query of an absolute URL, as written. */
function rawPath(url) {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return start < 0 ? '/' : url.slice(start).split('#')[0];
}

function request(mod, options, bytes, onProgress, idleTimeoutMs) {
  return new Promise((resolve, reject) => {
    let settled = false;
    let responded = false;
    const fail = (e) => {
      if (settled) return;
      settled = true;
      reject(e);
    };
    const req = mod.request(options);
    req.on('error', fail);
    // A connection silent that long (nothing sent, nothing received) fails the attempt (send() retries it).
    if (idleTimeoutMs > 0) req.setTimeout(idleTimeoutMs, () => req.destroy(idleTimeout(idleTimeoutMs)));
    req.on('response', (res) => {
      responded = true;
      const chunks = [];
      let size = 0;
      const tooBig = () => {
        fail(tooLarge(res.statusCode, res.headers['x-amz-request-id']));
        req.destroy();
      };
      // A HEAD's Content-Length is the object's, with no body.
      if (options.method !== 'HEAD' && Number(res.headers['content-length']) > MAX_RESPONSE_BYTES) return tooBig();
      res.on('data', (c) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) return tooBig();
        chunks.push(c);
      });
      res.on('error', fail);
      res.on('aborted', () => fail(new Error('s3mpu: the connection closed in the middle of the answer')));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const status = res.statusCode;
        const data = NULL_BODY_STATUS.has(status) ? [] : chunks;
        resolve(new BufferedResponse({ status, statusText: res.statusMessage, headers: new NodeHeaders(res.headers) },
          concat(data, data.reduce((n, c) => n + c.length, 0))));
        // An early answer (an error before the body was all sent): the
        // connection cannot serve another request.
        if (at < bytes.length) req.destroy();
      });
    });

    // Write in pieces, each counted when the socket has taken it; wait for
    // 'drain' so at most one piece sits in Node's buffer.
    let sent = 0;
    let at = 0;
    const writeMore = () => {
      while (at < bytes.length && !responded && !settled) {
        const piece = bytes.subarray(at, Math.min(at + PIECE, bytes.length));
        at += piece.length;
        const more = req.write(piece, (err) => {
          if (err) return;
          sent += piece.length;
          onProgress?.(sent);
        });
        if (!more) {
          req.once('drain', writeMore);
          return;
        }
      }
      if (!settled) req.end();
    };
    writeMore();
  });
}

/** Headers over node:http's lower-cased header object (repeats joined by ', ', as fetch does). */
class NodeHeaders {
  constructor(fields) {
    this.fields = fields;
  }

  get(name) {
    const v = this.fields[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }

  has(name) {
    return this.get(name) !== null;
  }

  forEach(fn) {
    for (const name of Object.keys(this.fields).sort()) fn(this.get(name), name, this);
  }
}

/**
 * A file (a path or a file: URL; Node), read through one FileHandle into reused part buffers.
 * A file changed in place during the upload (size or mtime) fails the read
 * that sees it, so an object is never half old, half new; a file replaced
 * under its name is read whole from the file first opened.
 */
export async function fileSource(file) {
  const path = file instanceof URL ? fileURLToPath(file) : file;
  const handle = await open(path, 'r');
  let st;
  try {
    st = await handle.stat();
    if (!st.isFile()) throw new S3InputError('InvalidArgument', `${path} is not a file`);
  } catch (e) {
    await handle.close();
    throw e;
  }
  const buffers = partBuffers();
  const changed = () => new S3InputError('BodyChanged', `${path} changed during the upload`);
  return {
    size: st.size,
    fingerprint: { size: st.size, name: path.split(/[\\/]/).pop(), lastModified: Math.floor(st.mtimeMs) },
    sequential: false,
    async read(offset, length) {
      const bytes = buffers.take(Math.max(0, Math.min(length, st.size - offset)));
      for (let at = 0; at < bytes.length;) {
        const { bytesRead } = await handle.read(bytes, at, bytes.length - at, offset + at);
        if (bytesRead === 0) throw changed();
        at += bytesRead;
      }
      const now = await handle.stat();
      if (now.size !== st.size || now.mtimeMs !== st.mtimeMs) throw changed();
      return bytes;
    },
    // Hashing ahead reads into the caller's scratch; read() checks for a change.
    async peek(offset, length, scratch) {
      const bytes = scratch.subarray(0, Math.max(0, Math.min(length, st.size - offset)));
      for (let at = 0; at < bytes.length;) {
        const { bytesRead } = await handle.read(bytes, at, bytes.length - at, offset + at);
        if (bytesRead === 0) throw changed();
        at += bytesRead;
      }
      return bytes;
    },
    async atEnd() {
      return true;
    },
    release: buffers.give,
    close: () => handle.close().catch(() => {}),
  };
}
