// The error policy: every failure the package reports is one of three classes.
//   S3InputError   input refused before anything was sent (a TypeError; `code`
//                  names the rule broken: "InvalidBucketName", "InvalidArgument", ...)
//   S3Error        the store said no: its S3 error code and HTTP status (also a
//                  200 that carries an <Error>); and S3's codes for our own time
//                  limits, without a status: RequestTimeout (idleTimeout: no
//                  progress), DeadlineExceeded (upload's timeout)
//   S3VerifyError  the store answered, but we could not verify what it said: an
//                  ETag or checksum that is not ours, an answer we cannot parse
// Network failures and aborts reach the caller as the runtime reports them
// (fetch's TypeError, the AbortSignal's reason); wasm memory exhausted is a
// RangeError. The codes of errors the core reports are named in core/src/error.c
// (WasmAbi.errorName reads them from the module).

function describe(code, message, status, requestId) {
  const where = [status === undefined ? '' : `HTTP ${status}`, requestId ? `request ${requestId}` : ''].filter(Boolean);
  return `${code}${message ? `: ${message}` : ''}${where.length ? ` (${where.join(', ')})` : ''}`;
}

// S3-style codes for an error status that came without an S3 <Error> document: a HEAD (no
// body), or a proxy's HTML 500 or text 404. "MalformedXML" would be wrong there: it is S3's
// code for bad *client* XML, and the status alone already says what happened.
const STATUS_CODES = {
  400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict',
  411: 'MissingContentLength', 412: 'PreconditionFailed', 416: 'InvalidRange', 429: 'TooManyRequests',
  500: 'InternalError', 501: 'NotImplemented', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout',
};

/** The S3Error for an error `status` whose body (`text`, maybe empty) is no S3 <Error>. */
export function statusError(status, text, requestId) {
  const code = STATUS_CODES[status] ?? (status >= 500 ? 'ServerError' : 'ClientError');
  // The body's words, without markup, shortened: enough to recognise a proxy's page.
  const words = String(text ?? '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return new S3Error({ code, message: words.length > 200 ? `${words.slice(0, 200)}...` : words, status, requestId });
}

/** What the store said no with: an S3 error code and HTTP status. */
export class S3Error extends Error {
  /**
   * @param {{ code: string, message?: string, status?: number, requestId?: string,
   *   hostId?: string, stringToSign?: string, canonicalRequest?: string, cause?: unknown }} info
   */
  constructor({ code, message, status, requestId, hostId, stringToSign, canonicalRequest, cause }) {
    super(describe(code, message, status, requestId), cause ? { cause } : undefined);
    this.name = 'S3Error';
    this.code = code;
    this.status = status;
    this.requestId = requestId || undefined;
    this.hostId = hostId || undefined;
    // Present when the server explains a SignatureDoesNotMatch; the session token it
    // echoes is a credential, so it is not kept.
    this.stringToSign = stringToSign || undefined;
    this.canonicalRequest = withoutToken(canonicalRequest) || undefined;
  }
}

/** A canonical request with the session token's value (header or presigned query) redacted. */
function withoutToken(canonical) {
  return canonical
    ?.replace(/^(x-amz-security-token:).*$/gim, '$1[redacted]')
    .replace(/(X-Amz-Security-Token=)[^&\s]*/gi, '$1[redacted]');
}

/**
 * An answer we could not verify: `code` is "ETagMismatch", "ChecksumMismatch",
 * "SizeMismatch", "MissingETag", "PaginationLoop", "InvalidUploadId", or the
 * parser's "MalformedXML", "XMLTooLarge", "UnexpectedXML"; `status` is the HTTP status of the answer checked, when
 * there was one. The object may or may not hold what was sent: check it.
 */
export class S3VerifyError extends Error {
  /** @param {{ code: string, message: string, status?: number, requestId?: string }} info */
  constructor({ code, message, status, requestId }) {
    super(describe(code, message, status, requestId));
    this.name = 'S3VerifyError';
    this.code = code;
    this.status = status;
    this.requestId = requestId || undefined;
  }
}

/** Input refused before anything was sent. `code` names the rule broken. */
export class S3InputError extends TypeError {
  constructor(code, message) {
    super(message);
    this.name = 'S3InputError';
    this.code = code;
  }
}
