// The package's entry (js/src/index.js) and its hand-written types (js/types/index.d.ts): the
// types compile with a program using them, and declare exactly what the entry exports.
//
//   node --test tests/js/index.test.mjs
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as entry from '../../js/src/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

// The .d.ts against a file that uses the API (tests/js/types-check.ts), when typescript is
// installed in tests/js (a dev dependency).
const tsc = path.join(here, 'node_modules', 'typescript', 'bin', 'tsc');
describe('types', () => {
  it('js/types/index.d.ts compiles with a program using it (tsc --strict)', {
    skip: !existsSync(tsc) && 'typescript not installed in tests/js', timeout: 120_000,
  }, async () => {
    const out = await new Promise((resolve) => {
      execFile(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext',
        '--moduleResolution', 'nodenext', '--lib', 'es2022,dom,dom.iterable',
        path.join(here, 'types-check.ts')], { cwd: here }, (error, stdout, stderr) => resolve({ error, stdout, stderr }));
    });
    assert.equal(out.error, null, `${out.stdout}${out.stderr}`);
  });
});

describe('exports', () => {
  it('index.d.ts declares a value for each export of index.js, and no other', async () => {
    const dts = await readFile(path.join(here, '../../js/types/index.d.ts'), 'utf8');
    const declared = [...dts.matchAll(/^export declare (?:class|function|const|let|var) (\w+)/gm)].map((m) => m[1]).sort();
    assert.deepEqual(Object.keys(entry).sort(), declared);
  });
});

describe('tests you can find', () => {
  it('each js/src/X.js has tests/js/X.test.mjs (js/src/cli/ is tests/js/cli.test.mjs, js/src/direct/ tests/js/direct.test.mjs)', async () => {
    const sources = (await readdir(path.join(here, '../../js/src'))).filter((f) => f.endsWith('.js'));
    const missing = sources.filter((f) => !existsSync(path.join(here, f.replace(/\.js$/, '.test.mjs'))));
    assert.deepEqual(missing, []);
    assert.ok(existsSync(path.join(here, 'cli.test.mjs')));
    assert.ok(existsSync(path.join(here, 'direct.test.mjs')));
  });
});
