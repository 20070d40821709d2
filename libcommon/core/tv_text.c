// SPDX-License-Identifier: MIT
#include <string.h>

#include "libcommon/core/tv_text.h"

bool tv_text_has(const char *d, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	if (k == 0 || k > n)
		return k == 0;
	for (const char *p = d; (size_t)(p - d) + k <= n;) {
		const char *q = memchr(p, needle[0], n - (size_t)(p - d) - k + 1);

		if (q == NULL)
			return false;
		if (memcmp(q, needle, k) == 0)
			return true;
		p = q + 1;
	}
	return false;
}

bool tv_text_stamp(const char *s, size_t n, char sep)
{
	static const char pat[] = "dddd-dd-ddXdd:dd:dd";

	if (n < sizeof(pat) - 1)
		return false;
	for (size_t i = 0; i < sizeof(pat) - 1; i++) {
		bool ok = pat[i] == 'd'	  ? s[i] >= '0' && s[i] <= '9'
			  : pat[i] == 'X' ? s[i] == sep
					  : s[i] == pat[i];

		if (!ok)
			return false;
	}
	return true;
}
