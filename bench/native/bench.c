/*
 * bench.c -- the native core on one core: how many requests s3mpu_request_build
 * signs per second, and how fast it hashes.
 *
 *   s3mpu_bench [iterations [header|presign|sha]]
 *   s3mpu_bench hash [MiB]
 *
 * (default 200000 iterations, every signing case; hash: 64 MiB; prints
 * medians of 7 runs).
 *
 * Cases: an UploadPart signed with an Authorization header, the same
 * presigned (what S3Client.presignParts does per part), and SHA-256 of
 * 64-byte blocks for scale. Inputs look like a real AWS multipart upload
 * (AWS upload ids are ~100 characters). `hash` runs MD5, SHA-256, CRC32
 * and CRC32C over the test bytes of bench/lib/bytes.mjs and prints each
 * digest, so the benchmark checks it against Node's. Wall time is noisy: compare
 * medians, or count instructions with
 *   valgrind --tool=callgrind s3mpu_bench 20000
 */
#define _POSIX_C_SOURCE 200809L
#include "s3mpu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 7

static char arena[16384];

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void setup(s3mpu_client *c, s3mpu_op *op, uint32_t expires)
{
	s3mpu_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.endpoint = S3MPU_LIT("https://s3.us-west-2.amazonaws.com");
	cfg.access_key = S3MPU_LIT("AKIAIOSFODNN7EXAMPLE");
	cfg.secret_key = S3MPU_LIT("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
	if (s3mpu_client_init(c, &cfg) != S3MPU_OK) {
		fprintf(stderr, "client_init: %s\n", s3mpu_client_detail(c));
		exit(1);
	}
	memset(op, 0, sizeof *op);
	op->op = S3MPU_OP_UPLOAD_PART;
	op->bucket = S3MPU_LIT("examplebucket");
	op->key = S3MPU_LIT("backups/2026/11/db-snapshot.tar.zst");
	op->upload_id = S3MPU_LIT("VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA"
				  "-exampleexampleexampleexampleexampleexample0123");
	op->part_number = 1;
	op->content_length = 8u << 20;
	op->content_md5 = S3MPU_LIT("1B2M2Y8AsgTpgAmY7PhCfg==");
	op->presign_expires = expires;
}

/* ns per call of one run of `iters` builds. */
static double run_build(s3mpu_client *c, s3mpu_op *op, long iters)
{
	s3mpu_request req;
	size_t need;
	double t0 = now_ns();
	long i;
	for (i = 0; i < iters; i++) {
		op->part_number = (uint32_t)(i % 10000) + 1;
		if (s3mpu_request_build(c, op, 1764079200, &req, arena, sizeof arena, &need) !=
			S3MPU_OK) {
			fprintf(stderr, "build: %s\n", s3mpu_client_detail(c));
			exit(1);
		}
	}
	return (now_ns() - t0) / (double)iters;
}

static double run_sha(long iters)
{
	unsigned char block[64], out[S3MPU_SHA256_SIZE];
	s3mpu_sha256 sha;
	double t0;
	long i;
	memset(block, 'a', sizeof block);
	s3mpu_sha256_init(&sha);
	t0 = now_ns();
	for (i = 0; i < iters; i++)
		s3mpu_sha256_update(&sha, block, sizeof block);
	s3mpu_sha256_digest(&sha, out);
	if (out[0] == 0x42 && out[1] == 0x42)
		puts(""); /* keep the loop */
	return (now_ns() - t0) / (double)iters;
}

/* The test bytes of bench/lib/bytes.mjs: xorshift32 words, little-endian. */
static unsigned char *hash_input(size_t size)
{
	unsigned char *data = malloc(size);
	uint32_t s = 0x9e3779b9u;
	size_t i;
	if (!data) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	for (i = 0; i + 4 <= size; i += 4) {
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		data[i] = (unsigned char)s;
		data[i + 1] = (unsigned char)(s >> 8);
		data[i + 2] = (unsigned char)(s >> 16);
		data[i + 3] = (unsigned char)(s >> 24);
	}
	return data;
}

enum hash_algo {
	HASH_MD5,
	HASH_SHA256,
	HASH_CRC32,
	HASH_CRC32C
};

/* One digest of data, as hex into hex (at least 65 bytes). */
static void hash_once(enum hash_algo algo, const s3mpu_crc_table *table, const unsigned char *data,
	size_t size, char *hex)
{
	unsigned char out[S3MPU_SHA256_SIZE];
	size_t n = 0, i;
	if (algo == HASH_MD5) {
		s3mpu_md5 md5;
		s3mpu_md5_init(&md5);
		s3mpu_md5_update(&md5, data, size);
		s3mpu_md5_digest(&md5, out);
		n = S3MPU_MD5_SIZE;
	} else if (algo == HASH_SHA256) {
		s3mpu_sha256 sha;
		s3mpu_sha256_init(&sha);
		s3mpu_sha256_update(&sha, data, size);
		s3mpu_sha256_digest(&sha, out);
		n = S3MPU_SHA256_SIZE;
	} else {
		uint32_t crc = s3mpu_crc_update(table, 0, data, size);
		out[0] = (unsigned char)(crc >> 24);
		out[1] = (unsigned char)(crc >> 16);
		out[2] = (unsigned char)(crc >> 8);
		out[3] = (unsigned char)crc;
		n = 4;
	}
	for (i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", out[i]);
}

/* MB/s (10^6 bytes) of each algorithm; medians of RUNS, with the digest. */
static void run_hashes(long mib)
{
	static const char *const names[] = { "md5", "sha256", "crc32", "crc32c" };
	size_t size = (size_t)mib << 20;
	unsigned char *data = hash_input(size);
	s3mpu_crc_table *table = malloc(sizeof *table);
	char hex[2 * S3MPU_SHA256_SIZE + 1];
	double mbps[RUNS], t0;
	int algo, r;

	if (!table) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	for (algo = HASH_MD5; algo <= HASH_CRC32C; algo++) {
		if (algo == HASH_CRC32)
			s3mpu_crc_table_init_crc32(table);
		else if (algo == HASH_CRC32C)
			s3mpu_crc_table_init_crc32c(table);
		hash_once((enum hash_algo)algo, table, data, size, hex); /* warm-up */
		for (r = 0; r < RUNS; r++) {
			t0 = now_ns();
			hash_once((enum hash_algo)algo, table, data, size, hex);
			mbps[r] = (double)size / 1e6 / ((now_ns() - t0) / 1e9);
		}
		qsort(mbps, RUNS, sizeof *mbps, cmp_double);
		printf("hash %-7s median %8.1f MB/s  (min %8.1f, max %8.1f)  digest %s\n",
			names[algo], mbps[RUNS / 2], mbps[0], mbps[RUNS - 1], hex);
	}
	free(table);
	free(data);
}

static void report(const char *name, double *ns)
{
	qsort(ns, RUNS, sizeof *ns, cmp_double);
	printf("%-28s median %8.1f ns  (min %8.1f, max %8.1f)  %10.0f /s\n", name, ns[RUNS / 2],
		ns[0], ns[RUNS - 1], 1e9 / ns[RUNS / 2]);
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 200000;
	const char *only = argc > 2 ? argv[2] : "";
	s3mpu_client c = { 0 };
	s3mpu_op op;
	double ns[RUNS];
	int r;

	if (argc > 1 && strcmp(argv[1], "hash") == 0) {
		long mib = argc > 2 ? atol(argv[2]) : 64;
		run_hashes(mib > 0 ? mib : 1);
		return 0;
	}
	if (iters <= 0)
		iters = 1;
	if (!*only || strcmp(only, "header") == 0) {
		setup(&c, &op, 0);
		for (r = 0; r < RUNS; r++)
			ns[r] = run_build(&c, &op, iters);
		report("UploadPart, header auth", ns);
	}
	if (!*only || strcmp(only, "presign") == 0) {
		setup(&c, &op, 3600);
		for (r = 0; r < RUNS; r++)
			ns[r] = run_build(&c, &op, iters);
		report("UploadPart, presigned", ns);
	}
	if (!*only || strcmp(only, "sha") == 0) {
		for (r = 0; r < RUNS; r++)
			ns[r] = run_sha(iters);
		report("SHA-256, one 64-byte block", ns);
	}
	if (*only && strcmp(only, "header") && strcmp(only, "presign") && strcmp(only, "sha")) {
		fprintf(stderr, "usage: %s [iterations [header|presign|sha]] | hash [MiB]\n",
			argv[0]);
		return 2;
	}
	s3mpu_client_wipe(&c);
	return 0;
}
