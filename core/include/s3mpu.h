/*
 * s3mpu.h -- the whole public API of the s3mpu core.
 *
 * The core does no I/O. It turns an S3 multipart operation into a complete
 * signed request (method, URL, headers, body) and a response body into a
 * result or a typed error. Sending the request is the caller's business.
 *
 * Conventions, stated once:
 *  - Strings are (pointer, length) pairs: `s3mpu_str`. They need no NUL
 *    terminator and may point anywhere; a NULL pointer with length 0 is the
 *    empty string.
 *  - The caller owns all memory. Contexts (`s3mpu_sha256`, `s3mpu_signer`,
 *    `s3mpu_client`, ...) are opaque: `struct { uint64_t opaque_[N]; }`,
 *    read and changed only through their functions. They hold no pointers
 *    into themselves: place them anywhere, snapshot them with memcpy, and
 *    forget them when done (call the `_wipe` function first where there
 *    is one: it erases secrets). Every other struct here is plain data
 *    that the caller fills or reads.
 *  - Names: functions are `s3mpu_<area>_<verb>` (`s3mpu_request_build`,
 *    `s3mpu_bucket_validate`), or `s3mpu_<area>_<noun>` for one that reads
 *    a fact (`s3mpu_client_detail`, `s3mpu_error_name`). Operations are
 *    named after S3's actions (S3MPU_OP_LIST_MULTIPART_UPLOADS is
 *    ListMultipartUploads). One word, one meaning: `out` is only ever a
 *    caller's buffer that bytes are written to (a hash's result is its
 *    `_digest`), `res` a result struct a parser fills, `req` the request
 *    and `form` the POST form a builder fills.
 *  - Outputs that vary in size go to a caller buffer `(out, cap)`; when it is
 *    too small the function returns S3MPU_E_SPACE and says how much it needs.
 *  - Fallible functions return S3MPU_OK (0) or a positive S3MPU_E_* code;
 *    `s3mpu_error_message` names it. Functions taking an `s3mpu_client` also
 *    leave a sentence for a person in it (`s3mpu_client_detail`).
 *  - Time is an input: `now` is seconds since the Unix epoch, UTC.
 *  - Nothing here keeps global mutable state, so distinct contexts may be
 *    used from distinct threads. The XML parsers allocate (mxml does) and
 *    free everything before they return.
 */
#ifndef S3MPU_H
#define S3MPU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef S3MPU_API
#if defined(__GNUC__) || defined(__clang__)
#define S3MPU_API __attribute__((visibility("default")))
#else
#define S3MPU_API
#endif
#endif

#define S3MPU_VERSION "0.1.0"

/* ===================================================================== */
/* Strings                                                               */
/* ===================================================================== */

typedef struct {
	const char *ptr;
	size_t len;
} s3mpu_str;

/* A name/value pair: a header, a query parameter, a metadata entry. */
typedef struct {
	s3mpu_str name;
	s3mpu_str value;
} s3mpu_kv;

/* s3mpu_str from a string literal. */
#define S3MPU_LIT(s) ((s3mpu_str){ (s), sizeof(s) - 1 })

/* s3mpu_str from a NUL-terminated string (NULL gives the empty string). */
S3MPU_API s3mpu_str s3mpu_str_from_cstr(const char *s);

/* ===================================================================== */
/* Errors                                                                */
/* ===================================================================== */

enum {
	S3MPU_OK = 0,

	/* The caller's buffer or array is too small. */
	S3MPU_E_SPACE = 1,
	/* Misuse: NULL where a value is required, a value out of its domain. */
	S3MPU_E_ARGUMENT,

	/* Input refused before anything is sent. */
	S3MPU_E_CREDENTIALS,   /* access key or secret missing or too long */
	S3MPU_E_REGION,        /* region missing, too long or not [a-z0-9-] */
	S3MPU_E_ENDPOINT,      /* not http(s)://host[:port][/] */
	S3MPU_E_BUCKET,        /* bucket name breaks S3's naming rules */
	S3MPU_E_KEY,           /* key empty, over 1024 bytes or not UTF-8 */
	S3MPU_E_UPLOAD_ID,     /* upload id missing or too long */
	S3MPU_E_PART_NUMBER,   /* part number outside 1..10000 */
	S3MPU_E_PART_ORDER,    /* parts not strictly ascending */
	S3MPU_E_PART_SIZE,     /* part size outside 5 MiB..5 GiB */
	S3MPU_E_TOO_LARGE,     /* object cannot be uploaded in 10,000 parts */
	S3MPU_E_EXPIRES,       /* presign expiry outside 1..604800 s */
	S3MPU_E_STORAGE_CLASS, /* storage class not allowed */
	S3MPU_E_HEADER,        /* header name or value invalid (CR/LF, ...) */
	S3MPU_E_METADATA,      /* user metadata invalid or over 2 KB */
	S3MPU_E_DATE,          /* time outside 1970..9999 or malformed */
	S3MPU_E_DIGEST,        /* Content-MD5 or checksum malformed */
	S3MPU_E_ETAG,          /* ETag missing or longer than S3MPU_ETAG_MAX */

	/* The response. */
	S3MPU_E_XML,          /* malformed or truncated XML */
	S3MPU_E_XML_SIZE,     /* document or one of its values too large */
	S3MPU_E_XML_DOCUMENT, /* well-formed, but not the document expected */
	S3MPU_E_S3,           /* the body is an S3 <Error> (see s3mpu_s3_error) */
	S3MPU_E_NOMEM,        /* an allocation failed while parsing */

	S3MPU_E_COUNT_ /* not an error: one past the last code */
};

/* A short English sentence for an error code ("bucket name invalid");
 * "unknown error" for a number that is no code. Never NULL. */
S3MPU_API const char *s3mpu_error_message(int err);
/* The stable name of an error code ("InvalidBucketName"), the JS layer's
 * error code; "" for a number that is no code. Never NULL. */
S3MPU_API const char *s3mpu_error_name(int err);

/* ===================================================================== */
/* Memory                                                                */
/* ===================================================================== */

/* Overwrite `len` bytes at `p` with zeros in a way the compiler keeps. */
S3MPU_API void s3mpu_memory_wipe(void *p, size_t len);

/* ===================================================================== */
/* Hashing                                                               */
/*                                                                       */
/* init / update / digest: `digest` does not consume the context, so a   */
/* running hash can be read and continued. Contexts may be copied with   */
/* memcpy.                                                               */
/* MD5 is BearSSL's. SHA-256 and HMAC-SHA256 are the core's own, on      */
/* purpose: signing is SHA-256 bound, and this code is faster than       */
/* BearSSL's in wasm and natively, and uses the SHA instructions of      */
/* x86-64 CPUs that have them (bench/SIZE.md, BENCHMARKS.md).            */
/* ===================================================================== */

#define S3MPU_SHA256_SIZE 32
#define S3MPU_MD5_SIZE 16

typedef struct {
	uint64_t opaque_[16];
} s3mpu_sha256;
typedef struct {
	uint64_t opaque_[16];
} s3mpu_md5;

S3MPU_API void s3mpu_sha256_init(s3mpu_sha256 *ctx);
S3MPU_API void s3mpu_sha256_update(s3mpu_sha256 *ctx, const void *data, size_t len);
S3MPU_API void s3mpu_sha256_digest(const s3mpu_sha256 *ctx, unsigned char out[S3MPU_SHA256_SIZE]);

S3MPU_API void s3mpu_md5_init(s3mpu_md5 *ctx);
S3MPU_API void s3mpu_md5_update(s3mpu_md5 *ctx, const void *data, size_t len);
S3MPU_API void s3mpu_md5_digest(const s3mpu_md5 *ctx, unsigned char out[S3MPU_MD5_SIZE]);

/*
 * MD5 of four messages at once, one in each lane (the parts of an upload
 * are independent messages). Built for WebAssembly with SIMD128 the four
 * cost about what one costs; elsewhere the same steps run in plain C,
 * about as fast as four s3mpu_md5s. Digests equal s3mpu_md5's. A lane
 * takes any lengths, but blocks run in all four lanes together: a block of
 * one lane alone costs as much as four, so feed lanes equal amounts.
 */
typedef struct {
	uint64_t opaque_[44];
} s3mpu_md5x4;

#define S3MPU_MD5X4_LANES 4

S3MPU_API void s3mpu_md5x4_init(s3mpu_md5x4 *ctx);
/* Append len[i] bytes at data[i] (NULL if len[i] is 0) to lane i's message, for each lane. */
S3MPU_API void s3mpu_md5x4_update(s3mpu_md5x4 *ctx, const void *const data[S3MPU_MD5X4_LANES],
	const size_t len[S3MPU_MD5X4_LANES]);
/* Each lane's digest so far: lane i's into out[i]. */
S3MPU_API void s3mpu_md5x4_digest(
	const s3mpu_md5x4 *ctx, unsigned char out[S3MPU_MD5X4_LANES][S3MPU_MD5_SIZE]);
/* 1 if this build hashes the lanes with SIMD instructions, else 0. */
S3MPU_API int s3mpu_md5x4_simd(void);

/*
 * HMAC-SHA256. A key context holds the key's inner and outer hash states,
 * so one key serves many messages without rehashing it. The key context
 * holds key material: wipe it when done.
 */
typedef struct {
	uint64_t opaque_[40];
} s3mpu_hmac_key;
typedef struct {
	uint64_t opaque_[64];
} s3mpu_hmac;

S3MPU_API void s3mpu_hmac_key_init(s3mpu_hmac_key *key, const void *secret, size_t len);
S3MPU_API void s3mpu_hmac_init(s3mpu_hmac *ctx, const s3mpu_hmac_key *key);
S3MPU_API void s3mpu_hmac_update(s3mpu_hmac *ctx, const void *data, size_t len);
S3MPU_API void s3mpu_hmac_digest(const s3mpu_hmac *ctx, unsigned char out[S3MPU_SHA256_SIZE]);
/* One call: out = HMAC-SHA256(secret, data). */
S3MPU_API void s3mpu_hmac_compute(const void *secret, size_t secret_len, const void *data,
	size_t len, unsigned char out[S3MPU_SHA256_SIZE]);

/*
 * CRC32 (ISO-HDLC, as zlib) and CRC32C (Castagnoli), table-driven.
 * The tables live in a caller-owned context (8 KiB each) filled once by
 * `s3mpu_crc_table_init_*`, so the core keeps no static tables. Start with crc 0;
 * the value returned is the finished CRC of everything fed so far.
 */
typedef struct {
	uint32_t opaque_[8 * 256];
} s3mpu_crc_table;

S3MPU_API void s3mpu_crc_table_init_crc32(s3mpu_crc_table *table);
S3MPU_API void s3mpu_crc_table_init_crc32c(s3mpu_crc_table *table);
S3MPU_API uint32_t s3mpu_crc_update(
	const s3mpu_crc_table *table, uint32_t crc, const void *data, size_t len);

/* ===================================================================== */
/* Encodings                                                             */
/* ===================================================================== */

/* Lower-case hex of `len` bytes into `out` (2*len chars, no NUL). */
S3MPU_API void s3mpu_hex_encode(const void *in, size_t len, char *out);
/* Standard padded base64 into `out` (4*ceil(len/3) chars, no NUL); returns that length. */
S3MPU_API size_t s3mpu_base64_encode(const void *in, size_t len, char *out);
/*
 * Strict padded base64 decode into `out` (capacity `cap`); `*out_len` gets the
 * decoded length. S3MPU_E_DIGEST on bad characters, padding or non-zero
 * trailing bits (then *out_len is 0); S3MPU_E_SPACE if cap is too small
 * (then *out_len is the size needed and nothing is written).
 */
S3MPU_API int s3mpu_base64_decode(
	const char *in, size_t len, unsigned char *out, size_t cap, size_t *out_len);

/* ===================================================================== */
/* Time                                                                  */
/* ===================================================================== */

#define S3MPU_AMZ_DATE_LEN 16 /* "YYYYMMDDTHHMMSSZ" */

/* `now` (Unix seconds) as an ISO 8601 basic date into out[16] (no NUL). */
S3MPU_API int s3mpu_time_format(int64_t now, char out[S3MPU_AMZ_DATE_LEN]);
/* "YYYYMMDDTHHMMSSZ" back to Unix seconds. S3MPU_E_DATE if malformed. */
S3MPU_API int s3mpu_time_parse(s3mpu_str amz_date, int64_t *now);
/* An HTTP Date header ("Wed, 25 Nov 2026 14:07:52 GMT", RFC 7231 IMF-fixdate)
 * to Unix seconds, for clock-skew correction. S3MPU_E_DATE if malformed. */
S3MPU_API int s3mpu_time_parse_http(s3mpu_str http_date, int64_t *now);

/* ===================================================================== */
/* Validation                                                            */
/*                                                                       */
/* Each returns S3MPU_OK or the matching S3MPU_E_* code. The builders    */
/* below call them; they are public so a UI can check input early.       */
/* ===================================================================== */

#define S3MPU_KEY_MAX 1024 /* bytes of UTF-8 */
#define S3MPU_PART_NUMBER_MAX 10000
#define S3MPU_PART_SIZE_MIN (UINT64_C(5) << 20)   /* 5 MiB */
#define S3MPU_PART_SIZE_MAX (UINT64_C(5) << 30)   /* 5 GiB */
#define S3MPU_OBJECT_SIZE_MAX (UINT64_C(5) << 40) /* 5 TiB */
#define S3MPU_EXPIRES_MAX 604800                  /* 7 days */
#define S3MPU_METADATA_MAX 2048                   /* bytes of names and values */

/* 3..63 of [a-z0-9.-], starting and ending alphanumeric, no "..",
 * not an IPv4 address, no "xn--" prefix, no "-s3alias"/"--ol-s3" suffix. */
S3MPU_API int s3mpu_bucket_validate(s3mpu_str bucket);
/* 1..1024 bytes of well-formed UTF-8 (no overlongs, no surrogates). */
S3MPU_API int s3mpu_key_validate(s3mpu_str key);
/* 1..10000 */
S3MPU_API int s3mpu_part_number_validate(uint32_t part_number);
/* A header name is an RFC 9110 token; a value has no CR, LF or NUL. */
S3MPU_API int s3mpu_header_validate(s3mpu_str name, s3mpu_str value);

/* ===================================================================== */
/* Part planning                                                         */
/* ===================================================================== */

#define S3MPU_SIZE_UNKNOWN UINT64_MAX
#define S3MPU_PART_SIZE_DEFAULT (UINT64_C(8) << 20) /* 8 MiB */

/*
 * How a body is cut into parts. Every part but the last has `part_size`
 * bytes when the total is known, so stores that want equal parts (R2) are
 * served. For a stream of unknown length the size doubles every
 * `growth_interval` parts (never above 5 GiB), so that 10,000 parts always
 * reach 5 TiB; growth_interval is 0 when `part_size` alone reaches 5 TiB.
 */
typedef struct {
	uint64_t total;           /* S3MPU_SIZE_UNKNOWN for a stream */
	uint64_t part_size;       /* size of part 1 and (known total) of every
	                           * part but the last; a body smaller than one
	                           * part is one part of its own size */
	uint32_t part_count;      /* known total only; 1 for an empty body */
	uint32_t growth_interval; /* unknown total only; 0 = constant size */
} s3mpu_plan;

/*
 * Plan for `total` bytes (or S3MPU_SIZE_UNKNOWN). `preferred` is the
 * caller's part size, 0 for S3MPU_PART_SIZE_DEFAULT; it is honoured when it
 * lies in 5 MiB..5 GiB and the object fits in 10,000 parts of it, and
 * otherwise raised to the smallest size that fits, rounded up to 1 MiB.
 * S3MPU_E_PART_SIZE if `preferred` is nonzero and outside 5 MiB..5 GiB;
 * S3MPU_E_TOO_LARGE if total exceeds S3MPU_OBJECT_SIZE_MAX.
 */
S3MPU_API int s3mpu_plan_init(s3mpu_plan *plan, uint64_t total, uint64_t preferred);
/* Size of part `part_number` (1-based); for a known total, 0 past the last. */
S3MPU_API uint64_t s3mpu_plan_part_size(const s3mpu_plan *plan, uint32_t part_number);
/* Byte offset at which part `part_number` starts. */
S3MPU_API uint64_t s3mpu_plan_part_offset(const s3mpu_plan *plan, uint32_t part_number);

/* ===================================================================== */
/* SigV4 (AWS4-HMAC-SHA256)                                              */
/* ===================================================================== */

#define S3MPU_ACCESS_KEY_MAX 128
#define S3MPU_SECRET_KEY_MAX 128
#define S3MPU_TOKEN_MAX 4096
#define S3MPU_REGION_MAX 64
#define S3MPU_SERVICE_MAX 32

/* Payload hash for requests whose body is not hashed. */
#define S3MPU_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
/* SHA-256 of the empty body. */
#define S3MPU_EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* Signing flags. */
enum {
	/* Generic AWS services: encode the path twice and remove dot segments
	 * and empty segments (RFC 3986). S3 does neither, so 0 means S3. */
	S3MPU_SIGV4_GENERIC = 1u << 0,
	/* Add x-amz-content-sha256 (the payload hash) to the signed headers.
	 * S3 requires it on header-signed requests; the builders set it. */
	S3MPU_SIGV4_CONTENT_SHA256 = 1u << 1
};

/*
 * Credentials and scope, and what the signer keeps between signatures to
 * sign faster: the signing key of the day, the SHA-256 state after the
 * head that canonical requests share, the HMAC state after the string to
 * sign's first block. Opaque, like every context. Holds the secret:
 * `s3mpu_signer_wipe` when done.
 */
typedef struct {
	uint64_t opaque_[768];
} s3mpu_signer;

/* S3MPU_E_CREDENTIALS, S3MPU_E_REGION (also for a bad service name). */
S3MPU_API int s3mpu_signer_init(s3mpu_signer *signer, s3mpu_str access_key, s3mpu_str secret_key,
	s3mpu_str session_token, s3mpu_str region, s3mpu_str service);
S3MPU_API void s3mpu_signer_wipe(s3mpu_signer *signer);

/* An HTTP request as the signer sees it. */
typedef struct {
	s3mpu_str method;
	s3mpu_str path;        /* S3: not encoded ("/my key.txt"); it is
	                        * encoded once. GENERIC: the path as sent
	                        * (already encoded); dot segments and empty
	                        * segments are removed and it is encoded
	                        * again, as AWS wants for other services. */
	const s3mpu_kv *query; /* not encoded; "?uploads" is {"uploads", ""} */
	size_t query_count;
	const s3mpu_kv *headers; /* every header to sign, Host included;
	                          * not x-amz-date, x-amz-security-token,
	                          * x-amz-content-sha256, authorization */
	size_t header_count;
	s3mpu_str payload_hash; /* lower-case hex SHA-256 or UNSIGNED-PAYLOAD */
} s3mpu_http;

/*
 * What a signature is made of, each piece pointing into the caller's
 * buffer, for sending and for debugging SignatureDoesNotMatch.
 */
typedef struct {
	char amz_date[S3MPU_AMZ_DATE_LEN];
	char signature[64]; /* lower-case hex */
	s3mpu_str canonical_request;
	s3mpu_str string_to_sign;
	s3mpu_str signed_headers; /* "host;x-amz-date" */
	s3mpu_str authorization;  /* header mode: the Authorization value */
	s3mpu_str query;          /* the encoded query string for the URL, no
	                           * '?'; presign mode: X-Amz-Signature last */
} s3mpu_signature;

/*
 * Sign `http` at time `now`. `expires` 0 signs with an Authorization header;
 * 1..604800 presigns (query authentication: the X-Amz-* parameters and the
 * token go in the query). In header mode the caller must also send
 * X-Amz-Date (sig->amz_date), x-amz-security-token when the signer has one,
 * and x-amz-content-sha256 when S3MPU_SIGV4_CONTENT_SHA256 is set.
 * Strings of `sig` are written to (buf, cap); `*need` (need may be NULL)
 * gets the bytes used, or on S3MPU_E_SPACE the bytes needed.
 * Errors: S3MPU_E_EXPIRES, S3MPU_E_HEADER, S3MPU_E_DATE, S3MPU_E_ARGUMENT.
 */
S3MPU_API int s3mpu_sigv4_sign(s3mpu_signer *signer, const s3mpu_http *http, int64_t now,
	uint32_t expires, unsigned flags, s3mpu_signature *sig, char *buf, size_t cap,
	size_t *need);

/*
 * S3 URI encoding of `in` into `out` (at most 3*len bytes): every byte but
 * A-Z a-z 0-9 - _ . ~ becomes %XX (upper-case hex); '/' is kept when
 * `keep_slash`. Returns the encoded length.
 */
S3MPU_API size_t s3mpu_uri_encode(s3mpu_str in, int keep_slash, char *out);

/* ===================================================================== */
/* Client: endpoint + signer                                             */
/* ===================================================================== */

#define S3MPU_HOST_MAX 256
#define S3MPU_DETAIL_MAX 256
#define S3MPU_STORAGE_CLASSES_MAX 256

typedef struct {
	s3mpu_str endpoint; /* "https://s3.cn-north-1.jcloudcs.com",
	                     * "http://127.0.0.1:9000"; no path */
	s3mpu_str region;   /* empty: taken from a JD Cloud or AWS host
	                     * ("s3.<region>.jcloudcs.com") */
	s3mpu_str access_key;
	s3mpu_str secret_key;
	s3mpu_str session_token; /* may be empty */
	int path_style;          /* 1: https://host/bucket/key; 0: https://bucket.host/key */
	s3mpu_str extra_storage_classes; /* comma-separated classes allowed
	                                  * besides STANDARD and REDUCED_REDUNDANCY */
} s3mpu_config;

/* The endpoint, addressing style, allowed storage classes, the signer,
 * and the sentence about the last error. Opaque. */
typedef struct {
	uint64_t opaque_[880];
} s3mpu_client;

/* S3MPU_E_ENDPOINT, S3MPU_E_REGION, S3MPU_E_CREDENTIALS, S3MPU_E_ARGUMENT. */
S3MPU_API int s3mpu_client_init(s3mpu_client *client, const s3mpu_config *config);
/* Wipe secrets; the context must be initialised again before reuse. */
S3MPU_API void s3mpu_client_wipe(s3mpu_client *client);
/* The sentence about the last error ("" after success). Never NULL. */
S3MPU_API const char *s3mpu_client_detail(const s3mpu_client *client);

/* ===================================================================== */
/* Requests for the multipart operations                                 */
/* ===================================================================== */

enum {
	/* S3's action name: method and target */
	S3MPU_OP_CREATE_MULTIPART_UPLOAD = 1, /* POST   /key?uploads */
	S3MPU_OP_UPLOAD_PART,                 /* PUT    /key?partNumber=N&uploadId=U */
	S3MPU_OP_COMPLETE_MULTIPART_UPLOAD,   /* POST   /key?uploadId=U (XML body) */
	S3MPU_OP_ABORT_MULTIPART_UPLOAD,      /* DELETE /key?uploadId=U */
	S3MPU_OP_LIST_PARTS,                  /* GET    /key?uploadId=U */
	S3MPU_OP_LIST_MULTIPART_UPLOADS,      /* GET    /?uploads */
	S3MPU_OP_PUT_OBJECT,                  /* PUT    /key */
	S3MPU_OP_HEAD_OBJECT,                 /* HEAD   /key */
	S3MPU_OP_DELETE_OBJECT                /* DELETE /key */
};

enum {
	S3MPU_CHECKSUM_NONE = 0,
	S3MPU_CHECKSUM_CRC32,
	S3MPU_CHECKSUM_CRC32C,
	S3MPU_CHECKSUM_SHA256
};

#define S3MPU_ETAG_MAX 128

/* A part: input of CompleteMultipartUpload, output of ListParts. */
typedef struct {
	uint32_t number;
	uint64_t size;             /* ListParts only */
	char etag[S3MPU_ETAG_MAX]; /* as the server sent it, quotes included */
	size_t etag_len;
	char last_modified[32]; /* ListParts only, NUL-terminated */
	char checksum[64];      /* base64 flexible checksum of the part
	                         * (x-amz-checksum-*), or empty */
	size_t checksum_len;
} s3mpu_part;

/*
 * One operation. Zero the struct, set `op` and the fields that operation
 * reads (marked), leave the rest zero.
 */
typedef struct {
	int op;                  /* S3MPU_OP_* */
	s3mpu_str bucket;        /* all */
	s3mpu_str key;           /* all but LIST_MULTIPART_UPLOADS */
	s3mpu_str upload_id;     /* UPLOAD_PART COMPLETE_MULTIPART_UPLOAD
	                          * ABORT_MULTIPART_UPLOAD LIST_PARTS */
	uint32_t part_number;    /* UPLOAD_PART */
	uint64_t content_length; /* UPLOAD_PART PUT_OBJECT: the body's size */

	/* Body integrity: UPLOAD_PART PUT_OBJECT (content_md5 also
	 * CREATE_MULTIPART_UPLOAD). */
	s3mpu_str payload_hash; /* hex SHA-256 of the body; empty: UNSIGNED-PAYLOAD */
	s3mpu_str content_md5;  /* base64 MD5 of the body, or empty */
	int checksum_algorithm; /* S3MPU_CHECKSUM_*: also
	                         * CREATE_MULTIPART_UPLOAD (declares it) and
	                         * COMPLETE_MULTIPART_UPLOAD (sends the parts'
	                         * checksums) */
	s3mpu_str checksum;     /* UPLOAD_PART PUT_OBJECT: the base64 value
	                         * (CRCs as 4 big-endian bytes) */

	/* Object headers: CREATE_MULTIPART_UPLOAD PUT_OBJECT. */
	s3mpu_str content_type; /* empty: binary/octet-stream */
	s3mpu_str cache_control;
	s3mpu_str content_disposition;
	s3mpu_str content_encoding;
	s3mpu_str expires;
	s3mpu_str storage_class;
	const s3mpu_kv *metadata; /* names without "x-amz-meta-" */
	size_t metadata_count;

	/* COMPLETE_MULTIPART_UPLOAD: ascending part numbers. */
	const s3mpu_part *parts;
	size_t part_count;

	/* LIST_PARTS. */
	uint32_t max_parts; /* 0: server default */
	uint32_t part_number_marker;
	/* LIST_MULTIPART_UPLOADS. */
	s3mpu_str prefix;
	s3mpu_str key_marker;
	s3mpu_str upload_id_marker;
	uint32_t max_uploads; /* 0: server default */

	/* 0: Authorization header. 1..604800: a presigned URL, valid that many
	 * seconds; headers listed in the result must be sent with it. */
	uint32_t presign_expires;
} s3mpu_op;

#define S3MPU_HEADERS_MAX 48

/*
 * A complete signed request. Strings point into the arena the caller gave
 * the builder. `headers` are every header to send, Host and Content-Length
 * included (a fetch() caller leaves those two to the runtime). `body` is
 * the body for COMPLETE_MULTIPART_UPLOAD and empty otherwise; for UPLOAD_PART and
 * PUT_OBJECT the caller sends its own `content_length` bytes.
 */
typedef struct {
	s3mpu_str method;
	s3mpu_str url;
	s3mpu_kv headers[S3MPU_HEADERS_MAX];
	size_t header_count;
	s3mpu_str body;
	s3mpu_signature signature; /* what was signed, for debugging */
} s3mpu_request;

/*
 * Validate `op` and build its signed request at time `now`.
 * Strings go to (arena, cap), or point into `op`'s own strings; `*need`
 * (need may be NULL) gets the bytes used, or on S3MPU_E_SPACE at least the
 * bytes needed. 16 KiB is enough for every operation but a
 * CompleteMultipartUpload of many parts (about 100 bytes a part more).
 * Addressing is virtual-hosted (bucket.host) unless the client asks for
 * path style, or the endpoint is an IP address, or a bucket with dots
 * goes over https (the certificate cannot cover it).
 * Errors: any input error above, each with a detail sentence in `client`.
 */
S3MPU_API int s3mpu_request_build(s3mpu_client *client, const s3mpu_op *op, int64_t now,
	s3mpu_request *req, char *arena, size_t cap, size_t *need);

/* Presigned UploadPart URLs of one upload for many parts: the request of
 * `op`'s own part, and where its part number's digits are in its URL. */
typedef struct {
	s3mpu_request request;
	size_t number_at, number_len;
} s3mpu_presigned_parts;

/*
 * Presign `op`, an UPLOAD_PART with presign_expires set, as s3mpu_request_build
 * does into presigned->request, and the same URL for each of numbers[count]:
 * its signature (64 lower-case hex) goes to signatures + 64 * i. The URL of
 * part numbers[i] is presigned->request.url with the number_len bytes at
 * number_at replaced by the decimal numbers[i], and its last 64 bytes (the
 * signature) by that signature. Much cheaper than s3mpu_request_build per part:
 * only the tail of each canonical request is hashed.
 * Errors: those of s3mpu_request_build; S3MPU_E_PART_NUMBER for a number outside
 * 1..10000; S3MPU_E_ARGUMENT when `op` is no presigned UploadPart.
 */
S3MPU_API int s3mpu_request_presign_parts(s3mpu_client *client, const s3mpu_op *op, int64_t now,
	const uint32_t *numbers, size_t count, char *signatures, s3mpu_presigned_parts *presigned,
	char *arena, size_t cap, size_t *need);

/* ===================================================================== */
/* POST policy: browser form uploads (SigV4 POST Object)                 */
/*                                                                       */
/* A page posts a multipart/form-data form to the bucket's URL: the      */
/* fields below, then the file as the last field ("file"). The policy    */
/* (JSON, sent in base64) lists what the form may do and when it         */
/* expires; its signature proves the holder of the secret allowed it.    */
/* Spec: "Browser-Based Uploads Using POST (AWS Signature Version 4)" and */
/* "POST Policy" in the S3 API reference.                                */
/* ===================================================================== */

#define S3MPU_POST_FIELDS_MAX 64
#define S3MPU_POST_SIZE_MAX (UINT64_C(5) << 30) /* S3 takes at most 5 GiB by POST */

/* A form field of the caller's own ("acl", "success_action_status",
 * "x-amz-server-side-encryption", ...): a token name that is none of the
 * fields the builder writes, a value of at most 1024 bytes of UTF-8. */
typedef struct {
	s3mpu_str name;
	s3mpu_str value; /* its value in the form */
	int starts_with; /* 1: the form may send any value starting with
	                  * `value` (policy "starts-with"); 0: exactly it */
} s3mpu_post_field;

/* What a form may upload. Zero it and set what applies. */
typedef struct {
	s3mpu_str bucket;
	s3mpu_str key; /* the object's key; with key_is_prefix the
	                           * prefix every key must start with (may be
	                           * empty) and the form's key field is
	                           * prefix + "${filename}" (S3 puts the file's
	                           * name there; the page may set another key
	                           * with the same prefix) */
	int key_is_prefix;
	uint32_t expires;           /* seconds the form stays valid, 1..604800 */
	uint64_t length_min;        /* content-length-range, when length_max > 0: */
	uint64_t length_max;        /* the file's size in bytes, at most 5 GiB */
	s3mpu_str content_type;     /* the form's Content-Type; empty: none (S3
	                           * then stores binary/octet-stream) */
	int content_type_is_prefix; /* 1: any type starting with content_type */
	const s3mpu_kv *metadata;   /* names without "x-amz-meta-", as s3mpu_op */
	size_t metadata_count;
	int checksum_algorithm; /* S3MPU_CHECKSUM_*, with `checksum` (base64):
	                           * the store refuses a file of another sum */
	s3mpu_str checksum;
	const s3mpu_post_field *fields;
	size_t field_count;
} s3mpu_post_policy;

/*
 * The signed form. Strings point into the caller's arena. `fields` are in
 * the order to send them, "policy" and "x-amz-signature" last; the file
 * follows them. `policy` is the document itself (the "policy" field is its
 * base64), for debugging a refusal.
 */
typedef struct {
	s3mpu_str url; /* POST the form here */
	s3mpu_kv fields[S3MPU_POST_FIELDS_MAX];
	size_t field_count;
	s3mpu_str policy;
	char expiration[24]; /* "2015-12-30T12:00:00.000Z" */
	char signature[64];  /* lower-case hex */
} s3mpu_post_form;

/*
 * Validate `policy` and build its signed form at time `now`, for `client`'s
 * endpoint (addressing as s3mpu_request_build). Strings go to (arena, cap); `*need`
 * (need may be NULL) gets the bytes used, or on S3MPU_E_SPACE the bytes
 * needed. Errors: S3MPU_E_BUCKET, S3MPU_E_KEY, S3MPU_E_EXPIRES,
 * S3MPU_E_HEADER (content type or a field), S3MPU_E_METADATA,
 * S3MPU_E_DIGEST, S3MPU_E_ARGUMENT (length range, too many fields), each
 * with a detail sentence in `client`.
 */
S3MPU_API int s3mpu_post_build(s3mpu_client *client, const s3mpu_post_policy *policy, int64_t now,
	s3mpu_post_form *form, char *arena, size_t cap, size_t *need);

/*
 * The signature of a policy already in base64 (the string to sign is the
 * base64 text itself), with the signing key of the day of `now`: for
 * policies written by hand. S3MPU_E_DATE, S3MPU_E_ARGUMENT.
 */
S3MPU_API int s3mpu_post_sign(
	s3mpu_signer *signer, int64_t now, s3mpu_str policy_base64, char signature[64]);

/* ===================================================================== */
/* Responses                                                             */
/*                                                                       */
/* Each parser takes the body (any bytes; it need not be NUL-terminated),*/
/* accepts documents with or without the S3 namespace, and either fills  */
/* its result completely or returns an error: S3MPU_E_XML (malformed or  */
/* truncated), S3MPU_E_XML_SIZE (document over one of the limits below,*/
/* or a value too long for its field), S3MPU_E_XML_DOCUMENT (another     */
/* root element,                                                         */
/* a required element missing or not a number), S3MPU_E_NOMEM, or       */
/* S3MPU_E_S3 when the body is an <Error> document, which is then parsed */
/* into `err` (may be NULL).                                             */
/* ===================================================================== */

/* Limits of a response, checked before a tree is built: a flood of tiny
 * elements costs ~30 times its size in nodes (8 MiB of <a/> took 250 MiB). */
#define S3MPU_XML_MAX (8u << 20)
/* Tags, comments, CDATA and <?...?>: twice the ~130,000 elements of a
 * 10,000-upload ListMultipartUploads page, the largest one a store sends. */
#define S3MPU_XML_NODES_MAX (1u << 18)
/* Elements open at once: S3's answers nest 4 deep. */
#define S3MPU_XML_DEPTH_MAX 32
/* Entries (<Part>, <Upload>) in one list page: MinIO sends up to 10,000
 * (AWS and Ceph RGW up to 1,000). */
#define S3MPU_XML_LIST_MAX 10000
#define S3MPU_UPLOAD_ID_MAX 1024

typedef struct {
	char code[64];
	char message[512];
	char request_id[128];
	char host_id[256];
	char string_to_sign[1024];    /* when the server sends it (truncated to fit) */
	char canonical_request[2048]; /* idem */
} s3mpu_s3_error;                     /* all NUL-terminated, "" when absent */

/* Any <Error> document: S3MPU_OK with `err` (not NULL) filled;
 * S3MPU_E_XML_DOCUMENT for a well-formed document of another kind. */
S3MPU_API int s3mpu_response_parse_error(const char *xml, size_t len, s3mpu_s3_error *err);

typedef struct {
	char bucket[64];
	char key[S3MPU_KEY_MAX + 1];
	char upload_id[S3MPU_UPLOAD_ID_MAX + 1]; /* NUL-terminated */
} s3mpu_create_multipart_upload_result;

S3MPU_API int s3mpu_response_parse_create_multipart_upload(const char *xml, size_t len,
	s3mpu_create_multipart_upload_result *res, s3mpu_s3_error *err);

typedef struct {
	char location[2048]; /* may be empty or not a URL (Ceph RGW) */
	char bucket[64];
	char key[S3MPU_KEY_MAX + 1];
	char etag[S3MPU_ETAG_MAX]; /* may be empty (Ceph RGW) */
} s3mpu_complete_multipart_upload_result;

/* A 200 response to CompleteMultipartUpload may still carry an <Error>:
 * S3MPU_E_S3. */
S3MPU_API int s3mpu_response_parse_complete_multipart_upload(const char *xml, size_t len,
	s3mpu_complete_multipart_upload_result *res, s3mpu_s3_error *err);

typedef struct {
	s3mpu_part *parts; /* caller's array ... */
	size_t part_cap;   /* ... of this many */
	size_t part_count; /* set: parts in the document */
	int is_truncated;
	uint32_t next_part_number_marker;
} s3mpu_list_parts_result;

/* S3MPU_E_SPACE when the document holds more than part_cap parts
 * (part_count then says how many). */
S3MPU_API int s3mpu_response_parse_list_parts(
	const char *xml, size_t len, s3mpu_list_parts_result *res, s3mpu_s3_error *err);

typedef struct {
	char key[S3MPU_KEY_MAX + 1];
	char upload_id[S3MPU_UPLOAD_ID_MAX + 1];
	char initiated[32];
	char storage_class[32];
} s3mpu_upload;

typedef struct {
	s3mpu_upload *uploads; /* caller's array ... */
	size_t upload_cap;     /* ... of this many */
	size_t upload_count;   /* set: uploads in the document */
	int is_truncated;
	char next_key_marker[S3MPU_KEY_MAX + 1];
	char next_upload_id_marker[S3MPU_UPLOAD_ID_MAX + 1];
} s3mpu_list_multipart_uploads_result;

/* S3MPU_E_SPACE when the document holds more than upload_cap uploads
 * (upload_count then says how many). */
S3MPU_API int s3mpu_response_parse_list_multipart_uploads(
	const char *xml, size_t len, s3mpu_list_multipart_uploads_result *res, s3mpu_s3_error *err);

/* ===================================================================== */
/* Retry policy                                                          */
/* ===================================================================== */

enum {
	S3MPU_RETRY_NO = 0, /* final: report it */
	S3MPU_RETRY_YES,    /* transient: back off (full jitter) and retry */
	S3MPU_RETRY_SKEW    /* clock skew: take the offset from the response's
	                     * Date header, re-sign, retry once */
};

/* How to treat a response with HTTP `status` and S3 error `code` (may be
 * empty): RequestTimeTooSkewed, RequestExpired, RequestInTheFuture are
 * skew (whatever the status); SlowDown, RequestTimeout, InternalError,
 * BadDigest, XAmzContentSHA256Mismatch are transient at any status (also
 * in a 200: Complete's late error); other 5xx but 501 (NotImplemented)
 * are transient; everything else is final. A network error has no status:
 * the caller decides (the JS layer retries it). */
S3MPU_API int s3mpu_retry_classify(int status, s3mpu_str code);

/* ===================================================================== */
/* Multipart ETag                                                        */
/* ===================================================================== */

/*
 * The ETag S3 gives a multipart object: hex(MD5(MD5(part 1) .. MD5(part N)))
 * followed by "-N". Feed each part's raw 16-byte MD5 in order with
 * `s3mpu_md5_update` into a context started by `s3mpu_md5_init`, then call
 * this with the number of parts. Writes the ETag, without quotes, to `out`
 * (at most 32 + 1 + 5 chars, no NUL); returns its length, or 0 (writing
 * nothing) when part_count is 0 or above 10,000.
 */
S3MPU_API size_t s3mpu_multipart_etag_format(
	const s3mpu_md5 *md5_of_md5s, uint32_t part_count, char out[38]);

#ifdef __cplusplus
}
#endif

#endif /* S3MPU_H */
