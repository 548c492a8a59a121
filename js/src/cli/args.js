// Command-line parsing for s3mpu: options, sizes, durations, s3:// URLs and
// the connection settings from the environment. Everything here throws
// UsageError (exit status 2) for input it refuses.
import { parseArgs } from 'node:util';

/** Bad usage or bad input: the CLI exits with status 2. */
export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * node:util parseArgs, strict, with its errors as UsageError.
 * @param {string[]} argv
 * @param {Record<string, { type: 'string' | 'boolean', multiple?: boolean, short?: string }>} options
 */
export function parse(argv, options) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    if (typeof e?.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS')) throw new UsageError(e.message);
    throw e;
  }
}

const UNITS = {
  '': 1, b: 1,
  k: 1024, ki: 1024, kib: 1024, kb: 1000,
  m: 1024 ** 2, mi: 1024 ** 2, mib: 1024 ** 2, mb: 1000 ** 2,
  g: 1024 ** 3, gi: 1024 ** 3, gib: 1024 ** 3, gb: 1000 ** 3,
  t: 1024 ** 4, ti: 1024 ** 4, tib: 1024 ** 4, tb: 1000 ** 4,
};

/**
 * A byte count: "5242880", "16MiB", "8M" (= 8 MiB: single letters are
 * binary, as in dd and split), "1.5GiB", "100MB" (decimal).
 */
export function parseSize(text, what = 'size') {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(text));
  const unit = m && UNITS[m[2].toLowerCase()];
  if (!unit) throw new UsageError(`${what}: "${text}" is not a size (examples: 5242880, 8M, 16MiB, 1GiB)`);
  const n = Number(m[1]) * unit;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${what}: "${text}" is not a whole number of bytes`);
  return n;
}

/** Seconds: "3600", "90s", "15m", "12h", "7d". */
export function parseDuration(text, what = 'duration') {
  const m = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(String(text));
  if (!m) throw new UsageError(`${what}: "${text}" is not a duration (examples: 3600, 15m, 12h, 7d)`);
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2].toLowerCase()];
}

/** A positive integer option. */
export function parseCount(text, what, max = Number.MAX_SAFE_INTEGER) {
  if (!/^\s*\d+\s*$/.test(String(text)) || Number(text) < 1 || Number(text) > max) {
    throw new UsageError(`${what}: "${text}" is not a whole number from 1 to ${max}`);
  }
  return Number(text);
}

/** Part numbers from "7", "1-100" or "1,3,5-8" (at most 10000 of them). */
export function parseRanges(text, what = '--parts') {
  const out = [];
  for (const piece of String(text).split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(piece);
    if (!m) throw new UsageError(`${what}: "${text}" is not a list of part numbers (examples: 1-100, 1,3,5-8)`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to > 10000 || to < from) throw new UsageError(`${what}: part numbers go from 1 to 10000, in order`);
    if (out.length + (to - from + 1) > 10000) throw new UsageError(`${what}: at most 10000 parts`);
    for (let n = from; n <= to; n++) out.push(n);
  }
  return out;
}

/**
 * "s3://BUCKET/KEY" -> { bucket, key } (key may be empty). The key is taken
 * literally: no percent-decoding, so "a%20b" is the key "a%20b".
 */
export function parseS3Url(text, { keyRequired }) {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(String(text ?? ''));
  if (!m) throw new UsageError(`"${text ?? ''}" is not an s3://BUCKET${keyRequired ? '/KEY' : '[/PREFIX]'} URL`);
  const key = m[2] ?? '';
  if (keyRequired && !key) throw new UsageError(`"${text}" names no key: s3://BUCKET/KEY`);
  return { bucket: m[1], key };
}

/**
 * The connection: --endpoint/--region/--path-style, else S3MPU_ENDPOINT,
 * S3MPU_REGION; credentials from S3MPU_ACCESS_KEY_ID, S3MPU_SECRET_ACCESS_KEY,
 * S3MPU_SESSION_TOKEN, else the AWS_* variables of the same names (never a
 * mix of the two). The region may be left out for endpoints the core knows
 * (JD Cloud): the core then derives it from the host.
 */
export function connection(values, env = process.env) {
  const endpoint = values.endpoint ?? env.S3MPU_ENDPOINT;
  if (!endpoint) throw new UsageError('no endpoint: pass --endpoint URL or set S3MPU_ENDPOINT');
  const prefix = env.S3MPU_ACCESS_KEY_ID ? 'S3MPU' : 'AWS';
  const accessKeyId = env[`${prefix}_ACCESS_KEY_ID`];
  const secretAccessKey = env[`${prefix}_SECRET_ACCESS_KEY`];
  if (!accessKeyId || !secretAccessKey) {
    throw new UsageError('no credentials: set S3MPU_ACCESS_KEY_ID and S3MPU_SECRET_ACCESS_KEY ' +
      '(or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)');
  }
  const sessionToken = env[`${prefix}_SESSION_TOKEN`] || undefined;
  return {
    endpoint,
    region: values.region ?? (env.S3MPU_REGION || undefined),
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    forcePathStyle: Boolean(values['path-style']),
  };
}

/** Options every command talking to S3 takes. */
export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'path-style': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};
