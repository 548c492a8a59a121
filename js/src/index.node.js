// The Node entry: the bundled s3mpu.wasm is read from disk by default
// (Node's fetch does not read file: URLs).
import { readFile } from 'node:fs/promises';
import { setDefaultWasm, setFileUrlReader } from './wasm.js';

setFileUrlReader(readFile);
setDefaultWasm(() => readFile(process.env.S3MPU_WASM || new URL('../s3mpu.wasm', import.meta.url)));

export * from './index.js';
