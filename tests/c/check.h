/*
 * check.h -- the C tests' tiny harness.
 *
 * A test file defines cases with TEST(name) { ... } and ends with
 *   CHECK_MAIN(CASE(name1), CASE(name2), ...)
 * The binary runs every case, or only the one named by argv[1]; ctest gets
 * one entry per case (tests/c/CMakeLists.txt reads the TEST(...) lines).
 * A failed check prints both values (bytes in hex) and fails the case.
 */
#ifndef S3MPU_CHECK_H
#define S3MPU_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

typedef struct {
	const char *name;
	void (*fn)(void);
} check_case;

static int check_failures;

#define TEST(name) static void test_##name(void)
#define CASE(name) \
	{ \
#name, test_##name \
	}

/* Nonzero when S3MPU_TEST_LIGHT is set (the valgrind run): stress loops
 * shrink, every code path still runs. */
static inline int check_light(void)
{
	const char *e = getenv("S3MPU_TEST_LIGHT");
	return e && *e && *e != '0';
}

static inline void check_hex(const char *label, const void *p, size_t len)
{
	const unsigned char *b = (const unsigned char *)p;
	size_t i;
	fprintf(stderr, "    %s (%zu bytes): ", label, len);
	for (i = 0; i < len && i < 512; i++)
		fprintf(stderr, "%02x", b[i]);
	fprintf(stderr, "%s\n", len > 512 ? "..." : "");
}

static inline void check_fail_at(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	check_failures++;
}

#define CHECK(cond) \
	do { \
		if (!(cond)) \
			check_fail_at(__FILE__, __LINE__, #cond); \
	} while (0)

#define CHECK_INT(got, want) \
	do { \
		long long g_ = (long long)(got), w_ = (long long)(want); \
		if (g_ != w_) { \
			check_fail_at(__FILE__, __LINE__, #got " == " #want); \
			fprintf(stderr, "    got %lld, want %lld\n", g_, w_); \
		} \
	} while (0)

#define CHECK_MEM(got, got_len, want, want_len) \
	do { \
		const void *g_ = (got), *w_ = (want); \
		size_t gl_ = (got_len), wl_ = (want_len); \
		if (gl_ != wl_ || (gl_ && memcmp(g_, w_, gl_) != 0)) { \
			check_fail_at(__FILE__, __LINE__, #got " == " #want); \
			fprintf(stderr, "    got  \"%.*s\"\n    want \"%.*s\"\n", \
				(int)(gl_ > 2000 ? 2000 : gl_), (const char *)g_, \
				(int)(wl_ > 2000 ? 2000 : wl_), (const char *)w_); \
			check_hex("got", g_, gl_); \
			check_hex("want", w_, wl_); \
		} \
	} while (0)

/* got is an s3mpu_str, want a NUL-terminated string. */
#define CHECK_STR(got, want) \
	do { \
		const char *ws_ = (want); \
		CHECK_MEM((got).ptr, (got).len, ws_, strlen(ws_)); \
	} while (0)

#define CHECK_CSTR(got, want) \
	do { \
		const char *gs_ = (got), *ws_ = (want); \
		CHECK_MEM(gs_, strlen(gs_), ws_, strlen(ws_)); \
	} while (0)

static inline int check_run(const check_case *cases, size_t n, int argc, char **argv)
{
	size_t i, ran = 0, failed = 0;
	for (i = 0; i < n; i++) {
		int before = check_failures;
		if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
			continue;
		cases[i].fn();
		ran++;
		if (check_failures != before) {
			failed++;
			fprintf(stderr, "FAIL %s\n", cases[i].name);
		}
	}
	if (ran == 0) {
		fprintf(stderr, "no case named %s\n", argc > 1 ? argv[1] : "(any)");
		return 2;
	}
	printf("%zu passed, %zu failed\n", ran - failed, failed);
	return failed ? 1 : 0;
}

#define CHECK_MAIN(...) \
	int main(int argc, char **argv) \
	{ \
		static const check_case cases_[] = { __VA_ARGS__ }; \
		return check_run(cases_, sizeof cases_ / sizeof cases_[0], argc, argv); \
	}

#endif
