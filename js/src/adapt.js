// Parts in flight from measured throughput, for upload() at its default concurrency.
//
// Over a long, wide link a part's slot idles for a round trip between its last byte and
// its answer, and each TCP connection carries at most its window per round trip: at
// 200 ms x 1 Gbit/s, 4 parts of 8 MiB in flight fill about two thirds of the link
// (bench/link, BENCHMARKS.md). Like aws-c-s3, which opens connections for a throughput
// target, the upload raises its parts in flight, but from what it measures: after each
// raise it measures a round of parts (at least 8), and doubles again while the answers' wait is
// a noticeable share of a part's time (so loopback and LANs stay at the start value) and
// the throughput grew by at least `gain`; otherwise it settles there, or on the best level
// seen when the last raise clearly lost throughput.
// The ceiling is `max` (the caller's memory bound: parts in flight x part size).

export class InFlightTuner {
  /**
   * @param {{ start: number, max: number, gain?: number, waitShare?: number, now?: () => number }} o
   *   gain: the throughput ratio a raise must bring; waitShare: the median share of a part's
   *   time spent waiting for its answer (after its body went out) that makes a raise worth trying.
   */
  constructor({ start, max, gain = 1.1, waitShare = 0.1, now = () => performance.now() }) {
    this.value = start;
    this.max = Math.max(start, max);
    this.gain = gain;
    this.waitShare = waitShare;
    this.now = now;
    this.settled = this.max <= start;
    this.best = undefined; // { throughput, value }
    this.history = []; // { value, throughput, waitShare } per measured round
    this.begin();
  }

  /** A new round at this.value: the first half round settles, the next `measure` parts are measured. */
  begin() {
    this.measure = Math.max(8, this.value); // fewer parts' timings are too noisy to compare
    this.skip = Math.ceil(this.value / 2);
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
    const better = !this.best || throughput >= this.best.throughput * this.gain;
    if (!better) {
      // Too little gain from the last raise: stay, unless it clearly lost throughput (then back
      // to the best level). One round's timings are noisy: going back on a dip would strand
      // a long link at 4 parts (measured once at 200 ms x 1 Gbit/s: 46 % of the link, 85 % at 16).
      if (throughput < this.best.throughput / this.gain) this.value = this.best.value;
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
