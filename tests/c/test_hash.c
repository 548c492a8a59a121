/* test_hash.c -- SHA-256, MD5, HMAC-SHA256, CRC32/CRC32C, multipart ETag. */
#include "check.h"
#include "s3mpu.h"

/* Lower-case hex into a NUL-terminated buffer (kept apart from the code
 * under test, which has its own hex encoder). */
static const char *tohex(const unsigned char *p, size_t len, char *buf)
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
	do { char h_[2 * 64 + 1]; CHECK_CSTR(tohex((got), (len), h_), (want)); } while (0)

/* ------------------------------------------------------------------ */
/* Known-answer tests                                                  */
/* ------------------------------------------------------------------ */

static void sha256_of(const void *p, size_t len, unsigned char out[32])
{
	s3mpu_sha256 c;
	s3mpu_sha256_init(&c);
	s3mpu_sha256_update(&c, p, len);
	s3mpu_sha256_out(&c, out);
}

static void md5_of(const void *p, size_t len, unsigned char out[16])
{
	s3mpu_md5 c;
	s3mpu_md5_init(&c);
	s3mpu_md5_update(&c, p, len);
	s3mpu_md5_out(&c, out);
}

/* FIPS 180-2 appendix B and the NIST example messages. */
TEST(sha256_fips)
{
	static const struct { const char *msg, *want; } v[] = {
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
	s3mpu_sha256_out(&c, out);
	CHECK_DIGEST(out, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* RFC 1321 appendix A.5. */
TEST(md5_rfc1321)
{
	static const struct { const char *msg, *want; } v[] = {
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

/* RFC 4231 section 4, test cases 1-7 (case 5 compares the first 128 bits). */
TEST(hmac_rfc4231)
{
	unsigned char k20_0b[20], k20_aa[20], k25[25], k20_0c[20], k131[131];
	unsigned char d50_dd[50], d50_cd[50], out[32];
	const struct {
		const void *key; size_t key_len;
		const char *data; size_t data_len;
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
		{ k20_0c, 20, "Test With Truncation", 20,
		  "a3b6167473100ee06e0c796c2955552b" },
		{ k131, 131, "Test Using Larger Than Block-Size Key - Hash Key First", 54,
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
		{ k131, 131, "This is a test using a larger than block-size key and a larger "
		  "than block-size data. The key needs to be hashed before being used by "
		  "the HMAC algorithm.", 152,
		  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
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
		s3mpu_hmac_sha256(v[i].key, v[i].key_len, v[i].data, v[i].data_len, out);
		CHECK_DIGEST(out, n, v[i].want);

		/* key context + message context */
		s3mpu_hmac_key_init(&key, v[i].key, v[i].key_len);
		s3mpu_hmac_init(&ctx, &key);
		s3mpu_hmac_update(&ctx, v[i].data, v[i].data_len);
		s3mpu_hmac_out(&ctx, out);
		CHECK_DIGEST(out, n, v[i].want);
		s3mpu_wipe(&key, sizeof key);
		s3mpu_wipe(&ctx, sizeof ctx);
	}
}

/* ------------------------------------------------------------------ */
/* Incremental use                                                     */
/* ------------------------------------------------------------------ */

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

static void a_sha256_init(any_ctx *c) { s3mpu_sha256_init(&c->sha256); }
static void a_sha256_update(any_ctx *c, const void *p, size_t n) { s3mpu_sha256_update(&c->sha256, p, n); }
static void a_sha256_out(const any_ctx *c, unsigned char *o) { s3mpu_sha256_out(&c->sha256, o); }
static void a_md5_init(any_ctx *c) { s3mpu_md5_init(&c->md5); }
static void a_md5_update(any_ctx *c, const void *p, size_t n) { s3mpu_md5_update(&c->md5, p, n); }
static void a_md5_out(const any_ctx *c, unsigned char *o) { s3mpu_md5_out(&c->md5, o); }

static const char split_key[] = "key-for-split-tests";

static void a_hmac_init(any_ctx *c)
{
	s3mpu_hmac_key key;
	s3mpu_hmac_key_init(&key, split_key, sizeof split_key - 1);
	s3mpu_hmac_init(&c->hmac, &key);
	/* The message context must not depend on the key context living on. */
	s3mpu_wipe(&key, sizeof key);
}
static void a_hmac_update(any_ctx *c, const void *p, size_t n) { s3mpu_hmac_update(&c->hmac, p, n); }
static void a_hmac_out(const any_ctx *c, unsigned char *o) { s3mpu_hmac_out(&c->hmac, o); }

/* Expected values computed independently (Python hashlib/hmac). */
static const algo algos[] = {
	{ "sha256", a_sha256_init, a_sha256_update, a_sha256_out, 32,
	  "cf2eb35169ce035ca6dfb9c3a303d1495473b02fd17c5635008f1e659b733d8f" },
	{ "md5", a_md5_init, a_md5_update, a_md5_out, 16,
	  "857289c9e9c8c9d2a0c9760aa4e95c07" },
	{ "hmac", a_hmac_init, a_hmac_update, a_hmac_out, 32,
	  "271fe6a24f20bf5e8a6ce11a715d311aad17f2de343695a16a3511ce83ca0a04" },
};

#define SPLIT_LEN 300

static void split_input(unsigned char *p)
{
	size_t i;
	for (i = 0; i < SPLIT_LEN; i++)
		p[i] = (unsigned char)(i * 131 + 7);
}

static void incremental(const algo *a)
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

TEST(sha256_incremental) { incremental(&algos[0]); }
TEST(md5_incremental) { incremental(&algos[1]); }
TEST(hmac_incremental) { incremental(&algos[2]); }

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
		s3mpu_hmac_out(&ctx, out);
		CHECK_DIGEST(out, 32, algos[2].want);

		s3mpu_hmac_init(&ctx, &key);
		s3mpu_hmac_update(&ctx, "Hi", 2);
		s3mpu_hmac_out(&ctx, out);
		s3mpu_hmac_sha256(split_key, sizeof split_key - 1, "Hi", 2, one);
		CHECK_MEM(out, 32, one, 32);
	}
	CHECK(memcmp(&before, &key, sizeof key) == 0);
	/* empty key and empty message */
	s3mpu_hmac_sha256(NULL, 0, NULL, 0, out);
	CHECK_DIGEST(out, 32, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
	s3mpu_wipe(&key, sizeof key);
	s3mpu_wipe(&before, sizeof before);
	s3mpu_wipe(&ctx, sizeof ctx);
}

/* ------------------------------------------------------------------ */
/* CRC32 / CRC32C                                                      */
/* ------------------------------------------------------------------ */

/* Bitwise reference, continuing from a finished CRC like the real one. */
static uint32_t crc_ref(uint32_t poly, uint32_t crc, const unsigned char *p, size_t len)
{
	uint32_t c = ~crc;
	int k;
	while (len--) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
	}
	return ~c;
}

#define CRC_LEN 1024

static void random_bytes(unsigned char *p, size_t len)
{
	uint32_t x = 0x9e3779b9u;
	size_t i;
	for (i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)(x >> 24);
	}
}

static void crc_suite(void (*init)(s3mpu_crc_table *), uint32_t poly, uint32_t check)
{
	static s3mpu_crc_table table; /* 8 KiB: keep it off the stack */
	static uint32_t prefix[CRC_LEN + 1];
	unsigned char data[CRC_LEN], buf[CRC_LEN + 8];
	size_t off, n, k;

	init(&table);
	CHECK_INT(s3mpu_crc_update(&table, 0, "123456789", 9), check);
	CHECK_INT(crc_ref(poly, 0, (const unsigned char *)"123456789", 9), check);
	CHECK_INT(s3mpu_crc_update(&table, 0, NULL, 0), 0);
	CHECK_INT(s3mpu_crc_update(&table, check, "", 0), check);

	random_bytes(data, sizeof data);
	prefix[0] = 0;
	for (n = 1; n <= CRC_LEN; n++)
		prefix[n] = crc_ref(poly, prefix[n - 1], data + n - 1, 1);

	/* every start alignment and every length */
	for (off = 0; off < 8; off++) {
		memcpy(buf + off, data, CRC_LEN);
		for (n = 0; n <= CRC_LEN; n++) {
			uint32_t got = s3mpu_crc_update(&table, 0, buf + off, n);
			if (got != prefix[n]) {
				fprintf(stderr, "  offset %zu length %zu\n", off, n);
				CHECK_INT(got, prefix[n]);
				return;
			}
		}
	}
	/* every split, the second piece starting at every alignment */
	for (k = 0; k <= CRC_LEN; k++) {
		uint32_t first = s3mpu_crc_update(&table, 0, data, k);
		for (off = 0; off < 8; off++) {
			uint32_t c;
			memcpy(buf + off, data + k, CRC_LEN - k);
			c = s3mpu_crc_update(&table, first, buf + off, CRC_LEN - k);
			if (c != prefix[CRC_LEN]) {
				fprintf(stderr, "  split at %zu, offset %zu\n", k, off);
				CHECK_INT(c, prefix[CRC_LEN]);
				return;
			}
		}
	}
	memcpy(buf, data, CRC_LEN);
	/* three pieces */
	for (k = 0; k + 17 <= CRC_LEN; k += 13) {
		uint32_t c = s3mpu_crc_update(&table, 0, buf, k);
		c = s3mpu_crc_update(&table, c, buf + k, 17);
		c = s3mpu_crc_update(&table, c, buf + k + 17, CRC_LEN - k - 17);
		CHECK_INT(c, prefix[CRC_LEN]);
	}
}

TEST(crc32)
{
	s3mpu_crc_table t;
	crc_suite(s3mpu_crc32_table_init, 0xEDB88320u, 0xCBF43926u);
	s3mpu_crc32_table_init(&t);
	CHECK_INT(s3mpu_crc_update(&t, 0, "The quick brown fox jumps over the lazy dog", 43),
		0x414FA339u);
}

TEST(crc32c)
{
	s3mpu_crc_table t;
	unsigned char z[32];
	crc_suite(s3mpu_crc32c_table_init, 0x82F63B78u, 0xE3069283u);
	/* RFC 3720 B.4: 32 bytes of zeros */
	s3mpu_crc32c_table_init(&t);
	memset(z, 0, sizeof z);
	CHECK_INT(s3mpu_crc_update(&t, 0, z, sizeof z), 0x8A9136AAu);
}

/* Long inputs take a multi-lane path (blocks of 12 KiB): lengths around
 * block multiples, every alignment, and splits inside blocks. */
#define LONG_LEN (4 * 12288 + 333)

static void crc_long(void (*init)(s3mpu_crc_table *), uint32_t poly)
{
	static s3mpu_crc_table table;
	static uint32_t prefix[LONG_LEN + 1];
	static unsigned char data[LONG_LEN], buf[LONG_LEN + 8];
	size_t lens[64], nlens = 0, i, off, k, d;

	init(&table);
	random_bytes(data, sizeof data);
	prefix[0] = 0;
	for (i = 1; i <= LONG_LEN; i++)
		prefix[i] = crc_ref(poly, prefix[i - 1], data + i - 1, 1);

	for (k = 1; k <= 4; k++)
		for (d = 0; d < 7; d++)
			lens[nlens++] = k * 12288 + d - 3;
	lens[nlens++] = 12288 - 8;
	lens[nlens++] = 2 * 12288 + 4095;
	lens[nlens++] = LONG_LEN;
	for (off = 0; off < 8; off++) {
		memcpy(buf + off, data, LONG_LEN);
		for (i = 0; i < nlens; i++) {
			uint32_t got = s3mpu_crc_update(&table, 0, buf + off, lens[i]);
			if (got != prefix[lens[i]]) {
				fprintf(stderr, "  offset %zu length %zu\n", off, lens[i]);
				CHECK_INT(got, prefix[lens[i]]);
			}
		}
	}
	for (k = 0; k <= LONG_LEN; k += 1237) {
		uint32_t c = s3mpu_crc_update(&table, 0, data, k);
		c = s3mpu_crc_update(&table, c, data + k, LONG_LEN - k);
		if (c != prefix[LONG_LEN]) {
			fprintf(stderr, "  split at %zu\n", k);
			CHECK_INT(c, prefix[LONG_LEN]);
		}
	}
}

TEST(crc32_long) { crc_long(s3mpu_crc32_table_init, 0xEDB88320u); }
TEST(crc32c_long) { crc_long(s3mpu_crc32c_table_init, 0x82F63B78u); }

/* ------------------------------------------------------------------ */
/* Multipart ETag                                                      */
/* ------------------------------------------------------------------ */

static void unhex(const char *h, unsigned char *out)
{
	size_t i;
	for (i = 0; h[2 * i]; i++) {
		unsigned hi = (unsigned)(h[2 * i] <= '9' ? h[2 * i] - '0' : h[2 * i] - 'a' + 10);
		unsigned lo = (unsigned)(h[2 * i + 1] <= '9' ? h[2 * i + 1] - '0' : h[2 * i + 1] - 'a' + 10);
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
	n = s3mpu_multipart_etag(&c, 2, out);
	CHECK_MEM(out, n, "f77dc0eecdebcd774a2a22cb393ad2ff-2", 34);
	/* does not consume the context */
	n = s3mpu_multipart_etag(&c, 2, out);
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
		s3mpu_md5_out(&part, d);
		s3mpu_md5_update(&c, d, 16);
	}
	memset(out, '#', sizeof out);
	n = s3mpu_multipart_etag(&c, 10000, out);
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
	n = s3mpu_multipart_etag(&c, 1, out);
	CHECK_MEM(out, n, "d41d8cd98f00b204e9800998ecf8427e-1", 34);
	n = s3mpu_multipart_etag(&c, 10, out);
	CHECK_MEM(out, n, "d41d8cd98f00b204e9800998ecf8427e-10", 35);
	n = s3mpu_multipart_etag(&c, 9999, out);
	CHECK_MEM(out, n, "d41d8cd98f00b204e9800998ecf8427e-9999", 37);
	/* outside 1..10000: nothing written */
	CHECK_INT(s3mpu_multipart_etag(&c, 0, out), 0);
	CHECK_INT(s3mpu_multipart_etag(&c, 10001, out), 0);
	CHECK_INT(s3mpu_multipart_etag(&c, UINT32_MAX, out), 0);
}

CHECK_MAIN(CASE(sha256_fips), CASE(md5_rfc1321), CASE(hmac_rfc4231),
	CASE(sha256_incremental), CASE(md5_incremental), CASE(hmac_incremental),
	CASE(hmac_key_reuse), CASE(crc32), CASE(crc32c), CASE(crc32_long), CASE(crc32c_long),
	CASE(etag_r2), CASE(etag_10000), CASE(etag_part_count))
