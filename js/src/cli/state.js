// Checkpoint files of `s3mpu cp`: the upload's state (upload id, parts
// done) next to the file, written whole after each part, so the same
// command resumes after a crash, Ctrl-C or failure.
import { readFile, writeFile, rename, unlink } from 'node:fs/promises';

/** The default checkpoint of a file; the directory walk skips these. */
export const STATE_SUFFIX = '.s3mpu-state.json';

/** A saved state, or undefined when there is none (or it is not ours: `say` tells). */
export async function readState(path, say) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (e.code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${e.message}`);
  }
  try {
    const state = JSON.parse(text);
    if (state && typeof state === 'object' && typeof state.uploadId === 'string') return state;
  } catch {
    // fall through
  }
  say(`s3mpu: ignoring ${path}: not an s3mpu state file`);
  return undefined;
}

/** Written whole (tmp + rename): a kill never leaves half a file. */
export async function writeState(path, state) {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

export async function removeState(path) {
  await unlink(path).catch((e) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

/**
 * Why a saved state cannot resume this upload, or '' when it can.
 * `stale`: the state is of this object, but of an older version of the file
 * (its upload is of no use any more: the caller aborts it).
 */
export function stateMismatch(state, { bucket, key, file }) {
  if (state.bucket !== bucket || state.key !== key) return { why: `it is for s3://${state.bucket}/${state.key}`, stale: false };
  if (file) {
    const fp = state.fingerprint ?? {};
    const size = fp.size ?? state.size;
    if (size !== undefined && size !== file.size) return { why: `the file is now ${file.size} bytes, it was ${size}`, stale: true };
    if (fp.lastModified !== undefined && Math.trunc(fp.lastModified) !== Math.trunc(file.mtimeMs)) {
      return { why: 'the file was modified since', stale: true };
    }
  }
  return { why: '', stale: false };
}

/** The commands that resume or abort a kept upload. */
export function keptHelp({ bucket, key, uploadId, statePath, command }) {
  return `resume: ${command}\n       abort:  s3mpu abort s3://${bucket}/${key} ${uploadId}` +
    (statePath ? ` && rm ${shellQuote(statePath)}` : '');
}

export function shellQuote(s) {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${String(s).replace(/'/g, "'\\''")}'`;
}
