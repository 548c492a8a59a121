/*
 * abi.c -- the wasm ABI of s3mpu: marshalling only, no logic.
 *
 * The module is a reactor: call `_initialize` once, then any export.
 * Exports are listed in exports.txt (core functions whose C signature is
 * already wasm-friendly are exported as they are; this file adds what JS
 * needs besides). All pointers are offsets into the exported `memory`;
 * wasm32 is little-endian, size_t and pointers are 32 bits, uint32_t
 * results come back as signed i32 in JS (use `>>> 0`).
 *
 * Memory: JS lays out everything it passes in ONE region, the scratch
 * arena (s3mpu_wasm_scratch(), s3mpu_wasm_scratch_size() bytes, 16-byte
 * aligned): contexts (s3mpu_sha256 and s3mpu_md5: 128 bytes each,
 * s3mpu_crc_table: 8192), strings, and a window through which bodies are
 * fed in chunks. The arena is this instance's state, as all of linear
 * memory is; no C code keeps a cursor into it. Memory may grow (the XML
 * parsers allocate): rebuild typed-array views after such calls.
 *
 * Versioning: s3mpu_wasm_abi_version() changes whenever an export's
 * meaning or a layout JS relies on changes; JS checks it at load.
 */
#include "s3mpu.h"

#define S3MPU_WASM_ABI_VERSION 1
#define S3MPU_WASM_SCRATCH_SIZE (256u << 10)

S3MPU_API uint32_t s3mpu_wasm_abi_version(void);
S3MPU_API unsigned char *s3mpu_wasm_scratch(void);
S3MPU_API size_t s3mpu_wasm_scratch_size(void);
S3MPU_API void s3mpu_wasm_strerror(int err, s3mpu_str *out);

/* The one mutable region of the module (see above). */
static _Alignas(16) unsigned char scratch[S3MPU_WASM_SCRATCH_SIZE];

uint32_t s3mpu_wasm_abi_version(void)
{
	return S3MPU_WASM_ABI_VERSION;
}

unsigned char *s3mpu_wasm_scratch(void)
{
	return scratch;
}

size_t s3mpu_wasm_scratch_size(void)
{
	return sizeof scratch;
}

/* s3mpu_strerror as a (ptr, len) pair at `out` (8 bytes: ptr, len), so JS
 * never scans for a NUL. */
void s3mpu_wasm_strerror(int err, s3mpu_str *out)
{
	*out = s3mpu_cstr(s3mpu_strerror(err));
}

#ifdef __EMSCRIPTEN__
/*
 * Emscripten's standalone sbrk tells its JS glue about memory growth
 * through this import. There is no glue here (JS rebuilds its views after
 * each call), so a no-op keeps both builds' import lists identical.
 */
void emscripten_notify_memory_growth(size_t memory_index);
void emscripten_notify_memory_growth(size_t memory_index)
{
	(void)memory_index;
}
#endif
