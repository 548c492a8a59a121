/* plan.c -- cutting a body into parts. See s3mpu.h.
 *
 * Object size limit: 10,000 parts of 5 GiB would allow 48.8 TiB, and AWS
 * documents that today, but older AWS pages, JD Cloud's S3 pages, MinIO,
 * R2 (4.995 TiB) and most compatible stores were written against 5 TiB.
 * S3MPU_OBJECT_SIZE_MAX keeps 5 TiB as the portable limit: a plan that
 * succeeds here is accepted everywhere, and 5 TiB needs parts of only
 * 525 MiB, which keeps memory (concurrency x part size) bounded too. */
#include "internal.h"

#define MIB (UINT64_C(1) << 20)

/* Size of the parts at growth level j: part_size doubled j times, capped
 * at 5 GiB. At most 10 doublings take 5 MiB past the cap. */
static uint64_t level_size(uint64_t part_size, uint64_t j)
{
	uint64_t s = part_size;
	if (s == 0)
		return 0;
	while (j > 0 && s < S3MPU_PART_SIZE_MAX) {
		s <<= 1;
		j--;
	}
	return s < S3MPU_PART_SIZE_MAX ? s : S3MPU_PART_SIZE_MAX;
}

/* Sum of level_size(part_size, j) for j = 0..q-1. */
static uint64_t levels_sum(uint64_t part_size, uint64_t q)
{
	uint64_t sum = 0, j = 0;
	if (part_size == 0)
		return 0;
	for (; j < q; j++) {
		uint64_t s = level_size(part_size, j);
		if (s == S3MPU_PART_SIZE_MAX)
			break;
		sum += s;
	}
	return sum + (q - j) * S3MPU_PART_SIZE_MAX;
}

/* Bytes in the first m parts (m <= 10,000) of a stream plan. */
static uint64_t stream_sum(uint64_t part_size, uint32_t growth, uint64_t m)
{
	uint64_t q, r;
	if (growth == 0)
		return part_size * m;
	q = m / growth;
	r = m % growth;
	return growth * levels_sum(part_size, q) + r * level_size(part_size, q);
}

/*
 * The growth interval for a stream. Any interval g whose 10,000 parts
 * reach 5 TiB would do, and g = 1 always does (5 MiB doubles to the cap in
 * 10 parts), but a small g makes parts huge early: memory is concurrency x
 * part size, and stores such as R2 want equal non-last parts. So take the
 * LARGEST such g: parts stay at `part_size` as long as possible and grow
 * only as much as 5 TiB requires. The sum over 10,000 parts never rises as
 * g grows (each part's level floor((n-1)/g) can only fall), so a binary
 * search finds it.
 */
static uint32_t growth_interval(uint64_t part_size)
{
	uint32_t lo = 1, hi = S3MPU_PART_NUMBER_MAX;

	if (part_size * S3MPU_PART_NUMBER_MAX >= S3MPU_OBJECT_SIZE_MAX)
		return 0;
	/* Invariant: lo reaches 5 TiB; every g >= hi does not (g = 10,000
	 * is constant size, which we know falls short). */
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (stream_sum(part_size, mid, S3MPU_PART_NUMBER_MAX) >= S3MPU_OBJECT_SIZE_MAX)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

int s3mpu_plan_init(s3mpu_plan *plan, uint64_t total, uint64_t preferred)
{
	uint64_t size = preferred ? preferred : S3MPU_PART_SIZE_DEFAULT;

	if (!plan)
		return S3MPU_E_ARGUMENT;
	if (size < S3MPU_PART_SIZE_MIN || size > S3MPU_PART_SIZE_MAX)
		return S3MPU_E_PART_SIZE;

	if (total == S3MPU_SIZE_UNKNOWN) {
		plan->total = total;
		plan->part_size = size;
		plan->part_count = 0;
		plan->growth_interval = growth_interval(size);
		return S3MPU_OK;
	}
	if (total > S3MPU_OBJECT_SIZE_MAX)
		return S3MPU_E_TOO_LARGE;
	if (size * S3MPU_PART_NUMBER_MAX < total) {
		/* ceil(total / 10,000) rounded up to 1 MiB; it exceeds
		 * `preferred` >= 5 MiB and is at most 525 MiB for 5 TiB. */
		size = (total + S3MPU_PART_NUMBER_MAX - 1) / S3MPU_PART_NUMBER_MAX;
		size = (size + MIB - 1) / MIB * MIB;
	}
	plan->total = total;
	plan->part_size = size;
	plan->part_count = total == 0 ? 1 : (uint32_t)((total + size - 1) / size);
	plan->growth_interval = 0;
	return S3MPU_OK;
}

uint64_t s3mpu_plan_part_size(const s3mpu_plan *plan, uint32_t part_number)
{
	if (!plan || part_number == 0)
		return 0;
	if (plan->total == S3MPU_SIZE_UNKNOWN) {
		if (part_number > S3MPU_PART_NUMBER_MAX)
			return 0;
		if (plan->growth_interval == 0)
			return plan->part_size;
		return level_size(plan->part_size, (part_number - 1) / plan->growth_interval);
	}
	if (part_number > plan->part_count)
		return 0;
	if (part_number < plan->part_count)
		return plan->part_size;
	return plan->total - (uint64_t)(plan->part_count - 1) * plan->part_size;
}

uint64_t s3mpu_plan_part_offset(const s3mpu_plan *plan, uint32_t part_number)
{
	uint64_t before;

	if (!plan || part_number == 0)
		return 0;
	before = part_number - 1;
	if (plan->total == S3MPU_SIZE_UNKNOWN) {
		if (before > S3MPU_PART_NUMBER_MAX)
			before = S3MPU_PART_NUMBER_MAX;
		return stream_sum(plan->part_size, plan->growth_interval, before);
	}
	/* Past the last part every part is empty: the offset is the total. */
	if (before >= plan->part_count)
		return plan->total;
	return before * plan->part_size;
}
