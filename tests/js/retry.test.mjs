// Retry defaults and backoff (js/src/retry.js): full jitter, capped.
//
//   node --test tests/js/retry.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RETRY, backoffMs } from '../../js/src/retry.js';

describe('backoffMs', () => {
  it('uniform in [0, min(max, base * 2^attempt)): never above the cap, not always the same', () => {
    assert.deepEqual(DEFAULT_RETRY, { attempts: 5, baseDelayMs: 200, maxDelayMs: 20_000, noProgressMs: 60_000 });
    for (const attempt of [1, 2, 3, 10, 30]) {
      const cap = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** attempt);
      const seen = new Set();
      for (let i = 0; i < 200; i++) {
        const ms = backoffMs(attempt, DEFAULT_RETRY);
        assert.ok(ms >= 0 && ms < cap, `attempt ${attempt}: ${ms} not in [0, ${cap})`);
        seen.add(ms);
      }
      assert.ok(seen.size > 100, 'jittered');
    }
  });
});
