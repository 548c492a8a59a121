// The Cloudflare Workers entry (js/src/index.worker.js) in Node, with the .wasm import served
// as a compiled Module (harness/wasm-module-hook.mjs) as wrangler does: S3Client.create()
// needs no `wasm` option there. tests/worker runs it in workerd itself.
//
//   node --test tests/js/index.worker.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';
import * as shared from '../../js/src/index.js';

register('./harness/wasm-module-hook.mjs', import.meta.url);
const worker = await import('../../js/src/index.worker.js');

describe('index.worker.js', () => {
  it('exports what index.js exports', () => {
    assert.deepEqual(Object.keys(worker).sort(), Object.keys(shared).sort());
    assert.equal(worker.S3Client, shared.S3Client);
  });

  it('S3Client.create() takes the imported Module by default', async () => {
    const s3 = await worker.S3Client.create({
      endpoint: 'https://s3.us-east-1.amazonaws.com', region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDWORKER', secretAccessKey: 'worker-secret' },
      fetch: () => assert.fail('no request'),
    });
    const { url } = s3.presign({ bucket: 'worker-bucket', key: 'k', uploadId: 'u', partNumber: 2 });
    assert.match(url, /^https:\/\/worker-bucket\.s3\.us-east-1\.amazonaws\.com\/k\?.*partNumber=2/);
    s3.destroy();
  });
});
