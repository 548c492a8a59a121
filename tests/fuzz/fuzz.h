/*
 * fuzz.h -- what every fuzz target of s3mpu shares.
 *
 * A target defines LLVMFuzzerTestOneInput. Built with libFuzzer
 * (-DS3MPU_FUZZ=ON, the `fuzz` preset) it is a fuzzer; built with
 * replay.c instead it runs committed inputs as an ordinary ctest test.
 *
 * Structured targets read their input as a list of fields, each ended by
 * a backslash and any byte but a backslash ("\\" is a literal backslash),
 * as LLVM's FuzzedDataProvider::ConsumeRandomLengthString does: any byte
 * can appear in a field, and a corpus file stays readable text
 * ("PUT\n/key\n..."). A missing field is empty. Each field is copied into
 * its own allocation of exactly its length, so ASan catches a read past
 * it, and an empty field is {NULL, 0}, which the API allows.
 */
#ifndef S3MPU_FUZZ_H
#define S3MPU_FUZZ_H

#include "s3mpu.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: say which, and abort (libFuzzer keeps the input). */
#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)

static inline void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: invariant broken: %s\n", file, line, what);
	abort();
}

/* S3MPU_FUZZ_TRACE=1 prints what each input came to (for writing seeds). */
static inline void fuzz_trace(const char *what, int rc)
{
	static int on = -1;

	if (on < 0)
		on = getenv("S3MPU_FUZZ_TRACE") != NULL;
	if (on)
		fprintf(stderr, "  %s: %s\n", what, rc ? s3mpu_error_message(rc) : "ok");
}

#define FUZZ_FIELDS_MAX 256

typedef struct {
	const uint8_t *p;
	size_t left;
	void *owned[FUZZ_FIELDS_MAX];
	size_t owned_count;
} fuzz_in;

static inline void fuzz_in_init(fuzz_in *in, const uint8_t *data, size_t size)
{
	in->p = data;
	in->left = size;
	in->owned_count = 0;
}

/* The next field (see above). Past FUZZ_FIELDS_MAX fields: empty. */
static inline s3mpu_str fuzz_str(fuzz_in *in)
{
	s3mpu_str s = { NULL, 0 };
	char *copy;
	size_t i, n = 0;

	if (in->left == 0 || in->owned_count == FUZZ_FIELDS_MAX)
		return s;
	copy = malloc(in->left);
	if (copy == NULL)
		abort();
	for (i = 0; i < in->left; i++) {
		uint8_t c = in->p[i];
		if (c == '\\' && i + 1 < in->left) {
			i++;
			if (in->p[i] != '\\')
				break;
		}
		copy[n++] = (char)c;
	}
	in->p += i < in->left ? i + 1 : in->left;
	in->left -= i < in->left ? i + 1 : in->left;
	if (n == 0) {
		free(copy);
		return s;
	}
	/* Exactly n bytes, so a read past the field is caught. */
	s.ptr = realloc(copy, n);
	if (s.ptr == NULL)
		abort();
	s.len = n;
	in->owned[in->owned_count++] = (void *)(uintptr_t)s.ptr;
	return s;
}

/* The next field as a decimal number (other bytes skipped, wraps). */
static inline uint64_t fuzz_num(fuzz_in *in)
{
	s3mpu_str s = fuzz_str(in);
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < s.len; i++)
		if (s.ptr[i] >= '0' && s.ptr[i] <= '9')
			v = v * 10 + (uint64_t)(s.ptr[i] - '0');
	return v;
}

static inline void fuzz_in_free(fuzz_in *in)
{
	size_t i;

	for (i = 0; i < in->owned_count; i++)
		free(in->owned[i]);
	in->owned_count = 0;
}

/* Whether `needle` (len >= 1) occurs in hay[0..len). */
static inline int fuzz_contains(const char *hay, size_t len, s3mpu_str needle)
{
	size_t i;

	if (needle.len == 0 || needle.len > len)
		return 0;
	for (i = 0; i + needle.len <= len; i++)
		if (memcmp(hay + i, needle.ptr, needle.len) == 0)
			return 1;
	return 0;
}

/* Whether the NUL-terminated field a[cap] ends inside its array. */
#define FUZZ_TERMINATED(a) (memchr((a), 0, sizeof(a)) != NULL)

#endif
