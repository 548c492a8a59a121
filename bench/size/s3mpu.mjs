// The same minimal upload program for every contender (bench/size-bench.mjs):
// a File to a bucket as a multipart upload. s3mpu: the shim; s3mpu.wasm is
// fetched beside the bundle and counted separately.
import { S3Client } from '../../js/src/index.js';

export async function upload(file, { endpoint, region, credentials, bucket, key }) {
  const s3 = await S3Client.create({ endpoint, region, credentials, wasm: new URL('./s3mpu.wasm', import.meta.url) });
  return s3.upload({ bucket, key, body: file, onProgress: (p) => console.log(p.loaded) });
}
