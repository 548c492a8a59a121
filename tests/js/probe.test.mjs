// S3Client.probe (js/src/probe.js) and `s3mpu probe` against the gateway scripts/test-js.sh
// started: the profile it finds matches the one the suites rely on for that gateway
// (js/src/profiles.js: rgw, swift), and nothing stays in the bucket afterwards.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { S3Client } from '../../js/src/index.node.js';
import { PROFILES } from '../../js/src/profiles.js';
import { STORE } from './harness/gateway.mjs';

const HAVE_STORE = Boolean(process.env.S3MPU_TEST_ENDPOINT);
// What a probe can observe; the rest (STS, lifecycle, bucket CORS) it cannot try safely.
const OBSERVABLE = ['contentMD5', 'checksums', 'completeChecksums', 'maxParts', 'minPartSize', 'etag', 'completeETag', 'addressing'];

describe('probe', { skip: !HAVE_STORE && 'S3MPU_TEST_ENDPOINT is not set (run scripts/test-js.sh)' }, () => {
  let store;
  let bucket;
  let verify;

  before(async () => {
    const { s3Server } = await import('./harness/server.mjs');
    verify = await import('./harness/verify.mjs');
    store = await s3Server();
    bucket = await store.bucket('s3mpu-probe');
  });

  const options = () => ({
    endpoint: store.endpoint, region: store.region,
    credentials: { accessKeyId: store.accessKeyId, secretAccessKey: store.secretAccessKey },
  });

  it(`finds the profile the suites rely on (${STORE})`, { skip: !PROFILES[STORE] && `no built-in profile for ${STORE}` }, async () => {
    const { profile, observations } = await S3Client.probe({ ...options(), bucket });
    const want = PROFILES[STORE];
    for (const field of OBSERVABLE) assert.equal(profile[field], want[field], `${field}: ${JSON.stringify(observations)}`);
    assert.ok(observations.length >= 6);
    assert.deepEqual(await verify.listUploads(bucket, 's3mpu-probe-'), [], 'no upload left open');
    assert.deepEqual(await verify.listKeys(bucket, 's3mpu-probe-'), [], 'no object left');
  });

  it('refuses to run without a bucket; a wrong secret fails at the first step and leaves nothing', async () => {
    await assert.rejects(S3Client.probe({ ...options() }), TypeError);
    const bad = { ...options(), credentials: { accessKeyId: store.accessKeyId, secretAccessKey: 'wrong' } };
    await assert.rejects(S3Client.probe({ ...bad, bucket }), (e) => e.name === 'S3Error' && e.status === 403);
    assert.deepEqual(await verify.listKeys(bucket, 's3mpu-probe-'), []);
  });
});
