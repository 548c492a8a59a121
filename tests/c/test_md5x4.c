/* test_md5x4.c -- four MD5s at once (md5x4.c) against the one-message MD5
 * (md5.c): empty messages, lanes of different lengths fed in uneven pieces
 * from unaligned addresses, digests read midway, memcpy snapshots. */
#include "hash_check.h"

/* xorshift32: a fixed sequence, so a failure reproduces. */
static uint32_t next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void md5_of(const void *p, size_t len, unsigned char out[16])
{
	s3mpu_md5 c;
	s3mpu_md5_init(&c);
	s3mpu_md5_update(&c, p, len);
	s3mpu_md5_digest(&c, out);
}

TEST(md5x4_empty)
{
	s3mpu_md5x4 c;
	unsigned char out[4][16];
	const void *data[4] = { 0 };
	size_t len[4] = { 0 }, i;

	s3mpu_md5x4_init(&c);
	s3mpu_md5x4_digest(&c, out);
	for (i = 0; i < 4; i++)
		CHECK_DIGEST(out[i], 16, "d41d8cd98f00b204e9800998ecf8427e");
	s3mpu_md5x4_update(&c, data, len); /* nothing at all is nothing */
	s3mpu_md5x4_digest(&c, out);
	for (i = 0; i < 4; i++)
		CHECK_DIGEST(out[i], 16, "d41d8cd98f00b204e9800998ecf8427e");
}

/* RFC 1321 A.5 messages in different lanes, one whole update each. */
TEST(md5x4_rfc1321)
{
	static const char *msg[4] = {
		"a", "abc", "message digest",
		"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
	};
	static const char *want[4] = { "0cc175b9c0f1b6a831c399e269772661",
		"900150983cd24fb0d6963f7d28e17f72", "f96b697d7cb7938d525a2f31aaf161d0",
		"57edf4a22be3c955ac49da2e2107b67a" };
	s3mpu_md5x4 c;
	unsigned char out[4][16];
	const void *data[4];
	size_t len[4], i;

	for (i = 0; i < 4; i++)
		data[i] = msg[i], len[i] = strlen(msg[i]);
	s3mpu_md5x4_init(&c);
	s3mpu_md5x4_update(&c, data, len);
	s3mpu_md5x4_digest(&c, out);
	for (i = 0; i < 4; i++)
		CHECK_DIGEST(out[i], 16, want[i]);
}

#define MAX_LEN 3000

/* Any length below MAX_LEN, or one at a block's or the padding's edge. */
static size_t pick_len(uint32_t r)
{
	static const size_t edge[] = { 0, 1, 55, 56, 57, 63, 64, 65 };
	return r % 4 ? r % MAX_LEN : 64 * (r >> 8 & 31) + edge[r >> 16 & 7];
}

/* Each lane a message of its own length (0 to MAX_LEN, often near a block
 * edge) at its own offset, fed in pieces of random sizes, some empty; the
 * digests are read midway and from a snapshot, and at the end. */
static void random_round(uint32_t *seed, unsigned char *pool, size_t pool_len)
{
	s3mpu_md5x4 c, snap;
	unsigned char out[4][16], want[16], again[4][16];
	const unsigned char *msg[4];
	size_t total[4], fed[4] = { 0 }, i;

	for (i = 0; i < 4; i++) {
		total[i] = pick_len(next(seed));
		msg[i] = pool + next(seed) % (pool_len - MAX_LEN);
	}
	s3mpu_md5x4_init(&c);
	while (fed[0] < total[0] || fed[1] < total[1] || fed[2] < total[2] || fed[3] < total[3]) {
		const void *data[4];
		size_t len[4];
		for (i = 0; i < 4; i++) {
			size_t left = total[i] - fed[i], cap = next(seed) % 4 ? 200 : 1000;
			len[i] = left ? next(seed) % (cap < left ? cap + 1 : left + 1) : 0;
			data[i] = len[i] ? msg[i] + fed[i] : NULL;
			fed[i] += len[i];
		}
		s3mpu_md5x4_update(&c, data, len);
		if (next(seed) % 8 == 0) { /* midway digest, and the context goes on */
			s3mpu_md5x4_digest(&c, out);
			for (i = 0; i < 4; i++) {
				md5_of(msg[i], fed[i], want);
				CHECK_MEM(out[i], 16, want, 16);
			}
		}
	}
	memcpy(&snap, &c, sizeof c);
	s3mpu_md5x4_digest(&c, out);
	s3mpu_md5x4_digest(&snap, again);
	for (i = 0; i < 4; i++) {
		md5_of(msg[i], total[i], want);
		CHECK_MEM(out[i], 16, want, 16);
		CHECK_MEM(again[i], 16, want, 16);
	}
}

TEST(md5x4_random)
{
	static unsigned char pool[4 * MAX_LEN];
	uint32_t seed = 0x9e3779b9;
	size_t i;

	for (i = 0; i < sizeof pool; i++)
		pool[i] = (unsigned char)next(&seed);
	for (i = 0; i < 300; i++)
		random_round(&seed, pool, sizeof pool);
}

/* Every length 0..200 in every lane position, each lane one update. */
TEST(md5x4_lengths)
{
	unsigned char msg[200 + 3], out[4][16], want[16];
	size_t n, i;

	for (i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)(i * 37 + 1);
	for (n = 0; n <= 200; n++) {
		s3mpu_md5x4 c;
		const void *data[4];
		size_t len[4];
		for (i = 0; i < 4; i++)
			data[i] = msg + i, len[i] = (n + 50 * i) % 201;
		s3mpu_md5x4_init(&c);
		s3mpu_md5x4_update(&c, data, len);
		s3mpu_md5x4_digest(&c, out);
		for (i = 0; i < 4; i++) {
			md5_of(msg + i, len[i], want);
			CHECK_MEM(out[i], 16, want, 16);
		}
	}
}

CHECK_MAIN(CASE(md5x4_empty), CASE(md5x4_rfc1321), CASE(md5x4_random), CASE(md5x4_lengths))
