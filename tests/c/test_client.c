/* test_client.c -- endpoint, region and credentials of a client (client.c). */
#include "fixture.h"

static int contains(s3mpu_str s, const char *part)
{
	size_t i, n = strlen(part);
	for (i = 0; i + n <= s.len; i++)
		if (memcmp(s.ptr + i, part, n) == 0)
			return 1;
	return 0;
}

/*
 * The client's host and region, as a request shows them: the Host header
 * (after "my-bucket." in virtual-hosted style), and the region in the
 * credential scope.
 */
static void check_host_region(s3mpu_client *c, const char *host, const char *region)
{
	s3mpu_op op = op_of(S3MPU_OP_ABORT_MULTIPART_UPLOAD);
	const s3mpu_str *h;
	s3mpu_request r;
	char scope[128];

	CHECK_INT(build(c, &op, &r), S3MPU_OK);
	h = header(&r, "host");
	CHECK(h != NULL);
	if (h && h->len > 10 && memcmp(h->ptr, "my-bucket.", 10) == 0)
		CHECK_MEM(h->ptr + 10, h->len - 10, host, strlen(host));
	else if (h)
		CHECK_STR(*h, host);
	snprintf(scope, sizeof scope, "/20150830/%s/s3/aws4_request,", region);
	CHECK(contains(r.signature.authorization, scope));
}

TEST(refuses_bad_client_config)
{
	s3mpu_client c;
	s3mpu_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.access_key = S3MPU_LIT("AK");
	cfg.secret_key = S3MPU_LIT("SK");
	cfg.endpoint = S3MPU_LIT("ftp://example.com");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_E_ENDPOINT);
	CHECK(strstr(s3mpu_client_detail(&c), "http://") != NULL);
	cfg.endpoint = S3MPU_LIT("https://example.com/path");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_E_ENDPOINT);
	cfg.endpoint = S3MPU_LIT("https://user@example.com");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_E_ENDPOINT);
	cfg.endpoint = S3MPU_LIT("http://127.0.0.1:99999");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_E_ENDPOINT);
	cfg.endpoint = S3MPU_LIT("http://minio.local:9000");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_E_REGION);
	CHECK(strstr(s3mpu_client_detail(&c), "region is required") != NULL);
	cfg.region = S3MPU_LIT("US East");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_E_REGION);
	cfg.region = S3MPU_LIT("us-east-1");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_OK);
	check_host_region(&c, "minio.local:9000", "us-east-1");
	cfg.access_key = S3MPU_LIT("");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_E_CREDENTIALS);
	cfg.access_key = S3MPU_LIT("AK");
	cfg.secret_key = S3MPU_LIT("");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_E_CREDENTIALS);
	/* The secret never appears in a detail message. */
	cfg.secret_key = S3MPU_LIT("TOPSECRET");
	cfg.endpoint = S3MPU_LIT("bogus");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_E_ENDPOINT);
	CHECK(strstr(s3mpu_client_detail(&c), "TOPSECRET") == NULL);
}

TEST(endpoint_forms)
{
	s3mpu_client c = client_for("HTTPS://S3.CN-North-1.JCloudCS.com:443", "", 0);
	check_host_region(&c, "s3.cn-north-1.jcloudcs.com", "cn-north-1");
	c = client_for("http://s3-internal.cn-east-1.jdcloud-oss.com:80", "", 0);
	check_host_region(&c, "s3-internal.cn-east-1.jdcloud-oss.com", "cn-east-1");
	c = client_for("https://s3.amazonaws.com", "", 0);
	check_host_region(&c, "s3.amazonaws.com", "us-east-1");
	c = client_for("http://[::1]:9000", "us-east-1", 0);
	check_host_region(&c, "[::1]:9000", "us-east-1");
	c = client_for("https://s3.cn-north-1.jcloudcs.com:8443", "", 0);
	check_host_region(&c, "s3.cn-north-1.jcloudcs.com:8443", "cn-north-1");
}

TEST(wipe_erases_secrets)
{
	s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_ABORT_MULTIPART_UPLOAD);
	s3mpu_request r;
	size_t i, nonzero = 0;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	s3mpu_client_wipe(&c);
	for (i = 0; i < sizeof c; i++)
		nonzero += ((unsigned char *)&c)[i] != 0;
	CHECK_INT(nonzero, 0);
}

CHECK_MAIN(CASE(refuses_bad_client_config), CASE(endpoint_forms), CASE(wipe_erases_secrets))
