// s3mpu/direct: a page uploads a File straight to the bucket; a backend signs.
//
//   import { directUpload } from 's3mpu/direct';
//   const { key, etag } = await directUpload(file, { endpoint: '/s3' });
//
// The promise also has pause() and resume(), and `state`
// ({ phase, loaded, total, confirmed, partsDone, partCount }).
import { DirectUpload } from './engine.js';

export { indexedDbStore, memoryStore } from './store.js';

/**
 * @param {Blob} file
 * @param {object} options  see DirectUploadOptions in types/direct.d.ts
 */
export function directUpload(file, options) {
  const job = new DirectUpload(file, options);
  const done = job.run();
  return Object.defineProperties(done, {
    pause: { value: () => job.pause() },
    resume: { value: () => job.resume() },
    state: { get: () => ({ ...job.state }) },
  });
}
