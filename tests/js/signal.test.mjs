// AbortSignal helpers (js/src/signal.js): every wait ends with signal.reason when it aborts.
//
//   node --test tests/js/signal.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { anySignal, raceSignal, sleep } from '../../js/src/signal.js';

describe('anySignal', () => {
  it('aborts when any of its signals does, with that reason', () => {
    const a = new AbortController();
    const b = new AbortController();
    const s = anySignal([a.signal, b.signal]);
    assert.equal(s.aborted, false);
    const reason = new Error('b');
    b.abort(reason);
    assert.equal(s.aborted, true);
    assert.equal(s.reason, reason);
    assert.equal(anySignal([AbortSignal.abort('x')]).reason, 'x');
  });
});

describe('raceSignal', () => {
  it('the promise when no abort comes; the reason at once when one does', async () => {
    assert.equal(await raceSignal(Promise.resolve(1)), 1);
    assert.equal(await raceSignal(Promise.resolve(2), new AbortController().signal), 2);
    const c = new AbortController();
    const never = new Promise(() => {});
    const raced = raceSignal(never, c.signal);
    c.abort('stop');
    await assert.rejects(raced, (e) => e === 'stop');
    await assert.rejects(raceSignal(Promise.resolve(3), AbortSignal.abort('late')), (e) => e === 'late');
    await assert.rejects(raceSignal(Promise.reject(new Error('own')), new AbortController().signal), /own/);
  });
});

describe('sleep', () => {
  it('resolves after the time; rejects with the reason when aborted, before or during', async () => {
    await sleep(1);
    await sleep(1, new AbortController().signal);
    await assert.rejects(sleep(10, AbortSignal.abort('before')), (e) => e === 'before');
    const c = new AbortController();
    const waiting = sleep(60_000, c.signal); // a timer left running would keep the test alive
    c.abort('during');
    await assert.rejects(waiting, (e) => e === 'during');
  });
});
