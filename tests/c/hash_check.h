/*
 * hash_check.h -- what the tests of the hashes share: hex for messages, and
 * one incremental-use suite (whole, byte by byte, split at every offset,
 * memcpy snapshots) run on each of SHA-256, MD5 and HMAC-SHA256.
 */
#ifndef S3MPU_TEST_HASH_CHECK_H
#define S3MPU_TEST_HASH_CHECK_H

#include "check.h"
#include "s3mpu.h"

/* Lower-case hex into a NUL-terminated buffer (kept apart from the code
 * under test, which has its own hex encoder). */
static inline const char *tohex(const unsigned char *p, size_t len, char *buf)
{
	static const char d[] = "0123456789abcdef";
	size_t i;
	for (i = 0; i < len; i++) {
		buf[2 * i] = d[p[i] >> 4];
		buf[2 * i + 1] = d[p[i] & 15];
	}
	buf[2 * len] = 0;
	return buf;
}

#define CHECK_DIGEST(got, len, want) \
	do { \
		char h_[2 * 64 + 1]; \
		CHECK_CSTR(tohex((got), (len), h_), (want)); \
	} while (0)

typedef union {
	s3mpu_sha256 sha256;
	s3mpu_md5 md5;
	s3mpu_hmac hmac;
} any_ctx;

typedef struct {
	const char *name;
	void (*init)(any_ctx *c);
	void (*update)(any_ctx *c, const void *p, size_t len);
	void (*out)(const any_ctx *c, unsigned char *out);
	size_t size;
	const char *want; /* digest of split_input() */
} algo;

/* Expected values computed independently (Python hashlib/hmac). */
#define SPLIT_LEN 300

static inline void split_input(unsigned char *p)
{
	size_t i;
	for (i = 0; i < SPLIT_LEN; i++)
		p[i] = (unsigned char)(i * 131 + 7);
}

static inline void incremental(const algo *a)
{
	unsigned char in[SPLIT_LEN], out[32], prefix[32], ref[32];
	any_ctx c, snap;
	size_t i, k;

	split_input(in);
	fprintf(stderr, "  %s\n", a->name);

	/* whole */
	a->init(&c);
	a->update(&c, in, SPLIT_LEN);
	a->out(&c, out);
	CHECK_DIGEST(out, a->size, a->want);
	/* out again: same value; empty updates change nothing */
	a->update(&c, NULL, 0);
	a->update(&c, in, 0);
	a->out(&c, out);
	CHECK_DIGEST(out, a->size, a->want);

	/* one byte at a time */
	a->init(&c);
	for (i = 0; i < SPLIT_LEN; i++)
		a->update(&c, in + i, 1);
	a->out(&c, out);
	CHECK_DIGEST(out, a->size, a->want);

	/* split at every offset; out mid-way must not consume */
	for (k = 0; k <= SPLIT_LEN; k++) {
		a->init(&c);
		a->update(&c, in, k);
		a->out(&c, prefix);
		a->init(&snap);
		a->update(&snap, in, k);
		a->out(&snap, ref);
		CHECK_MEM(prefix, a->size, ref, a->size);
		/* a memcpy snapshot continues independently */
		memcpy(&snap, &c, sizeof c);
		a->update(&c, in + k, SPLIT_LEN - k);
		a->out(&c, out);
		CHECK_DIGEST(out, a->size, a->want);
		a->out(&snap, ref);
		CHECK_MEM(ref, a->size, prefix, a->size);
		a->update(&snap, in + k, SPLIT_LEN - k);
		a->out(&snap, out);
		CHECK_DIGEST(out, a->size, a->want);
	}

	/* out after every byte while feeding one byte at a time */
	a->init(&c);
	for (i = 0; i < SPLIT_LEN; i++) {
		a->update(&c, in + i, 1);
		a->out(&c, out);
	}
	CHECK_DIGEST(out, a->size, a->want);
}

#endif
