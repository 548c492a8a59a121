// Minimal upload program: aws4fetch plus the multipart loop one writes by
// hand around it (create, parts 4 at a time, complete; no retries).
import { AwsClient } from 'aws4fetch';

export async function upload(file, { endpoint, region, credentials, bucket, key }) {
  const aws = new AwsClient({ ...credentials, service: 's3', region });
  const url = `${endpoint}/${bucket}/${encodeURIComponent(key)}`;
  const created = await (await aws.fetch(`${url}?uploads=`, { method: 'POST' })).text();
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)[1];
  const partSize = 8 * 1024 * 1024;
  const count = Math.max(1, Math.ceil(file.size / partSize));
  const etags = [];
  let next = 1;
  const worker = async () => {
    while (next <= count) {
      const n = next++;
      const body = await file.slice((n - 1) * partSize, n * partSize).arrayBuffer();
      const r = await aws.fetch(`${url}?partNumber=${n}&uploadId=${encodeURIComponent(uploadId)}`, { method: 'PUT', body });
      if (!r.ok) throw new Error(`part ${n}: HTTP ${r.status}`);
      etags[n - 1] = r.headers.get('etag');
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
  const done = await aws.fetch(`${url}?uploadId=${encodeURIComponent(uploadId)}`, { method: 'POST', body: xml });
  if (!done.ok) throw new Error(`complete: HTTP ${done.status}`);
  return done.text();
}
