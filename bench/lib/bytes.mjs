// The benchmarks' test bytes: xorshift32 words, little-endian, from one seed.
// Node, Chromium and bench/native/bench.c (hash_input) make the same bytes,
// so every implementation's digest can be checked against the others.

/** Fill `bytes` (its length a multiple of 4, 4-byte aligned) and return it. */
export function fillTestBytes(bytes) {
  const w = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
  let s = 0x9e3779b9;
  for (let i = 0; i < w.length; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    w[i] = s;
  }
  return bytes;
}
