// SPDX-License-Identifier: MIT
/*
 * Canonical sessions out of televal-anonymize: canonical input kept line
 * by line, and --to canonical (any input read into sessions by
 * tv_read_file()).  Each anonymized session carries a redaction member,
 * {"counts": {rule: n}}, with what was replaced in it; a session that was
 * anonymized before gets the sum of both runs' counts.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "anonymize.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/read/tv_reader.h"
#include "libcommon/model/tv_session.h"

/* ---- redaction counts ---- */

void anon_counts_begin(struct anon *a)
{
	for (size_t i = 0; i < a->n_rules; i++) {
		a->snap[i] = tv_pii_count(a->pii, i);
	}
}

/* the count of @name in a previous redaction member, consumed (set to -1) */
static double take_prior(cJSON *counts, const char *name)
{
	cJSON *c = counts ? cJSON_GetObjectItemCaseSensitive(counts, name) : NULL;
	double v;

	if (!cJSON_IsNumber(c) || c->valuedouble < 0) {
		return 0;
	}
	v = c->valuedouble;
	c->valuedouble = -1;
	return v;
}

int anon_put_redaction(struct anon *a, const char *prior, size_t plen, struct tv_strbuf *out)
{
	cJSON *old = prior ? cJSON_ParseWithLength(prior, plen) : NULL;
	cJSON *counts = cJSON_GetObjectItemCaseSensitive(old, "counts"), *c;
	struct tv_jw w;
	int r;

	tv_jw_init(&w, out);
	TV_JW_KEY(&w, "redaction");
	tv_jw_obj_begin(&w);
	TV_JW_KEY(&w, "counts");
	tv_jw_obj_begin(&w);
	for (size_t i = 0; i < a->n_rules; i++) {
		const char *name = tv_pii_rule_name(a->pii, i);
		double n =
			(double)(tv_pii_count(a->pii, i) - a->snap[i]) + take_prior(counts, name);

		if (n > 0) {
			tv_jw_key(&w, name);
			tv_jw_int(&w, (int64_t)n);
		}
	}
	cJSON_ArrayForEach(c, counts)
	{
		if (c->string != NULL && cJSON_IsNumber(c) && c->valuedouble > 0) {
			tv_jw_key(&w, c->string); /* a rule this run does not have */
			tv_jw_int(&w, (int64_t)c->valuedouble);
		}
	}
	tv_jw_obj_end(&w);
	tv_jw_obj_end(&w);
	r = tv_jw_error(&w);
	cJSON_Delete(old);
	return r;
}

/*
 * The scrubbed object at a->buf from @mark on: insert the redaction member
 * before its closing brace.
 */
static int splice(struct anon *a, size_t mark, const char *prior, size_t plen)
{
	struct tv_strbuf *b = &a->buf;
	size_t end = b->len, i;
	char *tail;
	int r;

	while (end > mark && b->p[end - 1] != '}') {
		end--;
	}
	if (end == mark) {
		return -TV_EPARSE;
	}
	tail = tv_strndup(b->p + end - 1, b->len - (end - 1));
	if (tail == NULL) {
		return -ENOMEM;
	}
	b->len = end - 1;
	for (i = b->len; i > mark && strchr(" \t\r\n", b->p[i - 1]) != NULL; i--) {
	}
	r = i > mark && b->p[i - 1] != '{' ? tv_strbuf_putc(b, ',') : 0;
	if (r == 0) {
		r = anon_put_redaction(a, prior, plen, b);
	}
	if (r == 0) {
		r = tv_strbuf_puts(b, tail);
	}
	free(tail);
	return r < 0 ? -ENOMEM : 0;
}

/* take the redaction member out of @s; its JSON text (free it) or NULL */
static char *take_redaction(struct tv_session *s)
{
	struct tv_kvlist *l = &s->extra;
	char *json;

	for (size_t i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].key, "redaction") == 0) {
			json = l->v[i].json;
			free(l->v[i].key);
			memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(l->v[0]));
			l->n--;
			return json;
		}
	}
	return NULL;
}

/* A session, written, scrubbed and given its counts; takes @s.  0 or < 0. */
static int session_out(struct anon *a, struct tv_session *s)
{
	char *prior = take_redaction(s);
	size_t mark = a->buf.len;
	int r;

	tv_strbuf_reset(&a->tmp);
	r = tv_session_write(s, &a->tmp);
	tv_session_destroy(s);
	if (r < 0) {
		free(prior);
		return r;
	}
	while (a->tmp.len > 0 && a->tmp.p[a->tmp.len - 1] == '\n') {
		a->tmp.len--;
	}
	anon_counts_begin(a);
	a->text = a->tmp.p;
	a->text_len = a->tmp.len;
	r = tv_pii_scrub_json(a->pii, a->tmp.p, a->tmp.len, &a->buf);
	if (r >= 0) {
		r = splice(a, mark, prior, prior ? strlen(prior) : 0);
	}
	free(prior);
	if (r < 0) {
		a->buf.len = mark;
		return r;
	}
	a->written++;
	return anon_put(a, "\n", 1);
}

/* ---- canonical input, line by line ---- */

/* a line that has a redaction member already: through the session model */
static int again(struct anon *a, const struct tv_jv *root, uint64_t lineno)
{
	struct tv_session *s;
	const char *why = NULL;
	int r = tv_session_from_json(root, &s, &why);

	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0) {
		anon_reject(a, lineno, "not a canonical session: %s: record left out", why);
		return 0;
	}
	r = session_out(a, s);
	if (r == -TV_EPARSE) {
		anon_reject(a, lineno, "cannot anonymize the session: record left out");
		return 0;
	}
	return r;
}

int anon_canonical_line(struct anon *a, const char *line, size_t len, uint64_t lineno)
{
	struct tv_jv root, red;
	const char *why = NULL;
	size_t mark = a->buf.len;
	int r;

	a->records++;
	a->line = lineno;
	a->text = line;
	a->text_len = len;
	r = tv_json_parse(a->jp, line, len, &root, &why);
	if (r == -ENOMEM) {
		return r;
	}
	if (r < 0 || tv_jv_type(&root) != TV_J_OBJECT) {
		anon_reject(a, lineno, "%s: record left out",
			    r < 0 ? "not valid JSON" : "not a JSON object");
		return 0;
	}
	if (tv_jv_get(&root, "redaction", &red)) {
		return again(a, &root, lineno);
	}
	/* what televal-filter would reject is not passed on either */
	r = tv_session_check_json(&root, &why);
	if (r < 0) {
		anon_reject(a, lineno, "not a canonical session: %s: record left out", why);
		return r == -ENOMEM ? r : 0;
	}
	anon_counts_begin(a);
	r = tv_pii_scrub_json(a->pii, line, len, &a->buf);
	if (r >= 0) {
		r = splice(a, mark, NULL, 0);
	}
	if (r < 0) {
		a->buf.len = mark;
		if (r == -ENOMEM) {
			return r;
		}
		anon_reject(a, lineno, "%s: record left out", tv_strerror(r));
		return 0;
	}
	a->written++;
	return anon_put(a, "\n", 1);
}

/* ---- --to canonical ---- */

static int emit(void *udata, struct tv_session *s)
{
	struct anon *a = udata;
	char where[160], file[512];
	int r;

	/* copies: the session is freed before its text is scrubbed */
	snprintf(file, sizeof(file), "%s", s->source_file ? s->source_file : "<stdin>");
	snprintf(where, sizeof(where), "session %s", s->id ? s->id : "(no id)");
	a->file = file;
	a->where = where;
	a->line = 0;
	r = session_out(a, s);
	a->where = NULL;
	a->file = NULL;
	return r;
}

static void print_stats(const struct anon *a, const struct tv_read_ctx *ctx)
{
	const struct tv_stats *st = tv_read_stats(ctx);

	tool_print_record_stats(st);
	fprintf(stderr, "%s: sessions: read %llu = written %llu + rejected %llu\n", tv_progname,
		(unsigned long long)st->sessions, (unsigned long long)a->written,
		(unsigned long long)(st->sessions - a->written));
}

/* the emit callback: a failed write stops the run, already reported */
static int emit_cb(void *udata, struct tv_session *s)
{
	struct tool_input *in = udata;
	struct anon *a = in->udata;
	int r = emit(a, s);

	if (a->write_error) {
		in->halted = true;
	}
	return r;
}

int anon_to_canonical(struct anon *a, int argc, char **argv)
{
	struct tool_input in = { .udata = a };
	struct tv_read_opts ro = { .emit = emit_cb, .udata = &in };
	const struct tv_stats *st;
	int r;

	if (tool_input_start(&in, &a->o.in, &ro) != 0) {
		return -ENOMEM;
	}
	r = tool_input_read_all(&in, argc, argv);
	if (r == 0) {
		r = anon_flush(a);
	}
	st = tv_read_stats(in.ctx);
	a->failed |= in.failed;
	a->records = st->records_read;
	a->rejected += st->records_rejected;
	a->files = st->files;
	a->bytes = st->bytes;
	if (a->o.in.stats) {
		print_stats(a, in.ctx);
	}
	tool_input_end(&in);
	return r;
}
