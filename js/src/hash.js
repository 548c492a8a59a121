// Hashing a part: MD5 (Content-MD5, ETag checks), and the flexible
// checksums SHA-256, CRC32, CRC32C. Node's crypto and zlib when present
// (loaded by dynamic import, so browsers and workers never see them), else
// WebCrypto for SHA-256 and the core's wasm code for the rest.
//
// Wasm memory: core.js owns the ABI, but hashing needs raw blocks, so this
// file is the one other place that touches memory, through core.alloc/free,
// core.refresh and core.u8 only. Each core gets, once, a 64 KiB window the
// bytes are copied into (a part is fed through it in pieces, never copied
// whole into wasm memory) and the CRC tables; each running hash gets its own
// 128-byte context. Every update is synchronous, so parts hashed
// concurrently can share the window.

const WINDOW = 64 * 1024;
const CONTEXT = 128; // s3mpu_md5 / s3mpu_sha256: 16 uint64
const CRC_TABLE = 8192; // s3mpu_crc_table: 8 x 256 uint32

/** @type {Promise<{ crypto: any, zlib: any } | null> | undefined} */
let native;
let nativeAllowed = true;

/** Tests: false forces the wasm/WebCrypto paths even on Node. */
export function useNative(allowed) {
  nativeAllowed = Boolean(allowed);
}

function loadNative() {
  if (!globalThis.process?.versions?.node) return Promise.resolve(null);
  // The comments keep bundlers from trying to resolve Node's modules.
  native ??= Promise.all([
    import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:crypto'),
    import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:zlib'),
  ])
    .then(([crypto, zlib]) => ({ crypto, zlib }))
    .catch(() => null);
  return native;
}

// ---- Wasm side -----------------------------------------------------------

/** @type {WeakMap<object, { window: number, tables: Record<string, number> }>} */
const perCore = new WeakMap();

function wasmState(core) {
  let s = perCore.get(core);
  if (!s) {
    s = { window: core.alloc(WINDOW), tables: {} };
    perCore.set(core, s);
  }
  return s;
}

function crcTable(core, name) {
  const s = wasmState(core);
  if (!s.tables[name]) {
    const t = core.alloc(CRC_TABLE);
    core.x[name === 'crc32' ? 's3mpu_crc32_table_init' : 's3mpu_crc32c_table_init'](t);
    s.tables[name] = t;
  }
  return s.tables[name];
}

/** Copy `bytes` through the window, calling fn(ptr, len) for each piece. */
function feed(core, bytes, fn) {
  const { window } = wasmState(core);
  for (let at = 0; at < bytes.length; at += WINDOW) {
    const piece = bytes.subarray(at, Math.min(at + WINDOW, bytes.length));
    core.refresh(); // another call may have grown memory
    core.u8.set(piece, window);
    fn(window, piece.length);
  }
}

/** An MD5 or SHA-256 context in wasm memory. */
class WasmHash {
  constructor(core, algo) {
    this.core = core;
    this.algo = algo; // 'md5' | 'sha256'
    this.ctx = core.alloc(CONTEXT);
    core.x[`s3mpu_${algo}_init`](this.ctx);
  }

  update(bytes) {
    const up = this.core.x[`s3mpu_${this.algo}_update`];
    feed(this.core, bytes, (p, n) => up(this.ctx, p, n));
  }

  digest() {
    const { core } = this;
    const { window } = wasmState(core);
    core.x[`s3mpu_${this.algo}_out`](this.ctx, window);
    core.refresh();
    const out = core.u8.slice(window, window + (this.algo === 'md5' ? 16 : 32));
    this.dispose();
    return out;
  }

  dispose() {
    if (this.ctx) this.core.free(this.ctx);
    this.ctx = 0;
  }
}

class WasmCrc {
  constructor(core, algo) {
    this.core = core;
    this.table = crcTable(core, algo);
    this.crc = 0;
  }

  update(bytes) {
    const up = this.core.x.s3mpu_crc_update;
    feed(this.core, bytes, (p, n) => { this.crc = up(this.table, this.crc, p, n) >>> 0; });
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
 * The hashing backends for a core. `hashers.part({ md5, checksum })` makes
 * a PartHash; `hashers.md5(bytes)` is a one-shot MD5.
 */
export async function hashers(core) {
  const n = nativeAllowed ? await loadNative() : null;
  let nodeMd5 = Boolean(n);
  if (n) {
    try {
      n.crypto.createHash('md5'); // FIPS builds refuse MD5: fall back to wasm
    } catch {
      nodeMd5 = false;
    }
  }
  const make = (algo) => {
    switch (algo) {
      case 'md5':
        return nodeMd5 ? new NodeHash(n.crypto, 'md5') : new WasmHash(core, 'md5');
      case 'sha256':
        if (n) return new NodeHash(n.crypto, 'sha256');
        return globalThis.crypto?.subtle ? new SubtleSha256() : new WasmHash(core, 'sha256');
      case 'crc32':
        return n && typeof n.zlib.crc32 === 'function' ? new NodeCrc32(n.zlib) : new WasmCrc(core, 'crc32');
      case 'crc32c':
        return new WasmCrc(core, 'crc32c');
      default:
        throw new TypeError(`s3mpu: unknown hash ${algo}`);
    }
  };
  return {
    make,
    /** @param {{ md5?: boolean, checksum?: string }} what */
    part: (what) => new PartHash(make, what),
    md5(bytes) {
      const h = make('md5');
      h.update(bytes);
      return h.digest();
    },
  };
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
  md5s.forEach((m, i) => all.set(m, i * 16));
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
