/* test_etag.c -- the multipart ETag (etag.c). */
#include "check.h"
#include "s3mpu.h"

/* ------------------------------------------------------------------ */
/* Multipart ETag                                                      */
/* ------------------------------------------------------------------ */

static void unhex(const char *h, unsigned char *out)
{
	size_t i;
	for (i = 0; h[2 * i]; i++) {
		unsigned hi = (unsigned)(h[2 * i] <= '9' ? h[2 * i] - '0' : h[2 * i] - 'a' + 10);
		unsigned lo = (unsigned)(h[2 * i + 1] <= '9' ? h[2 * i + 1] - '0'
							     : h[2 * i + 1] - 'a' + 10);
		out[i] = (unsigned char)(hi << 4 | lo);
	}
}

/* Cloudflare R2 documentation's worked example. */
TEST(etag_r2)
{
	s3mpu_md5 c;
	unsigned char d[16];
	char out[38];
	size_t n;

	s3mpu_md5_init(&c);
	unhex("bce6bf66aeb76c7040fdd5f4eccb78e6", d);
	s3mpu_md5_update(&c, d, 16);
	unhex("8165449fc15bbf43d3b674595cbcc406", d);
	s3mpu_md5_update(&c, d, 16);
	n = s3mpu_multipart_etag_format(&c, 2, out);
	CHECK_MEM(out, n, "f77dc0eecdebcd774a2a22cb393ad2ff-2", 34);
	/* does not consume the context */
	n = s3mpu_multipart_etag_format(&c, 2, out);
	CHECK_MEM(out, n, "f77dc0eecdebcd774a2a22cb393ad2ff-2", 34);
}

/* Part i's MD5 is MD5 of i as 4 big-endian bytes; expected from Python. */
TEST(etag_10000)
{
	s3mpu_md5 c, part;
	unsigned char d[16], be[4];
	char out[38 + 8];
	uint32_t i;
	size_t n;

	s3mpu_md5_init(&c);
	for (i = 1; i <= 10000; i++) {
		be[0] = (unsigned char)(i >> 24);
		be[1] = (unsigned char)(i >> 16);
		be[2] = (unsigned char)(i >> 8);
		be[3] = (unsigned char)i;
		s3mpu_md5_init(&part);
		s3mpu_md5_update(&part, be, 4);
		s3mpu_md5_digest(&part, d);
		s3mpu_md5_update(&c, d, 16);
	}
	memset(out, '#', sizeof out);
	n = s3mpu_multipart_etag_format(&c, 10000, out);
	CHECK_INT(n, 38);
	CHECK_MEM(out, n, "71aa938ada2d82a980b4efbbc2a48443-10000", 38);
	CHECK(out[38] == '#'); /* nothing past 38 chars */
}

TEST(etag_part_count)
{
	s3mpu_md5 c;
	char out[38];
	size_t n;

	s3mpu_md5_init(&c);
	/* MD5 of nothing, for the suffix forms */
	n = s3mpu_multipart_etag_format(&c, 1, out);
	CHECK_MEM(out, n, "d41d8cd98f00b204e9800998ecf8427e-1", 34);
	n = s3mpu_multipart_etag_format(&c, 10, out);
	CHECK_MEM(out, n, "d41d8cd98f00b204e9800998ecf8427e-10", 35);
	n = s3mpu_multipart_etag_format(&c, 9999, out);
	CHECK_MEM(out, n, "d41d8cd98f00b204e9800998ecf8427e-9999", 37);
	/* outside 1..10000: nothing written */
	CHECK_INT(s3mpu_multipart_etag_format(&c, 0, out), 0);
	CHECK_INT(s3mpu_multipart_etag_format(&c, 10001, out), 0);
	CHECK_INT(s3mpu_multipart_etag_format(&c, UINT32_MAX, out), 0);
}

CHECK_MAIN(CASE(etag_r2), CASE(etag_10000), CASE(etag_part_count))
