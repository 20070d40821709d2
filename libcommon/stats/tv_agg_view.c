// SPDX-License-Identifier: MIT
/*
 * The members of a canonical session object that the aggregate uses, read
 * in one walk over each object (members are dispatched by name, not looked
 * up one by one).  Strings stay borrowed from the DOM; times are parsed
 * only when asked for.  Members of an unexpected type read as null: the
 * reader has checked canonical input against the schema already.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/core/tv_time.h"
#include "libcommon/model/tv_session.h"
#include "libcommon/stats/tv_agg_int.h"

static bool is(const char *k, size_t kn, const char *lit)
{
	size_t n = strlen(lit);

	return kn == n && memcmp(k, lit, n) == 0;
}

static struct vstr str_of(const struct tv_jv *v)
{
	struct vstr s = { NULL, 0 };

	if (!tv_jv_str(v, &s.s, &s.n)) {
		s.s = NULL;
	}
	return s;
}

static int64_t int_of(const struct tv_jv *v)
{
	int64_t i;

	return tv_jv_int(v, &i) ? i : TV_NONE;
}

static int tristate_of(const struct tv_jv *v)
{
	bool b;

	return tv_jv_bool(v, &b) ? (b ? 1 : 0) : -1;
}

/* milliseconds (fractions allowed) to nanoseconds */
static int64_t ns_of(const struct tv_jv *v)
{
	int64_t i;
	double d;

	if (tv_jv_int(v, &i)) {
		return i > INT64_MAX / TV_NS_PER_MS || i < -(INT64_MAX / TV_NS_PER_MS)
			       ? TV_NONE
			       : i * TV_NS_PER_MS;
	}
	if (tv_jv_num(v, &d) && fabs(d) < 9e12) {
		return (int64_t)llround(d * 1e6);
	}
	return TV_NONE;
}

/* the number of the @n digits at @s, -1 if one is not a digit */
static int64_t digits(const char *s, size_t n)
{
	int64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * The canonical writer's form, YYYY-MM-DDTHH:MM:SS.fffZ with 3, 6 or 9
 * fraction digits, read at fixed places: most of the times read here (the
 * reader has checked them); anything else takes tv_time_parse().
 */
static bool canonical_time(struct vstr t, int64_t *ns)
{
	const char *s = t.s;
	int64_t y, mo, d, h, mi, sec, frac;

	if ((t.n != 24 && t.n != 27 && t.n != 30) || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != '.' || s[t.n - 1] != 'Z') {
		return false;
	}
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	frac = digits(s + 20, t.n - 21);
	/* nanoseconds in 64 bits reach from 1677 to 2262 */
	if (y < 1678 || y > 2261 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || sec < 0 || sec > 60 || frac < 0) {
		return false;
	}
	for (size_t i = t.n - 21; i < 9; i++) {
		frac *= 10;
	}
	*ns = ((tv_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 +
		sec) *
	       TV_NS_PER_SEC) +
	      frac;
	return true;
}

int64_t agg_view_time(struct vstr t)
{
	int64_t ns;

	if (t.s == NULL) {
		return TV_NONE;
	}
	if (canonical_time(t, &ns)) {
		return ns;
	}
	return tv_time_parse(t.s, t.n, &ns, NULL) < 0 ? TV_NONE : ns;
}

static int64_t chars_of(struct vstr s)
{
	int64_t n = 0;

	for (size_t i = 0; i < s.n; i++) {
		n += ((unsigned char)s.s[i] & 0xc0) != 0x80;
	}
	return n;
}

static int grow(void **p, size_t *cap, size_t n, size_t size)
{
	size_t c;
	void *q;

	if (n < *cap) {
		return 0;
	}
	/* doubled until @n fits: the starts grow by a whole session's calls at once */
	c = *cap ? *cap * 2 : 16;
	while (c <= n) {
		c *= 2;
	}
	q = realloc(*p, c * size);
	if (q == NULL) {
		return -ENOMEM;
	}
	*p = q;
	*cap = c;
	return 0;
}

static int status_of(const struct tv_jv *v)
{
	struct vstr s = str_of(v);

	if (s.s == NULL) {
		return TV_STATUS_NONE;
	}
	if (is(s.s, s.n, "ok")) {
		return TV_STATUS_OK;
	}
	return is(s.s, s.n, "timeout") ? TV_STATUS_TIMEOUT : TV_STATUS_ERROR;
}

static void tokens_member(int64_t *tok, const char *k, size_t kn, const struct tv_jv *v)
{
	static const char *const names[5] = { "input_tokens", "output_tokens", "cached_tokens",
					      "thinking_tokens", "total_tokens" };

	for (int i = 0; i < 5; i++) {
		if (is(k, kn, names[i])) {
			tok[i] = int_of(v);
			return;
		}
	}
}

static void llm_member(struct v_llm *c, const char *k, size_t kn, const struct tv_jv *v)
{
	if (is(k, kn, "time")) {
		c->time = str_of(v);
	} else if (is(k, kn, "model")) {
		c->model = str_of(v);
	} else if (is(k, kn, "duration_ms")) {
		c->dur = ns_of(v);
	} else if (is(k, kn, "status")) {
		c->status = status_of(v);
	} else if (is(k, kn, "status_code")) {
		c->code = int_of(v);
	} else if (is(k, kn, "cache_hit")) {
		c->cache_hit = tristate_of(v);
	} else if (is(k, kn, "error")) {
		c->error = str_of(v);
	} else if (kn > 7 && memcmp(k + kn - 7, "_tokens", 7) == 0) {
		tokens_member(c->tok, k, kn, v);
	}
}

static int add_llm(struct agg_view *vw, const struct tv_jv *obj)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t kn;
	struct v_llm *c;

	if (grow((void **)&vw->llm, &vw->cap_llm, vw->n_llm, sizeof(*vw->llm)) < 0) {
		return -ENOMEM;
	}
	c = &vw->llm[vw->n_llm++];
	*c = (struct v_llm){ .dur = TV_NONE,
			     .code = TV_NONE,
			     .tok = { TV_NONE, TV_NONE, TV_NONE, TV_NONE, TV_NONE },
			     .cache_hit = -1,
			     .turn = vw->n_turns - 1 };
	tv_jv_iter_init(obj, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		llm_member(c, k, kn, &v);
	}
	return 0;
}

static int decision_of(const struct tv_jv *v)
{
	struct vstr s = str_of(v);

	if (s.s == NULL) {
		return DEC_NONE;
	}
	if (is(s.s, s.n, "accept")) {
		return DEC_ACCEPT;
	}
	if (is(s.s, s.n, "reject")) {
		return DEC_REJECT;
	}
	if (is(s.s, s.n, "modify")) {
		return DEC_MODIFY;
	}
	return is(s.s, s.n, "auto_accept") ? DEC_AUTO_ACCEPT : DEC_OTHER;
}

static void tool_member(struct v_tool *t, const char *k, size_t kn, const struct tv_jv *v)
{
	if (is(k, kn, "time")) {
		t->time = str_of(v);
	} else if (is(k, kn, "name")) {
		t->name = str_of(v);
	} else if (is(k, kn, "duration_ms")) {
		t->dur = ns_of(v);
	} else if (is(k, kn, "success")) {
		t->success = tristate_of(v);
	} else if (is(k, kn, "decision")) {
		t->decision = decision_of(v);
	} else if (is(k, kn, "error")) {
		t->error = str_of(v);
	}
}

static int add_tool(struct agg_view *vw, const struct tv_jv *obj)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t kn;
	struct v_tool *t;

	if (grow((void **)&vw->tools, &vw->cap_tools, vw->n_tools, sizeof(*vw->tools)) < 0) {
		return -ENOMEM;
	}
	t = &vw->tools[vw->n_tools++];
	*t = (struct v_tool){
		.dur = TV_NONE, .success = -1, .turn = vw->n_turns - 1, .req = SIZE_MAX
	};
	tv_jv_iter_init(obj, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		tool_member(t, k, kn, &v);
	}
	return 0;
}

static int each(struct agg_view *vw, const struct tv_jv *arr,
		int (*fn)(struct agg_view *, const struct tv_jv *))
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t kn;
	int r = 0;

	tv_jv_iter_init(arr, &it);
	while (r == 0 && tv_jv_iter_next(&it, &k, &kn, &v)) {
		if (tv_jv_type(&v) == TV_J_OBJECT) {
			r = fn(vw, &v);
		}
	}
	return r;
}

static int turn_member(struct agg_view *vw, struct v_turn *t, const char *k, size_t kn,
		       const struct tv_jv *v)
{
	if (is(k, kn, "prompt")) {
		t->prompt = str_of(v);
		t->prompt_len = t->prompt.s ? chars_of(t->prompt) : TV_NONE;
	} else if (is(k, kn, "start_time")) {
		t->time = str_of(v);
	} else if (is(k, kn, "duration_ms")) {
		t->dur = ns_of(v);
	} else if (is(k, kn, "success")) {
		t->success = tristate_of(v);
	} else if (is(k, kn, "llm_calls")) {
		return each(vw, v, add_llm);
	} else if (is(k, kn, "tool_calls")) {
		return each(vw, v, add_tool);
	}
	return 0;
}

static int add_turn(struct agg_view *vw, const struct tv_jv *obj)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t kn, i;
	int r = 0;

	if (grow((void **)&vw->turns, &vw->cap_turns, vw->n_turns, sizeof(*vw->turns)) < 0) {
		return -ENOMEM;
	}
	i = vw->n_turns++;
	vw->turns[i] = (struct v_turn){ .dur = TV_NONE,
					.prompt_len = TV_NONE,
					.success = -1,
					.llm0 = vw->n_llm,
					.tool0 = vw->n_tools };
	tv_jv_iter_init(obj, &it);
	while (r == 0 && tv_jv_iter_next(&it, &k, &kn, &v)) {
		/* the arrays may move: index the turn again after each member */
		r = turn_member(vw, &vw->turns[i], k, kn, &v);
	}
	vw->turns[i].n_llm = vw->n_llm - vw->turns[i].llm0;
	vw->turns[i].n_tool = vw->n_tools - vw->turns[i].tool0;
	return r;
}

static void source_members(struct agg_view *vw, const struct tv_jv *obj)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t kn;

	tv_jv_iter_init(obj, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		if (is(k, kn, "format")) {
			vw->format = str_of(&v);
		} else if (is(k, kn, "service")) {
			vw->service = str_of(&v);
		}
	}
}

static void usage_members(struct agg_view *vw, const struct tv_jv *obj)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t kn;
	double d;

	tv_jv_iter_init(obj, &it);
	while (tv_jv_iter_next(&it, &k, &kn, &v)) {
		if (is(k, kn, "cost_usd")) {
			vw->cost = tv_jv_num(&v, &d) && isfinite(d) ? d : NAN;
		} else {
			tokens_member(vw->usage, k, kn, &v);
		}
	}
}

static void sampling_members(struct agg_view *vw, const struct tv_jv *obj)
{
	struct tv_jv w;
	double d;

	if (tv_jv_get(obj, "weight", &w) && tv_jv_num(&w, &d) && isfinite(d) && d > 0) {
		vw->weight = d;
	}
}

static int session_member(struct agg_view *vw, const char *k, size_t kn, const struct tv_jv *v)
{
	if (is(k, kn, "id")) {
		vw->id = str_of(v);
	} else if (is(k, kn, "source")) {
		source_members(vw, v);
	} else if (is(k, kn, "start_time")) {
		vw->start_s = str_of(v);
		vw->start = agg_view_time(vw->start_s);
	} else if (is(k, kn, "duration_ms")) {
		vw->dur = ns_of(v);
	} else if (is(k, kn, "skill")) {
		vw->skill = str_of(v);
	} else if (is(k, kn, "success")) {
		vw->success = tristate_of(v);
	} else if (is(k, kn, "usage")) {
		usage_members(vw, v);
	} else if (is(k, kn, "sampling")) {
		sampling_members(vw, v);
	} else if (is(k, kn, "turns")) {
		return each(vw, v, add_turn);
	}
	return 0;
}

int agg_view_parse(struct agg_view *vw, const struct tv_jv *root)
{
	struct tv_jiter it;
	struct tv_jv v;
	const char *k;
	size_t kn;
	int r = 0;

	vw->id = vw->skill = vw->format = vw->service = vw->start_s = (struct vstr){ NULL, 0 };
	vw->start = vw->dur = TV_NONE;
	vw->success = -1;
	for (int i = 0; i < 5; i++) {
		vw->usage[i] = TV_NONE;
	}
	vw->cost = NAN;
	vw->weight = 1;
	vw->n_turns = vw->n_llm = vw->n_tools = 0;
	tv_jv_iter_init(root, &it);
	while (r == 0 && tv_jv_iter_next(&it, &k, &kn, &v)) {
		r = session_member(vw, k, kn, &v);
	}
	return r;
}

/* the LLM call of turn @t that asked for tool call @tc: the last one started by then */
static size_t request_of(const struct agg_view *vw, const int64_t *starts, const struct v_turn *t,
			 const struct v_tool *tc)
{
	int64_t when = agg_view_time(tc->time);
	size_t best = t->llm0;

	if (when == TV_NONE) {
		return best;
	}
	for (size_t i = t->llm0; i < t->llm0 + t->n_llm; i++) {
		if (starts[i] != TV_NONE && starts[i] <= when) {
			best = i;
		}
	}
	return best;
}

int agg_view_requests(struct agg_view *vw)
{
	int64_t *starts;

	if (vw->n_tools == 0) {
		return 0;
	}
	/* each call's start parsed once, not once per tool call of its turn */
	if (grow((void **)&vw->starts, &vw->cap_starts, vw->n_llm, sizeof(*vw->starts)) < 0) {
		return -ENOMEM;
	}
	starts = vw->starts;
	for (size_t i = 0; i < vw->n_llm; i++) {
		starts[i] = agg_view_time(vw->llm[i].time);
	}
	for (size_t i = 0; i < vw->n_tools; i++) {
		struct v_tool *tc = &vw->tools[i];
		const struct v_turn *t = &vw->turns[tc->turn];

		tc->req = t->n_llm ? request_of(vw, starts, t, tc) : SIZE_MAX;
	}
	return 0;
}

void agg_view_finish(struct agg_view *vw)
{
	free(vw->turns);
	free(vw->llm);
	free(vw->tools);
	free(vw->starts);
	memset(vw, 0, sizeof(*vw));
}
