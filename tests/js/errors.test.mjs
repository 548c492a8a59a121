// The error policy (js/src/errors.js), without a server: three classes, each with a code, and
// the codes JS throws itself spelled as the core spells them.
//
//   node --test tests/js/errors.test.mjs      (S3MPU_WASM picks the module; default js/s3mpu.wasm)
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { S3Error, S3InputError, S3VerifyError } from '../../js/src/index.node.js';
import { loadAbi } from '../../js/src/wasm.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, '../../js/src');

// Codes only JS throws (the core has no such rule): each is documented where it is thrown.
const JS_ONLY_INPUT_CODES = ['BodyChanged', 'BodySizeMismatch', 'ClientDestroyed', 'InvalidProfile', 'ResumeMismatch'];

/** Every `new S3InputError('Code'` in js/src (the CLI included). */
async function inputCodesThrown() {
  const codes = new Set();
  for (const entry of await readdir(src, { recursive: true })) {
    if (!entry.endsWith('.js')) continue;
    const text = await readFile(path.join(src, entry), 'utf8');
    for (const [, code] of text.matchAll(/S3InputError\(\s*'([A-Za-z0-9]+)'/g)) codes.add(code);
  }
  return [...codes].sort();
}

describe('the three classes', () => {
  it('S3InputError: a TypeError with a code', () => {
    const e = new S3InputError('InvalidKey', 'key is empty');
    assert.ok(e instanceof TypeError);
    assert.equal(e.name, 'S3InputError');
    assert.equal(e.code, 'InvalidKey');
    assert.equal(e.message, 'key is empty');
  });

  it('S3Error: the code and status the store sent', () => {
    const e = new S3Error({ code: 'NoSuchUpload', message: 'gone', status: 404, requestId: 'r1' });
    assert.equal(e.name, 'S3Error');
    assert.equal(e.message, 'NoSuchUpload: gone (HTTP 404, request r1)');
    assert.deepEqual([e.code, e.status, e.requestId], ['NoSuchUpload', 404, 'r1']);
  });

  it('S3VerifyError: apart from S3Error, with no invented status', () => {
    const e = new S3VerifyError({ code: 'ETagMismatch', message: 'object ETag "x", expected "y"' });
    assert.ok(!(e instanceof S3Error) && !(e instanceof TypeError));
    assert.equal(e.name, 'S3VerifyError');
    assert.equal(e.status, undefined);
    assert.equal(e.message, 'ETagMismatch: object ETag "x", expected "y"');
    assert.equal(new S3VerifyError({ code: 'ChecksumMismatch', message: 'm', status: 200 }).message, 'ChecksumMismatch: m (HTTP 200)');
  });
});

describe('answers the core parses', () => {
  let abi;
  before(async () => {
    abi = await loadAbi();
  });
  const xml = (s) => new TextEncoder().encode(s);

  it('an <Error> document, also inside a 200: S3Error', () => {
    assert.throws(() => abi.parse('completeMultipartUpload', xml('<Error><Code>InternalError</Code></Error>'), 200, 'r'),
      (e) => e instanceof S3Error && e.code === 'InternalError' && e.status === 200);
  });

  it('a 2xx body we cannot read: S3VerifyError with the real status', () => {
    assert.throws(() => abi.parse('createMultipartUpload', xml('<InitiateMultipartUploadResult>'), 200, 'r2'),
      (e) => e instanceof S3VerifyError && e.code === 'MalformedXML' && e.status === 200 && e.requestId === 'r2');
    assert.throws(() => abi.parse('listParts', xml('<Other/>'), 200),
      (e) => e instanceof S3VerifyError && e.code === 'UnexpectedXML');
  });

  it('an error status whose body is no S3 <Error>: S3Error with a code from the status, not MalformedXML', () => {
    assert.throws(() => abi.parse('error', xml('not xml'), 503),
      (e) => e instanceof S3Error && e.status === 503 && e.code === 'ServiceUnavailable' && e.message === 'ServiceUnavailable: not xml (HTTP 503)');
    const html = '<html><head><title>500 Internal Server Error</title></head><body><h1>Oops</h1></body></html>';
    assert.throws(() => abi.parse('error', xml(html), 500, 'r3'),
      (e) => e instanceof S3Error && e.code === 'InternalError' && e.requestId === 'r3' &&
        e.message === 'InternalError: 500 Internal Server Error Oops (HTTP 500, request r3)');
    assert.throws(() => abi.parse('error', xml('File not found'), 404), { code: 'NotFound' });
    assert.throws(() => abi.parse('error', xml('x'.repeat(1000)), 418),
      (e) => e.code === 'ClientError' && e.message.length < 260, 'an unknown status; long text cut');
    // A real S3 MalformedXML (Swift's answer to checksums in Complete) stays what it is.
    assert.throws(() => abi.parse('error', xml('<Error><Code>MalformedXML</Code></Error>'), 400), { code: 'MalformedXML' });
  });
});

describe('the policy in the sources', () => {
  /** Lines of js/src (the CLI and direct/ included) that match `re`, as "file:line: text". */
  async function linesMatching(re) {
    const found = [];
    for (const entry of await readdir(src, { recursive: true })) {
      if (!entry.endsWith('.js')) continue;
      const lines = (await readFile(path.join(src, entry), 'utf8')).split('\n');
      lines.forEach((line, i) => {
        if (re.test(line)) found.push(`js/src/${entry}:${i + 1}: ${line.trim()}`);
      });
    }
    return found;
  }

  it('input is refused with S3InputError and a code, never a bare TypeError', async () => {
    assert.deepEqual(await linesMatching(/new TypeError\(/), []);
  });

  it('no S3Error with an invented status: what we could not verify is S3VerifyError', async () => {
    assert.deepEqual(await linesMatching(/new S3Error\(\{[^}]*status: (0|200)\b/), []);
  });
});

describe('codes', () => {
  it('every S3InputError code JS throws is the core\'s name for that rule, or one of JS\'s own', async () => {
    const abi = await loadAbi();
    const core = new Set();
    for (let err = 1; err < abi.constants.E_COUNT; err++) core.add(abi.errorName(err));
    for (const code of JS_ONLY_INPUT_CODES) assert.ok(!core.has(code), `${code} is a core name now: drop it from JS_ONLY_INPUT_CODES`);
    for (const code of await inputCodesThrown()) {
      assert.ok(core.has(code) || JS_ONLY_INPUT_CODES.includes(code),
        `js/src throws S3InputError('${code}'), which core/src/error.c's table does not have: a renamed core code?`);
    }
  });
});
