/* SPDX-License-Identifier: MIT */
/*
 * tv_value: typed attribute values as the readers see them.
 *
 * A struct tv_val is one value of a source attribute (OTLP AnyValue, a
 * Jaeger tag, a JSON member, a collector.log `Str(...)`); a struct tv_attr
 * pairs it with its key.  Both borrow their strings from the reader's
 * buffers: they are valid until the reader moves on.  struct tv_attrs is a
 * growable array of borrowed attributes whose array alone is owned.
 */
#ifndef TV_VALUE_H
#define TV_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_strbuf.h"
#include "libcommon/json/tv_json.h"

enum tv_vtype {
	TV_V_NONE = 0, /* absent or empty */
	TV_V_STR,
	TV_V_INT,
	TV_V_DOUBLE,
	TV_V_BOOL,
	TV_V_JSON, /* an array or map, as JSON text in s/n */
};

struct tv_val {
	enum tv_vtype type;
	const char *s;
	size_t n;
	int64_t i;
	double d;
	bool b;
};

struct tv_attr {
	const char *key;
	size_t klen;
	struct tv_val v;
};

/* A growable array of borrowed attributes; the array itself is owned. */
struct tv_attrs {
	struct tv_attr *v;
	size_t n, cap;
};

/** tv_attrs_push: append (@key, @v), both borrowed.  0 or -ENOMEM. */
int tv_attrs_push(struct tv_attrs *a, const char *key, size_t klen, const struct tv_val *v);
/** tv_attrs_reset: empty @a, keeping its array for reuse. */
void tv_attrs_reset(struct tv_attrs *a);
/** tv_attrs_finish: free @a's array and zero it. */
void tv_attrs_finish(struct tv_attrs *a);
/** tv_attrs_find: the attribute named @key (NUL-terminated), or NULL. */
const struct tv_attr *tv_attrs_find(const struct tv_attr *v, size_t n, const char *key);

/**
 * tv_val_to_json: append @v as JSON (strings quoted and escaped, TV_V_JSON
 * copied as is, TV_V_NONE as null).  0 or -ENOMEM.
 */
int tv_val_to_json(const struct tv_val *v, struct tv_strbuf *out);

/**
 * tv_val_from_jv: a parsed JSON value as a struct tv_val: strings borrowed
 * from the parser, numbers and bools by value, null as TV_V_NONE; an array
 * or object is minified onto @json and, since @json may move as it grows,
 * recorded as its offset (v.i) with v.s NULL until tv_val_fix().
 * Returns 0 or -ENOMEM.
 */
int tv_val_from_jv(const struct tv_jv *v, struct tv_strbuf *json, struct tv_val *out);
/**
 * tv_attrs_from_jv: append the members of the JSON object @obj to @out
 * (keys and strings borrowed from the parser), each value as
 * tv_val_from_jv() makes it.  Returns 0 or -ENOMEM.
 */
int tv_attrs_from_jv(const struct tv_jv *obj, struct tv_strbuf *json, struct tv_attrs *out);
/** tv_val_fix: point a TV_V_JSON value made by tv_val_from_jv() into @json (now final). */
void tv_val_fix(struct tv_val *v, const struct tv_strbuf *json);
/**
 * tv_attrs_to_json: @out (reset first) becomes the JSON object of the @n
 * attributes @a, in their order, leaving out the key @skip (may be NULL).
 * Returns 0 or -ENOMEM.
 */
int tv_attrs_to_json(const struct tv_attr *a, size_t n, const char *skip, struct tv_strbuf *out);

/** tv_attrs_fix: tv_val_fix() on every attribute of @a. */
void tv_attrs_fix(struct tv_attrs *a, const struct tv_strbuf *json);

/** tv_val_int: @v as an integer (ints, integral doubles, decimal strings). */
bool tv_val_int(const struct tv_val *v, int64_t *out);
/** tv_val_bool: @v as a bool (bools, "true"/"false" strings). */
bool tv_val_bool(const struct tv_val *v, bool *out);

#endif
