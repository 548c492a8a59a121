// Compiled, never run: uses s3mpu's public API as a TypeScript program would, so that
// `tsc --noEmit --strict` checks js/types/index.d.ts (index.test.mjs runs it when typescript
// is installed in tests/js). Lines marked @ts-expect-error must stay errors.
import {
  S3Client,
  S3Error,
  S3InputError,
  S3VerifyError,
  createMd5,
  type Md5Digest,
  type S3ClientOptions,
  type UploadCheckpoint,
  type UploadResult,
  type Part,
  type MultipartUpload,
  type PresignedRequest,
  type PresignedPost,
} from '../../js/types/index.js';

export async function example(wasm: WebAssembly.Module): Promise<string> {
  const options: S3ClientOptions = {
    endpoint: 'http://127.0.0.1:7480',
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    forcePathStyle: true,
    fetch: (input, init) => fetch(input, init),
    wasm,
    storageClasses: ['GLACIER'],
    retry: { attempts: 3, baseDelayMs: 100 },
    clock: () => Date.now() - 60_000,
  };
  const s3 = await S3Client.create(options);
  await S3Client.create({ ...options, wasm: new URL('file:///s3mpu.wasm') });
  await S3Client.create({ ...options, wasm: new Uint8Array(8) });
  await S3Client.create({ ...options, wasm: new Response(null) });
  await S3Client.create({ ...options, wasm: undefined });

  const controller = new AbortController();
  const bucket = 'bucket';
  const key = 'a/b.bin';
  const { uploadId } = await s3.createMultipartUpload({
    bucket, key, contentType: 'text/plain', cacheControl: 'no-cache', contentDisposition: 'inline',
    contentEncoding: 'gzip', expires: new Date(), storageClass: 'STANDARD', metadata: { a: 'b' },
    signal: controller.signal,
  });
  const p1 = await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body: new Uint8Array(5), contentMD5: 'x' });
  const p2 = await s3.uploadPart({
    bucket, key, uploadId, partNumber: 2, body: () => new Blob(['x']), contentLength: 1,
    checksum: { algorithm: 'crc32c', value: 'AAAAAA==' },
  });
  await s3.uploadPart({ bucket, key, uploadId, partNumber: 3, body: 'text' });
  await s3.uploadPart({ bucket, key, uploadId, partNumber: 4, body: new ArrayBuffer(4) });
  const etag1: string | undefined = p1.etag;

  const page = await s3.listParts({ bucket, key, uploadId, maxParts: 2 });
  const more: boolean = page.isTruncated;
  const parts: Part[] = [];
  for await (const part of s3.listAllParts({ bucket, key, uploadId, maxParts: 2 })) parts.push(part);
  const uploads: MultipartUpload[] = [];
  for await (const u of s3.listAllMultipartUploads({ bucket, prefix: 'a/' })) uploads.push(u);
  const listed = await s3.listMultipartUploads({ bucket, maxUploads: 10, keyMarker: 'a', uploadIdMarker: 'b' });

  const done = await s3.completeMultipartUpload({
    bucket, key, uploadId,
    parts: parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
    expectedETag: '"abc-2"',
  });
  const location: string = done.location;
  await s3.abortMultipartUpload({ bucket, key, uploadId });
  const put = await s3.putObject({ bucket, key, body: 'hello', contentType: 'text/plain' });
  const head = await s3.headObject({ bucket, key });
  const size: number = head.size;
  const meta: string | undefined = head.metadata.a;

  const presigned: PresignedRequest = s3.presign({ bucket, key, uploadId, partNumber: 1, expiresIn: 600 });
  s3.presign({ operation: 'putObject', bucket, key, contentType: 'text/plain' });
  const urls = s3.presignParts({ bucket, key, uploadId, partNumbers: [1, 2, 3] });
  const firstUrl: string = urls[0].url;
  const post: PresignedPost = s3.presignPost({
    bucket, keyPrefix: 'uploads/', expiresIn: 600, contentLengthRange: [1, 20 << 20],
    contentTypePrefix: 'image/', metadata: { a: 'b' }, fields: { success_action_status: '201' },
  });
  const postFields: Record<string, string> = s3.presignPost({ bucket, key, checksum: { algorithm: 'sha256', value: 'x' } }).fields;

  let saved: UploadCheckpoint | undefined;
  const result: UploadResult = await s3.upload({
    bucket, key, body: new Blob(['x']), partSize: 8 << 20, concurrency: 4, checksum: 'md5',
    contentType: 'application/octet-stream', metadata: { k: 'v' },
    onProgress: ({ loaded, total }) => void (total === undefined ? loaded : loaded / total),
    onCheckpoint: (state) => { saved = state; },
    keepOnError: true,
    signal: controller.signal,
  });
  if (saved) await s3.upload({ bucket, key, body: { path: '/tmp/file.bin' }, resume: saved });
  await s3.upload({ bucket, key, body: new ReadableStream<Uint8Array>(), size: 10, checksum: 'crc32c' });
  await s3.upload({ bucket, key, body: 'text to upload' });
  await s3.upload({ bucket, key, body: new URL('file:///tmp/file.bin') });
  const count: number = result.parts;

  try {
    await s3.headObject({ bucket, key });
  } catch (e) {
    if (e instanceof S3Error) {
      const code: string = e.code;
      const status: number | undefined = e.status;
      const rid: string | undefined = e.requestId;
      void [code, status, rid, e.stringToSign];
    } else if (e instanceof S3InputError) {
      const code: string = e.code;
      const isType: TypeError = e;
      void [code, isType];
    } else if (e instanceof S3VerifyError) {
      const code: string = e.code;
      const status: number | undefined = e.status;
      void [code, status, e.requestId];
    }
  }
  const { partSize: plannedSize, partCount } = s3.plan({ size: 1 << 30, partSize: 16 << 20 });
  const md5 = await createMd5();
  const { hex: md5Hex, base64: contentMD5 } = md5.digest(new Uint8Array(3));
  const blobMd5: Md5Digest = await md5.digestBlob(new Blob(['abc']), 0, 2);
  const multipart: string = md5.multipartEtag([md5Hex]);
  void [plannedSize, partCount, contentMD5, blobMd5, multipart];
  s3.destroy();

  // @ts-expect-error  a plan needs the size
  s3.plan({ partSize: 5 << 20 });
  // @ts-expect-error  S3Client.create is the way in
  new S3Client(null, options);
  // @ts-expect-error  credentials are required
  await S3Client.create({ endpoint: 'http://x' });
  // @ts-expect-error  a body function needs contentLength
  await s3.uploadPart({ bucket, key, uploadId, partNumber: 1, body: () => 'x' });
  // @ts-expect-error  not a presignable operation
  s3.presign({ operation: 'deleteBucket', bucket, key });
  // @ts-expect-error  checksum names are fixed
  await s3.upload({ bucket, key, body: 'f', checksum: 'md4' });
  // @ts-expect-error  a key or a key prefix, not both
  s3.presignPost({ bucket, key, keyPrefix: 'p/' });
  // @ts-expect-error  parts need an etag
  await s3.completeMultipartUpload({ bucket, key, uploadId, parts: [{ partNumber: 1 }] });

  void [p2, etag1, more, listed, location, put, size, meta, presigned, firstUrl, post, postFields, count, uploads];
  return new S3Error({ code: 'X', status: 500 }).message + new S3InputError('InvalidKey', 'm').message;
}
