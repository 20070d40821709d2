// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_time.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/model/tv_value.h"

int tv_attrs_push(struct tv_attrs *a, const char *key, size_t klen, const struct tv_val *v)
{
	if (a->n == a->cap) {
		size_t c = a->cap ? a->cap * 2 : 32;
		struct tv_attr *p = realloc(a->v, c * sizeof(*p));

		if (p == NULL) {
			return -ENOMEM;
		}
		a->v = p;
		a->cap = c;
	}
	a->v[a->n].key = key;
	a->v[a->n].klen = klen;
	a->v[a->n].v = *v;
	a->n++;
	return 0;
}

int tv_attrs_to_json(const struct tv_attr *a, size_t n, const char *skip, struct tv_strbuf *out)
{
	struct tv_jw w;
	int r = 0;

	tv_strbuf_reset(out);
	tv_jw_init(&w, out);
	tv_jw_obj_begin(&w);
	for (size_t i = 0; i < n && r == 0; i++) {
		if (skip && strlen(skip) == a[i].klen && memcmp(a[i].key, skip, a[i].klen) == 0) {
			continue;
		}
		tv_jw_key_n(&w, a[i].key, a[i].klen);
		r = tv_jw_error(&w);
		if (r == 0) {
			r = tv_val_to_json(&a[i].v, out);
		}
		w.need_comma = true;
	}
	tv_jw_obj_end(&w);
	return r ? r : tv_jw_error(&w);
}

void tv_attrs_reset(struct tv_attrs *a)
{
	a->n = 0;
}

void tv_attrs_finish(struct tv_attrs *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

const struct tv_attr *tv_attrs_find(const struct tv_attr *v, size_t n, const char *key)
{
	size_t k = strlen(key);

	for (size_t i = 0; i < n; i++) {
		if (v[i].klen == k && memcmp(v[i].key, key, k) == 0) {
			return &v[i];
		}
	}
	return NULL;
}

int tv_val_to_json(const struct tv_val *v, struct tv_strbuf *out)
{
	struct tv_jw w;

	tv_jw_init(&w, out);
	switch (v->type) {
	case TV_V_STR:
		tv_jw_str(&w, v->s, v->n);
		break;
	case TV_V_INT:
		tv_jw_int(&w, v->i);
		break;
	case TV_V_DOUBLE:
		tv_jw_double(&w, v->d);
		break;
	case TV_V_BOOL:
		tv_jw_bool(&w, v->b);
		break;
	case TV_V_JSON:
		tv_jw_raw(&w, v->s, v->n);
		break;
	case TV_V_NONE:
	default:
		tv_jw_null(&w);
		break;
	}
	return tv_jw_error(&w);
}

int tv_val_from_jv(const struct tv_jv *v, struct tv_strbuf *json, struct tv_val *out)
{
	size_t off = json->len;
	int r;

	memset(out, 0, sizeof(*out));
	switch (tv_jv_type(v)) {
	case TV_J_STRING:
		out->type = TV_V_STR;
		tv_jv_str(v, &out->s, &out->n);
		return 0;
	case TV_J_INT:
		out->type = TV_V_INT;
		tv_jv_int(v, &out->i);
		return 0;
	case TV_J_UINT:
	case TV_J_DOUBLE:
		out->type = TV_V_DOUBLE;
		tv_jv_num(v, &out->d);
		return 0;
	case TV_J_BOOL:
		out->type = TV_V_BOOL;
		tv_jv_bool(v, &out->b);
		return 0;
	case TV_J_ARRAY:
	case TV_J_OBJECT:
		r = tv_jv_minify(v, json);
		if (r < 0) {
			return r;
		}
		out->type = TV_V_JSON;
		out->i = (int64_t)off;
		out->n = json->len - off;
		return 0;
	default:
		out->type = TV_V_NONE;
		return 0;
	}
}

int tv_attrs_from_jv(const struct tv_jv *obj, struct tv_strbuf *json, struct tv_attrs *out)
{
	struct tv_jiter it;
	struct tv_jv v;
	struct tv_val val;
	const char *k;
	size_t kn;
	int r;

	tv_jv_iter_init(obj, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		r = tv_val_from_jv(&v, json, &val);
		if (r == 0) {
			r = tv_attrs_push(out, k, kn, &val);
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

void tv_val_fix(struct tv_val *v, const struct tv_strbuf *json)
{
	if (v->type == TV_V_JSON && v->s == NULL) {
		v->s = json->p + v->i;
		v->i = 0;
	}
}

void tv_attrs_fix(struct tv_attrs *a, const struct tv_strbuf *json)
{
	for (size_t i = 0; i < a->n; i++) {
		tv_val_fix(&a->v[i].v, json);
	}
}

bool tv_val_int(const struct tv_val *v, int64_t *out)
{
	switch (v->type) {
	case TV_V_INT:
		*out = v->i;
		return true;
	case TV_V_DOUBLE:
		if (v->d != (double)(int64_t)v->d) {
			return false;
		}
		*out = (int64_t)v->d;
		return true;
	case TV_V_STR:
		return tv_parse_int64(v->s, v->n, out) == 0;
	default:
		return false;
	}
}

bool tv_val_bool(const struct tv_val *v, bool *out)
{
	if (v->type == TV_V_BOOL) {
		*out = v->b;
		return true;
	}
	if (v->type == TV_V_STR && v->n == 4 && memcmp(v->s, "true", 4) == 0) {
		*out = true;
		return true;
	}
	if (v->type == TV_V_STR && v->n == 5 && memcmp(v->s, "false", 5) == 0) {
		*out = false;
		return true;
	}
	return false;
}
