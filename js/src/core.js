// The only module that touches wasm memory: it turns JS values into the
// ABI's (ptr, len) strings and reads back its length-prefixed result fields.
// wasm/abi.c documents the ABI; ABI_VERSION must match it.
import { S3Error, S3InputError, coreErrorName } from './errors.js';

const ABI_VERSION = 2;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Operation kinds, field and number ids of wasm/abi.c. */
export const OP = { create: 1, uploadPart: 2, complete: 3, abort: 4, listParts: 5, listUploads: 6, putObject: 7, headObject: 8 };
const STR = {
  bucket: 1, key: 2, uploadId: 3, payloadHash: 4, contentMD5: 5, checksum: 6, contentType: 7,
  cacheControl: 8, contentDisposition: 9, contentEncoding: 10, expires: 11, storageClass: 12,
  prefix: 13, keyMarker: 14, uploadIdMarker: 15,
};
const NUM = {
  partNumber: 1, contentLength: 2, checksumAlgorithm: 3, maxParts: 4, partNumberMarker: 5,
  maxUploads: 6, presignExpires: 7,
};
export const CHECKSUM = { none: 0, crc32: 1, crc32c: 2, sha256: 3 };
const PARSE = { error: 1, create: 2, complete: 3, listParts: 4, listUploads: 5 };
const E_S3 = 23;
const E_NOMEM = 24;
export const RETRY = { no: 0, yes: 1, skew: 2 };
export const HASH_CONTEXT_SIZE = 128;

export class Core {
  /** @param {WebAssembly.Instance} instance */
  constructor(instance) {
    const x = instance.exports;
    this.x = x;
    x._initialize();
    const abi = x.s3mpu_wasm_abi_version();
    if (abi !== ABI_VERSION) throw new Error(`s3mpu.wasm has ABI ${abi}, this package needs ${ABI_VERSION}`);
    this.scratch = x.s3mpu_wasm_scratch();
    this.scratchEnd = this.scratch + x.s3mpu_wasm_scratch_size();
    this.cursor = this.scratch;
    this.refresh();
  }

  /** Views over memory; rebuilt when a call grew it. */
  refresh() {
    if (this.buffer !== this.x.memory.buffer) {
      this.buffer = this.x.memory.buffer;
      this.u8 = new Uint8Array(this.buffer);
      this.view = new DataView(this.buffer);
    }
  }

  // ---- Inputs: strings in the scratch arena ---------------------------

  /** Start laying out a new call's inputs. */
  begin() {
    this.cursor = this.scratch;
  }

  /** Write a string (UTF-8) or bytes; returns [ptr, len]. */
  put(value) {
    this.refresh();
    const room = this.scratchEnd - this.cursor;
    let len;
    if (typeof value === 'string') {
      if (value.length * 3 > room) throw new S3InputError('InvalidArgument', 'a value is too long');
      len = encoder.encodeInto(value, this.u8.subarray(this.cursor, this.scratchEnd)).written;
    } else {
      if (value.length > room) throw new S3InputError('InvalidArgument', 'a value is too long');
      this.u8.set(value, this.cursor);
      len = value.length;
    }
    const ptr = this.cursor;
    this.cursor = (this.cursor + len + 7) & ~7;
    return [ptr, len];
  }

  /** An array of s3mpu_str (8 bytes each) holding `values`; returns its pointer. */
  putStrings(values) {
    const pairs = values.map((v) => this.put(v ?? ''));
    const at = this.reserve(pairs.length * 8);
    pairs.forEach(([p, l], i) => {
      this.view.setUint32(at + i * 8, p, true);
      this.view.setUint32(at + i * 8 + 4, l, true);
    });
    return at;
  }

  /** An array of s3mpu_kv (16 bytes each) from [[name, value], ...]. */
  putPairs(pairs) {
    const written = pairs.map(([n, v]) => [...this.put(String(n)), ...this.put(String(v))]);
    const at = this.reserve(written.length * 16);
    written.forEach((w, i) => w.forEach((x, k) => this.view.setUint32(at + i * 16 + k * 4, x, true)));
    return at;
  }

  reserve(bytes) {
    if (this.scratchEnd - this.cursor < bytes) throw new S3InputError('InvalidArgument', 'too many values');
    const at = this.cursor;
    this.cursor = (this.cursor + bytes + 7) & ~7;
    this.refresh();
    return at;
  }

  // ---- Outputs ----------------------------------------------------------

  /** The last result's fields as strings. */
  fields() {
    this.refresh();
    const x = this.x;
    let at = x.s3mpu_wasm_result();
    const end = at + x.s3mpu_wasm_result_len();
    const out = [];
    while (at < end) {
      const len = this.view.getUint32(at, true);
      out.push(decoder.decode(this.u8.subarray(at + 4, at + 4 + len)));
      at += 4 + len;
    }
    return out;
  }

  /** Throw for a nonzero core error code: input errors carry the detail. */
  check(err) {
    if (err === 0) return;
    if (err === E_NOMEM) throw new RangeError('s3mpu: wasm memory exhausted');
    this.x.s3mpu_wasm_detail();
    const [detail] = this.fields();
    this.x.s3mpu_wasm_strerror(err);
    const [name] = this.fields();
    throw new S3InputError(coreErrorName(err), detail || name);
  }

  // ---- Client and requests ------------------------------------------------

  clientInit({ endpoint, region, accessKeyId, secretAccessKey, sessionToken, storageClasses, pathStyle }) {
    this.begin();
    const strings = this.putStrings([endpoint, region, accessKeyId, secretAccessKey, sessionToken, storageClasses]);
    this.check(this.x.s3mpu_wasm_client_init(strings, pathStyle ? 1 : 0));
  }

  wipe() {
    this.x.s3mpu_wasm_client_wipe();
    this.wiped = true;
  }

  /**
   * Build and sign one operation. `fields` holds the op's strings and
   * numbers by their JS names; `now` is Unix seconds.
   * @returns {{ method: string, url: string, body: string, headers: [string, string][] }}
   */
  build(kind, fields, now) {
    this.load(kind, fields);
    this.check(this.x.s3mpu_wasm_build(now));
    const f = this.fields();
    const headers = [];
    for (let i = 3; i + 1 < f.length; i += 2) headers.push([f[i], f[i + 1]]);
    return { method: f[0], url: f[1], body: f[2], headers };
  }

  /**
   * A signed POST form (SigV4 POST policy): `fields` as build's, plus
   * `formFields` [[name, value], ...] of the caller's own, `keyIsPrefix`,
   * `contentTypeIsPrefix` and `lengthRange` [min, max].
   * @returns {{ url: string, expiration: string, policy: string, fields: [string, string][] }}
   */
  post({ formFields = [], keyIsPrefix, contentTypeIsPrefix, lengthRange, ...fields }, now) {
    const x = this.x;
    this.load(OP.putObject, fields);
    for (const [name, value] of formFields) {
      const [np, nl] = this.put(String(name));
      const [vp, vl] = this.put(String(value));
      this.check(x.s3mpu_wasm_post_field(np, nl, vp, vl, 0));
    }
    const flags = (keyIsPrefix ? 1 : 0) | (contentTypeIsPrefix ? 2 : 0);
    const [min, max] = lengthRange ?? [0, 0];
    this.check(x.s3mpu_wasm_post(now, flags, min, max));
    const f = this.fields();
    const form = [];
    for (let i = 3; i + 1 < f.length; i += 2) form.push([f[i], f[i + 1]]);
    return { url: f[0], expiration: f[1], policy: f[2], fields: form };
  }

  /** Lay out one operation's fields in wasm (see build). */
  load(kind, fields) {
    if (this.wiped) throw new Error('s3mpu: this client was destroyed');
    const x = this.x;
    this.begin();
    x.s3mpu_wasm_op_reset(kind);
    for (const name in fields) {
      const value = fields[name];
      if (value === undefined || value === null || value === '') continue;
      if (name in STR) {
        const [p, l] = this.put(String(value));
        x.s3mpu_wasm_op_str(STR[name], p, l);
      } else if (name in NUM) {
        this.check(x.s3mpu_wasm_op_num(NUM[name], Number(value)));
      } else if (name === 'metadata') {
        for (const [k, v] of Object.entries(value)) {
          const [np, nl] = this.put(k);
          const [vp, vl] = this.put(String(v));
          this.check(x.s3mpu_wasm_op_meta(np, nl, vp, vl));
        }
      } else if (name === 'parts') {
        value.forEach((part, i) => {
          const mark = this.cursor;
          const [ep, el] = this.put(part.etag ?? '');
          const [cp, cl] = this.put(part.checksum ?? '');
          this.check(x.s3mpu_wasm_op_part(i, part.partNumber, ep, el, cp, cl));
          this.cursor = mark; // copied: the scratch space is free again
        });
      }
    }
  }

  /** Rebuild the op last built with a new part number (presigning many parts). */
  rebuildPart(partNumber, now) {
    this.check(this.x.s3mpu_wasm_op_num(NUM.partNumber, partNumber));
    this.check(this.x.s3mpu_wasm_build(now));
    this.refresh();
    // The URL is field 2: skip field 1 (the method) without decoding it.
    const at = this.x.s3mpu_wasm_result();
    const methodLen = this.view.getUint32(at, true);
    const urlAt = at + 4 + methodLen;
    const urlLen = this.view.getUint32(urlAt, true);
    return decoder.decode(this.u8.subarray(urlAt + 4, urlAt + 4 + urlLen));
  }

  /** The low-level signer (see abi.c s3mpu_wasm_sign). */
  sign({ method, path, payloadHash, accessKeyId, secretAccessKey, sessionToken, region, service, query, headers, now, expires, flags }) {
    this.begin();
    const strings = this.putStrings([method, path, payloadHash, accessKeyId, secretAccessKey, sessionToken, region, service]);
    const q = this.putPairs(query);
    const h = this.putPairs(headers);
    this.check(this.x.s3mpu_wasm_sign(strings, q, query.length, h, headers.length, now, expires, flags));
    const [canonicalRequest, stringToSign, signature, signedHeaders, authorization, queryString, amzDate] = this.fields();
    return { canonicalRequest, stringToSign, signature, signedHeaders, authorization, query: queryString, amzDate };
  }

  // ---- Responses ------------------------------------------------------------

  /**
   * Parse an XML body. Returns the fields, or throws S3Error for an <Error>
   * document (also inside a 200) and for a body that is not the document
   * expected.
   */
  parse(kind, bytes, status, requestId) {
    const x = this.x;
    const ptr = x.s3mpu_wasm_alloc(bytes.length);
    if (!ptr) throw new RangeError('s3mpu: wasm memory exhausted');
    try {
      this.refresh();
      this.u8.set(bytes, ptr);
      const err = x.s3mpu_wasm_parse(PARSE[kind], ptr, bytes.length);
      if (err === E_S3) {
        const [code, message, rid, hostId, stringToSign, canonicalRequest] = this.fields();
        throw new S3Error({ code, message, status, requestId: rid || requestId, hostId, stringToSign, canonicalRequest });
      }
      if (err === E_NOMEM) throw new RangeError('s3mpu: wasm memory exhausted');
      if (err !== 0) {
        x.s3mpu_wasm_strerror(err);
        const [name] = this.fields();
        throw new S3Error({ code: coreErrorName(err), message: `${name} (HTTP ${status})`, status, requestId });
      }
      return this.fields();
    } finally {
      x.s3mpu_wasm_free(ptr);
    }
  }

  // ---- Planning, policy, hashing ----------------------------------------

  /** @returns {{ partSize: number, partCount: number, growthInterval: number }} */
  plan(total, preferred) {
    this.check(this.x.s3mpu_wasm_plan(total ?? -1, preferred ?? 0));
    const [partSize, partCount, growthInterval] = this.fields().map(Number);
    return { partSize, partCount, growthInterval };
  }

  /** Size and offset of a part of the last plan. */
  planPart(partNumber) {
    return { size: this.x.s3mpu_wasm_plan_part_size(partNumber), offset: this.x.s3mpu_wasm_plan_part_offset(partNumber) };
  }

  retryClass(status, code) {
    this.begin();
    const [p, l] = this.put(code ?? '');
    return this.x.s3mpu_wasm_retry_class(status, p, l);
  }

  /** Unix seconds of an HTTP Date header, or undefined. */
  parseHttpDate(value) {
    if (!value) return undefined;
    this.begin();
    const [p, l] = this.put(value);
    const t = this.x.s3mpu_wasm_time_parse_http(p, l);
    return t < 0 ? undefined : t;
  }

  alloc(bytes) {
    const ptr = this.x.s3mpu_wasm_alloc(bytes);
    if (!ptr) throw new RangeError('s3mpu: wasm memory exhausted');
    this.refresh();
    return ptr;
  }

  free(ptr) {
    this.x.s3mpu_wasm_free(ptr);
  }
}

/** Instantiate a compiled s3mpu module into a Core. */
export async function instantiate(module) {
  const instance = await WebAssembly.instantiate(module, {});
  return new Core(instance);
}
