#!/usr/bin/env node
// One upload by one contender, in a fresh process; prints one JSON line:
// { wallMs, cpuUserUs, cpuSysUs, maxRssBytes, rssBeforeBytes, bytes }.
//
//   node bench/upload-child.mjs '<json options>'
//
// Options: contender, endpoint, region, accessKeyId, secretAccessKey, bucket,
// key, source ('memory' | 'file'), size, file, partSize, concurrency.
// Memory bodies are allocated and touched before the clock starts; the
// contender's modules are imported before it too (a warm start is what a
// long-running process sees). CPU is process.cpuUsage() of this process
// (every thread: hashing in libuv's pool counts). Peak RSS is
// resourceUsage().maxRSS, reported with the RSS just before the upload.
import { randomFillSync } from 'node:crypto';
import { contender } from './lib/contenders.mjs';

const opts = JSON.parse(process.argv[2]);
const [fn, mode] = contender(opts.contender);

if (opts.source === 'memory') {
  const body = Buffer.allocUnsafe(opts.size);
  const block = randomFillSync(Buffer.allocUnsafe(1 << 20));
  for (let at = 0; at < body.length; at += block.length) block.copy(body, at);
  opts.body = body;
}
// Load the contender's modules outside the measurement: a zero-byte dry
// import (each contender imports lazily; importing the same specifiers here
// caches them).
await import('./lib/preload.mjs').then((m) => m.preload(opts.contender));

// S3MPU_BENCH_PROFILE=FILE: a CPU profile of the upload alone (not the setup above).
const profileTo = process.env.S3MPU_BENCH_PROFILE;
let session;
if (profileTo) {
  const { Session } = await import('node:inspector/promises');
  session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
}
const rssBefore = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await fn(opts, mode);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
if (session) {
  const { profile } = await session.post('Profiler.stop');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(profileTo, JSON.stringify(profile));
}
const ru = process.resourceUsage();
process.stdout.write(`${JSON.stringify({
  wallMs, cpuUserUs: cpu.user, cpuSysUs: cpu.system, maxRssBytes: ru.maxRSS * 1024,
  rssBeforeBytes: rssBefore, bytes: opts.size,
})}\n`);
// Idle keep-alive sockets of some clients would hold the process open.
process.exit(0);
