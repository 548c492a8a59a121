/* hmac.c -- HMAC-SHA256 (RFC 2104) on sha256.c. See s3mpu.h. */
#include "sha256.h"

/* HMAC key: the states after the key's inner and outer pad blocks. */
typedef struct {
	uint32_t inner[8];
	uint32_t outer[8];
	uint32_t ni;
} hmac_key_ctx;

typedef struct {
	sha256_ctx sha; /* the inner hash */
	uint32_t outer[8];
} hmac_ctx;

_Static_assert(sizeof(hmac_key_ctx) <= sizeof(s3mpu_hmac_key), "s3mpu_hmac_key too small");
_Static_assert(sizeof(hmac_ctx) <= sizeof(s3mpu_hmac), "s3mpu_hmac too small");

#define HKEY(c) ((hmac_key_ctx *)(void *)(c)->opaque_)
#define CHKEY(c) ((const hmac_key_ctx *)(const void *)(c)->opaque_)
#define HMAC(c) ((hmac_ctx *)(void *)(c)->opaque_)
#define CHMAC(c) ((const hmac_ctx *)(const void *)(c)->opaque_)

/* see internal.h */
void wipe_fast(void *p, size_t len)
{
#if defined(__GNUC__) || defined(__clang__)
	memset(p, 0, len);
	__asm__ __volatile__("" : : "r"(p) : "memory");
#else
	s3mpu_memory_wipe(p, len);
#endif
}

/* see s3mpu.h */
void s3mpu_hmac_key_init(s3mpu_hmac_key *key, const void *secret, size_t len)
{
	hmac_key_ctx *k = HKEY(key);
	unsigned char pad[64];
	sha256_ctx c;
	size_t i;

	memset(key, 0, sizeof *key); /* snapshots compare deterministically */
	k->ni = sha256_ni_usable();
	memset(pad, 0, sizeof pad);
	if (len > sizeof pad) {
		/* A long key is replaced by its hash. */
		sha256_start(&c, sha256_iv, 0, k->ni);
		sha256_feed(&c, secret, len);
		sha256_finish(&c, pad);
	} else if (len) {
		memcpy(pad, secret, len);
	}
	for (i = 0; i < sizeof pad; i++)
		pad[i] ^= 0x36;
	memcpy(k->inner, sha256_iv, sizeof k->inner);
	sha256_blocks_c(k->inner, pad, 1);
	for (i = 0; i < sizeof pad; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	memcpy(k->outer, sha256_iv, sizeof k->outer);
	sha256_blocks_c(k->outer, pad, 1);
	wipe_fast(pad, sizeof pad);
	wipe_fast(&c, sizeof c);
}

/* see s3mpu.h */
void s3mpu_hmac_init(s3mpu_hmac *ctx, const s3mpu_hmac_key *key)
{
	const hmac_key_ctx *k = CHKEY(key);
	hmac_ctx *m = HMAC(ctx);
	/* Only the part in use: this runs once per signature. */
	memset(m, 0, sizeof *m);
	sha256_start(&m->sha, k->inner, 64, k->ni);
	memcpy(m->outer, k->outer, sizeof m->outer);
}

/* see s3mpu.h */
void s3mpu_hmac_update(s3mpu_hmac *ctx, const void *data, size_t len)
{
	if (len)
		sha256_feed(&HMAC(ctx)->sha, data, len);
}

/* see s3mpu.h */
void s3mpu_hmac_digest(const s3mpu_hmac *ctx, unsigned char out[S3MPU_SHA256_SIZE])
{
	const hmac_ctx *m = CHMAC(ctx);
	unsigned char inner[S3MPU_SHA256_SIZE];
	sha256_ctx c;

	sha256_finish(&m->sha, inner);
	sha256_start(&c, m->outer, 64, m->sha.ni);
	sha256_feed(&c, inner, sizeof inner);
	sha256_finish(&c, out);
	wipe_fast(&c, sizeof c);
}

/* see internal.h */
void hmac_once(const s3mpu_hmac_key *key, const void *data, size_t len,
	unsigned char out[S3MPU_SHA256_SIZE])
{
	s3mpu_hmac m;
	s3mpu_hmac_init(&m, key);
	s3mpu_hmac_update(&m, data, len);
	s3mpu_hmac_digest(&m, out);
	wipe_fast(&m, sizeof(hmac_ctx));
}

/* see internal.h */
void hmac_resume(
	const s3mpu_hmac *kept, const void *data, size_t len, unsigned char out[S3MPU_SHA256_SIZE])
{
	s3mpu_hmac m;
	memcpy(&m, kept, sizeof(hmac_ctx));
	s3mpu_hmac_update(&m, data, len);
	s3mpu_hmac_digest(&m, out);
	wipe_fast(&m, sizeof(hmac_ctx));
}

/* see s3mpu.h */
void s3mpu_hmac_compute(const void *secret, size_t secret_len, const void *data, size_t len,
	unsigned char out[S3MPU_SHA256_SIZE])
{
	s3mpu_hmac_key key;
	s3mpu_hmac_key_init(&key, secret, secret_len);
	hmac_once(&key, data, len, out);
	/* The key context holds states derived from the secret. */
	wipe_fast(&key, sizeof(hmac_key_ctx));
}
