// `s3mpu sign`: sign one request described in JSON with the core's SigV4
// signer and show every step, to compare with what a server (or another
// client) computed when it answers SignatureDoesNotMatch.
import { createHash } from 'node:crypto';
import { loadAbi } from '../wasm.js';
import { S3InputError } from '../errors.js';
import { EXPIRES_DEFAULT, EXPIRES_MAX } from '../limits.js';
import { UsageError, parse } from './args.js';
import { envCredentials } from './connection.js';
import { EXIT } from './report.js';

const FIELDS = new Set([
  'method', 'endpoint', 'addressing_style', 'bucket', 'key', 'query', 'headers', 'body', 'body_b64',
  'payload', 'payload_hash', 'credentials', 'region', 'service', 'amz_date', 'presign', 'expires',
]);
// Headers the signer writes itself (header mode); given ones are dropped and
// the signer's own are signed and listed in the output instead.
const OWNED_HEADERS = ['x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token', 'authorization'];
// In a presigned URL the payload hash header is the caller's (if any).
const OWNED_HEADERS_PRESIGN = ['x-amz-date', 'x-amz-security-token', 'authorization'];
// Query parameters a presigned URL's signer writes itself.
const OWNED_QUERY = ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires',
  'x-amz-signedheaders', 'x-amz-signature', 'x-amz-security-token'];

export const SIGN_HELP = `usage: s3mpu sign < request.json

Signs one request with the s3mpu core and prints, as JSON, its canonical
request, string to sign, signature, signed headers, URL and headers (and the
Authorization value or the presigned URL). Compare them with the
<CanonicalRequest> and <StringToSign> of a SignatureDoesNotMatch answer.

Input (one JSON object on stdin):
  method            "PUT"
  endpoint          "https://s3.example.com" (scheme://host[:port]; default ports dropped)
  addressing_style  "virtual" (BUCKET.host) | "path" (host/BUCKET); default: path
                    for IP addresses and localhost, else virtual
  bucket, key       not encoded; the path is /KEY (virtual) or /BUCKET/KEY (path)
  query             [[name, value], ...] not encoded; ["uploads", ""] for ?uploads
  headers           [[name, value], ...] signed and sent; Host is derived from the
                    endpoint (a Host given must match it); x-amz-date,
                    x-amz-content-sha256 (header mode), x-amz-security-token and
                    Authorization are the signer's: given ones are dropped and
                    listed in "dropped"
  body | body_b64   the payload (UTF-8 text | base64), hashed when payload is "hash",
                    sent unhashed with "UNSIGNED-PAYLOAD"
  payload           "hash" (default; "UNSIGNED-PAYLOAD" when presigning) |
                    "UNSIGNED-PAYLOAD" | "precomputed" with payload_hash (hex SHA-256)
  credentials       { "access_key", "secret_key", "session_token"? }; default:
                    S3MPU_ACCESS_KEY_ID, S3MPU_SECRET_ACCESS_KEY, S3MPU_SESSION_TOKEN
                    (or the AWS_* ones) from the environment
  region            "us-east-1"; default: S3MPU_REGION
  service           "s3" (default; other names sign no x-amz-content-sha256)
  amz_date          "YYYYMMDDTHHMMSSZ" (default: now)
  presign, expires  true and seconds (default ${EXPIRES_DEFAULT}) for a presigned URL; the
                    X-Amz-* parameters are the signer's (given ones are dropped)

Exit status 2 with a message for input it cannot sign.`;

/** `s3mpu sign`: one JSON request on stdin, its signature on stdout. */
export async function sign(argv, ctx) {
  const { values, positionals } = parse(argv, { help: { type: 'boolean', short: 'h' } }, 'sign');
  if (values.help) {
    ctx.io.stdout.write(`${SIGN_HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError('sign takes no arguments: it reads one JSON object on stdin', { usage: 'sign' });
  if (ctx.io.stdin.isTTY) throw new UsageError('sign reads a JSON request on stdin (see s3mpu sign --help)');
  const chunks = [];
  for await (const chunk of ctx.io.stdin) chunks.push(chunk);
  let input;
  try {
    input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new UsageError(`sign: stdin is not JSON: ${e.message}`);
  }
  const env = envCredentials();
  if (env) ctx.secrets.push(env.secretAccessKey, env.sessionToken);
  const abi = await loadAbi();
  ctx.io.stdout.write(`${JSON.stringify(signRequest(abi, input), null, 2)}\n`);
  return EXIT.ok;
}

// Hosts without bucket sub-domains, as the core decides (build.c is_local_or_ip).
const NO_SUBDOMAINS = /^(\[.*\]|[\d.]+|localhost)$/i;

/** The JSON result of `s3mpu sign` for a parsed input object. */
export function signRequest(abi, input, env = process.env) {
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw bad('the input must be a JSON object');
  for (const name of Object.keys(input)) {
    if (!FIELDS.has(name)) throw bad(`unknown field "${name}" (known: ${[...FIELDS].join(', ')})`);
  }
  const presign = input.presign ?? false;
  if (typeof presign !== 'boolean') throw bad('presign must be true or false');
  const method = input.method;
  if (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method)) throw bad('method must be an HTTP method such as "PUT"');

  const { origin, fullHost, path } = address(input);
  const { headers, query, dropped } = signedParts(input, presign, fullHost);
  const payloadHash = payloadHashOf(input, presign);
  const { accessKeyId, secretAccessKey, sessionToken, region, service } = signerOf(input, env);
  const now = input.amz_date === undefined ? Math.floor(Date.now() / 1000) : parseAmzDate(input.amz_date);
  let expires = 0;
  if (presign) {
    expires = input.expires ?? EXPIRES_DEFAULT;
    if (!Number.isInteger(expires) || expires < 1 || expires > EXPIRES_MAX) throw bad(`expires must be whole seconds from 1 to ${EXPIRES_MAX}`);
  } else if (input.expires !== undefined) {
    throw bad('expires is for presigned URLs: add "presign": true');
  }

  let sig;
  try {
    sig = abi.sign({
      method, path, payloadHash, accessKeyId, secretAccessKey, sessionToken, region, service,
      query, headers, now, expires,
      contentSha256: !presign && service === 's3',
    });
  } catch (e) {
    if (e instanceof S3InputError) throw bad(`the core refused to sign: ${e.code}${e.message && e.message !== e.code ? `: ${e.message}` : ''}`);
    throw e;
  }

  // The canonical request's second line is the path as encoded for the URL.
  const encodedPath = sig.canonicalRequest.split('\n')[1];
  const url = `${origin.protocol}//${fullHost}${encodedPath}${sig.query ? `?${sig.query}` : ''}`;
  const sent = headers.map(([n, v]) => [n, v]);
  if (!presign) {
    sent.push(['x-amz-date', sig.amzDate]);
    if (sessionToken) sent.push(['x-amz-security-token', sessionToken]);
    if (service === 's3') sent.push(['x-amz-content-sha256', payloadHash]);
    sent.push(['authorization', sig.authorization]);
  }
  return {
    canonical_request: sig.canonicalRequest,
    string_to_sign: sig.stringToSign,
    signature: sig.signature,
    signed_headers: sig.signedHeaders,
    url,
    headers: sent,
    ...(presign ? { presigned_url: url } : { authorization: sig.authorization }),
    amz_date: sig.amzDate,
    payload_hash: payloadHash,
    ...(dropped.length ? { dropped } : {}),
  };
}

/** The host (with the bucket, virtual-hosted) and the unencoded path. */
function address(input) {
  const { origin, host } = endpointHost(input);
  const bucket = optionalString(input, 'bucket');
  const key = optionalString(input, 'key');
  const style = input.addressing_style ?? (NO_SUBDOMAINS.test(origin.hostname) ? 'path' : 'virtual');
  if (style !== 'virtual' && style !== 'path') throw bad('addressing_style must be "virtual" or "path"');
  const virtual = style === 'virtual' && bucket !== '';
  const fullHost = virtual ? `${bucket}.${host}` : host;
  // A bucket-level request in path style is "/BUCKET" (what the builders send).
  const path = virtual || bucket === '' ? `/${key}` : key === '' ? `/${bucket}` : `/${bucket}/${key}`;
  return { origin, fullHost, path };
}

/** The headers and query to sign; what the signer writes itself is dropped (and listed). */
function signedParts(input, presign, fullHost) {
  const dropped = [];
  const owned = presign ? OWNED_HEADERS_PRESIGN : OWNED_HEADERS;
  const headers = [['host', fullHost]];
  for (const [name, value] of pairs(input, 'headers')) {
    const lower = name.toLowerCase();
    if (lower === 'host') {
      if (value.trim().toLowerCase() !== fullHost) {
        throw bad(`the Host header "${value}" is not the host of endpoint and bucket ("${fullHost}"): ` +
          'change endpoint, addressing_style or bucket, or leave Host out');
      }
    } else if (owned.includes(lower)) {
      dropped.push(name);
    } else {
      headers.push([name, value]);
    }
  }
  const query = [];
  for (const [name, value] of pairs(input, 'query')) {
    if (presign && OWNED_QUERY.includes(name.toLowerCase())) dropped.push(name);
    else query.push([name, value]);
  }
  return { headers, query, dropped };
}

/** Credentials (the input's, else the environment's), region and service. */
function signerOf(input, env) {
  const creds = input.credentials ?? fromEnv(env);
  if (!creds || typeof creds !== 'object') {
    throw bad('credentials must be { "access_key", "secret_key", "session_token"? }, or set S3MPU_ACCESS_KEY_ID ' +
      'and S3MPU_SECRET_ACCESS_KEY (or the AWS_* ones)');
  }
  const accessKeyId = creds.access_key;
  const secretAccessKey = creds.secret_key;
  const sessionToken = creds.session_token ?? '';
  if (typeof accessKeyId !== 'string' || !accessKeyId) throw bad('credentials.access_key must be a non-empty string');
  if (typeof secretAccessKey !== 'string' || !secretAccessKey) throw bad('credentials.secret_key must be a non-empty string');
  if (typeof sessionToken !== 'string') throw bad('credentials.session_token must be a string');
  const region = input.region ?? (env.S3MPU_REGION || undefined);
  if (typeof region !== 'string' || !region) throw bad('region must be a non-empty string such as "us-east-1" (or set S3MPU_REGION)');
  const service = input.service ?? 's3';
  if (typeof service !== 'string' || !service) throw bad('service must be a non-empty string');
  return { accessKeyId, secretAccessKey, sessionToken, region, service };
}

/** Credentials from the environment in the input's form, or undefined. */
function fromEnv(env) {
  const c = envCredentials(env);
  return c && { access_key: c.accessKeyId, secret_key: c.secretAccessKey, ...(c.sessionToken ? { session_token: c.sessionToken } : {}) };
}

function bad(message) {
  return new UsageError(`sign: ${message}`);
}

function endpointHost(input) {
  let url;
  try {
    url = new URL(input.endpoint);
  } catch {
    throw bad('endpoint must be a URL such as "https://s3.example.com" or "http://127.0.0.1:7480"');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw bad('endpoint must start with http:// or https://');
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw bad('endpoint must be scheme://host[:port] only (no path, query or user)');
  }
  return { origin: url, host: url.host }; // URL drops the scheme's default port
}

function optionalString(input, name) {
  const v = input[name] ?? '';
  if (typeof v !== 'string') throw bad(`${name} must be a string`);
  return v;
}

function pairs(input, name) {
  const list = input[name] ?? [];
  const ok = Array.isArray(list) && list.every((p) => Array.isArray(p) && p.length === 2 &&
    typeof p[0] === 'string' && p[0] !== '' && ['string', 'number'].includes(typeof p[1]));
  if (!ok) throw bad(`${name} must be a list of [name, value] pairs of strings`);
  return list.map(([n, v]) => [n, String(v)]);
}

function payloadHashOf(input, presign) {
  const payload = input.payload ?? (presign ? 'UNSIGNED-PAYLOAD' : 'hash');
  if (input.body !== undefined && input.body_b64 !== undefined) throw bad('give body or body_b64, not both');
  if (input.payload_hash !== undefined && payload !== 'precomputed') throw bad('payload_hash needs "payload": "precomputed"');
  if (payload === 'hash') {
    let body;
    if (input.body_b64 !== undefined) {
      if (typeof input.body_b64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(input.body_b64) || input.body_b64.length % 4) {
        throw bad('body_b64 must be base64');
      }
      body = Buffer.from(input.body_b64, 'base64');
    } else {
      if (input.body !== undefined && typeof input.body !== 'string') throw bad('body must be a string (UTF-8); use body_b64 for bytes');
      body = Buffer.from(input.body ?? '', 'utf8');
    }
    return createHash('sha256').update(body).digest('hex');
  }
  if (payload === 'UNSIGNED-PAYLOAD') {
    // The body is sent as it is, unhashed: only its type is checked.
    if (input.body !== undefined && typeof input.body !== 'string') throw bad('body must be a string (UTF-8); use body_b64 for bytes');
    if (input.body_b64 !== undefined && typeof input.body_b64 !== 'string') throw bad('body_b64 must be base64');
    return payload;
  }
  if (input.body !== undefined || input.body_b64 !== undefined) {
    throw bad(`a body goes with "payload": "hash" or "UNSIGNED-PAYLOAD" (payload is "${payload}")`);
  }
  if (payload === 'precomputed') {
    const h = input.payload_hash;
    if (typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h)) throw bad('payload_hash must be 64 lower-case hex digits (the SHA-256 of the body)');
    return h;
  }
  throw bad('payload must be "hash", "UNSIGNED-PAYLOAD" or "precomputed"');
}

/** "YYYYMMDDTHHMMSSZ" -> Unix seconds. */
export function parseAmzDate(text) {
  const m = typeof text === 'string' && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw bad('amz_date must look like 20130524T000000Z');
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 20130230 over to March: refuse dates that do not exist.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d ||
      back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) {
    throw bad(`amz_date ${text} is not a valid time`);
  }
  return ms / 1000;
}
