/*
 * libc.c -- the parts of the C library that s3mpu.wasm takes from here
 * rather than from wasi-libc or Emscripten's libc, for size: both builds
 * get the same allocator and memory functions. See bench/SIZE.md.
 *
 * memcpy, memmove, memset: one bulk-memory instruction each (the module is
 * built with -mbulk-memory) instead of ~1.6 KB of word-at-a-time loops;
 * compiled code already uses the instructions directly, these serve the
 * C library's own callers (strdup, ...).
 *
 * The allocator replaces dlmalloc (~11 KB of code) and emmalloc.
 * What allocates in the module: the ABI's arena, result buffer and parts
 * array (long-lived, grown by doubling), blocks JS asks for (hash contexts,
 * body windows, response bodies), and mxml, which makes a few small blocks
 * per XML node and frees them all before the parser returns. So: payloads
 * of power-of-two sizes (16 bytes up), one free list per size, no
 * splitting or merging. A freed block waits on its list for the next
 * request of its size; new blocks are cut from the top of the heap, which
 * grows with memory.grow. At most half of a block is slack. errno is left
 * alone: nothing here reads it, and with bulk memory enabled clang 14 cannot
 * compile the thread-local errno of wasi-libc for a reactor.
 */
#include <stddef.h>

#ifndef __wasm_bulk_memory__
/* Without it __builtin_memcpy below would compile to a call of memcpy. */
#error "libc.c needs -mbulk-memory (cmake/wasm-features.cmake)"
#endif

#include <stdint.h>
#include <string.h>

#define HEADER 16  /* before each payload: its size class; keeps 16-byte alignment */
#define MIN_LOG 4  /* the smallest payload: 16 bytes, room for the free-list link */
#define MAX_LOG 30 /* the largest: 1 GiB (wasm32 memory is 4 GiB at most) */
#define PAGE 65536u

extern unsigned char __heap_base; /* set by wasm-ld: the end of data and stack */

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *malloc(size_t size);
void free(void *p);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t size);

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	__builtin_memcpy(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	__builtin_memmove(dst, src, n);
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	__builtin_memset(dst, c, n);
	return dst;
}

static void *free_list[MAX_LOG + 1];
static uintptr_t heap_top; /* next byte never handed out */
static uint64_t heap_end;  /* end of linear memory */

/* A block of HEADER + `size` bytes from the top of the heap, or NULL. */
static unsigned char *carve(size_t size)
{
	unsigned char *b;
	uint64_t need;

	if (heap_top == 0) {
		heap_top = ((uintptr_t)&__heap_base + HEADER - 1) & ~(uintptr_t)(HEADER - 1);
		heap_end = (uint64_t)__builtin_wasm_memory_size(0) * PAGE;
	}
	need = (uint64_t)heap_top + HEADER + size;
	if (need > heap_end) {
		size_t pages = (size_t)((need - heap_end + PAGE - 1) / PAGE);
		if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1)
			return NULL;
		heap_end += (uint64_t)pages * PAGE;
	}
	b = (unsigned char *)heap_top;
	heap_top += HEADER + size;
	return b;
}

void *malloc(size_t size)
{
	unsigned k = MIN_LOG;
	unsigned char *b;

	if (size > (size_t)1 << MAX_LOG)
		return NULL;
	while (((size_t)1 << k) < size)
		k++;
	b = free_list[k];
	if (b) {
		free_list[k] = *(void **)(void *)(b + HEADER);
	} else {
		b = carve((size_t)1 << k);
		if (!b)
			return NULL;
		*(uint32_t *)(void *)b = k;
	}
	return b + HEADER;
}

void free(void *p)
{
	unsigned char *b;
	uint32_t k;

	if (!p)
		return;
	b = (unsigned char *)p - HEADER;
	k = *(uint32_t *)(void *)b;
	*(void **)p = free_list[k];
	free_list[k] = b;
}

void *calloc(size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size)
		return NULL;
	p = malloc(count * size);
	if (p)
		memset(p, 0, count * size); /* a reused block holds old bytes */
	return p;
}

void *realloc(void *p, size_t size)
{
	size_t have;
	void *q;

	if (!p)
		return malloc(size);
	have = (size_t)1 << *(uint32_t *)(void *)((unsigned char *)p - HEADER);
	if (size <= have)
		return p; /* also realloc(p, 0), as dlmalloc: p stays valid */
	q = malloc(size);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	free(p);
	return q;
}
