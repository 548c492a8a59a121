// The S3 store the JS tests run against. Tests only read the environment: scripts/test-js.sh
// starts a throwaway Ceph RGW (tests/server/start.sh) and exports S3MPU_TEST_ENDPOINT,
// S3MPU_TEST_REGION, S3MPU_TEST_ACCESS_KEY_ID, S3MPU_TEST_SECRET_ACCESS_KEY (and
// S3MPU_TEST_STORE=rgw); set those yourself to test another store. With S3MPU_TEST_BUCKET set
// too, every bucket(name) is that existing bucket (for stores where tests may not create
// buckets), so tests should always keep their keys under a prefix of their own.
//
//   const s3 = await s3Server();
//   const bucket = await s3.bucket('upload-basic');
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
} from '@aws-sdk/client-s3';
import { testConfig, verifierClient } from './verify.mjs';

// Same rule as tests/server/cors.xml: pages on http://localhost:* and http://127.0.0.1:* may
// use the bucket (the browser demo and tests), and may read the ETag header.
const CORS = {
  CORSRules: [{
    ID: 's3mpu-local-browsers',
    AllowedOrigins: ['http://localhost:*', 'http://127.0.0.1:*'],
    AllowedMethods: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'],
    AllowedHeaders: ['*'],
    ExposeHeaders: ['ETag'],
    MaxAgeSeconds: 3000,
  }],
};

// Swift's s3api answers PutBucketCors with 501 NotImplemented: no bucket CORS there.
const NO_BUCKET_CORS = new Set(['swift']);

const made = new Map(); // bucket name -> Promise of its creation (once per process)

async function createBucket(name, cors, store) {
  const s3 = verifierClient();
  try {
    // No LocationConstraint: RGW's zonegroup is "default" and it rejects any other name.
    await s3.send(new CreateBucketCommand({ Bucket: name }));
  } catch (e) {
    if (e?.name !== 'BucketAlreadyOwnedByYou') throw e;
  }
  if (cors && !NO_BUCKET_CORS.has(store)) {
    await s3.send(new PutBucketCorsCommand({ Bucket: name, CORSConfiguration: cors === true ? CORS : cors }));
  }
  return name;
}

/**
 * { endpoint, region, accessKeyId, secretAccessKey, store, bucket(name, { cors = true }) }:
 * bucket() creates the bucket if needed (idempotent, with the CORS rule of
 * tests/server/cors.xml, or the CORSConfiguration given as `cors`, where the store has bucket
 * CORS) and resolves to its name.
 */
/** The S3 operation of a request S3Client sends (for spies that count requests by operation). */
export function opOf(url, method) {
  const q = new URL(url).searchParams;
  if (method === 'POST') return q.has('uploads') ? 'create' : 'complete';
  if (method === 'PUT') return q.has('uploadId') ? 'uploadPart' : 'putObject';
  if (method === 'GET') return q.has('uploadId') ? 'listParts' : 'listUploads';
  if (method === 'DELETE') return 'abort';
  return method === 'HEAD' ? 'headObject' : method;
}

export async function s3Server() {
  const c = testConfig();
  return {
    endpoint: c.endpoint,
    region: c.region,
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    store: c.store,
    /** S3Client.create's options for this store (path style), `extra` over them. */
    clientOptions(extra = {}) {
      return {
        endpoint: c.endpoint,
        region: c.region,
        credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
        forcePathStyle: true,
        ...extra,
      };
    },
    async bucket(name, { cors = true } = {}) {
      if (c.bucket) {
        // An existing bucket given by the environment: check it is there, create nothing.
        if (!made.has(c.bucket)) {
          made.set(c.bucket, verifierClient().send(new HeadBucketCommand({ Bucket: c.bucket })));
        }
        await made.get(c.bucket);
        return c.bucket;
      }
      if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
        throw new TypeError(`bucket(${JSON.stringify(name)}): 3-63 of a-z 0-9 . -`);
      }
      const id = `${name}\0${JSON.stringify(cors)}`;
      if (!made.has(id)) {
        const p = createBucket(name, cors, c.store);
        made.set(id, p);
        p.catch(() => made.delete(id)); // let a later call try again
      }
      return made.get(id);
    },
  };
}
