// directUpload's `credentials` mode: temporary credentials from the backend,
// and the wasm core signing in the page with S3Client. signers.js imports
// this module only when the mode is used, so pages in the other modes never
// load S3Client or s3mpu.wasm.
import { S3Client } from '../client.js';
import { S3InputError } from '../errors.js';
import { EXPIRES_DEFAULT } from '../limits.js';

/**
 * Temporary credentials from the backend; the wasm core signs in the page.
 * Only for stores with STS (the credentials must be short-lived and scoped
 * to the bucket): never give a page a long-lived key.
 */
export function credentialsSigner(o) {
  const { s3 } = o; // checked by signers.js
  const MARGIN_MS = 60_000; // refresh this long before the credentials expire
  let current;
  const client = async () => {
    if (!current || Date.now() > current.until - MARGIN_MS) {
      current = (async () => {
        const c = await o.credentials();
        if (!c?.accessKeyId || !c?.secretAccessKey) throw new S3InputError('InvalidArgument', 's3mpu: credentials() must give accessKeyId and secretAccessKey');
        const until = c.expiration ? new Date(c.expiration).getTime() : Infinity;
        const made = await S3Client.create({
          endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle, wasm: o.wasm,
          credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken },
        });
        current.until = until;
        return made;
      })();
      current.until = Infinity;
      current.catch(() => {
        current = undefined;
      });
    }
    return current;
  };
  const lifetime = () => Math.max(1, Math.min(o.expiresIn ?? EXPIRES_DEFAULT, Math.floor((current.until - Date.now()) / 1000)));
  const bucket = s3.bucket;
  const signal = o.signal;
  return {
    create: async ({ filename, type, metadata }) => {
      const c = await client();
      const key = typeof o.key === 'function' ? await o.key(filename) : o.key ?? filename;
      const { uploadId } = await c.createMultipartUpload({ bucket, key, contentType: type || undefined, metadata, signal });
      return { key, uploadId, bucket };
    },
    signParts: async ({ key, uploadId, partNumbers }) => {
      const c = await client();
      const expires = lifetime();
      const presignedUrls = {};
      for (const { partNumber, url } of c.presignParts({ bucket, key, uploadId, partNumbers, expiresIn: expires })) presignedUrls[partNumber] = url;
      return { presignedUrls, expires };
    },
    listParts: async ({ key, uploadId }) => {
      const c = await client();
      const out = [];
      for await (const p of c.listAllParts({ bucket, key, uploadId, signal })) out.push({ PartNumber: p.partNumber, ETag: p.etag, Size: p.size });
      return out;
    },
    complete: async ({ key, uploadId, parts }) => {
      const c = await client();
      const done = await c.completeMultipartUpload({ bucket, key, uploadId, signal, parts: parts.map((p) => ({ partNumber: p.PartNumber, etag: p.ETag })) });
      const etag = done.etag || (await c.headObject({ bucket, key, signal })).etag;
      return { location: done.location, key, bucket, etag };
    },
    abort: async ({ key, uploadId }) => (await client()).abortMultipartUpload({ bucket, key, uploadId }),
    params: async ({ filename, type }) => {
      const c = await client();
      const key = typeof o.key === 'function' ? await o.key(filename) : o.key ?? filename;
      const signed = c.presign({ operation: 'putObject', bucket, key, contentType: type || undefined, expiresIn: lifetime() });
      return { method: 'PUT', url: signed.url, headers: signed.headers, key, bucket };
    },
  };
}
