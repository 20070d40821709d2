// SPDX-License-Identifier: MIT
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "select.h"
#include "libcommon/core/tv_error.h"
#include "libcommon/expr/tv_expr.h"
#include "libcommon/core/tv_hash.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/sample/tv_sample.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/core/tv_strbuf.h"

/* ---- a set of 64-bit hashes (0 marks an empty slot, so 0 is stored as 1) ---- */

struct hset {
	uint64_t *v;
	size_t cap, n;
};

static bool hset_has(const struct hset *s, uint64_t h)
{
	if (s->cap == 0) {
		return false;
	}
	for (size_t i = h & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1)) {
		if (s->v[i] == h) {
			return true;
		}
	}
	return false;
}

static int hset_add(struct hset *s, uint64_t h)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		struct hset g = { .cap = s->cap ? s->cap * 2 : 1024 };

		g.v = calloc(g.cap, sizeof(*g.v));
		if (g.v == NULL) {
			return -ENOMEM;
		}
		for (size_t k = 0; k < s->cap; k++) {
			if (s->v[k]) {
				hset_add(&g, s->v[k]);
			}
		}
		free(s->v);
		*s = g;
	}
	for (i = h & (s->cap - 1); s->v[i]; i = (i + 1) & (s->cap - 1)) {
		if (s->v[i] == h) {
			return 0;
		}
	}
	s->v[i] = h;
	s->n++;
	return 0;
}

static void hset_clear(struct hset *s)
{
	free(s->v);
	*s = (struct hset){ 0 };
}

/* ---- a bottom-k reservoir: a max-heap on (hash, line) ---- */

struct kept {
	uint64_t h;
	char *line;
	size_t len;
};

/*
 * A run's result read back (a merge of shard results): each of its kept
 * lines says how many sessions its run saw ("seen"), how many it keeps
 * ("size") and the smallest hash it left out ("threshold").  Lines of one
 * run agree on all three, and a run writes min(size, seen) lines, so
 * counting the lines of each such triple tells how many runs had it.
 */
struct prior {
	uint64_t thr; /* UINT64_MAX: none left out */
	uint64_t seen, size;
	uint64_t lines;
};

struct priors {
	struct prior *v; /* open addressing; lines == 0 is a free slot */
	size_t n, cap;
};

struct heap {
	struct kept *v;
	size_t n, cap; /* cap = k */
	uint64_t seen; /* sessions offered that no earlier run saw */
	struct priors priors;
	uint64_t min_out; /* smallest hash not kept; UINT64_MAX if none */
	char *key;	  /* the stratum, or NULL */
};

static int kcmp(const struct kept *a, const struct kept *b)
{
	int c;

	if (a->h != b->h) {
		return a->h < b->h ? -1 : 1;
	}
	c = memcmp(a->line, b->line, a->len < b->len ? a->len : b->len);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static void sift_down(struct heap *hp, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		struct kept t;

		if (l < hp->n && kcmp(&hp->v[l], &hp->v[m]) > 0) {
			m = l;
		}
		if (r < hp->n && kcmp(&hp->v[r], &hp->v[m]) > 0) {
			m = r;
		}
		if (m == i) {
			return;
		}
		t = hp->v[i];
		hp->v[i] = hp->v[m];
		hp->v[m] = t;
		i = m;
	}
}

static void sift_up(struct heap *hp, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		struct kept t;

		if (kcmp(&hp->v[p], &hp->v[i]) >= 0) {
			return;
		}
		t = hp->v[i];
		hp->v[i] = hp->v[p];
		hp->v[p] = t;
		i = p;
	}
}

static void note_out(struct heap *hp, uint64_t h)
{
	if (h < hp->min_out) {
		hp->min_out = h;
	}
}

static int heap_offer(struct heap *hp, uint64_t h, const char *line, size_t len)
{
	struct kept k = { .h = h, .line = (char *)line, .len = len };

	if (hp->n == hp->cap) {
		if (kcmp(&k, &hp->v[0]) >= 0) {
			note_out(hp, h);
			return 0;
		}
		note_out(hp, hp->v[0].h);
		free(hp->v[0].line);
		hp->v[0] = hp->v[--hp->n];
		sift_down(hp, 0);
	}
	/* padded: the line is parsed again when written (simdjson reads past the end) */
	k.line = malloc(len + TV_JSON_PAD);
	if (k.line == NULL) {
		return -ENOMEM;
	}
	memcpy(k.line, line, len);
	memset(k.line + len, 0, TV_JSON_PAD);
	hp->v[hp->n] = k;
	sift_up(hp, hp->n++);
	return 0;
}

static void heap_free(struct heap *hp)
{
	for (size_t i = 0; i < hp->n; i++) {
		free(hp->v[i].line);
	}
	free(hp->v);
	free(hp->key);
	free(hp->priors.v);
}

static int heap_init(struct heap *hp, size_t k)
{
	*hp = (struct heap){ .cap = k, .min_out = UINT64_MAX };
	hp->v = calloc(k, sizeof(*hp->v));
	return hp->v ? 0 : -ENOMEM;
}

/* ---- the selector ---- */

struct selector {
	struct select_opts o;
	struct tv_expr **exprs;
	size_t n_exprs;
	struct tv_expr *per;
	struct tv_json_parser *jp;
	struct hset seen[2]; /* dedupe: current and previous generation */
	struct heap all;     /* --reservoir */
	struct heap *strata; /* --per */
	size_t n_strata, cap_strata;
	bool strata_full; /* a value past max_strata was seen */
	struct tv_strbuf tmp, key, line;
	struct tv_strbuf hash_json; /* the --sample member, without its weight */
	uint64_t n_in, n_out;
};

bool selector_passthrough(const struct selector *s)
{
	return s->n_exprs == 0 && !s->o.invert && !s->o.dedupe_window && !s->o.sample &&
	       !s->o.reservoir && !s->per && s->o.limit == UINT64_MAX && !s->o.ids && !s->o.count;
}

void selector_counts(const struct selector *s, uint64_t *seen, uint64_t *written,
		     uint64_t *filtered)
{
	*seen = s->n_in;
	*written = s->n_out;
	*filtered = s->n_in - s->n_out;
}

int selector_create(const struct select_opts *o, struct selector **out, const char **bad,
		    size_t *col, char *why, size_t whylen)
{
	struct selector *s = calloc(1, sizeof(*s));
	int r = -ENOMEM;

	if (s == NULL) {
		return -ENOMEM;
	}
	s->o = *o;
	tv_strbuf_init(&s->tmp);
	tv_strbuf_init(&s->key);
	tv_strbuf_init(&s->line);
	tv_strbuf_init(&s->hash_json);
	s->jp = tv_json_parser_create();
	s->exprs = calloc(o->n_where ? o->n_where : 1, sizeof(*s->exprs));
	if (s->jp == NULL || s->exprs == NULL) {
		goto fail;
	}
	for (size_t i = 0; i < o->n_where; i++) {
		r = tv_expr_compile(o->where[i], &s->exprs[i], col, why, whylen);
		if (r < 0) {
			*bad = o->where[i];
			goto fail;
		}
		s->n_exprs++;
	}
	if (o->per_field) {
		r = tv_expr_path_compile(o->per_field, &s->per, col, why, whylen);
		if (r < 0) {
			*bad = o->per_field;
			goto fail;
		}
	}
	if (o->sample) {
		struct tv_jw jw;

		tv_jw_init(&jw, &s->hash_json);
		tv_jw_obj_begin(&jw);
		tv_jw_key(&jw, "method");
		tv_jw_cstr(&jw, "hash");
		tv_jw_key(&jw, "rate");
		tv_jw_double(&jw, o->rate);
		tv_jw_key(&jw, "seed");
		tv_jw_int(&jw, (int64_t)o->seed);
		if (tv_jw_error(&jw) < 0) {
			r = -ENOMEM;
			goto fail;
		}
	}
	if (o->reservoir && heap_init(&s->all, o->reservoir) < 0) {
		r = -ENOMEM;
		goto fail;
	}
	*out = s;
	return 0;
fail:
	selector_destroy(s);
	return r;
}

void selector_destroy(struct selector *s)
{
	if (s == NULL) {
		return;
	}
	for (size_t i = 0; i < s->n_exprs; i++) {
		tv_expr_destroy(s->exprs[i]);
	}
	free(s->exprs);
	tv_expr_destroy(s->per);
	tv_json_parser_destroy(s->jp);
	hset_clear(&s->seen[0]);
	hset_clear(&s->seen[1]);
	if (s->o.reservoir) {
		heap_free(&s->all);
	}
	for (size_t i = 0; i < s->n_strata; i++) {
		heap_free(&s->strata[i]);
	}
	free(s->strata);
	tv_strbuf_finish(&s->tmp);
	tv_strbuf_finish(&s->key);
	tv_strbuf_finish(&s->line);
	tv_strbuf_finish(&s->hash_json);
	free(s);
}

/* the first prompt, lowercased, blank runs collapsed, trimmed; hashed */
static uint64_t prompt_hash(struct selector *s, const struct tv_jv *root)
{
	struct tv_jv turns, t, p;
	struct tv_jiter it;
	const char *k, *str = "";
	size_t kn, n = 0;
	bool space = false;

	if (tv_jv_get(root, "turns", &turns)) {
		tv_jv_iter_init(&turns, &it);
		if (tv_jv_iter_next(&it, &k, &kn, &t) && tv_jv_get(&t, "prompt", &p)) {
			tv_jv_str(&p, &str, &n);
		}
	}
	tv_strbuf_reset(&s->tmp);
	for (size_t i = 0; i < n; i++) {
		char c = str[i];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = s->tmp.len > 0;
			continue;
		}
		if (space && tv_strbuf_putc(&s->tmp, ' ') < 0) {
			return 0;
		}
		space = false;
		tv_strbuf_putc(&s->tmp, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
	}
	return tv_hash64(s->tmp.p ? s->tmp.p : "", s->tmp.len);
}

/* true if this prompt was seen before (within the window) */
static bool dedupe_seen(struct selector *s, const struct tv_jv *root)
{
	uint64_t h = prompt_hash(s, root);

	if (hset_has(&s->seen[0], h) || hset_has(&s->seen[1], h)) {
		return true;
	}
	if (s->o.dedupe_window != SIZE_MAX && s->seen[0].n >= s->o.dedupe_window / 2 + 1) {
		hset_clear(&s->seen[1]);
		s->seen[1] = s->seen[0];
		s->seen[0] = (struct hset){ 0 };
	}
	hset_add(&s->seen[0], h);
	return false;
}

static bool predicates(struct selector *s, const struct tv_jv *root)
{
	bool ok = true;

	for (size_t i = 0; i < s->n_exprs && ok; i++) {
		ok = tv_expr_eval(s->exprs[i], root);
	}
	return s->o.invert ? !ok : ok;
}

static bool same_seed(const struct tv_jv *sampling, uint64_t seed)
{
	struct tv_jv v;
	double d;

	return tv_jv_get(sampling, "seed", &v) && tv_jv_num(&v, &d) && d >= 0 &&
	       (uint64_t)d == seed;
}

static size_t prior_slot(const struct priors *pr, const struct prior *p)
{
	uint64_t k[3] = { p->thr, p->seen, p->size };
	size_t i = tv_hash64(k, sizeof(k)) & (pr->cap - 1);

	while (pr->v[i].lines != 0 &&
	       (pr->v[i].thr != p->thr || pr->v[i].seen != p->seen || pr->v[i].size != p->size)) {
		i = (i + 1) & (pr->cap - 1);
	}
	return i;
}

static int priors_grow(struct priors *pr)
{
	struct priors bigger = { .cap = pr->cap ? pr->cap * 2 : 16 };

	bigger.v = calloc(bigger.cap, sizeof(*bigger.v));
	if (bigger.v == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < pr->cap; i++) {
		if (pr->v[i].lines != 0) {
			bigger.v[prior_slot(&bigger, &pr->v[i])] = pr->v[i];
			bigger.n++;
		}
	}
	free(pr->v);
	*pr = bigger;
	return 0;
}

static int prior_add(struct priors *pr, const struct prior *p)
{
	size_t i;

	if ((pr->n + 1) * 2 > pr->cap && priors_grow(pr) < 0) {
		return -ENOMEM;
	}
	i = prior_slot(pr, p);
	if (pr->v[i].lines == 0) {
		pr->v[i] = *p;
		pr->n++;
	}
	pr->v[i].lines++;
	return 0;
}

/* sessions seen: this run's own, plus those of every earlier run whose lines it read */
static uint64_t heap_seen(const struct heap *hp)
{
	uint64_t seen = hp->seen;

	for (size_t i = 0; i < hp->priors.cap; i++) {
		const struct prior *p = &hp->priors.v[i];
		uint64_t per_run = p->size < p->seen ? p->size : p->seen;

		if (p->lines != 0 && per_run != 0) {
			seen += (p->lines + per_run - 1) / per_run * p->seen;
		}
	}
	return seen;
}

static bool read_count(const struct tv_jv *obj, const char *key, uint64_t *out)
{
	struct tv_jv v;
	int64_t i;

	if (!tv_jv_get(obj, key, &v) || !tv_jv_int(&v, &i) || i < 0) {
		return false;
	}
	*out = (uint64_t)i;
	return true;
}

/* the "threshold" of a sampling member: UINT64_MAX for null; false if malformed */
static bool read_threshold(const struct tv_jv *smp, uint64_t *thr)
{
	struct tv_jv t;
	const char *hex;
	char buf[24], *end;
	size_t hn;

	*thr = UINT64_MAX;
	if (!tv_jv_get(smp, "threshold", &t) || tv_jv_type(&t) == TV_J_NULL) {
		return true;
	}
	if (!tv_jv_str(&t, &hex, &hn) || hn == 0 || hn > 16) {
		return false;
	}
	memcpy(buf, hex, hn);
	buf[hn] = '\0';
	errno = 0;
	*thr = strtoull(buf, &end, 16);
	return errno == 0 && *end == '\0';
}

/* @root was kept by an earlier run of the same reservoir (same method and seed): *@p */
static bool read_prior(struct selector *s, const struct tv_jv *root, const struct heap *hp,
		       struct prior *p)
{
	const char *want = hp->key ? "stratified" : "reservoir", *method;
	struct tv_jv smp, m;
	size_t mn;

	if (!tv_jv_get(root, "sampling", &smp) || !same_seed(&smp, s->o.seed) ||
	    !tv_jv_get(&smp, "method", &m) || !tv_jv_str(&m, &method, &mn) || mn != strlen(want) ||
	    memcmp(method, want, mn) != 0) {
		return false;
	}
	*p = (struct prior){ .lines = 0 };
	return read_threshold(&smp, &p->thr) && read_count(&smp, "seen", &p->seen) &&
	       read_count(&smp, "size", &p->size);
}

/*
 * A bottom-k result read back (a merge of shards): its "threshold", the
 * smallest hash its run left out, bounds the merged run's too, so the
 * weights come out as in one run over everything; its "seen" adds up as
 * heap_seen() says.  A session no earlier run kept counts as seen here.
 */
static int inherit(struct selector *s, const struct tv_jv *root, struct heap *hp)
{
	struct prior p;

	if (!read_prior(s, root, hp, &p)) {
		hp->seen++;
		return 0;
	}
	if (p.thr != UINT64_MAX) {
		note_out(hp, p.thr);
	}
	return prior_add(&hp->priors, &p);
}

/*
 * Write @line with a "sampling" member: appended before the closing brace, or,
 * when the session was sampled before, replacing it.
 */
static int with_sampling(struct selector *s, const char *line, size_t len, const char *json,
			 double weight, select_write_fn w, void *udata)
{
	struct tv_session *sess = NULL;
	struct tv_jv root, old, ow;
	const char *why;
	double prev;
	int r;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == ' ')) {
		len--;
	}
	tv_strbuf_reset(&s->line);
	r = tv_json_parse(s->jp, line, len, &root, NULL);
	if (r == 0 && tv_jv_get(&root, "sampling", &old)) {
		/*
		 * Sampled before with another seed: independent samples, the weights
		 * multiply.  With the same seed the samples nest (a lower rate's is a
		 * subset; a bottom-k of bottom-k is the whole run's): the new weight
		 * stands alone.
		 */
		if (!same_seed(&old, s->o.seed) && tv_jv_get(&old, "weight", &ow) &&
		    tv_jv_num(&ow, &prev) && prev > 0) {
			weight *= prev;
		}
		r = tv_session_from_json(&root, &sess, &why);
		if (r < 0) {
			return r;
		}
		tv_strbuf_reset(&s->tmp);
		r = tv_strbuf_printf(&s->tmp, "%s", json);
		if (r == 0) {
			struct tv_jw jw;

			tv_jw_init(&jw, &s->tmp);
			jw.need_comma = true;
			tv_jw_key(&jw, "weight");
			tv_jw_double(&jw, weight);
			r = tv_strbuf_putc(&s->tmp, '}');
		}
		if (r == 0) {
			r = tv_kvlist_set(&sess->extra, "sampling", 8, s->tmp.p, s->tmp.len);
		}
		if (r == 0) {
			r = tv_session_write(sess, &s->line);
		}
		tv_session_destroy(sess);
	} else {
		struct tv_jw jw;

		r = tv_strbuf_append(&s->line, line, len - 1);
		if (r == 0) {
			r = tv_strbuf_printf(&s->line, ",\"sampling\":%s", json);
		}
		tv_jw_init(&jw, &s->line);
		jw.need_comma = true;
		tv_jw_key(&jw, "weight");
		tv_jw_double(&jw, weight);
		if (r == 0) {
			r = tv_jw_error(&jw);
		}
		if (r == 0) {
			r = tv_strbuf_puts(&s->line, "}}\n");
		}
	}
	if (r < 0) {
		return r;
	}
	return w(udata, s->line.p, s->line.len);
}

static int write_out(struct selector *s, const char *line, size_t len, const char *id, size_t idn,
		     const char *sampling, double weight, select_write_fn w, void *udata)
{
	if (s->n_out >= s->o.limit) {
		return 0;
	}
	s->n_out++;
	if (s->o.count) {
		return 0;
	}
	if (s->o.ids) {
		/* escaped as a JSON string body: a newline in an id cannot split its line */
		tv_strbuf_reset(&s->tmp);
		if (tv_json_escape(&s->tmp, id, idn) < 0 || tv_strbuf_putc(&s->tmp, '\n') < 0) {
			return -ENOMEM;
		}
		return w(udata, s->tmp.p, s->tmp.len);
	}
	if (sampling) {
		return with_sampling(s, line, len, sampling, weight, w, udata);
	}
	return w(udata, line, len);
}

static int stratum_key_cb(void *udata, const char *text, size_t n)
{
	struct tv_strbuf *b = udata;

	if (b->len > 0 && tv_strbuf_putc(b, ',') < 0) {
		return -ENOMEM;
	}
	return tv_strbuf_append(b, text, n);
}

static struct heap *stratum(struct selector *s, const struct tv_jv *root)
{
	struct heap *hp;

	tv_strbuf_reset(&s->key);
	if (tv_expr_path_values(s->per, root, stratum_key_cb, &s->key) < 0) {
		return NULL;
	}
	for (size_t i = 0; i < s->n_strata; i++) {
		if (strlen(s->strata[i].key) == s->key.len &&
		    memcmp(s->strata[i].key, s->key.p, s->key.len) == 0) {
			return &s->strata[i];
		}
	}
	if (s->n_strata == s->o.max_strata) {
		s->strata_full = true;
		return NULL;
	}
	if (s->n_strata == s->cap_strata) {
		size_t c = s->cap_strata ? s->cap_strata * 2 : 16;
		struct heap *v = realloc(s->strata, c * sizeof(*v));

		if (v == NULL) {
			return NULL;
		}
		s->strata = v;
		s->cap_strata = c;
	}
	hp = &s->strata[s->n_strata];
	if (heap_init(hp, s->o.per_n) < 0) {
		return NULL;
	}
	hp->key = tv_strndup(s->key.p ? s->key.p : "", s->key.len);
	if (hp->key == NULL) {
		heap_free(hp);
		return NULL;
	}
	s->n_strata++;
	return hp;
}

int selector_feed(struct selector *s, const char *line, size_t len, select_write_fn w, void *udata)
{
	struct tv_jv root;
	int r;

	if (selector_passthrough(s)) {
		s->n_in++;
		s->n_out++;
		return w(udata, line, len);
	}
	r = tv_json_parse(s->jp, line, len, &root, NULL);
	if (r < 0) {
		return r;
	}
	return selector_feed_parsed(s, line, len, &root, w, udata);
}

int selector_feed_parsed(struct selector *s, const char *line, size_t len,
			 const struct tv_jv *rootp, select_write_fn w, void *udata)
{
	struct tv_jv root = *rootp, idv;
	const char *id = "";
	size_t idn = 0;
	uint64_t h = 0;

	s->n_in++;
	if (selector_passthrough(s)) {
		s->n_out++;
		return w(udata, line, len);
	}
	if (tv_jv_get(&root, "id", &idv)) {
		tv_jv_str(&idv, &id, &idn);
	}
	if (!predicates(s, &root)) {
		return 0;
	}
	if (s->o.dedupe_window && dedupe_seen(s, &root)) {
		return 0;
	}
	if (s->o.sample || s->o.reservoir || s->per) {
		h = tv_sample_hash(s->o.seed, id, idn);
	}
	if (s->o.sample && !tv_sample_keep(h, s->o.rate)) {
		return 0;
	}
	if (s->o.reservoir) {
		int r = inherit(s, &root, &s->all);

		return r < 0 ? r : heap_offer(&s->all, h, line, len);
	}
	if (s->per) {
		struct heap *hp = stratum(s, &root);

		if (hp == NULL) {
			return s->strata_full ? -TV_ETOOBIG : -ENOMEM;
		}
		int r = inherit(s, &root, hp);

		return r < 0 ? r : heap_offer(hp, h, line, len);
	}
	if (!s->o.sample) {
		return write_out(s, line, len, id, idn, NULL, 1, w, udata);
	}
	return write_out(s, line, len, id, idn, s->hash_json.p, 1 / s->o.rate, w, udata);
}

static int cmp_kept(const void *a, const void *b)
{
	return kcmp(a, b);
}

/* the weight of a bottom-k member: 2^64 / the smallest hash not kept (1: none left out) */
static double bottomk_weight(const struct heap *hp)
{
	if (hp->min_out == UINT64_MAX) {
		return 1;
	}
	return ldexp(1, 64) / ((double)hp->min_out + 1);
}

static int flush_heap(struct selector *s, struct heap *hp, select_write_fn w, void *udata)
{
	struct tv_strbuf *js = &s->key;
	double weight = bottomk_weight(hp);
	int r = 0;

	qsort(hp->v, hp->n, sizeof(*hp->v), cmp_kept);
	for (size_t i = 0; i < hp->n && r == 0; i++) {
		struct tv_jv root, idv;
		const char *id = "";
		size_t idn = 0;
		struct tv_jw jw;

		tv_strbuf_reset(js);
		tv_jw_init(&jw, js);
		tv_jw_obj_begin(&jw);
		tv_jw_key(&jw, "method");
		tv_jw_cstr(&jw, hp->key ? "stratified" : "reservoir");
		if (hp->key) {
			tv_jw_key(&jw, "field");
			tv_jw_cstr(&jw, s->o.per_field);
			tv_jw_key(&jw, "stratum");
			tv_jw_str(&jw, hp->key, strlen(hp->key));
		}
		tv_jw_key(&jw, "size");
		tv_jw_int(&jw, (int64_t)hp->cap);
		tv_jw_key(&jw, "seen");
		tv_jw_int(&jw, (int64_t)heap_seen(hp));
		tv_jw_key(&jw, "seed");
		tv_jw_int(&jw, (int64_t)s->o.seed);
		tv_jw_key(&jw, "threshold"); /* the smallest hash left out, for merges */
		if (hp->min_out == UINT64_MAX) {
			tv_jw_null(&jw);
		} else {
			char hex[20];

			snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)hp->min_out);
			tv_jw_str(&jw, hex, 16);
		}
		if (tv_jw_error(&jw)) {
			return tv_jw_error(&jw);
		}
		if (s->o.ids &&
		    tv_json_parse(s->jp, hp->v[i].line, hp->v[i].len, &root, NULL) == 0 &&
		    tv_jv_get(&root, "id", &idv)) {
			tv_jv_str(&idv, &id, &idn);
		}
		r = write_out(s, hp->v[i].line, hp->v[i].len, id, idn, js->p, weight, w, udata);
	}
	return r;
}

static int cmp_strata(const void *a, const void *b)
{
	return strcmp(((const struct heap *)a)->key, ((const struct heap *)b)->key);
}

int selector_finish(struct selector *s, select_write_fn w, void *udata)
{
	char buf[32];
	int r = 0, n;

	if (s->o.reservoir) {
		r = flush_heap(s, &s->all, w, udata);
	}
	if (s->per && s->n_strata > 1) {
		qsort(s->strata, s->n_strata, sizeof(*s->strata), cmp_strata);
	}
	for (size_t i = 0; i < s->n_strata && r == 0; i++) {
		r = flush_heap(s, &s->strata[i], w, udata);
	}
	if (r == 0 && s->o.count) {
		n = snprintf(buf, sizeof(buf), "%llu\n", (unsigned long long)s->n_out);
		r = w(udata, buf, (size_t)n);
	}
	return r;
}
