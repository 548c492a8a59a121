/*
 * sha256.h -- the SHA-256 state shared by sha256.c, sha256_x86.c and
 * hmac.c. Not installed.
 *
 * SHA-256 (FIPS 180-4) is ours rather than BearSSL's: signing is mostly
 * SHA-256 of short messages, and BearSSL's portable code (Debian builds it
 * -Os) was most of it. The contexts are plain data (no pointers), so
 * memcpy snapshots stay valid.
 */
#ifndef S3MPU_SHA256_H
#define S3MPU_SHA256_H

#include "internal.h"

#if defined(__x86_64__) && !defined(S3MPU_NO_SHA_NI) && \
	((defined(__SHA__) && defined(__SSE4_1__)) || \
		(defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12))
/* The SHA extensions of x86-64 (Intel since Goldmont/Ice Lake, AMD since
 * Zen): used when the build targets them (-msha -msse4.1) or, with GCC,
 * when the CPU has them (sha256_x86.c). */
#define SHA_NI 1
#else
#define SHA_NI 0
#endif

typedef struct {
	uint32_t h[8];
	uint64_t count;        /* bytes hashed so far */
	unsigned char buf[64]; /* count % 64 bytes pending */
	uint32_t ni;           /* compress with the SHA extensions */
} sha256_ctx;

extern const uint32_t sha256_iv[8];
/* The round constants, 16-byte aligned for the SHA extensions. */
extern const uint32_t sha256_k[64];

/* Compress `n` 64-byte blocks at `p` into the state `st`. */
void sha256_blocks_c(uint32_t st[8], const unsigned char *p, size_t n);
#if SHA_NI
void sha256_blocks_ni(uint32_t st[8], const unsigned char *p, size_t n);
#endif
/* Whether this CPU runs sha256_blocks_ni (0 where it is not built). */
uint32_t sha256_ni_usable(void);

/* Start `c` from state `h` after `count` bytes (a multiple of 64). */
static inline void sha256_start(sha256_ctx *c, const uint32_t h[8], uint64_t count, uint32_t ni)
{
	memcpy(c->h, h, sizeof c->h);
	c->count = count;
	c->ni = ni;
}

void sha256_feed(sha256_ctx *c, const unsigned char *p, size_t len);
/* The digest of what `c` holds; `c` is left as it was. */
void sha256_finish(const sha256_ctx *c, unsigned char out[32]);

#endif
