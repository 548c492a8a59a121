/* hash.c -- SHA-256, HMAC-SHA256, MD5 (BearSSL); multipart ETag. See s3mpu.h. */
#include "internal.h"

#include <bearssl_hash.h>

#if defined(__x86_64__) && !defined(S3MPU_NO_SHA_NI) && \
	((defined(__SHA__) && defined(__SSE4_1__)) || \
	 (defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12))
/* The SHA extensions of x86-64 (Intel since Goldmont/Ice Lake, AMD since
 * Zen): used when the build targets them (-msha -msse4.1) or, with GCC, when
 * the CPU has them (__builtin_cpu_supports reads what libgcc found at
 * startup: no cpuid per call, which costs microseconds in some VMs). */
#  define SHA_NI 1
#  include <immintrin.h>
#else
#  define SHA_NI 0
#endif

/*
 * SHA-256 (FIPS 180-4) is ours rather than BearSSL's: signing is mostly
 * SHA-256 of short messages, and BearSSL's portable code (Debian builds it
 * -Os) took two thirds of it. The contexts are plain data (no pointers), so
 * memcpy snapshots stay valid. MD5 stays with BearSSL.
 */
typedef struct {
	uint32_t h[8];
	uint64_t count;           /* bytes hashed so far */
	unsigned char buf[64];    /* count % 64 bytes pending */
	uint32_t ni;              /* compress with the SHA extensions */
} sha256_ctx;

/* HMAC key: the states after the key's inner and outer pad blocks (RFC 2104). */
typedef struct {
	uint32_t inner[8];
	uint32_t outer[8];
	uint32_t ni;
} hmac_key_ctx;

typedef struct {
	sha256_ctx sha;           /* the inner hash */
	uint32_t outer[8];
} hmac_ctx;

_Static_assert(sizeof(sha256_ctx) <= sizeof(s3mpu_sha256), "s3mpu_sha256 too small");
_Static_assert(_Alignof(sha256_ctx) <= _Alignof(s3mpu_sha256), "s3mpu_sha256 misaligned");
_Static_assert(sizeof(hmac_key_ctx) <= sizeof(s3mpu_hmac_key), "s3mpu_hmac_key too small");
_Static_assert(sizeof(hmac_ctx) <= sizeof(s3mpu_hmac), "s3mpu_hmac too small");
_Static_assert(sizeof(br_md5_context) <= sizeof(s3mpu_md5), "s3mpu_md5 too small");
_Static_assert(_Alignof(br_md5_context) <= _Alignof(s3mpu_md5), "s3mpu_md5 misaligned");

/* Init zeroes the context first: zeroed contexts snapshot and compare
 * deterministically, with no stale stack bytes. */
#define CLEAR(ctx) memset((ctx)->opaque_, 0, sizeof((ctx)->opaque_))

#define SHA(c) ((sha256_ctx *)(void *)(c)->opaque_)
#define CSHA(c) ((const sha256_ctx *)(const void *)(c)->opaque_)
#define HKEY(c) ((hmac_key_ctx *)(void *)(c)->opaque_)
#define CHKEY(c) ((const hmac_key_ctx *)(const void *)(c)->opaque_)
#define HMAC(c) ((hmac_ctx *)(void *)(c)->opaque_)
#define CHMAC(c) ((const hmac_ctx *)(const void *)(c)->opaque_)
#define MD5_CTX(c) ((br_md5_context *)(void *)(c)->opaque_)
#define MD5_CCTX(c) ((const br_md5_context *)(const void *)(c)->opaque_)

/* Erase a context that held key material: a plain memset that the empty
 * asm keeps (the object is about to die), much cheaper than s3mpu_wipe's
 * byte loop on the signing path. */
static void wipe(void *p, size_t len)
{
#if defined(__GNUC__) || defined(__clang__)
	memset(p, 0, len);
	__asm__ __volatile__("" : : "r"(p) : "memory");
#else
	s3mpu_wipe(p, len);
#endif
}

/* ------------------------------------------------------------------ */
/* SHA-256 compression                                                 */
/* ------------------------------------------------------------------ */

static const uint32_t sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
};

#if SHA_NI
_Alignas(16)
#endif
static const uint32_t K[64] = {
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
 * it ~15% faster than with a loop over the window, for ~0.5 KB. */
#define ROUND(a, b, c, d, e, f, g, h, i) do { \
		uint32_t t1_ = h + BSIG1(e) + CH(e, f, g) + K[j + (i)] + w[i]; \
		d += t1_; \
		h = t1_ + BSIG0(a) + MAJ(a, b, c); \
	} while (0)
#define ROUNDS8(i) do { \
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
#define EXPAND4(i) do { EXPAND(i); EXPAND((i) + 1); EXPAND((i) + 2); EXPAND((i) + 3); } while (0)
#define LOAD4(i) do { \
		w[i] = LOAD_BE32(p + 4 * (i)); \
		w[(i) + 1] = LOAD_BE32(p + 4 * (i) + 4); \
		w[(i) + 2] = LOAD_BE32(p + 4 * (i) + 8); \
		w[(i) + 3] = LOAD_BE32(p + 4 * (i) + 12); \
	} while (0)
#define LOAD_BE32(q) ((uint32_t)(q)[0] << 24 | (uint32_t)(q)[1] << 16 | (uint32_t)(q)[2] << 8 | (q)[3])

static void store_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void sha256_blocks_c(uint32_t st[8], const unsigned char *p, size_t n)
{
	for (; n; n--, p += 64) {
		uint32_t w[16];
		uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
		uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
		unsigned j;
		LOAD4(0); LOAD4(4); LOAD4(8); LOAD4(12);
		for (j = 0;; j += 16) {
			ROUNDS8(0);
			ROUNDS8(8);
			if (j == 48)
				break;
			EXPAND4(0); EXPAND4(4); EXPAND4(8); EXPAND4(12);
		}
		st[0] += a; st[1] += b; st[2] += c; st[3] += d;
		st[4] += e; st[5] += f; st[6] += g; st[7] += h;
	}
}

#if SHA_NI
/*
 * The same with the SHA extensions. sha256rnds2 does two rounds on the
 * state split as ABEF and CDGH (A in the top lane); its third operand is
 * W + K of those two rounds. sha256msg1/msg2 compute the schedule four
 * words at a time. Intel: "Intel SHA Extensions" (2013), section 4.
 */
__attribute__((target("sha,sse4.1")))
static void sha256_blocks_ni(uint32_t st[8], const unsigned char *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i abef, cdgh, t, m0, m1, m2, m3, wk, abef0, cdgh0;

	t = _mm_loadu_si128((const __m128i *)(const void *)&st[0]);    /* A B C D (lane 0 first) */
	cdgh = _mm_loadu_si128((const __m128i *)(const void *)&st[4]); /* E F G H */
	t = _mm_shuffle_epi32(t, 0xB1);                                /* B A D C */
	cdgh = _mm_shuffle_epi32(cdgh, 0x1B);                          /* H G F E */
	abef = _mm_alignr_epi8(t, cdgh, 8);                            /* F E B A */
	cdgh = _mm_blend_epi16(cdgh, t, 0xF0);                         /* H G D C */

/* Four rounds from j: wk = W + K. After two rounds the old ABEF is the new
 * CDGH, so the two calls trade places and the names are right again. */
#define QROUND(m, j) do { \
		wk = _mm_add_epi32(m, _mm_load_si128((const __m128i *)(const void *)&K[j])); \
		cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk); \
		wk = _mm_shuffle_epi32(wk, 0x0E); \
		abef = _mm_sha256rnds2_epu32(abef, cdgh, wk); \
	} while (0)
/* Next four schedule words into m0 from the last sixteen m0 m1 m2 m3. */
#define QEXPAND(m0, m1, m2, m3) \
	(m0 = _mm_sha256msg2_epu32(_mm_add_epi32(_mm_sha256msg1_epu32(m0, m1), \
		_mm_alignr_epi8(m3, m2, 4)), m3))

	for (; n; n--, p += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
		m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 0)), bswap);
		m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16)), bswap);
		m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 32)), bswap);
		m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 48)), bswap);
		QROUND(m0, 0); QROUND(m1, 4); QROUND(m2, 8); QROUND(m3, 12);
		QEXPAND(m0, m1, m2, m3); QROUND(m0, 16);
		QEXPAND(m1, m2, m3, m0); QROUND(m1, 20);
		QEXPAND(m2, m3, m0, m1); QROUND(m2, 24);
		QEXPAND(m3, m0, m1, m2); QROUND(m3, 28);
		QEXPAND(m0, m1, m2, m3); QROUND(m0, 32);
		QEXPAND(m1, m2, m3, m0); QROUND(m1, 36);
		QEXPAND(m2, m3, m0, m1); QROUND(m2, 40);
		QEXPAND(m3, m0, m1, m2); QROUND(m3, 44);
		QEXPAND(m0, m1, m2, m3); QROUND(m0, 48);
		QEXPAND(m1, m2, m3, m0); QROUND(m1, 52);
		QEXPAND(m2, m3, m0, m1); QROUND(m2, 56);
		QEXPAND(m3, m0, m1, m2); QROUND(m3, 60);
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
#undef QROUND
#undef QEXPAND

	t = _mm_shuffle_epi32(abef, 0x1B);                             /* A B E F */
	cdgh = _mm_shuffle_epi32(cdgh, 0xB1);                          /* G H C D */
	_mm_storeu_si128((__m128i *)(void *)&st[0], _mm_blend_epi16(t, cdgh, 0xF0)); /* A B C D */
	_mm_storeu_si128((__m128i *)(void *)&st[4], _mm_alignr_epi8(cdgh, t, 8));    /* E F G H */
}

static uint32_t sha_ni_usable(void)
{
#  if defined(__SHA__) && defined(__SSE4_1__)
	return 1;
#  else
	__builtin_cpu_init(); /* in case we run before libgcc's constructor */
	return __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1");
#  endif
}
#endif

static void sha256_blocks(const sha256_ctx *c, uint32_t st[8], const unsigned char *p, size_t n)
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

/* ------------------------------------------------------------------ */
/* SHA-256                                                             */
/* ------------------------------------------------------------------ */

static void sha_start(sha256_ctx *c, const uint32_t h[8], uint64_t count, uint32_t ni)
{
	memcpy(c->h, h, sizeof c->h);
	c->count = count;
	c->ni = ni;
}

static void sha_update(sha256_ctx *c, const unsigned char *p, size_t len)
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
		sha256_blocks(c, c->h, c->buf, 1);
		p += take;
		len -= take;
	}
	if (len >= 64) {
		sha256_blocks(c, c->h, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	if (len)
		memcpy(c->buf, p, len);
}

/* The digest of what `c` holds; `c` is left as it was. */
static void sha_finish(const sha256_ctx *c, unsigned char out[32])
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
	sha256_blocks(c, h, block, n / 64);
	for (i = 0; i < 8; i++)
		store_be32(out + 4 * i, h[i]);
}

static uint32_t sha_ni_default(void)
{
#if SHA_NI
	return sha_ni_usable();
#else
	return 0;
#endif
}

void s3mpu_sha256_init(s3mpu_sha256 *ctx)
{
	CLEAR(ctx);
	sha_start(SHA(ctx), sha256_iv, 0, sha_ni_default());
}

void s3mpu_sha256_update(s3mpu_sha256 *ctx, const void *data, size_t len)
{
	if (len)
		sha_update(SHA(ctx), data, len);
}

void s3mpu_sha256_out(const s3mpu_sha256 *ctx, unsigned char out[S3MPU_SHA256_SIZE])
{
	sha_finish(CSHA(ctx), out);
}

/* ------------------------------------------------------------------ */
/* HMAC-SHA256 (RFC 2104)                                              */
/* ------------------------------------------------------------------ */

void s3mpu_hmac_key_init(s3mpu_hmac_key *key, const void *secret, size_t len)
{
	hmac_key_ctx *k = HKEY(key);
	unsigned char pad[64];
	sha256_ctx c;
	size_t i;

	CLEAR(key);
	k->ni = sha_ni_default();
	memset(pad, 0, sizeof pad);
	if (len > sizeof pad) {
		/* A long key is replaced by its hash. */
		sha_start(&c, sha256_iv, 0, k->ni);
		sha_update(&c, secret, len);
		sha_finish(&c, pad);
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
	wipe(pad, sizeof pad);
	wipe(&c, sizeof c);
}

void s3mpu_hmac_init(s3mpu_hmac *ctx, const s3mpu_hmac_key *key)
{
	const hmac_key_ctx *k = CHKEY(key);
	hmac_ctx *m = HMAC(ctx);
	/* Only the part in use: this runs once per signature. */
	memset(m, 0, sizeof *m);
	sha_start(&m->sha, k->inner, 64, k->ni);
	memcpy(m->outer, k->outer, sizeof m->outer);
}

void s3mpu_hmac_update(s3mpu_hmac *ctx, const void *data, size_t len)
{
	if (len)
		sha_update(&HMAC(ctx)->sha, data, len);
}

void s3mpu_hmac_out(const s3mpu_hmac *ctx, unsigned char out[S3MPU_SHA256_SIZE])
{
	const hmac_ctx *m = CHMAC(ctx);
	unsigned char inner[S3MPU_SHA256_SIZE];
	sha256_ctx c;

	sha_finish(&m->sha, inner);
	sha_start(&c, m->outer, 64, m->sha.ni);
	sha_update(&c, inner, sizeof inner);
	sha_finish(&c, out);
	wipe(&c, sizeof c);
}

void hmac_once(const s3mpu_hmac_key *key, const void *data, size_t len,
	unsigned char out[S3MPU_SHA256_SIZE])
{
	s3mpu_hmac m;
	s3mpu_hmac_init(&m, key);
	s3mpu_hmac_update(&m, data, len);
	s3mpu_hmac_out(&m, out);
	wipe(&m, sizeof(hmac_ctx));
}

void hmac_resume(const s3mpu_hmac *kept, const void *data, size_t len,
	unsigned char out[S3MPU_SHA256_SIZE])
{
	s3mpu_hmac m;
	memcpy(&m, kept, sizeof(hmac_ctx));
	s3mpu_hmac_update(&m, data, len);
	s3mpu_hmac_out(&m, out);
	wipe(&m, sizeof(hmac_ctx));
}

void s3mpu_hmac_sha256(const void *secret, size_t secret_len,
	const void *data, size_t len, unsigned char out[S3MPU_SHA256_SIZE])
{
	s3mpu_hmac_key key;
	s3mpu_hmac_key_init(&key, secret, secret_len);
	hmac_once(&key, data, len, out);
	/* The key context holds states derived from the secret. */
	wipe(&key, sizeof(hmac_key_ctx));
}

/* ------------------------------------------------------------------ */
/* MD5 (BearSSL)                                                       */
/* ------------------------------------------------------------------ */

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
