/*
 * upload.c -- upload a file to S3 in a multipart upload whose parts go out
 * in parallel, with the s3mpu core (signing, XML, part planning, retry
 * policy; it does no I/O) and libcurl (http and https; the curl multi
 * interface sends several parts at once). Uses only <s3mpu.h>.
 *
 *   export S3MPU_ACCESS_KEY_ID=... S3MPU_SECRET_ACCESS_KEY=... [S3MPU_SESSION_TOKEN=...]
 *   s3mpu-c-upload FILE s3://BUCKET/KEY --endpoint URL [--region R]
 *       [--part-size BYTES] [--parallel N] [--max-rate BYTES_PER_S] [--path-style]
 *       [--cacert FILE]
 *
 * Steps: plan the parts (s3mpu_plan_init), CreateMultipartUpload, UploadPart
 * for up to N parts at a time (each read with pread and hashed for
 * Content-MD5, and kept in memory until sent so a retry can re-send it:
 * memory is N x part size), CompleteMultipartUpload, then HeadObject, whose
 * ETag must be the multipart ETag computed here (s3mpu_multipart_etag_format).
 * Transient errors are retried with backoff; a skewed clock is corrected
 * from the server's Date header. Any failure after Create, and SIGINT
 * (Ctrl-C) or SIGTERM, aborts the upload on the server so no parts are
 * left behind (exit status 1, or 128 + the signal). Prints the ETag.
 *
 * Build against an installed s3mpu (see README.md):
 *   cc -o s3mpu-c-upload upload.c $(pkg-config --cflags --libs s3mpu libcurl)
 * or with CMake: find_package(s3mpu) and this directory's CMakeLists.txt.
 */
#define _POSIX_C_SOURCE 200809L

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <s3mpu.h>

#define TRIES 4
#define RESPONSE_MAX (1u << 20) /* S3's answers here are small XML documents */
#define PARALLEL_DEFAULT 4
#define PARALLEL_MAX 64

/* Set by SIGINT/SIGTERM; the transfer loop polls it. A signal handler can
 * only store to such a variable, so it is global. */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig) { stop_signal = sig; }

/* One HTTP exchange on a reusable curl handle: the request body going out,
 * the response (status, ETag and Date headers, body) coming in. */
typedef struct {
	CURL *curl;
	struct curl_slist *headers;
	const unsigned char *body;
	size_t body_len, body_pos;
	char *resp; /* response body, up to RESPONSE_MAX; NUL-terminated */
	size_t resp_len;
	char etag[S3MPU_ETAG_MAX];
	size_t etag_len;
	char date[64];
	long status;
	char error[CURL_ERROR_SIZE];
} exchange;

typedef struct {
	s3mpu_client client;
	int64_t clock_offset; /* server time minus ours, learnt from a skew error */
	char *arena;          /* the builder's buffer, grown on demand */
	size_t arena_cap;
	long max_rate;      /* bytes/s per transfer; 0: unlimited */
	const char *cacert; /* CA certificates (PEM) to trust instead of the system's */
} session;

/* A part in flight: its bytes (kept for retries), exchange and retry state. */
typedef struct {
	exchange x;
	unsigned char *buf;
	uint32_t number; /* 0: the slot is free */
	int tries, skew_fixed, in_multi;
	int64_t retry_at_ms; /* waiting to be re-sent at this time; 0: not waiting */
	char md5_b64[25];
} slot;

enum {
	OUTCOME_OK,
	OUTCOME_FAIL,
	OUTCOME_RETRY,
	OUTCOME_RETRY_NOW
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Up to 2^try * 100 ms, uniformly (full jitter). */
static int64_t backoff_ms(int try) { return rand() % (100 << try); }

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
	exchange *x = user;
	char *more;
	if (size * n > RESPONSE_MAX - x->resp_len)
		return 0; /* curl fails the transfer: a bounded answer is expected */
	more = realloc(x->resp, x->resp_len + size * n + 1);
	if (!more)
		return 0;
	x->resp = more;
	memcpy(x->resp + x->resp_len, p, size * n);
	x->resp_len += size * n;
	x->resp[x->resp_len] = 0;
	return size * n;
}

/* Keeps the ETag and Date headers, the only ones this program reads. */
static size_t on_header(char *p, size_t size, size_t n, void *user)
{
	exchange *x = user;
	size_t len = size * n, name_len;
	const char *colon = memchr(p, ':', len), *v, *end = p + len;
	if (!colon)
		return len;
	name_len = (size_t)(colon - p);
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
		end--;
	if (name_len == 4 && strncasecmp(p, "etag", 4) == 0 && (size_t)(end - v) < S3MPU_ETAG_MAX) {
		memcpy(x->etag, v, (size_t)(end - v));
		x->etag_len = (size_t)(end - v);
	} else if (name_len == 4 && strncasecmp(p, "date", 4) == 0 &&
		(size_t)(end - v) < sizeof x->date) {
		memcpy(x->date, v, (size_t)(end - v));
		x->date[end - v] = 0;
	}
	return len;
}

static size_t on_read(char *p, size_t size, size_t n, void *user)
{
	exchange *x = user;
	size_t take = x->body_len - x->body_pos;
	if (take > size * n)
		take = size * n;
	memcpy(p, x->body + x->body_pos, take);
	x->body_pos += take;
	return take;
}

/* Sign `op` into s->arena, growing it when the builder asks for more
 * (a Complete of many parts). */
static int build(session *s, const s3mpu_op *op, s3mpu_request *req, const char *what)
{
	size_t need = 0;
	int64_t now = (int64_t)time(NULL) + s->clock_offset;
	int rc = s3mpu_request_build(&s->client, op, now, req, s->arena, s->arena_cap, &need);
	if (rc == S3MPU_E_SPACE) {
		char *bigger = realloc(s->arena, need);
		if (!bigger) {
			fprintf(stderr, "%s: out of memory\n", what);
			return -1;
		}
		s->arena = bigger;
		s->arena_cap = need;
		rc = s3mpu_request_build(&s->client, op, now, req, s->arena, s->arena_cap, NULL);
	}
	if (rc != S3MPU_OK) {
		fprintf(stderr, "%s: %s: %s\n", what, s3mpu_error_message(rc),
			s3mpu_client_detail(&s->client));
		return -1;
	}
	return 0;
}

/* The headers exactly as built (curl's own Accept and Expect turned off). */
static int set_headers(exchange *x, const s3mpu_request *req)
{
	char line[8192];
	size_t i;
	curl_slist_free_all(x->headers);
	x->headers = curl_slist_append(NULL, "Accept:");
	if (x->headers && !curl_slist_append(x->headers, "Expect:"))
		return -1;
	for (i = 0; x->headers && i < req->header_count; i++) {
		const s3mpu_kv *h = &req->headers[i];
		snprintf(line, sizeof line, "%.*s: %.*s", (int)h->name.len, h->name.ptr,
			(int)h->value.len, h->value.ptr);
		if (!curl_slist_append(x->headers, line))
			return -1;
	}
	return x->headers ? 0 : -1;
}

/* Build and sign `op` and set up `x` to send it with `body` (UploadPart),
 * the request's own body (Complete) or none. */
static int prepare(
	session *s, const s3mpu_op *op, const void *body, size_t len, exchange *x, const char *what)
{
	char method[8], *url;
	s3mpu_request req;
	if (build(s, op, &req, what))
		return -1;
	if (req.body.len) { /* points into the arena: sent before the next build */
		body = req.body.ptr;
		len = req.body.len;
	}
	url = malloc(req.url.len + 1); /* curl copies it */
	if (!url || req.method.len >= sizeof method || set_headers(x, &req)) {
		free(url);
		fprintf(stderr, "%s: out of memory\n", what);
		return -1;
	}
	memcpy(url, req.url.ptr, req.url.len);
	url[req.url.len] = 0;
	memcpy(method, req.method.ptr, req.method.len);
	method[req.method.len] = 0;
	x->body = body;
	x->body_len = len;
	x->body_pos = x->resp_len = x->etag_len = 0;
	x->date[0] = x->error[0] = 0;
	x->status = 0;
	curl_easy_reset(x->curl);
	curl_easy_setopt(x->curl, CURLOPT_URL, url);
	curl_easy_setopt(x->curl, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(x->curl, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(x->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->curl, CURLOPT_ERRORBUFFER, x->error);
	curl_easy_setopt(x->curl, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(x->curl, CURLOPT_LOW_SPEED_LIMIT, 1L); /* a stalled server: */
	curl_easy_setopt(x->curl, CURLOPT_LOW_SPEED_TIME, 60L); /* give up after 60 s */
	curl_easy_setopt(x->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(x->curl, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(x->curl, CURLOPT_HEADERDATA, x);
	if (s->cacert)
		curl_easy_setopt(x->curl, CURLOPT_CAINFO, s->cacert);
	if (strcmp(method, "HEAD") == 0) {
		curl_easy_setopt(x->curl, CURLOPT_NOBODY, 1L);
	} else if (strcmp(method, "PUT") == 0 || strcmp(method, "POST") == 0) {
		curl_easy_setopt(x->curl, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(x->curl, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(x->curl, CURLOPT_READDATA, x);
		curl_easy_setopt(x->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
		if (s->max_rate > 0)
			curl_easy_setopt(
				x->curl, CURLOPT_MAX_SEND_SPEED_LARGE, (curl_off_t)s->max_rate);
	}
	free(url);
	return 0;
}

/* What to do after an exchange ended with `res`: done, give up, or retry
 * (now, after a clock fix, or after a backoff), as the core's policy says. */
static int outcome(session *s, exchange *x, CURLcode res, int *skew_fixed, const char *what)
{
	s3mpu_s3_error err;
	int64_t server;
	int cls;
	if (res != CURLE_OK) {
		fprintf(stderr, "%s: %s\n", what, x->error[0] ? x->error : curl_easy_strerror(res));
		/* A certificate or URL that is wrong now stays wrong; the network may recover. */
		return res == CURLE_PEER_FAILED_VERIFICATION || res == CURLE_SSL_CACERT_BADFILE ||
				res == CURLE_UNSUPPORTED_PROTOCOL || res == CURLE_URL_MALFORMAT
			? OUTCOME_FAIL
			: OUTCOME_RETRY;
	}
	curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &x->status);
	if (x->status >= 200 && x->status < 300)
		return OUTCOME_OK;
	memset(&err, 0, sizeof err);
	s3mpu_response_parse_error(x->resp ? x->resp : "", x->resp_len, &err);
	fprintf(stderr, "%s: HTTP %ld %s %s\n", what, x->status, err.code, err.message);
	cls = s3mpu_retry_classify((int)x->status, s3mpu_str_from_cstr(err.code));
	if (cls == S3MPU_RETRY_SKEW && !*skew_fixed &&
		s3mpu_time_parse_http(s3mpu_str_from_cstr(x->date), &server) == S3MPU_OK) {
		s->clock_offset = server - (int64_t)time(NULL);
		*skew_fixed = 1;
		fprintf(stderr, "%s: clock off by %lld s; re-signing\n", what,
			(long long)s->clock_offset);
		return OUTCOME_RETRY_NOW;
	}
	return cls == S3MPU_RETRY_YES ? OUTCOME_RETRY : OUTCOME_FAIL;
}

/* One request, blocking, retried as the policy allows. 0 with a 2xx answer in `x`. */
static int call(session *s, const s3mpu_op *op, exchange *x, const char *what)
{
	int try, skew_fixed = 0;
	for (try = 0; try < TRIES; try++) {
		int o;
		if (prepare(s, op, NULL, 0, x, what))
			return -1;
		o = outcome(s, x, curl_easy_perform(x->curl), &skew_fixed, what);
		if (o == OUTCOME_OK)
			return 0;
		if (o == OUTCOME_FAIL)
			return -1;
		if (o == OUTCOME_RETRY) {
			struct timespec ts = { 0, 0 };
			int64_t ms = backoff_ms(try);
			ts.tv_sec = (time_t)(ms / 1000);
			ts.tv_nsec = (long)(ms % 1000) * 1000000L;
			nanosleep(&ts, NULL);
		}
	}
	return -1;
}

static s3mpu_op op_for(int kind, const char *bucket, const char *key, const char *upload_id)
{
	s3mpu_op op;
	memset(&op, 0, sizeof op);
	op.op = kind;
	op.bucket = s3mpu_str_from_cstr(bucket);
	op.key = s3mpu_str_from_cstr(key);
	op.upload_id = s3mpu_str_from_cstr(upload_id);
	return op;
}

/* The upload in progress: what every part request needs. */
typedef struct {
	session *s;
	CURLM *multi;
	int fd;
	const s3mpu_plan *plan;
	const char *bucket, *key, *upload_id;
	s3mpu_part *parts;                     /* for Complete, by part number */
	unsigned char (*md5s)[S3MPU_MD5_SIZE]; /* for the ETag, by part number */
} upload;

/* Sign the slot's part and hand it to curl multi. */
static int slot_send(upload *u, slot *sl)
{
	char what[32];
	s3mpu_op op = op_for(S3MPU_OP_UPLOAD_PART, u->bucket, u->key, u->upload_id);
	snprintf(what, sizeof what, "UploadPart %u", sl->number);
	op.part_number = sl->number;
	op.content_length = s3mpu_plan_part_size(u->plan, sl->number);
	op.content_md5 = (s3mpu_str){ sl->md5_b64, strlen(sl->md5_b64) };
	if (prepare(u->s, &op, sl->buf, (size_t)op.content_length, &sl->x, what))
		return -1;
	sl->retry_at_ms = 0;
	sl->in_multi = curl_multi_add_handle(u->multi, sl->x.curl) == CURLM_OK;
	return sl->in_multi ? 0 : -1;
}

/* Read part `number` into the slot (pread: parts finish in any order),
 * hash it for Content-MD5, and send it. */
static int slot_start(upload *u, slot *sl, uint32_t number)
{
	uint64_t size = s3mpu_plan_part_size(u->plan, number), got = 0;
	off_t offset = (off_t)s3mpu_plan_part_offset(u->plan, number);
	s3mpu_md5 md5;
	while (got < size) {
		ssize_t r = pread(u->fd, sl->buf + got, (size_t)(size - got), offset + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "part %u: read failed or the file shrank: %s\n", number,
				r < 0 ? strerror(errno) : "end of file");
			return -1;
		}
		got += (uint64_t)r;
	}
	s3mpu_md5_init(&md5);
	s3mpu_md5_update(&md5, sl->buf, (size_t)size);
	s3mpu_md5_digest(&md5, u->md5s[number - 1]);
	s3mpu_base64_encode(u->md5s[number - 1], S3MPU_MD5_SIZE, sl->md5_b64);
	sl->md5_b64[24] = 0;
	sl->number = number;
	sl->tries = sl->skew_fixed = 0;
	return slot_send(u, sl);
}

/* A part's transfer ended: record its ETag (1), schedule a retry (0), or fail (-1). */
static int slot_finish(upload *u, slot *sl, CURLcode res)
{
	char what[32];
	int o;
	snprintf(what, sizeof what, "UploadPart %u", sl->number);
	curl_multi_remove_handle(u->multi, sl->x.curl);
	sl->in_multi = 0;
	o = outcome(u->s, &sl->x, res, &sl->skew_fixed, what);
	if (o == OUTCOME_OK && sl->x.etag_len == 0) {
		fprintf(stderr, "%s: no ETag in the response\n", what);
		return -1;
	}
	if (o == OUTCOME_OK) {
		s3mpu_part *p = &u->parts[sl->number - 1];
		p->number = sl->number;
		memcpy(p->etag, sl->x.etag, sl->x.etag_len);
		p->etag_len = sl->x.etag_len;
		fprintf(stderr, "part %u: %llu bytes, ETag %s\n", sl->number,
			(unsigned long long)s3mpu_plan_part_size(u->plan, sl->number), p->etag);
		sl->number = 0;
		return 1;
	}
	if (o == OUTCOME_FAIL || ++sl->tries >= TRIES)
		return -1;
	sl->retry_at_ms = now_ms() + (o == OUTCOME_RETRY ? backoff_ms(sl->tries) : 0);
	return 0;
}

/* Start free slots on the next parts and re-send retries that are due. */
static int fill_slots(upload *u, slot *slots, int n, uint32_t *next)
{
	int i;
	for (i = 0; i < n; i++) {
		slot *sl = &slots[i];
		if (!sl->number && *next <= u->plan->part_count) {
			if (slot_start(u, sl, (*next)++))
				return -1;
		} else if (sl->number && sl->retry_at_ms && now_ms() >= sl->retry_at_ms) {
			if (slot_send(u, sl))
				return -1;
		}
	}
	return 0;
}

/* Every part, up to `n` at a time. 0 when all are stored; -1 on a failure
 * or a signal (stop_signal says which). */
static int run_parts(upload *u, slot *slots, int n)
{
	uint32_t next = 1, stored = 0;
	int running, left, i;
	while (stored < u->plan->part_count) {
		CURLMsg *msg;
		if (stop_signal || fill_slots(u, slots, n, &next))
			return -1;
		if (curl_multi_perform(u->multi, &running) != CURLM_OK)
			return -1;
		while ((msg = curl_multi_info_read(u->multi, &left)) != NULL) {
			int r = 0;
			if (msg->msg != CURLMSG_DONE)
				continue;
			for (i = 0; i < n; i++)
				if (slots[i].in_multi && slots[i].x.curl == msg->easy_handle)
					r = slot_finish(u, &slots[i], msg->data.result);
			if (r < 0)
				return -1;
			stored += (uint32_t)r;
		}
		/* Wakes on socket activity, else after 100 ms (signals, retries). */
		curl_multi_poll(u->multi, NULL, 0, 100, NULL);
	}
	return 0;
}

/* UploadPart for every part through `n` slots of one part's memory each. */
static int send_parts(upload *u, int n)
{
	size_t part_cap = (size_t)s3mpu_plan_part_size(u->plan, 1); /* part 1 is the largest */
	slot *slots = calloc((size_t)n, sizeof *slots);
	int i, rc = -1;
	u->multi = curl_multi_init();
	for (i = 0; slots && i < n; i++) {
		slots[i].buf = malloc(part_cap ? part_cap : 1);
		slots[i].x.curl = curl_easy_init();
		if (!slots[i].buf || !slots[i].x.curl)
			break;
	}
	if (!u->multi || !slots || i < n)
		fprintf(stderr, "out of memory for %d parts of %zu bytes\n", n, part_cap);
	else
		rc = run_parts(u, slots, n);
	for (i = 0; slots && i < n; i++) {
		if (slots[i].in_multi) /* dropped: the upload is aborted next */
			curl_multi_remove_handle(u->multi, slots[i].x.curl);
		if (slots[i].x.curl)
			curl_easy_cleanup(slots[i].x.curl);
		curl_slist_free_all(slots[i].x.headers);
		free(slots[i].x.resp);
		free(slots[i].buf);
	}
	free(slots);
	if (u->multi)
		curl_multi_cleanup(u->multi);
	return rc;
}

/* Complete, then HeadObject: the stored ETag must be the one computed here. */
static int finish(upload *u, exchange *x, char *etag_out, size_t cap)
{
	s3mpu_op op = op_for(S3MPU_OP_COMPLETE_MULTIPART_UPLOAD, u->bucket, u->key, u->upload_id);
	s3mpu_complete_multipart_upload_result done;
	s3mpu_s3_error err;
	s3mpu_md5 md5_of_md5s;
	char etag[40];
	size_t len;
	uint32_t n;
	int rc;
	op.parts = u->parts;
	op.part_count = u->plan->part_count;
	if (call(u->s, &op, x, "CompleteMultipartUpload"))
		return -1;
	memset(&err, 0, sizeof err);
	rc = s3mpu_response_parse_complete_multipart_upload(
		x->resp ? x->resp : "", x->resp_len, &done, &err);
	if (rc != S3MPU_OK) { /* a 200 may still carry an <Error> */
		fprintf(stderr, "CompleteMultipartUpload: %s %s %s\n", s3mpu_error_message(rc),
			err.code, err.message);
		return -1;
	}
	s3mpu_md5_init(&md5_of_md5s);
	for (n = 0; n < u->plan->part_count; n++)
		s3mpu_md5_update(&md5_of_md5s, u->md5s[n], S3MPU_MD5_SIZE);
	len = s3mpu_multipart_etag_format(&md5_of_md5s, u->plan->part_count, etag);
	snprintf(etag_out, cap, "\"%.*s\"", (int)len, etag);
	op = op_for(S3MPU_OP_HEAD_OBJECT, u->bucket, u->key, NULL);
	if (call(u->s, &op, x, "HeadObject"))
		return 1; /* stored, but not checked */
	if (x->etag_len != strlen(etag_out) || memcmp(x->etag, etag_out, x->etag_len) != 0) {
		fprintf(stderr, "HeadObject: ETag %.*s, expected %s\n", (int)x->etag_len, x->etag,
			etag_out);
		return 1;
	}
	return 0;
}

typedef struct {
	const char *file, *endpoint, *region;
	char bucket[64];
	const char *key;
	uint64_t part_size;
	int parallel, path_style;
	long max_rate;
	const char *cacert;
} options;

static void usage(const char *why)
{
	fprintf(stderr,
		"s3mpu-c-upload: %s\n"
		"usage: s3mpu-c-upload FILE s3://BUCKET/KEY --endpoint URL [--region R]\n"
		"         [--part-size BYTES] [--parallel N] [--max-rate BYTES_PER_S] "
		"[--path-style]\n"
		"         [--cacert FILE]\n"
		"credentials: S3MPU_ACCESS_KEY_ID, S3MPU_SECRET_ACCESS_KEY (and "
		"S3MPU_SESSION_TOKEN) in the environment\n",
		why);
	exit(2);
}

static void parse_args(int argc, char **argv, options *o)
{
	const char *target = NULL, *slash;
	int i;
	memset(o, 0, sizeof *o);
	o->parallel = PARALLEL_DEFAULT;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (a[0] == '-' && strcmp(a, "--path-style") != 0 && !v)
			usage("an option without its value");
		if (strcmp(a, "--endpoint") == 0)
			o->endpoint = argv[++i];
		else if (strcmp(a, "--region") == 0)
			o->region = argv[++i];
		else if (strcmp(a, "--part-size") == 0)
			o->part_size = strtoull(argv[++i], NULL, 10);
		else if (strcmp(a, "--parallel") == 0)
			o->parallel = atoi(argv[++i]);
		else if (strcmp(a, "--max-rate") == 0)
			o->max_rate = atol(argv[++i]);
		else if (strcmp(a, "--cacert") == 0)
			o->cacert = argv[++i];
		else if (strcmp(a, "--path-style") == 0)
			o->path_style = 1;
		else if (a[0] == '-')
			usage("unknown option");
		else if (!o->file)
			o->file = a;
		else if (!target)
			target = a;
		else
			usage("too many arguments");
	}
	if (!o->file || !target || !o->endpoint)
		usage("FILE, s3://BUCKET/KEY and --endpoint are required");
	if (o->parallel < 1 || o->parallel > PARALLEL_MAX)
		usage("--parallel takes 1 to 64");
	slash = strncmp(target, "s3://", 5) == 0 ? strchr(target + 5, '/') : NULL;
	if (!slash || slash == target + 5 || (size_t)(slash - target - 5) >= sizeof o->bucket ||
		!slash[1])
		usage("the target must look like s3://BUCKET/KEY");
	memcpy(o->bucket, target + 5, (size_t)(slash - target - 5));
	o->key = slash + 1;
}

/* The client: endpoint, region and credentials, checked once. */
static int open_session(session *s, const options *o)
{
	s3mpu_config cfg;
	int rc;
	memset(&cfg, 0, sizeof cfg);
	cfg.endpoint = s3mpu_str_from_cstr(o->endpoint);
	cfg.region = s3mpu_str_from_cstr(o->region);
	cfg.access_key = s3mpu_str_from_cstr(getenv("S3MPU_ACCESS_KEY_ID"));
	cfg.secret_key = s3mpu_str_from_cstr(getenv("S3MPU_SECRET_ACCESS_KEY"));
	cfg.session_token = s3mpu_str_from_cstr(getenv("S3MPU_SESSION_TOKEN"));
	cfg.path_style = o->path_style;
	if (!cfg.access_key.len || !cfg.secret_key.len) {
		fprintf(stderr, "set S3MPU_ACCESS_KEY_ID and S3MPU_SECRET_ACCESS_KEY\n");
		return -1;
	}
	rc = s3mpu_client_init(&s->client, &cfg);
	if (rc != S3MPU_OK) {
		fprintf(stderr, "%s%s\n", s3mpu_client_detail(&s->client),
			rc == S3MPU_E_REGION ? ": give it with --region (e.g. us-east-1)" : "");
		return -1;
	}
	s->max_rate = o->max_rate;
	s->cacert = o->cacert;
	s->arena_cap = 16384;
	s->arena = malloc(s->arena_cap);
	return s->arena ? 0 : -1;
}

/* Create, the parts, Complete; abort on any failure or signal. The exit status. */
static int run_upload(session *s, const options *o, int fd, const s3mpu_plan *plan)
{
	s3mpu_op op = op_for(S3MPU_OP_CREATE_MULTIPART_UPLOAD, o->bucket, o->key, NULL);
	s3mpu_create_multipart_upload_result created;
	s3mpu_s3_error err;
	exchange x;
	upload u;
	char etag[48];
	int rc = -1;
	memset(&x, 0, sizeof x);
	memset(&u, 0, sizeof u);
	u.parts = calloc(plan->part_count, sizeof *u.parts);
	u.md5s = calloc(plan->part_count, sizeof *u.md5s);
	x.curl = curl_easy_init();
	if (!u.parts || !u.md5s || !x.curl)
		goto out;
	if (call(s, &op, &x, "CreateMultipartUpload"))
		goto out;
	if (s3mpu_response_parse_create_multipart_upload(
		    x.resp ? x.resp : "", x.resp_len, &created, &err) != S3MPU_OK) {
		fprintf(stderr, "CreateMultipartUpload: unexpected answer: %.200s\n",
			x.resp ? x.resp : "");
		goto out;
	}
	fprintf(stderr, "upload id %s\n", created.upload_id);
	u.s = s;
	u.fd = fd;
	u.plan = plan;
	u.bucket = o->bucket;
	u.key = o->key;
	u.upload_id = created.upload_id;
	if (send_parts(&u, o->parallel) == 0 && !stop_signal)
		rc = finish(&u, &x, etag, sizeof etag);
	if (rc >= 0) {
		printf("%s\n", etag);
	} else {
		if (stop_signal)
			fprintf(stderr, "stopped by signal %d: aborting the upload\n",
				(int)stop_signal);
		op = op_for(S3MPU_OP_ABORT_MULTIPART_UPLOAD, o->bucket, o->key, created.upload_id);
		if (call(s, &op, &x, "AbortMultipartUpload") == 0)
			fprintf(stderr, "upload %s aborted\n", created.upload_id);
	}
out:
	curl_slist_free_all(x.headers);
	free(x.resp);
	if (x.curl)
		curl_easy_cleanup(x.curl);
	free(u.parts);
	free(u.md5s);
	return rc == 0 ? 0 : stop_signal ? 128 + stop_signal : 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa;
	struct stat st;
	s3mpu_plan plan;
	session s;
	options o;
	int fd, rc = 1;

	parse_args(argc, argv, &o);
	memset(&s, 0, sizeof s);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	srand((unsigned)time(NULL));
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || open_session(&s, &o))
		return 1;
	fd = open(o.file, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "%s: %s\n", o.file, strerror(errno));
	} else if ((rc = s3mpu_plan_init(&plan, (uint64_t)st.st_size, o.part_size)) != S3MPU_OK) {
		fprintf(stderr, "%s: cannot plan %lld bytes: %s\n", o.file, (long long)st.st_size,
			s3mpu_error_message(rc));
		rc = 1;
	} else {
		fprintf(stderr, "%s: %lld bytes in %u part(s) of %llu, %d at a time\n", o.file,
			(long long)st.st_size, plan.part_count, (unsigned long long)plan.part_size,
			o.parallel);
		rc = run_upload(&s, &o, fd, &plan);
	}
	if (fd >= 0)
		close(fd);
	free(s.arena);
	s3mpu_client_wipe(&s.client);
	curl_global_cleanup();
	return rc;
}
