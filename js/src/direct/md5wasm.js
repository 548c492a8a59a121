// The JS side of s3mpu-md5.wasm (wasm/md5_abi.c): the core's MD5, one part
// at a time or four at once in md5x4's SIMD lanes, and its part plan. All
// that directUpload's hashing Worker needs: the full s3mpu.wasm signs, and
// a page whose backend signs never loads it. Bytes go through the module's
// window, 64 KiB per lane at a time: a part is never whole in wasm memory.
import { compile } from '../wasm.js';

// C twins (tests/wasm/md5.mjs compares them): wasm/md5_abi.c's S3MPU_MD5WASM_ABI_VERSION,
// s3mpu.h's S3MPU_MD5X4_LANES (the arguments of s3mpu_md5wasm_x4_update).
export const ABI_VERSION = 1;
export const LANES = 4;

/** @param {import('../wasm.js').WasmSource} source s3mpu-md5.wasm (hasher.js knows where the package's is) */
export async function loadMd5(source) {
  const x = (await WebAssembly.instantiate(await compile(source), {})).exports;
  x._initialize();
  const abi = x.s3mpu_md5wasm_abi_version();
  if (abi !== ABI_VERSION) throw new Error(`s3mpu-md5.wasm has ABI ${abi}, this package needs ${ABI_VERSION}`);
  const window = x.s3mpu_md5wasm_window();
  const lane = x.s3mpu_md5wasm_lane_size();
  const u8 = () => new Uint8Array(x.memory.buffer); // the module never grows its memory; cheap anyway
  const digests = (at, n) => Array.from({ length: n }, (_, i) => u8().slice(at + 16 * i, at + 16 * i + 16));

  const one = (bytes) => {
    x.s3mpu_md5wasm_init();
    for (let at = 0; at < bytes.length; at += lane) {
      const piece = bytes.subarray(at, at + lane);
      u8().set(piece, window);
      x.s3mpu_md5wasm_update(piece.length);
    }
    return digests(x.s3mpu_md5wasm_digest(), 1)[0];
  };
  /** Up to four messages, each in a lane of its own. */
  const four = (parts) => {
    x.s3mpu_md5wasm_init();
    const longest = Math.max(...parts.map((p) => p.length));
    for (let at = 0; at < longest; at += lane) {
      const mem = u8();
      const lens = Array(LANES).fill(0);
      parts.forEach((p, i) => {
        const piece = p.subarray(at, at + lane);
        mem.set(piece, window + i * lane);
        lens[i] = piece.length;
      });
      x.s3mpu_md5wasm_x4_update(...lens);
    }
    return digests(x.s3mpu_md5wasm_x4_digest(), parts.length);
  };
  // Four lanes cost one block of SIMD work however many hold a part: two parts already
  // win over the scalar MD5 (hash.js's md5Many measures the same on the full module).
  const simd = x.s3mpu_md5x4_simd() === 1;

  return {
    md5: one,
    /** The MD5s of many byte arrays, in order, four at a time in md5x4's lanes where that is faster. */
    md5Many(parts) {
      const out = [];
      for (let at = 0; at < parts.length; at += LANES) {
        const group = parts.slice(at, at + LANES);
        out.push(...(simd && group.length >= 2 ? four(group) : group.map(one)));
      }
      return out;
    },
    /**
     * The core's plan (s3mpu_plan_init) of `size` bytes in parts of `partSize` (0: the default).
     * directUpload refuses the sizes it would refuse first, with S3Client's codes (engine.js):
     * this module has no error names, and a Worker's error would lose them anyway.
     */
    plan(size, partSize) {
      const err = x.s3mpu_md5wasm_plan(size, partSize ?? 0);
      if (err) throw new RangeError(`s3mpu: no plan of ${size} bytes in parts of ${partSize || 'the default size'}: S3 takes up to 10,000 parts of 5 MiB to 5 GiB, 5 TiB in all`);
      const [ps, count] = new Float64Array(x.memory.buffer, x.s3mpu_md5wasm_plan_result(), 2);
      return { partSize: ps, partCount: count };
    },
    simd,
  };
}
