// SPDX-License-Identifier: MIT
/*
 * reader_fixture: the harness of the reader unit tests (reader_fixture.h).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libcommon/core/tv_strbuf.h"
#include "libcommon/core/tv_time.h"

#include "reader_fixture.h"

/* ---- the callbacks ---- */

static int emit_cb(void *udata, struct tv_session *s)
{
	struct rf_run *r = udata;
	struct tv_session **v;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		v = realloc(r->s, r->cap * sizeof(*v));
		if (v == NULL) {
			tv_session_destroy(s);
			return -ENOMEM;
		}
		r->s = v;
	}
	r->s[r->n++] = s;
	return 0;
}

static void report_cb(void *udata, enum tv_report_level level, const char *file, uint64_t line,
		      const char *msg)
{
	struct rf_run *r = udata;
	struct rf_msg *m;

	r->n_reports++;
	if (r->n_msgs == RF_MAX_MSGS) {
		return;
	}
	m = &r->msgs[r->n_msgs++];
	m->level = level;
	m->line = line;
	snprintf(m->file, sizeof(m->file), "%s", file != NULL ? file : "");
	snprintf(m->text, sizeof(m->text), "%s", msg);
}

/* ---- cmocka state ---- */

int rf_setup(void **state)
{
	*state = calloc(1, sizeof(struct rf_run));
	return *state == NULL ? -1 : 0;
}

int rf_teardown(void **state)
{
	rf_free(*state);
	free(*state);
	return 0;
}

/* ---- reading ---- */

struct tv_read_ctx *rf_ctx(struct rf_run *r, const struct rf_opts *o)
{
	static const struct rf_opts none;
	struct tv_read_opts to;
	struct tv_read_ctx *ctx;

	if (o == NULL) {
		o = &none;
	}
	to = (struct tv_read_opts){
		.keep_events = o->keep_events,
		.gap = o->gap,
		.max_record = o->max_record,
		.max_open = o->max_open,
		.emit = emit_cb,
		.report = report_cb,
		.udata = r,
	};
	ctx = tv_read_ctx_create(&to);
	assert_non_null(ctx);
	return ctx;
}

void rf_run_paths(struct rf_run *r, const char *const *paths, size_t n, const struct tv_format *fmt,
		  const struct rf_opts *o)
{
	struct tv_read_ctx *ctx;

	memset(r, 0, sizeof(*r));
	ctx = rf_ctx(r, o);
	for (size_t i = 0; i < n && r->ret == 0; i++) {
		r->ret = tv_read_file(ctx, paths[i], fmt, &r->err);
	}
	if (r->ret == 0) {
		r->ret = tv_read_finish(ctx, &r->err);
	}
	r->st = *tv_read_stats(ctx);
	tv_read_ctx_destroy(ctx);
	rf_check_counts(r);
}

void rf_run_file(struct rf_run *r, const char *path, const struct tv_format *fmt, size_t max_record,
		 bool keep_events)
{
	const struct rf_opts o = { .max_record = max_record, .keep_events = keep_events };

	rf_run_paths(r, &path, 1, fmt, &o);
}

void rf_run_data(struct rf_run *r, const char *data, size_t len, const struct tv_format *fmt,
		 size_t max_record, bool keep_events)
{
	char path[sizeof(r->path)] = "/tmp/test_reader_XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	rf_run_file(r, path, fmt, max_record, keep_events);
	unlink(path);
	memcpy(r->path, path, sizeof(path));
}

void rf_run_q(struct rf_run *r, const char *q, const struct tv_format *fmt, size_t max_record,
	      bool keep_events)
{
	char *s = rf_unq(q);

	rf_run_data(r, s, strlen(s), fmt, max_record, keep_events);
	free(s);
}

void rf_start(struct rf_run *r, int64_t gap, bool keep_events)
{
	const struct rf_opts o = { .gap = gap, .keep_events = keep_events };

	assert_null(r->ctx);
	r->ctx = rf_ctx(r, &o);
	assert_int_equal(tv_read_finish(r->ctx, NULL), 0);
	assert_int_equal(r->n, 0);
}

void rf_finish(struct rf_run *r)
{
	r->ret = tv_read_finish(r->ctx, &r->err);
	assert_int_equal(r->ret, 0);
	r->st = *tv_read_stats(r->ctx);
	rf_check_counts(r);
	rf_check_sessions(r);
}

void rf_free(struct rf_run *r)
{
	tv_read_ctx_destroy(r->ctx);
	for (size_t i = 0; i < r->n; i++) {
		tv_session_destroy(r->s[i]);
	}
	free(r->s);
	memset(r, 0, sizeof(*r));
}

/* ---- cases that may crash ---- */

pid_t rf_fork(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
	}
	return pid;
}

void rf_wait(pid_t pid, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	int status = 0;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fail_msg("%s: %s %d", what, WIFSIGNALED(status) ? "killed by signal" : "exit status",
		 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

/* ---- checking ---- */

void rf_check_counts(const struct rf_run *r)
{
	assert_int_equal(r->st.records_read,
			 r->st.records_used + r->st.records_skipped + r->st.records_rejected);
}

void rf_check_sessions(const struct rf_run *r)
{
	assert_int_equal(r->st.sessions, r->n);
}

struct tv_session *rf_find_session(const struct rf_run *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->s[i]->id != NULL && strcmp(r->s[i]->id, id) == 0) {
			return r->s[i];
		}
	}
	return NULL;
}

struct tv_session *rf_session(const struct rf_run *r, const char *id)
{
	struct tv_session *s = rf_find_session(r, id);

	if (s == NULL) {
		fail_msg("no session %s among %zu", id, r->n);
	}
	return s;
}

static bool msg_matches(const struct rf_msg *m, int level, const char *text)
{
	return (level == RF_ANY_LEVEL || (int)m->level == level) &&
	       (text == NULL || strstr(m->text, text) != NULL);
}

const struct rf_msg *rf_find_msg(const struct rf_run *r, int level, const char *text)
{
	for (size_t i = 0; i < r->n_msgs; i++) {
		if (msg_matches(&r->msgs[i], level, text)) {
			return &r->msgs[i];
		}
	}
	return NULL;
}

size_t rf_count_msgs(const struct rf_run *r, int level, const char *text)
{
	size_t n = 0;

	for (size_t i = 0; i < r->n_msgs; i++) {
		n += msg_matches(&r->msgs[i], level, text);
	}
	return n;
}

bool rf_has_msg(const struct rf_run *r, uint64_t line, const char *text)
{
	for (size_t i = 0; i < r->n_msgs; i++) {
		if (r->msgs[i].line == line && msg_matches(&r->msgs[i], RF_ANY_LEVEL, text)) {
			return true;
		}
	}
	return false;
}

static void print_msgs(const struct rf_run *r)
{
	for (size_t i = 0; i < r->n_msgs; i++) {
		print_message("  report %s:%llu: %s\n", rf_basename(r->msgs[i].file),
			      (unsigned long long)r->msgs[i].line, r->msgs[i].text);
	}
}

void rf_assert_msg(const struct rf_run *r, uint64_t line, const char *text)
{
	if (rf_has_msg(r, line, text)) {
		return;
	}
	print_msgs(r);
	fail_msg("no report at line %llu with \"%s\"", (unsigned long long)line, text);
}

const struct rf_msg *rf_msg_at(const struct rf_run *r, uint64_t line)
{
	for (size_t i = 0; i < r->n_msgs; i++) {
		if (r->msgs[i].line == line) {
			return &r->msgs[i];
		}
	}
	print_msgs(r);
	fail_msg("no report for line %llu", (unsigned long long)line);
	return NULL;
}

/* ---- fixtures ---- */

const char *rf_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

int64_t rf_ts(const char *iso)
{
	int64_t ns = 0;

	assert_int_equal(tv_time_parse(iso, strlen(iso), &ns, NULL), 0);
	return ns;
}

char *rf_unq(const char *q)
{
	char *s = strdup(q);

	assert_non_null(s);
	for (char *p = s; *p; p++) {
		if (*p == '\'') {
			*p = '"';
		}
	}
	return s;
}

void rf_put(const char *path, const char *q)
{
	char *s = rf_unq(q);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(s, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	free(s);
}

static void newline(struct tv_strbuf *b, int indent)
{
	assert_int_equal(tv_strbuf_putc(b, '\n'), 0);
	for (int i = 0; i < indent; i++) {
		assert_int_equal(tv_strbuf_puts(b, "  "), 0);
	}
}

char *rf_pretty(const char *json)
{
	struct tv_strbuf b;
	bool str = false, esc = false;
	int indent = 0;

	tv_strbuf_init(&b);
	for (const char *s = json; *s; s++) {
		char c = *s;

		if (str) {
			assert_int_equal(tv_strbuf_putc(&b, c), 0);
			str = esc || c != '"';
			esc = !esc && c == '\\';
			continue;
		}
		if ((c == '{' || c == '[') && (s[1] == '}' || s[1] == ']')) {
			assert_int_equal(tv_strbuf_putc(&b, c), 0);
			assert_int_equal(tv_strbuf_putc(&b, *++s), 0);
		} else if (c == '{' || c == '[') {
			assert_int_equal(tv_strbuf_putc(&b, c), 0);
			newline(&b, ++indent);
		} else if (c == '}' || c == ']') {
			newline(&b, --indent);
			assert_int_equal(tv_strbuf_putc(&b, c), 0);
		} else if (c == ',') {
			assert_int_equal(tv_strbuf_putc(&b, c), 0);
			newline(&b, indent);
		} else if (c == ':') {
			assert_int_equal(tv_strbuf_puts(&b, ": "), 0);
		} else {
			str = c == '"';
			assert_int_equal(tv_strbuf_putc(&b, c), 0);
		}
	}
	return tv_strbuf_steal(&b);
}

char *rf_session_text(struct tv_session *s)
{
	struct tv_strbuf b;
	char *file = s->source_file;

	tv_strbuf_init(&b);
	s->source_file = NULL;
	assert_int_equal(tv_session_write(s, &b), 0);
	s->source_file = file;
	return tv_strbuf_steal(&b);
}

char *rf_reference(const char *rel)
{
	const char *shared = getenv("TV_SHARED");
	char *path;
	size_t n;

	if (shared == NULL) {
		print_message("TV_SHARED is not set: skipping the reference files\n");
		return NULL;
	}
	n = strlen(shared) + strlen(rel) + sizeof("/reference/");
	path = malloc(n);
	assert_non_null(path);
	snprintf(path, n, "%s/reference/%s", shared, rel);
	if (access(path, R_OK) != 0) {
		print_message("%s is absent: skipping\n", path);
		free(path);
		return NULL;
	}
	return path;
}

const struct tv_format *rf_fmt(const char *name)
{
	const struct tv_format *f = tv_format_find(name);

	if (f == NULL) {
		fail_msg("no format named %s", name);
	}
	return f;
}
