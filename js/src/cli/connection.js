// Where and as whom the CLI connects: options, environment and config file,
// in that order of precedence, turned into S3Client.create() options.
//
//   endpoint    --endpoint, S3MPU_ENDPOINT, config "endpoint"
//   region      --region, S3MPU_REGION, config "region"; else derived from
//               AWS and JD Cloud host names by the core, else us-east-1
//               (what the AWS CLI and minio assume for other stores)
//   path style  --path-style, S3MPU_PATH_STYLE=1, config "pathStyle"
//   credentials S3MPU_ACCESS_KEY_ID, S3MPU_SECRET_ACCESS_KEY, S3MPU_SESSION_TOKEN,
//               else AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//               (never a mix of the two; never in the config file)
//   timeouts    --timeout (the whole command), --idle-timeout (one request
//               without progress)
//   profile     --profile NAME|FILE.json (what the store accepts: js/src/profiles.js);
//               default: chosen from the endpoint's host
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError, parseTimeout } from './args.js';
import { PROFILES, resolveProfile } from '../profiles.js';

/** Options every command talking to S3 takes. */
export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  region: { type: 'string' },
  'path-style': { type: 'boolean' },
  timeout: { type: 'string' },
  'idle-timeout': { type: 'string' },
  profile: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const CONNECTION_HELP = `Connection (options, else environment, else the config file):
  --endpoint URL        S3MPU_ENDPOINT, "endpoint"   e.g. http://127.0.0.1:7480
  --region R            S3MPU_REGION, "region"       default: from AWS and JD Cloud
                        host names, else us-east-1
  --path-style          S3MPU_PATH_STYLE=1, "pathStyle"  host/BUCKET/KEY (IP addresses
                        and localhost always use it)
  --timeout D           give up after D in all (30s, 10m, 2h; default: none)
  --idle-timeout D      retry a request that makes no progress for D (default 1m)
  --profile P           what the store accepts: aws, jdcloud, rgw, swift, minio, r2,
                        generic, or a FILE.json from s3mpu probe --json (default:
                        from the endpoint's host)
  --quiet, -q           errors only on stderr
Credentials: S3MPU_ACCESS_KEY_ID, S3MPU_SECRET_ACCESS_KEY, S3MPU_SESSION_TOKEN, else
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN.
Config file: $S3MPU_CONFIG, else ~/.config/s3mpu/config.json (XDG_CONFIG_HOME), e.g.
  { "endpoint": "https://s3.cn-north-1.jcloudcs.com", "region": "cn-north-1" }`;

// Hosts whose names carry their region: the core derives it (client.c region_from_host).
const REGION_IN_HOST = /(^|\.)(amazonaws\.com|jcloudcs\.com|jdcloud-oss\.com)$/i;
const CONFIG_FIELDS = new Set(['endpoint', 'region', 'pathStyle']);

/** The config file's path and its settings ({} when there is none). */
export function readConfig(env = process.env) {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  const path = env.S3MPU_CONFIG || join(base, 's3mpu', 'config.json');
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT' && !env.S3MPU_CONFIG) return { path, config: {} };
    throw new UsageError(`cannot read the config file ${path}: ${e.code === 'ENOENT' ? 'no such file (S3MPU_CONFIG names it)' : e.message}`);
  }
  let config;
  try {
    config = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`the config file ${path} is not JSON: ${e.message}`);
  }
  if (!config || typeof config !== 'object' || Array.isArray(config)) {
    throw new UsageError(`the config file ${path} must hold one JSON object, e.g. { "endpoint": "...", "region": "..." }`);
  }
  for (const [name, value] of Object.entries(config)) {
    if (!CONFIG_FIELDS.has(name)) {
      throw new UsageError(`the config file ${path}: unknown field "${name}" (known: ${[...CONFIG_FIELDS].join(', ')}; ` +
        'credentials go in the environment)');
    }
    if (typeof value !== (name === 'pathStyle' ? 'boolean' : 'string')) {
      throw new UsageError(`the config file ${path}: "${name}" must be a ${name === 'pathStyle' ? 'boolean' : 'string'}`);
    }
  }
  return { path, config };
}

/** Credentials from the environment, or undefined when none are set. */
export function envCredentials(env = process.env) {
  const prefix = env.S3MPU_ACCESS_KEY_ID ? 'S3MPU' : 'AWS';
  const accessKeyId = env[`${prefix}_ACCESS_KEY_ID`];
  const secretAccessKey = env[`${prefix}_SECRET_ACCESS_KEY`];
  if (!accessKeyId || !secretAccessKey) return undefined;
  const sessionToken = env[`${prefix}_SESSION_TOKEN`] || undefined;
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** --profile: a built-in profile's name, else a JSON file (what `s3mpu probe --json` writes). */
export function readProfile(value) {
  if (Object.hasOwn(PROFILES, value)) return value;
  let text;
  try {
    text = readFileSync(value, 'utf8');
  } catch (e) {
    throw new UsageError(`--profile ${value}: not a profile (${Object.keys(PROFILES).join(', ')}) nor a readable file (${e.code ?? e.message})`);
  }
  try {
    const profile = JSON.parse(text);
    resolveProfile(profile); // refuse a wrong field now, with the file's name
    return profile;
  } catch (e) {
    throw new UsageError(`--profile ${value}: ${e.message}`);
  }
}

/** The region to use for `endpoint` when none is given: undefined lets the core derive it. */
export function defaultRegion(endpoint) {
  let host = '';
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return undefined; // the core says what is wrong with the endpoint
  }
  return REGION_IN_HOST.test(host) ? undefined : 'us-east-1';
}

/**
 * S3Client.create() options (plus timeoutMs, the whole command's limit)
 * from parsed options and the environment. Throws UsageError.
 */
export function connection(values, env = process.env) {
  const { path, config } = readConfig(env);
  const endpoint = values.endpoint ?? (env.S3MPU_ENDPOINT || config.endpoint);
  if (!endpoint) {
    throw new UsageError(`no endpoint: pass --endpoint URL, set S3MPU_ENDPOINT, or put "endpoint" in ${path}`);
  }
  const credentials = envCredentials(env);
  if (!credentials) {
    throw new UsageError('no credentials: set S3MPU_ACCESS_KEY_ID and S3MPU_SECRET_ACCESS_KEY ' +
      '(or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)');
  }
  const region = values.region ?? (env.S3MPU_REGION || config.region || defaultRegion(endpoint));
  const pathStyle = Boolean(values['path-style']) || env.S3MPU_PATH_STYLE === '1' || config.pathStyle === true;
  const options = {
    endpoint,
    region,
    credentials,
    // Unset: the profile's addressing decides (path style for rgw, swift, minio).
    forcePathStyle: pathStyle || undefined,
  };
  if (values.profile !== undefined) options.profile = readProfile(values.profile);
  if (values['idle-timeout'] !== undefined) options.idleTimeout = parseTimeout(values['idle-timeout'], '--idle-timeout');
  const timeoutMs = values.timeout === undefined ? undefined : parseTimeout(values.timeout, '--timeout');
  return { options, timeoutMs };
}
