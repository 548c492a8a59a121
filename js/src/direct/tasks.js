// The CPU work of a direct upload: MD5 of parts, the multipart ETag, the
// plan and the file's fingerprint, on s3mpu-md5.wasm (md5wasm.js). worker.js
// runs these in a Worker; the page runs them itself only where no Worker
// can be started.
import { loadMd5 } from './md5wasm.js';
import { multipartEtag, fromHex, hex, base64 } from '../hash.js';
import { readBlob } from '../body.js';

const SAMPLE = 64 * 1024; // bytes read at the start, middle and end for a fingerprint

/**
 * A slice of the file; a failed read keeps its DOM name (NotReadableError: the file changed or
 * was removed after it was picked) and says what could not be read.
 */
const read = (blob, start, end) => readBlob(blob, start, end).catch((e) => {
  throw Object.assign(new Error(`s3mpu: cannot read bytes ${start}..${end} of ${blob.name ? `"${blob.name}"` : 'the Blob'}: ${e?.message}`), { name: e?.name });
});

/** An error as plain fields, for postMessage: a Worker's errors would otherwise lose their class and code. */
export const errorFields = (e) => ({ name: e?.name ?? 'Error', message: e?.message ?? String(e), code: e?.code });

/** @param {BufferSource | WebAssembly.Module} wasm s3mpu-md5.wasm */
export async function createTasks(wasm) {
  const h = await loadMd5(wasm);
  const result = (d) => ({ hex: hex(d), base64: base64(d) });
  // md5 tasks read their bytes one task after another, in the order asked: the engine asks for
  // the first part and the next batches at once, and read together they made the first part
  // wait for the bytes of all of them. A task hashes while the next one reads.
  let reading = Promise.resolve();
  return {
    /**
     * The MD5s of byte ranges of a Blob ([[start, end], ...]), in order: the engine hands
     * over the parts it will send next, and they share md5x4's lanes.
     */
    md5: async ({ blob, ranges }) => {
      const parts = reading.then(() => Promise.all(ranges.map(([start, end]) => read(blob, start, end))));
      reading = parts.catch(() => {});
      return h.md5Many(await parts).map(result);
    },
    etag: ({ md5s }) => multipartEtag(h, md5s.map(fromHex)),
    plan: ({ size, partSize }) => h.plan(size, partSize),
    /** Name, size, lastModified and the MD5 of sampled bytes: another file with the same name differs. */
    fingerprint: async ({ file }) => {
      const at = [0, Math.max(0, Math.floor(file.size / 2) - SAMPLE / 2), Math.max(0, file.size - SAMPLE)];
      // Read together; a failure names the first unreadable sample, not whichever failed first.
      const reads = await Promise.allSettled(at.map((a) => read(file, a, Math.min(file.size, a + SAMPLE))));
      const failed = reads.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      const pieces = reads.map((r) => r.value);
      const head = new TextEncoder().encode(JSON.stringify([file.name, file.size, file.lastModified]));
      const all = new Uint8Array(head.length + pieces.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of [head, ...pieces]) {
        all.set(p, o);
        o += p.length;
      }
      return hex(h.md5(all));
    },
  };
}
