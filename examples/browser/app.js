// The page: only its UI. The upload itself is one call of the package,
//   directUpload(file, { endpoint: '/s3', signal, onProgress })
// which sends the file in parts straight to the bucket over URLs the server
// signs (server.mjs), hashes each part in a Worker, retries, checks ETags,
// and keeps a checkpoint in IndexedDB: pick the same file after a reload and
// it continues where it stopped.
//
// The server serves the package's ESM under /s3mpu/; with a bundler:
//   import { directUpload } from 's3mpu/direct';
import { directUpload } from '/s3mpu/src/direct/index.js';

const SPEED_WINDOW_MS = 4000;

const $ = (id) => document.getElementById(id);
const ui = {
  file: $('file'), start: $('start'), pause: $('pause'), resume: $('resume'), cancel: $('cancel'),
  bar: $('bar'), percent: $('percent'), bytes: $('bytes'), speed: $('speed'), eta: $('eta'),
  parts: $('parts'), status: $('status'), result: $('result'), resultKey: $('result-key'), resultEtag: $('result-etag'),
};

let state = 'idle';
let upload; // the handle of the upload in progress
let controller;
let progress; // the last progress event
let history = [];

async function start() {
  const file = ui.file.files[0];
  if (!file) return;
  controller = new AbortController();
  progress = undefined;
  history = [];
  showResult(undefined); // never the previous file's result
  setState('uploading');
  status(`Starting ${file.name}…`);
  const t0 = performance.now();
  upload = directUpload(file, { endpoint: '/s3', signal: controller.signal, onProgress });
  try {
    const r = await upload;
    setState('done');
    render(true);
    showResult(r);
    const seconds = (performance.now() - t0) / 1000;
    ui.eta.textContent = `took ${formatDuration(seconds)}`;
    status(`Uploaded ${formatBytes(r.size)}${r.parts ? ` in ${r.parts} part${r.parts > 1 ? 's' : ''}` : ' in one request'}.`);
  } catch (e) {
    if (controller.signal.aborted) {
      render(false, 0);
      setState('canceled');
      status('Canceled: the upload was aborted on the server.');
    } else {
      console.error(e);
      setState('error');
      status(`Failed: ${e.message}`);
    }
  } finally {
    upload = undefined;
  }
}

function onProgress(p) {
  const first = !progress;
  progress = p;
  if (first && p.partsDone > 0) status(`Resuming: ${p.partsDone} of ${p.partCount} parts were on the server already.`);
  else if (p.phase === 'uploading' && state === 'uploading' && p.partCount && !p.partsDone) {
    status(`Uploading ${p.partCount} part${p.partCount > 1 ? 's' : ''}…`);
  } else if (p.phase === 'completing') status('Completing…');
  render();
}

function pause() {
  if (!upload || state !== 'uploading') return;
  upload.pause();
  setState('paused');
  const p = upload.state;
  status(`Paused: ${p.partsDone} of ${p.partCount} parts on the server.`);
  render(true);
}

function resume() {
  if (!upload || state !== 'paused') return;
  history = [];
  upload.resume();
  setState('uploading');
  status('Uploading…');
}

function cancel() {
  if (!upload) return;
  setState('canceling');
  status('Canceling…');
  controller.abort(new DOMException('canceled by the user', 'AbortError'));
}

// ---- UI -----------------------------------------------------------------------------

function setState(s) {
  state = s;
  document.body.dataset.state = s;
  const file = ui.file.files[0];
  const busy = ['uploading', 'paused', 'canceling'].includes(s);
  ui.file.disabled = busy;
  ui.start.disabled = !file || busy;
  ui.pause.disabled = s !== 'uploading';
  ui.resume.disabled = s !== 'paused';
  ui.cancel.disabled = !(s === 'uploading' || s === 'paused');
}

function status(text) {
  ui.status.textContent = text;
}

function showResult(r) {
  ui.result.hidden = !r;
  if (!r) return;
  ui.resultKey.textContent = r.key;
  const ok = document.createElement('span');
  ok.className = 'ok';
  ok.textContent = '✓ matches the MD5s computed in this page';
  ui.resultEtag.replaceChildren(r.etag, ok);
}

let frame = 0;
function render(now = false, force) {
  if (frame && !now && force === undefined) return;
  const draw = () => {
    frame = 0;
    const loaded = force ?? progress?.loaded ?? 0;
    const total = progress?.total ?? ui.file.files[0]?.size ?? 0;
    const pct = total ? (100 * loaded) / total : state === 'done' ? 100 : 0;
    ui.bar.style.width = `${pct.toFixed(2)}%`;
    ui.percent.textContent = `${Math.floor(pct)}%`;
    ui.bytes.textContent = total ? `${formatBytes(loaded)} of ${formatBytes(total)}` : '–';
    ui.parts.textContent = progress?.partCount > 1 ? `${progress.partsDone} of ${progress.partCount} parts on the server` : '';
    // Speed over the last few seconds (bytes resumed from the server do not count); ETA from it.
    const t = performance.now();
    if (state === 'uploading') {
      history.push([t, loaded]);
      while (history.length > 2 && t - history[0][0] > SPEED_WINDOW_MS) history.shift();
      const [t0, l0] = history[0];
      const rate = t - t0 > 300 ? ((loaded - l0) * 1000) / (t - t0) : 0;
      ui.speed.textContent = rate > 0 ? `${formatBytes(rate)}/s` : '–';
      ui.eta.textContent = rate > 0 ? `ETA ${formatDuration((total - loaded) / rate)}` : 'ETA –';
    } else if (state !== 'done') {
      ui.speed.textContent = '–';
      ui.eta.textContent = '–';
    }
  };
  if (now || force !== undefined) {
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
  progress = undefined;
  showResult(undefined);
  render(false, 0);
  ui.parts.textContent = '';
  setState(file ? 'ready' : 'idle');
  status(file ? `${file.name}: ${formatBytes(file.size)}. An unfinished upload of this file continues where it stopped.` : 'Pick a file to start.');
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
  get progress() {
    return progress && { ...progress };
  },
};
