/*
 * presign_parts.c -- presigned UploadPart URLs of one upload for many part
 * numbers at once. See s3mpu.h.
 *
 * The URLs differ only in partNumber and the signature, and so do their
 * canonical requests (partNumber sorts after every X-Amz-* parameter): the
 * request is built and signed once, then each part's signature hashes only
 * the canonical request from partNumber's block on (sigv4_sign_numbers).
 */
#include "internal.h"

static const s3mpu_str no_value = { NULL, 0 };

/*
 * Offset of the digits of "partNumber=<digits>" in `s` from `from` on: a
 * parameter (after '?', '&' or the canonical request's '\n') whose value
 * ends at '&', '\n' or the end. Names and values are URI-encoded, so an
 * '&' or '=' inside another parameter cannot fake one. 0: not there.
 */
static size_t part_number_at(s3mpu_str s, size_t from, s3mpu_str digits)
{
	static const char name[] = "partNumber=";
	size_t n = sizeof name - 1, i;

	for (i = from; i + n + digits.len <= s.len; i++) {
		size_t at = i + n, end = at + digits.len;
		if (i == 0 || !strchr("?&\n", s.ptr[i - 1]) || memcmp(s.ptr + i, name, n) != 0 ||
			memcmp(s.ptr + at, digits.ptr, digits.len) != 0)
			continue;
		if (end == s.len || s.ptr[end] == '&' || s.ptr[end] == '\n')
			return at;
	}
	return 0;
}

static int check_numbers(client_state *c, const uint32_t *numbers, size_t count)
{
	size_t i;
	for (i = 0; i < count; i++)
		if (numbers[i] < 1 || numbers[i] > S3MPU_PART_NUMBER_MAX)
			return client_fail(c, S3MPU_E_PART_NUMBER,
				"part numbers go from 1 to 10000", no_value, NULL);
	return S3MPU_OK;
}

/* see s3mpu.h */
int s3mpu_request_presign_parts(s3mpu_client *client, const s3mpu_op *op, int64_t now,
	const uint32_t *numbers, size_t count, char *signatures, s3mpu_presigned_parts *presigned,
	char *arena, size_t cap, size_t *need)
{
	s3mpu_request *req = &presigned->request;
	char d[DECIMAL_MAX];
	s3mpu_str digits, url;
	const char *query;
	size_t in_request;
	int err;

	if (!client || !op || !presigned || (count && (!numbers || !signatures)))
		return S3MPU_E_ARGUMENT;
	if (op->op != S3MPU_OP_UPLOAD_PART || op->presign_expires == 0)
		return client_fail(client_of(client), S3MPU_E_ARGUMENT,
			"presigned parts are presigned UploadParts", no_value, NULL);
	if ((err = check_numbers(client_of(client), numbers, count)) != S3MPU_OK)
		return err;
	if ((err = s3mpu_request_build(client, op, now, req, arena, cap, need)) != S3MPU_OK)
		return err;
	digits = (s3mpu_str){ d, decimal_format(op->part_number, d) };
	url = req->url;
	query = memchr(url.ptr, '?', url.len);
	in_request = part_number_at(req->signature.canonical_request, 0, digits);
	presigned->number_at = query ? part_number_at(url, (size_t)(query - url.ptr), digits) : 0;
	presigned->number_len = digits.len;
	/* The URL ends with its signature: the part's is put there. */
	if (!in_request || !presigned->number_at || url.len < 64 ||
		memcmp(url.ptr + url.len - 64, req->signature.signature, 64) != 0)
		return client_fail(client_of(client), S3MPU_E_ARGUMENT,
			"the presigned URL has no partNumber to vary", no_value, NULL);
	sigv4_sign_numbers(&client_of(client)->signer, &req->signature, in_request, digits.len,
		numbers, count, signatures);
	return S3MPU_OK;
}
