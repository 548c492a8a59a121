// Minimal upload program: minio-js (Node only: bundled for platform=node).
import * as Minio from 'minio';

export async function upload(path, { endPoint, port, useSSL, region, accessKey, secretKey, bucket, key }) {
  const client = new Minio.Client({ endPoint, port, useSSL, region, accessKey, secretKey });
  return client.fPutObject(bucket, key, path);
}
