/* validate.c -- bucket names, keys, part numbers, headers. See s3mpu.h. */
#include "internal.h"

/* (ptr, len) with a NULL ptr is only the empty string. */
#define STR_BROKEN(s) (!(s).ptr && (s).len != 0)

static int is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

static int has_prefix(s3mpu_str s, const char *pre)
{
	size_t n = strlen(pre);
	return s.len >= n && memcmp(s.ptr, pre, n) == 0;
}

static int has_suffix(s3mpu_str s, const char *suf)
{
	size_t n = strlen(suf);
	return s.len >= n && memcmp(s.ptr + s.len - n, suf, n) == 0;
}

/* Four dot-separated groups of 1..3 digits: "192.168.5.4". S3 refuses
 * names shaped like an IPv4 address whatever the numbers' values. */
static int looks_like_ipv4(s3mpu_str s)
{
	size_t i, run = 0, dots = 0;
	for (i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		if (c == '.') {
			if (run == 0)
				return 0;
			dots++;
			run = 0;
		} else if (c >= '0' && c <= '9') {
			if (++run > 3)
				return 0;
		} else {
			return 0;
		}
	}
	return dots == 3 && run > 0;
}

int s3mpu_bucket_validate(s3mpu_str bucket)
{
	/* AWS general-purpose bucket naming rules ("Bucket naming rules",
	 * S3 user guide), the subset in s3mpu.h; JD Cloud's are stricter
	 * still (no dots) but enforced by its server. */
	size_t i;

	if (STR_BROKEN(bucket))
		return S3MPU_E_ARGUMENT;
	if (bucket.len < 3 || bucket.len > 63)
		return S3MPU_E_BUCKET;
	if (!is_lower_alnum(bucket.ptr[0]) || !is_lower_alnum(bucket.ptr[bucket.len - 1]))
		return S3MPU_E_BUCKET;
	for (i = 0; i < bucket.len; i++) {
		char c = bucket.ptr[i];
		if (!is_lower_alnum(c) && c != '-' && c != '.')
			return S3MPU_E_BUCKET;
		if (c == '.' && bucket.ptr[i - 1] == '.') /* i > 0: ptr[0] is alnum */
			return S3MPU_E_BUCKET;
	}
	if (looks_like_ipv4(bucket))
		return S3MPU_E_BUCKET;
	if (has_prefix(bucket, "xn--") || has_suffix(bucket, "-s3alias") ||
		has_suffix(bucket, "--ol-s3"))
		return S3MPU_E_BUCKET;
	return S3MPU_OK;
}

/* Length of the well-formed UTF-8 sequence at p (at most `left` bytes), or
 * 0. RFC 3629 section 4: no overlong forms, no surrogates, nothing above
 * U+10FFFF. */
static size_t utf8_sequence(const unsigned char *p, size_t left)
{
	unsigned char b = p[0], lo = 0x80, hi = 0xBF;
	size_t n, i;

	if (b < 0x80)
		return 1;
	if (b >= 0xC2 && b <= 0xDF) {
		n = 2;
	} else if (b >= 0xE0 && b <= 0xEF) {
		n = 3;
		if (b == 0xE0)
			lo = 0xA0; /* overlong below U+0800 */
		else if (b == 0xED)
			hi = 0x9F; /* U+D800..U+DFFF */
	} else if (b >= 0xF0 && b <= 0xF4) {
		n = 4;
		if (b == 0xF0)
			lo = 0x90; /* overlong below U+10000 */
		else if (b == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0; /* continuation byte, C0, C1, F5..FF */
	}
	if (left < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return n;
}

int s3mpu_key_validate(s3mpu_str key)
{
	const unsigned char *p = (const unsigned char *)key.ptr;
	size_t i = 0;

	if (STR_BROKEN(key))
		return S3MPU_E_ARGUMENT;
	if (key.len < 1 || key.len > S3MPU_KEY_MAX)
		return S3MPU_E_KEY;
	while (i < key.len) {
		size_t n;
		/* NUL is valid UTF-8 but no server or C client takes it. */
		if (p[i] == 0)
			return S3MPU_E_KEY;
		n = utf8_sequence(p + i, key.len - i);
		if (n == 0)
			return S3MPU_E_KEY;
		i += n;
	}
	return S3MPU_OK;
}

int s3mpu_part_number_validate(uint32_t part_number)
{
	return part_number >= 1 && part_number <= S3MPU_PART_NUMBER_MAX ? S3MPU_OK
									: S3MPU_E_PART_NUMBER;
}

/* RFC 9110 section 5.6.2: tchar. */
static int is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return 1;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

int s3mpu_header_validate(s3mpu_str name, s3mpu_str value)
{
	size_t i;

	if (STR_BROKEN(name) || STR_BROKEN(value))
		return S3MPU_E_ARGUMENT;
	if (name.len == 0)
		return S3MPU_E_HEADER;
	for (i = 0; i < name.len; i++)
		if (!is_tchar((unsigned char)name.ptr[i]))
			return S3MPU_E_HEADER;
	/* field-value (RFC 9110 section 5.5): VCHAR, SP, HTAB, obs-text.
	 * CR and LF would split the request; other controls are refused by
	 * fetch() and by most servers. */
	for (i = 0; i < value.len; i++) {
		unsigned char c = (unsigned char)value.ptr[i];
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return S3MPU_E_HEADER;
	}
	return S3MPU_OK;
}
