/*
 * fuzz_request.c -- the request builder and signer (s3mpu_client_init,
 * s3mpu_request_build) on every input a caller gives: endpoint, credentials,
 * operation, bucket, key, upload id, object headers, metadata, parts,
 * list markers, times.
 *
 * Fields, in order (fuzz.h explains the encoding): op, endpoint, region,
 * access key, secret key, session token, extra storage classes, path
 * style, bucket, key, upload id, part number, content length, payload
 * hash, Content-MD5, checksum algorithm, checksum, Content-Type,
 * Cache-Control, Content-Disposition, Content-Encoding, Expires, storage
 * class, max parts, part number marker, prefix, key marker, upload id
 * marker, max uploads, presign expiry, now; then a metadata count and its
 * name/value pairs; then a part count and each part's number, ETag and
 * checksum.
 *
 * Checked: a probe with no arena says how much room the request needs,
 * and the request then builds in exactly that room and not in one byte
 * less; errors do not depend on the arena; a second build by the same
 * client (whose signer keeps hashing state between requests) gives the
 * same bytes; the URL and every header are printable, with no CR, LF or
 * space where a request could be split; and the secret key shows nowhere:
 * another secret of the same length changes the signature and nothing
 * else, error sentences included.
 */
#include "fuzz.h"

#define META_MAX 40
#define PARTS_MAX 64

typedef struct {
	s3mpu_config cfg;
	s3mpu_op op;
	s3mpu_kv meta[META_MAX];
	s3mpu_part parts[PARTS_MAX];
	int64_t now;
} build_input;

static uint32_t num32(fuzz_in *in)
{
	uint64_t v = fuzz_num(in);
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static void read_input(fuzz_in *in, build_input *b)
{
	s3mpu_op *op = &b->op;
	size_t i, n;

	memset(b, 0, sizeof *b);
	op->op = (int)(fuzz_num(in) % 16);
	b->cfg.endpoint = fuzz_str(in);
	b->cfg.region = fuzz_str(in);
	b->cfg.access_key = fuzz_str(in);
	b->cfg.secret_key = fuzz_str(in);
	b->cfg.session_token = fuzz_str(in);
	b->cfg.extra_storage_classes = fuzz_str(in);
	b->cfg.path_style = (int)(fuzz_num(in) & 1);
	op->bucket = fuzz_str(in);
	op->key = fuzz_str(in);
	op->upload_id = fuzz_str(in);
	op->part_number = num32(in);
	op->content_length = fuzz_num(in);
	op->payload_hash = fuzz_str(in);
	op->content_md5 = fuzz_str(in);
	op->checksum_algorithm = (int)(fuzz_num(in) % 8);
	op->checksum = fuzz_str(in);
	op->content_type = fuzz_str(in);
	op->cache_control = fuzz_str(in);
	op->content_disposition = fuzz_str(in);
	op->content_encoding = fuzz_str(in);
	op->expires = fuzz_str(in);
	op->storage_class = fuzz_str(in);
	op->max_parts = num32(in);
	op->part_number_marker = num32(in);
	op->prefix = fuzz_str(in);
	op->key_marker = fuzz_str(in);
	op->upload_id_marker = fuzz_str(in);
	op->max_uploads = num32(in);
	op->presign_expires = num32(in);
	b->now = (int64_t)(fuzz_num(in) % 300000000000u) - 1000;
	n = fuzz_num(in) % (META_MAX + 1);
	for (i = 0; i < n; i++) {
		b->meta[i].name = fuzz_str(in);
		b->meta[i].value = fuzz_str(in);
	}
	op->metadata = n ? b->meta : NULL;
	op->metadata_count = n;
	n = fuzz_num(in) % (PARTS_MAX + 1);
	for (i = 0; i < n; i++) {
		s3mpu_str etag, sum;
		b->parts[i].number = num32(in);
		etag = fuzz_str(in);
		sum = fuzz_str(in);
		b->parts[i].etag_len = etag.len < S3MPU_ETAG_MAX ? etag.len : S3MPU_ETAG_MAX;
		if (b->parts[i].etag_len)
			memcpy(b->parts[i].etag, etag.ptr, b->parts[i].etag_len);
		b->parts[i].checksum_len = sum.len < 64 ? sum.len : 64;
		if (b->parts[i].checksum_len)
			memcpy(b->parts[i].checksum, sum.ptr, b->parts[i].checksum_len);
	}
	op->parts = n ? b->parts : NULL;
	op->part_count = n;
}

/* A request line or header could be split, or a URL misread. */
static void check_printable(s3mpu_str s, int space_ok)
{
	size_t i;

	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		FUZZ_CHECK(c != '\r' && c != '\n' && c != 0 && c != 0x7F);
		FUZZ_CHECK(c >= 0x20 || c == '\t');
		FUZZ_CHECK(space_ok || (c > 0x20 && c < 0x7F));
	}
}

static void check_request(const s3mpu_request *r)
{
	size_t i;

	FUZZ_CHECK(r->header_count <= S3MPU_HEADERS_MAX);
	check_printable(r->method, 0);
	check_printable(r->url, 0);
	FUZZ_CHECK(r->url.len > 7 && memcmp(r->url.ptr, "http", 4) == 0);
	for (i = 0; i < r->header_count; i++) {
		FUZZ_CHECK(
			s3mpu_header_validate(r->headers[i].name, r->headers[i].value) == S3MPU_OK);
		FUZZ_CHECK(r->headers[i].name.len > 0);
		check_printable(r->headers[i].value, 1);
	}
}

/* Strings a and b are equal but where a has its signature sa and b its
 * signature sb (64 hex digits each). Elsewhere a may hold sa's digits too
 * (an input field the fuzzer made equal to it): there b holds the same. */
static void check_same_str(s3mpu_str a, s3mpu_str b, const char *sa, const char *sb)
{
	size_t i = 0;

	FUZZ_CHECK(a.len == b.len);
	while (i < a.len) {
		if (a.len - i >= 64 && memcmp(a.ptr + i, sa, 64) == 0 &&
			memcmp(b.ptr + i, sb, 64) == 0) {
			i += 64;
			continue;
		}
		FUZZ_CHECK(a.ptr[i] == b.ptr[i]);
		i++;
	}
}

/* Two requests carry the same bytes but for their signatures. */
static void check_same(const s3mpu_request *a, const s3mpu_request *b)
{
	const char *sa = a->signature.signature, *sb = b->signature.signature;
	size_t i;

	check_same_str(a->method, b->method, sa, sb);
	check_same_str(a->url, b->url, sa, sb);
	check_same_str(a->body, b->body, sa, sb);
	FUZZ_CHECK(a->header_count == b->header_count);
	for (i = 0; i < a->header_count; i++) {
		check_same_str(a->headers[i].name, b->headers[i].name, sa, sb);
		check_same_str(a->headers[i].value, b->headers[i].value, sa, sb);
	}
}

/* The sentence about the last error fits its bounds. */
static void check_detail(const s3mpu_client *client)
{
	FUZZ_CHECK(strlen(s3mpu_client_detail(client)) < S3MPU_DETAIL_MAX);
}

/* Build with a fresh `client` (requests may point into it). */
static int build_fresh(s3mpu_client *client, const s3mpu_config *cfg, const build_input *b,
	s3mpu_request *out, char *arena, size_t cap)
{
	int rc = s3mpu_client_init(client, cfg);

	if (rc == S3MPU_OK)
		rc = s3mpu_request_build(client, &b->op, b->now, out, arena, cap, NULL);
	check_detail(client);
	return rc;
}

/*
 * The secret shows nowhere: a client with another secret of the same
 * length gives the same request but for the signature, and the same
 * error sentence.
 */
static void check_secret_hidden(const build_input *b, const s3mpu_request *want, int want_rc,
	const char *want_detail, size_t cap)
{
	s3mpu_config other = b->cfg;
	s3mpu_request *got = malloc(sizeof *got);
	s3mpu_client *client = malloc(sizeof *client);
	char *secret = malloc(other.secret_key.len + 1), *arena = malloc(cap ? cap : 1);
	size_t i;
	int rc;

	FUZZ_CHECK(got && client && secret && arena);
	for (i = 0; i < other.secret_key.len; i++)
		secret[i] = (char)(other.secret_key.ptr[i] ^ 0x55);
	other.secret_key.ptr = secret;
	rc = build_fresh(client, &other, b, got, arena, cap);
	FUZZ_CHECK(rc == want_rc);
	FUZZ_CHECK(strcmp(s3mpu_client_detail(client), want_detail) == 0);
	if (rc == S3MPU_OK)
		check_same(want, got);
	s3mpu_client_wipe(client);
	free(client);
	free(got);
	free(secret);
	free(arena);
}

static void build_and_check(const build_input *b)
{
	s3mpu_client *client = malloc(sizeof *client);
	s3mpu_request *first = malloc(sizeof *first), *again = malloc(sizeof *again);
	char *arena = NULL, *arena2 = NULL, *big = malloc(1 << 16);
	size_t need = 0, used = 0, used2 = 0, big_need = 0;
	int rc, big_rc;

	FUZZ_CHECK(client && first && again && big);
	rc = s3mpu_client_init(client, &b->cfg);
	fuzz_trace("client", rc);
	check_detail(client);
	if (rc != S3MPU_OK) {
		check_secret_hidden(b, NULL, rc, s3mpu_client_detail(client), 0);
		goto done;
	}

	rc = s3mpu_request_build(client, &b->op, b->now, first, NULL, 0, &need);
	check_detail(client);
	big_rc = s3mpu_request_build(client, &b->op, b->now, again, big, 1 << 16, &big_need);
	fuzz_trace("build", big_rc);
	if (rc != S3MPU_E_SPACE) {
		FUZZ_CHECK(rc != S3MPU_OK && big_rc == rc);
		check_secret_hidden(b, NULL, rc, s3mpu_client_detail(client), 0);
		goto done;
	}
	FUZZ_CHECK(need > 0);
	arena = malloc(need);
	FUZZ_CHECK(arena != NULL);
	rc = s3mpu_request_build(client, &b->op, b->now, first, arena, need, &used);
	/* The probe stops before signing, so what only the signer refuses
	 * (the time, an over-long signed header list) comes now. */
	FUZZ_CHECK(rc != S3MPU_E_SPACE);
	if (rc != S3MPU_OK) {
		FUZZ_CHECK(big_rc == rc || (big_rc == S3MPU_E_SPACE && need > (1 << 16)));
		check_secret_hidden(b, NULL, rc, s3mpu_client_detail(client), need);
		goto done;
	}
	/* The probe's answer may be a bound: more than is used. */
	FUZZ_CHECK(used <= need);
	FUZZ_CHECK(big_rc == S3MPU_OK || (big_rc == S3MPU_E_SPACE && need > (1 << 16)));
	check_request(first);
	check_secret_hidden(b, first, S3MPU_OK, "", need);

	/* The same client again (its signer now holds hashing state), in
	 * exactly the room used: the same bytes, signature included. */
	arena2 = malloc(used);
	FUZZ_CHECK(arena2 != NULL);
	rc = s3mpu_request_build(client, &b->op, b->now, again, arena2, used, &used2);
	FUZZ_CHECK(rc == S3MPU_OK && used2 == used);
	check_same(first, again);
	FUZZ_CHECK(memcmp(first->signature.signature, again->signature.signature, 64) == 0);
	/* ... and not in one byte less. */
	rc = s3mpu_request_build(client, &b->op, b->now, again, arena2, used - 1, &used2);
	FUZZ_CHECK(rc == S3MPU_E_SPACE && used2 >= used);
done:
	s3mpu_client_wipe(client);
	free(client);
	free(first);
	free(again);
	free(arena);
	free(arena2);
	free(big);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in in;
	build_input *b = malloc(sizeof *b);

	FUZZ_CHECK(b != NULL);
	fuzz_in_init(&in, data, size);
	read_input(&in, b);
	build_and_check(b);
	fuzz_in_free(&in);
	free(b);
	return 0;
}
