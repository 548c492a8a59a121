// README.md's "Layout" table against the tree, without a server: every path it names exists,
// and the rows that list a folder's files (core/src/, js/src/, scripts/) list all of them.
//
//   node --test tests/js/readme.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// Named in the table but not files of the tree: built or installed things, placeholders.
const NOT_PATHS = new Set(['.wasm', 's3mpu.pc', 's3mpu/direct', 'test_X.c', 'core/src/X.c', 'X.test.mjs', 'js/src/X.js']);

/** The Layout table's rows: { paths: the first cell's `names`, names: the second cell's }. */
async function layoutRows() {
  const readme = await readFile(path.join(root, 'README.md'), 'utf8');
  const section = /^## Layout\n([\s\S]*?)^## /m.exec(readme);
  assert.ok(section, 'README.md has no "## Layout" section');
  const ticks = (cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  return section[1].split('\n').filter((l) => /^\| `/.test(l)).map((line) => {
    const [, first, second] = line.split(/\s*\|\s*/);
    return { paths: ticks(first), names: ticks(second) };
  });
}

/** A name of the table that looks like a path (a folder/ or a file.ext), not a command, an API or a glob. */
function looksLikePath(name) {
  return /^[\w./-]+$/.test(name) && !name.startsWith('-') && (name.includes('/') || /\.(c|h|js|mjs|ts|json|jsonc|md|sh|py|txt|xml|wasm|pc)$/.test(name));
}

describe('README.md layout table', () => {
  it('every path it names exists (in the row\'s folder or from the top)', async () => {
    const missing = [];
    for (const { paths, names } of await layoutRows()) {
      for (const p of paths) if (!existsSync(path.join(root, p))) missing.push(p);
      const folders = paths.filter((p) => p.endsWith('/'));
      for (const name of names.filter(looksLikePath)) {
        if (NOT_PATHS.has(name)) continue;
        const places = [...folders.map((f) => path.join(root, f, name)), path.join(root, name)];
        if (!places.some((p) => existsSync(p))) missing.push(`${name} (row ${paths.join(', ')})`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('the rows of core/src/, js/src/ and scripts/ name every file there', async () => {
    const rows = await layoutRows();
    const unlisted = [];
    for (const [folder, keep] of [['core/src/', /\.c$/], ['js/src/', /\.js$|^[a-z]+$/], ['scripts/', /\.(sh|mjs)$/]]) {
      const row = rows.find((r) => r.paths.includes(folder));
      assert.ok(row, `README.md's layout table has no row for ${folder}`);
      const named = new Set(row.names.map((n) => n.replace(/\/$/, '')));
      for (const entry of await readdir(path.join(root, folder))) {
        if (keep.test(entry) && !named.has(entry)) unlisted.push(folder + entry);
      }
    }
    assert.deepEqual(unlisted, []);
  });
});
