// A module loading hook (node:module register) that imports a .wasm file as an already
// compiled WebAssembly.Module, as wrangler's default rule does for Cloudflare Workers: it lets
// Node run js/src/index.worker.js. S3MPU_WASM, when set, replaces the file.
export async function load(url, context, next) {
  if (!url.endsWith('.wasm')) return next(url, context);
  const file = JSON.stringify(process.env.S3MPU_WASM || new URL(url).pathname);
  return {
    format: 'module',
    shortCircuit: true,
    source: `import { readFileSync } from 'node:fs';\nexport default new WebAssembly.Module(readFileSync(${file}));\n`,
  };
}
