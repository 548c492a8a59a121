/*
 * build.c -- signed requests for the multipart operations. See s3mpu.h.
 *
 * Each operation is validated in full before any byte is written, so a
 * request is either complete and signed or not made at all. What differs
 * between operations is in one table, op_rules: the build steps below
 * read it and never ask which operation they serve.
 */
#include "internal.h"

#include <stddef.h>

static const s3mpu_str no_value = { NULL, 0 };

/* Decimal text of v into d (DECIMAL_MAX bytes); returns it as a string. */
static s3mpu_str decimal(uint64_t v, char *d) { return (s3mpu_str){ d, decimal_format(v, d) }; }

/* ------------------------------------------------------------------ */
/* The operations                                                      */
/* ------------------------------------------------------------------ */

/* What an operation's request carries besides bucket, host and date. */
enum {
	F_KEY = 1u << 0,                /* key: required, the object's path */
	F_UPLOAD_ID = 1u << 1,          /* upload_id: required, ?uploadId= */
	F_PART_NUMBER = 1u << 2,        /* part_number: required, ?partNumber= */
	F_OBJECT_HEADERS = 1u << 3,     /* Content-Type (default binary/octet-stream),
	                                 * Cache-Control, Content-Disposition,
	                                 * Content-Encoding, Expires, storage class,
	                                 * x-amz-meta-* */
	F_CONTENT_MD5 = 1u << 4,        /* Content-MD5 when given */
	F_CHECKSUM_ALGORITHM = 1u << 5, /* x-amz-checksum-algorithm when one is set */
	F_PAGE_PARTS = 1u << 6,         /* ?max-parts= &part-number-marker= */
	F_PAGE_UPLOADS = 1u << 7        /* ?prefix= &key-marker= &upload-id-marker=
	                                 * &max-uploads= */
};

/* The request body. Every kind but BODY_NONE validates the op's digests. */
enum {
	BODY_NONE,  /* no body, no Content-Length */
	BODY_EMPTY, /* an empty body, Content-Length: 0 */
	BODY_PARTS, /* Complete's XML list of `parts`, with its SHA-256 and
	             * each part's checksum; Content-Type application/xml */
	BODY_CALLER /* the caller's `content_length` bytes (at most 5 GiB):
	             * payload_hash or UNSIGNED-PAYLOAD, the checksum header */
};

typedef struct {
	const char *method;
	const char *subresource; /* a query name without value ("uploads"), or NULL */
	unsigned fields;         /* F_* */
	int body;                /* BODY_* */
} op_rule;

static const op_rule op_rules[] = {
	[S3MPU_OP_CREATE_MULTIPART_UPLOAD] = { "POST", "uploads",
		F_KEY | F_OBJECT_HEADERS | F_CONTENT_MD5 | F_CHECKSUM_ALGORITHM, BODY_EMPTY },
	[S3MPU_OP_UPLOAD_PART] = { "PUT", NULL, F_KEY | F_UPLOAD_ID | F_PART_NUMBER | F_CONTENT_MD5,
		BODY_CALLER },
	[S3MPU_OP_COMPLETE_MULTIPART_UPLOAD] = { "POST", NULL, F_KEY | F_UPLOAD_ID, BODY_PARTS },
	[S3MPU_OP_ABORT_MULTIPART_UPLOAD] = { "DELETE", NULL, F_KEY | F_UPLOAD_ID, BODY_NONE },
	[S3MPU_OP_LIST_PARTS] = { "GET", NULL, F_KEY | F_UPLOAD_ID | F_PAGE_PARTS, BODY_NONE },
	[S3MPU_OP_LIST_MULTIPART_UPLOADS] = { "GET", "uploads", F_PAGE_UPLOADS, BODY_NONE },
	[S3MPU_OP_PUT_OBJECT] = { "PUT", NULL, F_KEY | F_OBJECT_HEADERS | F_CONTENT_MD5,
		BODY_CALLER },
	[S3MPU_OP_HEAD_OBJECT] = { "HEAD", NULL, F_KEY, BODY_NONE },
	[S3MPU_OP_DELETE_OBJECT] = { "DELETE", NULL, F_KEY, BODY_NONE },
};

/* The rule of operation `kind`, or NULL for an unknown one. */
static const op_rule *op_rule_of(int kind)
{
	if (kind < S3MPU_OP_CREATE_MULTIPART_UPLOAD ||
		kind >= (int)(sizeof op_rules / sizeof *op_rules))
		return NULL;
	return &op_rules[kind];
}

/* ------------------------------------------------------------------ */
/* Validation of the operation                                         */
/* ------------------------------------------------------------------ */

static int check_upload_id(client_state *c, s3mpu_str id)
{
	size_t i;
	if (id.len == 0 || id.len > S3MPU_UPLOAD_ID_MAX)
		return client_fail(c, S3MPU_E_UPLOAD_ID,
			"upload id is required (1-1024 characters)", no_value, NULL);
	for (i = 0; i < id.len; i++) {
		unsigned char ch = (unsigned char)id.ptr[i];
		if (ch <= 0x20 || ch >= 0x7f)
			return client_fail(c, S3MPU_E_UPLOAD_ID, "upload id ", id,
				" has a character that is not printable ASCII");
	}
	return S3MPU_OK;
}

static int check_base64_digest(client_state *c, s3mpu_str b64, size_t want, const char *what)
{
	unsigned char raw[S3MPU_SHA256_SIZE];
	size_t n = 0;
	if (s3mpu_base64_decode(b64.ptr, b64.len, raw, sizeof raw, &n) != S3MPU_OK || n != want)
		return client_fail(c, S3MPU_E_DIGEST, what, b64,
			" is not the base64 of a digest of the right size");
	return S3MPU_OK;
}

static int storage_class_allowed(const client_state *c, s3mpu_str sc)
{
	size_t i = 0;
	if (str_eq(sc, S3MPU_LIT("STANDARD")) || str_eq(sc, S3MPU_LIT("REDUCED_REDUNDANCY")))
		return 1;
	while (i < c->storage_classes_len) {
		size_t start, end;
		while (i < c->storage_classes_len &&
			(c->storage_classes[i] == ' ' || c->storage_classes[i] == ','))
			i++;
		start = i;
		while (i < c->storage_classes_len && c->storage_classes[i] != ',')
			i++;
		end = i;
		while (end > start && c->storage_classes[end - 1] == ' ')
			end--;
		if (end > start &&
			str_eq(sc, (s3mpu_str){ c->storage_classes + start, end - start }))
			return 1;
	}
	return 0;
}

static int printable_value(s3mpu_str v)
{
	size_t i;
	for (i = 0; i < v.len; i++) {
		unsigned char ch = (unsigned char)v.ptr[i];
		if ((ch < 0x20 && ch != '\t') || ch >= 0x7f)
			return 0;
	}
	return 1;
}

static int check_object_headers(client_state *c, const s3mpu_op *op)
{
	static const char *const names[] = { "Content-Type", "Cache-Control", "Content-Disposition",
		"Content-Encoding", "Expires" };
	const s3mpu_str values[] = { op->content_type, op->cache_control, op->content_disposition,
		op->content_encoding, op->expires };
	size_t i, total = 0;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (s3mpu_header_validate(s3mpu_str_from_cstr(names[i]), values[i]) != S3MPU_OK)
			return client_fail(c, S3MPU_E_HEADER, names[i], no_value,
				" has a control character (CR, LF or NUL) in its value");
	if (op->storage_class.len && !storage_class_allowed(c, op->storage_class))
		return client_fail(c, S3MPU_E_STORAGE_CLASS, "storage class ", op->storage_class,
			" is not allowed: use STANDARD or REDUCED_REDUNDANCY, or allow it in the "
			"client's config");
	if (op->metadata_count && !op->metadata)
		return client_fail(
			c, S3MPU_E_ARGUMENT, "metadata_count without metadata", no_value, NULL);
	if (op->metadata_count > S3MPU_HEADERS_MAX - 16)
		return client_fail(
			c, S3MPU_E_METADATA, "too many metadata entries", no_value, NULL);
	for (i = 0; i < op->metadata_count; i++) {
		const s3mpu_kv *m = &op->metadata[i];
		if (m->name.len == 0 || s3mpu_header_validate(m->name, S3MPU_LIT("")) != S3MPU_OK)
			return client_fail(c, S3MPU_E_METADATA, "metadata name ", m->name,
				" must be a non-empty HTTP token (letters, digits, "
				"!#$%&'*+-.^_`|~)");
		if (!printable_value(m->value))
			return client_fail(c, S3MPU_E_METADATA, "metadata value of ", m->name,
				" must be printable ASCII (encode other text, e.g. RFC 2047 or "
				"percent-encoding)");
		total += m->name.len + m->value.len;
	}
	if (total > S3MPU_METADATA_MAX)
		return client_fail(c, S3MPU_E_METADATA,
			"user metadata is over 2 KB (names and values together)", no_value, NULL);
	return S3MPU_OK;
}

static int check_body_integrity(client_state *c, const s3mpu_op *op, const op_rule *rule)
{
	int err;
	if (op->content_md5.len) {
		err = check_base64_digest(c, op->content_md5, S3MPU_MD5_SIZE, "Content-MD5 ");
		if (err)
			return err;
	}
	if (op->checksum_algorithm < S3MPU_CHECKSUM_NONE ||
		op->checksum_algorithm > S3MPU_CHECKSUM_SHA256)
		return client_fail(
			c, S3MPU_E_ARGUMENT, "unknown checksum algorithm", no_value, NULL);
	if (op->checksum_algorithm != S3MPU_CHECKSUM_NONE && rule->body == BODY_CALLER) {
		err = check_base64_digest(c, op->checksum,
			checksum_kind_of(op->checksum_algorithm)->size, "checksum ");
		if (err)
			return err;
	}
	if (op->payload_hash.len) {
		size_t i;
		int ok = op->payload_hash.len == 64;
		for (i = 0; ok && i < 64; i++) {
			char ch = op->payload_hash.ptr[i];
			ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
		}
		if (!ok)
			return client_fail(c, S3MPU_E_DIGEST, "payload hash ", op->payload_hash,
				" must be 64 lower-case hex digits");
	}
	return S3MPU_OK;
}

static int check_parts(client_state *c, const s3mpu_op *op)
{
	size_t i;
	if (op->part_count == 0 || !op->parts)
		return client_fail(
			c, S3MPU_E_PART_NUMBER, "Complete needs at least one part", no_value, NULL);
	if (op->part_count > S3MPU_PART_NUMBER_MAX)
		return client_fail(
			c, S3MPU_E_PART_NUMBER, "more than 10,000 parts", no_value, NULL);
	for (i = 0; i < op->part_count; i++) {
		const s3mpu_part *p = &op->parts[i];
		if (s3mpu_part_number_validate(p->number) != S3MPU_OK)
			return client_fail(c, S3MPU_E_PART_NUMBER,
				"a part number is outside 1..10000", no_value, NULL);
		if (i > 0 && p->number <= op->parts[i - 1].number)
			return client_fail(c, S3MPU_E_PART_ORDER,
				"parts must be listed once each, in ascending part number",
				no_value, NULL);
		if (p->etag_len == 0 || p->etag_len > S3MPU_ETAG_MAX ||
			!printable_value((s3mpu_str){ p->etag, p->etag_len }))
			return client_fail(c, S3MPU_E_ETAG,
				"every part needs its ETag (printable, at most 128 bytes)",
				no_value, NULL);
		if (op->checksum_algorithm != S3MPU_CHECKSUM_NONE &&
			(p->checksum_len == 0 || p->checksum_len > sizeof p->checksum ||
				check_base64_digest(c, (s3mpu_str){ p->checksum, p->checksum_len },
					checksum_kind_of(op->checksum_algorithm)->size,
					"part checksum ") != S3MPU_OK))
			return client_fail(c, S3MPU_E_DIGEST,
				"with a checksum algorithm every part needs its base64 checksum",
				no_value, NULL);
	}
	return S3MPU_OK;
}

/* What names the target: bucket, key, upload and part. */
static int check_target(client_state *c, const s3mpu_op *op, const op_rule *rule)
{
	if (s3mpu_bucket_validate(op->bucket) != S3MPU_OK)
		return client_fail(c, S3MPU_E_BUCKET, "bucket name ", op->bucket,
			" must be 3-63 characters of a-z, 0-9, '.' and '-', starting and "
			"ending with a letter or digit");
	if ((rule->fields & F_KEY) && s3mpu_key_validate(op->key) != S3MPU_OK)
		return client_fail(c, S3MPU_E_KEY,
			op->key.len ? "object key " : "object key is empty",
			op->key.len ? op->key : no_value,
			op->key.len ? " must be at most 1024 bytes of valid UTF-8 without NUL"
				    : NULL);
	if (rule->fields & F_UPLOAD_ID) {
		int err = check_upload_id(c, op->upload_id);
		if (err)
			return err;
	}
	if ((rule->fields & F_PART_NUMBER) &&
		s3mpu_part_number_validate(op->part_number) != S3MPU_OK)
		return client_fail(c, S3MPU_E_PART_NUMBER,
			"part number must be between 1 and 10000", no_value, NULL);
	return S3MPU_OK;
}

/* The paging parameters of the two lists. */
static int check_paging(client_state *c, const s3mpu_op *op, const op_rule *rule)
{
	if (rule->fields & F_PAGE_PARTS) {
		if (op->max_parts > 1000)
			return client_fail(
				c, S3MPU_E_ARGUMENT, "max_parts is at most 1000", no_value, NULL);
		if (op->part_number_marker > S3MPU_PART_NUMBER_MAX)
			return client_fail(c, S3MPU_E_PART_NUMBER,
				"part_number_marker is at most 10000", no_value, NULL);
	}
	if (rule->fields & F_PAGE_UPLOADS) {
		if (op->max_uploads > 1000)
			return client_fail(
				c, S3MPU_E_ARGUMENT, "max_uploads is at most 1000", no_value, NULL);
		if ((op->prefix.len && s3mpu_key_validate(op->prefix) != S3MPU_OK) ||
			(op->key_marker.len && s3mpu_key_validate(op->key_marker) != S3MPU_OK))
			return client_fail(c, S3MPU_E_KEY,
				"prefix and key marker must be valid UTF-8 of at most 1024 bytes",
				no_value, NULL);
		if (op->upload_id_marker.len)
			return check_upload_id(c, op->upload_id_marker);
	}
	return S3MPU_OK;
}

/* Every field `rule` reads, in a fixed order (the first error is reported). */
static int check_op(client_state *c, const s3mpu_op *op, const op_rule *rule)
{
	int err;

	if ((err = check_target(c, op, rule)) != S3MPU_OK)
		return err;
	if (rule->body == BODY_CALLER && op->content_length > S3MPU_PART_SIZE_MAX)
		return client_fail(c, S3MPU_E_PART_SIZE, "a part or single PUT is at most 5 GiB",
			no_value, NULL);
	if ((rule->fields & F_OBJECT_HEADERS) && (err = check_object_headers(c, op)) != S3MPU_OK)
		return err;
	if (rule->body != BODY_NONE && (err = check_body_integrity(c, op, rule)) != S3MPU_OK)
		return err;
	if (rule->body == BODY_PARTS && (err = check_parts(c, op)) != S3MPU_OK)
		return err;
	if ((err = check_paging(c, op, rule)) != S3MPU_OK)
		return err;
	if (op->presign_expires > S3MPU_EXPIRES_MAX)
		return client_fail(c, S3MPU_E_EXPIRES,
			"a presigned URL lives 1 to 604800 seconds (7 days)", no_value, NULL);
	return S3MPU_OK;
}

/* See internal.h. */
int build_check_op(client_state *c, const s3mpu_op *op)
{
	const op_rule *rule = op_rule_of(op->op);
	if (!rule)
		return client_fail(c, S3MPU_E_ARGUMENT, "unknown operation", no_value, NULL);
	return check_op(c, op, rule);
}

/* ------------------------------------------------------------------ */
/* Assembly                                                            */
/* ------------------------------------------------------------------ */

/* An IP address or "localhost" (with or without a port): hosts that take
 * no bucket sub-domain ("bucket.localhost" resolves nowhere on most
 * systems; minio and the AWS CLI use path style for it too). */
static int is_local_or_ip(s3mpu_str host)
{
	size_t i, name_len;
	if (host.len && host.ptr[0] == '[')
		return 1;
	for (name_len = 0; name_len < host.len && host.ptr[name_len] != ':'; name_len++)
		;
	/* The client lower-cases the host. */
	if (str_eq((s3mpu_str){ host.ptr, name_len }, S3MPU_LIT("localhost")))
		return 1;
	for (i = 0; i < name_len; i++)
		if (!((host.ptr[i] >= '0' && host.ptr[i] <= '9') || host.ptr[i] == '.'))
			return 0;
	return 1;
}

/* Path style when asked for, and where a bucket sub-domain cannot work: an
 * IP address or localhost, or a dotted bucket over TLS (the wildcard
 * certificate does not cover it), as the AWS SDKs do. */
int use_path_style(const client_state *c, s3mpu_str bucket)
{
	return c->path_style || is_local_or_ip((s3mpu_str){ c->host, c->host_len }) ||
		(c->https && memchr(bucket.ptr, '.', bucket.len) != NULL);
}

static void buf_xml_escaped(s3mpu_buf *o, const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': buf_cstr(o, "&amp;"); break;
		case '<': buf_cstr(o, "&lt;"); break;
		case '>': buf_cstr(o, "&gt;"); break;
		case '"': buf_cstr(o, "&quot;"); break;
		case '\'': buf_cstr(o, "&apos;"); break;
		default: buf_char(o, s[i]);
		}
	}
}

/* <Tag>escaped value</Tag> */
static void buf_xml_element(s3mpu_buf *o, s3mpu_str tag, const char *s, size_t len)
{
	buf_char(o, '<');
	buf_str(o, tag);
	buf_char(o, '>');
	buf_xml_escaped(o, s, len);
	buf_cstr(o, "</");
	buf_str(o, tag);
	buf_char(o, '>');
}

static void buf_complete_body(s3mpu_buf *o, const s3mpu_op *op)
{
	const checksum_kind *sum = checksum_kind_of(op->checksum_algorithm);
	char num[DECIMAL_MAX];
	size_t i;

	buf_cstr(o, "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
	for (i = 0; i < op->part_count; i++) {
		const s3mpu_part *p = &op->parts[i];
		buf_cstr(o, "<Part>");
		buf_xml_element(o, S3MPU_LIT("PartNumber"), num, decimal_format(p->number, num));
		buf_xml_element(o, S3MPU_LIT("ETag"), p->etag, p->etag_len);
		if (sum)
			buf_xml_element(o, sum->element, p->checksum, p->checksum_len);
		buf_cstr(o, "</Part>");
	}
	buf_cstr(o, "</CompleteMultipartUpload>");
}

typedef struct {
	s3mpu_kv items[S3MPU_HEADERS_MAX];
	size_t count;
} kv_list;

static void kv_add(kv_list *l, s3mpu_str name, s3mpu_str value)
{
	if (l->count < S3MPU_HEADERS_MAX) {
		l->items[l->count].name = name;
		l->items[l->count].value = value;
		l->count++;
	}
}

static void kv_add_if(kv_list *l, const char *name, s3mpu_str value)
{
	if (value.len)
		kv_add(l, s3mpu_str_from_cstr(name), value);
}

/* One request being built: the arena `o` holds every string made here. */
typedef struct {
	client_state *client;
	const s3mpu_op *op;
	const op_rule *rule;
	int presign;
	s3mpu_buf o;
	s3mpu_str body, payload, host, path;
	kv_list query, headers;       /* signed */
	char numbers[2][DECIMAL_MAX]; /* of the query */
} builder;

/* The body (Complete's parts) and the payload hash the signature covers. */
static void build_body(builder *b)
{
	s3mpu_buf *o = &b->o;

	b->payload = S3MPU_LIT(S3MPU_EMPTY_SHA256);
	if (b->rule->body == BODY_CALLER) {
		b->payload = b->op->payload_hash.len ? b->op->payload_hash
						     : S3MPU_LIT(S3MPU_UNSIGNED_PAYLOAD);
	} else if (b->rule->body == BODY_PARTS) {
		size_t at;
		buf_complete_body(o, b->op);
		b->body = buf_since(o, 0);
		/* The hash goes to the arena too: it is sent as a header. */
		at = o->len;
		o->len += 2 * S3MPU_SHA256_SIZE;
		if (buf_fits(o)) {
			s3mpu_sha256 sha;
			unsigned char d[S3MPU_SHA256_SIZE];
			s3mpu_sha256_init(&sha);
			s3mpu_sha256_update(&sha, b->body.ptr, b->body.len);
			s3mpu_sha256_digest(&sha, d);
			s3mpu_hex_encode(d, sizeof d, o->p + at);
			b->payload = (s3mpu_str){ o->p + at, 2 * S3MPU_SHA256_SIZE };
		}
	}
	if (b->presign)
		b->payload = S3MPU_LIT(S3MPU_UNSIGNED_PAYLOAD);
}

/* Host and path: bucket.host/key, or host/bucket/key in path style. */
static void build_target(builder *b)
{
	int path_style = use_path_style(b->client, b->op->bucket), key = b->rule->fields & F_KEY;
	s3mpu_buf *o = &b->o;
	size_t at = o->len;

	if (!path_style) {
		buf_str(o, b->op->bucket);
		buf_char(o, '.');
	}
	buf_bytes(o, b->client->host, b->client->host_len);
	b->host = buf_since(o, at);
	at = o->len;
	buf_char(o, '/');
	if (path_style) {
		buf_str(o, b->op->bucket);
		if (key)
			buf_char(o, '/');
	}
	if (key)
		buf_str(o, b->op->key);
	b->path = buf_since(o, at);
}

static void build_query(builder *b)
{
	const s3mpu_op *op = b->op;
	unsigned fields = b->rule->fields;
	kv_list *q = &b->query;

	if (b->rule->subresource)
		kv_add(q, s3mpu_str_from_cstr(b->rule->subresource), S3MPU_LIT(""));
	if (fields & F_PART_NUMBER)
		kv_add(q, S3MPU_LIT("partNumber"), decimal(op->part_number, b->numbers[0]));
	if (fields & F_UPLOAD_ID)
		kv_add(q, S3MPU_LIT("uploadId"), op->upload_id);
	if ((fields & F_PAGE_PARTS) && op->max_parts)
		kv_add(q, S3MPU_LIT("max-parts"), decimal(op->max_parts, b->numbers[0]));
	if ((fields & F_PAGE_PARTS) && op->part_number_marker)
		kv_add(q, S3MPU_LIT("part-number-marker"),
			decimal(op->part_number_marker, b->numbers[1]));
	if (fields & F_PAGE_UPLOADS) {
		kv_add_if(q, "prefix", op->prefix);
		kv_add_if(q, "key-marker", op->key_marker);
		kv_add_if(q, "upload-id-marker", op->upload_id_marker);
		if (op->max_uploads)
			kv_add(q, S3MPU_LIT("max-uploads"),
				decimal(op->max_uploads, b->numbers[0]));
	}
}

/* Content-Type & co. */
static void build_object_headers(builder *b)
{
	const s3mpu_op *op = b->op;
	kv_list *h = &b->headers;

	kv_add(h, S3MPU_LIT("content-type"),
		op->content_type.len ? op->content_type : S3MPU_LIT("binary/octet-stream"));
	kv_add_if(h, "cache-control", op->cache_control);
	kv_add_if(h, "content-disposition", op->content_disposition);
	kv_add_if(h, "content-encoding", op->content_encoding);
	kv_add_if(h, "expires", op->expires);
	kv_add_if(h, "x-amz-storage-class", op->storage_class);
}

/* "x-amz-meta-" + each lower-cased name, written to the arena. */
static void build_metadata(builder *b)
{
	const s3mpu_op *op = b->op;
	size_t i, k;

	for (i = 0; i < op->metadata_count; i++) {
		size_t at = b->o.len;
		buf_cstr(&b->o, "x-amz-meta-");
		for (k = 0; k < op->metadata[i].name.len; k++)
			buf_char(&b->o, ascii_lower(op->metadata[i].name.ptr[k]));
		kv_add(&b->headers, buf_since(&b->o, at), op->metadata[i].value);
	}
}

/* The headers to sign, in the order they are sent. */
static void build_headers(builder *b)
{
	const checksum_kind *sum = checksum_kind_of(b->op->checksum_algorithm);
	const s3mpu_op *op = b->op;
	kv_list *h = &b->headers;

	kv_add(h, S3MPU_LIT("host"), b->host);
	if (b->rule->fields & F_OBJECT_HEADERS)
		build_object_headers(b);
	if (b->rule->body == BODY_PARTS)
		kv_add(h, S3MPU_LIT("content-type"), S3MPU_LIT("application/xml"));
	if (b->rule->fields & F_CONTENT_MD5)
		kv_add_if(h, "content-md5", op->content_md5);
	if (sum && (b->rule->fields & F_CHECKSUM_ALGORITHM))
		kv_add(h, S3MPU_LIT("x-amz-checksum-algorithm"), sum->name);
	else if (sum && b->rule->body == BODY_CALLER)
		kv_add(h, sum->header, op->checksum);
	if (b->rule->fields & F_OBJECT_HEADERS)
		build_metadata(b);
}

/* More room than building `op` can take, given `prefix` bytes for the
 * body, host, path and metadata names: everything else is the op's strings,
 * at most tripled by URI encoding, written at most four times (canonical
 * request, signed-headers list, presigned query, URL). */
static size_t request_bound(client_state *c, const s3mpu_op *op, size_t prefix)
{
	const signer_state *s = signer_of(&c->signer);
	size_t n = prefix + c->host_len + s->token_len + s->access_key_len;
	size_t i;
	n += op->bucket.len + op->key.len + op->upload_id.len + op->payload_hash.len;
	n += op->content_md5.len + op->checksum.len + op->content_type.len;
	n += op->cache_control.len + op->content_disposition.len + op->content_encoding.len;
	n += op->expires.len + op->storage_class.len + op->prefix.len + op->key_marker.len;
	n += op->upload_id_marker.len;
	for (i = 0; i < op->metadata_count; i++)
		n += 16 + op->metadata[i].name.len + op->metadata[i].value.len;
	return prefix + 12 * n + 2048;
}

/* S3MPU_E_SPACE with `*need` = `size`, leaving `req` empty. */
static int no_space(builder *b, s3mpu_request *req, size_t *need, size_t size)
{
	if (need)
		*need = size;
	memset(req, 0, sizeof *req);
	return client_fail(
		b->client, S3MPU_E_SPACE, "the request needs a larger buffer", no_value, NULL);
}

/* Sign into the rest of the arena: req->signature. */
static int build_signature(builder *b, int64_t now, s3mpu_request *req, size_t *need)
{
	s3mpu_http http;
	size_t sign_need = 0;
	int err;

	memset(&http, 0, sizeof http);
	http.method = s3mpu_str_from_cstr(b->rule->method);
	http.path = b->path;
	http.query = b->query.items;
	http.query_count = b->query.count;
	http.headers = b->headers.items;
	http.header_count = b->headers.count;
	http.payload_hash = b->payload;
	err = s3mpu_sigv4_sign(&b->client->signer, &http, now, b->op->presign_expires,
		b->presign ? 0 : S3MPU_SIGV4_CONTENT_SHA256, &req->signature, b->o.p + b->o.len,
		b->o.cap - b->o.len, &sign_need);
	if (err == S3MPU_E_SPACE)
		/* Content-Length and the URL take at most the signing buffer's
		 * size again plus the scheme, host and path. */
		return no_space(b, req, need, 2 * (b->o.len + sign_need) + 3 * b->path.len + 64);
	if (err)
		return client_fail(b->client, err, "cannot sign the request: ", no_value,
			s3mpu_error_message(err));
	b->o.len += sign_need;
	req->method = http.method;
	return S3MPU_OK;
}

/* URL: scheme, host, encoded path, query. The path is encoded as the
 * canonical request has it (S3 encodes it once): copy it from there. */
static void build_url(builder *b, const s3mpu_request *req)
{
	s3mpu_str cr = req->signature.canonical_request;
	const char *start = cr.ptr + req->method.len + 1;
	const char *end = memchr(start, '\n', cr.len - req->method.len - 1);
	s3mpu_buf *o = &b->o;

	buf_cstr(o, b->client->https ? "https://" : "http://");
	buf_str(o, b->host);
	if (end)
		buf_bytes(o, start, (size_t)(end - start));
	else
		buf_uri(o, b->path, 1);
	if (req->signature.query.len) {
		buf_char(o, '?');
		buf_str(o, req->signature.query);
	}
}

static void header_add(s3mpu_request *req, s3mpu_str name, s3mpu_str value)
{
	req->headers[req->header_count].name = name;
	req->headers[req->header_count].value = value;
	req->header_count++;
}

/* Every header to send: the signed ones, the signature's, Content-Length. */
static void build_sent_headers(builder *b, s3mpu_request *req, s3mpu_str length)
{
	const signer_state *s = signer_of(&b->client->signer);
	size_t i;

	for (i = 0; i < b->headers.count; i++)
		header_add(req, b->headers.items[i].name, b->headers.items[i].value);
	if (!b->presign) {
		header_add(req, S3MPU_LIT("x-amz-date"),
			(s3mpu_str){ req->signature.amz_date, S3MPU_AMZ_DATE_LEN });
		header_add(req, S3MPU_LIT("x-amz-content-sha256"), b->payload);
		if (s->token_len)
			header_add(req, S3MPU_LIT("x-amz-security-token"),
				(s3mpu_str){ s->token, s->token_len });
		header_add(req, S3MPU_LIT("authorization"), req->signature.authorization);
	}
	if (length.len)
		header_add(req, S3MPU_LIT("content-length"), length);
}

/* see s3mpu.h */
int s3mpu_request_build(s3mpu_client *client, const s3mpu_op *op, int64_t now, s3mpu_request *req,
	char *arena, size_t cap, size_t *need)
{
	builder b;
	size_t at;
	s3mpu_str length;
	int err;

	if (need)
		*need = 0;
	if (!client || !op || !req || (!arena && cap))
		return S3MPU_E_ARGUMENT;
	memset(req, 0, sizeof *req);
	memset(&b, 0, offsetof(builder, query)); /* the lists are written before they are read */
	b.query.count = b.headers.count = 0;
	b.client = client_of(client);
	b.client->detail[0] = 0;
	b.op = op;
	if ((b.rule = op_rule_of(op->op)) == NULL)
		return client_fail(b.client, S3MPU_E_ARGUMENT, "unknown operation", no_value, NULL);
	if ((err = check_op(b.client, op, b.rule)) != S3MPU_OK)
		return err;
	b.presign = op->presign_expires != 0;
	buf_init(&b.o, arena, cap);

	build_body(&b);
	build_target(&b);
	build_query(&b);
	build_headers(&b);
	/* Without the strings above in the arena there is nothing to sign:
	 * answer with a size that surely does, and the next call with it
	 * learns the exact one. */
	if (!buf_fits(&b.o))
		return no_space(&b, req, need, request_bound(b.client, op, b.o.len));
	if ((err = build_signature(&b, now, req, need)) != S3MPU_OK)
		return err;

	/* Content-Length, unsigned: a runtime may set it itself. */
	at = b.o.len;
	if (b.rule->body == BODY_CALLER)
		buf_decimal(&b.o, op->content_length);
	else if (b.rule->body != BODY_NONE)
		buf_decimal(&b.o, b.body.len);
	length = buf_since(&b.o, at);
	at = b.o.len;
	build_url(&b, req);
	if (!buf_fits(&b.o))
		return no_space(&b, req, need, b.o.len);
	req->url = buf_since(&b.o, at);
	req->body = b.body;
	build_sent_headers(&b, req, length);
	if (need)
		*need = b.o.len;
	return S3MPU_OK;
}
