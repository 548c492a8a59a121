// One HTTP request of a direct upload. XMLHttpRequest where there is one:
// fetch reports no upload progress. Elsewhere (tests on Node) fetch.
//
//   send({ method, url, headers, body, signal, onProgress, idleTimeout })
//     -> { status, header(name), text }   for any HTTP answer
//     rejects with a NetworkError (status 0) when no answer came (code
//     'RequestTimeout' when nothing moved for idleTimeout ms), with
//     signal.reason when aborted
import { anySignal } from '../signal.js';

/** No HTTP answer: the network failed, or the browser refused it (CORS). */
export class NetworkError extends Error {
  constructor(message, { method, url } = {}) {
    super(message);
    this.name = 'NetworkError';
    this.status = 0;
    this.method = method;
    this.url = url;
  }
}

export function send(req) {
  req.signal?.throwIfAborted();
  return typeof XMLHttpRequest === 'undefined' ? viaFetch(req) : viaXhr(req);
}

function stalled(method, url, ms) {
  const e = new NetworkError(`${method} ${new URL(url).origin}: nothing sent or received for ${ms} ms`, { method, url });
  e.code = 'RequestTimeout';
  return e;
}

function viaXhr({ method, url, headers = {}, body, signal, onProgress, idleTimeout }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let timer;
    let timedOut = false;
    // Idle, not total: a slow link that keeps moving is never cut.
    const alive = () => {
      clearTimeout(timer);
      if (idleTimeout) {
        timer = setTimeout(() => {
          timedOut = true;
          xhr.abort();
        }, idleTimeout);
      }
    };
    const onAbort = () => xhr.abort();
    const end = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      alive();
      onProgress?.(e.loaded);
    };
    xhr.onprogress = alive;
    xhr.onreadystatechange = alive;
    xhr.onload = () => {
      end();
      resolve({ status: xhr.status, header: (name) => xhr.getResponseHeader(name) ?? undefined, text: xhr.responseText ?? '' });
    };
    xhr.onerror = () => {
      end();
      reject(new NetworkError(`${method} ${new URL(url).origin}: no answer (network error, or refused by CORS)`, { method, url }));
    };
    xhr.onabort = () => {
      end();
      reject(timedOut ? stalled(method, url, idleTimeout) : signal?.reason ?? new DOMException('aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    alive();
    xhr.send(body ?? null);
  });
}

// fetch shows no progress: idleTimeout bounds the whole exchange.
async function viaFetch({ method, url, headers, body, signal, idleTimeout }) {
  const timeout = new AbortController();
  const timer = idleTimeout && setTimeout(() => timeout.abort(stalled(method, url, idleTimeout)), idleTimeout);
  const both = signal ? anySignal([signal, timeout.signal]) : timeout.signal;
  try {
    const response = await fetch(url, { method, headers, body, signal: both });
    const text = await response.text();
    return { status: response.status, header: (name) => response.headers.get(name) ?? undefined, text };
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (timeout.signal.aborted) throw timeout.signal.reason;
    throw new NetworkError(`${method} ${new URL(url).origin}: no answer (${e?.message ?? e})`, { method, url });
  } finally {
    clearTimeout(timer);
  }
}

/** S3's <Code> and <Message> from an error body, if any. */
export function s3ErrorOf(text) {
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  return { code, message };
}
