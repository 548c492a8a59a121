// The npm package as users get it: `npm pack` of js/, installed into an
// empty project, then used from there in Node (import and the `s3mpu` bin),
// bundled for the browser by esbuild and run in Chromium, and bundled for
// workerd and run through miniflare. Each one uploads to the real gateway
// and the object is read back with the independent verifier.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdir, mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { s3Server } from '../js/harness/server.mjs';
import { verifyObject } from '../js/harness/verify.mjs';
import { bundleWorker, nodeImports, startWorker } from './workerd.mjs';
import { launchChromium } from './chromium.mjs';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const jsDir = fileURLToPath(new URL('../../js/', import.meta.url));
const esbuildBin = fileURLToPath(new URL('node_modules/.bin/esbuild', import.meta.url));

let s3;
let bucket;
let prefix;
let dir; // the empty project
let tarball;
let files; // what the tarball holds

/** The bytes every runtime below uploads (a pattern the page can make too). */
function pattern(size) {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7 + (i >> 13)) & 255;
  return b;
}

before(async () => {
  s3 = await s3Server();
  bucket = await s3.bucket('s3mpu-pack');
  prefix = `pack/${Date.now()}-${process.pid}/`;
  dir = await mkdtemp(join(tmpdir(), 's3mpu-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: jsDir });
  const [info] = JSON.parse(stdout);
  tarball = join(dir, info.filename);
  files = info.files.map((f) => f.path);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'empty-project', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', tarball], { cwd: dir });
  // A pass over another wasm build (S3MPU_WASM) runs the installed package with that build.
  if (process.env.S3MPU_WASM) await copyFile(process.env.S3MPU_WASM, join(dir, 'node_modules/s3mpu/s3mpu.wasm'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the tarball holds the sources, types, bin and wasm, and nothing else', () => {
  for (const f of ['package.json', 'README.md', 'LICENSE', 's3mpu.wasm', 's3mpu-md5.wasm', 'bin/s3mpu.js', 'types/index.d.ts', 'src/index.js',
    'src/index.node.js', 'src/index.worker.js', 'src/abi.js', 'src/direct/index.js', 'src/direct/worker.js',
    'types/direct.d.ts']) {
    assert.ok(files.includes(f), `${f} missing from the tarball: ${files.join(', ')}`);
  }
  assert.deepEqual(files.filter((f) => !/^(package\.json|README\.md|LICENSE|s3mpu(-md5)?\.wasm|(bin|src|types)\/.+)$/.test(f)), []);
});

test('Node: import from the installed package and upload', { timeout: 60_000 }, async () => {
  const data = join(dir, 'node-6MiB.bin');
  await writeFile(data, randomBytes(6 * MiB));
  const key = `${prefix}node.bin`;
  await writeFile(join(dir, 'node-check.mjs'), `
    import { S3Client, S3Error } from 's3mpu';
    const entry = import.meta.resolve('s3mpu');
    const s3 = await S3Client.create({
      endpoint: process.env.E, region: process.env.R, forcePathStyle: true,
      credentials: { accessKeyId: process.env.A, secretAccessKey: process.env.S },
    });
    const r = await s3.upload({ bucket: process.env.B, key: process.env.K, body: { path: process.argv[2] }, partSize: 5 * 1024 * 1024 });
    console.log(JSON.stringify({ entry, r, S3Error: typeof S3Error }));
  `);
  const { stdout } = await run(process.execPath, ['node-check.mjs', data], {
    cwd: dir,
    env: { ...process.env, S3MPU_WASM: '', E: s3.endpoint, R: s3.region, A: s3.accessKeyId, S: s3.secretAccessKey, B: bucket, K: key },
  });
  const out = JSON.parse(stdout);
  assert.match(out.entry, /node_modules\/s3mpu\/src\/index\.node\.js$/);
  assert.equal(out.r.parts, 2);
  assert.equal(out.S3Error, 'function');
  await verifyObject({ bucket, key, expectBytes: data, expectParts: [5 * MiB, MiB] });
});

test('Node: the s3mpu bin uploads a file', { timeout: 60_000 }, async () => {
  const data = join(dir, 'bin-7MiB.bin');
  await writeFile(data, randomBytes(7 * MiB));
  const key = `${prefix}bin.bin`;
  const bin = join(dir, 'node_modules', '.bin', 's3mpu');
  const version = await run(bin, ['--version'], { cwd: dir });
  assert.match(version.stdout, /^s3mpu \d+\.\d+\.\d+/);
  await run(bin, ['upload', data, `s3://${bucket}/${key}`, '--endpoint', s3.endpoint, '--region', s3.region,
    '--path-style', '--part-size', String(5 * MiB)], {
    cwd: dir,
    env: { ...process.env, S3MPU_WASM: '', S3MPU_ACCESS_KEY_ID: s3.accessKeyId, S3MPU_SECRET_ACCESS_KEY: s3.secretAccessKey },
  });
  await verifyObject({ bucket, key, expectBytes: data, expectParts: [5 * MiB, 2 * MiB] });
});

test('a newcomer, as the README says: the installed s3mpu uploads a directory with cp -r and cleans up with gc', { timeout: 60_000 }, async () => {
  const tree = join(dir, 'photos');
  await mkdir(join(tree, '2026'), { recursive: true });
  const big = randomBytes(6 * MiB);
  await writeFile(join(tree, '2026', 'big.raw'), big);
  await writeFile(join(tree, 'note.txt'), 'hello\n');
  await writeFile(join(tree, 'scratch.tmp'), 'left out\n');
  const bin = join(dir, 'node_modules', '.bin', 's3mpu');
  // Only what the README tells a user to set (the region too: the store may be elsewhere).
  const env = {
    ...process.env, S3MPU_WASM: '', S3MPU_ENDPOINT: s3.endpoint, S3MPU_REGION: s3.region,
    S3MPU_ACCESS_KEY_ID: s3.accessKeyId, S3MPU_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
  const target = `s3://${bucket}/${prefix}photos`;
  const { stdout } = await run(bin, ['cp', '-r', 'photos', target, '--exclude', '*.tmp', '--part-size', '5MiB', '--path-style'], { cwd: dir, env });
  assert.deepEqual(stdout.trim().split('\n').map((l) => l.split('\t')[1]), [`${prefix}photos/2026/big.raw`, `${prefix}photos/note.txt`]);
  await verifyObject({ bucket, key: `${prefix}photos/2026/big.raw`, expectBytes: big, expectParts: [5 * MiB, MiB] });
  await verifyObject({ bucket, key: `${prefix}photos/note.txt`, expectBytes: Buffer.from('hello\n') });

  // An upload left behind (as an interrupted cp with --on-failure keep leaves one), then gc.
  const { stdout: createUrl } = await run(bin, ['presign', `${target}/left.bin`, '--multipart', 'create', '--json', '--path-style'], { cwd: dir, env });
  const { method, url, headers } = JSON.parse(createUrl);
  assert.equal((await fetch(url, { method, headers })).status, 200);
  const dry = await run(bin, ['gc', target, '--older-than', '0', '--path-style'], { cwd: dir, env });
  assert.match(dry.stdout, /left\.bin\t/);
  assert.match(dry.stderr, /a dry run: add --abort/);
  const gc = await run(bin, ['gc', target, '--older-than', '0', '--abort', '--path-style'], { cwd: dir, env });
  assert.match(gc.stdout, /left\.bin\t.*\taborted/);
  const after = await run(bin, ['list-uploads', target, '--path-style'], { cwd: dir, env });
  assert.equal(after.stdout, '');
});

test('browser: bundled by esbuild, runs in Chromium and uploads', { timeout: 120_000 }, async (t) => {
  const web = join(dir, 'web');
  await mkdir(web);
  await writeFile(join(dir, 'entry.js'), `
    import { S3Client } from 's3mpu';
    // TEST ONLY: a real page never holds the secret key (see examples/browser).
    window.runUpload = async ({ client, bucket, key, size }) => {
      const s3 = await S3Client.create({ ...client, wasm: '/s3mpu.wasm' });
      const b = new Uint8Array(size);
      for (let i = 0; i < size; i++) b[i] = (i * 7 + (i >> 13)) & 255;
      return s3.upload({ bucket, key, body: new Blob([b]), partSize: 5 * 1024 * 1024 });
    };
  `);
  await run(esbuildBin, ['entry.js', '--bundle', '--format=esm', '--outfile=web/app.js'], { cwd: dir });
  const code = await readFile(join(web, 'app.js'), 'utf8');
  assert.deepEqual(nodeImports(code), [], 'no Node built-in left in the browser bundle');
  t.diagnostic(`browser bundle: ${(code.length / 1024).toFixed(1)} KiB unminified, wasm ${((await readFile(join(dir, 'node_modules/s3mpu/s3mpu.wasm'))).length / 1024).toFixed(1)} KiB`);
  await copyFile(join(dir, 'node_modules/s3mpu/s3mpu.wasm'), join(web, 's3mpu.wasm'));
  await writeFile(join(web, 'index.html'), '<!doctype html><script type="module" src="/app.js"></script>');
  const types = { html: 'text/html', js: 'text/javascript', wasm: 'application/wasm' };
  const server = http.createServer(async (req, res) => {
    const name = req.url === '/' ? 'index.html' : req.url.slice(1);
    try {
      const body = await readFile(join(web, name.replace(/[^\w.-]/g, '')));
      res.writeHead(200, { 'content-type': types[name.split('.').pop()] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${server.address().port}/`);
    await page.waitForFunction(() => typeof window.runUpload === 'function');
    const key = `${prefix}browser.bin`;
    const size = 6 * MiB + 123;
    const r = await page.evaluate((cfg) => window.runUpload(cfg), {
      client: { endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } },
      bucket, key, size,
    });
    assert.equal(r.parts, 2);
    await verifyObject({ bucket, key, expectBytes: pattern(size), expectParts: [5 * MiB, MiB + 123] });
  } finally {
    await browser.close();
    server.close();
  }
});

test('workerd: bundled like wrangler does, no wasm option needed', { timeout: 120_000 }, async () => {
  const entry = join(dir, 'worker.js');
  await writeFile(entry, `
    import { S3Client } from 's3mpu';
    export default {
      async fetch(request, env) {
        // No wasm option: the package's workerd entry imports its compiled module.
        const s3 = await S3Client.create({
          endpoint: env.E, region: env.R, forcePathStyle: true,
          credentials: { accessKeyId: env.A, secretAccessKey: env.S },
        });
        const r = await s3.upload({ bucket: env.B, key: new URL(request.url).pathname.slice(1), body: request.body, partSize: 5 * 1024 * 1024 });
        return Response.json(r);
      },
    };
  `);
  const { code, inputs } = await bundleWorker(entry, { nodeModules: join(dir, 'node_modules') });
  assert.deepEqual(nodeImports(code), []);
  assert.ok(inputs.some((f) => f.endsWith('node_modules/s3mpu/src/index.worker.js')), inputs.join('\n'));
  const w = await startWorker({
    code, wasm: join(dir, 'node_modules/s3mpu/s3mpu.wasm'),
    bindings: { E: s3.endpoint, R: s3.region, A: s3.accessKeyId, S: s3.secretAccessKey, B: bucket },
  });
  try {
    const key = `${prefix}workerd.bin`;
    const bytes = pattern(6 * MiB);
    const res = await fetch(new URL(key, w.url), { method: 'POST', body: bytes });
    const out = await res.json();
    assert.equal(res.status, 200, JSON.stringify(out));
    assert.equal(out.parts, 2);
    await verifyObject({ bucket, key, expectBytes: bytes, expectParts: [5 * MiB, MiB] });
  } finally {
    await w.dispose();
  }
});
