// An S3 object as the operations take it from the caller: its name and the
// headers stored with it (its ETag: etag.js).
import { S3InputError } from './errors.js';

const HEADERS = ['contentType', 'cacheControl', 'contentDisposition', 'contentEncoding', 'expires', 'storageClass'];

/**
 * Bucket, key and the headers stored with the object (ObjectHeaders in
 * types/index.d.ts), refused before sending when a value cannot be sent.
 */
export function objectFields(p) {
  if (p.expires instanceof Date && Number.isNaN(p.expires.getTime())) {
    throw new S3InputError('InvalidDate', 'expires is an Invalid Date');
  }
  const fields = {
    bucket: p.bucket, key: p.key, contentType: p.contentType, cacheControl: p.cacheControl,
    contentDisposition: p.contentDisposition, contentEncoding: p.contentEncoding,
    expires: p.expires instanceof Date ? p.expires.toUTCString() : p.expires,
    storageClass: p.storageClass, metadata: p.metadata,
  };
  for (const name of HEADERS) checkHeaderValue(name, fields[name], 'InvalidHeader');
  for (const [name, value] of Object.entries(p.metadata ?? {})) {
    checkHeaderValue(`metadata name ${JSON.stringify(name)}`, name, 'InvalidMetadata');
    checkHeaderValue(`metadata ${name}`, String(value), 'InvalidMetadata');
  }
  return fields;
}

/**
 * One rule for header values: printable ASCII. The signature covers a value's
 * UTF-8 bytes but HTTP stacks send header values as Latin-1 (or refuse them),
 * so anything else would not match what was signed.
 */
function checkHeaderValue(name, value, code) {
  if (typeof value !== 'string' || /^[\x20-\x7e]*$/.test(value)) return;
  throw new S3InputError(code, `${name} has a character outside printable ASCII, which HTTP cannot carry ` +
    'as it is signed: encode it first. A file name: RFC 5987, attachment; filename*=UTF-8\'\'r%C3%A9sum%C3%A9.pdf; ' +
    'metadata: percent-encode the value (encodeURIComponent) and decode it when reading it back');
}
