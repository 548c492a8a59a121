// s3mpu: S3 multipart uploads over fetch, signed by a C core in WebAssembly.
export { S3Client } from './client.js';
export { S3Error, S3InputError, S3VerifyError } from './errors.js';
export { createMd5 } from './md5.js';
export { createDirectUploadHandler } from './direct/handler.js';
export { toNodeListener } from './direct/node-adapter.js';
