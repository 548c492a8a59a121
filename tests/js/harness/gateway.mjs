// Which gateway the integration tests talk to, for tests that rely on one gateway's behaviour.
// scripts/test-js.sh sets S3MPU_TEST_STORE to "rgw" (Ceph RGW, tests/server) or "swift"
// (Swift s3api, tests/server/swift); a store named by S3MPU_TEST_ENDPOINT alone is "external".
// Both helpers give node:test `skip` values: false to run, else the reason printed for the skip.
//
//   it('...', { skip: notOn('swift', 'Swift s3api answers 501 to PutBucketCors') }, ...)

export const STORE = process.env.S3MPU_TEST_STORE || 'external';

/** Run only on `store`; elsewhere skip, saying what the test describes. */
export function onlyOn(store, what) {
  return STORE !== store && `${what}: describes ${store} only (this run: ${STORE})`;
}

/** Run everywhere but on `store`, where the test is skipped for `why`. */
export function notOn(store, why) {
  return STORE === store && `${why} (this run: ${STORE})`;
}
