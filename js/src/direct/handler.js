// createDirectUploadHandler: the server half of direct uploads. A fetch-style
// handler, (Request) => Promise<Response>, that signs for a page and never
// sends it the secret. It speaks Uppy Companion's S3 routes, so @uppy/aws-s3
// works against it and directUpload() works against Companion:
//
//   POST   {base}/multipart                       {filename,type,metadata,size?} -> {key,uploadId,bucket,partSize?}
//   GET    {base}/multipart/:id/batch?key=&partNumbers=1,2 -> {presignedUrls:{"1":url},expires}
//   GET    {base}/multipart/:id/:partNumber?key=  -> {url,expires}
//   GET    {base}/multipart/:id?key=              -> [{PartNumber,ETag,Size}] (every page)
//   POST   {base}/multipart/:id/complete?key=     {parts:[{PartNumber,ETag}]} -> {location,key,bucket,etag}
//   DELETE {base}/multipart/:id?key=              -> {}
//   GET    {base}/params?filename=&type=&metadata[k]=&size= -> {method:"POST",url,fields,expires}
//   GET    {base}/sts                             -> temporary credentials (only with options.credentials)
//   OPTIONS (any)                                  -> CORS preflight, for pages on options.allowedOrigins
//
// Stateless: every request carries the key and upload id, and authorize()
// decides each one, so any number of replicas can serve one upload. Fields
// Uppy does not know (partSize, etag) are extras it ignores.
import { S3Error, S3InputError } from '../errors.js';
import { EXPIRES_DEFAULT, PART_NUMBER_MAX, PART_SIZE_MAX } from '../limits.js';

const MAX_BODY = 2 * 1024 * 1024; // a Complete of 10,000 parts is ~700 KiB of JSON
const OPERATIONS = ['createMultipartUpload', 'signPart', 'listParts', 'completeMultipartUpload', 'abortMultipartUpload', 'getUploadParameters', 'getCredentials'];

/** An answer with a status and a message the page may see. */
class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * @param {import('../client.js').S3Client} client  signs; holds the secret
 * @param {object} options  see DirectUploadHandlerOptions in types/index.d.ts
 * @returns {(request: Request) => Promise<Response>}
 */
export function createDirectUploadHandler(client, options) {
  if (!client || typeof client.presignParts !== 'function') throw new S3InputError('InvalidArgument', 's3mpu: createDirectUploadHandler(client, options) needs an S3Client');
  const o = checkHandlerOptions(options);
  const handler = async (request) => {
    const origin = request.headers.get('origin');
    const allowed = origin && o.allowedOrigins && (o.allowedOrigins.includes('*') || o.allowedOrigins.includes(origin));
    if (request.method === 'OPTIONS') return preflight(allowed ? origin : undefined, request);
    let response;
    try {
      response = await route(client, o, request);
    } catch (error) {
      response = errorResponse(error, o);
    }
    if (allowed) {
      response.headers.set('access-control-allow-origin', origin);
      response.headers.append('vary', 'Origin');
    }
    return response;
  };
  handler.basePath = o.base; // for toNodeListener's middleware mode
  return handler;
}

function checkHandlerOptions(options) {
  if (!options || typeof options !== 'object') throw new S3InputError('InvalidArgument', 's3mpu: handler options are required');
  const { bucket, authorize } = options;
  if (typeof bucket !== 'string' || !bucket) throw new S3InputError('InvalidBucketName', 's3mpu: options.bucket is required');
  if (typeof authorize !== 'function') {
    throw new S3InputError('InvalidArgument', 's3mpu: options.authorize(request, { operation, bucket, key, ... }) is required (every call is denied without it)');
  }
  const base = (options.basePath ?? '/s3').replace(/\/+$/, '');
  return {
    bucket,
    authorize,
    base,
    maxSize: options.maxSize ?? Infinity,
    allowedContentTypes: options.allowedContentTypes,
    partSize: options.partSize,
    expiresIn: options.expiresIn ?? EXPIRES_DEFAULT,
    keyOf: options.key ?? ((filename) => `${crypto.randomUUID()}-${filename}`),
    credentials: options.credentials,
    onError: options.onError,
    allowedOrigins: options.allowedOrigins,
  };
}

async function route(client, o, request) {
  const url = new URL(request.url);
  if (!url.pathname.startsWith(`${o.base}/`)) throw new HttpError(404, `no route for ${request.method} ${url.pathname}`);
  const parts = url.pathname.slice(o.base.length + 1).split('/').map(decodeURIComponent);
  const m = request.method;
  const q = url.searchParams;
  if (parts[0] === 'params' && parts.length === 1 && m === 'GET') return params(client, o, request, q);
  if (parts[0] === 'sts' && parts.length === 1 && m === 'GET' && o.credentials) return sts(o, request);
  if (parts[0] !== 'multipart') throw new HttpError(404, `no route for ${m} ${url.pathname}`);
  if (parts.length === 1 && m === 'POST') return create(client, o, request);
  const uploadId = parts[1];
  if (!uploadId || parts.length > 3) throw new HttpError(404, `no route for ${m} ${url.pathname}`);
  const key = q.get('key');
  if (!key) throw new HttpError(400, 'the query needs ?key=');
  if (parts.length === 2 && m === 'GET') return listParts(client, o, request, key, uploadId);
  if (parts.length === 2 && m === 'DELETE') return abort(client, o, request, key, uploadId);
  if (parts[2] === 'complete' && m === 'POST') return complete(client, o, request, key, uploadId);
  if (parts[2] === 'batch' && m === 'GET') {
    const numbers = (q.get('partNumbers') ?? '').split(',').filter(Boolean).map(Number);
    return signParts(client, o, request, key, uploadId, numbers, 'presignedUrls');
  }
  if (/^\d+$/.test(parts[2]) && m === 'GET') return signParts(client, o, request, key, uploadId, [Number(parts[2])], 'one');
  throw new HttpError(404, `no route for ${m} ${url.pathname}`);
}

/** Ask the application; its answer may rewrite the key (and metadata). Deny by default. */
async function authorized(o, request, info) {
  let verdict;
  try {
    verdict = await o.authorize(request, { bucket: o.bucket, ...info });
  } catch (error) {
    if (error instanceof Response) throw error;
    throw new HttpError(403, error instanceof HttpError || error?.expose ? error.message : 'not authorized');
  }
  if (verdict instanceof Response) throw verdict;
  if (verdict !== true && (typeof verdict !== 'object' || verdict === null)) throw new HttpError(403, 'not authorized');
  const out = { ...info };
  if (typeof verdict === 'object') {
    if (typeof verdict.key === 'string' && verdict.key) out.key = verdict.key;
    if (verdict.metadata && typeof verdict.metadata === 'object') out.metadata = verdict.metadata;
  }
  return out;
}

/** What a new object will be: checked against the size limit and content types, then authorized. */
async function newObject(o, request, { filename, type, metadata, size }, operation) {
  if (typeof filename !== 'string' || !filename) throw new HttpError(400, 'filename is required');
  if (type !== undefined && type !== null && typeof type !== 'string') throw new HttpError(400, 'type must be a string');
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))) {
    throw new HttpError(400, 'metadata must be an object of strings');
  }
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) throw new HttpError(400, 'size must be a byte count');
  if (size !== undefined && size > o.maxSize) throw new HttpError(413, `the file has ${size} bytes; at most ${o.maxSize} are allowed`);
  const contentType = type || undefined;
  if (o.allowedContentTypes && !allowedType(o.allowedContentTypes, contentType)) {
    throw new HttpError(415, `content type ${contentType ?? '(none)'} is not allowed`);
  }
  const meta = metadata ? Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, String(v)])) : undefined;
  const key = await o.keyOf(filename, request);
  return authorized(o, request, { operation, key, size, contentType, metadata: meta, filename });
}

function allowedType(allowed, type) {
  if (!type) return false;
  return allowed.some((a) => (a instanceof RegExp ? a.test(type) : a.endsWith('/*') ? type.startsWith(a.slice(0, -1)) : a === type));
}

async function create(client, o, request) {
  const body = await readJson(request);
  const obj = await newObject(o, request, body ?? {}, 'createMultipartUpload');
  const { uploadId } = await client.createMultipartUpload({
    bucket: o.bucket, key: obj.key, contentType: obj.contentType, metadata: obj.metadata,
  });
  const answer = { key: obj.key, uploadId, bucket: o.bucket };
  // The plan upload() would use: directUpload cuts the file the same way.
  if (obj.size !== undefined) answer.partSize = client.plan({ size: obj.size, partSize: o.partSize }).partSize;
  return json(200, answer);
}

async function signParts(client, o, request, key, uploadId, numbers, shape) {
  if (!numbers.length || numbers.length > PART_NUMBER_MAX || !numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= PART_NUMBER_MAX)) {
    throw new HttpError(400, `partNumbers: 1 to ${PART_NUMBER_MAX} part numbers from 1 to ${PART_NUMBER_MAX}`);
  }
  const ok = await authorized(o, request, { operation: 'signPart', key, uploadId, partNumbers: numbers });
  const signed = client.presignParts({ bucket: o.bucket, key: ok.key, uploadId, partNumbers: numbers, expiresIn: o.expiresIn });
  if (shape === 'one') return json(200, { url: signed[0].url, expires: o.expiresIn });
  return jsonText(200, presignedUrlsJson(signed, o.expiresIn));
}

// What JSON.stringify may escape (and anything not ASCII): a presigned URL has none of it.
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON escapes the control characters
const JSON_ESCAPED = /["\\\u0000-\u001f\u007f-\uffff]/;

/**
 * The text of JSON.stringify({ presignedUrls: { [partNumber]: url }, expires }),
 * written out directly when it is the same: part numbers that ascend (an
 * object's integer keys come out ascending, once each) and URLs with nothing
 * to escape. presignParts' URLs differ only in digits and hex (its contract),
 * so the first one tells for all. A batch of 1,000 URLs is ~490 KB: the
 * handler's largest cost after signing (BENCHMARKS.md, workerd).
 */
function presignedUrlsJson(signed, expires) {
  const plain = !JSON_ESCAPED.test(signed[0].url) && signed.every((p, i) => i === 0 || p.partNumber > signed[i - 1].partNumber);
  if (!plain) {
    const presignedUrls = {};
    for (const { partNumber, url } of signed) presignedUrls[partNumber] = url;
    return JSON.stringify({ presignedUrls, expires });
  }
  let text = '{"presignedUrls":{';
  for (let i = 0; i < signed.length; i++) text += `${i ? ',"' : '"'}${signed[i].partNumber}":"${signed[i].url}"`;
  return `${text}},"expires":${expires}}`;
}

async function listParts(client, o, request, key, uploadId) {
  const ok = await authorized(o, request, { operation: 'listParts', key, uploadId });
  const parts = [];
  for await (const p of client.listAllParts({ bucket: o.bucket, key: ok.key, uploadId })) {
    parts.push({ PartNumber: p.partNumber, ETag: p.etag, Size: p.size, LastModified: p.lastModified });
  }
  return json(200, parts);
}

async function complete(client, o, request, key, uploadId) {
  const ok = await authorized(o, request, { operation: 'completeMultipartUpload', key, uploadId });
  const body = await readJson(request);
  const given = body?.parts;
  if (!Array.isArray(given) || !given.length || given.length > PART_NUMBER_MAX) throw new HttpError(400, 'parts: [{PartNumber, ETag}, ...]');
  const parts = given.map((p) => ({ partNumber: p?.PartNumber, etag: p?.ETag || undefined }));
  if (!parts.every((p, i) => Number.isInteger(p.partNumber) && p.partNumber >= 1 && (i === 0 || p.partNumber > parts[i - 1].partNumber))) {
    throw new HttpError(400, 'parts: ascending PartNumbers');
  }
  // What the server holds decides: the size limit (declared sizes prove
  // nothing) and the ETags a page behind a CORS rule that hides them could not read.
  const listed = new Map();
  let total = 0;
  try {
    for await (const p of client.listAllParts({ bucket: o.bucket, key: ok.key, uploadId })) {
      listed.set(p.partNumber, p);
      if (parts.some((x) => x.partNumber === p.partNumber)) total += p.size;
    }
  } catch (error) {
    const done = await completedBefore(client, o, ok.key, parts.length, error);
    if (done) return done;
    throw error;
  }
  if (total > o.maxSize) {
    await client.abortMultipartUpload({ bucket: o.bucket, key: ok.key, uploadId }).catch(() => {});
    throw new HttpError(413, `the upload has ${total} bytes; at most ${o.maxSize} are allowed (aborted)`);
  }
  for (const p of parts) p.etag ??= listed.get(p.partNumber)?.etag;
  const missing = parts.find((p) => !p.etag);
  if (missing) throw new HttpError(400, `part ${missing.partNumber} is not on the server`);
  const done = await client.completeMultipartUpload({ bucket: o.bucket, key: ok.key, uploadId, parts });
  let { etag } = done;
  if (!etag) etag = (await client.headObject({ bucket: o.bucket, key: ok.key })).etag; // RGW answers an empty ETag
  return json(200, { location: done.location || undefined, key: ok.key, bucket: o.bucket, etag });
}

/**
 * A page that repeats a Complete whose answer it lost finds the upload gone:
 * the object, when it has an ETag of that many parts, is the answer (the page
 * checks that ETag against the MD5s it computed).
 */
async function completedBefore(client, o, key, count, error) {
  if (!(error instanceof S3Error && (error.code === 'NoSuchUpload' || error.status === 404))) return undefined;
  const head = await client.headObject({ bucket: o.bucket, key }).catch(() => undefined);
  if (!head?.etag?.endsWith(`-${count}"`)) return undefined;
  return json(200, { key, bucket: o.bucket, etag: head.etag });
}

async function abort(client, o, request, key, uploadId) {
  const ok = await authorized(o, request, { operation: 'abortMultipartUpload', key, uploadId });
  await client.abortMultipartUpload({ bucket: o.bucket, key: ok.key, uploadId }).catch((e) => {
    if (!(e instanceof S3Error && (e.code === 'NoSuchUpload' || e.status === 404))) throw e;
  });
  return json(200, {});
}

async function params(client, o, request, q) {
  const metadata = {};
  for (const [name, value] of q) {
    const m = /^metadata\[(.+)\]$/.exec(name);
    if (m) metadata[m[1]] = value;
  }
  const size = q.has('size') ? Number(q.get('size')) : undefined;
  const obj = await newObject(o, request, {
    filename: q.get('filename') ?? undefined, type: q.get('type') || undefined,
    metadata: Object.keys(metadata).length ? metadata : undefined, size,
  }, 'getUploadParameters');
  if (typeof client.presignPost !== 'function') throw new HttpError(501, 'this s3mpu has no presignPost(): upload in parts (POST /multipart)');
  const max = Math.min(o.maxSize, PART_SIZE_MAX); // one POST holds at most 5 GiB
  const { url, fields } = await client.presignPost({
    bucket: o.bucket, key: obj.key, contentType: obj.contentType, metadata: obj.metadata,
    contentLengthRange: [0, max], expiresIn: o.expiresIn,
  });
  return json(200, { method: 'POST', url, fields, expires: o.expiresIn, key: obj.key, bucket: o.bucket });
}

async function sts(o, request) {
  await authorized(o, request, { operation: 'getCredentials' });
  const c = await o.credentials(request);
  return json(200, {
    credentials: { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: c.expiration },
    bucket: o.bucket, region: c.region,
  });
}

// ---- HTTP -----------------------------------------------------------------------------

/** A CORS preflight: pages on allowedOrigins may call the routes from another origin. */
function preflight(origin, request) {
  if (!origin) return new Response(null, { status: 403 });
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, DELETE',
      'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? 'content-type',
      'access-control-max-age': '600',
      vary: 'Origin',
    },
  });
}

async function readJson(request) {
  const length = Number(request.headers.get('content-length') ?? 0);
  if (length > MAX_BODY) throw new HttpError(413, 'request body too large');
  const text = await request.text();
  if (text.length > MAX_BODY) throw new HttpError(413, 'request body too large');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

function json(status, value) {
  return jsonText(status, JSON.stringify(value));
}

function jsonText(status, text) {
  return new Response(text, {
    status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

/**
 * The error as the page may see it: S3's code and message (they carry no
 * secret; the string to sign is never included), our own messages, or a
 * bare 500 for anything else (given to options.onError, not logged here).
 */
function errorResponse(error, o) {
  if (error instanceof Response) return error;
  if (error instanceof HttpError) return json(error.status, { error: error.message });
  if (error instanceof S3InputError) return json(400, { error: `${error.code}: ${error.message}` });
  if (error instanceof S3Error) {
    const status = error.status >= 400 && error.status < 500 ? error.status : 502;
    return json(status, { error: `the storage answered ${error.code}${error.status ? ` (HTTP ${error.status})` : ''}`, code: error.code });
  }
  o.onError?.(error);
  return json(500, { error: 'internal error in the upload handler' });
}

export { OPERATIONS };
