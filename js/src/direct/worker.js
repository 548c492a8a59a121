// The Worker directUpload starts for its hashing (tasks.js), so no part is
// ever hashed on the page's main thread.
//   in:  { id, task: 'md5' | 'etag' | 'plan' | 'fingerprint' | 'init', ... }
//   out: { id, result } or { id, error: { name, message, code } } (hasher.js rebuilds the error)
import { createTasks, errorFields } from './tasks.js';

let tasks;

self.onmessage = async ({ data }) => {
  const { id, task } = data;
  try {
    if (task === 'init') {
      tasks = createTasks(data.wasm);
      await tasks;
      self.postMessage({ id, result: true });
      return;
    }
    tasks ??= createTasks();
    const t = await tasks;
    if (!Object.hasOwn(t, task)) throw new Error(`unknown task ${task}`);
    self.postMessage({ id, result: await t[task](data) });
  } catch (e) {
    self.postMessage({ id, error: errorFields(e) });
  }
};
