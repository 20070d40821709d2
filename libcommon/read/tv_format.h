/* SPDX-License-Identifier: MIT */
/*
 * tv_format: the input formats, as the tools see them.
 *
 * Each format is one file in read/formats/ exporting one struct tv_format
 * (its name, how to recognise it, how to read it; see tv_backend.h) and one
 * row of the table in tv_format.c.  Tools name formats by pointer: NULL is
 * "not known" (detect it).  Every pointer returned here is static.
 */
#ifndef TV_FORMAT_H
#define TV_FORMAT_H

#include <stddef.h>

struct tv_format;

/* How a format's bytes are laid out: what televal-anonymize rewrites. */
enum tv_layout {
	TV_LAYOUT_CANONICAL,  /* canonical session JSON Lines */
	TV_LAYOUT_JSON,	      /* JSON values: pretty-printed, one per line, or glued */
	TV_LAYOUT_JSON_LINES, /* JSON Lines, or JSON values when it starts pretty-printed */
	TV_LAYOUT_DBGTEXT,    /* the OpenTelemetry collector's debug-exporter text */
	TV_LAYOUT_PYLOG,      /* Python logging lines (and JSON log lines) */
	TV_LAYOUT_SQLITE,     /* an SQLite database file */
};

/** tv_format_find: the format whose --from name is @name, or NULL. */
const struct tv_format *tv_format_find(const char *name);
/** tv_format_name: the --from name of @f ("otlp", ...); "unknown" for NULL. */
const char *tv_format_name(const struct tv_format *f);
/** tv_format_layout: how @f is laid out (@f not NULL). */
enum tv_layout tv_format_layout(const struct tv_format *f);
/**
 * tv_format_detect: the format the first @len bytes of an input look like
 * (a UTF-8 BOM and leading blank space are skipped), or NULL if none fits.
 */
const struct tv_format *tv_format_detect(const char *data, size_t len);
struct tv_input;

/**
 * tv_format_sniff: the format of @in when none was named, without
 * consuming anything.  The first bytes are looked at; when no format fits
 * them and they end inside the first JSON record (a first line of many
 * megabytes, a pretty-printed first object that is not closed yet), the
 * whole first record is read (up to @max bytes) and looked at again, so
 * detection does not depend on the size of the first record.  Returns 0
 * with *@fmt (NULL if none fits) and the bytes looked at in *@data and *@len
 * (borrowed until the next read of @in), or -errno / -TV_EENCODING.
 */
int tv_format_sniff(struct tv_input *in, size_t max, const struct tv_format **fmt,
		    const char **data, size_t *len);

/** tv_format_count: how many formats there are. */
size_t tv_format_count(void);
/** tv_format_at: the @i-th format of the table (detection order), or NULL past the end. */
const struct tv_format *tv_format_at(size_t i);
/** tv_format_list: the --from names, comma separated, in detection order. */
const char *tv_format_list(void);

#endif
