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
// these modules are the package's internals (the core loader, its hashers,
// the Blob reader that retries Chromium's spurious NotReadableError).
import { loadCore } from '/s3mpu/wasm.js';
import { hashers, multipartEtag, fromHex, hex, base64 } from '/s3mpu/hash.js';
import { readBlob } from '/s3mpu/body.js';

// One instance of the module for this worker, loaded once.
const ready = loadCore().then(hashers);

self.onmessage = async ({ data }) => {
  const { id } = data;
  try {
    const h = await ready;
    if (data.op === 'part') {
      const bytes = await readBlob(data.file, data.start, data.end);
      const md5 = h.md5(bytes);
      self.postMessage({ id, md5Hex: hex(md5), contentMD5: base64(md5) });
    } else if (data.op === 'etag') {
      self.postMessage({ id, etag: multipartEtag(h, data.md5s.map(fromHex)) });
    } else {
      throw new Error(`unknown op ${data.op}`);
    }
  } catch (e) {
    self.postMessage({ id, error: `${e?.name ?? 'Error'}: ${e?.message ?? e}` });
  }
};
