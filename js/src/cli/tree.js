// The files of a directory for `s3mpu cp -r`: walked recursively in name
// order, filtered by --include/--exclude globs, checkpoint files left out.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { STATE_SUFFIX } from './state.js';

/**
 * A glob as `aws s3 cp` reads it, against the path relative to the
 * directory with "/" separators: `*` any characters (also "/"), `?` one,
 * `[abc]`/`[!a-z]` one of a set.
 */
export function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[' && glob.indexOf(']', i + 2) > i) {
      const end = glob.indexOf(']', i + 2);
      let set = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
      if (set[0] === '!') set = `^${set.slice(1)}`;
      re += `[${set}]`;
      i = end;
    } else {
      re += ch.replace(/[.+^${}()|\\\]]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`, 's');
}

/**
 * Filters in the order given: the last that matches decides, and a path no
 * filter matches is included (as in `aws s3 cp --exclude '*' --include '*.txt'`).
 * @param {{ include: boolean, glob: string }[]} filters
 */
export function pathFilter(filters) {
  const compiled = filters.map((f) => ({ include: f.include, re: globToRegExp(f.glob) }));
  return (rel) => {
    let included = true;
    for (const f of compiled) if (f.re.test(rel)) included = f.include;
    return included;
  };
}

/** Our own checkpoint files (and their temporary copies) are never uploaded. */
function isStateFile(name) {
  return name.endsWith(STATE_SUFFIX) || /\.s3mpu-state\.json\.\d+\.tmp$/.test(name);
}

/**
 * Regular files under `dir` (symbolic links to files followed, to
 * directories not: no loops), in name order.
 * @returns {Promise<{ path: string, rel: string, stat: import('node:fs').Stats }[]>}
 */
export async function walk(dir, keep = () => true, say = () => {}) {
  const out = [];
  const visit = async (abs, rel) => {
    const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(abs, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        await visit(path, relPath);
        continue;
      }
      if (isStateFile(entry.name)) continue;
      let st;
      try {
        st = await stat(path);
      } catch (e) {
        say(`s3mpu: skipping ${path}: ${e.code === 'ENOENT' ? 'a dangling link' : e.message}`);
        continue;
      }
      if (st.isDirectory()) {
        say(`s3mpu: skipping ${path}: a link to a directory`);
        continue;
      }
      if (!st.isFile() || !keep(relPath)) continue;
      out.push({ path, rel: relPath, stat: st });
    }
  };
  await visit(dir, '');
  return out;
}
