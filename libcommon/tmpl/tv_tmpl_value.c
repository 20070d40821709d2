// SPDX-License-Identifier: MIT
/*
 * tv_tmpl_value: what a placeholder gives (struct tmpl_val): a JSON value
 * of the context, a literal of the template, or a string a filter made;
 * when it counts as empty or true, and its text.
 */
#include <stdlib.h>
#include <string.h>

#include "libcommon/json/tv_jw.h"
#include "libcommon/tmpl/tv_tmpl_int.h"

void tmpl_val_free(struct tmpl_val *v)
{
	free(v->owned);
	v->owned = NULL;
}

void tmpl_val_from_jv(const struct tv_jv *jv, struct tmpl_val *v)
{
	memset(v, 0, sizeof(*v));
	switch (tv_jv_type(jv)) {
	case TV_J_NULL:
		v->k = TMPL_V_NULL;
		break;
	case TV_J_BOOL:
		v->k = TMPL_V_BOOL;
		tv_jv_bool(jv, &v->b);
		break;
	case TV_J_INT:
		v->k = TMPL_V_INT;
		tv_jv_int(jv, &v->i);
		break;
	case TV_J_UINT:
	case TV_J_DOUBLE:
		v->k = TMPL_V_DOUBLE;
		tv_jv_num(jv, &v->d);
		break;
	case TV_J_STRING:
		v->k = TMPL_V_STR;
		tv_jv_str(jv, &v->s, &v->n);
		break;
	default:
		v->k = TMPL_V_JV;
		v->jv = *jv;
		break;
	}
}

void tmpl_val_from_lit(const struct tmpl_lit *l, struct tmpl_val *v)
{
	memset(v, 0, sizeof(*v));
	switch (l->kind) {
	case TMPL_LIT_NULL:
		v->k = TMPL_V_NULL;
		break;
	case TMPL_LIT_BOOL:
		v->k = TMPL_V_BOOL;
		v->b = l->b;
		break;
	case TMPL_LIT_INT:
		v->k = TMPL_V_INT;
		v->i = l->i;
		break;
	case TMPL_LIT_DOUBLE:
		v->k = TMPL_V_DOUBLE;
		v->d = l->d;
		break;
	case TMPL_LIT_STR:
		v->k = TMPL_V_STR;
		v->s = l->s ? l->s : "";
		v->n = l->n;
		break;
	case TMPL_LIT_LIST:
		v->k = TMPL_V_LIST0;
		break;
	case TMPL_LIT_MAP:
		v->k = TMPL_V_MAP0;
		break;
	}
}

bool tmpl_val_empty(const struct tmpl_val *v)
{
	switch (v->k) {
	case TMPL_V_ABSENT:
	case TMPL_V_NULL:
	case TMPL_V_LIST0:
	case TMPL_V_MAP0:
		return true;
	case TMPL_V_STR:
		return v->n == 0;
	case TMPL_V_JV:
		return tv_jv_len(&v->jv) == 0;
	default:
		return false;
	}
}

bool tmpl_val_truthy(const struct tmpl_val *v)
{
	if (v->k == TMPL_V_BOOL) {
		return v->b;
	}
	if (v->k == TMPL_V_INT) {
		return v->i != 0;
	}
	if (v->k == TMPL_V_DOUBLE) {
		return v->d != 0;
	}
	return !tmpl_val_empty(v);
}

int tmpl_val_text(const struct tmpl_val *v, struct tv_strbuf *b, bool json)
{
	struct tv_jw w;

	switch (v->k) {
	case TMPL_V_ABSENT:
	case TMPL_V_NULL:
		return json ? tv_strbuf_puts(b, "null") : 0;
	case TMPL_V_STR:
		if (!json) {
			return tv_strbuf_append(b, v->s, v->n);
		}
		tv_jw_init(&w, b);
		tv_jw_str(&w, v->s, v->n);
		return tv_jw_error(&w);
	case TMPL_V_BOOL:
		return tv_strbuf_puts(b, v->b ? "true" : "false");
	case TMPL_V_INT:
		return tv_strbuf_printf(b, "%lld", (long long)v->i);
	case TMPL_V_DOUBLE:
		tv_jw_init(&w, b);
		tv_jw_double(&w, v->d);
		return tv_jw_error(&w);
	case TMPL_V_JV:
		return tv_jv_minify(&v->jv, b);
	case TMPL_V_LIST0:
		return tv_strbuf_puts(b, "[]");
	case TMPL_V_MAP0:
		return tv_strbuf_puts(b, "{}");
	}
	return 0;
}

bool tmpl_jv_deeper(const struct tv_jv *jv, int levels)
{
	enum tv_jtype ty = tv_jv_type(jv);
	struct tv_jiter it;
	struct tv_jv el;
	const char *k;
	size_t kn;

	if (ty != TV_J_ARRAY && ty != TV_J_OBJECT) {
		return false;
	}
	if (levels <= 0) {
		return true;
	}
	tv_jv_iter_init(jv, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &el)) {
		if (tmpl_jv_deeper(&el, levels - 1)) {
			return true;
		}
	}
	return false;
}
