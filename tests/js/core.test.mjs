// The client without a server: loading the module, presigning, input checks, and what
// happens to the secret. Every client here gets a fetch that fails the test if called.
//
//   node --test tests/js/core.test.mjs      (S3MPU_WASM picks the module; default js/s3mpu.wasm)
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { S3Client, S3Error, S3InputError, createMd5 } from '../../js/src/index.node.js';
import { useNative } from '../../js/src/hash.js';
import { WasmAbi } from '../../js/src/abi.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const wasmPath = path.resolve(process.env.S3MPU_WASM || path.join(here, '../../js/s3mpu.wasm'));
const wasmBytes = await readFile(wasmPath);

const ENDPOINT = 'http://127.0.0.1:9';
const ACCESS_KEY = 'AKIDS3MPUCORETEST';
const SECRET = 'core/test/SECRET+0123456789abcdefGHIJ';
// 2026-01-02T03:04:05Z, in milliseconds (the client's clock unit).
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

const fetchCalls = [];
function mustNotFetch(url) {
  fetchCalls.push(String(url));
  throw new Error(`fetch must not be called (${url})`);
}

function options(extra = {}) {
  return {
    endpoint: ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
    forcePathStyle: true,
    fetch: mustNotFetch,
    clock: () => T0,
    wasm: wasmBytes,
    ...extra,
  };
}

const UPLOAD = { bucket: 'core-bucket', key: 'dir/file name+1.bin', uploadId: '2~AbC-dEf_123' };

/** Count of `needle` (bytes) inside `haystack`. */
function occurrences(haystack, needle) {
  const buf = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
  let n = 0;
  for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + 1)) n++;
  return n;
}

/**
 * Checks a presigned URL's signature independently (node:crypto): the canonical request is
 * rebuilt from the URL as sent, so this proves the signature matches the URL, not that the
 * URL's encoding is right (the server tests do that).
 */
function verifyPresigned({ url, method, headers = {} }, secret = SECRET) {
  const u = new URL(url);
  const raw = u.search.slice(1).split('&').map((p) => {
    const i = p.indexOf('=');
    return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
  });
  const params = Object.fromEntries(raw.map(([k, v]) => [k, decodeURIComponent(v)]));
  const signature = params['X-Amz-Signature'];
  const query = raw.filter(([k]) => k !== 'X-Amz-Signature')
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
  // Every header the caller must send is signed, with host.
  const all = { ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), host: u.host };
  const names = Object.keys(all).sort();
  assert.equal(params['X-Amz-SignedHeaders'], names.join(';'));
  const canonicalHeaders = names.map((n) => `${n}:${String(all[n]).trim().replace(/ +/g, ' ')}\n`).join('');
  const canonical = [method, u.pathname, query, canonicalHeaders, names.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
  const [, date, region, service] = params['X-Amz-Credential'].split('/');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', params['X-Amz-Date'], scope,
    createHash('sha256').update(canonical).digest('hex')].join('\n');
  let k = `AWS4${secret}`;
  for (const part of [date, region, service, 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  assert.equal(signature, createHmac('sha256', k).update(toSign).digest('hex'), `signature of ${url}`);
  return params;
}

after(() => {
  assert.deepEqual(fetchCalls, [], 'no test here may reach the network');
});

describe('loading the module', () => {
  // The same clock and inputs give the same URL whichever way the module came.
  async function presignWith(wasm) {
    const s3 = await S3Client.create(options({ wasm }));
    try {
      return s3.presign({ ...UPLOAD, partNumber: 7 }).url;
    } finally {
      s3.destroy();
    }
  }

  it('from bytes, an ArrayBuffer, a WebAssembly.Module, a file: URL, a Response, the default', async () => {
    const expected = await presignWith(wasmBytes);
    const ab = wasmBytes.buffer.slice(wasmBytes.byteOffset, wasmBytes.byteOffset + wasmBytes.byteLength);
    const sources = {
      Uint8Array: new Uint8Array(wasmBytes),
      ArrayBuffer: ab,
      Module: await WebAssembly.compile(wasmBytes),
      'file: URL': pathToFileURL(wasmPath),
      'file: URL string': pathToFileURL(wasmPath).href,
      'Response (application/wasm)': new Response(wasmBytes, { headers: { 'content-type': 'application/wasm' } }),
      'Response (no content type)': new Response(wasmBytes),
      'Promise of bytes': Promise.resolve(wasmBytes),
      default: undefined,
    };
    for (const [name, wasm] of Object.entries(sources)) {
      assert.equal(await presignWith(wasm), expected, name);
    }
  });

  it('one compiled Module serves many clients, each with its own instance', async () => {
    const module = await WebAssembly.compile(wasmBytes);
    const a = await S3Client.create(options({ wasm: module }));
    const b = await S3Client.create(options({
      wasm: module, credentials: { accessKeyId: 'OTHERKEY', secretAccessKey: 'other-secret' },
    }));
    assert.notEqual(a.abi.memoryBytes().buffer, b.abi.memoryBytes().buffer);
    a.destroy();
    // b is untouched by a's destroy.
    verifyPresigned(b.presign({ ...UPLOAD, partNumber: 1 }), 'other-secret');
    b.destroy();
  });

  it('refuses what is not a module, and a failed Response', async () => {
    await assert.rejects(S3Client.create(options({ wasm: 42 })), TypeError);
    await assert.rejects(S3Client.create(options({ wasm: new Uint8Array([0, 97, 115, 109]) })),
      WebAssembly.CompileError);
    await assert.rejects(S3Client.create(options({ wasm: new Response('nope', { status: 404 }) })),
      /HTTP 404/);
  });

  it('checks the ABI version', async () => {
    const { instance } = await WebAssembly.instantiate(wasmBytes, {});
    assert.equal(instance.exports.s3mpu_wasm_abi_version(), 3);
    const other = { exports: { ...instance.exports, s3mpu_wasm_abi_version: () => 1 } };
    assert.throws(() => new WasmAbi(other), /ABI 1, this package needs 3/);
  });

  it('S3Client cannot be constructed without a WasmAbi', () => {
    assert.throws(() => new S3Client({}, options()), TypeError);
  });
});

describe('options', () => {
  it('missing endpoint or credentials: TypeError at create, before loading anything', async () => {
    const bad = [
      undefined,
      {},
      options({ endpoint: undefined }),
      options({ endpoint: '' }),
      options({ credentials: undefined }),
      options({ credentials: { accessKeyId: ACCESS_KEY } }),
      options({ credentials: { secretAccessKey: SECRET } }),
      options({ credentials: { accessKeyId: 1, secretAccessKey: SECRET } }),
    ];
    for (const o of bad) {
      // wasm: 42 would fail to load: the TypeError must come from the options check.
      await assert.rejects(S3Client.create(o && { ...o, wasm: 42 }), (e) => {
        assert.ok(e instanceof TypeError, e);
        assert.match(e.message, /options/);
        return true;
      });
    }
  });

  it('bad endpoint, region or credentials: S3InputError at create', async () => {
    const cases = [
      [{ endpoint: 'ftp://example.com' }, 'InvalidEndpoint'],
      [{ endpoint: 'http://' }, 'InvalidEndpoint'],
      [{ region: 'US EAST' }, 'InvalidRegion'],
      [{ credentials: { accessKeyId: '', secretAccessKey: SECRET } }, 'InvalidCredentials'],
      [{ credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: '' } }, 'InvalidCredentials'],
      [{ credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET.repeat(10) } }, 'InvalidCredentials'],
    ];
    for (const [o, code] of cases) {
      await assert.rejects(S3Client.create(options(o)), (e) => {
        assert.ok(e instanceof S3InputError, e);
        assert.equal(e.code, code, e.message);
        for (const text of [e.message, e.stack, JSON.stringify(e)]) {
          assert.ok(!text.includes(SECRET) && !text.includes(SECRET.slice(5, 25)), `secret in ${text}`);
        }
        return true;
      });
    }
  });
});

describe('presign', () => {
  let s3;
  it('an UploadPart URL: path style, query authentication, verifiable signature', async () => {
    s3 = await S3Client.create(options());
    const p = s3.presign({ ...UPLOAD, partNumber: 3, expiresIn: 900 });
    assert.equal(p.method, 'PUT');
    assert.deepEqual(Object.keys(p.headers).filter((h) => /^(authorization|x-amz-date|host)$/i.test(h)), []);
    const u = new URL(p.url);
    assert.equal(u.origin, ENDPOINT);
    assert.equal(u.pathname, '/core-bucket/dir/file%20name%2B1.bin');
    const params = verifyPresigned(p);
    assert.equal(params['X-Amz-Algorithm'], 'AWS4-HMAC-SHA256');
    assert.equal(params['X-Amz-Credential'], `${ACCESS_KEY}/20260102/us-east-1/s3/aws4_request`);
    assert.equal(params['X-Amz-Date'], '20260102T030405Z');
    assert.equal(params['X-Amz-Expires'], '900');
    assert.equal(params.partNumber, '3');
    assert.equal(params.uploadId, UPLOAD.uploadId);
    assert.match(params['X-Amz-Signature'], /^[0-9a-f]{64}$/);
    assert.ok(!p.url.includes(SECRET) && !p.url.includes(encodeURIComponent(SECRET)));
    // Default expiry: one hour.
    assert.equal(new URL(s3.presign({ ...UPLOAD, partNumber: 3 }).url).searchParams.get('X-Amz-Expires'), '3600');
  });

  it('other operations: method and subresource', () => {
    const cases = [
      ['putObject', 'PUT', []],
      ['createMultipartUpload', 'POST', ['uploads']],
      ['completeMultipartUpload', 'POST', ['uploadId']],
      ['abortMultipartUpload', 'DELETE', ['uploadId']],
      ['listParts', 'GET', ['uploadId']],
      ['headObject', 'HEAD', []],
    ];
    for (const [operation, method, has] of cases) {
      const p = s3.presign({ operation, ...UPLOAD, expiresIn: 60, parts: [{ partNumber: 1, etag: '"e"' }] });
      assert.equal(p.method, method, operation);
      const params = verifyPresigned(p);
      for (const name of has) assert.ok(name in params, `${operation}: ${name} in ${p.url}`);
    }
    assert.throws(() => s3.presign({ operation: 'deleteBucket', ...UPLOAD }), TypeError);
  });

  it('presignParts: 1,000 URLs, one per part, each verifiable and distinct', () => {
    const partNumbers = Array.from({ length: 1000 }, (_, i) => i + 1);
    const t = performance.now();
    const urls = s3.presignParts({ ...UPLOAD, partNumbers, expiresIn: 7200 });
    const ms = performance.now() - t;
    assert.equal(urls.length, 1000);
    const signatures = new Set();
    urls.forEach(({ partNumber, url }, i) => {
      assert.equal(partNumber, i + 1);
      const q = new URL(url).searchParams;
      assert.equal(q.get('partNumber'), String(i + 1));
      assert.equal(q.get('uploadId'), UPLOAD.uploadId);
      assert.equal(q.get('X-Amz-Expires'), '7200');
      signatures.add(q.get('X-Amz-Signature'));
    });
    assert.equal(signatures.size, 1000);
    // Spot checks: the signature, and the same URL as a single presign.
    for (const i of [0, 1, 499, 998, 999]) {
      verifyPresigned({ url: urls[i].url, method: 'PUT' });
      assert.equal(urls[i].url, s3.presign({ ...UPLOAD, partNumber: i + 1, expiresIn: 7200 }).url);
    }
    // Any order, any subset.
    const some = s3.presignParts({ ...UPLOAD, partNumbers: [10000, 5, 1] });
    assert.deepEqual(some.map((p) => new URL(p.url).searchParams.get('partNumber')), ['10000', '5', '1']);
    assert.ok(ms < 5000, `presignParts(1000) took ${ms} ms`);
    assert.throws(() => s3.presignParts({ ...UPLOAD, partNumbers: [] }), TypeError);
    assert.throws(() => s3.presignParts({ ...UPLOAD, partNumbers: [1, 10001] }), { name: 'S3InputError', code: 'InvalidPartNumber' });
  });

  it('a clock option moves X-Amz-Date', async () => {
    const c = await S3Client.create(options({ clock: () => T0 + 86_400_000 }));
    const q = new URL(c.presign({ ...UPLOAD, partNumber: 1 }).url).searchParams;
    assert.equal(q.get('X-Amz-Date'), '20260103T030405Z');
    c.destroy();
  });

  after(() => s3?.destroy());
});

describe('input refused before sending: S3InputError', () => {
  let s3;
  const messages = [];

  async function refuses(fn, code, what) {
    try {
      await fn();
    } catch (e) {
      assert.ok(e instanceof S3InputError, `${what}: ${e?.stack ?? e}`);
      assert.ok(e instanceof TypeError, `${what}: S3InputError is a TypeError`);
      assert.ok(!(e instanceof S3Error), what);
      assert.equal(e.code, code, `${what}: ${e.message}`);
      assert.ok(e.message.length > 0, what);
      messages.push(e.message, e.stack);
      return;
    }
    assert.fail(`${what}: no error`);
  }

  const part = { ...UPLOAD, partNumber: 1, body: new Uint8Array(10) };
  const create = { bucket: UPLOAD.bucket, key: UPLOAD.key };
  const cases = [
    ['bucket with capitals', (c) => c.createMultipartUpload({ ...create, bucket: 'Core_Bucket' }), 'InvalidBucketName'],
    ['bucket too short', (c) => c.uploadPart({ ...part, bucket: 'ab' }), 'InvalidBucketName'],
    ['bucket like an IP', (c) => c.putObject({ ...create, bucket: '192.168.1.1', body: 'x' }), 'InvalidBucketName'],
    ['key of 1025 bytes', (c) => c.createMultipartUpload({ ...create, key: 'k'.repeat(1025) }), 'InvalidKey'],
    ['key of 342 three-byte characters (1026 bytes)', (c) => c.headObject({ ...create, key: '\u20ac'.repeat(342) }), 'InvalidKey'],
    ['empty key', (c) => c.putObject({ ...create, key: '', body: 'x' }), 'InvalidKey'],
    ['part number 0', (c) => c.uploadPart({ ...part, partNumber: 0 }), 'InvalidPartNumber'],
    ['part number 10001', (c) => c.uploadPart({ ...part, partNumber: 10001 }), 'InvalidPartNumber'],
    ['presign part 0', (c) => c.presign({ ...UPLOAD, partNumber: 0 }), 'InvalidPartNumber'],
    ['presign part 10001', (c) => c.presign({ ...UPLOAD, partNumber: 10001 }), 'InvalidPartNumber'],
    ['expires 604801', (c) => c.presign({ ...UPLOAD, partNumber: 1, expiresIn: 604801 }), 'InvalidExpires'],
    ['expires 0', (c) => c.presignParts({ ...UPLOAD, partNumbers: [1], expiresIn: 0 }), 'InvalidExpires'],
    ['storage class GLACIER_X', (c) => c.createMultipartUpload({ ...create, storageClass: 'GLACIER_X' }), 'InvalidStorageClass'],
    ['content type with CR LF', (c) => c.createMultipartUpload({ ...create, contentType: 'text/plain\r\nX-Evil: 1' }), 'InvalidHeader'],
    ['cache control with LF', (c) => c.putObject({ ...create, body: 'x', cacheControl: 'no-cache\nx' }), 'InvalidHeader'],
    ['content disposition with CR', (c) => c.createMultipartUpload({ ...create, contentDisposition: 'a\rb' }), 'InvalidHeader'],
    ['metadata value with CR LF', (c) => c.createMultipartUpload({ ...create, metadata: { a: 'x\r\ny' } }), 'InvalidMetadata'],
    ['metadata over 2 KB', (c) => c.createMultipartUpload({ ...create, metadata: { a: 'x'.repeat(1500), b: 'y'.repeat(600) } }), 'InvalidMetadata'],
    ['metadata name not a token', (c) => c.putObject({ ...create, body: 'x', metadata: { 'a b': '1' } }), 'InvalidMetadata'],
    ['upload id missing', (c) => c.listParts({ ...UPLOAD, uploadId: undefined }), 'InvalidUploadId'],
    ['parts out of order', (c) => c.completeMultipartUpload({ ...UPLOAD, parts: [{ partNumber: 2, etag: '"a"' }, { partNumber: 1, etag: '"b"' }] }), 'InvalidPartOrder'],
  ];

  it('creates the client', async () => {
    s3 = await S3Client.create(options());
  });

  for (const [what, fn, code] of cases) {
    it(what, () => refuses(() => fn(s3), code, what));
  }

  it('metadata of exactly 2 KB is accepted', () => {
    // Names and values together: 1 + 1499 + 1 + 547 = 2048.
    const p = s3.presign({ operation: 'putObject', ...create, metadata: { a: 'x'.repeat(1499), b: 'y'.repeat(547) } });
    verifyPresigned(p);
    assert.equal(p.headers['x-amz-meta-b'], 'y'.repeat(547));
  });

  it('no message names the secret', () => {
    assert.ok(messages.length >= cases.length * 2);
    for (const text of messages) {
      assert.ok(!text.includes(SECRET) && !text.includes(SECRET.slice(5, 25)), text);
    }
  });

  after(() => s3?.destroy());
});

describe('plan: how upload() cuts a body', () => {
  const MiB = 1024 * 1024;
  it('equal parts of the preferred size but the last; raised only past 10,000 parts', async () => {
    const s3 = await S3Client.create(options());
    assert.deepEqual(s3.plan({ size: 0 }), { partSize: 8 * MiB, partCount: 1 });
    assert.deepEqual(s3.plan({ size: 8 * MiB }), { partSize: 8 * MiB, partCount: 1 });
    assert.deepEqual(s3.plan({ size: 8 * MiB + 1 }), { partSize: 8 * MiB, partCount: 2 });
    assert.deepEqual(s3.plan({ size: 100 * MiB, partSize: 5 * MiB }), { partSize: 5 * MiB, partCount: 20 });
    const huge = s3.plan({ size: 5 * 1024 * 1024 * MiB }); // 5 TiB, S3's largest object
    assert.ok(huge.partCount <= 10_000 && huge.partSize * huge.partCount >= 5 * 1024 * 1024 * MiB, JSON.stringify(huge));
    assert.ok(huge.partSize * (huge.partCount - 1) < 5 * 1024 * 1024 * MiB, 'no empty last part');
    for (const [params, code] of [
      [{ size: -1 }, 'InvalidArgument'], [{ size: 1.5 }, 'InvalidArgument'], [{}, 'InvalidArgument'],
      [{ size: MiB, partSize: 0 }, 'InvalidArgument'], [{ size: 100 * MiB, partSize: MiB }, 'InvalidPartSize'],
      [{ size: 5 * 1024 * 1024 * MiB + 1 }, 'EntityTooLarge'],
    ]) {
      assert.throws(() => s3.plan(params), (e) => e instanceof S3InputError && e.code === code, JSON.stringify(params));
    }
    s3.destroy();
  });
});

describe('createMd5: MD5 without a client (pages sending parts to presigned URLs)', () => {
  const bytes = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 7919) & 255);
  const md5 = (b) => createHash('md5').update(b).digest();
  for (const native of [true, false]) {
    it(native ? 'node:crypto (Node)' : 'wasm (what browsers and workers run)', async () => {
      useNative(native);
      try {
        const m = await createMd5({ wasm: wasmBytes });
        assert.deepEqual(m.digest(bytes), { hex: md5(bytes).toString('hex'), base64: md5(bytes).toString('base64') });
        assert.equal(m.digest(bytes.buffer).hex, md5(bytes).toString('hex'), 'an ArrayBuffer');
        assert.equal(m.digest(new DataView(bytes.buffer, 5, 100)).hex, md5(bytes.subarray(5, 105)).toString('hex'), 'a view');
        const blob = new Blob([bytes]);
        assert.equal((await m.digestBlob(blob)).hex, md5(bytes).toString('hex'));
        assert.equal((await m.digestBlob(blob, 1000, 2_000_000)).base64, md5(bytes.subarray(1000, 2_000_000)).toString('base64'));
        const parts = [bytes.subarray(0, 2 * 1024 * 1024), bytes.subarray(2 * 1024 * 1024)];
        const whole = md5(Buffer.concat(parts.map(md5))).toString('hex');
        assert.equal(m.multipartEtag(parts.map((p) => m.digest(p).hex)), `${whole}-2`);
      } finally {
        useNative(true);
      }
    });
  }
  it('bad input: S3InputError', async () => {
    const m = await createMd5({ wasm: wasmBytes });
    for (const [what, fn] of [
      ['a string', () => m.digest('abc')], ['nothing', () => m.digest()],
      ['not a Blob', () => m.digestBlob(new Uint8Array(3))], ['a range past the end', () => m.digestBlob(new Blob(['abc']), 0, 4)],
      ['a backwards range', () => m.digestBlob(new Blob(['abc']), 2, 1)],
      ['no parts', () => m.multipartEtag([])], ['not hex', () => m.multipartEtag(['xyz'])],
    ]) {
      await assert.rejects(async () => fn(), (e) => e instanceof S3InputError && e.code === 'InvalidArgument', what);
    }
  });
});

describe('destroy', () => {
  it('erases the secret from wasm memory; the client refuses to sign after', async () => {
    const s3 = await S3Client.create(options({ retry: { attempts: 1 } }));
    const secret = Buffer.from(SECRET);
    // Use it first: signing derives keys from the secret in wasm memory.
    s3.presign({ ...UPLOAD, partNumber: 1 });
    s3.presignParts({ ...UPLOAD, partNumbers: [1, 2, 3] });
    await assert.rejects(s3.uploadPart({ ...UPLOAD, partNumber: 1, body: 'x' }), /must not be called/);
    fetchCalls.length = 0;
    // The scan finds it while the client lives (the client keeps it to derive each day's key).
    assert.ok(occurrences(s3.abi.memoryBytes(), secret) >= 1, 'secret in memory before destroy');
    s3.destroy();
    assert.equal(occurrences(s3.abi.memoryBytes(), secret), 0, 'secret left in wasm memory after destroy');
    // Nor a large piece of it (an "AWS4" + secret buffer, a copy missing its first bytes).
    assert.equal(occurrences(s3.abi.memoryBytes(), secret.subarray(4, 24)), 0);
    assert.equal(occurrences(s3.abi.memoryBytes(), Buffer.from(`AWS4${SECRET}`)), 0);
    assert.throws(() => s3.presign({ ...UPLOAD, partNumber: 1 }), /destroyed/);
    await assert.rejects(s3.uploadPart({ ...UPLOAD, partNumber: 1, body: 'x' }), /destroyed/);
    assert.deepEqual(fetchCalls, [], 'a destroyed client sends nothing');
  });

  it('the secret is not kept on the JS side', async () => {
    const creds = { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET };
    const s3 = await S3Client.create(options({ credentials: creds }));
    const seen = new Set();
    const walk = (v, depth) => {
      if (depth > 3 || v === null || typeof v !== 'object' || seen.has(v)) return;
      if (v instanceof WebAssembly.Memory || ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return;
      seen.add(v);
      for (const k of Object.keys(v)) {
        assert.notEqual(v[k], SECRET, `client.${k} holds the secret`);
        walk(v[k], depth + 1);
      }
    };
    walk(s3, 0);
    assert.ok(!JSON.stringify(s3, (_k, v) => (ArrayBuffer.isView(v) ? undefined : v)).includes(SECRET));
    s3.destroy();
  });
});

// The .d.ts against a file that uses the API (tests/js/types-check.ts), when typescript is
// installed in tests/js (a dev dependency).
const tsc = path.join(here, 'node_modules', 'typescript', 'bin', 'tsc');
describe('types', () => {
  it('js/types/index.d.ts compiles with a program using it (tsc --strict)', {
    skip: !existsSync(tsc) && 'typescript not installed in tests/js', timeout: 120_000,
  }, async () => {
    const out = await new Promise((resolve) => {
      execFile(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext',
        '--moduleResolution', 'nodenext', '--lib', 'es2022,dom,dom.iterable',
        path.join(here, 'types-check.ts')], { cwd: here }, (error, stdout, stderr) => resolve({ error, stdout, stderr }));
    });
    assert.equal(out.error, null, `${out.stdout}${out.stderr}`);
  });
});
