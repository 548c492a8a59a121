/*
 * sigv4.c -- AWS Signature Version 4 (AWS4-HMAC-SHA256), header and query
 * (presigned) forms. See s3mpu.h.
 *
 * Spec: "Create a signed AWS API request" (AWS IAM user guide) and, for S3's
 * differences (path encoded once, never normalised; x-amz-content-sha256),
 * "Authenticating Requests (AWS Signature Version 4)" in the S3 API guide.
 */
#include "internal.h"

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

int s3mpu_signer_init(s3mpu_signer *signer, s3mpu_str access_key,
	s3mpu_str secret_key, s3mpu_str session_token, s3mpu_str region,
	s3mpu_str service)
{
	if (!signer)
		return S3MPU_E_ARGUMENT;
	memset(signer, 0, sizeof *signer);
	/* '/' and ',' would break the Credential field apart. */
	if (access_key.len == 0 || access_key.len > S3MPU_ACCESS_KEY_MAX ||
	    !printable_ascii(access_key, "/,=") ||
	    secret_key.len == 0 || secret_key.len > S3MPU_SECRET_KEY_MAX ||
	    session_token.len > S3MPU_TOKEN_MAX ||
	    !printable_ascii(session_token, ""))
		return S3MPU_E_CREDENTIALS;
	if (!scope_name(region, S3MPU_REGION_MAX) || !scope_name(service, S3MPU_SERVICE_MAX))
		return S3MPU_E_REGION;
	memcpy(signer->access_key, access_key.ptr, access_key.len);
	signer->access_key_len = access_key.len;
	memcpy(signer->secret_key, secret_key.ptr, secret_key.len);
	signer->secret_key_len = secret_key.len;
	if (session_token.len)
		memcpy(signer->token, session_token.ptr, session_token.len);
	signer->token_len = session_token.len;
	memcpy(signer->region, region.ptr, region.len);
	signer->region_len = region.len;
	memcpy(signer->service, service.ptr, service.len);
	signer->service_len = service.len;
	return S3MPU_OK;
}

void s3mpu_signer_wipe(s3mpu_signer *signer)
{
	if (signer)
		s3mpu_wipe(signer, sizeof *signer);
}

/* The signing key of `date` (YYYYMMDD), derived only when the date changes. */
/*
 * SHA-256 of a canonical request, resuming from the state the signer kept
 * after the whole blocks its head shares with the requests before it:
 * presigning 1,000 parts of an upload hashes their common head once. The
 * kept state moves to the whole blocks this request shares with the last
 * one (the time in a presigned query changes each second).
 */
static void hash_canonical(s3mpu_signer *s, const char *request, size_t len,
	unsigned char digest[S3MPU_SHA256_SIZE])
{
	s3mpu_sha256 sha;
	size_t keep = len < sizeof s->prefix ? len : sizeof s->prefix;
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
	s3mpu_sha256_out(&sha, digest);
}

static const s3mpu_hmac_key *signing_key(s3mpu_signer *s, const char *date)
{
	unsigned char k[S3MPU_SHA256_SIZE];
	unsigned char first[4 + S3MPU_SECRET_KEY_MAX];

	if (memcmp(s->key_date, date, 8) == 0)
		return &s->signing_key;
	memcpy(first, "AWS4", 4);
	memcpy(first + 4, s->secret_key, s->secret_key_len);
	s3mpu_hmac_sha256(first, 4 + s->secret_key_len, date, 8, k);
	s3mpu_hmac_sha256(k, sizeof k, s->region, s->region_len, k);
	s3mpu_hmac_sha256(k, sizeof k, s->service, s->service_len, k);
	s3mpu_hmac_sha256(k, sizeof k, "aws4_request", 12, k);
	s3mpu_hmac_key_init(&s->signing_key, k, sizeof k);
	memcpy(s->key_date, date, 8);
	s3mpu_wipe(k, sizeof k);
	s3mpu_wipe(first, sizeof first);
	return &s->signing_key;
}

/*
 * The signature: HMAC of the string to sign with the day's key, resuming
 * after the string's first block when it is the last one's (same second,
 * same scope), as it is for every URL of a presignParts call.
 */
static void sign_string(s3mpu_signer *s, const char *amz_date,
	const char *sts, size_t len, unsigned char digest[S3MPU_SHA256_SIZE])
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
		if (v.ptr[i] == '\t' || (v.ptr[i] == ' ' &&
		    (i == 0 || i + 1 == end || v.ptr[i + 1] == ' ')))
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

static void out_signed_headers(s3mpu_buf *o, const s3mpu_kv **h, size_t n)
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

static void out_canonical_headers(s3mpu_buf *o, const s3mpu_kv **h, size_t n)
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

static void out_canonical_query(s3mpu_buf *o, const s3mpu_kv **q, size_t n)
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
static int out_normalized_path(s3mpu_buf *o, s3mpu_str path)
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
/* Signing                                                             */
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

int s3mpu_sigv4_sign(s3mpu_signer *signer, const s3mpu_http *http,
	int64_t now, uint32_t expires, unsigned flags,
	s3mpu_signature *sig, char *buf, size_t cap, size_t *need)
{
	const s3mpu_kv *hdr[SIGV4_ENTRIES_MAX + 3];
	const s3mpu_kv *qry[SIGV4_ENTRIES_MAX + 6];
	s3mpu_kv extra_h[3], extra_q[6];
	char scope_buf[8 + 1 + S3MPU_REGION_MAX + 1 + S3MPU_SERVICE_MAX + 13];
	char credential[S3MPU_ACCESS_KEY_MAX + 1 + sizeof scope_buf];
	char signed_list[1024], expires_text[8];
	s3mpu_str scope, signed_str;
	size_t nh = 0, nq = 0, i;
	size_t canonical_len, query_off, query_len, sts_off, sts_len, signed_off, sent_off;
	s3mpu_buf o, t;
	unsigned char digest[S3MPU_SHA256_SIZE];
	int presign = expires != 0, err;

	if (need)
		*need = 0;
	if (!signer || !http || !sig || (!buf && cap) || signer->access_key_len == 0 ||
	    (http->header_count && !http->headers) || (http->query_count && !http->query))
		return S3MPU_E_ARGUMENT;
	memset(sig, 0, sizeof *sig);
	if (expires > S3MPU_EXPIRES_MAX)
		return S3MPU_E_EXPIRES;
	if (http->header_count > SIGV4_ENTRIES_MAX || http->query_count > SIGV4_ENTRIES_MAX)
		return S3MPU_E_ARGUMENT;
	if (!check_payload_hash(http->payload_hash))
		return S3MPU_E_DIGEST;
	if (http->method.len == 0 || !printable_ascii(http->method, ""))
		return S3MPU_E_ARGUMENT;
	err = s3mpu_time_format(now, sig->amz_date);
	if (err)
		return err;

	/* Headers: the caller's, then those the signer owns. */
	for (i = 0; i < http->header_count; i++) {
		const s3mpu_kv *h = &http->headers[i];
		err = s3mpu_check_header(h->name, h->value);
		if (err)
			return err;
		if (reserved_header(h->name, presign ? 0 : flags))
			return S3MPU_E_HEADER;
		hdr[nh++] = h;
	}
	if (!presign) {
		extra_h[0].name = S3MPU_LIT("x-amz-date");
		extra_h[0].value.ptr = sig->amz_date;
		extra_h[0].value.len = S3MPU_AMZ_DATE_LEN;
		hdr[nh++] = &extra_h[0];
		if (signer->token_len) {
			extra_h[1].name = S3MPU_LIT("x-amz-security-token");
			extra_h[1].value.ptr = signer->token;
			extra_h[1].value.len = signer->token_len;
			hdr[nh++] = &extra_h[1];
		}
		if (flags & S3MPU_SIGV4_CONTENT_SHA256) {
			extra_h[2].name = S3MPU_LIT("x-amz-content-sha256");
			extra_h[2].value = http->payload_hash;
			hdr[nh++] = &extra_h[2];
		}
	}
	sort_headers(hdr, nh);

	/* Scope "YYYYMMDD/region/service/aws4_request". */
	buf_init(&t, scope_buf, sizeof scope_buf);
	buf_bytes(&t, sig->amz_date, 8);
	buf_char(&t, '/');
	buf_bytes(&t, signer->region, signer->region_len);
	buf_char(&t, '/');
	buf_bytes(&t, signer->service, signer->service_len);
	buf_cstr(&t, "/aws4_request");
	scope.ptr = scope_buf;
	scope.len = t.len;

	buf_init(&t, signed_list, sizeof signed_list);
	out_signed_headers(&t, hdr, nh);
	if (!buf_fits(&t))
		return S3MPU_E_HEADER;
	signed_str.ptr = signed_list;
	signed_str.len = t.len;

	/* Query: the caller's, then the X-Amz-* of a presigned URL. */
	for (i = 0; i < http->query_count; i++)
		qry[nq++] = &http->query[i];
	if (presign) {
		buf_init(&t, credential, sizeof credential);
		buf_bytes(&t, signer->access_key, signer->access_key_len);
		buf_char(&t, '/');
		buf_str(&t, scope);
		buf_init(&o, expires_text, sizeof expires_text);
		buf_decimal(&o, expires);
		extra_q[0].name = S3MPU_LIT("X-Amz-Algorithm");
		extra_q[0].value = S3MPU_LIT("AWS4-HMAC-SHA256");
		extra_q[1].name = S3MPU_LIT("X-Amz-Credential");
		extra_q[1].value.ptr = credential;
		extra_q[1].value.len = t.len;
		extra_q[2].name = S3MPU_LIT("X-Amz-Date");
		extra_q[2].value.ptr = sig->amz_date;
		extra_q[2].value.len = S3MPU_AMZ_DATE_LEN;
		extra_q[3].name = S3MPU_LIT("X-Amz-Expires");
		extra_q[3].value.ptr = expires_text;
		extra_q[3].value.len = o.len;
		extra_q[4].name = S3MPU_LIT("X-Amz-SignedHeaders");
		extra_q[4].value = signed_str;
		for (i = 0; i < 5; i++)
			qry[nq++] = &extra_q[i];
		if (signer->token_len) {
			extra_q[5].name = S3MPU_LIT("X-Amz-Security-Token");
			extra_q[5].value.ptr = signer->token;
			extra_q[5].value.len = signer->token_len;
			qry[nq++] = &extra_q[5];
		}
	}
	sort_params(qry, nq);

	/* Canonical request. */
	buf_init(&o, buf, cap);
	buf_str(&o, http->method);
	buf_char(&o, '\n');
	if (flags & S3MPU_SIGV4_GENERIC) {
		err = out_normalized_path(&o, http->path);
		if (err)
			return err;
	} else if (http->path.len == 0) {
		buf_char(&o, '/');
	} else {
		buf_uri(&o, http->path, 1);
	}
	buf_char(&o, '\n');
	query_off = o.len;
	out_canonical_query(&o, qry, nq);
	query_len = o.len - query_off;
	buf_char(&o, '\n');
	out_canonical_headers(&o, hdr, nh);
	buf_char(&o, '\n');
	buf_str(&o, signed_str);
	buf_char(&o, '\n');
	buf_str(&o, http->payload_hash);
	canonical_len = o.len;
	if (buf_fits(&o))
		hash_canonical(signer, buf, canonical_len, digest);

	/* String to sign. */
	sts_off = o.len;
	buf_cstr(&o, algorithm);
	buf_char(&o, '\n');
	buf_bytes(&o, sig->amz_date, S3MPU_AMZ_DATE_LEN);
	buf_char(&o, '\n');
	buf_str(&o, scope);
	buf_char(&o, '\n');
	if (o.len + 64 <= o.cap)
		s3mpu_hex_encode(digest, sizeof digest, buf + o.len);
	o.len += 64;
	sts_len = o.len - sts_off;
	if (buf_fits(&o)) {
		sign_string(signer, sig->amz_date, buf + sts_off, sts_len, digest);
		s3mpu_hex_encode(digest, sizeof digest, sig->signature);
	}

	/* What is sent: SignedHeaders, then Authorization or the whole query. */
	signed_off = o.len;
	buf_str(&o, signed_str);
	sent_off = o.len;
	if (presign) {
		/* The canonical query is the URL's query, plus the signature. */
		if (o.len + query_len <= o.cap)
			memcpy(buf + o.len, buf + query_off, query_len);
		o.len += query_len;
		if (nq)
			buf_char(&o, '&');
		buf_cstr(&o, "X-Amz-Signature=");
		buf_bytes(&o, sig->signature, 64);
		query_off = sent_off;
		query_len = o.len - sent_off;
	} else {
		buf_cstr(&o, algorithm);
		buf_cstr(&o, " Credential=");
		buf_bytes(&o, signer->access_key, signer->access_key_len);
		buf_char(&o, '/');
		buf_str(&o, scope);
		buf_cstr(&o, ", SignedHeaders=");
		buf_str(&o, signed_str);
		buf_cstr(&o, ", Signature=");
		buf_bytes(&o, sig->signature, 64);
		sig->authorization.ptr = buf + sent_off;
		sig->authorization.len = o.len - sent_off;
	}

	if (!buf_fits(&o)) {
		if (need)
			*need = o.len;
		memset(sig, 0, sizeof *sig);
		return S3MPU_E_SPACE;
	}
	sig->canonical_request.ptr = buf;
	sig->canonical_request.len = canonical_len;
	sig->string_to_sign.ptr = buf + sts_off;
	sig->string_to_sign.len = sts_len;
	sig->signed_headers.ptr = buf + signed_off;
	sig->signed_headers.len = signed_str.len;
	sig->query.ptr = buf + query_off;
	sig->query.len = query_len;
	if (need)
		*need = o.len;
	return S3MPU_OK;
}
