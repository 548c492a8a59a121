/*
 * fuzz_uri.c -- S3 URI encoding (every signed path and query goes
 * through it) on two fields of any bytes.
 *
 * s3mpu_uri_encode agrees with a byte-at-a-time reference and fits in
 * 3 * len; the core's counting output buffer (buf_uri) writes the same
 * bytes at any capacity and always counts the full length; the order
 * uri_compare_encoded gives (query parameters are sorted by it) is the
 * order of the encodings.
 */
#include "fuzz.h"
#include "internal.h"

static size_t reference_encode(s3mpu_str in, int keep_slash, char *out)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, n = 0;

	for (i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.ptr[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
			out[n++] = (char)c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	return n;
}

static int sign_of(int v) { return (v > 0) - (v < 0); }

static int compare_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c == 0)
		return (an > bn) - (an < bn);
	return sign_of(c);
}

/* Encode `in` with buf_uri into a buffer of `cap` bytes (exactly). */
static void check_buf_uri(
	s3mpu_str in, int keep_slash, const char *want, size_t want_len, size_t cap)
{
	char *buf = cap ? malloc(cap) : NULL;
	s3mpu_buf o;

	buf_init(&o, buf, cap);
	buf_uri(&o, in, keep_slash);
	FUZZ_CHECK(o.len == want_len);
	FUZZ_CHECK(cap == 0 || memcmp(buf, want, cap < want_len ? cap : want_len) == 0);
	free(buf);
}

static void encode_one(s3mpu_str in, int keep_slash, char **enc, size_t *enc_len)
{
	size_t cap = 3 * in.len;
	char *out = malloc(cap ? cap : 1), *ref = malloc(cap ? cap : 1);
	size_t n, r;

	FUZZ_CHECK(out != NULL && ref != NULL);
	n = s3mpu_uri_encode(in, keep_slash, out);
	r = reference_encode(in, keep_slash, ref);
	FUZZ_CHECK(n == r && n <= cap && memcmp(out, ref, n) == 0);
	check_buf_uri(in, keep_slash, ref, r, 0);
	check_buf_uri(in, keep_slash, ref, r, r / 2);
	check_buf_uri(in, keep_slash, ref, r, r);
	check_buf_uri(in, keep_slash, ref, r, cap + 1);
	free(out);
	*enc = ref;
	*enc_len = r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in in;
	s3mpu_str a, b;
	char *ea, *eb, *sa, *sb;
	size_t la, lb, lsa, lsb;

	fuzz_in_init(&in, data, size);
	a = fuzz_str(&in);
	b = fuzz_str(&in);
	encode_one(a, 0, &ea, &la);
	encode_one(b, 0, &eb, &lb);
	encode_one(a, 1, &sa, &lsa);
	encode_one(b, 1, &sb, &lsb);
	FUZZ_CHECK(sign_of(uri_compare_encoded(a, b)) == compare_bytes(ea, la, eb, lb));
	FUZZ_CHECK(uri_compare_encoded(a, a) == 0);
	free(ea);
	free(eb);
	free(sa);
	free(sb);
	fuzz_in_free(&in);
	return 0;
}
