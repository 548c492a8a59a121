// Parts in flight from measured throughput (js/src/adapt.js), on a simulated clock: a link
// model answers each part, the tuner decides; no real time is measured.
//
//   node --test tests/js/adapt.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InFlightTuner } from '../../js/src/adapt.js';

const MB = 1e6;

/**
 * Run `parts` parts through a tuner over a link where `rate(c)` bytes/ms is the throughput
 * at c parts in flight and each part waits `share` of its time for its answer.
 * Returns the tuner and the parts in flight after each part.
 */
function simulate(tuner, { parts, rate, share, partBytes = 8 * MB }) {
  const values = [];
  for (let i = 0; i < parts; i++) {
    const c = tuner.value;
    tuner.clock += partBytes / rate(c); // one part's worth of the aggregate throughput
    const ms = (partBytes * c) / rate(c);
    values.push(tuner.partDone(partBytes, ms, share === undefined ? undefined : ms * share));
  }
  return values;
}

function tuner(o) {
  const t = new InFlightTuner({ now: () => t.clock, ...o });
  t.clock = 0;
  return t;
}

describe('InFlightTuner', () => {
  it('raises parts in flight while throughput grows and answers keep parts waiting, up to max', () => {
    const t = tuner({ start: 4, max: 12 });
    const values = simulate(t, { parts: 200, rate: (c) => c * 20 * MB / 1000, share: 0.3 });
    assert.deepEqual([...new Set(values)], [4, 8, 12]);
    assert.equal(t.value, 12);
    assert.equal(t.settled, true);
  });

  it('settles where a raise brings less than `gain`: keeps it if it brought `keep`, else goes back', () => {
    const cases = [
      [(c) => Math.min(c * 20, 160) * MB / 1000, 8], // full from 8 on: 16 does not help, back to 8
      [(c) => (c <= 8 ? c * 20 : 160 - (c - 8) * 5) * MB / 1000, 8], // at 16, 25 % slower (contention)
      [(c) => (c <= 8 ? c * 20 : 168) * MB / 1000, 16], // at 16, 5 % more: kept
    ];
    for (const [rate, settled] of cases) {
      const t = tuner({ start: 4, max: 32 });
      simulate(t, { parts: 200, rate, share: 0.3 });
      assert.equal(t.value, settled);
      assert.deepEqual(t.history.map((h) => h.value), [4, 8, 16]);
    }
  });

  it('stays at the start value where answers come at once (loopback, LAN)', () => {
    const t = tuner({ start: 4, max: 32 });
    const values = simulate(t, { parts: 100, rate: (c) => c * 100 * MB / 1000, share: 0.02 });
    assert.deepEqual([...new Set(values)], [4]);
    assert.equal(t.settled, true);
  });

  it('lets throughput decide when the transport cannot tell the wait', () => {
    const t = tuner({ start: 4, max: 8 });
    const values = simulate(t, { parts: 100, rate: (c) => c * 20 * MB / 1000, share: undefined });
    assert.equal(values.at(-1), 8);
  });

  it('starts at twice its value on a link whose first round trip (Create) is long, before any part is answered', () => {
    for (const [ms, want] of [[5, 4], [49, 4], [50, 8], [420, 8]]) {
      const t = tuner({ start: 4, max: 16 });
      assert.equal(t.roundTrip(ms), want, `${ms} ms`);
      assert.equal(t.value, want);
    }
    assert.equal(tuner({ start: 4, max: 6 }).roundTrip(420), 6, 'within max');
    const late = tuner({ start: 4, max: 32 });
    simulate(late, { parts: 3, rate: (c) => c * 20 * MB / 1000, share: 0.3 });
    assert.equal(late.roundTrip(420), 4, 'a round trip after parts were answered changes nothing');
  });

  it('measures from the raised start like from any other level', () => {
    const t = tuner({ start: 4, max: 32 });
    t.roundTrip(160);
    simulate(t, { parts: 200, rate: (c) => Math.min(c * 20, 320) * MB / 1000, share: 0.3 });
    assert.deepEqual(t.history.map((h) => h.value), [8, 16, 32], 'no round at 4');
    assert.equal(t.value, 16);
  });

  it('never changes when max is the start value', () => {
    const t = tuner({ start: 4, max: 2 });
    const values = simulate(t, { parts: 50, rate: (c) => c * 20 * MB / 1000, share: 0.5 });
    assert.deepEqual([...new Set(values)], [4]);
  });
});
