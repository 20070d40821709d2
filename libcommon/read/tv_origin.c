// SPDX-License-Identifier: MIT
/*
 * Where a traced session comes from (see tv_origin.h): every service and
 * every resource of its traces, not only the first span's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/read/tv_origin.h"

static bool same_val(const struct tv_val *a, const struct tv_val *b)
{
	if (a->type != b->type || a->i != b->i || a->b != b->b || a->n != b->n) {
		return false;
	}
	if (a->d != b->d && !(a->d != a->d && b->d != b->d)) { /* NaN equals NaN here */
		return false;
	}
	return a->n == 0 || memcmp(a->s, b->s, a->n) == 0;
}

/* the same resource attributes, in the same order */
static bool same_res(const struct tv_ospan *a, const struct tv_ospan *b)
{
	if (a->n_res != b->n_res) {
		return false;
	}
	for (size_t i = 0; i < a->n_res; i++) {
		const struct tv_attr *x = &a->res[i], *y = &b->res[i];

		if (x->klen != y->klen || memcmp(x->key, y->key, x->klen) != 0 ||
		    !same_val(&x->v, &y->v)) {
			return false;
		}
	}
	return true;
}

/* @name is one of the ", "-separated names of @list */
static bool listed(const char *list, const char *name, size_t n)
{
	for (const char *p = list; p != NULL;) {
		const char *e = strstr(p, ", ");
		size_t k = e ? (size_t)(e - p) : strlen(p);

		if (k == n && memcmp(p, name, n) == 0) {
			return true;
		}
		p = e ? e + 2 : NULL;
	}
	return false;
}

static int add_service(struct tv_session *s, const struct tv_ospan *sp, struct tv_strbuf *tmp)
{
	const struct tv_attr *a = tv_attrs_find(sp->res, sp->n_res, "service.name");
	int r;

	if (a == NULL || a->v.type != TV_V_STR || a->v.n == 0) {
		return 0;
	}
	if (s->source_service == NULL) {
		return tv_set_str(&s->source_service, a->v.s, a->v.n);
	}
	if (listed(s->source_service, a->v.s, a->v.n)) {
		return 0;
	}
	tv_strbuf_reset(tmp);
	r = tv_strbuf_printf(tmp, "%s, %.*s", s->source_service, (int)a->v.n, a->v.s);
	return r < 0 ? r : tv_set_str(&s->source_service, tmp->p, tmp->len);
}

/* the object @obj (@n bytes) is an element of the JSON array text @arr */
static bool has_element(const char *arr, const char *obj, size_t n)
{
	size_t len = strlen(arr);

	for (const char *p = strstr(arr, obj); p != NULL; p = strstr(p + 1, obj)) {
		size_t end = (size_t)(p - arr) + n;

		if (p > arr && (p[-1] == '[' || p[-1] == ',') && end < len &&
		    (arr[end] == ',' || arr[end] == ']')) {
			return true;
		}
	}
	return false;
}

/*
 * metadata.resource takes @obj: the object when it is the first, else an
 * array of every distinct one, in the order they came.
 */
static int add_resource(struct tv_session *s, const char *obj, size_t n, struct tv_strbuf *tmp)
{
	const char *cur = tv_kvlist_find(&s->metadata, "resource");
	int r;

	if (cur == NULL) {
		return tv_kvlist_set(&s->metadata, "resource", 8, obj, n);
	}
	if ((strlen(cur) == n && memcmp(cur, obj, n) == 0) ||
	    (cur[0] == '[' && has_element(cur, obj, n))) {
		return 0;
	}
	tv_strbuf_reset(tmp);
	if (cur[0] == '[') {
		r = tv_strbuf_printf(tmp, "%.*s,%.*s]", (int)(strlen(cur) - 1), cur, (int)n, obj);
	} else {
		r = tv_strbuf_printf(tmp, "[%s,%.*s]", cur, (int)n, obj);
	}
	return r < 0 ? r : tv_kvlist_set(&s->metadata, "resource", 8, tmp->p, tmp->len);
}

static int add_span_origin(struct tv_session *s, const struct tv_ospan *sp, struct tv_strbuf *a,
			   struct tv_strbuf *b)
{
	int r = add_service(s, sp, a);

	if (r == 0 && sp->n_res > 0) {
		r = tv_attrs_to_json(sp->res, sp->n_res, NULL, b);
		if (r == 0) {
			r = add_resource(s, b->p, b->len, a);
		}
	}
	return r;
}

/* span @i has the resource of one of the @k spans @seen of @t */
static bool seen_resource(const struct tv_trace *t, const size_t *seen, size_t k, size_t i)
{
	for (size_t j = 0; j < k; j++) {
		if (same_res(&t->spans[seen[j]], &t->spans[i])) {
			return true;
		}
	}
	return false;
}

int tv_origin_add(struct tv_session *s, const struct tv_trace *t, size_t first, struct tv_strbuf *a,
		  struct tv_strbuf *b)
{
	size_t *seen = malloc((t->n + 1) * sizeof(*seen)), k = 0;
	int r = 0;

	if (seen == NULL) {
		return -ENOMEM;
	}
	for (size_t n = 0; n <= t->n && r == 0; n++) {
		size_t i = n == 0 ? first : n - 1; /* @first first, then the spans in order */

		if (i >= t->n || seen_resource(t, seen, k, i)) {
			continue;
		}
		seen[k++] = i;
		r = add_span_origin(s, &t->spans[i], a, b);
	}
	free(seen);
	return r < 0 ? -ENOMEM : 0;
}
