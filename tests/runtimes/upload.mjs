// S3Client.upload() under Deno or Bun: one multipart upload of a file, printed as JSON.
//
//   deno run --no-lock --allow-net --allow-read --allow-env upload.mjs ENTRY FILE BUCKET KEY
//   bun upload.mjs ENTRY FILE BUCKET KEY
//
// ENTRY "s3mpu" is the package by name (both runtimes pick its "node" export, index.node.js):
// the body is given as { path }. ENTRY "default" is js/src/index.js, the entry of browsers
// and of runtimes without the "node" condition (the wasm fetched from a file: URL): the body
// is the file's bytes, read by the runtime's own API. The store from S3MPU_TEST_*.
const [entry, file, bucket, key] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const env = globalThis.Deno ? Deno.env.toObject() : process.env;
const { S3Client } = await import(entry === 'default' ? '../../js/src/index.js' : 's3mpu');

const client = await S3Client.create({
  endpoint: env.S3MPU_TEST_ENDPOINT, region: env.S3MPU_TEST_REGION, forcePathStyle: true,
  credentials: { accessKeyId: env.S3MPU_TEST_ACCESS_KEY_ID, secretAccessKey: env.S3MPU_TEST_SECRET_ACCESS_KEY },
});
const readBytes = () => (globalThis.Deno ? Deno.readFile(file) : Bun.file(file).bytes());
const body = entry === 'default' ? await readBytes() : { path: file };
const events = [];
const result = await client.upload({
  bucket, key, body, partSize: 5 * 1024 * 1024, concurrency: 2,
  onProgress: (p) => events.push(p.loaded),
});
console.log(JSON.stringify({ ...result, transport: client.transport.kind, progress: events.at(-1) }));
client.transport.close?.();
