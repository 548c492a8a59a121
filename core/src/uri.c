/* uri.c -- S3 URI encoding (SigV4 "UriEncode"). See s3mpu.h. */
#include "internal.h"

static const char hex_upper[] = "0123456789ABCDEF";

/* 1: unreserved (RFC 3986 section 2.3: A-Z a-z 0-9 - _ . ~), 2: '/',
 * 0: encoded (so are all bytes from 0x80, left zero). A table: this runs
 * for every byte of every signed path and query. */
static const unsigned char uri_class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
	0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0,
};

/* Nonzero when `c` is copied as is; `keep` is 1, or 3 to keep '/' too. */
static inline unsigned copied(unsigned char c, unsigned keep)
{
	return uri_class[c] & keep;
}

int uri_unreserved(unsigned char c)
{
	return copied(c, 1) != 0;
}

size_t s3mpu_uri_encode(s3mpu_str in, int keep_slash, char *out)
{
	const unsigned char *p = (const unsigned char *)in.ptr;
	unsigned keep = keep_slash ? 3 : 1;
	size_t i = 0, n = 0;

	while (i < in.len) {
		size_t start = i;
		unsigned char c;
		while (i < in.len && copied(p[i], keep))
			i++;
		if (i > start) {
			memcpy(out + n, p + start, i - start);
			n += i - start;
		}
		if (i == in.len)
			break;
		c = p[i++];
		out[n] = '%';
		out[n + 1] = hex_upper[c >> 4];
		out[n + 2] = hex_upper[c & 15];
		n += 3;
	}
	return n;
}

void out_uri(s3mpu_out *o, s3mpu_str in, int keep_slash)
{
	unsigned keep = keep_slash ? 3 : 1;
	size_t i, run = 0;
	if (o->len <= o->cap && o->cap - o->len >= 3 * in.len) {
		/* Room for the worst case: no bounds to check. */
		o->len += s3mpu_uri_encode(in, keep_slash, o->p + o->len);
		return;
	}
	for (i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.ptr[i];
		if (copied(c, keep))
			continue;
		out_bytes(o, in.ptr + run, i - run);
		out_char(o, '%');
		out_char(o, hex_upper[c >> 4]);
		out_char(o, hex_upper[c & 15]);
		run = i + 1;
	}
	out_bytes(o, in.ptr + run, in.len - run);
}

/*
 * The encodings of a and b compare as their bytes do once each byte is
 * ranked: an encoded byte starts with '%' (0x25), below every unreserved
 * byte (the least is '-', 0x2d), and two encoded bytes order by their
 * upper-case hex, which is their value. So reserved bytes rank below
 * unreserved ones, and by value within each class.
 */
int uri_compare_encoded(s3mpu_str a, s3mpu_str b)
{
	size_t i, n = a.len < b.len ? a.len : b.len;
	for (i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a.ptr[i], y = (unsigned char)b.ptr[i];
		if (x != y) {
			unsigned rx = copied(x, 1) << 8 | x;
			unsigned ry = copied(y, 1) << 8 | y;
			return rx < ry ? -1 : 1;
		}
	}
	return a.len < b.len ? -1 : a.len > b.len;
}
