// Minimal direct upload program (bench/direct-bench.mjs): a File straight to the bucket, every
// signature from a Companion-style backend at /s3. The hashing Worker (js/src/direct/worker.js)
// and s3mpu.wasm are fetched beside the bundle and counted with it.
import { directUpload } from '../../js/src/direct/index.js';

export function upload(file) {
  return directUpload(file, { endpoint: '/s3', onProgress: (p) => console.log(p.loaded) });
}
