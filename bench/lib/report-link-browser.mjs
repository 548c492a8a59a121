// BENCHMARKS.md's browser uploads over an emulated link (bench/link-browser-bench.mjs), and
// issue 15's target for them: s3mpu/direct ≥ 90 % of the link in every cell, ahead of Uppy.

const NAMES = { 's3mpu-direct': 's3mpu directUpload', 'uppy-companion': 'Uppy + Companion' };
// Round trips no browser multipart upload avoids: Create (through the page's server), the first
// part's CORS preflight (a PUT always has one), the last part's answer, Complete.
const UNAVOIDABLE_ROUND_TRIPS = 4;

/** The best % of the link any browser multipart upload of `size` bytes can reach on this link. */
function bestPct(link, size) {
  const linkS = size / 1e6 / link.MBps;
  return (100 * linkS) / (linkS + (UNAVOIDABLE_ROUND_TRIPS * link.measuredRttMs) / 1000);
}

/** Per cell and contender: { cell, link, rows: [{ contender, s, MBps, pct, rank }] }. */
function cells(LB, median) {
  return LB.links.map((link) => {
    const mine = LB.uploads.filter((u) => u.rttMs === link.rttMs && u.mbit === link.mbit);
    const rows = [...new Set(mine.map((u) => u.contender))].map((contender) => {
      const rs = mine.filter((u) => u.contender === contender);
      const MBps = median(rs.map((u) => u.MBps));
      return { contender, s: median(rs.map((u) => u.ms / 1000)), MBps, pct: (100 * MBps) / link.MBps, pctGateway: (100 * MBps) / link.gatewayMBps };
    });
    [...rows].sort((a, b) => b.MBps - a.MBps).forEach((r, i) => {
      r.rank = i + 1;
    });
    return { link, rows };
  });
}

/** The target's row: { short, target, measured, verdict, why? }. */
export function linkBrowserTargets(R, { fmt, median }) {
  const LB = R.linkBrowser;
  if (!LB?.uploads?.length) return [];
  const all = cells(LB, median).filter((c) => c.link.mbit); // the loopback row is the reference
  const mine = (c) => c.rows.find((r) => r.contender === 's3mpu-direct');
  const misses = all.filter((c) => !(mine(c)?.pct >= 90 && mine(c)?.rank === 1));
  const at = (c) => `${c.link.rttMs} ms × ${c.link.mbit} Mbit/s`;
  const loop = cells(LB, median).find((c) => !c.link.mbit);
  const phases = (c) => LB.uploads.find((u) => u.contender === 's3mpu-direct' && u.rttMs === c.link.rttMs && u.mbit === c.link.mbit && u.phases?.done);
  const reason = (c) => {
    const u = phases(c);
    if (!u) return at(c);
    const ph = u.phases;
    const partsMBps = u.size / 1e6 / ((ph.completing - ph.firstByte) / 1000);
    return `${at(c)} (${fmt(mine(c)?.pct, 0)} %, where the best possible is ${fmt(bestPct(c.link, LB.size), 0)} %): its parts went at `
      + `${fmt(partsMBps, 0)} MB/s (${fmt((100 * partsMBps) / c.link.MBps, 0)} % of the link, ${fmt((100 * partsMBps) / c.link.gatewayMBps, 0)} % of what 6 plain PUTs `
      + `without hashing get through it to the gateway), and before its first byte ${fmt(ph.firstByte / 1000, 2)} s of ${fmt(u.ms / 1000, 1)} s `
      + 'went to opening the Worker, create and the first URL batch and MD5';
  };
  const why = [
    `missed at ${misses.map(reason).join('; ')}`,
    loop ? `on loopback, with no emulation, s3mpu sends ${fmt(mine(loop)?.MBps, 0)} MB/s and 6 plain PUTs to the gateway ${fmt(loop.link.gatewayMBps, 0)} MB/s: `
      + 'at 1 Gbit/s this 2-core machine (Chromium, the gateway and the hashing share it) is near its own limit' : '',
  ].filter(Boolean).join('; ');
  return [{
    short: 'browser link',
    target: 's3mpu/direct (defaults, Content-MD5) ≥ 90 % of the link in every cell, ahead of Uppy + Companion',
    measured: all.map((c) => `${at(c)}: ${fmt(mine(c)?.pct, 0)} %`).join('; '),
    verdict: misses.length ? '**missed**' : '**met**',
    why: misses.length ? `${why}. See "Browser uploads over an emulated link".` : undefined,
  }];
}

/** The section's lines. */
export function renderLinkBrowser(R, { fmt, median }) {
  const LB = R.linkBrowser;
  if (!LB) return [];
  const L = [];
  const p = (...xs) => L.push(...xs);
  p('## Browser uploads over an emulated link', '');
  p('`bench/link-browser-bench.mjs`: from Chromium to the gateway, s3mpu\'s `directUpload` (its defaults,');
  p('Content-MD5 in its Worker, signing through `createDirectUploadHandler`) beside the published `@uppy/aws-s3`');
  p('through `@uppy/companion` (multipart, its parts one after another), one fresh page per upload, the same file.');
  p('The link: DevTools\' `Network.emulateNetworkConditions` (Playwright\'s CDP session) on the page, which adds the');
  p('latency to every request before its answer and gives all the page\'s requests one shared upload throughput; it');
  p('covers the part PUTs and the signing calls alike. It does not model TCP (no slow start, no window limits), and');
  p('the bytes still cross loopback, so the machine\'s CPU can be the limit before the link is. Each cell first');
  p('measures the link from the same page: RTT = a 1-byte PUT (median of 5), bandwidth = 6 parallel PUTs of the');
  p('file\'s bytes to a discarding sink ("link"), and to the gateway (presigned PutObject, no hashing, no signing');
  p('calls: what this machine\'s gateway takes through that link, "gateway"). The first row is loopback with no');
  p('emulation: the machine\'s own limit. "Best possible": the link\'s time for the file plus the round trips no browser');
  p(`multipart upload avoids (${UNAVOIDABLE_ROUND_TRIPS}: Create, the first part's CORS preflight, the last part's answer, Complete).`);
  p('Every upload is checked: its size (HEAD, and s3mpu\'s ETag), and its bytes read back whole (MD5).', '');
  if (LB.skipped) {
    p(`Skipped: ${LB.skipped}.`, '');
    return L;
  }
  if (LB.uploads?.length) {
    p(`${fmt(LB.size / 2 ** 20, 0)} MiB per upload, Chromium ${LB.chromium}, ${Math.max(...LB.uploads.map((u) => u.round)) + 1} round(s) (median).`, '');
    p('| link (set) | measured RTT | link MB/s | gateway MB/s | contender | s | MB/s | % of link | % of gateway | rank |');
    p('|---|---:|---:|---:|---|---:|---:|---:|---:|---:|');
    for (const { link, rows } of cells(LB, median)) {
      const set = link.mbit ? `${link.rttMs} ms × ${link.mbit} Mbit/s` : 'loopback, none';
      for (const r of rows) {
        p(`| ${set} | ${fmt(link.measuredRttMs, 0)} ms | ${fmt(link.MBps, 1)} | ${fmt(link.gatewayMBps, 1)} | ${NAMES[r.contender] ?? r.contender} | ${fmt(r.s, 1)} | ${fmt(r.MBps, 1)} | ${fmt(r.pct, 0)} % | ${fmt(r.pctGateway, 0)} % | ${r.rank} |`);
      }
    }
    p('', 'MB = 10⁶ bytes.', '');
    p(...phaseTable(LB, fmt));
  }
  if (LB.notes?.length) p(...LB.notes, '');
  if (LB.error) p('Failed:', '', '```', LB.error, '```', '');
  return L;
}

/** Where s3mpu's time goes in each cell, from directUpload's progress phases (seconds). */
function phaseTable(LB, fmt) {
  const rows = LB.uploads.filter((u) => u.contender === 's3mpu-direct' && u.phases?.done);
  if (!rows.length) return [];
  const L = ['s3mpu\'s time by phase (its `onProgress` phases, first round): opening its hashing Worker and planning',
    '(the Worker\'s modules and wasm are fetched over the link), CreateMultipartUpload, then to the first byte sent (the',
    'first URL batch and MD5), the parts, and CompleteMultipartUpload.', '',
    '| link (set) | Worker + plan | create | to first byte | parts | complete | parts MB/s |', '|---|---:|---:|---:|---:|---:|---:|'];
  for (const u of rows.filter((r) => r.round === 0)) {
    const ph = u.phases;
    const s = (a, b) => fmt((b - a) / 1000, 2);
    L.push(`| ${u.mbit ? `${u.rttMs} ms × ${u.mbit} Mbit/s` : 'loopback, none'} | ${s(0, ph.starting)} | ${s(ph.starting, ph.uploading)} | `
      + `${s(ph.uploading, ph.firstByte)} | ${s(ph.firstByte, ph.completing)} | ${s(ph.completing, ph.done)} | ${fmt(u.size / 1e6 / ((ph.completing - ph.firstByte) / 1000), 1)} |`);
  }
  L.push('');
  return L;
}
