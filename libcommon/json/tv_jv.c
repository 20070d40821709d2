// SPDX-License-Identifier: MIT
// Small helpers over struct tv_jv handles that several readers share.
#include <math.h>

#include "libcommon/json/tv_json.h"

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
