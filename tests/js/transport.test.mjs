// Which transport S3Client uses (js/src/transport.js), without a server.
//
//   node --test tests/js/transport.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultTransport, fetchTransport } from '../../js/src/transport.js';
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
    assert.deepEqual(calls, [['http://127.0.0.1:9/k', { method: 'PUT', headers: [['a', 'b']], body: 'x' }]]);
    assert.equal(fetchTransport(f).kind, 'fetch');
  });

  it('on Node without one: node:http(s)', () => {
    const t = defaultTransport(undefined);
    assert.equal(t.kind, 'node');
    t.close();
  });
});
