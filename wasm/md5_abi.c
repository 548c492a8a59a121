/*
 * md5_abi.c -- s3mpu-md5.wasm: the core's MD5 and part planning alone, for
 * the hashing Worker of s3mpu/direct. A page that a backend signs for
 * (endpoint and signer modes) needs no more, and the whole core is ten
 * times the size (bench/direct-bench.mjs). js/src/direct/md5wasm.js is its
 * JS side. Exports: md5_exports.txt; built by both toolchains like
 * s3mpu.wasm (wasm/CMakeLists.txt).
 *
 * Memory: no allocator. JS copies body bytes into the window (four lanes
 * of s3mpu_md5wasm_lane_size() bytes each, lane i at window + i * lane
 * size), then calls an update with each lane's length. Digests and the
 * plan are left in fixed places whose addresses the calls return. Error
 * codes come without their strings (s3mpu_error_message): a third of the module.
 *
 * Versioning: s3mpu_md5wasm_abi_version() changes whenever an export's
 * meaning does; md5wasm.js checks it.
 */
#include "s3mpu.h"

#define S3MPU_MD5WASM_ABI_VERSION 1
#define LANE_SIZE (64 * 1024)

S3MPU_API uint32_t s3mpu_md5wasm_abi_version(void);
S3MPU_API unsigned char *s3mpu_md5wasm_window(void);
S3MPU_API size_t s3mpu_md5wasm_lane_size(void);
S3MPU_API void s3mpu_md5wasm_init(void);
S3MPU_API void s3mpu_md5wasm_update(size_t len);
S3MPU_API const unsigned char *s3mpu_md5wasm_digest(void);
S3MPU_API void s3mpu_md5wasm_x4_update(size_t len0, size_t len1, size_t len2, size_t len3);
S3MPU_API const unsigned char *s3mpu_md5wasm_x4_digest(void);
S3MPU_API int s3mpu_md5wasm_plan(double total, double preferred);
S3MPU_API const double *s3mpu_md5wasm_plan_result(void);

static _Alignas(16) unsigned char window[S3MPU_MD5X4_LANES][LANE_SIZE];
static s3mpu_md5 one;
static s3mpu_md5x4 four;
static unsigned char digests[S3MPU_MD5X4_LANES][S3MPU_MD5_SIZE];
static double plan_result[2]; /* part size, part count */

uint32_t s3mpu_md5wasm_abi_version(void) { return S3MPU_MD5WASM_ABI_VERSION; }
unsigned char *s3mpu_md5wasm_window(void) { return window[0]; }
size_t s3mpu_md5wasm_lane_size(void) { return LANE_SIZE; }

/* Starts both: one message (s3mpu_md5wasm_update) or four (_x4_update). */
void s3mpu_md5wasm_init(void)
{
	s3mpu_md5_init(&one);
	s3mpu_md5x4_init(&four);
}

/* Lane 0's first `len` bytes, appended to the one message. */
void s3mpu_md5wasm_update(size_t len)
{
	s3mpu_md5_update(&one, window[0], len < LANE_SIZE ? len : LANE_SIZE);
}

/* The one message's 16-byte digest. */
const unsigned char *s3mpu_md5wasm_digest(void)
{
	s3mpu_md5_digest(&one, digests[0]);
	return digests[0];
}

/* Each lane's first len_i bytes, appended to message i. */
void s3mpu_md5wasm_x4_update(size_t len0, size_t len1, size_t len2, size_t len3)
{
	const void *data[S3MPU_MD5X4_LANES] = { window[0], window[1], window[2], window[3] };
	size_t len[S3MPU_MD5X4_LANES] = { len0, len1, len2, len3 };
	int i;
	for (i = 0; i < S3MPU_MD5X4_LANES; i++)
		if (len[i] > LANE_SIZE)
			len[i] = LANE_SIZE;
	s3mpu_md5x4_update(&four, data, len);
}

/* The four messages' digests, 16 bytes each, in lane order. */
const unsigned char *s3mpu_md5wasm_x4_digest(void)
{
	s3mpu_md5x4_digest(&four, digests);
	return digests[0];
}

/* The plan of `total` bytes (known) in parts of `preferred` (0: the
 * default), as s3mpu_plan_init; on S3MPU_OK its part size and count are in
 * s3mpu_md5wasm_plan_result(). */
int s3mpu_md5wasm_plan(double total, double preferred)
{
	s3mpu_plan plan;
	int err;
	if (!(total >= 0 && total <= 18014398509481984.0) ||
		!(preferred >= 0 && preferred <= 18014398509481984.0))
		return S3MPU_E_ARGUMENT;
	err = s3mpu_plan_init(&plan, (uint64_t)total, (uint64_t)preferred);
	if (err)
		return err;
	plan_result[0] = (double)plan.part_size;
	plan_result[1] = plan.part_count;
	return S3MPU_OK;
}

const double *s3mpu_md5wasm_plan_result(void) { return plan_result; }
