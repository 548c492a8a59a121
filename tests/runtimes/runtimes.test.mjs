// s3mpu under Deno and Bun (their npm binaries, pinned by this folder's lockfile) against the
// real gateway: createDirectUploadHandler served by Deno.serve and Bun.serve, and by each
// runtime's node:http through toNodeListener (serve.mjs), driven from Node by the package's own
// directUpload and by plain fetch; directUpload itself run by Node, Deno and Bun
// (direct-upload.mjs); and S3Client.upload() run inside each runtime (upload.mjs) through both
// entries and with each kind of body, and the s3mpu command (cp) under each. Every object is
// read back by the independent verifier (tests/js/harness, @aws-sdk/client-s3).
//
//   scripts/test-e2e.sh tests/runtimes
//
// The binaries come from npm ci here (bun and deno run their postinstall, allowed in
// package.json's allowScripts); on a CPU without AVX2 bun's postinstall fetches its -baseline
// build of the same version from npm itself.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// The Node entry first: it lets directUpload's wasm load from disk (Node's fetch reads no file: URL).
import '../../js/src/index.node.js';
import { directUpload } from '../../js/src/direct/index.js';
import { s3Server } from '../js/harness/server.mjs';
import { verifyObject, listUploads, listKeys } from '../js/harness/verify.mjs';
import { notOn } from '../js/harness/gateway.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const MiB = 1024 * 1024;
const nodeFetch = globalThis.fetch;
const NO_POST = notOn('swift', 'Swift s3api has no browser form uploads (POST Object): it answers 412 Bad URL');
// Deno's permissions: the gateway and our port, the package's files, and the settings our
// scripts read, no other variable (the package must not need one).
const SETTINGS = ['S3MPU_TEST_ENDPOINT', 'S3MPU_TEST_REGION', 'S3MPU_TEST_ACCESS_KEY_ID', 'S3MPU_TEST_SECRET_ACCESS_KEY', 'RUNTIME_BUCKET', 'RUNTIME_PREFIX'];
const RUNTIMES = {
  node: (script) => [process.execPath, [script]],
  deno: (script) => [path.join(here, 'node_modules/.bin/deno'), ['run', '--no-lock', '--allow-net', '--allow-read', `--allow-env=${SETTINGS}`, script]],
  bun: (script) => [path.join(here, 'node_modules/.bin/bun'), [script]],
};

/** Runs one script of this folder under the runtime to its end: its stdout. */
function runScript(runtime, script, args, env) {
  const [bin, argv] = RUNTIMES[runtime](path.join(here, script));
  return run(bin, [...argv, ...args], { env });
}

/** A child to its end, with `input` on its stdin: its stdout; a failure (status, stderr) rejects. */
function run(bin, argv, { env = {}, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(bin, argv, { env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000, encoding: 'buffer' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(bin)} ${argv.join(' ')}: ${error.message}\n${stderr}`));
      else resolve(stdout.toString());
    });
    child.stdin.end(input);
  });
}

/**
 * serve.mjs under the runtime: resolves to { base, child, output } once it listens; output()
 * is everything it printed (stdout and stderr, which is also passed on to ours).
 */
function startServer(runtime, mode, env) {
  const [bin, argv] = RUNTIMES[runtime](path.join(here, 'serve.mjs'));
  const child = spawn(bin, [...argv, mode], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (chunk) => {
    out += chunk;
    process.stderr.write(chunk);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`${runtime} serve.mjs exited (${code}) before listening: ${out}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ base: `http://127.0.0.1:${m[1]}/s3`, child, output: () => out });
    });
  });
}

const SERVERS = { native: { deno: 'Deno.serve', bun: 'Bun.serve' }, 'node:http': { deno: 'node:http', bun: 'node:http' } };

const SERVING = ['deno', 'bun'];

for (const [runtime, mode] of SERVING.flatMap((r) => Object.keys(SERVERS).map((m) => [r, m]))) {
  describe(`${runtime}: the signing handler under ${SERVERS[mode][runtime]}`, { timeout: 180_000 }, () => {
    const prefix = `runtimes-${runtime}-${mode.replace(':', '')}-${process.pid}-${Date.now()}/`;
    let server;
    let bucket;
    let served;
    const answers = []; // every status line, header and body the handler sent: the secret must be in none

    // fetch from Node that keeps a copy of each answer from the handler.
    const recordingFetch = async (input, init) => {
      const res = await nodeFetch(input, init);
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith(served.base)) {
        answers.push(`${res.status} ${res.statusText}\n${[...res.headers].map((h) => h.join(': ')).join('\n')}\n${await res.clone().text()}`);
      }
      return res;
    };
    const api = (method, route, who, body) => recordingFetch(`${served.base}${route}`, {
      method, headers: { 'x-user': who, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body && JSON.stringify(body),
    });
    const withFetch = async (fn) => {
      // directUpload calls the global fetch: record its answers too.
      globalThis.fetch = recordingFetch;
      try {
        return await fn();
      } finally {
        globalThis.fetch = nodeFetch;
      }
    };

    before(async () => {
      server = await s3Server();
      bucket = await server.bucket('s3mpu-runtimes');
      served = await startServer(runtime, mode, { RUNTIME_BUCKET: bucket, RUNTIME_PREFIX: prefix });
    });

    after(async () => {
      served?.child.stdin.end(); // serve.mjs exits when its stdin closes
      if (served && served.child.exitCode === null) await new Promise((r) => served.child.once('exit', r));
      assert.ok(answers.length > 0);
      for (const a of answers) assert.ok(!a.includes(server.secretAccessKey), `the secret key is in an answer:\n${a}`);
      assert.ok(!served?.output().includes(server.secretAccessKey), 'the secret key is in the server\'s output');
    });

    it('directUpload: 12 MiB in 5 MiB parts through the handler', async () => {
      const bytes = randomBytes(12 * MiB);
      const r = await withFetch(() => directUpload(new Blob([bytes]), {
        endpoint: served.base, filename: 'twelve.bin', partSize: 5 * MiB, concurrency: 2, store: false,
      }));
      assert.deepEqual([r.key, r.parts, r.size], [`${prefix}twelve.bin`, 3, bytes.length]);
      await verifyObject({ bucket, key: r.key, expectBytes: bytes, expectParts: [5 * MiB, 5 * MiB, 2 * MiB] });
      assert.deepEqual(await listUploads(bucket, prefix), []);
    });

    // Once per serving runtime: which server runs the handler does not matter here.
    if (mode === 'native') it('directUpload in a script of its own (only s3mpu/direct imported) under Node, Deno and Bun', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 's3mpu-runtimes-direct-'));
      try {
        for (const client of Object.keys(RUNTIMES)) {
          const bytes = randomBytes(7 * MiB);
          const file = path.join(dir, `${client}.bin`);
          await writeFile(file, bytes);
          const out = await runScript(client, 'direct-upload.mjs', [served.base, file, `by-${client}.bin`, String(5 * MiB)], {});
          const r = JSON.parse(out.trim().split('\n').at(-1));
          assert.deepEqual([r.key, r.parts, r.size], [`${prefix}by-${client}.bin`, 2, bytes.length], client);
          await verifyObject({ bucket, key: r.key, expectBytes: bytes, expectParts: [5 * MiB, 2 * MiB] });
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('Companion\'s routes by hand: create, batch of part URLs, PUT, list, complete; and abort', async () => {
      const created = await (await api('POST', '/multipart', 'me', { filename: 'routes.bin', type: 'application/octet-stream' })).json();
      assert.equal(created.key, `${prefix}routes.bin`);
      const q = `?key=${encodeURIComponent(created.key)}`;
      const { presignedUrls } = await (await api('GET', `/multipart/${created.uploadId}/batch${q}&partNumbers=1,2`, 'me')).json();
      const bodies = [randomBytes(5 * MiB), randomBytes(1234)];
      for (const [i, body] of bodies.entries()) {
        const put = await fetch(presignedUrls[i + 1], { method: 'PUT', body });
        assert.equal(put.status, 200, await put.text());
      }
      const listed = await (await api('GET', `/multipart/${created.uploadId}${q}`, 'me')).json();
      assert.deepEqual(listed.map((p) => [p.PartNumber, p.Size]), [[1, 5 * MiB], [2, 1234]]);
      const parts = listed.map(({ PartNumber, ETag }) => ({ PartNumber, ETag }));
      const done = await api('POST', `/multipart/${created.uploadId}/complete${q}`, 'me', { parts });
      assert.equal(done.status, 200);
      assert.equal((await done.json()).key, created.key);
      await verifyObject({ bucket, key: created.key, expectBytes: Buffer.concat(bodies), expectParts: [5 * MiB, 1234] });

      const other = await (await api('POST', '/multipart', 'me', { filename: 'aborted.bin' })).json();
      const gone = await api('DELETE', `/multipart/${other.uploadId}?key=${encodeURIComponent(other.key)}`, 'me');
      assert.deepEqual([gone.status, await gone.json()], [200, {}]);
      assert.deepEqual(await listUploads(bucket, prefix), []);
    });

    it('GET /params: a form POST of a 0-byte and a one-part file (directUpload), and by hand', { skip: NO_POST }, async () => {
      const empty = await withFetch(() => directUpload(new Blob([]), { endpoint: served.base, filename: 'empty.bin', store: false }));
      assert.deepEqual([empty.key, empty.size], [`${prefix}empty.bin`, 0]);
      await verifyObject({ bucket, key: empty.key, expectBytes: new Uint8Array(0) });
      const small = randomBytes(3 * MiB + 5);
      const one = await withFetch(() => directUpload(new Blob([small]), { endpoint: served.base, filename: 'one.bin', store: false }));
      assert.deepEqual([one.key, one.parts, one.size], [`${prefix}one.bin`, 0, small.length]);
      await verifyObject({ bucket, key: one.key, expectBytes: small });

      const res = await api('GET', '/params?filename=form.txt&type=text%2Fplain&metadata%5Bowner%5D=me', 'me');
      const params = await res.json();
      assert.equal(res.status, 200, JSON.stringify(params));
      const form = new FormData();
      for (const [k, v] of Object.entries(params.fields)) form.append(k, v);
      form.append('file', new Blob(['hello from a form'], { type: 'text/plain' }));
      const posted = await fetch(params.url, { method: 'POST', body: form });
      assert.ok(posted.status >= 200 && posted.status < 300, `${posted.status} ${await posted.text()}`);
      await verifyObject({ bucket, key: `${prefix}form.txt`, expectBytes: new TextEncoder().encode('hello from a form'),
        expectHeaders: { contentType: 'text/plain', metadata: { owner: 'me' } } });
    });

    it('authorize() denying: 403 with {error} on every route, and nothing created', async () => {
      const allowed = await (await api('POST', '/multipart', 'me', { filename: 'denied-later.bin' })).json();
      const q = `?key=${encodeURIComponent(allowed.key)}`;
      const routes = [['POST', '/multipart', { filename: 'denied.bin' }], ['GET', '/params?filename=denied.bin'],
        ['GET', `/multipart/${allowed.uploadId}/1${q}`], ['GET', `/multipart/${allowed.uploadId}/batch${q}&partNumbers=1`],
        ['GET', `/multipart/${allowed.uploadId}${q}`], ['POST', `/multipart/${allowed.uploadId}/complete${q}`, { parts: [{ PartNumber: 1 }] }],
        ['DELETE', `/multipart/${allowed.uploadId}${q}`]];
      for (const [method, route, body] of routes) {
        const res = await api(method, route, 'nobody', body);
        assert.deepEqual([res.status, await res.json()], [403, { error: 'not authorized' }], `${method} ${route}`);
      }
      // A key outside the prefix is refused too.
      const outside = await api('GET', `/multipart/${allowed.uploadId}?key=elsewhere.bin`, 'me');
      assert.equal(outside.status, 403);
      await assert.rejects(withFetch(() => directUpload(new Blob([randomBytes(6 * MiB)]), {
        endpoint: served.base, filename: 'denied.bin', partSize: 5 * MiB, store: false, headers: async () => ({ 'x-user': 'nobody' }),
      })), (e) => e.status === 403);
      assert.deepEqual((await listUploads(bucket, prefix)).map((u) => u.uploadId), [allowed.uploadId]);
      assert.equal((await api('DELETE', `/multipart/${allowed.uploadId}${q}`, 'me')).status, 200);
      assert.deepEqual(await listUploads(bucket, prefix), []);
      assert.ok(!(await listKeys(bucket, prefix)).some((k) => k.includes('denied')), 'a denied call stored an object');
    });

  });
}

// Entry and body: the package by name with the bodies a user of the runtime has at hand, and
// the default entry (fetch-loaded wasm) with bytes.
// The package's command as `bunx --bun s3mpu` and `deno run -A npm:s3mpu` run it.
const CLI = {
  deno: [path.join(here, 'node_modules/.bin/deno'), ['run', '--no-lock', '-A', path.join(here, 'node_modules/s3mpu/bin/s3mpu.js')]],
  bun: [path.join(here, 'node_modules/.bin/bun'), [path.join(here, 'node_modules/s3mpu/bin/s3mpu.js')]],
};

const UPLOADS = [['s3mpu', 'path'], ['s3mpu', 'stream'], ['s3mpu', 'blob'], ['default', 'bytes']];

for (const runtime of SERVING) {
  describe(`${runtime}: S3Client.upload() inside the runtime`, { timeout: 120_000 }, () => {
    const prefix = `runtimes-${runtime}-upload-${process.pid}-${Date.now()}/`;
    let bucket;
    let dir;
    before(async () => {
      bucket = await (await s3Server()).bucket('s3mpu-runtimes');
      dir = await mkdtemp(path.join(tmpdir(), `s3mpu-runtimes-${runtime}-`));
    });
    after(() => dir && rm(dir, { recursive: true, force: true }));

    for (const [entry, body] of UPLOADS) {
      it(`entry ${entry}, body ${body}: 6 MiB in 5 MiB parts`, async () => {
        const bytes = randomBytes(6 * MiB);
        const file = path.join(dir, `${entry}-${body}.bin`);
        await writeFile(file, bytes);
        const key = `${prefix}${entry}-${body}.bin`;
        const out = await runScript(runtime, 'upload.mjs', [entry, body, file, bucket, key], {});
        const r = JSON.parse(out.trim().split('\n').at(-1));
        // Deno and Bun have a native fetch: the package uses it under either entry.
        assert.deepEqual([r.key, r.parts, r.size, r.progress, r.transport], [key, 2, bytes.length, bytes.length, 'fetch']);
        const v = await verifyObject({ bucket, key, expectBytes: bytes, expectParts: [5 * MiB, 1 * MiB] });
        assert.equal(r.etag, `"${v.etag}"`);
        assert.deepEqual(await listUploads(bucket, prefix), []);
      });
    }

    it('an AbortSignal fired after the first part: the upload is aborted on the server', async () => {
      const file = path.join(dir, 'cancel.bin');
      await writeFile(file, randomBytes(16 * MiB));
      const key = `${prefix}cancel.bin`;
      const out = await runScript(runtime, 'upload.mjs', ['s3mpu', 'cancel', file, bucket, key], {});
      assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1)), { error: 'cancelled by the test' });
      assert.deepEqual(await listUploads(bucket, prefix), []);
      assert.ok(!(await listKeys(bucket, prefix)).includes(key), 'a cancelled upload stored an object');
    });

    it('the s3mpu command: cp of a file and of stdin, 7 MiB in 5 MiB parts', async () => {
      const s3 = await s3Server();
      const env = {
        S3MPU_ENDPOINT: s3.endpoint, S3MPU_REGION: s3.region, S3MPU_ACCESS_KEY_ID: s3.accessKeyId,
        S3MPU_SECRET_ACCESS_KEY: s3.secretAccessKey, XDG_CONFIG_HOME: '/nonexistent', // no config file of the user's
      };
      const [bin, argv] = CLI[runtime];
      const bytes = randomBytes(7 * MiB);
      const file = path.join(dir, 'cli.bin');
      await writeFile(file, bytes);
      for (const [source, input] of [[file, undefined], ['-', bytes]]) {
        const key = `${prefix}cli-${source === '-' ? 'stdin' : 'file'}.bin`;
        const out = await run(bin, [...argv, 'cp', source, `s3://${bucket}/${key}`, '--part-size', '5MiB', '--no-progress', '--json'], { env, input });
        const r = JSON.parse(out);
        assert.deepEqual([r.key, r.parts, r.size], [key, 2, bytes.length], source);
        await verifyObject({ bucket, key, expectBytes: bytes, expectParts: [5 * MiB, 2 * MiB] });
      }
    });
  });
}
