/* SPDX-License-Identifier: MIT */
/* tv_format: the input formats and their detection from the first bytes. */
#ifndef TV_FORMAT_H
#define TV_FORMAT_H

#include <stddef.h>

enum tv_format {
	TV_FMT_UNKNOWN = 0,
	TV_FMT_CANONICAL,	/* televal session JSONL */
	TV_FMT_COLLECTOR_LOG,	/* Gemini/Qwen collector.log (debug exporter text) */
	TV_FMT_OUTFILE,		/* Gemini/Qwen telemetry.outfile (pretty JSON objects) */
	TV_FMT_OTLP,		/* OTLP/JSON, per line or per file, logs and traces */
	TV_FMT_JAEGER,
	TV_FMT_LLAMA_STACK,
	TV_FMT_ANYCLAUDE,
	TV_FMT_WAZA,
	TV_FMT_PYLOG,
	TV_FMT_COUNT,
};

/** tv_format_name: the --from name of @f ("canonical", "collector-log", ...). Static. */
const char *tv_format_name(enum tv_format f);
/** tv_format_from_name: the format called @name, or TV_FMT_UNKNOWN. */
enum tv_format tv_format_from_name(const char *name);
/**
 * tv_format_detect: guess the format from the first @len bytes of a stream
 * (a UTF-8 BOM and leading blank space are skipped).  TV_FMT_UNKNOWN if none fits.
 */
enum tv_format tv_format_detect(const char *data, size_t len);
/** tv_format_list: the --from names, comma separated.  Static. */
const char *tv_format_list(void);

#endif
