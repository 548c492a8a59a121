/*
 * sigv4.c -- AWS Signature Version 4 (AWS4-HMAC-SHA256), header and query
 * (presigned) forms. See s3mpu.h.
 *
 * Spec: "Create a signed AWS API request" (AWS IAM user guide) and, for S3's
 * differences (path encoded once, never normalised; x-amz-content-sha256),
 * "Authenticating Requests (AWS Signature Version 4)" in the S3 API guide.
 */
#include "internal.h"

_Static_assert(sizeof(signer_state) <= sizeof(s3mpu_signer), "s3mpu_signer too small");
_Static_assert(_Alignof(signer_state) <= _Alignof(s3mpu_signer), "s3mpu_signer misaligned");

#define SIGV4_ENTRIES_MAX 64   /* headers or query parameters one request may sign */
#define SIGV4_SEGMENTS_MAX 256 /* path segments, GENERIC normalisation only */

static const char algorithm[] = "AWS4-HMAC-SHA256";

/* ------------------------------------------------------------------ */
/* Signer                                                              */
/* ------------------------------------------------------------------ */

static int printable_ascii(s3mpu_str s, const char *forbidden)
{
	size_t i;
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.ptr[i];
		if (c <= 0x20 || c >= 0x7f || strchr(forbidden, c))
			return 0;
	}
	return 1;
}

static int scope_name(s3mpu_str s, size_t max)
{
	size_t i;
	if (s.len == 0 || s.len >= max)
		return 0;
	for (i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return 1;
}

/* see s3mpu.h */
int s3mpu_signer_init(s3mpu_signer *signer, s3mpu_str access_key, s3mpu_str secret_key,
	s3mpu_str session_token, s3mpu_str region, s3mpu_str service)
{
	signer_state *s;

	if (!signer)
		return S3MPU_E_ARGUMENT;
	memset(signer, 0, sizeof *signer);
	s = signer_of(signer);
	/* '/' and ',' would break the Credential field apart. */
	if (access_key.len == 0 || access_key.len > S3MPU_ACCESS_KEY_MAX ||
		!printable_ascii(access_key, "/,=") || secret_key.len == 0 ||
		secret_key.len > S3MPU_SECRET_KEY_MAX || session_token.len > S3MPU_TOKEN_MAX ||
		!printable_ascii(session_token, ""))
		return S3MPU_E_CREDENTIALS;
	if (!scope_name(region, S3MPU_REGION_MAX) || !scope_name(service, S3MPU_SERVICE_MAX))
		return S3MPU_E_REGION;
	memcpy(s->access_key, access_key.ptr, access_key.len);
	s->access_key_len = access_key.len;
	memcpy(s->secret_key, secret_key.ptr, secret_key.len);
	s->secret_key_len = secret_key.len;
	if (session_token.len)
		memcpy(s->token, session_token.ptr, session_token.len);
	s->token_len = session_token.len;
	memcpy(s->region, region.ptr, region.len);
	s->region_len = region.len;
	memcpy(s->service, service.ptr, service.len);
	s->service_len = service.len;
	return S3MPU_OK;
}

void s3mpu_signer_wipe(s3mpu_signer *signer)
{
	if (signer)
		s3mpu_memory_wipe(signer, sizeof *signer);
}

/*
 * SHA-256 of a canonical request, resuming from the state the signer kept
 * after the whole blocks its head shares with the requests before it:
 * presigning 1,000 parts of an upload hashes their common head once. The
 * kept state moves to the whole blocks this request shares with the last
 * one (the time in a presigned query changes each second).
 */
static void hash_canonical(
	signer_state *s, const char *request, size_t len, unsigned char digest[S3MPU_SHA256_SIZE])
{
	s3mpu_sha256 sha;
	size_t keep = len < SIGNER_PREFIX_MAX ? len : SIGNER_PREFIX_MAX;
	size_t done = s->state_len, same, whole;
	int resume = done && done <= len && memcmp(s->prefix, request, done) == 0;

	if (resume) {
		sha = s->prefix_state;
		same = done;
	} else {
		s3mpu_sha256_init(&sha);
		done = same = 0;
	}
	while (same < keep && same < s->prefix_len &&
		s->prefix[same] == (unsigned char)request[same])
		same++;
	whole = same - same % 64;
	if (whole > done || !resume) {
		s3mpu_sha256_update(&sha, request + done, whole - done);
		done = whole;
		s->prefix_state = sha;
		s->state_len = whole;
	}
	/* The head to compare the next request with: this one's. */
	memcpy(s->prefix + same, request + same, keep - same);
	s->prefix_len = keep;
	s3mpu_sha256_update(&sha, request + done, len - done);
	s3mpu_sha256_digest(&sha, digest);
}

/* The signing key of `date` (YYYYMMDD), derived only when the date changes. */
static const s3mpu_hmac_key *signing_key(signer_state *s, const char *date)
{
	unsigned char k[S3MPU_SHA256_SIZE];
	unsigned char first[4 + S3MPU_SECRET_KEY_MAX];

	if (memcmp(s->key_date, date, 8) == 0)
		return &s->signing_key;
	memcpy(first, "AWS4", 4);
	memcpy(first + 4, s->secret_key, s->secret_key_len);
	s3mpu_hmac_compute(first, 4 + s->secret_key_len, date, 8, k);
	s3mpu_hmac_compute(k, sizeof k, s->region, s->region_len, k);
	s3mpu_hmac_compute(k, sizeof k, s->service, s->service_len, k);
	s3mpu_hmac_compute(k, sizeof k, "aws4_request", 12, k);
	s3mpu_hmac_key_init(&s->signing_key, k, sizeof k);
	memcpy(s->key_date, date, 8);
	s3mpu_memory_wipe(k, sizeof k);
	s3mpu_memory_wipe(first, sizeof first);
	return &s->signing_key;
}

/*
 * The signature: HMAC of the string to sign with the day's key, resuming
 * after the string's first block when it is the last one's (same second,
 * same scope), as it is for every URL of a presignParts call.
 */
static void sign_string(signer_state *s, const char *amz_date, const char *sts, size_t len,
	unsigned char digest[S3MPU_SHA256_SIZE])
{
	const s3mpu_hmac_key *key = signing_key(s, amz_date);

	if (len < sizeof s->sts_head) {
		hmac_once(key, sts, len, digest);
		return;
	}
	if (!s->sts_kept || memcmp(s->sts_head, sts, sizeof s->sts_head) != 0) {
		s3mpu_hmac_init(&s->sts_state, key);
		s3mpu_hmac_update(&s->sts_state, sts, sizeof s->sts_head);
		memcpy(s->sts_head, sts, sizeof s->sts_head);
		s->sts_kept = 1;
	}
	hmac_resume(&s->sts_state, sts + sizeof s->sts_head, len - sizeof s->sts_head, digest);
}

/* ------------------------------------------------------------------ */
/* Canonical pieces                                                    */
/* ------------------------------------------------------------------ */

static int reserved_header(s3mpu_str name, unsigned flags)
{
	return str_ieq(name, S3MPU_LIT("x-amz-date")) ||
		str_ieq(name, S3MPU_LIT("authorization")) ||
		str_ieq(name, S3MPU_LIT("x-amz-security-token")) ||
		((flags & S3MPU_SIGV4_CONTENT_SHA256) &&
			str_ieq(name, S3MPU_LIT("x-amz-content-sha256")));
}

static int compare_names_ci(s3mpu_str a, s3mpu_str b)
{
	size_t i, n = a.len < b.len ? a.len : b.len;
	for (i = 0; i < n; i++) {
		unsigned char x = (unsigned char)ascii_lower(a.ptr[i]);
		unsigned char y = (unsigned char)ascii_lower(b.ptr[i]);
		if (x != y)
			return x < y ? -1 : 1;
	}
	return a.len < b.len ? -1 : a.len > b.len;
}

/* Stable insertion sort: few entries, and equal header names must keep
 * their order to be joined with ',' as sent. */
static void sort_headers(const s3mpu_kv **e, size_t n)
{
	size_t i, j;
	for (i = 1; i < n; i++) {
		const s3mpu_kv *x = e[i];
		for (j = i; j > 0 && compare_names_ci(e[j - 1]->name, x->name) > 0; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

static int compare_params(const s3mpu_kv *a, const s3mpu_kv *b)
{
	int c = uri_compare_encoded(a->name, b->name);
	return c ? c : uri_compare_encoded(a->value, b->value);
}

static void sort_params(const s3mpu_kv **e, size_t n)
{
	size_t i, j;
	for (i = 1; i < n; i++) {
		const s3mpu_kv *x = e[i];
		for (j = i; j > 0 && compare_params(e[j - 1], x) > 0; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* Header value trimmed, inner runs of white space folded to one space. */
static void buf_trimmed(s3mpu_buf *o, s3mpu_str v)
{
	size_t i = 0, end = v.len;
	int gap = 0;

	/* Most values have nothing to trim or fold: copy them whole. */
	for (i = 0; i < end; i++)
		if (v.ptr[i] == '\t' ||
			(v.ptr[i] == ' ' && (i == 0 || i + 1 == end || v.ptr[i + 1] == ' ')))
			break;
	if (i == end) {
		buf_bytes(o, v.ptr, v.len);
		return;
	}
	i = 0;
	while (i < end && is_space(v.ptr[i]))
		i++;
	while (end > i && is_space(v.ptr[end - 1]))
		end--;
	for (; i < end; i++) {
		if (is_space(v.ptr[i])) {
			gap = 1;
			continue;
		}
		if (gap)
			buf_char(o, ' ');
		gap = 0;
		buf_char(o, v.ptr[i]);
	}
}

static void buf_lower(s3mpu_buf *o, s3mpu_str s)
{
	size_t i;
	for (i = 0; i < s.len; i++)
		buf_char(o, ascii_lower(s.ptr[i]));
}

static void buf_signed_headers(s3mpu_buf *o, const s3mpu_kv **h, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (i > 0 && str_ieq(h[i - 1]->name, h[i]->name))
			continue;
		if (i > 0)
			buf_char(o, ';');
		buf_lower(o, h[i]->name);
	}
}

static void buf_canonical_headers(s3mpu_buf *o, const s3mpu_kv **h, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (i > 0 && str_ieq(h[i - 1]->name, h[i]->name)) {
			buf_char(o, ',');
		} else {
			if (i > 0)
				buf_char(o, '\n');
			buf_lower(o, h[i]->name);
			buf_char(o, ':');
		}
		buf_trimmed(o, h[i]->value);
	}
	buf_char(o, '\n');
}

static void buf_canonical_query(s3mpu_buf *o, const s3mpu_kv **q, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_char(o, '&');
		buf_uri(o, q[i]->name, 0);
		buf_char(o, '=');
		buf_uri(o, q[i]->value, 0);
	}
}

/*
 * RFC 3986 remove_dot_segments, plus dropping empty segments ("//"), as
 * AWS does for services other than S3. The result keeps a trailing slash.
 */
static int buf_normalized_path(s3mpu_buf *o, s3mpu_str path)
{
	s3mpu_str seg[SIGV4_SEGMENTS_MAX];
	size_t n = 0, i = 0, k;
	int trailing = 0;

	while (i < path.len) {
		size_t start, len;
		while (i < path.len && path.ptr[i] == '/')
			i++;
		start = i;
		while (i < path.len && path.ptr[i] != '/')
			i++;
		len = i - start;
		trailing = (i < path.len) || len == 0;
		if (len == 0)
			break;
		if (len == 1 && path.ptr[start] == '.') {
			trailing = 1;
		} else if (len == 2 && path.ptr[start] == '.' && path.ptr[start + 1] == '.') {
			if (n)
				n--;
			trailing = 1;
		} else {
			if (n == SIGV4_SEGMENTS_MAX)
				return S3MPU_E_ARGUMENT;
			seg[n].ptr = path.ptr + start;
			seg[n].len = len;
			n++;
		}
	}
	for (k = 0; k < n; k++) {
		buf_char(o, '/');
		buf_uri(o, seg[k], 1);
	}
	if (n == 0 || trailing)
		buf_char(o, '/');
	return S3MPU_OK;
}

/* ------------------------------------------------------------------ */
/* Signing, step by step as the SigV4 document lists them              */
/* ------------------------------------------------------------------ */

static int check_payload_hash(s3mpu_str h)
{
	size_t i;
	if (str_eq(h, S3MPU_LIT(S3MPU_UNSIGNED_PAYLOAD)))
		return 1;
	if (h.len != 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((h.ptr[i] >= '0' && h.ptr[i] <= '9') || (h.ptr[i] >= 'a' && h.ptr[i] <= 'f')))
			return 0;
	return 1;
}

/* One signature being made: its inputs, the sorted entries, and the
 * offsets of its pieces in the caller's buffer `o`. */
typedef struct {
	signer_state *s;
	const s3mpu_http *http;
	unsigned flags;
	int presign;
	s3mpu_signature *sig;
	const s3mpu_kv *hdr[SIGV4_ENTRIES_MAX + 3];
	size_t nh;
	const s3mpu_kv *qry[SIGV4_ENTRIES_MAX + 6];
	size_t nq;
	s3mpu_kv extra_h[3], extra_q[6];
	char scope_text[8 + 1 + S3MPU_REGION_MAX + 1 + S3MPU_SERVICE_MAX + 13];
	char credential[S3MPU_ACCESS_KEY_MAX + 1 + 8 + 1 + S3MPU_REGION_MAX + 1 +
		S3MPU_SERVICE_MAX + 13];
	char signed_text[1024];
	char expires_text[DECIMAL_MAX];
	s3mpu_str scope, signed_headers;
	s3mpu_buf o;
	size_t canonical_len, query_off, query_len, sts_off, sts_len;
	unsigned char digest[S3MPU_SHA256_SIZE];
} signing;

static int sign_check(const s3mpu_http *http, uint32_t expires)
{
	if (expires > S3MPU_EXPIRES_MAX)
		return S3MPU_E_EXPIRES;
	if (http->header_count > SIGV4_ENTRIES_MAX || http->query_count > SIGV4_ENTRIES_MAX)
		return S3MPU_E_ARGUMENT;
	if (!check_payload_hash(http->payload_hash))
		return S3MPU_E_DIGEST;
	if (http->method.len == 0 || !printable_ascii(http->method, ""))
		return S3MPU_E_ARGUMENT;
	return S3MPU_OK;
}

static void extra_add(
	const s3mpu_kv **list, size_t *n, s3mpu_kv *extra, s3mpu_str name, s3mpu_str value)
{
	extra->name = name;
	extra->value = value;
	list[(*n)++] = extra;
}

/* The headers to sign, sorted: the caller's, then those the signer owns
 * (x-amz-date, the token, x-amz-content-sha256); and their names, the
 * SignedHeaders list. */
static int collect_headers(signing *g)
{
	const s3mpu_http *http = g->http;
	s3mpu_buf t;
	size_t i;
	int err;

	g->nh = 0;
	for (i = 0; i < http->header_count; i++) {
		const s3mpu_kv *h = &http->headers[i];
		if ((err = s3mpu_header_validate(h->name, h->value)) != S3MPU_OK)
			return err;
		if (reserved_header(h->name, g->presign ? 0 : g->flags))
			return S3MPU_E_HEADER;
		g->hdr[g->nh++] = h;
	}
	if (!g->presign) {
		extra_add(g->hdr, &g->nh, &g->extra_h[0], S3MPU_LIT("x-amz-date"),
			(s3mpu_str){ g->sig->amz_date, S3MPU_AMZ_DATE_LEN });
		if (g->s->token_len)
			extra_add(g->hdr, &g->nh, &g->extra_h[1], S3MPU_LIT("x-amz-security-token"),
				(s3mpu_str){ g->s->token, g->s->token_len });
		if (g->flags & S3MPU_SIGV4_CONTENT_SHA256)
			extra_add(g->hdr, &g->nh, &g->extra_h[2], S3MPU_LIT("x-amz-content-sha256"),
				http->payload_hash);
	}
	sort_headers(g->hdr, g->nh);
	buf_init(&t, g->signed_text, sizeof g->signed_text);
	buf_signed_headers(&t, g->hdr, g->nh);
	if (!buf_fits(&t))
		return S3MPU_E_HEADER;
	g->signed_headers = (s3mpu_str){ g->signed_text, t.len };
	return S3MPU_OK;
}

/* The credential scope, "YYYYMMDD/region/service/aws4_request". */
static void credential_scope(signing *g)
{
	s3mpu_buf t;

	buf_init(&t, g->scope_text, sizeof g->scope_text);
	buf_bytes(&t, g->sig->amz_date, 8);
	buf_char(&t, '/');
	buf_bytes(&t, g->s->region, g->s->region_len);
	buf_char(&t, '/');
	buf_bytes(&t, g->s->service, g->s->service_len);
	buf_cstr(&t, "/aws4_request");
	g->scope = (s3mpu_str){ g->scope_text, t.len };
}

/* The query parameters to sign, sorted: the caller's, then the X-Amz-*
 * of a presigned URL. */
static void collect_query(signing *g, uint32_t expires)
{
	s3mpu_buf t;
	size_t i;

	g->nq = 0;
	for (i = 0; i < g->http->query_count; i++)
		g->qry[g->nq++] = &g->http->query[i];
	if (g->presign) {
		buf_init(&t, g->credential, sizeof g->credential);
		buf_bytes(&t, g->s->access_key, g->s->access_key_len);
		buf_char(&t, '/');
		buf_str(&t, g->scope);
		extra_add(g->qry, &g->nq, &g->extra_q[0], S3MPU_LIT("X-Amz-Algorithm"),
			S3MPU_LIT("AWS4-HMAC-SHA256"));
		extra_add(g->qry, &g->nq, &g->extra_q[1], S3MPU_LIT("X-Amz-Credential"),
			(s3mpu_str){ g->credential, t.len });
		extra_add(g->qry, &g->nq, &g->extra_q[2], S3MPU_LIT("X-Amz-Date"),
			(s3mpu_str){ g->sig->amz_date, S3MPU_AMZ_DATE_LEN });
		extra_add(g->qry, &g->nq, &g->extra_q[3], S3MPU_LIT("X-Amz-Expires"),
			(s3mpu_str){ g->expires_text, decimal_format(expires, g->expires_text) });
		extra_add(g->qry, &g->nq, &g->extra_q[4], S3MPU_LIT("X-Amz-SignedHeaders"),
			g->signed_headers);
		if (g->s->token_len)
			extra_add(g->qry, &g->nq, &g->extra_q[5], S3MPU_LIT("X-Amz-Security-Token"),
				(s3mpu_str){ g->s->token, g->s->token_len });
	}
	sort_params(g->qry, g->nq);
}

/* Step 1: the canonical request, and its SHA-256 into g->digest:
 * method, path, query, headers, signed headers, payload hash. */
static int canonical_request(signing *g)
{
	const s3mpu_http *http = g->http;
	s3mpu_buf *o = &g->o;
	int err;

	buf_str(o, http->method);
	buf_char(o, '\n');
	if (g->flags & S3MPU_SIGV4_GENERIC) {
		if ((err = buf_normalized_path(o, http->path)) != S3MPU_OK)
			return err;
	} else if (http->path.len == 0) {
		buf_char(o, '/');
	} else {
		buf_uri(o, http->path, 1);
	}
	buf_char(o, '\n');
	g->query_off = o->len;
	buf_canonical_query(o, g->qry, g->nq);
	g->query_len = o->len - g->query_off;
	buf_char(o, '\n');
	buf_canonical_headers(o, g->hdr, g->nh);
	buf_char(o, '\n');
	buf_str(o, g->signed_headers);
	buf_char(o, '\n');
	buf_str(o, http->payload_hash);
	g->canonical_len = o->len;
	if (buf_fits(o))
		hash_canonical(g->s, o->p, g->canonical_len, g->digest);
	return S3MPU_OK;
}

/* Step 2: the string to sign: algorithm, time, scope, hex of step 1. */
static void string_to_sign(signing *g)
{
	s3mpu_buf *o = &g->o;

	g->sts_off = o->len;
	buf_cstr(o, algorithm);
	buf_char(o, '\n');
	buf_bytes(o, g->sig->amz_date, S3MPU_AMZ_DATE_LEN);
	buf_char(o, '\n');
	buf_str(o, g->scope);
	buf_char(o, '\n');
	if (o->len + 64 <= o->cap)
		s3mpu_hex_encode(g->digest, sizeof g->digest, o->p + o->len);
	o->len += 64;
	g->sts_len = o->len - g->sts_off;
}

/* Step 3: the signature, HMAC of step 2 under the day's signing key. */
static void signature(signing *g)
{
	if (!buf_fits(&g->o))
		return;
	sign_string(g->s, g->sig->amz_date, g->o.p + g->sts_off, g->sts_len, g->digest);
	s3mpu_hex_encode(g->digest, sizeof g->digest, g->sig->signature);
}

/* Step 4, presigned: the canonical query is the URL's, plus the signature. */
static void presigned_query(signing *g)
{
	s3mpu_buf *o = &g->o;
	size_t at = o->len;

	if (o->len + g->query_len <= o->cap)
		memcpy(o->p + o->len, o->p + g->query_off, g->query_len);
	o->len += g->query_len;
	if (g->nq)
		buf_char(o, '&');
	buf_cstr(o, "X-Amz-Signature=");
	buf_bytes(o, g->sig->signature, 64);
	g->sig->query = buf_since(o, at);
}

/* Step 4, header form: the Authorization value; the query as canonical. */
static void authorization(signing *g)
{
	s3mpu_buf *o = &g->o;
	size_t at = o->len;

	buf_cstr(o, algorithm);
	buf_cstr(o, " Credential=");
	buf_bytes(o, g->s->access_key, g->s->access_key_len);
	buf_char(o, '/');
	buf_str(o, g->scope);
	buf_cstr(o, ", SignedHeaders=");
	buf_str(o, g->signed_headers);
	buf_cstr(o, ", Signature=");
	buf_bytes(o, g->sig->signature, 64);
	g->sig->authorization = buf_since(o, at);
	g->sig->query = buf_at(o, g->query_off, g->query_len);
}

/* see s3mpu.h */
int s3mpu_sigv4_sign(s3mpu_signer *signer, const s3mpu_http *http, int64_t now, uint32_t expires,
	unsigned flags, s3mpu_signature *sig, char *buf, size_t cap, size_t *need)
{
	signing g;
	size_t signed_off;
	int err;

	if (need)
		*need = 0;
	if (!signer || !http || !sig || (!buf && cap) || signer_of(signer)->access_key_len == 0 ||
		(http->header_count && !http->headers) || (http->query_count && !http->query))
		return S3MPU_E_ARGUMENT;
	memset(sig, 0, sizeof *sig);
	if ((err = sign_check(http, expires)) != S3MPU_OK ||
		(err = s3mpu_time_format(now, sig->amz_date)) != S3MPU_OK)
		return err;
	g.s = signer_of(signer);
	g.http = http;
	g.flags = flags;
	g.presign = expires != 0;
	g.sig = sig;
	if ((err = collect_headers(&g)) != S3MPU_OK)
		return err;
	credential_scope(&g);
	collect_query(&g, expires);

	buf_init(&g.o, buf, cap);
	if ((err = canonical_request(&g)) != S3MPU_OK)
		return err;
	string_to_sign(&g);
	signature(&g);
	signed_off = g.o.len;
	buf_str(&g.o, g.signed_headers);
	if (g.presign)
		presigned_query(&g);
	else
		authorization(&g);
	if (!buf_fits(&g.o)) {
		if (need)
			*need = g.o.len;
		memset(sig, 0, sizeof *sig);
		return S3MPU_E_SPACE;
	}
	sig->canonical_request = (s3mpu_str){ buf, g.canonical_len };
	sig->string_to_sign = (s3mpu_str){ buf + g.sts_off, g.sts_len };
	sig->signed_headers = (s3mpu_str){ buf + signed_off, g.signed_headers.len };
	if (need)
		*need = g.o.len;
	return S3MPU_OK;
}

/* See internal.h. */
void sigv4_day_hmac(s3mpu_signer *signer, const char date[8], const void *msg, size_t len,
	unsigned char out[S3MPU_SHA256_SIZE])
{
	hmac_once(signing_key(signer_of(signer), date), msg, len, out);
}

/* See internal.h. */
void sigv4_sign_numbers(s3mpu_signer *signer, const s3mpu_signature *sig, size_t at, size_t len,
	const uint32_t *numbers, size_t count, char *out)
{
	s3mpu_str cr = sig->canonical_request, sts = sig->string_to_sign;
	size_t head = at - at % 64, rest = at + len;
	/* The string to sign ends with the canonical request's hex digest: its
	 * whole blocks before that are the same for every number. */
	size_t sts_head = (sts.len - 64) - (sts.len - 64) % 64, tail = sts.len - sts_head;
	char text[128];
	char digits[DECIMAL_MAX];
	unsigned char digest[S3MPU_SHA256_SIZE];
	s3mpu_sha256 prefix, sha;
	s3mpu_hmac kept;
	size_t i;

	s3mpu_sha256_init(&prefix);
	s3mpu_sha256_update(&prefix, cr.ptr, head);
	s3mpu_hmac_init(&kept, signing_key(signer_of(signer), sig->amz_date));
	s3mpu_hmac_update(&kept, sts.ptr, sts_head);
	memcpy(text, sts.ptr + sts_head, tail - 64);
	for (i = 0; i < count; i++) {
		sha = prefix;
		s3mpu_sha256_update(&sha, cr.ptr + head, at - head);
		s3mpu_sha256_update(&sha, digits, decimal_format(numbers[i], digits));
		s3mpu_sha256_update(&sha, cr.ptr + rest, cr.len - rest);
		s3mpu_sha256_digest(&sha, digest);
		s3mpu_hex_encode(digest, sizeof digest, text + tail - 64);
		hmac_resume(&kept, text, tail, digest);
		s3mpu_hex_encode(digest, sizeof digest, out + 64 * i);
	}
	wipe_fast(&kept, sizeof kept);
	wipe_fast(digest, sizeof digest);
}
