// Types of s3mpu/direct: a page uploads a File straight to the bucket while a backend signs.
import type { WasmSource, RetryOptions } from './index.js';

/** The shapes of Uppy Companion's S3 routes; `signer` hooks return the same. */
export interface DirectSigner {
  create(p: { filename: string; type: string; metadata?: Record<string, string>; size: number }):
    Promise<{ key: string; uploadId: string; bucket?: string; partSize?: number }>;
  signParts(p: { key: string; uploadId: string; partNumbers: number[] }):
    Promise<{ presignedUrls: Record<string, string>; expires?: number }>;
  listParts(p: { key: string; uploadId: string }): Promise<{ PartNumber: number; ETag: string; Size: number }[]>;
  complete(p: { key: string; uploadId: string; parts: { PartNumber: number; ETag?: string }[] }):
    Promise<{ location?: string; key?: string; bucket?: string; etag?: string }>;
  abort(p: { key: string; uploadId: string }): Promise<unknown>;
  /** Optional: a presigned POST (or PUT) for files of one part, zero bytes included. */
  params?(p: { filename: string; type: string; metadata?: Record<string, string>; size: number }):
    Promise<{ method: 'POST' | 'PUT'; url: string; fields?: Record<string, string>; headers?: Record<string, string>; key?: string; bucket?: string }>;
}

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When they expire: refreshed a minute before. */
  expiration?: string | Date | number;
}

/** Where checkpoints live (IndexedDB by default). Values are small plain objects. */
export interface CheckpointStore {
  get(id: string): Promise<any>;
  set(id: string, value: any): Promise<void>;
  delete(id: string): Promise<void>;
  entries?(): Promise<[string, any][]>;
}

export interface DirectProgress {
  phase: 'starting' | 'uploading' | 'paused' | 'completing' | 'done';
  /** Bytes sent; never goes back. */
  loaded: number;
  total: number;
  /** Bytes of the parts the server has. */
  confirmed: number;
  partsDone: number;
  partCount: number;
}

interface DirectCommon {
  signal?: AbortSignal;
  onProgress?(p: DirectProgress): void;
  /** Parts in flight. Default 6 (the connections a browser opens to one host). */
  concurrency?: number;
  /** Bytes per part, 5 MiB to 5 GiB (else S3InputError InvalidPartSize; a file over 5 TiB: EntityTooLarge). Default 8 MiB; 1/32 of a file over 256 MiB, up to 32 MiB; the backend's plan when larger. */
  partSize?: number;
  /** Default file.name. */
  filename?: string;
  /** Default file.type. */
  contentType?: string;
  metadata?: Record<string, string>;
  /** Checkpoints for resume across reloads; false for none. Default IndexedDB ("s3mpu-direct"). */
  store?: CheckpointStore | false;
  /** Days a checkpoint is kept. Default 7. */
  resumeDays?: number;
  retry?: RetryOptions;
  /** A request with nothing sent or received for this long (ms) is abandoned and retried. Default 60000. */
  idleTimeout?: number;
  /** The hashing Worker: default the package's own worker.js; false hashes in this thread. */
  worker?: Worker | URL | string | false;
  /** s3mpu-md5.wasm for the hashing Worker (MD5 only). Default the package's, next to src/. */
  md5Wasm?: WasmSource;
  /** s3mpu.wasm, for credentials mode only (it signs in the page). Default the package's. */
  wasm?: WasmSource;
}

export type DirectUploadOptions = DirectCommon & (
  | {
      /** Companion's routes: "/s3", "https://api.example.com/s3". */
      endpoint: string | URL;
      /** Extra headers for the backend (e.g. a bearer token). */
      headers?: () => Record<string, string> | Promise<Record<string, string>>;
      fetch?: typeof fetch;
    }
  | { signer: DirectSigner }
  | {
      /** Temporary (STS) credentials; the page signs with them. Never a long-lived key. */
      credentials: () => Promise<TemporaryCredentials>;
      s3: { endpoint: string; bucket: string; region?: string; forcePathStyle?: boolean };
      /** Default the file name. */
      key?: string | ((filename: string) => string | Promise<string>);
      /** Lifetime of the part URLs, seconds (capped by the credentials'). Default 3600. */
      expiresIn?: number;
    }
);

export interface DirectUploadResult {
  key: string;
  bucket?: string;
  etag: string;
  size: number;
  /** 0 for a single POST/PUT. */
  parts: number;
  location?: string;
  uploadId?: string;
}

export interface DirectUploadHandle extends Promise<DirectUploadResult> {
  /** Parts in flight are abandoned (sent again on resume); progress stays. */
  pause(): void;
  resume(): void;
  readonly state: DirectProgress;
}

export declare function directUpload(file: Blob, options: DirectUploadOptions): DirectUploadHandle;
export declare function indexedDbStore(name?: string): CheckpointStore;
export declare function memoryStore(): CheckpointStore;
