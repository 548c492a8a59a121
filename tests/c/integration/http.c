/*
 * http.c -- blocking HTTP for the integration tests, on libcurl. See http.h.
 */
#define _POSIX_C_SOURCE 200809L

#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing byte buffer, never over `max` bytes. */
typedef struct {
	char *ptr;
	size_t len, cap, max;
	int over;
} bytes;

/* The request body, handed to curl in pieces. */
typedef struct {
	const char *ptr;
	size_t len, pos;
} source;

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

static int bytes_add(bytes *b, const void *p, size_t n)
{
	if (n > b->max - b->len) {
		b->over = 1;
		return 0;
	}
	if (b->len + n + 1 > b->cap) {
		size_t want = b->cap * 2 > b->len + n + 1 ? b->cap * 2 : b->len + n + 1;
		char *q = realloc(b->ptr, want < 4096 ? 4096 : want);
		if (!q)
			return 0;
		b->ptr = q;
		b->cap = want < 4096 ? 4096 : want;
	}
	memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = 0;
	return 1;
}

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
	return bytes_add(user, p, size * n) ? size * n : 0;
}

/* Header lines; an interim (1xx) response's lines are dropped when the
 * next status line comes. */
static size_t on_header(char *p, size_t size, size_t n, void *user)
{
	bytes *head = user;
	if (size * n >= 5 && memcmp(p, "HTTP/", 5) == 0)
		head->len = 0;
	return bytes_add(head, p, size * n) ? size * n : 0;
}

static size_t on_read(char *p, size_t size, size_t n, void *user)
{
	source *src = user;
	size_t take = src->len - src->pos < size * n ? src->len - src->pos : size * n;
	memcpy(p, src->ptr + src->pos, take);
	src->pos += take;
	return take;
}

/* resp->head's "Name: value" lines (after the status line) into resp->headers. */
static void split_headers(http_response *resp)
{
	char *p = resp->head, *end = resp->head + resp->head_len;
	char *eol = memchr(p, '\n', (size_t)(end - p));
	while (eol && eol + 1 < end && resp->header_count < HTTP_HEADERS_MAX) {
		char *line = eol + 1, *colon, *v, *vend;
		eol = memchr(line, '\n', (size_t)(end - line));
		vend = eol ? eol : end;
		colon = memchr(line, ':', (size_t)(vend - line));
		if (!colon)
			continue;
		v = colon + 1;
		while (v < vend && (*v == ' ' || *v == '\t'))
			v++;
		while (vend > v && (vend[-1] == '\r' || vend[-1] == ' ' || vend[-1] == '\t'))
			vend--;
		resp->headers[resp->header_count].name =
			(s3mpu_str){ line, (size_t)(colon - line) };
		resp->headers[resp->header_count].value = (s3mpu_str){ v, (size_t)(vend - v) };
		resp->header_count++;
	}
}

/* The request headers as given, with curl's own Accept and Expect
 * (100-continue) turned off: an empty "Name:" removes a header. */
static struct curl_slist *header_list(const s3mpu_kv *headers, size_t n, int *ok)
{
	struct curl_slist *list = curl_slist_append(NULL, "Accept:"), *next;
	char line[8192];
	size_t i;
	next = list ? curl_slist_append(list, "Expect:") : NULL;
	*ok = next != NULL;
	for (i = 0; i < n && *ok; i++) {
		snprintf(line, sizeof line, "%.*s: %.*s", (int)headers[i].name.len,
			headers[i].name.ptr, (int)headers[i].value.len, headers[i].value.ptr);
		next = curl_slist_append(list, line);
		*ok = next != NULL;
	}
	return list;
}

/* see http.h */
int http_send(s3mpu_str method, s3mpu_str url, const s3mpu_kv *headers, size_t header_count,
	const void *body, size_t body_len, int timeout_s, http_response *resp)
{
	bytes head = { NULL, 0, 0, HTTP_HEAD_MAX, 0 }, rbody = { NULL, 0, 0, HTTP_BODY_MAX, 0 };
	source src = { body, body_len, 0 };
	char method_z[16], *url_z = NULL, curl_error[CURL_ERROR_SIZE] = "";
	struct curl_slist *list;
	CURL *curl = curl_easy_init();
	int ok, rc = -1;
	CURLcode res;
	long status = 0;

	memset(resp, 0, sizeof *resp);
	list = header_list(headers, header_count, &ok);
	url_z = malloc(url.len + 1);
	if (!curl || !ok || !url_z || method.len >= sizeof method_z) {
		snprintf(resp->error, sizeof resp->error, "out of memory or a bad method");
		goto done;
	}
	memcpy(url_z, url.ptr, url.len);
	url_z[url.len] = 0;
	memcpy(method_z, method.ptr, method.len);
	method_z[method.len] = 0;
	curl_easy_setopt(curl, CURLOPT_URL, url_z);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)(timeout_s > 0 ? timeout_s : 60));
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &rbody);
	curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
	if (strcmp(method_z, "HEAD") == 0) {
		curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
	} else if (body_len || strcmp(method_z, "PUT") == 0 || strcmp(method_z, "POST") == 0) {
		curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(curl, CURLOPT_READDATA, &src);
		curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)body_len);
	}
	curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method_z);
	res = curl_easy_perform(curl);
	if (res != CURLE_OK) {
		snprintf(resp->error, sizeof resp->error, "%s%s%s", curl_easy_strerror(res),
			rbody.over || head.over ? " (response too large)" : "",
			curl_error[0] ? curl_error : "");
		goto done;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	resp->status = (int)status;
	if (!bytes_add(&head, "", 0) || !bytes_add(&rbody, "", 0)) {
		snprintf(resp->error, sizeof resp->error, "out of memory");
		goto done;
	}
	resp->head = head.ptr;
	resp->head_len = head.len;
	resp->body = rbody.ptr;
	resp->body_len = rbody.len;
	head.ptr = rbody.ptr = NULL;
	split_headers(resp);
	rc = 0;
done:
	curl_slist_free_all(list);
	if (curl)
		curl_easy_cleanup(curl);
	free(url_z);
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
