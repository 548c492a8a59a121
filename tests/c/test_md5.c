/* test_md5.c -- MD5 (md5.c, BearSSL's). */
#include "hash_check.h"

static void md5_of(const void *p, size_t len, unsigned char out[16])
{
	s3mpu_md5 c;
	s3mpu_md5_init(&c);
	s3mpu_md5_update(&c, p, len);
	s3mpu_md5_digest(&c, out);
}

/* RFC 1321 appendix A.5. */
TEST(md5_rfc1321)
{
	static const struct {
		const char *msg, *want;
	} v[] = {
		{ "", "d41d8cd98f00b204e9800998ecf8427e" },
		{ "a", "0cc175b9c0f1b6a831c399e269772661" },
		{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
		{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
		{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
			"d174ab98d277d9f5a5611c2c9f419d9f" },
		{ "1234567890123456789012345678901234567890"
		  "1234567890123456789012345678901234567890",
			"57edf4a22be3c955ac49da2e2107b67a" },
	};
	unsigned char out[16];
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		md5_of(v[i].msg, strlen(v[i].msg), out);
		CHECK_DIGEST(out, 16, v[i].want);
	}
}

static void a_md5_init(any_ctx *c) { s3mpu_md5_init(&c->md5); }
static void a_md5_update(any_ctx *c, const void *p, size_t n) { s3mpu_md5_update(&c->md5, p, n); }
static void a_md5_out(const any_ctx *c, unsigned char *o) { s3mpu_md5_digest(&c->md5, o); }

static const algo md5_algo = { "md5", a_md5_init, a_md5_update, a_md5_out, 16,
	"857289c9e9c8c9d2a0c9760aa4e95c07" };

TEST(md5_incremental) { incremental(&md5_algo); }

CHECK_MAIN(CASE(md5_rfc1321), CASE(md5_incremental))
