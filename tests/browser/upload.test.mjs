// The browser example (examples/browser) in Debian's Chromium, against the
// real gateway: the page is served by examples/browser/server.mjs on
// localhost, the file is given to its file picker, and every object is read
// back with the independent verifier. Run with scripts/test-e2e.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { s3Server } from '../js/harness/server.mjs';
import { verifyObject, listUploads } from '../js/harness/verify.mjs';
import { startDemoServer } from '../../examples/browser/server.mjs';
import { CHROMIUM, haveChromium, launchChromium } from '../e2e/chromium.mjs';

const MiB = 1024 * 1024;
const SIZE = 24 * MiB;
const PARTS = [8 * MiB, 8 * MiB, 8 * MiB]; // the core's plan for 24 MiB at the demo's 8 MiB
const artifacts = fileURLToPath(new URL('../../build/artifacts/', import.meta.url));

let s3;
let bucket;
let prefix;
let demo;
let browser;
let dir;
let file; // one file under four names (hard links): one object per test

before(async () => {
  assert.ok(await haveChromium(), `no browser at ${CHROMIUM}: apt-get install chromium (scripts/test-e2e.sh does)`);
  s3 = await s3Server();
  bucket = await s3.bucket('s3mpu-browser'); // with the CORS rule for http://localhost:*
  prefix = `browser/${Date.now()}-${process.pid}/`;
  dir = await mkdtemp(join(tmpdir(), 's3mpu-browser-'));
  file = (name) => join(dir, `${name}-24MiB.bin`);
  await writeFile(file('upload'), randomBytes(SIZE));
  await link(file('upload'), file('cancel'));
  await link(file('upload'), file('resume'));
  await link(file('upload'), file('pause'));
  demo = await startDemoServer({
    endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey, bucket, keyPrefix: prefix, port: 0,
  });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A fresh page (own context, so own localStorage unless `context` is given). */
async function openPage(context) {
  const ctx = context ?? (await browser.newContext());
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(demo.url);
  await page.waitForFunction(() => window.s3mpuDemo?.state === 'idle');
  return { ctx, page, errors };
}

/** Wait until fn(s3mpuDemo) is true in the page; fail fast when the page shows an error. */
async function waitDemo(page, fn, what, timeout = 90_000) {
  const t0 = Date.now();
  for (;;) {
    const s = await page.evaluate(() => ({ state: s3mpuDemo.state, upload: s3mpuDemo.upload }));
    if (fn(s)) return s;
    if (s.state === 'error') assert.fail(`page error while waiting for ${what}: ${await page.textContent('#status')}`);
    if (Date.now() - t0 > timeout) assert.fail(`timed out waiting for ${what}; last ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Limit the page's upload bandwidth (bytes/s; -1 = none) through the DevTools protocol. */
async function throttle(page, bytesPerSecond) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond,
  });
  return cdp;
}

/** The part PUTs the page sends to the gateway. */
function countPuts(page) {
  const puts = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().startsWith(s3.endpoint)) puts.push(Number(new URL(r.url()).searchParams.get('partNumber')));
  });
  return puts;
}

test('uploads a 24 MiB file picked in the page, byte for byte', { timeout: 120_000 }, async (t) => {
  const { ctx, page, errors } = await openPage();
  try {
    const puts = countPuts(page);
    // Hashing runs in a worker: the page's main thread must stay free.
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration)))
        .observe({ type: 'longtask' });
    });
    const t0 = performance.now();
    await page.setInputFiles('#file', file('upload'));
    await page.click('#start');
    const s = await waitDemo(page, (x) => x.state === 'done', 'the upload to finish');
    const ms = performance.now() - t0;
    const longTasks = await page.evaluate(() => window.longTasks);
    t.diagnostic(`24 MiB in ${ms.toFixed(0)} ms (${(SIZE / MiB / (ms / 1000)).toFixed(1)} MiB/s); ` +
      `main-thread long tasks: ${longTasks.length}, longest ${Math.max(0, ...longTasks).toFixed(0)} ms`);
    assert.ok(longTasks.every((d) => d < 250), `the page froze: long tasks ${longTasks}`);
    assert.equal(s.upload.partCount, 3);
    assert.deepEqual(puts.sort(), [1, 2, 3], 'each part sent once');
    const key = await page.textContent('#result-key');
    assert.equal(key, `${prefix}upload-24MiB.bin`);
    assert.match(await page.textContent('#result-etag'), /"[0-9a-f]{32}-3".*matches/);
    await verifyObject({ bucket, key, expectBytes: file('upload'), expectParts: PARTS });
    assert.deepEqual(await listUploads(bucket, prefix), []);
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'checkpoint dropped when done');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('cancel mid-way aborts the upload on the server', { timeout: 120_000 }, async () => {
  const { ctx, page, errors } = await openPage();
  try {
    await throttle(page, 4 * MiB); // ~6 s for the file: time to look and cancel
    await page.setInputFiles('#file', file('cancel'));
    await page.click('#start');
    const s = await waitDemo(page, (x) => x.upload?.loaded >= 0.35 * SIZE, 'a third of the bytes sent');
    assert.ok(s.upload.partsDone < s.upload.partCount && s.upload.inFlight > 0, 'still mid-way: parts in flight');
    // The progress UI mid-way, as a test artifact (bar, speed, ETA, parts).
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'browser-progress.png') });
    const key = s.upload.key;
    assert.equal((await listUploads(bucket, key)).length, 1, 'the upload exists before cancel');
    await page.click('#cancel');
    await waitDemo(page, (x) => x.state === 'canceled', 'the cancel to finish');
    assert.deepEqual(await listUploads(bucket, key), [], 'no upload left after cancel');
    await new Promise((r) => setTimeout(r, 1000)); // nothing in flight lands later
    assert.deepEqual(await listUploads(bucket, key), []);
    await assert.rejects(verifyObject({ bucket, key, expectBytes: new Uint8Array(0) }),
      (e) => e.$metadata?.httpStatusCode === 404, 'no object either');
    assert.match(await page.textContent('#status'), /aborted on the server/);
    assert.equal(await page.evaluate(() => localStorage.length), 0, 'checkpoint dropped');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('pause stops sending, resume finishes the upload', { timeout: 120_000 }, async () => {
  const { ctx, page, errors } = await openPage();
  try {
    const cdp = await throttle(page, 4 * MiB);
    const puts = countPuts(page);
    await page.setInputFiles('#file', file('pause'));
    await page.click('#start');
    await waitDemo(page, (x) => x.upload?.loaded >= 0.25 * SIZE, 'a quarter of the bytes sent');
    await page.click('#pause');
    const paused = await waitDemo(page, (x) => x.state === 'paused', 'the pause');
    assert.equal(paused.upload.inFlight, 0, 'nothing in flight while paused');
    const sent = puts.length;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(puts.length, sent, 'no part sent while paused');
    assert.match(await page.textContent('#status'), /^Paused/);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.click('#resume');
    const done = await waitDemo(page, (x) => x.state === 'done', 'the upload to finish');
    await verifyObject({ bucket, key: done.upload.key, expectBytes: file('pause'), expectParts: PARTS });
    assert.deepEqual(await listUploads(bucket, done.upload.key), []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('reload mid-way, pick the file again: only the missing part is sent', { timeout: 120_000 }, async (t) => {
  const ctx = await browser.newContext(); // one context: localStorage survives the reload
  try {
    const { page, errors } = await openPage(ctx);
    // Hold part 3 at the network layer (its CORS preflight passes): parts 1
    // and 2 finish, part 3 is in flight when the page reloads.
    let held = 0;
    await page.route((u) => u.searchParams.get('partNumber') === '3', (route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      held++;
      return undefined; // never answered: the reload cancels it
    });
    await page.setInputFiles('#file', file('resume'));
    await page.click('#start');
    const s = await waitDemo(page, (x) => x.upload?.partsDone === 2 && held > 0, 'parts 1 and 2');
    const key = s.upload.key;
    const checkpoint = JSON.parse(await page.evaluate(() => localStorage.getItem(localStorage.key(0))));
    assert.deepEqual(checkpoint.parts.map((p) => p[0]).sort(), [1, 2]);

    const t0 = performance.now();
    await page.reload();
    const t1 = performance.now();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.waitForFunction(() => window.s3mpuDemo?.state === 'idle');
    const t2 = performance.now();
    const puts = countPuts(page);
    await page.setInputFiles('#file', file('resume'));
    assert.match(await page.textContent('#resume-note'), /unfinished upload \(2 of 3 parts/);
    assert.equal(await page.textContent('#start'), 'Resume upload');
    await page.click('#start');
    const done = await waitDemo(page, (x) => x.state === 'done', 'the resumed upload to finish');
    t.diagnostic(`reload ${(t1 - t0).toFixed(0)} ms, unroute ${(t2 - t1).toFixed(0)} ms, resume to done ${(performance.now() - t2).toFixed(0)} ms`);
    assert.equal(done.upload.key, key);
    assert.deepEqual(puts, [3], 'after the reload only part 3 went out');
    await verifyObject({ bucket, key, expectBytes: file('resume'), expectParts: PARTS });
    assert.deepEqual(await listUploads(bucket, key), []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('presigned part URLs: S3 checks the unsigned Content-MD5 the page adds', { timeout: 60_000 }, async () => {
  // The design choice of the example: URLs are signed before the page knows
  // the MD5, so Content-MD5 is not signed. It must still be enforced.
  const api = (method, path, body) => fetch(new URL(path, demo.url), {
    method, body: body && JSON.stringify(body), headers: body ? { 'content-type': 'application/json' } : {},
  });
  const up = await (await api('POST', '/api/uploads', { name: 'md5-check.bin', size: 6 * MiB })).json();
  assert.equal(up.partCount, 1);
  const { urls } = await (await api('GET', `/api/uploads/${up.id}/parts?from=1&to=1`)).json();
  assert.equal(urls.length, 1);
  const bytes = randomBytes(6 * MiB);
  const good = createHash('md5').update(bytes).digest();
  const bad = createHash('md5').update('other bytes').digest();
  const wrong = await fetch(urls[0].url, { method: 'PUT', body: bytes, headers: { 'content-md5': bad.toString('base64') } });
  assert.equal(wrong.status, 400);
  assert.match(await wrong.text(), /<Code>BadDigest<\/Code>/);
  const right = await fetch(urls[0].url, { method: 'PUT', body: bytes, headers: { 'content-md5': good.toString('base64') } });
  assert.equal(right.status, 200, await right.text());
  assert.equal(right.headers.get('etag'), `"${good.toString('hex')}"`);

  // Ids are the server's: a forged one is refused.
  const forged = `${up.id.split('.')[0]}.AAAAAAAAAAAAAAAAAAAAAA`;
  assert.equal((await api('GET', `/api/uploads/${forged}/listparts`)).status, 403);
  assert.equal((await api('DELETE', `/api/uploads/${up.id}`)).status, 204);
  assert.deepEqual(await listUploads(bucket, up.key), []);
});

test('one request presigns every part URL of a large upload', { timeout: 60_000 }, async (t) => {
  // 10,000 parts of 8 MiB (a 78 GiB file): the upload is created and
  // aborted, no byte is sent.
  const size = 10_000 * 8 * MiB;
  const res = await fetch(new URL('/api/uploads', demo.url), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'huge.bin', size }),
  });
  const up = await res.json();
  assert.equal(up.partCount, 10_000);
  const t0 = performance.now();
  const { urls } = await (await fetch(new URL(`/api/uploads/${up.id}/parts?from=1&to=10000`, demo.url))).json();
  const ms = performance.now() - t0;
  assert.equal(urls.length, 10_000);
  assert.deepEqual([urls[0].partNumber, urls[9999].partNumber], [1, 10_000]);
  assert.equal(new Set(urls.map((u) => u.url)).size, 10_000);
  t.diagnostic(`10,000 part URLs in one request: ${ms.toFixed(0)} ms`);
  await fetch(new URL(`/api/uploads/${up.id}`, demo.url), { method: 'DELETE' });
});
