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
	static const char *const names[] = {
		"key", "content-type", "policy", "file", "bucket", "x-amz-signature",
		"x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-security-token"
	};
	size_t i;
	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (str_ieq(name, s3mpu_cstr(names[i])))
			return 1;
	return (name.len >= 15 && str_ieq((s3mpu_str){ name.ptr, 15 }, S3MPU_LIT("x-amz-checksum-")));
}

/* The checks s3mpu_build makes of a PutObject of the same key, type,
 * metadata and checksum, plus what only a form has. */
static int check_policy(s3mpu_client *c, const s3mpu_post_policy *p)
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
	err = check_op(c, &op);
	if (err)
		return err;
	if (p->expires == 0)
		return client_fail(c, S3MPU_E_EXPIRES,
			"a POST policy lives 1 to 604800 seconds (7 days)", no_value, NULL);
	if (p->length_max > S3MPU_POST_SIZE_MAX || p->length_min > p->length_max)
		return client_fail(c, S3MPU_E_ARGUMENT, "the content length range must be "
			"min <= max <= 5 GiB (S3 takes at most 5 GiB by POST)", no_value, NULL);
	if (p->field_count && !p->fields)
		return client_fail(c, S3MPU_E_ARGUMENT, "field_count without fields", no_value, NULL);
	if (p->field_count + p->metadata_count > S3MPU_POST_FIELDS_MAX - 10)
		return client_fail(c, S3MPU_E_ARGUMENT, "too many form fields", no_value, NULL);
	for (i = 0; i < p->field_count; i++) {
		const s3mpu_post_field *f = &p->fields[i];
		if (f->name.len == 0 || s3mpu_check_header(f->name, f->value) != S3MPU_OK)
			return client_fail(c, S3MPU_E_HEADER, "form field ", f->name,
				" needs a token name and a value without CR, LF or NUL");
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
static void out_json(s3mpu_out *o, s3mpu_str s)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	out_char(o, '"');
	for (i = 0; i < s.len; i++) {
		unsigned char ch = (unsigned char)s.ptr[i];
		if (ch == '"' || ch == '\\') {
			out_char(o, '\\');
			out_char(o, (char)ch);
		} else if (ch < 0x20) {
			out_cstr(o, "\\u00");
			out_char(o, hex[ch >> 4]);
			out_char(o, hex[ch & 15]);
		} else {
			out_char(o, (char)ch);
		}
	}
	out_char(o, '"');
}

static void out_decimal(s3mpu_out *o, uint64_t v)
{
	char d[20];
	size_t n = 0;
	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		out_char(o, d[--n]);
}

/* One condition: {"name":"value"} or ["starts-with","$name","value"]; names
 * are HTTP tokens (checked), so they need no escaping. */
static void out_condition(s3mpu_out *o, s3mpu_str name, s3mpu_str value, int starts_with)
{
	out_char(o, ',');
	if (starts_with) {
		out_cstr(o, "[\"starts-with\",\"$");
		out_bytes(o, name.ptr, name.len); /* a token: nothing to escape */
		out_cstr(o, "\",");
		out_json(o, value);
		out_char(o, ']');
	} else {
		out_cstr(o, "{\"");
		out_bytes(o, name.ptr, name.len);
		out_cstr(o, "\":");
		out_json(o, value);
		out_char(o, '}');
	}
}

/* ------------------------------------------------------------------ */
/* The form                                                            */
/* ------------------------------------------------------------------ */

static s3mpu_str checksum_field(int algorithm)
{
	switch (algorithm) {
	case S3MPU_CHECKSUM_CRC32: return S3MPU_LIT("x-amz-checksum-crc32");
	case S3MPU_CHECKSUM_CRC32C: return S3MPU_LIT("x-amz-checksum-crc32c");
	default: return S3MPU_LIT("x-amz-checksum-sha256");
	}
}

static s3mpu_str checksum_algorithm_name(int algorithm)
{
	switch (algorithm) {
	case S3MPU_CHECKSUM_CRC32: return S3MPU_LIT("CRC32");
	case S3MPU_CHECKSUM_CRC32C: return S3MPU_LIT("CRC32C");
	default: return S3MPU_LIT("SHA256");
	}
}

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

static void out_meta_name(s3mpu_out *o, s3mpu_str name)
{
	size_t k;
	out_cstr(o, "x-amz-meta-");
	for (k = 0; k < name.len; k++)
		out_char(o, ascii_lower(name.ptr[k]));
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
static void policy_document(s3mpu_out *o, const s3mpu_post_policy *p, const char *expiration,
	const auth_fields *a)
{
	size_t i;
	out_cstr(o, "{\"expiration\":\"");
	out_bytes(o, expiration, 24);
	out_cstr(o, "\",\"conditions\":[{\"bucket\":");
	out_json(o, p->bucket);
	out_char(o, '}');
	out_condition(o, S3MPU_LIT("key"), p->key, p->key_is_prefix);
	if (p->length_max) {
		out_cstr(o, ",[\"content-length-range\",");
		out_decimal(o, p->length_min);
		out_char(o, ',');
		out_decimal(o, p->length_max);
		out_char(o, ']');
	}
	if (p->content_type.len)
		out_condition(o, S3MPU_LIT("Content-Type"), p->content_type, p->content_type_is_prefix);
	for (i = 0; i < p->metadata_count; i++) {
		out_cstr(o, ",{\"");
		out_meta_name(o, p->metadata[i].name);
		out_cstr(o, "\":");
		out_json(o, p->metadata[i].value);
		out_char(o, '}');
	}
	if (p->checksum_algorithm != S3MPU_CHECKSUM_NONE) {
		out_condition(o, S3MPU_LIT("x-amz-checksum-algorithm"),
			checksum_algorithm_name(p->checksum_algorithm), 0);
		out_condition(o, checksum_field(p->checksum_algorithm), p->checksum, 0);
	}
	for (i = 0; i < p->field_count; i++)
		out_condition(o, p->fields[i].name, p->fields[i].value, p->fields[i].starts_with);
	out_condition(o, S3MPU_LIT("x-amz-algorithm"), S3MPU_LIT("AWS4-HMAC-SHA256"), 0);
	out_condition(o, S3MPU_LIT("x-amz-credential"), a->credential, 0);
	out_condition(o, S3MPU_LIT("x-amz-date"), a->date, 0);
	if (a->token.len)
		out_condition(o, S3MPU_LIT("x-amz-security-token"), a->token, 0);
	out_cstr(o, "]}");
}

/*
 * Every form field but policy and signature, in order, into `f`; the
 * strings they need that are not the caller's are written to `o`.
 */
static void form_fields(const s3mpu_post_policy *p, const auth_fields *a,
	s3mpu_post_form *f, s3mpu_out *o)
{
	s3mpu_str key = p->key;
	size_t i, at;

	if (p->key_is_prefix) {
		at = o->len;
		out_str(o, p->key);
		out_cstr(o, "${filename}");
		key = out_since(o, at);
	}
	add_field(f, S3MPU_LIT("key"), key);
	if (p->content_type.len)
		add_field(f, S3MPU_LIT("Content-Type"), p->content_type);
	for (i = 0; i < p->metadata_count; i++) {
		at = o->len;
		out_meta_name(o, p->metadata[i].name);
		add_field(f, out_since(o, at), p->metadata[i].value);
	}
	if (p->checksum_algorithm != S3MPU_CHECKSUM_NONE) {
		add_field(f, S3MPU_LIT("x-amz-checksum-algorithm"),
			checksum_algorithm_name(p->checksum_algorithm));
		add_field(f, checksum_field(p->checksum_algorithm), p->checksum);
	}
	for (i = 0; i < p->field_count; i++)
		add_field(f, p->fields[i].name, p->fields[i].value);
	add_field(f, S3MPU_LIT("x-amz-algorithm"), S3MPU_LIT("AWS4-HMAC-SHA256"));
	at = o->len;
	out_str(o, a->credential);
	add_field(f, S3MPU_LIT("x-amz-credential"), out_since(o, at));
	at = o->len;
	out_str(o, a->date);
	add_field(f, S3MPU_LIT("x-amz-date"), out_since(o, at));
	if (a->token.len)
		add_field(f, S3MPU_LIT("x-amz-security-token"), a->token);
}

/* The bucket's URL, addressed as s3mpu_build addresses it. */
static void out_bucket_url(s3mpu_out *o, const s3mpu_client *c, s3mpu_str bucket)
{
	out_cstr(o, c->https ? "https://" : "http://");
	if (use_path_style(c, bucket)) {
		out_bytes(o, c->host, c->host_len);
		out_char(o, '/');
		out_str(o, bucket);
	} else {
		out_str(o, bucket);
		out_char(o, '.');
		out_bytes(o, c->host, c->host_len);
		out_char(o, '/');
	}
}

/* See s3mpu.h. */
int s3mpu_post_build(s3mpu_client *client, const s3mpu_post_policy *policy,
	int64_t now, s3mpu_post_form *out, char *arena, size_t cap, size_t *need)
{
	const s3mpu_signer *s;
	char amz[S3MPU_AMZ_DATE_LEN], until[S3MPU_AMZ_DATE_LEN];
	char credential[S3MPU_ACCESS_KEY_MAX + S3MPU_REGION_MAX + S3MPU_SERVICE_MAX + 32];
	auth_fields a;
	s3mpu_str b64;
	s3mpu_out o;
	size_t b64_len;
	int err;

	if (need)
		*need = 0;
	if (!client || !policy || !out || (!arena && cap))
		return S3MPU_E_ARGUMENT;
	memset(out, 0, sizeof *out);
	client->detail[0] = 0;
	err = check_policy(client, policy);
	if (err)
		return err;
	if (s3mpu_time_format(now, amz) != S3MPU_OK || now > INT64_MAX - policy->expires ||
	    s3mpu_time_format(now + policy->expires, until) != S3MPU_OK)
		return client_fail(client, S3MPU_E_DATE, "the time is outside 1970..9999", no_value, NULL);
	iso_expiration(until, out->expiration);
	s = &client->signer;
	out_init(&o, credential, sizeof credential);
	out_bytes(&o, s->access_key, s->access_key_len);
	out_char(&o, '/');
	out_bytes(&o, amz, 8);
	out_char(&o, '/');
	out_bytes(&o, s->region, s->region_len);
	out_char(&o, '/');
	out_bytes(&o, s->service, s->service_len);
	out_cstr(&o, "/aws4_request");
	a.credential = (s3mpu_str){ credential, o.len };
	a.date = (s3mpu_str){ amz, sizeof amz };
	a.token = (s3mpu_str){ s->token, s->token_len };

	out_init(&o, arena, cap);
	policy_document(&o, policy, out->expiration, &a);
	out->policy = out_since(&o, 0);
	/* Its base64 is the "policy" field and the string to sign. */
	b64_len = (out->policy.len + 2) / 3 * 4;
	o.len += b64_len;
	{
		size_t at = o.len;
		out_bucket_url(&o, client, policy->bucket);
		out->url = out_since(&o, at);
	}
	form_fields(policy, &a, out, &o);
	if (!out_fits(&o)) {
		if (need)
			*need = o.len;
		memset(out, 0, sizeof *out);
		return client_fail(client, S3MPU_E_SPACE, "the form needs a larger buffer", no_value, NULL);
	}
	b64.ptr = arena + out->policy.len;
	b64.len = s3mpu_base64_encode(out->policy.ptr, out->policy.len, arena + out->policy.len);
	err = s3mpu_post_sign(&client->signer, now, b64, out->signature);
	if (err) {
		memset(out, 0, sizeof *out);
		return client_fail(client, err, "cannot sign the policy", no_value, NULL);
	}
	add_field(out, S3MPU_LIT("policy"), b64);
	add_field(out, S3MPU_LIT("x-amz-signature"), (s3mpu_str){ out->signature, sizeof out->signature });
	if (need)
		*need = o.len;
	return S3MPU_OK;
}

/* See s3mpu.h. */
int s3mpu_post_sign(s3mpu_signer *signer, int64_t now, s3mpu_str policy_base64,
	char signature[64])
{
	char amz[S3MPU_AMZ_DATE_LEN];
	unsigned char mac[S3MPU_SHA256_SIZE];
	int err;

	if (!signer || !signature || signer->access_key_len == 0 ||
	    (policy_base64.len && !policy_base64.ptr))
		return S3MPU_E_ARGUMENT;
	err = s3mpu_time_format(now, amz);
	if (err)
		return err;
	sigv4_day_hmac(signer, amz, policy_base64.ptr, policy_base64.len, mac);
	s3mpu_hex_encode(mac, sizeof mac, signature);
	s3mpu_wipe(mac, sizeof mac);
	return S3MPU_OK;
}
