// Uploads from Chromium to the gateway, s3mpu/direct beside the published Uppy through
// @uppy/companion: what bench/direct-bench.mjs (loopback) and bench/link-browser-bench.mjs
// (an emulated link) share. The page is tests/interop's; Companion is tests/interop's.
import { access, open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { randomFillSync } from 'node:crypto';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const interopModules = join(root, 'tests/interop/node_modules');
export const CONTENDERS = ['s3mpu-direct', 'uppy-companion'];

export async function exists(p) {
  return access(p).then(() => true, () => false);
}

/** Why the browser uploads cannot run here, or undefined when they can. */
export async function browserSkip(env = process.env) {
  const exe = env.S3MPU_CHROMIUM || '/usr/bin/chromium';
  if (!env.S3MPU_BENCH_RGW_ENDPOINT) return 'no gateway (S3MPU_BENCH_RGW_ENDPOINT)';
  if (!(await exists(exe))) return `no browser at ${exe}`;
  if (!(await exists(join(interopModules, '@uppy/companion')))) return 'tests/interop dev dependencies not installed';
  if (!(await exists(join(root, 'js/src/direct/index.js')))) return 'js/src/direct/ is not in this tree';
  return undefined;
}

/**
 * The gateway, the page (serving createDirectUploadHandler under /s3/), Companion and
 * Chromium, started; close() stops them all. `upload(contender, path, setup)` sends one file
 * and resolves to { key, etag, ms, longTasks, phases }.
 */
export async function openBrowserUploads(prefix, env = process.env) {
  const { chromium } = await import('playwright-core');
  const { S3Client, createDirectUploadHandler } = await import('../../js/src/index.node.js');
  const { startPage, bundleUppy } = await import('../../tests/interop/page.mjs');
  const { startCompanion } = await import('../../tests/interop/companion.mjs');
  const esbuild = await import('esbuild');
  const { S3Client: Sdk, DeleteObjectCommand } = await import('@aws-sdk/client-s3');
  const s3 = {
    endpoint: env.S3MPU_BENCH_RGW_ENDPOINT, region: env.S3MPU_BENCH_RGW_REGION || 'us-east-1',
    accessKeyId: env.S3MPU_BENCH_RGW_ACCESS_KEY, secretAccessKey: env.S3MPU_BENCH_RGW_SECRET_KEY,
  };
  const bucket = env.S3MPU_BENCH_RGW_BUCKET || 'bench-bucket';
  const credentials = { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey };
  const client = await S3Client.create({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials });
  const sdk = new Sdk({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials });
  const handler = createDirectUploadHandler(client, {
    bucket, key: (filename) => `${prefix}s3mpu/${Date.now()}-${filename}`, authorize: () => true,
  });
  const site = await startPage({ script: await bundleUppy(esbuild), handler });
  const companion = await startCompanion({ ...s3, bucket, clientOrigins: [site.origin], keyPrefix: `${prefix}uppy/` });
  const browser = await chromium.launch({
    executablePath: env.S3MPU_CHROMIUM || '/usr/bin/chromium', headless: true, timeout: 60_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--disable-quic'],
  });
  const pages = {
    's3mpu-direct': { url: `${site.origin}/direct.html`, kind: 'direct', o: { endpoint: `${site.origin}/s3` } },
    'uppy-companion': { url: site.url, kind: 'uppy', o: { endpoint: companion.url, shouldUseMultipart: true } },
  };
  return {
    client, sdk, bucket, site, browser, prefix,
    /** The object is gone (the gateway keeps every byte in RAM: memstore). */
    drop: (key) => sdk.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })).catch(() => {}),
    upload: (contender, path, opts = {}) => {
      const p = pages[contender];
      return inPage(browser, p.url, path, p.kind, { ...p.o, ...opts.options }, opts);
    },
    async close() {
      await browser.close();
      await companion.close();
      await site.close();
      client.destroy();
      sdk.destroy();
    },
  };
}

/**
 * Upload `path` in a fresh page; resolves to { key, etag, ms, longTasks, phases } (phases:
 * ms from the call to each of directUpload's phases and its first byte sent). `setup(page, context)`
 * runs once the page is ready, before the upload (e.g. a network emulation).
 */
async function inPage(browser, url, path, kind, o, { watchLongTasks = false, setup } = {}) {
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto(url);
    await page.waitForFunction((k) => (k === 'uppy' ? window.uppyReady : window.directReady) === true, kind);
    await page.setInputFiles('#file', path);
    await setup?.(page, ctx);
    return await page.evaluate(async ({ kind, o, watch }) => {
      const longTasks = [];
      const observer = watch ? new PerformanceObserver((l) => longTasks.push(...l.getEntries().map((x) => x.duration))) : undefined;
      observer?.observe({ type: 'longtask' });
      const file = document.querySelector('#file').files[0];
      const t0 = performance.now();
      let key;
      let etag;
      const phases = {};
      if (kind === 'uppy') {
        const { endpoint, ...options } = o;
        const res = await window.uppyUpload(file, endpoint, options);
        if (res.failed.length || !res.successful.length) throw new Error(`uppy: ${JSON.stringify(res.failed)}`);
        key = res.successful[0].key;
      } else {
        // When each phase began, and the first byte sent: where the time before and after the parts goes.
        const onProgress = (st) => {
          const at = performance.now() - t0;
          phases[st.phase] ??= at;
          if (st.loaded > 0) phases.firstByte ??= at;
        };
        ({ key, etag } = await window.directUpload(file, { ...o, store: false, onProgress }));
      }
      const ms = performance.now() - t0;
      await new Promise((resolve) => setTimeout(resolve, 100)); // let the observer deliver
      observer?.disconnect();
      return { key, etag, ms, longTasks, phases };
    }, { kind, o, watch: watchLongTasks });
  } finally {
    await ctx.close();
  }
}

/** The object is there with every byte (HEAD: its size). */
export async function arrived(client, bucket, key, size, label) {
  const head = await client.headObject({ bucket, key });
  if (head.size !== size) throw new Error(`${label}: ${key} has ${head.size} bytes, not ${size}`);
  return head;
}

/** A file of `size` random bytes under `dir`. */
export async function bodyFile(dir, size) {
  const path = join(dir, `body-${size}.bin`);
  const fh = await open(path, 'w');
  const block = Buffer.alloc(8 * 1024 * 1024);
  for (let at = 0; at < size; at += block.length) {
    randomFillSync(block);
    await fh.write(block, 0, Math.min(block.length, size - at));
  }
  await fh.close();
  return path;
}
