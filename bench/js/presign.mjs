// How long S3Client.presignParts takes for 1,000 part URLs, and how signing
// from Node compares with the npm packages `aws4` and `@smithy/signature-v4`.
//
//   S3MPU_WASM=build/wasi/wasm/s3mpu.wasm node bench/js/presign.mjs [rounds]
//
// The comparison packages are optional: they are looked up in
// $S3MPU_BENCH_DEPS/node_modules (e.g. `npm install --prefix /tmp/benchdeps
// aws4 @smithy/signature-v4`), then in tests/js/node_modules. Each round
// signs 1,000 presigned UploadPart URLs; printed: median and best of the
// rounds, wall time and process CPU time, after a warm-up.
import { createRequire } from 'node:module';
import { createHash, createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { S3Client } from '../../js/src/index.node.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const rounds = Number(process.argv[2] ?? 30);
const N = 1000;
const NOW = Date.UTC(2026, 10, 25, 14, 0, 0);
const credentials = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const region = 'us-west-2';
const bucket = 'examplebucket';
const key = 'backups/2026/11/db-snapshot.tar.zst';
const uploadId = 'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA-exampleexampleexampleexampleexampleexample0123';
const host = `${bucket}.s3.${region}.amazonaws.com`;
const partNumbers = Array.from({ length: N }, (_, i) => i + 1);

function load(name) {
  for (const dir of [process.env.S3MPU_BENCH_DEPS, path.join(root, 'tests/js')]) {
    if (!dir) continue;
    try {
      return createRequire(path.join(path.resolve(dir), 'noop.js'))(name);
    } catch { /* next */ }
  }
  return undefined;
}

async function measure(name, fn) {
  for (let i = 0; i < 5; i++) await fn(); // warm-up (JIT, first key derivation)
  const wall = [];
  const cpu = [];
  for (let i = 0; i < rounds; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const r = { name, wall: med(wall), best: Math.min(...wall), cpu: med(cpu) };
  console.log(`${name.padEnd(34)} median ${r.wall.toFixed(2).padStart(7)} ms  best ${r.best.toFixed(2).padStart(7)} ms  cpu ${r.cpu.toFixed(2).padStart(7)} ms  (${(1e3 * N / r.wall).toFixed(0)} URLs/s)`);
  return r;
}

const results = [];
const s3 = await S3Client.create({ endpoint: `https://s3.${region}.amazonaws.com`, credentials, clock: () => NOW });
results.push(await measure('s3mpu presignParts', () => s3.presignParts({ bucket, key, uploadId, partNumbers, expiresIn: 3600 })));
results.push(await measure('s3mpu presign (one call per part)', () => {
  for (const partNumber of partNumbers) s3.presign({ operation: 'uploadPart', bucket, key, uploadId, partNumber, expiresIn: 3600 });
}));

const aws4 = load('aws4');
if (aws4) {
  results.push(await measure('aws4 (signQuery)', () => {
    for (const partNumber of partNumbers) {
      aws4.sign({
        host, method: 'PUT', path: `/${key}?partNumber=${partNumber}&uploadId=${uploadId}`,
        service: 's3', region, signQuery: true, headers: { 'X-Amz-Expires': 3600 },
      }, credentials);
    }
  }));
} else console.log('aws4: not installed (see the header of this file)');

const smithy = load('@smithy/signature-v4');
if (smithy) {
  // What @smithy/hash-node does: node:crypto.
  class Sha256 {
    constructor(secret) { this.h = secret ? createHmac('sha256', secret) : createHash('sha256'); }
    update(data) { this.h.update(data); }
    async digest() { return new Uint8Array(this.h.digest()); }
  }
  const signer = new smithy.SignatureV4({ credentials, region, service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false });
  const signingDate = new Date(NOW);
  results.push(await measure('@smithy/signature-v4 presign', async () => {
    for (const partNumber of partNumbers) {
      await signer.presign({
        method: 'PUT', protocol: 'https:', hostname: host, path: `/${key}`,
        query: { partNumber: String(partNumber), uploadId }, headers: { host },
      }, { expiresIn: 3600, signingDate });
    }
  }));
} else console.log('@smithy/signature-v4: not installed (see the header of this file)');

const base = results[0];
for (const r of results.slice(1)) console.log(`presignParts is ${(r.wall / base.wall).toFixed(1)}x faster than ${r.name}`);
s3.destroy();
