// Upload progress (js/src/progress.js): finished parts plus the most seen of each part in
// flight, never going back, each part counted once.
//
//   node --test tests/js/progress.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Progress } from '../../js/src/progress.js';

describe('Progress', () => {
  it('adds parts in flight, ignores counts that go back or come after a part finished', () => {
    const events = [];
    const p = new Progress(30, (e) => events.push(e.loaded));
    p.set(1, 5);
    p.set(2, 3);
    p.set(1, 4); // a lower count for part 1 (a retry starting over): no event
    p.finish(1, 10);
    p.set(1, 10); // a late count from the transport: part 1 is closed
    p.set(2, 8);
    p.finish(2, 10);
    assert.deepEqual(events, [5, 8, 13, 18, 20]);
    assert.equal(p.total, 30);
  });

  it('a part that finishes without reporting counts whole; an unknown total stays undefined', () => {
    const events = [];
    const p = new Progress(undefined, (e) => events.push(e));
    p.finish(3, 7);
    assert.deepEqual(events, [{ loaded: 7, total: undefined }]);
  });

  it('without a callback: nothing to do', () => {
    const p = new Progress(1, undefined);
    p.set(1, 1);
    p.finish(1, 1);
    assert.equal(p.finished, 1);
  });
});
