/*
 * build.c -- signed requests for the multipart operations. See s3mpu.h.
 *
 * Each operation is validated in full before any byte is written, so a
 * request is either complete and signed or not made at all.
 */
#include "internal.h"

#define QUERY_MAX 6
#define NUMBER_MAX 21

static const s3mpu_str no_value = { NULL, 0 };

/* Decimal text of v into d (NUMBER_MAX bytes); returns it as a string. */
static s3mpu_str decimal(uint64_t v, char *d)
{
	char tmp[NUMBER_MAX];
	size_t n = 0, i;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		d[i] = tmp[n - 1 - i];
	return (s3mpu_str){ d, n };
}

/* ------------------------------------------------------------------ */
/* Validation of the operation                                         */
/* ------------------------------------------------------------------ */

static int check_upload_id(s3mpu_client *c, s3mpu_str id)
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

static int check_base64_digest(s3mpu_client *c, s3mpu_str b64, size_t want, const char *what)
{
	unsigned char raw[S3MPU_SHA256_SIZE];
	size_t n = 0;
	if (s3mpu_base64_decode(b64.ptr, b64.len, raw, sizeof raw, &n) != S3MPU_OK || n != want)
		return client_fail(c, S3MPU_E_DIGEST, what, b64, " is not the base64 of a digest of the right size");
	return S3MPU_OK;
}

static size_t checksum_size(int algorithm)
{
	return algorithm == S3MPU_CHECKSUM_SHA256 ? S3MPU_SHA256_SIZE : 4;
}

static s3mpu_str checksum_header(int algorithm)
{
	switch (algorithm) {
	case S3MPU_CHECKSUM_CRC32: return S3MPU_LIT("x-amz-checksum-crc32");
	case S3MPU_CHECKSUM_CRC32C: return S3MPU_LIT("x-amz-checksum-crc32c");
	default: return S3MPU_LIT("x-amz-checksum-sha256");
	}
}

static s3mpu_str checksum_name(int algorithm)
{
	switch (algorithm) {
	case S3MPU_CHECKSUM_CRC32: return S3MPU_LIT("CRC32");
	case S3MPU_CHECKSUM_CRC32C: return S3MPU_LIT("CRC32C");
	default: return S3MPU_LIT("SHA256");
	}
}

static int storage_class_allowed(const s3mpu_client *c, s3mpu_str sc)
{
	size_t i = 0;
	if (str_eq(sc, S3MPU_LIT("STANDARD")) || str_eq(sc, S3MPU_LIT("REDUCED_REDUNDANCY")))
		return 1;
	while (i < c->storage_classes_len) {
		size_t start, end;
		while (i < c->storage_classes_len && (c->storage_classes[i] == ' ' || c->storage_classes[i] == ','))
			i++;
		start = i;
		while (i < c->storage_classes_len && c->storage_classes[i] != ',')
			i++;
		end = i;
		while (end > start && c->storage_classes[end - 1] == ' ')
			end--;
		if (end > start && str_eq(sc, (s3mpu_str){ c->storage_classes + start, end - start }))
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

static int check_object_headers(s3mpu_client *c, const s3mpu_op *op)
{
	static const char *const names[] = {
		"Content-Type", "Cache-Control", "Content-Disposition", "Content-Encoding", "Expires"
	};
	const s3mpu_str values[] = {
		op->content_type, op->cache_control, op->content_disposition,
		op->content_encoding, op->expires
	};
	size_t i, total = 0;

	for (i = 0; i < sizeof names / sizeof *names; i++)
		if (s3mpu_check_header(s3mpu_cstr(names[i]), values[i]) != S3MPU_OK)
			return client_fail(c, S3MPU_E_HEADER, names[i],
				no_value, " has a control character (CR, LF or NUL) in its value");
	if (op->storage_class.len && !storage_class_allowed(c, op->storage_class))
		return client_fail(c, S3MPU_E_STORAGE_CLASS, "storage class ", op->storage_class,
			" is not allowed: use STANDARD or REDUCED_REDUNDANCY, or allow it in the client's config");
	if (op->metadata_count && !op->metadata)
		return client_fail(c, S3MPU_E_ARGUMENT, "metadata_count without metadata", no_value, NULL);
	if (op->metadata_count > S3MPU_HEADERS_MAX - 16)
		return client_fail(c, S3MPU_E_METADATA, "too many metadata entries", no_value, NULL);
	for (i = 0; i < op->metadata_count; i++) {
		const s3mpu_kv *m = &op->metadata[i];
		if (m->name.len == 0 || s3mpu_check_header(m->name, S3MPU_LIT("")) != S3MPU_OK)
			return client_fail(c, S3MPU_E_METADATA, "metadata name ", m->name,
				" must be a non-empty HTTP token (letters, digits, !#$%&'*+-.^_`|~)");
		if (!printable_value(m->value))
			return client_fail(c, S3MPU_E_METADATA, "metadata value of ", m->name,
				" must be printable ASCII (encode other text, e.g. RFC 2047 or percent-encoding)");
		total += m->name.len + m->value.len;
	}
	if (total > S3MPU_METADATA_MAX)
		return client_fail(c, S3MPU_E_METADATA,
			"user metadata is over 2 KB (names and values together)", no_value, NULL);
	return S3MPU_OK;
}

static int check_body_integrity(s3mpu_client *c, const s3mpu_op *op)
{
	int err;
	if (op->content_md5.len) {
		err = check_base64_digest(c, op->content_md5, S3MPU_MD5_SIZE, "Content-MD5 ");
		if (err)
			return err;
	}
	if (op->checksum_algorithm < S3MPU_CHECKSUM_NONE || op->checksum_algorithm > S3MPU_CHECKSUM_SHA256)
		return client_fail(c, S3MPU_E_ARGUMENT, "unknown checksum algorithm", no_value, NULL);
	if (op->checksum_algorithm != S3MPU_CHECKSUM_NONE &&
	    (op->op == S3MPU_OP_UPLOAD_PART || op->op == S3MPU_OP_PUT_OBJECT)) {
		err = check_base64_digest(c, op->checksum, checksum_size(op->checksum_algorithm), "checksum ");
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

static int check_parts(s3mpu_client *c, const s3mpu_op *op)
{
	size_t i;
	if (op->part_count == 0 || !op->parts)
		return client_fail(c, S3MPU_E_PART_NUMBER,
			"Complete needs at least one part", no_value, NULL);
	if (op->part_count > S3MPU_PART_NUMBER_MAX)
		return client_fail(c, S3MPU_E_PART_NUMBER, "more than 10,000 parts", no_value, NULL);
	for (i = 0; i < op->part_count; i++) {
		const s3mpu_part *p = &op->parts[i];
		if (s3mpu_check_part_number(p->number) != S3MPU_OK)
			return client_fail(c, S3MPU_E_PART_NUMBER,
				"a part number is outside 1..10000", no_value, NULL);
		if (i > 0 && p->number <= op->parts[i - 1].number)
			return client_fail(c, S3MPU_E_PART_ORDER,
				"parts must be listed once each, in ascending part number", no_value, NULL);
		if (p->etag_len == 0 || p->etag_len > S3MPU_ETAG_MAX || !printable_value((s3mpu_str){ p->etag, p->etag_len }))
			return client_fail(c, S3MPU_E_ETAG,
				"every part needs its ETag (printable, at most 128 bytes)", no_value, NULL);
		if (op->checksum_algorithm != S3MPU_CHECKSUM_NONE &&
		    (p->checksum_len == 0 || p->checksum_len > sizeof p->checksum ||
		     check_base64_digest(c, (s3mpu_str){ p->checksum, p->checksum_len },
			checksum_size(op->checksum_algorithm), "part checksum ") != S3MPU_OK))
			return client_fail(c, S3MPU_E_DIGEST,
				"with a checksum algorithm every part needs its base64 checksum", no_value, NULL);
	}
	return S3MPU_OK;
}

static int check_op(s3mpu_client *c, const s3mpu_op *op)
{
	int err, kind = op->op;

	if (kind < S3MPU_OP_CREATE || kind > S3MPU_OP_HEAD_OBJECT)
		return client_fail(c, S3MPU_E_ARGUMENT, "unknown operation", no_value, NULL);
	if (s3mpu_check_bucket(op->bucket) != S3MPU_OK)
		return client_fail(c, S3MPU_E_BUCKET, "bucket name ", op->bucket,
			" must be 3-63 characters of a-z, 0-9, '.' and '-', starting and ending "
			"with a letter or digit");
	if (kind != S3MPU_OP_LIST_UPLOADS && s3mpu_check_key(op->key) != S3MPU_OK)
		return client_fail(c, S3MPU_E_KEY, op->key.len ? "object key " : "object key is empty",
			op->key.len ? op->key : no_value,
			op->key.len ? " must be at most 1024 bytes of valid UTF-8 without NUL" : NULL);
	if (kind == S3MPU_OP_UPLOAD_PART || kind == S3MPU_OP_COMPLETE ||
	    kind == S3MPU_OP_ABORT || kind == S3MPU_OP_LIST_PARTS) {
		err = check_upload_id(c, op->upload_id);
		if (err)
			return err;
	}
	if (kind == S3MPU_OP_UPLOAD_PART && s3mpu_check_part_number(op->part_number) != S3MPU_OK)
		return client_fail(c, S3MPU_E_PART_NUMBER,
			"part number must be between 1 and 10000", no_value, NULL);
	if ((kind == S3MPU_OP_UPLOAD_PART || kind == S3MPU_OP_PUT_OBJECT) &&
	    op->content_length > S3MPU_PART_SIZE_MAX)
		return client_fail(c, S3MPU_E_PART_SIZE,
			"a part or single PUT is at most 5 GiB", no_value, NULL);
	if (kind == S3MPU_OP_CREATE || kind == S3MPU_OP_PUT_OBJECT) {
		err = check_object_headers(c, op);
		if (err)
			return err;
	}
	if (kind == S3MPU_OP_CREATE || kind == S3MPU_OP_UPLOAD_PART || kind == S3MPU_OP_PUT_OBJECT ||
	    kind == S3MPU_OP_COMPLETE) {
		err = check_body_integrity(c, op);
		if (err)
			return err;
	}
	if (kind == S3MPU_OP_COMPLETE) {
		err = check_parts(c, op);
		if (err)
			return err;
	}
	if (kind == S3MPU_OP_LIST_PARTS && op->max_parts > 1000)
		return client_fail(c, S3MPU_E_ARGUMENT, "max_parts is at most 1000", no_value, NULL);
	if (kind == S3MPU_OP_LIST_PARTS && op->part_number_marker > S3MPU_PART_NUMBER_MAX)
		return client_fail(c, S3MPU_E_PART_NUMBER, "part_number_marker is at most 10000", no_value, NULL);
	if (kind == S3MPU_OP_LIST_UPLOADS) {
		if (op->max_uploads > 1000)
			return client_fail(c, S3MPU_E_ARGUMENT, "max_uploads is at most 1000", no_value, NULL);
		if ((op->prefix.len && s3mpu_check_key(op->prefix) != S3MPU_OK) ||
		    (op->key_marker.len && s3mpu_check_key(op->key_marker) != S3MPU_OK))
			return client_fail(c, S3MPU_E_KEY,
				"prefix and key marker must be valid UTF-8 of at most 1024 bytes", no_value, NULL);
		if (op->upload_id_marker.len) {
			err = check_upload_id(c, op->upload_id_marker);
			if (err)
				return err;
		}
	}
	if (op->presign_expires > S3MPU_EXPIRES_MAX)
		return client_fail(c, S3MPU_E_EXPIRES,
			"a presigned URL lives 1 to 604800 seconds (7 days)", no_value, NULL);
	return S3MPU_OK;
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
	if (str_eq((s3mpu_str){ host.ptr, name_len }, S3MPU_LIT("localhost"))) /* host is lower-cased */
		return 1;
	for (i = 0; i < name_len; i++)
		if (!((host.ptr[i] >= '0' && host.ptr[i] <= '9') || host.ptr[i] == '.'))
			return 0;
	return 1;
}

/* Path style when asked for, and where a bucket sub-domain cannot work: an
 * IP address or localhost, or a dotted bucket over TLS (the wildcard
 * certificate does not cover it), as the AWS SDKs do. */
static int use_path_style(const s3mpu_client *c, s3mpu_str bucket)
{
	return c->path_style || is_local_or_ip((s3mpu_str){ c->host, c->host_len }) ||
		(c->https && memchr(bucket.ptr, '.', bucket.len) != NULL);
}

static void out_xml_escaped(s3mpu_out *o, const char *s, size_t len)
{
	size_t i;
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': out_cstr(o, "&amp;"); break;
		case '<': out_cstr(o, "&lt;"); break;
		case '>': out_cstr(o, "&gt;"); break;
		case '"': out_cstr(o, "&quot;"); break;
		case '\'': out_cstr(o, "&apos;"); break;
		default: out_char(o, s[i]);
		}
	}
}

static void out_complete_body(s3mpu_out *o, const s3mpu_op *op)
{
	size_t i;
	char num[NUMBER_MAX];
	s3mpu_str tag = checksum_name(op->checksum_algorithm);
	out_cstr(o, "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
	for (i = 0; i < op->part_count; i++) {
		const s3mpu_part *p = &op->parts[i];
		out_cstr(o, "<Part><PartNumber>");
		out_str(o, decimal(p->number, num));
		out_cstr(o, "</PartNumber><ETag>");
		out_xml_escaped(o, p->etag, p->etag_len);
		out_cstr(o, "</ETag>");
		if (op->checksum_algorithm != S3MPU_CHECKSUM_NONE) {
			out_cstr(o, "<Checksum");
			out_str(o, tag);
			out_char(o, '>');
			out_xml_escaped(o, p->checksum, p->checksum_len);
			out_cstr(o, "</Checksum");
			out_str(o, tag);
			out_char(o, '>');
		}
		out_cstr(o, "</Part>");
	}
	out_cstr(o, "</CompleteMultipartUpload>");
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
		kv_add(l, s3mpu_cstr(name), value);
}

/* More room than building `op` can take, given `prefix` bytes for the
 * body, host, path and metadata names: everything else is the op's strings,
 * at most tripled by URI encoding, written at most four times (canonical
 * request, signed-headers list, presigned query, URL). */
static size_t request_bound(const s3mpu_client *c, const s3mpu_op *op, size_t prefix)
{
	size_t n = prefix + c->host_len + c->signer.token_len + c->signer.access_key_len;
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

static const char *method_of(int kind)
{
	switch (kind) {
	case S3MPU_OP_CREATE: case S3MPU_OP_COMPLETE: return "POST";
	case S3MPU_OP_UPLOAD_PART: case S3MPU_OP_PUT_OBJECT: return "PUT";
	case S3MPU_OP_ABORT: return "DELETE";
	case S3MPU_OP_HEAD_OBJECT: return "HEAD";
	default: return "GET";
	}
}

int s3mpu_build(s3mpu_client *client, const s3mpu_op *op, int64_t now,
	s3mpu_request *out, char *arena, size_t cap, size_t *need)
{
	kv_list query, headers;
	char part_number[NUMBER_MAX], number[NUMBER_MAX], max_items[NUMBER_MAX], marker[NUMBER_MAX];
	s3mpu_str payload, host, path, body = { NULL, 0 };
	s3mpu_out o;
	s3mpu_http http;
	size_t host_off, path_off, meta_off, sign_off, sign_need = 0, length_off, url_off, i;
	int kind, path_style, presign, err;
	unsigned flags;

	if (need)
		*need = 0;
	if (!client || !op || !out || (!arena && cap))
		return S3MPU_E_ARGUMENT;
	memset(out, 0, sizeof *out);
	client->detail[0] = 0;
	err = check_op(client, op);
	if (err)
		return err;
	kind = op->op;
	presign = op->presign_expires != 0;
	path_style = use_path_style(client, op->bucket);
	query.count = 0; /* items are written before they are read */
	headers.count = 0;
	out_init(&o, arena, cap);

	/* Body (Complete only) and its hash. */
	if (kind == S3MPU_OP_COMPLETE) {
		out_complete_body(&o, op);
		body = out_since(&o, 0);
	}
	if (kind == S3MPU_OP_UPLOAD_PART || kind == S3MPU_OP_PUT_OBJECT) {
		payload = op->payload_hash.len ? op->payload_hash : S3MPU_LIT(S3MPU_UNSIGNED_PAYLOAD);
	} else if (kind == S3MPU_OP_COMPLETE) {
		/* The hash goes to the arena too: it is sent as a header. */
		size_t at = o.len;
		o.len += 2 * S3MPU_SHA256_SIZE;
		payload = S3MPU_LIT(S3MPU_EMPTY_SHA256);
		if (out_fits(&o)) {
			s3mpu_sha256 sha;
			unsigned char d[S3MPU_SHA256_SIZE];
			s3mpu_sha256_init(&sha);
			s3mpu_sha256_update(&sha, body.ptr, body.len);
			s3mpu_sha256_out(&sha, d);
			s3mpu_hex_encode(d, sizeof d, arena + at);
			payload = (s3mpu_str){ arena + at, 2 * S3MPU_SHA256_SIZE };
		}
	} else {
		payload = S3MPU_LIT(S3MPU_EMPTY_SHA256);
	}
	if (presign)
		payload = S3MPU_LIT(S3MPU_UNSIGNED_PAYLOAD);

	/* Host and path. */
	host_off = o.len;
	if (!path_style) {
		out_str(&o, op->bucket);
		out_char(&o, '.');
	}
	out_bytes(&o, client->host, client->host_len);
	host = out_since(&o, host_off);
	path_off = o.len;
	out_char(&o, '/');
	if (path_style) {
		out_str(&o, op->bucket);
		if (kind != S3MPU_OP_LIST_UPLOADS)
			out_char(&o, '/');
	}
	if (kind != S3MPU_OP_LIST_UPLOADS)
		out_str(&o, op->key);
	path = out_since(&o, path_off);

	/* Query. */
	switch (kind) {
	case S3MPU_OP_CREATE:
		kv_add(&query, S3MPU_LIT("uploads"), S3MPU_LIT(""));
		break;
	case S3MPU_OP_UPLOAD_PART:
		kv_add(&query, S3MPU_LIT("partNumber"), decimal(op->part_number, part_number));
		kv_add(&query, S3MPU_LIT("uploadId"), op->upload_id);
		break;
	case S3MPU_OP_COMPLETE: case S3MPU_OP_ABORT:
		kv_add(&query, S3MPU_LIT("uploadId"), op->upload_id);
		break;
	case S3MPU_OP_LIST_PARTS:
		kv_add(&query, S3MPU_LIT("uploadId"), op->upload_id);
		if (op->max_parts)
			kv_add(&query, S3MPU_LIT("max-parts"), decimal(op->max_parts, max_items));
		if (op->part_number_marker)
			kv_add(&query, S3MPU_LIT("part-number-marker"), decimal(op->part_number_marker, marker));
		break;
	case S3MPU_OP_LIST_UPLOADS:
		kv_add(&query, S3MPU_LIT("uploads"), S3MPU_LIT(""));
		kv_add_if(&query, "prefix", op->prefix);
		kv_add_if(&query, "key-marker", op->key_marker);
		kv_add_if(&query, "upload-id-marker", op->upload_id_marker);
		if (op->max_uploads)
			kv_add(&query, S3MPU_LIT("max-uploads"), decimal(op->max_uploads, max_items));
		break;
	default:
		break;
	}

	/* Signed headers. */
	kv_add(&headers, S3MPU_LIT("host"), host);
	if (kind == S3MPU_OP_CREATE || kind == S3MPU_OP_PUT_OBJECT) {
		kv_add(&headers, S3MPU_LIT("content-type"),
			op->content_type.len ? op->content_type : S3MPU_LIT("binary/octet-stream"));
		kv_add_if(&headers, "cache-control", op->cache_control);
		kv_add_if(&headers, "content-disposition", op->content_disposition);
		kv_add_if(&headers, "content-encoding", op->content_encoding);
		kv_add_if(&headers, "expires", op->expires);
		kv_add_if(&headers, "x-amz-storage-class", op->storage_class);
	}
	if (kind == S3MPU_OP_COMPLETE)
		kv_add(&headers, S3MPU_LIT("content-type"), S3MPU_LIT("application/xml"));
	if (kind == S3MPU_OP_CREATE || kind == S3MPU_OP_UPLOAD_PART || kind == S3MPU_OP_PUT_OBJECT)
		kv_add_if(&headers, "content-md5", op->content_md5);
	if (op->checksum_algorithm != S3MPU_CHECKSUM_NONE) {
		if (kind == S3MPU_OP_CREATE)
			kv_add(&headers, S3MPU_LIT("x-amz-checksum-algorithm"), checksum_name(op->checksum_algorithm));
		else if (kind == S3MPU_OP_UPLOAD_PART || kind == S3MPU_OP_PUT_OBJECT)
			kv_add(&headers, checksum_header(op->checksum_algorithm), op->checksum);
	}
	if (kind == S3MPU_OP_CREATE || kind == S3MPU_OP_PUT_OBJECT) {
		/* "x-amz-meta-" + the lower-cased name, written to the arena. */
		for (i = 0; i < op->metadata_count; i++) {
			size_t k;
			meta_off = o.len;
			out_cstr(&o, "x-amz-meta-");
			for (k = 0; k < op->metadata[i].name.len; k++)
				out_char(&o, ascii_lower(op->metadata[i].name.ptr[k]));
			kv_add(&headers, out_since(&o, meta_off), op->metadata[i].value);
		}
	}

	/* Without the strings above in the arena there is nothing to sign:
	 * answer with a size that surely does, and the next call with it
	 * learns the exact one. */
	if (!out_fits(&o)) {
		if (need)
			*need = request_bound(client, op, o.len);
		memset(out, 0, sizeof *out);
		return client_fail(client, S3MPU_E_SPACE, "the request needs a larger buffer", no_value, NULL);
	}

	/* Sign into the rest of the arena. */
	memset(&http, 0, sizeof http);
	http.method = s3mpu_cstr(method_of(kind));
	http.path = path;
	http.query = query.items;
	http.query_count = query.count;
	http.headers = headers.items;
	http.header_count = headers.count;
	http.payload_hash = payload;
	flags = presign ? 0 : S3MPU_SIGV4_CONTENT_SHA256;
	sign_off = o.len;
	err = s3mpu_sigv4_sign(&client->signer, &http, now, op->presign_expires, flags,
		&out->signature, arena + sign_off, cap - sign_off, &sign_need);
	if (err && err != S3MPU_E_SPACE)
		return client_fail(client, err, "cannot sign the request: ",
			no_value, s3mpu_strerror(err));
	if (err == S3MPU_E_SPACE) {
		/* Content-Length and the URL take at most the signing buffer's
		 * size again plus the scheme, host and path. */
		if (need)
			*need = 2 * (o.len + sign_need) + 3 * path.len + 64;
		memset(out, 0, sizeof *out);
		return client_fail(client, S3MPU_E_SPACE, "the request needs a larger buffer", no_value, NULL);
	}
	o.len += sign_need;

	/* Content-Length, unsigned: a runtime may set it itself. */
	length_off = o.len;
	if (kind == S3MPU_OP_UPLOAD_PART || kind == S3MPU_OP_PUT_OBJECT)
		out_str(&o, decimal(op->content_length, number));
	else if (kind == S3MPU_OP_CREATE || kind == S3MPU_OP_COMPLETE)
		out_str(&o, decimal(body.len, number));

	/* URL: scheme, host, encoded path, query. The path is encoded as the
	 * canonical request has it (S3 encodes it once): copy it from there. */
	url_off = o.len;
	out_cstr(&o, client->https ? "https://" : "http://");
	out_str(&o, host);
	{
		s3mpu_str cr = out->signature.canonical_request;
		const char *start = cr.ptr + http.method.len + 1;
		const char *end = memchr(start, '\n', cr.len - http.method.len - 1);
		if (end)
			out_bytes(&o, start, (size_t)(end - start));
		else
			out_uri(&o, path, 1);
	}
	if (out->signature.query.len) {
		out_char(&o, '?');
		out_str(&o, out->signature.query);
	}
	if (!out_fits(&o)) {
		if (need)
			*need = o.len;
		memset(out, 0, sizeof *out);
		return client_fail(client, S3MPU_E_SPACE, "the request needs a larger buffer", no_value, NULL);
	}

	/* Every header to send. */
	out->method = http.method;
	out->url = out_since(&o, url_off);
	out->body = body;
	for (i = 0; i < headers.count; i++)
		out->headers[out->header_count++] = headers.items[i];
	if (!presign) {
		s3mpu_signer *s = &client->signer;
		out->headers[out->header_count++] = (s3mpu_kv){ S3MPU_LIT("x-amz-date"),
			(s3mpu_str){ out->signature.amz_date, S3MPU_AMZ_DATE_LEN } };
		out->headers[out->header_count++] = (s3mpu_kv){ S3MPU_LIT("x-amz-content-sha256"), payload };
		if (s->token_len)
			out->headers[out->header_count++] = (s3mpu_kv){ S3MPU_LIT("x-amz-security-token"),
				(s3mpu_str){ s->token, s->token_len } };
		out->headers[out->header_count++] = (s3mpu_kv){ S3MPU_LIT("authorization"),
			out->signature.authorization };
	}
	if (url_off > length_off)
		out->headers[out->header_count++] = (s3mpu_kv){ S3MPU_LIT("content-length"),
			(s3mpu_str){ arena + length_off, url_off - length_off } };
	if (need)
		*need = o.len;
	return S3MPU_OK;
}
