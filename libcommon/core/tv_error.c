// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_time.h"

int tv_error_set(struct tv_error *err, int code, const char *file, uint64_t line, const char *fmt,
		 ...)
{
	va_list ap;

	if (err == NULL) {
		return code;
	}
	err->code = code;
	err->line = line;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void tv_error_clear(struct tv_error *err)
{
	if (err == NULL) {
		return;
	}
	err->code = 0;
	err->file[0] = '\0';
	err->line = 0;
	err->msg[0] = '\0';
}

const char *tv_strerror(int code)
{
	switch (-code) {
	case TV_EPARSE:
		return "malformed record";
	case TV_EFORMAT:
		return "unknown input format";
	case TV_ETOOBIG:
		return "record too large";
	case TV_EDEPTH:
		return "nesting too deep";
	case TV_ETYPE:
		return "wrong value type";
	case TV_EUSAGE:
		return "invalid argument";
	case TV_EWRITE:
		return "write error";
	case TV_ECORRUPT:
		return "corrupt or truncated compressed input";
	case TV_ERANGE:
		return "time outside the range televal holds (" TV_TIME_RANGE_TEXT ")";
	case TV_EENCODING:
		return "invalid UTF-16 text (an unpaired surrogate or a cut code unit)";
	default:
		break;
	}
	if (code < 0 && -code < TV_EFIRST) {
		return strerror(-code);
	}
	return "unknown error";
}
