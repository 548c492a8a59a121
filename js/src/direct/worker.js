// The Worker directUpload starts for its hashing (tasks.js), so no part is
// ever hashed on the page's main thread.
//   in:  { id, task: 'init', wasm } first (hasher.js: s3mpu-md5.wasm's bytes, a URL or a
//        compiled Module), then { id, task: 'md5' | 'etag' | 'plan' | 'fingerprint', ... }
//   out: { id, result } or { id, error: { name, message, code } } (hasher.js rebuilds the error)
import { createTasks, errorFields } from './tasks.js';
// Every module of this Worker's graph, named here too: a Worker fetches its imports one level
// at a time, a round trip each, and these would otherwise come three levels down.
// tests/browser/direct.test.mjs checks that it stays whole.
import './md5wasm.js';
import '../hash.js';
import '../body.js';
import '../wasm.js';
import '../errors.js';

let tasks;

self.onmessage = async ({ data }) => {
  const { id, task } = data;
  try {
    if (task === 'init') tasks = createTasks(data.wasm);
    const t = await tasks;
    if (!t) throw new Error('s3mpu: the hashing Worker was given no init');
    if (task === 'init') return self.postMessage({ id, result: true });
    if (!Object.hasOwn(t, task)) throw new Error(`unknown task ${task}`);
    self.postMessage({ id, result: await t[task](data) });
  } catch (e) {
    self.postMessage({ id, error: errorFields(e) });
  }
};
