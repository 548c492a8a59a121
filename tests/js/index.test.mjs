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

  it('index.d.ts declares every S3Client method but the internal ones, and no method it lacks', async () => {
    const dts = await readFile(path.join(here, '../../js/types/index.d.ts'), 'utf8');
    const body = /export declare class S3Client \{([\s\S]*?)\n\}/.exec(dts)[1];
    const declared = new Set([...body.matchAll(/^ {2}(static )?(\w+)\(/gm)].filter((m) => m[2] !== 'constructor').map((m) => (m[1] ? `static ${m[2]}` : m[2])));
    const INTERNAL = ['send', 'errorOf', 'parse', 'now', 'abortOrphans']; // used by upload.js, not API
    const actual = [
      ...Object.getOwnPropertyNames(entry.S3Client.prototype).filter((n) => n !== 'constructor' && !INTERNAL.includes(n)),
      ...Object.getOwnPropertyNames(entry.S3Client).filter((n) => typeof entry.S3Client[n] === 'function').map((n) => `static ${n}`),
    ];
    assert.deepEqual([...declared].sort(), actual.sort());
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
