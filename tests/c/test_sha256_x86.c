/*
 * test_sha256_x86.c -- SHA-256 with the SHA extensions (sha256_x86.c).
 *
 * The public functions pick the extensions when the CPU has them, so the
 * known-answer tests of test_sha256.c run on whichever this machine has.
 * This one compares the two compression functions directly (sha256.h, not
 * public) on many block counts and states, where the CPU has both.
 */
#include "check.h"
#include "sha256.h"

TEST(same_as_portable)
{
#if SHA_NI
	unsigned char data[64 * 9];
	uint32_t a[8], b[8];
	size_t i, n;

	if (!sha256_ni_usable()) {
		fprintf(stderr, "  this CPU has no SHA extensions: nothing to compare\n");
		return;
	}
	for (i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 167 + 13);
	for (n = 1; n <= 9; n++) {
		memcpy(a, sha256_iv, sizeof a);
		a[n % 8] ^= (uint32_t)n * 0x9e3779b9u; /* other starting states too */
		memcpy(b, a, sizeof b);
		sha256_blocks_c(a, data, n);
		sha256_blocks_ni(b, data, n);
		CHECK_MEM(a, sizeof a, b, sizeof b);
	}
#else
	fprintf(stderr, "  built without the SHA extensions: nothing to compare\n");
#endif
}

CHECK_MAIN(CASE(same_as_portable))
