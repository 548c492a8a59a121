/*
 * sha256_x86.c -- SHA-256 compression with the SHA extensions of x86-64,
 * and whether the CPU has them. See sha256.h.
 */
#include "sha256.h"

#if SHA_NI
#include <immintrin.h>

/*
 * SHA-256 compression with the SHA extensions. sha256rnds2 does two rounds on the
 * state split as ABEF and CDGH (A in the top lane); its third operand is
 * W + K of those two rounds. sha256msg1/msg2 compute the schedule four
 * words at a time. Intel: "Intel SHA Extensions" (2013), section 4.
 */
__attribute__((target("sha,sse4.1"))) void sha256_blocks_ni(
	uint32_t st[8], const unsigned char *p, size_t n)
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
#define QROUND(m, j) \
	do { \
		wk = _mm_add_epi32( \
			m, _mm_load_si128((const __m128i *)(const void *)&sha256_k[j])); \
		cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk); \
		wk = _mm_shuffle_epi32(wk, 0x0E); \
		abef = _mm_sha256rnds2_epu32(abef, cdgh, wk); \
	} while (0)
/* Next four schedule words into m0 from the last sixteen m0 m1 m2 m3. */
#define QEXPAND(m0, m1, m2, m3) \
	(m0 = _mm_sha256msg2_epu32( \
		 _mm_add_epi32(_mm_sha256msg1_epu32(m0, m1), _mm_alignr_epi8(m3, m2, 4)), m3))

	for (; n; n--, p += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
		m0 = _mm_shuffle_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(p + 0)), bswap);
		m1 = _mm_shuffle_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(p + 16)), bswap);
		m2 = _mm_shuffle_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(p + 32)), bswap);
		m3 = _mm_shuffle_epi8(
			_mm_loadu_si128((const __m128i *)(const void *)(p + 48)), bswap);
		QROUND(m0, 0);
		QROUND(m1, 4);
		QROUND(m2, 8);
		QROUND(m3, 12);
		QEXPAND(m0, m1, m2, m3);
		QROUND(m0, 16);
		QEXPAND(m1, m2, m3, m0);
		QROUND(m1, 20);
		QEXPAND(m2, m3, m0, m1);
		QROUND(m2, 24);
		QEXPAND(m3, m0, m1, m2);
		QROUND(m3, 28);
		QEXPAND(m0, m1, m2, m3);
		QROUND(m0, 32);
		QEXPAND(m1, m2, m3, m0);
		QROUND(m1, 36);
		QEXPAND(m2, m3, m0, m1);
		QROUND(m2, 40);
		QEXPAND(m3, m0, m1, m2);
		QROUND(m3, 44);
		QEXPAND(m0, m1, m2, m3);
		QROUND(m0, 48);
		QEXPAND(m1, m2, m3, m0);
		QROUND(m1, 52);
		QEXPAND(m2, m3, m0, m1);
		QROUND(m2, 56);
		QEXPAND(m3, m0, m1, m2);
		QROUND(m3, 60);
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
#undef QROUND
#undef QEXPAND

	t = _mm_shuffle_epi32(abef, 0x1B);                                           /* A B E F */
	cdgh = _mm_shuffle_epi32(cdgh, 0xB1);                                        /* G H C D */
	_mm_storeu_si128((__m128i *)(void *)&st[0], _mm_blend_epi16(t, cdgh, 0xF0)); /* A B C D */
	_mm_storeu_si128((__m128i *)(void *)&st[4], _mm_alignr_epi8(cdgh, t, 8));    /* E F G H */
}

/* With GCC, __builtin_cpu_supports reads what libgcc found at startup:
 * no cpuid per call (slow in some VMs). */
uint32_t sha256_ni_usable(void)
{
#if defined(__SHA__) && defined(__SSE4_1__)
	return 1;
#else
	__builtin_cpu_init(); /* in case we run before libgcc's constructor */
	return __builtin_cpu_supports("sha") && __builtin_cpu_supports("sse4.1");
#endif
}

#else
typedef int sha256_x86_unused; /* ISO C: a translation unit declares something */
#endif
