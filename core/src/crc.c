/* crc.c -- CRC32 and CRC32C, slicing-by-8. See s3mpu.h. */
#include "internal.h"

/*
 * Reflected CRCs: bit 31 of a register is the coefficient of x^0, bit 0
 * that of x^31. t[0] is the classic byte table, and t[k][b] is the CRC
 * contribution of byte b followed by k zero bytes, so eight lookups fold
 * eight input bytes at once. Input is read byte by byte (no word loads),
 * which makes the code alignment- and endian-neutral; compilers merge the
 * loads where the target allows.
 */
/* The layout of s3mpu_crc_table: eight rows of 256 entries. */
typedef struct {
	uint32_t t[8][256];
} crc_rows;

_Static_assert(sizeof(crc_rows) == sizeof(s3mpu_crc_table), "s3mpu_crc_table size");

static void crc_table_init(s3mpu_crc_table *table, uint32_t poly)
{
	uint32_t(*t)[256] = ((crc_rows *)(void *)table->opaque_)->t;
	uint32_t b, c;
	int k;

	for (b = 0; b < 256; b++) {
		c = b;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (poly & (0u - (c & 1)));
		t[0][b] = c;
	}
	for (b = 0; b < 256; b++) {
		c = t[0][b];
		for (k = 1; k < 8; k++) {
			c = (c >> 8) ^ t[0][c & 0xff];
			t[k][b] = c;
		}
	}
}

void s3mpu_crc_table_init_crc32(s3mpu_crc_table *table) { crc_table_init(table, 0xEDB88320u); }

void s3mpu_crc_table_init_crc32c(s3mpu_crc_table *table) { crc_table_init(table, 0x82F63B78u); }

/* Register `c` (not inverted) after the 8 bytes at p. */
static inline uint32_t crc_step8(const uint32_t (*t)[256], uint32_t c, const unsigned char *p)
{
	uint32_t lo = c ^
		((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			(uint32_t)p[3] << 24);
	return t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
		t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
}

/* a * b mod the polynomial, both reflected. */
static uint32_t crc_mulmod(uint32_t a, uint32_t b, uint32_t poly)
{
	uint32_t r = 0;
	int i;

	for (i = 31; i >= 0; i--) {
		r ^= b & (0u - ((a >> i) & 1));
		b = (b >> 1) ^ (poly & (0u - (b & 1))); /* b *= x */
	}
	return r;
}

/*
 * One slicing-by-8 stream is bound by the latency of its lookup chain,
 * each lookup waiting for the last. Long inputs are cut into blocks of
 * three lanes, run as independent streams whose lookups overlap, and
 * joined with the linearity of the CRC register:
 * reg(s, A||B) = reg(s, A) * x^(8|B|) ^ reg(0, B). CRC_LANE * 8 must be a
 * power of two.
 */
#define CRC_LANE 4096
#define CRC_LANE_LOG2_BITS 15

uint32_t s3mpu_crc_update(const s3mpu_crc_table *table, uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	const uint32_t(*t)[256] = ((const crc_rows *)(const void *)table->opaque_)->t;
	uint32_t c = ~crc;

	if (len >= 3 * CRC_LANE) {
		/* t[0][0x80] is the polynomial itself; shift = x^(8*CRC_LANE). */
		uint32_t poly = t[0][0x80], shift = 0x40000000u; /* x^1 */
		int i;

		for (i = 0; i < CRC_LANE_LOG2_BITS; i++)
			shift = crc_mulmod(shift, shift, poly);
		while (len >= 3 * CRC_LANE) {
			uint32_t c1 = 0, c2 = 0;
			size_t j;

			for (j = 0; j < CRC_LANE; j += 8) {
				c = crc_step8(t, c, p + j);
				c1 = crc_step8(t, c1, p + CRC_LANE + j);
				c2 = crc_step8(t, c2, p + 2 * CRC_LANE + j);
			}
			c = crc_mulmod(crc_mulmod(c, shift, poly) ^ c1, shift, poly) ^ c2;
			p += 3 * CRC_LANE;
			len -= 3 * CRC_LANE;
		}
	}
	while (len >= 8) {
		c = crc_step8(t, c, p);
		p += 8;
		len -= 8;
	}
	while (len--)
		c = (c >> 8) ^ t[0][(c ^ *p++) & 0xff];
	return ~c;
}
