/* sha256.c -- SHA-256 (FIPS 180-4), portable C. See s3mpu.h and sha256.h. */
#include "sha256.h"

_Static_assert(sizeof(sha256_ctx) <= sizeof(s3mpu_sha256), "s3mpu_sha256 too small");
_Static_assert(_Alignof(sha256_ctx) <= _Alignof(s3mpu_sha256), "s3mpu_sha256 misaligned");

#define SHA(c) ((sha256_ctx *)(void *)(c)->opaque_)
#define CSHA(c) ((const sha256_ctx *)(const void *)(c)->opaque_)

/* clang-format off */
const uint32_t sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
};

_Alignas(16) const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};
/* clang-format on */

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))
#define CH(x, y, z) ((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z) (((x) & (y)) | ((z) & ((x) | (y))))

/* Round j + i of 64; w is a 16-word window of the message schedule, so
 * with j a multiple of 16 every index into it is a constant, and the
 * window can live in registers (wasm locals): unrolled this far, V8 runs
 * it faster than a loop over the window, for a little more code. */
#define ROUND(a, b, c, d, e, f, g, h, i) \
	do { \
		uint32_t t1_ = h + BSIG1(e) + CH(e, f, g) + sha256_k[j + (i)] + w[i]; \
		d += t1_; \
		h = t1_ + BSIG0(a) + MAJ(a, b, c); \
	} while (0)
#define ROUNDS8(i) \
	do { \
		ROUND(a, b, c, d, e, f, g, h, (i) + 0); \
		ROUND(h, a, b, c, d, e, f, g, (i) + 1); \
		ROUND(g, h, a, b, c, d, e, f, (i) + 2); \
		ROUND(f, g, h, a, b, c, d, e, (i) + 3); \
		ROUND(e, f, g, h, a, b, c, d, (i) + 4); \
		ROUND(d, e, f, g, h, a, b, c, (i) + 5); \
		ROUND(c, d, e, f, g, h, a, b, (i) + 6); \
		ROUND(b, c, d, e, f, g, h, a, (i) + 7); \
	} while (0)
/* w[i] becomes schedule word j + 16 + i (FIPS 180-4 6.2.2 step 1). */
#define EXPAND(i) (w[i] += SSIG1(w[((i) + 14) & 15]) + w[((i) + 9) & 15] + SSIG0(w[((i) + 1) & 15]))
#define EXPAND4(i) \
	do { \
		EXPAND(i); \
		EXPAND((i) + 1); \
		EXPAND((i) + 2); \
		EXPAND((i) + 3); \
	} while (0)
#define LOAD4(i) \
	do { \
		w[i] = LOAD_BE32(p + 4 * (i)); \
		w[(i) + 1] = LOAD_BE32(p + 4 * (i) + 4); \
		w[(i) + 2] = LOAD_BE32(p + 4 * (i) + 8); \
		w[(i) + 3] = LOAD_BE32(p + 4 * (i) + 12); \
	} while (0)
#define LOAD_BE32(q) \
	((uint32_t)(q)[0] << 24 | (uint32_t)(q)[1] << 16 | (uint32_t)(q)[2] << 8 | (q)[3])

static void store_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

void sha256_blocks_c(uint32_t st[8], const unsigned char *p, size_t n)
{
	for (; n; n--, p += 64) {
		uint32_t w[16];
		uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
		uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
		unsigned j;
		LOAD4(0);
		LOAD4(4);
		LOAD4(8);
		LOAD4(12);
		for (j = 0;; j += 16) {
			ROUNDS8(0);
			ROUNDS8(8);
			if (j == 48)
				break;
			EXPAND4(0);
			EXPAND4(4);
			EXPAND4(8);
			EXPAND4(12);
		}
		st[0] += a;
		st[1] += b;
		st[2] += c;
		st[3] += d;
		st[4] += e;
		st[5] += f;
		st[6] += g;
		st[7] += h;
	}
}

#if !SHA_NI
uint32_t sha256_ni_usable(void) { return 0; }
#endif

static void blocks(const sha256_ctx *c, uint32_t st[8], const unsigned char *p, size_t n)
{
#if SHA_NI
	if (c->ni) {
		sha256_blocks_ni(st, p, n);
		return;
	}
#endif
	(void)c;
	sha256_blocks_c(st, p, n);
}

void sha256_feed(sha256_ctx *c, const unsigned char *p, size_t len)
{
	size_t used = (size_t)(c->count & 63);
	c->count += len;
	if (used) {
		size_t take = 64 - used;
		if (len < take) {
			memcpy(c->buf + used, p, len);
			return;
		}
		memcpy(c->buf + used, p, take);
		blocks(c, c->h, c->buf, 1);
		p += take;
		len -= take;
	}
	if (len >= 64) {
		blocks(c, c->h, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	if (len)
		memcpy(c->buf, p, len);
}

void sha256_finish(const sha256_ctx *c, unsigned char out[32])
{
	unsigned char block[128];
	uint32_t h[8];
	size_t used = (size_t)(c->count & 63), n = used < 56 ? 64 : 128, i;
	uint64_t bits = c->count << 3;

	memcpy(block, c->buf, used);
	block[used] = 0x80;
	memset(block + used + 1, 0, n - used - 9);
	for (i = 0; i < 8; i++)
		block[n - 1 - i] = (unsigned char)(bits >> (8 * i));
	memcpy(h, c->h, sizeof h);
	blocks(c, h, block, n / 64);
	for (i = 0; i < 8; i++)
		store_be32(out + 4 * i, h[i]);
}

/* see s3mpu.h */
void s3mpu_sha256_init(s3mpu_sha256 *ctx)
{
	memset(ctx, 0, sizeof *ctx); /* snapshots compare deterministically */
	sha256_start(SHA(ctx), sha256_iv, 0, sha256_ni_usable());
}

/* see s3mpu.h */
void s3mpu_sha256_update(s3mpu_sha256 *ctx, const void *data, size_t len)
{
	if (len)
		sha256_feed(SHA(ctx), data, len);
}

/* see s3mpu.h */
void s3mpu_sha256_digest(const s3mpu_sha256 *ctx, unsigned char out[S3MPU_SHA256_SIZE])
{
	sha256_finish(CSHA(ctx), out);
}
