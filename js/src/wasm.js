// Loading s3mpu.wasm from bytes, a URL, a Response or a precompiled
// WebAssembly.Module (edge workers forbid compiling from bytes), caching the
// compile of the default module.
import { S3InputError } from './errors.js';

let defaultLoader = () => new URL('../s3mpu.wasm', import.meta.url);
let defaultModule;
let readFileUrl; // Node: its fetch cannot read file: URLs (index.node.js sets a reader)

/** How to read a file: URL (index.node.js gives node:fs's readFile). */
export function setFileUrlReader(reader) {
  readFileUrl = reader;
}

/** Where the module comes from when the caller gives none (index.node.js sets a file reader). */
export function setDefaultWasm(loader) {
  defaultLoader = loader;
}

/**
 * How this runtime reads a file: URL itself, if it must: the Node entry's reader, else node:fs
 * got through process.getBuiltinModule (Node 20.16+), so s3mpu/direct alone works on Node
 * too; no bundler follows that call into a browser build.
 */
function fileUrlReader() {
  return readFileUrl ?? globalThis.process?.getBuiltinModule?.('node:fs/promises')?.readFile;
}

async function compileUrl(url) {
  const read = String(url).startsWith('file:') && fileUrlReader();
  if (read) return WebAssembly.compile(await read(new URL(url)));
  const response = await fetch(url);
  return compileResponse(response);
}

async function compileResponse(response) {
  if (!response.ok) throw new Error(`s3mpu: cannot load wasm: HTTP ${response.status}`);
  if (WebAssembly.compileStreaming && response.headers.get('content-type') === 'application/wasm') {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/** @param {BufferSource | URL | string | Response | WebAssembly.Module | undefined} source */
export function compile(source) {
  if (source === undefined) {
    defaultModule ??= compile(defaultLoader()).catch((e) => {
      defaultModule = undefined;
      throw e;
    });
    return defaultModule;
  }
  if (source instanceof WebAssembly.Module) return Promise.resolve(source);
  if (source instanceof Promise) return source.then(compile);
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  if (typeof Response !== 'undefined' && source instanceof Response) return compileResponse(source);
  if (typeof source === 'string' || source instanceof URL) return compileUrl(source);
  return Promise.reject(new S3InputError('InvalidArgument', 's3mpu: wasm must be bytes, a URL, a Response or a WebAssembly.Module'));
}

/**
 * A fresh WasmAbi over the module from `source`. abi.js is loaded here, not imported above:
 * directUpload's Worker needs only compile(), and each import level costs it a round trip.
 */
export async function loadAbi(source) {
  const [{ instantiate }, module] = await Promise.all([import('./abi.js'), compile(source)]);
  return instantiate(module);
}
