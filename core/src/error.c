/* error.c -- error names and messages, strings, wiping. See s3mpu.h. */
#include "internal.h"

/*
 * Each code's name and sentence, bound to the code: adding a code is adding
 * a row here (tests/c/test_error.c fails for a code without one). The name
 * is what the JS layer calls it (S3InputError.code, S3Error.code), read
 * from the module through wasm/abi.c.
 */
static const struct {
	const char *name;
	const char *message;
} errors[S3MPU_E_COUNT_] = {
	[S3MPU_OK] = { "OK", "ok" },
	[S3MPU_E_SPACE] = { "BufferTooSmall", "output buffer too small" },
	[S3MPU_E_ARGUMENT] = { "InvalidArgument", "invalid argument" },
	[S3MPU_E_CREDENTIALS] = { "InvalidCredentials", "credentials missing or invalid" },
	[S3MPU_E_REGION] = { "InvalidRegion", "region missing or invalid" },
	[S3MPU_E_ENDPOINT] = { "InvalidEndpoint", "endpoint invalid" },
	[S3MPU_E_BUCKET] = { "InvalidBucketName", "bucket name invalid" },
	[S3MPU_E_KEY] = { "InvalidKey", "object key invalid" },
	[S3MPU_E_UPLOAD_ID] = { "InvalidUploadId", "upload id missing or invalid" },
	[S3MPU_E_PART_NUMBER] = { "InvalidPartNumber", "part number outside 1..10000" },
	[S3MPU_E_PART_ORDER] = { "InvalidPartOrder", "parts not in ascending order" },
	[S3MPU_E_PART_SIZE] = { "InvalidPartSize", "part size outside 5 MiB..5 GiB" },
	[S3MPU_E_TOO_LARGE] = { "EntityTooLarge", "object too large for 10,000 parts" },
	[S3MPU_E_EXPIRES] = { "InvalidExpires", "expiry outside 1..604800 seconds" },
	[S3MPU_E_STORAGE_CLASS] = { "InvalidStorageClass", "storage class not allowed" },
	[S3MPU_E_HEADER] = { "InvalidHeader", "header name or value invalid" },
	[S3MPU_E_METADATA] = { "InvalidMetadata", "user metadata invalid" },
	[S3MPU_E_DATE] = { "InvalidDate", "date invalid" },
	[S3MPU_E_DIGEST] = { "InvalidDigest", "digest or checksum malformed" },
	[S3MPU_E_ETAG] = { "InvalidETag", "ETag missing or too long" },
	[S3MPU_E_XML] = { "MalformedXML", "malformed XML in response" },
	[S3MPU_E_XML_SIZE] = { "XMLTooLarge", "XML response too large" },
	[S3MPU_E_XML_DOCUMENT] = { "UnexpectedXML", "unexpected XML document in response" },
	[S3MPU_E_S3] = { "S3Error", "S3 returned an error" },
	[S3MPU_E_NOMEM] = { "OutOfMemory", "out of memory" },
};

static int is_code(int err) { return err >= 0 && err < S3MPU_E_COUNT_ && errors[err].name; }

const char *s3mpu_error_name(int err) { return is_code(err) ? errors[err].name : ""; }

const char *s3mpu_error_message(int err)
{
	return is_code(err) ? errors[err].message : "unknown error";
}

s3mpu_str s3mpu_str_from_cstr(const char *s)
{
	s3mpu_str r;
	r.ptr = s;
	r.len = s ? strlen(s) : 0;
	return r;
}

void s3mpu_memory_wipe(void *p, size_t len)
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
