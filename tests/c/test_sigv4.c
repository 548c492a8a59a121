/*
 * test_sigv4.c -- what the signer keeps between signatures (sigv4.c). The
 * signatures themselves are checked against the AWS suites (test_vectors.c)
 * and in every request of test_build.c.
 *
 * The caches cannot be seen through the API but as speed, so besides
 * checking that they never change a signature, these tests look inside
 * (internal.h) to see that they are in use: a cache that silently stopped
 * working would otherwise pass.
 */
#include "fixture.h"
#include "internal.h"

#define SIGNER(c) signer_of(&client_of(&(c))->signer)

/* The hash state kept for a shared canonical-request head never changes
 * a signature: one client signing many parts, other requests in between,
 * matches a fresh client every time. */
TEST(kept_canonical_prefix_matches_fresh_signer)
{
	static char fresh_arena[1 << 16];
	s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_UPLOAD_PART);
	s3mpu_request r, f;
	int n;
	op.presign_expires = 3600;
	for (n = 1; n <= 300; n++) {
		s3mpu_client fresh = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
		s3mpu_op other =
			op_of(n % 3 ? S3MPU_OP_UPLOAD_PART : S3MPU_OP_ABORT_MULTIPART_UPLOAD);
		op.part_number = n;
		/* Every 7th request is another object: a head that differs, or
		 * is shorter than what was kept. */
		op.key = n % 7 ? S3MPU_LIT("photos/2026/cat.jpg") : S3MPU_LIT("k");
		CHECK_INT(build(&c, &op, &r), S3MPU_OK);
		CHECK_INT(s3mpu_request_build(
				  &fresh, &op, NOW, &f, fresh_arena, sizeof fresh_arena, NULL),
			S3MPU_OK);
		CHECK_MEM(r.url.ptr, r.url.len, f.url.ptr, f.url.len);
		CHECK(SIGNER(c)->state_len % 64 == 0 &&
			SIGNER(c)->state_len <= SIGNER(c)->prefix_len);
		/* A header-signed request in between. */
		other.part_number = n;
		CHECK_INT(build(&c, &other, &r), S3MPU_OK);
		CHECK_INT(s3mpu_request_build(
				  &fresh, &other, NOW, &f, fresh_arena, sizeof fresh_arena, NULL),
			S3MPU_OK);
		CHECK_MEM(r.signature.signature, 64, f.signature.signature, 64);
		s3mpu_client_wipe(&fresh);
	}
	/* Parts one after another: the shared head's blocks are kept and
	 * resumed (after a request of another second, from the next on). */
	op.key = S3MPU_LIT("photos/2026/cat.jpg");
	for (n = 1; n <= 50; n++) {
		s3mpu_client fresh = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
		/* Now and then another second: the string to sign's head changes. */
		int64_t when = n % 5 ? NOW : NOW + n;
		op.part_number = n;
		CHECK_INT(s3mpu_request_build(&c, &op, when, &r, arena, sizeof arena, NULL),
			S3MPU_OK);
		CHECK_INT(s3mpu_request_build(
				  &fresh, &op, when, &f, fresh_arena, sizeof fresh_arena, NULL),
			S3MPU_OK);
		CHECK_MEM(r.url.ptr, r.url.len, f.url.ptr, f.url.len);
		if (n >= 2 && n % 5 && (n - 1) % 5)
			CHECK(SIGNER(c)->state_len >= 192);
		s3mpu_client_wipe(&fresh);
	}
}

TEST(signing_key_derived_once_per_day)
{
	s3mpu_client c = client_for("https://s3.cn-north-1.jcloudcs.com", "", 0);
	s3mpu_op op = op_of(S3MPU_OP_ABORT_MULTIPART_UPLOAD);
	s3mpu_request r;
	s3mpu_hmac_key first;
	CHECK_INT(build(&c, &op, &r), S3MPU_OK);
	CHECK(memcmp(SIGNER(c)->key_date, "20150830", 8) == 0);
	first = SIGNER(c)->signing_key;
	CHECK_INT(
		s3mpu_request_build(&c, &op, NOW + 3600, &r, arena, sizeof arena, NULL), S3MPU_OK);
	CHECK(memcmp(&first, &SIGNER(c)->signing_key, sizeof first) == 0);
	CHECK_INT(
		s3mpu_request_build(&c, &op, NOW + 86400, &r, arena, sizeof arena, NULL), S3MPU_OK);
	CHECK(memcmp(SIGNER(c)->key_date, "20150831", 8) == 0);
	CHECK(memcmp(&first, &SIGNER(c)->signing_key, sizeof first) != 0);
}

/* The canonical query is sorted by the encoded names, not the raw ones:
 * "%C3%A9" before "A", "a%20b" before "a%2Bb" before "a-b". */
TEST(canonical_query_sorted_encoded)
{
	const s3mpu_kv query[] = {
		{ S3MPU_LIT("~"), S3MPU_LIT("") },
		{ S3MPU_LIT("a-b"), S3MPU_LIT("") },
		{ S3MPU_LIT("a+b"), S3MPU_LIT("") },
		{ S3MPU_LIT("a b"), S3MPU_LIT("") },
		{ S3MPU_LIT("A"), S3MPU_LIT("2") },
		{ S3MPU_LIT("A"), S3MPU_LIT("1") },
		{ S3MPU_LIT("\xc3\xa9"), S3MPU_LIT("") },
	};
	const s3mpu_kv headers[] = { { S3MPU_LIT("Host"), S3MPU_LIT("example.com") } };
	static const char want[] = "GET\n/\n%C3%A9=&A=1&A=2&a%20b=&a%2Bb=&a-b=&~=\n";
	s3mpu_signer s;
	s3mpu_http http;
	s3mpu_signature sig;

	CHECK_INT(s3mpu_signer_init(&s, S3MPU_LIT("AKIDEXAMPLE"), S3MPU_LIT("secret"),
			  S3MPU_LIT(""), S3MPU_LIT("us-east-1"), S3MPU_LIT("s3")),
		S3MPU_OK);
	memset(&http, 0, sizeof http);
	http.method = S3MPU_LIT("GET");
	http.path = S3MPU_LIT("/");
	http.query = query;
	http.query_count = sizeof query / sizeof *query;
	http.headers = headers;
	http.header_count = 1;
	http.payload_hash = S3MPU_LIT(S3MPU_EMPTY_SHA256);
	CHECK_INT(
		s3mpu_sigv4_sign(&s, &http, NOW, 0, 0, &sig, arena, sizeof arena, NULL), S3MPU_OK);
	CHECK(sig.canonical_request.len > sizeof want - 1);
	CHECK_MEM(sig.canonical_request.ptr, sizeof want - 1, want, sizeof want - 1);
	s3mpu_signer_wipe(&s);
}

CHECK_MAIN(CASE(kept_canonical_prefix_matches_fresh_signer), CASE(signing_key_derived_once_per_day),
	CASE(canonical_query_sorted_encoded))
