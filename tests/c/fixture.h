/*
 * fixture.h -- a client, an operation and a build for the tests of
 * build.c, client.c and sigv4.c (the AWS documentation's example keys).
 */
#ifndef S3MPU_TEST_FIXTURE_H
#define S3MPU_TEST_FIXTURE_H

#include "check.h"
#include "s3mpu.h"

#define NOW INT64_C(1440938160) /* 2015-08-30T12:36:00Z */

static char arena[1 << 20] __attribute__((unused));

static inline s3mpu_client client_for(const char *endpoint, const char *region, int path_style)
{
	s3mpu_client c;
	s3mpu_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.endpoint = s3mpu_str_from_cstr(endpoint);
	cfg.region = s3mpu_str_from_cstr(region);
	cfg.access_key = S3MPU_LIT("AKIDEXAMPLE");
	cfg.secret_key = S3MPU_LIT("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
	cfg.path_style = path_style;
	cfg.extra_storage_classes = S3MPU_LIT("GLACIER, STANDARD_IA");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_OK);
	return c;
}

static inline const s3mpu_str *header(const s3mpu_request *r, const char *name)
{
	size_t i;
	for (i = 0; i < r->header_count; i++)
		if (r->headers[i].name.len == strlen(name) &&
			memcmp(r->headers[i].name.ptr, name, strlen(name)) == 0)
			return &r->headers[i].value;
	return NULL;
}

#define CHECK_HEADER(req, name, want) \
	do { \
		const s3mpu_str *h_ = header(&(req), name); \
		CHECK(h_ != NULL); \
		if (h_) \
			CHECK_STR(*h_, want); \
	} while (0)

static inline int build(s3mpu_client *c, const s3mpu_op *op, s3mpu_request *r)
{
	size_t need = 0;
	return s3mpu_request_build(c, op, NOW, r, arena, sizeof arena, &need);
}

static inline s3mpu_op op_of(int kind)
{
	s3mpu_op op;
	memset(&op, 0, sizeof op);
	op.op = kind;
	op.bucket = S3MPU_LIT("my-bucket");
	op.key = S3MPU_LIT("photos/2026/cat.jpg");
	op.upload_id = S3MPU_LIT("VXBsb2FkIElE-abc_123");
	return op;
}

#endif
