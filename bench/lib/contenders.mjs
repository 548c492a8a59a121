// The upload contenders: each is `async (opts) => void` uploading one body
// (opts.source 'memory': opts.body, a Buffer; 'file': opts.file, a path) as
// a multipart upload of opts.partSize parts, opts.concurrency in flight.
// Each is loaded by upload-child.mjs in a fresh process, so only its own
// modules are in memory.
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/** Parts of the body as { n, offset, size }. */
function planParts(total, partSize) {
  const parts = [];
  for (let n = 1, offset = 0; offset < total; n++, offset += partSize) {
    parts.push({ n, offset, size: Math.min(partSize, total - offset) });
  }
  return parts;
}

/** Run fn over items with `limit` workers. */
async function pool(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A part reader: memory slices, or a fresh Buffer read from the file. */
async function partReader(opts) {
  if (opts.source === 'memory') {
    return { read: async (p) => opts.body.subarray(p.offset, p.offset + p.size), close: async () => {} };
  }
  const fh = await open(opts.file, 'r');
  return {
    read: async (p) => {
      const buf = Buffer.allocUnsafe(p.size);
      let got = 0;
      while (got < p.size) {
        const { bytesRead } = await fh.read(buf, got, p.size - got, p.offset + got);
        if (bytesRead === 0) throw new Error('file ended early');
        got += bytesRead;
      }
      return buf;
    },
    close: () => fh.close(),
  };
}

function objectUrl(opts) {
  return `${opts.endpoint}/${opts.bucket}/${encodeURIComponent(opts.key).replace(/%2F/g, '/')}`;
}

const uploadIdOf = (xml) => /<UploadId>([^<]+)<\/UploadId>/.exec(xml)?.[1];
const completeXml = (etags) =>
  `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;

function check(status, what, body = '') {
  if (status < 200 || status > 299) throw new Error(`${what}: HTTP ${status} ${String(body).slice(0, 300)}`);
}

/**
 * The generic multipart driver used by the hand-written peers: `send(method,
 * url, body) -> { status, etag, text }`.
 */
async function multipart(opts, send) {
  const url = objectUrl(opts);
  const total = opts.source === 'memory' ? opts.body.length : opts.size;
  const created = await send('POST', `${url}?uploads=`, undefined);
  check(created.status, 'create', created.text);
  const uploadId = uploadIdOf(created.text);
  const reader = await partReader(opts);
  const etags = [];
  try {
    await pool(planParts(total, opts.partSize), opts.concurrency, async (p) => {
      const bytes = await reader.read(p);
      const r = await send('PUT', `${url}?partNumber=${p.n}&uploadId=${encodeURIComponent(uploadId)}`, bytes);
      check(r.status, `part ${p.n}`, r.text);
      etags[p.n - 1] = r.etag;
    });
  } finally {
    await reader.close();
  }
  const done = await send('POST', `${url}?uploadId=${encodeURIComponent(uploadId)}`, Buffer.from(completeXml(etags)));
  check(done.status, 'complete', done.text);
  if (/<Error>/.test(done.text)) throw new Error(`complete: ${done.text.slice(0, 300)}`);
}

export const contenders = {
  /** s3mpu's upload engine; name 's3mpu-<checksum>'. */
  async s3mpu(opts, checksum) {
    const { S3Client } = await import('../../js/src/index.node.js');
    const s3 = await S3Client.create({
      endpoint: opts.endpoint, region: opts.region, forcePathStyle: true,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    });
    const r = await s3.upload({
      bucket: opts.bucket, key: opts.key, body: opts.source === 'memory' ? opts.body : { path: opts.file },
      partSize: opts.partSize, concurrency: opts.concurrency, checksum,
    });
    s3.transport.close?.();
    if (r.parts < 2) throw new Error(`s3mpu sent ${r.parts} parts`);
  },

  /** @aws-sdk/lib-storage Upload with the SDK's defaults (queueSize and partSize set to ours). */
  async 'lib-storage'(opts) {
    const { S3Client } = await import('@aws-sdk/client-s3');
    const { Upload } = await import('@aws-sdk/lib-storage');
    const client = new S3Client({
      endpoint: opts.endpoint, region: opts.region, forcePathStyle: true,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
    });
    const Body = opts.source === 'memory' ? opts.body : createReadStream(opts.file);
    const up = new Upload({
      client, queueSize: opts.concurrency, partSize: opts.partSize,
      params: { Bucket: opts.bucket, Key: opts.key, Body },
    });
    await up.done();
    client.destroy();
  },

  /**
   * minio-js putObject/fPutObject. Over http minio also SHA-256s every part
   * for the signature; over https it sends Content-MD5 + UNSIGNED-PAYLOAD.
   * 'minio' runs the https behaviour (enableSHA256 = false, as useSSL sets
   * it), 'minio-http' minio's plain-http default. A Buffer body would go as
   * one PutObject whatever its size, so memory is handed over as a stream.
   */
  async minio(opts, mode) {
    const Minio = await import('minio');
    const u = new URL(opts.endpoint);
    const client = new Minio.Client({
      endPoint: u.hostname, port: Number(u.port), useSSL: false, region: opts.region,
      accessKey: opts.accessKeyId, secretKey: opts.secretAccessKey, partSize: opts.partSize, pathStyle: true,
    });
    if (mode !== 'http') client.enableSHA256 = false;
    if (opts.source === 'memory') {
      // 64 KiB pieces, as a file stream gives (minio's BlockStream2 glues
      // whole-part pieces into double parts).
      const PIECE = 64 * 1024;
      const body = opts.body;
      const pieces = (function* () {
        for (let at = 0; at < body.length; at += PIECE) yield body.subarray(at, Math.min(at + PIECE, body.length));
      })();
      await client.putObject(opts.bucket, opts.key, Readable.from(pieces, { objectMode: false }), body.length);
    } else {
      await client.fPutObject(opts.bucket, opts.key, opts.file);
    }
  },

  /** aws4fetch's AwsClient over Node's built-in fetch (UNSIGNED-PAYLOAD: aws4fetch's S3 default). */
  async aws4fetch(opts) {
    const { AwsClient } = await import('aws4fetch');
    const aws = new AwsClient({
      accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey, service: 's3', region: opts.region,
    });
    await multipart(opts, async (method, url, body) => {
      const res = await aws.fetch(url, { method, body });
      const text = await res.text();
      return { status: res.status, etag: res.headers.get('etag'), text };
    });
  },

  /** aws4fetch signing, sent with an undici Pool (no fetch). */
  async 'aws4fetch-pool'(opts) {
    const { AwsV4Signer } = await import('aws4fetch');
    const { Pool } = await import('undici');
    const pool = new Pool(opts.endpoint, { connections: opts.concurrency });
    await multipart(opts, async (method, url, body) => {
      const signer = new AwsV4Signer({
        url, method, body, accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey,
        service: 's3', region: opts.region,
      });
      const signed = await signer.sign();
      const headers = Object.fromEntries(signed.headers);
      const u = new URL(url);
      const res = await pool.request({ path: u.pathname + u.search, method, headers, body });
      const text = await res.body.text();
      return { status: res.statusCode, etag: res.headers.etag, text };
    });
    await pool.close();
  },

  /** The transport floor: the same requests over an undici Pool, unsigned, unhashed. */
  async 'floor-undici'(opts) {
    const { Pool } = await import('undici');
    const pool = new Pool(opts.endpoint, { connections: opts.concurrency });
    await multipart(opts, async (method, url, body) => {
      const u = new URL(url);
      const res = await pool.request({ path: u.pathname + u.search, method, body });
      const text = await res.body.text();
      return { status: res.statusCode, etag: res.headers.etag, text };
    });
    await pool.close();
  },

  /** The transport floor over node:http with a keep-alive Agent (what s3mpu uses on Node). */
  async 'floor-http'(opts) {
    const http = await import('node:http');
    const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
    await multipart(opts, (method, url, body) => new Promise((resolve, reject) => {
      const req = http.request(url, { method, agent, headers: { 'content-length': body ? body.length : 0 } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, etag: res.headers.etag, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    }));
    agent.destroy();
  },
};

/** 's3mpu-md5' -> [fn, 'md5']; 'minio-http' -> [fn, 'http']; 'lib-storage' -> [fn]. */
export function contender(name) {
  if (contenders[name]) return [contenders[name]];
  const dash = name.indexOf('-');
  const base = name.slice(0, dash);
  if (dash > 0 && contenders[base]) return [contenders[base], name.slice(dash + 1)];
  throw new Error(`unknown contender ${name}`);
}
