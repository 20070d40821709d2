// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tools/common/tool.h"

const char *tv_progname = "televal";
static bool write_failed;

void tool_init(char **argv)
{
	const char *slash = argv[0] ? strrchr(argv[0], '/') : NULL;

	if (argv[0] && *argv[0]) {
		tv_progname = slash ? slash + 1 : argv[0];
		argv[0] = (char *)tv_progname;
	}
	signal(SIGPIPE, SIG_IGN);
}

static void vmsg(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", tv_progname, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void tool_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void tool_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

int tool_version(void)
{
	printf("%s (televal) %s\n", tv_progname, TV_VERSION);
	return -1;
}

int tool_bad_option(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", tv_progname);
	return 2;
}

int tool_oom(void)
{
	tool_err("out of memory");
	return 1;
}

int tool_usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", tv_progname);
	return 2;
}

void tool_report_cb(void *udata, enum tv_report_level lvl, const char *file, uint64_t line,
		    const char *msg)
{
	struct tool_report *rep = udata;

	if (lvl == TV_REPORT_WARN) {
		if (rep->quiet_warnings) {
			return;
		}
		if (line) {
			tool_warn("%s:%llu: %s", file, (unsigned long long)line, msg);
		} else {
			tool_warn("%s: %s", file, msg);
		}
		return;
	}
	if (rep->max && rep->shown >= rep->max) {
		if (!rep->suppressed_note) {
			rep->suppressed_note = true;
			tool_err("more rejected records are counted but not shown "
				 "(--max-errors; see --stats)");
		}
		return;
	}
	rep->shown++;
	if (line) {
		tool_err("%s:%llu: %s", file, (unsigned long long)line, msg);
	} else {
		tool_err("%s: %s", file, msg);
	}
}

FILE *tool_output_open(const char *path)
{
	FILE *f;

	if (path == NULL || strcmp(path, "-") == 0) {
		return stdout;
	}
	f = fopen(path, "w");
	if (f == NULL) {
		tool_err("%s: cannot open for writing: %s", path, strerror(errno));
	}
	return f;
}

/*
 * The reader of the output went away (EPIPE: `televal-filter big.log |
 * head`): end at once and quietly, as if SIGPIPE had killed the program, as
 * cat(1) and grep(1) end; the shell sees status 141 (128 + SIGPIPE).
 * SIGPIPE is ignored until here so that the write error is seen first.
 */
static void broken_pipe(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(SIGPIPE);
	_exit(128 + SIGPIPE);
}

int tool_write(FILE *f, const void *p, size_t n)
{
	if (write_failed) {
		return -1;
	}
	if (fwrite(p, 1, n, f) == n) {
		return 0;
	}
	if (errno == EPIPE) {
		broken_pipe();
	}
	write_failed = true;
	tool_err("write error: %s", strerror(errno));
	return -1;
}

int tool_output_close(FILE *f)
{
	int r = 0;

	if (f == NULL) {
		return -1;
	}
	if (fflush(f) != 0 || ferror(f)) {
		if (errno == EPIPE) {
			broken_pipe();
		}
		if (!write_failed) {
			tool_err("write error: %s", strerror(errno));
		}
		write_failed = true;
		r = -1;
	}
	if (fclose(f) != 0 && r == 0) {
		if (!write_failed) {
			tool_err("write error: %s", strerror(errno));
		}
		write_failed = true;
		r = -1;
	}
	return write_failed ? -1 : r;
}

void tool_print_record_stats(const struct tv_stats *st)
{
	fprintf(stderr, "%s: input: %llu files, %llu bytes\n", tv_progname,
		(unsigned long long)st->files, (unsigned long long)st->bytes);
	fprintf(stderr, "%s: records: read %llu = used %llu + skipped %llu + rejected %llu\n",
		tv_progname, (unsigned long long)st->records_read,
		(unsigned long long)st->records_used, (unsigned long long)st->records_skipped,
		(unsigned long long)st->records_rejected);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir(const char *path, int (*fn)(const char *, void *), void *udata, int depth)
{
	struct dirent *de;
	char **names = NULL, *full;
	size_t n = 0, cap = 0, len;
	int r = 0;
	DIR *d;

	if (depth > 64) {
		tool_err("%s: directories nested too deep", path);
		return -1;
	}
	d = opendir(path);
	if (d == NULL) {
		tool_err("%s: cannot read directory: %s", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.') {
			continue;
		}
		if (n == cap) {
			char **v = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*v));

			if (v == NULL) {
				r = -ENOMEM;
				break;
			}
			names = v;
		}
		names[n] = strdup(de->d_name);
		if (names[n] == NULL) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (n > 1) {
		qsort(names, n, sizeof(*names), cmp_names);
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		struct stat st;

		len = strlen(path) + strlen(names[i]) + 2;
		full = malloc(len);
		if (full == NULL) {
			r = -ENOMEM;
			break;
		}
		snprintf(full, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
			 names[i]);
		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			r = walk_dir(full, fn, udata, depth + 1);
		} else if (stat(full, &st) == 0 && S_ISREG(st.st_mode)) {
			r = fn(full, udata);
		}
		free(full);
	}
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
	}
	free(names);
	return r;
}

int tool_walk(const char *path, int (*fn)(const char *file, void *udata), void *udata)
{
	struct stat st;

	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		return walk_dir(path, fn, udata, 0);
	}
	return fn(path, udata);
}

int tool_parse_size(const char *s, size_t *out)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	if (*s < '0' || *s > '9') {
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s) {
		return -1;
	}
	if (*end == 'k' || *end == 'K') {
		shift = 10;
	} else if (*end == 'M') {
		shift = 20;
	} else if (*end == 'G') {
		shift = 30;
	}
	if (shift) {
		end++;
	}
	if (*end != '\0' || v > (SIZE_MAX / 2) >> shift) {
		return -1;
	}
	*out = (size_t)(v << shift);
	return 0;
}

int tool_parse_count(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!(*s >= '0' && *s <= '9')) {
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0') {
		return -1;
	}
	*out = v;
	return 0;
}

bool tool_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (a == NULL || b == NULL || strcmp(a, "-") == 0 || strcmp(b, "-") == 0) {
		return false;
	}
	if (stat(a, &sa) < 0 || stat(b, &sb) < 0) {
		return false;
	}
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
