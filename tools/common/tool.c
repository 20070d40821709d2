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
		} else if (file[0]) {
			tool_warn("%s: %s", file, msg);
		} else {
			tool_warn("%s", msg);
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

static int cmp_kinds(const void *a, const void *b)
{
	const struct tv_skip_kind *x = *(const struct tv_skip_kind *const *)a;
	const struct tv_skip_kind *y = *(const struct tv_skip_kind *const *)b;

	if (x->n != y->n) {
		return x->n > y->n ? -1 : 1;
	}
	return strcmp(x->name, y->name);
}

void tool_print_skipped_kinds(const struct tv_stats *st)
{
	const struct tv_skip_kind *v[TV_SKIP_KINDS];
	size_t n = st->n_skip_kinds;

	if (n == 0) {
		return;
	}
	for (size_t i = 0; i < n; i++) {
		v[i] = &st->skip[i];
	}
	qsort(v, n, sizeof(*v), cmp_kinds);
	fprintf(stderr, "%s: skipped:", tv_progname);
	for (size_t i = 0; i < n; i++) {
		fprintf(stderr, "%s %llu %s", i ? "," : "", (unsigned long long)v[i]->n,
			v[i]->name);
	}
	fputc('\n', stderr);
}

void tool_print_record_stats(const struct tv_stats *st)
{
	fprintf(stderr, "%s: input: %llu files, %llu bytes\n", tv_progname,
		(unsigned long long)st->files, (unsigned long long)st->bytes);
	fprintf(stderr, "%s: records: read %llu = used %llu + skipped %llu + rejected %llu\n",
		tv_progname, (unsigned long long)st->records_read,
		(unsigned long long)st->records_used, (unsigned long long)st->records_skipped,
		(unsigned long long)st->records_rejected);
	tool_print_skipped_kinds(st);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* a directory being read, and the ones above it: a link back up is a loop */
struct walk_dir {
	const struct walk_dir *up;
	dev_t dev;
	ino_t ino;
};

struct walk {
	int (*fn)(const char *file, void *udata);
	void *udata;
	bool missed; /* a path was not read (named on stderr) */
};

static void not_read(struct walk *w, const char *path, const char *why)
{
	tool_err("%s: not read: %s", path, why);
	w->missed = true;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
	}
	free(names);
}

/*
 * The names in directory @path, sorted, hidden ones left out: 0 and
 * *@names and *@count (free with free_names()), 1 after naming why the
 * directory cannot be read, or -ENOMEM.
 */
static int dir_names(struct walk *w, const char *path, char ***names, size_t *count)
{
	struct dirent *de;
	char **v = NULL, **nv;
	size_t n = 0, cap = 0;
	DIR *d = opendir(path);

	if (d == NULL) {
		not_read(w, path, strerror(errno));
		return 1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.') {
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (nv == NULL) {
				break;
			}
			v = nv;
		}
		v[n] = strdup(de->d_name);
		if (v[n] == NULL) {
			break;
		}
		n++;
	}
	closedir(d);
	if (de != NULL) {
		free_names(v, n);
		return -ENOMEM;
	}
	if (n > 1) {
		qsort(v, n, sizeof(*v), cmp_names);
	}
	*names = v;
	*count = n;
	return 0;
}

static int walk_path(struct walk *w, const char *path, const struct walk_dir *up, int depth);

static int walk_entries(struct walk *w, const char *path, const struct walk_dir *here, int depth)
{
	char **names = NULL, *full;
	size_t n = 0, len;
	int r = dir_names(w, path, &names, &n);

	if (r != 0) {
		return r < 0 ? r : 0;
	}
	for (size_t i = 0; i < n && r == 0; i++) {
		len = strlen(path) + strlen(names[i]) + 2;
		full = malloc(len);
		if (full == NULL) {
			r = -ENOMEM;
			break;
		}
		snprintf(full, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
			 names[i]);
		r = walk_path(w, full, here, depth + 1);
		free(full);
	}
	free_names(names, n);
	return r;
}

/* a directory below a DIR operand: read it unless it leads back to one above */
static int walk_subdir(struct walk *w, const char *path, const struct stat *st,
		       const struct walk_dir *up, int depth)
{
	struct walk_dir here = { .up = up, .dev = st->st_dev, .ino = st->st_ino };

	for (const struct walk_dir *a = up; a; a = a->up) {
		if (a->dev == st->st_dev && a->ino == st->st_ino) {
			not_read(w, path, "a link back to a directory above it (a loop)");
			return 0;
		}
	}
	if (depth > 64) {
		not_read(w, path, "directories nested too deep");
		return 0;
	}
	return walk_entries(w, path, &here, depth);
}

static int walk_path(struct walk *w, const char *path, const struct walk_dir *up, int depth)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		not_read(w, path, errno == ENOENT ? "a dangling link" : strerror(errno));
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		return walk_subdir(w, path, &st, up, depth);
	}
	if (!S_ISREG(st.st_mode)) {
		not_read(w, path, "not a regular file");
		return 0;
	}
	return w->fn(path, w->udata);
}

int tool_walk(const char *path, int (*fn)(const char *file, void *udata), void *udata)
{
	struct walk w = { .fn = fn, .udata = udata };
	struct stat st;
	int r;

	if (strcmp(path, "-") == 0 || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		return fn(path, udata); /* a FILE operand: its reader names what goes wrong */
	}
	r = walk_subdir(&w, path, &st, NULL, 0);
	return r == 0 && w.missed ? -1 : r;
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
