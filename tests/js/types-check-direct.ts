// Compiled, never run: s3mpu/direct and the handler as a TypeScript program uses them
// (direct.test.mjs runs tsc --strict on it when typescript is installed in tests/js).
import { S3Client, createDirectUploadHandler, toNodeListener } from '../../js/types/index.js';
import { directUpload, memoryStore, type DirectUploadResult } from '../../js/types/direct.js';

export async function page(file: File, signal: AbortSignal): Promise<string> {
  const up = directUpload(file, { endpoint: '/s3', signal, onProgress: (p) => void p.confirmed, store: memoryStore() });
  up.pause();
  up.resume();
  const r: DirectUploadResult = await up;
  const viaSts = await directUpload(file, {
    credentials: async () => ({ accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'c', expiration: '2030-01-01T00:00:00Z' }),
    s3: { endpoint: 'https://s3.example.com', bucket: 'b', region: 'us-east-1' },
  });
  // @ts-expect-error one source of signatures is required
  directUpload(file, { concurrency: 2 });
  return r.key + viaSts.etag + up.state.phase;
}

export function server(client: S3Client) {
  const handler = createDirectUploadHandler(client, {
    bucket: 'uploads', maxSize: 1e9, allowedContentTypes: ['image/*', /^video\//],
    authorize: (request, { operation, key }) => request.headers.has('cookie') && operation !== 'getCredentials' && { key: `u/${key}` },
  });
  return toNodeListener(handler);
}
