// An object's fields as the operations take them (js/src/object.js).
//
//   node --test tests/js/object.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { objectFields } from '../../js/src/object.js';

describe('objectFields', () => {
  it('bucket, key and the stored headers; a Date expires as an HTTP-date; nothing else', () => {
    const f = objectFields({
      bucket: 'b', key: 'k', contentType: 't', cacheControl: 'c', contentDisposition: 'd', contentEncoding: 'e',
      expires: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), storageClass: 'STANDARD', metadata: { a: '1' },
      contentMD5: 'x', uploadId: 'u', body: 'b', signal: undefined,
    });
    assert.deepEqual(f, {
      bucket: 'b', key: 'k', contentType: 't', cacheControl: 'c', contentDisposition: 'd', contentEncoding: 'e',
      expires: 'Fri, 02 Jan 2026 03:04:05 GMT', storageClass: 'STANDARD', metadata: { a: '1' },
    });
    assert.equal(objectFields({ bucket: 'b', key: 'k', expires: 'Sat, 01 Jan 2000 00:00:00 GMT' }).expires, 'Sat, 01 Jan 2000 00:00:00 GMT');
  });
});
