/* test_plan.c -- part planning for known and unknown totals. */
#include "s3mpu.h"
#include "check.h"

#define MIB (UINT64_C(1) << 20)
#define GIB (UINT64_C(1) << 30)
#define TIB (UINT64_C(1) << 40)

/* Walk every part of a known-total plan: sizes sum to the total, offsets
 * chain, all parts but the last are equal, 5 MiB..5 GiB, last > 0. */
static int check_known(const s3mpu_plan *p)
{
	uint64_t sum = 0;
	uint32_t n;
	int before = check_failures;

	CHECK(p->part_count >= 1 && p->part_count <= S3MPU_PART_NUMBER_MAX);
	CHECK(p->part_size >= S3MPU_PART_SIZE_MIN && p->part_size <= S3MPU_PART_SIZE_MAX);
	CHECK_INT(p->growth_interval, 0);
	for (n = 1; n <= p->part_count && check_failures == before; n++) {
		uint64_t size = s3mpu_plan_part_size(p, n);
		CHECK_INT(s3mpu_plan_part_offset(p, n), sum);
		if (n < p->part_count)
			CHECK_INT(size, p->part_size);
		else
			CHECK(size <= p->part_size && (size > 0 || p->total == 0));
		sum += size;
	}
	CHECK_INT(sum, p->total);
	CHECK_INT(s3mpu_plan_part_size(p, p->part_count + 1), 0);
	CHECK_INT(s3mpu_plan_part_offset(p, p->part_count + 1), p->total);
	CHECK_INT(s3mpu_plan_part_size(p, UINT32_MAX), 0);
	CHECK_INT(s3mpu_plan_part_offset(p, UINT32_MAX), p->total);
	CHECK_INT(s3mpu_plan_part_size(p, 0), 0);
	CHECK_INT(s3mpu_plan_part_offset(p, 0), 0);
	return check_failures == before;
}

/* Plan `total` with `preferred` and check it; returns the plan. */
static s3mpu_plan known(uint64_t total, uint64_t preferred)
{
	s3mpu_plan p;
	memset(&p, 0xAA, sizeof p);
	CHECK_INT(s3mpu_plan_init(&p, total, preferred), S3MPU_OK);
	CHECK_INT(p.total, total);
	/* A raised size is a whole number of MiB. */
	if (p.part_size != (preferred ? preferred : S3MPU_PART_SIZE_DEFAULT))
		CHECK(p.part_size % MIB == 0 && p.part_size * 10000 >= total);
	if (!check_known(&p))
		fprintf(stderr, "    total %llu preferred %llu\n", (unsigned long long)total,
			(unsigned long long)preferred);
	return p;
}

TEST(empty_body)
{
	s3mpu_plan p = known(0, 0);
	CHECK_INT(p.part_count, 1);
	CHECK_INT(p.part_size, S3MPU_PART_SIZE_DEFAULT);
	CHECK_INT(s3mpu_plan_part_size(&p, 1), 0);
}
TEST(one_byte)
{
	s3mpu_plan p = known(1, 0);
	CHECK_INT(p.part_count, 1);
	CHECK_INT(s3mpu_plan_part_size(&p, 1), 1);
}
TEST(five_mib_boundaries)
{
	s3mpu_plan p;
	p = known(5 * MIB - 1, 5 * MIB);
	CHECK_INT(p.part_count, 1);
	CHECK_INT(s3mpu_plan_part_size(&p, 1), 5 * MIB - 1);
	p = known(5 * MIB, 5 * MIB);
	CHECK_INT(p.part_count, 1);
	CHECK_INT(s3mpu_plan_part_size(&p, 1), 5 * MIB);
	p = known(5 * MIB + 1, 5 * MIB);
	CHECK_INT(p.part_count, 2);
	CHECK_INT(s3mpu_plan_part_size(&p, 1), 5 * MIB);
	CHECK_INT(s3mpu_plan_part_size(&p, 2), 1);
	CHECK_INT(s3mpu_plan_part_offset(&p, 2), 5 * MIB);
	/* Same totals with the default 8 MiB parts: one part each. */
	CHECK_INT(known(5 * MIB - 1, 0).part_count, 1);
	CHECK_INT(known(5 * MIB, 0).part_count, 1);
	CHECK_INT(known(5 * MIB + 1, 0).part_count, 1);
	CHECK_INT(known(8 * MIB, 0).part_count, 1);
	CHECK_INT(known(8 * MIB + 1, 0).part_count, 2);
}
TEST(exactly_10000_parts)
{
	s3mpu_plan p = known(10000 * S3MPU_PART_SIZE_DEFAULT, 0);
	CHECK_INT(p.part_size, S3MPU_PART_SIZE_DEFAULT);
	CHECK_INT(p.part_count, 10000);
	p = known(10000 * S3MPU_PART_SIZE_DEFAULT + 1, 0);
	CHECK_INT(p.part_size, 9 * MIB);
}
/* 48.9 GiB is more than 10,000 parts of 5 MiB (48.83 GiB): the part size
 * must grow above 5 MiB. With the default 8 MiB it fits unchanged. */
TEST(size_48_9_gib)
{
	uint64_t total = 489 * GIB / 10;
	s3mpu_plan p = known(total, 5 * MIB);
	CHECK_INT(p.part_size, 6 * MIB);
	CHECK(p.part_count <= 10000);
	CHECK(s3mpu_plan_part_size(&p, p.part_count) > 0);
	p = known(total, 0);
	CHECK_INT(p.part_size, 8 * MIB);
	CHECK_INT(p.part_count, (total + 8 * MIB - 1) / (8 * MIB));
}
/* Over 78.1 GiB the default 8 MiB part grows. */
TEST(size_grows_above_default)
{
	s3mpu_plan p = known(100 * GIB, 0);
	CHECK(p.part_size > S3MPU_PART_SIZE_DEFAULT);
	CHECK_INT(p.part_size, 11 * MIB); /* ceil(100 GiB / 10000) = 10.24 MiB */
	CHECK(p.part_count <= 10000);
	CHECK(s3mpu_plan_part_size(&p, p.part_count) > 0);
}
TEST(exactly_5_tib)
{
	s3mpu_plan p = known(5 * TIB, 0);
	CHECK_INT(p.part_size, 525 * MIB);
	CHECK_INT(p.part_count, (5 * TIB + 525 * MIB - 1) / (525 * MIB));
	CHECK(p.part_count <= 10000);
	p = known(5 * TIB, 5 * GIB);
	CHECK_INT(p.part_count, 1024);
	CHECK_INT(s3mpu_plan_part_size(&p, 1024), 5 * GIB);
}
TEST(over_5_tib)
{
	s3mpu_plan p;
	memset(&p, 0x5A, sizeof p);
	CHECK_INT(s3mpu_plan_init(&p, 5 * TIB + 1, 0), S3MPU_E_TOO_LARGE);
	CHECK_INT(s3mpu_plan_init(&p, 5 * TIB + 1, 5 * GIB), S3MPU_E_TOO_LARGE);
	CHECK_INT(s3mpu_plan_init(&p, UINT64_MAX - 1, 0), S3MPU_E_TOO_LARGE);
	CHECK_INT(p.part_count, 0x5A5A5A5A); /* untouched */
}
TEST(preferred_sizes)
{
	s3mpu_plan p;
	CHECK_INT(known(100 * MIB, 5 * MIB).part_size, 5 * MIB);
	CHECK_INT(known(100 * MIB, 5 * GIB).part_size, 5 * GIB);
	CHECK_INT(known(100 * MIB, 16 * MIB).part_size, 16 * MIB);
	/* An odd preferred size is honoured as given. */
	CHECK_INT(known(100 * MIB, 5 * MIB + 12345).part_size, 5 * MIB + 12345);
	CHECK_INT(s3mpu_plan_init(&p, 100 * MIB, 5 * MIB - 1), S3MPU_E_PART_SIZE);
	CHECK_INT(s3mpu_plan_init(&p, 100 * MIB, 5 * GIB + 1), S3MPU_E_PART_SIZE);
	CHECK_INT(s3mpu_plan_init(&p, 100 * MIB, 1), S3MPU_E_PART_SIZE);
	CHECK_INT(s3mpu_plan_init(&p, 100 * MIB, UINT64_MAX), S3MPU_E_PART_SIZE);
	CHECK_INT(s3mpu_plan_init(&p, S3MPU_SIZE_UNKNOWN, 5 * MIB - 1), S3MPU_E_PART_SIZE);
	CHECK_INT(s3mpu_plan_init(&p, S3MPU_SIZE_UNKNOWN, 5 * GIB + 1), S3MPU_E_PART_SIZE);
	CHECK_INT(s3mpu_plan_init(NULL, 100, 0), S3MPU_E_ARGUMENT);
	CHECK_INT(s3mpu_plan_part_size(NULL, 1), 0);
	CHECK_INT(s3mpu_plan_part_offset(NULL, 1), 0);
}

/* Bytes in 10,000 parts growing every g parts from `size` (brute force). */
static uint64_t brute_stream_sum(uint64_t size, uint32_t g)
{
	uint64_t sum = 0;
	uint32_t n;
	for (n = 1; n <= 10000; n++) {
		uint64_t s = size;
		uint32_t k = g ? (n - 1) / g : 0;
		for (; k > 0 && s < S3MPU_PART_SIZE_MAX; k--)
			s *= 2;
		sum += s < S3MPU_PART_SIZE_MAX ? s : S3MPU_PART_SIZE_MAX;
	}
	return sum;
}

/* Check a stream plan part by part; returns its growth interval. */
static uint32_t stream(uint64_t preferred)
{
	s3mpu_plan p;
	uint64_t sum = 0, prev = 0;
	uint32_t n;
	int before = check_failures;

	CHECK_INT(s3mpu_plan_init(&p, S3MPU_SIZE_UNKNOWN, preferred), S3MPU_OK);
	CHECK_INT(p.total, S3MPU_SIZE_UNKNOWN);
	CHECK_INT(p.part_size, preferred ? preferred : S3MPU_PART_SIZE_DEFAULT);
	for (n = 1; n <= 10000 && check_failures == before; n++) {
		uint64_t size = s3mpu_plan_part_size(&p, n);
		CHECK_INT(s3mpu_plan_part_offset(&p, n), sum);
		CHECK(size >= S3MPU_PART_SIZE_MIN && size <= S3MPU_PART_SIZE_MAX);
		CHECK(size >= prev);
		if (p.growth_interval && n <= p.growth_interval)
			CHECK_INT(size, p.part_size);
		sum += size;
		prev = size;
	}
	CHECK(sum >= S3MPU_OBJECT_SIZE_MAX);
	CHECK_INT(s3mpu_plan_part_offset(&p, 10001), sum);
	CHECK_INT(s3mpu_plan_part_offset(&p, UINT32_MAX), sum);
	CHECK_INT(s3mpu_plan_part_size(&p, 10001), 0);
	CHECK_INT(s3mpu_plan_part_size(&p, 0), 0);
	CHECK_INT(brute_stream_sum(p.part_size, p.growth_interval), sum);
	/* The interval is the largest that reaches 5 TiB. */
	if (p.growth_interval)
		CHECK(brute_stream_sum(p.part_size, p.growth_interval + 1) < S3MPU_OBJECT_SIZE_MAX);
	if (check_failures != before)
		fprintf(stderr, "    preferred %llu\n", (unsigned long long)preferred);
	return p.growth_interval;
}

TEST(stream_default)
{
	uint32_t g = stream(0);
	CHECK(g > 0 && g < 10000);
	/* 1089 parts each of 8, 16, ... 2048 MiB, then 199 of 4096 MiB:
	 * 5,266,936 MiB >= 5 TiB (5,242,880 MiB); 1090 a level falls short. */
	CHECK_INT(g, 1089);
}
TEST(stream_5_mib)
{
	uint32_t g = stream(5 * MIB);
	CHECK(g > 0 && g < 10000);
}
TEST(stream_5_gib) { CHECK_INT(stream(5 * GIB), 0); }
TEST(stream_constant_threshold)
{
	/* 10,000 parts of ceil(5 TiB / 10000) reach 5 TiB: no growth. */
	CHECK_INT(stream(549755814), 0);
	CHECK(stream(549755813) > 0);
	CHECK_INT(stream(525 * MIB), 0);
}
TEST(stream_many_sizes)
{
	uint64_t s;
	for (s = 5 * MIB; s <= 600 * MIB; s += 7 * MIB + 12345)
		stream(s);
}

/* Sizes sum to the total and offsets chain for many totals: edges around
 * multiples of the part size and pseudo-random totals up to 5 TiB. */
TEST(property_many_totals)
{
	static const uint64_t prefs[] = { 0, 5 * MIB, 5 * MIB + 1, 64 * MIB, 5 * GIB };
	uint64_t x = 88172645463325252u;
	size_t i, j;
	for (i = 0; i < sizeof prefs / sizeof prefs[0]; i++) {
		uint64_t unit = prefs[i] ? prefs[i] : S3MPU_PART_SIZE_DEFAULT;
		for (j = 0; j < 40; j++) {
			uint64_t base = unit * (j * j * 7), t;
			for (t = base ? base - 1 : 0; t <= base + 1; t++)
				if (t <= S3MPU_OBJECT_SIZE_MAX)
					known(t, prefs[i]);
		}
		for (j = 0; j < 60; j++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Spread over magnitudes: shift right by 0..39 bits. */
			known((x % (S3MPU_OBJECT_SIZE_MAX + 1)) >> ((x >> 58) % 40), prefs[i]);
		}
		known(S3MPU_OBJECT_SIZE_MAX, prefs[i]);
		known(S3MPU_OBJECT_SIZE_MAX - 1, prefs[i]);
		if (unit * 10000 < S3MPU_OBJECT_SIZE_MAX) {
			known(unit * 10000, prefs[i]);
			known(unit * 10000 + 1, prefs[i]);
		}
	}
}
/* Garbage plans give sizes and offsets without crashing (no UB). */
TEST(zeroed_plan)
{
	s3mpu_plan p;
	memset(&p, 0, sizeof p);
	CHECK_INT(s3mpu_plan_part_size(&p, 1), 0);
	CHECK_INT(s3mpu_plan_part_offset(&p, 5), 0);
	p.total = S3MPU_SIZE_UNKNOWN;
	p.growth_interval = 1;
	CHECK_INT(s3mpu_plan_part_size(&p, 10000), 0);
	CHECK_INT(s3mpu_plan_part_offset(&p, 10000), 0);
	p.part_size = UINT64_MAX;
	CHECK_INT(s3mpu_plan_part_size(&p, 10000), S3MPU_PART_SIZE_MAX);
}

CHECK_MAIN(CASE(empty_body), CASE(one_byte), CASE(five_mib_boundaries), CASE(exactly_10000_parts),
	CASE(size_48_9_gib), CASE(size_grows_above_default), CASE(exactly_5_tib), CASE(over_5_tib),
	CASE(preferred_sizes), CASE(stream_default), CASE(stream_5_mib), CASE(stream_5_gib),
	CASE(stream_constant_threshold), CASE(stream_many_sizes), CASE(property_many_totals),
	CASE(zeroed_plan))
