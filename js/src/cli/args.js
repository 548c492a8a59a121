// Command-line parsing for s3mpu: options, sizes, durations, s3:// URLs and
// the connection settings from the environment. Everything here throws
// UsageError (exit status 2) for input it refuses.
import { parseArgs } from 'node:util';
import { PART_NUMBER_MAX } from '../limits.js';

/** Bad usage or bad input: the CLI exits with status 2. */
export class UsageError extends Error {
  /** @param {string} message @param {{ usage?: string }} [options] usage: the command whose usage to print after */
  constructor(message, { usage } = {}) {
    super(message);
    this.name = 'UsageError';
    this.usage = usage;
  }
}

/**
 * node:util parseArgs, strict, with its errors as UsageError in our words:
 * the option at fault and the command's usage line.
 * @param {string[]} argv
 * @param {Record<string, { type: 'string' | 'boolean', multiple?: boolean, short?: string }>} options
 * @param {string} command  e.g. "cp", for the messages
 */
export function parse(argv, options, command) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    if (typeof e?.code !== 'string' || !e.code.startsWith('ERR_PARSE_ARGS')) throw e;
    const option = /'(-[^' ]*)/.exec(e.message)?.[1];
    const where = command ?? 's3mpu';
    let message;
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      message = `${where}: unknown option ${option ?? ''}`.trimEnd();
    } else if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
      const name = option.replace(/^-+/, '').split(/[ =]/)[0];
      const spec = options[name] ?? Object.values(options).find((o) => o.short === name);
      message = spec?.type === 'boolean' ? `${where}: ${option} takes no value` : `${where}: ${option} needs a value`;
    } else {
      message = `${where}: ${e.message}`;
    }
    throw new UsageError(message, { usage: command });
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

const SECONDS = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds: "3600", "90s", "15m", "12h", "7d". */
export function parseDuration(text, what = 'duration') {
  const m = /^\s*(\d+)\s*([smhd]?)\s*$/i.exec(String(text));
  if (!m) throw new UsageError(`${what}: "${text}" is not a duration (examples: 3600, 15m, 12h, 7d)`);
  return Number(m[1]) * SECONDS[m[2].toLowerCase()];
}

/** Milliseconds, from seconds by default: "30" and "30s" (30000), "500ms", "2m", "1h". */
export function parseTimeout(text, what = '--timeout') {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|[smhd]?)\s*$/i.exec(String(text));
  const unit = m?.[2].toLowerCase();
  const ms = m && (unit === 'ms' ? Number(m[1]) : Number(m[1]) * SECONDS[unit] * 1000);
  if (!ms || !Number.isSafeInteger(Math.round(ms))) {
    throw new UsageError(`${what}: "${text}" is not a duration above 0 (examples: 30s, 500ms, 2m, 1h)`);
  }
  return Math.round(ms);
}

/** A positive integer option. */
export function parseCount(text, what, max = Number.MAX_SAFE_INTEGER) {
  if (!/^\s*\d+\s*$/.test(String(text)) || Number(text) < 1 || Number(text) > max) {
    throw new UsageError(`${what}: "${text}" is not a whole number from 1 to ${max}`);
  }
  return Number(text);
}

/** Part numbers from "7", "1-100" or "1,3,5-8" (at most PART_NUMBER_MAX of them). */
export function parseRanges(text, what = '--parts') {
  const out = [];
  for (const piece of String(text).split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(piece);
    if (!m) throw new UsageError(`${what}: "${text}" is not a list of part numbers (examples: 1-100, 1,3,5-8)`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to > PART_NUMBER_MAX || to < from) throw new UsageError(`${what}: part numbers go from 1 to ${PART_NUMBER_MAX}, in order`);
    if (out.length + (to - from + 1) > PART_NUMBER_MAX) throw new UsageError(`${what}: at most ${PART_NUMBER_MAX} parts`);
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
