// SPDX-License-Identifier: MIT
/*
 * Formats that keep their layout through televal-anonymize:
 *
 *   JSON Lines (OTLP per line, anyclaude)   each line through tv_pii_scrub_json
 *   canonical sessions                      the same, plus a redaction member
 *   JSON values one after another (outfile, Jaeger, waza, pretty OTLP)
 *                                           each value, framed by tv_jsonseq,
 *                                           through tv_pii_scrub_json; the
 *                                           blank lines between values kept
 *   Python log lines                        the JSON message scrubbed as JSON,
 *                                           other messages and traceback lines
 *                                           as text; time and level kept, the
 *                                           logger name scanned
 *
 * A record that is not valid JSON is never copied: it is reported with its
 * line and left out (fail closed), and the run exits 1.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "anonymize.h"
#include "libcommon/json/tv_jsonseq.h"

#define STAMP_LEN 23 /* `YYYY-MM-DD HH:MM:SS,mmm` */

static bool is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') {
			return false;
		}
	}
	return true;
}

static void undo(struct anon *a, size_t mark)
{
	a->buf.len = mark;
	if (a->buf.p != NULL) {
		a->buf.p[mark] = '\0';
	}
}

static void set_where(struct anon *a, const char *text, size_t n, uint64_t line)
{
	a->line = line;
	a->text = text;
	a->text_len = n;
}

/*
 * One JSON record @s/@n (starting on @line) scrubbed into the output.  A
 * record the engine cannot take as JSON is reported and left out: 0.
 * Returns 1 when written, 0 when left out, or a fatal negative code.
 */
static int json_record(struct anon *a, const char *s, size_t n, uint64_t line)
{
	size_t mark = a->buf.len;
	int r;

	set_where(a, s, n, line);
	r = tv_pii_scrub_json(a->pii, s, n, &a->buf);
	if (r >= 0) {
		return 1;
	}
	undo(a, mark);
	if (r == -ENOMEM) {
		return r;
	}
	anon_reject(a, line, "%s: record left out",
		    r == -TV_EPARSE ? "not valid JSON" : tv_strerror(r));
	return 0;
}

static int read_error(struct anon *a, int r, uint64_t line)
{
	tool_err("%s:%llu: cannot read: %s", a->file, (unsigned long long)line, tv_strerror(r));
	return r;
}

/* the line ending of a line: none after an unterminated last line */
static int put_eol(struct anon *a, bool unterminated)
{
	return unterminated ? 0 : anon_put(a, "\n", 1);
}

static int json_line(struct anon *a, const char *line, size_t len, uint64_t lineno,
		     bool unterminated)
{
	int r = json_record(a, line, len, lineno);

	if (r <= 0) {
		return r;
	}
	a->written++;
	return put_eol(a, unterminated);
}

/* JSON Lines: one record per line, blank lines kept */
static int json_lines(struct anon *a, struct tv_input *in, bool canonical)
{
	const char *line;
	size_t len;
	uint64_t lineno = 0;
	bool unterminated = false;
	int r;

	for (;;) {
		r = tv_input_line(in, &line, &len, &lineno, &unterminated);
		if (r == 0) {
			return 0;
		}
		if (r == -TV_ETOOBIG) {
			a->records++;
			anon_reject(a, lineno, "line longer than the record limit: left out");
			continue;
		}
		if (r < 0) {
			return read_error(a, r, lineno);
		}
		if (is_blank(line, len)) {
			r = anon_put(a, line, len);
			if (r == 0) {
				r = put_eol(a, unterminated);
			}
		} else if (canonical) {
			r = anon_canonical_line(a, line, len, lineno);
		} else {
			a->records++;
			r = json_line(a, line, len, lineno, unterminated);
		}
		if (r < 0) {
			return r;
		}
	}
}

/* JSON values one after another, framed by tv_jsonseq */
static int json_values(struct anon *a, struct tv_input *in)
{
	uint64_t prev = 0, first, last;
	const char *why;
	int r;

	for (;;) {
		r = tv_jsonseq_next(in, &a->tmp, a->o.in.max_record, &first, &last, &why);
		if (r == 0) {
			return 0;
		}
		if (r == -TV_EPARSE || r == -TV_ETOOBIG) {
			a->records++;
			anon_reject(a, first, "%s: left out", why);
			prev = last;
			continue;
		}
		if (r < 0) {
			tool_err("%s:%llu: %s: %s", a->file, (unsigned long long)last,
				 why ? why : "cannot read", tv_strerror(r));
			return r;
		}
		a->records++;
		for (; prev + 1 < first; prev++) {
			tv_strbuf_putc(&a->buf, '\n'); /* blank lines between values */
		}
		prev = last;
		r = json_record(a, a->tmp.p, a->tmp.len, first);
		if (r < 0) {
			return r;
		}
		a->written += (uint64_t)r;
		r = anon_flush_maybe(a);
		if (r < 0) {
			return r;
		}
	}
}

/* ---- Python logging lines ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool stamp_ok(const char *s, size_t n)
{
	static const char pat[] = "dddd-dd-dd dd:dd:dd,ddd";

	if (n < STAMP_LEN) {
		return false;
	}
	for (size_t i = 0; i < STAMP_LEN; i++) {
		if (pat[i] == 'd' ? !is_digit(s[i]) : s[i] != pat[i]) {
			return false;
		}
	}
	return true;
}

/* ` - LEVEL - ` at @s: its whole length, or 0 */
static size_t level_at(const char *s, size_t n)
{
	static const char *const levels[] = { "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL" };

	if (n < 3 || memcmp(s, " - ", 3) != 0) {
		return 0;
	}
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		size_t k = strlen(levels[i]);

		if (n >= 3 + k + 3 && memcmp(s + 3, levels[i], k) == 0 &&
		    memcmp(s + 3 + k, " - ", 3) == 0) {
			return k + 6;
		}
	}
	return 0;
}

/*
 * where the message of `<stamp> - <logger> - <LEVEL> - <message>` starts,
 * or 0; *@logger_end: where the logger name ends
 */
static size_t message_at(const char *s, size_t n, size_t *logger_end)
{
	size_t k;

	*logger_end = 0;
	if (!stamp_ok(s, n) || n < STAMP_LEN + 3 || memcmp(s + STAMP_LEN, " - ", 3) != 0) {
		return 0;
	}
	for (size_t i = STAMP_LEN + 4; i < n; i++) {
		k = level_at(s + i, n - i);
		if (k > 0) {
			*logger_end = i;
			return i + k;
		}
	}
	return 0;
}

/*
 * the part before the message: time and level as they are, the logger
 * name scanned (a file written by something else may hold anything there)
 */
static int pylog_prefix(struct anon *a, const char *line, size_t msg, size_t logger_end,
			uint64_t lineno)
{
	int r;

	if (msg == 0) {
		return 0;
	}
	if (tv_strbuf_append(&a->buf, line, STAMP_LEN + 3) < 0) {
		return -ENOMEM;
	}
	set_where(a, line, msg, lineno);
	r = anon_scrub(a, NULL, 0, line + STAMP_LEN + 3, logger_end - STAMP_LEN - 3);
	if (r < 0) {
		return r;
	}
	return tv_strbuf_append(&a->buf, line + logger_end, msg - logger_end) < 0 ? -ENOMEM : 0;
}

static int pylog_line(struct anon *a, const char *line, size_t len, uint64_t lineno,
		      bool unterminated)
{
	size_t logger_end, msg = message_at(line, len, &logger_end), mark = a->buf.len;
	int r = pylog_prefix(a, line, msg, logger_end, lineno);

	if (r < 0) {
		return r;
	}
	if (msg < len && line[msg] == '{') {
		r = json_record(a, line + msg, len - msg, lineno);
		if (r == 0) {
			undo(a, mark); /* the whole line goes */
			return 0;
		}
	} else {
		set_where(a, line + msg, len - msg, lineno);
		r = anon_scrub(a, NULL, 0, line + msg, len - msg);
	}
	if (r < 0) {
		return r;
	}
	a->written++;
	return put_eol(a, unterminated);
}

static int pylog(struct anon *a, struct tv_input *in)
{
	const char *line;
	size_t len;
	uint64_t lineno = 0;
	bool unterminated = false;
	int r;

	for (;;) {
		r = tv_input_line(in, &line, &len, &lineno, &unterminated);
		if (r == 0) {
			return 0;
		}
		if (r == -TV_ETOOBIG) {
			a->records++;
			anon_reject(a, lineno, "line longer than the record limit: left out");
			continue;
		}
		if (r < 0) {
			return read_error(a, r, lineno);
		}
		if (is_blank(line, len)) {
			r = anon_put(a, line, len);
			r = r < 0 ? r : put_eol(a, unterminated);
		} else if (unterminated) {
			/* Python's logging ends every line: this file was cut, or is being written */
			a->records++;
			anon_reject(a, lineno,
				    "a line without its end (a file cut short, or still "
				    "being written): left out");
		} else {
			a->records++;
			r = pylog_line(a, line, len, lineno, unterminated);
		}
		if (r < 0) {
			return r;
		}
	}
}

/* Does the input start with an opener alone on its line, as pretty JSON does? */
static bool pretty_start(struct tv_input *in)
{
	const char *d;
	size_t n, i = 0;

	if (tv_input_peek(in, &d, &n) < 0) {
		return false;
	}
	if (n >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) {
		i = 3;
	}
	while (i < n && (d[i] == ' ' || d[i] == '\t' || d[i] == '\r' || d[i] == '\n')) {
		i++;
	}
	if (i == n || (d[i] != '{' && d[i] != '[')) {
		return false;
	}
	for (i++; i < n && d[i] != '\n'; i++) {
		if (d[i] != ' ' && d[i] != '\t' && d[i] != '\r') {
			return false;
		}
	}
	return true;
}

int anon_stream(struct anon *a, struct tv_input *in, const struct tv_format *fmt)
{
	switch (tv_format_layout(fmt)) {
	case TV_LAYOUT_CANONICAL:
		return json_lines(a, in, true);
	case TV_LAYOUT_PYLOG:
		return pylog(a, in);
	case TV_LAYOUT_DBGTEXT:
		return anon_collector(a, in);
	case TV_LAYOUT_JSON:
		return json_values(a, in);
	case TV_LAYOUT_JSON_LINES:
	default:
		return pretty_start(in) ? json_values(a, in) : json_lines(a, in, false);
	}
}
