// Start the published @uppy/companion server (companion-server.mjs, a child process) against
// an S3 store, on 127.0.0.1 and a free port, with a data directory of its own. close() stops
// it; so does the death of this process (the child exits when its stdin closes).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./companion-server.mjs', import.meta.url));

/**
 * @param {{ endpoint: string, region: string, accessKeyId: string, secretAccessKey: string,
 *   bucket: string, clientOrigins: string[], keyPrefix?: string }} s3
 * @returns {Promise<{ url: string, close(): Promise<void>, log(): string }>}
 */
export async function startCompanion({ endpoint, region, accessKeyId, secretAccessKey, bucket, clientOrigins, keyPrefix = '' }) {
  const dataDir = await mkdtemp(join(tmpdir(), 's3mpu-companion-'));
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    COMPANION_DATADIR: dataDir,
    COMPANION_DOMAIN: '127.0.0.1',
    COMPANION_PROTOCOL: 'http',
    COMPANION_SECRET: randomBytes(24).toString('hex'),
    COMPANION_PREAUTH_SECRET: randomBytes(24).toString('hex'),
    COMPANION_CLIENT_ORIGINS: clientOrigins.join(','),
    COMPANION_AWS_ENDPOINT: endpoint,
    COMPANION_AWS_REGION: region,
    COMPANION_AWS_KEY: accessKeyId,
    COMPANION_AWS_SECRET: secretAccessKey,
    COMPANION_AWS_BUCKET: bucket,
    COMPANION_AWS_FORCE_PATH_STYLE: 'true',
    COMPANION_AWS_PREFIX: keyPrefix,
    // Only for uploads Companion makes itself (remote files): none here, but production mode
    // wants the list.
    COMPANION_UPLOAD_URLS: `^${endpoint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`,
    COMPANION_HIDE_METRICS: 'true',
    COMPANION_HIDE_WELCOME: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const child = spawn(process.execPath, [SERVER], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const output = [];
  child.stderr.on('data', (c) => output.push(c));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const port = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`companion did not start in 30 s:\n${Buffer.concat(output)}`)), 30_000);
    child.stdout.on('data', (c) => {
      output.push(c);
      seen += c;
      const m = /^PORT (\d+)$/m.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`companion exited (${code}) before listening:\n${Buffer.concat(output)}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => Buffer.concat(output).toString('utf8'),
    async close() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
