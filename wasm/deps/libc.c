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
 * of power-of-two sizes (16 bytes up), one free list per size. A freed
 * block waits on its list for the next request of its size; new blocks
 * are cut from the top of the heap, which grows with memory.grow. At most
 * half of a block is slack. Only when memory cannot grow any more are
 * free blocks merged with their free neighbours and cut again (reclaim):
 * without that, memory once handed out in small blocks (an XML flood)
 * never served a large request again, and the other way round (issue 11:
 * after a 100 MiB body no small answer parsed). errno is left
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

#define HEADER 16  /* before each payload: its block_head; keeps 16-byte alignment */
#define MIN_LOG 4  /* the smallest payload: 16 bytes, room for the free-list link */
#define MAX_LOG 30 /* the largest: 1 GiB (wasm32 memory is 4 GiB at most) */
#define PAGE 65536u
#define FREE_MARK 0x46524545u /* "FREE" */

/* The HEADER bytes before a payload. Blocks lie end to end from the heap's
 * base to its top, so `span` leads from one to the next. */
typedef struct {
	uint32_t log;  /* size class: the payload holds 1 << log bytes */
	uint32_t span; /* bytes of the whole block, header included (a block
	                * cut by reclaim may have more than its class) */
	uint32_t mark; /* FREE_MARK while on a free list */
	uint32_t unused;
} block_head;

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
static uintptr_t heap_base; /* the first block */
static uintptr_t heap_top;  /* next byte never handed out */
static uint64_t heap_end;   /* end of linear memory */

static block_head *head_of(void *p) { return (block_head *)(void *)((unsigned char *)p - HEADER); }

static void push_free(block_head *h)
{
	void *p = (unsigned char *)h + HEADER;

	h->mark = FREE_MARK;
	*(void **)p = free_list[h->log];
	free_list[h->log] = p;
}

/* A block of HEADER + `size` bytes from the top of the heap, or NULL. */
static block_head *carve(size_t size)
{
	block_head *h;
	uint64_t need;

	if (heap_top == 0) {
		heap_base = ((uintptr_t)&__heap_base + HEADER - 1) & ~(uintptr_t)(HEADER - 1);
		heap_top = heap_base;
		heap_end = (uint64_t)__builtin_wasm_memory_size(0) * PAGE;
	}
	need = (uint64_t)heap_top + HEADER + size;
	if (need > heap_end) {
		size_t pages = (size_t)((need - heap_end + PAGE - 1) / PAGE);
		if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1)
			return NULL;
		heap_end += (uint64_t)pages * PAGE;
	}
	h = (block_head *)heap_top;
	heap_top += HEADER + size;
	h->span = (uint32_t)(HEADER + size);
	return h;
}

/* Cut the free bytes [p, p + n) into the largest blocks that fit; under
 * 32 bytes left are slack of the last, or of `before` (may be NULL when
 * n is a whole block or more). */
static void cut_free(unsigned char *p, size_t n, block_head *before)
{
	block_head *last = before;

	while (n >= HEADER + ((size_t)1 << MIN_LOG)) {
		unsigned log = MAX_LOG;
		while (HEADER + ((size_t)1 << log) > n)
			log--;
		last = (block_head *)(void *)p;
		last->log = log;
		last->span = (uint32_t)(HEADER + ((size_t)1 << log));
		push_free(last);
		p += last->span;
		n -= last->span;
	}
	last->span += (uint32_t)n;
}

/* Merge each run of free blocks and cut it again; a run at the top of the
 * heap goes back to it. O(blocks); only when memory is exhausted. */
static void reclaim(void)
{
	uintptr_t b = heap_base;

	__builtin_memset(free_list, 0, sizeof free_list);
	while (b < heap_top) {
		uintptr_t run = b;
		while (b < heap_top && ((block_head *)b)->mark == FREE_MARK)
			b += ((block_head *)b)->span;
		if (b == heap_top && run < b) {
			heap_top = run;
			break;
		}
		if (run < b)
			cut_free((unsigned char *)run, b - run, NULL);
		if (b < heap_top)
			b += ((block_head *)b)->span; /* a block in use */
	}
}

/* A free block of class `log`, or NULL. */
static block_head *take_free(unsigned log)
{
	void *p = free_list[log];

	if (p == NULL)
		return NULL;
	free_list[log] = *(void **)p;
	return head_of(p);
}

/* A block of class `log` cut from the smallest larger free block. */
static block_head *split_free(unsigned log)
{
	unsigned j;

	for (j = log + 1; j <= MAX_LOG; j++) {
		block_head *h = take_free(j);
		uint32_t span;
		if (h == NULL)
			continue;
		span = h->span;
		h->span = (uint32_t)(HEADER + ((size_t)1 << log));
		cut_free((unsigned char *)h + h->span, span - h->span, h);
		return h;
	}
	return NULL;
}

void *malloc(size_t size)
{
	unsigned log = MIN_LOG;
	block_head *h;

	if (size > (size_t)1 << MAX_LOG)
		return NULL;
	while (((size_t)1 << log) < size)
		log++;
	/* Reuse, grow, split; when memory is exhausted, merge and again. */
	if ((h = take_free(log)) == NULL && (h = carve((size_t)1 << log)) == NULL &&
		(h = split_free(log)) == NULL && heap_top != 0) {
		reclaim();
		if ((h = take_free(log)) == NULL && (h = split_free(log)) == NULL)
			h = carve((size_t)1 << log);
	}
	if (h == NULL)
		return NULL;
	h->log = log;
	h->mark = 0;
	return (unsigned char *)h + HEADER;
}

void free(void *p)
{
	if (p)
		push_free(head_of(p));
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
	have = (size_t)1 << head_of(p)->log;
	if (size <= have)
		return p; /* also realloc(p, 0), as dlmalloc: p stays valid */
	q = malloc(size);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	free(p);
	return q;
}
