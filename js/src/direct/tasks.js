// The CPU work of a direct upload: MD5 of parts, the multipart ETag, the
// plan and the file's fingerprint. worker.js runs these in a Worker; the
// page runs them itself only where no Worker can be started.
import { loadAbi } from '../wasm.js';
import { hashers, multipartEtag, fromHex, hex, base64 } from '../hash.js';
import { readBlob } from '../body.js';

const SAMPLE = 64 * 1024; // bytes read at the start, middle and end for a fingerprint

/** @param {import('../wasm.js').WasmSource} [wasm] */
export async function createTasks(wasm) {
  const core = await loadAbi(wasm);
  const h = await hashers(core);
  const md5 = (bytes) => {
    const d = h.md5(bytes);
    return { hex: hex(d), base64: base64(d) };
  };
  return {
    md5: async ({ blob, start, end }) => md5(await readBlob(blob, start, end)),
    etag: ({ md5s }) => multipartEtag(h, md5s.map(fromHex)),
    plan: ({ size, partSize }) => {
      const p = core.plan(size, partSize ?? 0);
      return { partSize: p.partSize, partCount: p.partCount };
    },
    /** Name, size, lastModified and the MD5 of sampled bytes: another file with the same name differs. */
    fingerprint: async ({ file }) => {
      const at = [0, Math.max(0, Math.floor(file.size / 2) - SAMPLE / 2), Math.max(0, file.size - SAMPLE)];
      const pieces = await Promise.all(at.map((a) => readBlob(file, a, Math.min(file.size, a + SAMPLE))));
      const head = new TextEncoder().encode(JSON.stringify([file.name, file.size, file.lastModified]));
      const all = new Uint8Array(head.length + pieces.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of [head, ...pieces]) {
        all.set(p, o);
        o += p.length;
      }
      return md5(all).hex;
    },
  };
}
