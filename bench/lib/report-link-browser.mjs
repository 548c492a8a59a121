// BENCHMARKS.md's browser uploads over an emulated link (bench/link-browser-bench.mjs), and
// issue 15's target for them: s3mpu/direct ≥ 90 % of the link in every cell, ahead of Uppy.

const NAMES = { 's3mpu-direct': 's3mpu directUpload', 'uppy-companion': 'Uppy + Companion' };

/** Per cell and contender: { cell, link, rows: [{ contender, s, MBps, pct, rank }] }. */
function cells(LB, median) {
  return LB.links.map((link) => {
    const mine = LB.uploads.filter((u) => u.rttMs === link.rttMs && u.mbit === link.mbit);
    const rows = [...new Set(mine.map((u) => u.contender))].map((contender) => {
      const rs = mine.filter((u) => u.contender === contender);
      const MBps = median(rs.map((u) => u.MBps));
      return { contender, s: median(rs.map((u) => u.ms / 1000)), MBps, pct: (100 * MBps) / link.MBps };
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
  const all = cells(LB, median);
  const mine = (c) => c.rows.find((r) => r.contender === 's3mpu-direct');
  const misses = all.filter((c) => !(mine(c)?.pct >= 90 && mine(c)?.rank === 1));
  const at = (c) => `${c.link.rttMs} ms × ${c.link.mbit} Mbit/s`;
  return [{
    short: 'browser link',
    target: 's3mpu/direct (defaults, Content-MD5) ≥ 90 % of the link in every cell, ahead of Uppy + Companion',
    measured: all.map((c) => `${at(c)}: ${fmt(mine(c)?.pct, 0)} %`).join('; '),
    verdict: misses.length ? '**missed**' : '**met**',
    why: misses.length
      ? `missed at ${misses.map(at).join(', ')}: see "Browser uploads over an emulated link" for the reasons measured.`
      : undefined,
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
  p('file\'s bytes to a discarding sink (no gateway, no hashing). "% of link" is of that measured bandwidth.');
  p('Every upload is checked: its size (HEAD, and s3mpu\'s ETag), and its bytes read back whole (MD5).', '');
  if (LB.skipped) {
    p(`Skipped: ${LB.skipped}.`, '');
    return L;
  }
  if (LB.uploads?.length) {
    p(`${fmt(LB.size / 2 ** 20, 0)} MiB per upload, Chromium ${LB.chromium}, ${Math.max(...LB.uploads.map((u) => u.round)) + 1} round(s) (median).`, '');
    p('| RTT × bandwidth (set) | measured RTT | measured link MB/s | contender | s | MB/s | % of link | rank |');
    p('|---|---:|---:|---|---:|---:|---:|---:|');
    for (const { link, rows } of cells(LB, median)) {
      for (const r of rows) {
        p(`| ${link.rttMs} ms × ${link.mbit} Mbit/s | ${fmt(link.measuredRttMs, 0)} ms | ${fmt(link.MBps, 1)} | ${NAMES[r.contender] ?? r.contender} | ${fmt(r.s, 1)} | ${fmt(r.MBps, 1)} | ${fmt(r.pct, 0)} % | ${r.rank} |`);
      }
    }
    p('', 'MB = 10⁶ bytes.', '');
  }
  if (LB.notes?.length) p(...LB.notes, '');
  if (LB.error) p('Failed:', '', '```', LB.error, '```', '');
  return L;
}
