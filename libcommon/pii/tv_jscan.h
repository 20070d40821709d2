/* SPDX-License-Identifier: MIT */
/*
 * tv_jscan: a JSON scanner that keeps the layout, driven by callbacks.
 *
 * It walks a JSON text once, validating it (numbers too: an integer must
 * fit in 64 bits and any other number be finite as a double, as tv_json
 * takes them), and copies it byte for byte (whitespace, key order,
 * numbers, escapes) except where its callbacks ask for a change.  Each string (member names and values) is decoded and
 * handed to ops->string, which keeps it, replaces it by other text
 * (re-encoded as a JSON string) or drops the value; each object or array
 * below the top is first shown to ops->container, which keeps it (it is
 * then scanned) or drops it whole, unscanned.  The scanner knows nothing
 * of rules or policies: the PII engine (tv_pii.c) drives it.
 *
 * Key context: every item comes with the key it sits under.
 *   - a member's value: its member name;
 *   - an array's elements: the key of the array;
 *   - a key/value pair, {"key": K, "value": V} (OTLP KeyValue) or
 *     {"key": K, "type": T, "value": V} (Jaeger tags): K for everything in
 *     V, and V's OTLP AnyValue wrappers (stringValue, arrayValue,
 *     kvlistValue, values, bytesValue) pass the key on; K itself is
 *     TV_JSCAN_PAIR_KEY, and OTLP's numbers written as strings (intValue,
 *     doubleValue, boolValue) are TV_JSCAN_NUMERIC;
 *   - a [K, V] tuple (an array of exactly two elements whose first is a
 *     string that looks like a key, tv_jscan_keylike()): K for V, as in
 *     Gemini CLI's "_rawAttributes": [["host.name", "..."], ...]; K itself
 *     is an element like any other (under the array's key);
 *   - the top-level value: no key.
 * When "value" comes before "key" the member name "value" is used.
 *
 * Dropping: a dropped value removes its member or element (with the right
 * comma); inside a key/value pair or a [K, V] tuple it removes the whole
 * pair from its list; a dropped top-level value becomes `null`.
 *
 * A struct tv_jscan holds the scratch space (decoded strings, member
 * names, the stack of open containers), reused from run to run; one run
 * at a time per struct (a callback that scans JSON inside a string uses
 * another one).  Not thread-safe.
 */
#ifndef TV_JSCAN_H
#define TV_JSCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "libcommon/core/tv_strbuf.h"

enum tv_jscan_role {
	TV_JSCAN_VALUE,	   /* a value (string or container) under its key */
	TV_JSCAN_NAME,	   /* a member name (key: NULL) */
	TV_JSCAN_PAIR_KEY, /* K of a {"key": K, ...} pair: structure */
	TV_JSCAN_NUMERIC,  /* a number written as a string in a pair's value */
};

/* what a callback asks for */
enum tv_jscan_act {
	TV_JSCAN_KEEP,	  /* leave it as it is */
	TV_JSCAN_REPLACE, /* strings only: write the text left in @repl instead */
	TV_JSCAN_DROP,	  /* remove the value (not a member name) */
};

struct tv_jscan_item {
	enum tv_jscan_role role;
	const char *key; /* the key it sits under, NULL: none; valid during the call */
	size_t klen;
	const char *s; /* a string's decoded text (NULL for a container) */
	size_t n;
	bool bad;	 /* a lone surrogate, decoded as U+FFFD: not valid Unicode */
	const char *raw; /* the token in the input: a string's body, a container's bracket */
	size_t rawlen;	 /* the body's length (strings; 1 for a container) */
};

struct tv_jscan_ops {
	/*
	 * A string.  @repl is empty on entry.  Returns a tv_jscan_act
	 * (TV_JSCAN_DROP is taken as an error for a member name), or a negative
	 * code that stops the run.
	 */
	int (*string)(void *udata, const struct tv_jscan_item *it, struct tv_strbuf *repl);
	/*
	 * An object or array below the top level, before its contents:
	 * TV_JSCAN_KEEP or TV_JSCAN_DROP, or a negative code.  NULL: keep all.
	 */
	int (*container)(void *udata, const struct tv_jscan_item *it);
};

struct tv_jscan;

/** tv_jscan_create: a scanner (free with tv_jscan_destroy()), or NULL. */
struct tv_jscan *tv_jscan_create(void);
/** tv_jscan_destroy: @js may be NULL. */
void tv_jscan_destroy(struct tv_jscan *js);

/**
 * tv_jscan_run: scan @json/@n and, when a callback changed something,
 * append the changed text to @out.  Returns the number of changes (0:
 * nothing appended, the text stands as it is), -TV_EPARSE (not one valid
 * JSON value; nothing appended), -TV_EDEPTH (nested deeper than
 * TV_JSON_MAX_DEPTH), -ENOMEM, -EINVAL (a member name dropped), or a
 * callback's negative code.
 */
int tv_jscan_run(struct tv_jscan *js, const char *json, size_t n, const struct tv_jscan_ops *ops,
		 void *udata, struct tv_strbuf *out);

/* the longest string tv_jscan_keylike() takes */
#define TV_JSCAN_KEY_MAX 128

/**
 * tv_jscan_keylike: does @s/@n look like an attribute key: 1 to
 * TV_JSCAN_KEY_MAX bytes of letters, digits and `_ . - : /`, starting with a
 * letter or `_`?
 */
bool tv_jscan_keylike(const char *s, size_t n);

#endif
