#!/usr/bin/env node
// The client half of emulator.mjs's measureLink, run inside the link's namespace:
//
//   node bench/link/probe.mjs PORT BULK_BYTES CONNECTIONS
//
// Prints { rttMs, rttMinMs, mbit, bulkSeconds }: the median of 7 one-byte pings on
// a warm connection, then BULK_BYTES split over CONNECTIONS parallel streams, each
// answered once the far end has all of it; mbit is bytes over (time - one RTT).
import net from 'node:net';

const [port, bulk, conns] = process.argv.slice(2).map(Number);

const connect = () => new Promise((resolve, reject) => {
  const s = net.connect(port, '127.0.0.1', () => resolve(s));
  s.setNoDelay(true);
  s.on('error', reject);
});
const reply = (s) => new Promise((resolve) => s.once('data', resolve));

async function ping() {
  const s = await connect();
  const times = [];
  for (let i = 0; i < 8; i++) {
    const t = performance.now();
    s.write('p');
    await reply(s);
    if (i > 0) times.push(performance.now() - t); // the first pays the handshake's round trip
  }
  s.destroy();
  times.sort((a, b) => a - b);
  return { rttMs: times[times.length >> 1], rttMinMs: times[0] };
}

async function stream(s, n) {
  const head = Buffer.alloc(9);
  head[0] = 0x62;
  head.writeBigUInt64BE(BigInt(n), 1);
  s.write(head);
  const block = Buffer.alloc(256 * 1024, 0x5a);
  for (let left = n; left > 0; left -= block.length) {
    if (!s.write(left >= block.length ? block : block.subarray(0, left))) await new Promise((r) => s.once('drain', r));
  }
  await reply(s);
}

const { rttMs, rttMinMs } = await ping();
const sockets = await Promise.all(Array.from({ length: conns }, connect));
// Warm each connection with a ping so the handshake's round trip is not in the bulk time.
await Promise.all(sockets.map((s) => {
  s.write('p');
  return reply(s);
}));
const per = Math.ceil(bulk / conns);
const t0 = performance.now();
await Promise.all(sockets.map((s) => stream(s, per)));
const seconds = (performance.now() - t0) / 1000;
for (const s of sockets) s.destroy();
const mbit = (per * conns * 8) / 1e6 / (seconds - rttMs / 1000);
process.stdout.write(`${JSON.stringify({ rttMs, rttMinMs, mbit, bulkSeconds: seconds })}\n`);
