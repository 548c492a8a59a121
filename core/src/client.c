/* client.c -- endpoint, region and credentials of a client. See s3mpu.h. */
#include "internal.h"

_Static_assert(sizeof(client_state) <= sizeof(s3mpu_client), "s3mpu_client too small");
_Static_assert(_Alignof(client_state) <= _Alignof(s3mpu_client), "s3mpu_client misaligned");

/* ------------------------------------------------------------------ */
/* Detail sentences, built without printf (kept out of the wasm build) */
/* ------------------------------------------------------------------ */

int client_fail(client_state *c, int err, const char *before, s3mpu_str value, const char *after)
{
	s3mpu_buf o;
	size_t i;
	buf_init(&o, c->detail, sizeof c->detail - 1);
	buf_cstr(&o, before);
	if (value.ptr) {
		buf_char(&o, '"');
		/* Quote at most 64 bytes, as printable ASCII: the value may be
		 * anything the caller passed. */
		for (i = 0; i < value.len && i < 64; i++) {
			unsigned char ch = (unsigned char)value.ptr[i];
			buf_char(&o, ch >= 0x20 && ch < 0x7f ? (char)ch : '?');
		}
		if (value.len > 64)
			buf_cstr(&o, "...");
		buf_char(&o, '"');
	}
	if (after)
		buf_cstr(&o, after);
	c->detail[o.len < o.cap ? o.len : o.cap] = 0;
	return err;
}

/* see s3mpu.h */
const char *s3mpu_client_detail(const s3mpu_client *client)
{
	return client ? client_of_const(client)->detail : "";
}

/* ------------------------------------------------------------------ */
/* Endpoint                                                            */
/* ------------------------------------------------------------------ */

static int host_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		ch == '-' || ch == '.';
}

static int has_prefix_ci(s3mpu_str s, const char *prefix)
{
	s3mpu_str p = s3mpu_str_from_cstr(prefix);
	return s.len >= p.len && str_ieq((s3mpu_str){ s.ptr, p.len }, p);
}

/* "http(s)://host[:port][/]": host lower-cased, default port dropped. */
static int parse_endpoint(client_state *c, s3mpu_str e)
{
	s3mpu_str rest;
	size_t i = 0, host_end, port_start = 0;
	uint32_t port = 0;
	s3mpu_buf o;

	if (has_prefix_ci(e, "https://"))
		c->https = 1, i = 8;
	else if (has_prefix_ci(e, "http://"))
		c->https = 0, i = 7;
	else
		return client_fail(c, S3MPU_E_ENDPOINT, "endpoint ", e,
			" must start with http:// or https://");
	rest.ptr = e.ptr + i;
	rest.len = e.len - i;
	if (rest.len && rest.ptr[rest.len - 1] == '/')
		rest.len--;

	i = 0;
	if (rest.len && rest.ptr[0] == '[') {
		/* IPv6 literal, kept as written but lower-cased. */
		while (i < rest.len && rest.ptr[i] != ']') {
			char ch = rest.ptr[i];
			if (i > 0 &&
				!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
					(ch >= 'A' && ch <= 'F') || ch == ':' || ch == '.'))
				break;
			i++;
		}
		if (i >= rest.len || rest.ptr[i] != ']' || i < 3)
			return client_fail(
				c, S3MPU_E_ENDPOINT, "endpoint ", e, " has a bad IPv6 address");
		i++;
	} else {
		while (i < rest.len && host_char(rest.ptr[i]))
			i++;
		if (i == 0 || rest.ptr[0] == '.' || rest.ptr[0] == '-' || rest.ptr[i - 1] == '.')
			return client_fail(
				c, S3MPU_E_ENDPOINT, "endpoint ", e, " has no valid host name");
	}
	host_end = i;
	if (i < rest.len && rest.ptr[i] == ':') {
		port_start = ++i;
		while (i < rest.len && rest.ptr[i] >= '0' && rest.ptr[i] <= '9' && port <= 65535)
			port = port * 10 + (uint32_t)(rest.ptr[i++] - '0');
		if (i == port_start || port == 0 || port > 65535)
			return client_fail(c, S3MPU_E_ENDPOINT, "endpoint ", e, " has a bad port");
	}
	if (i != rest.len)
		return client_fail(c, S3MPU_E_ENDPOINT, "endpoint ", e,
			" must be scheme://host[:port] with no path, query or user");

	buf_init(&o, c->host, sizeof c->host);
	for (i = 0; i < host_end; i++)
		buf_char(&o, ascii_lower(rest.ptr[i]));
	if (port && port != (c->https ? 443u : 80u)) {
		buf_char(&o, ':');
		buf_bytes(&o, rest.ptr + port_start, rest.len - port_start);
	}
	if (!buf_fits(&o))
		return client_fail(c, S3MPU_E_ENDPOINT, "endpoint ", e, " is too long");
	c->host_len = o.len;
	return S3MPU_OK;
}

/* The region in a JD Cloud or AWS host name, or an empty string. */
static s3mpu_str region_from_host(s3mpu_str host)
{
	static const char *const prefixes[] = { "s3.", "s3-internal.", "s3.dualstack." };
	static const char *const suffixes[] = { ".jcloudcs.com", ".jdcloud-oss.com",
		".amazonaws.com" };
	s3mpu_str none = { "", 0 };
	size_t p, s, colon;

	for (colon = 0; colon < host.len && host.ptr[colon] != ':'; colon++)
		;
	host.len = colon;
	if (str_eq(host, S3MPU_LIT("s3.amazonaws.com")))
		return S3MPU_LIT("us-east-1");
	for (p = 0; p < sizeof prefixes / sizeof *prefixes; p++) {
		s3mpu_str pre = s3mpu_str_from_cstr(prefixes[p]);
		if (!has_prefix_ci(host, prefixes[p]))
			continue;
		for (s = 0; s < sizeof suffixes / sizeof *suffixes; s++) {
			s3mpu_str suf = s3mpu_str_from_cstr(suffixes[s]);
			s3mpu_str mid;
			if (host.len <= pre.len + suf.len ||
				!str_eq((s3mpu_str){ host.ptr + host.len - suf.len, suf.len }, suf))
				continue;
			mid.ptr = host.ptr + pre.len;
			mid.len = host.len - pre.len - suf.len;
			if (memchr(mid.ptr, '.', mid.len) == NULL)
				return mid;
		}
	}
	return none;
}

int s3mpu_client_init(s3mpu_client *client, const s3mpu_config *config)
{
	client_state *c;
	s3mpu_str region;
	int err;

	if (!client || !config)
		return S3MPU_E_ARGUMENT;
	memset(client, 0, sizeof *client);
	c = client_of(client);
	err = parse_endpoint(c, config->endpoint);
	if (err)
		return err;
	c->path_style = config->path_style != 0;

	region = config->region;
	if (region.len == 0) {
		region = region_from_host((s3mpu_str){ c->host, c->host_len });
		if (region.len == 0)
			return client_fail(c, S3MPU_E_REGION, "region is required for endpoint ",
				config->endpoint,
				" (only JD Cloud and AWS host names name their region)");
	}
	if (config->extra_storage_classes.len >= sizeof c->storage_classes)
		return client_fail(c, S3MPU_E_STORAGE_CLASS,
			"the list of extra storage classes is too long", (s3mpu_str){ NULL, 0 },
			NULL);
	if (config->extra_storage_classes.len)
		memcpy(c->storage_classes, config->extra_storage_classes.ptr,
			config->extra_storage_classes.len);
	c->storage_classes_len = config->extra_storage_classes.len;

	err = s3mpu_signer_init(&c->signer, config->access_key, config->secret_key,
		config->session_token, region, S3MPU_LIT("s3"));
	if (err == S3MPU_E_REGION)
		return client_fail(
			c, err, "region ", region, " must be 1-63 characters of a-z, 0-9 and '-'");
	if (err)
		return client_fail(c, err,
			"access key (1-128 printable characters, no '/', ',' or '='), secret key "
			"(1-128 bytes) and session token (up to 4096 printable characters) are "
			"required",
			(s3mpu_str){ NULL, 0 }, NULL);
	return S3MPU_OK;
}

void s3mpu_client_wipe(s3mpu_client *client)
{
	if (client)
		s3mpu_memory_wipe(client, sizeof *client);
}
