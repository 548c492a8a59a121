#!/usr/bin/env node
// Where the bytes of s3mpu.wasm go: sections, source files, functions.
//
//   node bench/wasm/sizes.mjs [build dir, default build/wasi] [top N, default 25]
//
// The shipped module has no names, so this links it again with names kept
// (WASI: wasm-ld run directly, without the wasm-opt pass clang adds;
// Emscripten: --profiling-funcs), then runs wasm-metadce and wasm-opt as
// cmake/wasm-finish.cmake does, keeping the name section. Function sizes
// are code-section body sizes; a function inlined into another counts for
// the one it was inlined into (xml.c's doc_open holds most of mxml's
// parser). Source files come from llvm-nm on the objects and archives.
// Prints Markdown (bench/SIZE.md was made with it). Needs clang-14/emcc,
// binaryen and llvm-nm-14: what the wasm build needs anyway.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const dir = path.resolve(process.argv[2] ?? path.join(root, 'build/wasi'));
const topN = Number(process.argv[3] ?? 25);
const wasmDir = path.join(dir, 'wasm');
const tmp = mkdtempSync(path.join(tmpdir(), 's3mpu-sizes-'));
const sh = (cmd, opts = {}) => execFileSync('sh', ['-c', cmd], { cwd: wasmDir, encoding: 'utf8', maxBuffer: 1 << 26, ...opts });

// ---- the module again, with names ----------------------------------------
const linkTxt = readFileSync(path.join(wasmDir, 'CMakeFiles/s3mpu_wasm_linked.dir/link.txt'), 'utf8').trim();
const emscripten = /\bemcc\b/.test(linkTxt);
const linked = path.join(tmp, 'linked.wasm');
const link = linkTxt.replace(/-o s3mpu-linked\.wasm/, `-o ${linked}`);
if (emscripten) {
  sh(`${link} --profiling-funcs`, { env: { ...process.env, NODE_PATH: process.env.NODE_PATH || '/usr/share/nodejs' } });
} else {
  // clang -### prints the wasm-ld command; run it alone (no wasm-opt pass).
  const plan = sh(`${link} -### 2>&1`);
  const ld = plan.split('\n').find((l) => /wasm-ld/.test(l));
  sh(ld);
}
const features = '--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext';
const named = path.join(tmp, 'named.wasm');
sh(`wasm-metadce ${features} ${linked} -f exports.graph.json -o ${tmp}/dce.wasm -g >/dev/null`);
sh(`wasm-opt ${features} -Oz -g --strip-dwarf --strip-producers ${tmp}/dce.wasm -o ${named}`);

// ---- a minimal reader of the module -------------------------------------
function sections(buf) {
  const out = [];
  let at = 8;
  while (at < buf.length) {
    const id = buf[at++];
    const [size, n] = leb(buf, at);
    at += n;
    let name = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export', 'start', 'element', 'code', 'data', 'datacount'][id];
    if (id === 0) {
      const [len, m] = leb(buf, at);
      name = `custom "${buf.subarray(at + m, at + m + len).toString()}"`;
    }
    out.push({ id, name, start: at, size });
    at += size;
  }
  return out;
}
function leb(buf, at) {
  let v = 0, shift = 0, n = 0, b;
  do { b = buf[at + n++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [v, n];
}
function functionSizes(buf) {
  const secs = sections(buf);
  let imported = 0;
  const imp = secs.find((s) => s.id === 2);
  if (imp) { // count imported functions (kind 0)
    let at = imp.start; const [count, n] = leb(buf, at); at += n;
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < 2; k++) { const [l, m] = leb(buf, at); at += m + l; }
      const kind = buf[at++];
      if (kind === 0) { imported++; at += leb(buf, at)[1]; } else if (kind === 1) { at += 1; const f = buf[at++]; at += leb(buf, at)[1]; if (f & 1) at += leb(buf, at)[1]; } else if (kind === 2) { const f = buf[at++]; at += leb(buf, at)[1]; if (f & 1) at += leb(buf, at)[1]; } else { at += 2; }
    }
  }
  const names = new Map();
  const ns = secs.find((s) => s.name === 'custom "name"');
  if (ns) {
    let at = ns.start; const [l, m] = leb(buf, at); at += m + l;
    while (at < ns.start + ns.size) {
      const sub = buf[at++]; const [size, n] = leb(buf, at); at += n;
      if (sub === 1) {
        let p = at; const [count, k] = leb(buf, p); p += k;
        for (let i = 0; i < count; i++) {
          const [idx, a] = leb(buf, p); p += a; const [len, b] = leb(buf, p); p += b;
          names.set(idx, buf.subarray(p, p + len).toString()); p += len;
        }
      }
      at += size;
    }
  }
  const code = secs.find((s) => s.id === 10);
  let at = code.start; const [count, n] = leb(buf, at); at += n;
  const fns = [];
  for (let i = 0; i < count; i++) {
    const [size, k] = leb(buf, at);
    fns.push({ name: names.get(imported + i) ?? `func[${imported + i}]`, size: size + k });
    at += k + size;
  }
  return { secs, fns };
}

// ---- which source file defines each symbol --------------------------------
const owner = new Map();
function scan(file, label) {
  let member = path.basename(file);
  for (const line of sh(`llvm-nm-14 --defined-only ${file} 2>/dev/null || true`).split('\n')) {
    if (/^\S.*:$/.test(line)) { member = line.slice(0, -1); continue; }
    const p = line.trim().split(/\s+/);
    if (p.length >= 3 && /[tTdDrRbB]/.test(p[1]) && !owner.has(p[2])) owner.set(p[2], label(member));
  }
}
const objs = (d) => (existsSync(d) ? readdirSync(d, { recursive: true }).filter((f) => f.endsWith('.o')).map((f) => path.join(d, f)) : []);
for (const o of objs(path.join(dir, 'core/CMakeFiles/s3mpu.dir/src'))) scan(o, (m) => `core/src/${m.replace(/\.c\.o$/, '.c')}`);
for (const o of objs(path.join(wasmDir, 'CMakeFiles/s3mpu_wasm_linked.dir'))) {
  scan(o, (m) => `wasm/${o.includes('/deps/') ? 'deps/' : ''}${m.replace(/\.c\.o$/, '.c')}`);
}
const cache = readFileSync(path.join(dir, 'CMakeCache.txt'), 'utf8');
const deps = (cache.match(/^S3MPU_DEPS_PREFIX:PATH=(.*)$/m) ?? [])[1];
if (deps) {
  scan(path.join(deps, 'lib/libmxml.a'), (m) => (m.includes('shim') ? 'wasm/deps/mxml-shim.c' : 'mxml'));
  scan(path.join(deps, 'lib/libbearssl.a'), () => 'BearSSL');
}

// ---- report ---------------------------------------------------------------
const shipped = readFileSync(path.join(wasmDir, 's3mpu.wasm'));
const gz = execFileSync('gzip', ['-9c'], { input: shipped }).length;
console.log(`## ${path.relative(root, path.join(wasmDir, 's3mpu.wasm'))}: ${shipped.length.toLocaleString('en')} bytes, ${gz.toLocaleString('en')} gzip -9\n`);
console.log('| section | bytes |\n|---|---:|');
for (const s of sections(shipped)) console.log(`| ${s.name} | ${s.size.toLocaleString('en')} |`);
const { fns } = functionSizes(readFileSync(named));
const byFile = new Map();
for (const f of fns) {
  const base = f.name.replace(/\.\d+$/, '');
  f.file = owner.get(base) ?? (base.startsWith('s3mpu_') ? '?' : 'C library');
  byFile.set(f.file, (byFile.get(f.file) ?? 0) + f.size);
}
const total = fns.reduce((a, f) => a + f.size, 0);
console.log(`\nFunction bodies by source (named build, ${total.toLocaleString('en')} bytes):\n`);
console.log('| source | bytes | share |\n|---|---:|---:|');
for (const [file, size] of [...byFile].sort((a, b) => b[1] - a[1])) console.log(`| ${file} | ${size.toLocaleString('en')} | ${Math.round((100 * size) / total)}% |`);
console.log(`\nThe ${topN} largest functions:\n`);
console.log('| function | bytes | source |\n|---|---:|---|');
for (const f of [...fns].sort((a, b) => b.size - a.size).slice(0, topN)) console.log(`| ${f.name} | ${f.size.toLocaleString('en')} | ${f.file} |`);
