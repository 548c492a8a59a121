// Uploads through the fault-injecting proxy (tests/hostile/proxy.mjs) into the real gateway:
// every upload completes, byte-identical, nothing is left on the server, no false failure.
// CI runs a short soak (the defaults); scripts/soak.sh runs the long one and the peers:
//
//   S3MPU_SOAK_FAULTS   share of requests that get a fault (default 0.3)
//   S3MPU_SOAK_UPLOADS  uploads per client (default 4)
//   S3MPU_SOAK_SEED     the proxy's seed (default 1)
//   S3MPU_SOAK_PEERS    also run these, reported but not asserted: "lib-storage,boto3"
//   S3MPU_SOAK_OUT      write the results as JSON here
//   S3MPU_SOAK_LOG      write the proxy's log here
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile, appendFile } from 'node:fs/promises';
import { s3Server } from '../js/harness/server.mjs';
import { faultProxy } from './proxy.mjs';
import { soak } from './soak.mjs';

const env = process.env;
const rate = Number(env.S3MPU_SOAK_FAULTS ?? 0.3);
const uploads = Number(env.S3MPU_SOAK_UPLOADS ?? 4);
const seed = Number(env.S3MPU_SOAK_SEED ?? 1);
const peers = (env.S3MPU_SOAK_PEERS ?? '').split(',').filter(Boolean);
const MiB = 1024 * 1024;

describe(`soak through the fault proxy (${Math.round(rate * 100)} % faults, ${uploads} uploads, seed ${seed})`, { timeout: 3_600_000 }, () => {
  let bucket;
  let target;
  const body = randomBytes(3 * 5 * MiB + 4321); // four parts
  const prefix = `soak-${process.pid}-${Date.now()}/`;
  const results = [];

  before(async () => {
    const s3 = await s3Server();
    target = s3.endpoint;
    bucket = await s3.bucket('soak', { cors: false });
  });

  after(async () => {
    if (env.S3MPU_SOAK_OUT) await writeFile(env.S3MPU_SOAK_OUT, JSON.stringify({ rate, uploads, seed, results }, null, 2));
    for (const r of results) {
      console.log(`soak ${r.client}: ${r.completed}/${r.uploads} completed, ${r.identical} byte-identical, ` +
        `${r.left} left on the server, ${r.falseFailures} false failures, ${r.seconds.toFixed(0)} s; proxy ${JSON.stringify(r.proxy)}`);
    }
  });

  async function through(client) {
    const proxy = await faultProxy({
      target, rate, seed,
      onLog: env.S3MPU_SOAK_LOG ? (line) => appendFile(env.S3MPU_SOAK_LOG, `${client} ${line}\n`) : undefined,
    });
    try {
      const r = await soak({ client, proxyEndpoint: proxy.endpoint, bucket, prefix, uploads, body });
      r.proxy = proxy.stats;
      results.push(r);
      return r;
    } finally {
      await proxy.close();
    }
  }

  it('s3mpu: every upload completes, byte-identical, nothing left, no false failure', async () => {
    const r = await through('s3mpu');
    assert.deepEqual(r.failures, []);
    assert.equal(r.completed, uploads);
    assert.equal(r.identical, uploads);
    assert.equal(r.left, 0);
    assert.equal(r.falseFailures, 0);
  });

  for (const peer of peers) {
    it(`${peer} (reported, not asserted)`, async () => {
      await through(peer);
    });
  }
});
