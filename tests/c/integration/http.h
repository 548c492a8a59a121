/*
 * http.h -- blocking HTTP for the C integration tests, on libcurl's easy
 * interface: sends a request made by s3mpu_request_build exactly as built (every
 * header as given, none of curl's own added) and reads the whole response.
 * "localhost" and "*.localhost" reach 127.0.0.1 (curl does that itself), so
 * virtual-hosted bucket names work against a local server.
 */
#ifndef S3MPU_TEST_HTTP_H
#define S3MPU_TEST_HTTP_H

#include <stddef.h>

#include "s3mpu.h"

#define HTTP_HEADERS_MAX 64
#define HTTP_HEAD_MAX (64u << 10)  /* status line and headers */
#define HTTP_BODY_MAX (256u << 20) /* response bodies */

typedef struct {
	int status;                         /* 200, 404, ... */
	s3mpu_kv headers[HTTP_HEADERS_MAX]; /* point into `head` */
	size_t header_count;
	char *head; /* owned: the header lines of the final response */
	size_t head_len;
	char *body; /* owned, NUL-terminated for convenience */
	size_t body_len;
	char error[256]; /* why http_send failed; "" otherwise */
} http_response;

/*
 * Send `method url` with `headers` and `body`, and read the whole response
 * into `resp`, which the caller frees with http_response_free (also after a
 * failure). Returns 0 when a response was read (whatever its status), -1 on
 * a transport error, explained in resp->error. `timeout_s` bounds the whole
 * exchange (0: 60 s).
 */
int http_send(s3mpu_str method, s3mpu_str url, const s3mpu_kv *headers, size_t header_count,
	const void *body, size_t body_len, int timeout_s, http_response *resp);

/* Send a request made by s3mpu_request_build: its own body (Complete), or `body`
 * (UploadPart, PutObject), or none. */
int http_send_request(
	const s3mpu_request *req, const void *body, size_t body_len, http_response *resp);

/* Value of the first header called `name` (any case), or NULL. */
const s3mpu_str *http_header(const http_response *resp, const char *name);

void http_response_free(http_response *resp);

#endif
