// S3Client.prototype.upload: a whole body to one object. Bodies that fit in
// one part go as a single PutObject; larger ones as a multipart upload:
// parts planned by the core, started in order, `concurrency` in flight,
// each hashed and sent with retries (send()), checkpointed, then Complete
// and an ETag check against HEAD. On failure the upload is aborted on the
// server unless keepOnError; a checkpoint can resume it later.
import { S3Error, S3InputError, S3VerifyError } from './errors.js';
import { openBody } from './body.js';
import { hashers, multipartEtag, fromHex, hex, base64, FLEXIBLE } from './hash.js';
import { objectFields } from './object.js';
import { unquote } from './etag.js';
import { Progress } from './progress.js';
import { anySignal, raceSignal } from './signal.js';
import { partSizeFor } from './profiles.js';
import { InFlightTuner } from './adapt.js';

const STATE_VERSION = 1;
// Per request, however well the rest of the upload goes.
const MAX_ATTEMPTS = 100;
const CHECKSUMS = ['md5', 'none', ...FLEXIBLE];
// At the default concurrency, parts in flight grow on long, wide links (adapt.js) up to this
// many bytes of parts (the memory a file or stream upload holds) or 64 parts.
const MAX_BYTES_IN_FLIGHT = 256 * 1024 * 1024;

/**
 * @param {import('./client.js').S3Client} client
 * @param {object} params  see S3Client.upload in types/index.d.ts
 */
export async function upload(client, params) {
  if (!params || typeof params !== 'object') throw new S3InputError('InvalidArgument', 's3mpu: upload(params) needs an object');
  const { bucket, key, body, resume, signal } = params;
  if (typeof bucket !== 'string' || !bucket) throw new S3InputError('InvalidBucketName', 's3mpu: upload needs a bucket');
  if (typeof key !== 'string' || !key) throw new S3InputError('InvalidKey', 's3mpu: upload needs a key');
  if (body === undefined || body === null) throw new S3InputError('InvalidArgument', 's3mpu: upload needs a body');
  if (resume !== undefined && (typeof resume !== 'object' || resume === null)) {
    throw new S3InputError('ResumeMismatch', 'resume must be a state from onCheckpoint');
  }
  const checksum = params.checksum ?? resume?.checksum ?? 'md5';
  if (!CHECKSUMS.includes(checksum)) {
    throw new S3InputError('InvalidArgument', `checksum must be one of ${CHECKSUMS.join(', ')}`);
  }
  const concurrency = params.concurrency ?? 4;
  if (!(Number.isSafeInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
    throw new S3InputError('InvalidArgument', 'concurrency must be an integer from 1 to 64');
  }
  if (params.partSize !== undefined && !(Number.isSafeInteger(params.partSize) && params.partSize > 0)) {
    throw new S3InputError('InvalidPartSize', `partSize must be a positive integer (bytes), not ${params.partSize}`);
  }
  const { timeout } = params;
  if (timeout !== undefined && !(Number.isSafeInteger(timeout) && timeout > 0)) {
    throw new S3InputError('InvalidArgument', 'timeout is a positive number of milliseconds');
  }
  objectFields(params); // header values refused before anything is read or sent
  signal?.throwIfAborted();

  // The deadline aborts like the caller's signal, with its own reason.
  const deadline = new AbortController();
  const timer = timeout && setTimeout(() => deadline.abort(new S3Error({
    code: 'DeadlineExceeded', message: `the upload did not finish within ${timeout / 1000} s (timeout)`,
  })), timeout);
  const withDeadline = timeout ? { ...params, signal: signal ? anySignal([signal, deadline.signal]) : deadline.signal } : params;
  const source = await openBody(body, { size: params.size, copyParts: client.transport.kind === 'node' });
  try {
    const job = new Upload(client, withDeadline, source, checksum, concurrency);
    return await job.run();
  } finally {
    clearTimeout(timer);
    await source.close();
  }
}

class Upload {
  constructor(client, params, source, checksum, concurrency) {
    this.client = client;
    this.abi = client.abi;
    this.p = params;
    this.source = source;
    this.checksum = checksum;
    this.flexible = FLEXIBLE.includes(checksum) ? checksum : undefined;
    this.concurrency = concurrency;
    this.total = source.size; // undefined: unknown length
    // The core's plan, with parts raised where the store's profile takes fewer or larger ones.
    const preferred = params.partSize ?? params.resume?.partSize ?? 0;
    this.profile = client.profile;
    this.preferred = partSizeFor(this.profile, this.total, this.abi.plan(this.total, preferred).partSize);
    this.plan = this.abi.plan(this.total, this.preferred);
    // A store that takes only equal parts (R2) gets a stream cut as if it were as long as its
    // part count allows (the core's plan of a known size: no growing parts); past it, refused.
    this.equalStream = this.total === undefined && this.profile.equalParts ? this.preferred * this.profile.maxParts : undefined;
    /** @type {Map<number, { partNumber: number, size: number, etag?: string, md5?: string, checksum?: string }>} */
    this.done = new Map();
    this.progress = new Progress(this.total, params.onProgress);
    client.transport.setMaxSockets?.(concurrency);
    if (params.concurrency === undefined) {
      const max = Math.min(64, Math.floor(MAX_BYTES_IN_FLIGHT / this.preferred));
      this.tuner = new InFlightTuner({ start: concurrency, max });
    }
    // Retry while the upload as a whole moves: any request of it that succeeds.
    this.movedAt = Date.now();
    const budget = client.retry.noProgressMs;
    this.retryWhile = (attempt) => attempt < MAX_ATTEMPTS && Date.now() - this.movedAt < budget;
  }

  /** A request of the upload succeeded. */
  moved() {
    this.movedAt = Date.now();
  }

  /** Size (0 past the last) and offset of part n. */
  part(n) {
    return this.abi.planPart(this.total ?? this.equalStream, this.preferred, n);
  }

  async run() {
    this.h = await hashers(this.abi);
    if (this.p.resume) return this.multipart(this.p.resume);
    if (this.total !== undefined && this.plan.partCount <= 1) {
      const bytes = await this.readOrAbort(0, this.total);
      if (bytes.length !== this.total || !(await this.source.atEnd())) throw sizeMismatch(this.total);
      return this.single(bytes);
    }
    if (this.total === undefined) {
      // Unknown length: one part's worth decides PutObject or multipart.
      const first = await this.readOrAbort(0, this.plan.partSize);
      if (first.length < this.plan.partSize || (await this.source.atEnd())) return this.single(first);
      this.first = first;
    }
    return this.multipart();
  }

  /** A read that gives up at once when the caller aborts. */
  readOrAbort(offset, length, signal = this.p.signal) {
    return raceSignal(this.source.read(offset, length), signal);
  }

  // ---- One PutObject --------------------------------------------------------

  async single(bytes) {
    const { p } = this;
    const d = await this.hash(bytes);
    const fields = { ...objectFields(p), contentLength: bytes.length, contentMD5: d.contentMD5 };
    if (this.flexible) {
      fields.checksumAlgorithm = this.flexible;
      fields.checksum = d.checksum;
    }
    const { response } = await this.client.send('putObject', fields, {
      body: () => bytes, signal: p.signal, expect: 'none', onProgress: (n) => this.progress.set(1, n), retryWhile: this.retryWhile,
    });
    const etag = response.headers.get('etag') ?? undefined;
    if (d.md5Hex && etag && unquote(etag).toLowerCase() !== d.md5Hex) {
      throw etagMismatch(`PutObject ETag ${etag} is not the MD5 ${d.md5Hex} of the body`, response);
    }
    this.progress.finish(1, bytes.length);
    return { bucket: p.bucket, key: p.key, etag, size: bytes.length, parts: 0 };
  }

  // ---- Multipart -----------------------------------------------------------------

  async multipart(resume) {
    const { client, p } = this;
    if (resume) {
      this.checkResume(resume);
      this.uploadId = resume.uploadId;
      try {
        await this.reconcile(resume);
      } catch (error) {
        if (!gone(error)) throw error;
        // Aborted or expired since the checkpoint: nothing of it is on the server.
        this.restarted = `upload ${resume.uploadId} of the checkpoint is no longer on the server (${error.code}): started again`;
        resume = undefined;
      }
    }
    if (!resume) {
      this.readFirst(this.tuner?.startMost ?? this.concurrency);
      try {
        this.uploadId = (await this.create()).uploadId;
      } catch (error) {
        this.dropFirst();
        throw error;
      }
    }
    const { uploadId } = this;
    // From here on a failure aborts the upload (unless keepOnError).
    try {
      if (!resume) await this.checkpoint();
      const count = await this.sendParts();
      return await this.complete(count);
    } catch (error) {
      const reason = p.signal?.aborted ? p.signal.reason : error;
      if (!p.keepOnError && !(error instanceof S3InputError && error.code === 'ResumeMismatch')) {
        await client.abortMultipartUpload({ bucket: p.bucket, key: p.key, uploadId }).catch(() => {});
      }
      throw reason;
    }
  }

  /**
   * CreateMultipartUpload, carried to its end even when the caller aborts
   * meanwhile: the server may have made the upload already, and only the
   * answer names it. The caller's promise rejects at once; the upload, when
   * the answer comes, is aborted (no checkpoint holds it: nothing to resume).
   */
  create() {
    const { client, p } = this;
    p.signal?.throwIfAborted();
    const creating = client.createMultipartUpload({
      ...objectFields(p), checksumAlgorithm: this.flexible, retryWhile: this.retryWhile,
      connections: this.tuner?.startMost ?? this.concurrency, // the first parts' connections open meanwhile (node.js)
    });
    this.createdAt = client.now() * 1000; // the server's clock, as far as we know it
    const startedAt = performance.now();
    creating.then(() => {
      this.moved();
      if (this.tuner) this.inFlight(this.tuner.roundTrip(performance.now() - startedAt));
    }, () => {});
    return raceSignal(creating, p.signal).catch((error) => {
      if (p.signal?.aborted) {
        creating.then(({ uploadId }) => client.abortMultipartUpload({ bucket: p.bucket, key: p.key, uploadId })).catch(() => {});
      }
      throw error;
    });
  }

  /** The checkpoint: small plain JSON. */
  state() {
    const parts = [...this.done.values()].sort((a, b) => a.partNumber - b.partNumber).map((x) => ({ ...x }));
    return {
      version: STATE_VERSION,
      abi: this.abi.version,
      bucket: this.p.bucket,
      key: this.p.key,
      uploadId: this.uploadId,
      size: this.total ?? null,
      partSize: this.plan.partSize,
      growthInterval: this.equalStream ? 0 : this.plan.growthInterval,
      checksum: this.checksum,
      fingerprint: { ...this.source.fingerprint },
      parts,
    };
  }

  async checkpoint() {
    if (this.p.onCheckpoint) await this.p.onCheckpoint(this.state());
  }

  /** Refuse a state made for another object, body or plan. */
  checkResume(s) {
    const want = this.state();
    const differs = [];
    if (s.version !== STATE_VERSION) differs.push('version');
    for (const f of ['abi', 'bucket', 'key', 'size', 'partSize', 'growthInterval', 'checksum']) {
      if ((s[f] ?? null) !== want[f]) differs.push(f);
    }
    if (JSON.stringify(sorted(s.fingerprint ?? {})) !== JSON.stringify(sorted(want.fingerprint))) differs.push('fingerprint');
    if (typeof s.uploadId !== 'string' || !s.uploadId) differs.push('uploadId');
    if (!Array.isArray(s.parts)) differs.push('parts');
    if (differs.length) {
      throw new S3InputError('ResumeMismatch', `the resume state does not match this upload (${differs.join(', ')})`);
    }
  }

  /** Keep the state's parts the server has with the planned size; the rest is sent again. */
  async reconcile(s) {
    const { client, p } = this;
    const listed = new Map();
    for await (const part of client.listAllParts({ bucket: p.bucket, key: p.key, uploadId: s.uploadId, signal: p.signal, retryWhile: this.retryWhile })) {
      listed.set(part.partNumber, part);
    }
    for (const sp of s.parts) {
      const n = sp.partNumber;
      const lp = listed.get(n);
      const { size } = this.part(n);
      if (!lp || !size || lp.size !== size || sp.size !== size) continue;
      if (sp.etag && unquote(sp.etag) !== unquote(lp.etag)) continue; // replaced since
      const kept = { partNumber: n, size, etag: sp.etag || lp.etag };
      if (this.checksum === 'md5') {
        const md5 = sp.md5 ?? (/^[0-9a-f]{32}$/i.test(unquote(lp.etag)) ? unquote(lp.etag).toLowerCase() : undefined);
        if (!md5) continue; // the final ETag check needs it
        kept.md5 = md5;
      }
      if (this.flexible) {
        const c = sp.checksum ?? lp.checksum;
        if (!c) continue;
        kept.checksum = c;
        if (sp.echoed || lp.checksum) kept.echoed = true;
      }
      this.done.set(n, kept);
      this.progress.finished += size;
    }
    this.progress.emit(); // one event: where the upload starts again
  }

  /** Read and send every part not done, `concurrency` at a time; resolves to the part count. */
  async sendParts() {
    const { p, source } = this;
    const inner = new AbortController();
    const signal = p.signal ? anySignal([p.signal, inner.signal]) : inner.signal;
    // Each part in flight listens on it: past 10, Node would print a leak warning.
    globalThis.process?.getBuiltinModule?.('node:events')?.setMaxListeners(0, signal);
    const running = new Set();
    let failure;
    const fail = (e) => {
      if (failure === undefined) {
        failure = e;
        inner.abort(e);
      }
    };
    let count = 0;
    for (let n = 1; ; n++) {
      while (running.size >= this.concurrency && failure === undefined) await Promise.race(running);
      if (failure !== undefined || signal.aborted) break;
      let part;
      let ahead;
      try {
        ahead = this.takeFirst(n);
        part = await (ahead?.part ?? this.readPart(n, signal));
      } catch (e) {
        fail(e);
        break;
      }
      if (part.end) break;
      count = n;
      const kept = this.done.get(n);
      if (part.bytes && kept && !(await this.sameAsKept(kept, part.bytes))) {
        fail(new S3InputError('ResumeMismatch', `part ${n} of the body differs from the one uploaded before`));
        break;
      }
      if (part.bytes && !kept) this.startPart(n, part.bytes, signal, running, fail, ahead?.digest);
      if (part.last) break;
    }
    await Promise.all(running);
    this.dropFirst(); // read ahead, never sent: the loop stopped before them
    if (p.signal?.aborted) throw p.signal.reason;
    if (failure !== undefined) throw failure;
    if (this.total !== undefined && source.sequential && !(await source.atEnd())) throw sizeMismatch(this.total);
    return count;
  }

  /**
   * Part n: { bytes, last }; { kept: true } when it is on the server already
   * and need not be read; { end: true } past the end of the body.
   */
  async readPart(n, signal) {
    const { source } = this;
    const { size, offset } = this.part(n);
    if (this.total !== undefined && n > this.plan.partCount) return { end: true };
    if (n > this.profile.maxParts) {
      // A stream past the store's part count (Swift: 1,000): refused before sending more.
      if (!(await source.atEnd())) {
        throw new S3InputError('EntityTooLarge', `the stream needs more than the ${this.profile.maxParts} parts the store (profile ${this.profile.name}) takes: give its size, or a larger partSize`);
      }
      return { end: true };
    }
    if (!size) {
      // Past 10,000 parts of a stream (beyond 5 TiB): never truncate silently.
      if (!(await source.atEnd())) throw new S3InputError('EntityTooLarge', 'the stream is longer than an object may be');
      return { end: true };
    }
    if (this.done.has(n) && !source.sequential) return { kept: true };
    let bytes;
    if (n === 1 && this.first) {
      bytes = this.first;
      this.first = undefined;
    } else {
      bytes = await this.readOrAbort(offset, size, signal);
    }
    if (this.total !== undefined && bytes.length !== size) throw sizeMismatch(this.total);
    if (bytes.length === 0 && n > 1) return { end: true }; // a stream that ended on a part boundary
    return { bytes, last: bytes.length < size };
  }

  /**
   * Parts 1..count of a body of known size, read and hashed while CreateMultipartUpload is
   * answered: its round trip leaves the CPU idle, and on a long link the first parts then go
   * out with its answer (at 200 ms x 1 Gbit/s they went 160-400 ms after it). In order, as
   * sendParts reads, so a stream stays sequential; the memory is that of `count` parts in flight.
   */
  readFirst(count) {
    if (this.total === undefined) return;
    const parts = [];
    let previous = Promise.resolve();
    for (let n = 1; n <= Math.min(count, this.plan.partCount); n++) {
      previous = previous.then(() => this.readPart(n));
      parts.push(previous);
    }
    this.readAhead = new Map(); // n -> { part, digest }: promises, taken by sendParts
    for (let at = 0; at < parts.length; at += this.h.lanes) {
      const group = parts.slice(at, at + this.h.lanes);
      // MD5s in md5x4's lanes once the group is read; other checksums part by part.
      const md5s = this.checksum === 'md5' ? Promise.all(group).then((ps) => this.h.md5Many(ps.map((x) => x.bytes))) : undefined;
      group.forEach((part, i) => {
        const digest = md5s ? md5s.then((d) => md5Fields(d[i])) : part.then((x) => this.hash(x.bytes));
        part.catch(() => {}); // taken by sendParts, or dropped
        digest.catch(() => {});
        this.readAhead.set(at + i + 1, { part, digest });
      });
    }
  }

  /** Part n as readFirst read it, { part, digest } (promises), or undefined. */
  takeFirst(n) {
    const f = this.readAhead?.get(n);
    this.readAhead?.delete(n);
    return f;
  }

  /**
   * The parts read ahead that will not be sent: their memory goes back to the source when
   * their reads end (not awaited: a stalled stream must not hold up the error).
   */
  dropFirst() {
    for (const f of this.readAhead?.values() ?? []) {
      f.part.then((x) => x.bytes && this.source.release(x.bytes), () => {});
    }
    this.readAhead = undefined;
  }

  /** A stream re-read on resume: the part is on the server; these bytes must be the same. */
  async sameAsKept(kept, bytes) {
    const same = !kept.md5 || (await this.hash(bytes)).md5Hex === kept.md5;
    this.source.release(bytes);
    return same;
  }

  /** Send part n in the background; its memory goes back to the source once it is sent or given up. */
  startPart(n, bytes, signal, running, fail, digest) {
    const task = this.sendPart(n, bytes, signal, digest).catch(fail).finally(() => {
      running.delete(task);
      this.source.release(bytes);
    });
    running.add(task);
  }

  /** `digest`: part n's hashes when readFirst made them already. */
  async sendPart(n, bytes, signal, digest) {
    const { p } = this;
    const d = await (digest ?? this.hash(bytes, n));
    signal.throwIfAborted();
    const fields = {
      bucket: p.bucket, key: p.key, uploadId: this.uploadId, partNumber: n,
      contentLength: bytes.length, contentMD5: d.contentMD5,
    };
    if (this.flexible) {
      fields.checksumAlgorithm = this.flexible;
      fields.checksum = d.checksum;
    }
    const startedAt = performance.now();
    let sentAt;
    const onProgress = (sent) => {
      this.progress.set(n, sent);
      if (sent === bytes.length) sentAt = performance.now();
    };
    const { response } = await this.client.send('uploadPart', fields, {
      body: () => bytes, signal, expect: 'none', onProgress, retryWhile: this.retryWhile,
    });
    this.moved();
    this.adapt(bytes.length, startedAt, sentAt);
    // Browsers hide ETag unless CORS exposes it: then ListParts fills it in.
    const etag = response.headers.get('etag') ?? undefined;
    if (d.md5Hex && etag && unquote(etag).toLowerCase() !== d.md5Hex) {
      throw etagMismatch(`part ${n}: ETag ${etag} is not the MD5 ${d.md5Hex} of the part`, response);
    }
    const echoed = this.flexible && response.headers.get(`x-amz-checksum-${this.flexible}`);
    if (echoed && echoed !== d.checksum) {
      throw new S3VerifyError({
        code: 'ChecksumMismatch', message: `part ${n}: server ${this.flexible} ${echoed}, ours ${d.checksum}`, status: response.status,
      });
    }
    const record = { partNumber: n, size: bytes.length };
    if (etag) record.etag = etag;
    if (d.md5Hex) record.md5 = d.md5Hex;
    if (d.checksum) record.checksum = d.checksum;
    if (echoed) record.echoed = true; // the store knows this checksum: Complete may list it
    this.done.set(n, record);
    this.progress.finish(n, bytes.length);
    await this.checkpoint();
  }

  /** Parts in flight from what the answers show (adapt.js), at the default concurrency only. */
  adapt(size, startedAt, sentAt) {
    if (!this.tuner) return;
    const now = performance.now();
    this.inFlight(this.tuner.partDone(size, now - startedAt, sentAt === undefined ? undefined : now - sentAt));
  }

  inFlight(c) {
    if (c === this.concurrency) return;
    this.concurrency = c;
    this.client.transport.setMaxSockets?.(c);
  }

  /** The hashes of part n's bytes (n undefined: a PutObject's body, or bytes checked against a kept part). */
  async hash(bytes, n) {
    if (this.checksum === 'md5') return md5Fields(await this.md5(bytes, n));
    const h = this.h.part({ checksum: this.flexible });
    try {
      h.update(bytes);
      return await h.digest();
    } finally {
      h.dispose();
    }
  }

  /**
   * Part n's MD5, in md5x4's lanes with the next parts (hash.js md5Ahead) when the
   * body can be read ahead; a stream's parts share them when they reach here together.
   */
  md5(bytes, n) {
    if (n === undefined) return Promise.resolve(this.h.md5(bytes));
    if (this.source.peek && !this.source.sequential) {
      this.md5Ahead ??= this.h.md5Ahead({ peek: this.source.peek, next: (k, count) => this.partsAfter(k, count) });
      return this.md5Ahead(n, bytes);
    }
    this.md5Batch ??= this.h.md5Batcher(Math.min(this.concurrency, 4));
    return this.md5Batch(bytes);
  }

  /** Up to `count` parts after n that are still to send: [{ n, offset, size }]. */
  partsAfter(n, count) {
    const out = [];
    for (let k = n + 1; out.length < count && k <= this.plan.partCount; k++) {
      if (!this.done.has(k)) out.push({ n: k, ...this.part(k) });
    }
    return out;
  }

  async complete(count) {
    const { client, p, uploadId } = this;
    const parts = [];
    for (let n = 1; n <= count; n++) {
      const d = this.done.get(n);
      if (!d) throw new Error(`s3mpu: part ${n} is missing`); // never Complete with a gap
      parts.push(d);
    }
    if (parts.length === 0) throw new Error('s3mpu: no part to complete');
    if (parts.some((x) => !x.etag)) await this.etagsFromListParts(parts);
    const size = parts.reduce((a, x) => a + x.size, 0);
    const expected = this.checksum === 'md5' ? multipartEtag(this.h, parts.map((x) => fromHex(x.md5))) : undefined;
    // Checksums only where every part's was echoed and the profile allows them: Swift answers
    // MalformedXML to any, and a store that ignored them has nothing to compare with.
    const listChecksums = this.flexible && this.profile.completeChecksums !== false && parts.every((x) => x.echoed);
    const ref = { bucket: p.bucket, key: p.key, signal: p.signal, retryWhile: this.retryWhile };
    let answer;
    let doubt;
    try {
      answer = await client.completeMultipartUpload({
        ...ref, uploadId,
        parts: parts.map((x) => ({ partNumber: x.partNumber, etag: x.etag, ...(listChecksums ? { checksum: x.checksum } : {}) })),
        checksumAlgorithm: listChecksums ? this.flexible : undefined, expectedETag: expected,
      });
    } catch (error) {
      if (!doubtful(error, p.signal)) throw error;
      doubt = error; // Complete may have acted: the object says
    }
    const result = { bucket: p.bucket, key: p.key, etag: answer?.etag || undefined, size, parts: parts.length, uploadId };
    // Complete's ETag, when it is the MD5 of our parts' MD5s, verifies the object: no HEAD (one
    // round trip less). RGW 16 answers Complete with an empty ETag: HEAD has the real one.
    if (!doubt && result.etag && (!expected || unquote(result.etag) === expected)) return this.noted(result);
    const head = await client.headObject(ref).catch((e) => {
      if (doubt) throw doubt;
      throw e;
    });
    result.etag = head.etag;
    if (doubt && !(head.size === size && this.ours(head, parts.length, expected))) throw doubt;
    if (head.size !== size) {
      throw new S3VerifyError({ code: 'SizeMismatch', message: `object has ${head.size} bytes, expected ${size}` });
    }
    const why = [];
    if (doubt) why.push(`Complete's answer was not clear (${doubt.message}), but HEAD finds the object stored with its size`);
    if (expected && unquote(head.etag) !== expected) {
      why.push(`the object's ETag ${head.etag} is not the MD5 of the parts' MD5s ("${expected}"): the bytes could not be verified`);
      result.verified = false;
    } else if (doubt && !expected) {
      why.push(`with checksum '${this.checksum}' HEAD cannot verify the bytes`);
      result.verified = false;
    }
    if (why.length) this.warn(why.join('; '));
    return this.noted(result);
  }

  /** ETags the answers did not show (a browser without CORS ExposeHeaders: ETag), from ListParts. */
  async etagsFromListParts(parts) {
    const { client, p, uploadId } = this;
    for await (const lp of client.listAllParts({ bucket: p.bucket, key: p.key, uploadId, signal: p.signal, retryWhile: this.retryWhile })) {
      const d = this.done.get(lp.partNumber);
      if (d && !d.etag && lp.size === d.size) d.etag = lp.etag;
    }
    const missing = parts.find((x) => !x.etag);
    if (missing) throw new S3VerifyError({ code: 'MissingETag', message: `part ${missing.partNumber} has no ETag in ListParts` });
  }

  /**
   * Whether the object HEAD found can be this upload's: our multipart ETag (or
   * one of as many parts), written since our Create when we know its time.
   */
  ours(head, partCount, expected) {
    const etag = unquote(head.etag);
    if (expected ? etag !== expected && !etag.endsWith(`-${partCount}`) : !etag.endsWith(`-${partCount}`)) return false;
    const written = Date.parse(head.lastModified ?? '');
    return this.createdAt === undefined || !(written < this.createdAt - 5000);
  }

  warn(message) {
    this.warning = this.warning ? `${this.warning}; ${message}` : message;
  }

  /** The result with what the caller should know: a restart, an unverified object. */
  noted(result) {
    if (this.restarted) {
      result.restarted = true;
      this.warn(this.restarted);
    }
    if (this.warning) result.warning = this.warning;
    return result;
  }
}

// ---- Helpers -------------------------------------------------------------------------

function sorted(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** An upload the server no longer has (RGW says NoSuchKey). */
function gone(error) {
  return error instanceof S3Error && (error.code === 'NoSuchUpload' || error.code === 'NoSuchKey' || error.status === 404);
}

/**
 * A Complete failure after which the object may be stored all the same: no
 * answer, a 5xx or 200 with <Error>, an answer we cannot read. Not the
 * caller's abort or deadline.
 */
function doubtful(error, signal) {
  if (signal?.aborted) return false;
  if (error instanceof S3VerifyError) return true;
  if (error instanceof S3Error) return !(error.status < 500) || error.status === 200;
  return !(error instanceof S3InputError);
}

function sizeMismatch(size) {
  return new S3InputError('BodySizeMismatch', `size is ${size} but the body has a different length`);
}

function etagMismatch(message, response) {
  return new S3VerifyError({
    code: 'ETagMismatch', message, status: response.status,
    requestId: response.headers.get('x-amz-request-id') ?? undefined,
  });
}

/** An MD5 as a part's hashes: Content-MD5 (base64) and the hex its ETag is checked against. */
function md5Fields(md5) {
  return { md5, contentMD5: base64(md5), md5Hex: hex(md5) };
}
