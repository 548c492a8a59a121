// Input that used to be coerced silently is refused before anything is sent (issue 11, item
// 12), and a setter's error names its own problem, not the previous error's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostileServer } from './server.mjs';
import { BODY, PART, clientOf, S3InputError } from './harness.mjs';

describe('input refused before sending', () => {
  let srv;
  let s3;
  it('setup', async () => {
    srv = await hostileServer();
    s3 = await clientOf(srv, 'node');
  });

  const refused = async (fn, pattern) => {
    await assert.rejects(async () => fn(), (e) => {
      assert.ok(e instanceof S3InputError, `${e?.name}: ${e?.message}`);
      if (pattern) assert.match(e.message, pattern);
      return true;
    });
  };

  it('partSize: 0 is refused, not taken as the default', async () => {
    await refused(() => s3.upload({ bucket: 'bkt', key: 'k', body: BODY, partSize: 0 }), /partSize/);
    await refused(() => s3.upload({ bucket: 'bkt', key: 'k', body: BODY, partSize: 5 * 1024 * 1024 + 0.5 }), /partSize/);
  });

  it('presignParts with a part number of 1.5 is refused', async () => {
    await refused(() => s3.presignParts({ bucket: 'bkt', key: 'k', uploadId: 'u', partNumbers: [1, 1.5] }), /part/i);
  });

  it('expires: Invalid Date is refused', async () => {
    await refused(() => s3.upload({ bucket: 'bkt', key: 'k', body: BODY, partSize: PART, expires: new Date(NaN) }), /expires/i);
  });

  it('a key with a lone surrogate is refused, not sent as U+FFFD', async () => {
    await refused(() => s3.upload({ bucket: 'bkt', key: 'a\uD800b', body: BODY, partSize: PART }), /surrogate|UTF-16/i);
    await refused(() => s3.upload({ bucket: 'bkt', key: 'k', body: BODY, partSize: PART, metadata: { x: '\uDC00' } }), /surrogate|UTF-16|ASCII/i);
  });

  it('a setter\'s error names its own problem, not the previous one\'s', async () => {
    await refused(() => s3.presign({ operation: 'putObject', bucket: 'Bad_Bucket!', key: 'k' }), /bucket/i);
    await assert.rejects(async () => s3.presignParts({ bucket: 'bkt', key: 'k', uploadId: 'u', partNumbers: [-1] }), (e) => {
      assert.doesNotMatch(e.message, /Bad_Bucket/);
      return true;
    });
  });

  it('nothing reached the server', async () => {
    assert.equal(srv.requests.length, 0);
    await srv.close();
  });
});
