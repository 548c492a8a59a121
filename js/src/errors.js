// Errors: S3Error is what the server said (or a response that made no
// sense); S3InputError is input refused before anything was sent. The codes
// of errors the core reports are named in wasm/abi.c (WasmAbi.errorName).

/** A failure reported by the S3 server (HTTP status and S3 error code). */
export class S3Error extends Error {
  /**
   * @param {{ code: string, message?: string, status: number, requestId?: string,
   *   hostId?: string, stringToSign?: string, canonicalRequest?: string, cause?: unknown }} info
   */
  constructor({ code, message, status, requestId, hostId, stringToSign, canonicalRequest, cause }) {
    super(`${code}${message ? `: ${message}` : ''} (HTTP ${status}${requestId ? `, request ${requestId}` : ''})`,
      cause ? { cause } : undefined);
    this.name = 'S3Error';
    this.code = code;
    this.status = status;
    this.requestId = requestId || undefined;
    this.hostId = hostId || undefined;
    // Present when the server explains a SignatureDoesNotMatch.
    this.stringToSign = stringToSign || undefined;
    this.canonicalRequest = canonicalRequest || undefined;
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
