// The entry for Cloudflare Workers (the "workerd" export condition, which
// wrangler resolves). Workers may not compile wasm from bytes: the module is
// imported already compiled (wrangler's default rule for .wasm), so
// S3Client.create() works there without a `wasm` option.
import wasm from '../s3mpu.wasm';
import { setDefaultWasm } from './wasm.js';

setDefaultWasm(() => wasm);

export * from './index.js';
