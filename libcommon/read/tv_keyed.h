/* SPDX-License-Identifier: MIT */
/*
 * tv_keyed: the keyed record lines of a sharded run.
 *
 * `televal-filter --emit-keyed` (the map) writes each source record as one
 * line keyed by its session; any engine sorts the lines by key (`LC_ALL=C
 * sort -t$'\t' -k1,1`, Hadoop's shuffle); `televal-filter --group-sorted`
 * (the reduce) reads them back, a session at a time.  A line is
 *
 *	KEY <TAB> PAYLOAD <LF>
 *
 * KEY is the session key with '%', TAB, LF and CR written as %25, %09, %0A
 * and %0D.  PAYLOAD is one JSON object whose first member "t" is the
 * record's time as 20 digits that sort as the time does, so that sorting
 * whole lines also puts a session's records in time order:
 *
 *	{"t":T,"k":"e",...}  a log event (name, time, body, attrs, res, trace, raw)
 *	{"t":T,"k":"s",...}  a trace span (ids, name, start, end, status, attrs, res, raw)
 *	{"t":T,"k":"c",...}  a complete session, as its canonical JSON ("session")
 *	{"t":T,"k":"l",...}  the text of a record of a line format, read again by it
 *
 * Each also names its format ("f"), its file and its line.  Attribute values
 * keep their type: strings, integers, booleans and null as JSON; a double as
 * {"d":N}; a JSON value as {"j":V}.  See docs/FORMATS.md#keyed-lines.
 */
#ifndef TV_KEYED_H
#define TV_KEYED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_strbuf.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/read/tv_backend.h"
#include "libcommon/read/tv_spans.h"

/* ---- writing (the map) ---- */

/** tv_keyed_put_key: append @key escaped for the key column.  0 or -ENOMEM. */
int tv_keyed_put_key(struct tv_strbuf *out, const char *key, size_t n);
/** tv_keyed_put_line: append one whole keyed line: @key escaped, TAB, @payload, LF. */
int tv_keyed_put_line(struct tv_strbuf *out, const char *key, size_t klen, const char *payload,
		      size_t n);
/** tv_keyed_put_record: append the payload of log event @r of @file in format @fmt. */
int tv_keyed_put_record(struct tv_strbuf *out, const struct tv_record *r, const char *fmt,
			const char *file);
/** tv_keyed_put_span: append the payload of the buffered span @sp. */
int tv_keyed_put_span(struct tv_strbuf *out, const struct tv_ospan *sp);
/** tv_keyed_put_session: append the payload of the complete session @s. */
int tv_keyed_put_session(struct tv_strbuf *out, const struct tv_session *s);
/** tv_keyed_put_text: append the payload of the text of one record of a line format. */
int tv_keyed_put_text(struct tv_strbuf *out, int64_t t, const char *fmt, const char *file,
		      uint64_t line, const char *text, size_t n);

/* ---- reading (the reduce) ---- */

enum tv_keyed_kind {
	TV_KEYED_EVENT = 'e',
	TV_KEYED_SPAN = 's',
	TV_KEYED_SESSION = 'c',
	TV_KEYED_TEXT = 'l',
};

/* One payload, read back; everything in it is borrowed from the parser. */
struct tv_keyed_item {
	enum tv_keyed_kind kind;
	char fmt[32];	  /* the format name */
	const char *file; /* NUL-terminated copy, or "" */
	uint64_t line;
	struct tv_record rec; /* TV_KEYED_EVENT */
	struct tv_span span;  /* TV_KEYED_SPAN */
	struct tv_jv session; /* TV_KEYED_SESSION: the canonical object */
	const char *text;     /* TV_KEYED_TEXT */
	size_t text_len;
};

struct tv_keyed_parser;

/** tv_keyed_parser_create: a parser; free with tv_keyed_parser_destroy().  NULL on ENOMEM. */
struct tv_keyed_parser *tv_keyed_parser_create(void);
/** tv_keyed_parser_destroy: @p may be NULL. */
void tv_keyed_parser_destroy(struct tv_keyed_parser *p);

/**
 * tv_keyed_split: the key (unescaped, into @key) and the payload of one
 * line (@payload borrowed from @line).  0, or -TV_EPARSE with *@why set.
 */
int tv_keyed_split(const char *line, size_t n, struct tv_strbuf *key, const char **payload,
		   size_t *plen, const char **why);

/**
 * tv_keyed_parse: read one payload (@n bytes followed by TV_JSON_PAD
 * readable ones) into @it, valid until the next call.  0, -ENOMEM, or
 * -TV_EPARSE with *@why set.
 */
int tv_keyed_parse(struct tv_keyed_parser *p, const char *payload, size_t n,
		   struct tv_keyed_item *it, const char **why);

#endif
