// An edge worker (Cloudflare Workers module syntax, runs in workerd) that
// puts S3 multipart uploads behind two routes:
//
//   POST /upload/<key>    streams the request body, of any length (chunked is
//   (or PUT: curl -T)     fine), into a multipart upload; answers
//                         {"key","etag","size","parts"}. A failure (or the
//                         client going away) aborts the upload on the server.
//   GET  /presign/<key>?uploadId=ID&parts=N[&expires=S]
//                         N presigned UploadPart URLs (up to 10,000) in one
//                         answer, for a client that uploads the parts itself.
//   /s3/...               the package's direct-upload handler (Uppy
//                         Companion's S3 routes): pages call
//                         directUpload(file, { endpoint: 'https://<worker>/s3' })
//                         or Uppy's @uppy/aws-s3 with companionEndpoint. Callers
//                         show `Authorization: Bearer <UPLOAD_TOKEN>`; keys go
//                         under "uploads/". Without UPLOAD_TOKEN every call is denied.
//
// Settings are bindings (wrangler.toml [vars] and secrets):
//   S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY
// and optionally S3_PART_SIZE (bytes, default 8 MiB), S3_CONCURRENCY (default 2),
// UPLOAD_TOKEN (a secret: enables /s3).
//
// Only web-platform APIs: fetch, streams, WebAssembly. Workers may not
// compile wasm from bytes, so the module is imported compiled (wrangler's
// default rule for *.wasm) and handed to S3Client.create.
import { S3Client, S3Error, S3InputError, createDirectUploadHandler } from 's3mpu';
import wasm from 's3mpu/s3mpu.wasm';

const MAX_PRESIGNED = 10_000;

// One client per isolate and settings: it holds the signing key in its wasm
// instance, and creating one costs an instantiation.
let cached;
async function clientFor(env) {
  const id = [env.S3_ENDPOINT, env.S3_REGION, env.S3_ACCESS_KEY_ID, env.S3_SECRET_ACCESS_KEY].join('\n');
  if (cached?.id !== id) {
    cached = {
      id,
      client: S3Client.create({
        wasm,
        endpoint: env.S3_ENDPOINT,
        region: env.S3_REGION,
        credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
        forcePathStyle: true,
      }),
    };
    cached.client.catch(() => {
      cached = undefined;
    });
  }
  return cached.client;
}

// The direct-upload handler: stateless, so any isolate can serve any call of an upload.
let handler;
async function directHandler(env) {
  const client = await clientFor(env);
  if (handler?.client !== client || handler.token !== env.UPLOAD_TOKEN) {
    const token = env.UPLOAD_TOKEN;
    handler = {
      client,
      token,
      handle: createDirectUploadHandler(client, {
        bucket: env.S3_BUCKET,
        partSize: Number(env.S3_PART_SIZE ?? 0) || undefined,
        authorize: (request, { operation, key, filename }) => {
          if (!token || request.headers.get('authorization') !== `Bearer ${token}`) return false;
          if (operation === 'createMultipartUpload' || operation === 'getUploadParameters') {
            return { key: `uploads/${crypto.randomUUID()}/${filename.replace(/[\\/]+/g, '_')}` };
          }
          return key.startsWith('uploads/');
        },
      }),
    };
  }
  return handler.handle;
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const [, route, ...rest] = url.pathname.split('/');
    const key = decodeURIComponent(rest.join('/'));
    try {
      if (!env.S3_BUCKET) return json(500, { error: 'Misconfigured', message: 'S3_BUCKET is not bound' });
      if (route === 's3') return await (await directHandler(env))(request);
      const sends = request.method === 'POST' || request.method === 'PUT'; // PUT: what curl -T sends
      if (route === 'upload' && sends && key) return await upload(request, env, ctx, key);
      if (route === 'presign' && request.method === 'GET' && key) return await presign(url, env, key);
      return json(404, { error: 'NotFound', message: 'POST (or PUT) /upload/<key> or GET /presign/<key>?uploadId=&parts=' });
    } catch (e) {
      return errorResponse(e);
    }
  },
};

async function upload(request, env, ctx, key) {
  if (!request.body) return json(400, { error: 'EmptyBody', message: 'send the object as the request body' });
  const s3 = await clientFor(env);
  const length = request.headers.get('content-length');
  const done = s3.upload({
    bucket: env.S3_BUCKET,
    key,
    body: request.body, // read part by part: memory stays near concurrency x part size
    size: length === null ? undefined : Number(length),
    contentType: request.headers.get('content-type') ?? undefined,
    partSize: Number(env.S3_PART_SIZE ?? 0) || undefined,
    concurrency: Number(env.S3_CONCURRENCY ?? 0) || 2,
    // Where the runtime has it (compatibility flag enable_request_signal),
    // the client going away aborts at once; else reading the body fails.
    signal: request.signal,
  });
  // If the client disconnects, the runtime cancels this request's work:
  // waitUntil keeps it alive long enough for upload() to abort the
  // multipart upload it started, so no parts are left behind.
  ctx.waitUntil(done.catch(() => {}));
  const result = await done;
  return json(200, { key, etag: result.etag, size: result.size, parts: result.parts });
}

async function presign(url, env, key) {
  const uploadId = url.searchParams.get('uploadId');
  const count = Number(url.searchParams.get('parts') ?? 1);
  const expiresIn = Number(url.searchParams.get('expires') ?? 3600);
  if (!uploadId || !Number.isInteger(count) || count < 1 || count > MAX_PRESIGNED) {
    return json(400, { error: 'BadRequest', message: `uploadId, and parts from 1 to ${MAX_PRESIGNED}` });
  }
  const s3 = await clientFor(env);
  const partNumbers = Array.from({ length: count }, (_, i) => i + 1);
  // One call into the core signs them all (the signing key is derived once).
  const urls = s3.presignParts({ bucket: env.S3_BUCKET, key, uploadId, partNumbers, expiresIn });
  return json(200, { key, uploadId, expiresIn, urls });
}

function errorResponse(e) {
  if (e instanceof S3InputError) return json(400, { error: e.code, message: e.message });
  if (e instanceof S3Error) return json(502, { error: e.code, message: e.message, requestId: e.requestId });
  return json(500, { error: e?.name ?? 'Error', message: String(e?.message ?? e) });
}

function json(status, value) {
  return new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });
}
