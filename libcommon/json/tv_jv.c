// SPDX-License-Identifier: MIT
// Small helpers over struct tv_jv handles that several readers share.
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "libcommon/json/tv_json.h"
#include "libcommon/json/tv_jw.h"

bool tv_jv_opt_str(const struct tv_jv *obj, const char *key, const char **s, size_t *n)
{
	struct tv_jv v;

	*s = NULL;
	*n = 0;
	if (!tv_jv_get(obj, key, &v) || tv_jv_type(&v) == TV_J_NULL) {
		return true;
	}
	return tv_jv_str(&v, s, n);
}

bool tv_jv_opt_text(const struct tv_jv *obj, const char *key, const char **s, size_t *n)
{
	if (!tv_jv_opt_str(obj, key, s, n)) {
		return false;
	}
	if (*n == 0) {
		*s = NULL;
	}
	return true;
}

static void minify_value(struct tv_jw *w, const struct tv_jv *v)
{
	struct tv_jiter it;
	struct tv_jv e;
	const char *s;
	size_t n;
	char num[24];
	uint64_t u;
	int64_t i;
	double d;
	bool b;

	switch (tv_jv_type(v)) {
	case TV_J_BOOL:
		tv_jw_bool(w, tv_jv_bool(v, &b) && b);
		return;
	case TV_J_INT:
		tv_jw_int(w, tv_jv_int(v, &i) ? i : 0);
		return;
	case TV_J_UINT:
		u = 0;
		tv_jv_uint(v, &u);
		tv_jw_raw(w, num, (size_t)snprintf(num, sizeof(num), "%" PRIu64, u));
		return;
	case TV_J_DOUBLE:
		tv_jw_double(w, tv_jv_num(v, &d) ? d : 0);
		return;
	case TV_J_STRING:
		tv_jv_str(v, &s, &n);
		tv_jw_str(w, s, n);
		return;
	case TV_J_ARRAY:
	case TV_J_OBJECT:
		break;
	default:
		tv_jw_null(w);
		return;
	}
	/* nesting is bounded by the parser's depth limit (TV_JSON_MAX_DEPTH) */
	if (tv_jv_type(v) == TV_J_ARRAY) {
		tv_jw_arr_begin(w);
	} else {
		tv_jw_obj_begin(w);
	}
	tv_jv_iter_init(v, &it);
	while (tv_jv_iter_next(&it, &s, &n, &e)) {
		if (s != NULL) {
			tv_jw_key_n(w, s, n);
		}
		minify_value(w, &e);
	}
	if (tv_jv_type(v) == TV_J_ARRAY) {
		tv_jw_arr_end(w);
	} else {
		tv_jw_obj_end(w);
	}
}

int tv_jv_minify(const struct tv_jv *v, struct tv_strbuf *out)
{
	struct tv_jw w;

	tv_jw_init(&w, out);
	minify_value(&w, v);
	return tv_jw_error(&w) < 0 ? tv_jw_error(&w) : 0;
}

int tv_jv_minify_into(const struct tv_jv *v, struct tv_strbuf *buf, const char **s, size_t *n)
{
	int r;

	tv_strbuf_reset(buf);
	r = tv_jv_minify(v, buf);
	if (r < 0) {
		return r;
	}
	*s = buf->p;
	*n = buf->len;
	return 0;
}

bool tv_jv_flag(const struct tv_jv *obj, const char *key)
{
	struct tv_jv v;
	bool b = false;

	return tv_jv_get(obj, key, &v) && tv_jv_bool(&v, &b) && b;
}

bool tv_jv_count(const struct tv_jv *obj, const char *key, int64_t *out)
{
	struct tv_jv v;
	double d;

	if (!tv_jv_get(obj, key, &v) || !tv_jv_num(&v, &d) || !(d >= 0 && d < 9e15) ||
	    d != floor(d)) {
		return false;
	}
	*out = (int64_t)d;
	return true;
}
