// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for televal-anonymize (its format handlers, as the tool
 * runs them): the first byte picks the input format (0: detected), the
 * rest is the input, in which the bytes 0x01 to 0x07 stand for planted PII
 * and secrets (an e-mail address, a card number, an AWS key, a GitHub
 * token, a home directory, an IBAN, a JWT), written with a blank on each
 * side.  Properties:
 *   - no planted value is in the output (run as with --scrub-ids; except
 *     where the man page's threat model says values are kept: member
 *     names, timestamps under "...UnixNano" members);
 *   - when nothing was rejected, the output is valid for its format: the
 *     reader reads it as it reads the input (the same records used and
 *     skipped, none rejected), and, when nothing was planted, into the
 *     same sessions with the same turns and calls (the ids are pseudonyms);
 *   - the records add up (read = written + rejected).
 * Dictionary: anonymize.dict.
 */
#define _GNU_SOURCE /* memmem */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "tools/anonymize/anonymize.h"
#include "libcommon/read/tv_reader.h"
#include "libcommon/model/tv_session.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* what the bytes 1..7 of the input stand for */
static const char *const PLANTED[] = {
	"jane.planted@example.org",
	"4111 1111 1111 1111",
	"AKIAZ7PLANTEDQ2XYZ45",
	"ghp_PLANTEDplanted0123456789abcdefABCDEF",
	"/home/plantuser/work",
	"DE89 3704 0044 0532 0130 00",
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0.c2lnbmF0dXJlLXBsYW50ZWQ",
};
/* what must not be in the output for each */
static const char *const SECRET[] = {
	"jane.planted@example.org",
	"4111 1111 1111 1111",
	"AKIAZ7PLANTEDQ2XYZ45",
	"ghp_PLANTEDplanted0123456789abcdefABCDEF",
	"plantuser",
	"DE89 3704 0044 0532 0130 00",
	"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwbGFudGVkIn0",
};
#define N_PLANTED (sizeof(PLANTED) / sizeof(PLANTED[0]))

static struct anon A;
static const struct tv_format *FORMATS[32];
static size_t n_formats;

static int setup(void)
{
	static const unsigned char key[16] = { 7, 7, 7, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	/* --scrub-ids: ids are kept by design otherwise, whatever they hold */
	struct tv_pii_opts po = { .key = key, .key_len = sizeof(key), .keep_ids = false };
	struct tv_error err;

	if (A.pii != NULL) {
		return 0;
	}
	tool_input_defaults(&A.o.in);
	A.rep.max = 1;
	A.rep.quiet_warnings = true;
	tv_strbuf_init(&A.buf);
	tv_strbuf_init(&A.tmp);
	A.jp = tv_json_parser_create();
	if (A.jp == NULL || tv_pii_create(&po, &A.pii, &err) < 0) {
		abort();
	}
	while (tv_pii_rule_name(A.pii, A.n_rules) != NULL) {
		A.n_rules++;
	}
	A.snap = calloc(A.n_rules + 1, sizeof(*A.snap));
	for (size_t i = 0; i < tv_format_count() && n_formats < 32; i++) {
		const struct tv_format *f = tv_format_at(i);

		if (tv_format_layout(f) != TV_LAYOUT_SQLITE) {
			FORMATS[n_formats++] = f;
		}
	}
	return A.snap == NULL ? -1 : 0;
}

/* @data with the bytes 1..N_PLANTED replaced by " VALUE " */
static int plant(const unsigned char *data, size_t size, struct tv_strbuf *b, bool *used)
{
	int r = 0;

	for (size_t i = 0; i < size && r == 0; i++) {
		if (data[i] >= 1 && data[i] <= N_PLANTED) {
			used[data[i] - 1] = true;
			r = tv_strbuf_putc(b, ' ');
			r = r ? r : tv_strbuf_puts(b, PLANTED[data[i] - 1]);
			r = r ? r : tv_strbuf_putc(b, ' ');
		} else {
			r = tv_strbuf_putc(b, (char)data[i]);
		}
	}
	return r;
}

/* anonymize @in (format @fmt) into @out; the counts are in A */
static int anonymize(const char *in, const char *out, const struct tv_format *fmt)
{
	struct tv_input *ti;
	FILE *f;
	int r;

	A.records = A.written = A.rejected = A.findings = 0;
	A.failed = A.write_error = false;
	if (tv_input_open(in, 1 << 20, &ti) < 0) {
		return -1;
	}
	f = fopen(out, "w");
	if (f == NULL) {
		tv_input_close(ti);
		return -1;
	}
	A.file = in;
	A.out = f;
	r = anon_stream(&A, ti, fmt);
	if (r == 0) {
		r = anon_flush(&A);
	}
	tv_strbuf_reset(&A.buf);
	A.out = NULL;
	fclose(f);
	tv_input_close(ti);
	return r;
}

/* ---- reading back ---- */

static int summary(void *udata, struct tv_session *s)
{
	struct tv_strbuf *b = udata;
	int r = tv_strbuf_printf(b, "%zu", s->n_turns);

	for (size_t i = 0; r == 0 && i < s->n_turns; i++) {
		r = tv_strbuf_printf(b, ",%zu/%zu", s->turns[i].n_llm, s->turns[i].n_tools);
	}
	r = r ? r : tv_strbuf_putc(b, '\n');
	tv_session_destroy(s);
	return r;
}

/* the sessions of @path read as @fmt, one summary line each, and the counts */
static int read_back(const char *path, const struct tv_format *fmt, struct tv_strbuf *b,
		     struct tv_stats *st)
{
	struct tv_read_opts o = { .gap = 0,
				  .max_record = 1 << 20,
				  .max_open = 64,
				  .emit = summary,
				  .report = fuzz_quiet,
				  .udata = b };
	struct tv_read_ctx *ctx = tv_read_ctx_create(&o);
	struct tv_error err;
	int r;

	if (ctx == NULL) {
		return -1;
	}
	r = tv_read_file(ctx, path, fmt, &err);
	r = r < 0 ? r : tv_read_finish(ctx, &err);
	*st = *tv_read_stats(ctx);
	tv_read_ctx_destroy(ctx);
	return r < 0 ? -1 : 0;
}

static int cmp_lines(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* the lines of @b in sorted order (sessions may come out in another order) */
static void sort_lines(struct tv_strbuf *b)
{
	char **v = NULL, **nv, *copy, *line, *nl;
	size_t n = 0;

	if (b->len == 0 || (copy = strndup(b->p, b->len)) == NULL) {
		return;
	}
	for (line = copy; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		nv = nl ? realloc(v, (n + 1) * sizeof(*v)) : NULL;
		if (nv == NULL) {
			break;
		}
		*nl = '\0';
		v = nv;
		v[n++] = line;
	}
	if (n > 0) {
		qsort(v, n, sizeof(*v), cmp_lines);
	}
	tv_strbuf_reset(b);
	for (size_t i = 0; i < n; i++) {
		tv_strbuf_puts(b, v[i]);
		tv_strbuf_putc(b, '\n');
	}
	free(v);
	free(copy);
}

/* ---- the properties ---- */

/* back from @p (inside a JSON string) to its opening quote; NULL if none on the line */
static const char *string_start(const char *start, const char *p)
{
	while (p > start && p[-1] != '\n') {
		p--;
		if (*p == '"') {
			size_t bs = 0;

			for (const char *q = p; q > start && q[-1] == '\\'; q--) {
				bs++;
			}
			if (bs % 2 == 0) {
				return p;
			}
		}
	}
	return NULL;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * true if the occurrence at @p (@len bytes) is kept by design (the man
 * page's threat model): inside a member name, or in the value of a
 * timestamp member ("...UnixNano"), which the engine keeps as it is
 */
static bool kept_by_design(const char *start, const char *end, const char *p, size_t len)
{
	const char *q = p + len, *open = string_start(start, p), *name_end;
	size_t k = strlen("unixnano");

	while (q < end && *q != '"' && *q != '\n') {
		q += *q == '\\' && q + 1 < end ? 2 : 1;
	}
	if (q >= end || *q != '"') {
		return false;
	}
	for (q++; q < end && is_blank(*q); q++) {
	}
	if (q < end && *q == ':') {
		return true; /* a member name */
	}
	if (open == NULL) {
		return false;
	}
	for (q = open; q > start && is_blank(q[-1]); q--) {
	}
	if (q == start || q[-1] != ':') {
		return false;
	}
	for (q--; q > start && is_blank(q[-1]); q--) {
	}
	if (q == start || q[-1] != '"') {
		return false;
	}
	name_end = q - 1;
	open = string_start(start, name_end);
	return open != NULL && (size_t)(name_end - open - 1) >= k &&
	       strncasecmp(name_end - k, "unixnano", k) == 0;
}

/* true if every occurrence of @needle in @out is kept by design (else say where) */
static bool only_by_design(const char *out, size_t n, const char *needle)
{
	size_t len = strlen(needle);
	const char *p = out, *end = out + n;

	while ((p = memmem(p, (size_t)(end - p), needle, len)) != NULL) {
		if (!kept_by_design(out, end, p, len)) {
			const char *from = p - out > 80 ? p - 80 : out;

			fputs("in the output: ...", stderr);
			for (const char *q = from; q < end && q < p + len + 40; q++) {
				fputc(*q == '\n'		? '|'
				      : (unsigned char)*q < ' ' ? '?'
								: *q,
				      stderr);
			}
			fputs("...\n", stderr);
			return false;
		}
		p += len;
	}
	return true;
}

/*
 * no planted value in @out; a value the input held as it is (not planted
 * by a marker, so without blanks around it: "xAKIA...") is not looked for
 */
static void check_planted(const struct tv_strbuf *out, const bool *used, const unsigned char *raw,
			  size_t n)
{
	for (size_t i = 0; i < N_PLANTED; i++) {
		if (used[i] && memmem(raw, n, SECRET[i], strlen(SECRET[i])) == NULL &&
		    out->len > 0 && !only_by_design(out->p, out->len, SECRET[i])) {
			fprintf(stderr, "planted value survived: %s\n", SECRET[i]);
			abort();
		}
	}
}

/*
 * the output reads as the input does: the same records used, skipped and
 * rejected; with nothing planted, the same sessions too (a redacted value
 * in a grouping key may merge sessions: "<SECRET> x-1" for two secrets)
 */
static void check_read_back(const char *in, const char *out, const struct tv_format *fmt,
			    bool planted)
{
	struct tv_strbuf a, b;
	struct tv_stats sa, sb;

	tv_strbuf_init(&a);
	tv_strbuf_init(&b);
	if (read_back(in, fmt, &a, &sa) == 0 && sa.records_rejected == 0 &&
	    read_back(out, fmt, &b, &sb) == 0) {
		sort_lines(&a);
		sort_lines(&b);
		if (sb.records_read != sa.records_read || sb.records_used != sa.records_used ||
		    sb.records_skipped != sa.records_skipped || sb.records_rejected != 0 ||
		    (!planted && (a.len != b.len || (a.len && memcmp(a.p, b.p, a.len) != 0)))) {
			fprintf(stderr,
				"the output reads otherwise: records %llu/%llu/%llu/0 -> "
				"%llu/%llu/%llu/%llu, sessions:\n%.*s---\n%.*s",
				(unsigned long long)sa.records_read,
				(unsigned long long)sa.records_used,
				(unsigned long long)sa.records_skipped,
				(unsigned long long)sb.records_read,
				(unsigned long long)sb.records_used,
				(unsigned long long)sb.records_skipped,
				(unsigned long long)sb.records_rejected, (int)a.len, a.p ? a.p : "",
				(int)b.len, b.p ? b.p : "");
			abort();
		}
	}
	tv_strbuf_finish(&a);
	tv_strbuf_finish(&b);
}

static bool any(const bool *used)
{
	for (size_t i = 0; i < N_PLANTED; i++) {
		if (used[i]) {
			return true;
		}
	}
	return false;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char in[] = "/tmp/tv-fuzz-anon-in-XXXXXX", out[] = "/tmp/tv-fuzz-anon-out-XXXXXX";
	bool used[N_PLANTED] = { false };
	const struct tv_format *fmt;
	struct tv_strbuf body, got;
	int fi = -1, fo = -1;

	if (size == 0 || setup() < 0) {
		return 0;
	}
	tv_strbuf_init(&body);
	tv_strbuf_init(&got);
	fi = mkstemp(in);
	fo = mkstemp(out);
	if (fi < 0 || fo < 0 || plant(data + 1, size - 1, &body, used) < 0 ||
	    fuzz_put_file(in, body.p ? body.p : "", body.len) < 0) {
		goto out;
	}
	/* 0 detects the format (as the tool does), else it picks one */
	fmt = data[0] == 0 ? tv_format_detect(body.p ? body.p : "", body.len)
			   : FORMATS[(data[0] - 1) % n_formats];
	if (fmt == NULL || tv_format_layout(fmt) == TV_LAYOUT_SQLITE) {
		goto out;
	}
	if (anonymize(in, out, fmt) < 0 || fuzz_get_file(out, &got) < 0) {
		goto out;
	}
	if (A.records != A.written + A.rejected) {
		abort();
	}
	check_planted(&got, used, data + 1, size - 1);
	if (A.rejected == 0) {
		check_read_back(in, out, fmt, any(used));
	}
out:
	if (fi >= 0) {
		close(fi);
		unlink(in);
	}
	if (fo >= 0) {
		close(fo);
		unlink(out);
	}
	tv_strbuf_finish(&body);
	tv_strbuf_finish(&got);
	return 0;
}
