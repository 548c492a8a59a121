// ETags as servers send them: quoted or not, and for a part or a single-request
// object the MD5 of the body in hex. A file of its own, so that a page bundle
// (s3mpu/direct) takes these lines without the rest of object.js.

/** An ETag without its double quotes ('' for none): servers differ in quoting it. */
export function unquote(etag) {
  return (etag ?? '').replace(/^"|"$/g, '');
}

/** An ETag as the hex digest it holds: unquoted, lower case. */
export function etagHex(etag) {
  return unquote(etag).toLowerCase();
}
