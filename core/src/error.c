/* error.c -- error names, strings, wiping. See s3mpu.h. */
#include "internal.h"

static const char *const error_names[S3MPU_E_COUNT_] = {
	[S3MPU_OK] = "ok",
	[S3MPU_E_SPACE] = "output buffer too small",
	[S3MPU_E_ARGUMENT] = "invalid argument",
	[S3MPU_E_CREDENTIALS] = "credentials missing or invalid",
	[S3MPU_E_REGION] = "region missing or invalid",
	[S3MPU_E_ENDPOINT] = "endpoint invalid",
	[S3MPU_E_BUCKET] = "bucket name invalid",
	[S3MPU_E_KEY] = "object key invalid",
	[S3MPU_E_UPLOAD_ID] = "upload id missing or invalid",
	[S3MPU_E_PART_NUMBER] = "part number outside 1..10000",
	[S3MPU_E_PART_ORDER] = "parts not in ascending order",
	[S3MPU_E_PART_SIZE] = "part size outside 5 MiB..5 GiB",
	[S3MPU_E_TOO_LARGE] = "object too large for 10,000 parts",
	[S3MPU_E_EXPIRES] = "expiry outside 1..604800 seconds",
	[S3MPU_E_STORAGE_CLASS] = "storage class not allowed",
	[S3MPU_E_HEADER] = "header name or value invalid",
	[S3MPU_E_METADATA] = "user metadata invalid",
	[S3MPU_E_DATE] = "date invalid",
	[S3MPU_E_DIGEST] = "digest or checksum malformed",
	[S3MPU_E_ETAG] = "ETag missing or too long",
	[S3MPU_E_XML] = "malformed XML in response",
	[S3MPU_E_XML_SIZE] = "XML response too large",
	[S3MPU_E_XML_DOCUMENT] = "unexpected XML document in response",
	[S3MPU_E_S3] = "S3 returned an error",
	[S3MPU_E_NOMEM] = "out of memory",
};

const char *s3mpu_strerror(int err)
{
	if (err < 0 || err >= S3MPU_E_COUNT_ || !error_names[err])
		return "unknown error";
	return error_names[err];
}

s3mpu_str s3mpu_cstr(const char *s)
{
	s3mpu_str r;
	r.ptr = s;
	r.len = s ? strlen(s) : 0;
	return r;
}

void s3mpu_wipe(void *p, size_t len)
{
	/* A volatile pointer keeps the stores: the memory is about to die,
	 * which lets a compiler drop a plain memset. */
	volatile unsigned char *v = (volatile unsigned char *)p;
	while (len--)
		*v++ = 0;
}

int str_ieq(s3mpu_str a, s3mpu_str b)
{
	size_t i;
	if (a.len != b.len)
		return 0;
	for (i = 0; i < a.len; i++)
		if (ascii_lower(a.ptr[i]) != ascii_lower(b.ptr[i]))
			return 0;
	return 1;
}
