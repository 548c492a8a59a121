// The s3mpu command line. main(argv) resolves to the exit status:
// 0 done, 1 failed, 2 bad usage or input, 130 interrupted.
import { stat, readFile, writeFile, rename, unlink } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { S3Client, S3Error, S3InputError } from '../index.node.js';
import { loadAbi } from '../wasm.js';
import {
  UsageError, parse, parseSize, parseDuration, parseCount, parseRanges, parseS3Url,
  connection, CONNECTION_OPTIONS,
} from './args.js';
import { signRequest, SIGN_HELP } from './sign.js';
import { Progress, formatBytes } from './progress.js';

const HELP = `usage: s3mpu COMMAND [options]

  upload FILE|- s3://BUCKET/KEY   multipart upload of a file or stdin, resumable
  abort s3://BUCKET/KEY UPLOAD_ID abort an unfinished multipart upload
  list-uploads s3://BUCKET[/PREFIX]
                                  unfinished multipart uploads (key, upload id, started)
  presign s3://BUCKET/KEY         presigned URL(s), e.g. for a browser's parts
  sign                            sign a request given as JSON on stdin, showing every
                                  step (to debug SignatureDoesNotMatch)

Connection: --endpoint URL (or S3MPU_ENDPOINT), --region R (or S3MPU_REGION; may be
omitted for JD Cloud endpoints), --path-style. Credentials from S3MPU_ACCESS_KEY_ID,
S3MPU_SECRET_ACCESS_KEY, S3MPU_SESSION_TOKEN (or the AWS_* variables of those names).

s3mpu COMMAND --help for a command's options. Exit status: 0 done, 1 failed,
2 bad usage, 130 interrupted.`;

const UPLOAD_HELP = `usage: s3mpu upload FILE|- s3://BUCKET/KEY [options]

Uploads FILE (or stdin for -) in parts, several at a time, and prints the
object's ETag. A KEY ending in / gets the file's name appended.

  --part-size SIZE      preferred part size (default 8MiB; raised when the file
                        needs more than 10000 parts). SIZE: 5242880, 8M, 16MiB, 1GiB
  --concurrency N       parts in flight (default 4)
  --checksum ALG        md5 (default: Content-MD5 on every part), crc32, crc32c,
                        sha256 or none
  --content-type T, --cache-control V, --content-disposition V,
  --content-encoding V, --expires DATE, --storage-class C
  --meta NAME=VALUE     user metadata (x-amz-meta-NAME), repeatable
  --state FILE          checkpoint file (default FILE.s3mpu-state.json for a file;
                        none for stdin). When it exists and matches, the upload
                        resumes and sends only the missing parts; it is removed
                        after success
  --no-progress         no progress output (default: a bar on a terminal, a line
                        every 5 s otherwise, on stderr)
  --json                print the result as JSON instead of the ETag
  --endpoint URL, --region R, --path-style

Ctrl-C (SIGINT) or SIGTERM stops the upload but keeps it on the server and its
state file, so the same command resumes it (exit status 130).`;

const ABORT_HELP = `usage: s3mpu abort s3://BUCKET/KEY UPLOAD_ID [--endpoint URL] [--region R] [--path-style]

Aborts a multipart upload: the server frees the parts stored so far.`;

const LIST_HELP = `usage: s3mpu list-uploads s3://BUCKET[/PREFIX] [--json] [--endpoint URL] [--region R] [--path-style]

Lists unfinished multipart uploads, one a line: KEY, UPLOAD_ID, started (tab-separated).`;

const PRESIGN_HELP = `usage: s3mpu presign s3://BUCKET/KEY [options]

Prints presigned URLs, one a line (--json: objects with method, url, headers).

  --upload-id ID --part N     UploadPart URL of part N
  --upload-id ID --parts R    UploadPart URLs of parts R (1-100, 1,3,5-8), in order
  --method M                  put (default: UploadPart with --upload-id, else PutObject),
                              post (CreateMultipartUpload, or CompleteMultipartUpload
                              with --upload-id), delete (AbortMultipartUpload, needs
                              --upload-id), get (ListParts, needs --upload-id), head
                              (HeadObject)
  --expires SECONDS           validity (default 3600; at most 604800 = 7d; 15m, 12h, 7d)
  --content-type T            PutObject/Create: signed, so the uploader must send it
  --endpoint URL, --region R, --path-style`;

export async function main(argv, io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }) {
  const secrets = [];
  const say = (text) => io.stderr.write(`${redact(text, secrets)}\n`);
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case 'upload': return await upload(rest, io, say, secrets);
      case 'abort': return await abort(rest, io, secrets);
      case 'list-uploads': return await listUploads(rest, io, secrets);
      case 'presign': return await presign(rest, io, secrets);
      case 'sign': return await sign(rest, io);
      case '-h': case '--help': case 'help':
        io.stdout.write(`${HELP}\n`);
        return 0;
      case '--version': {
        const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
        io.stdout.write(`s3mpu ${pkg.version}\n`);
        return 0;
      }
      case undefined:
        io.stderr.write(`${HELP}\n`);
        return 2;
      default:
        throw new UsageError(`unknown command "${command}" (upload, abort, list-uploads, presign, sign; --help)`);
    }
  } catch (e) {
    return report(e, say);
  }
}

/** Print an error; the exit status for it. */
function report(e, say) {
  if (e instanceof UsageError) {
    say(`s3mpu: ${e.message}`);
    return 2;
  }
  if (e instanceof S3InputError) {
    say(`s3mpu: refused before sending: ${e.code}${e.message && e.message !== e.code ? `: ${e.message}` : ''}`);
    return 2;
  }
  if (e instanceof S3Error) {
    say(`s3mpu: ${e.message}`);
    if (e.code === 'SignatureDoesNotMatch') {
      if (e.canonicalRequest) say(`the server's canonical request:\n${e.canonicalRequest}`);
      if (e.stringToSign) say(`the server's string to sign:\n${e.stringToSign}`);
      say('check the secret key, the region and the endpoint; `s3mpu sign --help` shows how to compare signatures');
    }
    return 1;
  }
  const cause = e?.cause ? ` (${e.cause.code ?? e.cause.message ?? e.cause})` : '';
  say(`s3mpu: ${e?.message ?? e}${cause}`);
  if (process.env.S3MPU_DEBUG && e?.stack) say(e.stack);
  return 1;
}

/** Secrets never reach the terminal, whatever an error message contains. */
function redact(text, secrets) {
  let out = String(text);
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('<secret>');
  return out;
}

async function client(values, secrets) {
  const options = connection(values);
  secrets.push(options.credentials.secretAccessKey, options.credentials.sessionToken);
  return S3Client.create(options);
}

function printJson(io, value) {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

// ---- upload ---------------------------------------------------------------------

const UPLOAD_OPTIONS = {
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
  'no-progress': { type: 'boolean' },
};
const CHECKSUMS = ['md5', 'crc32', 'crc32c', 'sha256', 'none'];

async function upload(argv, io, say, secrets) {
  const { values, positionals } = parse(argv, UPLOAD_OPTIONS);
  if (values.help) {
    io.stdout.write(`${UPLOAD_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError('upload needs FILE (or -) and s3://BUCKET/KEY; see s3mpu upload --help');
  const [source, target] = positionals;
  const fromStdin = source === '-';
  let { bucket, key } = parseS3Url(target, { keyRequired: false });
  if (key === '' || key.endsWith('/')) {
    if (fromStdin) throw new UsageError(`"${target}" names no key, and stdin has no file name`);
    key += basename(source);
  }

  const options = {
    bucket, key,
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
  const conn = connection(values); // usage errors before touching the file

  // The body: a regular file by path (sliced per part, resumable), else a stream.
  let file;
  if (!fromStdin) {
    try {
      file = await stat(source);
    } catch (e) {
      throw new Error(`cannot read ${source}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
    if (file.isDirectory()) throw new UsageError(`${source} is a directory`);
  }
  const regular = Boolean(file?.isFile());
  const statePath = values.state ?? (regular ? `${source}.s3mpu-state.json` : undefined);
  const saved = statePath ? await readState(statePath, say) : undefined;
  let resume;
  if (saved) {
    const why = stateMismatch(saved, { bucket, key, file: regular ? file : undefined });
    if (why) {
      say(`s3mpu: ignoring ${statePath}: ${why}` +
        (saved.uploadId ? `; its upload may still be on the server: s3mpu abort s3://${saved.bucket}/${saved.key} ${saved.uploadId}` : ''));
    } else {
      resume = saved;
      if (options.partSize !== undefined && options.partSize !== saved.partSize) {
        say(`s3mpu: resuming with the part size it was started with (${formatBytes(saved.partSize)}), not --part-size`);
      }
      if (options.checksum !== undefined && options.checksum !== saved.checksum) {
        say(`s3mpu: resuming with the checksum it was started with (${saved.checksum}), not --checksum`);
      }
    }
  }

  secrets.push(conn.credentials.secretAccessKey, conn.credentials.sessionToken);
  const s3 = await S3Client.create(conn);
  const controller = new AbortController();
  let signalName;
  const onSignal = (name) => {
    if (signalName) process.exit(130); // a second Ctrl-C: now
    signalName = name;
    controller.abort(new Error(`interrupted by ${name}`));
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  const progress = new Progress({ stream: io.stderr, enabled: !values['no-progress'] });
  let lastState;
  let writing = Promise.resolve();
  const onCheckpoint = statePath ? (state) => {
    lastState = state;
    // Written in order, each one whole (tmp + rename): a kill never leaves half a file.
    writing = writing.then(() => writeState(statePath, state)).catch((e) => {
      say(`s3mpu: cannot write ${statePath}: ${e.message}`);
    });
    return writing; // the upload waits for it: a part counts as saved once on disk
  } : undefined;

  const run = (resumeState) => s3.upload({
    ...options,
    // A resumed upload keeps the plan and checksum it was started with.
    ...(resumeState ? { partSize: resumeState.partSize, checksum: resumeState.checksum } : {}),
    body: regular ? source : releasable(fromStdin ? io.stdin : createReadStream(source)),
    onProgress: (p) => progress.update(p),
    onCheckpoint,
    resume: resumeState,
    // With a state file the upload stays on the server after a failure, to be resumed.
    keepOnError: Boolean(statePath),
    signal: controller.signal,
  });

  let result;
  try {
    if (resume && !(await uploadExists(s3, resume, controller.signal))) {
      // Aborted or expired meanwhile: start again (before reading any of a stream).
      say(`s3mpu: upload ${resume.uploadId} no longer exists on the server; starting again`);
      resume = undefined;
    }
    if (resume) say(`s3mpu: resuming upload ${resume.uploadId} (${resume.parts?.length ?? 0} parts done) from ${statePath}`);
    result = await run(resume);
  } catch (e) {
    await writing;
    progress.interrupt();
    if (controller.signal.aborted) {
      if (statePath && lastState?.uploadId) {
        say(`s3mpu: interrupted; upload ${lastState.uploadId} is kept (${lastState.parts?.length ?? 0} parts done), ` +
          `state in ${statePath}: run the same command to resume, or s3mpu abort s3://${bucket}/${key} ${lastState.uploadId}`);
      } else {
        say('s3mpu: interrupted');
      }
      return 130;
    }
    const code = report(e, say);
    if (statePath && lastState?.uploadId) {
      say(`s3mpu: upload ${lastState.uploadId} is kept, state in ${statePath}: run the same command to resume, ` +
        `or s3mpu abort s3://${bucket}/${key} ${lastState.uploadId}`);
    }
    return code;
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    s3.destroy();
  }
  await writing;
  progress.done();
  if (statePath) await unlink(statePath).catch((e) => { if (e.code !== 'ENOENT') throw e; });
  if (values.json) printJson(io, result);
  else io.stdout.write(`${String(result.etag ?? '').replace(/^"|"$/g, '')}\n`);
  if (!values['no-progress']) {
    say(`s3mpu: uploaded s3://${result.bucket ?? bucket}/${result.key ?? key}, ${formatBytes(result.size ?? 0)}` +
      `${result.parts ? ` in ${result.parts} parts` : ''}`);
  }
  return 0;
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

async function readState(path, say) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${e.message}`);
  }
  try {
    const state = JSON.parse(text);
    if (state && typeof state === 'object' && typeof state.uploadId === 'string') return state;
  } catch {
    // fall through
  }
  say(`s3mpu: ignoring ${path}: not an s3mpu state file`);
  return undefined;
}

/** Why a saved state cannot resume this upload, or '' when it can. */
function stateMismatch(state, { bucket, key, file }) {
  if (state.bucket !== bucket || state.key !== key) return `it is for s3://${state.bucket}/${state.key}`;
  if (file) {
    const fp = state.fingerprint ?? {};
    const size = fp.size ?? state.size;
    if (size !== undefined && size !== file.size) return `the file is now ${file.size} bytes, it was ${size}`;
    if (fp.lastModified !== undefined && Math.trunc(fp.lastModified) !== Math.trunc(file.mtimeMs)) {
      return 'the file was modified since';
    }
  }
  return '';
}

async function writeState(path, state) {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

// ---- abort, list-uploads ----------------------------------------------------------

async function abort(argv, io, secrets) {
  const { values, positionals } = parse(argv, CONNECTION_OPTIONS);
  if (values.help) {
    io.stdout.write(`${ABORT_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError('abort needs s3://BUCKET/KEY and UPLOAD_ID');
  const { bucket, key } = parseS3Url(positionals[0], { keyRequired: true });
  const uploadId = positionals[1];
  const s3 = await client(values, secrets);
  try {
    await s3.abortMultipartUpload({ bucket, key, uploadId });
  } finally {
    s3.destroy();
  }
  if (values.json) printJson(io, { bucket, key, uploadId, aborted: true });
  return 0;
}

async function listUploads(argv, io, secrets) {
  const { values, positionals } = parse(argv, CONNECTION_OPTIONS);
  if (values.help) {
    io.stdout.write(`${LIST_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('list-uploads needs s3://BUCKET[/PREFIX]');
  const { bucket, key: prefix } = parseS3Url(positionals[0], { keyRequired: false });
  const s3 = await client(values, secrets);
  const all = [];
  try {
    for await (const u of s3.listAllMultipartUploads({ bucket, prefix })) {
      if (values.json) all.push(u);
      else io.stdout.write(`${u.key}\t${u.uploadId}\t${u.initiated}\n`);
    }
  } finally {
    s3.destroy();
  }
  if (values.json) printJson(io, all);
  return 0;
}

// ---- presign -------------------------------------------------------------------------

const PRESIGN_OPTIONS = {
  ...CONNECTION_OPTIONS,
  'upload-id': { type: 'string' },
  part: { type: 'string' },
  parts: { type: 'string' },
  expires: { type: 'string' },
  method: { type: 'string' },
  'content-type': { type: 'string' },
};

async function presign(argv, io, secrets) {
  const { values, positionals } = parse(argv, PRESIGN_OPTIONS);
  if (values.help) {
    io.stdout.write(`${PRESIGN_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('presign needs s3://BUCKET/KEY');
  const { bucket, key } = parseS3Url(positionals[0], { keyRequired: true });
  const uploadId = values['upload-id'];
  const method = (values.method ?? 'put').toLowerCase();
  const expiresIn = values.expires === undefined ? 3600 : parseDuration(values.expires, '--expires');
  if (expiresIn < 1 || expiresIn > 604800) throw new UsageError('--expires: from 1 second to 7 days (604800)');
  if (values.part !== undefined && values.parts !== undefined) throw new UsageError('give --part or --parts, not both');
  const wantsParts = values.part !== undefined || values.parts !== undefined;
  if (wantsParts && (!uploadId || method !== 'put')) throw new UsageError('--part and --parts need --upload-id (and --method put)');
  if (values['content-type'] !== undefined && !(method === 'put' && !uploadId) && !(method === 'post' && !uploadId)) {
    throw new UsageError('--content-type goes with PutObject (put) or CreateMultipartUpload (post) URLs');
  }

  let operation;
  if (method === 'put') operation = uploadId ? 'uploadPart' : 'putObject';
  else if (method === 'post') operation = uploadId ? 'completeMultipartUpload' : 'createMultipartUpload';
  else if (method === 'delete') operation = 'abortMultipartUpload';
  else if (method === 'get') operation = 'listParts';
  else if (method === 'head') operation = 'headObject';
  else throw new UsageError('--method must be put, post, delete, get or head');
  if (['abortMultipartUpload', 'listParts'].includes(operation) && !uploadId) {
    throw new UsageError(`--method ${method} presigns ${operation}: it needs --upload-id`);
  }
  if (operation === 'uploadPart' && !wantsParts) throw new UsageError('an UploadPart URL needs --part N or --parts RANGE');

  const partNumbers = values.parts === undefined ? undefined : parseRanges(values.parts);
  const partNumber = values.part === undefined ? undefined : parseCount(values.part, '--part', 10000);

  const s3 = await client(values, secrets);
  let out;
  try {
    if (partNumbers) {
      out = s3.presignParts({ bucket, key, uploadId, partNumbers, expiresIn })
        .map(({ partNumber, url }) => ({ partNumber, method: 'PUT', url, headers: {} }));
    } else {
      const params = { operation, bucket, key, expiresIn };
      if (uploadId) params.uploadId = uploadId;
      if (partNumber) params.partNumber = partNumber;
      // A presigned Complete signs no body (UNSIGNED-PAYLOAD): the core wants
      // parts to build one, so it gets a stand-in; the caller POSTs the real XML.
      if (operation === 'completeMultipartUpload') params.parts = [{ partNumber: 1, etag: '"-"' }];
      if (values['content-type'] !== undefined) params.contentType = values['content-type'];
      const p = s3.presign(params);
      if (params.parts && Object.keys(p.headers).some((n) => /^(content-md5|x-amz-checksum-)/i.test(n))) {
        throw new Error('cannot presign CompleteMultipartUpload: the core signs its body');
      }
      out = [{ ...(params.partNumber ? { partNumber: params.partNumber } : {}), method: p.method, url: p.url, headers: p.headers }];
    }
  } finally {
    s3.destroy();
  }
  if (values.json) {
    printJson(io, partNumbers ? out : out[0]);
  } else {
    for (const item of out) io.stdout.write(`${item.url}\n`);
    const extra = Object.entries(out[0].headers).filter(([n]) => n.toLowerCase() !== 'host');
    if (extra.length) io.stderr.write(`s3mpu: the request must also send: ${extra.map(([n, v]) => `${n}: ${v}`).join('; ')}\n`);
  }
  return 0;
}

// ---- sign ------------------------------------------------------------------------------

async function sign(argv, io) {
  const { values, positionals } = parse(argv, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    io.stdout.write(`${SIGN_HELP}\n`);
    return 0;
  }
  if (positionals.length) throw new UsageError('sign takes no arguments: it reads one JSON object on stdin');
  if (io.stdin.isTTY) throw new UsageError('sign reads a JSON request on stdin (see s3mpu sign --help)');
  const chunks = [];
  for await (const chunk of io.stdin) chunks.push(chunk);
  let input;
  try {
    input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new UsageError(`sign: stdin is not JSON: ${e.message}`);
  }
  const core = await loadAbi();
  printJson(io, signRequest(core, input));
  return 0;
}
