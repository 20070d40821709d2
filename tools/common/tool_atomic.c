// SPDX-License-Identifier: MIT
#define _XOPEN_SOURCE 700 /* realpath() */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libcommon/core/tv_strbuf.h"
#include "tools/common/tool.h"
#include "tools/common/tool_atomic.h"

#define TMP_MARK ".tmp."

/* the temporary file to remove if a signal ends the run */
static char sig_tmp[PATH_MAX];
static volatile sig_atomic_t sig_have_tmp;

static void on_signal(int sig)
{
	if (sig_have_tmp) {
		unlink(sig_tmp);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

void tool_atomic_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], &sa, NULL);
	}
}

static void set_sig_tmp(const char *path)
{
	sig_have_tmp = 0;
	if (path != NULL && strlen(path) < sizeof(sig_tmp)) {
		memcpy(sig_tmp, path, strlen(path) + 1);
		sig_have_tmp = 1;
	}
}

bool tool_atomic_is_tmp(const char *name)
{
	return name[0] == '.' && strstr(name, TMP_MARK) != NULL;
}

/* the file a dangling link @path names (not there yet): created, and the link stays */
static char *dangling_target(const char *path)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	const char *slash = strrchr(path, '/');
	struct tv_strbuf b;

	if (n <= 0) {
		return strdup(path);
	}
	target[n] = '\0';
	tv_strbuf_init(&b);
	if (target[0] != '/' && slash != NULL) {
		tv_strbuf_append(&b, path, (size_t)(slash - path) + 1);
	}
	tv_strbuf_puts(&b, target);
	return tv_strbuf_steal(&b);
}

/* the file to replace: @path itself, or the target of the link @path */
static char *target_of(const char *path, bool *through)
{
	struct stat st;
	char *real;

	*through = false;
	if (lstat(path, &st) < 0) {
		return strdup(path); /* not there yet: created */
	}
	if (S_ISLNK(st.st_mode)) {
		real = realpath(path, NULL);
		if (real == NULL) {
			return dangling_target(path);
		}
		if (stat(real, &st) == 0 && !S_ISREG(st.st_mode)) {
			*through = true;
		}
		return real;
	}
	*through = !S_ISREG(st.st_mode);
	return strdup(path);
}

/* DIR/.NAME.tmp.XXXXXX for @path */
static char *tmp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
	size_t n = strlen(path) + sizeof("." TMP_MARK "XXXXXX");
	char *t = malloc(n);

	if (t != NULL) {
		snprintf(t, n, "%.*s.%s" TMP_MARK "XXXXXX", (int)dir, path, path + dir);
	}
	return t;
}

static int make_tmp(struct tool_atomic *o, const char *path)
{
	int fd;

	o->tmp = tmp_name(o->path);
	if (o->tmp == NULL) {
		tool_err("out of memory");
		return -1;
	}
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		tool_err("%s: cannot create a temporary file beside it: %s", path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	set_sig_tmp(o->tmp);
	return fd;
}

static int start(struct tool_atomic *o, const char *path, bool *through)
{
	memset(o, 0, sizeof(*o));
	o->path = target_of(path, through);
	if (o->path == NULL) {
		tool_err("out of memory");
		return -1;
	}
	return 0;
}

int tool_atomic_open(struct tool_atomic *o, const char *path)
{
	bool through;
	int fd;

	if (path == NULL || strcmp(path, "-") == 0) {
		memset(o, 0, sizeof(*o));
		o->f = stdout;
		return 0;
	}
	if (start(o, path, &through) < 0) {
		return -1;
	}
	if (through) {
		o->f = fopen(o->path, "w");
		if (o->f == NULL) {
			tool_err("%s: cannot open for writing: %s", path, strerror(errno));
			tool_atomic_abort(o);
			return -1;
		}
		return 0;
	}
	fd = make_tmp(o, path);
	if (fd < 0) {
		tool_atomic_abort(o);
		return -1;
	}
	o->f = fdopen(fd, "w");
	if (o->f == NULL) {
		tool_err("%s: %s", o->tmp, strerror(errno));
		close(fd);
		tool_atomic_abort(o);
		return -1;
	}
	return 0;
}

int tool_atomic_open_tmp(struct tool_atomic *o, const char *path)
{
	bool through;
	int fd;

	if (start(o, path, &through) < 0) {
		return -1;
	}
	if (through) {
		tool_err("%s: not a regular file: a database is written only to a file", path);
		tool_atomic_abort(o);
		return -1;
	}
	fd = make_tmp(o, path);
	if (fd < 0) {
		tool_atomic_abort(o);
		return -1;
	}
	close(fd);
	return 0;
}

/* the mode a new file would get: 0666 less the umask */
static mode_t new_file_mode(void)
{
	mode_t m = umask(0);

	umask(m);
	return 0666 & ~m;
}

int tool_atomic_sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? tv_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : NULL;
	int fd = open(dir ? dir : ".", O_RDONLY), r = -1;

	if (fd >= 0) {
		r = fsync(fd) < 0 && errno != EINVAL ? -1 : 0;
		close(fd);
	}
	free(dir);
	return r;
}

static int sync_tmp(struct tool_atomic *o)
{
	int fd = open(o->tmp, O_RDONLY), r = 0;

	if (fd < 0 || fsync(fd) < 0) {
		r = -1;
	}
	if (fd >= 0) {
		close(fd);
	}
	return r;
}

int tool_atomic_close(struct tool_atomic *o, bool sync)
{
	int r = 0;

	if (o->f == stdout) {
		o->f = NULL;
		return fflush(stdout) != 0 ? -1 : 0; /* reported by tool_output_close */
	}
	if (o->f != NULL) {
		r = tool_output_close(o->f);
		o->f = NULL;
	}
	if (r == 0 && o->tmp != NULL && sync && sync_tmp(o) < 0) {
		tool_err("%s: cannot flush to disk: %s", o->path, strerror(errno));
		r = -1;
	}
	if (r < 0) {
		tool_atomic_abort(o);
	}
	return r;
}

int tool_atomic_rename(struct tool_atomic *o)
{
	if (o->tmp != NULL && (chmod(o->tmp, new_file_mode()) < 0 || rename(o->tmp, o->path) < 0)) {
		tool_err("%s: cannot put into place: %s", o->path, strerror(errno));
		tool_atomic_abort(o);
		return -1;
	}
	sig_have_tmp = 0;
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
	return 0;
}

int tool_atomic_commit(struct tool_atomic *o)
{
	char *path;
	bool renamed;

	if (tool_atomic_close(o, true) < 0) {
		return -1;
	}
	renamed = o->tmp != NULL;
	path = renamed ? strdup(o->path) : NULL;
	if (tool_atomic_rename(o) < 0) {
		free(path);
		return -1;
	}
	if (path != NULL) {
		tool_atomic_sync_dir(path);
	}
	free(path);
	return 0;
}

void tool_atomic_abort(struct tool_atomic *o)
{
	if (o->f != NULL && o->f != stdout) {
		fclose(o->f);
	}
	o->f = NULL;
	if (o->tmp != NULL) {
		unlink(o->tmp);
	}
	sig_have_tmp = 0;
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
}
