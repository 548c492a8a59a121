// MD5 without a client: what a page (or its Worker) needs to send parts to
// presigned URLs with Content-MD5, holding no credentials. WebCrypto has no
// MD5, so this is the package's wasm MD5 (node:crypto's on Node).
import { loadAbi } from './wasm.js';
import { hashers, multipartEtag, fromHex, hex, base64 } from './hash.js';
import { readBlob } from './body.js';
import { S3InputError } from './errors.js';

/**
 * @param {{ wasm?: BufferSource | URL | string | Response | WebAssembly.Module }} [options]
 *   wasm: where s3mpu.wasm comes from, as for S3Client.create
 */
export async function createMd5({ wasm } = {}) {
  const h = await hashers(await loadAbi(wasm));
  const asBytes = (bytes) => {
    if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
    if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    throw new S3InputError('InvalidArgument', 'MD5 of bytes: give a Uint8Array, another ArrayBuffer view or an ArrayBuffer');
  };
  const result = (md5) => ({ hex: hex(md5), base64: base64(md5) });
  const digest = (bytes) => result(h.md5(asBytes(bytes)));
  return {
    /** @param {Uint8Array} bytes  @returns {{ hex: string, base64: string }} base64 is the Content-MD5 */
    digest,
    /**
     * The digests of many parts, in order: as digest() of each, but four parts
     * at a time in the SIMD lanes of the wasm MD5 where that is faster.
     */
    digestMany(parts) {
      if (!Array.isArray(parts)) throw new S3InputError('InvalidArgument', 'digestMany needs an array of parts');
      return h.md5Many(parts.map(asBytes)).map(result);
    },
    /** The bytes [start, end) of a Blob or File (Chromium's spurious read failures are retried). */
    async digestBlob(blob, start = 0, end = blob?.size) {
      if (!(typeof Blob !== 'undefined' && blob instanceof Blob)) throw new S3InputError('InvalidArgument', 'digestBlob needs a Blob or File');
      if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end <= blob.size)) {
        throw new S3InputError('InvalidArgument', `bytes ${start} to ${end} are not a range of a Blob of ${blob.size} bytes`);
      }
      return digest(await readBlob(blob, start, end));
    },
    /**
     * The multipart ETag S3 gives an upload of these parts (their MD5s in hex, in order),
     * quoted as S3 sends it and as result.etag and headObject give it: "hex-N".
     */
    multipartEtag(md5Hexes) {
      if (!Array.isArray(md5Hexes) || !md5Hexes.length || !md5Hexes.every((x) => typeof x === 'string' && /^[0-9a-f]{32}$/i.test(x))) {
        throw new S3InputError('InvalidArgument', 'multipartEtag needs the parts\' MD5s, 32 hex digits each, in order');
      }
      return `"${multipartEtag(h, md5Hexes.map(fromHex))}"`;
    },
  };
}
