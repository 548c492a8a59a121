// One HTTP request of a direct upload. XMLHttpRequest where there is one:
// fetch reports no upload progress. Elsewhere (tests on Node) fetch.
//
//   send({ method, url, headers, body, signal, onProgress })
//     -> { status, header(name), text }   for any HTTP answer
//     rejects with a NetworkError (status 0) when no answer came,
//     with signal.reason when aborted

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

function viaXhr({ method, url, headers = {}, body, signal, onProgress }) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    const end = () => signal?.removeEventListener('abort', onAbort);
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
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
      reject(signal?.reason ?? new DOMException('aborted', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    xhr.send(body ?? null);
  });
}

async function viaFetch({ method, url, headers, body, signal }) {
  let response;
  try {
    response = await fetch(url, { method, headers, body, signal });
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    throw new NetworkError(`${method} ${new URL(url).origin}: no answer (${e?.message ?? e})`, { method, url });
  }
  const text = await response.text();
  return { status: response.status, header: (name) => response.headers.get(name) ?? undefined, text };
}

/** S3's <Code> and <Message> from an error body, if any. */
export function s3ErrorOf(text) {
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  return { code, message };
}
