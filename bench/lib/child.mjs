// The two ends of a bench child process: the parent collects a child's last stdout line as JSON
// (bounded by a timeout), and the child prints its result as that one line.

/**
 * Wait for a spawned child (stdout and stderr piped); kill it after timeoutMs.
 * Resolves to { json } on exit 0 with a JSON last line, else { why, stderr } (stderr's last 8 lines).
 */
export function childJson(child, timeoutMs) {
  return new Promise((resolve) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        if (code === 0) return resolve({ json: JSON.parse(out.trim().split('\n').pop()) });
      } catch { /* below */ }
      resolve({ why: signal ? `killed by ${signal}` : `exit ${code}`, stderr: err.trim().split('\n').slice(-8).join('\n') });
    });
  });
}

/**
 * A child's ending: merge what `measure()` returns into `out`, print `out` as one JSON line and exit
 * (1 when measure threw: its error is in out.error and on stderr).
 */
export async function printJsonAndExit(out, measure, log) {
  let failed = false;
  try {
    Object.assign(out, await measure());
  } catch (e) {
    failed = true;
    out.error = String(e?.stack ?? e);
    log(out.error);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(failed ? 1 : 0);
}
