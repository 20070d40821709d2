// SPDX-License-Identifier: MIT
/*
 * --session ID: one session as a tree, as trace viewers show a trace:
 * its turns, and under each its LLM calls and tool calls in time order,
 * with the start offset from the session's start, the duration, the
 * status, tokens and the tool decision.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "libcommon/core/tv_time.h"
#include "table.h"

#define TEXT_MAX 60

#define GREEN "\033[32m"
#define RED "\033[31m"
#define DIM "\033[2m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

struct tree {
	struct tv_strbuf *out;
	bool color;
	int64_t start; /* the session's, TV_NONE */
};

static void paint(struct tree *t, const char *color, const char *text)
{
	if (t->color) {
		tv_strbuf_printf(t->out, "%s%s%s", color, text, RESET);
	} else {
		tv_strbuf_puts(t->out, text);
	}
}

/* @s quoted and cut to TEXT_MAX characters, line ends as spaces */
static void quote(struct tree *t, const char *s)
{
	size_t chars = 0;

	tv_strbuf_putc(t->out, '"');
	for (; *s && chars < TEXT_MAX; s++) {
		chars += ((unsigned char)*s & 0xc0) != 0x80;
		tv_strbuf_putc(t->out, *s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s);
	}
	while (*s && ((unsigned char)*s & 0xc0) == 0x80) { /* finish the last character */
		tv_strbuf_putc(t->out, *s++);
	}
	tv_strbuf_puts(t->out, *s ? "…\"" : "\"");
}

static void when(struct tree *t, int64_t at, int64_t dur)
{
	char buf[32];

	if (at != TV_NONE && t->start != TV_NONE) {
		fmt_ms((double)(at - t->start) / 1e6, buf, sizeof(buf));
		tv_strbuf_puts(t->out, "  ");
		paint(t, DIM, "+");
		paint(t, DIM, buf);
	}
	if (dur != TV_NONE) {
		fmt_ms((double)dur / 1e6, buf, sizeof(buf));
		tv_strbuf_printf(t->out, "  %s", buf);
	}
}

static void outcome(struct tree *t, int ok, const char *yes, const char *no)
{
	tv_strbuf_puts(t->out, "  ");
	if (ok == 1) {
		paint(t, GREEN, yes);
	} else if (ok == 0) {
		paint(t, RED, no);
	} else {
		paint(t, DIM, "?");
	}
}

static void tokens(struct tree *t, const char *name, int64_t v)
{
	if (v != TV_NONE) {
		tv_strbuf_printf(t->out, " %s %lld", name, (long long)v);
	}
}

static void llm_line(struct tree *t, const char *lead, const struct tv_llm_call *c)
{
	static const char *const status[] = { "?", "ok", "error", "timeout" };

	tv_strbuf_printf(t->out, "%sllm %s", lead, c->model ? c->model : "(model unknown)");
	when(t, c->time, c->duration);
	tv_strbuf_puts(t->out, "  ");
	paint(t,
	      c->status == TV_STATUS_OK	    ? GREEN
	      : c->status == TV_STATUS_NONE ? DIM
					    : RED,
	      status[c->status]);
	if (c->status_code != TV_NONE) {
		tv_strbuf_printf(t->out, " %lld", (long long)c->status_code);
	}
	if (c->input_tokens != TV_NONE || c->output_tokens != TV_NONE) {
		tv_strbuf_puts(t->out, "  tokens");
		tokens(t, "in", c->input_tokens);
		tokens(t, "out", c->output_tokens);
		tokens(t, "cached", c->cached_tokens);
		tokens(t, "thinking", c->thinking_tokens);
	}
	if (c->error) {
		tv_strbuf_puts(t->out, "  ");
		quote(t, c->error);
	}
	tv_strbuf_putc(t->out, '\n');
}

static void tool_line(struct tree *t, const char *lead, const struct tv_tool_call *c)
{
	tv_strbuf_printf(t->out, "%stool %s", lead, c->name ? c->name : "(unnamed)");
	when(t, c->time, c->duration);
	outcome(t, c->success, "ok", "failed");
	if (c->decision) {
		tv_strbuf_printf(t->out, "  %s", c->decision);
	}
	if (c->error) {
		tv_strbuf_puts(t->out, "  ");
		quote(t, c->error);
	}
	tv_strbuf_putc(t->out, '\n');
}

static void turn_lines(struct tree *t, const struct tv_turn *u, size_t no, bool last)
{
	size_t i = 0, j = 0, n = u->n_llm + u->n_tools;
	char lead[32];

	tv_strbuf_printf(t->out, "%s turn %zu", last ? "└──" : "├──", no);
	when(t, u->start_time, u->duration);
	outcome(t, u->success, "ok", "failed");
	if (u->prompt) {
		tv_strbuf_puts(t->out, "  ");
		quote(t, u->prompt);
	}
	tv_strbuf_putc(t->out, '\n');
	for (size_t k = 0; k < n; k++) {
		/* calls and tools in time order; calls first on a tie or without times */
		bool llm = j >= u->n_tools ||
			   (i < u->n_llm &&
			    (u->tools[j].time == TV_NONE ||
			     (u->llm[i].time != TV_NONE && u->llm[i].time <= u->tools[j].time)));

		snprintf(lead, sizeof(lead), "%s   %s ", last ? " " : "│",
			 k + 1 == n ? "└──" : "├──");
		if (llm) {
			llm_line(t, lead, &u->llm[i++]);
		} else {
			tool_line(t, lead, &u->tools[j++]);
		}
	}
}

static void head(struct tree *t, const struct tv_session *s)
{
	char buf[TV_TIME_BUFSZ];

	paint(t, BOLD, "session");
	tv_strbuf_printf(t->out, " %s\n  source %s %s", s->id ? s->id : "",
			 s->source_format ? s->source_format : "-",
			 s->source_service ? s->source_service : "-");
	if (s->skill) {
		tv_strbuf_printf(t->out, ", skill %s", s->skill);
	}
	tv_strbuf_puts(t->out, "\n  ");
	if (s->start_time != TV_NONE) {
		tv_time_format(s->start_time, buf);
		tv_strbuf_puts(t->out, buf);
	}
	when(t, TV_NONE, s->duration);
	outcome(t, s->success, "success", "failed");
	tv_strbuf_puts(t->out, "\n  tokens");
	tokens(t, "in", s->usage.input_tokens);
	tokens(t, "out", s->usage.output_tokens);
	tokens(t, "cached", s->usage.cached_tokens);
	tokens(t, "thinking", s->usage.thinking_tokens);
	tokens(t, "total", s->usage.total_tokens);
	if (!isnan(s->usage.cost_usd)) {
		tv_strbuf_printf(t->out, "; cost $%.4f", s->usage.cost_usd);
	}
	tv_strbuf_putc(t->out, '\n');
}

int tree_write(const struct tv_session *s, bool color, struct tv_strbuf *out)
{
	struct tree t = { out, color, s->start_time };
	size_t before = out->len;

	head(&t, s);
	for (size_t i = 0; i < s->n_turns; i++) {
		turn_lines(&t, &s->turns[i], i + 1, i + 1 == s->n_turns);
	}
	if (s->n_turns == 0) {
		tv_strbuf_puts(out, "└── (no turns)\n");
	}
	return out->len > before ? 0 : -ENOMEM;
}
