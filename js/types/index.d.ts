// Type declarations for s3mpu (hand-written; the package is plain ESM with JSDoc).
// S3 multipart uploads from browsers, Node and edge workers: a C core in WebAssembly over fetch.

/** Where the WebAssembly module comes from. Edge workers must pass a compiled `WebAssembly.Module`. */
export type WasmSource =
  | BufferSource
  | URL
  | string
  | Response
  | WebAssembly.Module
  | Promise<BufferSource | WebAssembly.Module>;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RetryOptions {
  /** Requests per operation, the first included. Default 5. */
  attempts?: number;
  /** Backoff is full jitter: uniform in [0, min(maxDelayMs, baseDelayMs * 2^attempt)). Default 200. */
  baseDelayMs?: number;
  /** Default 20000. */
  maxDelayMs?: number;
  /** Inside upload(): a request is retried (up to 100 times) while the upload as a whole made progress within this many ms. Default 60000. */
  noProgressMs?: number;
}

export interface S3ClientOptions {
  /** "https://s3.cn-north-1.jcloudcs.com", "http://127.0.0.1:7480" */
  endpoint: string;
  /** May be omitted for JD Cloud and AWS endpoints (taken from the host name). */
  region?: string;
  credentials: Credentials;
  /** https://endpoint/bucket/key instead of https://bucket.endpoint/key. Default: the profile's addressing. */
  forcePathStyle?: boolean;
  /** What the store accepts: a built-in name, or fields over a `base` (what `s3mpu probe --json` writes). Default: from the endpoint's host. */
  profile?: ProfileName | ProfileFields;
  /** Default: globalThis.fetch. */
  fetch?: typeof fetch;
  /** Default: the s3mpu.wasm shipped with the package. */
  wasm?: WasmSource;
  /** Storage classes allowed besides STANDARD and REDUCED_REDUNDANCY. */
  storageClasses?: string[];
  retry?: RetryOptions;
  /** Milliseconds since the epoch. Default Date.now. */
  clock?: () => number;
  /**
   * Milliseconds a request may make no progress (nothing sent or received) before it fails
   * with S3Error RequestTimeout (retried). Default 60000; 0: no limit.
   */
  idleTimeout?: number;
}

/** The built-in store profiles (README "Stores"). */
export type ProfileName = 'generic' | 'aws' | 'jdcloud' | 'rgw' | 'swift' | 'minio' | 'r2';

/** What a store accepts (null: not known). */
export interface StoreProfile {
  name: string;
  title: string;
  hosts: string[];
  contentMD5: 'verified' | 'ignored' | null;
  checksums: 'verified' | 'ignored' | 'rejected' | null;
  /** May Complete list <ChecksumXXX> elements (Swift s3api: no). */
  completeChecksums: boolean | null;
  /** Parts per upload: 10,000 on S3, 1,000 on Swift. */
  maxParts: number;
  minPartSize: number;
  /** All parts but the last of one size (Cloudflare R2). */
  equalParts: boolean;
  addressing: 'path' | 'virtual';
  sessionTokens: boolean | null;
  etag: 'md5' | 'opaque';
  completeETag: 'filled' | 'empty' | null;
  reapsUploads: boolean | null;
  bucketCors: boolean | null;
}

/** A profile of one's own: fields over `base` (a name; default: the endpoint's). */
export type ProfileFields = Partial<Omit<StoreProfile, 'name'>> & { name?: string; base?: ProfileName };

/** S3Client.probe's answer: the profile as seen, and what each step saw. */
export interface ProbeResult {
  profile: StoreProfile & { base: string; corsExposesETag?: boolean };
  observations: { step: string; result: string }[];
}

/** Flexible checksums (x-amz-checksum-*); values travel base64-encoded. */
export type ChecksumAlgorithm = 'crc32' | 'crc32c' | 'sha256';

export interface Checksum {
  algorithm: ChecksumAlgorithm;
  /** Base64 of the digest (CRCs as 4 big-endian bytes). */
  value: string;
}

export interface ObjectRef {
  bucket: string;
  key: string;
  signal?: AbortSignal;
}

export interface UploadRef extends ObjectRef {
  uploadId: string;
}

/** Headers stored with the object (CreateMultipartUpload, PutObject, upload()). */
export interface ObjectHeaders {
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  /** A Date, or an HTTP-date string sent as it is. */
  expires?: Date | string;
  storageClass?: string;
  /** x-amz-meta-* (names without the prefix); at most 2 KB of names and values. */
  metadata?: Record<string, string>;
}

/** A body sent once per attempt. A string is sent as its UTF-8 bytes. */
export type BodyData = ArrayBuffer | ArrayBufferView | Blob | string;

/** A body given as a function: called for each attempt, so a retry gets a fresh body. */
export type BodyFactory = () => BodyData;

/** `body` as data, or as a function with its `contentLength`. */
export type PartBody =
  | { body: BodyData; contentLength?: number }
  | { body: BodyFactory; contentLength: number };

export interface BodyIntegrity {
  /** Base64 MD5 of the body: the server refuses a body that does not match. */
  contentMD5?: string;
  /** Hex SHA-256 of the body, or 'UNSIGNED-PAYLOAD' (the default). */
  payloadHash?: string;
  checksum?: Checksum;
}

export type CreateMultipartUploadParams = ObjectRef & ObjectHeaders & {
  /** Declares the checksum every part will carry. */
  checksumAlgorithm?: ChecksumAlgorithm;
};

export interface CreateMultipartUploadResult {
  bucket: string;
  key: string;
  uploadId: string;
}

export type UploadPartParams = UploadRef & PartBody & BodyIntegrity & {
  /** 1..10000 */
  partNumber: number;
};

export interface UploadPartResult {
  partNumber: number;
  /** Undefined when a browser may not read the ETag header (a CORS rule without ExposeHeaders: ETag). */
  etag: string | undefined;
  checksum?: string;
}

export interface CompletedPart {
  partNumber: number;
  etag: string;
  checksum?: string;
}

export interface CompleteMultipartUploadParams extends UploadRef {
  /** Ascending part numbers. */
  parts: CompletedPart[];
  checksumAlgorithm?: ChecksumAlgorithm;
  /**
   * The multipart ETag expected, when known: if a retried Complete finds the upload gone
   * (an earlier attempt completed it), success is reported only when HEAD shows this ETag.
   */
  expectedETag?: string;
}

export interface CompleteMultipartUploadResult {
  /** As the server answered: may be empty (Ceph RGW 16); HEAD has the real one. */
  etag: string;
  /** As the server answered: not always a URL. */
  location: string;
  bucket: string;
  key: string;
}

export interface ListPartsParams extends UploadRef {
  maxParts?: number;
  partNumberMarker?: number;
}

export interface Part {
  partNumber: number;
  size: number;
  etag: string;
  lastModified: string;
  checksum?: string;
}

export interface ListPartsResult {
  parts: Part[];
  isTruncated: boolean;
  nextPartNumberMarker: number;
}

export interface ListMultipartUploadsParams {
  bucket: string;
  prefix?: string;
  keyMarker?: string;
  uploadIdMarker?: string;
  maxUploads?: number;
  signal?: AbortSignal;
}

export interface MultipartUpload {
  key: string;
  uploadId: string;
  /** ISO 8601, as the server sent it. */
  initiated: string;
  storageClass: string;
}

export interface ListMultipartUploadsResult {
  uploads: MultipartUpload[];
  isTruncated: boolean;
  nextKeyMarker: string;
  nextUploadIdMarker: string;
}

export type PutObjectParams = ObjectRef & ObjectHeaders & PartBody & BodyIntegrity;

export interface PutObjectResult {
  etag: string | undefined;
}

export interface HeadObjectResult {
  etag: string | undefined;
  size: number;
  contentType: string | undefined;
  cacheControl: string | undefined;
  contentDisposition: string | undefined;
  contentEncoding: string | undefined;
  expires: string | undefined;
  lastModified: string | undefined;
  /** Names lower-cased, without "x-amz-meta-". */
  metadata: Record<string, string>;
}

export type PresignOperation =
  | 'uploadPart'
  | 'putObject'
  | 'createMultipartUpload'
  | 'completeMultipartUpload'
  | 'abortMultipartUpload'
  | 'listParts'
  | 'headObject';

export type PresignParams = ObjectHeaders & {
  /** Default 'uploadPart'. */
  operation?: PresignOperation;
  /** Seconds, 1..604800. Default 3600. */
  expiresIn?: number;
  bucket: string;
  key: string;
  uploadId?: string;
  partNumber?: number;
  /** completeMultipartUpload: the body to send is signed over these. */
  parts?: CompletedPart[];
  contentMD5?: string;
};

export interface PresignedRequest {
  url: string;
  method: string;
  /** Headers the request must carry exactly as signed (e.g. content-type). */
  headers: Record<string, string>;
}

/** S3Client.presignPost: what a browser form may upload (a SigV4 POST policy). */
export type PresignPostParams = {
  bucket: string;
  /** Seconds the form stays valid, 1..604800. Default 3600. */
  expiresIn?: number;
  /** [min, max] bytes the file may have (max at most 5 GiB). */
  contentLengthRange?: [number, number];
  /** The exact Content-Type the form sends, or any type starting with contentTypePrefix. */
  contentType?: string;
  contentTypePrefix?: string;
  metadata?: Record<string, string>;
  /** The store refuses a file of another sum (AWS S3; RGW 16 does not check it). */
  checksum?: Checksum;
  /** More exact form fields: acl, success_action_status, ... */
  fields?: Record<string, string>;
} & (
  /** The object's key ... */
  | { key: string; keyPrefix?: undefined }
  /** ... or a prefix: the form may use any key starting with it (fields.key is prefix + "${filename}"). */
  | { keyPrefix: string; key?: undefined }
);

/** A signed form: POST `fields`, then the file as the last field "file", as multipart/form-data to `url`. */
export interface PresignedPost {
  url: string;
  /** In the order to send them; "policy" and "x-amz-signature" last. */
  fields: Record<string, string>;
  /** expiresIn, in seconds (as Companion's /params answers it). */
  expires: number;
  /** When the policy expires, ISO 8601 ("2026-12-07T02:19:01.000Z"). */
  expiration: string;
  /** The policy document (JSON) that fields.policy holds in base64: for debugging a refusal. */
  policy: string;
}

export interface PresignPartsParams {
  bucket: string;
  key: string;
  uploadId: string;
  partNumbers: number[];
  /** Seconds, 1..604800. Default 3600. */
  expiresIn?: number;
}

export interface PresignedPart {
  partNumber: number;
  /** PUT the part's bytes to this URL. */
  url: string;
}

// ---- upload() ----------------------------------------------------------------------------

/**
 * What upload() reads: bytes, text (a string: its UTF-8 bytes), a Blob or File, a web
 * ReadableStream, an AsyncIterable (a Node Readable), or in Node a file: `{ path }` or a
 * file: URL.
 * Files and streams are read part by part into buffers that are reused, so memory stays
 * near concurrency × part size whatever the size; a file changed in place during the upload
 * fails it with S3InputError "BodyChanged" (never an object half old, half new).
 */
export type UploadBody =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  /** Sent as its UTF-8 text (not a file name: a file is `{ path }` or a file: URL). */
  | string
  /** Node: a file, read part by part (never whole in memory) and resumable. */
  | { path: string }
  | URL;

/** 'md5' (default): Content-MD5 on every part and ETag checks; 'none': neither. */
export type UploadChecksum = 'md5' | ChecksumAlgorithm | 'none';

export interface UploadProgress {
  loaded: number;
  /** Undefined for a stream of unknown length. */
  total: number | undefined;
}

export interface CheckpointPart {
  partNumber: number;
  size: number;
  etag: string;
  md5?: string;
  checksum?: string;
}

/** Small plain JSON: store it, and pass it back as `resume` to finish the upload later. */
export interface UploadCheckpoint {
  version: 1;
  abi: number;
  bucket: string;
  key: string;
  uploadId: string;
  /** Null for a stream of unknown length. */
  size: number | null;
  partSize: number;
  growthInterval: number;
  checksum: UploadChecksum;
  fingerprint: { size: number | null; name?: string; lastModified?: number };
  parts: CheckpointPart[];
}

export type UploadParams = ObjectHeaders & {
  bucket: string;
  key: string;
  body: UploadBody;
  /** Known length of a stream body. */
  size?: number;
  /** Preferred part size in bytes (raised when 10,000 parts would not hold the body). Default 8 MiB. */
  partSize?: number;
  /**
   * Parts in flight, kept fixed. Default: 4 (8 when CreateMultipartUpload took 50 ms or more),
   * raised from measured throughput where answers keep parts waiting (long, wide links), up to
   * 256 MiB of parts or 64 (js/src/adapt.js).
   */
  concurrency?: number;
  checksum?: UploadChecksum;
  onProgress?: (progress: UploadProgress) => void;
  /** Called after Create and after each part. */
  onCheckpoint?: (state: UploadCheckpoint) => void | Promise<void>;
  /** A state from onCheckpoint: parts the server has are kept, only the rest is sent. */
  resume?: UploadCheckpoint;
  /** Leave the multipart upload on the server after a failure (to resume it later). */
  keepOnError?: boolean;
  /** Aborting rejects with signal.reason, and aborts the upload on the server unless keepOnError. */
  signal?: AbortSignal;
  /** Milliseconds for the whole upload: then it rejects with S3Error DeadlineExceeded, aborted unless keepOnError. */
  timeout?: number;
};

export interface UploadResult {
  bucket: string;
  key: string;
  /** The object's ETag, quoted as S3 sends it ("hex", or "hex-N" for N parts), as headObject and
   * createMd5().multipartEtag give it; checked against HEAD. */
  etag: string | undefined;
  size: number;
  /** Parts uploaded; 0 for a single PutObject. */
  parts: number;
  /** Set for a multipart upload. */
  uploadId?: string;
  /** false: stored with the expected size, but its ETag could not prove the bytes (warning says why). */
  verified?: false;
  /** true: the resume state's upload was gone from the server, so the upload started again. */
  restarted?: true;
  /** What the caller should know about an upload that succeeded: a restart, a doubtful Complete. */
  warning?: string;
}

// ---- The client ----------------------------------------------------------------------------

export declare class S3Client {
  /** Validates the options (S3InputError when a required one is missing) and loads the module. */
  static create(options: S3ClientOptions): Promise<S3Client>;
  /**
   * Find out what a store accepts by trying, under BUCKET/s3mpu-probe-<random>/ (about 12 MiB
   * sent); everything it made is deleted or aborted, also when a step fails.
   */
  static probe(params: S3ClientOptions & { bucket: string; signal?: AbortSignal }): Promise<ProbeResult>;
  private constructor(abi: never, options: S3ClientOptions);
  /** What the store accepts (options.profile, else chosen from the endpoint's host). */
  readonly profile: StoreProfile;

  /** Upload a whole body: one PutObject when it fits in one part, else a multipart upload. */
  upload(params: UploadParams): Promise<UploadResult>;

  /**
   * CreateMultipartUpload. If a retry follows an answer that got lost, the upload the lost
   * attempt created is found and aborted.
   */
  createMultipartUpload(params: CreateMultipartUploadParams): Promise<CreateMultipartUploadResult>;
  uploadPart(params: UploadPartParams): Promise<UploadPartResult>;
  /** If a retry finds the upload gone because an earlier attempt completed it, HEAD decides. */
  completeMultipartUpload(params: CompleteMultipartUploadParams): Promise<CompleteMultipartUploadResult>;
  abortMultipartUpload(params: UploadRef): Promise<void>;
  /** One page. */
  listParts(params: ListPartsParams): Promise<ListPartsResult>;
  /** Every part, across pages. */
  listAllParts(params: ListPartsParams): AsyncGenerator<Part, void, undefined>;
  /** One page. */
  listMultipartUploads(params: ListMultipartUploadsParams): Promise<ListMultipartUploadsResult>;
  /** Every upload in progress (under `prefix`), across pages. */
  listAllMultipartUploads(params: ListMultipartUploadsParams): AsyncGenerator<MultipartUpload, void, undefined>;
  putObject(params: PutObjectParams): Promise<PutObjectResult>;
  headObject(params: ObjectRef): Promise<HeadObjectResult>;
  /** DeleteObject (S3 answers success for a key that is not there too). */
  deleteObject(params: ObjectRef): Promise<void>;

  /** A presigned request, synchronously. */
  presign(params: PresignParams): PresignedRequest;
  /** Presigned UploadPart URLs for many parts at once, in the order given. */
  presignParts(params: PresignPartsParams): PresignedPart[];
  /** A presigned POST form (browser form upload), synchronously. S3InputError for bad input. */
  presignPost(params: PresignPostParams): PresignedPost;

  /**
   * How upload() cuts a body of `size` bytes: every part but the last has `partSize` bytes
   * (the preferred size, default 8 MiB, raised only when the store's part count, 10,000 or the
   * profile's, would not hold the body).
   * S3InputError for a size or part size S3 refuses.
   */
  plan(params: { size: number; partSize?: number }): { partSize: number; partCount: number };

  /** Erase the credentials from wasm memory; every later call throws. */
  destroy(): void;
}

/*
 * The error policy: every failure the package reports is one of three classes.
 *   S3InputError   input refused before anything was sent
 *   S3Error        the store said no (its code and HTTP status), or our own time limit ran out
 *   S3VerifyError  the store answered, but we could not verify what it said
 * Network failures and aborts reach the caller as the runtime reports them (fetch's
 * TypeError, the AbortSignal's reason); wasm memory exhausted is a RangeError.
 */

/**
 * The store said no: an S3 error code and HTTP status (also a 200 that carries an <Error>).
 * Our own time limits use S3's codes without a status: RequestTimeout (idleTimeout),
 * DeadlineExceeded (upload's timeout).
 */
export declare class S3Error extends Error {
  constructor(info: {
    code: string;
    message?: string;
    status?: number;
    requestId?: string;
    hostId?: string;
    stringToSign?: string;
    canonicalRequest?: string;
    cause?: unknown;
  });
  readonly name: 'S3Error';
  /** "NoSuchUpload", "SignatureDoesNotMatch", ...; "NotFound" etc. for a HEAD (no body). */
  code: string;
  /** undefined for RequestTimeout and DeadlineExceeded raised here (no answer came). */
  status: number | undefined;
  requestId: string | undefined;
  hostId: string | undefined;
  /** Sent by some servers with SignatureDoesNotMatch, to compare with ours. */
  stringToSign: string | undefined;
  canonicalRequest: string | undefined;
}

/** Input refused before anything was sent; `code` names the rule ("InvalidBucketName", ...). */
export declare class S3InputError extends TypeError {
  constructor(code: string, message: string);
  readonly name: 'S3InputError';
  code: string;
}

/**
 * The store answered, but we could not verify what it said: an ETag or checksum that is not
 * ours, or an answer we cannot parse. The object may or may not hold what was sent.
 */
export declare class S3VerifyError extends Error {
  constructor(info: { code: string; message: string; status?: number; requestId?: string });
  readonly name: 'S3VerifyError';
  /** "ETagMismatch", "ChecksumMismatch", "SizeMismatch", "MissingETag", "PaginationLoop", "InvalidUploadId", "MalformedXML", "XMLTooLarge", "UnexpectedXML". */
  code: string;
  /** The HTTP status of the answer checked, when there was one. */
  status: number | undefined;
  requestId: string | undefined;
}

// ---- MD5 without a client ----------------------------------------------------------------

export interface Md5Digest {
  hex: string;
  /** The Content-MD5 header's value. */
  base64: string;
}

/** The package's MD5 (wasm; node:crypto on Node): for pages that send parts to presigned URLs. */
export interface Md5 {
  digest(bytes: ArrayBufferView | ArrayBuffer): Md5Digest;
  /** The digests of many parts, in order; four at a time in the wasm MD5's SIMD lanes where that is faster. */
  digestMany(parts: (ArrayBufferView | ArrayBuffer)[]): Md5Digest[];
  /** The bytes [start, end) of a Blob or File; default the whole of it. */
  digestBlob(blob: Blob, start?: number, end?: number): Promise<Md5Digest>;
  /** The multipart ETag of an upload whose parts have these MD5s (hex, in order), quoted like every ETag here: "hex-N". */
  multipartEtag(partMd5Hexes: string[]): string;
}

/** Loads the module (`wasm` as for S3Client.create) and returns its MD5; no credentials involved. */
export declare function createMd5(options?: { wasm?: WasmSource }): Promise<Md5>;

// ---- Direct uploads: the server side (the page side is s3mpu/direct) ----

export type DirectOperation =
  | 'createMultipartUpload' | 'signPart' | 'listParts' | 'completeMultipartUpload'
  | 'abortMultipartUpload' | 'getUploadParameters' | 'getCredentials';

export interface DirectAuthorizeInfo {
  operation: DirectOperation;
  bucket: string;
  /** The proposed key (a new upload: options.key's, default "<uuid>-<filename>"). */
  key?: string;
  uploadId?: string;
  partNumbers?: number[];
  filename?: string;
  size?: number;
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface DirectUploadHandlerOptions {
  bucket: string;
  /**
   * Decides every call (deny by default): true, or an object that may rewrite
   * `key` and `metadata`; false/undefined is a 403; a thrown Response is sent as it is.
   */
  authorize(request: Request, info: DirectAuthorizeInfo):
    boolean | { key?: string; metadata?: Record<string, string> } | undefined | Response |
    Promise<boolean | { key?: string; metadata?: Record<string, string> } | undefined | Response>;
  /** Bytes; checked on the declared size and on the parts the server holds at Complete. */
  maxSize?: number;
  /** "image/png", "image/*" or RegExps. */
  allowedContentTypes?: (string | RegExp)[];
  /** The part size the handler plans with (default 8 MiB). */
  partSize?: number;
  /** Lifetime of presigned URLs and POST policies, seconds. Default 3600. */
  expiresIn?: number;
  /** Where the routes live. Default "/s3" (Uppy calls <companionEndpoint>/s3/...). */
  basePath?: string;
  key?(filename: string, request: Request): string | Promise<string>;
  /** Temporary credentials for GET {base}/sts (STS stores only). */
  credentials?(request: Request): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: string; region?: string }>;
  /** Origins of pages on other origins that may call the routes (CORS), or ['*']. Default none. */
  allowedOrigins?: string[];
  /** Unexpected errors (answered as a bare 500). */
  onError?(error: unknown): void;
}

export type FetchHandler = ((request: Request) => Promise<Response>) & { basePath?: string };

/** Uppy Companion's S3 routes, signed by `client`, as a fetch-style handler. */
export declare function createDirectUploadHandler(client: S3Client, options: DirectUploadHandlerOptions): FetchHandler;

/** A fetch-style handler as a node:http listener, or Express middleware (with next). */
export declare function toNodeListener(handler: FetchHandler, options?: { basePath?: string }):
  (req: any, res: any, next?: (error?: unknown) => void) => Promise<void>;
