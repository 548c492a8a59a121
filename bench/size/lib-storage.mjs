// Minimal upload program: @aws-sdk/client-s3 + @aws-sdk/lib-storage.
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

export async function upload(file, { endpoint, region, credentials, bucket, key }) {
  const client = new S3Client({ endpoint, region, credentials, forcePathStyle: true });
  const up = new Upload({ client, params: { Bucket: bucket, Key: key, Body: file } });
  up.on('httpUploadProgress', (p) => console.log(p.loaded));
  return up.done();
}
