// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest_harness.h runs each test in a child that ends with _exit(),
 * which skips LeakSanitizer's check at exit: linked with
 * -Wl,--wrap=_exit, this runs the check there, so a test that leaks
 * exits non-zero and fails, as it did when the tests shared a process.
 */
#include <sanitizer/lsan_interface.h>

void __real__exit(int code) __attribute__((noreturn));
void __wrap__exit(int code) __attribute__((noreturn));

void __wrap__exit(int code)
{
	__lsan_do_leak_check();
	__real__exit(code);
}
