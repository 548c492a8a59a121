// createDirectUploadHandler served by Deno or Bun, as a user would: the package imported by
// its name ('s3mpu', linked to js/ by this folder's package.json) and the handler given
// unchanged to the runtime's own server (Deno.serve, Bun.serve), or with the argument
// "node:http" to the runtime's node:http through the package's toNodeListener. Binds
// 127.0.0.1 on a free port, prints "listening <port>" and exits when its stdin closes (the
// test that started it ended).
//
//   deno run --no-lock --allow-net --allow-read --allow-env=S3MPU_TEST_ENDPOINT,... serve.mjs [node:http]
//   bun serve.mjs [node:http]
//
// Settings from the environment: S3MPU_TEST_ENDPOINT, _REGION, _ACCESS_KEY_ID,
// _SECRET_ACCESS_KEY; RUNTIME_BUCKET; RUNTIME_PREFIX (authorize() allows keys under it only).
import http from 'node:http';
import { S3Client, createDirectUploadHandler, toNodeListener } from 's3mpu';

const env = (name) => (globalThis.Deno ? Deno.env.get(name) : process.env[name]); // Deno: only the variables allowed
const [mode = 'native'] = globalThis.Deno ? Deno.args : process.argv.slice(2);
const prefix = env('RUNTIME_PREFIX');

const client = await S3Client.create({
  endpoint: env('S3MPU_TEST_ENDPOINT'), region: env('S3MPU_TEST_REGION'), forcePathStyle: true,
  credentials: { accessKeyId: env('S3MPU_TEST_ACCESS_KEY_ID'), secretAccessKey: env('S3MPU_TEST_SECRET_ACCESS_KEY') },
});
const handler = createDirectUploadHandler(client, {
  bucket: env('RUNTIME_BUCKET'),
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
if (mode === 'node:http') {
  const server = http.createServer(toNodeListener(handler));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  print(`listening ${server.address().port}`);
} else if (globalThis.Deno) {
  await new Promise((resolve) => {
    Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: ({ port }) => resolve(print(`listening ${port}`)) }, handler);
  });
} else {
  print(`listening ${Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handler }).port}`);
}
const stdin = globalThis.Deno ? Deno.stdin.readable : Bun.stdin.stream();
for await (const _ of stdin);
if (globalThis.Deno) Deno.exit(0);
else process.exit(0);
