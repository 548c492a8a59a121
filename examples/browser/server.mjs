// The browser demo's backend: serves the page and, under /s3, the signing
// handler of the package (Uppy Companion's S3 routes). The secret key stays
// here; the file's bytes go from the page straight to the bucket.
//
//   export S3MPU_ENDPOINT=http://127.0.0.1:7480 S3MPU_REGION=us-east-1 \
//          S3MPU_ACCESS_KEY_ID=... S3MPU_SECRET_ACCESS_KEY=... S3MPU_BUCKET=demo
//   node examples/browser/server.mjs          # then open http://localhost:8080/
//
// PORT (default 8080) and S3MPU_KEY_PREFIX (default "uploads/") are optional.
// The bucket needs a CORS rule that lets the page's origin PUT and POST and
// read ETag (tests/server/mkbucket.sh applies one for http://localhost:*).
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
// In your project: from 's3mpu'.
import { S3Client, createDirectUploadHandler, toNodeListener } from '../../js/src/index.node.js';

const here = new URL('./', import.meta.url);
const jsRoot = new URL('../../js/', import.meta.url);

const PAGE_FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

/**
 * Start the demo server. Resolves to { url, port, close() }.
 * @param {{ endpoint: string, region?: string, accessKeyId: string, secretAccessKey: string,
 *   bucket: string, port?: number, host?: string, keyPrefix?: string, wasm?: string,
 *   expiresIn?: number, maxSize?: number }} o
 */
export async function startDemoServer(o) {
  const s3 = await S3Client.create({
    endpoint: o.endpoint,
    region: o.region,
    credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
    forcePathStyle: true,
  });
  const prefix = o.keyPrefix ?? 'uploads/';
  // The one line a server needs. A real application checks the user here
  // (a session cookie, a token) and keeps each user under a prefix of its own.
  const uploads = toNodeListener(createDirectUploadHandler(s3, {
    bucket: o.bucket,
    maxSize: o.maxSize,
    expiresIn: o.expiresIn,
    authorize: (_request, { operation, key, filename }) => {
      if (operation === 'createMultipartUpload' || operation === 'getUploadParameters') {
        // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
        return { key: prefix + filename.replace(/[\\/]+/g, '_').replace(/[\u0000-\u001f\u007f]/g, '') };
      }
      return key.startsWith(prefix);
    },
  }));
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path.startsWith('/s3/')) return uploads(req, res);
    return serveFile(o, req, res, path);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 8080, o.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://localhost:${port}/`,
    port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
      s3.transport.close?.();
    }),
  };
}

/** The page, and the package's ESM as plain files (/s3mpu/src/... = js/src/...). */
async function serveFile(o, req, res, path) {
  let file;
  let type = 'text/javascript; charset=utf-8';
  if (req.method === 'GET' && PAGE_FILES[path]) [file, type] = [new URL(PAGE_FILES[path][0], here), PAGE_FILES[path][1]];
  else if (req.method === 'GET' && /^\/s3mpu\/src\/([a-z0-9_-]+\/)*[a-z0-9_.-]+\.js$/.test(path) && !path.includes('..')) {
    file = new URL(path.slice('/s3mpu/'.length), jsRoot);
  } else if (req.method === 'GET' && path === '/s3mpu/s3mpu.wasm') {
    [file, type] = [o.wasm ?? process.env.S3MPU_WASM ?? new URL('s3mpu.wasm', jsRoot), 'application/wasm'];
  } else if (req.method === 'GET' && path === '/s3mpu/s3mpu-md5.wasm') { // the hashing Worker's
    [file, type] = [process.env.S3MPU_MD5_WASM ?? new URL('s3mpu-md5.wasm', jsRoot), 'application/wasm'];
  }
  let data;
  try {
    if (!file) throw new Error('no such file');
    data = await readFile(file);
  } catch {
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `no such file ${path}` }));
    return;
  }
  res.writeHead(200, { 'content-type': type, 'content-length': data.length, 'cache-control': 'no-store' });
  res.end(data);
}

// ---- Run as a program ------------------------------------------------------------------

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const env = process.env;
  const missing = ['S3MPU_ENDPOINT', 'S3MPU_ACCESS_KEY_ID', 'S3MPU_SECRET_ACCESS_KEY', 'S3MPU_BUCKET'].filter((n) => !env[n]);
  if (missing.length) {
    console.error(`set ${missing.join(', ')} (see the top of ${fileURLToPath(import.meta.url)})`);
    process.exit(2);
  }
  const port = Number(env.PORT ?? 8080);
  try {
    const server = await startDemoServer({
      endpoint: env.S3MPU_ENDPOINT,
      region: env.S3MPU_REGION,
      accessKeyId: env.S3MPU_ACCESS_KEY_ID,
      secretAccessKey: env.S3MPU_SECRET_ACCESS_KEY,
      bucket: env.S3MPU_BUCKET,
      keyPrefix: env.S3MPU_KEY_PREFIX,
      port,
    });
    console.log(`s3mpu browser demo on ${server.url} (bucket ${env.S3MPU_BUCKET})`);
  } catch (err) {
    // A person runs this: say what to change, not where in the code it failed.
    if (err.code === 'EADDRINUSE') console.error(`port ${port} is in use: set PORT to a free one (PORT=8081 node ${process.argv[1]})`);
    else if (err.code === 'EACCES') console.error(`port ${port} needs privileges: set PORT above 1023`);
    else console.error(`cannot start the demo: ${err.message}`);
    process.exit(2);
  }
}
