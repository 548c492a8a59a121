// The s3mpu command line (js/bin/s3mpu.js), run as a child process the way a
// user runs it: `sign` against the AWS documentation's worked examples and bad
// inputs, usage errors, and against the test store: upload of a file and of
// stdin, an upload killed with SIGTERM and resumed, presigned part URLs used
// with plain fetch, abort, list-uploads, and a wrong secret.
// Every object uploaded is read back with the independent verifier.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile, rm, access } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli, childEnv, slowProxy, openCliStore, closeCliStore } from './harness/cli.mjs';
import { pathFilter, globToRegExp } from '../../js/src/cli/tree.js';

const VECTORS = '/work/shared/testvectors/s3-doc-examples.json';
const MiB = 1024 * 1024;
const HAVE_STORE = Boolean(process.env.S3MPU_TEST_ENDPOINT);

// ---- sign: the AWS documentation's examples ---------------------------------------

const examples = JSON.parse(readFileSync(VECTORS, 'utf8')).examples;

/** The `s3mpu sign` input for one documented example (virtual-hosted on s3.amazonaws.com). */
function signInput(e) {
  const bucket = e.host.split('.')[0];
  const input = {
    method: e.method,
    endpoint: `https://${e.host.slice(bucket.length + 1)}`,
    addressing_style: 'virtual',
    bucket,
    key: e.path.slice(1),
    // As documented: Host, x-amz-date and x-amz-content-sha256 included (the
    // CLI checks Host and drops what the signer writes itself), and for the
    // presigned one the X-Amz-* parameters too.
    query: e.query,
    headers: e.headers,
    credentials: { access_key: e.access_key, secret_key: e.secret_key },
    region: e.region,
    service: e.service,
    amz_date: e.amz_date,
  };
  if (e.auth_type === 'query') {
    Object.assign(input, { presign: true, expires: e.expires, payload: 'UNSIGNED-PAYLOAD' });
  } else if (e.body !== undefined) {
    Object.assign(input, { payload: 'hash', body: e.body });
  } else {
    Object.assign(input, { payload: 'precomputed', payload_hash: e.payload_hash });
  }
  return input;
}

describe('s3mpu sign', { concurrency: 4 }, () => {
  assert.equal(examples.length, 5);
  for (const e of examples) {
    test(`reproduces the AWS example ${e.name}`, async () => {
      const r = await runCli(['sign'], { input: JSON.stringify(signInput(e)) });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.canonical_request, e.expected_canonical_request);
      assert.equal(out.string_to_sign, e.expected_string_to_sign);
      assert.equal(out.signature, e.expected_signature);
      assert.equal(out.payload_hash, e.payload_hash);
      if (e.auth_type === 'query') {
        assert.equal(out.presigned_url, e.expected_url);
        assert.equal(out.url, e.expected_url);
        assert.equal(out.authorization, undefined);
      } else {
        // The docs write no space after the commas; S3 accepts both.
        assert.equal(out.authorization.replace(/, /g, ','), e.expected_authorization);
        assert.equal(out.presigned_url, undefined);
        const sent = Object.fromEntries(out.headers.map(([n, v]) => [n.toLowerCase(), v]));
        assert.equal(sent.authorization, out.authorization);
        assert.equal(sent['x-amz-date'], e.amz_date);
        assert.equal(sent['x-amz-content-sha256'], e.payload_hash);
        assert.equal(sent.host, e.host);
        const query = e.query.map(([n, v]) => `${n}=${v}`).join('&');
        assert.equal(out.url, `https://${e.host}${e.canonical_uri}${query ? `?${query}` : ''}`);
      }
      assert.equal(out.signed_headers, e.expected_canonical_request.split('\n').at(-2));
    });
  }

  test('path style, a session token and a default port', async () => {
    const input = {
      method: 'PUT', endpoint: 'http://127.0.0.1:80', addressing_style: 'path', bucket: 'b', key: 'dir/a b+c.txt',
      query: [['partNumber', 3], ['uploadId', 'x~y']], headers: [['Content-Length', '5']], body: 'hello',
      credentials: { access_key: 'AKID', secret_key: 'SECRET/KEY', session_token: 'TOKEN==' },
      region: 'us-east-1', amz_date: '20240229T235959Z',
    };
    const r = await runCli(['sign'], { input: JSON.stringify(input) });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.url, 'http://127.0.0.1/b/dir/a%20b%2Bc.txt?partNumber=3&uploadId=x~y');
    assert.match(out.canonical_request, /^PUT\n\/b\/dir\/a%20b%2Bc\.txt\npartNumber=3&uploadId=x~y\ncontent-length:5\nhost:127\.0\.0\.1\n/);
    assert.equal(out.signed_headers, 'content-length;host;x-amz-content-sha256;x-amz-date;x-amz-security-token');
    assert.equal(out.payload_hash, createHash('sha256').update('hello').digest('hex'));
    assert.deepEqual(out.headers.find(([n]) => n === 'x-amz-security-token'), ['x-amz-security-token', 'TOKEN==']);
    assert.ok(!r.stdout.includes('SECRET/KEY'));
  });

  test('body_b64 is hashed as bytes', async () => {
    const bytes = Buffer.from([0, 255, 128, 10]);
    const input = {
      method: 'PUT', endpoint: 'https://s3.example.com', bucket: 'b', key: 'k', body_b64: bytes.toString('base64'),
      credentials: { access_key: 'AKID', secret_key: 'S' }, region: 'r1', amz_date: '20240101T000000Z',
    };
    const out = JSON.parse((await runCli(['sign'], { input: JSON.stringify(input) })).stdout);
    assert.equal(out.payload_hash, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(out.url, 'https://b.s3.example.com/k');
  });

  test('credentials and region from the environment; path style for IP and localhost by default; an unsigned body', async () => {
    const input = {
      method: 'PUT', endpoint: 'http://localhost:9000', bucket: 'b', key: 'k', body: 'not hashed', payload: 'UNSIGNED-PAYLOAD',
      amz_date: '20240101T000000Z',
    };
    const env = childEnv({ AWS_ACCESS_KEY_ID: 'AKIDENV', AWS_SECRET_ACCESS_KEY: 'SECRET/FROM/ENV', S3MPU_REGION: 'eu-west-1' });
    let r = await runCli(['sign'], { input: JSON.stringify(input), env });
    assert.equal(r.code, 0, r.stderr);
    let out = JSON.parse(r.stdout);
    assert.equal(out.url, 'http://localhost:9000/b/k');
    assert.equal(out.payload_hash, 'UNSIGNED-PAYLOAD');
    assert.match(out.authorization, /Credential=AKIDENV\/20240101\/eu-west-1\/s3\/aws4_request/);
    assert.ok(!r.stdout.includes('SECRET/FROM/ENV'));
    r = await runCli(['sign'], { input: JSON.stringify({ ...input, endpoint: 'http://10.1.2.3:7480' }), env });
    assert.equal(JSON.parse(r.stdout).url, 'http://10.1.2.3:7480/b/k');
    // S3MPU_* wins over AWS_* (never a mix); a named host stays virtual-hosted.
    r = await runCli(['sign'], {
      input: JSON.stringify({ ...input, endpoint: 'https://s3.example.com' }),
      env: { ...env, S3MPU_ACCESS_KEY_ID: 'AKIDS3MPU', S3MPU_SECRET_ACCESS_KEY: 'other' },
    });
    out = JSON.parse(r.stdout);
    assert.equal(out.url, 'https://b.s3.example.com/k');
    assert.match(out.authorization, /Credential=AKIDS3MPU\//);
  });

  const good = signInput(examples[0]);
  const badInputs = [
    ['not JSON', 'GET /', /stdin is not JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['an unknown field', { ...good, secret: 'x' }, /unknown field "secret"/],
    ['no region', { ...good, region: undefined }, /region must be/],
    ['a bad amz_date', { ...good, amz_date: '2013-05-24T00:00:00Z' }, /amz_date must look like/],
    ['a day that does not exist', { ...good, amz_date: '20130230T000000Z' }, /not a valid time/],
    ['a bad endpoint', { ...good, endpoint: 's3.amazonaws.com' }, /endpoint must be a URL/],
    ['an endpoint with a path', { ...good, endpoint: 'https://s3.amazonaws.com/x' }, /no path/],
    ['a Host that is not the endpoint\'s', { ...good, bucket: 'other' }, /Host header .* is not the host/],
    ['a bad addressing style', { ...good, addressing_style: 'vhost' }, /addressing_style/],
    ['no credentials', { ...good, credentials: undefined }, /credentials must be/],
    ['no secret', { ...good, credentials: { access_key: 'AKID' } }, /secret_key/],
    ['a short payload hash', { ...good, payload_hash: 'abc' }, /payload_hash must be 64/],
    ['an unknown payload mode', { ...good, payload: 'streaming', payload_hash: undefined }, /payload must be/],
    ['a body with a precomputed hash', { ...good, body: 'x' }, /a body goes with "payload": "hash" or "UNSIGNED-PAYLOAD"/],
    ['headers that are not pairs', { ...good, headers: { Host: 'x' } }, /headers must be a list/],
    ['expires without presign', { ...good, expires: 60 }, /add "presign": true/],
    ['expires over 7 days', { ...signInput(examples[4]), expires: 604801 }, /expires must be whole seconds/],
    ['a method with a space', { ...good, method: 'GE T' }, /method must be/],
    ['a header the core refuses', { ...good, headers: [...good.headers, ['bad name', 'v']] }, /core refused to sign: InvalidHeader/],
  ];
  for (const [what, input, message] of badInputs) {
    test(`refuses ${what} with exit status 2`, async () => {
      const r = await runCli(['sign'], { input: typeof input === 'string' ? input : JSON.stringify(input) });
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^s3mpu: sign: /);
      assert.match(r.stderr, message);
      assert.ok(!r.stderr.includes(good.credentials.secret_key), 'the secret is not echoed');
    });
  }
});

// ---- usage ----------------------------------------------------------------------------

describe('usage', { concurrency: 4 }, () => {
  test('--help and upload --help print usage and exit 0', async () => {
    for (const args of [['--help'], ['upload', '--help'], ['cp', '--help'], ['gc', '--help'], ['presign', '--help'],
      ['sign', '--help'], ['abort', '--help'], ['list-uploads', '--help']]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, `${args}: ${r.stderr}`);
      assert.match(r.stdout, /^usage: s3mpu/, args.join(' '));
    }
  });

  const env = childEnv({ S3MPU_ENDPOINT: 'http://127.0.0.1:9', S3MPU_ACCESS_KEY_ID: 'AKID', S3MPU_SECRET_ACCESS_KEY: 'S' });
  const cases = [
    [[], /usage: s3mpu COMMAND/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['upload', 'a'], /cp needs a source/],
    [['upload', '--bogus', 'a', 's3://b/k'], /^s3mpu: cp: unknown option --bogus\nusage: s3mpu cp /],
    [['cp', '-', 's3://b/k', '--part-size'], /^s3mpu: cp: --part-size needs a value\nusage: s3mpu cp /],
    [['gc', 's3://b', '--abort=yes'], /^s3mpu: gc: --abort takes no value\nusage: s3mpu gc /],
    [['cp', '.', 's3://b/k'], /is a directory: add -r/],
    [['cp', '.', 's3://b/k', '--include', '*.txt'], /go with -r/],
    [['cp', '-', 's3://b/k', '--on-failure', 'retry'], /--on-failure must be keep or abort/],
    [['cp', '-', 's3://b/k', '--timeout', 'soon'], /--timeout: "soon" is not a duration/],
    [['gc', 's3://b', '--older-than', 'old'], /--older-than: "old" is not a duration/],
    [['upload', '-', 's3://b/k', '--part-size', 'lots'], /--part-size: "lots" is not a size/],
    [['upload', '-', 's3://b/k', '--concurrency', '0'], /--concurrency/],
    [['upload', '-', 's3://b/k', '--checksum', 'sha1'], /--checksum must be one of/],
    [['upload', '-', 's3://b/k', '--meta', 'novalue'], /--meta: "novalue" is not NAME=VALUE/],
    [['upload', '-', 's3://b/', '--no-progress'], /names no key/],
    [['upload', '-', 'https://b/k'], /is not an s3:\/\/BUCKET/],
    [['presign', 's3://b/k', '--part', '1'], /--multipart part needs --upload-id/],
    [['presign', 's3://b/k', '--method', 'post'], /--method must be get, put or head/],
    [['presign', 's3://b/k', '--method', 'get', '--content-type', 'text/plain'], /--content-type goes with --method put/],
    [['presign', 's3://b/k', '--multipart', 'create', '--upload-id', 'u'], /no --upload-id/],
    [['presign', 's3://b/k', '--upload-id', 'u', '--parts', '5-2'], /in order/],
    [['presign', 's3://b/k', '--multipart', 'abort'], /needs --upload-id/],
    [['presign', 's3://b/k', '--expires', '8d'], /--expires/],
    [['abort', 's3://b/k'], /abort needs/],
    [['list-uploads'], /list-uploads needs/],
  ];
  for (const [args, message] of cases) {
    test(`exit 2: s3mpu ${args.join(' ')}`, async () => {
      const r = await runCli(args, { env });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
    });
  }

  test('exit 2 without an endpoint or credentials', async () => {
    let r = await runCli(['list-uploads', 's3://b'], { env: childEnv({ S3MPU_ACCESS_KEY_ID: 'A', S3MPU_SECRET_ACCESS_KEY: 'S' }) });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no endpoint/);
    r = await runCli(['list-uploads', 's3://b'], { env: childEnv({ S3MPU_ENDPOINT: 'http://127.0.0.1:9' }) });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no credentials/);
  });

  test('an endpoint whose region cannot be derived: the message says how to give it', async () => {
    const r = await runCli(['list-uploads', 's3://bucket', '--endpoint', 'https://s3-accesspoint.amazonaws.com'], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /InvalidRegion/);
    assert.match(r.stderr, /--region R or S3MPU_REGION/);
  });

  test('the config file: endpoint and region from it; bad ones refused with its name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 's3mpu-config-'));
    try {
      const path = join(dir, 'config.json');
      const noEndpoint = childEnv({ S3MPU_ACCESS_KEY_ID: 'AKID', S3MPU_SECRET_ACCESS_KEY: 'S', S3MPU_CONFIG: path });
      await writeFile(path, JSON.stringify({ endpoint: 'http://127.0.0.1:9', region: 'xx-test-1' }));
      // Presigning needs no server: the URL shows the config's endpoint and region.
      let r = await runCli(['presign', 's3://bucket/k'], { env: noEndpoint });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^http:\/\/127\.0\.0\.1:9\/bucket\/k\?.*X-Amz-Credential=AKID%2F\d{8}%2Fxx-test-1%2F/);
      await writeFile(path, JSON.stringify({ endpoint: 'http://127.0.0.1:9', secretAccessKey: 'x' }));
      r = await runCli(['presign', 's3://bucket/k'], { env: noEndpoint });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /config\.json: unknown field "secretAccessKey".*credentials go in the environment/);
      await writeFile(path, '{ endpoint');
      r = await runCli(['presign', 's3://bucket/k'], { env: noEndpoint });
      assert.equal(r.code, 2);
      assert.match(r.stderr, /config file .*config\.json is not JSON/);
      // No region anywhere, a host that names none: us-east-1, as the AWS CLI assumes.
      r = await runCli(['presign', 's3://bucket/k', '--endpoint', 'http://localhost:9'], { env: childEnv({ S3MPU_ACCESS_KEY_ID: 'AKID', S3MPU_SECRET_ACCESS_KEY: 'S' }) });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^http:\/\/localhost:9\/bucket\/k\?.*%2Fus-east-1%2F/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('connection refused and https to an http port: what failed and what to do', async () => {
    const server = http.createServer((_req, res) => res.end());
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    try {
      const r = await runCli(['list-uploads', 's3://bucket', '--endpoint', `https://127.0.0.1:${port}`], { env });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`does not speak TLS on that port: use http://127\\.0\\.0\\.1:${port}`));
      assert.ok(!/SSL routines|openssl/i.test(r.stderr), r.stderr);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // The port is free now: nothing listens.
    const r = await runCli(['list-uploads', 's3://bucket', '--endpoint', `http://127.0.0.1:${port}`], { env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ECONNREFUSED/);
    assert.match(r.stderr, /is the server running, and on this port\?/);
  });

  test('scripts/demo.sh takes its port from S3MPU_DEMO_PORT (a busy one: refused before anything starts)', async () => {
    const server = http.createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const demo = fileURLToPath(new URL('../../scripts/demo.sh', import.meta.url));
    try {
      for (const [port, message] of [[server.address().port, /is in use: pick a free port/], ['http', /is not a port number/]]) {
        const r = await new Promise((resolve) => {
          execFile('bash', [demo], { env: childEnv({ S3MPU_DEMO_PORT: String(port) }) }, (error, _stdout, stderr) => resolve({ code: error?.code ?? 0, stderr }));
        });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stderr, message);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('cp -r filters: in order, the last that matches decides (as aws s3 cp); * spans directories', () => {
    const only = (filters) => ['a.txt', 'b.jpg', 'sub/c.txt', 'sub/d.JPG', 'tmp/e.txt'].filter(pathFilter(filters));
    assert.deepEqual(only([]), ['a.txt', 'b.jpg', 'sub/c.txt', 'sub/d.JPG', 'tmp/e.txt']);
    assert.deepEqual(only([{ include: false, glob: '*.txt' }]), ['b.jpg', 'sub/d.JPG']);
    assert.deepEqual(only([{ include: false, glob: '*' }, { include: true, glob: '*.txt' }]), ['a.txt', 'sub/c.txt', 'tmp/e.txt']);
    assert.deepEqual(only([{ include: false, glob: '*' }, { include: true, glob: '*.txt' }, { include: false, glob: 'tmp/*' }]),
      ['a.txt', 'sub/c.txt']);
    assert.deepEqual(only([{ include: false, glob: '*.[jJ][pP][gG]' }, { include: false, glob: '?.txt' }]), ['sub/c.txt', 'tmp/e.txt']);
    assert.ok(globToRegExp('a+b(1).txt').test('a+b(1).txt'), 'regex characters are literal');
  });

  test('a missing file: exit 1', async () => {
    const r = await runCli(['upload', '/nonexistent/file', 's3://b/k'], { env });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read \/nonexistent\/file: no such file/);
  });
});

// ---- against the store ------------------------------------------------------------------

const exists = (path) => access(path).then(() => true, () => false);

describe('against S3', { skip: !HAVE_STORE && 'S3MPU_TEST_ENDPOINT is not set (run scripts/test-js.sh)' }, () => {
  let store;
  let bucket;
  let env;
  let dir;
  let verify;
  // Keys under a prefix of this run's own.
  const prefix = `cli-${process.pid}-${Date.now().toString(36)}/`;
  const upload = (path, key, args = [], opts = {}) => runCli(['upload', path, `s3://${bucket}/${key}`, '--path-style', ...args], { env, ...opts });

  before(async () => {
    ({ store, bucket, env, dir, verify } = await openCliStore('s3mpu-cli-'));
  });

  after(() => closeCliStore({ dir, bucket, verify, prefix }));

  test('upload of a 20 MiB file in 5 MiB parts, read back', async () => {
    const path = join(dir, 'twenty.bin');
    const bytes = randomBytes(20 * MiB);
    await writeFile(path, bytes);
    const key = `${prefix}twenty.bin`;
    const r = await upload(path, key, ['--part-size', '5MiB', '--content-type', 'application/x-test',
      '--meta', 'origin=cli-test', '--meta', 'note=a=b']);
    assert.equal(r.code, 0, r.stderr);
    const { etag } = await verify.verifyObject({
      bucket, key, expectBytes: bytes, expectParts: [5 * MiB, 5 * MiB, 5 * MiB, 5 * MiB],
      expectHeaders: { contentType: 'application/x-test', metadata: { origin: 'cli-test', note: 'a=b' } },
    });
    assert.equal(r.stdout, `"${etag}"\n`, 'stdout is the ETag, one line, quoted as S3 gives it');
    assert.match(r.stderr, /100\.0%/, 'a final progress line (stderr is not a terminal)');
    assert.equal(await exists(`${path}.s3mpu-state.json`), false, 'the default state file is gone after success');
    assert.deepEqual(await verify.listUploads(bucket, key), []);
  });

  test('upload to a key ending in / appends the file name; headers; --json', async () => {
    const path = join(dir, 'small.txt');
    await writeFile(path, 'hello from s3mpu\n');
    const r = await upload(path, `${prefix}dir/`, ['--json', '--no-progress', '--cache-control', 'max-age=60',
      '--content-disposition', 'attachment; filename="small.txt"', '--content-encoding', 'identity',
      '--expires', '2030-01-02T03:04:05Z', '--storage-class', 'STANDARD', '--checksum', 'sha256']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', '--no-progress prints nothing on success');
    const result = JSON.parse(r.stdout);
    assert.equal(result.key, `${prefix}dir/small.txt`);
    assert.equal(result.size, 17);
    assert.equal(result.parts, 0, 'a single PutObject');
    const { etag } = await verify.verifyObject({
      bucket, key: result.key, expectBytes: path,
      expectHeaders: {
        cacheControl: 'max-age=60', contentDisposition: 'attachment; filename="small.txt"',
        contentEncoding: 'identity', expires: new Date('2030-01-02T03:04:05Z'), metadata: {},
      },
    });
    assert.equal(result.etag.replace(/"/g, ''), etag);
  });

  test('upload from stdin (unknown length)', async () => {
    const bytes = randomBytes(12 * MiB + 12345);
    const key = `${prefix}stdin.bin`;
    const r = await upload('-', key, ['--part-size', '5M', '--concurrency', '2'], { input: bytes });
    assert.equal(r.code, 0, r.stderr);
    const { etag } = await verify.verifyObject({ bucket, key, expectBytes: bytes, expectParts: [5 * MiB, 5 * MiB, 2 * MiB + 12345] });
    assert.equal(r.stdout.trim(), `"${etag}"`);
  });

  test('an upload killed with SIGTERM resumes and sends only the missing parts', async () => {
    const path = join(dir, 'resume.bin');
    const state = join(dir, 'resume.state.json');
    const bytes = randomBytes(24 * MiB);
    await writeFile(path, bytes);
    const key = `${prefix}resume.bin`;
    const sizes = [5 * MiB, 5 * MiB, 5 * MiB, 5 * MiB, 4 * MiB];
    const proxy = await slowProxy(store.endpoint);
    try {
      const args = ['--part-size', '5MiB', '--concurrency', '1', '--state', state, '--endpoint', proxy.endpoint];
      // First run: each part's answer is held 500 ms; killed once a part is saved.
      proxy.delayMs = 500;
      let killed = false;
      const first = await upload(path, key, args, {
        onSpawn: (child) => {
          const started = Date.now();
          const poll = setInterval(async () => {
            let parts = 0;
            try {
              parts = JSON.parse(await readFile(state, 'utf8')).parts?.length ?? 0;
            } catch { /* not written yet */ }
            if (parts >= 1 && !killed) {
              killed = true;
              clearInterval(poll);
              child.kill('SIGTERM');
            } else if (Date.now() - started > 60_000) {
              clearInterval(poll);
            }
          }, 20);
          child.on('close', () => clearInterval(poll));
        },
      });
      assert.ok(killed, `killed mid-way (exit ${first.code}: ${first.stderr})`);
      assert.equal(first.code, 130, first.stderr);
      assert.match(first.stderr, /interrupted/);
      const saved = JSON.parse(await readFile(state, 'utf8'));
      assert.equal(saved.bucket, bucket);
      assert.equal(saved.key, key);
      const done = saved.parts.length;
      assert.ok(done >= 1 && done < sizes.length, `parts saved: ${done}`);
      const pending = await verify.listUploads(bucket, key);
      assert.deepEqual(pending.map((u) => u.uploadId), [saved.uploadId], 'the upload is kept on the server');
      const firstPuts = proxy.partPuts;

      // Second run: resumes.
      proxy.delayMs = 0;
      proxy.partPuts = 0;
      const second = await upload(path, key, args);
      assert.equal(second.code, 0, second.stderr);
      assert.match(second.stderr, /resuming upload/);
      assert.ok(proxy.partPuts <= sizes.length - done,
        `second run sent ${proxy.partPuts} parts, ${done} of ${sizes.length} were done (first run sent ${firstPuts})`);
      assert.ok(proxy.partPuts >= 1);
      assert.equal(await exists(state), false, 'the state file is removed after success');
      const { etag } = await verify.verifyObject({ bucket, key, expectBytes: bytes, expectParts: sizes });
      assert.equal(second.stdout.trim(), `"${etag}"`);
      assert.deepEqual(await verify.listUploads(bucket, key), []);
    } finally {
      await proxy.close();
    }
  });

  test('an interrupted stdin upload ends at once and is aborted on the server', async () => {
    const key = `${prefix}interrupted-stdin.bin`;
    let sawUpload = false;
    const r = await upload('-', key, ['--part-size', '5MiB'], {
      onSpawn: (child) => {
        // 6 MiB and the pipe left open: one part is sent, the next waits for bytes.
        child.stdin.write(randomBytes(6 * MiB));
        const started = Date.now();
        const poll = setInterval(async () => {
          if (Date.now() - started > 30_000) return clearInterval(poll);
          // Ticks overlap while listUploads is slow: one SIGINT only (a second
          // one after the CLI's clean-up would kill it by the signal).
          if ((await verify.listUploads(bucket, key)).length === 0 || sawUpload) return;
          clearInterval(poll);
          sawUpload = true;
          setTimeout(() => child.kill('SIGINT'), 300);
          // It must not hang on the open pipe: a watchdog.
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }, 50);
        child.on('close', () => clearInterval(poll));
      },
      keepStdin: true,
    });
    assert.ok(sawUpload, r.stderr);
    assert.equal(r.signal, null, 'ended by itself, not by the watchdog');
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /interrupted/);
    assert.deepEqual(await verify.listUploads(bucket, key), [], 'no state file: nothing to resume, aborted');
  });

  test('a state file of an upload gone from the server, or of another key: a fresh upload', async () => {
    const path = join(dir, 'stale.bin');
    const bytes = randomBytes(11 * MiB);
    await writeFile(path, bytes);
    const key = `${prefix}stale.bin`;
    const statePath = `${path}.s3mpu-state.json`;
    const stale = {
      version: 1, abi: 3, bucket, key, uploadId: '2~no-such-upload-id', size: bytes.length, partSize: 5 * MiB,
      growthInterval: 0, checksum: 'md5', fingerprint: { size: bytes.length }, parts: [{ partNumber: 1, size: 5 * MiB, etag: '"x"' }],
    };
    await writeFile(statePath, JSON.stringify(stale));
    let r = await upload(path, key, ['--part-size', '5MiB']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /upload 2~no-such-upload-id no longer exists on the server; starting again/);
    assert.equal(await exists(statePath), false);
    const sizes = [5 * MiB, 5 * MiB, MiB];
    await verify.verifyObject({ bucket, key, expectBytes: bytes, expectParts: sizes });

    await writeFile(statePath, JSON.stringify({ ...stale, key: `${prefix}other.bin` }));
    r = await upload(path, key, ['--part-size', '5MiB']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`ignoring .*: it is for s3://${bucket}/${prefix}other\\.bin`));
    await verify.verifyObject({ bucket, key, expectBytes: bytes, expectParts: sizes });
  });

  test('presign: a part URL used with plain fetch; list-uploads; abort', async () => {
    const key = `${prefix}presigned.bin`;
    const target = `s3://${bucket}/${key}`;
    const cli = (...args) => runCli([...args, '--path-style'], { env });

    // CreateMultipartUpload through a presigned POST, with the headers it signed
    // (the core gives objects a Content-Type): printed on stderr, in the JSON.
    const create = async () => {
      const p = await cli('presign', target, '--multipart', 'create', '--content-type', 'text/x-cli', '--json');
      assert.equal(p.code, 0, p.stderr);
      const { method, url, headers } = JSON.parse(p.stdout);
      assert.equal(method, 'POST');
      assert.equal(headers['content-type'], 'text/x-cli');
      const created = await fetch(url, { method, headers });
      const xml = await created.text();
      assert.equal(created.status, 200, xml);
      return /<UploadId>([^<]+)<\/UploadId>/.exec(xml)[1];
    };
    let r = await cli('presign', target, '--multipart', 'create');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /the request must also send: content-type: /);
    const uploadId = await create();

    r = await cli('list-uploads', `s3://${bucket}/${prefix}presigned`);
    assert.equal(r.code, 0, r.stderr);
    const [line, ...more] = r.stdout.split('\n').filter(Boolean);
    assert.deepEqual(more, []);
    assert.deepEqual(line.split('\t').slice(0, 2), [key, uploadId]);
    r = await cli('list-uploads', `s3://${bucket}/${prefix}presigned`, '--json');
    assert.deepEqual(JSON.parse(r.stdout).map((u) => [u.key, u.uploadId]), [[key, uploadId]]);

    // Three part URLs at once, one a line, in order; part 1 from --part.
    r = await cli('presign', target, '--upload-id', uploadId, '--parts', '1-3', '--expires', '15m');
    assert.equal(r.code, 0, r.stderr);
    const urls = r.stdout.trim().split('\n');
    assert.equal(urls.length, 3);
    urls.forEach((u, i) => {
      assert.equal(new URL(u).searchParams.get('partNumber'), String(i + 1));
      assert.equal(new URL(u).searchParams.get('X-Amz-Expires'), '900');
    });
    r = await cli('presign', target, '--upload-id', uploadId, '--part', '1');
    assert.equal(r.code, 0, r.stderr);
    const body = randomBytes(MiB + 7);
    let res = await fetch(r.stdout.trim(), { method: 'PUT', body });
    assert.equal(res.status, 200, await res.text());
    const partEtag = res.headers.get('etag');
    assert.ok(partEtag);

    // CompleteMultipartUpload through a presigned POST, then read back.
    r = await cli('presign', target, '--upload-id', uploadId, '--multipart', 'complete', '--json');
    assert.equal(r.code, 0, r.stderr);
    const complete = JSON.parse(r.stdout);
    assert.equal(complete.method, 'POST');
    res = await fetch(complete.url, {
      method: 'POST',
      headers: complete.headers,
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${partEtag}</ETag></Part></CompleteMultipartUpload>`,
    });
    assert.equal(res.status, 200, await res.text());
    await verify.verifyObject({ bucket, key, expectBytes: body, expectParts: [body.length], expectHeaders: { contentType: 'text/x-cli' } });

    // abort: a second upload of the key.
    const other = await create();
    r = await cli('abort', target, other);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await verify.listUploads(bucket, key), []);
    r = await cli('abort', target, other);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /NoSuchUpload/);
    assert.match(r.stderr, /HTTP 404/);
  });

  test('a wrong secret: exit 1, SignatureDoesNotMatch, the secret printed nowhere', async () => {
    const wrong = `wrong/secret/${randomBytes(8).toString('hex')}`;
    const badEnv = { ...env, S3MPU_SECRET_ACCESS_KEY: wrong };
    const path = join(dir, 'wrong.bin');
    await writeFile(path, randomBytes(6 * MiB));
    for (const args of [
      ['list-uploads', `s3://${bucket}`],
      ['upload', path, `s3://${bucket}/${prefix}wrong.bin`, '--part-size', '5MiB'],
      ['upload', '-', `s3://${bucket}/${prefix}wrong-stdin.bin`],
    ]) {
      const r = await runCli([...args, '--path-style'], { env: badEnv, input: args[1] === '-' ? randomBytes(1000) : undefined });
      assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, /SignatureDoesNotMatch/);
      assert.match(r.stderr, /HTTP 403/);
      for (const secret of [wrong, store.secretAccessKey]) {
        assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'no secret in the output');
      }
    }
    assert.deepEqual(await verify.listUploads(bucket, `${prefix}wrong`), []);
  });
});
