// Errors as the CLI prints them: what failed, with what, and what to do.
// report() prints one and gives the exit status: 1 failed, 2 bad usage or
// input (nothing was sent).
import { S3Error, S3InputError } from '../index.node.js';
import { UsageError } from './args.js';

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 };

// What to do about an S3 error code; `where` names the bucket or object.
const S3_HINTS = {
  NoSuchBucket: (c) => `the bucket "${c.bucket}" does not exist at ${c.endpoint}: check its name and the endpoint`,
  NoSuchUpload: () => 'the upload is gone (completed, aborted or expired): `s3mpu list-uploads` shows those left',
  NoSuchKey: (c) => `no object ${c.key ? `"${c.key}" ` : ''}in bucket "${c.bucket}"`,
  AccessDenied: () => 'these credentials may not do this: check S3MPU_ACCESS_KEY_ID and the bucket\'s policy',
  InvalidAccessKeyId: (c) => `${c.endpoint} does not know this access key: check S3MPU_ACCESS_KEY_ID (or AWS_ACCESS_KEY_ID)`,
  SignatureDoesNotMatch: () => 'check the secret key, the region (--region) and the endpoint; ' +
    '`s3mpu sign --help` shows how to compare signatures',
  AuthorizationHeaderMalformed: () => 'the region is probably wrong: pass the store\'s region with --region or S3MPU_REGION',
  PermanentRedirect: () => 'the bucket lives in another region or endpoint: check --endpoint and --region',
  RequestTimeTooSkewed: () => 'this machine\'s clock is far off: set it right (e.g. with NTP)',
  RequestTimeout: (c) => `a request to ${c.endpoint} made no progress for too long (--idle-timeout): check the connection, or raise it`,
};

// What to do about a connection failure (Node's error codes).
const NET_HINTS = {
  ECONNREFUSED: (c) => `nothing listens at ${c.endpoint}: is the server running, and on this port?`,
  ENOTFOUND: (c) => `the host name does not resolve: check --endpoint ${c.endpoint}` +
    ' (a store without bucket sub-domains needs --path-style)',
  EAI_AGAIN: () => 'the host name could not be resolved now: check the network and DNS',
  ECONNRESET: () => 'the server closed the connection: check the endpoint\'s scheme and port, then try again',
  ETIMEDOUT: (c) => `no answer from ${c.endpoint}: check the address, the port and any firewall`,
  EHOSTUNREACH: (c) => `${c.endpoint} is unreachable from here: check the address and the network`,
  EPROTO: (c) => tlsHint(c),
  ERR_SSL_WRONG_VERSION_NUMBER: (c) => tlsHint(c),
  DEPTH_ZERO_SELF_SIGNED_CERT: () => certHint(),
  SELF_SIGNED_CERT_IN_CHAIN: () => certHint(),
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: () => certHint(),
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: () => certHint(),
  CERT_HAS_EXPIRED: () => 'the server\'s TLS certificate has expired',
  ERR_TLS_CERT_ALTNAME_INVALID: () => 'the server\'s certificate is for another name: check the endpoint ' +
    '(with a bucket sub-domain the certificate must cover it; --path-style avoids that)',
};

function tlsHint(c) {
  const http = String(c.endpoint ?? '').replace(/^https:/i, 'http:');
  return `the server at ${c.endpoint} does not speak TLS on that port: use ${http} (http://), or the port of its https listener`;
}

function certHint() {
  return 'the server\'s TLS certificate is not trusted here: add its CA with NODE_EXTRA_CA_CERTS=ca.pem';
}

/** A network error's code (Node puts it on the error or its cause). */
function netCode(e) {
  for (let x = e, depth = 0; x && depth < 4; x = x.cause, depth++) {
    if (typeof x.code === 'string' && NET_HINTS[x.code]) return x.code;
    if (/wrong version number/i.test(String(x.message ?? ''))) return 'EPROTO';
  }
  return undefined;
}

/**
 * The lines to print for an error, and the exit status.
 * @param {unknown} e
 * @param {{ bucket?: string, key?: string, endpoint?: string, timeoutMs?: number, sent?: boolean }} context
 *   sent: whether requests were made (an input error then is no longer "before sending")
 */
export function describe(e, context = {}) {
  const c = { ...context, endpoint: context.endpoint ?? 'the endpoint' };
  if (e instanceof UsageError) return { lines: [`s3mpu: ${e.message}`], code: EXIT.usage, usage: e.usage };
  // --timeout: our own deadline (TimeoutError) or upload()'s (DeadlineExceeded).
  if (e?.name === 'TimeoutError' || (e instanceof S3Error && e.code === 'DeadlineExceeded')) {
    const after = c.timeoutMs === undefined ? '' : ` after ${c.timeoutMs / 1000} s`;
    return { lines: [`s3mpu: timed out${after} (--timeout): raise --timeout, or check the connection to ${c.endpoint}`], code: EXIT.failed };
  }
  if (e instanceof S3InputError) return describeInput(e, c);
  if (e instanceof S3Error) {
    const what = c.bucket ? `s3://${c.bucket}${c.key ? `/${c.key}` : ''}: ` : '';
    const lines = [`s3mpu: ${what}${e.message}`];
    if (e.code === 'SignatureDoesNotMatch') {
      if (e.canonicalRequest) lines.push(`the server's canonical request:\n${e.canonicalRequest}`);
      if (e.stringToSign) lines.push(`the server's string to sign:\n${e.stringToSign}`);
    }
    const hint = S3_HINTS[e.code]?.(c);
    if (hint) lines.push(`s3mpu: ${hint}`);
    return { lines, code: EXIT.failed };
  }
  const net = netCode(e);
  if (net) {
    const first = String(e.message ?? e).split('\n')[0].replace(/ [0-9A-F]{8,}:error:.*$/, '');
    return { lines: [`s3mpu: cannot reach ${c.endpoint}: ${first} (${net})`, `s3mpu: ${NET_HINTS[net](c)}`], code: EXIT.failed };
  }
  const cause = e?.cause ? ` (${e.cause.code ?? e.cause.message ?? e.cause})` : '';
  const lines = [`s3mpu: ${e?.message ?? e}${cause}`];
  if (process.env.S3MPU_DEBUG && e?.stack) lines.push(e.stack);
  return { lines, code: EXIT.failed };
}

function describeInput(e, c) {
  const detail = e.message && e.message !== e.code ? `: ${e.message}` : '';
  const lines = [];
  if (e.code === 'BodyChanged') {
    lines.push(`s3mpu: ${e.message || 'the file changed during the upload'}: the object would mix old and new bytes`);
    return { lines, code: EXIT.failed };
  }
  lines.push(c.sent ? `s3mpu: ${e.code}${detail}` : `s3mpu: refused before sending: ${e.code}${detail}`);
  if (e.code === 'InvalidRegion') lines.push('s3mpu: pass the store\'s region with --region R or S3MPU_REGION (us-east-1 suits most stores)');
  if (e.code === 'InvalidEndpoint') lines.push('s3mpu: the endpoint is scheme://host[:port], e.g. https://s3.example.com or http://127.0.0.1:7480');
  if (e.code === 'InvalidCredentials') lines.push('s3mpu: check S3MPU_ACCESS_KEY_ID and S3MPU_SECRET_ACCESS_KEY (or the AWS_* ones)');
  return { lines, code: c.sent ? EXIT.failed : EXIT.usage };
}

/** Secrets never reach the terminal, whatever an error message contains. */
export function redact(text, secrets) {
  let out = String(text);
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('<secret>');
  return out;
}
