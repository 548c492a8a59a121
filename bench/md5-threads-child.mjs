#!/usr/bin/env node
// Content-MD5 of a body's parts on the calling thread or spread over worker
// threads, in a fresh process: what moving s3mpu's hashing off the main
// thread would gain in wall time and cost in CPU. Prints one JSON line
// { wallMs, cpuUs, startMs, startCpuUs, digest }.
//
//   node bench/md5-threads-child.mjs <threads: 0 = the calling thread> <MiB> <partMiB>
//
// The body sits in a SharedArrayBuffer (s3mpu's part buffers would have to
// be shared for this), so only { offset, length } and the 16-byte digests
// cross threads. Workers start inside the timed span, as they would per
// upload; startMs/startCpuUs say how much of it that was. digest: the MD5 of
// the parts' MD5s (the multipart ETag's), the same whatever the threads.
import { Worker } from 'node:worker_threads';
import { createHash } from 'node:crypto';
import { fillTestBytes } from './lib/bytes.mjs';

const [threads, mib, partMib] = process.argv.slice(2).map(Number);
const size = mib * 1024 * 1024;
const part = partMib * 1024 * 1024;
const data = fillTestBytes(new Uint8Array(new SharedArrayBuffer(size))); // every run's digest the same
const parts = [];
for (let at = 0; at < size; at += part) parts.push([at, Math.min(part, size - at)]);
const md5 = (at, len) => createHash('md5').update(data.subarray(at, at + len)).digest();

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const data = new Uint8Array(workerData);
parentPort.on('message', ({ i, at, len }) => {
  parentPort.postMessage({ i, md5: createHash('md5').update(data.subarray(at, at + len)).digest() });
});`;

async function spread() {
  const workers = Array.from({ length: threads }, () => new Worker(WORKER, { eval: true, workerData: data.buffer }));
  await Promise.all(workers.map((w) => new Promise((r) => w.once('online', r))));
  const started = { ms: performance.now() - t0, cpuUs: cpuOf(process.cpuUsage(cpu0)) };
  const digests = new Array(parts.length);
  let next = 0;
  await Promise.all(workers.map((w) => new Promise((resolve, reject) => {
    const feed = () => {
      if (next >= parts.length) return resolve();
      const i = next++;
      w.postMessage({ i, at: parts[i][0], len: parts[i][1] });
    };
    w.on('message', ({ i, md5: d }) => {
      digests[i] = Buffer.from(d);
      feed();
    });
    w.on('error', reject);
    feed();
  })));
  await Promise.all(workers.map((w) => w.terminate()));
  return { digests, started };
}

const cpuOf = (u) => u.user + u.system;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const { digests, started } = threads > 0
  ? await spread()
  : { digests: parts.map(([at, len]) => md5(at, len)), started: { ms: 0, cpuUs: 0 } };
const wallMs = performance.now() - t0;
const cpuUs = cpuOf(process.cpuUsage(cpu0));
process.stdout.write(`${JSON.stringify({
  wallMs, cpuUs, startMs: started.ms, startCpuUs: started.cpuUs,
  digest: createHash('md5').update(Buffer.concat(digests)).digest('hex'),
})}\n`);
