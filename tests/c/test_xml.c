/*
 * test_xml.c -- the response parsers (core/src/xml.c).
 *
 * Fixtures in fixtures/xml/ pair a document (NAME.xml) with its expected
 * result (NAME.expect: directives, then the result as dump() writes it).
 * Every fixture is also parsed: from right before a guard page; with the
 * namespace removed and with prefixed names; with whitespace around it;
 * cut at every offset; by the other parsers; and, outside ASan, with each
 * allocation failed in turn.
 */
#define _GNU_SOURCE /* dladdr, MAP_ANONYMOUS */
#include "s3mpu.h"
#include "check.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* ===================================================================== */
/* Allocation failure injection (curl's torture mode)                     */
/* ===================================================================== */

/* The test binary replaces malloc and friends (glibc allows it), so that
 * mxml's allocations can be counted and failed one at a time. Not under
 * ASan, which owns malloc itself. */
#if defined(__SANITIZE_ADDRESS__) /* gcc */
#define ASAN_ON 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) /* clang */
#define ASAN_ON 1
#endif
#endif
#if defined(__GLIBC__) && !defined(ASAN_ON)
#define TORTURE 1
#else
#define TORTURE 0
#endif

#if TORTURE
static struct {
	int active;
	long count;    /* allocations attempted while active */
	long fail_at;  /* which one fails */
	long live;     /* allocated minus freed while active */
	long injected; /* failures injected, over the whole run */
	int foreign;   /* malloc is not ours (valgrind replaces it) */
} tort;

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t m);
extern void *__libc_realloc(void *p, size_t n);
extern void __libc_free(void *p);

static int tort_fail(void) { return tort.active && tort.count++ == tort.fail_at; }

void *malloc(size_t n)
{
	void *p;
	if (tort_fail())
		return NULL;
	p = __libc_malloc(n);
	if (p && tort.active)
		tort.live++;
	return p;
}

void *calloc(size_t n, size_t m)
{
	void *p;
	if (tort_fail())
		return NULL;
	p = __libc_calloc(n, m);
	if (p && tort.active)
		tort.live++;
	return p;
}

void *realloc(void *p, size_t n)
{
	void *q;
	if (tort_fail())
		return NULL;
	q = __libc_realloc(p, n);
	if (q && !p && tort.active)
		tort.live++;
	return q;
}

void free(void *p)
{
	if (p && tort.active)
		tort.live--;
	__libc_free(p);
}

/* mxml 3.3.1 does not check the strdup of an element's name
 * (mxmlNewElement), and then crashes on strcmp(NULL) at the close tag.
 * That one is never failed: a known mxml bug we cannot work around. */
#undef strdup
char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	Dl_info info;
	char *p;

	if (tort.active && dladdr(__builtin_return_address(0), &info) && info.dli_sname &&
		strcmp(info.dli_sname, "mxmlNewElement") == 0) {
		p = __libc_malloc(n);
		if (p)
			tort.live++;
	} else {
		p = malloc(n);
	}
	if (p)
		memcpy(p, s, n);
	return p;
}
#endif

/* ===================================================================== */
/* Text buffer                                                            */
/* ===================================================================== */

typedef struct {
	char *p;
	size_t len, cap;
} buf;

static void buf_add(buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (b->p == NULL)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void buf_cstr(buf *b, const char *s) { buf_add(b, s, strlen(s)); }

static void buf_fmt(buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		abort();
	buf_add(b, tmp, (size_t)n);
}

static void buf_free(buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* A value, escaped as in the .expect files: \n \r \t \\, \xHH for other
 * control bytes, and a trailing space as \x20. */
static void buf_val(buf *b, const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			buf_cstr(b, "\\n");
		else if (c == '\r')
			buf_cstr(b, "\\r");
		else if (c == '\t')
			buf_cstr(b, "\\t");
		else if (c == '\\')
			buf_cstr(b, "\\\\");
		else if (c < 0x20 || c == 0x7f || (c == ' ' && i + 1 == n))
			buf_fmt(b, "\\x%02x", c);
		else
			buf_add(b, (const char *)&s[i], 1);
	}
}

/* "name value\n", or "name\n" when the value is empty. */
static void buf_field(buf *b, const char *name, const char *value)
{
	buf_cstr(b, name);
	if (value[0]) {
		buf_cstr(b, " ");
		buf_val(b, value);
	}
	buf_cstr(b, "\n");
}

/* ===================================================================== */
/* Running a parser                                                       */
/* ===================================================================== */

enum {
	P_ERROR,
	P_CREATE_MULTIPART_UPLOAD,
	P_COMPLETE_MULTIPART_UPLOAD,
	P_LIST_PARTS,
	P_LIST_MULTIPART_UPLOADS,
	P_COUNT
};
static const char *const parser_names[P_COUNT] = { "error", "create_multipart_upload",
	"complete_multipart_upload", "list_parts", "list_multipart_uploads" };

#define PARTS_MAX 64
#define UPLOADS_MAX 8

typedef struct {
	s3mpu_s3_error err;
	s3mpu_create_multipart_upload_result create;
	s3mpu_complete_multipart_upload_result complete;
	s3mpu_list_parts_result lp;
	s3mpu_list_multipart_uploads_result lu;
	s3mpu_part parts[PARTS_MAX];
	s3mpu_upload uploads[UPLOADS_MAX];
} results;

static const char *rc_name(int rc)
{
	switch (rc) {
	case S3MPU_OK: return "OK";
	case S3MPU_E_SPACE: return "E_SPACE";
	case S3MPU_E_ARGUMENT: return "E_ARGUMENT";
	case S3MPU_E_XML: return "E_XML";
	case S3MPU_E_XML_SIZE: return "E_XML_SIZE";
	case S3MPU_E_XML_DOCUMENT: return "E_XML_DOCUMENT";
	case S3MPU_E_S3: return "E_S3";
	case S3MPU_E_NOMEM: return "E_NOMEM";
	default: return "E_OTHER";
	}
}

/* Fill `r` with junk, so a parser that leaves a field alone shows. */
static void results_junk(results *r, size_t cap)
{
	memset(r, 0xa5, sizeof *r);
	r->lp.parts = r->parts;
	r->lp.part_cap = cap < PARTS_MAX ? cap : PARTS_MAX;
	r->lu.uploads = r->uploads;
	r->lu.upload_cap = cap < UPLOADS_MAX ? cap : UPLOADS_MAX;
}

static int parse(int parser, results *r, const char *xml, size_t len, int with_err)
{
	s3mpu_s3_error *err = with_err ? &r->err : NULL;

	switch (parser) {
	case P_ERROR: return s3mpu_response_parse_error(xml, len, &r->err);
	case P_CREATE_MULTIPART_UPLOAD:
		return s3mpu_response_parse_create_multipart_upload(xml, len, &r->create, err);
	case P_COMPLETE_MULTIPART_UPLOAD:
		return s3mpu_response_parse_complete_multipart_upload(xml, len, &r->complete, err);
	case P_LIST_PARTS: return s3mpu_response_parse_list_parts(xml, len, &r->lp, err);
	default: return s3mpu_response_parse_list_multipart_uploads(xml, len, &r->lu, err);
	}
}

static int all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;
	for (i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

/*
 * The result as text, and a check that a failed parse left nothing that
 * looks valid (returned through `clean`).
 */
static void dump(buf *b, int parser, int rc, const results *r, int with_err, int *clean)
{
	size_t i;
	int ok = rc == S3MPU_OK;

	*clean = 1;
	buf_fmt(b, "rc %s\n", rc_name(rc));
	if (parser == P_CREATE_MULTIPART_UPLOAD) {
		if (ok) {
			buf_field(b, "bucket", r->create.bucket);
			buf_field(b, "key", r->create.key);
			buf_field(b, "upload_id", r->create.upload_id);
		} else {
			*clean = all_zero(&r->create, sizeof r->create);
		}
	} else if (parser == P_COMPLETE_MULTIPART_UPLOAD) {
		if (ok) {
			buf_field(b, "location", r->complete.location);
			buf_field(b, "bucket", r->complete.bucket);
			buf_field(b, "key", r->complete.key);
			buf_field(b, "etag", r->complete.etag);
		} else {
			*clean = all_zero(&r->complete, sizeof r->complete);
		}
	} else if (parser == P_LIST_PARTS) {
		if (ok) {
			buf_fmt(b, "is_truncated %d\n", r->lp.is_truncated);
			buf_fmt(b, "next_part_number_marker %u\n",
				(unsigned)r->lp.next_part_number_marker);
			buf_fmt(b, "part_count %zu\n", r->lp.part_count);
			for (i = 0; i < r->lp.part_count && i < r->lp.part_cap; i++) {
				const s3mpu_part *p = &r->lp.parts[i];
				buf_fmt(b, "part %u | %llu |", (unsigned)p->number,
					(unsigned long long)p->size);
				if (p->etag_len) {
					buf_cstr(b, " ");
					buf_val(b, p->etag);
				}
				CHECK_INT(p->etag_len, strlen(p->etag));
				buf_cstr(b, " |");
				if (p->last_modified[0]) {
					buf_cstr(b, " ");
					buf_val(b, p->last_modified);
				}
				CHECK_INT(p->checksum_len, strlen(p->checksum));
				if (p->checksum_len) {
					buf_cstr(b, " | ");
					buf_val(b, p->checksum);
				}
				buf_cstr(b, "\n");
			}
		} else {
			if (rc == S3MPU_E_SPACE)
				buf_fmt(b, "part_count %zu\n", r->lp.part_count);
			else
				*clean = r->lp.part_count == 0;
			*clean = *clean && r->lp.is_truncated == 0 &&
				r->lp.next_part_number_marker == 0;
		}
	} else if (parser == P_LIST_MULTIPART_UPLOADS) {
		if (ok) {
			buf_fmt(b, "is_truncated %d\n", r->lu.is_truncated);
			buf_field(b, "next_key_marker", r->lu.next_key_marker);
			buf_field(b, "next_upload_id_marker", r->lu.next_upload_id_marker);
			buf_fmt(b, "upload_count %zu\n", r->lu.upload_count);
			for (i = 0; i < r->lu.upload_count && i < r->lu.upload_cap; i++) {
				const s3mpu_upload *u = &r->lu.uploads[i];
				const char *f[4];
				size_t j;
				f[0] = u->key;
				f[1] = u->upload_id;
				f[2] = u->initiated;
				f[3] = u->storage_class;
				buf_cstr(b, "upload");
				for (j = 0; j < 4; j++) {
					if (j)
						buf_cstr(b, " |");
					if (f[j][0]) {
						buf_cstr(b, " ");
						buf_val(b, f[j]);
					}
				}
				buf_cstr(b, "\n");
			}
		} else {
			if (rc == S3MPU_E_SPACE)
				buf_fmt(b, "upload_count %zu\n", r->lu.upload_count);
			else
				*clean = r->lu.upload_count == 0;
			*clean = *clean && r->lu.is_truncated == 0 &&
				r->lu.next_key_marker[0] == 0 &&
				r->lu.next_upload_id_marker[0] == 0;
		}
	}
	if (rc == S3MPU_E_S3 || (parser == P_ERROR && ok)) {
		if (with_err) {
			buf_field(b, "code", r->err.code);
			buf_field(b, "message", r->err.message);
			buf_field(b, "request_id", r->err.request_id);
			buf_field(b, "host_id", r->err.host_id);
			buf_field(b, "string_to_sign", r->err.string_to_sign);
			buf_field(b, "canonical_request", r->err.canonical_request);
		}
	} else if (with_err) {
		*clean = *clean && all_zero(&r->err, sizeof r->err);
	}
}

/* Parse and dump in one go; returns rc. */
static int run(int parser, size_t cap, const char *xml, size_t len, int with_err, buf *out)
{
	results *r = malloc(sizeof *r);
	int rc, clean;

	if (r == NULL)
		abort();
	results_junk(r, cap);
	rc = parse(parser, r, xml, len, with_err);
	out->len = 0;
	dump(out, parser, rc, r, with_err, &clean);
	if (!clean) {
		check_fail_at(__FILE__, __LINE__, "a failed parse left a result that looks valid");
		fprintf(stderr, "    parser %s, rc %s\n", parser_names[parser], rc_name(rc));
	}
	free(r);
	return rc;
}

/* Only the return code. */
static int rc_of(int parser, const char *xml, size_t len)
{
	buf d = { 0 };
	int rc = run(parser, PARTS_MAX, xml, len, 1, &d);
	buf_free(&d);
	return rc;
}

#define RC(parser, lit) rc_of(parser, lit, sizeof(lit) - 1)

/* ===================================================================== */
/* Guard page                                                             */
/* ===================================================================== */

typedef struct {
	void *map;
	size_t map_len;
	char *p;
} guarded;

/* Copy `len` bytes so that they end right where a PROT_NONE page starts. */
static char *guard_put(guarded *g, const void *data, size_t len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t data_pages = len / pg + 1;

	g->map_len = (data_pages + 1) * pg;
	g->map = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->map == MAP_FAILED)
		abort();
	if (mprotect((char *)g->map + data_pages * pg, pg, PROT_NONE) != 0)
		abort();
	g->p = (char *)g->map + data_pages * pg - len;
	if (len)
		memcpy(g->p, data, len);
	return g->p;
}

static void guard_free(guarded *g) { munmap(g->map, g->map_len); }

/* ===================================================================== */
/* Fixtures                                                               */
/* ===================================================================== */

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	buf b = { 0 };
	char tmp[4096];
	size_t n;

	if (f == NULL)
		return NULL;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_add(&b, tmp, n);
	fclose(f);
	buf_add(&b, "", 0);
	*len = b.len;
	return b.p;
}

typedef struct {
	char name[128];
	int parser;
	size_t cap;
	char *xml;
	size_t xml_len;
	buf expect; /* the result lines */
	int rc;     /* from the "rc" line */
} fixture;

static int fixture_load(fixture *f, const char *name)
{
	char path[512], xml_name[128];
	char *text, *line, *next;
	size_t len;
	int i;

	memset(f, 0, sizeof *f);
	snprintf(f->name, sizeof f->name, "%s", name);
	f->parser = -1;
	f->cap = PARTS_MAX;
	f->rc = -1;
	snprintf(xml_name, sizeof xml_name, "%s.xml", name);
	snprintf(path, sizeof path, "%s/xml/%s.expect", S3MPU_FIXTURES_DIR, name);
	text = read_file(path, &len);
	if (text == NULL)
		return 0;
	for (line = text; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strncmp(line, "parser ", 7) == 0) {
			for (i = 0; i < P_COUNT; i++)
				if (strcmp(line + 7, parser_names[i]) == 0)
					f->parser = i;
		} else if (strncmp(line, "cap ", 4) == 0) {
			f->cap = (size_t)strtoul(line + 4, NULL, 10);
		} else if (strncmp(line, "xml ", 4) == 0) {
			snprintf(xml_name, sizeof xml_name, "%s", line + 4);
		} else {
			if (strncmp(line, "rc ", 3) == 0) {
				for (i = 0; i < S3MPU_E_COUNT_; i++)
					if (strcmp(line + 3, rc_name(i)) == 0)
						f->rc = i;
			}
			buf_cstr(&f->expect, line);
			buf_cstr(&f->expect, "\n");
		}
	}
	free(text);
	snprintf(path, sizeof path, "%s/xml/%s", S3MPU_FIXTURES_DIR, xml_name);
	f->xml = read_file(path, &f->xml_len);
	return f->xml != NULL && f->parser >= 0 && f->rc >= 0;
}

static void fixture_free(fixture *f)
{
	free(f->xml);
	buf_free(&f->expect);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The fixture names (NAME of NAME.expect), sorted; returns the count. */
static size_t fixture_names(char ***out)
{
	char path[512];
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;

	snprintf(path, sizeof path, "%s/xml", S3MPU_FIXTURES_DIR);
	d = opendir(path);
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l > 7 && strcmp(e->d_name + l - 7, ".expect") == 0) {
			names = realloc(names, (n + 1) * sizeof *names);
			names[n] = malloc(l - 6);
			memcpy(names[n], e->d_name, l - 7);
			names[n][l - 7] = '\0';
			n++;
		}
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_names);
	*out = names;
	return n;
}

/* Runs `fn` on every fixture. */
static void each_fixture(void (*fn)(const fixture *f))
{
	char **names;
	size_t i, n = fixture_names(&names);

	CHECK(n >= 30);
	for (i = 0; i < n; i++) {
		fixture f;
		int before = check_failures;
		if (!fixture_load(&f, names[i])) {
			check_fail_at(__FILE__, __LINE__, "fixture loads");
			fprintf(stderr, "    fixture %s\n", names[i]);
		} else {
			fn(&f);
		}
		if (check_failures != before)
			fprintf(stderr, "    ^ in fixture %s\n", names[i]);
		fixture_free(&f);
		free(names[i]);
	}
	free(names);
}

/* A fixture whose document is complete and parses to a result. */
static int complete_doc(const fixture *f)
{
	return f->rc == S3MPU_OK || f->rc == S3MPU_E_S3 || f->rc == S3MPU_E_SPACE;
}

/* Parse `xml` as fixture `f` says and compare with its expected result. */
static int expect_same(const fixture *f, const char *xml, size_t len, const char *what)
{
	buf d = { 0 };
	int same;

	run(f->parser, f->cap, xml, len, 1, &d);
	same = d.len == f->expect.len && memcmp(d.p, f->expect.p, d.len) == 0;
	if (!same) {
		check_fail_at(__FILE__, __LINE__, what);
		fprintf(stderr, "    got:\n%s    want:\n%s", d.p, f->expect.p);
	}
	buf_free(&d);
	return same;
}

/* ===================================================================== */
/* Document rewriting, for the variants                                   */
/* ===================================================================== */

#define S3_NS "http://s3.amazonaws.com/doc/2006-03-01/"

/* `xml` without any xmlns="<S3 namespace>". */
static void strip_ns(buf *out, const char *xml, size_t len)
{
	static const char ns[] = " xmlns=\"" S3_NS "\"";
	size_t i = 0;

	out->len = 0;
	buf_add(out, "", 0);
	while (i < len) {
		if (len - i >= sizeof ns - 1 && memcmp(xml + i, ns, sizeof ns - 1) == 0) {
			i += sizeof ns - 1;
			continue;
		}
		buf_add(out, xml + i, 1);
		i++;
	}
}

/* Every element name given the prefix "s3:", bound on the root. */
static void prefix_names(buf *out, const char *xml, size_t len)
{
	size_t i = 0;
	int rooted = 0;

	out->len = 0;
	buf_add(out, "", 0);
	while (i < len) {
		const char *end = NULL;
		if (len - i >= 9 && memcmp(xml + i, "<![CDATA[", 9) == 0)
			end = strstr(xml + i, "]]>");
		else if (len - i >= 4 && memcmp(xml + i, "<!--", 4) == 0)
			end = strstr(xml + i, "-->");
		if (end) {
			buf_add(out, xml + i, (size_t)(end - (xml + i)) + 3);
			i = (size_t)(end - xml) + 3;
			continue;
		}
		if (xml[i] == '<' && i + 1 < len &&
			(xml[i + 1] == '/' || (xml[i + 1] >= 'A' && xml[i + 1] <= 'Z'))) {
			size_t j = i + 1 + (xml[i + 1] == '/');
			buf_add(out, xml + i, j - i);
			buf_cstr(out, "s3:");
			i = j;
			if (!rooted && xml[j - 1] != '/') {
				while (i < len && xml[i] != ' ' && xml[i] != '>' && xml[i] != '/')
					buf_add(out, xml + i++, 1);
				buf_cstr(out, " xmlns:s3=\"" S3_NS "\"");
				rooted = 1;
			}
			continue;
		}
		buf_add(out, xml + i, 1);
		i++;
	}
}

/* ===================================================================== */
/* Fixture tests                                                          */
/* ===================================================================== */

static void check_expected(const fixture *f)
{
	buf d = { 0 };
	int rc;

	expect_same(f, f->xml, f->xml_len, "fixture result");

	/* Without `err` the return code stays the same. */
	rc = run(f->parser, f->cap, f->xml, f->xml_len, 0, &d);
	if (f->parser != P_ERROR)
		CHECK_INT(rc, f->rc);
	buf_free(&d);
}

TEST(fixtures) { each_fixture(check_expected); }

static void check_guard(const fixture *f)
{
	guarded g;
	char *p = guard_put(&g, f->xml, f->xml_len);
	expect_same(f, p, f->xml_len, "fixture right before a guard page");
	guard_free(&g);
}

TEST(fixtures_guard_page) { each_fixture(check_guard); }

static void check_variants(const fixture *f)
{
	buf v = { 0 }, w = { 0 };

	if (!complete_doc(f))
		return;
	strip_ns(&v, f->xml, f->xml_len);
	expect_same(f, v.p, v.len, "without the namespace");
	prefix_names(&w, v.p, v.len);
	expect_same(f, w.p, w.len, "with prefixed names");

	v.len = 0;
	buf_cstr(&v, "\r\n \t\n   \n");
	buf_add(&v, f->xml, f->xml_len);
	buf_cstr(&v, "\n\r\n \t ");
	expect_same(f, v.p, v.len, "with whitespace around");

	/* A comment and a processing instruction after the root are fine. */
	v.len = 0;
	buf_add(&v, f->xml, f->xml_len);
	buf_cstr(&v, "<!-- served by test -->\n<?pi x?>\n");
	expect_same(f, v.p, v.len, "with a comment after the root");

	/* Anything else after the root is not. */
	v.len = 0;
	buf_add(&v, f->xml, f->xml_len);
	buf_cstr(&v, "x");
	CHECK_INT(rc_of(f->parser, v.p, v.len), S3MPU_E_XML);
	v.len = 0;
	buf_add(&v, f->xml, f->xml_len);
	buf_cstr(&v, "<Error/>");
	CHECK_INT(rc_of(f->parser, v.p, v.len), S3MPU_E_XML);
	buf_free(&v);
	buf_free(&w);
}

TEST(fixtures_variants) { each_fixture(check_variants); }

/* Every prefix is malformed, unless it holds the whole document. */
static void check_truncated(const fixture *f)
{
	buf d = { 0 };
	size_t n;

	if (!complete_doc(f))
		return;
	for (n = 0; n < f->xml_len; n++) {
		guarded g;
		char *p = guard_put(&g, f->xml, n);
		int rc = run(f->parser, f->cap, p, n, 1, &d);
		guard_free(&g);
		if (rc != S3MPU_E_XML &&
			!(d.len == f->expect.len && memcmp(d.p, f->expect.p, d.len) == 0)) {
			check_fail_at(__FILE__, __LINE__, "a truncated document is an error");
			fprintf(stderr, "    cut at %zu of %zu:\n%s", n, f->xml_len, d.p);
			break;
		}
	}
	buf_free(&d);
}

TEST(fixtures_truncated) { each_fixture(check_truncated); }

/* <Error> goes through every parser; other roots are refused by the rest. */
static void check_cross(const fixture *f)
{
	results *r, *ref;
	int p, is_error = f->rc == S3MPU_E_S3 || (f->parser == P_ERROR && f->rc == S3MPU_OK);

	if (!complete_doc(f))
		return;
	r = malloc(sizeof *r);
	ref = malloc(sizeof *ref);
	results_junk(ref, PARTS_MAX);
	parse(P_ERROR, ref, f->xml, f->xml_len, 1);
	for (p = 0; p < P_COUNT; p++) {
		int rc;
		results_junk(r, PARTS_MAX);
		rc = parse(p, r, f->xml, f->xml_len, 1);
		if (is_error) {
			CHECK_INT(rc, p == P_ERROR ? S3MPU_OK : S3MPU_E_S3);
			CHECK(memcmp(&r->err, &ref->err, sizeof r->err) == 0);
			/* and without `err` */
			if (p != P_ERROR) {
				results_junk(r, PARTS_MAX);
				CHECK_INT(parse(p, r, f->xml, f->xml_len, 0), S3MPU_E_S3);
			}
		} else if (p != f->parser) {
			CHECK_INT(rc, S3MPU_E_XML_DOCUMENT);
		}
	}
	free(r);
	free(ref);
}

TEST(fixtures_every_parser) { each_fixture(check_cross); }

#if TORTURE
static void check_torture(const fixture *f)
{
	results *r = malloc(sizeof *r);
	buf d = { 0 };
	long k;
	int rc, clean;

	/* Warm up: mxml allocates its per-thread globals on first use and
	 * does not check that allocation. */
	results_junk(r, f->cap);
	parse(f->parser, r, f->xml, f->xml_len, 1);

	for (k = 0; k < 1000000; k++) {
		results_junk(r, f->cap);
		tort.count = 0;
		tort.live = 0;
		tort.fail_at = k;
		tort.active = 1;
		rc = parse(f->parser, r, f->xml, f->xml_len, 1);
		tort.active = 0;
		if (k == 0 && tort.count == 0) {
			tort.foreign = 1;
			break;
		}
		if (tort.live != 0)
			fprintf(stderr, "    leak with allocation %ld failed (rc %s)\n", k,
				rc_name(rc));
		CHECK_INT(tort.live, 0);
		d.len = 0;
		dump(&d, f->parser, rc, r, 1, &clean);
		CHECK(clean);
		if (tort.count > k)
			tort.injected++;
		if (tort.count <= k) {
			/* Nothing failed: the full result. */
			CHECK(d.len == f->expect.len && memcmp(d.p, f->expect.p, d.len) == 0);
			break;
		}
		if (rc != S3MPU_E_NOMEM && rc != S3MPU_E_XML &&
			!(d.len == f->expect.len && memcmp(d.p, f->expect.p, d.len) == 0)) {
			check_fail_at(__FILE__, __LINE__,
				"a failed allocation gives an error or the full result");
			fprintf(stderr, "    allocation %ld failed:\n%s", k, d.p);
			break;
		}
		if (tort.live != 0)
			break;
	}
	buf_free(&d);
	free(r);
}
#endif

TEST(fixtures_allocation_failures)
{
#if TORTURE
	each_fixture(check_torture);
	if (tort.foreign)
		fprintf(stderr,
			"note: malloc is not ours here (valgrind?): no failures injected\n");
	else
		CHECK(tort.injected > 1000);
#else
	fprintf(stderr, "note: allocation failures not injected in this build\n");
#endif
}

/* ===================================================================== */
/* Arguments and sizes                                                    */
/* ===================================================================== */

static const char create_doc[] = "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>"
				 "<UploadId>u</UploadId></InitiateMultipartUploadResult>";

TEST(arguments)
{
	s3mpu_create_multipart_upload_result cr;
	s3mpu_complete_multipart_upload_result co;
	s3mpu_list_parts_result lp;
	s3mpu_list_multipart_uploads_result lu;
	s3mpu_s3_error err;
	s3mpu_part parts[2];

	CHECK_INT(s3mpu_response_parse_create_multipart_upload(
			  create_doc, sizeof create_doc - 1, NULL, NULL),
		S3MPU_E_ARGUMENT);
	CHECK_INT(s3mpu_response_parse_complete_multipart_upload(
			  create_doc, sizeof create_doc - 1, NULL, NULL),
		S3MPU_E_ARGUMENT);
	CHECK_INT(s3mpu_response_parse_list_parts(create_doc, sizeof create_doc - 1, NULL, NULL),
		S3MPU_E_ARGUMENT);
	CHECK_INT(s3mpu_response_parse_list_multipart_uploads(
			  create_doc, sizeof create_doc - 1, NULL, NULL),
		S3MPU_E_ARGUMENT);
	CHECK_INT(s3mpu_response_parse_error(create_doc, sizeof create_doc - 1, NULL),
		S3MPU_E_ARGUMENT);

	/* NULL with a length is misuse; NULL or not, empty is malformed. */
	CHECK_INT(
		s3mpu_response_parse_create_multipart_upload(NULL, 5, &cr, &err), S3MPU_E_ARGUMENT);
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(NULL, 0, &cr, &err), S3MPU_E_XML);
	CHECK_INT(s3mpu_response_parse_create_multipart_upload("", 0, &cr, &err), S3MPU_E_XML);
	CHECK_INT(s3mpu_response_parse_complete_multipart_upload(NULL, 0, &co, NULL), S3MPU_E_XML);
	CHECK_INT(s3mpu_response_parse_error(NULL, 0, &err), S3MPU_E_XML);

	/* An array of capacity > 0 must exist. */
	memset(&lp, 0, sizeof lp);
	lp.part_cap = 3;
	CHECK_INT(s3mpu_response_parse_list_parts("<ListPartsResult/>", 18, &lp, NULL),
		S3MPU_E_ARGUMENT);
	memset(&lu, 0, sizeof lu);
	lu.upload_cap = 1;
	CHECK_INT(s3mpu_response_parse_list_multipart_uploads(
			  "<ListMultipartUploadsResult/>", 29, &lu, NULL),
		S3MPU_E_ARGUMENT);

	/* Capacity 0 only counts. */
	memset(&lp, 0, sizeof lp);
	CHECK_INT(s3mpu_response_parse_list_parts("<ListPartsResult/>", 18, &lp, NULL), S3MPU_OK);
	CHECK_INT(lp.part_count, 0);
	{
		static const char two[] =
			"<ListPartsResult><Part><PartNumber>1</PartNumber><ETag>a</ETag></Part>"
			"<Part><PartNumber>2</PartNumber><ETag>b</ETag></Part><IsTruncated>true</"
			"IsTruncated></ListPartsResult>";
		CHECK_INT(s3mpu_response_parse_list_parts(two, sizeof two - 1, &lp, NULL),
			S3MPU_E_SPACE);
		CHECK_INT(lp.part_count, 2);
		CHECK_INT(lp.is_truncated, 0);
		lp.parts = parts;
		lp.part_cap = 2;
		CHECK_INT(
			s3mpu_response_parse_list_parts(two, sizeof two - 1, &lp, NULL), S3MPU_OK);
		CHECK_INT(lp.part_count, 2);
		CHECK_INT(lp.is_truncated, 1);
		CHECK_INT(parts[1].number, 2);
		CHECK_MEM(parts[1].etag, parts[1].etag_len, "b", 1);
	}
}

TEST(size_limit)
{
	size_t max = S3MPU_XML_MAX;
	char *big = malloc(max + 1);
	s3mpu_create_multipart_upload_result cr;

	/* Exactly the maximum parses; one byte more is refused unread. */
	memcpy(big, create_doc, sizeof create_doc - 1);
	memset(big + sizeof create_doc - 1, ' ', max + 1 - (sizeof create_doc - 1));
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(big, max, &cr, NULL), S3MPU_OK);
	CHECK_CSTR(cr.upload_id, "u");
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(big, max + 1, &cr, NULL),
		S3MPU_E_XML_SIZE);
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(big, SIZE_MAX, &cr, NULL),
		S3MPU_E_XML_SIZE);
	CHECK_INT(cr.upload_id[0], 0);
	free(big);
}

/* A document with one element `name` holding `n` copies of `fill`. */
static void doc_with(
	buf *b, const char *pre, const char *name, const char *fill, size_t n, const char *post)
{
	size_t i;
	b->len = 0;
	buf_cstr(b, pre);
	buf_fmt(b, "<%s>", name);
	for (i = 0; i < n; i++)
		buf_cstr(b, fill);
	buf_fmt(b, "</%s>", name);
	buf_cstr(b, post);
}

TEST(value_sizes)
{
	buf b = { 0 };
	s3mpu_create_multipart_upload_result cr;
	s3mpu_complete_multipart_upload_result co;
	s3mpu_s3_error err;
	static const char cpre[] = "<InitiateMultipartUploadResult><Bucket>b</Bucket>";
	static const char cpost[] = "<UploadId>u</UploadId></InitiateMultipartUploadResult>";
	static const char ipre[] = "<InitiateMultipartUploadResult>";
	static const char ipost[] = "</InitiateMultipartUploadResult>";
	static const char ppre[] = "<ListPartsResult><Part><PartNumber>1</PartNumber>";
	static const char ppost[] = "</Part></ListPartsResult>";

	/* UploadId: 1024 fits, 1025 does not. */
	doc_with(&b, ipre, "UploadId", "x", S3MPU_UPLOAD_ID_MAX, ipost);
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(b.p, b.len, &cr, NULL), S3MPU_OK);
	CHECK_INT(strlen(cr.upload_id), S3MPU_UPLOAD_ID_MAX);
	doc_with(&b, ipre, "UploadId", "x", S3MPU_UPLOAD_ID_MAX + 1, ipost);
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(b.p, b.len, &cr, NULL),
		S3MPU_E_XML_SIZE);
	CHECK(all_zero(&cr, sizeof cr));
	/* Measured after entity decoding: 1024 "&amp;" are 1024 bytes. */
	doc_with(&b, ipre, "UploadId", "&amp;", S3MPU_UPLOAD_ID_MAX, ipost);
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(b.p, b.len, &cr, NULL), S3MPU_OK);
	/* The key: 1024 bytes fit. */
	doc_with(&b, cpre, "Key", "k", S3MPU_KEY_MAX, cpost);
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(b.p, b.len, &cr, NULL), S3MPU_OK);
	doc_with(&b, cpre, "Key", "k", S3MPU_KEY_MAX + 1, cpost);
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(b.p, b.len, &cr, NULL),
		S3MPU_E_XML_SIZE);
	/* The bucket: 63 fit. */
	doc_with(&b, ipre, "Bucket", "b", 63,
		"<UploadId>u</UploadId></InitiateMultipartUploadResult>");
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(b.p, b.len, &cr, NULL), S3MPU_OK);
	doc_with(&b, ipre, "Bucket", "b", 64,
		"<UploadId>u</UploadId></InitiateMultipartUploadResult>");
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(b.p, b.len, &cr, NULL),
		S3MPU_E_XML_SIZE);

	/* ETags: S3MPU_ETAG_MAX - 1 fit, NUL-terminated. */
	doc_with(&b, "<CompleteMultipartUploadResult>", "ETag", "e", S3MPU_ETAG_MAX - 1,
		"</CompleteMultipartUploadResult>");
	CHECK_INT(s3mpu_response_parse_complete_multipart_upload(b.p, b.len, &co, NULL), S3MPU_OK);
	doc_with(&b, "<CompleteMultipartUploadResult>", "ETag", "e", S3MPU_ETAG_MAX,
		"</CompleteMultipartUploadResult>");
	CHECK_INT(s3mpu_response_parse_complete_multipart_upload(b.p, b.len, &co, NULL),
		S3MPU_E_XML_SIZE);
	doc_with(&b, ppre, "ETag", "e", S3MPU_ETAG_MAX - 1, ppost);
	CHECK_INT(RC(P_LIST_PARTS, "<ListPartsResult/>"), S3MPU_OK);
	CHECK_INT(rc_of(P_LIST_PARTS, b.p, b.len), S3MPU_OK);
	doc_with(&b, ppre, "ETag", "e", S3MPU_ETAG_MAX, ppost);
	CHECK_INT(rc_of(P_LIST_PARTS, b.p, b.len), S3MPU_E_XML_SIZE);

	/* A Location too long for its field (a long key, percent-encoded) is
	 * informative only: left empty, the rest still parsed. */
	doc_with(&b, "<CompleteMultipartUploadResult>", "Location", "%E4", 1000,
		"<Key>k</Key><ETag>\"e\"</ETag></CompleteMultipartUploadResult>");
	CHECK_INT(s3mpu_response_parse_complete_multipart_upload(b.p, b.len, &co, NULL), S3MPU_OK);
	CHECK_CSTR(co.location, "");
	CHECK_CSTR(co.etag, "\"e\"");

	/* Error: Code and RequestId must fit ... */
	doc_with(&b, "<Error>", "Code", "C", 63, "</Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_OK);
	doc_with(&b, "<Error>", "Code", "C", 64, "</Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_E_XML_SIZE);
	CHECK(all_zero(&err, sizeof err));
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(b.p, b.len, &cr, &err),
		S3MPU_E_XML_SIZE);
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(b.p, b.len, &cr, NULL),
		S3MPU_E_XML_SIZE);
	doc_with(&b, "<Error>", "RequestId", "R", 128, "</Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_E_XML_SIZE);
	/* ... the diagnostic fields are cut to fit, on a UTF-8 boundary. */
	doc_with(&b, "<Error><Code>X</Code>", "Message", "\xc3\xa9", 300, "</Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_OK);
	CHECK_INT(strlen(err.message), 510);
	CHECK_CSTR(err.code, "X");
	doc_with(&b, "<Error><Code>X</Code>", "Message", "a\xe2\x82\xac", 200, "</Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_OK);
	CHECK_INT(strlen(err.message), 509);
	doc_with(&b, "<Error><Code>X</Code>", "StringToSign", "s\n", 4000, "</Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_OK);
	CHECK_INT(strlen(err.string_to_sign), sizeof err.string_to_sign - 1);
	doc_with(&b, "<Error><Code>X</Code>", "CanonicalRequest", "c", 100000, "</Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_OK);
	CHECK_INT(strlen(err.canonical_request), sizeof err.canonical_request - 1);
	doc_with(&b, "<Error><Code>X</Code>", "HostId", "h", 256, "</Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_OK);
	CHECK_INT(strlen(err.host_id), 255);
	/* Any run of text (or name, or comment) is at most 256 KiB. */
	doc_with(&b, "<Error><Code>X</Code>", "Message", "0123456789abcdef", (256 << 10) / 16,
		"</Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_OK);
	CHECK_INT(strlen(err.message), 511);
	doc_with(&b, "<Error><Code>X</Code>", "Message", "0123456789abcdef", (256 << 10) / 16 + 1,
		"</Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_E_XML_SIZE);
	doc_with(&b, "<Error><Code>X</Code>", "Message", "0123456789abcdef",
		(S3MPU_XML_MAX - 64) / 16, "</Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_E_XML_SIZE);
	doc_with(&b, "<Error><!--", "Code", "0123456789abcdef", (S3MPU_XML_MAX - 64) / 16,
		"--></Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_E_XML_SIZE);
	b.len = 0;
	buf_cstr(&b, "<Error>");
	while (b.len < (300 << 10))
		buf_cstr(&b, "  \n");
	buf_cstr(&b, "</Error>");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_E_XML_SIZE);
	/* Whitespace around the document does not count. */
	b.len = 0;
	while (b.len < S3MPU_XML_MAX / 2)
		buf_cstr(&b, " \r\n\t");
	buf_cstr(&b, "<Error><Code>X</Code></Error>");
	while (b.len < S3MPU_XML_MAX)
		buf_cstr(&b, " ");
	CHECK_INT(s3mpu_response_parse_error(b.p, b.len, &err), S3MPU_OK);
	CHECK_CSTR(err.code, "X");
	buf_free(&b);
}

/* ===================================================================== */
/* Documents                                                              */
/* ===================================================================== */

TEST(namespaces)
{
	s3mpu_s3_error err;
	s3mpu_create_multipart_upload_result cr;
	static const char prefixed[] =
		"<s3:Error xmlns:s3=\"" S3_NS "\"><s3:Code>SlowDown</s3:Code>"
		"<s3:Message>Please reduce your request rate.</s3:Message></s3:Error>";
	static const char mixed[] =
		"<?xml version=\"1.0\"?><a:InitiateMultipartUploadResult xmlns:a=\"" S3_NS "\">"
		"<Bucket>b</Bucket><a:Key>k</a:Key><x:UploadId xmlns:x=\"urn:other\">u</x:UploadId>"
		"</a:InitiateMultipartUploadResult>";

	CHECK_INT(s3mpu_response_parse_complete_multipart_upload(
			  prefixed, sizeof prefixed - 1, NULL, NULL),
		S3MPU_E_ARGUMENT);
	{
		s3mpu_complete_multipart_upload_result co;
		CHECK_INT(s3mpu_response_parse_complete_multipart_upload(
				  prefixed, sizeof prefixed - 1, &co, &err),
			S3MPU_E_S3);
		CHECK_CSTR(err.code, "SlowDown");
		CHECK_CSTR(err.message, "Please reduce your request rate.");
	}
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(mixed, sizeof mixed - 1, &cr, NULL),
		S3MPU_OK);
	CHECK_CSTR(cr.bucket, "b");
	CHECK_CSTR(cr.key, "k");
	CHECK_CSTR(cr.upload_id, "u");
}

/* moto answers <CompleteMultipartUploadResponse> and <ListPartsResponse> where S3 says
 * ...Result (issue 12); the SDKs read the content whatever the root. Only that spelling. */
TEST(root_names)
{
	static const char moto_complete[] =
		"<CompleteMultipartUploadResponse xmlns=\"" S3_NS
		"\"><Bucket>b</Bucket><Key>k</Key>"
		"<ETag>\"e-2\"</ETag></CompleteMultipartUploadResponse>";
	static const char moto_parts[] =
		"<ListPartsResponse><IsTruncated>false</IsTruncated><Part><PartNumber>1</"
		"PartNumber>"
		"<ETag>\"p\"</ETag><Size>5</Size></Part></ListPartsResponse>";
	s3mpu_complete_multipart_upload_result co;
	s3mpu_part parts[2];
	s3mpu_list_parts_result lp;

	CHECK_INT(s3mpu_response_parse_complete_multipart_upload(
			  moto_complete, sizeof moto_complete - 1, &co, NULL),
		S3MPU_OK);
	CHECK_CSTR(co.key, "k");
	CHECK_CSTR(co.etag, "\"e-2\"");
	memset(&lp, 0, sizeof lp);
	lp.parts = parts;
	lp.part_cap = 2;
	CHECK_INT(s3mpu_response_parse_list_parts(moto_parts, sizeof moto_parts - 1, &lp, NULL),
		S3MPU_OK);
	CHECK_INT(lp.part_count, 1);
	CHECK_INT(RC(P_CREATE_MULTIPART_UPLOAD,
			  "<InitiateMultipartUploadResponse><UploadId>u</UploadId>"
			  "</InitiateMultipartUploadResponse>"),
		S3MPU_OK);
	/* Any other root is still not the document asked for. */
	CHECK_INT(RC(P_COMPLETE_MULTIPART_UPLOAD, "<CompleteMultipartUploadResponses/>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_COMPLETE_MULTIPART_UPLOAD, "<CompleteMultipartUpload/>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_COMPLETE_MULTIPART_UPLOAD, "<Response/>"), S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_COMPLETE_MULTIPART_UPLOAD, "<ListPartsResponse/>"), S3MPU_E_XML_DOCUMENT);
	CHECK_INT(
		RC(P_COMPLETE_MULTIPART_UPLOAD, "<CompleteMultipartUploadResponse>"), S3MPU_E_XML);
}

TEST(text_values)
{
	s3mpu_create_multipart_upload_result cr;
	static const char ents[] =
		"<InitiateMultipartUploadResult><Key>&quot;&amp;&lt;&gt;&apos;&#65;&#x42;&#x4E2D;&#"
		"128512;</Key>"
		"<UploadId> a\tb\r\nc </UploadId></InitiateMultipartUploadResult>";
	static const char mixed[] =
		"<InitiateMultipartUploadResult><Key>a<!-- c -->b<![CDATA[<&>]]>c</Key>"
		"<UploadId>u</UploadId></InitiateMultipartUploadResult>";
	static const char nested[] = "<InitiateMultipartUploadResult><UploadId><b>u</b></"
				     "UploadId></InitiateMultipartUploadResult>";
	static const char first[] =
		"<InitiateMultipartUploadResult><UploadId>one</UploadId><UploadId>two</UploadId></"
		"InitiateMultipartUploadResult>";
	static const char bom[] = "\xef\xbb\xbf<?xml "
				  "version=\"1.0\"?><InitiateMultipartUploadResult><UploadId>u</"
				  "UploadId></InitiateMultipartUploadResult>";

	CHECK_INT(s3mpu_response_parse_create_multipart_upload(ents, sizeof ents - 1, &cr, NULL),
		S3MPU_OK);
	CHECK_CSTR(cr.key, "\"&<>'AB\xe4\xb8\xad\xf0\x9f\x98\x80");
	/* mxml keeps \r as sent (no end-of-line normalisation). */
	CHECK_CSTR(cr.upload_id, " a\tb\r\nc ");
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(mixed, sizeof mixed - 1, &cr, NULL),
		S3MPU_OK);
	CHECK_CSTR(cr.key, "ab<&>c");
	CHECK_INT(
		s3mpu_response_parse_create_multipart_upload(nested, sizeof nested - 1, &cr, NULL),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(first, sizeof first - 1, &cr, NULL),
		S3MPU_OK);
	CHECK_CSTR(cr.upload_id, "one");
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(bom, sizeof bom - 1, &cr, NULL),
		S3MPU_OK);

	/* Required elements. */
	CHECK_INT(RC(P_CREATE_MULTIPART_UPLOAD,
			  "<InitiateMultipartUploadResult><Key>k</Key></"
			  "InitiateMultipartUploadResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_CREATE_MULTIPART_UPLOAD,
			  "<InitiateMultipartUploadResult><UploadId></UploadId></"
			  "InitiateMultipartUploadResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_CREATE_MULTIPART_UPLOAD,
			  "<InitiateMultipartUploadResult><UploadId/></"
			  "InitiateMultipartUploadResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_CREATE_MULTIPART_UPLOAD,
			  "<InitiateMultipartUploadResult><uploadid>u</uploadid></"
			  "InitiateMultipartUploadResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_COMPLETE_MULTIPART_UPLOAD, "<CompleteMultipartUploadResult/>"), S3MPU_OK);
	CHECK_INT(
		RC(P_LIST_PARTS, "<ListPartsResult><Part><ETag>e</ETag></Part></ListPartsResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_LIST_PARTS,
			  "<ListPartsResult><Part><PartNumber>1</PartNumber></Part></"
			  "ListPartsResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_LIST_PARTS,
			  "<ListPartsResult><Part><PartNumber>1</PartNumber><ETag/></Part></"
			  "ListPartsResult>"),
		S3MPU_OK);
	CHECK_INT(RC(P_LIST_MULTIPART_UPLOADS,
			  "<ListMultipartUploadsResult><Upload><UploadId>u</UploadId></Upload></"
			  "ListMultipartUploadsResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_LIST_MULTIPART_UPLOADS,
			  "<ListMultipartUploadsResult><Upload><Key>k</Key></Upload></"
			  "ListMultipartUploadsResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_LIST_MULTIPART_UPLOADS,
			  "<ListMultipartUploadsResult><Upload><Key>k</Key><UploadId/></Upload></"
			  "ListMultipartUploadsResult>"),
		S3MPU_E_XML_DOCUMENT);

	/* Other roots; an Error without anything is still an Error. */
	CHECK_INT(RC(P_ERROR,
			  "<InitiateMultipartUploadResult><UploadId>u</UploadId></"
			  "InitiateMultipartUploadResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(
		RC(P_CREATE_MULTIPART_UPLOAD, "<html><body>503 Service Unavailable</body></html>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_CREATE_MULTIPART_UPLOAD, "<error><Code>x</Code></error>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_CREATE_MULTIPART_UPLOAD, "<Error/>"), S3MPU_E_S3);
	CHECK_INT(RC(P_ERROR, "<Error/>"), S3MPU_OK);
}

/* A ListParts document with one part whose `field` is `value`. */
static int part_rc(const char *field, const char *value, uint64_t *got)
{
	buf b = { 0 };
	s3mpu_part part;
	s3mpu_list_parts_result lp;
	int rc;

	buf_cstr(&b, "<ListPartsResult><Part>");
	if (strcmp(field, "PartNumber") != 0)
		buf_cstr(&b, "<PartNumber>1</PartNumber>");
	buf_fmt(&b, "<%s>%s</%s><ETag>\"e\"</ETag></Part></ListPartsResult>", field, value, field);
	memset(&lp, 0, sizeof lp);
	lp.parts = &part;
	lp.part_cap = 1;
	rc = s3mpu_response_parse_list_parts(b.p, b.len, &lp, NULL);
	*got = strcmp(field, "PartNumber") == 0 ? part.number : part.size;
	if (rc != S3MPU_OK)
		CHECK_INT(lp.part_count, 0);
	buf_free(&b);
	return rc;
}

TEST(numbers)
{
	static const char *const bad[] = { "", " ", "abc", "-1", "+1", "1.0", "0x10", "1e3", "1 2",
		"\xd9\xa1", "&#x31;x" };
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(part_rc("PartNumber", bad[i], &v), S3MPU_E_XML_DOCUMENT);
		CHECK_INT(part_rc("Size", bad[i], &v), S3MPU_E_XML_DOCUMENT);
	}
	CHECK_INT(part_rc("PartNumber", "4294967295", &v), S3MPU_OK);
	CHECK_INT(v, 4294967295u);
	CHECK_INT(part_rc("PartNumber", "4294967296", &v), S3MPU_E_XML_DOCUMENT);
	CHECK_INT(part_rc("PartNumber", "99999999999999999999999", &v), S3MPU_E_XML_DOCUMENT);
	CHECK_INT(part_rc("PartNumber", "0000000000000000000000000000000000000000000000000000007",
			  &v),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(part_rc("PartNumber", "007", &v), S3MPU_OK);
	CHECK_INT(v, 7);
	CHECK_INT(part_rc("PartNumber", "\n 12\t", &v), S3MPU_OK);
	CHECK_INT(v, 12);
	CHECK_INT(part_rc("PartNumber", "&#x31;2", &v), S3MPU_OK);
	CHECK_INT(v, 12);
	CHECK_INT(part_rc("Size", "18446744073709551615", &v), S3MPU_OK);
	CHECK(v == UINT64_MAX);
	CHECK_INT(part_rc("Size", "18446744073709551616", &v), S3MPU_E_XML_DOCUMENT);
	CHECK_INT(part_rc("Size", "184467440737095516150", &v), S3MPU_E_XML_DOCUMENT);
	CHECK_INT(part_rc("Size", "0", &v), S3MPU_OK);

	CHECK_INT(RC(P_LIST_PARTS,
			  "<ListPartsResult><IsTruncated>yes</IsTruncated></ListPartsResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_LIST_PARTS,
			  "<ListPartsResult><IsTruncated>True</IsTruncated></ListPartsResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_LIST_PARTS, "<ListPartsResult><IsTruncated/></ListPartsResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_LIST_PARTS,
			  "<ListPartsResult><IsTruncated> false\n</IsTruncated></ListPartsResult>"),
		S3MPU_OK);
	CHECK_INT(RC(P_LIST_MULTIPART_UPLOADS,
			  "<ListMultipartUploadsResult><IsTruncated>1</IsTruncated></"
			  "ListMultipartUploadsResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_LIST_PARTS,
			  "<ListPartsResult><NextPartNumberMarker>x</NextPartNumberMarker></"
			  "ListPartsResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_LIST_PARTS,
			  "<ListPartsResult><NextPartNumberMarker>4294967296</"
			  "NextPartNumberMarker></ListPartsResult>"),
		S3MPU_E_XML_DOCUMENT);
	CHECK_INT(RC(P_LIST_PARTS,
			  "<ListPartsResult><NextPartNumberMarker></NextPartNumberMarker></"
			  "ListPartsResult>"),
		S3MPU_OK);
}

/* ===================================================================== */
/* Malformed input                                                        */
/* ===================================================================== */

TEST(malformed)
{
	static const char *const docs[] = {
		"x",
		" ",
		"\n\n\n",
		"<",
		">",
		"<<<>>>",
		"<>",
		"</>",
		"<?xml version=\"1.0\"?>",
		"<!-- only a comment -->",
		"hello world",
		"\x89PNG\r\n\x1a\n",
		"{\"Code\":\"NoSuchUpload\"}",
		"<Error>",
		"<Error><Code>x</Code>",
		"<Error></Code>",
		"<Error></Error",
		"<Error></Error><Error></Error>",
		"<Error/><Error/>",
		"<Error/>x",
		"text<Error/>",
		"<Error><Code>x</Error></Code>",
		"<Error><Code>a&amp</Code></Error>",
		"<Error><Code>&bogus;</Code></Error>",
		"<Error><Code>&#0;</Code></Error>",
		"<Error><Code>&#1;</Code></Error>",
		"<Error><Code>\x01</Code></Error>",
		"<Error><Code>\x7f\x80</Code></Error>",
		"<Error><Code>\xc3</Code></Error>",
		"<Error><Code>\xed\xa0\x80\xe0\x80</Code></Error>",
		"<Error><Code>\xef\xbb\xbfx</Code></Error>",
		"<Error a/>",
		"<Error a />",
		"<Error a=/>",
		"<Error a=\"1\"",
		"<Error a=\"1/>",
		"<Error a='1\"/>",
		"<Error \"a\"=\"1\"/>",
		"<Error/ >",
		"<Error <x/>/>",
		"<Err\"or/>",
		"<Err&amp;or/>",
		"<!DOCTYPE Error><Error/>",
		"<![CDATA[x]]><Error/>",
		"<Error/><![CDATA[x]]>",
		"<Error><!-- x </Error>",
		"<Error><![CDATA[x </Error>",
		"<Error><?pi x </Error>",
		"<?xml version=\"1.0\"",
		"<?xml version=\"1.0\"?><?xml version=\"1.0\"?>",
		"<Error></Error></Error>",
		"</Error>",
		/* our own markers */
		"<Error/><s3mpu-end/>",
		"<Error></\x01>",
		"<Error></&#1;>",
		"<Error></>",
		/* what makes mxml 3.3.1 leak a node on its own */
		"<Error></Error>junk<Error/>",
		"<Error><Code>\xff\xfe</Code></Error>",
	};
	/* UTF-16 byte-order marks: mxml would then read past the end. */
	static const struct {
		const char *p;
		size_t len;
	} utf16[] = {
		{ "\xfe\xff\0<", 4 },
		{ "\xff\xfe<\0E\0/\0>\0", 10 },
		{ "\xfe\xff", 2 },
		{ "\xff\xfe", 2 },
		{ "\xfe\xff\x01", 3 },
		{ "\xff\xfe<", 3 },
	};
	size_t i;
	int p;

	for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		size_t len = strlen(docs[i]);
		for (p = 0; p < P_COUNT; p++) {
			guarded g;
			char *doc = guard_put(&g, docs[i], len);
			int rc = rc_of(p, doc, len);
			guard_free(&g);
			if (rc != S3MPU_E_XML) {
				check_fail_at(__FILE__, __LINE__, "malformed document refused");
				fprintf(stderr, "    doc %zu \"%s\" parser %s: %s\n", i, docs[i],
					parser_names[p], rc_name(rc));
			}
		}
	}
	for (i = 0; i < sizeof utf16 / sizeof utf16[0]; i++) {
		guarded g;
		char *doc = guard_put(&g, utf16[i].p, utf16[i].len);
		CHECK_INT(rc_of(P_ERROR, doc, utf16[i].len), S3MPU_E_XML);
		guard_free(&g);
	}
	/* A NUL anywhere. */
	{
		char doc[sizeof create_doc];
		size_t at;
		for (at = 0; at < sizeof create_doc - 1; at++) {
			memcpy(doc, create_doc, sizeof create_doc);
			doc[at] = '\0';
			CHECK_INT(rc_of(P_CREATE_MULTIPART_UPLOAD, doc, sizeof create_doc - 1),
				S3MPU_E_XML);
		}
		CHECK_INT(rc_of(P_CREATE_MULTIPART_UPLOAD, create_doc, sizeof create_doc),
			S3MPU_E_XML);
	}
	/* Allowed around the root: comments, <?...?>, whitespace. */
	CHECK_INT(RC(P_ERROR, "<!-- c --><?a b?>\n<Error/>\n<!-- c -->\n"), S3MPU_OK);
	CHECK_INT(RC(P_ERROR, "<Error/><s3mpu-end/>"), S3MPU_E_XML);
	CHECK_INT(RC(P_ERROR, "<s3mpu-end/>"), S3MPU_E_XML_DOCUMENT);
}

/* Random bytes and mutations of real documents: no crash, no leak, and
 * nothing but the codes a parser may return. */
TEST(mutations)
{
	char **names;
	size_t n = fixture_names(&names), i, k;
	uint64_t state = 0x9e3779b97f4a7c15u;
	buf m = { 0 };

	for (i = 0; i < n; i++) {
		fixture f;
		if (fixture_load(&f, names[i]) && f.xml_len > 0) {
			for (k = 0; k < (check_light() ? 20u : 300u); k++) {
				size_t at, j, edits;
				int rc;
				m.len = 0;
				buf_add(&m, f.xml, f.xml_len);
				state = state * 6364136223846793005u + 1442695040888963407u;
				edits = 1 + (size_t)(state >> 60) % 4;
				for (j = 0; j < edits; j++) {
					static const char marks[] =
						"<>/&;\"'=!?-[] \n\x01\x80\xff#x";
					state = state * 6364136223846793005u + 1442695040888963407u;
					at = (size_t)(state >> 33) % m.len;
					m.p[at] = (state >> 20) & 1
						? marks[(state >> 8) % (sizeof marks - 1)]
						: (char)(state >> 24);
				}
				guarded g;
				char *doc = guard_put(&g, m.p, m.len);
				rc = rc_of(f.parser, doc, m.len);
				guard_free(&g);
				CHECK(rc == S3MPU_OK || rc == S3MPU_E_SPACE || rc == S3MPU_E_XML ||
					rc == S3MPU_E_XML_SIZE || rc == S3MPU_E_XML_DOCUMENT ||
					rc == S3MPU_E_S3);
			}
		}
		fixture_free(&f);
		free(names[i]);
	}
	free(names);
	buf_free(&m);
}

/*
 * The floods below must be refused in linear time. They bound the CPU time
 * this process spends (not wall time, which a loaded 2-core CI machine
 * stretches at will), with a wide margin: a linear refusal takes well
 * under a second even under ASan, while a quadratic parse costs minutes to
 * hours (mxml adding the attributes of 1/16 of S3MPU_XML_MAX takes ~9 s of
 * CPU, -O2: the whole limit, 256 times that). So the bound catches a
 * quadratic regression, never mere slowness.
 */
#define FLOOD_CPU_SECONDS_MAX 30.0

static double cpu_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

TEST(attributes)
{
	buf b = { 0 };
	s3mpu_s3_error err;
	size_t i;
	double t;
	static const char attrs[] = "<Error xmlns=\"" S3_NS
				    "\" a='1' b = \"x>y\"\tc=3 d=\"&bogus;\"><Code e=\"/\">X</Code>"
				    "<Message f=g/>m<RequestId h=i>r</RequestId></Error>";

	/* Attributes are skipped (nothing reads them), values and all. */
	CHECK_INT(s3mpu_response_parse_error(attrs, sizeof attrs - 1, &err), S3MPU_OK);
	CHECK_CSTR(err.code, "X");
	CHECK_CSTR(err.message, "");
	CHECK_CSTR(err.request_id, "r");
	CHECK_INT(RC(P_ERROR, "<Error ?>m</Error>"), S3MPU_OK); /* mxml's reading */

	/* mxml adds attributes in quadratic time: a tag of 1.5 million
	 * attributes must not reach it, whatever hides them. */
	{
		static const struct {
			const char *pre;
			int rc;
		} tricks[] = {
			{ "<Error", S3MPU_OK },
			{ "<Error x=a\"b", S3MPU_OK }, /* a quote inside an unquoted value */
			{ "<!-- ---><Error x=\"-->\"",
				S3MPU_E_XML_SIZE }, /* "--->" does not end a comment for mxml */
			{ "<!-- a --->--><Error x=\">\"", S3MPU_OK }, /* a quoted '>' */
			{ "<?a?b?><Error x='<'", S3MPU_OK },
			{ "<![CDATA[ ]]]]><Error y=\"]]>\"", S3MPU_E_XML },
			{ "<!DOCTYPE x \"><Error", S3MPU_E_XML },
		};
		size_t k;
		for (k = 0; k < sizeof tricks / sizeof tricks[0]; k++) {
			int rc;
			b.len = 0;
			buf_cstr(&b, tricks[k].pre);
			for (i = 0;
				b.len < (check_light() ? S3MPU_XML_MAX / 16 : S3MPU_XML_MAX - 16);
				i++)
				buf_fmt(&b, " a%zx=''", i);
			buf_cstr(&b, "/>");
			t = cpu_seconds();
			rc = rc_of(P_ERROR, b.p, b.len);
			t = cpu_seconds() - t;
			if (rc != tricks[k].rc || (!check_light() && t > FLOOD_CPU_SECONDS_MAX)) {
				check_fail_at(__FILE__, __LINE__,
					"attribute flood parsed in linear time");
				fprintf(stderr, "    trick %zu: %s in %.1f s of CPU\n", k,
					rc_name(rc), t);
			}
		}
	}
	buf_free(&b);
}

/* Nesting up to S3MPU_XML_DEPTH_MAX, inside the root, out of the way or
 * inside a value; deeper is refused before mxml builds a tree, however
 * the document goes on (issue 11, defect 5). */
TEST(deep_nesting)
{
	buf b = { 0 };
	size_t i, deep = S3MPU_XML_DEPTH_MAX - 2, n = check_light() ? 5000 : 100000;
	s3mpu_create_multipart_upload_result cr;

	for (i = 0; i < n; i++)
		buf_cstr(&b, "<a>");
	for (i = 0; i < n; i++)
		buf_cstr(&b, "</a>");
	CHECK_INT(rc_of(P_CREATE_MULTIPART_UPLOAD, b.p, b.len), S3MPU_E_XML_SIZE);
	CHECK_INT(rc_of(P_CREATE_MULTIPART_UPLOAD, b.p, b.len - 4), S3MPU_E_XML_SIZE);
	CHECK_INT(rc_of(P_CREATE_MULTIPART_UPLOAD, b.p, n * 3), S3MPU_E_XML_SIZE);

	/* Deep inside the right root, out of the way. */
	b.len = 0;
	buf_cstr(&b, "<InitiateMultipartUploadResult><Owner>");
	for (i = 0; i < deep; i++)
		buf_cstr(&b, "<a>");
	for (i = 0; i < deep; i++)
		buf_cstr(&b, "</a>");
	buf_cstr(&b, "</Owner><UploadId>u</UploadId></InitiateMultipartUploadResult>");
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(b.p, b.len, &cr, NULL), S3MPU_OK);
	CHECK_CSTR(cr.upload_id, "u");

	/* ... and inside a value. */
	b.len = 0;
	buf_cstr(&b, "<InitiateMultipartUploadResult><UploadId>");
	for (i = 0; i < deep; i++)
		buf_cstr(&b, "<a>");
	for (i = 0; i < deep; i++)
		buf_cstr(&b, "</a>");
	buf_cstr(&b, "</UploadId></InitiateMultipartUploadResult>");
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(b.p, b.len, &cr, NULL),
		S3MPU_E_XML_DOCUMENT);

	/* One level more than the limit, anywhere. */
	b.len = 0;
	buf_cstr(&b, "<InitiateMultipartUploadResult><Owner>");
	for (i = 0; i < deep + 1; i++)
		buf_cstr(&b, "<a>");
	for (i = 0; i < deep + 1; i++)
		buf_cstr(&b, "</a>");
	buf_cstr(&b, "</Owner><UploadId>u</UploadId></InitiateMultipartUploadResult>");
	CHECK_INT(s3mpu_response_parse_create_multipart_upload(b.p, b.len, &cr, NULL),
		S3MPU_E_XML_SIZE);
	CHECK_INT(cr.upload_id[0], 0);

	/* As wide as it gets: half the size limit in <a/>, four times the
	 * limit of nodes. */
	b.len = 0;
	buf_cstr(&b, "<ListPartsResult>");
	while (b.len < S3MPU_XML_MAX / 2)
		buf_cstr(&b, "<a/>");
	buf_cstr(&b, "</ListPartsResult>");
	CHECK_INT(rc_of(P_LIST_PARTS, b.p, b.len), S3MPU_E_XML_SIZE);
	buf_free(&b);
}

TEST(many_parts)
{
	buf b = { 0 };
	size_t i, n = 10000;
	s3mpu_part *parts = calloc(n, sizeof *parts);
	s3mpu_list_parts_result lp;

	buf_cstr(&b, "<ListPartsResult xmlns=\"" S3_NS "\"><IsTruncated>false</IsTruncated>");
	for (i = 1; i <= n; i++)
		buf_fmt(&b,
			"<Part><PartNumber>%zu</PartNumber><LastModified>2026-11-20T08:01:12.000Z</"
			"LastModified>"
			"<ETag>&quot;%032zx&quot;</ETag><Size>%zu</Size></Part>",
			i, i, i << 20);
	buf_cstr(&b, "</ListPartsResult>");
	memset(&lp, 0, sizeof lp);
	lp.parts = parts;
	lp.part_cap = n;
	CHECK_INT(s3mpu_response_parse_list_parts(b.p, b.len, &lp, NULL), S3MPU_OK);
	CHECK_INT(lp.part_count, n);
	CHECK_INT(parts[n - 1].number, n);
	CHECK_INT(parts[n - 1].size, (uint64_t)n << 20);
	CHECK_INT(parts[n - 1].etag_len, 34);
	lp.part_cap = n - 1;
	CHECK_INT(s3mpu_response_parse_list_parts(b.p, b.len, &lp, NULL), S3MPU_E_SPACE);
	CHECK_INT(lp.part_count, n);
	free(parts);
	buf_free(&b);
}

/*
 * Issue 11, defect 5: 8 MiB of <a/> made mxml build 2 million nodes
 * (250 MiB of wasm memory, its maximum, in 7-8 s). Markup is counted
 * before mxml sees it: more than S3MPU_XML_NODES_MAX nodes (elements,
 * comments, CDATA, <?...?>), nesting deeper than S3MPU_XML_DEPTH_MAX or
 * a list of more than S3MPU_XML_LIST_MAX entries is S3MPU_E_XML_SIZE.
 */
TEST(element_limits)
{
	static const char *const units[] = { "<a/>", "<a>x</a>", "<!-- -->", "<?p?>",
		"<![CDATA[x]]>", "<Part/>" };
	buf b = { 0 };
	size_t i, u;
	double start = cpu_seconds();

	/* Floods to the size limit, each unit in turn, refused in linear time. */
	for (u = 0; u < sizeof units / sizeof units[0]; u++) {
		b.len = 0;
		buf_cstr(&b, "<ListPartsResult>");
		while (b.len < S3MPU_XML_MAX - 64)
			buf_cstr(&b, units[u]);
		buf_cstr(&b, "</ListPartsResult>");
		CHECK_INT(rc_of(P_LIST_PARTS, b.p, b.len), S3MPU_E_XML_SIZE);
		CHECK_INT(rc_of(P_ERROR, b.p, b.len), S3MPU_E_XML_SIZE);
	}
	CHECK(cpu_seconds() - start < 2 * FLOOD_CPU_SECONDS_MAX); /* 12 floods */

	/* Exactly the limit of nodes parses (but under valgrind: slow). */
	if (!check_light()) {
		b.len = 0;
		buf_cstr(&b, "<ListPartsResult>");
		for (i = 1; i < S3MPU_XML_NODES_MAX; i++)
			buf_cstr(&b, i % 2 ? "<a/>" : "<!-- -->");
		buf_cstr(&b, "</ListPartsResult>");
		CHECK_INT(rc_of(P_LIST_PARTS, b.p, b.len), S3MPU_OK);
		b.len -= strlen("</ListPartsResult>");
		buf_cstr(&b, "<a/></ListPartsResult>");
		CHECK_INT(rc_of(P_LIST_PARTS, b.p, b.len), S3MPU_E_XML_SIZE);
	}

	/* Depth: the root is level 1; a close tag or "/>" goes back up. */
	b.len = 0;
	for (i = 0; i < S3MPU_XML_DEPTH_MAX; i++)
		buf_cstr(&b, i ? "<a>" : "<ListPartsResult>");
	for (i = 0; i < S3MPU_XML_DEPTH_MAX; i++)
		buf_cstr(&b, i + 1 < S3MPU_XML_DEPTH_MAX ? "</a>" : "</ListPartsResult>");
	CHECK_INT(rc_of(P_LIST_PARTS, b.p, b.len), S3MPU_OK);
	b.len = 0;
	buf_cstr(&b, "<ListPartsResult>");
	for (i = 0; i < 4 * S3MPU_XML_DEPTH_MAX; i++)
		buf_cstr(&b, "<a><b/></a><c d='/'/>");
	for (i = 1; i < S3MPU_XML_DEPTH_MAX; i++)
		buf_cstr(&b, "<a>");
	buf_cstr(&b, "<a/>");
	for (i = 1; i < S3MPU_XML_DEPTH_MAX; i++)
		buf_cstr(&b, "</a>");
	buf_cstr(&b, "</ListPartsResult>");
	CHECK_INT(rc_of(P_LIST_PARTS, b.p, b.len), S3MPU_E_XML_SIZE);
	buf_free(&b);
}

/* What real answers need fits: a ListMultipartUploads page of 10,000
 * uploads, each with every element AWS sends (S3MPU_XML_LIST_MAX, the
 * largest page a store sends, MinIO's; AWS and RGW send 1,000). One
 * entry more is refused, as a ListParts page of 10,001 parts. */
TEST(largest_pages)
{
	static const char head[] = "<ListMultipartUploadsResult xmlns=\"" S3_NS "\">"
				   "<Bucket>b</Bucket><KeyMarker/><UploadIdMarker/>"
				   "<NextKeyMarker>k</NextKeyMarker>"
				   "<NextUploadIdMarker>u</NextUploadIdMarker>"
				   "<MaxUploads>10000</MaxUploads><IsTruncated>true</IsTruncated>";
	static const char rest[] = "<Initiator><ID>arn:aws:iam::123456789012:user/someone</ID>"
				   "<DisplayName>someone</DisplayName></Initiator>"
				   "<Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7fae</ID>"
				   "<DisplayName>owner</DisplayName></Owner>"
				   "<StorageClass>STANDARD</StorageClass>"
				   "<Initiated>2026-12-07T02:00:00.000Z</Initiated>"
				   "<ChecksumAlgorithm>CRC32</ChecksumAlgorithm>"
				   "<ChecksumType>COMPOSITE</ChecksumType></Upload>\n";
	static const char tail[] = "<CommonPrefixes><Prefix>dir/</Prefix></CommonPrefixes>"
				   "</ListMultipartUploadsResult>";
	buf b = { 0 };
	size_t i, n = S3MPU_XML_LIST_MAX;
	s3mpu_list_multipart_uploads_result *lu = calloc(1, sizeof *lu);
	s3mpu_list_parts_result lp;

	if (check_light()) { /* valgrind: minutes; the same code runs smaller elsewhere */
		free(lu);
		return;
	}
	buf_cstr(&b, head);
	for (i = 0; i < n; i++) {
		buf_fmt(&b, "<Upload><Key>dir/object-%05zu.bin</Key><UploadId>%064zx</UploadId>", i,
			i);
		buf_cstr(&b, rest);
	}
	buf_cstr(&b, tail);
	CHECK(b.len <= S3MPU_XML_MAX);
	lu->uploads = calloc(n, sizeof *lu->uploads);
	lu->upload_cap = n;
	CHECK_INT(s3mpu_response_parse_list_multipart_uploads(b.p, b.len, lu, NULL), S3MPU_OK);
	CHECK_INT(lu->upload_count, n);
	CHECK_CSTR(lu->uploads[n - 1].storage_class, "STANDARD");
	/* One upload more. */
	b.len -= strlen(tail);
	buf_cstr(&b, "<Upload><Key>k</Key><UploadId>u</UploadId></Upload>");
	buf_cstr(&b, tail);
	CHECK_INT(s3mpu_response_parse_list_multipart_uploads(b.p, b.len, lu, NULL),
		S3MPU_E_XML_SIZE);
	CHECK_INT(lu->upload_count, 0);

	/* As many parts plus one. */
	b.len = 0;
	buf_cstr(&b, "<ListPartsResult>");
	for (i = 1; i <= n + 1; i++)
		buf_fmt(&b,
			"<Part><PartNumber>%zu</PartNumber><ETag>\"e\"</ETag><Size>5</Size></Part>",
			i);
	buf_cstr(&b, "</ListPartsResult>");
	memset(&lp, 0, sizeof lp);
	CHECK_INT(s3mpu_response_parse_list_parts(b.p, b.len, &lp, NULL), S3MPU_E_XML_SIZE);
	CHECK_INT(lp.part_count, 0);
	free(lu->uploads);
	free(lu);
	buf_free(&b);
}

CHECK_MAIN(CASE(fixtures), CASE(fixtures_guard_page), CASE(fixtures_variants),
	CASE(fixtures_truncated), CASE(fixtures_every_parser), CASE(fixtures_allocation_failures),
	CASE(arguments), CASE(size_limit), CASE(value_sizes), CASE(namespaces), CASE(root_names),
	CASE(text_values), CASE(numbers), CASE(malformed), CASE(mutations), CASE(attributes),
	CASE(deep_nesting), CASE(many_parts), CASE(element_limits), CASE(largest_pages))
