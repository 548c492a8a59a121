// Run a module worker in workerd through miniflare, bundled the way wrangler
// bundles it: esbuild, platform browser, conditions workerd, worker, browser, `s3mpu`
// resolved as an installed package (its package.json "exports" and
// "browser" fields apply), and *.wasm imports left as CompiledWasm modules.
// Resolved from here so tests/worker/* find tests/e2e/node_modules.
import { mkdtemp, readFile, rm, symlink, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';

const jsDir = fileURLToPath(new URL('../../js', import.meta.url));

// Every *.wasm import becomes the one module ./s3mpu.wasm (workerd compiles it at load).
const wasmModules = {
  name: 'wasm-module',
  setup(b) {
    b.onResolve({ filter: /\.wasm$/ }, () => ({ path: './s3mpu.wasm', external: true }));
  },
};

/**
 * Bundle `entry` (a worker importing 's3mpu'). `packageDir`: where `s3mpu`
 * is installed (a node_modules folder holding s3mpu/); default: this
 * repository's js/, linked into a temporary node_modules.
 * @returns {Promise<{ code: string, inputs: string[] }>}
 */
export async function bundleWorker(entry, { nodeModules } = {}) {
  let tmp;
  if (!nodeModules) {
    tmp = await mkdtemp(join(tmpdir(), 's3mpu-worker-'));
    nodeModules = join(tmp, 'node_modules');
    await mkdir(nodeModules);
    await symlink(jsDir, join(nodeModules, 's3mpu'), 'dir');
  }
  try {
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser', // wrangler's default: the package.json "browser" map applies
      target: 'es2022',
      conditions: ['workerd', 'worker', 'browser'],
      nodePaths: [nodeModules],
      plugins: [wasmModules],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    return { code: out.outputFiles[0].text, inputs: Object.keys(out.metafile.inputs) };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

/** Imports of Node built-ins left in a bundle (there must be none for workerd). */
export function nodeImports(code) {
  return [...code.matchAll(/(?:\bimport\s*\(|\bfrom\s*|\brequire\s*\()\s*["'](node:[\w/]+)["']/g)].map((m) => m[1]);
}

/**
 * Start workerd with the bundled worker and the wasm module.
 * @param {{ code: string, wasm: string | URL, bindings?: Record<string, string>,
 *   compatibilityFlags?: string[] }} o
 * @returns {Promise<{ url: URL, mf: Miniflare, dispose(): Promise<void> }>}
 */
export async function startWorker({ code, wasm, bindings = {}, compatibilityFlags = [] }) {
  const root = await mkdtemp(join(tmpdir(), 's3mpu-workerd-'));
  const mf = new Miniflare({
    modulesRoot: root,
    modules: [
      { type: 'ESModule', path: join(root, 'worker.js'), contents: code },
      { type: 'CompiledWasm', path: join(root, 's3mpu.wasm'), contents: await readFile(wasm) },
    ],
    compatibilityDate: '2025-09-01',
    compatibilityFlags,
    bindings,
    host: '127.0.0.1',
    port: 0, // never the default 8787: other runs may hold it
  });
  const url = await mf.ready;
  return {
    url,
    mf,
    async dispose() {
      await mf.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
}
