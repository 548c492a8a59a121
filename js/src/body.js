// Part sources: every kind of upload body behind one small interface, so
// the upload engine never asks what the body is.
//
//   const src = await openBody(body, { size });
//   src.size          total bytes, or undefined for a stream of unknown length
//   src.fingerprint   { size, name?, lastModified? }: recorded in checkpoints
//   src.sequential    true: parts must be read in order (streams)
//   await src.read(offset, length)  -> Uint8Array of `length` bytes, fewer
//                     only at the end of the body (0 bytes past it)
//   await src.atEnd() -> true when no byte follows what was read (streams)
//   src.release(bytes) the engine is done with what read() gave: its memory
//                     may hold a later part
//   await src.peek?.(offset, length, scratch) -> the same bytes as read() would
//                     give, for hashing ahead (random-access sources): a view of
//                     the body, or read into scratch; never kept
//   await src.close() -> releases the stream or file (idempotent)
//
// Memory: bytes are views (copies in reused buffers for the node:http
// transport, see bytesSource); Blobs are sliced lazily, one part per
// read; files and streams fill part buffers that release() recycles, so an
// upload holds at most the parts in flight (plus one read ahead) whatever
// the body's size. Streams are pulled only when read() is called (the
// engine calls it when a concurrency slot is free).
import { S3InputError } from './errors.js';

const BLOB_READ_ATTEMPTS = 4;

// Opens a file ({ path } or a file: URL) as a source: set by the Node entry (index.node.js).
let openFile = async () => {
  throw new S3InputError('InvalidArgument', 'a file body ({ path } or a file: URL) needs Node');
};

/** @param {(path: string | URL) => Promise<object>} opener */
export function setFileOpener(opener) {
  openFile = opener;
}

/**
 * @param {unknown} body
 * @param {{ size?: number, copyParts?: boolean }} [options]  size: the length of a stream
 *   body, when known; copyParts: memory bodies are read as copies in reused buffers
 */
export async function openBody(body, { size, copyParts = false } = {}) {
  if (size !== undefined && size !== null && !(Number.isSafeInteger(size) && size >= 0)) {
    throw new S3InputError('InvalidArgument', 'size must be a non-negative integer');
  }
  size ??= undefined;
  let src;
  const file = fileOf(body);
  // A string is its text, as in fetch and every S3 SDK; a file is named as one.
  if (typeof body === 'string') src = bytesSource(new TextEncoder().encode(body), copyParts);
  else if (file !== undefined) src = await openFile(file);
  else if (body instanceof ArrayBuffer) src = bytesSource(new Uint8Array(body), copyParts);
  else if (ArrayBuffer.isView(body)) src = bytesSource(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), copyParts);
  else if (typeof Blob !== 'undefined' && body instanceof Blob) src = blobSource(body, body);
  else if (body && typeof body.getReader === 'function') src = webStreamSource(body, size);
  else if (body && typeof body[Symbol.asyncIterator] === 'function') src = iterableSource(body[Symbol.asyncIterator](), size, body);
  else if (body && typeof body[Symbol.iterator] === 'function') src = iterableSource(body[Symbol.iterator](), size);
  else {
    throw new S3InputError('InvalidArgument',
      'body must be a string (its UTF-8 text), Uint8Array, ArrayBuffer, Blob, ReadableStream, async iterable, ' +
      '{ path } or a file: URL');
  }
  if (!src.sequential && size !== undefined && size !== src.size) {
    await src.close();
    throw new S3InputError('BodySizeMismatch', `size is ${size} but the body has ${src.size} bytes`);
  }
  return src;
}

/** The file a body names: { path } (a plain object) or a file: URL; else undefined. */
function fileOf(body) {
  if (typeof URL !== 'undefined' && body instanceof URL) {
    if (body.protocol !== 'file:') throw new S3InputError('InvalidArgument', `a URL body must be a file: URL, not ${body.protocol}`);
    return body;
  }
  const proto = body && typeof body === 'object' ? Object.getPrototypeOf(body) : undefined;
  if ((proto === Object.prototype || proto === null) && 'path' in body) {
    if (typeof body.path !== 'string' || !body.path) throw new S3InputError('InvalidArgument', '{ path } must name a file');
    return body.path;
  }
  return undefined;
}

// ---- Random access --------------------------------------------------------

/**
 * Bytes in memory: parts are views, or with `copyParts` (and a body of more
 * than one part) copies in reused part buffers. The node:http transport
 * sends those cheaper than views of a large body: on 2-core AMD EPYC VMs,
 * 512 MiB in 8 MiB parts took 1.4-1.5 CPU s/GiB copied against 2.0-2.4 as
 * views (the copy costs user time; the kernel's socket copies out of a
 * cache-warm part buffer save more).
 */
function bytesSource(bytes, copyParts) {
  const buffers = copyParts ? partBuffers() : undefined;
  return {
    size: bytes.length,
    fingerprint: { size: bytes.length },
    sequential: false,
    async read(offset, length) {
      const part = bytes.subarray(offset, Math.min(offset + length, bytes.length));
      // The whole body at once (a single PUT): no later part reuses a buffer.
      if (!buffers || part.length === bytes.length) return part;
      const copy = buffers.take(part.length);
      copy.set(part);
      return copy;
    },
    async atEnd() {
      return true;
    },
    // A view, whatever copyParts: the bytes are hashed, not kept.
    peek: async (offset, length) => bytes.subarray(offset, Math.min(offset + length, bytes.length)),
    release: (part) => buffers?.give(part),
    async close() {},
  };
}

/**
 * Part buffers, reused once released. Fresh ones per part are freed only
 * when V8 gets round to it: a 512 MiB file then peaked 128 MiB over the
 * body, against concurrency x part size (32 MiB) of memory in use.
 */
export function partBuffers() {
  const free = [];
  const ours = new WeakSet();
  return {
    take(length) {
      let buffer = free.pop();
      if (!buffer || buffer.byteLength < length) {
        buffer = new ArrayBuffer(length);
        ours.add(buffer);
      }
      return new Uint8Array(buffer, 0, length);
    },
    give(bytes) {
      if (ours.has(bytes.buffer) && !free.includes(bytes.buffer)) free.push(bytes.buffer);
    },
  };
}

/** A Blob (or a File: its name and lastModified go in the fingerprint). */
function blobSource(blob, file, name) {
  const fingerprint = { size: blob.size };
  if (name ?? file.name) fingerprint.name = name ?? file.name;
  if (typeof file.lastModified === 'number') fingerprint.lastModified = file.lastModified;
  return {
    size: blob.size,
    fingerprint,
    sequential: false,
    read: (offset, length) => readBlob(blob, offset, Math.min(offset + length, blob.size)),
    peek: (offset, length) => readBlob(blob, offset, Math.min(offset + length, blob.size)),
    async atEnd() {
      return true;
    },
    release() {},
    async close() {},
  };
}

/**
 * One slice of a Blob. Chromium sometimes fails a read with NotReadableError
 * that a second read does not: retry those like a request.
 */
export async function readBlob(blob, start, end) {
  for (let attempt = 1; ; attempt++) {
    try {
      return new Uint8Array(await blob.slice(start, end).arrayBuffer());
    } catch (e) {
      if (e?.name !== 'NotReadableError' || attempt >= BLOB_READ_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

// ---- Streams --------------------------------------------------------------

/**
 * A sequential source over `pull()`, which resolves to the next chunk
 * (a Uint8Array) or null at the end. `cancel()` releases the stream.
 */
export function chunkSource(pull, cancel, size) {
  let pending = null; // the rest of the last chunk pulled
  let position = 0;
  let ended = false;
  let closed = false;
  const buffers = partBuffers();

  async function more() {
    while (!ended) {
      const chunk = await pull();
      if (chunk === null) ended = true;
      else if (chunk.length) return chunk;
    }
    return null;
  }

  return {
    size,
    fingerprint: { size: size ?? null },
    sequential: true,
    async read(offset, length) {
      if (offset !== position) throw new Error(`s3mpu: stream read at ${offset}, position ${position}`);
      const buf = buffers.take(length);
      let filled = 0;
      while (filled < length) {
        pending ??= await more();
        if (!pending) break;
        const take = Math.min(pending.length, length - filled);
        buf.set(take === pending.length ? pending : pending.subarray(0, take), filled);
        pending = take < pending.length ? pending.subarray(take) : null;
        filled += take;
      }
      position += filled;
      return filled === length ? buf : buf.subarray(0, filled);
    },
    async atEnd() {
      pending ??= await more();
      return pending === null;
    },
    release: buffers.give,
    async close() {
      if (closed) return;
      closed = true;
      pending = null;
      if (!ended) await Promise.resolve(cancel()).catch(() => {});
    },
  };
}

function toBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new S3InputError('InvalidArgument', 'a stream body must yield Uint8Array chunks');
}

function webStreamSource(stream, size) {
  const reader = stream.getReader();
  return chunkSource(
    async () => {
      const { done, value } = await reader.read();
      return done ? null : toBytes(value);
    },
    async () => {
      await reader.cancel();
      reader.releaseLock();
    },
    size,
  );
}

/** A Node Readable or any (async) iterator of chunks. */
function iterableSource(iterator, size, stream) {
  return chunkSource(
    async () => {
      const { done, value } = await iterator.next();
      return done ? null : toBytes(value);
    },
    // A Node Readable's iterator return() waits for the read under way, which
    // never ends on an idle pipe: destroy the stream instead.
    () => (typeof stream?.destroy === 'function' ? stream.destroy() : iterator.return?.()),
    size,
  );
}
