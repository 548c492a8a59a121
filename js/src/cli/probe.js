// `s3mpu probe s3://BUCKET`: find out what a store accepts (S3Client.probe, js/src/probe.js)
// and print what it saw and the profile; with --json the profile alone, as JSON, which
// `--profile FILE` reads (s3mpu cp, and every command that connects).
import { S3Client } from '../index.node.js';
import { UsageError, parse, parseS3Url } from './args.js';
import { CONNECTION_OPTIONS, CONNECTION_HELP, connection } from './connection.js';
import { EXIT } from './report.js';

export const PROBE_HELP = `usage: s3mpu probe s3://BUCKET [--json] [options]

Tries, in a short run, what the store accepts: Content-MD5 and x-amz-checksum-*
(verified, ignored or rejected), checksums listed in Complete, the smallest part,
the most parts, whether part and object ETags are MD5s, what Complete answers,
whether CORS lets a page read ETag, path or virtual-hosted addressing. It sends
about 12 MiB under s3://BUCKET/s3mpu-probe-<random>/ and deletes or aborts all it
made, also when a step fails. Prints each observation, then the profile: the one
of the endpoint's host (or --profile), changed where the run saw otherwise.

  --json                only the profile, as JSON:
                        s3mpu probe s3://b --json > store.json
                        s3mpu cp big.iso s3://b/big.iso --profile store.json

${CONNECTION_HELP}`;

/** Profile fields printed, in order, with their labels. */
const SHOW = [
  ['contentMD5', 'Content-MD5'],
  ['checksums', 'x-amz-checksum-*'],
  ['completeChecksums', 'checksums in Complete'],
  ['maxParts', 'max parts'],
  ['minPartSize', 'min part size (bytes)'],
  ['etag', 'ETag form'],
  ['completeETag', "Complete's ETag"],
  ['addressing', 'addressing'],
  ['corsExposesETag', 'CORS exposes ETag'],
];

export async function probe(argv, ctx) {
  const { values, positionals } = parse(argv, CONNECTION_OPTIONS, 'probe');
  if (values.help) {
    ctx.io.stdout.write(`${PROBE_HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('probe needs s3://BUCKET', { usage: 'probe' });
  const { bucket, key } = parseS3Url(positionals[0], { keyRequired: false });
  if (key) throw new UsageError('probe takes s3://BUCKET only: it makes its own keys under s3mpu-probe-<random>/', { usage: 'probe' });
  const { options } = connection(values);
  ctx.secrets.push(options.credentials.secretAccessKey, options.credentials.sessionToken);
  ctx.context = { bucket, endpoint: options.endpoint };
  const { profile, observations } = await S3Client.probe({ ...options, bucket });
  const out = ctx.io.stdout;
  if (values.json) {
    out.write(`${JSON.stringify(profile, null, 2)}\n`);
    return EXIT.ok;
  }
  for (const { step, result } of observations) out.write(`${step}: ${result}\n`);
  out.write(`\nprofile (from '${profile.base}', as seen here):\n`);
  for (const [field, label] of SHOW) {
    const v = profile[field];
    out.write(`  ${label.padEnd(24)} ${v === null || v === undefined ? '?' : v}\n`);
  }
  return EXIT.ok;
}
