/* mxml-shim.c -- libc stand-ins for mxml on wasm; why: see mxml-config.h. */
#include "config.h"

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
