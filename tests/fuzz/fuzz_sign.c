/*
 * fuzz_sign.c -- the SigV4 signer (s3mpu_signer_init, s3mpu_sigv4_sign)
 * on any request: method, path, query, headers, payload hash, flags,
 * expiry, time, credentials, region, service.
 *
 * Fields, in order (fuzz.h explains the encoding): method, path, payload
 * hash, access key, secret key, session token, region, service, now,
 * expires, flags, a header count and name/value pairs, a query count and
 * name/value pairs.
 *
 * Checked against SigV4 itself, computed here from the pieces the signer
 * returns: the string to sign ends with the SHA-256 of the canonical
 * request (the signer hashes from a kept state where it can), and the
 * signature is the HMAC chain of the secret over it. A probe with no
 * buffer gives the room needed; the signature fits exactly that room and
 * not one byte less; a signer reused for a second request that shares
 * the first's head signs it as a fresh signer does.
 */
#include "fuzz.h"

#define ENTRIES_MAX 70

typedef struct {
	s3mpu_str access_key, secret_key, token, region, service;
	s3mpu_http http;
	s3mpu_kv headers[ENTRIES_MAX], query[ENTRIES_MAX];
	int64_t now;
	uint32_t expires;
	unsigned flags;
} sign_input;

static void read_input(fuzz_in *in, sign_input *s)
{
	size_t i, n;

	memset(s, 0, sizeof *s);
	s->http.method = fuzz_str(in);
	s->http.path = fuzz_str(in);
	s->http.payload_hash = fuzz_str(in);
	s->access_key = fuzz_str(in);
	s->secret_key = fuzz_str(in);
	s->token = fuzz_str(in);
	s->region = fuzz_str(in);
	s->service = fuzz_str(in);
	s->now = (int64_t)(fuzz_num(in) % 300000000000u) - 1000;
	s->expires = (uint32_t)(fuzz_num(in) % 700000);
	s->flags = (unsigned)(fuzz_num(in) % 4);
	n = fuzz_num(in) % (ENTRIES_MAX + 1);
	for (i = 0; i < n; i++) {
		s->headers[i].name = fuzz_str(in);
		s->headers[i].value = fuzz_str(in);
	}
	s->http.headers = n ? s->headers : NULL;
	s->http.header_count = n;
	n = fuzz_num(in) % (ENTRIES_MAX + 1);
	for (i = 0; i < n; i++) {
		s->query[i].name = fuzz_str(in);
		s->query[i].value = fuzz_str(in);
	}
	s->http.query = n ? s->query : NULL;
	s->http.query_count = n;
}

static void hmac(
	const void *key, size_t key_len, const void *msg, size_t len, unsigned char out[32])
{
	s3mpu_hmac_compute(key, key_len, msg, len, out);
}

/* The signature SigV4 defines for `sig`'s string to sign, recomputed. */
static void check_signature(const sign_input *in, const s3mpu_signature *sig)
{
	unsigned char k[32], digest[32];
	char *secret = malloc(in->secret_key.len + 4), hex[64];
	s3mpu_sha256 sha;
	const char *sts = sig->string_to_sign.ptr;
	size_t sts_len = sig->string_to_sign.len;

	FUZZ_CHECK(secret != NULL && sts_len > 64);
	/* Its last line: hex SHA-256 of the canonical request. */
	s3mpu_sha256_init(&sha);
	s3mpu_sha256_update(&sha, sig->canonical_request.ptr, sig->canonical_request.len);
	s3mpu_sha256_digest(&sha, digest);
	s3mpu_hex_encode(digest, sizeof digest, hex);
	FUZZ_CHECK(memcmp(sts + sts_len - 64, hex, 64) == 0);
	FUZZ_CHECK(memcmp(sts, "AWS4-HMAC-SHA256\n", 17) == 0);
	FUZZ_CHECK(memcmp(sts + 17, sig->amz_date, S3MPU_AMZ_DATE_LEN) == 0);

	/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region), service), "aws4_request") */
	memcpy(secret, "AWS4", 4);
	memcpy(secret + 4, in->secret_key.ptr, in->secret_key.len);
	hmac(secret, in->secret_key.len + 4, sig->amz_date, 8, k);
	hmac(k, 32, in->region.ptr, in->region.len, k);
	hmac(k, 32, in->service.ptr, in->service.len, k);
	hmac(k, 32, "aws4_request", 12, k);
	hmac(k, 32, sts, sts_len, digest);
	s3mpu_hex_encode(digest, sizeof digest, hex);
	FUZZ_CHECK(memcmp(sig->signature, hex, 64) == 0);
	s3mpu_memory_wipe(secret, in->secret_key.len + 4);
	free(secret);
}

/* Sign with `signer`: the probe, exactly the room, one byte less. Returns
 * the error, or S3MPU_OK with *sig pointing into *buf (the caller frees). */
static int sign_checked(
	s3mpu_signer *signer, const sign_input *in, s3mpu_signature *sig, char **buf)
{
	size_t need = 0, used = 0, less = 0;
	char *room;
	int rc;

	*buf = NULL;
	rc = s3mpu_sigv4_sign(
		signer, &in->http, in->now, in->expires, in->flags, sig, NULL, 0, &need);
	if (rc != S3MPU_E_SPACE) {
		FUZZ_CHECK(rc != S3MPU_OK);
		return rc;
	}
	FUZZ_CHECK(need > 0);
	room = malloc(need);
	FUZZ_CHECK(room != NULL);
	rc = s3mpu_sigv4_sign(
		signer, &in->http, in->now, in->expires, in->flags, sig, room, need - 1, &less);
	FUZZ_CHECK(rc == S3MPU_E_SPACE && less == need);
	rc = s3mpu_sigv4_sign(
		signer, &in->http, in->now, in->expires, in->flags, sig, room, need, &used);
	FUZZ_CHECK(rc == S3MPU_OK && used == need);
	check_signature(in, sig);
	*buf = room;
	return S3MPU_OK;
}

static int signer_from(const sign_input *in, s3mpu_signer *signer)
{
	return s3mpu_signer_init(
		signer, in->access_key, in->secret_key, in->token, in->region, in->service);
}

static void check_same_signature(const s3mpu_signature *a, const s3mpu_signature *b)
{
	FUZZ_CHECK(memcmp(a->signature, b->signature, 64) == 0);
	FUZZ_CHECK(a->canonical_request.len == b->canonical_request.len);
	FUZZ_CHECK(memcmp(a->canonical_request.ptr, b->canonical_request.ptr,
			   a->canonical_request.len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in fin;
	sign_input *in = malloc(sizeof *in);
	s3mpu_signer *warm = malloc(sizeof *warm), *fresh = malloc(sizeof *fresh);
	s3mpu_signature first, second, cold;
	char *b1 = NULL, *b2 = NULL, *b3 = NULL;
	int rc;

	FUZZ_CHECK(in && warm && fresh);
	fuzz_in_init(&fin, data, size);
	read_input(&fin, in);
	rc = signer_from(in, warm);
	fuzz_trace("signer", rc);
	if (rc != S3MPU_OK)
		goto done;
	rc = sign_checked(warm, in, &first, &b1);
	fuzz_trace("sign", rc);
	if (rc != S3MPU_OK)
		goto done;
	/* A second request with the same head: the last query value or
	 * header value changed, or else the payload hash. */
	if (in->http.query_count)
		in->query[in->http.query_count - 1].value = S3MPU_LIT("second");
	else if (in->http.header_count)
		in->headers[in->http.header_count - 1].value = S3MPU_LIT("second");
	else
		in->http.payload_hash = S3MPU_LIT(S3MPU_EMPTY_SHA256);
	rc = sign_checked(warm, in, &second, &b2);
	if (rc != S3MPU_OK)
		goto done;
	FUZZ_CHECK(signer_from(in, fresh) == S3MPU_OK);
	FUZZ_CHECK(sign_checked(fresh, in, &cold, &b3) == S3MPU_OK);
	check_same_signature(&second, &cold);
done:
	s3mpu_signer_wipe(warm);
	s3mpu_signer_wipe(fresh);
	free(warm);
	free(fresh);
	free(in);
	free(b1);
	free(b2);
	free(b3);
	fuzz_in_free(&fin);
	return 0;
}
