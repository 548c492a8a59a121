/*
 * abi.c -- the wasm ABI of s3mpu: marshalling only, no logic.
 *
 * The module is a reactor: call `_initialize` once, then any export.
 * Exports are listed in exports.txt: core functions whose C signature is
 * already wasm-friendly (hashing, CRC) are exported as they are; this file
 * adds what JS needs besides. Pointers are offsets into the exported
 * `memory`; wasm32 is little-endian, size_t and pointers are 32 bits.
 * Numbers that may pass 2^32 (sizes, times) travel as f64.
 *
 * One instance serves one client: the client context, the operation being
 * built and the last result are this instance's state, as all of its linear
 * memory is. JS creates an instance per S3Client (instantiating a compiled
 * module is cheap).
 *
 * Memory:
 *  - In: JS writes strings into the scratch arena (s3mpu_wasm_scratch(),
 *    S3MPU_WASM_SCRATCH_SIZE bytes) and passes (ptr, len). Strings given to
 *    s3mpu_wasm_op_set_str (or _op_add_meta, _post_field_add) must stay
 *    there until s3mpu_wasm_request_build (or s3mpu_wasm_post_build).
 *  - Bodies and large inputs (an XML response, hash contexts, a window for
 *    body chunks) go to blocks from s3mpu_wasm_alloc / s3mpu_wasm_free.
 *  - Out: each producing call leaves its result as a list of fields, each a
 *    little-endian u32 length and that many bytes, at s3mpu_wasm_result()
 *    (total s3mpu_wasm_result_len() bytes), valid until the next call.
 *  - Calls that allocate (alloc, request_build, post_build, response_parse,
 *    plan_init) may grow memory: JS rebuilds its views when memory.buffer
 *    changed.
 *
 * Numbers: every id, code and size JS passes or reads (operations, fields,
 * checksums, error codes, context sizes) comes from s3mpu_wasm_constants(),
 * and error codes' names from s3mpu_wasm_error_name(): JS copies none.
 * Operations are S3's action names (OP_LIST_MULTIPART_UPLOADS), which JS
 * spells in camelCase ('listMultipartUploads').
 *
 * Versioning: s3mpu_wasm_abi_version() changes whenever an export's meaning
 * or a layout JS relies on changes; JS checks it at load.
 */
#include "internal.h" /* s3mpu.h, and decimal_format() */

#include <stdlib.h>
#include <string.h>

#define S3MPU_WASM_ABI_VERSION 5
#define S3MPU_WASM_SCRATCH_SIZE (64u << 10)
#define S3MPU_WASM_ARENA_MIN (16u << 10)
#define S3MPU_WASM_META_MAX 32

S3MPU_API uint32_t s3mpu_wasm_abi_version(void);
S3MPU_API unsigned char *s3mpu_wasm_scratch(void);
S3MPU_API size_t s3mpu_wasm_scratch_size(void);
S3MPU_API void *s3mpu_wasm_alloc(size_t len);
S3MPU_API void s3mpu_wasm_free(void *p);
S3MPU_API const unsigned char *s3mpu_wasm_result(void);
S3MPU_API size_t s3mpu_wasm_result_len(void);
S3MPU_API void s3mpu_wasm_error_message(int err);
S3MPU_API void s3mpu_wasm_error_name(int err);
S3MPU_API void s3mpu_wasm_detail(void);
S3MPU_API void s3mpu_wasm_constants(void);
S3MPU_API int s3mpu_wasm_client_init(const s3mpu_str *strings, int path_style);
S3MPU_API void s3mpu_wasm_client_wipe(void);
S3MPU_API void s3mpu_wasm_op_reset(int op);
S3MPU_API int s3mpu_wasm_op_set_str(int field, const char *ptr, size_t len);
S3MPU_API int s3mpu_wasm_op_set_num(int field, double value);
S3MPU_API int s3mpu_wasm_op_add_meta(
	const char *name, size_t name_len, const char *value, size_t value_len);
S3MPU_API int s3mpu_wasm_op_set_part(size_t index, double number, const char *etag, size_t etag_len,
	const char *checksum, size_t checksum_len);
S3MPU_API int s3mpu_wasm_request_build(double now);
S3MPU_API int s3mpu_wasm_request_presign_parts(
	const uint32_t *numbers, size_t count, char *signatures, double now);
S3MPU_API int s3mpu_wasm_sigv4_sign(const s3mpu_str *strings, const s3mpu_kv *query,
	size_t query_count, const s3mpu_kv *headers, size_t header_count, double now,
	double expires, int flags);
S3MPU_API int s3mpu_wasm_post_field_add(
	const char *name, size_t name_len, const char *value, size_t value_len, int starts_with);
S3MPU_API int s3mpu_wasm_post_build(double now, int flags, double length_min, double length_max);
S3MPU_API int s3mpu_wasm_response_parse(int kind, const char *xml, size_t len);
S3MPU_API int s3mpu_wasm_plan_init(double total, double preferred);
S3MPU_API double s3mpu_wasm_plan_part_size(double total, double preferred, double part_number);
S3MPU_API double s3mpu_wasm_plan_part_offset(double total, double preferred, double part_number);
S3MPU_API int s3mpu_wasm_retry_classify(int status, const char *code, size_t len);
S3MPU_API double s3mpu_wasm_time_parse_http(const char *date, size_t len);

/* ------------------------------------------------------------------ */
/* State of this instance                                              */
/* ------------------------------------------------------------------ */

static _Alignas(16) unsigned char scratch[S3MPU_WASM_SCRATCH_SIZE];
static s3mpu_client client;
static s3mpu_op op;
static s3mpu_kv metadata[S3MPU_WASM_META_MAX];
static s3mpu_post_field post_fields[S3MPU_WASM_META_MAX];
static size_t post_field_count;
static s3mpu_part *parts;
static size_t parts_cap;
static unsigned char *result;
static size_t result_len, result_cap;
static char *arena;
static size_t arena_cap;

uint32_t s3mpu_wasm_abi_version(void) { return S3MPU_WASM_ABI_VERSION; }
unsigned char *s3mpu_wasm_scratch(void) { return scratch; }
size_t s3mpu_wasm_scratch_size(void) { return sizeof scratch; }
void *s3mpu_wasm_alloc(size_t len) { return malloc(len ? len : 1); }
void s3mpu_wasm_free(void *p) { free(p); }
const unsigned char *s3mpu_wasm_result(void) { return result; }
size_t s3mpu_wasm_result_len(void) { return result_len; }

/* ------------------------------------------------------------------ */
/* Results: fields of (u32 length, bytes)                              */
/* ------------------------------------------------------------------ */

static int result_reserve(size_t more)
{
	size_t want = result_len + more;
	if (want > result_cap) {
		size_t cap = result_cap ? result_cap : 4096;
		unsigned char *p;
		while (cap < want)
			cap *= 2;
		p = realloc(result, cap);
		if (!p)
			return S3MPU_E_NOMEM;
		result = p;
		result_cap = cap;
	}
	return S3MPU_OK;
}

static void result_reset(void) { result_len = 0; }

static int field(const void *p, size_t len)
{
	uint32_t n = (uint32_t)len;
	if (result_reserve(4 + len))
		return S3MPU_E_NOMEM;
	result[result_len++] = (unsigned char)n;
	result[result_len++] = (unsigned char)(n >> 8);
	result[result_len++] = (unsigned char)(n >> 16);
	result[result_len++] = (unsigned char)(n >> 24);
	if (len)
		memcpy(result + result_len, p, len);
	result_len += len;
	return S3MPU_OK;
}

static int field_str(s3mpu_str s) { return field(s.ptr, s.len); }
static int field_cstr(const char *s) { return field(s, strlen(s)); }

static int field_num(double v)
{
	char d[DECIMAL_MAX];
	return field(d, decimal_format((uint64_t)v, d));
}

void s3mpu_wasm_error_message(int err)
{
	result_reset();
	field_cstr(s3mpu_error_message(err));
}

void s3mpu_wasm_detail(void)
{
	result_reset();
	field_cstr(s3mpu_client_detail(&client));
}

/* Result field: the name of core error `err` (core/src/error.c; empty when
 * it has none): JS's S3InputError.code and S3Error.code. */
void s3mpu_wasm_error_name(int err)
{
	result_reset();
	field_cstr(s3mpu_error_name(err));
}

/* Ids of this file's tables: F_ and N_ name the string and number fields of
 * s3mpu_wasm_op_set_str/num, P_ the kinds of s3mpu_wasm_response_parse. */
enum {
	F_BUCKET = 1,
	F_KEY,
	F_UPLOAD_ID,
	F_PAYLOAD_HASH,
	F_CONTENT_MD5,
	F_CHECKSUM,
	F_CONTENT_TYPE,
	F_CACHE_CONTROL,
	F_CONTENT_DISPOSITION,
	F_CONTENT_ENCODING,
	F_EXPIRES,
	F_STORAGE_CLASS,
	F_PREFIX,
	F_KEY_MARKER,
	F_UPLOAD_ID_MARKER
};

enum {
	N_PART_NUMBER = 1,
	N_CONTENT_LENGTH,
	N_CHECKSUM_ALGORITHM,
	N_MAX_PARTS,
	N_PART_NUMBER_MARKER,
	N_MAX_UPLOADS,
	N_PRESIGN_EXPIRES
};

enum {
	P_ERROR = 1,
	P_CREATE_MULTIPART_UPLOAD,
	P_COMPLETE_MULTIPART_UPLOAD,
	P_LIST_PARTS,
	P_LIST_MULTIPART_UPLOADS
};

/* s3mpu_wasm_post_build's flags. */
enum {
	POST_KEY_PREFIX = 1,
	POST_CONTENT_TYPE_PREFIX = 2
};

/* Every number JS needs, by name: JS reads them once per instance
 * (js/src/abi.js) instead of keeping copies that could drift. */
#define K(name, value) \
	{ \
#name, (uint32_t)(value) \
	}
#define F(name) K(name, name)         /* this file's own */
#define S(name) K(name, S3MPU_##name) /* s3mpu.h's, without the prefix */
static const struct {
	const char *name;
	uint32_t value;
} constants[] = {
	S(OP_CREATE_MULTIPART_UPLOAD),
	S(OP_UPLOAD_PART),
	S(OP_COMPLETE_MULTIPART_UPLOAD),
	S(OP_ABORT_MULTIPART_UPLOAD),
	S(OP_LIST_PARTS),
	S(OP_LIST_MULTIPART_UPLOADS),
	S(OP_PUT_OBJECT),
	S(OP_HEAD_OBJECT),
	S(OP_DELETE_OBJECT),
	S(CHECKSUM_NONE),
	S(CHECKSUM_CRC32),
	S(CHECKSUM_CRC32C),
	S(CHECKSUM_SHA256),
	S(RETRY_NO),
	S(RETRY_YES),
	S(RETRY_SKEW),
	S(SIGV4_GENERIC),
	S(SIGV4_CONTENT_SHA256),
	S(E_S3),
	S(E_NOMEM),
	K(E_COUNT, S3MPU_E_COUNT_),
	K(SHA256_SIZE, S3MPU_SHA256_SIZE),
	K(MD5_SIZE, S3MPU_MD5_SIZE),
	K(SHA256_CONTEXT_SIZE, sizeof(s3mpu_sha256)),
	K(MD5_CONTEXT_SIZE, sizeof(s3mpu_md5)),
	K(MD5X4_CONTEXT_SIZE, sizeof(s3mpu_md5x4)),
	K(MD5X4_LANES, S3MPU_MD5X4_LANES),
	K(CRC_TABLE_SIZE, sizeof(s3mpu_crc_table)),
	K(PART_NUMBER_MAX, S3MPU_PART_NUMBER_MAX),
	K(EXPIRES_MAX, S3MPU_EXPIRES_MAX),
	F(F_BUCKET),
	F(F_KEY),
	F(F_UPLOAD_ID),
	F(F_PAYLOAD_HASH),
	F(F_CONTENT_MD5),
	F(F_CHECKSUM),
	F(F_CONTENT_TYPE),
	F(F_CACHE_CONTROL),
	F(F_CONTENT_DISPOSITION),
	F(F_CONTENT_ENCODING),
	F(F_EXPIRES),
	F(F_STORAGE_CLASS),
	F(F_PREFIX),
	F(F_KEY_MARKER),
	F(F_UPLOAD_ID_MARKER),
	F(N_PART_NUMBER),
	F(N_CONTENT_LENGTH),
	F(N_CHECKSUM_ALGORITHM),
	F(N_MAX_PARTS),
	F(N_PART_NUMBER_MARKER),
	F(N_MAX_UPLOADS),
	F(N_PRESIGN_EXPIRES),
	F(P_ERROR),
	F(P_CREATE_MULTIPART_UPLOAD),
	F(P_COMPLETE_MULTIPART_UPLOAD),
	F(P_LIST_PARTS),
	F(P_LIST_MULTIPART_UPLOADS),
	F(POST_KEY_PREFIX),
	F(POST_CONTENT_TYPE_PREFIX),
};
#undef S
#undef F
#undef K

/* Result fields: the name and decimal value of each constant above. */
void s3mpu_wasm_constants(void)
{
	size_t i;
	result_reset();
	for (i = 0; i < sizeof constants / sizeof *constants; i++) {
		field_cstr(constants[i].name);
		field_num(constants[i].value);
	}
}

/* ------------------------------------------------------------------ */
/* Client                                                              */
/* ------------------------------------------------------------------ */

/* strings: endpoint, region, access key, secret key, session token,
 * extra storage classes -- six (ptr, len) pairs. */
int s3mpu_wasm_client_init(const s3mpu_str *strings, int path_style)
{
	s3mpu_config cfg;
	int err;
	memset(&cfg, 0, sizeof cfg);
	cfg.endpoint = strings[0];
	cfg.region = strings[1];
	cfg.access_key = strings[2];
	cfg.secret_key = strings[3];
	cfg.session_token = strings[4];
	cfg.extra_storage_classes = strings[5];
	cfg.path_style = path_style;
	err = s3mpu_client_init(&client, &cfg);
	/* The secret was copied into the client: erase JS's copy in scratch. */
	s3mpu_memory_wipe((void *)(uintptr_t)strings[3].ptr, strings[3].len);
	s3mpu_memory_wipe((void *)(uintptr_t)strings[4].ptr, strings[4].len);
	return err;
}

void s3mpu_wasm_client_wipe(void)
{
	s3mpu_client_wipe(&client);
	if (arena)
		s3mpu_memory_wipe(arena, arena_cap);
	if (result)
		s3mpu_memory_wipe(result, result_cap);
	s3mpu_memory_wipe(scratch, sizeof scratch);
}

/* ------------------------------------------------------------------ */
/* Operations                                                          */
/* ------------------------------------------------------------------ */

void s3mpu_wasm_op_reset(int kind)
{
	memset(&op, 0, sizeof op);
	op.op = kind;
	op.metadata = metadata;
	op.parts = parts;
	post_field_count = 0;
}

int s3mpu_wasm_op_set_str(int f, const char *ptr, size_t len)
{
	s3mpu_str s = { ptr, len };
	switch (f) {
	case F_BUCKET: op.bucket = s; break;
	case F_KEY: op.key = s; break;
	case F_UPLOAD_ID: op.upload_id = s; break;
	case F_PAYLOAD_HASH: op.payload_hash = s; break;
	case F_CONTENT_MD5: op.content_md5 = s; break;
	case F_CHECKSUM: op.checksum = s; break;
	case F_CONTENT_TYPE: op.content_type = s; break;
	case F_CACHE_CONTROL: op.cache_control = s; break;
	case F_CONTENT_DISPOSITION: op.content_disposition = s; break;
	case F_CONTENT_ENCODING: op.content_encoding = s; break;
	case F_EXPIRES: op.expires = s; break;
	case F_STORAGE_CLASS: op.storage_class = s; break;
	case F_PREFIX: op.prefix = s; break;
	case F_KEY_MARKER: op.key_marker = s; break;
	case F_UPLOAD_ID_MARKER: op.upload_id_marker = s; break;
	default: return S3MPU_E_ARGUMENT;
	}
	return S3MPU_OK;
}

int s3mpu_wasm_op_set_num(int f, double value)
{
	if (!(value >= 0 && value <= 18014398509481984.0)) /* 2^54 */
		return S3MPU_E_ARGUMENT;
	switch (f) {
	case N_PART_NUMBER:
		op.part_number = value > UINT32_MAX ? UINT32_MAX : (uint32_t)value;
		break;
	case N_CONTENT_LENGTH: op.content_length = (uint64_t)value; break;
	case N_CHECKSUM_ALGORITHM: op.checksum_algorithm = (int)value; break;
	case N_MAX_PARTS: op.max_parts = value > UINT32_MAX ? UINT32_MAX : (uint32_t)value; break;
	case N_PART_NUMBER_MARKER:
		op.part_number_marker = value > UINT32_MAX ? UINT32_MAX : (uint32_t)value;
		break;
	case N_MAX_UPLOADS:
		op.max_uploads = value > UINT32_MAX ? UINT32_MAX : (uint32_t)value;
		break;
	case N_PRESIGN_EXPIRES:
		op.presign_expires = value > UINT32_MAX ? UINT32_MAX : (uint32_t)value;
		break;
	default: return S3MPU_E_ARGUMENT;
	}
	return S3MPU_OK;
}

int s3mpu_wasm_op_add_meta(const char *name, size_t name_len, const char *value, size_t value_len)
{
	if (op.metadata_count == S3MPU_WASM_META_MAX)
		return S3MPU_E_METADATA;
	metadata[op.metadata_count].name = (s3mpu_str){ name, name_len };
	metadata[op.metadata_count].value = (s3mpu_str){ value, value_len };
	op.metadata_count++;
	return S3MPU_OK;
}

/* Part `index` (0-based) of a Complete; values are copied. */
int s3mpu_wasm_op_set_part(size_t index, double number, const char *etag, size_t etag_len,
	const char *checksum, size_t checksum_len)
{
	s3mpu_part *p;
	if (index >= S3MPU_PART_NUMBER_MAX || etag_len > S3MPU_ETAG_MAX ||
		checksum_len > sizeof p->checksum)
		return S3MPU_E_ARGUMENT;
	if (index >= parts_cap) {
		size_t cap = parts_cap ? parts_cap : 64;
		while (cap <= index)
			cap *= 2;
		p = realloc(parts, cap * sizeof *parts);
		if (!p)
			return S3MPU_E_NOMEM;
		parts = p;
		parts_cap = cap;
		op.parts = parts;
	}
	p = &parts[index];
	memset(p, 0, sizeof *p);
	p->number = number >= 0 && number <= UINT32_MAX ? (uint32_t)number : 0;
	memcpy(p->etag, etag, etag_len);
	p->etag_len = etag_len;
	memcpy(p->checksum, checksum, checksum_len);
	p->checksum_len = checksum_len;
	if (index + 1 > op.part_count)
		op.part_count = index + 1;
	return S3MPU_OK;
}

/* The signing arena holds at least `want` bytes (a bigger one replaces it,
 * the old one wiped: it held signatures). */
static int arena_reserve(size_t want)
{
	char *bigger;
	if (arena && arena_cap >= want)
		return S3MPU_OK;
	bigger = malloc(want);
	if (!bigger)
		return S3MPU_E_NOMEM;
	if (arena) {
		s3mpu_memory_wipe(arena, arena_cap);
		free(arena);
	}
	arena = bigger;
	arena_cap = want;
	return S3MPU_OK;
}

/* Result fields: method, url, body, then name and value of each header. */
int s3mpu_wasm_request_build(double now)
{
	s3mpu_request req;
	size_t need = 0, i;
	int err;

	if (arena_reserve(S3MPU_WASM_ARENA_MIN))
		return S3MPU_E_NOMEM;
	err = s3mpu_request_build(&client, &op, (int64_t)now, &req, arena, arena_cap, &need);
	if (err == S3MPU_E_SPACE) {
		if (arena_reserve(need))
			return S3MPU_E_NOMEM;
		err = s3mpu_request_build(
			&client, &op, (int64_t)now, &req, arena, arena_cap, &need);
	}
	if (err)
		return err;
	result_reset();
	err = field_str(req.method) | field_str(req.url) | field_str(req.body);
	for (i = 0; i < req.header_count; i++)
		err |= field_str(req.headers[i].name) | field_str(req.headers[i].value);
	return err ? S3MPU_E_NOMEM : S3MPU_OK;
}

/*
 * Presigned UploadParts of the op set (its part number: the first's) for
 * numbers[count], the signature of each (64 hex bytes) to signatures + 64 * i
 * (both in s3mpu_wasm_alloc blocks). Result fields: the first part's URL,
 * the offset and length of its part number's digits in it; each part's URL
 * ends with its own signature instead (s3mpu.h, s3mpu_request_presign_parts).
 */
int s3mpu_wasm_request_presign_parts(
	const uint32_t *numbers, size_t count, char *signatures, double now)
{
	s3mpu_presigned_parts out;
	size_t need = 0;
	int err;

	if (arena_reserve(S3MPU_WASM_ARENA_MIN))
		return S3MPU_E_NOMEM;
	err = s3mpu_request_presign_parts(&client, &op, (int64_t)now, numbers, count, signatures,
		&out, arena, arena_cap, &need);
	if (err == S3MPU_E_SPACE) {
		if (arena_reserve(need))
			return S3MPU_E_NOMEM;
		err = s3mpu_request_presign_parts(&client, &op, (int64_t)now, numbers, count,
			signatures, &out, arena, arena_cap, &need);
	}
	if (err)
		return err;
	result_reset();
	err = field_str(out.request.url) | field_num((double)out.number_at) |
		field_num((double)out.number_len);
	return err ? S3MPU_E_NOMEM : S3MPU_OK;
}

/*
 * The low-level signer, for `s3mpu sign` (debugging SignatureDoesNotMatch).
 * strings: method, path, payload hash, access key, secret key, session
 * token, region, service. Result fields: canonical request, string to sign,
 * signature, signed headers, authorization, query, amz date.
 */
int s3mpu_wasm_sigv4_sign(const s3mpu_str *strings, const s3mpu_kv *query, size_t query_count,
	const s3mpu_kv *headers, size_t header_count, double now, double expires, int flags)
{
	s3mpu_signer signer;
	s3mpu_http http;
	s3mpu_signature sig;
	size_t need = 0;
	char *buf;
	int err;

	err = s3mpu_signer_init(
		&signer, strings[3], strings[4], strings[5], strings[6], strings[7]);
	s3mpu_memory_wipe((void *)(uintptr_t)strings[4].ptr, strings[4].len);
	if (err)
		return err;
	memset(&http, 0, sizeof http);
	http.method = strings[0];
	http.path = strings[1];
	http.payload_hash = strings[2];
	http.query = query;
	http.query_count = query_count;
	http.headers = headers;
	http.header_count = header_count;
	if (!(expires >= 0 && expires <= UINT32_MAX)) {
		s3mpu_signer_wipe(&signer);
		return S3MPU_E_EXPIRES;
	}
	err = s3mpu_sigv4_sign(&signer, &http, (int64_t)now, (uint32_t)expires, (unsigned)flags,
		&sig, NULL, 0, &need);
	buf = err == S3MPU_E_SPACE ? malloc(need) : NULL;
	if (buf)
		err = s3mpu_sigv4_sign(&signer, &http, (int64_t)now, (uint32_t)expires,
			(unsigned)flags, &sig, buf, need, &need);
	else if (err == S3MPU_E_SPACE)
		err = S3MPU_E_NOMEM;
	s3mpu_signer_wipe(&signer);
	if (!err) {
		result_reset();
		err = field_str(sig.canonical_request) | field_str(sig.string_to_sign) |
			field(sig.signature, 64) | field_str(sig.signed_headers) |
			field_str(sig.authorization) | field_str(sig.query) |
			field(sig.amz_date, S3MPU_AMZ_DATE_LEN);
		err = err ? S3MPU_E_NOMEM : S3MPU_OK;
	}
	free(buf);
	return err;
}

/* ------------------------------------------------------------------ */
/* POST policies                                                       */
/* ------------------------------------------------------------------ */

/* A form field of the caller's own for the next s3mpu_wasm_post_build (until
 * s3mpu_wasm_op_reset); strings stay in scratch until then. */
int s3mpu_wasm_post_field_add(
	const char *name, size_t name_len, const char *value, size_t value_len, int starts_with)
{
	if (post_field_count == S3MPU_WASM_META_MAX)
		return S3MPU_E_ARGUMENT;
	post_fields[post_field_count].name = (s3mpu_str){ name, name_len };
	post_fields[post_field_count].value = (s3mpu_str){ value, value_len };
	post_fields[post_field_count].starts_with = starts_with != 0;
	post_field_count++;
	return S3MPU_OK;
}

/*
 * A signed POST form from the op's bucket, key, content type, metadata,
 * checksum and presign expiry, the fields above, and `flags`: POST_KEY_PREFIX
 * (the key is a prefix), POST_CONTENT_TYPE_PREFIX (so is the content type);
 * length_max > 0 sets content-length-range. Result fields: url, expiration,
 * policy (JSON), then name and value of each form field, in order.
 */
int s3mpu_wasm_post_build(double now, int flags, double length_min, double length_max)
{
	s3mpu_post_policy p;
	s3mpu_post_form form;
	size_t need = 0, i;
	int err;

	if (!(length_min >= 0 && length_max >= 0 && length_max <= 18014398509481984.0))
		return S3MPU_E_ARGUMENT;
	memset(&p, 0, sizeof p);
	p.bucket = op.bucket;
	p.key = op.key;
	p.key_is_prefix = (flags & POST_KEY_PREFIX) != 0;
	p.expires = op.presign_expires;
	p.length_min = (uint64_t)length_min;
	p.length_max = (uint64_t)length_max;
	p.content_type = op.content_type;
	p.content_type_is_prefix = (flags & POST_CONTENT_TYPE_PREFIX) != 0;
	p.metadata = op.metadata;
	p.metadata_count = op.metadata_count;
	p.checksum_algorithm = op.checksum_algorithm;
	p.checksum = op.checksum;
	p.fields = post_fields;
	p.field_count = post_field_count;
	if (arena_reserve(S3MPU_WASM_ARENA_MIN))
		return S3MPU_E_NOMEM;
	err = s3mpu_post_build(&client, &p, (int64_t)now, &form, arena, arena_cap, &need);
	if (err == S3MPU_E_SPACE) {
		if (arena_reserve(need))
			return S3MPU_E_NOMEM;
		err = s3mpu_post_build(&client, &p, (int64_t)now, &form, arena, arena_cap, &need);
	}
	if (err)
		return err;
	result_reset();
	err = field_str(form.url) | field(form.expiration, sizeof form.expiration) |
		field_str(form.policy);
	for (i = 0; i < form.field_count; i++)
		err |= field_str(form.fields[i].name) | field_str(form.fields[i].value);
	return err ? S3MPU_E_NOMEM : S3MPU_OK;
}

/* ------------------------------------------------------------------ */
/* Responses                                                           */
/* ------------------------------------------------------------------ */

static int error_fields(const s3mpu_s3_error *e)
{
	return field_cstr(e->code) | field_cstr(e->message) | field_cstr(e->request_id) |
		field_cstr(e->host_id) | field_cstr(e->string_to_sign) |
		field_cstr(e->canonical_request);
}

static int parse_list_parts(const char *xml, size_t len, s3mpu_s3_error *e)
{
	s3mpu_list_parts_result r;
	size_t i;
	int err;
	memset(&r, 0, sizeof r);
	r.parts = parts;
	r.part_cap = parts_cap;
	err = s3mpu_response_parse_list_parts(xml, len, &r, e);
	if (err == S3MPU_E_SPACE) {
		s3mpu_part *p = realloc(parts, r.part_count * sizeof *parts);
		if (!p)
			return S3MPU_E_NOMEM;
		parts = p;
		parts_cap = r.part_count;
		r.parts = parts;
		r.part_cap = parts_cap;
		err = s3mpu_response_parse_list_parts(xml, len, &r, e);
	}
	if (err)
		return err;
	err = field_num(r.is_truncated) | field_num(r.next_part_number_marker);
	for (i = 0; i < r.part_count; i++) {
		const s3mpu_part *p = &r.parts[i];
		err |= field_num(p->number) | field_num((double)p->size) |
			field(p->etag, p->etag_len) | field_cstr(p->last_modified) |
			field(p->checksum, p->checksum_len);
	}
	return err ? S3MPU_E_NOMEM : S3MPU_OK;
}

static int parse_list_multipart_uploads(const char *xml, size_t len, s3mpu_s3_error *e)
{
	s3mpu_list_multipart_uploads_result *r = malloc(sizeof *r);
	size_t i, cap = 1000;
	int err;
	if (!r)
		return S3MPU_E_NOMEM;
	for (;;) {
		memset(r, 0, sizeof *r);
		r->uploads = malloc(cap * sizeof *r->uploads);
		r->upload_cap = cap;
		if (!r->uploads) {
			free(r);
			return S3MPU_E_NOMEM;
		}
		err = s3mpu_response_parse_list_multipart_uploads(xml, len, r, e);
		if (err != S3MPU_E_SPACE || r->upload_count <= cap)
			break;
		cap = r->upload_count;
		free(r->uploads);
	}
	if (!err) {
		err = field_num(r->is_truncated) | field_cstr(r->next_key_marker) |
			field_cstr(r->next_upload_id_marker);
		for (i = 0; i < r->upload_count; i++) {
			const s3mpu_upload *u = &r->uploads[i];
			err |= field_cstr(u->key) | field_cstr(u->upload_id) |
				field_cstr(u->initiated) | field_cstr(u->storage_class);
		}
		err = err ? S3MPU_E_NOMEM : S3MPU_OK;
	}
	free(r->uploads);
	free(r);
	return err;
}

/*
 * Parse a response body. Result fields by kind:
 *  ERROR, or any kind answering S3MPU_E_S3: code, message, request id,
 *    host id, string to sign, canonical request.
 *  CREATE_MULTIPART_UPLOAD: bucket, key, upload id.
 *  COMPLETE_MULTIPART_UPLOAD: location, bucket, key, etag.
 *  LIST_PARTS: is truncated (0/1), next part number marker, then for each
 *    part: number, size, etag, last modified, checksum.
 *  LIST_MULTIPART_UPLOADS: is truncated, next key marker, next upload id marker, then
 *    for each upload: key, upload id, initiated, storage class.
 */
int s3mpu_wasm_response_parse(int kind, const char *xml, size_t len)
{
	static s3mpu_s3_error e;
	int err;
	result_reset();
	memset(&e, 0, sizeof e);
	switch (kind) {
	case P_ERROR:
		err = s3mpu_response_parse_error(xml, len, &e);
		if (!err)
			err = S3MPU_E_S3;
		break;
	case P_CREATE_MULTIPART_UPLOAD: {
		static s3mpu_create_multipart_upload_result r;
		err = s3mpu_response_parse_create_multipart_upload(xml, len, &r, &e);
		if (!err)
			err = (field_cstr(r.bucket) | field_cstr(r.key) | field_cstr(r.upload_id))
				? S3MPU_E_NOMEM
				: S3MPU_OK;
		break;
	}
	case P_COMPLETE_MULTIPART_UPLOAD: {
		static s3mpu_complete_multipart_upload_result r;
		err = s3mpu_response_parse_complete_multipart_upload(xml, len, &r, &e);
		if (!err)
			err = (field_cstr(r.location) | field_cstr(r.bucket) | field_cstr(r.key) |
				      field_cstr(r.etag))
				? S3MPU_E_NOMEM
				: S3MPU_OK;
		break;
	}
	case P_LIST_PARTS: err = parse_list_parts(xml, len, &e); break;
	case P_LIST_MULTIPART_UPLOADS: err = parse_list_multipart_uploads(xml, len, &e); break;
	default: return S3MPU_E_ARGUMENT;
	}
	if (err == S3MPU_E_S3) {
		result_reset();
		if (error_fields(&e))
			return S3MPU_E_NOMEM;
	}
	return err;
}

/* ------------------------------------------------------------------ */
/* Planning, retry policy, dates, validation                           */
/* ------------------------------------------------------------------ */

/* The plan for `total` bytes (< 0: unknown length) and `preferred` part
 * size (0: the default). No plan is kept between calls: each plans afresh,
 * which costs less than the call. */
static int plan_of(double total, double preferred, s3mpu_plan *plan)
{
	uint64_t t = total < 0 ? S3MPU_SIZE_UNKNOWN : (uint64_t)total;
	if (total > 18014398509481984.0 || !(preferred >= 0 && preferred <= 18014398509481984.0))
		return S3MPU_E_ARGUMENT;
	return s3mpu_plan_init(plan, t, (uint64_t)preferred);
}

/* Result fields: part size, part count, growth interval. */
int s3mpu_wasm_plan_init(double total, double preferred)
{
	s3mpu_plan plan;
	int err = plan_of(total, preferred, &plan);
	if (err)
		return err;
	result_reset();
	return (field_num((double)plan.part_size) | field_num(plan.part_count) |
		       field_num(plan.growth_interval))
		? S3MPU_E_NOMEM
		: S3MPU_OK;
}

/* Size of part `n` of that plan: 0 past the last, or for a plan refused. */
double s3mpu_wasm_plan_part_size(double total, double preferred, double n)
{
	s3mpu_plan plan;
	if (plan_of(total, preferred, &plan) || !(n >= 1 && n <= S3MPU_PART_NUMBER_MAX))
		return 0;
	return (double)s3mpu_plan_part_size(&plan, (uint32_t)n);
}

/* Offset of part `n` of that plan: 0 for a plan refused. */
double s3mpu_wasm_plan_part_offset(double total, double preferred, double n)
{
	s3mpu_plan plan;
	if (plan_of(total, preferred, &plan) || !(n >= 1 && n <= S3MPU_PART_NUMBER_MAX + 1))
		return 0;
	return (double)s3mpu_plan_part_offset(&plan, (uint32_t)n);
}

int s3mpu_wasm_retry_classify(int status, const char *code, size_t len)
{
	return s3mpu_retry_classify(status, (s3mpu_str){ code, len });
}

/* Unix seconds, or -1 when malformed. */
double s3mpu_wasm_time_parse_http(const char *date, size_t len)
{
	int64_t t;
	return s3mpu_time_parse_http((s3mpu_str){ date, len }, &t) ? -1 : (double)t;
}

#ifdef __EMSCRIPTEN__
/*
 * Emscripten's standalone sbrk tells its JS glue about memory growth
 * through this import. There is no glue here (JS rebuilds its views after
 * each call), so a no-op keeps both builds' import lists identical.
 */
void emscripten_notify_memory_growth(size_t memory_index);
void emscripten_notify_memory_growth(size_t memory_index) { (void)memory_index; }
#endif
