/* etag.c -- the ETag of a multipart object. See s3mpu.h. */
#include "internal.h"

/* see s3mpu.h */
size_t s3mpu_multipart_etag_format(const s3mpu_md5 *md5_of_md5s, uint32_t part_count, char out[38])
{
	unsigned char digest[S3MPU_MD5_SIZE];
	size_t len;

	/* out has room for 5 digits; S3 allows at most 10,000 parts. */
	if (part_count == 0 || part_count > S3MPU_PART_NUMBER_MAX)
		return 0;
	s3mpu_md5_digest(md5_of_md5s, digest);
	s3mpu_hex_encode(digest, sizeof digest, out);
	len = 2 * sizeof digest;
	out[len++] = '-';
	return len + decimal_format(part_count, out + len);
}
