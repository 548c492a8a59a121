// How failed attempts are retried: the defaults of the `retry` option and the
// backoff between attempts (which errors are retried is the core's
// s3mpu_retry_classify, through WasmAbi.retryClassify).

// attempts: of a single operation; inside upload(), a request is retried while the
// upload as a whole has made progress within noProgressMs.
export const DEFAULT_RETRY = { attempts: 5, baseDelayMs: 200, maxDelayMs: 20_000, noProgressMs: 60_000 };

/** Full jitter: uniform in [0, min(max, base * 2^attempt)). */
export function backoffMs(attempt, { baseDelayMs, maxDelayMs }) {
  return Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
}
