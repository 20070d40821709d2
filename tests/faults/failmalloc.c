// SPDX-License-Identifier: MIT
/*
 * failmalloc: an LD_PRELOAD library that fails one allocation, for the
 * fault-injection tests (tests/cli/faults.sh, make faults).
 *
 *   TV_FAIL_AT=N      the Nth allocation made after main() starts returns
 *                     NULL (errno ENOMEM); the others succeed.  0 or unset:
 *                     none fails.
 *   TV_FAIL_COUNT=F   at exit, write to F how many allocations main() made.
 *   TV_FAIL_TRACE=F   write the stack of the failed allocation to F (to find
 *                     the caller: addr2line -e PROGRAM ADDRESS...).
 *
 * Allocations are malloc, calloc, realloc (to a non-zero size),
 * posix_memalign, aligned_alloc, strdup and strndup.  Those made before
 * main() (the loader, C++ static objects, the sanitizer runtimes) are never
 * failed nor counted.  Under ASan (whose runtime must otherwise come first)
 * set ASAN_OPTIONS=verify_asan_link_order=0: the calls then go to ASan's
 * allocator through this library.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_memalign)(void **, size_t, size_t);
static void *(*real_aligned)(size_t, size_t);
static void (*real_free)(void *);

static unsigned long fail_at, calls;
static int armed, resolving;

/* dlsym() may allocate: serve it from here while the real functions are looked up */
static char boot[4096];
static size_t boot_used;

static void *boot_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (boot_used + n > sizeof(boot)) {
		return NULL;
	}
	p = boot + boot_used;
	boot_used += n;
	return p;
}

static int from_boot(const void *p)
{
	return (const char *)p >= boot && (const char *)p < boot + sizeof(boot);
}

static void resolve(void)
{
	if (real_free != NULL || resolving) {
		return;
	}
	resolving = 1;
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_memalign = (int (*)(void **, size_t, size_t))dlsym(RTLD_NEXT, "posix_memalign");
	real_aligned = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "aligned_alloc");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	resolving = 0;
}

static void trace(void)
{
	const char *path = getenv("TV_FAIL_TRACE");
	void *frames[32];
	int fd, n;

	if (path == NULL || *path == '\0') {
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		n = backtrace(frames, 32);
		backtrace_symbols_fd(frames, n, fd);
		close(fd);
	}
}

/* true when this allocation is the one to fail */
static int fails(void)
{
	if (!armed) {
		return 0;
	}
	calls++;
	if (fail_at != 0 && calls == fail_at) {
		armed = 0; /* backtrace() may allocate */
		trace();
		armed = 1;
		return 1;
	}
	return 0;
}

void *malloc(size_t n)
{
	resolve();
	if (real_malloc == NULL) {
		return boot_alloc(n);
	}
	if (fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	void *p;

	resolve();
	if (real_calloc == NULL) {
		p = n && size > (size_t)-1 / n ? NULL : boot_alloc(n * size);
		return p ? memset(p, 0, n * size) : NULL;
	}
	if (fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_calloc(n, size);
}

void *realloc(void *old, size_t n)
{
	resolve();
	if (from_boot(old)) {
		void *p = malloc(n);

		if (p != NULL) {
			memcpy(p, old, n < sizeof(boot) ? n : sizeof(boot));
		}
		return p;
	}
	if (n > 0 && fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_realloc(old, n);
}

void free(void *p)
{
	if (p == NULL || from_boot(p)) {
		return;
	}
	resolve();
	if (real_free != NULL) {
		real_free(p); /* else dlsym() is freeing while free is looked up: leak it */
	}
}

int posix_memalign(void **out, size_t align, size_t n)
{
	resolve();
	if (fails()) {
		return ENOMEM;
	}
	return real_memalign(out, align, n);
}

void *aligned_alloc(size_t align, size_t n)
{
	resolve();
	if (fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return real_aligned(align, n);
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	return p ? memcpy(p, s, n) : NULL;
}

char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static void write_count(void)
{
	const char *path = getenv("TV_FAIL_COUNT");
	char buf[32];
	int fd, n;

	if (path == NULL || *path == '\0') {
		return;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		return;
	}
	n = snprintf(buf, sizeof(buf), "%lu\n", calls);
	if (n > 0 && write(fd, buf, (size_t)n) < 0) {
		n = 0;
	}
	close(fd);
}

/* main() runs through here: allocations are counted (and failed) from its start */
typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;

static int counted_main(int argc, char **argv, char **envp)
{
	const char *at = getenv("TV_FAIL_AT");

	fail_at = at ? strtoul(at, NULL, 10) : 0;
	atexit(write_count);
	armed = 1;
	return real_main(argc, argv, envp);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end);

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void),
		      void (*fini)(void), void (*rtld_fini)(void), void *stack_end)
{
	int (*start)(main_fn, int, char **, void (*)(void), void (*)(void), void (*)(void),
		     void *) = (int (*)(main_fn, int, char **, void (*)(void), void (*)(void),
					void (*)(void), void *))dlsym(RTLD_NEXT,
								      "__libc_start_main");

	real_main = main;
	return start(counted_main, argc, argv, init, fini, rtld_fini, stack_end);
}
