/*
 * fuzz_validate.c -- the checks of user input and the small readers of
 * server input outside XML, on fields of any bytes: bucket name, key,
 * header name and value, a base64 digest, an HTTP status and S3 error
 * code (retry policy), and an object and part size (part planning).
 *
 * Each accepts exactly what an independent reference accepts (bucket:
 * what it accepts breaks none of the rules), base64 decodes strictly
 * (what decodes encodes back to the same text), and every plan covers
 * the object exactly in at most 10,000 parts of 5 MiB..5 GiB.
 */
#include "fuzz.h"

/* RFC 3629 well-formed UTF-8, no NUL: a decoder, not a table of ranges. */
static int reference_key_ok(s3mpu_str k)
{
	size_t i = 0;

	if (k.len < 1 || k.len > S3MPU_KEY_MAX)
		return 0;
	while (i < k.len) {
		unsigned char b = (unsigned char)k.ptr[i];
		uint32_t cp, min;
		size_t n, j;

		if (b == 0)
			return 0;
		if (b < 0x80) {
			i++;
			continue;
		}
		if ((b & 0xE0) == 0xC0)
			n = 2, cp = b & 0x1F, min = 0x80;
		else if ((b & 0xF0) == 0xE0)
			n = 3, cp = b & 0x0F, min = 0x800;
		else if ((b & 0xF8) == 0xF0)
			n = 4, cp = b & 0x07, min = 0x10000;
		else
			return 0;
		if (k.len - i < n)
			return 0;
		for (j = 1; j < n; j++) {
			unsigned char c = (unsigned char)k.ptr[i + j];
			if ((c & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (c & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n;
	}
	return 1;
}

static int reference_header_ok(s3mpu_str name, s3mpu_str value)
{
	static const char tchar[] = "!#$%&'*+-.^_`|~";
	size_t i;

	if (name.len == 0)
		return 0;
	for (i = 0; i < name.len; i++) {
		unsigned char c = (unsigned char)name.ptr[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			    (c != 0 && memchr(tchar, c, sizeof tchar - 1))))
			return 0;
	}
	for (i = 0; i < value.len; i++) {
		unsigned char c = (unsigned char)value.ptr[i];
		if (c == '\r' || c == '\n' || c == 0 || c == 0x7F || (c < 0x20 && c != '\t'))
			return 0;
	}
	return 1;
}

static void check_bucket(s3mpu_str b)
{
	size_t i;

	if (s3mpu_bucket_validate(b) != S3MPU_OK)
		return;
	FUZZ_CHECK(b.len >= 3 && b.len <= 63);
	for (i = 0; i < b.len; i++) {
		char c = b.ptr[i];
		FUZZ_CHECK(
			(c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
		FUZZ_CHECK(!(c == '.' && (i == 0 || i + 1 == b.len || b.ptr[i - 1] == '.')));
	}
	FUZZ_CHECK(b.ptr[0] != '-' && b.ptr[b.len - 1] != '-');
	FUZZ_CHECK(b.len < 4 || memcmp(b.ptr, "xn--", 4) != 0);
}

static void check_base64(s3mpu_str s)
{
	size_t need = 0, got = 0;
	unsigned char *raw;
	char *again;
	int rc = s3mpu_base64_decode(s.ptr, s.len, NULL, 0, &need);

	if (rc == S3MPU_E_DIGEST) {
		FUZZ_CHECK(need == 0);
		return;
	}
	FUZZ_CHECK(rc == (need ? S3MPU_E_SPACE : S3MPU_OK));
	raw = malloc(need ? need : 1);
	again = malloc(s.len ? s.len : 1);
	FUZZ_CHECK(raw != NULL && again != NULL);
	FUZZ_CHECK(s3mpu_base64_decode(s.ptr, s.len, raw, need, &got) == S3MPU_OK && got == need);
	FUZZ_CHECK(s3mpu_base64_encode(raw, got, again) == s.len);
	FUZZ_CHECK(s.len == 0 || memcmp(again, s.ptr, s.len) == 0);
	free(raw);
	free(again);
}

/* Part n's size, and that it starts where part n - 1 ended. */
static uint64_t plan_step(const s3mpu_plan *plan, uint32_t n)
{
	uint64_t size = s3mpu_plan_part_size(plan, n);

	if (n > 1)
		FUZZ_CHECK(s3mpu_plan_part_offset(plan, n) ==
			s3mpu_plan_part_offset(plan, n - 1) + s3mpu_plan_part_size(plan, n - 1));
	else
		FUZZ_CHECK(s3mpu_plan_part_offset(plan, 1) == 0);
	return size;
}

/* Parts 1..count, every one when few, else the first, the last and 64
 * spread between (each checked against its predecessor). */
static void check_plan(uint64_t total, uint64_t preferred)
{
	s3mpu_plan plan;
	uint32_t count, n, step;
	uint64_t size;

	if (s3mpu_plan_init(&plan, total, preferred) != S3MPU_OK)
		return;
	FUZZ_CHECK(plan.part_size >= 1 && plan.part_size <= S3MPU_PART_SIZE_MAX);
	count = total == S3MPU_SIZE_UNKNOWN ? S3MPU_PART_NUMBER_MAX : plan.part_count;
	FUZZ_CHECK(count >= 1 && count <= S3MPU_PART_NUMBER_MAX);
	step = count <= 128 ? 1 : count / 64;
	for (n = 1; n <= count; n = n + step < count || n == count ? n + step : count) {
		size = plan_step(&plan, n);
		FUZZ_CHECK(size <= S3MPU_PART_SIZE_MAX);
		if (total == S3MPU_SIZE_UNKNOWN) {
			FUZZ_CHECK(size >= S3MPU_PART_SIZE_MIN);
			continue;
		}
		FUZZ_CHECK(size > 0 || total == 0);
		if (n < count)
			FUZZ_CHECK(size == plan.part_size && size >= S3MPU_PART_SIZE_MIN);
	}
	size = s3mpu_plan_part_offset(&plan, count) + s3mpu_plan_part_size(&plan, count);
	if (total == S3MPU_SIZE_UNKNOWN) {
		FUZZ_CHECK(size >= S3MPU_OBJECT_SIZE_MAX);
	} else {
		FUZZ_CHECK(size == total);
		FUZZ_CHECK(s3mpu_plan_part_size(&plan, count + 1) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in in;
	s3mpu_str bucket, key, name, value, b64, code;
	uint64_t status, total, preferred;
	int retry;

	fuzz_in_init(&in, data, size);
	bucket = fuzz_str(&in);
	key = fuzz_str(&in);
	name = fuzz_str(&in);
	value = fuzz_str(&in);
	b64 = fuzz_str(&in);
	status = fuzz_num(&in);
	code = fuzz_str(&in);
	total = fuzz_num(&in);
	preferred = fuzz_num(&in);

	check_bucket(bucket);
	FUZZ_CHECK((s3mpu_key_validate(key) == S3MPU_OK) == reference_key_ok(key));
	FUZZ_CHECK((s3mpu_header_validate(name, value) == S3MPU_OK) ==
		reference_header_ok(name, value));
	check_base64(b64);
	retry = s3mpu_retry_classify((int)(status % 1000), code);
	FUZZ_CHECK(
		retry == S3MPU_RETRY_NO || retry == S3MPU_RETRY_YES || retry == S3MPU_RETRY_SKEW);
	/* Sizes around the limits are what matter: the value's last digits
	 * pick one of them and an offset from it. */
	{
		static const uint64_t bases[] = { 0, S3MPU_PART_SIZE_MIN, S3MPU_PART_SIZE_MAX,
			S3MPU_OBJECT_SIZE_MAX, S3MPU_PART_SIZE_DEFAULT * S3MPU_PART_NUMBER_MAX,
			UINT64_MAX };
		uint64_t t = bases[total % 6] + (total / 6) % 4096 - 2048;
		check_plan(total % 6 == 5 ? S3MPU_SIZE_UNKNOWN : t,
			preferred % 3 == 0 ? 0
					   : bases[preferred % 6] + (preferred / 6) % 4096 - 2048);
		check_plan(total, preferred);
	}
	fuzz_in_free(&in);
	return 0;
}
