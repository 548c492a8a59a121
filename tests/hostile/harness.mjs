// Shared pieces of the hostile-server tests: a client on either transport, bounded runs
// (time and memory measured while a case runs) and typed-error checks.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { S3Client, S3Error, S3InputError, S3VerifyError } from '../../js/src/index.node.js';

export const MiB = 1024 * 1024;
export const PART = 5 * MiB;
export const BODY = randomBytes(2 * PART + 1234); // three parts
export const TRANSPORTS = ['node', 'fetch'];
export const CREDENTIALS = { accessKeyId: 'AKIDHOSTILE', secretAccessKey: 'hostile-secret-key-never-shown' };

/** A client of `srv` on `transport` ('node' = node:http, 'fetch' = Node's fetch), fast retries. */
export function clientOf(srv, transport, extra = {}) {
  return S3Client.create({
    endpoint: srv.endpoint,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    forcePathStyle: true,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 100, noProgressMs: 2000 },
    ...(transport === 'fetch' ? { fetch: globalThis.fetch } : {}),
    ...extra,
  });
}

/**
 * Run `fn` and measure it: { value | error, peakRssMiB (above the RSS before), ms }.
 * Fails the test when it has not settled after `limitMs` (the case hangs).
 */
export async function bounded(fn, { limitMs = 10_000 } = {}) {
  globalThis.gc?.();
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  const t0 = performance.now();
  let timer;
  const hang = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not end within ${limitMs} ms`)), limitMs);
  });
  try {
    const value = await Promise.race([fn(), hang]);
    return { value, ms: performance.now() - t0, peakRssMiB: (peak - before) / MiB };
  } catch (error) {
    if (error?.message?.startsWith('did not end within')) throw error;
    return { error, ms: performance.now() - t0, peakRssMiB: (Math.max(peak, process.memoryUsage.rss()) - before) / MiB };
  } finally {
    clearInterval(sampler);
    clearTimeout(timer);
  }
}

/** The run ended in a typed error (by default one about the store: S3Error or S3VerifyError) with these fields. */
export function assertTyped(run, { cls = [S3Error, S3VerifyError], code, status } = {}) {
  assert.ok(run.error, `expected an error, got ${JSON.stringify(run.value)}`);
  const classes = [cls].flat();
  assert.ok(classes.some((c) => run.error instanceof c), `expected ${classes.map((c) => c.name)}, got ${run.error?.name}: ${run.error?.message}`);
  if (code !== undefined) assert.equal(run.error.code, code, run.error.message);
  if (status !== undefined) assert.equal(run.error.status, status, run.error.message);
}

/** Memory stayed bounded: an S3 answer is small, so a case never needs much. */
export function assertBoundedMemory(run, limitMiB = 160) {
  assert.ok(run.peakRssMiB < limitMiB, `RSS grew ${run.peakRssMiB.toFixed(0)} MiB (limit ${limitMiB})`);
}

/** No upload is left on the hostile server (every one made was completed or aborted). */
export function assertNothingLeft(srv) {
  assert.deepEqual([...srv.uploads.keys()], [], 'uploads left on the server');
}

export { S3Client, S3Error, S3InputError, S3VerifyError };
