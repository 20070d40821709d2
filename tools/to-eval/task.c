// SPDX-License-Identifier: MIT
/*
 * task: units, eligibility, expectations and provenance, written as the
 * JSON the templates see (task.h describes the members).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "task.h"
#include "libcommon/json/tv_jw.h"

#define TITLE_MAX 72 /* characters of the prompt's first line in a title */

static const struct {
	const char *name;
	unsigned bit;
} expect_names[] = {
	{ "required-tools", EXPECT_REQUIRED_TOOLS },
	{ "forbidden-tools", EXPECT_FORBIDDEN_TOOLS },
	{ "tool-budget", EXPECT_TOOL_BUDGET },
	{ "literals", EXPECT_LITERALS },
	{ "latency", EXPECT_LATENCY },
	{ "cost", EXPECT_COST },
	{ "tokens", EXPECT_TOKENS },
	{ "all", EXPECT_ALL },
	{ "none", 0 },
};

const char *task_expect_names(void)
{
	return "required-tools, forbidden-tools, tool-budget, literals, latency, cost, tokens, "
	       "all, none";
}

int task_expect_parse(const char *list, unsigned *bits)
{
	const char *p = list, *e;
	unsigned b = 0;
	size_t n, i;

	while (*p) {
		e = strchr(p, ',');
		n = e ? (size_t)(e - p) : strlen(p);
		for (i = 0; i < sizeof(expect_names) / sizeof(expect_names[0]); i++) {
			if (strlen(expect_names[i].name) == n &&
			    memcmp(expect_names[i].name, p, n) == 0) {
				b |= expect_names[i].bit;
				break;
			}
		}
		if (i == sizeof(expect_names) / sizeof(expect_names[0])) {
			return -1;
		}
		p += n;
		if (*p == ',') {
			p++;
		}
	}
	*bits = b;
	return 0;
}

/* ---- reading the DOM ---- */

/* the next element of an array (tv_jv_iter_next() wants the key pointers) */
static bool next_el(struct tv_jiter *it, struct tv_jv *el)
{
	const char *k;
	size_t kn;

	return tv_jv_iter_next(it, &k, &kn, el);
}

static bool get_str(const struct tv_jv *obj, const char *key, const char **s, size_t *n)
{
	struct tv_jv v;

	return tv_jv_get(obj, key, &v) && tv_jv_str(&v, s, n);
}

static bool get_num(const struct tv_jv *obj, const char *key, double *d)
{
	struct tv_jv v;

	return tv_jv_get(obj, key, &v) && tv_jv_num(&v, d);
}

static int get_tristate(const struct tv_jv *obj, const char *key)
{
	struct tv_jv v;
	bool b;

	if (tv_jv_get(obj, key, &v) && tv_jv_bool(&v, &b)) {
		return b;
	}
	return -1;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
			return false;
		}
	}
	return true;
}

/* the turn's prompt when it has one (not null, not blank) */
static bool prompt_of(const struct tv_jv *turn, const char **s, size_t *n)
{
	return get_str(turn, "prompt", s, n) && !blank(*s, *n);
}

int session_view_load(struct session_view *v, const struct tv_jv *root)
{
	struct tv_jv turns, t;
	struct tv_jiter it;

	v->root = *root;
	v->n_turns = 0;
	if (!get_str(root, "id", &v->id, &v->id_len)) {
		v->id = "";
		v->id_len = 0;
	}
	v->success = get_tristate(root, "success");
	if (!tv_jv_get(root, "turns", &turns)) {
		return 0;
	}
	tv_jv_iter_init(&turns, &it);
	while (next_el(&it, &t)) {
		if (v->n_turns == v->cap_turns) {
			size_t cap = v->cap_turns ? v->cap_turns * 2 : 16;
			struct tv_jv *nv = realloc(v->turns, cap * sizeof(*nv));

			if (nv == NULL) {
				return -ENOMEM;
			}
			v->turns = nv;
			v->cap_turns = cap;
		}
		v->turns[v->n_turns++] = t;
	}
	return 0;
}

void session_view_finish(struct session_view *v)
{
	free(v->turns);
	memset(v, 0, sizeof(*v));
}

static bool turn_failed(const struct session_view *v, size_t k)
{
	int s = get_tristate(&v->turns[k], "success");

	return s == 0 || (s < 0 && v->success == 0);
}

enum verdict task_unit(const struct task_opts *o, const struct session_view *v, size_t k,
		       size_t *turn)
{
	const char *s;
	size_t n;

	if (!o->turn_unit) {
		for (k = 0; k < v->n_turns; k++) {
			if (prompt_of(&v->turns[k], &s, &n)) {
				break;
			}
		}
		if (k == v->n_turns) {
			return V_NO_PROMPT;
		}
		*turn = k;
		return v->success == 0 && !o->include_failed ? V_FAILED : V_TASK;
	}
	if (!prompt_of(&v->turns[k], &s, &n)) {
		return V_NO_PROMPT;
	}
	*turn = k;
	return turn_failed(v, k) && !o->include_failed ? V_FAILED : V_TASK;
}

/* ---- the unit's facts ---- */

struct sref {
	const char *s;
	size_t n;
};

struct facts {
	size_t first, last; /* turns [first, last) */
	size_t turn;	    /* the task's turn */
	bool failed;
	struct sref *used, *rejected; /* tool names */
	size_t n_used, n_rejected, cap_used, cap_rejected;
	size_t tool_calls;
	double duration; /* NaN: unknown */
	double tokens;
	double cost;
};

static int push_ref(struct sref **v, size_t *n, size_t *cap, const char *s, size_t len)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 16;
		struct sref *nv = realloc(*v, c * sizeof(*nv));

		if (nv == NULL) {
			return -ENOMEM;
		}
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = (struct sref){ s, len };
	return 0;
}

static int cmp_ref(const void *a, const void *b)
{
	const struct sref *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->s, y->s, n);

	if (c != 0) {
		return c;
	}
	return x->n < y->n ? -1 : x->n > y->n;
}

/* sort and drop duplicates */
static void uniq(struct sref *v, size_t *n)
{
	size_t k = 0;

	if (*n == 0) {
		return;
	}
	qsort(v, *n, sizeof(*v), cmp_ref);
	for (size_t i = 1; i < *n; i++) {
		if (cmp_ref(&v[k], &v[i]) != 0) {
			v[++k] = v[i];
		}
	}
	*n = k + 1;
}

static bool has_ref(const struct sref *v, size_t n, const struct sref *x)
{
	return n > 0 && bsearch(x, v, n, sizeof(*v), cmp_ref) != NULL;
}

static int scan_tools(struct facts *f, const struct tv_jv *turn)
{
	struct tv_jv calls, c;
	struct tv_jiter it;
	const char *name, *dec;
	size_t nn, dn;
	int r = 0;

	if (!tv_jv_get(turn, "tool_calls", &calls)) {
		return 0;
	}
	tv_jv_iter_init(&calls, &it);
	while (r == 0 && next_el(&it, &c)) {
		f->tool_calls++;
		if (!get_str(&c, "name", &name, &nn) || nn == 0) {
			continue;
		}
		if (get_str(&c, "decision", &dec, &dn) && dn == 6 &&
		    memcmp(dec, "reject", 6) == 0) {
			r = push_ref(&f->rejected, &f->n_rejected, &f->cap_rejected, name, nn);
		} else if (get_tristate(&c, "success") == 1) {
			r = push_ref(&f->used, &f->n_used, &f->cap_used, name, nn);
		}
	}
	return r;
}

/* tokens of a turn's llm_calls: total, else input + output */
static double turn_tokens(const struct tv_jv *turn)
{
	struct tv_jv calls, c;
	struct tv_jiter it;
	double sum = 0, t, in, out;
	bool any = false;

	if (!tv_jv_get(turn, "llm_calls", &calls)) {
		return NAN;
	}
	tv_jv_iter_init(&calls, &it);
	while (next_el(&it, &c)) {
		if (get_num(&c, "total_tokens", &t)) {
			sum += t;
			any = true;
		} else if (get_num(&c, "input_tokens", &in) && get_num(&c, "output_tokens", &out)) {
			sum += in + out;
			any = true;
		}
	}
	return any ? sum : NAN;
}

static void observe(const struct session_view *v, struct facts *f)
{
	struct tv_jv usage;
	double d, sum = 0, tok, all;
	bool any = false, has_usage = tv_jv_get(&v->root, "usage", &usage);

	f->duration = f->tokens = f->cost = NAN;
	for (size_t i = f->first; i < f->last; i++) {
		if (get_num(&v->turns[i], "duration_ms", &d)) {
			sum += d;
			any = true;
		}
	}
	if (f->last - f->first == v->n_turns) {
		if (!get_num(&v->root, "duration_ms", &f->duration) && any) {
			f->duration = sum;
		}
		if (!has_usage || !get_num(&usage, "total_tokens", &f->tokens)) {
			f->tokens = 0;
			for (size_t i = 0; i < v->n_turns; i++) {
				tok = turn_tokens(&v->turns[i]);
				f->tokens += isnan(tok) ? 0 : tok;
			}
		}
		if (!has_usage || !get_num(&usage, "cost_usd", &f->cost)) {
			f->cost = NAN;
		}
		return;
	}
	f->duration = any ? sum : NAN;
	f->tokens = turn_tokens(&v->turns[f->turn]);
	/* a turn's share of the session's cost, by tokens */
	if (has_usage && get_num(&usage, "cost_usd", &d) && get_num(&usage, "total_tokens", &all) &&
	    all > 0 && !isnan(f->tokens)) {
		f->cost = d * f->tokens / all;
	}
}

static int gather(const struct task_opts *o, const struct session_view *v, size_t turn,
		  struct facts *f)
{
	int r = 0;

	f->turn = turn;
	f->first = o->turn_unit ? turn : 0;
	f->last = o->turn_unit ? turn + 1 : v->n_turns;
	f->failed = o->turn_unit ? turn_failed(v, turn) : v->success == 0;
	for (size_t i = f->first; r == 0 && i < f->last; i++) {
		r = scan_tools(f, &v->turns[i]);
	}
	uniq(f->used, &f->n_used);
	uniq(f->rejected, &f->n_rejected);
	observe(v, f);
	return r;
}

static void facts_finish(struct facts *f)
{
	free(f->used);
	free(f->rejected);
}

/* ---- writing ---- */

static void jw_member_str(struct tv_jw *w, const struct tv_jv *obj, const char *key, const char *as)
{
	const char *s;
	size_t n;

	tv_jw_key(w, as ? as : key);
	if (get_str(obj, key, &s, &n)) {
		tv_jw_str(w, s, n);
	} else {
		tv_jw_null(w);
	}
}

/* @b as a JSON string, or the writer's error when an append to @b failed */
static void jw_buf(struct tv_jw *w, const struct tv_strbuf *b)
{
	if (b->err < 0) {
		w->err = w->err ? w->err : b->err;
		return;
	}
	tv_jw_str(w, b->p ? b->p : "", b->len);
}

static void jw_raw_member(struct tv_jw *w, const struct tv_jv *obj, const char *key,
			  struct tv_strbuf *tmp)
{
	struct tv_jv v;
	int r = 1;

	tv_jw_key(w, key);
	tv_strbuf_reset(tmp);
	if (tv_jv_get(obj, key, &v)) {
		r = tv_jv_minify(&v, tmp);
	}
	if (r == 0) {
		tv_jw_raw(w, tmp->p, tmp->len);
	} else if (r == -ENOMEM) {
		w->err = w->err ? w->err : r;
	} else {
		tv_jw_null(w);
	}
}

static void jw_refs(struct tv_jw *w, const char *key, const struct sref *v, size_t n)
{
	tv_jw_key(w, key);
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		tv_jw_str(w, v[i].s, v[i].n);
	}
	tv_jw_arr_end(w);
}

/* ceil(@x * @f) as an integer, or null */
static void jw_budget(struct tv_jw *w, const char *key, double x, double f, bool on)
{
	double b = ceil(x * f);

	tv_jw_key(w, key);
	if (!on || isnan(x) || x < 0 || b > 9e15) {
		tv_jw_null(w);
	} else {
		tv_jw_int(w, (int64_t)b);
	}
}

/* first line of the prompt, spaces collapsed, at most TITLE_MAX characters */
static void jw_title(struct tv_jw *w, const char *s, size_t n, const struct session_view *v)
{
	struct tv_strbuf b;
	size_t chars = 0, i = 0;
	bool space = false;

	tv_strbuf_init(&b);
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) {
		i++;
	}
	for (; i < n && s[i] != '\n'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ' ' || c == '\t' || c == '\r') {
			space = true;
			continue;
		}
		if ((c & 0xC0) != 0x80) {
			if (chars + (space ? 1 : 0) >= TITLE_MAX) {
				tv_strbuf_puts(&b, "\xe2\x80\xa6");
				break;
			}
			if (space) {
				tv_strbuf_putc(&b, ' ');
				chars++;
			}
			space = false;
			chars++;
		}
		tv_strbuf_putc(&b, (char)c);
	}
	if (b.len == 0) {
		tv_strbuf_puts(&b, "session ");
		tv_strbuf_append(&b, v->id, v->id_len);
	}
	jw_buf(w, &b);
	tv_strbuf_finish(&b);
}

static void jw_task_id(struct tv_jw *w, const struct task_opts *o, const struct session_view *v,
		       size_t turn, struct tv_strbuf *tmp)
{
	tv_strbuf_reset(tmp);
	tv_strbuf_puts(tmp, o->id_prefix);
	tv_strbuf_append(tmp, v->id, v->id_len);
	if (o->turn_unit) {
		tv_strbuf_printf(tmp, "-%zu", turn + 1);
	}
	tv_jw_key(w, "id");
	jw_buf(w, tmp);
}

static size_t prompted_turns(const struct session_view *v)
{
	const char *s;
	size_t n, c = 0;

	for (size_t i = 0; i < v->n_turns; i++) {
		c += prompt_of(&v->turns[i], &s, &n);
	}
	return c;
}

static void jw_description(struct tv_jw *w, const struct task_opts *o, const struct session_view *v,
			   const struct facts *f, struct tv_strbuf *tmp)
{
	struct tv_jv src, err;
	const char *s, *fmt = "televal", *start = "";
	size_t n, fl = 7, sl = 0;
	bool has_src = tv_jv_get(&v->root, "source", &src);

	tv_strbuf_reset(tmp);
	tv_strbuf_puts(tmp, "Captured ");
	if (has_src && get_str(&src, "service", &s, &n)) {
		tv_strbuf_append(tmp, s, n);
		tv_strbuf_putc(tmp, ' ');
	}
	tv_strbuf_puts(tmp, "session ");
	tv_strbuf_append(tmp, v->id, v->id_len);
	if (has_src && get_str(&src, "format", &s, &n)) {
		fmt = s;
		fl = n;
	}
	if (get_str(&v->root, "start_time", &s, &n)) {
		start = s;
		sl = n;
	}
	tv_strbuf_printf(tmp, " (%.*s%s%.*s)", (int)fl, fmt, sl ? ", " : "", (int)sl, start);
	if (o->turn_unit) {
		tv_strbuf_printf(tmp, ", turn %zu of %zu", f->turn + 1, v->n_turns);
	} else {
		size_t np = prompted_turns(v);

		tv_strbuf_printf(tmp, ": %zu prompt%s", np, np == 1 ? "" : "s");
	}
	tv_strbuf_printf(tmp, ", %zu tool call%s.", f->tool_calls, f->tool_calls == 1 ? "" : "s");
	if (f->failed) {
		tv_strbuf_puts(tmp, " It failed");
		if (tv_jv_get(&v->root, "error", &err) && get_str(&err, "message", &s, &n)) {
			tv_strbuf_puts(tmp, ": ");
			tv_strbuf_append(tmp, s, n);
		}
		tv_strbuf_putc(tmp, '.');
	}
	tv_jw_key(w, "description");
	jw_buf(w, tmp);
}

static void jw_tags(struct tv_jw *w, const struct session_view *v, const struct facts *f)
{
	struct sref tags[5];
	struct tv_jv src;
	size_t n = 0;

	tags[n++] = (struct sref){ "televal", 7 };
	if (tv_jv_get(&v->root, "source", &src)) {
		if (get_str(&src, "format", &tags[n].s, &tags[n].n) && tags[n].n) {
			n++;
		}
		if (get_str(&src, "service", &tags[n].s, &tags[n].n) && tags[n].n) {
			n++;
		}
	}
	if (get_str(&v->root, "skill", &tags[n].s, &tags[n].n) && tags[n].n) {
		n++;
	}
	if (f->failed) {
		tags[n++] = (struct sref){ "failed", 6 };
	}
	tv_jw_key(w, "tags");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < n; i++) {
		bool dup = false;

		for (size_t j = 0; j < i; j++) {
			dup |= cmp_ref(&tags[i], &tags[j]) == 0;
		}
		if (!dup) {
			tv_jw_str(w, tags[i].s, tags[i].n);
		}
	}
	tv_jw_arr_end(w);
}

/* chat messages: the prompts (and the outputs between them) up to the task's end */
static void jw_messages(struct tv_jw *w, const struct task_opts *o, const struct session_view *v,
			const struct facts *f)
{
	size_t end = o->turn_unit ? f->turn + 1 : v->n_turns, last = f->turn;
	const char *s;
	size_t n;

	for (size_t i = 0; i < end; i++) {
		if (prompt_of(&v->turns[i], &s, &n)) {
			last = i;
		}
	}
	tv_jw_key(w, "messages");
	tv_jw_arr_begin(w);
	for (size_t i = 0; i <= last && i < end; i++) {
		if (!prompt_of(&v->turns[i], &s, &n)) {
			continue;
		}
		tv_jw_obj_begin(w);
		TV_JW_KEY(w, "role");
		tv_jw_str(w, "user", 4);
		TV_JW_KEY(w, "content");
		tv_jw_str(w, s, n);
		tv_jw_obj_end(w);
		if (i < last && get_str(&v->turns[i], "output", &s, &n) && n > 0) {
			tv_jw_obj_begin(w);
			TV_JW_KEY(w, "role");
			tv_jw_str(w, "assistant", 9);
			TV_JW_KEY(w, "content");
			tv_jw_str(w, s, n);
			tv_jw_obj_end(w);
		}
	}
	tv_jw_arr_end(w);
}

/* the turn whose output is the unit's answer: its last prompted turn */
static size_t answer_turn(const struct task_opts *o, const struct session_view *v,
			  const struct facts *f)
{
	const char *s;
	size_t n, last = f->turn;

	if (o->turn_unit) {
		return f->turn;
	}
	for (size_t i = 0; i < v->n_turns; i++) {
		if (prompt_of(&v->turns[i], &s, &n)) {
			last = i;
		}
	}
	return last;
}

static void write_task(struct tv_jw *w, const struct task_opts *o, const struct session_view *v,
		       const struct facts *f, struct tv_strbuf *tmp)
{
	const char *s;
	size_t n;

	tv_jw_key(w, "task");
	tv_jw_obj_begin(w);
	jw_task_id(w, o, v, f->turn, tmp);
	prompt_of(&v->turns[f->turn], &s, &n);
	TV_JW_KEY(w, "title");
	jw_title(w, s, n, v);
	jw_description(w, o, v, f, tmp);
	TV_JW_KEY(w, "prompt");
	tv_jw_str(w, s, n);
	TV_JW_KEY(w, "follow_ups");
	tv_jw_arr_begin(w);
	for (size_t i = f->turn + 1; !o->turn_unit && i < v->n_turns; i++) {
		if (prompt_of(&v->turns[i], &s, &n)) {
			tv_jw_str(w, s, n);
		}
	}
	tv_jw_arr_end(w);
	jw_messages(w, o, v, f);
	jw_tags(w, v, f);
	TV_JW_KEY(w, "unit");
	tv_jw_cstr(w, o->turn_unit ? "turn" : "session");
	TV_JW_KEY(w, "turn_index");
	tv_jw_int(w, (int64_t)f->turn + 1);
	TV_JW_KEY(w, "turn_count");
	tv_jw_int(w, (int64_t)v->n_turns);
	TV_JW_KEY(w, "failed");
	tv_jw_bool(w, f->failed);
	tv_jw_obj_end(w);
}

static int find_literals(const struct task_opts *o, const struct session_view *v,
			 const struct facts *f, struct literals *lits)
{
	const char *s;
	size_t n;
	int r = 0;

	literals_reset(lits);
	if (!(o->expect & EXPECT_LITERALS)) {
		return 0;
	}
	for (size_t i = f->first; r == 0 && i < f->last; i++) {
		if (get_str(&v->turns[i], "output", &s, &n)) {
			r = literals_find(s, n, o->max_literals, lits);
		}
	}
	return r;
}

static void jw_literals(struct tv_jw *w, const char *key, const struct literals *l, int kind,
			const char *wrap)
{
	tv_jw_key(w, key);
	tv_jw_arr_begin(w);
	for (size_t i = 0; i < l->n; i++) {
		if (kind >= 0 && l->v[i].kind != (enum literal_kind)kind) {
			continue;
		}
		if (wrap == NULL) {
			tv_jw_str(w, l->v[i].s, l->v[i].n);
			continue;
		}
		/* identifiers hold only [A-Za-z0-9_]: nothing to escape */
		struct tv_strbuf b;

		tv_strbuf_init(&b);
		tv_strbuf_puts(&b, wrap);
		tv_strbuf_append(&b, l->v[i].s, l->v[i].n);
		tv_strbuf_puts(&b, wrap);
		jw_buf(w, &b);
		tv_strbuf_finish(&b);
	}
	tv_jw_arr_end(w);
}

static void jw_behavior(struct tv_jw *w, const struct task_opts *o, const struct facts *f,
			const struct sref *forb, size_t n_forb)
{
	tv_jw_key(w, "behavior");
	tv_jw_obj_begin(w);
	if (o->expect & EXPECT_TOOL_BUDGET) {
		jw_budget(w, "max_tool_calls", (double)f->tool_calls, o->factor, true);
	}
	if ((o->expect & EXPECT_TOKENS) && !isnan(f->tokens) && f->tokens > 0) {
		jw_budget(w, "max_tokens", f->tokens, o->factor, true);
	}
	if ((o->expect & EXPECT_LATENCY) && !isnan(f->duration) && f->duration > 0) {
		jw_budget(w, "max_duration_ms", f->duration, o->factor, true);
	}
	if ((o->expect & EXPECT_REQUIRED_TOOLS) && f->n_used) {
		jw_refs(w, "required_tools", f->used, f->n_used);
	}
	if ((o->expect & EXPECT_FORBIDDEN_TOOLS) && n_forb) {
		jw_refs(w, "forbidden_tools", forb, n_forb);
	}
	tv_jw_obj_end(w);
}

static int write_expect(struct tv_jw *w, const struct task_opts *o, const struct facts *f,
			const struct literals *lits)
{
	struct sref *forb = NULL;
	size_t n_forb = 0, cap = 0;
	double cost;
	int r = 0;

	/* a tool rejected once but also used successfully is not forbidden */
	for (size_t i = 0; r == 0 && i < f->n_rejected; i++) {
		if (!has_ref(f->used, f->n_used, &f->rejected[i])) {
			r = push_ref(&forb, &n_forb, &cap, f->rejected[i].s, f->rejected[i].n);
		}
	}
	tv_jw_key(w, "expect");
	tv_jw_obj_begin(w);
	jw_refs(w, "required_tools", f->used, o->expect & EXPECT_REQUIRED_TOOLS ? f->n_used : 0);
	jw_refs(w, "forbidden_tools", forb, o->expect & EXPECT_FORBIDDEN_TOOLS ? n_forb : 0);
	jw_budget(w, "max_tool_calls", (double)f->tool_calls, o->factor,
		  o->expect & EXPECT_TOOL_BUDGET);
	jw_literals(w, "output_contains", lits, -1, NULL);
	jw_literals(w, "urls", lits, LIT_URL, NULL);
	jw_literals(w, "paths", lits, LIT_PATH, NULL);
	jw_literals(w, "identifiers", lits, LIT_IDENT, NULL);
	if (o->ignore_case) {
		struct literals none = { 0 };

		jw_literals(w, "contains", &none, -1, NULL);
		jw_literals(w, "icontains", lits, -1, NULL);
		jw_literals(w, "regex", &none, -1, NULL);
	} else {
		struct literals none = { 0 };

		tv_jw_key(w, "contains");
		tv_jw_arr_begin(w);
		for (size_t i = 0; i < lits->n; i++) {
			if (lits->v[i].kind != LIT_IDENT) {
				tv_jw_str(w, lits->v[i].s, lits->v[i].n);
			}
		}
		tv_jw_arr_end(w);
		jw_literals(w, "icontains", &none, -1, NULL);
		jw_literals(w, "regex", lits, LIT_IDENT, "\\b");
	}
	jw_budget(w, "max_duration_ms", f->duration, o->factor,
		  (o->expect & EXPECT_LATENCY) && f->duration > 0);
	tv_jw_key(w, "max_cost_usd");
	cost = ceil(f->cost * o->factor * 1e6) / 1e6;
	if ((o->expect & EXPECT_COST) && !isnan(f->cost) && f->cost > 0) {
		tv_jw_double(w, cost);
	} else {
		tv_jw_null(w);
	}
	jw_budget(w, "max_tokens", f->tokens, o->factor,
		  (o->expect & EXPECT_TOKENS) && f->tokens > 0);
	jw_behavior(w, o, f, forb, n_forb);
	tv_jw_obj_end(w);
	free(forb);
	return r;
}

/* a trace id: named in the turn or metadata, else the session id when it is one */
static void jw_trace_id(struct tv_jw *w, const struct session_view *v, const struct tv_jv *turn)
{
	static const char *const keys[] = { "trace_id", "trace.id", "traceId" };
	struct tv_jv meta;
	const char *s;
	size_t n, hex = 0;

	tv_jw_key(w, "trace_id");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if ((get_str(turn, keys[i], &s, &n) ||
		     (tv_jv_get(&v->root, "metadata", &meta) && get_str(&meta, keys[i], &s, &n))) &&
		    n > 0) {
			tv_jw_str(w, s, n);
			return;
		}
	}
	for (size_t i = 0; i < v->id_len; i++) {
		char c = v->id[i];

		hex += (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
	}
	if (v->id_len == 32 && hex == 32) {
		tv_jw_str(w, v->id, v->id_len);
	} else {
		tv_jw_null(w);
	}
}

static void jw_num(struct tv_jw *w, const char *key, double x)
{
	tv_jw_key(w, key);
	if (isnan(x)) {
		tv_jw_null(w);
	} else if (x == floor(x) && fabs(x) < 9e15) {
		tv_jw_int(w, (int64_t)x);
	} else {
		tv_jw_double(w, x);
	}
}

static void jw_tool_calls(struct tv_jw *w, const struct session_view *v, const struct facts *f,
			  struct tv_strbuf *tmp)
{
	struct tv_jv calls, c;
	struct tv_jiter it;

	tv_jw_key(w, "tool_calls");
	tv_jw_arr_begin(w);
	for (size_t i = f->first; i < f->last; i++) {
		if (!tv_jv_get(&v->turns[i], "tool_calls", &calls)) {
			continue;
		}
		tv_jv_iter_init(&calls, &it);
		while (next_el(&it, &c)) {
			tv_jw_obj_begin(w);
			jw_member_str(w, &c, "name", NULL);
			jw_raw_member(w, &c, "args", tmp);
			jw_raw_member(w, &c, "success", tmp);
			jw_member_str(w, &c, "decision", NULL);
			tv_jw_obj_end(w);
		}
	}
	tv_jw_arr_end(w);
	tv_jw_key(w, "tool_names");
	tv_jw_arr_begin(w);
	for (size_t i = f->first; i < f->last; i++) {
		const char *s;
		size_t n;

		if (!tv_jv_get(&v->turns[i], "tool_calls", &calls)) {
			continue;
		}
		tv_jv_iter_init(&calls, &it);
		while (next_el(&it, &c)) {
			if (get_str(&c, "name", &s, &n)) {
				tv_jw_str(w, s, n);
			}
		}
	}
	tv_jw_arr_end(w);
}

static void write_ref(struct tv_jw *w, const struct task_opts *o, const struct session_view *v,
		      const struct facts *f, struct tv_strbuf *tmp)
{
	const struct tv_jv *turn = &v->turns[f->turn];
	struct tv_jv src = v->root; /* no source: members read as absent */
	size_t ans = answer_turn(o, v, f);
	int ok;

	tv_jv_get(&v->root, "source", &src);
	tv_jw_key(w, "ref");
	tv_jw_obj_begin(w);
	TV_JW_KEY(w, "provenance");
	tv_jw_obj_begin(w);
	jw_member_str(w, &src, "format", "source_format");
	jw_member_str(w, &src, "service", "source_service");
	TV_JW_KEY(w, "session_id");
	tv_jw_str(w, v->id, v->id_len);
	jw_member_str(w, turn, "id", "turn_id");
	TV_JW_KEY(w, "turn_index");
	tv_jw_int(w, (int64_t)f->turn + 1);
	jw_trace_id(w, v, turn);
	jw_member_str(w, &v->root, "start_time", NULL);
	tv_jw_obj_end(w);
	jw_member_str(w, &src, "format", "source_format");
	TV_JW_KEY(w, "session_id");
	tv_jw_str(w, v->id, v->id_len);
	jw_member_str(w, turn, "id", "turn_id");
	jw_trace_id(w, v, turn);
	jw_member_str(w, &v->turns[ans], "output", "output");
	jw_tool_calls(w, v, f, tmp);
	TV_JW_KEY(w, "tool_call_count");
	tv_jw_int(w, (int64_t)f->tool_calls);
	jw_num(w, "duration_ms", f->duration);
	jw_num(w, "total_tokens", f->tokens);
	jw_num(w, "cost_usd", f->cost);
	ok = o->turn_unit ? get_tristate(turn, "success") : v->success;
	TV_JW_KEY(w, "success");
	tv_jw_tristate(w, ok < 0 ? v->success : ok);
	jw_raw_member(w, &v->root, "error", tmp);
	jw_raw_member(w, &v->root, "models", tmp);
	jw_member_str(w, &v->root, "skill", NULL);
	tv_jw_obj_end(w);
}

int task_build(const struct task_opts *o, const struct session_view *v, size_t turn,
	       struct literals *lits, struct tv_strbuf *out)
{
	struct facts f = { 0 };
	struct tv_strbuf tmp;
	struct tv_jw w;
	int r;

	tv_strbuf_init(&tmp);
	r = gather(o, v, turn, &f);
	if (r == 0) {
		r = find_literals(o, v, &f, lits);
	}
	if (r == 0) {
		tv_jw_init(&w, out);
		tv_jw_obj_begin(&w);
		write_task(&w, o, v, &f, &tmp);
		r = write_expect(&w, o, &f, lits);
		write_ref(&w, o, v, &f, &tmp);
		tv_jw_obj_end(&w);
		if (r == 0) {
			r = tv_jw_error(&w);
		}
	}
	facts_finish(&f);
	tv_strbuf_finish(&tmp);
	return r;
}
