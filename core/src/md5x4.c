/*
 * md5x4.c -- four MD5s at once, one message in each 32-bit lane of a
 * 128-bit vector: WebAssembly SIMD128 where the compiler targets it
 * (-msimd128), plain C otherwise, the same steps either way. The parts of
 * an upload are independent messages, so hashing four together costs about
 * what one costs in scalar code (minio's md5-simd does this with AVX-512).
 * Steps and constants: RFC 1321 section 3.4. See s3mpu.h.
 */
#include "internal.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>

typedef v128_t vec;

static inline vec v_add(vec x, vec y) { return wasm_i32x4_add(x, y); }
static inline vec v_xor(vec x, vec y) { return wasm_v128_xor(x, y); }
static inline vec v_and(vec x, vec y) { return wasm_v128_and(x, y); }
/* x & ~y */
static inline vec v_and_not(vec x, vec y) { return wasm_v128_andnot(x, y); }
static inline vec v_or_not(vec x, vec y) { return wasm_v128_or(x, wasm_v128_not(y)); }
/* Bits of x where mask is set, of y elsewhere. */
static inline vec v_select(vec x, vec y, vec mask) { return wasm_v128_bitselect(x, y, mask); }
static inline vec v_rotl(vec x, int s)
{
	return wasm_v128_or(wasm_i32x4_shl(x, s), wasm_u32x4_shr(x, 32 - s));
}
static inline vec v_load(const uint32_t w[4]) { return wasm_v128_load(w); }
static inline void v_store(uint32_t w[4], vec x) { wasm_v128_store(w, x); }
static inline vec v_mask(unsigned lanes)
{
	return wasm_i32x4_make(-(int32_t)(lanes & 1), -(int32_t)(lanes >> 1 & 1),
		-(int32_t)(lanes >> 2 & 1), -(int32_t)(lanes >> 3 & 1));
}

/* Words 4q..4q+3 of each lane's block, transposed so vector j holds
 * word 4q+j of lanes 0..3 (wasm and MD5 are both little-endian). A loop:
 * m[] stays in memory, which V8 reads as operands (written out, V8
 * spills the 16 vectors and runs slower). */
static inline void load_words(vec m[16], const unsigned char *const src[4])
{
	int q;
	for (q = 0; q < 4; q++) {
		vec r0 = wasm_v128_load(src[0] + 16 * q), r1 = wasm_v128_load(src[1] + 16 * q);
		vec r2 = wasm_v128_load(src[2] + 16 * q), r3 = wasm_v128_load(src[3] + 16 * q);
		vec t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5),
		    t1 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7);
		vec t2 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5),
		    t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
		m[4 * q] = wasm_i32x4_shuffle(t0, t2, 0, 1, 4, 5);
		m[4 * q + 1] = wasm_i32x4_shuffle(t0, t2, 2, 3, 6, 7);
		m[4 * q + 2] = wasm_i32x4_shuffle(t1, t3, 0, 1, 4, 5);
		m[4 * q + 3] = wasm_i32x4_shuffle(t1, t3, 2, 3, 6, 7);
	}
}

/* see s3mpu.h */
int s3mpu_md5x4_simd(void) { return 1; }

#else /* portable: four uint32_t, which compilers may vectorize themselves */

typedef struct {
	uint32_t w[4];
} vec;

#define LANEWISE(expr) \
	vec r; \
	int i; \
	for (i = 0; i < 4; i++) \
		r.w[i] = (expr); \
	return r

static inline vec v_add(vec x, vec y) { LANEWISE(x.w[i] + y.w[i]); }
static inline vec v_xor(vec x, vec y) { LANEWISE(x.w[i] ^ y.w[i]); }
static inline vec v_and(vec x, vec y) { LANEWISE(x.w[i] & y.w[i]); }
static inline vec v_and_not(vec x, vec y) { LANEWISE(x.w[i] & ~y.w[i]); }
static inline vec v_or_not(vec x, vec y) { LANEWISE(x.w[i] | ~y.w[i]); }
static inline vec v_select(vec x, vec y, vec mask)
{
	LANEWISE((x.w[i] & mask.w[i]) | (y.w[i] & ~mask.w[i]));
}
static inline vec v_rotl(vec x, int s) { LANEWISE(x.w[i] << s | x.w[i] >> (32 - s)); }
static inline vec v_load(const uint32_t w[4]) { LANEWISE(w[i]); }
static inline void v_store(uint32_t w[4], vec x) { memcpy(w, x.w, sizeof x.w); }
static inline vec v_mask(unsigned lanes) { LANEWISE(0u - (lanes >> i & 1)); }

static inline void load_words(vec m[16], const unsigned char *const src[4])
{
	int j, i;
	for (j = 0; j < 16; j++)
		for (i = 0; i < 4; i++) {
			const unsigned char *p = src[i] + 4 * j;
			m[j].w[i] = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				(uint32_t)p[3] << 24;
		}
}

/* see s3mpu.h */
int s3mpu_md5x4_simd(void) { return 0; }

#endif

_Static_assert(sizeof(md5x4_state) <= sizeof(s3mpu_md5x4), "s3mpu_md5x4 too small");
_Static_assert(_Alignof(md5x4_state) <= _Alignof(s3mpu_md5x4), "s3mpu_md5x4 misaligned");

/* RFC 1321 3.4, one step: a = b + ((a + f(b, c, d) + X[j] + T[i]) <<< s).
 * The new b is on every step's critical path, so what does not need it is
 * added first: T[i] + X[j] + a, and for G the half of it that needs only c
 * and d ((b & d) and (c & ~d) share no bit: or = add). The steps are
 * written out, whatever the -O (-Oz kept a loop and its index arithmetic). */
#define SUM(a, j) v_add(a, v_add(m[j], v_load(*k++)))
#define ROT(a, b, x, s) a = v_add(b, v_rotl(x, s))
#define FF(a, b, c, d, j, s) ROT(a, b, v_add(SUM(a, j), v_select(c, d, b)), s)
#define GG(a, b, c, d, j, s) ROT(a, b, v_add(v_add(SUM(a, j), v_and_not(c, d)), v_and(b, d)), s)
#define HH(a, b, c, d, j, s) ROT(a, b, v_add(SUM(a, j), v_xor(b, v_xor(c, d))), s)
#define II(a, b, c, d, j, s) ROT(a, b, v_add(SUM(a, j), v_xor(c, v_or_not(b, d))), s)
/* Four steps, the roles of a, b, c and d rotating. */
#define STEPS4(f, j0, j1, j2, j3, s0, s1, s2, s3) \
	f(a, b, c, d, j0, s0); \
	f(d, a, b, c, j1, s1); \
	f(c, d, a, b, j2, s2); \
	f(b, c, d, a, j3, s3)

/* RFC 1321 3.4's T[i], in all four lanes: one vector load a step
 * (constants inline cost V8 more instructions). */
static const uint32_t T4[64][4] = {
	{ 0xd76aa478, 0xd76aa478, 0xd76aa478, 0xd76aa478 },
	{ 0xe8c7b756, 0xe8c7b756, 0xe8c7b756, 0xe8c7b756 },
	{ 0x242070db, 0x242070db, 0x242070db, 0x242070db },
	{ 0xc1bdceee, 0xc1bdceee, 0xc1bdceee, 0xc1bdceee },
	{ 0xf57c0faf, 0xf57c0faf, 0xf57c0faf, 0xf57c0faf },
	{ 0x4787c62a, 0x4787c62a, 0x4787c62a, 0x4787c62a },
	{ 0xa8304613, 0xa8304613, 0xa8304613, 0xa8304613 },
	{ 0xfd469501, 0xfd469501, 0xfd469501, 0xfd469501 },
	{ 0x698098d8, 0x698098d8, 0x698098d8, 0x698098d8 },
	{ 0x8b44f7af, 0x8b44f7af, 0x8b44f7af, 0x8b44f7af },
	{ 0xffff5bb1, 0xffff5bb1, 0xffff5bb1, 0xffff5bb1 },
	{ 0x895cd7be, 0x895cd7be, 0x895cd7be, 0x895cd7be },
	{ 0x6b901122, 0x6b901122, 0x6b901122, 0x6b901122 },
	{ 0xfd987193, 0xfd987193, 0xfd987193, 0xfd987193 },
	{ 0xa679438e, 0xa679438e, 0xa679438e, 0xa679438e },
	{ 0x49b40821, 0x49b40821, 0x49b40821, 0x49b40821 },
	{ 0xf61e2562, 0xf61e2562, 0xf61e2562, 0xf61e2562 },
	{ 0xc040b340, 0xc040b340, 0xc040b340, 0xc040b340 },
	{ 0x265e5a51, 0x265e5a51, 0x265e5a51, 0x265e5a51 },
	{ 0xe9b6c7aa, 0xe9b6c7aa, 0xe9b6c7aa, 0xe9b6c7aa },
	{ 0xd62f105d, 0xd62f105d, 0xd62f105d, 0xd62f105d },
	{ 0x02441453, 0x02441453, 0x02441453, 0x02441453 },
	{ 0xd8a1e681, 0xd8a1e681, 0xd8a1e681, 0xd8a1e681 },
	{ 0xe7d3fbc8, 0xe7d3fbc8, 0xe7d3fbc8, 0xe7d3fbc8 },
	{ 0x21e1cde6, 0x21e1cde6, 0x21e1cde6, 0x21e1cde6 },
	{ 0xc33707d6, 0xc33707d6, 0xc33707d6, 0xc33707d6 },
	{ 0xf4d50d87, 0xf4d50d87, 0xf4d50d87, 0xf4d50d87 },
	{ 0x455a14ed, 0x455a14ed, 0x455a14ed, 0x455a14ed },
	{ 0xa9e3e905, 0xa9e3e905, 0xa9e3e905, 0xa9e3e905 },
	{ 0xfcefa3f8, 0xfcefa3f8, 0xfcefa3f8, 0xfcefa3f8 },
	{ 0x676f02d9, 0x676f02d9, 0x676f02d9, 0x676f02d9 },
	{ 0x8d2a4c8a, 0x8d2a4c8a, 0x8d2a4c8a, 0x8d2a4c8a },
	{ 0xfffa3942, 0xfffa3942, 0xfffa3942, 0xfffa3942 },
	{ 0x8771f681, 0x8771f681, 0x8771f681, 0x8771f681 },
	{ 0x6d9d6122, 0x6d9d6122, 0x6d9d6122, 0x6d9d6122 },
	{ 0xfde5380c, 0xfde5380c, 0xfde5380c, 0xfde5380c },
	{ 0xa4beea44, 0xa4beea44, 0xa4beea44, 0xa4beea44 },
	{ 0x4bdecfa9, 0x4bdecfa9, 0x4bdecfa9, 0x4bdecfa9 },
	{ 0xf6bb4b60, 0xf6bb4b60, 0xf6bb4b60, 0xf6bb4b60 },
	{ 0xbebfbc70, 0xbebfbc70, 0xbebfbc70, 0xbebfbc70 },
	{ 0x289b7ec6, 0x289b7ec6, 0x289b7ec6, 0x289b7ec6 },
	{ 0xeaa127fa, 0xeaa127fa, 0xeaa127fa, 0xeaa127fa },
	{ 0xd4ef3085, 0xd4ef3085, 0xd4ef3085, 0xd4ef3085 },
	{ 0x04881d05, 0x04881d05, 0x04881d05, 0x04881d05 },
	{ 0xd9d4d039, 0xd9d4d039, 0xd9d4d039, 0xd9d4d039 },
	{ 0xe6db99e5, 0xe6db99e5, 0xe6db99e5, 0xe6db99e5 },
	{ 0x1fa27cf8, 0x1fa27cf8, 0x1fa27cf8, 0x1fa27cf8 },
	{ 0xc4ac5665, 0xc4ac5665, 0xc4ac5665, 0xc4ac5665 },
	{ 0xf4292244, 0xf4292244, 0xf4292244, 0xf4292244 },
	{ 0x432aff97, 0x432aff97, 0x432aff97, 0x432aff97 },
	{ 0xab9423a7, 0xab9423a7, 0xab9423a7, 0xab9423a7 },
	{ 0xfc93a039, 0xfc93a039, 0xfc93a039, 0xfc93a039 },
	{ 0x655b59c3, 0x655b59c3, 0x655b59c3, 0x655b59c3 },
	{ 0x8f0ccc92, 0x8f0ccc92, 0x8f0ccc92, 0x8f0ccc92 },
	{ 0xffeff47d, 0xffeff47d, 0xffeff47d, 0xffeff47d },
	{ 0x85845dd1, 0x85845dd1, 0x85845dd1, 0x85845dd1 },
	{ 0x6fa87e4f, 0x6fa87e4f, 0x6fa87e4f, 0x6fa87e4f },
	{ 0xfe2ce6e0, 0xfe2ce6e0, 0xfe2ce6e0, 0xfe2ce6e0 },
	{ 0xa3014314, 0xa3014314, 0xa3014314, 0xa3014314 },
	{ 0x4e0811a1, 0x4e0811a1, 0x4e0811a1, 0x4e0811a1 },
	{ 0xf7537e82, 0xf7537e82, 0xf7537e82, 0xf7537e82 },
	{ 0xbd3af235, 0xbd3af235, 0xbd3af235, 0xbd3af235 },
	{ 0x2ad7d2bb, 0x2ad7d2bb, 0x2ad7d2bb, 0x2ad7d2bb },
	{ 0xeb86d391, 0xeb86d391, 0xeb86d391, 0xeb86d391 },
};

/* One 64-byte block from src[i] into each lane i of `active` (a bit set);
 * the other lanes compute on whatever src holds and keep their state. */
static void md5x4_block(uint32_t h[4][4], const unsigned char *const src[4], unsigned active)
{
	/* Read through a pointer the compiler cannot see through, the steps
	 * keep T as loads: V8 makes each v128.const of them 3 instructions. */
	static const uint32_t(*const volatile table)[4] = T4;
	const uint32_t(*t4)[4] = table;
	vec m[16], a0 = v_load(h[0]), b0 = v_load(h[1]), c0 = v_load(h[2]), d0 = v_load(h[3]);
	vec a = a0, b = b0, c = c0, d = d0, keep = v_mask(active);
	const uint32_t(*k)[4] = t4;

	load_words(m, src);
	STEPS4(FF, 0, 1, 2, 3, 7, 12, 17, 22);
	STEPS4(FF, 4, 5, 6, 7, 7, 12, 17, 22);
	STEPS4(FF, 8, 9, 10, 11, 7, 12, 17, 22);
	STEPS4(FF, 12, 13, 14, 15, 7, 12, 17, 22);
	STEPS4(GG, 1, 6, 11, 0, 5, 9, 14, 20);
	STEPS4(GG, 5, 10, 15, 4, 5, 9, 14, 20);
	STEPS4(GG, 9, 14, 3, 8, 5, 9, 14, 20);
	STEPS4(GG, 13, 2, 7, 12, 5, 9, 14, 20);
	STEPS4(HH, 5, 8, 11, 14, 4, 11, 16, 23);
	STEPS4(HH, 1, 4, 7, 10, 4, 11, 16, 23);
	STEPS4(HH, 13, 0, 3, 6, 4, 11, 16, 23);
	STEPS4(HH, 9, 12, 15, 2, 4, 11, 16, 23);
	STEPS4(II, 0, 7, 14, 5, 6, 10, 15, 21);
	STEPS4(II, 12, 3, 10, 1, 6, 10, 15, 21);
	STEPS4(II, 8, 15, 6, 13, 6, 10, 15, 21);
	STEPS4(II, 4, 11, 2, 9, 6, 10, 15, 21);

	v_store(h[0], v_select(v_add(a, a0), a0, keep));
	v_store(h[1], v_select(v_add(b, b0), b0, keep));
	v_store(h[2], v_select(v_add(c, c0), c0, keep));
	v_store(h[3], v_select(v_add(d, d0), d0, keep));
}

/* see s3mpu.h */
void s3mpu_md5x4_init(s3mpu_md5x4 *ctx)
{
	static const uint32_t iv[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
	md5x4_state *st = md5x4_of(ctx);
	int w, i;

	memset(ctx, 0, sizeof *ctx); /* snapshots compare deterministically */
	for (w = 0; w < 4; w++)
		for (i = 0; i < 4; i++)
			st->h[w][i] = iv[w];
}

/* The common case, every lane at a block boundary: the blocks all lanes
 * have whole, with no bookkeeping but the pointers (4 % of the time in
 * Node, in the loop below). */
static void whole_blocks(
	uint32_t h[4][4], const unsigned char *p[4], size_t n[4], const size_t have[4])
{
	size_t blocks = n[0], i;

	if (have[0] | have[1] | have[2] | have[3])
		return;
	for (i = 1; i < 4; i++)
		blocks = n[i] < blocks ? n[i] : blocks;
	for (blocks /= 64; blocks; blocks--) {
		md5x4_block(h, p, 15);
		for (i = 0; i < 4; i++)
			p[i] += 64, n[i] -= 64;
	}
}

/* see s3mpu.h */
void s3mpu_md5x4_update(s3mpu_md5x4 *ctx, const void *const data[4], const size_t len[4])
{
	md5x4_state *st = md5x4_of(ctx);
	const unsigned char *p[4], *src[4];
	size_t n[4], have[4];
	unsigned active;
	int i;

	for (i = 0; i < 4; i++) {
		p[i] = data[i];
		n[i] = len[i];
		have[i] = (size_t)(st->len[i] & 63);
		st->len[i] += n[i];
	}
	whole_blocks(st->h, p, n, have);
	do { /* a block for each lane that can fill one, all lanes at once */
		active = 0;
		for (i = 0; i < 4; i++) {
			src[i] = st->buf[i];
			if (have[i] + n[i] < 64)
				continue;
			if (have[i]) {
				size_t take = 64 - have[i];
				memcpy(st->buf[i] + have[i], p[i], take);
				have[i] = 0;
				p[i] += take, n[i] -= take;
			} else {
				src[i] = p[i];
				p[i] += 64, n[i] -= 64;
			}
			active |= 1u << i;
		}
		if (active)
			md5x4_block(st->h, src, active);
	} while (active);
	for (i = 0; i < 4; i++)
		if (n[i])
			memcpy(st->buf[i] + have[i], p[i], n[i]);
}

/* see s3mpu.h */
void s3mpu_md5x4_digest(const s3mpu_md5x4 *ctx, unsigned char out[4][S3MPU_MD5_SIZE])
{
	md5x4_state st;
	unsigned char tail[4][128];
	const unsigned char *src[4];
	unsigned two = 0; /* lanes whose padding takes a second block */
	int i, w;

	memcpy(&st, ctx->opaque_, sizeof st);
	memset(tail, 0, sizeof tail);
	for (i = 0; i < 4; i++) { /* RFC 1321 3.1, 3.2: 0x80, zeros, bit length */
		size_t have = (size_t)(st.len[i] & 63), end = have < 56 ? 64 : 128;
		uint64_t bits = st.len[i] << 3;
		memcpy(tail[i], st.buf[i], have);
		tail[i][have] = 0x80;
		for (w = 0; w < 8; w++)
			tail[i][end - 8 + w] = (unsigned char)(bits >> 8 * w);
		two |= (unsigned)(end == 128) << i;
		src[i] = tail[i];
	}
	md5x4_block(st.h, src, 15);
	for (i = 0; i < 4; i++)
		src[i] = tail[i] + 64;
	if (two)
		md5x4_block(st.h, src, two);
	for (i = 0; i < 4; i++)
		for (w = 0; w < 16; w++)
			out[i][w] = (unsigned char)(st.h[w / 4][i] >> 8 * (w % 4));
}
