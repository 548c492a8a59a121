/*
 * config.h for Mini-XML 3.3.1 built for wasm32 by scripts/wasm-deps.sh
 * (copied into the build as config.h; mxml's own sources include it).
 *
 * The first part is what mxml's ./configure --disable-threads writes for
 * wasm32 (checked against wasi-libc; Emscripten's libc has the same
 * functions). Without HAVE_PTHREAD_H mxml keeps its callbacks in one
 * static struct instead of pthread keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <ctype.h>

#define MXML_VERSION "Mini-XML v3.3.1"
#define inline
#define HAVE_LONG_LONG_INT 1
#define HAVE_SNPRINTF 1
#define HAVE_VASPRINTF 1
#define HAVE_VSNPRINTF 1
#define HAVE_STRDUP 1
#define HAVE_STRLCAT 1
#define HAVE_STRLCPY 1
/* #undef HAVE_PTHREAD_H */

extern char *_mxml_strdupf(const char *, ...);
extern char *_mxml_vstrdupf(const char *, va_list);

/*
 * Size, not behaviour the core uses: mxml_error() formats its message with
 * vsnprintf and, without an error callback, prints it to stderr; and the
 * loader calls strtod for MXML_REAL nodes. On wasm these pull in printf,
 * stdio (and with it the WASI imports fd_write, fd_seek, fd_close) and the
 * float parser: ~9 KB of the ~20 KB gzip that mxml would cost. The core
 * loads with opaque/text callbacks and installs an error callback, so:
 *  - the error callback receives the message's format string unformatted;
 *  - with no callback, errors are dropped instead of printed;
 *  - MXML_REAL parsing traps (loudly, never a wrong value).
 * strtol stays real: numeric character references (&#x41;) need it.
 * The replacements are in mxml-shim.c.
 */
int s3mpu_mxml_vsnprintf(char *buf, size_t cap, const char *format, va_list ap);
int s3mpu_mxml_fprintf(FILE *fp, const char *format, ...);
double s3mpu_mxml_strtod(const char *s, char **end);
#define vsnprintf s3mpu_mxml_vsnprintf
#define fprintf s3mpu_mxml_fprintf
#define strtod s3mpu_mxml_strtod
#undef stderr
#define stderr ((FILE *)0)

/*
 * Also for size, three things scripts/wasm-deps.sh and mxml-shim.c swap:
 *  - mxml_error() is empty: mxml-private.c is compiled with its own renamed
 *    away. Its messages only ever reached the core's error callback, which
 *    ignores them (core/src/xml.c); with LTO the ~2.5 KB of message
 *    formats then drop out of the module.
 *  - Named entities are XML's five (amp lt gt quot apos): mxml-entity.c's
 *    _mxml_entity_cb, with HTML's ~250 names (~3.5 KB), is renamed away.
 *    XML 1.0 has no other named entity without a DTD, and S3 servers
 *    escape with these five and numeric references; an HTML name such as
 *    &eacute; is malformed XML here, while the native build (Debian's
 *    libmxml) still decodes it.
 *  - strtol: mxml needs it only for numeric character references (&#65;,
 *    &#x41;), base 10 or 16, and musl's general one costs ~2 KB. The
 *    stand-in gives the same values there (an optional 0x after base 16,
 *    LONG_MAX on overflow) and traps on any other base (MXML_INTEGER
 *    nodes, unused).
 */
void mxml_error(const char *format, ...);
int _mxml_entity_cb(const char *name);
long s3mpu_mxml_strtol(const char *s, char **end, int base);
#define strtol s3mpu_mxml_strtol
