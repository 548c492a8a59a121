// Edge-worker benchmark (bench/worker-bench.mjs): presign `n` UploadPart URLs
// per request with s3mpu or aws4fetch, or through s3mpu's direct-upload handler (one
// Companion-style batch request). GET /?impl=s3mpu|s3mpu-batch|aws4fetch|handler-batch|empty&n=1000
import * as s3mpu from '../../js/src/index.js';
import { AwsV4Signer } from 'aws4fetch';
import wasm from './s3mpu.wasm'; // a WebAssembly.Module: workerd compiles it at deploy time

const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const region = 'us-west-2';
const bucket = 'examplebucket';
const key = 'backups/2026/11/db-snapshot.tar.zst';
const uploadId = 'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA-exampleexampleexampleexampleexampleexample0123';
const { S3Client } = s3mpu;
let client;
let handler;

export default {
  async fetch(request) {
    const q = new URL(request.url).searchParams;
    const impl = q.get('impl');
    const n = Number(q.get('n') ?? 1000);
    client ??= await S3Client.create({ endpoint: `https://s3.${region}.amazonaws.com`, region, credentials: creds, wasm });
    let last = '';
    if (impl === 's3mpu') {
      for (let i = 1; i <= n; i++) last = client.presign({ operation: 'uploadPart', bucket, key, uploadId, partNumber: i, expiresIn: 3600 }).url;
    } else if (impl === 's3mpu-batch') {
      const urls = client.presignParts({ bucket, key, uploadId, partNumbers: Array.from({ length: n }, (_, i) => i + 1), expiresIn: 3600 });
      last = urls[urls.length - 1]?.url ?? '';
    } else if (impl === 'aws4fetch') {
      for (let i = 1; i <= n; i++) {
        const url = `https://${bucket}.s3.${region}.amazonaws.com/${key}?partNumber=${i}&uploadId=${uploadId}`;
        const signed = await new AwsV4Signer({ url, method: 'PUT', ...creds, service: 's3', region, signQuery: true }).sign();
        last = signed.url.toString();
      }
    } else if (impl === 'handler-batch') {
      // 501 from a tree without the handler: worker-bench.mjs then leaves it out.
      if (!s3mpu.createDirectUploadHandler) return new Response('no createDirectUploadHandler', { status: 501 });
      handler ??= s3mpu.createDirectUploadHandler(client, { bucket, authorize: () => true });
      const numbers = Array.from({ length: n }, (_, i) => i + 1).join(',');
      const r = await handler(new Request(`https://api.example.com/s3/multipart/${encodeURIComponent(uploadId)}/batch?key=${encodeURIComponent(key)}&partNumbers=${numbers}`));
      // Its answer as a deployment sends it (JSON of every URL): parsing it here would count
      // the caller's work.
      return r;
    } else if (impl !== 'empty') {
      return new Response(`unknown impl ${impl}`, { status: 400 });
    }
    return new Response(last);
  },
};
