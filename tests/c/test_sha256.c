/* test_sha256.c -- SHA-256 (sha256.c). */
#include "hash_check.h"

static void sha256_of(const void *p, size_t len, unsigned char out[32])
{
	s3mpu_sha256 c;
	s3mpu_sha256_init(&c);
	s3mpu_sha256_update(&c, p, len);
	s3mpu_sha256_digest(&c, out);
}

/* FIPS 180-2 appendix B and the NIST example messages. */
TEST(sha256_fips)
{
	static const struct {
		const char *msg, *want;
	} v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
			"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
			"cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	unsigned char out[32], a[1000];
	s3mpu_sha256 c;
	size_t i;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		sha256_of(v[i].msg, strlen(v[i].msg), out);
		CHECK_DIGEST(out, 32, v[i].want);
	}
	/* NULL with length 0 is the empty message. */
	sha256_of(NULL, 0, out);
	CHECK_DIGEST(out, 32, S3MPU_EMPTY_SHA256);

	memset(a, 'a', sizeof a);
	s3mpu_sha256_init(&c);
	for (i = 0; i < 1000; i++)
		s3mpu_sha256_update(&c, a, sizeof a);
	s3mpu_sha256_digest(&c, out);
	CHECK_DIGEST(out, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void a_sha256_init(any_ctx *c) { s3mpu_sha256_init(&c->sha256); }
static void a_sha256_update(any_ctx *c, const void *p, size_t n)
{
	s3mpu_sha256_update(&c->sha256, p, n);
}
static void a_sha256_out(const any_ctx *c, unsigned char *o) { s3mpu_sha256_digest(&c->sha256, o); }

static const algo sha256_algo = { "sha256", a_sha256_init, a_sha256_update, a_sha256_out, 32,
	"cf2eb35169ce035ca6dfb9c3a303d1495473b02fd17c5635008f1e659b733d8f" };

TEST(sha256_incremental) { incremental(&sha256_algo); }

CHECK_MAIN(CASE(sha256_fips), CASE(sha256_incremental))
