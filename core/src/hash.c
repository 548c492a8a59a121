/* hash.c -- SHA-256, MD5, HMAC-SHA256 over BearSSL; multipart ETag. See s3mpu.h. */
#include "internal.h"

#include <bearssl_hash.h>
#include <bearssl_hmac.h>

/*
 * The public contexts are opaque uint64_t arrays so that s3mpu.h needs no
 * BearSSL header; each must hold its BearSSL context at suitable alignment.
 * The BearSSL contexts hold only a pointer to a static vtable besides
 * plain data, so memcpy snapshots stay valid (within one build).
 */
_Static_assert(sizeof(br_sha256_context) <= sizeof(s3mpu_sha256), "s3mpu_sha256 too small");
_Static_assert(_Alignof(br_sha256_context) <= _Alignof(s3mpu_sha256), "s3mpu_sha256 misaligned");
_Static_assert(sizeof(br_md5_context) <= sizeof(s3mpu_md5), "s3mpu_md5 too small");
_Static_assert(_Alignof(br_md5_context) <= _Alignof(s3mpu_md5), "s3mpu_md5 misaligned");
_Static_assert(sizeof(br_hmac_key_context) <= sizeof(s3mpu_hmac_key), "s3mpu_hmac_key too small");
_Static_assert(_Alignof(br_hmac_key_context) <= _Alignof(s3mpu_hmac_key), "s3mpu_hmac_key misaligned");
_Static_assert(sizeof(br_hmac_context) <= sizeof(s3mpu_hmac), "s3mpu_hmac too small");
_Static_assert(_Alignof(br_hmac_context) <= _Alignof(s3mpu_hmac), "s3mpu_hmac misaligned");

/* Init zeroes the whole opaque context first: BearSSL leaves some bytes
 * unset (buffer space, half of the HMAC key states), and zeroed contexts
 * snapshot and compare deterministically, with no stale stack bytes. */
#define CLEAR(ctx) memset((ctx)->opaque_, 0, sizeof((ctx)->opaque_))

#define SHA256_CTX(c) ((br_sha256_context *)(void *)(c)->opaque_)
#define SHA256_CCTX(c) ((const br_sha256_context *)(const void *)(c)->opaque_)
#define MD5_CTX(c) ((br_md5_context *)(void *)(c)->opaque_)
#define MD5_CCTX(c) ((const br_md5_context *)(const void *)(c)->opaque_)
#define HKEY_CTX(c) ((br_hmac_key_context *)(void *)(c)->opaque_)
#define HKEY_CCTX(c) ((const br_hmac_key_context *)(const void *)(c)->opaque_)
#define HMAC_CTX(c) ((br_hmac_context *)(void *)(c)->opaque_)
#define HMAC_CCTX(c) ((const br_hmac_context *)(const void *)(c)->opaque_)

void s3mpu_sha256_init(s3mpu_sha256 *ctx)
{
	CLEAR(ctx);
	br_sha256_init(SHA256_CTX(ctx));
}

void s3mpu_sha256_update(s3mpu_sha256 *ctx, const void *data, size_t len)
{
	if (len)
		br_sha256_update(SHA256_CTX(ctx), data, len);
}

void s3mpu_sha256_out(const s3mpu_sha256 *ctx, unsigned char out[S3MPU_SHA256_SIZE])
{
	br_sha256_out(SHA256_CCTX(ctx), out);
}

void s3mpu_md5_init(s3mpu_md5 *ctx)
{
	CLEAR(ctx);
	br_md5_init(MD5_CTX(ctx));
}

void s3mpu_md5_update(s3mpu_md5 *ctx, const void *data, size_t len)
{
	if (len)
		br_md5_update(MD5_CTX(ctx), data, len);
}

void s3mpu_md5_out(const s3mpu_md5 *ctx, unsigned char out[S3MPU_MD5_SIZE])
{
	br_md5_out(MD5_CCTX(ctx), out);
}

void s3mpu_hmac_key_init(s3mpu_hmac_key *key, const void *secret, size_t len)
{
	CLEAR(key);
	br_hmac_key_init(HKEY_CTX(key), &br_sha256_vtable, secret, len);
}

void s3mpu_hmac_init(s3mpu_hmac *ctx, const s3mpu_hmac_key *key)
{
	CLEAR(ctx);
	/* out_len 0: the full 32-byte output. */
	br_hmac_init(HMAC_CTX(ctx), HKEY_CCTX(key), 0);
}

void s3mpu_hmac_update(s3mpu_hmac *ctx, const void *data, size_t len)
{
	if (len)
		br_hmac_update(HMAC_CTX(ctx), data, len);
}

void s3mpu_hmac_out(const s3mpu_hmac *ctx, unsigned char out[S3MPU_SHA256_SIZE])
{
	br_hmac_out(HMAC_CCTX(ctx), out);
}

void s3mpu_hmac_sha256(const void *secret, size_t secret_len,
	const void *data, size_t len, unsigned char out[S3MPU_SHA256_SIZE])
{
	s3mpu_hmac_key key;
	s3mpu_hmac ctx;

	s3mpu_hmac_key_init(&key, secret, secret_len);
	s3mpu_hmac_init(&ctx, &key);
	s3mpu_hmac_update(&ctx, data, len);
	s3mpu_hmac_out(&ctx, out);
	/* Both contexts hold states derived from the secret. */
	s3mpu_wipe(&key, sizeof key);
	s3mpu_wipe(&ctx, sizeof ctx);
}

size_t s3mpu_multipart_etag(const s3mpu_md5 *md5_of_md5s,
	uint32_t part_count, char out[38])
{
	unsigned char digest[S3MPU_MD5_SIZE];
	char digits[10];
	size_t n = 0, len;

	/* out has room for 5 digits; S3 allows at most 10,000 parts. */
	if (part_count == 0 || part_count > S3MPU_PART_NUMBER_MAX)
		return 0;
	s3mpu_md5_out(md5_of_md5s, digest);
	s3mpu_hex_encode(digest, sizeof digest, out);
	len = 2 * sizeof digest;
	out[len++] = '-';
	do {
		digits[n++] = (char)('0' + part_count % 10);
		part_count /= 10;
	} while (part_count);
	while (n)
		out[len++] = digits[--n];
	return len;
}
