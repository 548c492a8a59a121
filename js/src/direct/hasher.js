// The page's side of the hashing Worker (worker.js), which the package ships
// and starts itself: new URL('./worker.js', import.meta.url), which Vite,
// webpack 5 and Parcel follow. options.worker gives another Worker (or a
// URL); `false`, or a runtime without Workers, runs the tasks in this thread.
// The page fetches s3mpu-md5.wasm itself while the Worker loads its modules,
// and hands the bytes over: fetched by the Worker, it would wait for them.
import { S3Error, S3InputError, S3VerifyError } from '../errors.js';

const CLASSES = { TypeError, RangeError, S3InputError, S3Error, S3VerifyError };

/**
 * The error a task threw, as worker.js sends it (errorFields): its class where the package
 * has one, its name (a DOMException's: NotReadableError) and its code. The in-thread tasks'
 * errors go through the same, so both ways fail alike.
 */
function rebuild({ name, message, code }) {
  const e = new Error(message);
  Object.setPrototypeOf(e, (CLASSES[name] ?? Error).prototype); // the classes' own constructors would reword message
  e.name = name;
  if (code !== undefined) e.code = code;
  return e;
}
/**
 * @param {{ worker?: Worker | URL | string | false, wasm?: any }} options  wasm: s3mpu-md5.wasm
 *   (directUpload's md5Wasm), for the Worker's tasks (tasks.js); default the package's
 * @returns {Promise<{ run(task: string, data?: object): Promise<any>, close(): void }>}
 */
export function openHasher({ worker, wasm } = {}) {
  // The one place of the default: the literal new URL(..., import.meta.url) is what Vite, webpack 5 and Parcel copy as an asset.
  const md5Wasm = wasm ?? new URL('../../s3mpu-md5.wasm', import.meta.url);
  const opening = worker === false || typeof Worker === 'undefined' ? inThread(md5Wasm) : inWorker(worker, md5Wasm);
  return opening.catch((e) => {
    if (wasm === undefined) e.message += ' (s3mpu-md5.wasm beside src/; with the Worker bundled apart, give its URL as the md5Wasm option)';
    throw e;
  });
}

/** The tasks in a Worker, which gets s3mpu-md5.wasm in its first message ('init'). */
async function inWorker(worker, wasm) {
  let w;
  try {
    // The literal new Worker(new URL(...)) is what Vite, webpack 5 and Parcel recognise and bundle.
    if (worker instanceof Worker) w = worker;
    else if (worker) w = new Worker(worker, { type: 'module' });
    else w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  } catch {
    return inThread(wasm);
  }
  const bytes = wasmForWorker(wasm); // while the Worker loads its modules
  const waiting = new Map();
  let next = 1;
  let broken;
  const failAll = (error) => {
    broken = error;
    for (const p of waiting.values()) p.reject(error);
    waiting.clear();
  };
  w.onmessage = ({ data }) => {
    const p = waiting.get(data.id);
    if (!p) return;
    waiting.delete(data.id);
    if (data.error !== undefined) p.reject(rebuild(data.error));
    else p.resolve(data.result);
  };
  w.onerror = (e) => {
    e.preventDefault?.();
    failAll(new Error(`s3mpu: the hashing Worker (${String(worker ?? 's3mpu/src/direct/worker.js')}) did not start: ` +
      `${e.message || 'no detail'}. A bundler that does not follow new Worker(new URL(...)) (esbuild) needs ` +
      'src/direct/worker.js bundled apart and its URL as options.worker (and options.md5Wasm for s3mpu-md5.wasm).'));
  };
  const run = (task, data = {}) => new Promise((resolve, reject) => {
    if (broken) return reject(broken);
    const id = next++;
    waiting.set(id, { resolve, reject });
    w.postMessage({ id, task, ...data });
    return undefined;
  });
  await run('init', { wasm: await bytes });
  return {
    run,
    close: () => {
      if (!(worker instanceof Worker)) w.terminate();
      failAll(new Error('s3mpu hashing worker closed'));
    },
  };
}

/**
 * s3mpu-md5.wasm as 'init' hands it to the Worker: a URL's bytes, fetched here (the Worker
 * would fetch it only once its modules ran: a round trip more); bytes or a compiled Module as
 * they are. A file: URL (Deno, Bun) or a fetch that fails goes as the URL: the Worker loads
 * it, or says why it cannot.
 */
async function wasmForWorker(wasm) {
  if (!(wasm instanceof URL || typeof wasm === 'string')) return wasm;
  const url = String(globalThis.location ? new URL(wasm, location.href) : wasm);
  if (url.startsWith('file:')) return url;
  const response = await fetch(url).catch(() => undefined);
  return response?.ok ? response.arrayBuffer() : url;
}

// Loaded only here, so a page's bundle carries no second copy of the tasks.
async function inThread(wasm) {
  const { createTasks, errorFields } = await import('./tasks.js');
  const tasks = await createTasks(wasm);
  return {
    run: async (task, data = {}) => {
      try {
        return await tasks[task](data);
      } catch (e) {
        throw rebuild(errorFields(e));
      }
    },
    close() {},
  };
}
