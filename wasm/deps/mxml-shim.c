/* mxml-shim.c -- libc stand-ins for mxml on wasm; why: see mxml-config.h. */
#include "config.h"
#include <limits.h>

/* The format string itself, truncated to fit like vsnprintf. */
int s3mpu_mxml_vsnprintf(char *buf, size_t cap, const char *format, va_list ap)
{
	size_t len = strlen(format), n = len;

	(void)ap;
	if (cap) {
		if (n >= cap)
			n = cap - 1;
		memcpy(buf, format, n);
		buf[n] = '\0';
	}
	return (int)len;
}

int s3mpu_mxml_fprintf(FILE *fp, const char *format, ...)
{
	(void)fp;
	(void)format;
	return 0;
}

double s3mpu_mxml_strtod(const char *s, char **end)
{
	(void)s;
	(void)end;
	__builtin_trap();
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

long s3mpu_mxml_strtol(const char *s, char **end, int base)
{
	const char *p = s;
	unsigned long v = 0;
	int any = 0, over = 0, d;

	if (base != 10 && base != 16)
		__builtin_trap();
	if (base == 16 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16)
		p += 2;
	for (; (d = digit_value(*p)) < base; p++, any = 1) {
		if (v > ((unsigned long)LONG_MAX - (unsigned long)d) / (unsigned long)base)
			over = 1;
		else
			v = v * (unsigned long)base + (unsigned long)d;
	}
	if (end)
		*end = (char *)(any ? p : s);
	return over ? LONG_MAX : (long)v;
}

void mxml_error(const char *format, ...)
{
	(void)format;
}

int _mxml_entity_cb(const char *name)
{
	static const char names[5][5] = { "amp", "apos", "gt", "lt", "quot" };
	static const char values[5] = { '&', '\'', '>', '<', '"' };
	int i;
	for (i = 0; i < 5; i++)
		if (strcmp(name, names[i]) == 0)
			return values[i];
	return -1;
}
