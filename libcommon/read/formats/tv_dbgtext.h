/* SPDX-License-Identifier: MIT */
/*
 * tv_dbgtext: the lines of the OpenTelemetry collector's debug-exporter
 * text (collector.log, docs/FORMATS.md#collector-log), classified by their start alone.
 *
 * Shared by the reader (read/formats/tv_collector.c) and the anonymizer
 * (tools/anonymize/collector.c), so that both split the file into the same
 * values.  Nothing is allocated: a struct tv_dbg_line only points into the
 * caller's text, which the caller owns and keeps alive while it uses the
 * offsets.
 */
#ifndef TV_DBGTEXT_H
#define TV_DBGTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What one line is, judged by its start alone. */
enum tv_dbg_kind {
	TV_DBG_K_BLANK,		 /* empty, or blanks only */
	TV_DBG_K_OTHER,		 /* none of the below: continuations, stack traces, ... */
	TV_DBG_K_ZAP,		 /* a zap line: `<ts>\t<level>\t...` */
	TV_DBG_K_TRAILER,	 /* `\t{json}`: the fields that close a zap entry */
	TV_DBG_K_ATTR,		 /* `[blanks]-> key: Type(value` */
	TV_DBG_K_RESOURCE_LOG,	 /* `ResourceLog #N` */
	TV_DBG_K_RESOURCE_OTHER, /* `ResourceMetrics #N`, `ResourceSpans #N` */
	TV_DBG_K_RES_SCHEMA,	 /* `Resource SchemaURL: ...` */
	TV_DBG_K_RES_ATTRS,	 /* `Resource attributes:` */
	TV_DBG_K_SCOPE,		 /* `ScopeLogs #N` */
	TV_DBG_K_SCOPE_SCHEMA,	 /* `ScopeLogs SchemaURL: ...` */
	TV_DBG_K_ISCOPE,	 /* `InstrumentationScope <name> <version>` */
	TV_DBG_K_ISCOPE_ATTRS,	 /* `InstrumentationScope attributes:` */
	TV_DBG_K_LOG_RECORD,	 /* `LogRecord #N` */
	TV_DBG_K_OBSERVED,	 /* `ObservedTimestamp: ...` */
	TV_DBG_K_TIMESTAMP,	 /* `Timestamp: ...` */
	TV_DBG_K_SEVERITY,	 /* `SeverityText: ...`, `SeverityNumber: ...` */
	TV_DBG_K_EVENT_NAME,	 /* `EventName: ...` */
	TV_DBG_K_BODY,		 /* `Body: [Type(]value` */
	TV_DBG_K_ATTRS,		 /* `Attributes:` */
	TV_DBG_K_TRACE_ID,	 /* `Trace ID: ...` */
	TV_DBG_K_SPAN_ID,	 /* `Span ID: ...` */
	TV_DBG_K_FLAGS,		 /* `Flags: ...` */
	TV_DBG_K_METRIC,	 /* `Metric #N` */
	TV_DBG_K_SPAN,		 /* `Span #N` */
};

/* The pdata value types, as the exporter names them (`Str(`, `Int(`, ...). */
enum tv_dbg_type {
	TV_DBG_T_RAW, /* no `Type(` prefix: the text as is */
	TV_DBG_T_STR,
	TV_DBG_T_INT,
	TV_DBG_T_DOUBLE,
	TV_DBG_T_BOOL,
	TV_DBG_T_BYTES,
	TV_DBG_T_SLICE,
	TV_DBG_T_MAP,
	TV_DBG_T_EMPTY,
};

/*
 * One line, without its newline.  The caller fills s, n (and no, which
 * nothing here reads); tv_dbg_classify() fills the rest.  Offsets count
 * from s.
 */
struct tv_dbg_line {
	const char *s; /* borrowed: the caller's text */
	size_t n;
	uint64_t no;	       /* the caller's line number */
	size_t val;	       /* fields, attributes, Body: where the value starts */
	size_t key, klen;      /* TV_DBG_K_ATTR (and unknown_type): the key */
	enum tv_dbg_type type; /* TV_DBG_K_ATTR, after tv_dbg_body(): the value type */
	bool unknown_type;     /* `-> key: Word(` with a type the exporter never writes */
};

/**
 * tv_dbg_classify: the kind of @l, from l->s and l->n.
 * Resets val, key, klen, type and unknown_type first, then sets:
 * - for fields (`Name:`), val: after the colon and one optional space;
 * - for TV_DBG_K_ATTR, key, klen, type, and val: after `Type(`;
 * - for an `-> key: Word(` line whose Word is no exporter type,
 *   unknown_type, key and klen (the line is then TV_DBG_K_OTHER).
 */
enum tv_dbg_kind tv_dbg_classify(struct tv_dbg_line *l);

/**
 * tv_dbg_body: after tv_dbg_classify() said TV_DBG_K_BODY, step over the
 * value's optional `Type(`: sets type (TV_DBG_T_RAW without one), moves val
 * past it and sets key and klen to 0 (a body has no key).
 */
void tv_dbg_body(struct tv_dbg_line *l);

/**
 * tv_dbg_ends_value: does a line of kind @k end a multi-line value that is
 * pending?  @body: the value is a Body (then `Attributes:` ends it too).
 */
bool tv_dbg_ends_value(enum tv_dbg_kind k, bool body);

/**
 * tv_dbg_is_boundary: is @k a line that means the same in any state, one
 * that opens or closes a block: a zap line or its trailer, `ResourceLog #`,
 * `ResourceMetrics #`, `ResourceSpans #`, `Metric #`, `Span #`, `LogRecord #`?
 */
bool tv_dbg_is_boundary(enum tv_dbg_kind k);

/**
 * tv_dbg_is_zap: does @s start like a zap console line,
 * `YYYY-MM-DDTHH:MM:SS<fraction and zone>\t`?
 */
bool tv_dbg_is_zap(const char *s, size_t n);

/**
 * tv_dbg_is_stack: is the line @s (no line end) one of the stack trace zap
 * appends to error entries: a function (`pkg/path.(*T).Method`: no blanks,
 * a dot) or a tab and its `file:line`?  After a zap line such lines belong
 * to it; the anonymizer keeps them in that shape.
 */
bool tv_dbg_is_stack(const char *s, size_t n);

/**
 * tv_dbg_zap_block: the block a zap line's message (its last tab-separated
 * field) opens: TV_DBG_K_RESOURCE_LOG, TV_DBG_K_RESOURCE_OTHER, or
 * TV_DBG_K_OTHER for any other message.  @msg (may be NULL) is set to the
 * offset of the message in @s.
 */
enum tv_dbg_kind tv_dbg_zap_block(const char *s, size_t n, size_t *msg);

#ifdef __cplusplus
}
#endif

#endif
