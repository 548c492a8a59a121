// Upload progress on stderr: a bar redrawn in place on a terminal, plain
// lines every few seconds otherwise (logs, CI).

const MiB = 1024 * 1024;
const REDRAW_MS = 100;
const LINE_MS = 5000;
const RATE_WINDOW_MS = 5000;

export function formatBytes(n) {
  if (n >= 1024 * MiB) return `${(n / (1024 * MiB)).toFixed(2)} GiB`;
  if (n >= MiB) return `${(n / MiB).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function formatEta(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export class Progress {
  /**
   * @param {{ stream?: NodeJS.WriteStream, enabled?: boolean, clock?: () => number }} [options]
   */
  constructor({ stream = process.stderr, enabled = true, clock = Date.now } = {}) {
    this.stream = stream;
    this.enabled = enabled;
    this.tty = Boolean(stream.isTTY);
    this.clock = clock;
    this.start = clock();
    this.samples = []; // [time, loaded] over the last RATE_WINDOW_MS
    // Plain lines start after one interval (a first line would show no rate yet).
    this.lastDraw = this.tty ? 0 : this.start;
    this.drawn = false;
    this.loaded = 0;
    this.total = undefined;
  }

  /** From onProgress({ loaded, total }). */
  update({ loaded, total }) {
    this.loaded = loaded;
    this.total = total;
    const now = this.clock();
    this.samples.push([now, loaded]);
    while (this.samples.length > 2 && now - this.samples[0][0] > RATE_WINDOW_MS) this.samples.shift();
    if (!this.enabled) return;
    const every = this.tty ? REDRAW_MS : LINE_MS;
    if (now - this.lastDraw < every) return;
    this.lastDraw = now;
    this.draw(now);
  }

  /** Bytes per second over the recent window. */
  rate(now) {
    const [t0, b0] = this.samples[0] ?? [this.start, 0];
    const dt = (now - t0) / 1000;
    return dt > 0.05 ? (this.loaded - b0) / dt : 0;
  }

  line(now, final) {
    const { loaded, total } = this;
    const rate = final ? loaded / Math.max((now - this.start) / 1000, 1e-3) : this.rate(now);
    const speed = `${(rate / MiB).toFixed(1)} MiB/s`;
    if (total === undefined) return `${formatBytes(loaded)}  ${speed}`;
    const pct = total > 0 ? (100 * loaded) / total : 100;
    const eta = final ? `in ${formatEta((now - this.start) / 1000)}` : `ETA ${formatEta(rate > 0 ? (total - loaded) / rate : NaN)}`;
    return `${pct.toFixed(1).padStart(5)}%  ${formatBytes(loaded)} / ${formatBytes(total)}  ${speed}  ${eta}`;
  }

  draw(now, final = false) {
    const text = this.line(now, final);
    if (!this.tty) {
      this.stream.write(`s3mpu: ${text}\n`);
      return;
    }
    const width = Math.max(40, this.stream.columns || 80);
    let bar = '';
    if (this.total !== undefined) {
      // A fixed width, so the bar does not move as the numbers change.
      const cells = Math.max(10, Math.min(30, width - 64));
      const full = this.total > 0 ? Math.round((cells * this.loaded) / this.total) : cells;
      bar = `[${'#'.repeat(Math.min(full, cells))}${'-'.repeat(Math.max(0, cells - full))}] `;
    }
    this.stream.write(`\r\x1b[K${(bar + text).slice(0, width - 1)}`);
    this.drawn = true;
  }

  /** The last state, then a newline on a terminal. */
  done() {
    if (!this.enabled) return;
    this.draw(this.clock(), true);
    if (this.tty) this.stream.write('\n');
    this.drawn = false;
  }

  /** A line of its own (e.g. one file of many done), the bar redrawn after it. */
  note(text) {
    this.interrupt();
    this.stream.write(`${text}\n`);
  }

  /** End the bar's line before printing something else. */
  interrupt() {
    if (this.enabled && this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
