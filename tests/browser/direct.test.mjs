// s3mpu/direct in Debian's Chromium against the real gateway: the example
// page (examples/browser, directUpload + createDirectUploadHandler) served on
// localhost, files given to its file picker, and every object read back byte
// for byte by the independent verifier. Run with scripts/test-e2e.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { link, mkdir, mkdtemp, rm, writeFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { s3Server } from '../js/harness/server.mjs';
import { verifyObject, listUploads, abortAll } from '../js/harness/verify.mjs';
import { startDemoServer } from '../../examples/browser/server.mjs';
import { sessionCredentials } from './sts.mjs';
import { CHROMIUM, haveChromium, launchChromium } from '../e2e/chromium.mjs';

const MiB = 1024 * 1024;
const SIZE = 24 * MiB;
const PARTS = [8 * MiB, 8 * MiB, 8 * MiB]; // the handler's plan for 24 MiB
const BIG = 200 * MiB;
const artifacts = fileURLToPath(new URL('../../build/artifacts/', import.meta.url));

let s3;
let bucket;
let prefix;
let browser;
let dir;
const servers = [];
let demo;

/** A file of `size` random bytes under `name` (written in 8 MiB pieces). */
async function makeFile(name, size) {
  const path = join(dir, name);
  const fh = await open(path, 'w');
  for (let at = 0; at < size; at += 8 * MiB) await fh.write(randomBytes(Math.min(8 * MiB, size - at)));
  await fh.close();
  return path;
}

/** One 24 MiB file under many names (hard links): one object per test. */
async function file24(name) {
  const path = join(dir, `${name}-24MiB.bin`);
  await link(join(dir, 'base-24MiB.bin'), path);
  return path;
}

async function demoServer(extra = {}) {
  const d = await startDemoServer({
    endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey, bucket, keyPrefix: prefix, port: 0, ...extra,
  });
  servers.push(d);
  return d;
}

before(async () => {
  assert.ok(await haveChromium(), `no browser at ${CHROMIUM}: apt-get install chromium (scripts/test-e2e.sh does)`);
  s3 = await s3Server();
  bucket = await s3.bucket('s3mpu-browser'); // with the CORS rule for http://localhost:*
  prefix = `direct/${Date.now()}-${process.pid}/`;
  dir = await mkdtemp(join(tmpdir(), 's3mpu-direct-'));
  await writeFile(join(dir, 'base-24MiB.bin'), randomBytes(SIZE));
  demo = await demoServer();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  for (const d of servers) await d.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A fresh page (own context, so own IndexedDB unless `context` is given). */
async function openPage(server = demo, context) {
  const ctx = context ?? (await browser.newContext());
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(server.url);
  await page.waitForFunction(() => window.s3mpuDemo?.state === 'idle');
  return { ctx, page, errors };
}

/** Wait until fn({ state, progress }) holds; fail fast when the page shows an error. */
async function waitDemo(page, fn, what, timeout = 120_000) {
  const t0 = Date.now();
  for (;;) {
    const s = await page.evaluate(() => ({ state: s3mpuDemo.state, progress: s3mpuDemo.progress }));
    if (fn(s)) return s;
    if (s.state === 'error' && !fn(s)) assert.fail(`page error while waiting for ${what}: ${await page.textContent('#status')}`);
    if (Date.now() - t0 > timeout) {
      assert.fail(`timed out waiting for ${what}; last ${JSON.stringify(s)}; status: ${await page.textContent('#status')}`);
    }
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

/** The part PUTs the page sends to the gateway (part numbers, in order). */
function countPuts(page) {
  const puts = [];
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().startsWith(s3.endpoint)) puts.push(Number(new URL(r.url()).searchParams.get('partNumber')));
  });
  return puts;
}

/** CPU milliseconds of each task on the page's main thread (CrRendererMain) in a trace. */
function mainThreadTaskCpuMs(trace) {
  const events = trace.traceEvents ?? trace;
  const main = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && main.has(`${e.pid}:${e.tid}`) && e.tdur !== undefined)
    .map((e) => e.tdur / 1000);
}

const isPartPut = (r) => r.method() === 'PUT' && r.url().startsWith(s3.endpoint) && r.url().includes('partNumber=');

/** How many upload checkpoints the page's IndexedDB holds. */
function checkpoints(page) {
  return page.evaluate(async () => (await indexedDB.databases()).length && new Promise((resolve) => {
    const r = indexedDB.open('s3mpu-direct');
    r.onsuccess = () => {
      const q = r.result.transaction('uploads').objectStore('uploads').count();
      q.onsuccess = () => resolve(q.result);
    };
  }));
}

async function pick(page, path) {
  await page.setInputFiles('#file', path);
  await page.click('#start');
}

test('200 MiB from the page, byte for byte; hashing never blocks the main thread', { timeout: 240_000 }, async (t) => {
  const big = await makeFile('big-200MiB.bin', BIG);
  const { ctx, page, errors } = await openPage();
  try {
    await page.evaluate(() => {
      window.longTasks = [];
      new PerformanceObserver((l) => window.longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    });
    const puts = countPuts(page);
    // The page's main thread as Chromium's trace sees it: the CPU each task took (a wall-clock
    // long task also counts time the thread waited for a core, which a busy machine adds).
    await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline'] });
    const t0 = performance.now();
    await pick(page, big);
    await waitDemo(page, (x) => x.state === 'done', 'the upload to finish', 200_000);
    const ms = performance.now() - t0;
    const cpu = mainThreadTaskCpuMs(JSON.parse(String(await browser.stopTracing())));
    const longTasks = await page.evaluate(() => window.longTasks);
    t.diagnostic(`200 MiB in ${ms.toFixed(0)} ms (${(BIG / MiB / (ms / 1000)).toFixed(1)} MiB/s, Content-MD5 on every part); ` +
      `main thread: ${cpu.length} tasks, the longest ${Math.max(0, ...cpu).toFixed(1)} ms of CPU; ` +
      `long tasks (wall): ${longTasks.length}, longest ${Math.max(0, ...longTasks).toFixed(0)} ms`);
    assert.ok(cpu.length > 0, 'the trace shows the main thread');
    assert.ok(cpu.every((d) => d < 50), `a main-thread task took 50 ms of CPU or more: ${cpu.filter((d) => d >= 50)}`);
    assert.equal(puts.length, 25, 'each of the 25 parts sent once');
    const key = await page.textContent('#result-key');
    assert.equal(key, `${prefix}big-200MiB.bin`);
    assert.match(await page.textContent('#result-etag'), /"[0-9a-f]{32}-25".*matches/);
    await verifyObject({ bucket, key, expectBytes: big, expectParts: [...Array(25)].map(() => 8 * MiB) });
    assert.deepEqual(await listUploads(bucket, key), []);
    assert.equal(await checkpoints(page), 0, 'the checkpoint is removed on success');
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    await rm(big, { force: true });
  }
});

test('cancel mid-way: nothing left on the server, no stale result', { timeout: 120_000 }, async () => {
  const { ctx, page, errors } = await openPage();
  try {
    // A finished upload first: its result must not stay on screen after the cancel.
    const small = await makeFile('small.bin', 1 * MiB);
    await pick(page, small);
    await waitDemo(page, (x) => x.state === 'done', 'the small upload');
    assert.equal(await page.isVisible('#result'), true);
    await throttle(page, 4 * MiB);
    const path = await file24('cancel');
    await pick(page, path);
    assert.equal(await page.isVisible('#result'), false, 'the previous result is gone at start');
    await waitDemo(page, (x) => x.progress?.loaded >= 0.35 * SIZE, 'a third of the bytes sent');
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'browser-progress.png') });
    const key = `${prefix}cancel-24MiB.bin`;
    assert.equal((await listUploads(bucket, key)).length, 1, 'the upload exists before cancel');
    await page.click('#cancel');
    await waitDemo(page, (x) => x.state === 'canceled', 'the cancel to finish');
    assert.deepEqual(await listUploads(bucket, key), [], 'no upload left after cancel');
    await new Promise((r) => setTimeout(r, 1000)); // nothing in flight lands later
    assert.deepEqual(await listUploads(bucket, key), []);
    await assert.rejects(verifyObject({ bucket, key, expectBytes: new Uint8Array(0) }),
      (e) => e.$metadata?.httpStatusCode === 404, 'no object either');
    assert.match(await page.textContent('#status'), /aborted on the server/);
    assert.equal(await page.isVisible('#result'), false);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('pause stops sending and keeps the progress; resume finishes', { timeout: 120_000 }, async () => {
  const path = await makeFile('pause-56MiB.bin', 56 * MiB); // 7 parts, 6 in flight: one still waits
  const { ctx, page, errors } = await openPage();
  try {
    const cdp = await throttle(page, 4 * MiB);
    const puts = countPuts(page);
    await pick(page, path);
    await waitDemo(page, (x) => x.progress?.partsDone >= 1, 'a part on the server');
    await page.click('#pause');
    const paused = await waitDemo(page, (x) => x.state === 'paused', 'the pause');
    const status = await page.textContent('#status');
    assert.match(status, /^Paused: [1-7] of 7 parts on the server/);
    const shown = Number((await page.textContent('#percent')).replace('%', ''));
    assert.ok(shown >= 20, `the bar shows what was sent (${shown} %), not 0 %`);
    assert.ok(paused.progress.loaded >= paused.progress.confirmed && paused.progress.confirmed >= 8 * MiB);
    const sent = puts.length;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(puts.length, sent, 'no part sent while paused');
    const still = await page.evaluate(() => ({ state: s3mpuDemo.state, progress: s3mpuDemo.progress }));
    assert.equal(still.state, 'paused');
    assert.ok(still.progress.loaded >= paused.progress.loaded, 'progress never goes back');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await page.click('#resume');
    await waitDemo(page, (x) => x.state === 'done', 'the upload to finish');
    const key = `${prefix}pause-56MiB.bin`;
    await verifyObject({ bucket, key, expectBytes: path, expectParts: Array(7).fill(8 * MiB) });
    assert.deepEqual(await listUploads(bucket, key), []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('reload mid-way, pick the file again: only the missing part is sent', { timeout: 120_000 }, async () => {
  const ctx = await browser.newContext(); // one context: IndexedDB survives the reload
  try {
    const { page, errors } = await openPage(demo, ctx);
    // Part 3 is held at the network layer: parts 1 and 2 finish, part 3 is in flight at the reload.
    let held = 0;
    await page.route((u) => u.searchParams.get('partNumber') === '3', (route) => {
      if (route.request().method() !== 'PUT') return route.continue();
      held++;
      return undefined; // never answered: the reload cancels it
    });
    const path = await file24('reload');
    await pick(page, path);
    await waitDemo(page, (x) => x.progress?.partsDone === 2 && held > 0, 'parts 1 and 2', 30_000);
    await page.reload();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await page.waitForFunction(() => window.s3mpuDemo?.state === 'idle');
    const puts = countPuts(page);
    await pick(page, path);
    await waitDemo(page, (x) => x.state === 'done', 'the resumed upload to finish', 30_000);
    assert.deepEqual(puts, [3], 'after the reload only part 3 went out');
    const key = `${prefix}reload-24MiB.bin`;
    await verifyObject({ bucket, key, expectBytes: path, expectParts: PARTS });
    assert.deepEqual(await listUploads(bucket, key), []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('a fifth of the part PUTs fail (500s and dropped connections): the upload still completes', { timeout: 120_000 }, async (t) => {
  const { ctx, page, errors } = await openPage();
  try {
    let seen = 0;
    let failed = 0;
    await page.route((u) => u.href.startsWith(s3.endpoint), (route) => {
      const r = route.request();
      if (!isPartPut(r) || ++seen % 5 !== 1) return route.continue(); // PUTs 1, 6, 11, ...
      failed++;
      if (failed % 2) return route.abort('connectionreset');
      const origin = r.headers().origin ?? '*';
      return route.fulfill({
        status: 500, body: '<Error><Code>InternalError</Code></Error>',
        headers: { 'access-control-allow-origin': origin, 'content-type': 'application/xml' },
      });
    });
    const bytes = await makeFile('flaky-40MiB.bin', 40 * MiB);
    await pick(page, bytes);
    await waitDemo(page, (x) => x.state === 'done', 'the upload to finish');
    t.diagnostic(`${seen} part PUTs, ${failed} failed by the test`);
    assert.ok(failed >= 2 && failed / seen >= 0.2, `${failed} of ${seen} failed`);
    const key = `${prefix}flaky-40MiB.bin`;
    await verifyObject({ bucket, key, expectBytes: bytes, expectParts: [8 * MiB, 8 * MiB, 8 * MiB, 8 * MiB, 8 * MiB] });
    assert.deepEqual(await listUploads(bucket, key), []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('part URLs that expire mid-upload are signed again (5 s URLs, a PUT held 7 s)', { timeout: 120_000 }, async (t) => {
  const shortLived = await demoServer({ expiresIn: 5 });
  const { ctx, page, errors } = await openPage(shortLived);
  try {
    const expired = [];
    // RGW's 403 carries no CORS headers: the page sees a network failure, Playwright a failed request.
    page.on('response', (r) => {
      if (isPartPut(r.request()) && r.status() === 403) expired.push(r.url());
    });
    page.on('requestfailed', (r) => {
      if (isPartPut(r)) expired.push(r.url());
    });
    let batches = 0;
    page.on('request', (r) => {
      if (r.url().includes('/s3/multipart/') && r.url().includes('/batch')) batches++;
    });
    let heldOnce = false;
    await page.route((u) => u.searchParams.get('partNumber') === '2', async (route) => {
      if (route.request().method() === 'PUT' && !heldOnce) {
        heldOnce = true;
        await new Promise((r) => setTimeout(r, 7000));
      }
      return route.continue();
    });
    const path = await file24('expiring');
    await pick(page, path);
    await waitDemo(page, (x) => x.state === 'done', 'the upload to finish');
    t.diagnostic(`${expired.length} PUT(s) refused (expired), ${batches} URL batches`);
    assert.ok(expired.length >= 1, 'a URL did expire');
    assert.ok(batches >= 2, 'fresh URLs were asked for');
    await verifyObject({ bucket, key: `${prefix}expiring-24MiB.bin`, expectBytes: path, expectParts: PARTS });
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('a CORS rule that hides ETag: ETags come from ListParts; no CORS rule: the message names it', { timeout: 120_000 }, async () => {
  const hidden = await s3.bucket('s3mpu-browser-noetag', {
    cors: { CORSRules: [{ AllowedOrigins: ['http://localhost:*'], AllowedMethods: ['GET', 'PUT', 'POST', 'DELETE'], AllowedHeaders: ['*'] }] },
  });
  const noCors = await s3.bucket('s3mpu-browser-nocors', { cors: false });
  const hiding = await demoServer({ bucket: hidden });
  const refusing = await demoServer({ bucket: noCors });
  const path = await file24('hidden-etag');
  {
    const { ctx, page, errors } = await openPage(hiding);
    try {
      await pick(page, path);
      await waitDemo(page, (x) => x.state === 'done', 'the upload to finish');
      await verifyObject({ bucket: hidden, key: `${prefix}hidden-etag-24MiB.bin`, expectBytes: path, expectParts: PARTS });
      assert.match(await page.textContent('#result-etag'), /-3".*matches/);
      assert.deepEqual(errors, []);
    } finally {
      await ctx.close();
    }
  }
  {
    const { ctx, page } = await openPage(refusing);
    try {
      await pick(page, path);
      await waitDemo(page, (x) => x.state === 'error', 'the failure', 60_000);
      const text = await page.textContent('#status');
      assert.match(text, /CORS configuration needs a rule with AllowedOrigin http:\/\/localhost:\d+, AllowedMethod PUT/);
      assert.match(text, /ExposeHeader ETag/);
    } finally {
      await ctx.close();
      await abortAll(noCors, prefix);
    }
  }
});

test('a backend error is shown with its status text, never as an empty "HTTP 502: "', { timeout: 60_000 }, async () => {
  const { ctx, page } = await openPage();
  try {
    await page.route('**/s3/multipart', (route) => route.fulfill({ status: 502, body: '' }));
    await pick(page, await file24('bad-gateway'));
    await waitDemo(page, (x) => x.state === 'error', 'the failure');
    assert.match(await page.textContent('#status'), /HTTP 502 Bad Gateway: \(no explanation in its answer\)/);
  } finally {
    await ctx.close();
  }
});

test('the hashing Worker asks for its whole module graph at once, and s3mpu-md5.wasm comes from the page meanwhile', { timeout: 60_000 }, async () => {
  const { ctx, page, errors } = await openPage();
  try {
    // tasks.js, the Worker's first import, is held until every other module of its graph and the
    // wasm were asked for: a Worker that found them only through tasks.js, or fetched the wasm
    // once its modules ran, would ask for none of them meanwhile. No module is asked for later.
    const seen = new Set();
    const late = [];
    let released = false;
    ctx.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      seen.add(path);
      if (released && path.startsWith('/s3mpu/src/')) late.push(path);
    });
    const rest = ['direct/md5wasm.js', 'hash.js', 'body.js', 'wasm.js', 'errors.js'].map((m) => `/s3mpu/src/${m}`);
    let missing;
    await ctx.route('**/s3mpu/src/direct/tasks.js', async (route) => {
      for (let waited = 0; waited < 20_000; waited += 20) {
        missing = [...rest, '/s3mpu/s3mpu-md5.wasm'].filter((p) => !seen.has(p));
        if (!missing.length) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      released = true;
      await route.continue();
    });
    await pick(page, await file24('worker-graph'));
    await waitDemo(page, (x) => x.state === 'done', 'the upload to finish');
    assert.deepEqual(missing, [], 'asked for while tasks.js was held');
    assert.deepEqual(late, [], 'modules the Worker found only through tasks.js');
    const key = await page.textContent('#result-key');
    await verifyObject({ bucket, key, expectBytes: join(dir, 'base-24MiB.bin'), expectParts: PARTS });
    // The Worker and the wasm given by URL (esbuild's way, README): both still load.
    const given = await page.evaluate(async () => {
      const { directUpload } = await import('/s3mpu/src/direct/index.js');
      const file = new File([new Uint8Array(6 * 2 ** 20).fill(7)], 'given.bin');
      const options = { endpoint: '/s3', store: false, partSize: 5 * 2 ** 20, worker: '/s3mpu/src/direct/worker.js' };
      const ok = await directUpload(file, { ...options, md5Wasm: '/s3mpu/s3mpu-md5.wasm' });
      const e = await directUpload(file, { ...options, md5Wasm: '/s3mpu/no-such.wasm' }).catch((x) => x);
      return { parts: ok.parts, etag: ok.etag, error: e.message };
    });
    assert.equal(given.parts, 2);
    assert.match(given.etag, /^"[0-9a-f]{32}-2"$/);
    assert.match(given.error, /cannot load wasm: HTTP 404/);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('a file changed on disk after it was picked: NotReadableError naming it, the upload aborted (Worker and in-thread)', { timeout: 60_000 }, async () => {
  const { ctx, page, errors } = await openPage();
  try {
    for (const worker of [undefined, false]) {
      const name = `changed-${worker === false ? 'in-thread' : 'worker'}.bin`;
      const path = await makeFile(name, SIZE);
      await page.setInputFiles('#file', path);
      // The file changes while Create is on its way, which goes out while the Worker starts:
      // the checkpoint's fingerprint (its first 64 KiB) or the first part's hash is the read that fails.
      let created = 0;
      await page.route('**/s3/multipart', async (route) => {
        if (route.request().method() === 'POST') {
          await writeFile(path, randomBytes(SIZE));
          created++;
        }
        await route.continue();
      });
      const e = await page.evaluate(async (w) => {
        const { directUpload } = await import('/s3mpu/src/direct/index.js');
        try {
          await directUpload(document.getElementById('file').files[0], { endpoint: '/s3', worker: w });
          return { done: true };
        } catch (e) {
          return { name: e.name, message: e.message, isError: e instanceof Error, resumable: e.resumable ?? null };
        }
      }, worker);
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      assert.equal(created, 1, `${name}: the upload was created`);
      assert.equal(e.name, 'NotReadableError', `${name}: ${JSON.stringify(e)}`);
      assert.equal(e.isError, true);
      assert.match(e.message, new RegExp(`cannot read bytes 0\\.\\.(${64 * 1024}|${8 * MiB}) of "${name}"`));
      assert.equal(e.resumable, null, 'not kept for a resume that cannot come');
      assert.deepEqual(await listUploads(bucket, `${prefix}${name}`), [], `${name}: aborted on the server`);
      assert.equal(await checkpoints(page), 0, 'no checkpoint kept');
    }
    // Not only the DOM's errors: a RangeError in the Worker is one on the page.
    const plan = await page.evaluate(async () => {
      const hasher = await (await import('/s3mpu/src/direct/hasher.js')).openHasher();
      const e = await hasher.run('plan', { size: 2 ** 50, partSize: 5 * 2 ** 20 }).catch((x) => x);
      hasher.close();
      return { name: e.name, isRangeError: e instanceof RangeError, message: e.message };
    });
    assert.deepEqual({ ...plan, message: undefined }, { name: 'RangeError', isRangeError: true, message: undefined });
    assert.match(plan.message, /no plan of/);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('zero-byte and one-part files go through the same call', { timeout: 60_000 }, async () => {
  const { ctx, page, errors } = await openPage();
  try {
    for (const [name, size] of [['empty.bin', 0], ['one-part.bin', 3 * MiB + 5]]) {
      const path = await makeFile(name, size);
      await pick(page, path);
      await waitDemo(page, (x) => x.state === 'done', `${name} to finish`);
      const v = await verifyObject({ bucket, key: `${prefix}${name}`, expectBytes: path, expectParts: false });
      assert.equal(v.size, size);
      assert.equal(await page.textContent('#percent'), '100%');
    }
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test('a part PUT that hangs is abandoned after idleTimeout and sent again', { timeout: 120_000 }, async () => {
  // A server that takes connections and never answers: the first URL of part 2 points there.
  const sockets = [];
  const hole = net.createServer((socket) => sockets.push(socket));
  await new Promise((r) => hole.listen(0, '127.0.0.1', r));
  const { ctx, page, errors } = await openPage();
  try {
    await page.exposeFunction('holeHit', () => sockets.length > 0);
    const path = await file24('hanging');
    await page.setInputFiles('#file', path);
    const r = await page.evaluate(async (holeUrl) => {
      const { directUpload } = await import('/s3mpu/src/direct/index.js');
      const call = async (method, path, body) => (await fetch(`/s3${path}`, {
        method, headers: body ? { 'content-type': 'application/json' } : {}, body: body && JSON.stringify(body),
      })).json();
      const q = (key) => `?key=${encodeURIComponent(key)}`;
      const signer = {
        create: (x) => call('POST', '/multipart', x),
        signParts: async ({ key, uploadId, partNumbers }) => {
          const answer = await call('GET', `/multipart/${uploadId}/batch${q(key)}&partNumbers=${partNumbers}`);
          // Part 2's URL leads to the hole until the hole has seen it.
          if (answer.presignedUrls['2'] && !(await window.holeHit())) {
            answer.presignedUrls['2'] = holeUrl;
            answer.expires = 1; // so the retry asks again
          }
          return answer;
        },
        listParts: ({ key, uploadId }) => call('GET', `/multipart/${uploadId}${q(key)}`),
        complete: ({ key, uploadId, parts }) => call('POST', `/multipart/${uploadId}/complete${q(key)}`, { parts }),
        abort: ({ key, uploadId }) => call('DELETE', `/multipart/${uploadId}${q(key)}`),
      };
      return directUpload(document.getElementById('file').files[0], { signer, idleTimeout: 3000, store: false });
    }, `http://127.0.0.1:${hole.address().port}/part2`);
    assert.ok(sockets.length >= 1, 'part 2 went to the server that never answers first');
    await verifyObject({ bucket, key: r.key, expectBytes: path, expectParts: PARTS });
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    for (const s of sockets) s.destroy();
    hole.close();
  }
});

test('credentials mode: STS session credentials from the backend, the wasm core signs in the page', { timeout: 120_000 }, async (t) => {
  // The test backend asks the gateway's STS (GetSessionToken) for each request, as a real
  // backend would; a store without STS gets the gateway's own key instead, and says so.
  const first = await sessionCredentials(s3);
  if (first.missing) t.diagnostic(`no STS on this store (${first.missing}): the gateway's own key stands in`);
  else t.diagnostic(`STS session credentials (${first.credentials.accessKeyId}, token ${first.credentials.sessionToken.length} chars)`);
  const { ctx, page, errors } = await openPage();
  try {
    let asked = 0;
    const tokens = new Set();
    await page.route('**/test-credentials', async (route) => {
      asked++;
      const c = first.missing ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } : (await sessionCredentials(s3)).credentials;
      if (c.sessionToken) tokens.add(c.sessionToken);
      return route.fulfill({
        status: 200, contentType: 'application/json',
        // Said to expire in 30 s: inside the minute before expiry, so every use asks for fresh ones.
        body: JSON.stringify({ ...c, expiration: new Date(Date.now() + 30_000).toISOString() }),
      });
    });
    const path = await file24('credentials');
    await page.setInputFiles('#file', path);
    const key = `${prefix}credentials-24MiB.bin`;
    const r = await page.evaluate(async ({ endpoint, bucket: b, region, key: k }) => {
      const { directUpload } = await import('/s3mpu/src/direct/index.js');
      const file = document.getElementById('file').files[0];
      return directUpload(file, {
        credentials: async () => (await fetch('/test-credentials')).json(),
        s3: { endpoint, bucket: b, region, forcePathStyle: true }, key: k, partSize: 8 * 1024 * 1024,
      });
    }, { endpoint: s3.endpoint, bucket, region: s3.region, key });
    assert.equal(r.key, key);
    assert.equal(r.parts, 3);
    assert.ok(asked >= 3, `credentials asked ${asked} times: refreshed before they expire`);
    if (!first.missing) assert.equal(tokens.size, asked, 'a fresh session each time');
    await verifyObject({ bucket, key, expectBytes: path, expectParts: PARTS });
    assert.deepEqual(await listUploads(bucket, key), []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});
