/* test_post_policy.c -- SigV4 POST policies: the AWS documentation's
 * example, every member of a policy, the arena contract, every input refused. */
#include "check.h"
#include "s3mpu.h"

/*
 * "Example: Browser-Based Upload using HTTP POST (Using AWS Signature
 * Version 4)", S3 API reference: the policy exactly as published (CRLF line
 * ends, 648 bytes), its base64 and its signature, with AWS's example keys,
 * signed on 2015-12-29.
 */
#define AWS_ACCESS_KEY "AKIAIOSFODNN7EXAMPLE"
#define AWS_SECRET_KEY "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define AWS_NOW INT64_C(1451347200) /* 2015-12-29T00:00:00Z */
#define AWS_POLICY_B64 \
	"eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAg" \
	"ICB7" \
	"ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNl" \
	"ci91" \
	"c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJl" \
	"Y3Qi" \
	"OiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0" \
	"bWwi" \
	"fSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1t" \
	"ZXRh" \
	"LXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAi" \
	"QUVT" \
	"MjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16" \
	"LWNy" \
	"ZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVz" \
	"dCJ9" \
	"LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUi" \
	"OiAi" \
	"MjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
#define AWS_SIGNATURE "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"

static char arena[1 << 16];

static s3mpu_client client_for(
	const char *endpoint, const char *access, const char *secret, const char *token)
{
	s3mpu_client c;
	s3mpu_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.endpoint = s3mpu_str_from_cstr(endpoint);
	cfg.region = S3MPU_LIT("us-east-1");
	cfg.access_key = s3mpu_str_from_cstr(access);
	cfg.secret_key = s3mpu_str_from_cstr(secret);
	cfg.session_token = s3mpu_str_from_cstr(token);
	CHECK_INT(s3mpu_client_init(&c, &cfg), S3MPU_OK);
	return c;
}

static const s3mpu_str *field(const s3mpu_post_form *f, const char *name)
{
	size_t i;
	for (i = 0; i < f->field_count; i++)
		if (f->fields[i].name.len == strlen(name) &&
			memcmp(f->fields[i].name.ptr, name, strlen(name)) == 0)
			return &f->fields[i].value;
	return NULL;
}

#define CHECK_FIELD(form, name, want) \
	do { \
		const s3mpu_str *v_ = field(&(form), name); \
		CHECK(v_ != NULL); \
		if (v_) \
			CHECK_STR(*v_, want); \
	} while (0)

/* The signature computed here from the public HMAC alone, apart from the
 * signer's cached key: hex(HMAC(kSigning, base64)). */
static void independent_signature(
	const char *secret, const char *day, const char *region, s3mpu_str b64, char out[65])
{
	unsigned char k[S3MPU_SHA256_SIZE];
	char first[256];
	snprintf(first, sizeof first, "AWS4%s", secret);
	s3mpu_hmac_compute(first, strlen(first), day, 8, k);
	s3mpu_hmac_compute(k, sizeof k, region, strlen(region), k);
	s3mpu_hmac_compute(k, sizeof k, "s3", 2, k);
	s3mpu_hmac_compute(k, sizeof k, "aws4_request", 12, k);
	s3mpu_hmac_compute(k, sizeof k, b64.ptr, b64.len, k);
	s3mpu_hex_encode(k, sizeof k, out);
	out[64] = 0;
}

/*
 * The conditions of a JSON policy with no nesting inside a condition and no
 * white space inside strings (true of both documents compared here), white
 * space removed, each as its own NUL-terminated string.
 */
static size_t conditions_of(const char *doc, size_t len, char out[][256], size_t max)
{
	static char flat[4096];
	const char *p;
	size_t n = 0, i, k = 0;
	for (i = 0; i < len && k + 1 < sizeof flat; i++)
		if (doc[i] != ' ' && doc[i] != '\r' && doc[i] != '\n')
			flat[k++] = doc[i];
	flat[k] = 0;
	p = strstr(flat, "\"conditions\":[");
	if (!p)
		return 0;
	p += strlen("\"conditions\":[");
	while (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		const char *end = strchr(p, close);
		if (!end || n == max || (size_t)(end - p + 1) >= 256)
			return 0;
		memcpy(out[n], p, (size_t)(end - p + 1));
		out[n][end - p + 1] = 0;
		n++;
		p = end + 1;
		if (*p == ',')
			p++;
	}
	return n;
}

static int has_condition(char list[][256], size_t n, const char *c)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (strcmp(list[i], c) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */

TEST(aws_example_signature)
{
	s3mpu_signer s;
	char sig[64];
	CHECK_INT(s3mpu_signer_init(&s, S3MPU_LIT(AWS_ACCESS_KEY), S3MPU_LIT(AWS_SECRET_KEY),
			  S3MPU_LIT(""), S3MPU_LIT("us-east-1"), S3MPU_LIT("s3")),
		S3MPU_OK);
	CHECK_INT(s3mpu_post_sign(&s, AWS_NOW, S3MPU_LIT(AWS_POLICY_B64), sig), S3MPU_OK);
	CHECK_MEM(sig, 64, AWS_SIGNATURE, 64);
	/* Any second of the day signs alike: the key is the day's. */
	CHECK_INT(s3mpu_post_sign(&s, AWS_NOW + 86399, S3MPU_LIT(AWS_POLICY_B64), sig), S3MPU_OK);
	CHECK_MEM(sig, 64, AWS_SIGNATURE, 64);
	CHECK_INT(s3mpu_post_sign(&s, AWS_NOW + 86400, S3MPU_LIT(AWS_POLICY_B64), sig), S3MPU_OK);
	CHECK(memcmp(sig, AWS_SIGNATURE, 64) != 0);
	s3mpu_signer_wipe(&s);
}

/* The AWS example's policy, built from its inputs: the same conditions
 * (as a set: the document's order and spacing are its own), and its
 * signature re-derived from the public HMAC alone. */
TEST(aws_example_policy_built)
{
	s3mpu_client c = client_for("https://s3.amazonaws.com", AWS_ACCESS_KEY, AWS_SECRET_KEY, "");
	const s3mpu_kv meta[] = { { S3MPU_LIT("uuid"), S3MPU_LIT("14365123651274") } };
	const s3mpu_post_field extra[] = {
		{ S3MPU_LIT("acl"), S3MPU_LIT("public-read"), 0 },
		{ S3MPU_LIT("success_action_redirect"),
			S3MPU_LIT("http://sigv4examplebucket.s3.amazonaws.com/"
				  "successful_upload.html"),
			0 },
		{ S3MPU_LIT("x-amz-server-side-encryption"), S3MPU_LIT("AES256"), 0 },
		{ S3MPU_LIT("x-amz-meta-tag"), S3MPU_LIT(""), 1 },
	};
	s3mpu_post_policy p;
	s3mpu_post_form f;
	unsigned char aws_doc[1024];
	size_t aws_len = 0, need = 0, n_aws, n_ours, i;
	static char aws_conds[32][256], our_conds[32][256];
	char sig[65];

	memset(&p, 0, sizeof p);
	p.bucket = S3MPU_LIT("sigv4examplebucket");
	p.key = S3MPU_LIT("user/user1/");
	p.key_is_prefix = 1;
	p.expires = 36 * 3600; /* 2015-12-30T12:00:00Z */
	p.content_type = S3MPU_LIT("image/");
	p.content_type_is_prefix = 1;
	p.metadata = meta;
	p.metadata_count = 1;
	p.fields = extra;
	p.field_count = 4;
	CHECK_INT(s3mpu_post_build(&c, &p, AWS_NOW, &f, arena, sizeof arena, &need), S3MPU_OK);
	CHECK_CSTR(s3mpu_client_detail(&c), "");

	CHECK_INT(s3mpu_base64_decode(AWS_POLICY_B64, strlen(AWS_POLICY_B64), aws_doc,
			  sizeof aws_doc, &aws_len),
		S3MPU_OK);
	CHECK_INT(aws_len, 648);
	n_aws = conditions_of((const char *)aws_doc, aws_len, aws_conds, 32);
	n_ours = conditions_of(f.policy.ptr, f.policy.len, our_conds, 32);
	CHECK_INT(n_aws, 11);
	CHECK_INT(n_ours, n_aws);
	for (i = 0; i < n_aws; i++) {
		if (!has_condition(our_conds, n_ours, aws_conds[i]))
			fprintf(stderr, "    missing: %s\n", aws_conds[i]);
		CHECK(has_condition(our_conds, n_ours, aws_conds[i]));
	}
	CHECK(strstr((const char *)f.policy.ptr, "{\"expiration\":\"2015-12-30T12:00:00.000Z\",") ==
		f.policy.ptr);
	CHECK_MEM(f.expiration, 24, "2015-12-30T12:00:00.000Z", 24);

	/* The form the example shows, field for field. */
	CHECK_STR(f.url, "https://sigv4examplebucket.s3.amazonaws.com/");
	CHECK_STR(f.fields[0].name, "key");
	CHECK_FIELD(f, "key", "user/user1/${filename}");
	CHECK_FIELD(f, "Content-Type", "image/");
	CHECK_FIELD(f, "x-amz-meta-uuid", "14365123651274");
	CHECK_FIELD(f, "acl", "public-read");
	CHECK_FIELD(f, "x-amz-server-side-encryption", "AES256");
	CHECK_FIELD(f, "x-amz-meta-tag", "");
	CHECK_FIELD(f, "x-amz-algorithm", "AWS4-HMAC-SHA256");
	CHECK_FIELD(
		f, "x-amz-credential", "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request");
	CHECK_FIELD(f, "x-amz-date", "20151229T000000Z");
	CHECK(field(&f, "x-amz-security-token") == NULL);
	CHECK_STR(f.fields[f.field_count - 2].name, "policy");
	CHECK_STR(f.fields[f.field_count - 1].name, "x-amz-signature");
	{
		char b64[2048];
		size_t n = s3mpu_base64_encode(f.policy.ptr, f.policy.len, b64);
		CHECK_MEM(field(&f, "policy")->ptr, field(&f, "policy")->len, b64, n);
		independent_signature(
			AWS_SECRET_KEY, "20151229", "us-east-1", *field(&f, "policy"), sig);
	}
	CHECK_FIELD(f, "x-amz-signature", sig);
	CHECK_MEM(f.signature, 64, sig, 64);
	s3mpu_client_wipe(&c);
}

TEST(exact_key_length_range_checksum_token_path_style)
{
	s3mpu_client c = client_for("http://127.0.0.1:9000", "AKIDEXAMPLE", "secret", "TOKEN/+=");
	s3mpu_post_policy p;
	s3mpu_post_form f;
	char sig[65];

	memset(&p, 0, sizeof p);
	p.bucket = S3MPU_LIT("my-bucket");
	p.key = S3MPU_LIT("a/b c.bin");
	p.expires = 600;
	p.length_min = 1;
	p.length_max = 20u << 20;
	p.content_type = S3MPU_LIT("application/octet-stream");
	p.checksum_algorithm = S3MPU_CHECKSUM_SHA256;
	p.checksum = S3MPU_LIT("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
	CHECK_INT(s3mpu_post_build(&c, &p, AWS_NOW, &f, arena, sizeof arena, NULL), S3MPU_OK);
	CHECK_STR(f.url, "http://127.0.0.1:9000/my-bucket");
	CHECK_STR(f.policy,
		"{\"expiration\":\"2015-12-29T00:10:00.000Z\",\"conditions\":["
		"{\"bucket\":\"my-bucket\"},{\"key\":\"a/b c.bin\"},"
		"[\"content-length-range\",1,20971520],"
		"{\"Content-Type\":\"application/octet-stream\"},"
		"{\"x-amz-checksum-algorithm\":\"SHA256\"},"
		"{\"x-amz-checksum-sha256\":\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"},"
		"{\"x-amz-algorithm\":\"AWS4-HMAC-SHA256\"},"
		"{\"x-amz-credential\":\"AKIDEXAMPLE/20151229/us-east-1/s3/aws4_request\"},"
		"{\"x-amz-date\":\"20151229T000000Z\"},"
		"{\"x-amz-security-token\":\"TOKEN/+=\"}]}");
	CHECK_FIELD(f, "key", "a/b c.bin");
	CHECK_FIELD(f, "x-amz-checksum-algorithm", "SHA256");
	CHECK_FIELD(f, "x-amz-checksum-sha256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
	CHECK_FIELD(f, "x-amz-security-token", "TOKEN/+=");
	CHECK_INT(f.field_count, 10);
	independent_signature("secret", "20151229", "us-east-1", *field(&f, "policy"), sig);
	CHECK_FIELD(f, "x-amz-signature", sig);
	s3mpu_client_wipe(&c);
}

TEST(json_escapes_and_empty_prefix)
{
	s3mpu_client c = client_for("https://s3.amazonaws.com", "AKIDEXAMPLE", "secret", "");
	const s3mpu_kv meta[] = { { S3MPU_LIT("Note"), S3MPU_LIT("say \"hi\" \\o/") } };
	s3mpu_post_policy p;
	s3mpu_post_form f;

	memset(&p, 0, sizeof p);
	p.bucket = S3MPU_LIT("my.dotted.bucket");
	p.key = S3MPU_LIT("d\xc3\xa9j\xc3\xa0 \"vu\"\\\t.txt");
	p.expires = 1;
	p.metadata = meta;
	p.metadata_count = 1;
	CHECK_INT(s3mpu_post_build(&c, &p, AWS_NOW, &f, arena, sizeof arena, NULL), S3MPU_OK);
	/* A dotted bucket over https goes path style, as every request does. */
	CHECK_STR(f.url, "https://s3.amazonaws.com/my.dotted.bucket");
	CHECK(strstr(f.policy.ptr, "{\"key\":\"d\xc3\xa9j\xc3\xa0 \\\"vu\\\"\\\\\\u0009.txt\"}") !=
		NULL);
	CHECK(strstr(f.policy.ptr, "{\"x-amz-meta-note\":\"say \\\"hi\\\" \\\\o/\"}") != NULL);
	CHECK_FIELD(f, "x-amz-meta-note", "say \"hi\" \\o/");
	CHECK_MEM(f.expiration, 24, "2015-12-29T00:00:01.000Z", 24);

	/* An empty prefix: any key, and the form names the object after the file. */
	p.key = S3MPU_LIT("");
	p.key_is_prefix = 1;
	CHECK_INT(s3mpu_post_build(&c, &p, AWS_NOW, &f, arena, sizeof arena, NULL), S3MPU_OK);
	CHECK(strstr(f.policy.ptr, "[\"starts-with\",\"$key\",\"\"]") != NULL);
	CHECK_FIELD(f, "key", "${filename}");
	s3mpu_client_wipe(&c);
}

/* Every capacity below the need is refused with the need, and nothing is
 * written past the capacity; the need itself is enough. */
TEST(small_arena_reports_need_and_stays_inside)
{
	s3mpu_client c = client_for("http://localhost:9000", "AKIDEXAMPLE", "secret", "tok");
	const s3mpu_kv meta[] = { { S3MPU_LIT("a"), S3MPU_LIT("1") },
		{ S3MPU_LIT("B"), S3MPU_LIT("2") } };
	s3mpu_post_policy p;
	s3mpu_post_form f;
	size_t need = 0, got = 0, cap, i;
	static char guard[1 << 16];

	memset(&p, 0, sizeof p);
	p.bucket = S3MPU_LIT("bucket");
	p.key = S3MPU_LIT("uploads/");
	p.key_is_prefix = 1;
	p.expires = 3600;
	p.metadata = meta;
	p.metadata_count = 2;
	CHECK_INT(s3mpu_post_build(&c, &p, AWS_NOW, &f, NULL, 0, &need), S3MPU_E_SPACE);
	CHECK(need > 0);
	CHECK(strlen(s3mpu_client_detail(&c)) > 0);
	for (cap = 0; cap < need; cap += check_light() ? 37 : 1) {
		memset(guard, 0xAA, need + 64);
		CHECK_INT(s3mpu_post_build(&c, &p, AWS_NOW, &f, guard, cap, &got), S3MPU_E_SPACE);
		CHECK_INT(got, need);
		CHECK_INT(f.field_count, 0);
		for (i = cap; i < need + 64; i++)
			if ((unsigned char)guard[i] != 0xAA)
				break;
		CHECK_INT(i, need + 64);
	}
	memset(guard, 0xAA, need + 64);
	CHECK_INT(s3mpu_post_build(&c, &p, AWS_NOW, &f, guard, need, &got), S3MPU_OK);
	CHECK_INT(got, need);
	CHECK_FIELD(f, "x-amz-meta-b", "2");
	CHECK_FIELD(f, "key", "uploads/${filename}");
	CHECK_INT((unsigned char)guard[need], 0xAA);
	s3mpu_client_wipe(&c);
}

static int refused(s3mpu_client *c, const s3mpu_post_policy *p)
{
	s3mpu_post_form f;
	int err = s3mpu_post_build(c, p, AWS_NOW, &f, arena, sizeof arena, NULL);
	if (err != S3MPU_OK) {
		CHECK(strlen(s3mpu_client_detail(c)) > 0);
		CHECK_INT(f.field_count, 0);
	}
	return err;
}

TEST(refuses_bad_input)
{
	s3mpu_client c = client_for("https://s3.amazonaws.com", "AKIDEXAMPLE", "secret", "");
	const s3mpu_kv bad_meta[] = { { S3MPU_LIT("bad name"), S3MPU_LIT("v") } };
	s3mpu_post_field fields[S3MPU_POST_FIELDS_MAX];
	s3mpu_post_policy ok, p;
	char long_key[S3MPU_KEY_MAX + 2];
	size_t i;

	memset(&ok, 0, sizeof ok);
	ok.bucket = S3MPU_LIT("bucket");
	ok.key = S3MPU_LIT("k");
	ok.expires = 60;
	CHECK_INT(refused(&c, &ok), S3MPU_OK);

	p = ok;
	p.bucket = S3MPU_LIT("Bad_Bucket");
	CHECK_INT(refused(&c, &p), S3MPU_E_BUCKET);
	p = ok;
	p.key = S3MPU_LIT("");
	CHECK_INT(refused(&c, &p), S3MPU_E_KEY);
	memset(long_key, 'k', sizeof long_key);
	p = ok;
	p.key = (s3mpu_str){ long_key, S3MPU_KEY_MAX + 1 };
	CHECK_INT(refused(&c, &p), S3MPU_E_KEY);
	p.key_is_prefix = 1;
	CHECK_INT(refused(&c, &p), S3MPU_E_KEY);
	p = ok;
	p.key = S3MPU_LIT("bad\xff");
	CHECK_INT(refused(&c, &p), S3MPU_E_KEY);
	p = ok;
	p.expires = 0;
	CHECK_INT(refused(&c, &p), S3MPU_E_EXPIRES);
	p = ok;
	p.expires = S3MPU_EXPIRES_MAX + 1;
	CHECK_INT(refused(&c, &p), S3MPU_E_EXPIRES);
	p = ok;
	p.expires = S3MPU_EXPIRES_MAX;
	CHECK_INT(refused(&c, &p), S3MPU_OK);
	p = ok;
	p.length_min = 10;
	p.length_max = 9;
	CHECK_INT(refused(&c, &p), S3MPU_E_ARGUMENT);
	p = ok;
	p.length_max = S3MPU_POST_SIZE_MAX + 1;
	CHECK_INT(refused(&c, &p), S3MPU_E_ARGUMENT);
	p = ok;
	p.length_max = S3MPU_POST_SIZE_MAX;
	CHECK_INT(refused(&c, &p), S3MPU_OK);
	p = ok;
	p.content_type = S3MPU_LIT("text/plain\r\nX-Evil: 1");
	CHECK_INT(refused(&c, &p), S3MPU_E_HEADER);
	p = ok;
	p.metadata = bad_meta;
	p.metadata_count = 1;
	CHECK_INT(refused(&c, &p), S3MPU_E_METADATA);
	p = ok;
	p.metadata_count = 1;
	CHECK_INT(refused(&c, &p), S3MPU_E_ARGUMENT);
	p = ok;
	p.checksum_algorithm = S3MPU_CHECKSUM_SHA256;
	p.checksum = S3MPU_LIT("AAAA");
	CHECK_INT(refused(&c, &p), S3MPU_E_DIGEST);
	p = ok;
	p.checksum_algorithm = 99;
	CHECK_INT(refused(&c, &p), S3MPU_E_ARGUMENT);

	/* Fields: the builder's own names, bad names or values, too many. */
	{
		static const char *const mine[] = { "key", "Content-Type", "POLICY", "file",
			"bucket", "X-Amz-Signature", "x-amz-algorithm", "x-amz-credential",
			"x-amz-date", "x-amz-security-token", "x-amz-checksum-sha256" };
		for (i = 0; i < sizeof mine / sizeof *mine; i++) {
			fields[0] = (s3mpu_post_field){ s3mpu_str_from_cstr(mine[i]),
				S3MPU_LIT("v"), 0 };
			p = ok;
			p.fields = fields;
			p.field_count = 1;
			CHECK_INT(refused(&c, &p), S3MPU_E_HEADER);
		}
	}
	fields[0] = (s3mpu_post_field){ S3MPU_LIT("bad name"), S3MPU_LIT("v"), 0 };
	p = ok;
	p.fields = fields;
	p.field_count = 1;
	CHECK_INT(refused(&c, &p), S3MPU_E_HEADER);
	fields[0] = (s3mpu_post_field){ S3MPU_LIT("acl"), S3MPU_LIT("a\nb"), 0 };
	CHECK_INT(refused(&c, &p), S3MPU_E_HEADER);
	fields[0] = (s3mpu_post_field){ S3MPU_LIT("acl"), S3MPU_LIT("\xc3("), 0 };
	CHECK_INT(refused(&c, &p), S3MPU_E_HEADER);
	fields[0] = (s3mpu_post_field){ S3MPU_LIT("acl"), S3MPU_LIT("caf\xc3\xa9"), 0 };
	CHECK_INT(refused(&c, &p), S3MPU_OK);
	fields[0] = (s3mpu_post_field){ S3MPU_LIT(""), S3MPU_LIT("v"), 0 };
	CHECK_INT(refused(&c, &p), S3MPU_E_HEADER);
	p.fields = NULL;
	CHECK_INT(refused(&c, &p), S3MPU_E_ARGUMENT);
	for (i = 0; i < S3MPU_POST_FIELDS_MAX; i++)
		fields[i] = (s3mpu_post_field){ S3MPU_LIT("x-ignore-me"), S3MPU_LIT("v"), 0 };
	p = ok;
	p.fields = fields;
	p.field_count = S3MPU_POST_FIELDS_MAX - 10;
	CHECK_INT(refused(&c, &p), S3MPU_OK);
	p.field_count++;
	CHECK_INT(refused(&c, &p), S3MPU_E_ARGUMENT);

	CHECK_INT(s3mpu_post_build(NULL, &ok, AWS_NOW, NULL, arena, sizeof arena, NULL),
		S3MPU_E_ARGUMENT);
	CHECK_INT(refused(&c, &ok), S3MPU_OK);
	{
		s3mpu_post_form f;
		s3mpu_signer s, empty;
		CHECK_INT(
			s3mpu_post_build(&c, &ok, -1, &f, arena, sizeof arena, NULL), S3MPU_E_DATE);
		CHECK_INT(s3mpu_signer_init(&s, S3MPU_LIT("AKID"), S3MPU_LIT("secret"),
				  S3MPU_LIT(""), S3MPU_LIT("us-east-1"), S3MPU_LIT("s3")),
			S3MPU_OK);
		memset(&empty, 0, sizeof empty);
		CHECK_INT(s3mpu_post_sign(NULL, AWS_NOW, S3MPU_LIT("x"), f.signature),
			S3MPU_E_ARGUMENT);
		CHECK_INT(s3mpu_post_sign(&empty, AWS_NOW, S3MPU_LIT("x"), f.signature),
			S3MPU_E_ARGUMENT);
		CHECK_INT(s3mpu_post_sign(&s, -1, S3MPU_LIT("x"), f.signature), S3MPU_E_DATE);
		s3mpu_signer_wipe(&s);
	}
	s3mpu_client_wipe(&c);
}

CHECK_MAIN(CASE(aws_example_signature), CASE(aws_example_policy_built),
	CASE(exact_key_length_range_checksum_token_path_style), CASE(json_escapes_and_empty_prefix),
	CASE(small_arena_reports_need_and_stays_inside), CASE(refuses_bad_input))
