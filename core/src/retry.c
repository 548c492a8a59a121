/* retry.c -- which failures are worth another try. See s3mpu.h.
 *
 * Sources: AWS "Error responses" and error best practices (retry
 * InternalError, back off on SlowDown), botocore's standard retry mode and
 * aws-sdk-js-v3 service-error-classification (transient statuses 500, 502,
 * 503, 504; clock-skew codes). */
#include "internal.h"

/* A request the server took too late or too early: re-sign with the
 * server's clock. Checked first, whatever the status: retrying these
 * unchanged cannot succeed. SignatureDoesNotMatch is not here although
 * the SDKs list it: it is usually a real signing bug, and the JS layer
 * decides itself whether to retry it once after a skew correction. */
static const char *const skew_codes[] = {
	"RequestTimeTooSkewed",
	"RequestExpired",
	"RequestInTheFuture",
};

/* Transient whatever the status: a 200 from Complete can carry
 * InternalError or SlowDown in its body (AWS knowledge center
 * "s3-resolve-200-internalerror"); BadDigest and
 * XAmzContentSHA256Mismatch mean the body was damaged on the way, so
 * sending it again can succeed. */
static const char *const transient_codes[] = {
	"SlowDown",
	"RequestTimeout",
	"InternalError",
	"BadDigest",
	"XAmzContentSHA256Mismatch",
};

static int code_in(s3mpu_str code, const char *const *list, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (str_eq(code, s3mpu_str_from_cstr(list[i])))
			return 1;
	return 0;
}

int s3mpu_retry_classify(int status, s3mpu_str code)
{
	if (!code.ptr)
		code.len = 0;
	if (code_in(code, skew_codes, sizeof skew_codes / sizeof skew_codes[0]))
		return S3MPU_RETRY_SKEW;
	if (code_in(code, transient_codes, sizeof transient_codes / sizeof transient_codes[0]))
		return S3MPU_RETRY_YES;
	/* Every 5xx but 501: "Not Implemented" (S3's NotImplemented) says
	 * the request itself is unsupported, so it would fail again. */
	if (status >= 500 && status <= 599 && status != 501)
		return S3MPU_RETRY_YES;
	return S3MPU_RETRY_NO;
}
