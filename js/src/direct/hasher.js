// The page's side of the hashing Worker (worker.js), which the package ships
// and starts itself: new URL('./worker.js', import.meta.url), which Vite,
// webpack 5 and Parcel follow. options.worker gives another Worker (or a
// URL); `false`, or a runtime without Workers, runs the tasks in this thread.
import { createTasks } from './tasks.js';

/**
 * @param {{ worker?: Worker | URL | string | false, wasm?: any }} options
 * @returns {Promise<{ run(task: string, data?: object): Promise<any>, close(): void }>}
 */
export async function openHasher({ worker, wasm } = {}) {
  if (worker === false || typeof Worker === 'undefined') return inThread(wasm);
  let w;
  try {
    w = worker instanceof Worker ? worker : new Worker(worker ?? new URL('./worker.js', import.meta.url), { type: 'module' });
  } catch {
    return inThread(wasm);
  }
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
    if (data.error !== undefined) p.reject(new Error(`s3mpu hashing worker: ${data.error}`));
    else p.resolve(data.result);
  };
  w.onerror = (e) => {
    e.preventDefault?.();
    failAll(new Error(`s3mpu hashing worker failed to run: ${e.message ?? 'no detail'} (is ${String(worker ?? 'worker.js')} served?)`));
  };
  const run = (task, data = {}) => new Promise((resolve, reject) => {
    if (broken) return reject(broken);
    const id = next++;
    waiting.set(id, { resolve, reject });
    w.postMessage({ id, task, ...data });
    return undefined;
  });
  // A wasm given as a URL or bytes travels to the worker; a compiled Module too.
  if (wasm !== undefined) await run('init', { wasm: wasm instanceof URL ? String(wasm) : wasm });
  return {
    run,
    close: () => {
      if (!(worker instanceof Worker)) w.terminate();
      failAll(new Error('s3mpu hashing worker closed'));
    },
  };
}

async function inThread(wasm) {
  const tasks = await createTasks(wasm);
  return { run: async (task, data = {}) => tasks[task](data), close() {} };
}
