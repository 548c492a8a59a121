// BENCHMARKS.md's "Uploads over emulated WAN links" section (bench/link/bench.mjs) and its
// target (issue 15): s3mpu >= 90 % of the link's measured bandwidth in every cell at default
// settings, and ahead of every peer.

const TARGET = 0.9;

/** % of the link a run reached: its payload rate over the link's measured bulk rate. */
const pctOf = (run, cell) => (100 * run.mbit) / cell.link.mbit;

// Round trips no multipart upload can avoid: Create's connection and answer, the last part's
// answer, Complete's answer.
const UNAVOIDABLE_ROUND_TRIPS = 4;

/** The best % of the link any multipart upload of `size` bytes can reach on this cell's link. */
function bestPct(cell, size) {
  const linkS = (size * 8) / (cell.link.mbit * 1e6);
  return (100 * linkS) / (linkS + (UNAVOIDABLE_ROUND_TRIPS * cell.link.rttMs) / 1000);
}

/** Rows of a cell ranked by time (1 = fastest). */
function ranked(cell) {
  return [...cell.runs].sort((a, b) => a.seconds - b.seconds).map((r, i) => ({ ...r, rank: i + 1 }));
}

function cellVerdict(cell, size) {
  const rows = ranked(cell);
  const mine = rows.find((r) => r.contender.startsWith('s3mpu'));
  if (!mine) return { ok: undefined };
  const pct = pctOf(mine, cell);
  return { ok: pct >= 100 * TARGET && mine.rank === 1, pct, rank: mine.rank, of: rows.length, best: bestPct(cell, size) };
}

export function renderLink(R, { fmt, big }) {
  const K = R.link;
  if (!K) return [];
  const L = [];
  const p = (...xs) => L.push(...xs);
  const MiB = 1024 * 1024;
  p('## Uploads over emulated WAN links', '');
  if (K.skipped) return [...L, `Skipped: ${K.skipped}.`, ''];
  p(`\`bench/link/bench.mjs\`: one ${fmt(K.size / MiB, 0)} MiB file per contender at its default settings (s3mpu \`upload()\` with`);
  p('Content-MD5; @aws-sdk/lib-storage `Upload`; minio-js `fPutObject`), the client in a network namespace of its');
  p('own behind `bench/link/emulator.mjs`: `tbf` on the namespace\'s loopback for bandwidth, a relay holding each');
  p('chunk RTT/2 each way for latency, each connection carrying at most its window (4 MiB, Linux\'s default');
  p('`tcp_wmem` maximum) per round trip, one RTT per new connection. The far end is `bench/sink.mjs --check-md5` on');
  p('the host\'s loopback (RGW here tops out near 50 MiB/s, below a 1 Gbit/s link). Each cell first measures its');
  p('link: RTT = median of 1-byte pings; bandwidth = 16 parallel bulk streams through relay and tbf. "% of link"');
  p('is the upload\'s payload rate over that measured bandwidth. Every upload was checked whole: no part failed');
  p('the sink\'s MD5 check, HEAD gives the file\'s size and the multipart ETag of the file\'s own part MD5s.');
  p(`Each cell ran once (contenders alternating in order from cell to cell); load average ${K.loadStart?.map((x) => fmt(x, 1)).join(', ')} at`);
  p(`the start, ${K.loadEnd?.map((x) => fmt(x, 1)).join(', ')} at the end (2 shared cores: relay, sink and client compete for them).`, '');
  const sys = K.cells[0]?.link.sysctl;
  if (sys) {
    p(`In the namespace: \`net.ipv4.tcp_slow_start_after_idle\` = ${sys.tcpSlowStartAfterIdle} (the default users have; not tuned),`);
    p(`\`tcp_wmem\` max ${big(Number(sys.tcpWmemMax))}, \`tcp_rmem\` max ${big(Number(sys.tcpRmemMax))}. Slow start (and its restart after idle) is not emulated: the`);
    p('client\'s TCP runs over the namespace\'s loopback, where round trips are short, so idle connections regain');
    p('their window at once; a real path would make every contender slower after idle gaps, s3mpu included.', '');
  }
  p(`"Best possible": the link's own time for the file plus the ${UNAVOIDABLE_ROUND_TRIPS} round trips no multipart upload avoids (Create's`);
  p('connection and answer, the last part\'s answer, Complete), as % of the link: no client can do better on that cell.', '');
  p('| link (nominal) | measured RTT | measured bandwidth | best possible | contender | s | MB/s | % of link | rank | CPU s | peak RSS over body, MiB |');
  p('|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|');
  for (const cell of K.cells) {
    const name = `${cell.rttMs} ms × ${cell.mbit >= 1000 ? `${cell.mbit / 1000} Gbit/s` : `${cell.mbit} Mbit/s`}`;
    const rows = ranked(cell);
    const best = `${fmt(bestPct(cell, K.size), 0)} %`;
    if (!rows.length) p(`| ${name} | ${fmt(cell.link.rttMs, 1)} ms | ${fmt(cell.link.mbit, 0)} Mbit/s | ${best} | every run failed (see Failures) | | | | | | |`);
    for (const [i, r] of rows.entries()) {
      const head = i === 0 ? [name, `${fmt(cell.link.rttMs, 1)} ms`, `${fmt(cell.link.mbit, 0)} Mbit/s`, best] : ['', '', '', ''];
      p(`| ${[...head, `\`${r.contender}\``, fmt(r.seconds), fmt(r.mbps, 1), `${fmt(pctOf(r, cell), 0)} %`, String(r.rank), fmt(r.cpuS), fmt(r.extraRssMiB, 0)].join(' | ')} |`);
    }
  }
  p('');
  const C = K.curve;
  if (C?.runs.length) {
    p(`### s3mpu's parts in flight at ${C.rttMs} ms × ${C.mbit} Mbit/s`, '');
    p(`${fmt(C.size / MiB, 0)} MiB, s3mpu-md5 with \`concurrency\` fixed, then at its default (no \`concurrency\`: adaptive, see`);
    p(`js/src/adapt.js). Link measured ${fmt(C.link.rttMs, 1)} ms, ${fmt(C.link.mbit, 0)} Mbit/s.`, '');
    p('| concurrency | s | MB/s | % of link | peak RSS over body, MiB |', '|---|---:|---:|---:|---:|');
    for (const r of C.runs) {
      p(`| ${r.concurrency ?? 'default (adaptive)'} | ${fmt(r.seconds)} | ${fmt(r.mbps, 1)} | ${fmt(pctOf(r, C), 0)} % | ${fmt(r.extraRssMiB, 0)} |`);
    }
    p('');
  }
  return L;
}

/** The target's row for the summary: { short, target, measured, verdict, why? }. */
export function linkTargets(R, { fmt }) {
  const K = R.link;
  if (!K?.cells.length) return [];
  const cells = K.cells.map((c) => ({ c, v: cellVerdict(c, K.size) }));
  const measured = cells.map(({ c, v }) => `${c.rttMs} ms × ${c.mbit} Mbit/s: ${v.pct === undefined ? 'failed' : `${fmt(v.pct, 0)} %, rank ${v.rank}/${v.of}`}`).join('; ');
  const misses = cells.filter(({ v }) => v.ok === false);
  const all = cells.every(({ v }) => v.ok);
  return [{
    short: 'WAN links', target: 's3mpu ≥ 90 % of the link\'s measured bandwidth in every cell, default settings, ahead of every peer',
    measured, verdict: cells.some(({ v }) => v.ok === undefined) ? 'not measured' : all ? '**met**' : '**missed**',
    why: misses.length
      ? `missed at ${misses.map(({ c, v }) => `${c.rttMs} ms × ${c.mbit} Mbit/s (${fmt(v.pct, 0)} %, where the best possible is ${fmt(v.best, 0)} %)`).join(', ')}: see the section "Uploads over emulated WAN links".`
      : undefined,
  }];
}
