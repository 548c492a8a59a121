// `s3mpu cp` (alias `upload`): a file, stdin or a directory (-r) to S3, in
// parts, resumable from a checkpoint file next to each file.
import { stat } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { S3Error, S3InputError } from '../index.node.js';
import { UsageError, parse, parseSize, parseCount, parseS3Url } from './args.js';
import { CONNECTION_OPTIONS, CONNECTION_HELP, connection } from './connection.js';
import { openSession } from './session.js';
import { describe, EXIT } from './report.js';
import { readState, writeState, removeState, stateMismatch, keptHelp, shellQuote, STATE_SUFFIX } from './state.js';
import { walk, pathFilter } from './tree.js';
import { Progress, formatBytes } from './progress.js';
import { anySignal } from '../signal.js';
import { PART_NUMBER_MAX } from '../limits.js';

export const CP_HELP = `usage: s3mpu cp FILE|- s3://BUCKET/KEY [options]
       s3mpu cp -r DIR s3://BUCKET[/PREFIX] [options]
       (s3mpu upload is the same command)

Uploads FILE (or stdin for -), in parts several at a time, and prints the
object's ETag (quoted, as S3 gives it). A KEY ending in / gets the file's name
appended. With -r, every file under DIR goes to PREFIX/ + its path under DIR,
and each is printed as ETAG<tab>KEY.

  --part-size SIZE      preferred part size (default 8MiB; raised when the file
                        needs more than ${PART_NUMBER_MAX} parts). SIZE: 5242880, 8M, 16MiB, 1GiB
  --concurrency N       parts in flight per file (default 4; 2 with -r)
  --checksum ALG        md5 (default: Content-MD5 on every part), crc32, crc32c,
                        sha256 or none
  --content-type T, --cache-control V, --content-disposition V,
  --content-encoding V, --expires DATE, --storage-class C
  --meta NAME=VALUE     user metadata (x-amz-meta-NAME), repeatable
  --state FILE          checkpoint file (default FILE${STATE_SUFFIX}, next to
                        the file; none for stdin). When it exists and matches, the
                        upload resumes and sends only the missing parts; it is
                        removed after success
  --on-failure keep|abort  keep (default): a failed or interrupted upload stays on
                        the server with its checkpoint, and the commands to resume
                        or abort it are printed; abort: it is aborted
  --no-progress         no progress output (default: a bar on a terminal, a line
                        every 5 s otherwise, on stderr)
  --quiet, -q           nothing on stderr but errors
  --json                print the result (with -r: the results) as JSON
Directories:
  -r, --recursive       upload the files under DIR
  --include GLOB, --exclude GLOB  filter paths under DIR (repeatable; in order,
                        the last that matches decides, as in aws s3 cp: * any
                        characters, ? one, [a-z] a set), e.g. --exclude '*'
                        --include '*.jpg'
  --jobs N              files at once (default 4): at most JOBS x CONCURRENCY
                        requests in flight
  --fail-fast           stop at the first failure (default: upload the rest and
                        list the failures at the end)

${CONNECTION_HELP}

Ctrl-C (SIGINT) or SIGTERM stops; a file's upload is then kept with its
checkpoint (unless --on-failure abort), so the same command resumes it (exit
status 130). Exit status 1 when an upload failed.`;

const CP_OPTIONS = {
  ...CONNECTION_OPTIONS,
  'part-size': { type: 'string' },
  concurrency: { type: 'string' },
  checksum: { type: 'string' },
  'content-type': { type: 'string' },
  'cache-control': { type: 'string' },
  'content-disposition': { type: 'string' },
  'content-encoding': { type: 'string' },
  expires: { type: 'string' },
  'storage-class': { type: 'string' },
  meta: { type: 'string', multiple: true },
  state: { type: 'string' },
  'on-failure': { type: 'string' },
  'no-progress': { type: 'boolean' },
  recursive: { type: 'boolean', short: 'r' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  jobs: { type: 'string' },
  'fail-fast': { type: 'boolean' },
};
const CHECKSUMS = ['md5', 'crc32', 'crc32c', 'sha256', 'none'];

/** @param {string[]} argv @param {object} ctx  { io, say, secrets, argv } */
export async function cp(argv, ctx) {
  const { values, positionals } = parse(argv, CP_OPTIONS, 'cp');
  if (values.help) {
    ctx.io.stdout.write(`${CP_HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 2) {
    throw new UsageError('cp needs a source (FILE, - or DIR with -r) and s3://BUCKET/KEY', { usage: 'cp' });
  }
  const [source, target] = positionals;
  const dest = parseS3Url(target, { keyRequired: false });
  const settings = uploadSettings(values);
  const policy = values['on-failure'] ?? 'keep';
  if (policy !== 'keep' && policy !== 'abort') throw new UsageError('--on-failure must be keep or abort');
  const filters = orderedFilters(argv);
  if (!values.recursive && (filters.length || values.jobs !== undefined || values['fail-fast'])) {
    throw new UsageError('--include, --exclude, --jobs and --fail-fast go with -r (a directory)');
  }
  connection(values); // usage errors before touching any file
  const show = { progress: !values['no-progress'] && !values.quiet, notes: !values.quiet };
  ctx.quiet = Boolean(values.quiet);

  if (source === '-') {
    if (values.recursive) throw new UsageError('-r uploads a directory, not stdin');
    if (dest.key === '' || dest.key.endsWith('/')) throw new UsageError(`"${target}" names no key, and stdin has no file name`);
    return copyOne(ctx, values, show, { source, stdin: ctx.io.stdin, bucket: dest.bucket, key: dest.key, settings, policy });
  }
  let st;
  try {
    st = await stat(source);
  } catch (e) {
    throw new Error(`cannot read ${source}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
  }
  if (st.isDirectory()) {
    if (!values.recursive) throw new UsageError(`${source} is a directory: add -r to upload the files in it`, { usage: 'cp' });
    if (values.state) throw new UsageError('--state names one file\'s checkpoint: with -r each file has its own');
    const jobs = values.jobs === undefined ? 4 : parseCount(values.jobs, '--jobs', 64);
    return copyTree(ctx, values, show, { dir: source, ...dest, settings, policy, filters, jobs });
  }
  const key = dest.key === '' || dest.key.endsWith('/') ? dest.key + basename(source) : dest.key;
  const statePath = values.state ?? (st.isFile() ? `${source}${STATE_SUFFIX}` : undefined);
  return copyOne(ctx, values, show, { source, stat: st, bucket: dest.bucket, key, statePath, settings, policy });
}

/** upload() options from the command line (validated: UsageError). */
function uploadSettings(values) {
  const options = {
    partSize: values['part-size'] === undefined ? undefined : parseSize(values['part-size'], '--part-size'),
    concurrency: values.concurrency === undefined ? undefined : parseCount(values.concurrency, '--concurrency', 64),
    checksum: values.checksum,
    contentType: values['content-type'],
    cacheControl: values['cache-control'],
    contentDisposition: values['content-disposition'],
    contentEncoding: values['content-encoding'],
    storageClass: values['storage-class'],
  };
  if (options.checksum !== undefined && !CHECKSUMS.includes(options.checksum)) {
    throw new UsageError(`--checksum must be one of ${CHECKSUMS.join(', ')}`);
  }
  if (values.expires !== undefined) {
    const date = new Date(values.expires);
    if (Number.isNaN(date.getTime())) throw new UsageError(`--expires: "${values.expires}" is not a date (e.g. 2030-01-01T00:00:00Z)`);
    options.expires = date;
  }
  if (values.meta) {
    options.metadata = {};
    for (const item of values.meta) {
      const at = item.indexOf('=');
      if (at <= 0) throw new UsageError(`--meta: "${item}" is not NAME=VALUE`);
      options.metadata[item.slice(0, at)] = item.slice(at + 1);
    }
  }
  for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];
  return options;
}

/** --include and --exclude in the order given (parseArgs keeps each list apart). */
function orderedFilters(argv) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(include|exclude)(?:=(.*))?$/s.exec(argv[i]);
    if (!m) {
      if (argv[i] === '--') break;
      continue;
    }
    const glob = m[2] ?? argv[++i];
    out.push({ include: m[1] === 'include', glob });
  }
  return out;
}

// ---- one file or stdin --------------------------------------------------------------

async function copyOne(ctx, values, show, job) {
  const { io, say } = ctx;
  // One file: --timeout is upload()'s own deadline (DeadlineExceeded).
  const session = await openSession(values, ctx, job, { deadline: false });
  const progress = new Progress({ stream: io.stderr, enabled: show.progress });
  let result;
  try {
    result = await uploadFile(session, { ...job, timeoutMs: session.conn.timeoutMs }, {
      say, onProgress: (p) => progress.update(p), sent: () => { ctx.context.sent = true; },
    });
  } catch (e) {
    progress.interrupt();
    return failed(ctx, session, e, job);
  } finally {
    session.close();
  }
  progress.done();
  // Not an error, but worth knowing (an unverified object, a restart): even with --quiet.
  if (result.warning) say(`s3mpu: warning: ${result.warning}`);
  if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else io.stdout.write(`${result.etag ?? ''}\n`);
  if (show.progress) {
    say(`s3mpu: uploaded s3://${result.bucket ?? job.bucket}/${result.key ?? job.key}, ${formatBytes(result.size ?? 0)}` +
      `${result.parts ? ` in ${result.parts} parts` : ''}`);
  }
  // Stored, but unverified or restarted: the library says why (upload.js).
  if (result.warning) say(`s3mpu: ${result.warning}`);
  return EXIT.ok;
}

/** Print a failed upload's error and what became of it; the exit status. */
function failed(ctx, session, e, job) {
  if (session.interruptedBy) {
    ctx.say(`s3mpu: interrupted by ${session.interruptedBy}`);
    sayOutcome(ctx, e, job);
    return EXIT.interrupted;
  }
  const { lines, code } = describe(e, ctx.context);
  for (const line of lines) ctx.say(line);
  sayOutcome(ctx, e, job);
  return code;
}

function sayOutcome(ctx, e, job) {
  const what = `s3://${job.bucket}/${job.key}`;
  if (e.kept) {
    ctx.say(`s3mpu: upload ${e.kept.uploadId} of ${what} is kept (${e.kept.parts} parts done), checkpoint in ${job.statePath}:\n` +
      `       ${keptHelp({ ...job, uploadId: e.kept.uploadId, command: `s3mpu ${ctx.argv.map(shellQuote).join(' ')}` })}`);
  } else if (e.aborted) {
    ctx.say(`s3mpu: upload ${e.aborted} of ${what} was aborted on the server${e.code === 'BodyChanged' || e.code === 'ResumeMismatch'
      ? '; run the command again to upload the file as it is now' : ''}`);
  }
}

// ---- the upload of one file, shared by cp and cp -r ----------------------------------

/**
 * Upload one file or stream with its checkpoint. On failure the error
 * carries what became of the multipart upload: `kept` ({ uploadId, parts },
 * checkpoint kept) or `aborted` (the upload id).
 */
async function uploadFile(session, job, { say, onProgress, sent = () => {}, signal = session.signal }) {
  const { s3 } = session;
  const regular = Boolean(job.stat?.isFile());
  const resume = job.statePath ? await resumable(session, job, say, signal) : undefined;
  if (resume) sent();
  const checkpoints = checkpointWriter(job.statePath, say, sent);
  const keep = job.policy === 'keep' && Boolean(job.statePath);
  try {
    const result = await s3.upload({
      ...job.settings,
      // A resumed upload keeps the plan and checksum it was started with.
      ...(resume ? { partSize: resume.partSize, checksum: resume.checksum } : {}),
      bucket: job.bucket,
      key: job.key,
      body: regular ? { path: job.source } : releasable(job.stdin ?? createReadStream(job.source)),
      onProgress,
      onCheckpoint: checkpoints.onCheckpoint,
      resume,
      keepOnError: keep,
      signal,
      ...(job.timeoutMs === undefined ? {} : { timeout: job.timeoutMs }),
    });
    await checkpoints.flush();
    if (job.statePath) await removeState(job.statePath);
    return result;
  } catch (e) {
    await checkpoints.flush();
    throw await settle(session, job, e, checkpoints.last ?? resume, keep);
  }
}

/**
 * After a failure: a file that changed (or no longer matches the parts
 * sent) makes its upload useless, so it is aborted and its checkpoint
 * removed; else the upload is kept (keep) or was aborted by upload().
 */
async function settle(session, job, e, last, keep) {
  const error = e instanceof Error ? e : new Error(String(e));
  const uploadId = last?.uploadId;
  if (!uploadId) return error;
  const useless = error instanceof S3InputError && (error.code === 'BodyChanged' || error.code === 'ResumeMismatch');
  if (keep && !useless) {
    error.kept = { uploadId, parts: last.parts?.length ?? 0 };
    return error;
  }
  if (keep) {
    await session.s3.abortMultipartUpload({ bucket: job.bucket, key: job.key, uploadId }).catch(() => {});
  }
  if (job.statePath) await removeState(job.statePath).catch(() => {});
  error.aborted = uploadId;
  return error;
}

/** The checkpoint to resume from, if the file has a usable one. */
async function resumable(session, job, say, signal) {
  const saved = await readState(job.statePath, say);
  if (!saved) return undefined;
  const { why, stale } = stateMismatch(saved, { bucket: job.bucket, key: job.key, file: job.stat?.isFile() ? job.stat : undefined });
  if (stale) {
    // Parts of an older version of this file: of no use, and billed until aborted.
    await session.s3.abortMultipartUpload({ bucket: saved.bucket, key: saved.key, uploadId: saved.uploadId, signal })
      .catch((e) => { if (!(e instanceof S3Error && e.status === 404)) throw e; });
    await removeState(job.statePath);
    say(`s3mpu: ${job.statePath}: ${why}; aborted its upload ${saved.uploadId} and starting again`);
    return undefined;
  }
  if (why) {
    say(`s3mpu: ignoring ${job.statePath}: ${why}; its upload may still be on the server: ` +
      `s3mpu abort s3://${saved.bucket}/${saved.key} ${saved.uploadId}`);
    return undefined;
  }
  if (job.settings.partSize !== undefined && job.settings.partSize !== saved.partSize) {
    say(`s3mpu: resuming with the part size it was started with (${formatBytes(saved.partSize)}), not --part-size`);
  }
  if (job.settings.checksum !== undefined && job.settings.checksum !== saved.checksum) {
    say(`s3mpu: resuming with the checksum it was started with (${saved.checksum}), not --checksum`);
  }
  if (!(await uploadExists(session.s3, saved, signal))) {
    say(`s3mpu: upload ${saved.uploadId} no longer exists on the server; starting again`);
    return undefined;
  }
  say(`s3mpu: resuming upload ${saved.uploadId} (${saved.parts?.length ?? 0} parts done) from ${job.statePath}`);
  return saved;
}

/** onCheckpoint writing each state in order; `last` is the newest. */
function checkpointWriter(statePath, say, sent) {
  const w = { last: undefined, writing: Promise.resolve(), onCheckpoint: undefined, flush: () => w.writing };
  w.onCheckpoint = (state) => {
    w.last = state;
    sent();
    if (!statePath) return undefined;
    w.writing = w.writing.then(() => writeState(statePath, state)).catch((e) => {
      say(`s3mpu: cannot write ${statePath}: ${e.message}`);
    });
    return w.writing; // the upload waits for it: a part counts as saved once on disk
  };
  return w;
}

/** Whether a saved upload is still on the server (RGW says NoSuchKey when not). */
async function uploadExists(s3, { bucket, key, uploadId }, signal) {
  try {
    await s3.listParts({ bucket, key, uploadId, maxParts: 1, signal });
    return true;
  } catch (e) {
    if (e instanceof S3Error && (e.code === 'NoSuchUpload' || e.status === 404)) return false;
    throw e;
  }
}

/**
 * A stream's chunks, as an iterator whose return() ends at once: a Node
 * Readable's own return() waits for a read in progress, which never comes
 * when an interrupted upload stops reading a pipe that stays open.
 */
function releasable(stream) {
  const chunks = stream[Symbol.asyncIterator]();
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => chunks.next(),
    async return() {
      stream.destroy();
      return { done: true, value: undefined };
    },
  };
}

// ---- a directory ---------------------------------------------------------------------

async function copyTree(ctx, values, show, tree) {
  const { io, say } = ctx;
  const files = await walk(tree.dir, pathFilter(tree.filters), show.notes ? say : () => {});
  const prefix = tree.key === '' || tree.key.endsWith('/') ? tree.key : `${tree.key}/`;
  if (files.length === 0) {
    say(`s3mpu: no files to upload under ${tree.dir}${tree.filters.length ? ' (check --include and --exclude)' : ''}`);
    return EXIT.ok;
  }
  const settings = { concurrency: 2, ...tree.settings };
  const jobs = files.map((f) => ({
    source: f.path, stat: f.stat, bucket: tree.bucket, key: prefix + f.rel, statePath: `${f.path}${STATE_SUFFIX}`,
    settings, policy: tree.policy,
  }));
  const session = await openSession(values, ctx, { bucket: tree.bucket, key: prefix });
  const progress = new Progress({ stream: io.stderr, enabled: show.progress });
  let outcome;
  try {
    outcome = await runJobs(session, jobs, { ...tree, say, progress, show, failFast: Boolean(values['fail-fast']) });
  } finally {
    session.close();
  }
  progress.done();
  return reportTree(ctx, values, session, tree, outcome);
}

/** Upload `jobs`, `tree.jobs` at a time, with one progress display. */
async function runJobs(session, jobs, { jobs: width, say, progress, show, failFast }) {
  const total = jobs.reduce((n, j) => n + j.stat.size, 0);
  const loaded = new Map();
  let sum = 0;
  const stop = new AbortController();
  const signal = anySignal([session.signal, stop.signal]);
  const results = [];
  const failures = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length && !signal.aborted) {
      const job = jobs[next++];
      const onProgress = ({ loaded: n }) => {
        sum += n - (loaded.get(job) ?? 0);
        loaded.set(job, n);
        progress.update({ loaded: sum, total });
      };
      try {
        const result = await uploadFile(session, job, { say, onProgress, signal });
        results.push({ job, result });
        if (result.warning) progress.note(`s3mpu: ${job.source}: warning: ${result.warning}`);
        if (show.notes) progress.note(`s3mpu: uploaded ${job.source} to s3://${job.bucket}/${job.key}`);
      } catch (e) {
        failures.push({ job, error: e });
        if (!stop.signal.aborted && !session.signal.aborted) {
          progress.interrupt();
          for (const line of describe(e, { ...session.context, bucket: job.bucket, key: job.key, sent: true }).lines) {
            say(line.replace(/^s3mpu: /, `s3mpu: ${job.source}: `));
          }
          if (failFast) stop.abort(new Error('stopped at the first failure (--fail-fast)'));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  const started = new Set([...results, ...failures].map((r) => r.job));
  return { results, failures, notStarted: jobs.filter((j) => !started.has(j)), total };
}

function reportTree(ctx, values, session, tree, { results, failures, notStarted }) {
  const { io, say } = ctx;
  const sorted = results.sort((a, b) => (a.job.key < b.job.key ? -1 : 1));
  if (values.json) {
    io.stdout.write(`${JSON.stringify(sorted.map((r) => r.result), null, 2)}\n`);
  } else {
    for (const { job, result } of sorted) io.stdout.write(`${result.etag ?? ''}\t${job.key}\n`);
  }
  const bytes = sorted.reduce((n, r) => n + (r.result.size ?? 0), 0);
  const where = `s3://${tree.bucket}/${tree.key}`;
  if (!failures.length && !notStarted.length) {
    if (!ctx.quiet) say(`s3mpu: uploaded ${sorted.length} files, ${formatBytes(bytes)}, to ${where}`);
    return EXIT.ok;
  }
  say(`s3mpu: uploaded ${sorted.length} of ${sorted.length + failures.length + notStarted.length} files to ${where}; ` +
    `${failures.length} failed${notStarted.length ? `, ${notStarted.length} not started` : ''}:`);
  for (const { job, error } of failures) {
    const fate = error.kept ? `kept as upload ${error.kept.uploadId} (run the same command to resume)`
      : error.aborted ? `upload ${error.aborted} aborted` : '';
    say(`  ${job.source}: ${String(error.message ?? error).split('\n')[0]}${fate ? `; ${fate}` : ''}`);
  }
  if (failures.some((f) => f.error.kept)) {
    say(`s3mpu: the same command resumes the kept uploads; s3mpu gc s3://${tree.bucket}/${tree.key} --older-than 0 --abort aborts them`);
  }
  return session.interruptedBy ? EXIT.interrupted : EXIT.failed;
}
