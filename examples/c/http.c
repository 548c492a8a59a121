/*
 * http.c -- a tiny blocking HTTP/1.1 client over POSIX sockets. See http.h.
 */
#define _POSIX_C_SOURCE 200809L

#include "http.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Buffered reads from the socket. */
typedef struct {
	int fd;
	char buf[16384];
	size_t pos, len;
	int eof;
} reader;

/* A growing byte buffer. */
typedef struct {
	char *ptr;
	size_t len, cap, max;
} bytes;

static int fail(http_response *resp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(resp->error, sizeof resp->error, fmt, ap);
	va_end(ap);
	return -1;
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

static int ieq(const char *a, size_t alen, const char *b)
{
	size_t i, blen = strlen(b);
	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* Room for `more` bytes (plus a NUL) in `b`; 0 when over b->max or out of memory. */
static int bytes_reserve(bytes *b, size_t more)
{
	size_t want;
	char *p;
	if (more > b->max - b->len)
		return 0;
	want = b->len + more + 1;
	if (want <= b->cap)
		return 1;
	if (want < 2 * b->cap)
		want = 2 * b->cap;
	if (want < 4096)
		want = 4096;
	p = realloc(b->ptr, want);
	if (!p)
		return 0;
	b->ptr = p;
	b->cap = want;
	return 1;
}

static int bytes_add(bytes *b, const void *p, size_t n)
{
	if (!bytes_reserve(b, n))
		return 0;
	if (n)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = 0;
	return 1;
}

/* More bytes into the reader; 0 at EOF or on error (r->eof says which). */
static int reader_fill(reader *r)
{
	ssize_t n;
	if (r->pos < r->len)
		return 1;
	do {
		n = recv(r->fd, r->buf, sizeof r->buf, 0);
	} while (n < 0 && errno == EINTR);
	if (n <= 0) {
		r->eof = n == 0 ? 1 : -1;
		return 0;
	}
	r->pos = 0;
	r->len = (size_t)n;
	return 1;
}

/* A line up to LF into `line` (CR LF stripped). -1 on EOF or when too long. */
static int reader_line(reader *r, char *line, size_t cap)
{
	size_t n = 0;
	for (;;) {
		char c;
		if (!reader_fill(r))
			return -1;
		c = r->buf[r->pos++];
		if (c == '\n')
			break;
		if (n + 1 >= cap)
			return -1;
		line[n++] = c;
	}
	if (n && line[n - 1] == '\r')
		n--;
	line[n] = 0;
	return (int)n;
}

/* Exactly `n` bytes into `out`, or up to EOF when n is SIZE_MAX. */
static int reader_copy(reader *r, bytes *out, size_t n)
{
	while (n) {
		size_t take;
		if (!reader_fill(r))
			return n == SIZE_MAX && r->eof == 1;
		take = r->len - r->pos;
		if (take > n)
			take = n;
		if (!bytes_add(out, r->buf + r->pos, take))
			return 0;
		r->pos += take;
		if (n != SIZE_MAX)
			n -= take;
	}
	return 1;
}

/* The header block, up to and without the empty line. */
static int read_head(reader *r, bytes *head, http_response *resp)
{
	static const char end[] = "\r\n\r\n";
	size_t matched = 0;
	for (;;) {
		char c;
		if (!reader_fill(r))
			return fail(resp, "connection closed before the response headers ended");
		c = r->buf[r->pos++];
		if (!bytes_add(head, &c, 1))
			return fail(resp, "response headers over %u bytes", HTTP_HEAD_MAX);
		/* CR LF CR LF, or bare LF LF. */
		if (c == end[matched])
			matched++;
		else if (c == '\n' && head->len >= 2 && head->ptr[head->len - 2] == '\n')
			matched = 4;
		else
			matched = c == '\r' ? 1 : 0;
		if (matched == 4)
			return 0;
	}
}

/* Status line and headers of resp->head into resp. */
static int parse_head(http_response *resp)
{
	char *p = resp->head, *end = resp->head + resp->head_len, *eol;
	int status = 0, i;
	if (resp->head_len < 12 || memcmp(p, "HTTP/1.", 7) != 0 || p[8] != ' ')
		return fail(resp, "not an HTTP/1.x response");
	for (i = 9; i < 12; i++) {
		if (p[i] < '0' || p[i] > '9')
			return fail(resp, "bad status code");
		status = status * 10 + (p[i] - '0');
	}
	resp->status = status;
	resp->header_count = 0;
	eol = memchr(p, '\n', (size_t)(end - p));
	while (eol && eol + 1 < end) {
		char *line = eol + 1, *colon, *vend, *v;
		eol = memchr(line, '\n', (size_t)(end - line));
		vend = eol ? eol : end;
		if (vend > line && vend[-1] == '\r')
			vend--;
		if (vend == line)
			break;
		colon = memchr(line, ':', (size_t)(vend - line));
		if (!colon || colon == line)
			return fail(resp, "malformed header line");
		if (resp->header_count == HTTP_HEADERS_MAX)
			return fail(resp, "more than %d response headers", HTTP_HEADERS_MAX);
		v = colon + 1;
		while (v < vend && (*v == ' ' || *v == '\t'))
			v++;
		while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
			vend--;
		resp->headers[resp->header_count].name =
			(s3mpu_str){ line, (size_t)(colon - line) };
		resp->headers[resp->header_count].value = (s3mpu_str){ v, (size_t)(vend - v) };
		resp->header_count++;
	}
	return 0;
}

static int read_chunked(reader *r, bytes *body, http_response *resp)
{
	char line[256];
	for (;;) {
		size_t size = 0;
		int n = reader_line(r, line, sizeof line), i, digits = 0;
		if (n < 0)
			return fail(resp, "chunked body: bad or missing chunk size line");
		for (i = 0; i < n; i++) {
			int c = lower((unsigned char)line[i]), d;
			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else
				break;
			if (size > (SIZE_MAX >> 4))
				return fail(resp, "chunked body: chunk size overflows");
			size = size * 16 + (size_t)d;
			digits++;
		}
		if (!digits)
			return fail(resp, "chunked body: chunk size is not hex");
		if (size == 0)
			break;
		if (!reader_copy(r, body, size))
			return fail(
				resp, "chunked body: truncated or over %u bytes", HTTP_BODY_MAX);
		if (reader_line(r, line, sizeof line) != 0)
			return fail(resp, "chunked body: no CRLF after a chunk");
	}
	/* Trailer fields, up to the empty line. */
	for (;;) {
		int n = reader_line(r, line, sizeof line);
		if (n < 0)
			return fail(resp, "chunked body: truncated trailer");
		if (n == 0)
			return 0;
	}
}

/* Parse "http://host[:port]/target". Host and port are copied NUL-terminated. */
static int split_url(s3mpu_str url, char *host, size_t host_cap, char *port, size_t port_cap,
	s3mpu_str *target, http_response *resp)
{
	const char *p = url.ptr, *end = url.ptr + url.len, *auth, *auth_end, *colon = NULL;
	size_t hl, pl;
	if (url.len < 8 || !ieq(p, 7, "http://"))
		return fail(resp, "only http:// URLs are supported");
	auth = p + 7;
	auth_end = auth;
	while (auth_end < end && *auth_end != '/' && *auth_end != '?')
		auth_end++;
	if (*auth == '[') {
		const char *rb = memchr(auth, ']', (size_t)(auth_end - auth));
		if (!rb)
			return fail(resp, "bad IPv6 literal in URL");
		if (rb + 1 < auth_end && rb[1] == ':')
			colon = rb + 1;
		hl = (size_t)(rb - auth - 1);
		auth++;
	} else {
		colon = memchr(auth, ':', (size_t)(auth_end - auth));
		hl = (size_t)((colon ? colon : auth_end) - auth);
	}
	pl = colon ? (size_t)(auth_end - colon - 1) : 2;
	if (hl == 0 || hl >= host_cap || pl == 0 || pl >= port_cap)
		return fail(resp, "bad host or port in URL");
	memcpy(host, auth, hl);
	host[hl] = 0;
	if (colon) {
		memcpy(port, colon + 1, pl);
		port[pl] = 0;
	} else {
		memcpy(port, "80", 3);
	}
	if (auth_end == end)
		*target = S3MPU_LIT("/");
	else
		*target = (s3mpu_str){ auth_end, (size_t)(end - auth_end) };
	if (target->ptr[0] == '?')
		return fail(resp, "URL has a query but no path");
	return 0;
}

/* RFC 6761 6.3: localhost names are loopback, whatever DNS says. */
static int is_localhost(const char *host)
{
	size_t n = strlen(host);
	return ieq(host, n, "localhost") || (n > 10 && ieq(host + n - 10, 10, ".localhost"));
}

static int connect_to(const char *host, const char *port, int timeout_s, http_response *resp)
{
	struct addrinfo hints, *res = NULL, *ai;
	struct timeval tv;
	int fd = -1, rc;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	rc = getaddrinfo(is_localhost(host) ? "127.0.0.1" : host, port, &hints, &res);
	if (rc != 0)
		return fail(resp, "cannot resolve %s: %s", host, gai_strerror(rc));
	tv.tv_sec = timeout_s;
	tv.tv_usec = 0;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		/* On Linux SO_SNDTIMEO bounds connect() too. */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return fail(resp, "cannot connect to %s:%s: %s", host, port, strerror(errno));
	return fd;
}

static int send_all(int fd, const char *p, size_t n, http_response *resp)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return fail(resp, "send failed: %s", w < 0 ? strerror(errno) : "closed");
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int has_header(const s3mpu_kv *headers, size_t n, const char *name)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (ieq(headers[i].name.ptr, headers[i].name.len, name))
			return 1;
	return 0;
}

/* The request line and headers into `out`. */
static int write_head(bytes *out, s3mpu_str method, s3mpu_str target, const char *host,
	const char *port, const s3mpu_kv *headers, size_t header_count, size_t body_len)
{
	char num[32];
	size_t i;
	int ok = bytes_add(out, method.ptr, method.len) && bytes_add(out, " ", 1) &&
		bytes_add(out, target.ptr, target.len) && bytes_add(out, " HTTP/1.1\r\n", 11);
	if (!has_header(headers, header_count, "host")) {
		ok = ok && bytes_add(out, "Host: ", 6) && bytes_add(out, host, strlen(host));
		if (strcmp(port, "80") != 0)
			ok = ok && bytes_add(out, ":", 1) && bytes_add(out, port, strlen(port));
		ok = ok && bytes_add(out, "\r\n", 2);
	}
	for (i = 0; i < header_count; i++) {
		ok = ok && bytes_add(out, headers[i].name.ptr, headers[i].name.len) &&
			bytes_add(out, ": ", 2) &&
			bytes_add(out, headers[i].value.ptr, headers[i].value.len) &&
			bytes_add(out, "\r\n", 2);
	}
	if (!has_header(headers, header_count, "content-length") &&
		(body_len || ieq(method.ptr, method.len, "PUT") ||
			ieq(method.ptr, method.len, "POST"))) {
		snprintf(num, sizeof num, "Content-Length: %zu\r\n", body_len);
		ok = ok && bytes_add(out, num, strlen(num));
	}
	return ok && bytes_add(out, "Connection: close\r\n\r\n", 21);
}

/* How the body of a response to `method` is framed. */
static int read_body(reader *r, s3mpu_str method, bytes *body, http_response *resp)
{
	const s3mpu_str *te = http_header(resp, "transfer-encoding");
	const s3mpu_str *cl = http_header(resp, "content-length");
	if (ieq(method.ptr, method.len, "HEAD") || resp->status == 204 || resp->status == 304)
		return 0;
	if (te && te->len >= 7 && ieq(te->ptr + te->len - 7, 7, "chunked"))
		return read_chunked(r, body, resp);
	if (cl) {
		size_t n = 0, i;
		if (cl->len == 0 || cl->len > 12)
			return fail(resp, "bad Content-Length");
		for (i = 0; i < cl->len; i++) {
			if (cl->ptr[i] < '0' || cl->ptr[i] > '9')
				return fail(resp, "bad Content-Length");
			n = n * 10 + (size_t)(cl->ptr[i] - '0');
		}
		if (n > HTTP_BODY_MAX)
			return fail(resp, "response body over %u bytes", HTTP_BODY_MAX);
		if (!reader_copy(r, body, n))
			return fail(
				resp, "response body truncated (%zu of %zu bytes)", body->len, n);
		return 0;
	}
	if (!reader_copy(r, body, SIZE_MAX))
		return fail(resp, "response body unreadable or over %u bytes", HTTP_BODY_MAX);
	return 0;
}

/* see http.h */
int http_send(s3mpu_str method, s3mpu_str url, const s3mpu_kv *headers, size_t header_count,
	const void *body, size_t body_len, int timeout_s, http_response *resp)
{
	char host[S3MPU_HOST_MAX], port[8];
	s3mpu_str target;
	bytes out = { NULL, 0, 0, HTTP_HEAD_MAX }, head = { NULL, 0, 0, HTTP_HEAD_MAX };
	bytes rbody = { NULL, 0, 0, HTTP_BODY_MAX };
	reader *r = NULL;
	int fd = -1, rc = -1;

	memset(resp, 0, sizeof *resp);
	if (split_url(url, host, sizeof host, port, sizeof port, &target, resp))
		return -1;
	if (!write_head(&out, method, target, host, port, headers, header_count, body_len)) {
		fail(resp, "request headers over %u bytes", HTTP_HEAD_MAX);
		goto done;
	}
	r = malloc(sizeof *r);
	if (!r) {
		fail(resp, "out of memory");
		goto done;
	}
	fd = connect_to(host, port, timeout_s > 0 ? timeout_s : 60, resp);
	if (fd < 0)
		goto done;
	if (send_all(fd, out.ptr, out.len, resp) || send_all(fd, body, body_len, resp))
		goto done;
	r->fd = fd;
	r->pos = r->len = 0;
	r->eof = 0;
	/* Skip interim 1xx responses (but not 101, which we never ask for). */
	do {
		head.len = 0;
		if (read_head(r, &head, resp))
			goto done;
		free(resp->head);
		resp->head = head.ptr;
		resp->head_len = head.len;
		head.ptr = NULL;
		head.cap = 0;
		if (parse_head(resp))
			goto done;
	} while (resp->status >= 100 && resp->status < 200 && resp->status != 101);
	if (read_body(r, method, &rbody, resp))
		goto done;
	if (!bytes_reserve(&rbody, 0)) {
		fail(resp, "out of memory");
		goto done;
	}
	rbody.ptr[rbody.len] = 0;
	resp->body = rbody.ptr;
	resp->body_len = rbody.len;
	rbody.ptr = NULL;
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	free(r);
	free(out.ptr);
	free(head.ptr);
	free(rbody.ptr);
	return rc;
}

/* see http.h */
int http_send_request(
	const s3mpu_request *req, const void *body, size_t body_len, http_response *resp)
{
	if (req->body.len) {
		body = req->body.ptr;
		body_len = req->body.len;
	}
	return http_send(
		req->method, req->url, req->headers, req->header_count, body, body_len, 0, resp);
}

/* see http.h */
const s3mpu_str *http_header(const http_response *resp, const char *name)
{
	size_t i;
	for (i = 0; i < resp->header_count; i++)
		if (ieq(resp->headers[i].name.ptr, resp->headers[i].name.len, name))
			return &resp->headers[i].value;
	return NULL;
}

/* see http.h */
void http_response_free(http_response *resp)
{
	free(resp->head);
	free(resp->body);
	resp->head = resp->body = NULL;
	resp->head_len = resp->body_len = 0;
	resp->header_count = 0;
}
