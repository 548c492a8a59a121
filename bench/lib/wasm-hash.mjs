// The s3mpu module's raw hash exports as a benchmark contender, for Node
// (hash-child.mjs) and the browser page (browser/page.mjs): MD5 and SHA-256
// through s3mpu_<algo>_init/update/digest, CRC32/CRC32C through
// s3mpu_crc_update. Input is fed through a 64 KiB window in wasm memory as
// js/src/abi.js does (the copy in is part of the cost), or, with `inplace`,
// read where it already lies: `inplace` bytes copied into wasm memory once,
// untimed (the compiled code alone).
const WINDOW = 64 * 1024;

const hex = (u8) => Array.from(u8, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * @param {import('../../js/src/abi.js').WasmAbi} core
 * @param {'md5' | 'sha256' | 'crc32' | 'crc32c'} algo
 * @param {{ inplace?: Uint8Array }} [options]
 * @returns {(buf: Uint8Array) => string} one-shot hash of buf, hex
 */
export function wasmHasher(core, algo, { inplace } = {}) {
  const x = core.x;
  const region = core.alloc(inplace ? inplace.length : WINDOW);
  if (inplace) {
    core.refresh();
    core.u8.set(inplace, region);
  }
  const feed = (buf, fn) => {
    if (inplace) return fn(region, buf.length);
    for (let at = 0; at < buf.length; at += WINDOW) {
      const piece = buf.subarray(at, Math.min(at + WINDOW, buf.length));
      core.refresh();
      core.u8.set(piece, region);
      fn(region, piece.length);
    }
  };
  if (algo === 'md5' || algo === 'sha256') {
    const name = algo.toUpperCase();
    const ctx = core.alloc(core.constants[`${name}_CONTEXT_SIZE`]);
    const len = core.constants[`${name}_SIZE`];
    const out = core.alloc(len);
    const init = x[`s3mpu_${algo}_init`];
    const update = x[`s3mpu_${algo}_update`];
    const digest = x[`s3mpu_${algo}_digest`];
    return (buf) => {
      init(ctx);
      feed(buf, (p, n) => update(ctx, p, n));
      digest(ctx, out);
      core.refresh();
      return hex(core.u8.subarray(out, out + len));
    };
  }
  const table = core.alloc(core.constants.CRC_TABLE_SIZE);
  x[algo === 'crc32' ? 's3mpu_crc_table_init_crc32' : 's3mpu_crc_table_init_crc32c'](table);
  return (buf) => {
    let crc = 0;
    feed(buf, (p, n) => { crc = x.s3mpu_crc_update(table, crc, p, n) >>> 0; });
    return crc.toString(16).padStart(8, '0');
  };
}
