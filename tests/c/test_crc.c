/* test_crc.c -- CRC32 and CRC32C (crc.c). */
#include "check.h"
#include "s3mpu.h"

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
	crc_suite(s3mpu_crc_table_init_crc32, 0xEDB88320u, 0xCBF43926u);
	s3mpu_crc_table_init_crc32(&t);
	CHECK_INT(s3mpu_crc_update(&t, 0, "The quick brown fox jumps over the lazy dog", 43),
		0x414FA339u);
}

TEST(crc32c)
{
	s3mpu_crc_table t;
	unsigned char z[32];
	crc_suite(s3mpu_crc_table_init_crc32c, 0x82F63B78u, 0xE3069283u);
	/* RFC 3720 B.4: 32 bytes of zeros */
	s3mpu_crc_table_init_crc32c(&t);
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

TEST(crc32_long) { crc_long(s3mpu_crc_table_init_crc32, 0xEDB88320u); }
TEST(crc32c_long) { crc_long(s3mpu_crc_table_init_crc32c, 0x82F63B78u); }

CHECK_MAIN(CASE(crc32), CASE(crc32c), CASE(crc32_long), CASE(crc32c_long))
