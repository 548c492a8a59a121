/*
 * post_policy.c -- SigV4 POST policies for browser form uploads. See s3mpu.h.
 *
 * Spec: "Creating a POST Policy" and "Calculating a Signature" under
 * "Browser-Based Uploads Using POST (AWS Signature Version 4)", S3 API
 * reference. The string to sign is the policy's base64 text; the key is
 * the same day/region/service key every other request of the signer uses.
 */
#include "internal.h"

static const s3mpu_str no_value = { NULL, 0 };

/* Fields the builder writes itself: a caller's field of one of these names
 * would contradict the policy. */
static int reserved_field(s3mpu_str name)
{
	static const char *const names[] = { "key", "content-type", "policy", "file", "bucket",
		"x-amz-signature", "x-amz-algorithm", "x-amz-credential", "x-amz-date",
		"x-amz-security-token" };
	size_t i;
	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (str_ieq(name, s3mpu_str_from_cstr(names[i])))
			return 1;
	return (name.len >= 15 &&
		str_ieq((s3mpu_str){ name.ptr, 15 }, S3MPU_LIT("x-amz-checksum-")));
}

/* The checks s3mpu_request_build makes of a PutObject of the same key, type,
 * metadata and checksum, plus what only a form has. */
static int check_policy(client_state *c, const s3mpu_post_policy *p)
{
	s3mpu_op op;
	size_t i;
	int err;

	memset(&op, 0, sizeof op);
	op.op = S3MPU_OP_PUT_OBJECT;
	op.bucket = p->bucket;
	/* An empty prefix allows every key: check a stand-in instead. */
	op.key = p->key_is_prefix && p->key.len == 0 ? S3MPU_LIT("k") : p->key;
	op.content_type = p->content_type;
	op.metadata = p->metadata;
	op.metadata_count = p->metadata_count;
	op.checksum_algorithm = p->checksum_algorithm;
	op.checksum = p->checksum;
	op.presign_expires = p->expires;
	err = build_check_op(c, &op);
	if (err)
		return err;
	if (p->expires == 0)
		return client_fail(c, S3MPU_E_EXPIRES,
			"a POST policy lives 1 to 604800 seconds (7 days)", no_value, NULL);
	if (p->length_max > S3MPU_POST_SIZE_MAX || p->length_min > p->length_max)
		return client_fail(c, S3MPU_E_ARGUMENT,
			"the content length range must be "
			"min <= max <= 5 GiB (S3 takes at most 5 GiB by POST)",
			no_value, NULL);
	if (p->field_count && !p->fields)
		return client_fail(
			c, S3MPU_E_ARGUMENT, "field_count without fields", no_value, NULL);
	if (p->field_count + p->metadata_count > S3MPU_POST_FIELDS_MAX - 10)
		return client_fail(c, S3MPU_E_ARGUMENT, "too many form fields", no_value, NULL);
	for (i = 0; i < p->field_count; i++) {
		const s3mpu_post_field *f = &p->fields[i];
		/* The value goes into the policy's JSON: UTF-8, as s3mpu_key_validate
		 * reads it (an empty value is fine: "starts-with" anything). */
		if (f->name.len == 0 || s3mpu_header_validate(f->name, f->value) != S3MPU_OK ||
			(f->value.len && s3mpu_key_validate(f->value) != S3MPU_OK))
			return client_fail(c, S3MPU_E_HEADER, "form field ", f->name,
				" needs a token name and a value of at most 1024 bytes of UTF-8 "
				"without CR, LF or NUL");
		if (reserved_field(f->name))
			return client_fail(c, S3MPU_E_HEADER, "form field ", f->name,
				" is written by s3mpu: use the policy's own member for it");
	}
	return S3MPU_OK;
}

/* ------------------------------------------------------------------ */
/* The policy document                                                 */
/* ------------------------------------------------------------------ */

/* A JSON string (RFC 8259): quotes, backslashes and controls escaped;
 * other bytes, UTF-8 included, as they are. */
static void buf_json(s3mpu_buf *o, s3mpu_str s)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	buf_char(o, '"');
	for (i = 0; i < s.len; i++) {
		unsigned char ch = (unsigned char)s.ptr[i];
		if (ch == '"' || ch == '\\') {
			buf_char(o, '\\');
			buf_char(o, (char)ch);
		} else if (ch < 0x20) {
			buf_cstr(o, "\\u00");
			buf_char(o, hex[ch >> 4]);
			buf_char(o, hex[ch & 15]);
		} else {
			buf_char(o, (char)ch);
		}
	}
	buf_char(o, '"');
}

/* One condition: {"name":"value"} or ["starts-with","$name","value"]; names
 * are HTTP tokens (checked), so they need no escaping. */
static void buf_condition(s3mpu_buf *o, s3mpu_str name, s3mpu_str value, int starts_with)
{
	buf_char(o, ',');
	if (starts_with) {
		buf_cstr(o, "[\"starts-with\",\"$");
		buf_bytes(o, name.ptr, name.len); /* a token: nothing to escape */
		buf_cstr(o, "\",");
		buf_json(o, value);
		buf_char(o, ']');
	} else {
		buf_cstr(o, "{\"");
		buf_bytes(o, name.ptr, name.len);
		buf_cstr(o, "\":");
		buf_json(o, value);
		buf_char(o, '}');
	}
}

/* ------------------------------------------------------------------ */
/* The form                                                            */
/* ------------------------------------------------------------------ */

static void add_field(s3mpu_post_form *f, s3mpu_str name, s3mpu_str value)
{
	f->fields[f->field_count].name = name;
	f->fields[f->field_count].value = value;
	f->field_count++;
}

/* "2015-12-30T12:00:00.000Z" from "20151230T120000Z". */
static void iso_expiration(const char basic[S3MPU_AMZ_DATE_LEN], char out[24])
{
	memcpy(out, basic, 4);
	out[4] = '-';
	memcpy(out + 5, basic + 4, 2);
	out[7] = '-';
	memcpy(out + 8, basic + 6, 2);
	out[10] = 'T';
	memcpy(out + 11, basic + 9, 2);
	out[13] = ':';
	memcpy(out + 14, basic + 11, 2);
	out[16] = ':';
	memcpy(out + 17, basic + 13, 2);
	memcpy(out + 19, ".000Z", 5);
}

static void buf_meta_name(s3mpu_buf *o, s3mpu_str name)
{
	size_t k;
	buf_cstr(o, "x-amz-meta-");
	for (k = 0; k < name.len; k++)
		buf_char(o, ascii_lower(name.ptr[k]));
}

/* What the signer adds to every form: name/value pairs of its own. */
typedef struct {
	s3mpu_str date, credential, token;
} auth_fields;

/*
 * The policy: expiration, then a condition for the bucket and each form
 * field, in the order form_fields sends them (the key's condition is the
 * prefix itself, not the form's "${filename}"), and the length range.
 * Reads only the caller's strings and `a`, never the arena.
 */
static void policy_document(
	s3mpu_buf *o, const s3mpu_post_policy *p, const char *expiration, const auth_fields *a)
{
	size_t i;
	buf_cstr(o, "{\"expiration\":\"");
	buf_bytes(o, expiration, 24);
	buf_cstr(o, "\",\"conditions\":[{\"bucket\":");
	buf_json(o, p->bucket);
	buf_char(o, '}');
	buf_condition(o, S3MPU_LIT("key"), p->key, p->key_is_prefix);
	if (p->length_max) {
		buf_cstr(o, ",[\"content-length-range\",");
		buf_decimal(o, p->length_min);
		buf_char(o, ',');
		buf_decimal(o, p->length_max);
		buf_char(o, ']');
	}
	if (p->content_type.len)
		buf_condition(
			o, S3MPU_LIT("Content-Type"), p->content_type, p->content_type_is_prefix);
	for (i = 0; i < p->metadata_count; i++) {
		buf_cstr(o, ",{\"");
		buf_meta_name(o, p->metadata[i].name);
		buf_cstr(o, "\":");
		buf_json(o, p->metadata[i].value);
		buf_char(o, '}');
	}
	if (p->checksum_algorithm != S3MPU_CHECKSUM_NONE) {
		buf_condition(o, S3MPU_LIT("x-amz-checksum-algorithm"),
			checksum_kind_of(p->checksum_algorithm)->name, 0);
		buf_condition(o, checksum_kind_of(p->checksum_algorithm)->header, p->checksum, 0);
	}
	for (i = 0; i < p->field_count; i++)
		buf_condition(o, p->fields[i].name, p->fields[i].value, p->fields[i].starts_with);
	buf_condition(o, S3MPU_LIT("x-amz-algorithm"), S3MPU_LIT("AWS4-HMAC-SHA256"), 0);
	buf_condition(o, S3MPU_LIT("x-amz-credential"), a->credential, 0);
	buf_condition(o, S3MPU_LIT("x-amz-date"), a->date, 0);
	if (a->token.len)
		buf_condition(o, S3MPU_LIT("x-amz-security-token"), a->token, 0);
	buf_cstr(o, "]}");
}

/*
 * Every form field but policy and signature, in order, into `f`; the
 * strings they need that are not the caller's are written to `o`.
 */
static void form_fields(
	const s3mpu_post_policy *p, const auth_fields *a, s3mpu_post_form *f, s3mpu_buf *o)
{
	s3mpu_str key = p->key;
	size_t i, at;

	if (p->key_is_prefix) {
		at = o->len;
		buf_str(o, p->key);
		buf_cstr(o, "${filename}");
		key = buf_since(o, at);
	}
	add_field(f, S3MPU_LIT("key"), key);
	if (p->content_type.len)
		add_field(f, S3MPU_LIT("Content-Type"), p->content_type);
	for (i = 0; i < p->metadata_count; i++) {
		at = o->len;
		buf_meta_name(o, p->metadata[i].name);
		add_field(f, buf_since(o, at), p->metadata[i].value);
	}
	if (p->checksum_algorithm != S3MPU_CHECKSUM_NONE) {
		add_field(f, S3MPU_LIT("x-amz-checksum-algorithm"),
			checksum_kind_of(p->checksum_algorithm)->name);
		add_field(f, checksum_kind_of(p->checksum_algorithm)->header, p->checksum);
	}
	for (i = 0; i < p->field_count; i++)
		add_field(f, p->fields[i].name, p->fields[i].value);
	add_field(f, S3MPU_LIT("x-amz-algorithm"), S3MPU_LIT("AWS4-HMAC-SHA256"));
	at = o->len;
	buf_str(o, a->credential);
	add_field(f, S3MPU_LIT("x-amz-credential"), buf_since(o, at));
	at = o->len;
	buf_str(o, a->date);
	add_field(f, S3MPU_LIT("x-amz-date"), buf_since(o, at));
	if (a->token.len)
		add_field(f, S3MPU_LIT("x-amz-security-token"), a->token);
}

/* The bucket's URL, addressed as s3mpu_request_build addresses it. */
static void buf_bucket_url(s3mpu_buf *o, const client_state *c, s3mpu_str bucket)
{
	buf_cstr(o, c->https ? "https://" : "http://");
	if (use_path_style(c, bucket)) {
		buf_bytes(o, c->host, c->host_len);
		buf_char(o, '/');
		buf_str(o, bucket);
	} else {
		buf_str(o, bucket);
		buf_char(o, '.');
		buf_bytes(o, c->host, c->host_len);
		buf_char(o, '/');
	}
}

/* The signer's own fields of a form signed at `amz` (credential written to
 * `credential`, CREDENTIAL_MAX bytes). */
#define CREDENTIAL_MAX (S3MPU_ACCESS_KEY_MAX + S3MPU_REGION_MAX + S3MPU_SERVICE_MAX + 32)
static auth_fields auth_of(const signer_state *s, const char *amz, char *credential)
{
	auth_fields a;
	s3mpu_buf o;
	buf_init(&o, credential, CREDENTIAL_MAX);
	buf_bytes(&o, s->access_key, s->access_key_len);
	buf_char(&o, '/');
	buf_bytes(&o, amz, 8);
	buf_char(&o, '/');
	buf_bytes(&o, s->region, s->region_len);
	buf_char(&o, '/');
	buf_bytes(&o, s->service, s->service_len);
	buf_cstr(&o, "/aws4_request");
	a.credential = (s3mpu_str){ credential, o.len };
	a.date = (s3mpu_str){ amz, S3MPU_AMZ_DATE_LEN };
	a.token = (s3mpu_str){ s->token, s->token_len };
	return a;
}

/* See s3mpu.h. */
int s3mpu_post_build(s3mpu_client *client, const s3mpu_post_policy *policy, int64_t now,
	s3mpu_post_form *form, char *arena, size_t cap, size_t *need)
{
	client_state *c;
	char amz[S3MPU_AMZ_DATE_LEN], until[S3MPU_AMZ_DATE_LEN], credential[CREDENTIAL_MAX];
	auth_fields a;
	s3mpu_str b64;
	s3mpu_buf o;
	size_t at;
	int err;

	if (need)
		*need = 0;
	if (!client || !policy || !form || (!arena && cap))
		return S3MPU_E_ARGUMENT;
	c = client_of(client);
	memset(form, 0, sizeof *form);
	c->detail[0] = 0;
	err = check_policy(c, policy);
	if (err)
		return err;
	if (s3mpu_time_format(now, amz) != S3MPU_OK || now > INT64_MAX - policy->expires ||
		s3mpu_time_format(now + policy->expires, until) != S3MPU_OK)
		return client_fail(
			c, S3MPU_E_DATE, "the time is outside 1970..9999", no_value, NULL);
	iso_expiration(until, form->expiration);
	a = auth_of(signer_of(&c->signer), amz, credential);

	/* The document, room for its base64 (the "policy" field and the string
	 * to sign), then the strings of the other fields. */
	buf_init(&o, arena, cap);
	policy_document(&o, policy, form->expiration, &a);
	form->policy = buf_since(&o, 0);
	o.len += (form->policy.len + 2) / 3 * 4;
	at = o.len;
	buf_bucket_url(&o, c, policy->bucket);
	form->url = buf_since(&o, at);
	form_fields(policy, &a, form, &o);
	if (!buf_fits(&o)) {
		if (need)
			*need = o.len;
		memset(form, 0, sizeof *form);
		return client_fail(
			c, S3MPU_E_SPACE, "the form needs a larger buffer", no_value, NULL);
	}
	b64.ptr = arena + form->policy.len;
	b64.len = s3mpu_base64_encode(form->policy.ptr, form->policy.len, arena + form->policy.len);
	err = s3mpu_post_sign(&c->signer, now, b64, form->signature);
	if (err) {
		memset(form, 0, sizeof *form);
		return client_fail(c, err, "cannot sign the policy", no_value, NULL);
	}
	add_field(form, S3MPU_LIT("policy"), b64);
	add_field(form, S3MPU_LIT("x-amz-signature"),
		(s3mpu_str){ form->signature, sizeof form->signature });
	if (need)
		*need = o.len;
	return S3MPU_OK;
}

/* See s3mpu.h. */
int s3mpu_post_sign(s3mpu_signer *signer, int64_t now, s3mpu_str policy_base64, char signature[64])
{
	char amz[S3MPU_AMZ_DATE_LEN];
	unsigned char mac[S3MPU_SHA256_SIZE];
	int err;

	if (!signer || !signature || signer_of(signer)->access_key_len == 0 ||
		(policy_base64.len && !policy_base64.ptr))
		return S3MPU_E_ARGUMENT;
	err = s3mpu_time_format(now, amz);
	if (err)
		return err;
	sigv4_day_hmac(signer, amz, policy_base64.ptr, policy_base64.len, mac);
	s3mpu_hex_encode(mac, sizeof mac, signature);
	s3mpu_memory_wipe(mac, sizeof mac);
	return S3MPU_OK;
}
