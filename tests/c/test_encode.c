/* test_encode.c -- hex and base64. */
#include "check.h"
#include "s3mpu.h"

TEST(hex_all_bytes)
{
	static const char d[] = "0123456789abcdef";
	unsigned char in[256];
	char out[512 + 1], want[512];
	size_t i;

	for (i = 0; i < 256; i++) {
		in[i] = (unsigned char)i;
		want[2 * i] = d[i >> 4];
		want[2 * i + 1] = d[i & 15];
	}
	out[512] = '#';
	s3mpu_hex_encode(in, 256, out);
	CHECK_MEM(out, 512, want, 512);
	CHECK(out[512] == '#');
	CHECK_MEM(out + 2 * 0xab, 2, "ab", 2);
	CHECK_MEM(out + 2 * 0x0f, 2, "0f", 2);
	s3mpu_hex_encode(NULL, 0, out); /* writes nothing */
	CHECK(out[0] == '0');
}

/* RFC 4648 section 10. */
static const struct {
	const char *raw, *b64;
} rfc4648[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

TEST(base64_rfc4648_encode)
{
	char out[16];
	size_t i, n;

	for (i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
		memset(out, '#', sizeof out);
		n = s3mpu_base64_encode(rfc4648[i].raw, strlen(rfc4648[i].raw), out);
		CHECK_MEM(out, n, rfc4648[i].b64, strlen(rfc4648[i].b64));
		CHECK(out[n] == '#');
	}
}

TEST(base64_rfc4648_decode)
{
	unsigned char out[16];
	size_t i, n;

	for (i = 0; i < sizeof rfc4648 / sizeof rfc4648[0]; i++) {
		const char *b = rfc4648[i].b64;
		memset(out, '#', sizeof out);
		n = 99;
		CHECK_INT(s3mpu_base64_decode(b, strlen(b), out, sizeof out, &n), S3MPU_OK);
		CHECK_MEM(out, n, rfc4648[i].raw, strlen(rfc4648[i].raw));
		CHECK(out[n] == '#');
		/* exactly enough room */
		n = 99;
		CHECK_INT(s3mpu_base64_decode(b, strlen(b), out, strlen(rfc4648[i].raw), &n),
			S3MPU_OK);
		CHECK_MEM(out, n, rfc4648[i].raw, strlen(rfc4648[i].raw));
	}
	/* NULL input and output with zero lengths */
	n = 99;
	CHECK_INT(s3mpu_base64_decode(NULL, 0, NULL, 0, &n), S3MPU_OK);
	CHECK_INT(n, 0);
}

/* Every byte value and every length mod 3 survive a round trip. */
TEST(base64_round_trip)
{
	unsigned char in[256], back[256];
	char enc[344];
	size_t len, i, n, m;

	for (i = 0; i < 256; i++)
		in[i] = (unsigned char)(255 - i);
	for (len = 0; len <= 256; len++) {
		n = s3mpu_base64_encode(in, len, enc);
		CHECK_INT(n, (len + 2) / 3 * 4);
		CHECK_INT(s3mpu_base64_decode(enc, n, back, sizeof back, &m), S3MPU_OK);
		CHECK_MEM(back, m, in, len);
	}
	/* a 16-byte MD5, as Content-MD5 carries it */
	{
		static const unsigned char md5[16] = { 0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2,
			0x04, 0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e };
		n = s3mpu_base64_encode(md5, 16, enc);
		CHECK_MEM(enc, n, "1B2M2Y8AsgTpgAmY7PhCfg==", 24);
	}
	/* the whole alphabet decodes */
	{
		const char *all =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		CHECK_INT(s3mpu_base64_decode(all, 64, back, sizeof back, &m), S3MPU_OK);
		CHECK_INT(m, 48);
		n = s3mpu_base64_encode(back, m, enc);
		CHECK_MEM(enc, n, all, 64);
	}
}

TEST(base64_rejects)
{
	static const char *const bad[] = {
		"Z",
		"Zg",
		"Zg=",
		"Zm9vY",
		"Zm9vYg=", /* length not a multiple of 4 */
		"Zg=\n",
		"Zm 9",
		"Zm9\x80",
		"Zm-v",
		"Zm_v", /* bad characters (URL alphabet too) */
		"Zm9v\r\n",
		" Zm9v",
		"Zm9vYg==\0",
		"====",
		"Z===",
		"=Zm9",
		"Zm=v",
		"Zg==Zm9v", /* padding not at the end */
		"Zm9=Zm9v",
		"Z=g=",
		"Zm9vYg=a",
		"Zh==",
		"Zm9=",
		"Zm/=",
		"Zn==", /* non-zero trailing bits */
		"AB==",
		"AAB=",
		"AI==",
		"AAC=",
		"QUF=",
	};
	unsigned char out[16];
	size_t i, n;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		size_t len = strlen(bad[i]);
		if (i == 12)
			len = 9; /* include the NUL */
		n = 99;
		if (s3mpu_base64_decode(bad[i], len, out, sizeof out, &n) != S3MPU_E_DIGEST) {
			fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
			CHECK_INT(s3mpu_base64_decode(bad[i], len, out, sizeof out, &n),
				S3MPU_E_DIGEST);
		}
		CHECK_INT(n, 0);
	}
	/* bad input is reported as such even when the buffer is also too small */
	CHECK_INT(s3mpu_base64_decode("Zm9vYh==", 8, out, 1, &n), S3MPU_E_DIGEST);
	/* canonical neighbours of the rejected ones are accepted */
	CHECK_INT(s3mpu_base64_decode("Zg==", 4, out, sizeof out, &n), S3MPU_OK);
	CHECK_INT(s3mpu_base64_decode("AA==", 4, out, sizeof out, &n), S3MPU_OK);
	CHECK_INT(s3mpu_base64_decode("AAA=", 4, out, sizeof out, &n), S3MPU_OK);
	CHECK_INT(s3mpu_base64_decode("Zm8=", 4, out, sizeof out, &n), S3MPU_OK);
	CHECK_INT(s3mpu_base64_decode("QQ==", 4, out, sizeof out, &n), S3MPU_OK);
	CHECK_MEM(out, n, "A", 1);
	/* misuse */
	CHECK_INT(s3mpu_base64_decode("Zg==", 4, out, sizeof out, NULL), S3MPU_E_ARGUMENT);
	CHECK_INT(s3mpu_base64_decode(NULL, 4, out, sizeof out, &n), S3MPU_E_ARGUMENT);
	CHECK_INT(s3mpu_base64_decode("Zg==", 4, NULL, 4, &n), S3MPU_E_ARGUMENT);
}

TEST(base64_space)
{
	unsigned char out[8];
	size_t n;

	memset(out, '#', sizeof out);
	n = 0;
	CHECK_INT(s3mpu_base64_decode("Zm9vYmFy", 8, out, 5, &n), S3MPU_E_SPACE);
	CHECK_INT(n, 6);
	CHECK(out[0] == '#'); /* nothing written */
	CHECK_INT(s3mpu_base64_decode("Zm9vYmE=", 8, out, 4, &n), S3MPU_E_SPACE);
	CHECK_INT(n, 5);
	CHECK_INT(s3mpu_base64_decode("Zm9vYg==", 8, NULL, 0, &n), S3MPU_E_SPACE);
	CHECK_INT(n, 4);
	CHECK_INT(s3mpu_base64_decode("Zg==", 4, out, 0, &n), S3MPU_E_SPACE);
	CHECK_INT(n, 1);
	CHECK(out[0] == '#');
	CHECK_INT(s3mpu_base64_decode("Zm9vYg==", 8, out, 4, &n), S3MPU_OK);
	CHECK_MEM(out, n, "foob", 4);
}

CHECK_MAIN(CASE(hex_all_bytes), CASE(base64_rfc4648_encode), CASE(base64_rfc4648_decode),
	CASE(base64_round_trip), CASE(base64_rejects), CASE(base64_space))
