/* test_validate.c -- bucket names, keys, part numbers, headers. */
#include "s3mpu.h"
#include "check.h"

static int bucket(const char *s) { return s3mpu_bucket_validate(s3mpu_str_from_cstr(s)); }
static int key(const char *s) { return s3mpu_key_validate(s3mpu_str_from_cstr(s)); }
static int key_n(const char *s, size_t n) { return s3mpu_key_validate((s3mpu_str){ s, n }); }
static int header(const char *n, const char *v)
{
	return s3mpu_header_validate(s3mpu_str_from_cstr(n), s3mpu_str_from_cstr(v));
}

/* A string of n copies of c, NUL-terminated, in buf (size > n). */
static const char *repeat(char *buf, char c, size_t n)
{
	memset(buf, c, n);
	buf[n] = 0;
	return buf;
}

TEST(bucket_valid)
{
	CHECK_INT(bucket("my-bucket-01"), S3MPU_OK);
	CHECK_INT(bucket("abc"), S3MPU_OK);
	CHECK_INT(bucket("a.b.c"), S3MPU_OK);
	CHECK_INT(bucket("logs.example.com"), S3MPU_OK);
	CHECK_INT(bucket("0123"), S3MPU_OK);
	CHECK_INT(bucket("a-b"), S3MPU_OK);
	CHECK_INT(bucket("a--b"), S3MPU_OK);
	CHECK_INT(bucket("xn-abc"), S3MPU_OK);
	CHECK_INT(bucket("abc-s3aliasx"), S3MPU_OK);
	CHECK_INT(bucket("192.168.5"), S3MPU_OK);
	CHECK_INT(bucket("192.168.5.4.1"), S3MPU_OK);
	CHECK_INT(bucket("192.168.5.a"), S3MPU_OK);
	CHECK_INT(bucket("1921.168.5.4"), S3MPU_OK);
}
TEST(bucket_length)
{
	char buf[80];
	CHECK_INT(bucket("ab"), S3MPU_E_BUCKET);
	CHECK_INT(bucket(""), S3MPU_E_BUCKET);
	CHECK_INT(bucket(repeat(buf, 'a', 63)), S3MPU_OK);
	CHECK_INT(bucket(repeat(buf, 'a', 64)), S3MPU_E_BUCKET);
	CHECK_INT(s3mpu_bucket_validate((s3mpu_str){ NULL, 0 }), S3MPU_E_BUCKET);
	CHECK_INT(s3mpu_bucket_validate((s3mpu_str){ NULL, 5 }), S3MPU_E_ARGUMENT);
}
TEST(bucket_uppercase)
{
	CHECK_INT(bucket("My-bucket"), S3MPU_E_BUCKET);
	CHECK_INT(bucket("my-Bucket"), S3MPU_E_BUCKET);
	CHECK_INT(bucket("MYBUCKET"), S3MPU_E_BUCKET);
}
TEST(bucket_underscore) { CHECK_INT(bucket("my_bucket"), S3MPU_E_BUCKET); }
TEST(bucket_other_chars)
{
	CHECK_INT(bucket("my bucket"), S3MPU_E_BUCKET);
	CHECK_INT(bucket("my/bucket"), S3MPU_E_BUCKET);
	CHECK_INT(bucket("my:bucket"), S3MPU_E_BUCKET);
	CHECK_INT(bucket("b\xc3\xa9t"), S3MPU_E_BUCKET);
	CHECK_INT(s3mpu_bucket_validate((s3mpu_str){ "ab\0c", 4 }), S3MPU_E_BUCKET);
}
TEST(bucket_double_dot) { CHECK_INT(bucket("my..bucket"), S3MPU_E_BUCKET); }
TEST(bucket_leading_trailing)
{
	CHECK_INT(bucket("-bucket"), S3MPU_E_BUCKET);
	CHECK_INT(bucket("bucket-"), S3MPU_E_BUCKET);
	CHECK_INT(bucket(".bucket"), S3MPU_E_BUCKET);
	CHECK_INT(bucket("bucket."), S3MPU_E_BUCKET);
}
TEST(bucket_ipv4)
{
	CHECK_INT(bucket("192.168.5.4"), S3MPU_E_BUCKET);
	CHECK_INT(bucket("1.2.3.4"), S3MPU_E_BUCKET);
	CHECK_INT(bucket("999.999.999.999"), S3MPU_E_BUCKET);
}
TEST(bucket_reserved_affixes)
{
	CHECK_INT(bucket("xn--abc"), S3MPU_E_BUCKET);
	CHECK_INT(bucket("abc-s3alias"), S3MPU_E_BUCKET);
	CHECK_INT(bucket("abc--ol-s3"), S3MPU_E_BUCKET);
}

TEST(key_lengths)
{
	static char buf[1100];
	CHECK_INT(key("a"), S3MPU_OK);
	CHECK_INT(key(repeat(buf, 'k', 1024)), S3MPU_OK);
	CHECK_INT(key(repeat(buf, 'k', 1025)), S3MPU_E_KEY);
	CHECK_INT(key(""), S3MPU_E_KEY);
	CHECK_INT(s3mpu_key_validate((s3mpu_str){ NULL, 0 }), S3MPU_E_KEY);
	CHECK_INT(s3mpu_key_validate((s3mpu_str){ NULL, 3 }), S3MPU_E_ARGUMENT);
}
TEST(key_length_counts_bytes)
{
	static char buf[1100];
	size_t i;
	/* 341 x U+1234 (3 bytes) + "a" = 1024 bytes; one more byte is too many. */
	for (i = 0; i < 341; i++)
		memcpy(buf + 3 * i, "\xe1\x88\xb4", 3);
	buf[1023] = 'a';
	CHECK_INT(key_n(buf, 1024), S3MPU_OK);
	buf[1024] = 'b';
	CHECK_INT(key_n(buf, 1025), S3MPU_E_KEY);
}
TEST(key_ascii)
{
	CHECK_INT(key("photos/2024/summer trip/IMG 001.jpg"), S3MPU_OK);
	CHECK_INT(key("a+b=c&d?e#f%g"), S3MPU_OK);
	CHECK_INT(key("/"), S3MPU_OK);
	CHECK_INT(key("\x7f\x01\t"), S3MPU_OK);
}
TEST(key_multibyte)
{
	CHECK_INT(key("caf\xc3\xa9"), S3MPU_OK);                  /* U+00E9, 2 bytes */
	CHECK_INT(key("\xc2\x80"), S3MPU_OK);                     /* U+0080 */
	CHECK_INT(key("\xdf\xbf"), S3MPU_OK);                     /* U+07FF */
	CHECK_INT(key("\xe1\x88\xb4"), S3MPU_OK);                 /* U+1234, 3 bytes */
	CHECK_INT(key("\xe0\xa0\x80"), S3MPU_OK);                 /* U+0800 */
	CHECK_INT(key("\xed\x9f\xbf"), S3MPU_OK);                 /* U+D7FF */
	CHECK_INT(key("\xee\x80\x80"), S3MPU_OK);                 /* U+E000 */
	CHECK_INT(key("\xef\xbf\xbf"), S3MPU_OK);                 /* U+FFFF */
	CHECK_INT(key("\xe4\xb8\xad\xe6\x96\x87.txt"), S3MPU_OK); /* Chinese */
	CHECK_INT(key("\xf0\x9f\x98\x80"), S3MPU_OK);             /* U+1F600, 4 bytes */
	CHECK_INT(key("\xf0\x90\x80\x80"), S3MPU_OK);             /* U+10000 */
	CHECK_INT(key("\xf4\x8f\xbf\xbf"), S3MPU_OK);             /* U+10FFFF */
}
TEST(key_rejects_nul)
{
	CHECK_INT(key_n("a\0b", 3), S3MPU_E_KEY);
	CHECK_INT(key_n("\0", 1), S3MPU_E_KEY);
}
TEST(key_rejects_stray_continuation)
{
	CHECK_INT(key("\x80"), S3MPU_E_KEY);
	CHECK_INT(key("a\xbf"), S3MPU_E_KEY);
	CHECK_INT(key("\xc3\xa9\xa9"), S3MPU_E_KEY);
}
TEST(key_rejects_overlong)
{
	CHECK_INT(key("\xc0\xaf"), S3MPU_E_KEY); /* '/' in 2 bytes */
	CHECK_INT(key("\xc1\xbf"), S3MPU_E_KEY);
	CHECK_INT(key("\xc0\x80"), S3MPU_E_KEY);         /* modified UTF-8 NUL */
	CHECK_INT(key("\xe0\x80\xaf"), S3MPU_E_KEY);     /* '/' in 3 bytes */
	CHECK_INT(key("\xe0\x9f\xbf"), S3MPU_E_KEY);     /* U+07FF in 3 bytes */
	CHECK_INT(key("\xf0\x80\x80\xaf"), S3MPU_E_KEY); /* '/' in 4 bytes */
	CHECK_INT(key("\xf0\x8f\xbf\xbf"), S3MPU_E_KEY); /* U+FFFF in 4 bytes */
}
TEST(key_rejects_surrogates)
{
	CHECK_INT(key("\xed\xa0\x80"), S3MPU_E_KEY);             /* U+D800 */
	CHECK_INT(key("\xed\xbf\xbf"), S3MPU_E_KEY);             /* U+DFFF */
	CHECK_INT(key("\xed\xa0\xbd\xed\xb8\x80"), S3MPU_E_KEY); /* CESU-8 pair */
}
TEST(key_rejects_above_10ffff)
{
	CHECK_INT(key("\xf4\x90\x80\x80"), S3MPU_E_KEY); /* U+110000 */
	CHECK_INT(key("\xf5\x80\x80\x80"), S3MPU_E_KEY);
	CHECK_INT(key("\xf7\xbf\xbf\xbf"), S3MPU_E_KEY);
	CHECK_INT(key("\xf8\x88\x80\x80\x80"), S3MPU_E_KEY); /* 5-byte form */
	CHECK_INT(key("\xfc\x84\x80\x80\x80\x80"), S3MPU_E_KEY);
	CHECK_INT(key("\xfe"), S3MPU_E_KEY);
	CHECK_INT(key("\xff"), S3MPU_E_KEY);
}
TEST(key_rejects_truncated)
{
	CHECK_INT(key("\xc3"), S3MPU_E_KEY);
	CHECK_INT(key("abc\xe1\x88"), S3MPU_E_KEY);
	CHECK_INT(key("\xf0\x9f\x98"), S3MPU_E_KEY);
	CHECK_INT(key("\xe1\x88x"), S3MPU_E_KEY); /* ASCII where continuation due */
	CHECK_INT(key("\xf0\x9f\x98x"), S3MPU_E_KEY);
	/* A sequence cut by the length, although the bytes go on. */
	CHECK_INT(key_n("\xf0\x9f\x98\x80", 3), S3MPU_E_KEY);
	CHECK_INT(key_n("\xe1\x88\xb4", 2), S3MPU_E_KEY);
}

TEST(part_number)
{
	CHECK_INT(s3mpu_part_number_validate(0), S3MPU_E_PART_NUMBER);
	CHECK_INT(s3mpu_part_number_validate(1), S3MPU_OK);
	CHECK_INT(s3mpu_part_number_validate(10000), S3MPU_OK);
	CHECK_INT(s3mpu_part_number_validate(10001), S3MPU_E_PART_NUMBER);
	CHECK_INT(s3mpu_part_number_validate(UINT32_MAX), S3MPU_E_PART_NUMBER);
}

TEST(header_valid)
{
	CHECK_INT(header("Content-Type", "text/plain; charset=utf-8"), S3MPU_OK);
	CHECK_INT(header("x-amz-meta-a", ""), S3MPU_OK);
	CHECK_INT(header("!#$%&'*+-.^_`|~09azAZ", "v"), S3MPU_OK);
	CHECK_INT(header("x", "a\tb c"), S3MPU_OK);
	CHECK_INT(header("x", "caf\xc3\xa9 \xff"), S3MPU_OK); /* obs-text */
}
TEST(header_bad_name)
{
	static const char *const bad[] = {
		"",
		"a b",
		"a:b",
		"a\tb",
		"a\r\nb",
		"a(b",
		"a)b",
		"a,b",
		"a/b",
		"a;b",
		"a=b",
		"a?b",
		"a@b",
		"a[b",
		"a\\b",
		"a]b",
		"a{b",
		"a}b",
		"a\"b",
		"a<b",
		"a>b",
		"a\x7f",
		"a\x01",
		"caf\xc3\xa9",
	};
	size_t i;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (header(bad[i], "v") != S3MPU_E_HEADER)
			check_fail_at(__FILE__, __LINE__, bad[i]);
	CHECK_INT(s3mpu_header_validate((s3mpu_str){ "a\0b", 3 }, S3MPU_LIT("v")), S3MPU_E_HEADER);
}
TEST(header_bad_value)
{
	CHECK_INT(header("x", "a\rb"), S3MPU_E_HEADER);
	CHECK_INT(header("x", "a\nb"), S3MPU_E_HEADER);
	CHECK_INT(header("x", "a\r\nInjected: 1"), S3MPU_E_HEADER);
	CHECK_INT(s3mpu_header_validate(S3MPU_LIT("x"), (s3mpu_str){ "a\0b", 3 }), S3MPU_E_HEADER);
	CHECK_INT(header("x", "a\x01"), S3MPU_E_HEADER);
	CHECK_INT(header("x", "\x1f"), S3MPU_E_HEADER);
	CHECK_INT(header("x", "\x7f"), S3MPU_E_HEADER);
	CHECK_INT(s3mpu_header_validate(S3MPU_LIT("x"), (s3mpu_str){ NULL, 1 }), S3MPU_E_ARGUMENT);
}

CHECK_MAIN(CASE(bucket_valid), CASE(bucket_length), CASE(bucket_uppercase), CASE(bucket_underscore),
	CASE(bucket_other_chars), CASE(bucket_double_dot), CASE(bucket_leading_trailing),
	CASE(bucket_ipv4), CASE(bucket_reserved_affixes), CASE(key_lengths),
	CASE(key_length_counts_bytes), CASE(key_ascii), CASE(key_multibyte), CASE(key_rejects_nul),
	CASE(key_rejects_stray_continuation), CASE(key_rejects_overlong),
	CASE(key_rejects_surrogates), CASE(key_rejects_above_10ffff), CASE(key_rejects_truncated),
	CASE(part_number), CASE(header_valid), CASE(header_bad_name), CASE(header_bad_value))
