// Unfinished multipart uploads: list them, abort one, and `gc` the stale
// ones (they are billed until aborted, and not every store has a lifecycle
// rule to reap them).
import { UsageError, parse, parseDuration, parseS3Url } from './args.js';
import { CONNECTION_OPTIONS, CONNECTION_HELP } from './connection.js';
import { openSession } from './session.js';
import { EXIT } from './report.js';

export const ABORT_HELP = `usage: s3mpu abort s3://BUCKET/KEY UPLOAD_ID [options]

Aborts a multipart upload: the server frees the parts stored so far.

${CONNECTION_HELP}`;

export const LIST_HELP = `usage: s3mpu list-uploads s3://BUCKET[/PREFIX] [--json] [options]

Lists unfinished multipart uploads, one a line: KEY, UPLOAD_ID, started (tab-separated).

${CONNECTION_HELP}`;

export const GC_HELP = `usage: s3mpu gc s3://BUCKET[/PREFIX] [--older-than AGE] [--abort] [options]

Finds the unfinished multipart uploads under PREFIX started more than AGE ago
(default 24h; 0 for all) and lists them, one a line: KEY, UPLOAD_ID, started.
Nothing is aborted unless --abort is given (a dry run by default).

  --older-than AGE      90s, 30m, 24h, 7d (default 24h)
  --abort               abort them (uploads still in progress fail if aborted:
                        choose AGE longer than any upload takes)
  --json                the uploads (and whether each was aborted) as JSON

${CONNECTION_HELP}`;

const GC_OPTIONS = { ...CONNECTION_OPTIONS, 'older-than': { type: 'string' }, abort: { type: 'boolean' } };

export async function abort(argv, ctx) {
  const { values, positionals } = parse(argv, CONNECTION_OPTIONS, 'abort');
  if (values.help) return help(ctx, ABORT_HELP);
  if (positionals.length !== 2) throw new UsageError('abort needs s3://BUCKET/KEY and UPLOAD_ID', { usage: 'abort' });
  const { bucket, key } = parseS3Url(positionals[0], { keyRequired: true });
  const uploadId = positionals[1];
  const session = await openSession(values, ctx, { bucket, key });
  try {
    await session.s3.abortMultipartUpload({ bucket, key, uploadId, signal: session.signal });
  } finally {
    session.close();
  }
  if (values.json) ctx.io.stdout.write(`${JSON.stringify({ bucket, key, uploadId, aborted: true }, null, 2)}\n`);
  return EXIT.ok;
}

export async function listUploads(argv, ctx) {
  const { values, positionals } = parse(argv, CONNECTION_OPTIONS, 'list-uploads');
  if (values.help) return help(ctx, LIST_HELP);
  if (positionals.length !== 1) throw new UsageError('list-uploads needs s3://BUCKET[/PREFIX]', { usage: 'list-uploads' });
  const { bucket, key: prefix } = parseS3Url(positionals[0], { keyRequired: false });
  const session = await openSession(values, ctx, { bucket });
  const all = [];
  try {
    for await (const u of session.s3.listAllMultipartUploads({ bucket, prefix, signal: session.signal })) {
      if (values.json) all.push(u);
      else ctx.io.stdout.write(`${u.key}\t${u.uploadId}\t${u.initiated}\n`);
    }
  } finally {
    session.close();
  }
  if (values.json) ctx.io.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
  return EXIT.ok;
}

export async function gc(argv, ctx) {
  const { values, positionals } = parse(argv, GC_OPTIONS, 'gc');
  if (values.help) return help(ctx, GC_HELP);
  if (positionals.length !== 1) throw new UsageError('gc needs s3://BUCKET[/PREFIX]', { usage: 'gc' });
  const { bucket, key: prefix } = parseS3Url(positionals[0], { keyRequired: false });
  const ageSeconds = parseDuration(values['older-than'] ?? '24h', '--older-than');
  const session = await openSession(values, ctx, { bucket });
  const { s3, signal } = session;
  const found = [];
  let failed = 0;
  try {
    const cutoff = Date.now() - ageSeconds * 1000;
    for await (const u of s3.listAllMultipartUploads({ bucket, prefix, signal })) {
      const started = Date.parse(u.initiated);
      // An upload whose start the store does not say is never taken for stale.
      if (!(started <= cutoff)) continue;
      found.push({ ...u, bucket });
    }
    for (const u of found) {
      if (!values.abort) {
        if (!values.json) ctx.io.stdout.write(`${u.key}\t${u.uploadId}\t${u.initiated}\n`);
        continue;
      }
      try {
        await s3.abortMultipartUpload({ bucket, key: u.key, uploadId: u.uploadId, signal });
        u.aborted = true;
        if (!values.json) ctx.io.stdout.write(`${u.key}\t${u.uploadId}\t${u.initiated}\taborted\n`);
      } catch (e) {
        if (signal.aborted) throw e;
        failed++;
        u.aborted = false;
        ctx.say(`s3mpu: cannot abort ${u.uploadId} of s3://${bucket}/${u.key}: ${e.message}`);
      }
    }
  } finally {
    session.close();
  }
  if (values.json) ctx.io.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
  const where = `s3://${bucket}/${prefix}`;
  const age = values['older-than'] ?? '24h';
  if (!values.abort) {
    if (!values.quiet) {
      ctx.say(found.length
        ? `s3mpu: ${found.length} unfinished uploads under ${where} older than ${age}; a dry run: add --abort to abort them`
        : `s3mpu: no unfinished uploads under ${where} older than ${age}`);
    }
    return EXIT.ok;
  }
  if (!values.quiet) ctx.say(`s3mpu: aborted ${found.length - failed} of ${found.length} unfinished uploads under ${where} older than ${age}`);
  return failed ? EXIT.failed : EXIT.ok;
}

function help(ctx, text) {
  ctx.io.stdout.write(`${text}\n`);
  return EXIT.ok;
}
