// Which transport S3Client uses (js/src/transport.js), without a server.
//
//   node --test tests/js/transport.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultTransport, fetchTransport, MAX_RESPONSE_BYTES } from '../../js/src/transport.js';
import '../../js/src/index.node.js'; // plugs in the node:http transport

describe('defaultTransport', () => {
  it('a fetch the caller injects is used as it is, without onProgress', async () => {
    const calls = [];
    const f = async (url, init) => {
      calls.push([url, init]);
      return new Response('ok');
    };
    const t = defaultTransport(f);
    assert.equal(t.kind, 'fetch');
    await t('http://127.0.0.1:9/k', { method: 'PUT', headers: [['a', 'b']], body: 'x', onProgress: () => {} });
    // Never following a redirect, and with a signal of its own (the idle timeout).
    const [[url, { signal, ...init }]] = calls;
    assert.equal(url, 'http://127.0.0.1:9/k');
    assert.deepEqual(init, { method: 'PUT', headers: [['a', 'b']], body: 'x', redirect: 'manual' });
    assert.ok(signal instanceof AbortSignal);
    assert.equal(fetchTransport(f).kind, 'fetch');
  });

  it('on Node without one: node:http(s)', () => {
    const t = defaultTransport(undefined);
    assert.equal(t.kind, 'node');
    t.close();
  });
});

describe('answers (both transports; tests/hostile runs them against a hostile server)', () => {
  it('fetch: an endless body stops at MAX_RESPONSE_BYTES with ResponseTooLarge and the status', async () => {
    const endless = () => new Response(new ReadableStream({ pull: (c) => c.enqueue(new Uint8Array(1 << 20)) }), { status: 403 });
    const t = fetchTransport(async () => endless());
    await assert.rejects(t('http://127.0.0.1:9/b/k', { method: 'GET', headers: [] }), (e) => {
      assert.equal(e.name, 'S3Error');
      assert.equal(e.code, 'ResponseTooLarge');
      assert.equal(e.status, 403);
      return true;
    });
    assert.ok(MAX_RESPONSE_BYTES < 64 * 1024 * 1024);
  });

  it('fetch: a path URL parsing would change is refused before sending', async () => {
    let sent = 0;
    const t = fetchTransport(async () => {
      sent++;
      return new Response('');
    });
    await assert.rejects(t('http://127.0.0.1:9/b/a/../k', { method: 'PUT', headers: [] }), { name: 'S3InputError', code: 'InvalidKey' });
    await t('http://127.0.0.1:9/b/a//k', { method: 'PUT', headers: [] });
    assert.equal(sent, 1);
  });

  it('fetch: no progress for idleTimeoutMs ends the request with RequestTimeout', async () => {
    const t = fetchTransport((_url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason))),
      { idleTimeoutMs: 50 });
    await assert.rejects(t('http://127.0.0.1:9/b/k', { method: 'GET', headers: [] }), { name: 'S3Error', code: 'RequestTimeout' });
  });
});
