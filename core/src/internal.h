/*
 * internal.h -- helpers shared by the core's source files. Not installed.
 */
#ifndef S3MPU_INTERNAL_H
#define S3MPU_INTERNAL_H

#include "s3mpu.h"
#include <string.h>

/*
 * An output buffer that keeps counting past its capacity, so one pass tells
 * both whether the output fit and how much room it needed.
 */
typedef struct {
	char *p;
	size_t cap;
	size_t len; /* bytes wanted so far; only min(len, cap) were written */
} s3mpu_buf;

static inline void buf_init(s3mpu_buf *o, char *p, size_t cap)
{
	o->p = p;
	o->cap = p ? cap : 0;
	o->len = 0;
}

static inline void buf_bytes(s3mpu_buf *o, const void *s, size_t n)
{
	if (n != 0 && o->len < o->cap) { /* s may be NULL when n is 0 */
		size_t room = o->cap - o->len;
		memcpy(o->p + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static inline void buf_char(s3mpu_buf *o, char c)
{
	if (o->len < o->cap)
		o->p[o->len] = c;
	o->len++;
}

static inline void buf_str(s3mpu_buf *o, s3mpu_str s) { buf_bytes(o, s.ptr, s.len); }
static inline void buf_cstr(s3mpu_buf *o, const char *s) { buf_bytes(o, s, strlen(s)); }
static inline int buf_fits(const s3mpu_buf *o) { return o->len <= o->cap; }

/* The `len` bytes written at `off` (valid only when the output fit; a
 * size probe has no buffer, and arithmetic on NULL is undefined). */
static inline s3mpu_str buf_at(const s3mpu_buf *o, size_t off, size_t len)
{
	s3mpu_str s;
	s.ptr = o->p ? o->p + off : NULL;
	s.len = len;
	return s;
}

/* The string written since `start` (idem). */
static inline s3mpu_str buf_since(const s3mpu_buf *o, size_t start)
{
	return buf_at(o, start, o->len - start);
}

static inline int str_eq(s3mpu_str a, s3mpu_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* ASCII-only case folding, as HTTP header names want. */
static inline char ascii_lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? (char)(c + ('a' - 'A')) : c;
}

int str_ieq(s3mpu_str a, s3mpu_str b);

/* An s3mpu_str initializer for a string literal (S3MPU_LIT is an expression). */
/* clang-format off */
#define STR_INIT(s) { (s), sizeof(s) - 1 }
/* clang-format on */

/* A flexible checksum S3 knows (S3MPU_CHECKSUM_*), in every form it takes. */
typedef struct {
	s3mpu_str name;    /* the x-amz-checksum-algorithm value: "CRC32" */
	s3mpu_str header;  /* the header with a body's value: "x-amz-checksum-crc32" */
	s3mpu_str element; /* a part's value in Complete and ListParts: "ChecksumCRC32" */
	size_t size;       /* bytes of the digest (base64-encoded in all three) */
} checksum_kind;

/* The row of S3MPU_CHECKSUM_CRC32..S3MPU_CHECKSUM_SHA256; NULL for others. */
static inline const checksum_kind *checksum_kind_of(int algorithm)
{
	/* clang-format off */
	static const checksum_kind kinds[] = {
		{ STR_INIT("CRC32"),  STR_INIT("x-amz-checksum-crc32"),  STR_INIT("ChecksumCRC32"),  4 },
		{ STR_INIT("CRC32C"), STR_INIT("x-amz-checksum-crc32c"), STR_INIT("ChecksumCRC32C"), 4 },
		{ STR_INIT("SHA256"), STR_INIT("x-amz-checksum-sha256"), STR_INIT("ChecksumSHA256"), S3MPU_SHA256_SIZE },
	};
	/* clang-format on */
	if (algorithm < S3MPU_CHECKSUM_CRC32 || algorithm > S3MPU_CHECKSUM_SHA256)
		return NULL;
	return &kinds[algorithm - S3MPU_CHECKSUM_CRC32];
}

/* ------------------------------------------------------------------ */
/* The layouts behind the opaque contexts of s3mpu.h                    */
/* ------------------------------------------------------------------ */

#define SIGNER_PREFIX_MAX 512 /* bytes of canonical request head kept */

typedef struct {
	char access_key[S3MPU_ACCESS_KEY_MAX];
	size_t access_key_len;
	unsigned char secret_key[S3MPU_SECRET_KEY_MAX];
	size_t secret_key_len;
	char token[S3MPU_TOKEN_MAX];
	size_t token_len;
	char region[S3MPU_REGION_MAX];
	size_t region_len;
	char service[S3MPU_SERVICE_MAX];
	size_t service_len;
	char key_date[8]; /* YYYYMMDD of the cached key; zeros if none */
	s3mpu_hmac_key signing_key;
	/* The head of a recent canonical request, and the SHA-256 state after
	 * the whole 64-byte blocks of it that requests shared: a request that
	 * starts with those blocks (the presigned parts of one upload differ
	 * from partNumber on) hashes only the rest. */
	unsigned char prefix[SIGNER_PREFIX_MAX];
	size_t prefix_len; /* bytes of prefix kept */
	size_t state_len;  /* a multiple of 64, <= prefix_len; 0: no state */
	s3mpu_sha256 prefix_state;
	/* The string to sign's first block (algorithm, time, scope) and the
	 * HMAC state after it, for the signatures of one second. */
	char sts_head[64];
	int sts_kept;
	s3mpu_hmac sts_state;
} signer_state;

typedef struct {
	int https;
	char host[S3MPU_HOST_MAX]; /* lower case, ":port" kept unless default */
	size_t host_len;
	int path_style;
	char storage_classes[S3MPU_STORAGE_CLASSES_MAX];
	size_t storage_classes_len;
	s3mpu_signer signer;
	char detail[S3MPU_DETAIL_MAX]; /* NUL-terminated sentence about the last error */
} client_state;

static inline signer_state *signer_of(s3mpu_signer *s)
{
	return (signer_state *)(void *)s->opaque_;
}

static inline client_state *client_of(s3mpu_client *c)
{
	return (client_state *)(void *)c->opaque_;
}

static inline const client_state *client_of_const(const s3mpu_client *c)
{
	return (const client_state *)(const void *)c->opaque_;
}

/* md5x4.c: four MD5 states side by side, word-major so a vector load
 * takes one word of all four lanes. */
typedef struct {
	uint32_t h[4][4];         /* h[word][lane]: A, B, C, D of each lane */
	uint64_t len[4];          /* bytes fed to each lane */
	unsigned char buf[4][64]; /* each lane's partial block: len % 64 bytes */
} md5x4_state;

static inline md5x4_state *md5x4_of(s3mpu_md5x4 *c) { return (md5x4_state *)(void *)c->opaque_; }

/* client.c: leave "before"value"after" as the client's detail; returns err.
 * A value with a NULL pointer is left out. */
int client_fail(client_state *c, int err, const char *before, s3mpu_str value, const char *after);

/* encode.c: decimal digits of `v` into out[DECIMAL_MAX] (no NUL); returns
 * their count. */
#define DECIMAL_MAX 20
size_t decimal_format(uint64_t v, char *out);

static inline void buf_decimal(s3mpu_buf *b, uint64_t v)
{
	char d[DECIMAL_MAX];
	buf_bytes(b, d, decimal_format(v, d));
}

/* hmac.c: erase what held key material; a plain memset that an empty asm
 * keeps (the object is about to die), cheaper than s3mpu_memory_wipe's byte loop
 * on the signing path. */
void wipe_fast(void *p, size_t len);

/* hmac.c: HMAC-SHA256 of `data` under a prepared key, its working state
 * erased after (cheaper than an s3mpu_hmac context and s3mpu_memory_wipe). */
void hmac_once(const s3mpu_hmac_key *key, const void *data, size_t len,
	unsigned char out[S3MPU_SHA256_SIZE]);
/* hmac.c: the same, going on from a kept context (which stays as it was). */
void hmac_resume(
	const s3mpu_hmac *kept, const void *data, size_t len, unsigned char out[S3MPU_SHA256_SIZE]);

/* sigv4.c: HMAC-SHA256 of `msg` under the signer's key of day `date`
 * (YYYYMMDD), derived once per day: a POST policy's signature. */
void sigv4_day_hmac(s3mpu_signer *signer, const char date[8], const void *msg, size_t len,
	unsigned char out[S3MPU_SHA256_SIZE]);

/* sigv4.c: the signatures (64 hex each, to out + 64 * i) of the requests
 * that differ from the one `sig` signed only in the decimal digits at
 * offset `at` (`len` bytes) of its canonical request, which become
 * numbers[i]: the canonical request's head is hashed once, each signature
 * hashes only the rest (presigning the parts of one upload). */
void sigv4_sign_numbers(s3mpu_signer *signer, const s3mpu_signature *sig, size_t at, size_t len,
	const uint32_t *numbers, size_t count, char *out);

/* build.c: validate an operation as s3mpu_request_build does, leaving a detail
 * sentence in `c`. */
int build_check_op(client_state *c, const s3mpu_op *op);
/* build.c: 1 when `bucket` goes in the path rather than the host. */
int use_path_style(const client_state *c, s3mpu_str bucket);

/* uri.c */
int uri_unreserved(unsigned char c);
/* Append the S3 URI encoding of `in`. */
void buf_uri(s3mpu_buf *o, s3mpu_str in, int keep_slash);
/* Order of the encodings of a and b (no slash kept), without building them. */
int uri_compare_encoded(s3mpu_str a, s3mpu_str b);

#endif
