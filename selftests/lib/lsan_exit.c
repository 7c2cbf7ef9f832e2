// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest_harness.h runs each test in a child that ends with _exit(),
 * which skips LeakSanitizer's check at exit: linked with
 * -Wl,--wrap=_exit, this runs the check there, so a test that leaks
 * exits non-zero and fails, as it did when the tests shared a process.
 * A full check costs about 0.1 s of CPU, ten times a typical test: it
 * runs only when the child's heap ends larger than it was at the fork.
 */
#include <pthread.h>
#include <stddef.h>
#include <sanitizer/lsan_interface.h>

/* In the ASan runtime; gcc ships no header for it. */
size_t __sanitizer_get_current_allocated_bytes(void);
void __real__exit(int code) __attribute__((noreturn));
void __wrap__exit(int code) __attribute__((noreturn));

static size_t heap_at_fork;

static void note_heap(void)
{
	heap_at_fork = __sanitizer_get_current_allocated_bytes();
}

static void __attribute__((constructor)) lsan_exit_init(void)
{
	pthread_atfork(NULL, NULL, note_heap);
}

void __wrap__exit(int code)
{
	if (__sanitizer_get_current_allocated_bytes() > heap_at_fork)
		__lsan_do_leak_check();
	__real__exit(code);
}
