/*
 * upload.c -- upload a file to S3 with a multipart upload, using the s3mpu
 * core from C. Shows the whole loop a C user writes around the core, which
 * does no I/O: describe an operation (s3mpu_op), let s3mpu_build sign it,
 * send the request (here with the tiny blocking client in http.c), and hand
 * the response to the core's parsers and retry policy.
 *
 *   export S3MPU_ACCESS_KEY_ID=... S3MPU_SECRET_ACCESS_KEY=...
 *   s3mpu-c-upload FILE s3://BUCKET/KEY --endpoint http://127.0.0.1:7480 --region us-east-1
 *       [--part-size BYTES] [--path-style]
 *
 * Steps: plan the parts (s3mpu_plan_init), CreateMultipartUpload, one
 * UploadPart per part with Content-MD5 (hashed with s3mpu_md5 while the part
 * is read in 1 MiB chunks; one part is held in memory so it can be re-sent
 * on a retry), CompleteMultipartUpload, then HeadObject, whose ETag must be
 * the multipart ETag computed locally (s3mpu_multipart_etag). Any failure
 * after Create aborts the upload. Prints the ETag on success; exit status 1
 * on failure. Plain http only (http.c has no TLS).
 *
 * Against the test server: endpoint=$(tests/server/start.sh | tail -n1),
 * tests/server/mkbucket.sh my-bucket, keys from tests/server/credentials.env.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "s3mpu.h"

#define CHUNK (1u << 20)
#define TRIES 4

typedef struct {
	s3mpu_client client;
	int64_t clock_offset; /* server time minus ours, learnt from a skew error */
	char *arena;          /* the builder's buffer */
	size_t arena_cap;
} session;

static int64_t now_for(const session *s) { return (int64_t)time(NULL) + s->clock_offset; }

/* Sleep up to 2^try * 100 ms, uniformly (full jitter). */
static void backoff(int try)
{
	struct timespec ts;
	long ms = (long)(rand() % (100 << try));
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

/*
 * Build `op`, send it with `body`, and retry what the core's retry policy
 * calls transient (with backoff) or clock skew (once, with the offset taken
 * from the response's Date header). Returns 0 with a 2xx response in `resp`,
 * or -1 after printing why (resp then holds the last response, if any).
 */
static int call(session *s, const s3mpu_op *op, const void *body, size_t len, http_response *resp,
	const char *what)
{
	int try, skew_fixed = 0;
	for (try = 0; try < TRIES; try++) {
		s3mpu_request req;
		s3mpu_s3_error err;
		size_t need = 0;
		int rc, cls;

		rc = s3mpu_build(&s->client, op, now_for(s), &req, s->arena, s->arena_cap, &need);
		if (rc == S3MPU_E_SPACE) {
			/* The arena grows to what the builder asks for (Complete of many parts). */
			char *bigger = realloc(s->arena, need);
			if (!bigger) {
				fprintf(stderr, "%s: out of memory\n", what);
				return -1;
			}
			s->arena = bigger;
			s->arena_cap = need;
			rc = s3mpu_build(
				&s->client, op, now_for(s), &req, s->arena, s->arena_cap, NULL);
		}
		if (rc != S3MPU_OK) {
			fprintf(stderr, "%s: %s: %s\n", what, s3mpu_strerror(rc),
				s3mpu_client_detail(&s->client));
			return -1;
		}
		http_response_free(resp);
		if (http_send_request(&req, body, len, resp) != 0) {
			fprintf(stderr, "%s: %s\n", what, resp->error);
			cls = S3MPU_RETRY_YES; /* the network: worth another try */
		} else if (resp->status >= 200 && resp->status < 300) {
			return 0;
		} else {
			memset(&err, 0, sizeof err);
			s3mpu_parse_error(resp->body, resp->body_len, &err);
			cls = s3mpu_retry_class(resp->status, s3mpu_cstr(err.code));
			fprintf(stderr, "%s: HTTP %d %s %s\n", what, resp->status, err.code,
				err.message);
		}
		if (cls == S3MPU_RETRY_SKEW && !skew_fixed) {
			const s3mpu_str *date = http_header(resp, "date");
			int64_t server;
			if (!date || s3mpu_time_parse_http(*date, &server) != S3MPU_OK)
				return -1;
			s->clock_offset = server - (int64_t)time(NULL);
			skew_fixed = 1;
			fprintf(stderr, "%s: clock off by %lld s; re-signing\n", what,
				(long long)s->clock_offset);
			continue;
		}
		if (cls != S3MPU_RETRY_YES)
			return -1;
		backoff(try);
	}
	return -1;
}

/* Read exactly `n` bytes at the file's current position into `buf`,
 * feeding each 1 MiB chunk to `md5`. */
static int read_part(FILE *f, unsigned char *buf, uint64_t n, s3mpu_md5 *md5)
{
	uint64_t got = 0;
	while (got < n) {
		size_t want = n - got < CHUNK ? (size_t)(n - got) : CHUNK;
		size_t r = fread(buf + got, 1, want, f);
		if (r == 0)
			return -1;
		s3mpu_md5_update(md5, buf + got, r);
		got += r;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: s3mpu-c-upload FILE s3://BUCKET/KEY --endpoint URL --region R "
		"[--part-size BYTES] [--path-style]\n"
		"credentials: S3MPU_ACCESS_KEY_ID, S3MPU_SECRET_ACCESS_KEY "
		"(and S3MPU_SESSION_TOKEN) in the environment\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *file = NULL, *target = NULL, *endpoint = NULL, *region = NULL;
	const char *slash, *env_key, *env_secret;
	char bucket[64], etag[40], want_etag[40];
	uint64_t part_size = 0, total;
	int path_style = 0, i, ok = 0, created = 0;
	s3mpu_config cfg;
	s3mpu_plan plan;
	s3mpu_create_result created_res;
	s3mpu_complete_result done;
	s3mpu_s3_error err;
	s3mpu_md5 md5_of_md5s;
	s3mpu_part *parts = NULL;
	s3mpu_op op;
	session s;
	http_response resp;
	unsigned char *buf = NULL;
	struct stat st;
	FILE *f = NULL;
	uint32_t n;
	size_t etag_len;

	memset(&s, 0, sizeof s);
	memset(&resp, 0, sizeof resp);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--endpoint") == 0 && i + 1 < argc)
			endpoint = argv[++i];
		else if (strcmp(argv[i], "--region") == 0 && i + 1 < argc)
			region = argv[++i];
		else if (strcmp(argv[i], "--part-size") == 0 && i + 1 < argc)
			part_size = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--path-style") == 0)
			path_style = 1;
		else if (argv[i][0] == '-')
			usage();
		else if (!file)
			file = argv[i];
		else if (!target)
			target = argv[i];
		else
			usage();
	}
	if (!file || !target || !endpoint || strncmp(target, "s3://", 5) != 0)
		usage();
	target += 5;
	slash = strchr(target, '/');
	if (!slash || slash == target || (size_t)(slash - target) >= sizeof bucket || !slash[1])
		usage();
	memcpy(bucket, target, (size_t)(slash - target));
	bucket[slash - target] = 0;
	env_key = getenv("S3MPU_ACCESS_KEY_ID");
	env_secret = getenv("S3MPU_SECRET_ACCESS_KEY");
	if (!env_key || !env_secret) {
		fprintf(stderr, "set S3MPU_ACCESS_KEY_ID and S3MPU_SECRET_ACCESS_KEY\n");
		return 1;
	}

	/* 1. The client: endpoint, region and credentials, checked once. */
	memset(&cfg, 0, sizeof cfg);
	cfg.endpoint = s3mpu_cstr(endpoint);
	cfg.region = s3mpu_cstr(region);
	cfg.access_key = s3mpu_cstr(env_key);
	cfg.secret_key = s3mpu_cstr(env_secret);
	cfg.session_token = s3mpu_cstr(getenv("S3MPU_SESSION_TOKEN"));
	cfg.path_style = path_style;
	if (s3mpu_client_init(&s.client, &cfg) != S3MPU_OK) {
		fprintf(stderr, "%s\n", s3mpu_client_detail(&s.client));
		return 1;
	}
	srand((unsigned)time(NULL));

	/* 2. The plan: how many parts, of which size. */
	f = fopen(file, "rb");
	if (!f || fstat(fileno(f), &st) != 0) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		goto out;
	}
	total = (uint64_t)st.st_size;
	i = s3mpu_plan_init(&plan, total, part_size);
	if (i != S3MPU_OK) {
		fprintf(stderr, "cannot plan %llu bytes: %s\n", (unsigned long long)total,
			s3mpu_strerror(i));
		goto out;
	}
	fprintf(stderr, "%s: %llu bytes in %u part(s) of %llu\n", file, (unsigned long long)total,
		plan.part_count, (unsigned long long)plan.part_size);
	/* The largest part is the first (known total): one part in memory. */
	buf = malloc((size_t)s3mpu_plan_part_size(&plan, 1) + 1);
	parts = calloc(plan.part_count, sizeof *parts);
	s.arena_cap = 16384;
	s.arena = malloc(s.arena_cap);
	if (!buf || !parts || !s.arena) {
		fprintf(stderr, "out of memory\n");
		goto out;
	}

	/* 3. CreateMultipartUpload: the upload id. */
	memset(&op, 0, sizeof op);
	op.op = S3MPU_OP_CREATE;
	op.bucket = s3mpu_cstr(bucket);
	op.key = s3mpu_cstr(slash + 1);
	if (call(&s, &op, NULL, 0, &resp, "CreateMultipartUpload"))
		goto out;
	if (s3mpu_parse_create(resp.body, resp.body_len, &created_res, &err) != S3MPU_OK) {
		fprintf(stderr, "CreateMultipartUpload: unexpected answer: %.200s\n", resp.body);
		goto out;
	}
	created = 1;
	fprintf(stderr, "upload id %s\n", created_res.upload_id);

	/* 4. UploadPart for each part, Content-MD5 from the bytes as read. */
	s3mpu_md5_init(&md5_of_md5s);
	for (n = 1; n <= plan.part_count; n++) {
		uint64_t size = s3mpu_plan_part_size(&plan, n);
		unsigned char digest[S3MPU_MD5_SIZE];
		char md5_b64[24], what[48];
		const s3mpu_str *tag;
		s3mpu_md5 md5;

		s3mpu_md5_init(&md5);
		if (read_part(f, buf, size, &md5)) {
			fprintf(stderr, "%s: read failed or file shrank at part %u\n", file, n);
			goto abort;
		}
		s3mpu_md5_out(&md5, digest);
		s3mpu_md5_update(&md5_of_md5s, digest, sizeof digest);
		s3mpu_base64_encode(digest, sizeof digest, md5_b64);

		memset(&op, 0, sizeof op);
		op.op = S3MPU_OP_UPLOAD_PART;
		op.bucket = s3mpu_cstr(bucket);
		op.key = s3mpu_cstr(slash + 1);
		op.upload_id = s3mpu_cstr(created_res.upload_id);
		op.part_number = n;
		op.content_length = size;
		op.content_md5 = (s3mpu_str){ md5_b64, sizeof md5_b64 };
		snprintf(what, sizeof what, "UploadPart %u", n);
		if (call(&s, &op, buf, (size_t)size, &resp, what))
			goto abort;
		tag = http_header(&resp, "etag");
		if (!tag || tag->len == 0 || tag->len >= S3MPU_ETAG_MAX) {
			fprintf(stderr, "%s: no ETag in the response\n", what);
			goto abort;
		}
		parts[n - 1].number = n;
		memcpy(parts[n - 1].etag, tag->ptr, tag->len);
		parts[n - 1].etag_len = tag->len;
		fprintf(stderr, "part %u: %llu bytes, ETag %.*s\n", n, (unsigned long long)size,
			(int)tag->len, tag->ptr);
	}

	/* 5. CompleteMultipartUpload. A 200 may still carry an <Error>. */
	memset(&op, 0, sizeof op);
	op.op = S3MPU_OP_COMPLETE;
	op.bucket = s3mpu_cstr(bucket);
	op.key = s3mpu_cstr(slash + 1);
	op.upload_id = s3mpu_cstr(created_res.upload_id);
	op.parts = parts;
	op.part_count = plan.part_count;
	if (call(&s, &op, NULL, 0, &resp, "CompleteMultipartUpload"))
		goto abort;
	memset(&err, 0, sizeof err);
	i = s3mpu_parse_complete(resp.body, resp.body_len, &done, &err);
	if (i != S3MPU_OK) {
		fprintf(stderr, "CompleteMultipartUpload: %s %s %s\n", s3mpu_strerror(i), err.code,
			err.message);
		goto abort;
	}
	created = 0; /* the object exists: nothing left to abort */

	/* 6. HeadObject: the stored ETag is the one computed here. */
	etag_len = s3mpu_multipart_etag(&md5_of_md5s, plan.part_count, etag);
	snprintf(want_etag, sizeof want_etag, "\"%.*s\"", (int)etag_len, etag);
	memset(&op, 0, sizeof op);
	op.op = S3MPU_OP_HEAD_OBJECT;
	op.bucket = s3mpu_cstr(bucket);
	op.key = s3mpu_cstr(slash + 1);
	if (call(&s, &op, NULL, 0, &resp, "HeadObject"))
		goto out;
	{
		const s3mpu_str *tag = http_header(&resp, "etag");
		if (!tag || tag->len != strlen(want_etag) ||
			memcmp(tag->ptr, want_etag, tag->len) != 0) {
			fprintf(stderr, "HeadObject: ETag %.*s, expected %s\n",
				tag ? (int)tag->len : 0, tag ? tag->ptr : "", want_etag);
			goto out;
		}
	}
	printf("%s\n", want_etag);
	ok = 1;
	goto out;

abort:
	/* 7. On failure, AbortMultipartUpload so no parts are left behind. */
	if (created) {
		memset(&op, 0, sizeof op);
		op.op = S3MPU_OP_ABORT;
		op.bucket = s3mpu_cstr(bucket);
		op.key = s3mpu_cstr(slash + 1);
		op.upload_id = s3mpu_cstr(created_res.upload_id);
		if (call(&s, &op, NULL, 0, &resp, "AbortMultipartUpload") == 0)
			fprintf(stderr, "upload %s aborted\n", created_res.upload_id);
	}
out:
	http_response_free(&resp);
	if (f)
		fclose(f);
	free(buf);
	free(parts);
	free(s.arena);
	s3mpu_client_wipe(&s.client);
	return ok ? 0 : 1;
}
