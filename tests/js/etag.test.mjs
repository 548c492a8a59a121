// ETags as servers send them (js/src/etag.js).
//
//   node --test tests/js/etag.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { etagHex, unquote } from '../../js/src/etag.js';

describe('unquote', () => {
  it('drops the quotes servers put around an ETag; nothing for none', () => {
    assert.equal(unquote('"abc-2"'), 'abc-2');
    assert.equal(unquote('abc'), 'abc');
    assert.equal(unquote(undefined), '');
    assert.equal(unquote(''), '');
  });
});

describe('etagHex', () => {
  it('the hex digest an ETag holds, as hex() writes it: unquoted, lower case', () => {
    assert.equal(etagHex('"D41D8CD98F00B204E9800998ECF8427E"'), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(etagHex('d41d8cd98f00b204e9800998ecf8427e'), 'd41d8cd98f00b204e9800998ecf8427e');
    assert.equal(etagHex(undefined), '');
  });
});
