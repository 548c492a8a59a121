/* test_presign_parts.c -- a batch of presigned UploadPart URLs is the same,
 * byte for byte, as a presigned s3mpu_request_build of each part. */
#include "check.h"
#include "s3mpu.h"

#include "fixture.h"

static char single[1 << 16];
static char signatures[64 * 16];

/* The URL of numbers[i] as s3mpu_request_presign_parts describes it. */
static size_t spliced(const s3mpu_presigned_parts *p, const char *sig, uint32_t n, char *out)
{
	s3mpu_str url = p->request.url;
	size_t at = p->number_at, rest = at + p->number_len, len = 0;
	memcpy(out, url.ptr, at);
	len = at + (size_t)sprintf(out + at, "%u", (unsigned)n);
	memcpy(out + len, url.ptr + rest, url.len - 64 - rest);
	len += url.len - 64 - rest;
	memcpy(out + len, sig, 64);
	return len + 64;
}

static void same_as_single_presigns(s3mpu_client *c, s3mpu_op op)
{
	static const uint32_t numbers[] = { 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 7, 7, 64 };
	const size_t count = sizeof numbers / sizeof *numbers;
	s3mpu_presigned_parts p;
	char url[4096];
	size_t i, need = 0;

	op.part_number = numbers[0];
	CHECK_INT(s3mpu_request_presign_parts(
			  c, &op, NOW, numbers, count, signatures, &p, arena, sizeof arena, &need),
		S3MPU_OK);
	for (i = 0; i < count; i++) {
		s3mpu_request r;
		size_t len = spliced(&p, signatures + 64 * i, numbers[i], url);
		op.part_number = numbers[i];
		CHECK_INT(s3mpu_request_build(c, &op, NOW, &r, single, sizeof single, &need),
			S3MPU_OK);
		CHECK_INT(len, r.url.len);
		CHECK(memcmp(url, r.url.ptr, r.url.len) == 0);
	}
}

TEST(same_as_single_presigns_virtual_hosted)
{
	s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_UPLOAD_PART);
	op.presign_expires = 3600;
	same_as_single_presigns(&c, op);
	/* A key and an upload id that spell "&partNumber=" once encoded away. */
	op.key = S3MPU_LIT("a/&partNumber=1&b/\xc3\xa9 x");
	op.upload_id = S3MPU_LIT("id&partNumber=1");
	same_as_single_presigns(&c, op);
}

TEST(same_as_single_presigns_path_style_token_md5)
{
	s3mpu_client c;
	s3mpu_config cfg;
	s3mpu_op op = op_of(S3MPU_OP_UPLOAD_PART);
	memset(&cfg, 0, sizeof cfg);
	cfg.endpoint = S3MPU_LIT("http://127.0.0.1:7480");
	cfg.region = S3MPU_LIT("us-east-1");
	cfg.access_key = S3MPU_LIT("AKIDEXAMPLE");
	cfg.secret_key = S3MPU_LIT("secret");
	cfg.session_token = S3MPU_LIT("token/with+chars=");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_OK);
	op.presign_expires = 1;
	op.content_md5 = S3MPU_LIT("XrY7u+Ae7tCTyyK7j1rNww==");
	same_as_single_presigns(&c, op);
	/* A long head: partNumber's digits far past the first blocks. */
	op.key = S3MPU_LIT("k/0123456789012345678901234567890123456789012345678901234567890123"
			   "4567890123456789012345678901234567890123456789");
	same_as_single_presigns(&c, op);
	s3mpu_client_wipe(&c);
}

TEST(refuses_what_is_no_batch_of_parts)
{
	s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_UPLOAD_PART);
	s3mpu_presigned_parts p;
	uint32_t numbers[2] = { 1, 2 };
	size_t need = 0;

	op.part_number = 1;
	/* Not presigned. */
	CHECK_INT(s3mpu_request_presign_parts(
			  &c, &op, NOW, numbers, 2, signatures, &p, arena, sizeof arena, &need),
		S3MPU_E_ARGUMENT);
	op.presign_expires = 60;
	numbers[1] = 10001;
	CHECK_INT(s3mpu_request_presign_parts(
			  &c, &op, NOW, numbers, 2, signatures, &p, arena, sizeof arena, &need),
		S3MPU_E_PART_NUMBER);
	numbers[1] = 0;
	CHECK_INT(s3mpu_request_presign_parts(
			  &c, &op, NOW, numbers, 2, signatures, &p, arena, sizeof arena, &need),
		S3MPU_E_PART_NUMBER);
	numbers[1] = 2;
	op.part_number = 0; /* the op's own part is checked as s3mpu_request_build checks it */
	CHECK_INT(s3mpu_request_presign_parts(
			  &c, &op, NOW, numbers, 2, signatures, &p, arena, sizeof arena, &need),
		S3MPU_E_PART_NUMBER);
	op.part_number = 1;
	CHECK_INT(s3mpu_request_presign_parts(
			  &c, &op, NOW, numbers, 2, signatures, &p, arena, 64, &need),
		S3MPU_E_SPACE);
	CHECK(need > 64);
	op.op = S3MPU_OP_ABORT_MULTIPART_UPLOAD;
	CHECK_INT(s3mpu_request_presign_parts(
			  &c, &op, NOW, numbers, 2, signatures, &p, arena, sizeof arena, &need),
		S3MPU_E_ARGUMENT);
}

CHECK_MAIN(CASE(same_as_single_presigns_virtual_hosted),
	CASE(same_as_single_presigns_path_style_token_md5), CASE(refuses_what_is_no_batch_of_parts))
