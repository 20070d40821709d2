// SPDX-License-Identifier: MIT
// The keyed record lines of a sharded run: writing and reading payloads.
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_time.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/read/tv_keyed.h"

#define SIGN_BIT (UINT64_C(1) << 63)

struct tv_keyed_parser {
	struct tv_json_parser *jp;
	struct tv_attrs attrs, res;
	struct tv_strbuf json; /* JSON values, minified */
	struct tv_strbuf file;
};

/* ---- writing ---- */

int tv_keyed_put_key(struct tv_strbuf *out, const char *key, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		switch (key[i]) {
		case '%':
			r = tv_strbuf_append(out, "%25", 3);
			break;
		case '\t':
			r = tv_strbuf_append(out, "%09", 3);
			break;
		case '\n':
			r = tv_strbuf_append(out, "%0A", 3);
			break;
		case '\r':
			r = tv_strbuf_append(out, "%0D", 3);
			break;
		default:
			r = tv_strbuf_putc(out, key[i]);
			break;
		}
	}
	return r;
}

int tv_keyed_put_line(struct tv_strbuf *out, const char *key, size_t klen, const char *payload,
		      size_t n)
{
	int r = tv_keyed_put_key(out, key, klen);

	if (r == 0) {
		r = tv_strbuf_putc(out, '\t');
	}
	if (r == 0) {
		r = tv_strbuf_append(out, payload, n);
	}
	if (r == 0) {
		r = tv_strbuf_putc(out, '\n');
	}
	return r;
}

/* "t": the time as 20 digits whose order is the time's (TV_NONE first) */
static void put_t(struct tv_jw *w, int64_t ns)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%020" PRIu64, (uint64_t)ns ^ SIGN_BIT);

	TV_JW_KEY(w, "t");
	tv_jw_str(w, buf, (size_t)n);
}

static void put_val(struct tv_jw *w, const struct tv_val *v)
{
	switch (v->type) {
	case TV_V_STR:
		tv_jw_str(w, v->s, v->n);
		break;
	case TV_V_INT:
		tv_jw_int(w, v->i);
		break;
	case TV_V_DOUBLE:
		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "d");
		tv_jw_double(w, v->d);
		tv_jw_obj_end(w);
		break;
	case TV_V_BOOL:
		tv_jw_bool(w, v->b);
		break;
	case TV_V_JSON:
		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "j");
		tv_jw_raw(w, v->s, v->n);
		tv_jw_obj_end(w);
		break;
	default:
		tv_jw_null(w);
		break;
	}
}

static void put_attrs(struct tv_jw *w, const char *name, const struct tv_attr *a, size_t n)
{
	tv_jw_key(w, name);
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		tv_jw_arr_begin(w);
		tv_jw_str(w, a[i].key, a[i].klen);
		put_val(w, &a[i].v);
		tv_jw_arr_end(w);
	}
	tv_jw_arr_end(w);
}

static void put_opt_str(struct tv_jw *w, const char *key, const char *s, size_t n)
{
	tv_jw_key(w, key);
	if (s == NULL) {
		tv_jw_null(w);
	} else {
		tv_jw_str(w, s, n);
	}
}

static void put_origin(struct tv_jw *w, int64_t t, char kind, const char *fmt, const char *file,
		       uint64_t line)
{
	char k = kind;

	tv_jw_obj_begin(w);
	put_t(w, t);
	TV_JW_KEY(w, "k");
	tv_jw_str(w, &k, 1);
	TV_JW_KEY(w, "f");
	tv_jw_cstr(w, fmt);
	TV_JW_KEY(w, "file");
	tv_jw_cstr(w, file ? file : "");
	TV_JW_KEY(w, "line");
	tv_jw_int(w, (int64_t)line);
}

int tv_keyed_put_record(struct tv_strbuf *out, const struct tv_record *r, const char *fmt,
			const char *file)
{
	struct tv_jw w;

	tv_jw_init(&w, out);
	put_origin(&w, r->time, TV_KEYED_EVENT, fmt, file, r->line);
	put_opt_str(&w, "name", r->name, r->name_len);
	TV_JW_KEY(&w, "body");
	put_val(&w, &r->body);
	put_attrs(&w, "attrs", r->attrs, r->n_attrs);
	put_attrs(&w, "res", r->res, r->n_res);
	put_opt_str(&w, "trace", r->trace_id, r->trace_id_len);
	if (r->raw != NULL) {
		TV_JW_KEY(&w, "raw");
		tv_jw_raw(&w, r->raw, r->raw_len);
	}
	tv_jw_obj_end(&w);
	return tv_jw_error(&w);
}

static size_t len0(const char *s)
{
	return s ? strlen(s) : 0;
}

int tv_keyed_put_span(struct tv_strbuf *out, const struct tv_ospan *sp)
{
	struct tv_jw w;

	tv_jw_init(&w, out);
	put_origin(&w, sp->start, TV_KEYED_SPAN, sp->fmt ? sp->fmt->name : "", sp->file, sp->line);
	put_opt_str(&w, "trace", sp->trace_id, len0(sp->trace_id));
	put_opt_str(&w, "span", sp->span_id, len0(sp->span_id));
	put_opt_str(&w, "parent", sp->parent_id, len0(sp->parent_id));
	put_opt_str(&w, "name", sp->name, len0(sp->name));
	TV_JW_KEY(&w, "start");
	tv_jw_opt_int(&w, sp->start);
	TV_JW_KEY(&w, "end");
	tv_jw_opt_int(&w, sp->end);
	TV_JW_KEY(&w, "status");
	tv_jw_int(&w, sp->status);
	put_opt_str(&w, "msg", sp->status_message, len0(sp->status_message));
	put_attrs(&w, "attrs", sp->attrs, sp->n_attrs);
	put_attrs(&w, "res", sp->res, sp->n_res);
	if (sp->raw != NULL) {
		TV_JW_KEY(&w, "raw");
		tv_jw_raw(&w, sp->raw, strlen(sp->raw));
	}
	tv_jw_obj_end(&w);
	return tv_jw_error(&w);
}

int tv_keyed_put_session(struct tv_strbuf *out, const struct tv_session *s)
{
	struct tv_strbuf line;
	struct tv_jw w;
	int r;

	tv_strbuf_init(&line);
	r = tv_session_write(s, &line);
	if (r < 0) {
		tv_strbuf_finish(&line);
		return r;
	}
	while (line.len > 0 && line.p[line.len - 1] == '\n') {
		line.len--;
	}
	tv_jw_init(&w, out);
	put_origin(&w, s->start_time, TV_KEYED_SESSION, s->source_format ? s->source_format : "",
		   s->source_file, 0);
	TV_JW_KEY(&w, "session");
	tv_jw_raw(&w, line.p, line.len);
	tv_jw_obj_end(&w);
	tv_strbuf_finish(&line);
	return tv_jw_error(&w);
}

int tv_keyed_put_text(struct tv_strbuf *out, int64_t t, const char *fmt, const char *file,
		      uint64_t line, const char *text, size_t n)
{
	struct tv_jw w;

	tv_jw_init(&w, out);
	put_origin(&w, t, TV_KEYED_TEXT, fmt, file, line);
	TV_JW_KEY(&w, "text");
	tv_jw_str(&w, text, n);
	tv_jw_obj_end(&w);
	return tv_jw_error(&w);
}

/* ---- reading ---- */

struct tv_keyed_parser *tv_keyed_parser_create(void)
{
	struct tv_keyed_parser *p = calloc(1, sizeof(*p));

	if (p == NULL) {
		return NULL;
	}
	p->jp = tv_json_parser_create();
	if (p->jp == NULL) {
		free(p);
		return NULL;
	}
	tv_strbuf_init(&p->json);
	tv_strbuf_init(&p->file);
	return p;
}

void tv_keyed_parser_destroy(struct tv_keyed_parser *p)
{
	if (p == NULL) {
		return;
	}
	tv_json_parser_destroy(p->jp);
	tv_attrs_finish(&p->attrs);
	tv_attrs_finish(&p->res);
	tv_strbuf_finish(&p->json);
	tv_strbuf_finish(&p->file);
	free(p);
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

int tv_keyed_split(const char *line, size_t n, struct tv_strbuf *key, const char **payload,
		   size_t *plen, const char **why)
{
	const char *tab = memchr(line, '\t', n);
	size_t k;

	tv_strbuf_reset(key);
	if (tab == NULL) {
		*why = "not a keyed line (no TAB after the key)";
		return -TV_EPARSE;
	}
	k = (size_t)(tab - line);
	for (size_t i = 0; i < k; i++) {
		if (line[i] != '%') {
			if (tv_strbuf_putc(key, line[i]) < 0) {
				return -ENOMEM;
			}
			continue;
		}
		if (i + 2 >= k || unhex(line[i + 1]) < 0 || unhex(line[i + 2]) < 0) {
			*why = "a bad %-escape in the key";
			return -TV_EPARSE;
		}
		if (tv_strbuf_putc(key, (char)(unhex(line[i + 1]) * 16 + unhex(line[i + 2]))) < 0) {
			return -ENOMEM;
		}
		i += 2;
	}
	*payload = tab + 1;
	*plen = n - k - 1;
	return 0;
}

/* a value as put_val() wrote it; JSON values minified into p->json (fixed later) */
static int get_val(struct tv_keyed_parser *p, const struct tv_jv *v, struct tv_val *out)
{
	struct tv_jv inner;

	if (tv_jv_type(v) == TV_J_OBJECT && tv_jv_len(v) == 1) {
		if (tv_jv_get(v, "d", &inner) && tv_jv_type(&inner) != TV_J_OBJECT) {
			memset(out, 0, sizeof(*out));
			out->type = tv_jv_num(&inner, &out->d) ? TV_V_DOUBLE : TV_V_NONE;
			return 0;
		}
		if (tv_jv_get(v, "j", &inner)) {
			return tv_val_from_jv(&inner, &p->json, out);
		}
	}
	return tv_val_from_jv(v, &p->json, out);
}

static int get_attrs(struct tv_keyed_parser *p, const struct tv_jv *obj, const char *name,
		     struct tv_attrs *a, const char **why)
{
	struct tv_jv arr, el, k, v;
	struct tv_jiter it, it2;
	const char *s, *mk;
	size_t n, mn;
	struct tv_val val;
	int r;

	tv_attrs_reset(a);
	if (!tv_jv_get(obj, name, &arr) || tv_jv_type(&arr) != TV_J_ARRAY) {
		*why = "attributes are not an array";
		return -TV_EPARSE;
	}
	tv_jv_iter_init(&arr, &it);
	while (tv_jv_iter_next(&it, &mk, &mn, &el)) {
		tv_jv_iter_init(&el, &it2);
		if (tv_jv_len(&el) != 2 || !tv_jv_iter_next(&it2, &mk, &mn, &k) ||
		    !tv_jv_iter_next(&it2, &mk, &mn, &v) || !tv_jv_str(&k, &s, &n)) {
			*why = "an attribute is not [key, value]";
			return -TV_EPARSE;
		}
		r = get_val(p, &v, &val);
		if (r == 0) {
			r = tv_attrs_push(a, s, n, &val);
		}
		if (r < 0) {
			return r;
		}
	}
	return 0;
}

static void get_str(const struct tv_jv *obj, const char *key, const char **s, size_t *n)
{
	struct tv_jv v;

	*s = NULL;
	*n = 0;
	if (tv_jv_get(obj, key, &v) && !tv_jv_str(&v, s, n)) {
		*s = NULL;
	}
}

static int64_t get_ns(const struct tv_jv *obj, const char *key)
{
	struct tv_jv v;
	int64_t i;

	return tv_jv_get(obj, key, &v) && tv_jv_int(&v, &i) ? i : TV_NONE;
}

static int64_t get_t(const struct tv_jv *obj)
{
	const char *s;
	size_t n;
	uint64_t u = 0;

	get_str(obj, "t", &s, &n);
	if (s == NULL || n != 20) {
		return TV_NONE;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return TV_NONE;
		}
		u = u * 10 + (uint64_t)(s[i] - '0');
	}
	return (int64_t)(u ^ SIGN_BIT);
}

/* "raw", minified onto p->json: its offset (SIZE_MAX for none) and length */
static int get_raw(struct tv_keyed_parser *p, const struct tv_jv *obj, size_t *off, size_t *n)
{
	struct tv_jv v;
	int r;

	*off = SIZE_MAX;
	*n = 0;
	if (!tv_jv_get(obj, "raw", &v)) {
		return 0;
	}
	*off = p->json.len;
	r = tv_jv_minify(&v, &p->json);
	*n = p->json.len - *off;
	return r;
}

/* p->json is final: point what lives in it there */
static const char *at(const struct tv_keyed_parser *p, size_t off)
{
	return off == SIZE_MAX ? NULL : p->json.p + off;
}

static int get_event(struct tv_keyed_parser *p, const struct tv_jv *root, struct tv_keyed_item *it,
		     const char **why)
{
	struct tv_record *r = &it->rec;
	struct tv_jv body;
	size_t raw;
	int ret;

	memset(r, 0, sizeof(*r));
	r->line = it->line;
	r->time = get_t(root);
	get_str(root, "name", &r->name, &r->name_len);
	get_str(root, "trace", &r->trace_id, &r->trace_id_len);
	if (tv_jv_get(root, "body", &body)) {
		ret = get_val(p, &body, &r->body);
		if (ret < 0) {
			return ret;
		}
	}
	ret = get_attrs(p, root, "attrs", &p->attrs, why);
	if (ret == 0) {
		ret = get_attrs(p, root, "res", &p->res, why);
	}
	if (ret == 0) {
		ret = get_raw(p, root, &raw, &r->raw_len);
	}
	if (ret < 0) {
		return ret;
	}
	tv_val_fix(&r->body, &p->json);
	tv_attrs_fix(&p->attrs, &p->json);
	tv_attrs_fix(&p->res, &p->json);
	r->raw = at(p, raw);
	r->attrs = p->attrs.v;
	r->n_attrs = p->attrs.n;
	r->res = p->res.v;
	r->n_res = p->res.n;
	return 0;
}

static int get_span(struct tv_keyed_parser *p, const struct tv_jv *root, struct tv_keyed_item *it,
		    const char **why)
{
	struct tv_span *sp = &it->span;
	struct tv_jv v;
	int64_t st = 0;
	size_t raw;
	int ret;

	memset(sp, 0, sizeof(*sp));
	sp->line = it->line;
	get_str(root, "trace", &sp->trace_id, &sp->trace_id_len);
	get_str(root, "span", &sp->span_id, &sp->span_id_len);
	get_str(root, "parent", &sp->parent_id, &sp->parent_id_len);
	get_str(root, "name", &sp->name, &sp->name_len);
	get_str(root, "msg", &sp->status_message, &sp->status_message_len);
	sp->start = get_ns(root, "start");
	sp->end = get_ns(root, "end");
	if (tv_jv_get(root, "status", &v)) {
		tv_jv_int(&v, &st);
	}
	sp->status = (int)st;
	if (sp->trace_id == NULL || sp->span_id == NULL) {
		*why = "a span without trace or span id";
		return -TV_EPARSE;
	}
	ret = get_attrs(p, root, "attrs", &p->attrs, why);
	if (ret == 0) {
		ret = get_attrs(p, root, "res", &p->res, why);
	}
	if (ret == 0) {
		ret = get_raw(p, root, &raw, &sp->raw_len);
	}
	if (ret < 0) {
		return ret;
	}
	tv_attrs_fix(&p->attrs, &p->json);
	tv_attrs_fix(&p->res, &p->json);
	sp->raw = at(p, raw);
	sp->attrs = p->attrs.v;
	sp->n_attrs = p->attrs.n;
	sp->res = p->res.v;
	sp->n_res = p->res.n;
	return 0;
}

/* "k", "f", "file", "line" */
static int get_origin(struct tv_keyed_parser *p, const struct tv_jv *root, struct tv_keyed_item *it,
		      const char **why)
{
	const char *s;
	size_t n;
	int64_t line = 0;
	struct tv_jv v;

	get_str(root, "k", &s, &n);
	if (s == NULL || n != 1 || strchr("escl", s[0]) == NULL) {
		*why = "no record kind (\"k\")";
		return -TV_EPARSE;
	}
	it->kind = (enum tv_keyed_kind)s[0];
	get_str(root, "f", &s, &n);
	if (s == NULL || n == 0 || n >= sizeof(it->fmt)) {
		*why = "no format (\"f\")";
		return -TV_EPARSE;
	}
	memcpy(it->fmt, s, n);
	it->fmt[n] = '\0';
	get_str(root, "file", &s, &n);
	tv_strbuf_reset(&p->file);
	if (tv_strbuf_append(&p->file, s ? s : "", n) < 0) {
		return -ENOMEM;
	}
	it->file = p->file.p ? p->file.p : "";
	if (tv_jv_get(root, "line", &v)) {
		tv_jv_int(&v, &line);
	}
	it->line = line > 0 ? (uint64_t)line : 0;
	return 0;
}

int tv_keyed_parse(struct tv_keyed_parser *p, const char *payload, size_t n,
		   struct tv_keyed_item *it, const char **why)
{
	struct tv_jv root;
	int r;

	tv_strbuf_reset(&p->json);
	r = tv_json_parse(p->jp, payload, n, &root, why);
	if (r < 0) {
		return r == -ENOMEM ? r : -TV_EPARSE;
	}
	if (tv_jv_type(&root) != TV_J_OBJECT) {
		*why = "the payload is not a JSON object";
		return -TV_EPARSE;
	}
	r = get_origin(p, &root, it, why);
	if (r < 0) {
		return r;
	}
	switch (it->kind) {
	case TV_KEYED_EVENT:
		return get_event(p, &root, it, why);
	case TV_KEYED_SPAN:
		return get_span(p, &root, it, why);
	case TV_KEYED_SESSION:
		if (!tv_jv_get(&root, "session", &it->session)) {
			*why = "no session";
			return -TV_EPARSE;
		}
		return 0;
	default:
		get_str(&root, "text", &it->text, &it->text_len);
		if (it->text == NULL) {
			*why = "no text";
			return -TV_EPARSE;
		}
		return 0;
	}
}
