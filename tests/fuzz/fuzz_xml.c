/*
 * fuzz_xml.c -- one response parser (FUZZ_PARSER, set by CMakeLists.txt)
 * on any bytes, as a server might send them.
 *
 * Beyond "no crash, no leak, no UB" it checks what s3mpu.h promises:
 * results are filled completely (every string NUL-terminated inside its
 * field) or zeroed on error; an <Error> body gives S3MPU_E_S3 with the
 * fields s3mpu_response_parse_error reads from it; malformed input is refused alike
 * by every parser; a list parser probed with no room says how many
 * entries there are, and then parses them into exactly that room.
 */
#include "fuzz.h"

/* FUZZ_PARSER is one of these: P_ and the target's name after xml_
 * (tests/fuzz/targets.txt). */
enum {
	P_ERROR = 1,
	P_CREATE_MULTIPART_UPLOAD,
	P_COMPLETE_MULTIPART_UPLOAD,
	P_LIST_PARTS,
	P_LIST_MULTIPART_UPLOADS
};

#ifndef FUZZ_PARSER
#error "FUZZ_PARSER must name the parser (P_ERROR ... P_LIST_MULTIPART_UPLOADS)"
#endif

static int all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void check_error(const s3mpu_s3_error *e)
{
	FUZZ_CHECK(FUZZ_TERMINATED(e->code));
	FUZZ_CHECK(FUZZ_TERMINATED(e->message));
	FUZZ_CHECK(FUZZ_TERMINATED(e->request_id));
	FUZZ_CHECK(FUZZ_TERMINATED(e->host_id));
	FUZZ_CHECK(FUZZ_TERMINATED(e->string_to_sign));
	FUZZ_CHECK(FUZZ_TERMINATED(e->canonical_request));
}

static void check_part(const s3mpu_part *p)
{
	FUZZ_CHECK(p->etag_len < sizeof p->etag && strlen(p->etag) == p->etag_len);
	FUZZ_CHECK(FUZZ_TERMINATED(p->last_modified));
	FUZZ_CHECK(p->checksum_len <= sizeof p->checksum);
}

static void check_upload(const s3mpu_upload *u)
{
	FUZZ_CHECK(FUZZ_TERMINATED(u->key));
	FUZZ_CHECK(FUZZ_TERMINATED(u->upload_id) && u->upload_id[0] != '\0');
	FUZZ_CHECK(FUZZ_TERMINATED(u->initiated));
	FUZZ_CHECK(FUZZ_TERMINATED(u->storage_class));
}

/* Parts: a probe with no room, then exactly the room it asked for. */
static int run_list_parts(const char *xml, size_t len, s3mpu_s3_error *err)
{
	s3mpu_list_parts_result r;
	size_t i, n;
	int rc, again;

	memset(&r, 0, sizeof r);
	rc = s3mpu_response_parse_list_parts(xml, len, &r, err);
	if (rc != S3MPU_E_SPACE) {
		FUZZ_CHECK(r.part_count == 0);
		if (rc != S3MPU_OK)
			FUZZ_CHECK(r.is_truncated == 0 && r.next_part_number_marker == 0);
		return rc;
	}
	n = r.part_count;
	FUZZ_CHECK(n > 0 && r.is_truncated == 0);
	r.parts = malloc(n * sizeof *r.parts);
	FUZZ_CHECK(r.parts != NULL);
	r.part_cap = n;
	again = s3mpu_response_parse_list_parts(xml, len, &r, err);
	FUZZ_CHECK(again == S3MPU_OK && r.part_count == n);
	for (i = 0; i < n; i++)
		check_part(&r.parts[i]);
	free(r.parts);
	return S3MPU_OK;
}

static int run_list_uploads(const char *xml, size_t len, s3mpu_s3_error *err)
{
	s3mpu_list_multipart_uploads_result *r = calloc(1, sizeof *r);
	size_t i, n;
	int rc, again;

	FUZZ_CHECK(r != NULL);
	rc = s3mpu_response_parse_list_multipart_uploads(xml, len, r, err);
	if (rc != S3MPU_E_SPACE) {
		FUZZ_CHECK(r->upload_count == 0);
		FUZZ_CHECK(FUZZ_TERMINATED(r->next_key_marker));
		FUZZ_CHECK(FUZZ_TERMINATED(r->next_upload_id_marker));
		if (rc != S3MPU_OK)
			FUZZ_CHECK(r->is_truncated == 0 && r->next_key_marker[0] == '\0' &&
				r->next_upload_id_marker[0] == '\0');
		free(r);
		return rc;
	}
	n = r->upload_count;
	FUZZ_CHECK(n > 0);
	r->uploads = malloc(n * sizeof *r->uploads);
	FUZZ_CHECK(r->uploads != NULL);
	r->upload_cap = n;
	again = s3mpu_response_parse_list_multipart_uploads(xml, len, r, err);
	FUZZ_CHECK(again == S3MPU_OK && r->upload_count == n);
	for (i = 0; i < n; i++)
		check_upload(&r->uploads[i]);
	FUZZ_CHECK(FUZZ_TERMINATED(r->next_key_marker));
	FUZZ_CHECK(FUZZ_TERMINATED(r->next_upload_id_marker));
	free(r->uploads);
	free(r);
	return S3MPU_OK;
}

static int run_parser(const char *xml, size_t len, s3mpu_s3_error *err)
{
	int rc;

	switch (FUZZ_PARSER) {
	case P_ERROR:
		rc = s3mpu_response_parse_error(xml, len, err);
		FUZZ_CHECK(rc != S3MPU_E_S3);
		if (rc != S3MPU_OK)
			FUZZ_CHECK(all_zero(err, sizeof *err));
		return rc == S3MPU_OK ? S3MPU_E_S3 : rc; /* as the others say it */
	case P_CREATE_MULTIPART_UPLOAD: {
		s3mpu_create_multipart_upload_result r;
		rc = s3mpu_response_parse_create_multipart_upload(xml, len, &r, err);
		if (rc == S3MPU_OK)
			FUZZ_CHECK(FUZZ_TERMINATED(r.bucket) && FUZZ_TERMINATED(r.key) &&
				FUZZ_TERMINATED(r.upload_id) && r.upload_id[0] != '\0');
		else
			FUZZ_CHECK(all_zero(&r, sizeof r));
		return rc;
	}
	case P_COMPLETE_MULTIPART_UPLOAD: {
		s3mpu_complete_multipart_upload_result r;
		rc = s3mpu_response_parse_complete_multipart_upload(xml, len, &r, err);
		if (rc == S3MPU_OK)
			FUZZ_CHECK(FUZZ_TERMINATED(r.location) && FUZZ_TERMINATED(r.bucket) &&
				FUZZ_TERMINATED(r.key) && FUZZ_TERMINATED(r.etag));
		else
			FUZZ_CHECK(all_zero(&r, sizeof r));
		return rc;
	}
	case P_LIST_PARTS: return run_list_parts(xml, len, err);
	default: return run_list_uploads(xml, len, err);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size copy: a read past the body is caught. */
	char *xml = malloc(size ? size : 1);
	s3mpu_s3_error err, direct;
	int rc, as_error;

	FUZZ_CHECK(xml != NULL);
	if (size)
		memcpy(xml, data, size);
	rc = run_parser(xml, size, &err);
	fuzz_trace("parse", rc);
	check_error(&err);
	if (rc != S3MPU_E_S3)
		FUZZ_CHECK(all_zero(&err, sizeof err));

	/* Every parser loads the document the same way and reads an <Error>
	 * root the same way. */
	as_error = s3mpu_response_parse_error(xml, size, &direct);
	switch (as_error) {
	case S3MPU_OK:
		FUZZ_CHECK(rc == S3MPU_E_S3);
		FUZZ_CHECK(memcmp(&err, &direct, sizeof err) == 0);
		break;
	case S3MPU_E_XML_DOCUMENT:
		FUZZ_CHECK(rc != S3MPU_E_S3 && rc != S3MPU_E_XML && rc != S3MPU_E_NOMEM);
		break;
	default: /* the document did not load, or an <Error> field is too long */
		FUZZ_CHECK(rc == as_error);
		break;
	}
	free(xml);
	return 0;
}
