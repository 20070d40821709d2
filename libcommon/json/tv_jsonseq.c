// SPDX-License-Identifier: MIT
/*
 * Framing of concatenated JSON values (see tv_jsonseq.h).
 *
 * JSON strings cannot hold raw newlines, so scanning each line once while
 * tracking the string/escape state and the {}/[] depth is enough to find
 * where a value ends; no parsing.  Values end only at line ends: when a
 * value closes in the middle of a line, the rest of that line must be
 * blank.  A second value on the same line (`}{` from cat-ing files that
 * lack a final newline) cannot be handed back by this stateless interface,
 * so that stretch is rejected as a whole.
 *
 * Pretty-printed values (an opener alone on the first line, an indented
 * second line) also end at a line holding only the matching closer in
 * column 0: a pretty-printer puts nothing else there.  That resyncs after
 * a value truncated in the middle of a file (a writer that crashed before
 * the next one appended): one rejected stretch instead of the rest of the
 * file.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/json/tv_jsonseq.h"

struct seq {
	struct tv_input *in;
	struct tv_strbuf *out;
	size_t max;
	uint64_t first, last; /* lines of the value */
	size_t depth;
	char closer;	  /* '}' or ']' of the top-level value */
	bool lone_opener; /* the first line holds only the opener */
	bool pretty;	  /* ... and the second line is indented */
	bool extra;	  /* text after the value closed on its line */
	bool several;	  /* that text opened another value */
	bool open_string; /* a string ran to the end of its line */
	bool toobig;	  /* over max: no longer copied */
	bool lost_line;	  /* an overlong line was skipped: depth unknown */
	const char *cut;  /* where the value closed, when another one follows */
	const char *next; /* ... and where that one starts on the same line */
};

static bool is_blank_char(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!is_blank_char(p[i])) {
			return false;
		}
	}
	return true;
}

/*
 * @i is just past an opening quote; returns the index past the closing one,
 * or @n with *@open set when the string runs past the line.
 */
static size_t skip_string(const char *p, size_t i, size_t n, bool *open)
{
	size_t start = i;

	while (i < n) {
		const char *q = memchr(p + i, '"', n - i);
		size_t j, bs = 0;

		if (q == NULL) {
			break;
		}
		j = (size_t)(q - p);
		while (j - bs > start && p[j - bs - 1] == '\\') {
			bs++;
		}
		if (bs % 2 == 0) {
			return j + 1;
		}
		i = j + 1;
	}
	*open = true;
	return n;
}

/* After the value closed at @i: anything but blanks is extra text. */
static void after_close(struct seq *s, const char *p, size_t i, size_t n)
{
	size_t i0 = i;

	while (i < n && is_blank_char(p[i])) {
		i++;
	}
	if (i == n) {
		return;
	}
	s->extra = true;
	if (p[i] == '{' || p[i] == '[') {
		s->several = true;
		s->cut = p + i0;
		s->next = p + i;
	}
}

/* The bytes scan() stops at. */
static const bool special[256] = {
	['"'] = true, ['{'] = true, ['}'] = true, ['['] = true, [']'] = true,
};

/* Track strings and depth over one line (or the rest of the first one). */
static void scan(struct seq *s, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		char c = p[i++];

		if (!special[(unsigned char)c]) {
			continue;
		}
		if (c == '"') {
			i = skip_string(p, i, n, &s->open_string);
		} else if (c == '{' || c == '[') {
			s->depth++;
		} else if (c == '}' || c == ']') {
			if (s->depth == 0) {
				s->extra = true;
				continue;
			}
			if (--s->depth == 0) {
				after_close(s, p, i, n); /* the rest is not this value's */
				return;
			}
		}
	}
}

/* Copy a line of the value into out, unless the value is too big already. */
static int append_line(struct seq *s, const char *p, size_t n)
{
	int r;

	if (!s->toobig && (n >= s->max || s->out->len > s->max - n - 1)) {
		s->toobig = true;
		tv_strbuf_reset(s->out);
	}
	if (s->toobig) {
		return 0;
	}
	r = tv_strbuf_reserve(s->out, n + 1);
	if (r < 0) {
		return r;
	}
	memcpy(s->out->p + s->out->len, p, n);
	s->out->len += n;
	s->out->p[s->out->len++] = '\n';
	s->out->p[s->out->len] = '\0';
	return 0;
}

/*
 * Two values on one line (`}{`, as `cat` of files without a final newline
 * makes): the value ends where it closed, and the rest of the line is given
 * back to the input for the next call.  @p/@n is the text appended last.
 */
static int split_line(struct seq *s, const char *p, size_t n)
{
	size_t tail;
	int r;

	if (s->next == NULL) {
		return 0;
	}
	tail = (size_t)(p + n - s->cut);
	if (!s->toobig) { /* drop the tail and keep the line end */
		s->out->len -= tail + 1;
		s->out->p[s->out->len++] = '\n';
		s->out->p[s->out->len] = '\0';
	}
	r = tv_input_unget(s->in, (size_t)(p + n - s->next));
	if (r < 0) {
		return r;
	}
	s->several = s->extra = false;
	s->next = s->cut = NULL;
	return 0;
}

static int take_line(struct seq *s, const char *p, size_t n)
{
	int r = append_line(s, p, n);

	if (r == 0) {
		scan(s, p, n);
		r = split_line(s, p, n);
	}
	return r;
}

/* tv_input_line, with a reason for its fatal codes. */
static int next_line(struct seq *s, const char **line, size_t *len, uint64_t *lineno,
		     const char **why)
{
	int r = tv_input_line(s->in, line, len, lineno, NULL);

	if (r == -TV_ECORRUPT) {
		*why = "corrupt or truncated compressed input";
		return r;
	}
	if (r < 0 && r != -TV_ETOOBIG) {
		*why = "read error";
	}
	return r;
}

/* Skip blank lines up to the start of a value.  1 started, 0 at the end, or < 0. */
static int find_start(struct seq *s, const char **why)
{
	const char *line;
	size_t len, off;
	uint64_t lineno = 0;
	int r;

	for (;;) {
		r = next_line(s, &line, &len, &lineno, why);
		s->first = s->last = lineno;
		if (r == -TV_ETOOBIG) {
			*why = "line longer than the record limit";
			return r;
		}
		if (r <= 0) {
			return r;
		}
		for (off = 0; off < len && is_blank_char(line[off]); off++) {
		}
		if (off < len) {
			break;
		}
	}
	if (line[off] != '{' && line[off] != '[') {
		*why = "text outside any JSON value";
		return -TV_EPARSE;
	}
	s->closer = line[off] == '{' ? '}' : ']';
	s->lone_opener = is_blank(line + off + 1, len - off - 1);
	r = append_line(s, line + off, len - off);
	if (r < 0) {
		return r;
	}
	s->depth = 1;
	scan(s, line + off + 1, len - off - 1);
	r = split_line(s, line + off, len - off);
	return r < 0 ? r : 1;
}

/* The value has ended: tell a good one from a bad stretch. */
static int finish(struct seq *s, const char **why)
{
	if (s->toobig) {
		*why = "JSON value larger than the record limit";
		return -TV_ETOOBIG;
	}
	if (s->depth != 0) {
		*why = "truncated JSON value";
		return -TV_EPARSE;
	}
	if (s->open_string) {
		*why = "truncated JSON value (a string runs past its line)";
		return -TV_EPARSE;
	}
	if (s->several) {
		*why = "several JSON values on one line";
		return -TV_EPARSE;
	}
	if (s->extra) {
		*why = "text after a JSON value on its last line";
		return -TV_EPARSE;
	}
	return 1;
}

static bool is_column0_closer(const struct seq *s, const char *line, size_t len)
{
	return s->pretty && len > 0 && line[0] == s->closer && is_blank(line + 1, len - 1);
}

/* tv_input skipped an overlong line of the value.  0 to go on, or -TV_ETOOBIG. */
static int lost_line(struct seq *s, uint64_t lineno, const char **why)
{
	s->last = lineno;
	if (lineno == s->first + 1 && s->lone_opener) {
		s->pretty = true; /* a member line, as pretty-printers write */
	}
	if (!s->pretty) {
		*why = "line longer than the record limit";
		return -TV_ETOOBIG;
	}
	/* its brackets are unknown: only the closer in column 0 can end the value now */
	s->toobig = s->lost_line = true;
	return 0;
}

/* One more line of the value.  1 if it ends the value, 0 if not, or -ENOMEM. */
static int value_line(struct seq *s, const char *line, size_t len, uint64_t lineno)
{
	int r;

	s->last = lineno;
	if (lineno == s->first + 1 && s->lone_opener) {
		s->pretty = len > 0 && (line[0] == ' ' || line[0] == '\t');
	}
	if (is_column0_closer(s, line, len)) {
		if (s->lost_line) {
			s->depth = 1;
		}
		r = take_line(s, line, len);
		return r < 0 ? r : 1;
	}
	if (s->lost_line) {
		return 0;
	}
	r = take_line(s, line, len);
	return r < 0 ? r : s->depth == 0;
}

/* Read lines until the value ends. */
static int read_rest(struct seq *s, const char **why)
{
	const char *line;
	size_t len;
	uint64_t lineno;
	int r = 0;

	while (s->depth > 0 && r == 0) {
		r = next_line(s, &line, &len, &lineno, why);
		if (r == 0) {
			*why = "unterminated JSON value at end of input";
			return -TV_EPARSE;
		}
		if (r == -TV_ETOOBIG) {
			r = lost_line(s, lineno, why);
		} else if (r > 0) {
			r = value_line(s, line, len, lineno);
		}
		if (r < 0) {
			return r;
		}
	}
	return finish(s, why);
}

int tv_jsonseq_next(struct tv_input *in, struct tv_strbuf *out, size_t max, uint64_t *first_line,
		    uint64_t *last_line, const char **why)
{
	struct seq s = {
		.in = in,
		.out = out,
		.max = max ? max : TV_INPUT_DEFAULT_MAX_RECORD,
	};
	int r;

	*why = NULL;
	tv_strbuf_reset(out);
	r = find_start(&s, why);
	if (r == 1) {
		r = read_rest(&s, why);
	}
	*first_line = s.first;
	*last_line = s.last;
	if (r < 0) {
		tv_strbuf_reset(out);
	}
	return r;
}
