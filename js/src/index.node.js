// The Node entry: the bundled s3mpu.wasm is read from disk by default
// (Node's fetch does not read file: URLs); requests go over node:http(s) and
// file bodies ({ path } or a file: URL) are read part by part (node.js);
// hashes use node:crypto and node:zlib (hash.js names no Node module).
import * as nodeCrypto from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { setDefaultWasm, setFileUrlReader } from './wasm.js';
import { setNodeTransport } from './transport.js';
import { setFileOpener } from './body.js';
import { nodeTransport, fileSource } from './node.js';
import { setNativeHashes } from './hash.js';

setNodeTransport(nodeTransport);
setFileOpener(fileSource);
setNativeHashes(async () => ({ crypto: nodeCrypto, zlib }));

setFileUrlReader(readFile);
setDefaultWasm(() => readFile(wasmOverride() || new URL('../s3mpu.wasm', import.meta.url)));

/**
 * S3MPU_WASM: another build of the module (the tests run on each). Deno and Bun use this
 * entry too; Deno is asked only when env access is granted already, so a script run
 * without --allow-env neither fails (NotCapable) nor prompts for a variable it never set.
 */
function wasmOverride() {
  const permissions = globalThis.Deno?.permissions;
  if (permissions && permissions.querySync({ name: 'env', variable: 'S3MPU_WASM' }).state !== 'granted') return undefined;
  return process.env.S3MPU_WASM;
}

export * from './index.js';
