/* test_build.c -- every operation's request, and every input refused. */
#include "check.h"
#include "s3mpu.h"

#include "fixture.h"

/* ------------------------------------------------------------------ */

TEST(create_jd_cloud_virtual_hosted)
{
	s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_CREATE_MULTIPART_UPLOAD);
	s3mpu_request r;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.method, "POST");
	CHECK_STR(
		r.url, "https://my-bucket.s3.cn-north-1.jcloudcs.com/photos/2026/cat.jpg?uploads=");
	CHECK_HEADER(r, "host", "my-bucket.s3.cn-north-1.jcloudcs.com");
	CHECK_HEADER(r, "content-type", "binary/octet-stream");
	CHECK_HEADER(r, "content-length", "0");
	CHECK_HEADER(r, "x-amz-date", "20150830T123600Z");
	CHECK_HEADER(r, "x-amz-content-sha256", S3MPU_EMPTY_SHA256);
	CHECK_STR(r.signature.canonical_request,
		"POST\n/photos/2026/cat.jpg\nuploads=\n"
		"content-type:binary/octet-stream\n"
		"host:my-bucket.s3.cn-north-1.jcloudcs.com\n"
		"x-amz-content-sha256:" S3MPU_EMPTY_SHA256 "\n"
		"x-amz-date:20150830T123600Z\n\n"
		"content-type;host;x-amz-content-sha256;x-amz-date\n" S3MPU_EMPTY_SHA256);
	CHECK_STR(r.signature.string_to_sign,
		"AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/cn-north-1/s3/aws4_request\n"
		"153efead6ce4e0fd9815dcbfb23b6088d1d51f9d95f20fe52e5aa84112425f2e");
	/* Signature computed independently (Python hashlib/hmac). */
	CHECK_HEADER(r, "authorization",
		"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/cn-north-1/s3/aws4_request, "
		"SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, "
		"Signature=64e074bff5d512657ff4127556610ffb0c258ba8b04b0880f21cf1d64431309d");
	CHECK_INT(r.body.len, 0);
}

TEST(create_every_header_and_metadata)
{
	s3mpu_client c = client_for("https://s3.cn-east-2.jdcloud-oss.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_CREATE_MULTIPART_UPLOAD);
	s3mpu_kv meta[2] = {
		{ S3MPU_LIT("Author"), S3MPU_LIT("Ada  Lovelace") },
		{ S3MPU_LIT("run-id"), S3MPU_LIT("42") },
	};
	s3mpu_request r;
	op.content_type = S3MPU_LIT("image/jpeg");
	op.cache_control = S3MPU_LIT("max-age=3600");
	op.content_disposition = S3MPU_LIT("attachment; filename=\"cat.jpg\"");
	op.content_encoding = S3MPU_LIT("identity");
	op.expires = S3MPU_LIT("Thu, 01 Dec 2026 16:00:00 GMT");
	op.content_md5 = S3MPU_LIT("1B2M2Y8AsgTpgAmY7PhCfg==");
	op.storage_class = S3MPU_LIT("STANDARD_IA");
	op.metadata = meta;
	op.metadata_count = 2;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.url,
		"https://my-bucket.s3.cn-east-2.jdcloud-oss.com/photos/2026/cat.jpg?uploads=");
	CHECK_HEADER(r, "x-amz-meta-author", "Ada  Lovelace");
	CHECK_HEADER(r, "x-amz-meta-run-id", "42");
	CHECK_HEADER(r, "x-amz-storage-class", "STANDARD_IA");
	CHECK_STR(r.signature.canonical_request,
		"POST\n/photos/2026/cat.jpg\nuploads=\n"
		"cache-control:max-age=3600\n"
		"content-disposition:attachment; filename=\"cat.jpg\"\n"
		"content-encoding:identity\n"
		"content-md5:1B2M2Y8AsgTpgAmY7PhCfg==\n"
		"content-type:image/jpeg\n"
		"expires:Thu, 01 Dec 2026 16:00:00 GMT\n"
		"host:my-bucket.s3.cn-east-2.jdcloud-oss.com\n"
		"x-amz-content-sha256:" S3MPU_EMPTY_SHA256 "\n"
		"x-amz-date:20150830T123600Z\n"
		"x-amz-meta-author:Ada Lovelace\n"
		"x-amz-meta-run-id:42\n"
		"x-amz-storage-class:STANDARD_IA\n\n"
		"cache-control;content-disposition;content-encoding;content-md5;content-type;"
		"expires;"
		"host;x-amz-content-sha256;x-amz-date;x-amz-meta-author;x-amz-meta-run-id;"
		"x-amz-storage-class\n" S3MPU_EMPTY_SHA256);
}

TEST(create_declares_checksum_algorithm)
{
	s3mpu_client c = client_for("https://s3.us-west-2.amazonaws.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_CREATE_MULTIPART_UPLOAD);
	s3mpu_request r;
	op.checksum_algorithm = S3MPU_CHECKSUM_CRC32C;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_HEADER(r, "x-amz-checksum-algorithm", "CRC32C");
	CHECK(strstr(r.signature.string_to_sign.ptr, "/us-west-2/s3/aws4_request") != NULL);
}

TEST(upload_part_path_style_custom_endpoint)
{
	s3mpu_client c = client_for("http://127.0.0.1:9000/", "us-east-1", 0);
	s3mpu_op op = op_of(S3MPU_OP_UPLOAD_PART);
	s3mpu_request r;
	op.part_number = 3;
	op.content_length = 5242880;
	op.content_md5 = S3MPU_LIT("XrY7u+Ae7tCTyyK7j1rNww==");
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.method, "PUT");
	/* An IP address cannot carry a bucket sub-domain: path style. */
	CHECK_STR(r.url,
		"http://127.0.0.1:9000/my-bucket/photos/2026/cat.jpg"
		"?partNumber=3&uploadId=VXBsb2FkIElE-abc_123");
	CHECK_HEADER(r, "host", "127.0.0.1:9000");
	CHECK_HEADER(r, "content-length", "5242880");
	CHECK_HEADER(r, "content-md5", "XrY7u+Ae7tCTyyK7j1rNww==");
	CHECK_HEADER(r, "x-amz-content-sha256", "UNSIGNED-PAYLOAD");
	CHECK(header(&r, "content-type") == NULL);
	CHECK_STR(r.signature.signed_headers, "content-md5;host;x-amz-content-sha256;x-amz-date");
}

TEST(upload_part_payload_hash_and_checksums)
{
	static const struct {
		int alg;
		const char *value, *name;
	} cases[] = {
		{ S3MPU_CHECKSUM_CRC32, "yZRlqg==", "x-amz-checksum-crc32" },
		{ S3MPU_CHECKSUM_CRC32C, "4waSgw==", "x-amz-checksum-crc32c" },
		{ S3MPU_CHECKSUM_SHA256,
			"ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", "x-amz-checksum-sha256" },
	};
	s3mpu_client c = client_for("http://localhost:7480", "us-east-1", 1);
	size_t i;
	for (i = 0; i < 3; i++) {
		s3mpu_op op = op_of(S3MPU_OP_UPLOAD_PART);
		s3mpu_request r;
		op.part_number = 1;
		op.content_length = 3;
		op.payload_hash = S3MPU_LIT(
			"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		op.checksum_algorithm = cases[i].alg;
		op.checksum = s3mpu_str_from_cstr(cases[i].value);
		CHECK_INT(build(&c, &op, &r), S3MPU_OK);
		CHECK_STR(r.url,
			"http://localhost:7480/my-bucket/photos/2026/cat.jpg"
			"?partNumber=1&uploadId=VXBsb2FkIElE-abc_123");
		CHECK_HEADER(r, cases[i].name, cases[i].value);
		CHECK_HEADER(r, "x-amz-content-sha256",
			"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}
}

TEST(complete_body_ascending_escaped)
{
	s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 1);
	s3mpu_op op = op_of(S3MPU_OP_COMPLETE_MULTIPART_UPLOAD);
	s3mpu_part parts[3];
	s3mpu_request r;
	s3mpu_sha256 sha;
	unsigned char d[32];
	char hex[64];
	memset(parts, 0, sizeof parts);
	parts[0].number = 1;
	strcpy(parts[0].etag, "\"a54357aff0632cce46d942af68356b38\"");
	parts[1].number = 2;
	strcpy(parts[1].etag, "\"0c78aef83f66abc1fa1e8477f296d394\"");
	parts[2].number = 5;
	strcpy(parts[2].etag, "<&'>");
	for (size_t i = 0; i < 3; i++)
		parts[i].etag_len = strlen(parts[i].etag);
	op.parts = parts;
	op.part_count = 3;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.method, "POST");
	CHECK_STR(r.url,
		"https://s3.cn-north-1.jcloudcs.com/my-bucket/photos/2026/cat.jpg"
		"?uploadId=VXBsb2FkIElE-abc_123");
	CHECK_STR(r.body,
		"<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
		"<Part><PartNumber>1</"
		"PartNumber><ETag>&quot;a54357aff0632cce46d942af68356b38&quot;</ETag></Part>"
		"<Part><PartNumber>2</"
		"PartNumber><ETag>&quot;0c78aef83f66abc1fa1e8477f296d394&quot;</ETag></Part>"
		"<Part><PartNumber>5</PartNumber><ETag>&lt;&amp;&apos;&gt;</ETag></Part>"
		"</CompleteMultipartUpload>");
	/* The body is signed: its hash is the payload hash. */
	s3mpu_sha256_init(&sha);
	s3mpu_sha256_update(&sha, r.body.ptr, r.body.len);
	s3mpu_sha256_digest(&sha, d);
	s3mpu_hex_encode(d, 32, hex);
	{
		const s3mpu_str *h = header(&r, "x-amz-content-sha256");
		CHECK(h && h->len == 64 && memcmp(h->ptr, hex, 64) == 0);
	}
	{
		char len[16];
		snprintf(len, sizeof len, "%zu", r.body.len);
		CHECK_HEADER(r, "content-length", len);
	}
}

TEST(complete_with_part_checksums)
{
	s3mpu_client c = client_for("https://s3.us-east-1.amazonaws.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_COMPLETE_MULTIPART_UPLOAD);
	s3mpu_part p;
	s3mpu_request r;
	memset(&p, 0, sizeof p);
	p.number = 1;
	strcpy(p.etag, "\"e1\"");
	p.etag_len = 4;
	strcpy(p.checksum, "yZRlqg==");
	p.checksum_len = 8;
	op.parts = &p;
	op.part_count = 1;
	op.checksum_algorithm = S3MPU_CHECKSUM_CRC32;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK(strstr(r.body.ptr,
		      "<ETag>&quot;e1&quot;</ETag><ChecksumCRC32>yZRlqg==</ChecksumCRC32></"
		      "Part>") != NULL);
	p.checksum_len = 0;
	CHECK_INT(build(&c, &op, &r), S3MPU_E_DIGEST);
}

TEST(abort_list_head_put)
{
	s3mpu_client c = client_for("https://s3.cn-south-1.jdcloud-oss.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_ABORT_MULTIPART_UPLOAD);
	s3mpu_request r;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.method, "DELETE");
	CHECK_STR(r.url,
		"https://my-bucket.s3.cn-south-1.jdcloud-oss.com/photos/2026/"
		"cat.jpg?uploadId=VXBsb2FkIElE-abc_123");
	CHECK(header(&r, "content-length") == NULL);

	op = op_of(S3MPU_OP_LIST_PARTS);
	op.max_parts = 1000;
	op.part_number_marker = 17;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.method, "GET");
	CHECK_STR(r.url,
		"https://my-bucket.s3.cn-south-1.jdcloud-oss.com/photos/2026/cat.jpg"
		"?max-parts=1000&part-number-marker=17&uploadId=VXBsb2FkIElE-abc_123");

	op = op_of(S3MPU_OP_LIST_MULTIPART_UPLOADS);
	op.prefix = S3MPU_LIT("photos/");
	op.key_marker = S3MPU_LIT("photos/a b");
	op.upload_id_marker = S3MPU_LIT("xyz");
	op.max_uploads = 3;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.url,
		"https://my-bucket.s3.cn-south-1.jdcloud-oss.com/"
		"?key-marker=photos%2Fa%20b&max-uploads=3&prefix=photos%2F&upload-id-marker=xyz&"
		"uploads=");

	op = op_of(S3MPU_OP_HEAD_OBJECT);
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.method, "HEAD");
	CHECK_STR(r.url, "https://my-bucket.s3.cn-south-1.jdcloud-oss.com/photos/2026/cat.jpg");

	op = op_of(S3MPU_OP_DELETE_OBJECT);
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.method, "DELETE");
	CHECK_STR(r.url, "https://my-bucket.s3.cn-south-1.jdcloud-oss.com/photos/2026/cat.jpg");

	op = op_of(S3MPU_OP_PUT_OBJECT);
	op.content_length = 12;
	op.content_type = S3MPU_LIT("text/plain");
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.method, "PUT");
	CHECK_HEADER(r, "content-type", "text/plain");
	CHECK_HEADER(r, "content-length", "12");
}

TEST(list_uploads_path_style)
{
	s3mpu_client c = client_for("http://localhost:7480", "us-east-1", 1);
	s3mpu_op op = op_of(S3MPU_OP_LIST_MULTIPART_UPLOADS);
	s3mpu_request r;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.url, "http://localhost:7480/my-bucket?uploads=");
}

TEST(keys_encoded_once_never_normalised)
{
	s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_HEAD_OBJECT);
	s3mpu_request r;
	op.key = S3MPU_LIT("//a/./b/../ c+d%20\xe1\x88\xb4~");
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.url,
		"https://my-bucket.s3.cn-north-1.jcloudcs.com///a/./b/../%20c%2Bd%2520%E1%88%B4~");
	CHECK(strncmp(r.signature.canonical_request.ptr,
		      "HEAD\n///a/./b/../%20c%2Bd%2520%E1%88%B4~\n", 41) == 0);
}

TEST(dotted_bucket_over_https_goes_path_style)
{
	s3mpu_client c = client_for("https://s3.us-east-1.amazonaws.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_HEAD_OBJECT);
	s3mpu_request r;
	op.bucket = S3MPU_LIT("my.dotted.bucket");
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_STR(r.url, "https://s3.us-east-1.amazonaws.com/my.dotted.bucket/photos/2026/cat.jpg");
}

TEST(localhost_goes_path_style)
{
	/* "my-bucket.localhost" resolves nowhere on most systems. */
	static const char *const endpoints[] = { "http://localhost:9000", "http://LocalHost",
		"https://localhost:8443/" };
	static const char *const urls[] = { "http://localhost:9000/my-bucket/photos/2026/cat.jpg",
		"http://localhost/my-bucket/photos/2026/cat.jpg",
		"https://localhost:8443/my-bucket/photos/2026/cat.jpg" };
	size_t i;
	for (i = 0; i < sizeof endpoints / sizeof *endpoints; i++) {
		s3mpu_client c = client_for(endpoints[i], "us-east-1", 0);
		s3mpu_op op = op_of(S3MPU_OP_HEAD_OBJECT);
		s3mpu_request r;
		CHECK_INT(build(&c, &op, &r), S3MPU_OK);
		CHECK_STR(r.url, urls[i]);
	}
	{
		/* A name that only starts with "localhost" is a host like any other. */
		s3mpu_client c = client_for("http://localhost.example:9000", "us-east-1", 0);
		s3mpu_op op = op_of(S3MPU_OP_HEAD_OBJECT);
		s3mpu_request r;
		CHECK_INT(build(&c, &op, &r), S3MPU_OK);
		CHECK_STR(r.url, "http://my-bucket.localhost.example:9000/photos/2026/cat.jpg");
	}
}

TEST(presigned_upload_part)
{
	s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_UPLOAD_PART);
	s3mpu_request r;
	op.part_number = 7;
	op.content_length = 8 << 20;
	op.presign_expires = 3600;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK(header(&r, "authorization") == NULL);
	CHECK(header(&r, "x-amz-date") == NULL);
	{
		static const char want[] =
			"https://my-bucket.s3.cn-north-1.jcloudcs.com/photos/2026/cat.jpg?"
			"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%"
			"2Fcn-north-1"
			"%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&"
			"X-Amz-SignedHeaders=host&partNumber=7&uploadId=VXBsb2FkIElE-abc_123&X-Amz-"
			"Signature=";
		CHECK_INT(r.url.len, sizeof want - 1 + 64);
		CHECK(strncmp(r.url.ptr, want, sizeof want - 1) == 0);
	}
	CHECK(r.signature.canonical_request.len > 17 &&
		memcmp(r.signature.canonical_request.ptr + r.signature.canonical_request.len - 16,
			"UNSIGNED-PAYLOAD", 16) == 0);

	op.presign_expires = 604801;
	CHECK_INT(build(&c, &op, &r), S3MPU_E_EXPIRES);
	op.presign_expires = 604800;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
}

TEST(presigned_with_content_md5_and_token)
{
	s3mpu_client c;
	s3mpu_config cfg;
	s3mpu_op op = op_of(S3MPU_OP_UPLOAD_PART);
	s3mpu_request r;
	memset(&cfg, 0, sizeof cfg);
	cfg.endpoint = S3MPU_LIT("https://s3.cn-north-1.jdcloud-oss.com");
	cfg.access_key = S3MPU_LIT("AKIDEXAMPLE");
	cfg.secret_key = S3MPU_LIT("secret");
	cfg.session_token = S3MPU_LIT("token/with+chars=");
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_OK);
	op.part_number = 1;
	op.content_md5 = S3MPU_LIT("XrY7u+Ae7tCTyyK7j1rNww==");
	op.presign_expires = 900;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK(strstr(r.url.ptr, "X-Amz-Security-Token=token%2Fwith%2Bchars%3D&") != NULL);
	CHECK(strstr(r.url.ptr, "X-Amz-SignedHeaders=content-md5%3Bhost&") != NULL);
	/* The browser must send the signed Content-MD5. */
	CHECK_HEADER(r, "content-md5", "XrY7u+Ae7tCTyyK7j1rNww==");

	op.presign_expires = 0;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK_HEADER(r, "x-amz-security-token", "token/with+chars=");
	CHECK_STR(r.signature.signed_headers,
		"content-md5;host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
	s3mpu_client_wipe(&c);
}

TEST(small_arena_reports_need)
{
	s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_CREATE_MULTIPART_UPLOAD);
	s3mpu_request r;
	size_t need = 0, used = 0, cap;
	char small[64];
	CHECK_INT(s3mpu_request_build(&c, &op, NOW, &r, small, sizeof small, &need), S3MPU_E_SPACE);
	CHECK(need > sizeof small);
	CHECK_INT(r.header_count, 0);
	CHECK_INT(s3mpu_request_build(&c, &op, NOW, &r, NULL, 0, &need), S3MPU_E_SPACE);
	CHECK_INT(s3mpu_request_build(&c, &op, NOW, &r, arena, need, &used), S3MPU_OK);
	CHECK(used <= need);
	/* Every size from the exact need downwards fails cleanly. */
	for (cap = used; cap >= 7; cap -= 7)
		if (cap < used)
			CHECK_INT(s3mpu_request_build(&c, &op, NOW, &r, arena, cap, NULL),
				S3MPU_E_SPACE);
	CHECK_INT(s3mpu_request_build(&c, &op, NOW, &r, arena, used, NULL), S3MPU_OK);
}

/* ------------------------------------------------------------------ */
/* Refused input                                                       */
/* ------------------------------------------------------------------ */

static int fails_with(s3mpu_op op, int want)
{
	s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
	s3mpu_request r;
	int err = build(&c, &op, &r);
	CHECK_INT(err, want);
	/* Every refusal explains itself, and leaves no request behind. */
	CHECK(strlen(s3mpu_client_detail(&c)) > 10);
	CHECK_INT(r.header_count, 0);
	CHECK_INT(r.url.len, 0);
	return err == want;
}

TEST(refuses_bad_bucket_key_upload_id)
{
	s3mpu_op op = op_of(S3MPU_OP_CREATE_MULTIPART_UPLOAD);
	char long_key[1026];
	op.bucket = S3MPU_LIT("My_Bucket");
	fails_with(op, S3MPU_E_BUCKET);
	op = op_of(S3MPU_OP_CREATE_MULTIPART_UPLOAD);
	op.key = S3MPU_LIT("");
	fails_with(op, S3MPU_E_KEY);
	op.key = S3MPU_LIT("bad\xc3\x28utf8");
	fails_with(op, S3MPU_E_KEY);
	memset(long_key, 'k', sizeof long_key);
	op.key = (s3mpu_str){ long_key, 1025 };
	fails_with(op, S3MPU_E_KEY);
	op.key = (s3mpu_str){ long_key, 1024 };
	{
		s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
		s3mpu_request r;
		CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	}
	op = op_of(S3MPU_OP_ABORT_MULTIPART_UPLOAD);
	op.upload_id = S3MPU_LIT("");
	fails_with(op, S3MPU_E_UPLOAD_ID);
	op.upload_id = S3MPU_LIT("id\r\nx-evil: 1");
	fails_with(op, S3MPU_E_UPLOAD_ID);
}

TEST(refuses_bad_part_numbers_and_order)
{
	s3mpu_op op = op_of(S3MPU_OP_UPLOAD_PART);
	s3mpu_part parts[2];
	op.part_number = 0;
	fails_with(op, S3MPU_E_PART_NUMBER);
	op.part_number = 10001;
	fails_with(op, S3MPU_E_PART_NUMBER);
	op.part_number = 1;
	op.content_length = (UINT64_C(5) << 30) + 1;
	fails_with(op, S3MPU_E_PART_SIZE);

	op = op_of(S3MPU_OP_COMPLETE_MULTIPART_UPLOAD);
	fails_with(op, S3MPU_E_PART_NUMBER);
	memset(parts, 0, sizeof parts);
	parts[0].number = 2;
	parts[1].number = 1;
	strcpy(parts[0].etag, "\"a\"");
	strcpy(parts[1].etag, "\"b\"");
	parts[0].etag_len = parts[1].etag_len = 3;
	op.parts = parts;
	op.part_count = 2;
	fails_with(op, S3MPU_E_PART_ORDER);
	parts[1].number = 2;
	fails_with(op, S3MPU_E_PART_ORDER);
	parts[0].number = 1;
	parts[1].etag_len = 0;
	fails_with(op, S3MPU_E_ETAG);
}

TEST(refuses_bad_headers_digests_classes_metadata)
{
	s3mpu_op op = op_of(S3MPU_OP_CREATE_MULTIPART_UPLOAD);
	s3mpu_kv meta[2];
	char big[2100];
	op.content_type = S3MPU_LIT("text/plain\r\nx-amz-acl: public-read");
	fails_with(op, S3MPU_E_HEADER);
	op = op_of(S3MPU_OP_CREATE_MULTIPART_UPLOAD);
	op.cache_control = S3MPU_LIT("a\nb");
	fails_with(op, S3MPU_E_HEADER);
	op = op_of(S3MPU_OP_CREATE_MULTIPART_UPLOAD);
	op.storage_class = S3MPU_LIT("DEEP_ARCHIVE");
	fails_with(op, S3MPU_E_STORAGE_CLASS);
	op.storage_class = S3MPU_LIT("standard");
	fails_with(op, S3MPU_E_STORAGE_CLASS);
	op = op_of(S3MPU_OP_CREATE_MULTIPART_UPLOAD);
	op.content_md5 = S3MPU_LIT("not base64!");
	fails_with(op, S3MPU_E_DIGEST);
	op.content_md5 = S3MPU_LIT("AAAA");
	fails_with(op, S3MPU_E_DIGEST);

	op = op_of(S3MPU_OP_UPLOAD_PART);
	op.part_number = 1;
	op.checksum_algorithm = S3MPU_CHECKSUM_CRC32;
	op.checksum = S3MPU_LIT("1B2M2Y8AsgTpgAmY7PhCfg==");
	fails_with(op, S3MPU_E_DIGEST);
	op.checksum_algorithm = S3MPU_CHECKSUM_NONE;
	op.payload_hash = S3MPU_LIT("ABCDEF");
	fails_with(op, S3MPU_E_DIGEST);

	op = op_of(S3MPU_OP_CREATE_MULTIPART_UPLOAD);
	meta[0].name = S3MPU_LIT("bad name");
	meta[0].value = S3MPU_LIT("v");
	op.metadata = meta;
	op.metadata_count = 1;
	fails_with(op, S3MPU_E_METADATA);
	meta[0].name = S3MPU_LIT("note");
	meta[0].value = S3MPU_LIT("caf\xc3\xa9");
	fails_with(op, S3MPU_E_METADATA);
	memset(big, 'v', sizeof big);
	meta[0].value = (s3mpu_str){ big, 2045 };
	fails_with(op, S3MPU_E_METADATA);
	meta[0].value = (s3mpu_str){ big, 2044 };
	{
		s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
		s3mpu_request r;
		CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	}
	(void)meta[1];
}

CHECK_MAIN(CASE(create_jd_cloud_virtual_hosted), CASE(create_every_header_and_metadata),
	CASE(create_declares_checksum_algorithm), CASE(upload_part_path_style_custom_endpoint),
	CASE(upload_part_payload_hash_and_checksums), CASE(complete_body_ascending_escaped),
	CASE(complete_with_part_checksums), CASE(abort_list_head_put),
	CASE(list_uploads_path_style), CASE(keys_encoded_once_never_normalised),
	CASE(dotted_bucket_over_https_goes_path_style), CASE(localhost_goes_path_style),
	CASE(presigned_upload_part), CASE(presigned_with_content_md5_and_token),
	CASE(small_arena_reports_need), CASE(refuses_bad_bucket_key_upload_id),
	CASE(refuses_bad_part_numbers_and_order),
	CASE(refuses_bad_headers_digests_classes_metadata))
