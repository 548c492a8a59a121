// Parts in flight from measured throughput, for upload() at its default concurrency.
//
// Over a long, wide link a part's slot idles for a round trip between its last byte and
// its answer, and each TCP connection carries at most its window per round trip: at
// 200 ms x 1 Gbit/s, 4 parts of 8 MiB in flight fill about half the link, 16 nearly all of
// it (bench/link, BENCHMARKS.md). Like aws-c-s3, which opens connections for a throughput
// target, the upload raises its parts in flight, but from what it measures:
// - The start doubles at once where CreateMultipartUpload's round trip was long: the first
//   part's answer comes only after several round trips (connection, window, answer).
// - After each raise it measures a round of parts (twice the level, at least 8) by the
//   bytes answered, and doubles again while the answers' wait is a noticeable share of a
//   part's time (so loopback and LANs stay at the start value) and the throughput grew by
//   at least `gain`.
// - Otherwise it settles: on the raised level if it still brought `keep`, else back on the
//   best level seen (more parts than a narrow link needs only compete for it).
// The ceiling is `max` (the caller's memory bound: parts in flight x part size).

export class InFlightTuner {
  /**
   * @param {{ start: number, max: number, gain?: number, keep?: number, waitShare?: number,
   *   longRoundTripMs?: number, now?: () => number }} o
   *   gain: the throughput ratio that makes a raise worth another; keep: the ratio a last
   *   raise must bring to be kept; waitShare: the median share of a part's time spent waiting
   *   for its answer (after its body went out) that makes a raise worth trying;
   *   longRoundTripMs: a Create that took this long doubles the start.
   */
  constructor({ start, max, gain = 1.1, keep = 1.03, waitShare = 0.1, longRoundTripMs = 50, now = () => performance.now() }) {
    this.value = start;
    this.max = Math.max(start, max);
    Object.assign(this, { gain, keep, waitShare, longRoundTripMs, now });
    this.settled = this.max <= start;
    this.best = undefined; // { throughput, value }
    this.history = []; // { value, throughput, waitShare } per measured round
    this.begin();
  }

  /**
   * The time CreateMultipartUpload took (a connection's setup and one round trip), before
   * any part was answered. Returns the parts in flight to start with.
   */
  roundTrip(ms) {
    const untouched = !this.settled && !this.history.length && this.skip === this.value;
    if (untouched && ms >= this.longRoundTripMs && this.value < this.max) {
      this.value = Math.min(this.max, this.value * 2);
      this.begin();
    }
    return this.value;
  }

  /** The most parts in flight roundTrip() can start with: the connections worth opening during Create. */
  get startMost() {
    return this.settled || this.history.length ? this.value : Math.min(this.max, this.value * 2);
  }

  /** A new round at this.value: the first half round settles, the next `measure` parts are measured. */
  begin() {
    this.measure = Math.max(8, 2 * this.value); // fewer parts' timings are too noisy to compare
    // The first parts start together and their answers come bunched: a whole first wave settles.
    this.skip = this.history.length ? Math.ceil(this.value / 2) : this.value;
    this.count = 0;
    this.bytes = 0;
    this.shares = [];
    this.from = undefined;
  }

  /**
   * A part was answered: `bytes` sent, `ms` from its start to its answer, `waitMs` of those
   * after its body was sent (undefined when the transport cannot tell). Returns the parts
   * in flight to use from now on.
   */
  partDone(bytes, ms, waitMs) {
    if (this.settled) return this.value;
    if (this.skip > 0) {
      if (--this.skip === 0) this.from = this.now();
      return this.value;
    }
    this.count++;
    this.bytes += bytes;
    if (waitMs !== undefined && ms > 0) this.shares.push(waitMs / ms);
    if (this.count < this.measure) return this.value;
    this.decide(this.bytes / Math.max(1e-3, this.now() - this.from), median(this.shares));
    return this.value;
  }

  decide(throughput, share) {
    this.history.push({ value: this.value, throughput, waitShare: share });
    if (this.best && throughput < this.best.throughput * this.gain) {
      if (throughput < this.best.throughput * this.keep) this.value = this.best.value;
      this.settled = true;
      return;
    }
    this.best = { throughput, value: this.value };
    // Unknown wait (a transport without progress): let the throughput decide.
    if ((share === undefined || share >= this.waitShare) && this.value < this.max) {
      this.value = Math.min(this.max, this.value * 2);
      this.begin();
    } else {
      this.settled = true;
    }
  }
}

function median(xs) {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
