/* test_error.c -- error names and messages, s3mpu_str_from_cstr, s3mpu_memory_wipe (error.c). */
#include "check.h"
#include "s3mpu.h"

/* Every code has its own sentence; anything else is "unknown error". */
TEST(every_code_named_once)
{
	int a, b;
	for (a = 0; a < S3MPU_E_COUNT_; a++) {
		const char *name = s3mpu_error_message(a);
		CHECK(name != NULL && name[0] != '\0');
		CHECK(strcmp(name, "unknown error") != 0);
		for (b = 0; b < a; b++)
			CHECK(strcmp(name, s3mpu_error_message(b)) != 0);
	}
	CHECK_CSTR(s3mpu_error_message(S3MPU_OK), "ok");
	CHECK_CSTR(s3mpu_error_message(S3MPU_E_BUCKET), "bucket name invalid");
	CHECK_CSTR(s3mpu_error_message(-1), "unknown error");
	CHECK_CSTR(s3mpu_error_message(S3MPU_E_COUNT_), "unknown error");
}

/* Every code has a name of its own, the JS layer's error code. */
TEST(every_code_has_a_name)
{
	int a, b;
	for (a = 0; a < S3MPU_E_COUNT_; a++) {
		const char *name = s3mpu_error_name(a);
		CHECK(name != NULL && name[0] >= 'A' && name[0] <= 'Z');
		for (b = 0; b < a; b++)
			CHECK(strcmp(name, s3mpu_error_name(b)) != 0);
	}
	CHECK_CSTR(s3mpu_error_name(S3MPU_E_BUCKET), "InvalidBucketName");
	CHECK_CSTR(s3mpu_error_name(-1), "");
	CHECK_CSTR(s3mpu_error_name(S3MPU_E_COUNT_), "");
}

TEST(cstr)
{
	s3mpu_str s = s3mpu_str_from_cstr("abc");
	CHECK_STR(s, "abc");
	s = s3mpu_str_from_cstr(NULL);
	CHECK(s.ptr == NULL && s.len == 0);
	s = s3mpu_str_from_cstr("");
	CHECK_INT(s.len, 0);
}

TEST(wipe_zeroes)
{
	unsigned char b[37];
	size_t i, nonzero = 0;
	memset(b, 0xa5, sizeof b);
	s3mpu_memory_wipe(b + 1, sizeof b - 2);
	CHECK_INT(b[0], 0xa5);
	CHECK_INT(b[sizeof b - 1], 0xa5);
	for (i = 1; i + 1 < sizeof b; i++)
		nonzero += b[i] != 0;
	CHECK_INT(nonzero, 0);
	s3mpu_memory_wipe(NULL, 0);
}

CHECK_MAIN(CASE(every_code_named_once), CASE(every_code_has_a_name), CASE(cstr), CASE(wipe_zeroes))
