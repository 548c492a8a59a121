/* md5.c -- MD5, BearSSL's, behind the s3mpu_md5 context. See s3mpu.h. */
#include "internal.h"

#include <bearssl_hash.h>

_Static_assert(sizeof(br_md5_context) <= sizeof(s3mpu_md5), "s3mpu_md5 too small");
_Static_assert(_Alignof(br_md5_context) <= _Alignof(s3mpu_md5), "s3mpu_md5 misaligned");

#define MD5_CTX(c) ((br_md5_context *)(void *)(c)->opaque_)
#define MD5_CCTX(c) ((const br_md5_context *)(const void *)(c)->opaque_)

/* see s3mpu.h */
void s3mpu_md5_init(s3mpu_md5 *ctx)
{
	memset(ctx, 0, sizeof *ctx); /* snapshots compare deterministically */
	br_md5_init(MD5_CTX(ctx));
}

/* see s3mpu.h */
void s3mpu_md5_update(s3mpu_md5 *ctx, const void *data, size_t len)
{
	if (len)
		br_md5_update(MD5_CTX(ctx), data, len);
}

/* see s3mpu.h */
void s3mpu_md5_digest(const s3mpu_md5 *ctx, unsigned char out[S3MPU_MD5_SIZE])
{
	br_md5_out(MD5_CCTX(ctx), out);
}
