// Hashing a part: MD5 (Content-MD5, ETag checks), and the flexible
// checksums SHA-256, CRC32, CRC32C. Node's crypto and zlib when the Node
// entry provides them (setNativeHashes), else WebCrypto for SHA-256 and the
// core's wasm code for the rest.
//
// The wasm side goes through abi.js (contexts, the window the bytes are
// copied through, the CRC tables): a part is never copied whole into wasm.
import { S3InputError } from './errors.js';

/** @type {Promise<{ crypto: any, zlib: any } | null> | undefined} */
let native;
/** @type {(() => Promise<{ crypto: any, zlib: any }>) | undefined} */
let nativeLoader;
let nativeAllowed = true;

/** Tests: false forces the wasm/WebCrypto paths even on Node. */
export function useNative(allowed) {
  nativeAllowed = Boolean(allowed);
}

/**
 * The Node entry (index.node.js) hands in Node's crypto and zlib. No Node
 * module is named in this file, so bundlers for workers and browsers
 * (wrangler's refuses node: imports without nodejs_compat) never meet one.
 */
export function setNativeHashes(loader) {
  nativeLoader = loader;
  native = undefined;
}

function loadNative() {
  if (!nativeLoader) return Promise.resolve(null);
  native ??= nativeLoader().catch(() => null);
  return native;
}

// ---- Wasm side -----------------------------------------------------------

/** An MD5 or SHA-256 context in wasm memory. */
class WasmHash {
  constructor(abi, algo) {
    this.abi = abi;
    this.algo = algo; // 'md5' | 'sha256'
    this.ctx = abi.hashInit(algo);
  }

  update(bytes) {
    this.abi.hashUpdate(this.algo, this.ctx, bytes);
  }

  digest() {
    const out = this.abi.hashDigest(this.algo, this.ctx);
    this.dispose();
    return out;
  }

  dispose() {
    if (this.ctx) this.abi.free(this.ctx);
    this.ctx = 0;
  }
}

class WasmCrc {
  constructor(abi, algo) {
    this.abi = abi;
    this.algo = algo; // 'crc32' | 'crc32c'
    this.crc = 0;
  }

  update(bytes) {
    this.crc = this.abi.crcUpdate(this.algo, this.crc, bytes);
  }

  digest() {
    return be32(this.crc);
  }

  dispose() {}
}

// ---- Native and WebCrypto sides --------------------------------------------

class NodeHash {
  constructor(crypto, algo) {
    this.h = crypto.createHash(algo);
  }

  update(bytes) {
    this.h.update(bytes);
  }

  digest() {
    return new Uint8Array(this.h.digest());
  }

  dispose() {}
}

class NodeCrc32 {
  constructor(zlib) {
    this.zlib = zlib;
    this.crc = 0;
  }

  update(bytes) {
    this.crc = this.zlib.crc32(bytes, this.crc) >>> 0;
  }

  digest() {
    return be32(this.crc);
  }

  dispose() {}
}

/** SHA-256 by crypto.subtle: keeps the pieces, digests them at the end. */
class SubtleSha256 {
  constructor() {
    this.pieces = [];
    this.length = 0;
  }

  update(bytes) {
    this.pieces.push(bytes);
    this.length += bytes.length;
  }

  async digest() {
    let all = this.pieces[0] ?? new Uint8Array(0);
    if (this.pieces.length > 1) {
      all = new Uint8Array(this.length);
      let at = 0;
      for (const p of this.pieces) {
        all.set(p, at);
        at += p.length;
      }
    }
    this.pieces = [];
    return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', all));
  }

  dispose() {
    this.pieces = [];
  }
}

// ---- Public -------------------------------------------------------------------

/** Algorithms of the `checksum` option that travel as x-amz-checksum-*. */
export const FLEXIBLE = ['crc32', 'crc32c', 'sha256'];

/**
 * The hashing backends over a WasmAbi. `hashers.part({ md5, checksum })`
 * makes a PartHash; `hashers.md5(bytes)` is a one-shot MD5, `md5Many(parts)` many.
 */
export async function hashers(abi) {
  const n = nativeAllowed ? await loadNative() : null;
  let nodeMd5 = Boolean(n);
  if (n) {
    try {
      n.crypto.createHash('md5'); // FIPS builds refuse MD5: fall back to wasm
    } catch {
      nodeMd5 = false;
    }
  }
  return new Hashers(abi, n, nodeMd5);
}

class Hashers {
  constructor(abi, native, nodeMd5) {
    this.abi = abi;
    this.native = native;
    this.nodeMd5 = nodeMd5;
    this.simd = abi.md5x4Simd();
    this.lanes = abi.constants.MD5X4_LANES;
    // Four lanes cost one block of SIMD work however many hold a part: on wasm's
    // scalar MD5 two parts already win, against node:crypto's three (bench/md5x4-child.mjs).
    this.worth = nodeMd5 ? 3 : 2;
    this.make = this.make.bind(this);
  }

  /** A fresh hash of `algo`, from the fastest backend this runtime has. */
  make(algo) {
    const { abi, native: n } = this;
    switch (algo) {
      case 'md5':
        return this.nodeMd5 ? new NodeHash(n.crypto, 'md5') : new WasmHash(abi, 'md5');
      case 'sha256':
        if (n) return new NodeHash(n.crypto, 'sha256');
        return globalThis.crypto?.subtle ? new SubtleSha256() : new WasmHash(abi, 'sha256');
      case 'crc32':
        return n && typeof n.zlib.crc32 === 'function' ? new NodeCrc32(n.zlib) : new WasmCrc(abi, 'crc32');
      case 'crc32c':
        return new WasmCrc(abi, 'crc32c');
      default:
        throw new S3InputError('InvalidArgument', `s3mpu: unknown hash ${algo}`);
    }
  }

  /** @param {{ md5?: boolean, checksum?: string }} what */
  part(what) {
    return new PartHash(this.make, what);
  }

  md5(bytes) {
    const h = this.make('md5');
    h.update(bytes);
    return h.digest();
  }

  /** The MD5s of many byte arrays, four at a time in md5x4's lanes where that is faster. */
  md5Many(parts) {
    const out = [];
    for (let at = 0; at < parts.length; at += this.lanes) {
      const group = parts.slice(at, at + this.lanes);
      if (this.simd && group.length >= this.worth) out.push(...this.abi.md5x4(group));
      else out.push(...group.map((p) => this.md5(p)));
    }
    return out;
  }

  /**
   * digest(bytes) -> Promise of its MD5, for parts that arrive close together:
   * a part waits at most one timer turn for others to join it, up to `size`
   * parts, and md5Many decides whether they share md5x4's lanes.
   */
  md5Batcher(size) {
    let queue = [];
    const flush = () => {
      const batch = queue;
      queue = [];
      let digests;
      try {
        digests = this.md5Many(batch.map((q) => q.bytes));
      } catch (e) {
        for (const q of batch) q.reject(e);
        return;
      }
      batch.forEach((q, i) => {
        q.resolve(digests[i]);
      });
    };
    return (bytes) => new Promise((resolve, reject) => {
      queue.push({ bytes, resolve, reject });
      if (queue.length >= size) flush();
      else if (queue.length === 1) setTimeout(flush, 0);
    });
  }

  /**
   * md5Of(n, bytes) -> Promise of part n's MD5, for a body that can be read
   * ahead (a random-access source). Parts reach the sender one at a time (as
   * a slot frees), so the ones that arrive together seldom fill md5x4's lanes;
   * instead part n shares them with the next parts still to send, whose
   * bytes are read again later to be sent. Their MD5s wait for them.
   *
   * next(n, count): up to `count` parts after n still to send, [{ n, offset, size }];
   * peek(offset, length, scratch): those bytes of the body, a view of it or read
   * into scratch (a Uint8Array of at least `length` bytes).
   */
  md5Ahead({ next, peek }) {
    const ready = new Map();
    const spare = []; // scratch of groups done, for the next ones
    return (n, bytes) => {
      const known = ready.get(n);
      ready.delete(n);
      if (known) return known;
      const others = this.simd ? next(n, this.lanes - 1).filter((o) => !ready.has(o.n)) : [];
      if (others.length + 1 < this.worth) return Promise.resolve(this.md5(bytes));
      const scratch = spare.pop() ?? [];
      const group = hashAhead(this.abi, bytes, others, peek, scratch).finally(() => spare.push(scratch));
      others.forEach((o, i) => {
        const digest = group.then((d) => d[i + 1]);
        digest.catch(() => {}); // a failed group fails part n's send: its others may never ask
        ready.set(o.n, digest);
      });
      return group.then((d) => d[0]);
    };
  }
}

// Bytes per lane read ahead at a time: four of them stay in the CPU's caches.
const AHEAD_CHUNK = 256 * 1024;

/** The MD5s of `bytes` and of the parts `others` (peeked), in md5x4's lanes. */
async function hashAhead(abi, bytes, others, peek, scratch) {
  const ctx = abi.md5x4Init();
  try {
    const longest = Math.max(bytes.length, ...others.map((o) => o.size));
    for (let at = 0; at < longest; at += AHEAD_CHUNK) {
      const pieces = await Promise.all(others.map((o, i) => {
        if (at >= o.size) return undefined;
        scratch[i] ??= new Uint8Array(AHEAD_CHUNK);
        return peek(o.offset + at, Math.min(AHEAD_CHUNK, o.size - at), scratch[i]);
      }));
      abi.md5x4Update(ctx, [bytes.subarray(Math.min(at, bytes.length), at + AHEAD_CHUNK), ...pieces]);
    }
    return abi.md5x4Digest(ctx);
  } finally {
    abi.free(ctx);
  }
}

/** The hashes of one part, fed incrementally. */
export class PartHash {
  constructor(make, { md5, checksum }) {
    this.md5 = md5 ? make('md5') : undefined;
    this.flexible = checksum && FLEXIBLE.includes(checksum) ? make(checksum) : undefined;
  }

  update(bytes) {
    this.md5?.update(bytes);
    this.flexible?.update(bytes);
  }

  /**
   * @returns {Promise<{ md5?: Uint8Array, contentMD5?: string, md5Hex?: string, checksum?: string }>}
   * checksum is base64 (CRCs as 4 big-endian bytes).
   */
  async digest() {
    const out = {};
    if (this.md5) {
      out.md5 = this.md5.digest();
      out.contentMD5 = base64(out.md5);
      out.md5Hex = hex(out.md5);
    }
    if (this.flexible) out.checksum = base64(await this.flexible.digest());
    return out;
  }

  dispose() {
    this.md5?.dispose();
    this.flexible?.dispose();
  }
}

/** The multipart ETag (unquoted) from the parts' raw MD5s, in order. */
export function multipartEtag(h, md5s) {
  const all = new Uint8Array(md5s.length * 16);
  md5s.forEach((m, i) => {
    all.set(m, i * 16);
  });
  return `${hex(h.md5(all))}-${md5s.length}`;
}

function be32(v) {
  return new Uint8Array([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
}

export function hex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(s) {
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function base64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
