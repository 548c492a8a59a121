/* encode.c -- hex and base64 (RFC 4648). See s3mpu.h. */
#include "internal.h"

static const char hex_digits[16] = "0123456789abcdef";
static const char b64_alphabet[64] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void s3mpu_hex_encode(const void *in, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hex_digits[p[i] >> 4];
		out[2 * i + 1] = hex_digits[p[i] & 15];
	}
}

size_t s3mpu_base64_encode(const void *in, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t n = 0;
	uint32_t v;

	for (; len >= 3; p += 3, len -= 3) {
		v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
		out[n++] = b64_alphabet[v >> 18];
		out[n++] = b64_alphabet[(v >> 12) & 63];
		out[n++] = b64_alphabet[(v >> 6) & 63];
		out[n++] = b64_alphabet[v & 63];
	}
	if (len) {
		v = (uint32_t)p[0] << 16 | (len == 2 ? (uint32_t)p[1] << 8 : 0);
		out[n++] = b64_alphabet[v >> 18];
		out[n++] = b64_alphabet[(v >> 12) & 63];
		out[n++] = len == 2 ? b64_alphabet[(v >> 6) & 63] : '=';
		out[n++] = '=';
	}
	return n;
}

/* Value of a base64 digit, or -1. */
static int b64_value(char ch)
{
	unsigned char c = (unsigned char)ch;
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int s3mpu_base64_decode(const char *in, size_t len, unsigned char *out, size_t cap, size_t *out_len)
{
	size_t pad = 0, need, i, j, n = 0;
	int write;

	if (!out_len || (!in && len) || (!out && cap))
		return S3MPU_E_ARGUMENT;
	*out_len = 0;
	if (len % 4)
		return S3MPU_E_DIGEST;
	if (len && in[len - 1] == '=')
		pad = in[len - 2] == '=' ? 2 : 1;
	need = len / 4 * 3 - pad;
	/* Decode only when everything fits, so a too-small buffer is never
	 * half written; still validate all input first. */
	write = need <= cap;

	for (i = 0; i < len; i += 4) {
		uint32_t v = 0;
		/* Digits in this quantum: 4, or fewer in the padded last one. */
		size_t digits = (i + 4 == len) ? 4 - pad : 4;

		for (j = 0; j < digits; j++) {
			int d = b64_value(in[i + j]);
			if (d < 0)
				return S3MPU_E_DIGEST;
			v = v << 6 | (uint32_t)d;
		}
		/* Bits below the last whole byte must be zero (RFC 4648 3.5):
		 * otherwise many strings would decode to the same bytes. */
		if (digits == 3) {
			if (v & 3)
				return S3MPU_E_DIGEST;
			v <<= 6;
		} else if (digits == 2) {
			if (v & 15)
				return S3MPU_E_DIGEST;
			v <<= 12;
		}
		if (write) {
			out[n] = (unsigned char)(v >> 16);
			if (digits > 2)
				out[n + 1] = (unsigned char)(v >> 8);
			if (digits > 3)
				out[n + 2] = (unsigned char)v;
		}
		n += digits - 1;
	}
	if (!write) {
		*out_len = need;
		return S3MPU_E_SPACE;
	}
	*out_len = n;
	return S3MPU_OK;
}

/* see internal.h */
size_t decimal_format(uint64_t v, char *out)
{
	char tmp[DECIMAL_MAX];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}
