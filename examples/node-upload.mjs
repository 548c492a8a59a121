// Upload one file to an S3-compatible store with s3mpu, showing progress.
// It shows the whole public API a Node program needs: S3Client.create,
// upload() of a file ({ path }), onProgress, an AbortSignal, and S3Error.
//
//   export S3MPU_ENDPOINT=http://127.0.0.1:7480 S3MPU_REGION=us-east-1 \
//          S3MPU_ACCESS_KEY_ID=... S3MPU_SECRET_ACCESS_KEY=...
//   node examples/node-upload.mjs FILE BUCKET KEY
//
// Run from this repository as is (js/s3mpu.wasm must exist: see README). In
// your own project, `npm install s3mpu` and change the import to:
//   import { S3Client, S3Error } from 's3mpu';
import { S3Client, S3Error } from '../js/src/index.node.js';

const [file, bucket, key] = process.argv.slice(2);
if (!file || !bucket || !key) {
  console.error('usage: node examples/node-upload.mjs FILE BUCKET KEY');
  process.exit(2);
}
const { S3MPU_ENDPOINT, S3MPU_REGION, S3MPU_ACCESS_KEY_ID, S3MPU_SECRET_ACCESS_KEY } = process.env;
const missing = Object.entries({ S3MPU_ENDPOINT, S3MPU_ACCESS_KEY_ID, S3MPU_SECRET_ACCESS_KEY })
  .filter(([, value]) => !value).map(([name]) => name);
if (missing.length) {
  console.error(`node-upload: set ${missing.join(', ')} (see the top of examples/node-upload.mjs)`);
  process.exit(2);
}

// One client per endpoint and credentials; it loads the wasm core once.
let s3;
try {
  s3 = await S3Client.create({
    endpoint: S3MPU_ENDPOINT,
    region: S3MPU_REGION, // may be omitted for JD Cloud and AWS endpoints
    credentials: { accessKeyId: S3MPU_ACCESS_KEY_ID, secretAccessKey: S3MPU_SECRET_ACCESS_KEY },
    forcePathStyle: true, // http://host/BUCKET/KEY: works with IP endpoints and local servers
  });
} catch (e) {
  // S3InputError: refused before anything was sent (e.g. no region for this endpoint).
  console.error(`node-upload: ${e.message}${e.code === 'InvalidRegion' ? ' (set S3MPU_REGION, e.g. us-east-1)' : ''}`);
  process.exit(2);
}

// Ctrl-C stops the upload; s3mpu then aborts it on the server too.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));

try {
  const result = await s3.upload({
    bucket,
    key,
    body: { path: file },    // a file: read part by part, never all in memory
    partSize: 16 * 1024 * 1024, // preferred; the core raises it for huge files
    concurrency: 4,          // parts in flight
    contentType: 'application/octet-stream',
    signal: controller.signal,
    onProgress: ({ loaded, total }) => {
      const pct = total ? ((100 * loaded) / total).toFixed(1) : '?';
      process.stderr.write(`\r${pct}%  ${(loaded / 2 ** 20).toFixed(1)} MiB`);
    },
  });
  process.stderr.write('\n');
  // { bucket, key, etag, size, parts, uploadId }: parts is 0 for a single PutObject.
  console.log(`uploaded s3://${result.bucket}/${result.key}: ${result.size} bytes, ` +
    `${result.parts} parts, ETag ${result.etag}`);
} catch (e) {
  process.stderr.write('\n');
  // S3Error: what the server said (code, HTTP status, request id for support).
  if (e instanceof S3Error) console.error(`S3 said ${e.code} (HTTP ${e.status}, request ${e.requestId})`);
  else console.error(e.message);
  process.exitCode = 1;
} finally {
  s3.destroy(); // wipes the credentials from wasm memory
}
