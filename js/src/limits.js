// S3's own limits (AWS's documented ones) and the package's defaults beside
// them, for JS that needs them before the wasm module is loaded (option
// parsing, help texts, a store profile's defaults). The limits' source is
// core/include/s3mpu.h; tests/js/limits.test.mjs fails when a number here and
// its C twin (the module's exported constant, or the header's #define)
// disagree. What a particular store allows lives in profiles.js.

/** Part numbers, and so parts per upload: 1..10000 (S3MPU_PART_NUMBER_MAX). */
export const PART_NUMBER_MAX = 10_000;
/** Every part but the last: at least 5 MiB (S3MPU_PART_SIZE_MIN). */
export const PART_SIZE_MIN = 5 * 1024 ** 2;
/** One part, one PutObject or one POST form upload: at most 5 GiB (S3MPU_PART_SIZE_MAX). */
export const PART_SIZE_MAX = 5 * 1024 ** 3;
/** One object: at most 5 TiB (S3MPU_OBJECT_SIZE_MAX). */
export const OBJECT_SIZE_MAX = 5 * 1024 ** 4;
/** A presigned URL or POST policy lives 1..604800 seconds, 7 days (S3MPU_EXPIRES_MAX). */
export const EXPIRES_MAX = 604_800;

// This package's defaults (no C twin).

/** A presigned URL's or POST form's lifetime when none is given: 1 hour. */
export const EXPIRES_DEFAULT = 3600;
