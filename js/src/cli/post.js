// `s3mpu presign --post`: a presigned POST form (SigV4 POST policy) for a browser form
// upload, printed as JSON { url, fields, expires, expiration }.
import { UsageError, parse, parseSize, parseDuration, parseS3Url } from './args.js';
import { CONNECTION_OPTIONS, CONNECTION_HELP } from './connection.js';
import { openSession } from './session.js';
import { EXIT } from './report.js';
import { EXPIRES_DEFAULT, EXPIRES_MAX } from '../limits.js';

export const PRESIGN_POST_HELP = `usage: s3mpu presign --post s3://BUCKET/KEY [options]

Prints a presigned POST form as JSON { url, fields, expires, expiration }: a page posts
the fields, then the file as the last field "file" (multipart/form-data), to the url.
  curl: curl -F key=... (each field) -F file=@FILE URL

  --prefix                    KEY is a prefix: the form may use any key under it
                              (fields.key is KEY\${filename}: the file's own name)
  --max-size SIZE             largest file allowed (5M, 20MiB; at most 5 GiB)
  --min-size SIZE             smallest file allowed (default 0 with --max-size)
  --content-type T            the Content-Type the form must send
  --content-type-prefix T     any Content-Type starting with T (e.g. image/)
  --meta NAME=VALUE           user metadata the form must send, repeatable
  --expires SECONDS           validity (default ${EXPIRES_DEFAULT}; at most ${EXPIRES_MAX} = 7d; 15m, 12h, 7d)

${CONNECTION_HELP}`;

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  post: { type: 'boolean' },
  prefix: { type: 'boolean' },
  'max-size': { type: 'string' },
  'min-size': { type: 'string' },
  'content-type': { type: 'string' },
  'content-type-prefix': { type: 'string' },
  meta: { type: 'string', multiple: true },
  expires: { type: 'string' },
};

/** presignPost's parameters from the command line. */
function postParams(values, positionals) {
  if (positionals.length !== 1) throw new UsageError('presign --post needs s3://BUCKET/KEY (or s3://BUCKET/PREFIX/ --prefix)');
  const { bucket, key } = parseS3Url(positionals[0], { keyRequired: !values.prefix });
  const params = { bucket, expiresIn: values.expires === undefined ? EXPIRES_DEFAULT : parseDuration(values.expires, '--expires') };
  if (values.prefix) params.keyPrefix = key;
  else params.key = key;
  if (values['min-size'] !== undefined && values['max-size'] === undefined) throw new UsageError('--min-size goes with --max-size');
  if (values['max-size'] !== undefined) {
    params.contentLengthRange = [
      values['min-size'] === undefined ? 0 : parseSize(values['min-size'], '--min-size'),
      parseSize(values['max-size'], '--max-size'),
    ];
  }
  if (values['content-type'] !== undefined) params.contentType = values['content-type'];
  if (values['content-type-prefix'] !== undefined) params.contentTypePrefix = values['content-type-prefix'];
  if (values.meta) {
    params.metadata = {};
    for (const item of values.meta) {
      const at = item.indexOf('=');
      if (at <= 0) throw new UsageError(`--meta: "${item}" is not NAME=VALUE`);
      params.metadata[item.slice(0, at)] = item.slice(at + 1);
    }
  }
  return params;
}

/** The command (presign.js hands `presign --post ...` over). */
export async function presignPost(argv, ctx) {
  const { values, positionals } = parse(argv, OPTIONS, 'presign');
  if (values.help) {
    ctx.io.stdout.write(`${PRESIGN_POST_HELP}\n`);
    return EXIT.ok;
  }
  const params = postParams(values, positionals);
  const session = await openSession(values, ctx, { bucket: params.bucket, key: params.key ?? params.keyPrefix });
  try {
    const { url, fields, expires, expiration } = session.s3.presignPost(params);
    ctx.io.stdout.write(`${JSON.stringify({ url, fields, expires, expiration }, null, 2)}\n`);
  } finally {
    session.close();
  }
  return EXIT.ok;
}
