// SPDX-License-Identifier: MIT
// The table of input formats, and detection: each format is asked in the
// table's order, so a more specific format comes before a looser one.
#include <stdio.h>
#include <string.h>

#include "libcommon/core/tv_text.h"
#include "libcommon/read/tv_backend.h"

extern const struct tv_format tv_format_canonical;     /* formats/tv_canonical.c */
extern const struct tv_format tv_format_otlp;	       /* formats/tv_otlp.c */
extern const struct tv_format tv_format_claude_code;   /* formats/tv_claude.c */
extern const struct tv_format tv_format_codex;	       /* formats/tv_codex.c */
extern const struct tv_format tv_format_codex_exec;    /* formats/tv_codex_exec.c */
extern const struct tv_format tv_format_anyclaude;     /* formats/tv_anyclaude.c */
extern const struct tv_format tv_format_waza;	       /* formats/tv_waza.c */
extern const struct tv_format tv_format_jaeger;	       /* formats/tv_jaeger.c */
extern const struct tv_format tv_format_outfile;       /* formats/tv_outfile.c */
extern const struct tv_format tv_format_console;       /* formats/tv_console.c */
extern const struct tv_format tv_format_collector_log; /* formats/tv_collector.c */
extern const struct tv_format tv_format_pylog;	       /* formats/tv_pylog.c */
extern const struct tv_format tv_format_llama_stack;   /* formats/tv_llama.c */

/*
 * console before the text formats: its dumps often follow a program's
 * logging lines.  A format added later goes last unless it must come
 * before another: the fuzz corpus picks formats by their place here.
 */
static const struct tv_format *const formats[] = {
	&tv_format_canonical,	  &tv_format_otlp,	&tv_format_claude_code,
	&tv_format_codex,	  &tv_format_anyclaude, &tv_format_waza,
	&tv_format_jaeger,	  &tv_format_outfile,	&tv_format_console,
	&tv_format_collector_log, &tv_format_pylog,	&tv_format_llama_stack,
	&tv_format_codex_exec,
};

#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))
#define TEXT_LINES 64 /* lines of a text input looked at */

const struct tv_format *tv_format_find(const char *name)
{
	for (size_t i = 0; i < N_FORMATS; i++) {
		if (strcmp(formats[i]->name, name) == 0) {
			return formats[i];
		}
	}
	return NULL;
}

size_t tv_format_count(void)
{
	return N_FORMATS;
}

const struct tv_format *tv_format_at(size_t i)
{
	return i < N_FORMATS ? formats[i] : NULL;
}

const char *tv_format_name(const struct tv_format *f)
{
	return f ? f->name : "unknown";
}

enum tv_layout tv_format_layout(const struct tv_format *f)
{
	return f->layout;
}

const char *tv_format_list(void)
{
	static char list[256];

	if (list[0] == '\0') {
		size_t at = 0;

		for (size_t i = 0; i < N_FORMATS && at < sizeof(list); i++) {
			int k = snprintf(list + at, sizeof(list) - at, "%s%s", i ? ", " : "",
					 formats[i]->name);

			if (k > 0) {
				at += (size_t)k;
			}
		}
	}
	return list;
}

static const struct tv_format *ask(const struct tv_sniff *s)
{
	for (size_t i = 0; i < N_FORMATS; i++) {
		if (formats[i]->detect && formats[i]->detect(s)) {
			return formats[i];
		}
	}
	return NULL;
}

/* text formats: the first lines, each asked of every format in turn */
static const struct tv_format *ask_lines(struct tv_sniff *s)
{
	const char *d = s->data, *end = s->data + s->len, *l, *nl;
	const struct tv_format *f;

	s->shape = TV_SHAPE_TEXT_LINE;
	l = d;
	for (int lines = 0; l < end && lines < TEXT_LINES; lines++) {
		nl = memchr(l, '\n', (size_t)(end - l));
		s->line = l;
		s->line_len = nl ? (size_t)(nl - l) : (size_t)(end - l);
		f = ask(s);
		if (f != NULL || nl == NULL) {
			return f;
		}
		l = nl + 1;
	}
	return NULL;
}

/*
 * What ends the first record when the bytes at @d (blank space skipped)
 * start a JSON value but do not hold all of its first record: "\n" for a
 * first line that runs on, "\n}" or "\n]" for a pretty-printed value whose
 * closer in column 0 is not there yet.  NULL when there is nothing to wait for.
 */
static const char *first_record_end(const char *d, size_t n)
{
	const char *nl, *closer;
	size_t k = 0;

	while (k < n && (d[k] == ' ' || d[k] == '\t' || d[k] == '\r' || d[k] == '\n')) {
		k++;
	}
	if (k == n || (d[k] != '{' && d[k] != '[')) {
		return NULL;
	}
	closer = d[k] == '{' ? "\n}" : "\n]";
	nl = memchr(d + k, '\n', n - k);
	if (nl == NULL) {
		return "\n";
	}
	for (const char *p = d + k + 1; p < nl; p++) {
		if (*p != ' ' && *p != '\t' && *p != '\r') {
			return NULL; /* a whole first line: what a JSON-line format looks at */
		}
	}
	return tv_text_has(nl, (size_t)(d + n - nl), closer) ? NULL : closer;
}

int tv_format_sniff(struct tv_input *in, size_t max, const struct tv_format **fmt,
		    const char **data, size_t *len)
{
	const char *mark;
	int r = tv_input_peek(in, data, len);

	if (r < 0) {
		return r;
	}
	*fmt = tv_format_detect(*data, *len);
	mark = *fmt == NULL ? first_record_end(*data, *len) : NULL;
	if (mark == NULL) {
		return 0;
	}
	r = tv_input_peek_until(in, mark, strlen(mark), max, data, len);
	if (r < 0) {
		return r;
	}
	*fmt = tv_format_detect(*data, *len);
	return 0;
}

const struct tv_format *tv_format_detect(const char *d, size_t n)
{
	struct tv_sniff s = { .data = d, .len = n };
	const char *nl;
	size_t ln, k;

	if (n >= 16 && memcmp(d, "SQLite format 3", 16) == 0) {
		s.shape = TV_SHAPE_SQLITE;
		return ask(&s);
	}
	if (n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) {
		d += 3;
		n -= 3;
	}
	while (n > 0 && (*d == ' ' || *d == '\t' || *d == '\r' || *d == '\n')) {
		d++;
		n--;
	}
	if (n == 0) {
		return NULL;
	}
	s.data = d;
	s.len = n;
	if (d[0] != '{' && d[0] != '[') {
		return ask_lines(&s);
	}
	nl = memchr(d, '\n', n);
	ln = nl ? (size_t)(nl - d) : n;
	if (ln > 0 && d[ln - 1] == '\r') {
		ln--;
	}
	for (k = 1; k < ln && (d[k] == ' ' || d[k] == '\t'); k++) {
	}
	s.shape = k >= ln ? TV_SHAPE_JSON_PRETTY : TV_SHAPE_JSON_LINE; /* a lone "{" */
	s.line = d;
	s.line_len = ln;
	return ask(&s);
}
