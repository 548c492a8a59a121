/*
 * fuzz_time.c -- the date parsers: "YYYYMMDDTHHMMSSZ" (s3mpu_time_parse)
 * and an HTTP Date header (s3mpu_time_parse_http, the server's clock for
 * skew correction), on any bytes.
 *
 * A date either parser accepts formats back to the same calendar fields;
 * the first 8 input bytes as a time format and parse back to that time.
 */
#include "fuzz.h"

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

/* Month 1..12 of the three letters at p (already accepted by the parser). */
static int month_of(const char *p)
{
	int m;

	for (m = 0; m < 12; m++)
		if (memcmp(p, months + 3 * m, 3) == 0)
			return m + 1;
	fuzz_fail(__FILE__, __LINE__, "month name");
	return 0;
}

/* The HTTP date's fields as "YYYYMMDDTHHMMSS" (leap second folded to 59). */
static void http_fields(const char *p, size_t len, char want[15])
{
	char mo[2];
	int m;

	if (len == 24) { /* asctime: "Sun Nov  6 08:49:37 1994" */
		memcpy(want, p + 20, 4);
		m = month_of(p + 4);
		want[6] = p[8] == ' ' ? '0' : p[8];
		want[7] = p[9];
		memcpy(want + 9, p + 11, 2);
		memcpy(want + 11, p + 14, 2);
		memcpy(want + 13, p + 17, 2);
	} else if (len == 29) { /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
		memcpy(want, p + 12, 4);
		m = month_of(p + 8);
		memcpy(want + 6, p + 5, 2);
		memcpy(want + 9, p + 17, 2);
		memcpy(want + 11, p + 20, 2);
		memcpy(want + 13, p + 23, 2);
	} else { /* rfc850: "Sunday, 06-Nov-94 08:49:37 GMT" */
		const char *q = p + len - 24;
		want[0] = q[9] >= '7' ? '1' : '2';
		want[1] = q[9] >= '7' ? '9' : '0';
		memcpy(want + 2, q + 9, 2);
		m = month_of(q + 5);
		memcpy(want + 6, q + 2, 2);
		memcpy(want + 9, q + 12, 2);
		memcpy(want + 11, q + 15, 2);
		memcpy(want + 13, q + 18, 2);
	}
	mo[0] = (char)('0' + m / 10);
	mo[1] = (char)('0' + m % 10);
	memcpy(want + 4, mo, 2);
	want[8] = 'T';
	if (memcmp(want + 13, "60", 2) == 0)
		memcpy(want + 13, "59", 2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = size ? malloc(size) : NULL;
	s3mpu_str s = { copy, size };
	char out[S3MPU_AMZ_DATE_LEN], want[15];
	int64_t t, back;
	uint64_t raw = 0;
	size_t i;

	if (size)
		memcpy(copy, data, size);
	if (s3mpu_time_parse(s, &t) == S3MPU_OK) {
		FUZZ_CHECK(s3mpu_time_format(t, out) == S3MPU_OK);
		FUZZ_CHECK(size == S3MPU_AMZ_DATE_LEN && memcmp(out, copy, size) == 0);
	}
	if (s3mpu_time_parse_http(s, &t) == S3MPU_OK) {
		FUZZ_CHECK(s3mpu_time_format(t, out) == S3MPU_OK);
		http_fields(copy, size, want);
		FUZZ_CHECK(memcmp(out, want, sizeof want) == 0);
	}
	for (i = 0; i < 8 && i < size; i++)
		raw = raw << 8 | data[i];
	t = (int64_t)(raw % (INT64_C(253402300799) + 2)) - (raw >> 63 ? 1 : 0);
	if (s3mpu_time_format(t, out) == S3MPU_OK) {
		s3mpu_str f = { out, sizeof out };
		FUZZ_CHECK(s3mpu_time_parse(f, &back) == S3MPU_OK && back == t);
	} else {
		FUZZ_CHECK(t < 0 || t > INT64_C(253402300799));
	}
	free(copy);
	return 0;
}
