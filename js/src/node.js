// What only Node has: the node:http(s) transport and file-path bodies. The
// Node entry (index.node.js) plugs them in; browser and worker bundles never
// import this file.
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { S3InputError } from './errors.js';
import { partBuffers } from './body.js';

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
export function nodeTransport({ maxSockets = 4, idleTimeoutMs = 120_000 } = {}) {
  const mods = {};
  const agents = {};
  // Only the module a URL needs: loading node:https costs a first request ~5 ms.
  const load = (protocol) => {
    const importer = NODE_MODULES[protocol];
    if (!importer) return Promise.reject(new S3InputError('InvalidEndpoint', `s3mpu: unsupported protocol ${protocol}`));
    mods[protocol] ??= importer().then((mod) => {
      agents[protocol] = new mod.Agent({ keepAlive: true, maxSockets });
      return mod;
    });
    return mods[protocol];
  };

  const t = async (url, { method, headers, body, signal, onProgress }) => {
    const u = new URL(url);
    const mod = await load(u.protocol);
    signal?.throwIfAborted();
    const bytes = await toBytes(body);
    const h = {};
    for (const [name, value] of headers ?? []) h[name] = value;
    h['content-length'] = String(bytes.length);
    return request(mod, u, { method, headers: h, agent: agents[u.protocol], signal }, bytes, onProgress, idleTimeoutMs);
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

async function toBytes(body) {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (typeof Blob !== 'undefined' && body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  throw new S3InputError('InvalidArgument', 's3mpu: the node transport sends strings, bytes and Blobs');
}

function request(mod, url, options, bytes, onProgress, idleTimeoutMs) {
  return new Promise((resolve, reject) => {
    let settled = false;
    let responded = false;
    const fail = (e) => {
      if (settled) return;
      settled = true;
      reject(e);
    };
    const req = mod.request(url, options);
    req.on('error', fail);
    // A connection silent that long is dead: fail the attempt (send() retries it).
    req.setTimeout(idleTimeoutMs, () => req.destroy(new Error(`s3mpu: no answer for ${idleTimeoutMs / 1000} s`)));
    req.on('response', (res) => {
      responded = true;
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const status = res.statusCode;
        const data = NULL_BODY_STATUS.has(status) ? [] : chunks;
        resolve(new NodeResponse(res, data));
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

/**
 * What send() reads of an answer: the part of fetch's Response it uses.
 * Building a real Response would load Node's fetch (undici) on first use:
 * ~40 ms of CPU and ~10 MiB of RSS that a node:http upload never needs.
 */
class NodeResponse {
  constructor(res, chunks) {
    this.status = res.statusCode;
    this.statusText = res.statusMessage ?? '';
    this.ok = this.status >= 200 && this.status < 300;
    this.headers = new NodeHeaders(res.headers);
    this.chunks = chunks;
  }

  async arrayBuffer() {
    const body = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      body.set(c, at);
      at += c.length;
    }
    return body.buffer;
  }

  async text() {
    return new TextDecoder().decode(await this.arrayBuffer());
  }
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
    async atEnd() {
      return true;
    },
    release: buffers.give,
    close: () => handle.close().catch(() => {}),
  };
}
