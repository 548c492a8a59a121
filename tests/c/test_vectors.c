/*
 * test_vectors.c -- the AWS SigV4 vector suites of ../shared/testvectors,
 * checked at every step: canonical request, string to sign, signature and
 * the Authorization header or presigned query.
 *
 *   test_vectors v4 DIR        one aws-c-auth case folder (header and query)
 *   test_vectors legacy PREFIX one botocore case (PREFIX.req, .creq, .sts, .authz)
 *   test_vectors s3doc FILE    the S3 documentation examples (JSON)
 */
#include "check.h"
#include "s3mpu.h"

#define MAX_ITEMS 64

/* ------------------------------------------------------------------ */
/* Files                                                               */
/* ------------------------------------------------------------------ */

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = 0;
		if (len)
			*len = (size_t)n;
	}
	return buf;
}

static char *read_pair(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return read_file(path, NULL);
}

/* Expected files may end with a newline the value does not have. */
static s3mpu_str chomp(const char *s)
{
	s3mpu_str r = s3mpu_str_from_cstr(s);
	while (r.len && (r.ptr[r.len - 1] == '\n' || r.ptr[r.len - 1] == '\r'))
		r.len--;
	return r;
}

#define CHECK_EXPECTED(got, want_cstr) \
	do { \
		s3mpu_str e_ = chomp(want_cstr); \
		CHECK_MEM((got).ptr, (got).len, e_.ptr, e_.len); \
	} while (0)

/* ------------------------------------------------------------------ */
/* A little JSON: enough for context.json and s3-doc-examples.json     */
/* ------------------------------------------------------------------ */

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
		p++;
	return p;
}

static const char *json_skip(const char *p);

static const char *json_skip_string(const char *p)
{
	for (p++; *p && *p != '"'; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

static const char *json_skip(const char *p)
{
	p = json_ws(p);
	if (*p == '"')
		return json_skip_string(p);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		p = json_ws(p + 1);
		while (*p && *p != close) {
			p = json_skip(p);
			p = json_ws(p);
			if (*p == ':' || *p == ',')
				p++;
			p = json_ws(p);
		}
		return *p ? p + 1 : p;
	}
	while (*p && !strchr(",]}", *p) && *p != ' ' && *p != '\n')
		p++;
	return p;
}

/* The value of `key` in the object at `obj`, or NULL. */
static const char *json_get(const char *obj, const char *key)
{
	const char *p = json_ws(obj);
	size_t klen = strlen(key);
	if (*p != '{')
		return NULL;
	p = json_ws(p + 1);
	while (*p == '"') {
		const char *k = p + 1, *end = json_skip_string(p);
		p = json_ws(end);
		if (*p != ':')
			return NULL;
		p = json_ws(p + 1);
		if ((size_t)(end - 1 - k) == klen && memcmp(k, key, klen) == 0)
			return p;
		p = json_ws(json_skip(p));
		if (*p == ',')
			p = json_ws(p + 1);
	}
	return NULL;
}

/* Decode the string at `p` into a new buffer (\uXXXX becomes UTF-8). */
static char *json_string(const char *p, size_t *len)
{
	char *out, *o;
	p = json_ws(p);
	if (!p || *p != '"')
		return NULL;
	out = o = malloc(strlen(p) + 1);
	for (p++; *p && *p != '"'; p++) {
		if (*p != '\\') {
			*o++ = *p;
			continue;
		}
		p++;
		switch (*p) {
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		case 'r': *o++ = '\r'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'u': {
			unsigned cp =
				(unsigned)strtoul((char[]){ p[1], p[2], p[3], p[4], 0 }, NULL, 16);
			p += 4;
			if (cp < 0x80) {
				*o++ = (char)cp;
			} else if (cp < 0x800) {
				*o++ = (char)(0xc0 | (cp >> 6));
				*o++ = (char)(0x80 | (cp & 0x3f));
			} else {
				*o++ = (char)(0xe0 | (cp >> 12));
				*o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
				*o++ = (char)(0x80 | (cp & 0x3f));
			}
			break;
		}
		default: *o++ = *p; break;
		}
	}
	*o = 0;
	if (len)
		*len = (size_t)(o - out);
	return out;
}

/* Elements of the array at `p`: returns the count, fills elems[]. */
static size_t json_array(const char *p, const char **elems, size_t cap)
{
	size_t n = 0;
	p = json_ws(p);
	if (*p != '[')
		return 0;
	p = json_ws(p + 1);
	while (*p && *p != ']' && n < cap) {
		elems[n++] = p;
		p = json_ws(json_skip(p));
		if (*p == ',')
			p = json_ws(p + 1);
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

typedef struct {
	char *text; /* owns the strings below */
	char method[16];
	char path[1024];
	s3mpu_kv query[MAX_ITEMS];
	size_t query_count;
	s3mpu_kv headers[MAX_ITEMS];
	size_t header_count;
	s3mpu_str body;
	s3mpu_str amz_date; /* taken out of the headers, if there */
	s3mpu_str token;    /* idem */
	char decoded[8192]; /* percent-decoded query strings */
	size_t decoded_len;
} vector_request;

/* ASCII case-insensitive comparison of n bytes (strncasecmp is not C11). */
static int ieq(const char *a, const char *b, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (char)(y + 32);
		if (x != y)
			return 0;
		if (!x)
			return 1;
	}
	return 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static s3mpu_str percent_decode(vector_request *r, const char *s, size_t len)
{
	s3mpu_str out;
	size_t i;
	out.ptr = r->decoded + r->decoded_len;
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len + 0 + 1 && hexval(s[i + 1]) >= 0 &&
			hexval(s[i + 2]) >= 0) {
			r->decoded[r->decoded_len++] =
				(char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			r->decoded[r->decoded_len++] = s[i];
		}
	}
	out.len = (size_t)(r->decoded + r->decoded_len - out.ptr);
	return out;
}

/* The raw request of the suites: "METHOD PATH?QUERY HTTP/1.1", headers
 * ("Name:value", continuation lines start with white space), blank line, body.
 * Folded lines are joined by a space (RFC 7230 obs-fold). The text is edited
 * in place. */
static void parse_request(vector_request *r, char *text)
{
	char *line = text, *eol, *sp, *http, *q;
	memset(r, 0, sizeof *r);
	r->text = text;

	eol = strchr(line, '\n');
	if (eol)
		*eol = 0;
	sp = strchr(line, ' ');
	http = strstr(line, " HTTP/");
	*sp = 0;
	snprintf(r->method, sizeof r->method, "%s", line);
	*http = 0;
	q = strchr(sp + 1, '?');
	if (q)
		*q = 0;
	snprintf(r->path, sizeof r->path, "%s", sp + 1);
	if (q) {
		char *p = q + 1;
		while (*p) {
			char *amp = strchr(p, '&'), *eq;
			size_t len = amp ? (size_t)(amp - p) : strlen(p);
			eq = memchr(p, '=', len);
			r->query[r->query_count].name =
				percent_decode(r, p, eq ? (size_t)(eq - p) : len);
			r->query[r->query_count].value = eq
				? percent_decode(r, eq + 1, len - (size_t)(eq + 1 - p))
				: S3MPU_LIT("");
			r->query_count++;
			p += len + (amp ? 1 : 0);
		}
	}

	line = eol ? eol + 1 : line + strlen(line);
	while (*line && *line != '\n') {
		char *colon;
		eol = strchr(line, '\n');
		/* Join continuation lines onto this one. */
		while (eol && (eol[1] == ' ' || eol[1] == '\t'))
			*eol = ' ', eol = strchr(eol + 1, '\n');
		if (eol)
			*eol = 0;
		colon = strchr(line, ':');
		if (colon) {
			s3mpu_kv *h = &r->headers[r->header_count];
			h->name.ptr = line;
			h->name.len = (size_t)(colon - line);
			h->value = s3mpu_str_from_cstr(colon + 1);
			if (h->name.len == 10 && ieq(line, "x-amz-date", 10))
				r->amz_date = h->value;
			else if (h->name.len == 20 && ieq(line, "x-amz-security-token", 20))
				r->token = h->value;
			else
				r->header_count++;
		}
		if (!eol) {
			line += strlen(line);
			break;
		}
		line = eol + 1;
	}
	if (*line == '\n')
		line++;
	r->body = s3mpu_str_from_cstr(line);
}

static void hash_hex(s3mpu_str body, char out[65])
{
	s3mpu_sha256 sha;
	unsigned char d[32];
	s3mpu_sha256_init(&sha);
	s3mpu_sha256_update(&sha, body.ptr, body.len);
	s3mpu_sha256_digest(&sha, d);
	s3mpu_hex_encode(d, 32, out);
	out[64] = 0;
}

static int64_t iso_time(const char *iso)
{
	/* "2015-08-30T12:36:00Z" -> "20150830T123600Z" */
	char basic[16];
	int64_t t = 0;
	memcpy(basic, iso, 4);
	memcpy(basic + 4, iso + 5, 2);
	memcpy(basic + 6, iso + 8, 2);
	basic[8] = 'T';
	memcpy(basic + 9, iso + 11, 2);
	memcpy(basic + 11, iso + 14, 2);
	memcpy(basic + 13, iso + 17, 2);
	basic[15] = 'Z';
	CHECK_INT(s3mpu_time_parse((s3mpu_str){ basic, 16 }, &t), S3MPU_OK);
	return t;
}

static char buf[65536];

/* ------------------------------------------------------------------ */
/* aws-c-auth v4                                                       */
/* ------------------------------------------------------------------ */

static int run_v4(const char *dir)
{
	char *context = read_pair(dir, "context.json");
	char *text = read_pair(dir, "request.txt");
	char *ak, *sk, *token = NULL, *region, *service, *ts;
	const char *creds, *v;
	int normalize, sign_body, omit_token;
	uint32_t expires;
	vector_request req;
	s3mpu_signer signer;
	s3mpu_http http;
	s3mpu_signature sig;
	char payload[65];
	int64_t now;
	int mode;
	size_t i;

	if (!context || !text) {
		fprintf(stderr, "cannot read %s\n", dir);
		return 2;
	}
	creds = json_get(context, "credentials");
	ak = json_string(json_get(creds, "access_key_id"), NULL);
	sk = json_string(json_get(creds, "secret_access_key"), NULL);
	if ((v = json_get(creds, "token")) != NULL)
		token = json_string(v, NULL);
	region = json_string(json_get(context, "region"), NULL);
	service = json_string(json_get(context, "service"), NULL);
	ts = json_string(json_get(context, "timestamp"), NULL);
	normalize = strncmp(json_get(context, "normalize"), "true", 4) == 0;
	sign_body = strncmp(json_get(context, "sign_body"), "true", 4) == 0;
	v = json_get(context, "omit_session_token");
	omit_token = v && strncmp(v, "true", 4) == 0;
	expires = (uint32_t)strtoul(json_get(context, "expiration_in_seconds"), NULL, 10);
	now = iso_time(ts);

	parse_request(&req, text);
	hash_hex(req.body, payload);

	for (mode = 0; mode < 2; mode++) {
		int presign = mode == 1;
		const char *prefix = presign ? "query" : "header";
		char name[64];
		char *want_creq, *want_sts, *want_sig, *want_signed;
		unsigned flags = normalize ? S3MPU_SIGV4_GENERIC : 0;
		int err;

		/* A token signed "after" is added once the signature exists, so
		 * the signer never sees it. */
		CHECK_INT(
			s3mpu_signer_init(&signer, s3mpu_str_from_cstr(ak), s3mpu_str_from_cstr(sk),
				omit_token ? S3MPU_LIT("") : s3mpu_str_from_cstr(token),
				s3mpu_str_from_cstr(region), s3mpu_str_from_cstr(service)),
			S3MPU_OK);
		if (sign_body && !presign)
			flags |= S3MPU_SIGV4_CONTENT_SHA256;
		memset(&http, 0, sizeof http);
		http.method = s3mpu_str_from_cstr(req.method);
		http.path = s3mpu_str_from_cstr(req.path);
		http.query = req.query;
		http.query_count = req.query_count;
		http.headers = req.headers;
		http.header_count = req.header_count;
		http.payload_hash = s3mpu_str_from_cstr(payload);
		err = s3mpu_sigv4_sign(&signer, &http, now, presign ? expires : 0, flags, &sig, buf,
			sizeof buf, NULL);
		CHECK_INT(err, S3MPU_OK);
		if (err)
			continue;

		snprintf(name, sizeof name, "%s-canonical-request.txt", prefix);
		want_creq = read_pair(dir, name);
		snprintf(name, sizeof name, "%s-string-to-sign.txt", prefix);
		want_sts = read_pair(dir, name);
		snprintf(name, sizeof name, "%s-signature.txt", prefix);
		want_sig = read_pair(dir, name);
		snprintf(name, sizeof name, "%s-signed-request.txt", prefix);
		want_signed = read_pair(dir, name);

		CHECK_EXPECTED(sig.canonical_request, want_creq);
		CHECK_EXPECTED(sig.string_to_sign, want_sts);
		CHECK_EXPECTED(((s3mpu_str){ sig.signature, 64 }), want_sig);
		if (presign) {
			/* Every parameter of the expected URL is in ours (order
			 * differs, and the suite leaves some unencoded). */
			char *line = strtok(strchr(want_signed, '?') + 1, " ");
			char *param = strtok(line, "&");
			size_t found = 0, ours = 1;
			for (i = 0; i < sig.query.len; i++)
				ours += sig.query.ptr[i] == '&';
			while (param) {
				vector_request scratch;
				char enc[4096], *hit;
				char *eq = strchr(param, '=');
				s3mpu_str n, val;
				size_t plen;
				scratch.decoded_len = 0;
				n = percent_decode(&scratch, param, (size_t)(eq - param));
				val = percent_decode(&scratch, eq + 1, strlen(eq + 1));
				plen = s3mpu_uri_encode(n, 0, enc);
				enc[plen++] = '=';
				plen += s3mpu_uri_encode(val, 0, enc + plen);
				enc[plen] = 0;
				param = strtok(NULL, "&");
				/* A token added after signing is not ours to send. */
				if (omit_token && strncmp(enc, "X-Amz-Security-Token=", 21) == 0)
					continue;
				hit = strstr(sig.query.ptr, enc);
				CHECK(hit && hit + plen <= sig.query.ptr + sig.query.len &&
					(hit == sig.query.ptr || hit[-1] == '&') &&
					(hit + plen == sig.query.ptr + sig.query.len ||
						hit[plen] == '&'));
				found++;
			}
			CHECK_INT(found, ours);
		} else {
			char *auth = strstr(want_signed, "Authorization:");
			CHECK(auth != NULL);
			if (auth) {
				auth += strlen("Authorization:");
				*strchr(auth, '\n') = 0;
				CHECK_EXPECTED(sig.authorization, auth);
			}
		}
		free(want_creq);
		free(want_sts);
		free(want_sig);
		free(want_signed);
		s3mpu_signer_wipe(&signer);
	}
	free(ak);
	free(sk);
	free(token);
	free(region);
	free(service);
	free(ts);
	free(context);
	free(text);
	return check_failures ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* botocore legacy suite: generic-service rules, header signing only   */
/* ------------------------------------------------------------------ */

static int run_legacy(const char *prefix)
{
	char path[4096];
	char *text, *want_creq, *want_sts, *want_authz;
	vector_request req;
	s3mpu_signer signer;
	s3mpu_http http;
	s3mpu_signature sig;
	char payload[65];
	int64_t now = 0;
	int err;

	snprintf(path, sizeof path, "%s.req", prefix);
	text = read_file(path, NULL);
	snprintf(path, sizeof path, "%s.creq", prefix);
	want_creq = read_file(path, NULL);
	snprintf(path, sizeof path, "%s.sts", prefix);
	want_sts = read_file(path, NULL);
	snprintf(path, sizeof path, "%s.authz", prefix);
	want_authz = read_file(path, NULL);
	if (!text || !want_creq || !want_sts || !want_authz) {
		fprintf(stderr, "cannot read %s.*\n", prefix);
		return 2;
	}
	parse_request(&req, text);
	/* botocore's runner gives this case's token as a credential, not in the
	 * request (tests/unit/auth/test_sigv4.py). */
	if (strstr(prefix, "get-vanilla-with-session-token"))
		req.token = S3MPU_LIT(
			"6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267");
	CHECK_INT(s3mpu_time_parse(req.amz_date, &now), S3MPU_OK);
	hash_hex(req.body, payload);
	CHECK_INT(s3mpu_signer_init(&signer, S3MPU_LIT("AKIDEXAMPLE"),
			  S3MPU_LIT("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), req.token,
			  S3MPU_LIT("us-east-1"), S3MPU_LIT("service")),
		S3MPU_OK);
	memset(&http, 0, sizeof http);
	http.method = s3mpu_str_from_cstr(req.method);
	http.path = s3mpu_str_from_cstr(req.path);
	http.query = req.query;
	http.query_count = req.query_count;
	http.headers = req.headers;
	http.header_count = req.header_count;
	http.payload_hash = s3mpu_str_from_cstr(payload);
	err = s3mpu_sigv4_sign(
		&signer, &http, now, 0, S3MPU_SIGV4_GENERIC, &sig, buf, sizeof buf, NULL);
	CHECK_INT(err, S3MPU_OK);
	if (!err) {
		CHECK_EXPECTED(sig.canonical_request, want_creq);
		CHECK_EXPECTED(sig.string_to_sign, want_sts);
		CHECK_EXPECTED(sig.authorization, want_authz);
	}
	s3mpu_signer_wipe(&signer);
	free(text);
	free(want_creq);
	free(want_sts);
	free(want_authz);
	return check_failures ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* S3 documentation examples                                           */
/* ------------------------------------------------------------------ */

/* The documentation writes "a,b" where we write "a, b": compare without. */
static void drop_comma_spaces(char *s, size_t *len)
{
	size_t i, n = 0;
	for (i = 0; i < *len; i++)
		if (!(s[i] == ' ' && i > 0 && s[i - 1] == ','))
			s[n++] = s[i];
	*len = n;
}

static void run_s3doc_example(const char *ex)
{
	char *name = json_string(json_get(ex, "name"), NULL);
	char *auth_type = json_string(json_get(ex, "auth_type"), NULL);
	char *method = json_string(json_get(ex, "method"), NULL);
	char *host = json_string(json_get(ex, "host"), NULL);
	char *path = json_string(json_get(ex, "path"), NULL);
	char *payload = json_string(json_get(ex, "payload_hash"), NULL);
	char *ak = json_string(json_get(ex, "access_key"), NULL);
	char *sk = json_string(json_get(ex, "secret_key"), NULL);
	char *region = json_string(json_get(ex, "region"), NULL);
	char *service = json_string(json_get(ex, "service"), NULL);
	char *amz_date = json_string(json_get(ex, "amz_date"), NULL);
	char *want_creq = json_string(json_get(ex, "expected_canonical_request"), NULL);
	char *want_sts = json_string(json_get(ex, "expected_string_to_sign"), NULL);
	char *want_sig = json_string(json_get(ex, "expected_signature"), NULL);
	const char *v, *items[MAX_ITEMS];
	char *strings[4 * MAX_ITEMS];
	size_t nstrings = 0, n, i;
	s3mpu_kv query[MAX_ITEMS], headers[MAX_ITEMS];
	size_t nq = 0, nh = 0;
	int presign = strcmp(auth_type, "query") == 0;
	unsigned flags = 0;
	uint32_t expires = 0;
	s3mpu_signer signer;
	s3mpu_http http;
	s3mpu_signature sig;
	int64_t now = 0;
	int err;

	fprintf(stderr, "example %s\n", name);
	n = json_array(json_get(ex, "query"), items, MAX_ITEMS);
	for (i = 0; i < n; i++) {
		const char *pair[2];
		json_array(items[i], pair, 2);
		query[nq].name.ptr = strings[nstrings++] =
			json_string(pair[0], &query[nq].name.len);
		query[nq].value.ptr = strings[nstrings++] =
			json_string(pair[1], &query[nq].value.len);
		/* The signer adds its own X-Amz-* parameters. */
		if (presign && strncmp(query[nq].name.ptr, "X-Amz-", 6) == 0)
			continue;
		nq++;
	}
	n = json_array(json_get(ex, "headers"), items, MAX_ITEMS);
	for (i = 0; i < n; i++) {
		const char *pair[2];
		json_array(items[i], pair, 2);
		headers[nh].name.ptr = strings[nstrings++] =
			json_string(pair[0], &headers[nh].name.len);
		headers[nh].value.ptr = strings[nstrings++] =
			json_string(pair[1], &headers[nh].value.len);
		/* The signer owns these. */
		if (ieq(headers[nh].name.ptr, "x-amz-date", 11))
			continue;
		if (ieq(headers[nh].name.ptr, "x-amz-content-sha256", 21)) {
			flags |= S3MPU_SIGV4_CONTENT_SHA256;
			continue;
		}
		nh++;
	}
	if ((v = json_get(ex, "expires")) != NULL)
		expires = (uint32_t)strtoul(v, NULL, 10);
	if ((v = json_get(ex, "body")) != NULL) {
		/* The documented payload hash is the body's. */
		size_t blen;
		char *body = json_string(v, &blen), hex[65];
		hash_hex((s3mpu_str){ body, blen }, hex);
		CHECK_CSTR(hex, payload);
		free(body);
	}
	CHECK_INT(s3mpu_time_parse(s3mpu_str_from_cstr(amz_date), &now), S3MPU_OK);
	CHECK_INT(s3mpu_signer_init(&signer, s3mpu_str_from_cstr(ak), s3mpu_str_from_cstr(sk),
			  S3MPU_LIT(""), s3mpu_str_from_cstr(region), s3mpu_str_from_cstr(service)),
		S3MPU_OK);
	memset(&http, 0, sizeof http);
	http.method = s3mpu_str_from_cstr(method);
	http.path = s3mpu_str_from_cstr(path);
	http.query = query;
	http.query_count = nq;
	http.headers = headers;
	http.header_count = nh;
	http.payload_hash = s3mpu_str_from_cstr(payload);
	err = s3mpu_sigv4_sign(&signer, &http, now, expires, flags, &sig, buf, sizeof buf, NULL);
	CHECK_INT(err, S3MPU_OK);
	if (!err) {
		CHECK_EXPECTED(sig.canonical_request, want_creq);
		CHECK_EXPECTED(sig.string_to_sign, want_sts);
		CHECK_EXPECTED(((s3mpu_str){ sig.signature, 64 }), want_sig);
		if (presign) {
			char *want_url = json_string(json_get(ex, "expected_url"), NULL);
			char url[4096];
			snprintf(url, sizeof url, "https://%s%s?%.*s", host, path,
				(int)sig.query.len, sig.query.ptr);
			CHECK_CSTR(url, want_url);
			free(want_url);
		} else {
			char *want_auth = json_string(json_get(ex, "expected_authorization"), NULL);
			char got[1024];
			size_t glen = sig.authorization.len;
			memcpy(got, sig.authorization.ptr, glen);
			drop_comma_spaces(got, &glen);
			CHECK_MEM(got, glen, want_auth, strlen(want_auth));
			free(want_auth);
		}
	}
	s3mpu_signer_wipe(&signer);
	for (i = 0; i < nstrings; i++)
		free(strings[i]);
	free(name);
	free(auth_type);
	free(method);
	free(host);
	free(path);
	free(payload);
	free(ak);
	free(sk);
	free(region);
	free(service);
	free(amz_date);
	free(want_creq);
	free(want_sts);
	free(want_sig);
}

static int run_s3doc(const char *file)
{
	char *json = read_file(file, NULL);
	const char *items[MAX_ITEMS];
	size_t n, i;
	if (!json) {
		fprintf(stderr, "cannot read %s\n", file);
		return 2;
	}
	n = json_array(json_get(json, "examples"), items, MAX_ITEMS);
	CHECK_INT(n, 5);
	for (i = 0; i < n; i++)
		run_s3doc_example(items[i]);
	free(json);
	return check_failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	int rc;
	if (argc != 3) {
		fprintf(stderr, "usage: test_vectors v4|legacy|s3doc PATH\n");
		return 2;
	}
	if (strcmp(argv[1], "v4") == 0)
		rc = run_v4(argv[2]);
	else if (strcmp(argv[1], "legacy") == 0)
		rc = run_legacy(argv[2]);
	else
		rc = run_s3doc(argv[2]);
	printf("%d passed, %d failed\n", rc == 0, rc != 0);
	return rc;
}
