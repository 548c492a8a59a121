/* test_hmac.c -- HMAC-SHA256 (hmac.c). */
#include "hash_check.h"

/* RFC 4231 section 4, test cases 1-7 (case 5 compares the first 128 bits). */
TEST(hmac_rfc4231)
{
	unsigned char k20_0b[20], k20_aa[20], k25[25], k20_0c[20], k131[131];
	unsigned char d50_dd[50], d50_cd[50], out[32];
	const struct {
		const void *key;
		size_t key_len;
		const char *data;
		size_t data_len;
		const char *want;
	} v[] = {
		{ k20_0b, 20, "Hi There", 8,
			"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		{ "Jefe", 4, "what do ya want for nothing?", 28,
			"5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		{ k20_aa, 20, (const char *)d50_dd, 50,
			"773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
		{ k25, 25, (const char *)d50_cd, 50,
			"82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
		{ k20_0c, 20, "Test With Truncation", 20, "a3b6167473100ee06e0c796c2955552b" },
		{ k131, 131, "Test Using Larger Than Block-Size Key - Hash Key First", 54,
			"60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
		{ k131, 131,
			"This is a test using a larger than block-size key and a larger "
			"than block-size data. The key needs to be hashed before being used by "
			"the HMAC algorithm.",
			152, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
	};
	size_t i;

	memset(k20_0b, 0x0b, sizeof k20_0b);
	memset(k20_aa, 0xaa, sizeof k20_aa);
	for (i = 0; i < sizeof k25; i++)
		k25[i] = (unsigned char)(i + 1);
	memset(k20_0c, 0x0c, sizeof k20_0c);
	memset(k131, 0xaa, sizeof k131);
	memset(d50_dd, 0xdd, sizeof d50_dd);
	memset(d50_cd, 0xcd, sizeof d50_cd);

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		s3mpu_hmac_key key;
		s3mpu_hmac ctx;
		size_t n = strlen(v[i].want) / 2;
		CHECK_INT(v[i].data_len, i == 2 || i == 3 ? 50 : strlen(v[i].data));

		/* one call */
		s3mpu_hmac_compute(v[i].key, v[i].key_len, v[i].data, v[i].data_len, out);
		CHECK_DIGEST(out, n, v[i].want);

		/* key context + message context */
		s3mpu_hmac_key_init(&key, v[i].key, v[i].key_len);
		s3mpu_hmac_init(&ctx, &key);
		s3mpu_hmac_update(&ctx, v[i].data, v[i].data_len);
		s3mpu_hmac_digest(&ctx, out);
		CHECK_DIGEST(out, n, v[i].want);
		s3mpu_memory_wipe(&key, sizeof key);
		s3mpu_memory_wipe(&ctx, sizeof ctx);
	}
}

static const char split_key[] = "key-for-split-tests";

static void a_hmac_init(any_ctx *c)
{
	s3mpu_hmac_key key;
	s3mpu_hmac_key_init(&key, split_key, sizeof split_key - 1);
	s3mpu_hmac_init(&c->hmac, &key);
	/* The message context must not depend on the key context living on. */
	s3mpu_memory_wipe(&key, sizeof key);
}
static void a_hmac_update(any_ctx *c, const void *p, size_t n)
{
	s3mpu_hmac_update(&c->hmac, p, n);
}
static void a_hmac_out(const any_ctx *c, unsigned char *o) { s3mpu_hmac_digest(&c->hmac, o); }

static const algo hmac_algo = { "hmac", a_hmac_init, a_hmac_update, a_hmac_out, 32,
	"271fe6a24f20bf5e8a6ce11a715d311aad17f2de343695a16a3511ce83ca0a04" };

TEST(hmac_incremental) { incremental(&hmac_algo); }

/* One key context serves many messages and is not changed by them. */
TEST(hmac_key_reuse)
{
	s3mpu_hmac_key key, before;
	s3mpu_hmac ctx;
	unsigned char in[SPLIT_LEN], out[32], one[32];
	int round;

	split_input(in);
	s3mpu_hmac_key_init(&key, split_key, sizeof split_key - 1);
	memcpy(&before, &key, sizeof key);
	for (round = 0; round < 3; round++) {
		s3mpu_hmac_init(&ctx, &key);
		s3mpu_hmac_update(&ctx, in, SPLIT_LEN);
		s3mpu_hmac_digest(&ctx, out);
		CHECK_DIGEST(out, 32, hmac_algo.want);

		s3mpu_hmac_init(&ctx, &key);
		s3mpu_hmac_update(&ctx, "Hi", 2);
		s3mpu_hmac_digest(&ctx, out);
		s3mpu_hmac_compute(split_key, sizeof split_key - 1, "Hi", 2, one);
		CHECK_MEM(out, 32, one, 32);
	}
	CHECK(memcmp(&before, &key, sizeof key) == 0);
	/* empty key and empty message */
	s3mpu_hmac_compute(NULL, 0, NULL, 0, out);
	CHECK_DIGEST(out, 32, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
	s3mpu_memory_wipe(&key, sizeof key);
	s3mpu_memory_wipe(&before, sizeof before);
	s3mpu_memory_wipe(&ctx, sizeof ctx);
}

CHECK_MAIN(CASE(hmac_rfc4231), CASE(hmac_incremental), CASE(hmac_key_reuse))
