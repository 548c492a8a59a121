// The JS side of wasm/abi.c, and the only module that touches wasm memory or
// the module's exports: it turns JS values into the ABI's (ptr, len) strings,
// reads back its length-prefixed result fields and returns plain objects.
// Every number it passes (operation, field and checksum ids, error codes,
// sizes) is read from the module at load (s3mpu_wasm_constants): C is the one
// source. ABI_VERSION must match wasm/abi.c's.
import { S3Error, S3InputError, S3VerifyError, statusError } from './errors.js';

const ABI_VERSION = 5;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
// Body bytes reach wasm through a window of this size, never whole.
const WINDOW = 64 * 1024;

/** "uploadPart" -> "UPLOAD_PART", "contentMD5" -> "CONTENT_MD5": JS names to the C constants' names. */
function constantName(name) {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

export class WasmAbi {
  /** @param {WebAssembly.Instance} instance */
  constructor(instance) {
    const x = instance.exports;
    this.x = x;
    x._initialize();
    const abi = x.s3mpu_wasm_abi_version();
    if (abi !== ABI_VERSION) throw new Error(`s3mpu.wasm has ABI ${abi}, this package needs ${ABI_VERSION}`);
    this.version = abi;
    this.scratch = x.s3mpu_wasm_scratch();
    this.scratchEnd = this.scratch + x.s3mpu_wasm_scratch_size();
    this.cursor = this.scratch;
    this.refresh();
    x.s3mpu_wasm_constants();
    const f = this.fields();
    /** @type {Record<string, number>} the module's constants by name (wasm/abi.c) */
    this.constants = {};
    for (let i = 0; i + 1 < f.length; i += 2) this.constants[f[i]] = Number(f[i + 1]);
    /** @type {Map<string, [kind: 'F' | 'N', id: number] | null>} build()'s fields by JS name */
    this.fieldIds = new Map();
    this.ids = new Map();
    this.errorNames = [];
  }

  /** A constant of wasm/abi.c by name; a name the module lacks is a bug. */
  constant(name) {
    const v = this.constants[name];
    if (v === undefined) throw new Error(`s3mpu.wasm has no constant ${name}`);
    return v;
  }

  /** The constant `prefix` + the C spelling of a JS name (cached): id('OP_', 'uploadPart'). */
  id(prefix, name) {
    const key = prefix + name;
    let v = this.ids.get(key);
    if (v === undefined) {
      v = this.constant(prefix + constantName(name));
      this.ids.set(key, v);
    }
    return v;
  }

  /** Views over memory; rebuilt when a call grew it. */
  refresh() {
    if (this.buffer !== this.x.memory.buffer) {
      this.buffer = this.x.memory.buffer;
      this.u8 = new Uint8Array(this.buffer);
      this.view = new DataView(this.buffer);
    }
  }

  /** The whole of wasm memory, for tests that scan it for secrets. */
  memoryBytes() {
    this.refresh();
    return this.u8;
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
    written.forEach((w, i) => {
      for (let k = 0; k < 4; k++) this.view.setUint32(at + i * 16 + k * 4, w[k], true);
    });
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

  /** The JS name of a core error code (core/src/error.c's table, through the module). */
  errorName(err) {
    let name = this.errorNames[err];
    if (name === undefined) {
      this.x.s3mpu_wasm_error_name(err);
      name = this.fields()[0] || `CoreError${err}`;
      this.errorNames[err] = name;
    }
    return name;
  }

  /** The core's message for an error code. */
  errorMessage(err) {
    this.x.s3mpu_wasm_error_message(err);
    return this.fields()[0];
  }

  /** Throw for a nonzero core error code: input errors carry the detail. */
  check(err, what) {
    if (err === 0) return;
    if (err === this.constants.E_NOMEM) throw new RangeError('s3mpu: wasm memory exhausted');
    // A setter leaves no detail: the one there is an earlier call's.
    if (what) throw new S3InputError(this.errorName(err), `${what}: ${this.errorMessage(err)}`);
    this.x.s3mpu_wasm_detail();
    const [detail] = this.fields();
    throw new S3InputError(this.errorName(err), detail || this.errorMessage(err));
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

  /** The id of a checksum algorithm ('crc32', 'crc32c', 'sha256'). */
  checksumId(name) {
    const id = typeof name === 'string' && name !== 'none' ? this.constants[`CHECKSUM_${constantName(name)}`] : undefined;
    if (id === undefined) throw new S3InputError('InvalidArgument', `unknown checksum algorithm ${name}`);
    return id;
  }

  /** [kind, id] of a string ('F') or number ('N') field of build(), or null. */
  fieldId(name) {
    let f = this.fieldIds.get(name);
    if (f === undefined) {
      const c = constantName(name);
      const str = this.constants[`F_${c}`];
      const num = this.constants[`N_${c}`];
      f = str !== undefined ? ['F', str] : num !== undefined ? ['N', num] : null;
      this.fieldIds.set(name, f);
    }
    return f;
  }

  /**
   * Build and sign one operation: `kind` is S3's name of it in camelCase, as
   * the S3Client method's ('createMultipartUpload', 'uploadPart',
   * 'completeMultipartUpload', 'abortMultipartUpload', 'listParts',
   * 'listMultipartUploads', 'putObject', 'headObject', 'deleteObject'). `fields`
   * holds the op's strings and numbers by their JS names (checksumAlgorithm by
   * name), metadata and parts; `now` is Unix seconds.
   * @returns {{ method: string, url: string, body: string, headers: [string, string][] }}
   */
  build(kind, fields, now) {
    this.setOp(kind, fields);
    this.check(this.x.s3mpu_wasm_request_build(now));
    const f = this.fields();
    const headers = [];
    for (let i = 3; i + 1 < f.length; i += 2) headers.push([f[i], f[i + 1]]);
    return { method: f[0], url: f[1], body: f[2], headers };
  }

  /** Hand an operation's fields to the core (build()'s `kind` and `fields`): what the next build signs. */
  setOp(kind, fields) {
    if (this.wiped) throw new S3InputError('ClientDestroyed', 's3mpu: this client was destroyed');
    this.begin();
    this.x.s3mpu_wasm_op_reset(this.id('OP_', kind));
    for (const name in fields) {
      const value = fields[name];
      if (value === undefined || value === null || value === '') continue;
      if (name === 'metadata') this.putMetadata(value);
      else if (name === 'parts') this.putParts(value);
      else this.putField(name, value);
    }
  }

  /**
   * Presigned UploadPart URLs of one upload, one per part number, in one
   * call (abi.c s3mpu_wasm_request_presign_parts): `fields` as build()'s for an
   * 'uploadPart' with presignExpires; `numbers` are checked integers.
   * The core signs each part and sends back only its signature; every URL is
   * the first's with its own digits and signature spliced in.
   * @returns {string[]}
   */
  presignParts(fields, numbers, now) {
    const count = numbers.length;
    this.setOp('uploadPart', { ...fields, partNumber: numbers[0] });
    const block = this.alloc(count * 68); // numbers (u32), then 64 hex bytes each
    try {
      new Uint32Array(this.buffer, block, count).set(numbers);
      this.check(this.x.s3mpu_wasm_request_presign_parts(block, count, block + count * 4, now));
      const [url, numberAt, numberLen] = this.fields();
      const signatures = decoder.decode(this.u8.subarray(block + count * 4, block + count * 68));
      const at = charOffset(url, Number(numberAt));
      const head = url.slice(0, at);
      const middle = url.slice(at + Number(numberLen), url.length - 64);
      const urls = new Array(count);
      for (let i = 0; i < count; i++) urls[i] = head + numbers[i] + middle + signatures.slice(i * 64, i * 64 + 64);
      return urls;
    } finally {
      this.free(block);
    }
  }

  putField(name, value) {
    const id = this.fieldId(name);
    if (!id) return; // not a field of the request (signal, body, ...)
    if (id[0] === 'F') {
      const [p, l] = this.put(wellFormed(name, String(value)));
      this.x.s3mpu_wasm_op_set_str(id[1], p, l);
    } else {
      const n = name === 'checksumAlgorithm' ? this.checksumId(value) : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
      // No silent truncation: 1.5 is not part 1.
      if (!(Number.isSafeInteger(n) && n >= 0)) throw new S3InputError('InvalidArgument', `${name} must be a non-negative integer, not ${value}`);
      const err = this.x.s3mpu_wasm_op_set_num(id[1], n);
      if (err) this.check(err, `${name} ${n}`); // the message only when needed: a hot path
    }
  }

  putMetadata(metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      const [np, nl] = this.put(wellFormed('a metadata name', k));
      const [vp, vl] = this.put(wellFormed(`metadata ${k}`, String(v)));
      this.check(this.x.s3mpu_wasm_op_add_meta(np, nl, vp, vl), `metadata ${k}`);
    }
  }

  putParts(parts) {
    parts.forEach((part, i) => {
      const mark = this.cursor;
      const [ep, el] = this.put(part.etag ?? '');
      const [cp, cl] = this.put(part.checksum ?? '');
      this.check(this.x.s3mpu_wasm_op_set_part(i, part.partNumber, ep, el, cp, cl), `part ${part.partNumber}`);
      this.cursor = mark; // copied: the scratch space is free again
    });
  }

  /**
   * A signed POST form (SigV4 POST policy, abi.c s3mpu_wasm_post_build): `fields` as
   * build()'s for a putObject (bucket, key, contentType, metadata,
   * checksumAlgorithm, checksum, presignExpires), plus `formFields`
   * [[name, value], ...] of the caller's own, `keyIsPrefix`,
   * `contentTypeIsPrefix` and `lengthRange` [min, max].
   * @returns {{ url: string, expiration: string, policy: string, fields: [string, string][] }}
   */
  post({ formFields = [], keyIsPrefix, contentTypeIsPrefix, lengthRange, ...fields }, now) {
    if (this.wiped) throw new S3InputError('ClientDestroyed', 's3mpu: this client was destroyed');
    const x = this.x;
    this.begin();
    x.s3mpu_wasm_op_reset(this.id('OP_', 'putObject'));
    for (const name in fields) {
      const value = fields[name];
      if (value === undefined || value === null || value === '') continue;
      if (name === 'metadata') this.putMetadata(value);
      else this.putField(name, value);
    }
    for (const [name, value] of formFields) {
      const [np, nl] = this.put(String(name));
      const [vp, vl] = this.put(String(value));
      this.check(x.s3mpu_wasm_post_field_add(np, nl, vp, vl, 0));
    }
    const flags = (keyIsPrefix ? this.constants.POST_KEY_PREFIX : 0) |
      (contentTypeIsPrefix ? this.constants.POST_CONTENT_TYPE_PREFIX : 0);
    const [min, max] = lengthRange ?? [0, 0];
    this.check(x.s3mpu_wasm_post_build(now, flags, min, max));
    const f = this.fields();
    const form = [];
    for (let i = 3; i + 1 < f.length; i += 2) form.push([f[i], f[i + 1]]);
    return { url: f[0], expiration: f[1], policy: f[2], fields: form };
  }

  /**
   * The low-level signer (abi.c s3mpu_wasm_sigv4_sign). `contentSha256`: sign
   * x-amz-content-sha256 (S3 header mode).
   */
  sign({ method, path, payloadHash, accessKeyId, secretAccessKey, sessionToken, region, service, query, headers, now, expires, contentSha256 }) {
    this.begin();
    const strings = this.putStrings([method, path, payloadHash, accessKeyId, secretAccessKey, sessionToken, region, service]);
    const q = this.putPairs(query);
    const h = this.putPairs(headers);
    const flags = contentSha256 ? this.constants.SIGV4_CONTENT_SHA256 : 0;
    this.check(this.x.s3mpu_wasm_sigv4_sign(strings, q, query.length, h, headers.length, now, expires, flags));
    const [canonicalRequest, stringToSign, signature, signedHeaders, authorization, queryString, amzDate] = this.fields();
    return { canonicalRequest, stringToSign, signature, signedHeaders, authorization, query: queryString, amzDate };
  }

  // ---- Responses ------------------------------------------------------------

  /**
   * Parse an XML body: `kind` is 'error', 'createMultipartUpload',
   * 'completeMultipartUpload', 'listParts' or 'listMultipartUploads'. Returns the result as an object, or throws S3Error for
   * an <Error> document (also inside a 200), and S3VerifyError for a body that
   * is not the document expected (S3Error when it is the body of an error
   * status, kind 'error': the status already says no).
   */
  parse(kind, bytes, status, requestId) {
    const x = this.x;
    const ptr = this.alloc(bytes.length);
    try {
      this.u8.set(bytes, ptr);
      const err = x.s3mpu_wasm_response_parse(this.id('P_', kind), ptr, bytes.length);
      if (err === this.constants.E_S3) {
        const [code, message, rid, hostId, stringToSign, canonicalRequest] = this.fields();
        throw new S3Error({ code, message, status, requestId: rid || requestId, hostId, stringToSign, canonicalRequest });
      }
      if (err === this.constants.E_NOMEM) throw new RangeError('s3mpu: wasm memory exhausted');
      if (err !== 0) {
        // An error status whose body is no S3 <Error> (a proxy's HTML page): the status says no.
        if (kind === 'error') throw statusError(status, new TextDecoder().decode(bytes), requestId);
        throw new S3VerifyError({ code: this.errorName(err), message: this.errorMessage(err), status, requestId });
      }
      return RESULTS[kind](this.fields());
    } finally {
      this.free(ptr);
    }
  }

  // ---- Planning, policy, dates ----------------------------------------

  /**
   * How a body of `total` bytes (undefined: unknown) is cut, for a
   * `preferred` part size (0 or undefined: the default).
   * @returns {{ partSize: number, partCount: number, growthInterval: number }}
   */
  plan(total, preferred) {
    this.check(this.x.s3mpu_wasm_plan_init(total ?? -1, preferred ?? 0));
    const [partSize, partCount, growthInterval] = this.fields().map(Number);
    return { partSize, partCount, growthInterval };
  }

  /** Size (0 past the last) and offset of part `partNumber` of that plan. */
  planPart(total, preferred, partNumber) {
    const t = total ?? -1;
    const p = preferred ?? 0;
    return {
      size: this.x.s3mpu_wasm_plan_part_size(t, p, partNumber),
      offset: this.x.s3mpu_wasm_plan_part_offset(t, p, partNumber),
    };
  }

  /** 'no' (final), 'yes' (back off and retry) or 'skew' (fix the clock, retry once). */
  retryClassify(status, code) {
    this.begin();
    const [p, l] = this.put(code ?? '');
    const cls = this.x.s3mpu_wasm_retry_classify(status, p, l);
    return cls === this.constants.RETRY_SKEW ? 'skew' : cls === this.constants.RETRY_YES ? 'yes' : 'no';
  }

  /** Unix seconds of an HTTP Date header, or undefined. */
  parseHttpDate(value) {
    if (!value) return undefined;
    this.begin();
    const [p, l] = this.put(value);
    const t = this.x.s3mpu_wasm_time_parse_http(p, l);
    return t < 0 ? undefined : t;
  }

  // ---- Hashing: MD5, SHA-256 and CRCs over bytes fed through a window ----------

  /** A new MD5 or SHA-256 context ('md5' | 'sha256'); give it back with free(). */
  hashInit(algo) {
    const ctx = this.alloc(this.constant(`${constantName(algo)}_CONTEXT_SIZE`));
    this.x[`s3mpu_${algo}_init`](ctx);
    return ctx;
  }

  hashUpdate(algo, ctx, bytes) {
    const up = this.x[`s3mpu_${algo}_update`];
    this.feed(bytes, (p, n) => up(ctx, p, n));
  }

  /** The digest of a context (which stays usable). */
  hashDigest(algo, ctx) {
    const window = this.window();
    this.x[`s3mpu_${algo}_digest`](ctx, window);
    this.refresh();
    return this.u8.slice(window, window + this.constant(`${constantName(algo)}_SIZE`));
  }

  /** Whether this module hashes md5x4's lanes with SIMD (else they cost four MD5s). */
  md5x4Simd() {
    return this.x.s3mpu_md5x4_simd() === 1;
  }

  /**
   * A new md5x4 context (one message in each SIMD lane), with room for the
   * calls' arguments: feed it with md5x4Update, read it with md5x4Digest,
   * give it back with free().
   */
  md5x4Init() {
    const { MD5X4_LANES: lanes, MD5X4_CONTEXT_SIZE: size, MD5_SIZE: digest } = this.constants;
    const ctx = this.alloc(size + 8 * lanes + digest * lanes);
    this.x.s3mpu_md5x4_init(ctx);
    return ctx;
  }

  /**
   * pieces[i]: the next bytes of lane i's message (undefined: none), each
   * lane fed through its own slice of the window.
   */
  md5x4Update(ctx, pieces) {
    const { MD5X4_LANES: lanes, MD5X4_CONTEXT_SIZE: size } = this.constants;
    if (pieces.length > lanes) throw new RangeError(`md5x4: at most ${lanes} lanes`);
    const ptrs = ctx + size, lens = ptrs + 4 * lanes;
    const window = this.window(), slot = WINDOW / lanes;
    const longest = Math.max(0, ...pieces.map((p) => p?.length ?? 0));
    for (let at = 0; at < longest; at += slot) {
      this.refresh();
      for (let i = 0; i < lanes; i++) {
        const p = pieces[i];
        const piece = p ? p.subarray(Math.min(at, p.length), Math.min(at + slot, p.length)) : p;
        if (piece?.length) this.u8.set(piece, window + i * slot);
        this.view.setUint32(ptrs + 4 * i, window + i * slot, true);
        this.view.setUint32(lens + 4 * i, piece?.length ?? 0, true);
      }
      this.x.s3mpu_md5x4_update(ctx, ptrs, lens);
    }
  }

  /** The MD5 of each lane's message so far (the context stays usable). */
  md5x4Digest(ctx) {
    const { MD5X4_LANES: lanes, MD5X4_CONTEXT_SIZE: size, MD5_SIZE: digest } = this.constants;
    const out = ctx + size + 8 * lanes;
    this.x.s3mpu_md5x4_digest(ctx, out);
    this.refresh();
    return Array.from({ length: lanes }, (_, i) => this.u8.slice(out + digest * i, out + digest * (i + 1)));
  }

  /** The MD5s of up to MD5X4_LANES byte arrays at once. */
  md5x4(parts) {
    const ctx = this.md5x4Init();
    try {
      this.md5x4Update(ctx, parts);
      return this.md5x4Digest(ctx).slice(0, parts.length);
    } finally {
      this.free(ctx);
    }
  }

  /** The CRC running value after `bytes` ('crc32' | 'crc32c'). */
  crcUpdate(algo, crc, bytes) {
    const table = this.crcTable(algo);
    const up = this.x.s3mpu_crc_update;
    let c = crc;
    this.feed(bytes, (p, n) => {
      c = up(table, c, p, n) >>> 0;
    });
    return c;
  }

  crcTable(algo) {
    this.crcTables ??= {};
    if (!this.crcTables[algo]) {
      const t = this.alloc(this.constants.CRC_TABLE_SIZE);
      this.x[`s3mpu_crc_table_init_${algo}`](t);
      this.crcTables[algo] = t;
    }
    return this.crcTables[algo];
  }

  /**
   * This instance's window for body bytes (made once), on a cache line: V8's
   * copies into it 16 bytes past one made md5x4 over 4 parts cost 1.0 CPU
   * s/GiB against 0.7 (AMD EPYC, Node 20; the wasi build's heap put it there).
   */
  window() {
    this.windowPtr ??= (this.alloc(WINDOW + 64) + 63) & ~63;
    return this.windowPtr;
  }

  /**
   * Copy `bytes` through the window, calling fn(ptr, len) for each piece.
   * Every update is synchronous, so parts hashed concurrently share it.
   */
  feed(bytes, fn) {
    const window = this.window();
    for (let at = 0; at < bytes.length; at += WINDOW) {
      const piece = bytes.subarray(at, Math.min(at + WINDOW, bytes.length));
      this.refresh(); // another call may have grown memory
      this.u8.set(piece, window);
      fn(window, piece.length);
    }
  }

  // ---- Memory ---------------------------------------------------------------

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

/** The UTF-16 offset of byte `at` of `text`'s UTF-8 (the same in an ASCII URL, the usual one). */
function charOffset(text, at) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range
  return /^[\x00-\x7f]*$/.test(text) ? at : decoder.decode(encoder.encode(text).subarray(0, at)).length;
}

// parse()'s results, from the fields wasm/abi.c s3mpu_wasm_response_parse documents.
/**
 * `value`, or an S3InputError when it has a lone surrogate: TextEncoder would
 * silently send U+FFFD instead.
 */
function wellFormed(name, value) {
  const ok = value.isWellFormed ? value.isWellFormed() : !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
  if (!ok) throw new S3InputError('InvalidArgument', `${name} has a lone surrogate (ill-formed UTF-16): it has no UTF-8 form`);
  return value;
}

const RESULTS = {
  error: (f) => f,
  createMultipartUpload: ([bucket, key, uploadId]) => ({ bucket, key, uploadId }),
  completeMultipartUpload: ([location, bucket, key, etag]) => ({ location, bucket, key, etag }),
  listParts(f) {
    const parts = [];
    for (let i = 2; i + 4 < f.length; i += 5) {
      parts.push({
        partNumber: Number(f[i]), size: Number(f[i + 1]), etag: f[i + 2], lastModified: f[i + 3],
        ...(f[i + 4] ? { checksum: f[i + 4] } : {}),
      });
    }
    return { parts, isTruncated: f[0] === '1', nextPartNumberMarker: Number(f[1]) };
  },
  listMultipartUploads(f) {
    const uploads = [];
    for (let i = 3; i + 3 < f.length; i += 4) {
      uploads.push({ key: f[i], uploadId: f[i + 1], initiated: f[i + 2], storageClass: f[i + 3] });
    }
    return { uploads, isTruncated: f[0] === '1', nextKeyMarker: f[1], nextUploadIdMarker: f[2] };
  },
};

/** Instantiate a compiled s3mpu module. */
export async function instantiate(module) {
  const instance = await WebAssembly.instantiate(module, {});
  return new WasmAbi(instance);
}
