// The page: a direct upload from the browser to S3 over presigned part URLs.
//
//   1. POST /api/uploads           the server creates the multipart upload and
//                                  says how to cut the file (the core's plan)
//   2. GET  /api/uploads/:id/parts every part URL in one round trip
//   3. each part: MD5 in md5.worker.js (wasm), then PUT to its URL with
//      Content-MD5, 4 parts in flight, retried on network errors and 5xx
//   4. POST /api/uploads/:id/complete, then the multipart ETag is checked
//      against the MD5s computed here
//
// Content-MD5 travels UNSIGNED: the URLs are signed before the page has
// read the file, and S3 checks an unsigned Content-MD5 as well (a part
// whose bytes do not match is refused with BadDigest). See README.md.
//
// Pause aborts the parts in flight (they are sent again on resume). After a
// reload, the checkpoint in localStorage and ListParts tell which parts the
// server already has; only the others are sent. XMLHttpRequest, not fetch:
// fetch reports no upload progress.

const PARALLEL = 4;
const ATTEMPTS = 4;
const URL_MARGIN_MS = 5 * 60 * 1000; // ask for fresh URLs this long before they expire
const SPEED_WINDOW_MS = 4000;
const MAX_SQUARES = 400;

const $ = (id) => document.getElementById(id);
const ui = {
  file: $('file'), start: $('start'), pause: $('pause'), resume: $('resume'), cancel: $('cancel'),
  note: $('resume-note'), bar: $('bar'), percent: $('percent'), bytes: $('bytes'), speed: $('speed'),
  eta: $('eta'), parts: $('parts'), status: $('status'), result: $('result'),
  resultKey: $('result-key'), resultEtag: $('result-etag'),
};

// ---- MD5 in a worker ------------------------------------------------------------------

class Md5Worker {
  constructor() {
    this.worker = new Worker('/md5.worker.js', { type: 'module' });
    this.next = 1;
    this.waiting = new Map();
    this.worker.onmessage = ({ data }) => {
      const w = this.waiting.get(data.id);
      if (!w) return;
      this.waiting.delete(data.id);
      if (data.error) w.reject(new Error(`MD5 worker: ${data.error}`));
      else w.resolve(data);
    };
    this.worker.onerror = (e) => {
      e.preventDefault();
      for (const w of this.waiting.values()) w.reject(new Error(`MD5 worker failed: ${e.message}`));
      this.waiting.clear();
    };
  }

  call(message) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
  }
}

const md5 = new Md5Worker();

// ---- Checkpoints (localStorage) -------------------------------------------------------

const fingerprint = (f) => `s3mpu-demo:${JSON.stringify([f.name, f.size, f.lastModified])}`;

function loadCheckpoint(file) {
  try {
    const cp = JSON.parse(localStorage.getItem(fingerprint(file)) ?? 'null');
    return cp?.v === 1 && cp.size === file.size ? cp : undefined;
  } catch {
    return undefined;
  }
}

function saveCheckpoint(job) {
  const parts = [...job.done].map(([n, d]) => [n, d.etag, d.md5]);
  const cp = { v: 1, id: job.id, key: job.key, size: job.size, partSize: job.partSize, partCount: job.partCount, parts };
  localStorage.setItem(fingerprint(job.file), JSON.stringify(cp));
}

function dropCheckpoint(file) {
  localStorage.removeItem(fingerprint(file));
}

// ---- Server API -----------------------------------------------------------------------

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : undefined,
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 204) return undefined;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(`${data.error ?? `HTTP ${res.status}`}: ${data.message ?? ''}`), { status: res.status, code: data.error });
  return data;
}

// ---- The upload -----------------------------------------------------------------------

let job; // the upload in progress, or undefined
let state = 'idle';

class Stopped extends Error {}

function newJob(file, up) {
  return {
    file, id: up.id, key: up.key, size: up.size, partSize: up.partSize, partCount: up.partCount,
    done: new Map(), // partNumber -> { etag, md5 }
    urls: new Map(), // partNumber -> presigned URL
    urlsUntil: 0,
    urlsFetch: undefined,
    live: new Map(), // partNumber -> { xhr, loaded }
    stop: undefined, // 'pause' | 'cancel' once asked
    history: [],
  };
}

const partRange = (j, n) => {
  const start = (n - 1) * j.partSize;
  return [start, Math.min(start + j.partSize, j.size)];
};
const unquote = (etag) => (etag ?? '').replace(/^"|"$/g, '').toLowerCase();

async function start() {
  const file = ui.file.files[0];
  if (!file) return;
  setState('starting');
  try {
    const cp = loadCheckpoint(file);
    job = undefined;
    if (cp) {
      status('Checking which parts the server already has…');
      job = newJob(file, cp);
      try {
        await reconcile(job, cp);
      } catch (e) {
        if (e.code !== 'NoSuchUpload' && e.status !== 404) throw e;
        dropCheckpoint(file); // aborted or completed meanwhile: start over
        job = undefined;
      }
    }
    if (!job) {
      status('Starting the upload…');
      job = newJob(file, await api('POST', '/api/uploads', { name: file.name, size: file.size, type: file.type }));
      saveCheckpoint(job);
    }
    drawSquares();
    await run();
  } catch (e) {
    fail(e);
  }
}

/** Keep the parts the server has with the planned size and the MD5 this file gives. */
async function reconcile(j, cp) {
  const saved = new Map(cp.parts.map(([n, etag, m]) => [n, { etag, md5: m }]));
  const { parts } = await api('GET', `/api/uploads/${j.id}/listparts`);
  for (const p of parts) {
    const [a, b] = partRange(j, p.partNumber);
    const etag = unquote(p.etag);
    const m = saved.get(p.partNumber)?.md5 ?? (/^[0-9a-f]{32}$/.test(etag) ? etag : undefined);
    if (p.size === b - a && m && etag === m) j.done.set(p.partNumber, { etag: p.etag, md5: m });
  }
  saveCheckpoint(j);
}

/** Send every missing part, then complete (unless paused or canceled). */
async function run() {
  const j = job;
  j.stop = undefined;
  j.history = [];
  j.startedAt ??= performance.now();
  j.resumedBytes ??= loadedBytes(j);
  setState('uploading');
  const queue = [];
  for (let n = 1; n <= j.partCount; n++) if (!j.done.has(n)) queue.push(n);
  status(queue.length < j.partCount
    ? `Resuming: ${j.partCount - queue.length} of ${j.partCount} parts are on the server already.`
    : `Uploading ${j.partCount} part${j.partCount > 1 ? 's' : ''} of ${formatBytes(j.partSize)}…`);
  if (queue.length) await urlsFor(j, queue);
  let failure;
  const lane = async () => {
    while (queue.length && !j.stop && !failure) {
      const n = queue.shift();
      try {
        await sendPart(j, n);
      } catch (e) {
        queue.unshift(n);
        if (!(e instanceof Stopped)) failure ??= e;
        stopAll(j, 'failed');
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, lane));
  if (failure) throw failure;
  if (j.stop === 'pause') {
    setState('paused');
    status(`Paused: ${j.done.size} of ${j.partCount} parts on the server.`);
    return;
  }
  if (j.stop) return; // canceled: cancel() finishes
  await complete(j);
}

function stopAll(j, why) {
  j.stop ??= why;
  for (const { xhr } of j.live.values()) xhr.abort();
}

async function sendPart(j, n) {
  const [a, b] = partRange(j, n);
  for (let attempt = 1; ; attempt++) {
    square(n, 'hashing');
    const { md5Hex, contentMD5 } = await md5.call({ op: 'part', file: j.file, start: a, end: b });
    if (j.stop) throw new Stopped();
    square(n, 'sending');
    try {
      const url = await urlFor(j, n);
      if (j.stop) throw new Stopped();
      const etag = await put(j, n, url, j.file.slice(a, b), contentMD5);
      // ETag is the part's MD5 (when CORS lets the page read it; else ListParts has it).
      if (etag && unquote(etag) !== md5Hex) {
        throw Object.assign(new Error(`part ${n}: ETag ${etag} is not its MD5 ${md5Hex}`), { retry: true });
      }
      j.done.set(n, { etag: etag ?? '', md5: md5Hex });
      saveCheckpoint(j);
      square(n, 'done');
      render();
      return;
    } catch (e) {
      square(n, '');
      if (e instanceof Stopped) throw e;
      if (e.code === 'AccessDenied' || e.status === 403) j.urlsUntil = 0; // expired: sign again
      const retry = e.retry || e.status === 0 || e.status === 403 || e.status === 408 || e.status === 429 ||
        e.status >= 500 || e.code === 'BadDigest' || e.code === 'RequestTimeout';
      if (!retry || attempt >= ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 250 * 2 ** attempt));
      if (j.stop) throw new Stopped();
    }
  }
}

/** URLs for `numbers` (one request for the whole range), unless fresh ones are known. */
function urlsFor(j, numbers) {
  j.urlsFetch ??= (async () => {
    const from = Math.min(...numbers);
    const to = Math.max(...numbers);
    const asked = Date.now();
    const { urls, expiresIn } = await api('GET', `/api/uploads/${j.id}/parts?from=${from}&to=${to}`);
    for (const u of urls) j.urls.set(u.partNumber, u.url);
    j.urlsUntil = asked + expiresIn * 1000 - URL_MARGIN_MS;
  })().finally(() => {
    j.urlsFetch = undefined;
  });
  return j.urlsFetch;
}

async function urlFor(j, n) {
  if (!j.urls.has(n) || Date.now() > j.urlsUntil) {
    const missing = [];
    for (let k = 1; k <= j.partCount; k++) if (!j.done.has(k)) missing.push(k);
    await urlsFor(j, missing.length ? missing : [n]);
  }
  return j.urls.get(n);
}

/** PUT one part; resolves to its ETag (undefined when CORS hides it). */
function put(j, n, url, blob, contentMD5) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const live = { xhr, loaded: 0 };
    j.live.set(n, live);
    const end = () => {
      j.live.delete(n);
      render();
    };
    xhr.open('PUT', url);
    xhr.setRequestHeader('Content-MD5', contentMD5);
    xhr.upload.onprogress = (e) => {
      live.loaded = e.loaded;
      render();
    };
    xhr.onload = () => {
      end();
      if (xhr.status >= 200 && xhr.status < 300) return resolve(xhr.getResponseHeader('ETag') ?? undefined);
      const code = /<Code>([^<]*)<\/Code>/.exec(xhr.responseText ?? '')?.[1];
      reject(Object.assign(new Error(`part ${n}: HTTP ${xhr.status}${code ? ` ${code}` : ''}`), { status: xhr.status, code }));
    };
    xhr.onerror = () => {
      end();
      reject(Object.assign(new Error(`part ${n}: network error`), { status: 0 }));
    };
    xhr.onabort = () => {
      end();
      reject(new Stopped());
    };
    xhr.send(blob);
  });
}

async function complete(j) {
  setState('completing');
  status('Completing…');
  const parts = [];
  for (let n = 1; n <= j.partCount; n++) parts.push({ partNumber: n, etag: j.done.get(n).etag || undefined });
  const [done, expected] = await Promise.all([
    api('POST', `/api/uploads/${j.id}/complete`, { parts }),
    md5.call({ op: 'etag', md5s: parts.map((p) => j.done.get(p.partNumber).md5) }),
  ]);
  dropCheckpoint(j.file);
  if (unquote(done.etag) !== expected.etag) {
    throw new Error(`the object's ETag ${done.etag} is not the "${expected.etag}" computed here`);
  }
  render(true);
  ui.resultKey.textContent = done.key;
  const ok = document.createElement('span');
  ok.className = 'ok';
  ok.textContent = '✓ matches the MD5s computed in this page';
  ui.resultEtag.replaceChildren(done.etag, ok);
  ui.result.hidden = false;
  setState('done');
  const seconds = (performance.now() - j.startedAt) / 1000;
  ui.speed.textContent = `avg ${formatBytes((loadedBytes(j) - j.resumedBytes) / seconds)}/s`;
  ui.eta.textContent = `took ${formatDuration(seconds)}`;
  status(`Uploaded ${formatBytes(j.size)} in ${j.partCount} part${j.partCount > 1 ? 's' : ''}.`);
}

function pause() {
  if (job && state === 'uploading') {
    setState('pausing');
    stopAll(job, 'pause');
  }
}

async function resume() {
  if (!job || !(state === 'paused' || state === 'error')) return;
  try {
    await run();
  } catch (e) {
    fail(e);
  }
}

async function cancel() {
  const file = ui.file.files[0];
  const j = job ?? (file && loadCheckpoint(file) && newJob(file, loadCheckpoint(file)));
  if (!j) return;
  const wasRunning = state === 'uploading' || state === 'pausing';
  setState('canceling');
  stopAll(j, 'cancel');
  // Let the parts in flight end before the abort, so none lands after it.
  if (wasRunning) while (j.live.size) await new Promise((r) => setTimeout(r, 10));
  try {
    await api('DELETE', `/api/uploads/${j.id}`);
    dropCheckpoint(j.file);
    job = undefined;
    render(false, 0);
    ui.note.hidden = true;
    setState('canceled');
    status('Canceled: the upload was aborted on the server.');
  } catch (e) {
    fail(e);
  }
}

function fail(e) {
  console.error(e);
  if (job) stopAll(job, 'failed');
  setState(job ? 'error' : 'ready');
  status(`Failed: ${e.message}${job ? ' — Resume tries again from where it stopped.' : ''}`);
}

// ---- UI -----------------------------------------------------------------------------

function setState(s) {
  state = s;
  document.body.dataset.state = s;
  const file = ui.file.files[0];
  ui.file.disabled = !['idle', 'ready', 'done', 'canceled', 'error'].includes(s);
  ui.start.disabled = !(file && ['ready', 'done', 'canceled'].includes(s));
  ui.pause.disabled = s !== 'uploading';
  ui.resume.disabled = !['paused', 'error'].includes(s) || !job;
  ui.cancel.disabled = !(['uploading', 'paused', 'error'].includes(s) && job) &&
    !(s === 'ready' && file && loadCheckpoint(file));
}

function status(text) {
  ui.status.textContent = text;
}

function drawSquares() {
  ui.parts.replaceChildren();
  if (!job || job.partCount > MAX_SQUARES) return;
  for (let n = 1; n <= job.partCount; n++) {
    const s = document.createElement('span');
    s.title = `part ${n}`;
    if (job.done.has(n)) s.className = 'done';
    ui.parts.append(s);
  }
}

function square(n, cls) {
  const s = ui.parts.children[n - 1];
  if (s) s.className = cls;
}

/** Bytes of the parts on the server plus what the parts in flight have sent. */
function loadedBytes(j) {
  let loaded = 0;
  for (const n of j.done.keys()) {
    const [a, b] = partRange(j, n);
    loaded += b - a;
  }
  for (const l of j.live.values()) loaded += l.loaded;
  return loaded;
}

let frame = 0;
function render(finished = false, force) {
  if (frame && !finished && force === undefined) return;
  const draw = () => {
    frame = 0;
    const j = job;
    const loaded = force ?? (j ? loadedBytes(j) : 0);
    const total = j?.size ?? ui.file.files[0]?.size ?? 0;
    const pct = total ? (100 * loaded) / total : 0;
    ui.bar.style.width = `${pct.toFixed(2)}%`;
    ui.percent.textContent = `${Math.floor(pct)}%`;
    ui.bytes.textContent = total ? `${formatBytes(loaded)} of ${formatBytes(total)}` : '–';
    // Speed over the last few seconds of this session (bytes resumed from
    // the server do not count); ETA from it.
    const now = performance.now();
    if (j && state === 'uploading') {
      j.history.push([now, loaded]);
      while (j.history.length > 2 && now - j.history[0][0] > SPEED_WINDOW_MS) j.history.shift();
      const [t0, l0] = j.history[0];
      const rate = now - t0 > 300 ? ((loaded - l0) * 1000) / (now - t0) : 0;
      ui.speed.textContent = rate > 0 ? `${formatBytes(rate)}/s` : '–';
      ui.eta.textContent = rate > 0 ? `ETA ${formatDuration((total - loaded) / rate)}` : 'ETA –';
    } else if (!finished && state !== 'done') {
      ui.speed.textContent = '–';
      ui.eta.textContent = '–';
    }
  };
  if (finished || force !== undefined) {
    cancelAnimationFrame(frame);
    draw();
  } else {
    frame = requestAnimationFrame(draw);
  }
}

function formatBytes(n) {
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let u = -1;
  do {
    n /= 1024;
    u++;
  } while (n >= 1024 && u < units.length - 1);
  return `${n.toFixed(n < 10 ? 2 : 1)} ${units[u]}`;
}

function formatDuration(s) {
  s = Math.ceil(s);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

ui.file.addEventListener('change', () => {
  const file = ui.file.files[0];
  job = undefined;
  ui.result.hidden = true;
  ui.parts.replaceChildren();
  render(false, 0);
  const cp = file && loadCheckpoint(file);
  ui.note.hidden = !cp;
  if (cp) {
    ui.note.textContent = `This file has an unfinished upload (${cp.parts.length} of ${cp.partCount} parts sent). ` +
      'Resume continues it; Cancel discards it.';
    ui.start.textContent = 'Resume upload';
  } else {
    ui.start.textContent = 'Upload';
  }
  setState(file ? 'ready' : 'idle');
  status(file ? `${file.name}: ${formatBytes(file.size)}.` : 'Pick a file to start.');
});
ui.start.addEventListener('click', start);
ui.pause.addEventListener('click', pause);
ui.resume.addEventListener('click', resume);
ui.cancel.addEventListener('click', cancel);
setState('idle');

// For tests and the curious: the upload's state, read-only.
window.s3mpuDemo = {
  get state() {
    return state;
  },
  get upload() {
    return job && {
      id: job.id, key: job.key, size: job.size, partSize: job.partSize, partCount: job.partCount,
      partsDone: job.done.size, inFlight: job.live.size, loaded: loadedBytes(job),
    };
  },
};
