// The interop tests' pages, served by a node:http server on 127.0.0.1 and a free port:
//   /            Uppy: a bundle of uppy-entry.mjs (esbuild, from tests/e2e's dev dependencies)
//   /direct.html s3mpu/direct as plain ES modules (/s3mpu/src/... = js/src/...), as a page
//                using the package would load it; window.directUpload is its directUpload
// `handler`, when given, serves every path under /s3/ (a fetch-style
// (Request) => Promise<Response>, e.g. s3mpu's createDirectUploadHandler), so that Uppy's
// companionEndpoint can be the page's own origin.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const e2eRequire = createRequire(fileURLToPath(new URL('../e2e/package.json', import.meta.url)));
const ENTRY = fileURLToPath(new URL('./uppy-entry.mjs', import.meta.url));

/** The page's script: @uppy/core + @uppy/aws-s3 as a browser bundle (ESM, minified). */
export async function bundleUppy(esbuild = e2eRequire('esbuild')) {
  const out = await esbuild.build({
    entryPoints: [ENTRY], bundle: true, write: false, format: 'esm', platform: 'browser',
    target: 'chrome120', minify: true, logLevel: 'silent',
  });
  return out.outputFiles[0].contents;
}

const JS_ROOT = new URL('../../js/', import.meta.url);
const HTML = '<!doctype html><meta charset="utf-8"><title>uppy interop</title>' +
  '<input type="file" id="file"><script type="module" src="/uppy.js"></script>';
const DIRECT_HTML = '<!doctype html><meta charset="utf-8"><title>s3mpu/direct interop</title>' +
  '<input type="file" id="file"><script type="module">' +
  "import { directUpload } from '/s3mpu/src/direct/index.js';" +
  'window.directUpload = directUpload; window.directReady = true;</script>';

/**
 * @param {{ script?: Uint8Array, handler?: (req: Request) => Promise<Response> }} options
 * @returns {Promise<{ url: string, origin: string, close(): Promise<void> }>}
 */
export async function startPage({ script, handler }) {
  const server = createServer(async (req, res) => {
    try {
      const path = new URL(req.url, 'http://x').pathname;
      if (path === '/') return send(res, 200, 'text/html; charset=utf-8', HTML);
      if (path === '/uppy.js') return send(res, 200, 'text/javascript', script);
      if (path === '/direct.html') return send(res, 200, 'text/html; charset=utf-8', DIRECT_HTML);
      if (path === '/s3mpu/s3mpu.wasm') {
        return send(res, 200, 'application/wasm', await readFile(process.env.S3MPU_WASM || new URL('s3mpu.wasm', JS_ROOT)));
      }
      if (path === '/s3mpu/s3mpu-md5.wasm') {
        return send(res, 200, 'application/wasm', await readFile(process.env.S3MPU_MD5_WASM || new URL('s3mpu-md5.wasm', JS_ROOT)));
      }
      if (/^\/s3mpu\/src\/[\w/.-]+\.js$/.test(path) && !path.includes('..')) {
        return send(res, 200, 'text/javascript', await readFile(new URL(path.slice('/s3mpu/'.length), JS_ROOT)));
      }
      if (handler && path.startsWith('/s3/')) return await serveFetch(handler, req, res);
      return send(res, 404, 'text/plain', 'not found');
    } catch (e) {
      if (!res.headersSent) send(res, 500, 'text/plain', String(e?.message ?? e));
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    url: `${origin}/`,
    origin,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

function send(res, status, type, body) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

/** One node:http request through a fetch-style handler. */
async function serveFetch(handler, req, res) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const body = chunks.length && !['GET', 'HEAD'].includes(req.method) ? Buffer.concat(chunks) : undefined;
  const response = await handler(new Request(new URL(req.url, `http://${req.headers.host}`), { method: req.method, headers, body }));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}
