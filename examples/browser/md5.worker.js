// MD5 of file parts, in a dedicated module Worker so hashing never blocks
// the page (an 8 MiB part is ~15-40 ms of reading and hashing: on the main
// thread that would be a janky progress bar and dropped clicks). It runs
// the package's wasm MD5 (BearSSL): WebCrypto has no MD5.
//
// Messages in:  { id, op: 'part', file, start, end }   -> { id, md5Hex, contentMD5 }
//               { id, op: 'etag', md5s: [hex, ...] }   -> { id, etag }  (the multipart ETag)
// Errors come back as { id, error }.
//
// The page's origin serves the package's ESM under /s3mpu/ (see server.mjs);
// with a bundler: import { createMd5 } from 's3mpu'.
import { createMd5 } from '/s3mpu/index.js';

// The module, loaded once for this worker.
const ready = createMd5();

self.onmessage = async ({ data }) => {
  const { id } = data;
  try {
    const md5 = await ready;
    if (data.op === 'part') {
      const { hex, base64 } = await md5.digestBlob(data.file, data.start, data.end);
      self.postMessage({ id, md5Hex: hex, contentMD5: base64 });
    } else if (data.op === 'etag') {
      self.postMessage({ id, etag: md5.multipartEtag(data.md5s) });
    } else {
      throw new Error(`unknown op ${data.op}`);
    }
  } catch (e) {
    self.postMessage({ id, error: `${e?.name ?? 'Error'}: ${e?.message ?? e}` });
  }
};
