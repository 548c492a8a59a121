// S3Client.upload() under Deno or Bun: one multipart upload of a file, printed as JSON.
//
//   deno run --no-lock --allow-net --allow-read --allow-env=S3MPU_TEST_ENDPOINT,... upload.mjs ENTRY BODY FILE BUCKET KEY
//   bun upload.mjs ENTRY BODY FILE BUCKET KEY
//
// ENTRY "s3mpu" is the package by name (both runtimes pick its "node" export, index.node.js);
// "default" is js/src/index.js, the entry of browsers and of runtimes without the "node"
// condition (the wasm fetched from a file: URL). BODY is how the file is given, as a user of
// the runtime would: "path" ({ path }), "bytes" (a Uint8Array), "stream" (the runtime's own
// ReadableStream of the file, size unknown) or "blob" (Bun.file(); on Deno a Blob of the bytes);
// "cancel" is { path } with an AbortSignal fired once the first part is sent: it prints the
// error instead. The store from S3MPU_TEST_*.
const [entry, bodyKind, file, bucket, key] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const env = (name) => (globalThis.Deno ? Deno.env.get(name) : process.env[name]); // Deno: only the variables allowed
const { S3Client } = await import(entry === 'default' ? '../../js/src/index.js' : 's3mpu');

const bodies = {
  path: () => ({ path: file }),
  cancel: () => ({ path: file }),
  bytes: () => (globalThis.Deno ? Deno.readFile(file) : Bun.file(file).bytes()),
  stream: async () => (globalThis.Deno ? (await Deno.open(file)).readable : Bun.file(file).stream()),
  blob: async () => (globalThis.Deno ? new Blob([await Deno.readFile(file)]) : Bun.file(file)),
};
const client = await S3Client.create({
  endpoint: env('S3MPU_TEST_ENDPOINT'), region: env('S3MPU_TEST_REGION'), forcePathStyle: true,
  credentials: { accessKeyId: env('S3MPU_TEST_ACCESS_KEY_ID'), secretAccessKey: env('S3MPU_TEST_SECRET_ACCESS_KEY') },
});
const events = [];
const cancel = new AbortController();
const params = {
  bucket, key, body: await bodies[bodyKind](), partSize: 5 * 1024 * 1024, concurrency: bodyKind === 'cancel' ? 1 : 2,
  onProgress: (p) => {
    events.push(p.loaded);
    if (bodyKind === 'cancel' && p.loaded >= 5 * 1024 * 1024) cancel.abort(new Error('cancelled by the test'));
  },
  signal: cancel.signal,
};
try {
  const result = await client.upload(params);
  console.log(JSON.stringify({ ...result, transport: client.transport.kind, progress: events.at(-1) }));
} catch (error) {
  console.log(JSON.stringify({ error: error.message }));
}
client.transport.close?.();
