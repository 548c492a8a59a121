// Helpers for the tests that need no server: a client whose fetch fails the test if called,
// the module's bytes, and an independent check of a presigned URL's signature.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const wasmPath = path.resolve(process.env.S3MPU_WASM || path.join(here, '../../../js/s3mpu.wasm'));
export const wasmBytes = await readFile(wasmPath);

export const ENDPOINT = 'http://127.0.0.1:9';
export const ACCESS_KEY = 'AKIDS3MPUCORETEST';
export const SECRET = 'core/test/SECRET+0123456789abcdefGHIJ';
// 2026-01-02T03:04:05Z, in milliseconds (the client's clock unit).
export const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

/** URLs a client of options() tried to fetch: a test file checks it is empty in after(). */
export const fetchCalls = [];
export function mustNotFetch(url) {
  fetchCalls.push(String(url));
  throw new Error(`fetch must not be called (${url})`);
}

export function options(extra = {}) {
  return {
    endpoint: ENDPOINT,
    region: 'us-east-1',
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
    forcePathStyle: true,
    fetch: mustNotFetch,
    clock: () => T0,
    wasm: wasmBytes,
    ...extra,
  };
}

export const UPLOAD = { bucket: 'core-bucket', key: 'dir/file name+1.bin', uploadId: '2~AbC-dEf_123' };

/** Count of `needle` (bytes) inside `haystack`. */
export function occurrences(haystack, needle) {
  const buf = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength);
  let n = 0;
  for (let i = buf.indexOf(needle); i >= 0; i = buf.indexOf(needle, i + 1)) n++;
  return n;
}

/**
 * Checks a presigned URL's signature independently (node:crypto): the canonical request is
 * rebuilt from the URL as sent, so this proves the signature matches the URL, not that the
 * URL's encoding is right (the server tests do that).
 */
export function verifyPresigned({ url, method, headers = {} }, secret = SECRET) {
  const u = new URL(url);
  const raw = u.search.slice(1).split('&').map((p) => {
    const i = p.indexOf('=');
    return i < 0 ? [p, ''] : [p.slice(0, i), p.slice(i + 1)];
  });
  const params = Object.fromEntries(raw.map(([k, v]) => [k, decodeURIComponent(v)]));
  const signature = params['X-Amz-Signature'];
  const query = raw.filter(([k]) => k !== 'X-Amz-Signature')
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join('&');
  // Every header the caller must send is signed, with host.
  const all = { ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])), host: u.host };
  const names = Object.keys(all).sort();
  assert.equal(params['X-Amz-SignedHeaders'], names.join(';'));
  const canonicalHeaders = names.map((n) => `${n}:${String(all[n]).trim().replace(/ +/g, ' ')}\n`).join('');
  const canonical = [method, u.pathname, query, canonicalHeaders, names.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
  const [, date, region, service] = params['X-Amz-Credential'].split('/');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', params['X-Amz-Date'], scope,
    createHash('sha256').update(canonical).digest('hex')].join('\n');
  let k = `AWS4${secret}`;
  for (const part of [date, region, service, 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  assert.equal(signature, createHmac('sha256', k).update(toSign).digest('hex'), `signature of ${url}`);
  return params;
}
