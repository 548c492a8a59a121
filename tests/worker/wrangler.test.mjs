// The edge worker example with wrangler itself (examples/worker's pinned dev
// dependency), as its README tells a newcomer: `wrangler deploy --dry-run`
// bundles it (no Node module may reach wrangler's bundler), and `npm run dev`
// serves it locally; `curl -T` (a PUT) uploads through it to the real gateway,
// and the object is read back with the independent verifier.
// Run with scripts/test-e2e.sh, which installs examples/worker's dependencies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { s3Server } from '../js/harness/server.mjs';
import { verifyObject, listUploads } from '../js/harness/verify.mjs';
import { nodeImports } from '../e2e/workerd.mjs';

const MiB = 1024 * 1024;
const example = fileURLToPath(new URL('../../examples/worker/', import.meta.url));
const wrangler = join(example, 'node_modules/.bin/wrangler');
// wrangler bundles the package's own js/s3mpu.wasm: a pass of the suite with another
// build (S3MPU_WASM_BUILDS) would test the same thing again.
const packageWasm = fileURLToPath(new URL('../../js/s3mpu.wasm', import.meta.url));
const skip = process.env.S3MPU_WASM && !readFileSync(process.env.S3MPU_WASM).equals(readFileSync(packageWasm))
  ? 'wrangler bundles js/s3mpu.wasm, not this pass\'s S3MPU_WASM' : false;
// No telemetry, no update check against the network.
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_LOG: 'warn', CI: '1' };

let tmp;
let s3;
let bucket;
let prefix;

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 's3mpu-wrangler-'));
  if (skip) return;
  s3 = await s3Server();
  bucket = await s3.bucket('s3mpu-wrangler');
  prefix = `wrangler/${Date.now()}-${process.pid}/`;
});

after(() => rmSync(tmp, { recursive: true, force: true }));

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

test('wrangler deploy --dry-run bundles the worker: no Node module, the wasm as a module', { skip, timeout: 120_000 }, async () => {
  const outdir = join(tmp, 'dist');
  await promisify(execFile)(wrangler, ['deploy', '--dry-run', '--outdir', outdir], { cwd: example, env });
  const files = readdirSync(outdir);
  assert.ok(files.includes('worker.js'), files.join(' '));
  assert.ok(files.some((f) => f.endsWith('s3mpu.wasm')), `the wasm module is uploaded beside the script: ${files}`);
  assert.deepEqual(nodeImports(readFileSync(join(outdir, 'worker.js'), 'utf8')), []);
});

/** `npm run dev` on free ports, with the gateway's settings as --var; resolves to its URL. */
async function startDev(t) {
  const port = await freePort();
  const vars = {
    S3_ENDPOINT: s3.endpoint, S3_REGION: s3.region, S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId, S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
  const args = ['run', 'dev', '--', '--ip', '127.0.0.1', '--port', String(port),
    '--inspector-port', String(await freePort()), '--persist-to', join(tmp, 'state')];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  // Its own process group: wrangler starts workerd, and both stop together.
  const child = spawn('npm', args, { cwd: example, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  t.after(() => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
  });
  const url = `http://127.0.0.1:${port}`;
  for (const t0 = Date.now(); Date.now() - t0 < 90_000;) {
    if (child.exitCode !== null) assert.fail(`npm run dev exited ${child.exitCode}:\n${output}`);
    const res = await fetch(`${url}/nothing`).catch(() => null);
    if (res) {
      await res.body?.cancel();
      return url;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(`npm run dev did not answer in 90 s:\n${output}`);
}

test('npm run dev serves the worker; curl -T (PUT) uploads through it', { skip, timeout: 180_000 }, async (t) => {
  const url = await startDev(t);
  const bytes = randomBytes(9 * MiB);
  const file = join(tmp, 'big.bin');
  writeFileSync(file, bytes);
  const key = `${prefix}curl-T.bin`;
  const { stdout } = await promisify(execFile)('curl', ['-sS', '--fail-with-body', '-T', file, `${url}/upload/${key}`]);
  const out = JSON.parse(stdout);
  assert.equal(out.size, bytes.length);
  assert.equal(out.parts, 2);
  const v = await verifyObject({ bucket, key, expectBytes: bytes, expectParts: [8 * MiB, 1 * MiB] });
  assert.equal(out.etag.replace(/"/g, ''), v.etag);
  assert.deepEqual(await listUploads(bucket, key), []);
});
