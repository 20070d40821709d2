// SPDX-License-Identifier: MIT
// Span buffering by trace (see tv_spans.h).
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/read/tv_group.h"
#include "libcommon/read/tv_spans.h"

struct otrace {
	char *id;
	uint64_t hash;
	uint64_t seq;
	int64_t last;	/* latest span end (or start) */
	char *conv_key; /* first gen_ai.conversation.id seen */
	char *sess_key; /* first session.id seen */
	struct tv_ospan *spans;
	size_t n, cap;
};

struct tv_spans {
	struct otrace **v; /* arrival order */
	size_t n, cap;
	struct otrace **tab; /* open addressing by hash */
	size_t tcap;
	uint64_t seq;
};

static void attrs_free(struct tv_attr *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)a[i].key);
		free((char *)a[i].v.s);
	}
	free(a);
}

static void ospan_finish(struct tv_ospan *s)
{
	free(s->trace_id);
	free(s->span_id);
	free(s->parent_id);
	free(s->name);
	free(s->status_message);
	attrs_free(s->attrs, s->n_attrs);
	attrs_free(s->res, s->n_res);
	free(s->raw);
	free(s->file);
}

static void trace_free(struct otrace *t)
{
	if (t == NULL) {
		return;
	}
	for (size_t i = 0; i < t->n; i++) {
		ospan_finish(&t->spans[i]);
	}
	free(t->spans);
	free(t->id);
	free(t->conv_key);
	free(t->sess_key);
	free(t);
}

struct tv_spans *tv_spans_create(void)
{
	struct tv_spans *b = calloc(1, sizeof(*b));

	if (b == NULL) {
		return NULL;
	}
	b->tcap = 64;
	b->tab = calloc(b->tcap, sizeof(*b->tab));
	if (b->tab == NULL) {
		free(b);
		return NULL;
	}
	return b;
}

void tv_spans_destroy(struct tv_spans *b)
{
	if (b == NULL) {
		return;
	}
	for (size_t i = 0; i < b->n; i++) {
		trace_free(b->v[i]);
	}
	free(b->v);
	free(b->tab);
	free(b);
}

size_t tv_spans_count(const struct tv_spans *b)
{
	return b->n;
}

static void tab_insert(struct otrace **tab, size_t cap, struct otrace *t)
{
	size_t i;

	for (i = t->hash & (cap - 1); tab[i]; i = (i + 1) & (cap - 1)) {
		;
	}
	tab[i] = t;
}

static int tab_rebuild(struct tv_spans *b, size_t cap)
{
	struct otrace **tab = calloc(cap, sizeof(*tab));

	if (tab == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < b->n; i++) {
		tab_insert(tab, cap, b->v[i]);
	}
	free(b->tab);
	b->tab = tab;
	b->tcap = cap;
	return 0;
}

static struct otrace *lookup(struct tv_spans *b, const char *id, size_t n, uint64_t h)
{
	for (size_t i = h & (b->tcap - 1); b->tab[i]; i = (i + 1) & (b->tcap - 1)) {
		struct otrace *t = b->tab[i];

		if (t->hash == h && strlen(t->id) == n && memcmp(t->id, id, n) == 0) {
			return t;
		}
	}
	return NULL;
}

static struct otrace *trace_get(struct tv_spans *b, const char *id, size_t n)
{
	uint64_t h = tv_hash64(id, n);
	struct otrace *t = lookup(b, id, n, h);

	if (t) {
		return t;
	}
	if ((b->n + 1) * 2 > b->tcap && tab_rebuild(b, b->tcap * 2) < 0) {
		return NULL;
	}
	if (b->n == b->cap) {
		size_t c = b->cap ? b->cap * 2 : 64;
		struct otrace **v = realloc(b->v, c * sizeof(*v));

		if (v == NULL) {
			return NULL;
		}
		b->v = v;
		b->cap = c;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		return NULL;
	}
	t->id = tv_strndup(id, n);
	if (t->id == NULL) {
		free(t);
		return NULL;
	}
	t->hash = h;
	t->seq = b->seq++;
	t->last = TV_NONE;
	b->v[b->n++] = t;
	tab_insert(b->tab, b->tcap, t);
	return t;
}

static int copy_attrs(const struct tv_attr *src, size_t n, struct tv_attr **dst, size_t *dn)
{
	struct tv_attr *a;

	*dst = NULL;
	*dn = 0;
	if (n == 0) {
		return 0;
	}
	a = calloc(n, sizeof(*a));
	if (a == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		a[i] = src[i];
		a[i].key = tv_strndup(src[i].key, src[i].klen);
		a[i].v.s = NULL;
		if (src[i].v.s) {
			a[i].v.s = tv_strndup(src[i].v.s, src[i].v.n);
		}
		if (a[i].key == NULL || (src[i].v.s && a[i].v.s == NULL)) {
			attrs_free(a, i + 1);
			return -ENOMEM;
		}
	}
	*dst = a;
	*dn = n;
	return 0;
}

static char *dup_opt(const char *s, size_t n, bool *oom)
{
	char *p;

	if (s == NULL) {
		return NULL;
	}
	p = tv_strndup(s, n);
	if (p == NULL) {
		*oom = true;
	}
	return p;
}

/* remember the session key candidates a span carries */
static int note_keys(struct otrace *t, const struct tv_span *sp)
{
	static const char *const keys[] = { "gen_ai.conversation.id", "session.id" };
	char **dst[] = { &t->conv_key, &t->sess_key };

	for (size_t k = 0; k < 2; k++) {
		const struct tv_attr *a;

		if (*dst[k]) {
			continue;
		}
		a = tv_attrs_find(sp->attrs, sp->n_attrs, keys[k]);
		if (a == NULL) {
			a = tv_attrs_find(sp->res, sp->n_res, keys[k]);
		}
		if (a && a->v.type == TV_V_STR && a->v.n > 0) {
			*dst[k] = tv_strndup(a->v.s, a->v.n);
			if (*dst[k] == NULL) {
				return -ENOMEM;
			}
		}
	}
	return 0;
}

bool tv_spans_busy(const struct tv_spans *b, const char *key)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct otrace *t = b->v[i];
		const char *k = t->conv_key ? t->conv_key : t->sess_key ? t->sess_key : t->id;

		if (strcmp(k, key) == 0) {
			return true;
		}
	}
	return false;
}

/* the id @s as tv_text_put_id() writes it, newly allocated; NULL for NULL or ENOMEM (*@oom) */
static char *dup_id(const char *s, size_t n, bool *oom)
{
	struct tv_strbuf b;

	if (s == NULL) {
		return NULL;
	}
	tv_strbuf_init(&b);
	if (tv_text_put_id(&b, s, n) < 0 || tv_strbuf_putc(&b, '\0') < 0) {
		tv_strbuf_finish(&b);
		*oom = true;
		return NULL;
	}
	return tv_strbuf_steal(&b);
}

int tv_spans_add(struct tv_spans *b, const struct tv_span *sp, const char *file,
		 const struct tv_format *fmt, bool keep_raw)
{
	bool oom = false;
	char *tid =
		dup_id(sp->trace_id ? sp->trace_id : "", sp->trace_id ? sp->trace_id_len : 0, &oom);
	struct otrace *t = tid ? trace_get(b, tid, strlen(tid)) : NULL;
	struct tv_ospan *o;

	free(tid);
	if (t == NULL) {
		return -ENOMEM;
	}
	if (t->n == t->cap) {
		size_t c = t->cap ? t->cap * 2 : 8;
		struct tv_ospan *v = realloc(t->spans, c * sizeof(*v));

		if (v == NULL) {
			return -ENOMEM;
		}
		t->spans = v;
		t->cap = c;
	}
	o = &t->spans[t->n];
	memset(o, 0, sizeof(*o));
	o->line = sp->line;
	o->seq = t->n;
	o->start = sp->start;
	o->end = sp->end;
	o->status = sp->status;
	o->fmt = fmt;
	o->trace_id = dup_opt(t->id, strlen(t->id), &oom);
	o->span_id = dup_id(sp->span_id, sp->span_id_len, &oom);
	if (sp->parent_id && sp->parent_id_len > 0) {
		o->parent_id = dup_id(sp->parent_id, sp->parent_id_len, &oom);
	}
	o->name = dup_opt(sp->name, sp->name_len, &oom);
	o->status_message = dup_opt(sp->status_message, sp->status_message_len, &oom);
	o->file = dup_opt(file, strlen(file), &oom);
	if (keep_raw) {
		o->raw = dup_opt(sp->raw, sp->raw_len, &oom);
	}
	if (!oom && copy_attrs(sp->attrs, sp->n_attrs, &o->attrs, &o->n_attrs) < 0) {
		oom = true;
	}
	if (!oom && copy_attrs(sp->res, sp->n_res, &o->res, &o->n_res) < 0) {
		oom = true;
	}
	if (oom) {
		ospan_finish(o);
		return -ENOMEM;
	}
	t->n++;
	if (note_keys(t, sp) < 0) {
		return -ENOMEM;
	}
	if (sp->end != TV_NONE && (t->last == TV_NONE || sp->end > t->last)) {
		t->last = sp->end;
	} else if (sp->start != TV_NONE && (t->last == TV_NONE || sp->start > t->last)) {
		t->last = sp->start;
	}
	return 0;
}

/* hand over traces selected by @all or @cutoff, in arrival order; keep the rest */
static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int cmp_val(const struct tv_val *a, const struct tv_val *b)
{
	size_t n = a->n < b->n ? a->n : b->n;
	int c = cmp_i64(a->type, b->type);

	if (c != 0) {
		return c;
	}
	switch (a->type) {
	case TV_V_STR:
	case TV_V_JSON:
		c = n ? memcmp(a->s, b->s, n) : 0;
		return c ? c : cmp_i64((int64_t)a->n, (int64_t)b->n);
	case TV_V_INT:
		return cmp_i64(a->i, b->i);
	case TV_V_DOUBLE:
		return (a->d > b->d) - (a->d < b->d);
	case TV_V_BOOL:
		return (int)a->b - (int)b->b;
	default:
		return 0;
	}
}

static int cmp_attrs(const struct tv_attr *a, size_t na, const struct tv_attr *b, size_t nb)
{
	int c = cmp_i64((int64_t)na, (int64_t)nb);

	for (size_t i = 0; i < na && c == 0; i++) {
		c = cmp_str(a[i].key, b[i].key);
		if (c == 0) {
			c = cmp_val(&a[i].v, &b[i].v);
		}
	}
	return c;
}

/*
 * The order a trace's spans are mapped in: by what they hold, never by
 * where they were read, so that the sessions do not depend on the order of
 * the input or on how it was split (a sharded run gives the same bytes).
 */
static int cmp_ospan(const void *pa, const void *pb)
{
	const struct tv_ospan *a = pa, *b = pb;
	int c = cmp_i64(a->start, b->start);

	if (c == 0) {
		c = cmp_i64(a->end, b->end);
	}
	if (c == 0) {
		c = cmp_str(a->span_id, b->span_id);
	}
	if (c == 0) {
		c = cmp_str(a->parent_id, b->parent_id);
	}
	if (c == 0) {
		c = cmp_str(a->name, b->name);
	}
	if (c == 0) {
		c = cmp_i64(a->status, b->status);
	}
	if (c == 0) {
		c = cmp_str(a->status_message, b->status_message);
	}
	if (c == 0) {
		c = cmp_attrs(a->attrs, a->n_attrs, b->attrs, b->n_attrs);
	}
	if (c == 0) {
		c = cmp_attrs(a->res, a->n_res, b->res, b->n_res);
	}
	if (c == 0) {
		c = cmp_str(a->raw, b->raw);
	}
	return c;
}

static int release(struct tv_spans *b, bool all, int64_t cutoff, tv_trace_fn fn, void *udata)
{
	size_t keep = 0, before = b->n;
	int r = 0;

	for (size_t i = 0; i < before; i++) {
		struct otrace *t = b->v[i];
		struct tv_trace tr;

		if (!all && (t->last == TV_NONE || t->last >= cutoff)) {
			b->v[keep++] = t;
			continue;
		}
		qsort(t->spans, t->n, sizeof(*t->spans), cmp_ospan);
		tr.trace_id = t->id;
		tr.spans = t->spans;
		tr.n = t->n;
		if (r == 0) {
			r = fn(udata, &tr);
		}
		trace_free(t);
	}
	b->n = keep;
	if (keep != before) {
		int e = tab_rebuild(b, b->tcap);

		if (r == 0) {
			r = e;
		}
	}
	return r;
}

int tv_spans_expire(struct tv_spans *b, int64_t cutoff, tv_trace_fn fn, void *udata)
{
	return release(b, false, cutoff, fn, udata);
}

int tv_spans_flush(struct tv_spans *b, tv_trace_fn fn, void *udata)
{
	return release(b, true, 0, fn, udata);
}
