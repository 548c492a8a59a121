#!/usr/bin/env node
// CPU time in workerd (miniflare) to presign n UploadPart URLs per request.
//
//   node bench/worker-bench.mjs <outDir> <n> <requestsPerRound> <rounds>
//
// Prints one JSON line: { impls: { name: { cpuMs: [...], wallMs: [...] } }, workerd, note }.
// Miniflare exposes no per-request CPU time, so it is measured from outside:
// the CPU (ns, from /proc/<pid>/task/*/schedstat: every thread of workerd)
// that workerd spends on a batch of requests, divided by the batch size,
// minus the same for an empty request (routing, the HTTP hop), answers not
// compressed (see call()). Inside a
// worker the clock stands still while code runs, so the worker cannot time
// itself.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Miniflare } from 'miniflare';

const [outDir, nArg, perArg, roundsArg] = process.argv.slice(2);
const n = Number(nArg ?? 1000);
const per = Number(perArg ?? 10);
const rounds = Number(roundsArg ?? 5);
const here = fileURLToPath(new URL('.', import.meta.url));
const wasmPath = process.env.S3MPU_WASM || join(here, '../js/s3mpu.wasm');

// js/src/index.js reaches node:crypto, node:zlib, node:fs, node:http(s)
// through dynamic imports behind runtime checks. Workers without
// nodejs_compat refuse a bundle that names them (miniflare and wrangler
// both), so they are stubbed out here, as a Workers user's build would have to.
const nodeStub = {
  name: 'node-stub',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: 'node-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'node-stub' }, () => ({ contents: 'export default {};', loader: 'js' }));
  },
};

await mkdir(outDir, { recursive: true });
await copyFile(wasmPath, join(outDir, 's3mpu.wasm'));
await build({
  entryPoints: [join(here, 'worker/entry.mjs')], bundle: true, format: 'esm', platform: 'neutral',
  mainFields: ['module', 'main'], conditions: ['worker', 'browser'], minify: true,
  outfile: join(outDir, 'worker.mjs'), external: ['./s3mpu.wasm'], logLevel: 'error',
  plugins: [nodeStub],
});

const mf = new Miniflare({
  modules: true, scriptPath: join(outDir, 'worker.mjs'), modulesRoot: outDir, compatibilityDate: '2025-01-01',
  modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm'] }],
});
try {
  await mf.ready;
  const pid = await workerdPid();
  const call = async (impl, count) => {
    // identity: miniflare's fetch asks for br/gzip, and workerd then compresses the answer
    // itself (3.5 ms of the handler's ~490 KB of JSON); on Cloudflare the edge does that,
    // outside the worker's CPU time.
    const r = await mf.dispatchFetch(`http://bench/?impl=${impl}&n=${count}`, { headers: { 'accept-encoding': 'identity' } });
    const text = await r.text();
    if (!r.ok) throw new Error(`${impl}: HTTP ${r.status} ${text}`);
    return text;
  };
  // Warm up every path (first request instantiates the module; JIT).
  const check = {};
  // The direct-upload handler only where the tree has it (its route answers 501 otherwise).
  const hasHandler = (await mf.dispatchFetch('http://bench/?impl=handler-batch&n=1')).status !== 501;
  const impls = ['empty', 's3mpu', 's3mpu-batch', 'aws4fetch', ...(hasHandler ? ['handler-batch'] : [])];
  for (const impl of impls) {
    for (let i = 0; i < 3; i++) check[impl] = await call(impl, impl === 'empty' ? 0 : n);
  }
  for (const impl of impls.filter((x) => x !== 'empty')) {
    if (!check[impl].includes('X-Amz-Signature=')) throw new Error(`${impl} returned no presigned URL: ${check[impl].slice(0, 200)}`);
  }
  const out = Object.fromEntries(impls.map((k) => [k, { cpuMs: [], wallMs: [] }]));
  for (let r = 0; r < rounds; r++) {
    // Rotate the order each round.
    const order = impls.map((_, i) => impls[(i + r) % impls.length]);
    for (const impl of order) {
      const c0 = await cpuNs(pid);
      const t0 = performance.now();
      for (let i = 0; i < per; i++) await call(impl, impl === 'empty' ? 0 : n);
      const wall = (performance.now() - t0) / per;
      const cpu = (await cpuNs(pid)) - c0;
      out[impl].cpuMs.push(cpu / 1e6 / per);
      out[impl].wallMs.push(wall);
    }
  }
  const version = await readFile(join(here, 'node_modules/workerd/package.json'), 'utf8').then((t) => JSON.parse(t).version).catch(() => '?');
  process.stdout.write(`${JSON.stringify({ n, per, rounds, impls: out, workerd: version })}\n`);
} finally {
  await mf.dispose();
}

/** The workerd process miniflare started: a child of this process. */
async function workerdPid() {
  for (const task of await readdir(`/proc/${process.pid}/task`)) {
    const kids = (await readFile(`/proc/${process.pid}/task/${task}/children`, 'utf8')).trim().split(/\s+/).filter(Boolean);
    for (const k of kids) {
      const comm = (await readFile(`/proc/${k}/comm`, 'utf8').catch(() => '')).trim();
      if (comm.startsWith('workerd')) return Number(k);
    }
  }
  throw new Error('workerd process not found');
}

/** CPU time of every thread of pid, in ns (first field of schedstat). */
async function cpuNs(pid) {
  let sum = 0;
  for (const t of await readdir(`/proc/${pid}/task`)) {
    const s = await readFile(`/proc/${pid}/task/${t}/schedstat`, 'utf8').catch(() => '0');
    sum += Number(s.split(' ')[0]);
  }
  return sum;
}
