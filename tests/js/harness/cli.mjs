// Running the s3mpu command line (js/bin/s3mpu.js) as a child process, the
// way a user runs it, for tests/js/cli*.test.mjs; and a proxy to the store
// that counts and holds back part uploads.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../../js/bin/s3mpu.js', import.meta.url));

// The child's environment: ours without any S3 settings, plus `extra`.
export function childEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(S3MPU_(ENDPOINT|REGION|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PATH_STYLE|CONFIG)|AWS_.*)$/.test(k)) env[k] = v;
  }
  // No config file of the user's: S3MPU_CONFIG unset and XDG_CONFIG_HOME empty.
  return { ...env, XDG_CONFIG_HOME: '/nonexistent', ...extra };
}

/**
 * A CLI suite's setup against the test store: the store, its bucket "s3mpu-cli", the child's
 * environment pointing at it, a scratch directory named from `tmpName`, and the verifier
 * (imported here: harness/server.mjs needs the S3MPU_TEST_* settings).
 */
export async function openCliStore(tmpName) {
  const { s3Server } = await import('./server.mjs');
  const verify = await import('./verify.mjs');
  const store = await s3Server();
  const bucket = await store.bucket('s3mpu-cli');
  const env = childEnv({
    S3MPU_ENDPOINT: store.endpoint,
    S3MPU_REGION: store.region,
    S3MPU_ACCESS_KEY_ID: store.accessKeyId,
    S3MPU_SECRET_ACCESS_KEY: store.secretAccessKey,
  });
  const dir = await mkdtemp(join(tmpdir(), tmpName));
  return { store, bucket, env, dir, verify };
}

/** What openCliStore made goes: the directory, and every upload and object under `prefix`. */
export async function closeCliStore({ dir, bucket, verify, prefix }) {
  if (dir) await rm(dir, { recursive: true, force: true });
  if (bucket) {
    await verify.abortAll(bucket, prefix);
    await verify.deleteAll(bucket, prefix);
  }
}

/**
 * Run the CLI. `input`: bytes or text for stdin (else stdin is closed at
 * once, unless keepStdin: onSpawn(child) then writes it). Resolves to
 * { code, signal, stdout, stderr } (stdout and stderr as text).
 */
export function runCli(args, { input, env = childEnv(), onSpawn, keepStdin = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({
      code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
    }));
    child.stdin.on('error', () => {}); // the CLI may exit before reading all of it
    if (input !== undefined) child.stdin.end(input);
    else if (!keepStdin) child.stdin.end();
    onSpawn?.(child);
  });
}

/** A proxy to the store that counts part uploads and can hold each part's answer back. */
export async function slowProxy(target) {
  const t = new URL(target);
  const proxy = { partPuts: 0, delayMs: 0 };
  const server = http.createServer((req, res) => {
    const isPart = req.method === 'PUT' && /[?&]partNumber=/.test(req.url);
    if (isPart) proxy.partPuts++;
    const delay = isPart ? proxy.delayMs : 0;
    // Headers as received: Host stays the proxy's, which is what the client signed.
    const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      setTimeout(() => {
        res.writeHead(ur.statusCode, ur.headers);
        ur.pipe(res);
      }, delay);
    });
    up.on('error', () => res.destroy());
    req.on('error', () => up.destroy());
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${server.address().port}`;
  proxy.close = () => new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(resolve);
  });
  return proxy;
}
