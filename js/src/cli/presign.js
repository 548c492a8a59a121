// `s3mpu presign`: URLs that let someone without the credentials download
// or upload one object (GET, PUT, HEAD), or take part in a multipart upload.
import { UsageError, parse, parseCount, parseDuration, parseRanges, parseS3Url } from './args.js';
import { CONNECTION_OPTIONS, CONNECTION_HELP } from './connection.js';
import { openSession } from './session.js';
import { EXIT } from './report.js';
import { presignPost } from './post.js';
import { EXPIRES_DEFAULT, EXPIRES_MAX, PART_NUMBER_MAX } from '../limits.js';

export const PRESIGN_HELP = `usage: s3mpu presign s3://BUCKET/KEY [--method get|put|head] [options]
       s3mpu presign s3://BUCKET/KEY --multipart OP [--upload-id ID] [options]

Prints presigned URLs, one a line (--json: objects with method, url, headers).

Objects:
  --method get          a download URL (GetObject; the default)
  --method put          an upload URL for one PUT of the whole object (PutObject):
                          curl -T FILE "URL"
                        with --content-type T the uploader must send that type:
                          curl -T FILE -H 'content-type: T' "URL"
  --method head         HeadObject
Multipart uploads (--multipart OP):
  create                CreateMultipartUpload (POST; --content-type as for put)
  part                  UploadPart URLs: --upload-id ID and --part N, or --parts R
                        (1-100, 1,3,5-8), one a line in order
  complete              CompleteMultipartUpload (POST the XML body), --upload-id ID
  abort                 AbortMultipartUpload (DELETE), --upload-id ID
  list-parts            ListParts (GET), --upload-id ID
  (--upload-id ID --part N alone means --multipart part)
  --expires SECONDS     validity (default ${EXPIRES_DEFAULT}; at most ${EXPIRES_MAX} = 7d; 15m, 12h, 7d)
Browser form uploads: --post (a SigV4 POST policy; presign --post --help)

${CONNECTION_HELP}`;

const PRESIGN_OPTIONS = {
  ...CONNECTION_OPTIONS,
  method: { type: 'string' },
  multipart: { type: 'string' },
  'upload-id': { type: 'string' },
  part: { type: 'string' },
  parts: { type: 'string' },
  expires: { type: 'string' },
  'content-type': { type: 'string' },
};

// Object URLs: signed by the core's generic signer, so that only what the
// caller must send is signed (no Content-Type unless asked for).
const OBJECT_METHODS = { get: 'GET', put: 'PUT', head: 'HEAD' };
const MULTIPART_OPS = {
  create: 'createMultipartUpload',
  part: 'uploadPart',
  complete: 'completeMultipartUpload',
  abort: 'abortMultipartUpload',
  'list-parts': 'listParts',
};

export async function presign(argv, ctx) {
  if (argv.includes('--post')) return presignPost(argv, ctx);
  const { values, positionals } = parse(argv, PRESIGN_OPTIONS, 'presign');
  if (values.help) {
    ctx.io.stdout.write(`${PRESIGN_HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('presign needs s3://BUCKET/KEY', { usage: 'presign' });
  const { bucket, key } = parseS3Url(positionals[0], { keyRequired: true });
  const expiresIn = values.expires === undefined ? EXPIRES_DEFAULT : parseDuration(values.expires, '--expires');
  if (expiresIn < 1 || expiresIn > EXPIRES_MAX) throw new UsageError(`--expires: from 1 second to 7 days (${EXPIRES_MAX})`);
  const request = presignRequest(values);

  const session = await openSession(values, ctx, { bucket, key });
  let out;
  try {
    out = request.method
      ? [presignObject(session, { method: request.method, bucket, key, expiresIn, contentType: values['content-type'] })]
      : presignMultipart(session.s3, { ...request, bucket, key, expiresIn, contentType: values['content-type'] });
  } finally {
    session.close();
  }
  if (values.json) {
    ctx.io.stdout.write(`${JSON.stringify(request.partNumbers ? out : out[0], null, 2)}\n`);
  } else {
    for (const item of out) ctx.io.stdout.write(`${item.url}\n`);
    const extra = Object.entries(out[0].headers).filter(([n]) => n.toLowerCase() !== 'host');
    if (extra.length) ctx.say(`s3mpu: the request must also send: ${extra.map(([n, v]) => `${n}: ${v}`).join('; ')}`);
  }
  return EXIT.ok;
}

/** What to presign, from the options: { method } or { operation, uploadId, partNumber(s) }. */
function presignRequest(values) {
  const uploadId = values['upload-id'];
  const wantsParts = values.part !== undefined || values.parts !== undefined;
  if (values.part !== undefined && values.parts !== undefined) throw new UsageError('give --part or --parts, not both');
  const op = values.multipart ?? (wantsParts || uploadId ? 'part' : undefined);
  if (op === undefined) {
    const method = OBJECT_METHODS[(values.method ?? 'get').toLowerCase()];
    if (!method) {
      throw new UsageError(`--method must be get, put or head (multipart URLs: --multipart ${Object.keys(MULTIPART_OPS).join('|')})`);
    }
    if (values['content-type'] !== undefined && method !== 'PUT') throw new UsageError('--content-type goes with --method put or --multipart create');
    return { method };
  }
  const operation = MULTIPART_OPS[op];
  if (!operation) throw new UsageError(`--multipart must be one of ${Object.keys(MULTIPART_OPS).join(', ')}`);
  if (values.method !== undefined) throw new UsageError('--method is for object URLs: --multipart OP says the request');
  if (op === 'create' ? uploadId !== undefined : !uploadId) {
    throw new UsageError(op === 'create' ? '--multipart create starts an upload: no --upload-id' : `--multipart ${op} needs --upload-id`);
  }
  if ((op === 'part') !== wantsParts) {
    throw new UsageError(op === 'part' ? 'UploadPart URLs need --part N or --parts RANGE' : `--part and --parts go with --multipart part, not ${op}`);
  }
  if (values['content-type'] !== undefined && op !== 'create') throw new UsageError('--content-type goes with --method put or --multipart create');
  return {
    operation, uploadId,
    partNumber: values.part === undefined ? undefined : parseCount(values.part, '--part', PART_NUMBER_MAX),
    partNumbers: values.parts === undefined ? undefined : parseRanges(values.parts),
  };
}

/**
 * A presigned GET, PUT or HEAD of an object. The core's HeadObject URL fixes
 * the address (virtual host or path style, as for every other request) and
 * the region; the generic signer then signs `method` on it with only Host
 * (and Content-Type when given) signed, so plain `curl -T` can use a PUT URL.
 */
export function presignObject(session, { method, bucket, key, expiresIn, contentType }) {
  const { s3, conn } = session;
  const head = new URL(s3.presign({ operation: 'headObject', bucket, key, expiresIn }).url);
  const region = head.searchParams.get('X-Amz-Credential').split('/')[2];
  const pathStyle = head.host === new URL(conn.options.endpoint).host;
  const headers = [['host', head.host]];
  if (contentType !== undefined) headers.push(['content-type', contentType]);
  const { credentials } = conn.options;
  const sig = s3.abi.sign({
    method,
    path: pathStyle ? `/${bucket}/${key}` : `/${key}`,
    payloadHash: 'UNSIGNED-PAYLOAD',
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken ?? '',
    region,
    service: 's3',
    query: [],
    headers,
    now: s3.now(),
    expires: expiresIn,
    contentSha256: false,
  });
  // The canonical request's second line is the path as encoded for the URL.
  const encodedPath = sig.canonicalRequest.split('\n')[1];
  return { method, url: `${head.protocol}//${head.host}${encodedPath}?${sig.query}`, headers: Object.fromEntries(headers) };
}

function presignMultipart(s3, { operation, bucket, key, uploadId, partNumber, partNumbers, expiresIn, contentType }) {
  if (partNumbers) {
    return s3.presignParts({ bucket, key, uploadId, partNumbers, expiresIn })
      .map(({ partNumber: n, url }) => ({ partNumber: n, method: 'PUT', url, headers: {} }));
  }
  const params = { operation, bucket, key, expiresIn };
  if (uploadId) params.uploadId = uploadId;
  if (partNumber) params.partNumber = partNumber;
  // A presigned Complete signs no body (UNSIGNED-PAYLOAD): the core wants
  // parts to build one, so it gets a stand-in; the caller POSTs the real XML.
  if (operation === 'completeMultipartUpload') params.parts = [{ partNumber: 1, etag: '"-"' }];
  if (contentType !== undefined) params.contentType = contentType;
  const p = s3.presign(params);
  if (params.parts && Object.keys(p.headers).some((n) => /^(content-md5|x-amz-checksum-)/i.test(n))) {
    throw new Error('cannot presign CompleteMultipartUpload: the core signs its body');
  }
  return [{ ...(partNumber ? { partNumber } : {}), method: p.method, url: p.url, headers: p.headers }];
}
