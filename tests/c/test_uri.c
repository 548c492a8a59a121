/* test_uri.c -- S3 URI encoding (uri.c). */
#include "check.h"
#include "s3mpu.h"

static void check_encoded(const char *in, int keep_slash, const char *want)
{
	char out[3 * 300];
	size_t n;
	CHECK(strlen(in) <= 300);
	n = s3mpu_uri_encode(s3mpu_str_from_cstr(in), keep_slash, out);
	CHECK_MEM(out, n, want, strlen(want));
}

/* RFC 3986 unreserved characters stay; every other byte is %XX in upper
 * case; '/' only when asked. */
TEST(encode)
{
	check_encoded("", 1, "");
	check_encoded("AZaz09-_.~", 0, "AZaz09-_.~");
	check_encoded("my key.txt", 1, "my%20key.txt");
	check_encoded("a/b/c", 1, "a/b/c");
	check_encoded("a/b/c", 0, "a%2Fb%2Fc");
	check_encoded("+=&?#%", 0, "%2B%3D%26%3F%23%25");
	check_encoded("\xc3\xa9t\xc3\xa9", 1, "%C3%A9t%C3%A9");
	check_encoded("\x01\x7f\xff", 0, "%01%7F%FF");
	/* Long runs of either kind (the encoder copies runs 8 bytes at a time). */
	check_encoded("abcdefghijklmnopqrstuvwxyz/0123456789", 1,
		"abcdefghijklmnopqrstuvwxyz/0123456789");
	check_encoded("        x", 1, "%20%20%20%20%20%20%20%20x");
}

/* Every byte against the unreserved set, alone and in a run. */
TEST(every_byte)
{
	int c;
	for (c = 0; c < 256; c++) {
		char in[2] = { (char)c, 0 }, out[3];
		int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
		size_t n = s3mpu_uri_encode((s3mpu_str){ in, 1 }, 1, out);
		if (plain || c == '/') {
			CHECK_INT(n, 1);
			CHECK_INT((unsigned char)out[0], c);
		} else {
			char want[4];
			snprintf(want, sizeof want, "%%%02X", c);
			CHECK_MEM(out, n, want, 3);
		}
	}
}

CHECK_MAIN(CASE(encode), CASE(every_byte))
