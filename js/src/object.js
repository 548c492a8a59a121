// An S3 object as the operations take it from the caller: its name and the
// headers stored with it, and its ETag without quotes.

/** Bucket, key and the headers stored with the object (ObjectHeaders in types/index.d.ts). */
export function objectFields(p) {
  return {
    bucket: p.bucket, key: p.key, contentType: p.contentType, cacheControl: p.cacheControl,
    contentDisposition: p.contentDisposition, contentEncoding: p.contentEncoding,
    expires: p.expires instanceof Date ? p.expires.toUTCString() : p.expires,
    storageClass: p.storageClass, metadata: p.metadata,
  };
}

/** An ETag without its double quotes ('' for none): servers differ in quoting it. */
export function unquote(etag) {
  return (etag ?? '').replace(/^"|"$/g, '');
}
