/* uri.c -- S3 URI encoding (SigV4 "UriEncode"). See s3mpu.h. */
#include "internal.h"

static const char hex_upper[] = "0123456789ABCDEF";

int uri_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
}

size_t s3mpu_uri_encode(s3mpu_str in, int keep_slash, char *out)
{
	size_t i, n = 0;
	for (i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.ptr[i];
		if (uri_unreserved(c) || (keep_slash && c == '/')) {
			out[n++] = (char)c;
		} else {
			out[n++] = '%';
			out[n++] = hex_upper[c >> 4];
			out[n++] = hex_upper[c & 15];
		}
	}
	return n;
}

void out_uri(s3mpu_out *o, s3mpu_str in, int keep_slash)
{
	size_t i, run = 0;
	/* Copy runs of unreserved bytes at once: keys are mostly plain. */
	for (i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.ptr[i];
		if (uri_unreserved(c) || (keep_slash && c == '/'))
			continue;
		out_bytes(o, in.ptr + run, i - run);
		out_char(o, '%');
		out_char(o, hex_upper[c >> 4]);
		out_char(o, hex_upper[c & 15]);
		run = i + 1;
	}
	out_bytes(o, in.ptr + run, in.len - run);
}

/* The i-th byte of the encoding of `s`, reading from (*pos, *sub). */
static int next_encoded(s3mpu_str s, size_t *pos, int *sub)
{
	unsigned char c;
	if (*pos >= s.len)
		return -1;
	c = (unsigned char)s.ptr[*pos];
	if (uri_unreserved(c)) {
		(*pos)++;
		return c;
	}
	switch ((*sub)++) {
	case 0: return '%';
	case 1: return hex_upper[c >> 4];
	default:
		*sub = 0;
		(*pos)++;
		return hex_upper[c & 15];
	}
}

int uri_compare_encoded(s3mpu_str a, s3mpu_str b)
{
	size_t pa = 0, pb = 0;
	int sa = 0, sb = 0;
	for (;;) {
		int ca = next_encoded(a, &pa, &sa);
		int cb = next_encoded(b, &pb, &sb);
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (ca < 0)
			return 0;
	}
}
