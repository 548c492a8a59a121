// S3's limits in JS (js/src/limits.js) against their C source, core/include/s3mpu.h: the
// module's exported constants where it exports them, else the header's #define. Without a server.
//
//   node --test tests/js/limits.test.mjs      (S3MPU_WASM picks the module; default js/s3mpu.wasm)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { loadAbi } from '../../js/src/wasm.js';
import { wasmBytes } from './harness/offline.mjs';
import * as limits from '../../js/src/limits.js';
import { PROFILES } from '../../js/src/profiles.js';

const header = new URL('../../core/include/s3mpu.h', import.meta.url);

/** The value of `#define S3MPU_<name> ...` in the header: a number, or (UINT64_C(a) << b). */
async function headerDefine(name) {
  const text = await readFile(header, 'utf8');
  const m = new RegExp(`^#define S3MPU_${name}\\s+(.*?)\\s*(?:/\\*.*)?$`, 'm').exec(text);
  assert.ok(m, `core/include/s3mpu.h has no S3MPU_${name}`);
  const shifted = /^\(UINT64_C\((\d+)\) << (\d+)\)$/.exec(m[1]);
  if (shifted) return Number(shifted[1]) * 2 ** Number(shifted[2]);
  assert.match(m[1], /^\d+$/, `S3MPU_${name} is neither a number nor (UINT64_C(a) << b): teach this test`);
  return Number(m[1]);
}

describe('js/src/limits.js', () => {
  it('every limit equals its C twin', async () => {
    const abi = await loadAbi(wasmBytes);
    for (const [name, value] of Object.entries(limits)) {
      if (name.endsWith('_DEFAULT')) continue; // the package's choice, not the core's
      const c = abi.constants[name] ?? (await headerDefine(name));
      assert.equal(value, c, `limits.js ${name} = ${value}, the core's is ${c}`);
    }
  });

  it('the generic profile starts from them', () => {
    assert.equal(PROFILES.generic.maxParts, limits.PART_NUMBER_MAX);
    assert.equal(PROFILES.generic.minPartSize, limits.PART_SIZE_MIN);
  });
});
