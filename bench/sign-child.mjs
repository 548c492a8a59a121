#!/usr/bin/env node
// Signing throughput of one signer, in a fresh process; prints one JSON line
// { opsPerSec, ops, ms }.
//
//   node bench/sign-child.mjs <signer> <header|presign> <durationMs>
//
// The request: UploadPart of an 8 MiB part of an object in a virtual-hosted
// AWS bucket, with Content-MD5 and UNSIGNED-PAYLOAD (header), or its
// presigned URL (presign), signed at a fixed time. Every signer signs the
// same request; part numbers vary so no signer can cache a result. Async
// signers (aws4fetch, smithy) are awaited one at a time, as a caller would.
const [signer, kind, durationArg] = process.argv.slice(2);
const duration = Number(durationArg ?? 1000);

const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const region = 'us-west-2';
const bucket = 'examplebucket';
const key = 'backups/2026/11/db-snapshot.tar.zst';
const uploadId = 'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA-exampleexampleexampleexampleexampleexample0123';
const host = `${bucket}.s3.${region}.amazonaws.com`;
const md5 = '1B2M2Y8AsgTpgAmY7PhCfg==';
const when = new Date('2026-11-25T14:00:00Z');
const path = (n) => `/${key}?partNumber=${n}&uploadId=${uploadId}`;
const url = (n) => `https://${host}${path(n)}`;
const presign = kind === 'presign';

/** @type {Record<string, () => Promise<(n: number) => unknown>>} */
const signers = {
  async s3mpu() {
    const { S3Client } = await import('../js/src/index.node.js');
    const s3 = await S3Client.create({ endpoint: `https://s3.${region}.amazonaws.com`, region, credentials: creds, clock: () => when.getTime() });
    const now = Math.floor(when.getTime() / 1000);
    if (presign) return (n) => s3.presign({ operation: 'uploadPart', bucket, key, uploadId, partNumber: n, expiresIn: 3600 });
    // What send() does per attempt: abi.build of the op (URL, headers, signature).
    return (n) => s3.abi.build('uploadPart', { bucket, key, uploadId, partNumber: n, contentLength: 8388608, contentMD5: md5 }, now);
  },
  /** presignParts: many URLs of one upload in one call (batch of 1000). */
  async 's3mpu-batch'() {
    const { S3Client } = await import('../js/src/index.node.js');
    const s3 = await S3Client.create({ endpoint: `https://s3.${region}.amazonaws.com`, region, credentials: creds, clock: () => when.getTime() });
    const numbers = Array.from({ length: 1000 }, (_, i) => i + 1);
    const fn = () => s3.presignParts({ bucket, key, uploadId, partNumbers: numbers, expiresIn: 3600 });
    fn.batch = numbers.length;
    return fn;
  },
  async aws4() {
    const aws4 = (await import('aws4')).default;
    return (n) => aws4.sign({
      host, path: path(n), method: 'PUT', service: 's3', region, signQuery: presign || undefined,
      headers: presign ? { 'X-Amz-Date': '20261125T140000Z' } : {
        'Content-Length': 8388608, 'Content-MD5': md5, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD', 'X-Amz-Date': '20261125T140000Z',
      },
    }, creds);
  },
  async aws4fetch() {
    const { AwsV4Signer } = await import('aws4fetch');
    return (n) => new AwsV4Signer({
      url: url(n), method: 'PUT', ...creds, service: 's3', region, datetime: '20261125T140000Z', signQuery: presign,
      headers: presign ? {} : { 'Content-MD5': md5, 'Content-Length': '8388608' },
    }).sign();
  },
  async smithy() {
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { Hash } = await import('@smithy/hash-node');
    const sv4 = new SignatureV4({ credentials: creds, region, service: 's3', sha256: Hash.bind(null, 'sha256'), uriEscapePath: false, applyChecksum: false });
    const req = (n) => ({
      method: 'PUT', protocol: 'https:', hostname: host, path: `/${key}`, query: { partNumber: String(n), uploadId },
      headers: presign ? { host } : { host, 'content-length': '8388608', 'content-md5': md5, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    if (presign) return (n) => sv4.presign(req(n), { signingDate: when, expiresIn: 3600 });
    return (n) => sv4.sign(req(n), { signingDate: when });
  },
};

const make = signers[signer];
if (!make) throw new Error(`unknown signer ${signer}`);
const fn = await make();
const batch = fn.batch ?? 1;
const first = await fn(1);
if (!first) throw new Error(`${signer} signed nothing`);

async function loop(ms) {
  let ops = 0;
  const t0 = performance.now();
  let n = 1;
  for (;;) {
    for (let i = 0; i < 200; i++) {
      const r = fn((n++ % 10000) + 1);
      if (r instanceof Promise) await r;
      ops += batch;
    }
    const t = performance.now() - t0;
    if (t >= ms) return { ops, ms: t };
  }
}

await loop(Math.min(300, duration)); // warm up: JIT, caches
const { ops, ms } = await loop(duration);
process.stdout.write(`${JSON.stringify({ opsPerSec: (ops / ms) * 1000, ops, ms, sample: sampleOf(first) })}\n`);

function sampleOf(r) {
  if (typeof r === 'string') return r.slice(0, 80);
  if (Array.isArray(r)) return r[0]?.url?.slice(0, 80);
  if (r?.url) return String(r.url).slice(0, 80);
  return undefined;
}
