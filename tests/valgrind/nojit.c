// SPDX-License-Identifier: MIT
/*
 * Preloaded by tests/valgrind/run.sh: PCRE2's JIT compiler always fails, so
 * patterns run in PCRE2's interpreter.  The JIT's machine code reads ahead
 * of the subject's end (whole vectors, within the page), and memcheck
 * reports every branch on those bytes as a use of uninitialised memory in
 * code it has no name for: a Debian libpcre2 is not built with valgrind
 * support.  The interpreter reads only the subject, so memcheck still sees
 * whether what televal hands PCRE2 is initialised; the tools fall back to
 * it by themselves when the JIT fails (libcommon/pii/tv_pii_build.c,
 * libcommon/expr/tv_expr.c).
 */
#include <stdint.h>

int pcre2_jit_compile_8(void *code, uint32_t options);

int pcre2_jit_compile_8(void *code, uint32_t options)
{
	(void)code;
	(void)options;
	return -45; /* PCRE2_ERROR_JIT_BADOPTION */
}
