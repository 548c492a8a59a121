// Store profiles: what an S3-compatible store accepts, as data. The one place for these
// facts: plan() and upload() read them, `s3mpu probe` writes a profile of the same shape,
// README's "Stores" table is checked against them (tests/js/profiles.test.mjs).
//
// Fields (null: not known; a probe can find out):
//   title          the store's name, for people
//   hosts          endpoint host suffixes that select the profile ("amazonaws.com")
//   contentMD5     'verified' (a wrong one is refused) | 'ignored'
//   checksums      x-amz-checksum-* on PutObject/UploadPart: 'verified' | 'ignored' | 'rejected'
//   completeChecksums  may a Complete body list <ChecksumXXX> elements (Swift: MalformedXML)
//   maxParts       parts per upload (S3: 10,000; Swift: 1,000)
//   minPartSize    bytes of every part but the last
//   equalParts     every part but the last must have the same size (R2)
//   addressing     'virtual' (BUCKET.host) or 'path' (host/BUCKET): the store's default
//   sessionTokens  STS credentials (x-amz-security-token) accepted
//   etag           'md5': a part's ETag is its MD5, an object's the MD5 of the part MD5s + "-N"
//   completeETag   'filled' | 'empty': Complete's <ETag> (RGW 16 leaves it empty)
//   reapsUploads   a lifecycle rule can abort incomplete uploads (JD Cloud: no)
//   bucketCors     PutBucketCors works (Swift s3api: 501 NotImplemented)
// Sources: shared/reference/s3-facts.md (vendor documents, §1-3) and, for rgw and swift, what
// the integration suites observe on loopback (tests/server, tests/server/swift).

import { S3InputError } from './errors.js';
import { PART_NUMBER_MAX, PART_SIZE_MIN } from './limits.js';

const MiB = 1024 * 1024;

/** The S3 defaults every profile starts from: AWS's documented limits, nothing assumed else. */
const BASE = {
  title: 'S3-compatible store',
  hosts: [],
  contentMD5: 'verified',
  checksums: null,
  completeChecksums: null,
  maxParts: PART_NUMBER_MAX,
  minPartSize: PART_SIZE_MIN,
  equalParts: false,
  addressing: 'virtual',
  sessionTokens: null,
  etag: 'md5',
  completeETag: null,
  reapsUploads: null,
  bucketCors: null,
};

export const PROFILES = Object.freeze({
  generic: freeze({}),
  aws: freeze({
    title: 'Amazon S3', hosts: ['amazonaws.com', 'amazonaws.com.cn'],
    checksums: 'verified', completeChecksums: true, sessionTokens: true,
    completeETag: 'filled', reapsUploads: true, bucketCors: true,
  }),
  jdcloud: freeze({
    // JD's docs name no x-amz-checksum-* and its lifecycle has no AbortIncompleteMultipartUpload;
    // its own SDK samples force path style; STS is listed as not compatible (s3-facts §1, §3.3).
    title: 'JD Cloud OSS', hosts: ['jdcloud-oss.com', 'jcloudcs.com'],
    // Its API pages use BUCKET.host; its SDK samples force path style, which works too.
    checksums: 'ignored', completeChecksums: false, sessionTokens: false,
    reapsUploads: false, bucketCors: true,
  }),
  rgw: freeze({
    title: 'Ceph RGW 16', checksums: 'ignored', completeChecksums: true, addressing: 'path',
    completeETag: 'empty', reapsUploads: true, bucketCors: true,
  }),
  swift: freeze({
    title: 'OpenStack Swift s3api', checksums: 'ignored', completeChecksums: false, maxParts: 1000,
    addressing: 'path', sessionTokens: false, completeETag: 'filled', reapsUploads: false, bucketCors: false,
  }),
  minio: freeze({
    title: 'MinIO', checksums: 'verified', completeChecksums: true, addressing: 'path', sessionTokens: true,
    completeETag: 'filled', reapsUploads: true, bucketCors: null,
  }),
  r2: freeze({
    // Equal non-last parts; incomplete uploads aborted after 7 days (s3-facts §3).
    title: 'Cloudflare R2', hosts: ['r2.cloudflarestorage.com'], equalParts: true,
    completeETag: 'filled', reapsUploads: true, bucketCors: true,
  }),
});

function freeze(fields) {
  return Object.freeze({ ...BASE, ...fields, hosts: Object.freeze([...(fields.hosts ?? [])]) });
}

/** The profile whose hosts match the endpoint's host name, else 'generic'. */
export function profileNameFor(endpoint) {
  let host;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return 'generic';
  }
  for (const [name, p] of Object.entries(PROFILES)) {
    if (p.hosts.some((h) => host === h || host.endsWith(`.${h}`))) return name;
  }
  return 'generic';
}

const CHECK = {
  title: (v) => typeof v === 'string',
  hosts: (v) => Array.isArray(v) && v.every((h) => typeof h === 'string'),
  contentMD5: (v) => ['verified', 'ignored', null].includes(v),
  checksums: (v) => ['verified', 'ignored', 'rejected', null].includes(v),
  completeChecksums: (v) => typeof v === 'boolean' || v === null,
  maxParts: (v) => Number.isSafeInteger(v) && v >= 1 && v <= PART_NUMBER_MAX,
  minPartSize: (v) => Number.isSafeInteger(v) && v >= 0,
  equalParts: (v) => typeof v === 'boolean',
  addressing: (v) => v === 'path' || v === 'virtual',
  sessionTokens: (v) => typeof v === 'boolean' || v === null,
  etag: (v) => v === 'md5' || v === 'opaque',
  completeETag: (v) => ['filled', 'empty', null].includes(v),
  reapsUploads: (v) => typeof v === 'boolean' || v === null,
  bucketCors: (v) => typeof v === 'boolean' || v === null,
};

/**
 * The profile to use: `given` is a name of PROFILES, an object (its fields override those
 * of its `base` profile, by name, or else of the endpoint's), or undefined (the endpoint's).
 * S3InputError InvalidProfile for an unknown name or a field of the wrong kind.
 */
export function resolveProfile(given, endpoint) {
  if (given === undefined || given === null) return { name: profileNameFor(endpoint), ...PROFILES[profileNameFor(endpoint)] };
  if (typeof given === 'string') {
    if (!Object.hasOwn(PROFILES, given)) {
      throw new S3InputError('InvalidProfile', `s3mpu: unknown profile '${given}' (known: ${Object.keys(PROFILES).join(', ')})`);
    }
    return { name: given, ...PROFILES[given] };
  }
  if (typeof given !== 'object') throw new S3InputError('InvalidProfile', 's3mpu: profile must be a name or an object');
  const { name, base, ...fields } = given;
  const from = resolveProfile(base, endpoint);
  for (const [k, v] of Object.entries(fields)) {
    if (!Object.hasOwn(CHECK, k)) continue; // a probe's report carries more than the profile
    if (!CHECK[k](v)) throw new S3InputError('InvalidProfile', `s3mpu: profile field ${k} has a wrong value ${JSON.stringify(v)}`);
  }
  const known = Object.fromEntries(Object.entries(fields).filter(([k]) => Object.hasOwn(CHECK, k)));
  return { ...from, ...known, name: typeof name === 'string' && name ? name : from.name };
}

/**
 * The part size to plan with, given the one the core planned (`planned`) for `size` bytes
 * (undefined: a stream): raised to the profile's minimum part size, and for a known size to
 * ceil(size / maxParts) rounded up to 1 MiB where the core's 10,000 parts are more than the
 * store takes (Swift: 1,000). A stream's part count is checked as it is sent.
 */
export function partSizeFor(profile, size, planned) {
  let want = Math.max(planned, profile.minPartSize);
  if (size !== undefined && Math.ceil(size / want) > profile.maxParts) {
    want = Math.ceil(Math.ceil(size / profile.maxParts) / MiB) * MiB;
  }
  return want;
}
