// directUpload's engine: a File or Blob from a page straight to the bucket,
// signed by a backend (signers.js). The behaviours of upload(): parts in
// parallel, byte-level progress that never goes back (upload.js's Progress),
// retries with full jitter (client.js's backoff), AbortSignal, Content-MD5 on
// every part (hashed in a Worker, hasher.js, four parts at a time in md5x4's
// lanes) with its ETag checked, and the multipart ETag checked at the end.
// Besides: part URLs fetched in batches
// and refreshed before they expire, pause/resume, and checkpoints (store.js)
// so the same file picked again after a reload continues where it stopped.
import { DEFAULT_RETRY, backoffMs } from '../retry.js';
import { Progress } from '../progress.js';
import { anySignal, raceSignal, sleep } from '../signal.js';
import { S3Error, S3InputError, S3VerifyError, statusError } from '../errors.js';
import { etagHex } from '../etag.js';
import { OBJECT_SIZE_MAX, PART_SIZE_MAX, PART_SIZE_MIN } from '../limits.js';
import { openHasher } from './hasher.js';
import { signerOf } from './signers.js';
import { defaultStore } from './store.js';
import { send, s3ErrorOf, NetworkError } from './xhr.js';

const CHECKPOINT_VERSION = 1;
const DAY_MS = 24 * 3600 * 1000;
const URL_BATCH = 100; // part URLs asked for in one call
const URL_LIFETIME_S = 300; // assumed when the backend does not say (Companion's batch)
const MD5_BATCH = 4; // parts hashed together: md5x4's lanes
const PAUSED = Symbol('paused');
// Parts in flight by default: the connections a browser opens to one host over HTTP/1.1.
const CONCURRENCY = 6;
const MiB = 1024 * 1024;
const LINK_PART_MAX = 32 * MiB;

export class DirectUpload {
  constructor(file, options) {
    if (!(typeof Blob !== 'undefined' && file instanceof Blob)) throw new S3InputError('InvalidArgument', 's3mpu: directUpload(file) needs a File or Blob');
    if (!options || typeof options !== 'object') throw new S3InputError('InvalidArgument', 's3mpu: directUpload(file, options) needs options');
    const concurrency = options.concurrency ?? CONCURRENCY;
    if (!(Number.isSafeInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
      throw new S3InputError('InvalidArgument', 's3mpu: concurrency must be an integer from 1 to 64');
    }
    // The plan's rules, with S3Client's codes: the Worker's plan (s3mpu-md5.wasm) is never given what it would refuse.
    if (options.partSize !== undefined && !isPartSize(options.partSize)) {
      throw new S3InputError('InvalidPartSize', `s3mpu: partSize must be an integer from 5 MiB to 5 GiB, not ${options.partSize}`);
    }
    if (file.size > OBJECT_SIZE_MAX) throw new S3InputError('EntityTooLarge', `s3mpu: the file has ${file.size} bytes, more than S3's largest object (5 TiB)`);
    this.file = file;
    this.o = options;
    this.concurrency = concurrency;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.idleTimeout = options.idleTimeout ?? 60_000; // a request with nothing moving for this long is retried
    this.signer = signerOf(options);
    this.store = options.store === false ? undefined : options.store ?? defaultStore();
    this.expireMs = (options.resumeDays ?? 7) * DAY_MS;
    this.filename = options.filename ?? file.name ?? 'blob';
    this.type = options.contentType ?? file.type ?? '';
    this.paused = false;
    this.resumed = undefined; // a promise while paused
    this.round = undefined; // AbortController of the parts in flight
    this.state = { phase: 'starting', loaded: 0, total: file.size, partsDone: 0, partCount: 0 };
  }

  // ---- Public handle ----------------------------------------------------------------

  pause() {
    if (this.paused || this.state.phase === 'done') return;
    this.paused = true;
    this.resumed = new Promise((r) => {
      this.wake = r;
    });
    this.round?.abort(PAUSED);
    this.report('paused');
  }

  resume() {
    if (!this.paused) return;
    this.paused = false;
    this.wake();
    this.report('uploading');
  }

  /** What the page shows: bytes sent (never fewer than the server has), parts on the server. */
  report(phase = this.state.phase) {
    this.state = {
      phase,
      loaded: this.progress ? Math.max(this.progress.last, this.progress.finished, 0) : 0,
      total: this.file.size,
      confirmed: this.progress?.finished ?? 0, // bytes of the parts the server has
      partsDone: this.done?.size ?? 0,
      partCount: this.partCount ?? 0,
    };
    this.o.onProgress?.({ ...this.state });
  }

  // ---- Run ----------------------------------------------------------------------------

  async run() {
    this.o.signal?.throwIfAborted();
    const opening = openHasher({ worker: this.o.worker, wasm: this.o.md5Wasm });
    opening.catch(() => {}); // awaited below
    // Create goes out while the Worker starts: its modules and wasm cost round trips of their own.
    this.early = (await this.createEarly())?.creating;
    try {
      this.hasher = await opening;
    } catch (e) {
      await this.abandonEarly();
      throw e;
    }
    try {
      const size = this.file.size;
      const plan = await this.hasher.run('plan', { size, partSize: this.askedPartSize() });
      if (plan.partCount <= 1 && this.signer.params) {
        // A backend without POST policies (HTTP 501) still takes it as one part.
        const r = await this.single().catch((e) => {
          if (e.status !== 501) throw e;
        });
        if (r) return r;
      }
      return await this.multipart(plan);
    } catch (e) {
      if (!this.up) await this.abandonEarly();
      throw e;
    } finally {
      this.hasher.close();
    }
  }

  /**
   * Create, at once, for a file that goes in parts and that no checkpoint of this signer could
   * resume (none of its size); else undefined, and begin() decides after the fingerprint.
   */
  async createEarly() {
    const size = this.file.size;
    if (size <= this.askedPartSize() && this.signer.params) return undefined; // one request
    if (this.store && !this.store.entries) return undefined;
    const now = Date.now();
    const entries = this.store ? await this.store.entries().catch(() => undefined) : [];
    const mayResume = !entries || entries.some(([id, e]) => String(id).startsWith(`${this.signer.id}\n`) && e?.size === size && e?.expires > now);
    if (mayResume) return undefined;
    const creating = this.create();
    creating.catch(() => {}); // awaited by begin(), or abandoned
    // The first part URLs as soon as Create answers, while the Worker may still be loading: a part's
    // URL does not depend on its size, and the plan only makes parts larger than asked, so these
    // numbers are the first parts (or a few more, unused, for a file the plan cuts coarser).
    this.urls = new PartUrls(this);
    creating.then((c) => {
      if (this.early !== creating) return; // abandoned, or not yet kept by run(): sendParts asks
      const count = Math.min(URL_BATCH, Math.ceil(size / this.askedPartSize(c)) || 1);
      this.urls.ask(c, Array.from({ length: count }, (_, i) => i + 1));
    }).catch(() => {}); // Create's failure is begin()'s to report; these parts are asked for again
    return { creating }; // not awaited here: the Worker starts meanwhile
  }

  /**
   * The part size asked of the plan: the caller's, else 8 MiB up to 1/32 of the file for long
   * links (linkPartSize), or the backend's (`created`: Create's answer) when larger.
   */
  askedPartSize(created) {
    if (this.o.partSize !== undefined) return this.o.partSize;
    return Math.max(isPartSize(created?.partSize) ? created.partSize : 0, linkPartSize(this.file.size));
  }

  /** The upload createEarly made, when the run fails before using it. */
  async abandonEarly() {
    const { early } = this;
    this.early = undefined; // at once: createEarly's first URL batch is not asked for then
    await early?.then((c) => this.signer.abort({ key: c.key, uploadId: c.uploadId })).catch(() => {});
  }

  /** Retry `attempt()` on what a retry may fix; a 403 first gets fresh signatures (`refresh`). */
  async retrying(what, attempt, refresh) {
    let refreshed = 0;
    for (let n = 1; ; n++) {
      const signal = this.roundSignal();
      let error;
      try {
        return await attempt(signal);
      } catch (e) {
        if (signal.aborted) throw signal.reason;
        error = e;
      }
      // An expired URL or policy is signed again, a few times, without counting as a failure.
      if (error.status === 403 && refresh && refreshed < 2) {
        refreshed++;
        await refresh();
        n--;
        continue;
      }
      if (!retryable(error) || n >= this.retry.attempts) {
        const e = await this.explain(error, what);
        if (e === error && !error.message.startsWith(what)) error.message = `${what}: ${error.message}`;
        throw e;
      }
      await sleep(backoffMs(n, this.retry), signal);
    }
  }

  /** No answer at all, to the end: a network failure, or a bucket whose CORS rule refuses this page. */
  async explain(error, what) {
    if (!(error instanceof NetworkError) || error.code || !error.url || typeof location === 'undefined') return error;
    let reachable = false;
    try {
      await fetch(new URL(error.url).origin, { mode: 'no-cors', signal: AbortSignal.timeout?.(5000) });
      reachable = true;
    } catch { /* unreachable: the network */ }
    if (!reachable) return error;
    const e = new NetworkError(`${what}: the storage at ${new URL(error.url).origin} is reachable but the browser refused ` +
      `the answer: the bucket's CORS configuration needs a rule with AllowedOrigin ${location.origin}, ` +
      `AllowedMethod ${error.method}, AllowedHeader * (Content-MD5, Content-Type) and ExposeHeader ETag`);
    e.code = 'CorsRefused';
    return e;
  }

  /** The signal of the current round: the caller's abort, or a pause. */
  roundSignal() {
    this.round ??= new AbortController();
    return this.o.signal ? anySignal([this.o.signal, this.round.signal]) : this.round.signal;
  }

  async waitWhilePaused() {
    while (this.paused) {
      await raceSignal(this.resumed, this.o.signal);
    }
    this.round = new AbortController();
  }

  // ---- One request: zero-byte and one-part files -----------------------------------------

  async single() {
    const { file } = this;
    this.partCount = 1;
    this.done = new Map();
    this.progress = new Progress(file.size, () => this.report('uploading'));
    const digest = this.hasher.run('md5', { blob: file, ranges: [[0, file.size]] }).then(([d]) => d);
    const ask = () => this.signer.params({ filename: this.filename, type: this.type, metadata: this.o.metadata, size: file.size });
    let signed = await ask();
    const attempt = async (signal) => {
      const req = {
        method: signed.method ?? 'POST', url: signed.url, signal, idleTimeout: this.idleTimeout, onProgress: (b) => this.progress.set(1, b),
      };
      if (req.method === 'PUT') {
        req.headers = { ...signed.headers, 'content-md5': (await digest).base64 };
        req.body = file;
      } else {
        const form = new FormData();
        for (const [k, v] of Object.entries(signed.fields ?? {})) form.append(k, v);
        form.append('file', file);
        req.body = form;
      }
      return checked(await send(req), req);
    };
    let result;
    while (!result) {
      await this.waitWhilePaused();
      result = await this.retrying('uploading the file', attempt, async () => {
        signed = await ask();
      }).catch((e) => {
        if (e !== PAUSED) throw e;
      });
    }
    const { hex } = await digest;
    const etag = result.header('etag');
    if (etag && etagHex(etag) !== hex) {
      throw new S3VerifyError({ code: 'ETagMismatch', message: `the object's ETag ${etag} is not the MD5 ${hex} of the file`, status: result.status });
    }
    this.progress.finish(1, file.size);
    this.done.set(1, {});
    this.report('done');
    const key = signed.key ?? signed.fields?.key;
    return { key, bucket: signed.bucket, etag: etag ?? `"${hex}"`, size: file.size, parts: 0, location: result.header('location') };
  }

  // ---- Multipart --------------------------------------------------------------------------

  async multipart(plan) {
    const up = await this.begin(plan);
    this.up = up;
    const abortOnServer = () => this.signer.abort({ key: up.key, uploadId: up.uploadId }).catch(() => {});
    try {
      await this.sendParts();
      const result = await this.complete();
      await this.forget();
      this.report('done');
      return result;
    } catch (error) {
      if (this.o.signal?.aborted) {
        await abortOnServer();
        await this.forget();
        throw this.o.signal.reason;
      }
      // A file that can no longer be read (changed or removed since it was picked) is not
      // the one a resume would be picked again: its upload could only wait to expire.
      if (!this.store || error.name === 'NotReadableError' || error.name === 'NotFoundError') {
        await abortOnServer();
        await this.forget();
        throw error;
      }
      // Kept for resume: the same file picked again continues it.
      error.resumable = { key: up.key, uploadId: up.uploadId };
      error.message += ' (the upload is kept: pick the same file again to resume it, or abort it)';
      throw error;
    }
  }

  /** A checkpoint of this file that the server still has, or a new upload. */
  async begin(plan) {
    this.report('starting');
    await this.prune();
    this.id = this.store ? `${this.signer.id}\n${await this.hasher.run('fingerprint', { file: this.file })}` : undefined;
    const saved = !this.early && this.store && (await this.store.get(this.id));
    if (saved?.v === CHECKPOINT_VERSION && saved.size === this.file.size && saved.expires > Date.now()) {
      this.setPlan(saved.partSize);
      try {
        await this.reconcile(saved);
        return saved;
      } catch (e) {
        if (e.status !== 404) throw e; // NoSuchUpload: gone (aborted or completed): start afresh
      }
    }
    const created = await raceSignal(this.early ?? this.create(), this.o.signal);
    let { partSize } = plan;
    if (this.o.partSize === undefined && isPartSize(created.partSize)) {
      partSize = (await this.hasher.run('plan', { size: this.file.size, partSize: this.askedPartSize(created) })).partSize;
    }
    this.setPlan(partSize);
    const up = {
      v: CHECKPOINT_VERSION, key: created.key, uploadId: created.uploadId, bucket: created.bucket,
      size: this.file.size, partSize, md5s: {}, etags: {}, expires: Date.now() + this.expireMs,
    };
    this.checkpoint = up;
    await this.save();
    return up;
  }

  /** Create, carried to its end when the caller aborts meanwhile, so the upload it made is aborted. */
  create() {
    const creating = Promise.resolve(this.signer.create({
      filename: this.filename, type: this.type, metadata: this.o.metadata, size: this.file.size,
    }));
    const { signal } = this.o;
    if (!signal) return creating;
    const onAbort = () => creating.then((c) => this.signer.abort({ key: c.key, uploadId: c.uploadId })).catch(() => {});
    signal.addEventListener('abort', onAbort, { once: true });
    creating.finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {});
    return creating;
  }

  setPlan(partSize) {
    this.partSize = partSize;
    this.partCount = Math.max(1, Math.ceil(this.file.size / partSize));
    this.done = new Map(); // partNumber -> { md5, etag? }
    this.digests = new Map(); // partNumber -> promise of { hex, base64 }
    this.progress = new Progress(this.file.size, () => this.report());
  }

  range(n) {
    const start = (n - 1) * this.partSize;
    return [start, Math.min(this.file.size, start + this.partSize)];
  }

  /** Keep the parts the server has whose size and MD5 are this file's. */
  async reconcile(saved) {
    this.checkpoint = saved;
    const listed = await this.signer.listParts({ key: saved.key, uploadId: saved.uploadId });
    for (const p of listed) {
      const n = p.PartNumber;
      if (!(n >= 1 && n <= this.partCount)) continue;
      const [start, end] = this.range(n);
      const etag = etagHex(p.ETag);
      if (p.Size !== end - start) continue;
      const md5 = saved.md5s[n] ?? (await this.digest(n)).hex;
      if (etag !== md5) continue;
      this.done.set(n, { md5, etag: p.ETag });
      this.progress.finished += end - start;
    }
    saved.md5s = Object.fromEntries([...this.done].map(([n, d]) => [n, d.md5]));
    saved.etags = Object.fromEntries([...this.done].map(([n, d]) => [n, d.etag]));
    saved.expires = Date.now() + this.expireMs;
    await this.save();
    this.progress.emit();
    this.report('uploading');
  }

  async save() {
    if (!this.store || !this.checkpoint) return;
    await this.store.set(this.id, this.checkpoint).catch(() => {}); // a full or private-mode store only loses resume
  }

  async forget() {
    if (this.store && this.id) await this.store.delete(this.id).catch(() => {});
  }

  /** Entries past their date go (their uploads aborted, when this signer made them). */
  async prune() {
    if (!this.store?.entries) return;
    const now = Date.now();
    for (const [id, e] of await this.store.entries().catch(() => [])) {
      if (e?.expires > now) continue;
      await this.store.delete(id).catch(() => {});
      if (e?.uploadId && String(id).startsWith(`${this.signer.id}\n`)) {
        await this.signer.abort({ key: e.key, uploadId: e.uploadId }).catch(() => {});
      }
    }
  }

  // ---- Parts ---------------------------------------------------------------------------------

  /** Send every part the server lacks, `concurrency` at a time; a pause ends a round, resume starts the next. */
  async sendParts() {
    this.urls ??= new PartUrls(this); // createEarly's has the first batch
    for (;;) {
      await this.waitWhilePaused();
      this.report('uploading');
      const queue = [];
      for (let n = 1; n <= this.partCount; n++) if (!this.done.has(n)) queue.push(n);
      if (!queue.length) return;
      this.urls.prefetch(queue[0]); // signed while the first part hashes
      let failure;
      const lane = async () => {
        while (queue.length && failure === undefined && !this.paused) {
          const n = queue.shift();
          try {
            await this.sendPart(n);
          } catch (e) {
            if (this.o.signal?.aborted || e === PAUSED) return;
            failure ??= { e };
            this.round.abort(e);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, lane));
      this.o.signal?.throwIfAborted();
      if (failure) throw failure.e;
    }
  }

  /**
   * Part n's MD5. The Worker hashes the parts in md5x4's lanes four at a time, in the order the
   * lanes take them, and is kept a wave ahead of them (`concurrency` parts past n): a lane that
   * asked for a batch only when it needed one waited for it to be read (128 MiB in 32 MiB parts).
   */
  digest(n) {
    // The first part is hashed alone, so that its PUT need not wait for three more. The batches
    // are asked for at once: holding them until the first was hashed, then posting them together,
    // gave the page a main-thread task of 54-98 ms in 3 of 8 runs (bench/direct-bench.mjs's
    // longtask, 256 MiB), none in 9 without.
    if (!this.digests.has(n)) this.hashFrom(n, this.digests.size ? MD5_BATCH : 1);
    for (let k = this.unhashedFrom(n + 1); k && k <= n + this.concurrency; k = this.unhashedFrom(k + 1)) {
      this.hashFrom(k, MD5_BATCH);
    }
    return this.digests.get(n);
  }

  /** The first part from k on still to send and not yet hashed, or undefined. */
  unhashedFrom(k) {
    for (; k <= this.partCount; k++) if (!this.done.has(k) && !this.digests.has(k)) return k;
    return undefined;
  }

  /** Hash part n and the next parts still to send, up to `lanes` of them, as one task. */
  hashFrom(n, lanes) {
    const batch = [n];
    for (let k = this.unhashedFrom(n + 1); k && batch.length < lanes; k = this.unhashedFrom(k + 1)) batch.push(k);
    const all = this.hasher.run('md5', { blob: this.file, ranges: batch.map((k) => this.range(k)) });
    all.catch(() => {
      for (const k of batch) this.digests.delete(k); // asked again if the upload goes on
    });
    batch.forEach((k, i) => {
      const one = all.then((d) => d[i]);
      one.catch(() => {}); // a part of the batch nobody awaits yet
      this.digests.set(k, one);
    });
  }

  async sendPart(n) {
    const [start, end] = this.range(n);
    const { hex, base64 } = await this.digest(n);
    const res = await this.retrying(`part ${n}`, async (signal) => {
      const url = await this.urls.get(n, signal);
      const req = {
        method: 'PUT', url, headers: { 'Content-MD5': base64 }, body: this.file.slice(start, end), signal,
        idleTimeout: this.idleTimeout, onProgress: (b) => this.progress.set(n, b),
      };
      return checked(await send(req), req);
    }, () => this.urls.invalidate(n));
    // ETag is the part's MD5; a CORS rule that hides it leaves ListParts to tell.
    const etag = res.header('etag');
    if (etag && etagHex(etag) !== hex) {
      throw new S3VerifyError({ code: 'ETagMismatch', message: `part ${n}: ETag ${etag} is not its MD5 ${hex}`, status: res.status });
    }
    this.done.set(n, { md5: hex, etag });
    this.checkpoint.md5s[n] = hex;
    if (etag) this.checkpoint.etags[n] = etag;
    this.progress.finish(n, end - start);
    this.report(); // partsDone changed even when the bytes shown did not
    await this.save();
  }

  // ---- Complete -------------------------------------------------------------------------------

  async complete() {
    const { key, uploadId } = this.up;
    this.report('completing');
    const parts = [];
    for (let n = 1; n <= this.partCount; n++) parts.push({ PartNumber: n, ETag: this.done.get(n).etag });
    if (parts.some((p) => !p.ETag)) {
      const listed = new Map((await this.signer.listParts({ key, uploadId })).map((p) => [p.PartNumber, p]));
      for (const p of parts) {
        const l = listed.get(p.PartNumber);
        const want = this.done.get(p.PartNumber).md5;
        if (!l || etagHex(l.ETag) !== want) {
          throw new S3VerifyError({ code: 'ETagMismatch', message: `part ${p.PartNumber}: the server lists ETag ${l?.ETag}, its MD5 is ${want}` });
        }
        p.ETag ??= l.ETag;
      }
    }
    const expected = await this.hasher.run('etag', { md5s: parts.map((p) => this.done.get(p.PartNumber).md5) });
    const done = await this.signer.complete({ key, uploadId, parts });
    // Companion answers only { location }: then the parts' ETags, checked one by one, are the check.
    if (done?.etag && etagHex(done.etag) !== expected) {
      throw new S3VerifyError({ code: 'ETagMismatch', message: `object ETag ${done.etag}, expected "${expected}"` });
    }
    return {
      key: done?.key ?? key, bucket: done?.bucket ?? this.up.bucket, etag: done?.etag ?? `"${expected}"`,
      location: done?.location, size: this.file.size, parts: this.partCount, uploadId,
    };
  }
}

/** Part URLs, asked for in batches and asked again before they expire. */
class PartUrls {
  constructor(job) {
    this.job = job;
    this.urls = new Map(); // partNumber -> { url, until }
    this.pending = new Map(); // partNumber -> promise of the batch signing it
  }

  async get(n, signal) {
    for (;;) {
      const have = this.urls.get(n);
      if (have && have.until > Date.now()) return have.url;
      if (!this.pending.has(n)) this.fetch(n);
      await raceSignal(this.pending.get(n), signal);
      if (!this.urls.has(n)) throw new Error(`s3mpu: the backend signed no URL for part ${n}`);
    }
  }

  /** Ask for n's batch now, when it has no fresh URL and none is coming. */
  prefetch(n) {
    if (!(this.urls.get(n)?.until > Date.now()) && !this.pending.has(n)) this.fetch(n);
  }

  invalidate(n) {
    this.urls.delete(n);
  }

  /** n and the next parts still to send that have no fresh URL. */
  fetch(n) {
    const { job } = this;
    const numbers = [];
    for (let k = n; k <= job.partCount && numbers.length < URL_BATCH; k++) {
      if (k === n || (!job.done.has(k) && !this.pending.has(k) && !(this.urls.get(k)?.until > Date.now()))) numbers.push(k);
    }
    this.ask(job.up, numbers);
  }

  /** The URLs of parts `numbers` of the upload `up` ({ key, uploadId }). */
  ask(up, numbers) {
    const asked = Date.now();
    const batch = this.job.signer.signParts({ key: up.key, uploadId: up.uploadId, partNumbers: numbers }).then((r) => {
      const lifetime = (Number(r?.expires) || URL_LIFETIME_S) * 1000;
      // Refresh at half the lifetime (at most 5 minutes early): a PUT started in time is accepted.
      const until = asked + Math.max(lifetime / 2, lifetime - 300_000);
      for (const [k, url] of Object.entries(r?.presignedUrls ?? {})) this.urls.set(Number(k), { url, until });
    }).finally(() => {
      for (const k of numbers) this.pending.delete(k);
    });
    for (const k of numbers) this.pending.set(k, batch);
    batch.catch(() => {});
  }
}

// ---- Helpers ------------------------------------------------------------------------------------

/** A size S3 takes for a part: 5 MiB to 5 GiB. */
function isPartSize(n) {
  return Number.isSafeInteger(n) && n >= PART_SIZE_MIN && n <= PART_SIZE_MAX;
}

/**
 * The part size asked for when the caller sets none: 8 MiB up to 256 MiB files, then 1/32 of
 * the file up to 32 MiB. Each part waits a round trip for its answer before its connection
 * takes the next, and a browser has 6 connections: at 200 ms × 1 Gbit/s a 1 GiB file in 8 MiB
 * parts reached 47 MB/s, in 32 MiB parts 79 MB/s (bench/link-browser-bench.mjs). Bounded,
 * as the Worker holds the MD5_BATCH parts it hashes at once (128 MiB at most).
 */
function linkPartSize(size) {
  return Math.min(LINK_PART_MAX, Math.max(8 * MiB, Math.ceil(size / 32 / MiB) * MiB));
}

/** The answer if 2xx; else an error carrying the status and S3's code (or the status's, as S3Client names it). */
function checked(res, req) {
  if (res.status >= 200 && res.status < 300) return res;
  const { code, message } = s3ErrorOf(res.text);
  const e = code ? new S3Error({ code, message: message ?? '', status: res.status }) : statusError(res.status, res.text);
  e.url = req.url;
  return Promise.reject(e);
}

function retryable(e) {
  if (e instanceof NetworkError) return true;
  const s = e.status;
  return s === 408 || s === 429 || s >= 500 || e.code === 'RequestTimeout' || e.code === 'BadDigest';
}
