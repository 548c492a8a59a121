// BENCHMARKS.md's browser direct upload section (bench/direct-bench.mjs, and the handler's
// workerd CPU from worker-bench.mjs's "handler-batch"), and its targets (issue 13).

/** The targets' rows: { short, target, measured, verdict, why? }. */
export function directTargets(R, { fmt, median, withRange }) {
  const D = R.direct;
  const out = [];
  const verdict = (ok) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**missed**');
  const kb = (b) => `${fmt(b / 1000, 1)} KB`;
  const direct = D?.size?.find((r) => r.name === 's3mpu/direct' && !r.skipped);
  const uppy = D?.size?.find((r) => r.name.startsWith('@uppy') && !r.skipped);
  if (direct) {
    const wasm = direct.files.find((f) => f.file.endsWith('.wasm'));
    out.push({
      short: 's3mpu/direct size', target: 's3mpu/direct bundle ≤ 15 KB gzip -9, wasm included',
      measured: `${kb(direct.gzip)} (${direct.files.map((f) => `${f.file} ${kb(f.gzip)}`).join(' + ')}); @uppy/core + @uppy/aws-s3: ${uppy ? kb(uppy.gzip) : 'not measured'}`,
      verdict: verdict(direct.gzip <= 15_000),
      why: direct.gzip > 15_000
        ? `the MD5 wasm is ${kb(wasm?.gzip ?? 0)} gzipped, and the page's module carries ${topFiles(direct.files[0])}: see "Where s3mpu/direct's bytes go".`
        : undefined,
    });
  }
  const w = R.worker?.impls?.['handler-batch'];
  if (w) {
    const empty = R.worker.impls.empty.cpuMs;
    const net = w.cpuMs.map((v, i) => v - empty[i]);
    const bare = (R.worker.impls['s3mpu-batch']?.cpuMs ?? []).map((v, i) => v - empty[i]);
    const ok = median(net) <= 5 * (R.worker.n / 1000);
    out.push({
      short: 'handler CPU', target: `handler: ${R.worker.n} part URLs (one batch request) ≤ 5 ms CPU in workerd`,
      measured: `${withRange(net)} ms`, verdict: verdict(ok),
      why: ok ? undefined
        : `presignParts alone signs the same ${R.worker.n} URLs in ${fmt(median(bare))} ms here (the workerd table, same run); `
          + `the handler's routing, authorize() and JSON answer add ${fmt(median(net) - median(bare))} ms.`,
    });
  }
  const ups = D?.uploads ?? [];
  if (ups.length) {
    const speed = (c) => median(ups.filter((u) => u.contender === c).map((u) => u.mibps));
    const s = speed('s3mpu-direct');
    const u = speed('uppy-companion');
    out.push({
      short: 'browser upload speed', target: `${fmt(ups[0].size / 2 ** 20, 0)} MiB from Chromium, directUpload with Content-MD5 ≥ Uppy through Companion`,
      measured: `${fmt(s, 1)} MiB/s against ${fmt(u, 1)} MiB/s (${fmt(s / u)}×)`, verdict: verdict(s >= u),
    });
  }
  if (D?.longtask) {
    const l = D.longtask;
    out.push({
      short: 'main thread', target: `no main-thread task ≥ 50 ms while directUpload sends ${fmt(l.size / 2 ** 20, 0)} MiB`,
      measured: `${l.longTasks} task(s) ≥ 50 ms${l.longTasks ? `, longest ${fmt(l.longestMs, 0)} ms` : ''}`, verdict: verdict(l.longTasks === 0),
    });
  }
  return out;
}

function topFiles(f, n = 3) {
  return (f.byFile ?? []).slice(0, n).map((x) => `${x.file} (${x.bytes.toLocaleString('en-US')} B)`).join(', ');
}

/** The section's lines. */
export function renderDirect(R, { fmt, withRange }) {
  const D = R.direct;
  if (!D) return [];
  const L = [];
  const p = (...xs) => L.push(...xs);
  p('## Browser direct uploads: s3mpu/direct against Uppy', '');
  p('`bench/direct-bench.mjs`. Size: the same minimal program per contender (bench/size/s3mpu-direct.mjs,');
  p('bench/size/uppy.mjs) bundled by esbuild `--bundle --minify` (s3mpu/direct also `--splitting`); for s3mpu/direct every');
  p('file a page in endpoint mode fetches (its module and chunks, the hashing Worker it starts, s3mpu-md5.wasm), each');
  p('gzip -9 on its own, and in a row of their own the files fetched only on demand (credentials mode\'s S3Client and');
  p('s3mpu.wasm; the tasks chunk where no Worker can start); KB = 1,000 bytes. Uppy is the');
  p('published @uppy/core + @uppy/aws-s3 pinned in tests/interop/package.json.', '');
  p('| contender | files | raw | gzip -9 |', '|---|---|---:|---:|');
  for (const r of D.size ?? []) {
    if (r.skipped) p(`| ${r.name} | skipped: ${r.skipped} | | |`);
    else p(`| ${r.name} | ${r.files.map((f) => `${f.file} ${fmt(f.gzip / 1000, 1)} KB`).join(', ')} | ${fmt(r.raw / 1000, 1)} KB | ${fmt(r.gzip / 1000, 1)} KB |`);
  }
  p('');
  const direct = D.size?.find((r) => r.name === 's3mpu/direct' && !r.skipped);
  if (direct) {
    p('### Where s3mpu/direct\'s bytes go', '', 'Minified bytes each source file puts in each bundle (esbuild metafile; before gzip).', '');
    p('| bundle | file | bytes |', '|---|---|---:|');
    for (const f of direct.files) for (const x of f.byFile ?? []) p(`| ${f.file} | ${x.file} | ${x.bytes.toLocaleString('en-US')} |`);
    p('');
  }
  if (D.uploads?.length) {
    const size = D.uploads[0].size;
    p(`### ${fmt(size / 2 ** 20, 0)} MiB from Chromium ${D.chromium} to the gateway`, '');
    p('One fresh page per upload, the file given to its file picker, timed in the page from the call to the result;');
    p('contenders alternate (order reversed every other round). s3mpu: `directUpload(file, { endpoint })` signing through');
    p('`createDirectUploadHandler` on the page\'s server, Content-MD5 of every part (Worker), 4 parts in flight.');
    p('Uppy: `@uppy/aws-s3` with `companionEndpoint` = the published `@uppy/companion` on another local port,');
    p('multipart (`shouldUseMultipart: true`), no checksum, its parts one after another. Both end at RGW on this machine.', '');
    p('| contender | rounds | MiB/s (median, min–max) | ms |', '|---|---:|---|---|');
    for (const c of ['s3mpu-direct', 'uppy-companion']) {
      const rs = D.uploads.filter((u) => u.contender === c);
      p(`| ${c} | ${rs.length} | ${withRange(rs.map((u) => u.mibps), 1)} | ${withRange(rs.map((u) => u.ms), 0)} |`);
    }
    p('');
  } else if (D.uploadSkipped) {
    p(`Uploads from Chromium: skipped (${D.uploadSkipped}).`, '');
  }
  if (D.longtask) {
    const l = D.longtask;
    p(`### The page's main thread while directUpload sends ${fmt(l.size / 2 ** 20, 0)} MiB`, '');
    p(`PerformanceObserver \`longtask\` (tasks ≥ 50 ms) over the whole upload (${fmt(l.ms / 1000, 1)} s): ${l.longTasks} task(s)`
      + `${l.longTasks ? `, the longest ${fmt(l.longestMs, 0)} ms` : ''}.`, '');
  }
  if (D.hashing) {
    const h = D.hashing;
    const of = (how) => h.runs.filter((r) => r.how === how).map((r) => r.mbPerSec);
    p(`### directUpload's hashing Worker: ${h.parts} parts of ${h.partMiB} MiB`, '');
    p('The Worker directUpload starts (js/src/direct/worker.js on s3mpu-md5.wasm) in Chromium, MD5 of 4 parts of a Blob');
    p('(reads included): in one task, as the engine asks, sharing md5x4\'s SIMD lanes, against one part per task.', '');
    p('| how | MB/s (median, min–max) |', '|---|---|');
    p(`| 4 parts in one task (md5x4) | ${withRange(of('batch'), 0)} |`, `| one part per task | ${withRange(of('one'), 0)} |`);
    if (h.batchMemoryMBps) {
      p(`| the same wasm on the bytes in memory, 4 at once (md5x4) | ${withRange(of('batch-memory'), 0)} |`,
        `| the same, one part after another (scalar MD5) | ${withRange(of('one-memory'), 0)} |`);
    }
    p('', `Ratio: ${fmt(h.batchMBps / h.oneMBps)}× in the Worker${h.batchMemoryMBps ? `, ${fmt(h.batchMemoryMBps / h.oneMemoryMBps)}× in memory` : ''}.`, '');
  } else if (D.hashingSkipped) {
    p(`The hashing Worker: skipped (${D.hashingSkipped}).`, '');
  }
  if (D.error) p('Failed:', '', '```', D.error, '```', '');
  return L;
}
