#!/usr/bin/env node
// A TCP/Unix-socket relay that adds latency without limiting throughput: the
// delay half of bench/link/emulator.mjs (the bandwidth half is tbf).
//
//   node bench/link/relay.mjs --listen tcp:127.0.0.1:0|unix:PATH --to tcp:HOST:PORT|unix:PATH
//                             [--delay-ms D] [--window BYTES]
//
// Prints one JSON line { port } (tcp) or { path } (unix) when listening; stops on SIGTERM.
// Every accepted connection gets one upstream connection. Each direction is a
// timestamped queue: a chunk read at t leaves at t + D, and one timer per
// direction releases every chunk that is due (never one timer per chunk, so
// the queue delays without pacing). A connection's first chunk upstream
// leaves one round trip (2D) later still: the TCP handshake a real link
// would cost. Bytes count against --window from when they are read until a
// full round trip (2D) after, as a sender's unacknowledged bytes do, and
// reading stops while a direction holds --window bytes: one connection
// moves at most window / RTT, as real TCP with that window (and the relay's
// memory stays bounded). D = 0 is a plain pipe.
import net from 'node:net';
import { rmSync } from 'node:fs';

/** A FIFO of items with non-decreasing due times; one timer releases all that are due. */
export class DelayLine {
  constructor(onDue) {
    this.onDue = onDue;
    this.items = [];
    this.head = 0;
    this.timer = undefined;
  }

  push(item, due) {
    this.items.push({ item, due });
    if (this.timer === undefined) this.arm();
  }

  arm() {
    if (this.head >= this.items.length) return;
    const wait = Math.max(0, this.items[this.head].due - performance.now());
    this.timer = setTimeout(() => this.fire(), wait);
  }

  fire() {
    this.timer = undefined;
    const now = performance.now();
    while (this.head < this.items.length && this.items[this.head].due <= now + 0.5) {
      const { item } = this.items[this.head];
      this.items[this.head++] = undefined;
      this.onDue(item);
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.arm();
  }

  clear() {
    clearTimeout(this.timer);
    this.items = [];
    this.head = 0;
  }
}

/** Relay `from` to `to`, each chunk D ms late, at most `window` bytes held (see the header). */
function direction(from, to, { delayMs, windowBytes, readyAt }) {
  let held = 0;
  let paused = false;
  const acks = new DelayLine((len) => {
    held -= len;
    if (paused && held < windowBytes) {
      paused = false;
      from.resume();
    }
  });
  const line = new DelayLine(({ buf, t }) => {
    if (buf === null) {
      to.end();
      return;
    }
    if (to.destroyed) return;
    to.write(buf, () => acks.push(buf.length, t + 2 * delayMs));
  });
  from.on('data', (buf) => {
    const t = Math.max(performance.now(), readyAt);
    held += buf.length;
    line.push({ buf, t }, t + delayMs);
    if (held >= windowBytes && !paused) {
      paused = true;
      from.pause();
    }
  });
  from.on('end', () => line.push({ buf: null, t: 0 }, Math.max(performance.now(), readyAt) + delayMs));
  return () => {
    line.clear();
    acks.clear();
  };
}

function connectTo(to) {
  return to.startsWith('unix:') ? net.connect(to.slice(5)) : net.connect(Number(to.split(':').pop()), to.slice(4, to.lastIndexOf(':')));
}

/** Start a relay; resolves to { server, address }. */
export function startRelay({ listen, to, delayMs = 0, windowBytes = 4 * 1024 * 1024 }) {
  const server = net.createServer({ noDelay: true }, (client) => {
    const upstream = connectTo(to);
    upstream.setNoDelay(true);
    const now = performance.now();
    const stops = [
      direction(client, upstream, { delayMs, windowBytes, readyAt: now + 2 * delayMs }),
      direction(upstream, client, { delayMs, windowBytes, readyAt: now }),
    ];
    const close = () => {
      for (const stop of stops) stop();
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', () => setTimeout(close, 4 * delayMs + 10)); // let what is in the line drain
    upstream.on('close', () => setTimeout(close, 4 * delayMs + 10));
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    const done = () => resolve({ server, address: server.address() });
    if (listen.startsWith('unix:')) {
      rmSync(listen.slice(5), { force: true });
      server.listen(listen.slice(5), done);
    } else {
      server.listen(Number(listen.split(':').pop()), listen.slice(4, listen.lastIndexOf(':')), done);
    }
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const opt = (f) => (argv.indexOf(f) >= 0 ? argv[argv.indexOf(f) + 1] : undefined);
  const { address } = await startRelay({
    listen: opt('--listen'), to: opt('--to'), delayMs: Number(opt('--delay-ms') ?? 0),
    windowBytes: Number(opt('--window') ?? 4 * 1024 * 1024),
  });
  process.stdout.write(`${JSON.stringify(typeof address === 'string' ? { path: address } : { port: address.port })}\n`);
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
}
