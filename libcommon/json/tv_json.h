/* SPDX-License-Identifier: MIT */
/*
 * tv_json: the hot-path JSON parser, a small C API over simdjson's DOM.
 *
 * simdjson parses a whole record into a tape at several hundred MB/s (cJSON
 * manages about 84 MB/s here); values are then read through struct tv_jv
 * handles.  A handle, and every string it yields, is borrowed from the
 * parser: valid until the next tv_json_parse() on the same parser or its
 * destruction.  Strings are not NUL-terminated; use the length.
 *
 * The buffer given to tv_json_parse() must have TV_JSON_PAD readable bytes
 * after its end (struct tv_strbuf guarantees this).
 */
#ifndef TV_JSON_H
#define TV_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_strbuf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TV_JSON_PAD TV_STRBUF_PAD
#define TV_JSON_MAX_DEPTH 1024

struct tv_json_parser;

/* Opaque handles; copy them freely by value. */
struct tv_jv {
	uint64_t opaque[2];
};

struct tv_jiter {
	uint64_t opaque[5];
};

enum tv_jtype {
	TV_J_NULL,
	TV_J_BOOL,
	TV_J_INT,  /* fits int64 */
	TV_J_UINT, /* > INT64_MAX */
	TV_J_DOUBLE,
	TV_J_STRING,
	TV_J_ARRAY,
	TV_J_OBJECT,
};

/** tv_json_parser_create: a parser; free with tv_json_parser_destroy().  NULL on ENOMEM. */
struct tv_json_parser *tv_json_parser_create(void);
/** tv_json_parser_destroy: @p may be NULL. */
void tv_json_parser_destroy(struct tv_json_parser *p);

/**
 * tv_json_parse: parse one complete JSON document.
 * @buf: @len bytes followed by TV_JSON_PAD readable bytes.
 * @root: set on success.
 * @why: on failure, set to a static description (may be NULL).
 * Returns: 0, -TV_EPARSE (bad JSON, invalid UTF-8, trailing data), -TV_EDEPTH,
 * -TV_ETOOBIG or -ENOMEM.
 */
int tv_json_parse(struct tv_json_parser *p, const char *buf, size_t len, struct tv_jv *root,
		  const char **why);

enum tv_jtype tv_jv_type(const struct tv_jv *v);
/** tv_jv_str: the string's bytes (borrowed).  Returns false if @v is not a string. */
bool tv_jv_str(const struct tv_jv *v, const char **s, size_t *n);
/** tv_jv_int: an integer value (TV_J_INT).  Returns false otherwise. */
bool tv_jv_int(const struct tv_jv *v, int64_t *out);
/** tv_jv_uint: an integer past INT64_MAX (TV_J_UINT).  Returns false otherwise. */
bool tv_jv_uint(const struct tv_jv *v, uint64_t *out);
/** tv_jv_num: any number as a double.  Returns false if not a number. */
bool tv_jv_num(const struct tv_jv *v, double *out);
bool tv_jv_bool(const struct tv_jv *v, bool *out);
/** tv_jv_get: member @key of object @obj.  Returns false if absent or @obj is no object. */
bool tv_jv_get(const struct tv_jv *obj, const char *key, struct tv_jv *out);
/** tv_jv_len: element count of an array or object, 0 otherwise. */
size_t tv_jv_len(const struct tv_jv *v);

/**
 * tv_jv_iter_init/tv_jv_iter_next: walk an array or object in order.
 * For objects @key/@klen receive the member name (borrowed), for arrays
 * they are set to NULL/0.  Returns false when done (or @v is a scalar).
 */
void tv_jv_iter_init(const struct tv_jv *v, struct tv_jiter *it);
bool tv_jv_iter_next(struct tv_jiter *it, const char **key, size_t *klen, struct tv_jv *val);

/* a scalar OTLP attribute read in one call (see tv_jv_otlp_kv) */
struct tv_jkv {
	const char *key;
	size_t klen;
	enum tv_jtype
		type; /* TV_J_STRING (also intValue as a string), TV_J_INT, TV_J_DOUBLE, TV_J_BOOL */
	const char *s; /* TV_J_STRING */
	size_t n;
	int64_t i;
	double d;
	bool b;
	bool int_text; /* an intValue written as a string: parse s/n */
};

/**
 * tv_jv_otlp_kv: the hot path of OTLP attributes: @kv is
 * {"key": K, "value": {"stringValue"|"intValue"|"doubleValue"|"boolValue": V}}
 * with exactly those members and a V of the right type.  Returns true and
 * fills @out; false for anything else (the caller takes its general path).
 */
bool tv_jv_otlp_kv(const struct tv_jv *kv, struct tv_jkv *out);

/**
 * tv_jv_minify: append @v as minified JSON to @out, written by tv_jw (its
 * numbers and escapes), so that what televal wrote and reads back is
 * written again as the same bytes.  Returns 0 or -ENOMEM.
 */
int tv_jv_minify(const struct tv_jv *v, struct tv_strbuf *out);

/* ---- helpers over the handles (tv_jv.c) ---- */

/**
 * tv_jv_opt_str: member @key of @obj as a string (borrowed): true with
 * *@s and *@n set, or with NULL/0 when the member is absent or null; false
 * when it holds another type.
 */
bool tv_jv_opt_str(const struct tv_jv *obj, const char *key, const char **s, size_t *n);
/** tv_jv_opt_text: tv_jv_opt_str(), with an empty string read as absent (NULL/0). */
bool tv_jv_opt_text(const struct tv_jv *obj, const char *key, const char **s, size_t *n);
/**
 * tv_jv_minify_into: @v minified into @buf (emptied first); *@s and *@n point
 * into @buf (borrowed: valid until @buf changes).  0 or -ENOMEM.
 */
int tv_jv_minify_into(const struct tv_jv *v, struct tv_strbuf *buf, const char **s, size_t *n);

/** tv_jv_flag: true when member @key of @obj is the boolean true. */
bool tv_jv_flag(const struct tv_jv *obj, const char *key);
/**
 * tv_jv_count: member @key of @obj as a count (a non-negative integer, also
 * written as an integral double): true and *@out, false when absent or not one.
 */
bool tv_jv_count(const struct tv_jv *obj, const char *key, int64_t *out);

#ifdef __cplusplus
}
#endif

#endif
