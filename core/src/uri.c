/* uri.c -- S3 URI encoding (SigV4 "UriEncode"). See s3mpu.h. */
#include "internal.h"

static const char hex_upper[] = "0123456789ABCDEF";

/* 1: unreserved (RFC 3986 section 2.3: A-Z a-z 0-9 - _ . ~), 2: '/',
 * 0: encoded (so are all bytes from 0x80, left zero). A table: this runs
 * for every byte of every signed path and query. */
/* clang-format off */
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
/* clang-format on */

/* Nonzero when `c` is copied as is; `keep` is 1, or 3 to keep '/' too. */
static inline unsigned copied(unsigned char c, unsigned keep) { return uri_class[c] & keep; }

int uri_unreserved(unsigned char c) { return copied(c, 1) != 0; }

/*
 * Eight bytes at a time: are they all copied as is? Byte-wise range tests
 * on a 64-bit word, valid once every byte is below 0x80: adding 0x80 - lo
 * sets a byte's top bit when it is >= lo, adding 0x7f - hi when it is > hi,
 * and no sum carries into the next byte. Letters are tested folded to
 * lower case. '-' '.' '/' are 0x2d..0x2f, just below the digits.
 */
#define ONES UINT64_C(0x0101010101010101)
#define TOPS (ONES * 0x80)
#define IN_RANGE(x, lo, hi) (((x) + ONES * (0x80 - (lo))) & ~((x) + ONES * (0x7f - (hi))) & TOPS)
#define IS_BYTE(x, c) (~(((x) ^ ONES * (c)) + ONES * 0x7f) & TOPS)

static int copied8(const unsigned char *p, unsigned keep)
{
	uint64_t x, ok;
	memcpy(&x, p, 8);
	if (x & TOPS)
		return 0;
	ok = IN_RANGE(x | ONES * 0x20, 'a', 'z') | IN_RANGE(x, '0', '9') |
		IN_RANGE(x, '-', keep == 3 ? '/' : '.') | IS_BYTE(x, '_') | IS_BYTE(x, '~');
	return ok == TOPS;
}

/* How many bytes from p are copied as is. */
static size_t copied_run(const unsigned char *p, size_t len, unsigned keep)
{
	size_t i = 0;
	while (len - i >= 8 && copied8(p + i, keep))
		i += 8;
	while (i < len && copied(p[i], keep))
		i++;
	return i;
}

size_t s3mpu_uri_encode(s3mpu_str in, int keep_slash, char *out)
{
	const unsigned char *p = (const unsigned char *)in.ptr;
	unsigned keep = keep_slash ? 3 : 1;
	size_t i = 0, n = 0;

	while (i < in.len) {
		size_t run = copied_run(p + i, in.len - i, keep);
		unsigned char c;
		if (run) {
			memcpy(out + n, p + i, run);
			n += run;
			i += run;
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

void buf_uri(s3mpu_buf *o, s3mpu_str in, int keep_slash)
{
	unsigned keep = keep_slash ? 3 : 1;
	size_t i, run = 0;
	if (in.len == 0)
		return; /* in.ptr may be NULL; o->p too in a size probe */
	if (o->len <= o->cap && o->cap - o->len >= 3 * in.len) {
		/* Room for the worst case: no bounds to check. */
		o->len += s3mpu_uri_encode(in, keep_slash, o->p + o->len);
		return;
	}
	for (i = 0; i < in.len; i++) {
		unsigned char c = (unsigned char)in.ptr[i];
		if (copied(c, keep))
			continue;
		buf_bytes(o, in.ptr + run, i - run);
		buf_char(o, '%');
		buf_char(o, hex_upper[c >> 4]);
		buf_char(o, hex_upper[c & 15]);
		run = i + 1;
	}
	buf_bytes(o, in.ptr + run, in.len - run);
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
