// createDirectUploadHandler served by Deno (Deno.serve) or Bun (Bun.serve), as a user would:
// the package imported by its name ('s3mpu', linked to js/ by this folder's package.json) and
// the handler passed to the runtime's own server unchanged. Binds 127.0.0.1 on a free port,
// prints "listening <port>" and exits when its stdin closes (the test that started it ended).
//
//   deno run --no-lock --allow-net --allow-read --allow-env serve.mjs    |   bun serve.mjs
//
// Settings from the environment: S3MPU_TEST_ENDPOINT, _REGION, _ACCESS_KEY_ID,
// _SECRET_ACCESS_KEY; RUNTIME_BUCKET; RUNTIME_PREFIX (authorize() allows keys under it only).
import { S3Client, createDirectUploadHandler } from 's3mpu';

const env = globalThis.Deno ? Deno.env.toObject() : process.env;
const prefix = env.RUNTIME_PREFIX;

const client = await S3Client.create({
  endpoint: env.S3MPU_TEST_ENDPOINT, region: env.S3MPU_TEST_REGION, forcePathStyle: true,
  credentials: { accessKeyId: env.S3MPU_TEST_ACCESS_KEY_ID, secretAccessKey: env.S3MPU_TEST_SECRET_ACCESS_KEY },
});
const handler = createDirectUploadHandler(client, {
  bucket: env.RUNTIME_BUCKET,
  // New objects go under the prefix; every later call must name a key under it;
  // a caller saying it is "nobody" is denied everything.
  authorize: (request, info) => {
    if (request.headers.get('x-user') === 'nobody') return false;
    if (info.operation === 'createMultipartUpload' || info.operation === 'getUploadParameters') {
      return { key: `${prefix}${info.filename}` };
    }
    return info.key.startsWith(prefix);
  },
});

const print = (line) => (globalThis.Deno ? Deno.stdout.writeSync(new TextEncoder().encode(`${line}\n`)) : console.log(line));
if (globalThis.Deno) {
  Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => print(`listening ${port}`) }, handler);
  for await (const _ of Deno.stdin.readable);
  Deno.exit(0);
} else {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handler });
  print(`listening ${server.port}`);
  for await (const _ of Bun.stdin.stream());
  process.exit(0);
}
