/* test_retry.c -- (status, code) -> retry class. */
#include "s3mpu.h"
#include "check.h"

typedef struct {
	int status;
	const char *code;
	int want;
} retry_row;

static void run_table(const retry_row *rows, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		int got = s3mpu_retry_classify(rows[i].status, s3mpu_str_from_cstr(rows[i].code));
		if (got != rows[i].want) {
			check_fail_at(__FILE__, __LINE__, "retry class");
			fprintf(stderr, "    status %d code \"%s\": got %d, want %d\n",
				rows[i].status, rows[i].code, got, rows[i].want);
		}
	}
}

#define RUN(rows) run_table(rows, sizeof rows / sizeof rows[0])

TEST(transient_statuses)
{
	static const retry_row rows[] = {
		{ 500, "", S3MPU_RETRY_YES },
		{ 502, "", S3MPU_RETRY_YES },
		{ 503, "", S3MPU_RETRY_YES },
		{ 504, "", S3MPU_RETRY_YES },
		{ 500, "InternalError", S3MPU_RETRY_YES },
		{ 503, "SlowDown", S3MPU_RETRY_YES },
		{ 503, "ServiceUnavailable", S3MPU_RETRY_YES },
		/* whatever the code */
		{ 500, "AccessDenied", S3MPU_RETRY_YES },
		{ 503, "SignatureDoesNotMatch", S3MPU_RETRY_YES },
		{ 504, "NoSuchUpload", S3MPU_RETRY_YES },
		{ 507, "", S3MPU_RETRY_YES },
		{ 599, "", S3MPU_RETRY_YES },
	};
	RUN(rows);
}
TEST(not_implemented_is_final)
{
	static const retry_row rows[] = {
		{ 501, "", S3MPU_RETRY_NO },
		{ 501, "NotImplemented", S3MPU_RETRY_NO },
	};
	RUN(rows);
}
TEST(transient_codes)
{
	static const retry_row rows[] = {
		{ 400, "RequestTimeout", S3MPU_RETRY_YES },
		{ 400, "BadDigest", S3MPU_RETRY_YES },
		{ 400, "XAmzContentSHA256Mismatch", S3MPU_RETRY_YES },
		{ 429, "SlowDown", S3MPU_RETRY_YES },
		{ 0, "InternalError", S3MPU_RETRY_YES },
	};
	RUN(rows);
}
/* Complete's 200-then-error: the <Error> body decides. */
TEST(complete_200_error)
{
	static const retry_row rows[] = {
		{ 200, "InternalError", S3MPU_RETRY_YES },
		{ 200, "SlowDown", S3MPU_RETRY_YES },
		{ 200, "InvalidPart", S3MPU_RETRY_NO },
		{ 200, "NoSuchUpload", S3MPU_RETRY_NO },
		{ 200, "", S3MPU_RETRY_NO },
	};
	RUN(rows);
}
TEST(skew_codes)
{
	static const retry_row rows[] = {
		{ 403, "RequestTimeTooSkewed", S3MPU_RETRY_SKEW },
		{ 403, "RequestExpired", S3MPU_RETRY_SKEW },
		{ 403, "RequestInTheFuture", S3MPU_RETRY_SKEW },
		{ 400, "RequestTimeTooSkewed", S3MPU_RETRY_SKEW },
		/* A skew code wins over a 5xx status: an unchanged retry
		 * would be refused again. */
		{ 503, "RequestTimeTooSkewed", S3MPU_RETRY_SKEW },
	};
	RUN(rows);
}
TEST(final_codes)
{
	static const retry_row rows[] = {
		{ 403, "SignatureDoesNotMatch", S3MPU_RETRY_NO },
		{ 403, "AccessDenied", S3MPU_RETRY_NO },
		{ 403, "InvalidAccessKeyId", S3MPU_RETRY_NO },
		{ 404, "NoSuchUpload", S3MPU_RETRY_NO },
		{ 404, "NoSuchBucket", S3MPU_RETRY_NO },
		{ 400, "InvalidPart", S3MPU_RETRY_NO },
		{ 400, "InvalidPartOrder", S3MPU_RETRY_NO },
		{ 400, "EntityTooSmall", S3MPU_RETRY_NO },
		{ 400, "EntityTooLarge", S3MPU_RETRY_NO },
		{ 400, "InvalidDigest", S3MPU_RETRY_NO },
		{ 400, "InvalidArgument", S3MPU_RETRY_NO },
		{ 400, "KeyTooLongError", S3MPU_RETRY_NO },
		{ 400, "MetadataTooLarge", S3MPU_RETRY_NO },
		{ 400, "InvalidStorageClass", S3MPU_RETRY_NO },
		{ 400, "", S3MPU_RETRY_NO },
		{ 404, "", S3MPU_RETRY_NO },
		{ 409, "", S3MPU_RETRY_NO },
		{ 429, "", S3MPU_RETRY_NO },
		{ 200, "", S3MPU_RETRY_NO },
		{ 204, "", S3MPU_RETRY_NO },
		{ 0, "", S3MPU_RETRY_NO },
		{ -1, "", S3MPU_RETRY_NO },
		{ 600, "", S3MPU_RETRY_NO },
	};
	RUN(rows);
}
/* Codes are case-sensitive and matched whole. */
TEST(codes_exact)
{
	static const retry_row rows[] = {
		{ 400, "slowdown", S3MPU_RETRY_NO },
		{ 400, "SlowDownX", S3MPU_RETRY_NO },
		{ 400, "Slow", S3MPU_RETRY_NO },
		{ 403, "requesttimetooskewed", S3MPU_RETRY_NO },
		{ 403, "RequestTimeTooSkewed ", S3MPU_RETRY_NO },
	};
	RUN(rows);
	/* Not NUL-terminated: only `len` bytes count. */
	CHECK_INT(s3mpu_retry_classify(400, (s3mpu_str){ "SlowDownAndMore", 8 }), S3MPU_RETRY_YES);
	CHECK_INT(s3mpu_retry_classify(400, (s3mpu_str){ NULL, 0 }), S3MPU_RETRY_NO);
	CHECK_INT(s3mpu_retry_classify(500, (s3mpu_str){ NULL, 5 }), S3MPU_RETRY_YES);
}

CHECK_MAIN(CASE(transient_statuses), CASE(not_implemented_is_final), CASE(transient_codes),
	CASE(complete_200_error), CASE(skew_codes), CASE(final_codes), CASE(codes_exact))
