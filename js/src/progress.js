// Upload progress as a caller sees it: bytes of finished parts plus the most
// seen of each part in flight, never going back (upload.js, direct/engine.js).

/** Monotonic progress: bytes of finished parts plus the most seen of each part in flight. */
export class Progress {
  constructor(total, cb) {
    this.total = total;
    this.cb = cb;
    this.finished = 0;
    this.live = new Map();
    this.closed = new Set();
    this.last = -1;
  }

  set(n, bytes) {
    if (!this.cb || this.closed.has(n) || bytes <= (this.live.get(n) ?? 0)) return;
    this.live.set(n, bytes);
    this.emit();
  }

  finish(n, size) {
    this.closed.add(n); // a late count from the transport must not add it twice
    this.live.delete(n);
    this.finished += size;
    this.emit();
  }

  emit() {
    if (!this.cb) return;
    let loaded = this.finished;
    for (const v of this.live.values()) loaded += v;
    if (loaded <= this.last) return;
    this.last = loaded;
    this.cb({ loaded, total: this.total });
  }
}
