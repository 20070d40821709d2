// SPDX-License-Identifier: MIT
/*
 * outdir: safe names, atomic and incremental writes, the manifest, --prune.
 *
 * With sync on, data reaches the disk before any rename: on Linux one
 * syncfs() per batch of files (a per-file fsync() costs milliseconds, so
 * 100,000 tasks would take minutes), elsewhere an fsync() per file; the
 * directory is fsynced after the renames.
 */
#ifdef __linux__
#define _GNU_SOURCE /* syncfs() */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outdir.h"
#include "tools/common/tool.h"
#include "tools/common/tool_atomic.h"
#include "libcommon/core/tv_hash.h"
#include "libcommon/core/tv_strbuf.h"

#define STEM_MAX 100		 /* bytes of the id kept in a name */
#define BATCH 8192		 /* renames waiting for one syncfs() */
#define OLD_TMP_PREFIX ".tvtmp-" /* temporary files of earlier versions */

/* a set of strings (open addressing) */
struct sset {
	char **slot;
	size_t cap, n;
};

struct outdir {
	char *path;
	int dfd;
	bool sync;
	struct sset folded; /* every name given out or reserved, lower case */
	struct sset exact;  /* task names written */
	char **files;	    /* task names, in order */
	size_t n_files, cap_files;
	struct tool_atomic *pend; /* written and closed, not renamed yet */
	size_t n_pend, cap_pend;
	bool dirty; /* a rename or unlink to make durable */
	struct outdir_stats st;
	struct tv_strbuf scratch;
};

static uint64_t hash_str(const char *s)
{
	return tv_hash64(s, strlen(s));
}

static int sset_grow(struct sset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	char **slot = calloc(cap, sizeof(*slot));

	if (slot == NULL) {
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (s->slot[i]) {
			size_t j = hash_str(s->slot[i]) & (cap - 1);

			while (slot[j]) {
				j = (j + 1) & (cap - 1);
			}
			slot[j] = s->slot[i];
		}
	}
	free(s->slot);
	s->slot = slot;
	s->cap = cap;
	return 0;
}

static bool sset_has(const struct sset *s, const char *k)
{
	size_t j;

	if (s->cap == 0) {
		return false;
	}
	j = hash_str(k) & (s->cap - 1);
	while (s->slot[j]) {
		if (strcmp(s->slot[j], k) == 0) {
			return true;
		}
		j = (j + 1) & (s->cap - 1);
	}
	return false;
}

/* add a copy of @k; 0, or -ENOMEM */
static int sset_add(struct sset *s, const char *k)
{
	size_t j;

	if ((s->n + 1) * 2 > s->cap && sset_grow(s) < 0) {
		return -ENOMEM;
	}
	j = hash_str(k) & (s->cap - 1);
	while (s->slot[j]) {
		j = (j + 1) & (s->cap - 1);
	}
	s->slot[j] = strdup(k);
	if (s->slot[j] == NULL) {
		return -ENOMEM;
	}
	s->n++;
	return 0;
}

static void sset_finish(struct sset *s)
{
	for (size_t i = 0; i < s->cap; i++) {
		free(s->slot[i]);
	}
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

/* @s lowercased into @out (@size bytes); reads no byte of @s past size - 1 */
static void fold(const char *s, char *out, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && s[i]; i++) {
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	}
	out[i] = '\0';
}

static int mkdirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];

			buf[i] = '\0';
			if (mkdir(buf, 0777) < 0 && errno != EEXIST) {
				return -1;
			}
			buf[i] = c;
		}
	}
	return 0;
}

struct outdir *outdir_open(const char *path, bool sync)
{
	struct outdir *d;
	struct stat st;

	if (mkdirs(path) < 0 || stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		tool_err("%s: cannot use as the output directory: %s", path,
			 errno ? strerror(errno) : "not a directory");
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		tool_err("out of memory");
		return NULL;
	}
	d->dfd = -1;
	d->path = strdup(path);
	d->dfd = open(path, O_RDONLY | O_DIRECTORY);
	if (d->path == NULL || d->dfd < 0) {
		tool_err("%s: cannot open: %s", path, strerror(errno));
		outdir_destroy(d);
		return NULL;
	}
	d->sync = sync;
	tv_strbuf_init(&d->scratch);
	return d;
}

int outdir_reserve(struct outdir *d, const char *name)
{
	char key[STEM_MAX + 64];

	fold(name, key, sizeof(key));
	return sset_add(&d->folded, key);
}

/* device names that Windows refuses as a file's stem, whatever the extension */
static bool reserved_stem(const char *s, size_t n)
{
	static const char *const dev[] = {
		"con", "prn", "aux", "nul", "clock$", "conin$", "conout$"
	};
	char low[16];
	size_t stem = 0;

	while (stem < n && s[stem] != '.') {
		stem++;
	}
	if (stem >= sizeof(low)) {
		return false;
	}
	fold(s, low, stem + 1);
	low[stem] = '\0';
	for (size_t i = 0; i < sizeof(dev) / sizeof(dev[0]); i++) {
		if (strcmp(low, dev[i]) == 0) {
			return true;
		}
	}
	return stem == 4 && (memcmp(low, "com", 3) == 0 || memcmp(low, "lpt", 3) == 0) &&
	       low[3] >= '0' && low[3] <= '9';
}

/* the id's safe characters; true if anything had to change */
static bool sanitize(const char *id, size_t n, char *buf, size_t *len)
{
	bool changed = n > STEM_MAX || n == 0;
	size_t k = 0;

	for (size_t i = 0; i < n && k < STEM_MAX; i++) {
		char c = id[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';

		if (!ok || (k == 0 && (c == '.' || c == '-'))) {
			c = '_';
			changed = true;
		}
		buf[k++] = c;
	}
	/* Windows drops a trailing dot */
	if (k > 0 && buf[k - 1] == '.') {
		buf[k - 1] = '_';
		changed = true;
	}
	if (reserved_stem(buf, k)) {
		/* "nul.txt" is the device whatever follows the dot: "_nul.txt" is not */
		memmove(buf + 1, buf, k < STEM_MAX ? k : STEM_MAX - 1);
		buf[0] = '_';
		k = k < STEM_MAX ? k + 1 : STEM_MAX;
		changed = true;
	}
	*len = k;
	return changed;
}

const char *outdir_name(struct outdir *d, const char *id, size_t id_len, const char *ext)
{
	char base[STEM_MAX + 1], name[STEM_MAX + 64], key[sizeof(name)];
	uint64_t h = tv_hash64(id, id_len);
	size_t len;
	char **v;
	bool changed = sanitize(id, id_len, base, &len);

	base[len] = '\0';
	if (changed) {
		snprintf(name, sizeof(name), "%s-%08llx%s", base,
			 (unsigned long long)(h & 0xffffffffu), ext);
	} else {
		snprintf(name, sizeof(name), "%s%s", base, ext);
	}
	fold(name, key, sizeof(key));
	for (unsigned k = 1; sset_has(&d->folded, key); k++) {
		/* a clash (same id twice, or ids equal but for case): add a counter's hash */
		uint64_t hk = h ^ (0x9e3779b97f4a7c15ull * k);

		snprintf(name, sizeof(name), "%s-%08llx-%u%s", base,
			 (unsigned long long)(hk & 0xffffffffu), k, ext);
		fold(name, key, sizeof(key));
	}
	if (sset_add(&d->folded, key) < 0) {
		return NULL;
	}
	if (d->n_files == d->cap_files) {
		size_t cap = d->cap_files ? d->cap_files * 2 : 256;

		v = realloc(d->files, cap * sizeof(*v));
		if (v == NULL) {
			return NULL;
		}
		d->files = v;
		d->cap_files = cap;
	}
	d->files[d->n_files] = strdup(name);
	if (d->files[d->n_files] == NULL || sset_add(&d->exact, name) < 0) {
		return NULL;
	}
	return d->files[d->n_files++];
}

const char *const *outdir_files(const struct outdir *d, size_t *n)
{
	*n = d->n_files;
	return (const char *const *)d->files;
}

static char *join(const struct outdir *d, const char *name)
{
	size_t n = strlen(d->path) + strlen(name) + 2;
	char *p = malloc(n);

	if (p) {
		snprintf(p, n, "%s/%s", d->path, name);
	}
	return p;
}

/* 1 if the file @path holds exactly @data */
static int same_content(const char *path, const char *data, size_t len)
{
	char buf[65536];
	struct stat st;
	size_t off = 0;
	ssize_t n;
	int fd, same = 0;

	fd = open(path, O_RDONLY);
	if (fd < 0) {
		return 0;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size == len) {
		same = 1;
		while (same && off < len) {
			n = read(fd, buf, sizeof(buf));
			if (n < 0 && errno == EINTR) {
				continue;
			}
			if (n <= 0 || (size_t)n > len - off ||
			    memcmp(buf, data + off, (size_t)n) != 0) {
				same = 0;
				break;
			}
			off += (size_t)n;
		}
	}
	close(fd);
	return same;
}

static int sync_data(struct outdir *d)
{
#ifdef __linux__
	if (syncfs(d->dfd) < 0) {
		tool_err("%s: cannot flush to disk: %s", d->path, strerror(errno));
		return -1;
	}
#else
	(void)d;
#endif
	return 0;
}

/* rename a written file into place; a task file counts as written once it is there */
static int put_in_place(struct outdir *d, struct tool_atomic *t)
{
	const char *path = t->path ? t->path : "", *base = strrchr(path, '/');
	bool task = strcmp(base ? base + 1 : path, OUTDIR_MANIFEST) != 0;

	if (tool_atomic_rename(t) < 0) {
		return -1;
	}
	if (task) {
		d->st.written++;
	}
	return 0;
}

static int flush_pending(struct outdir *d)
{
	int r = 0;

	if (d->n_pend == 0) {
		return 0;
	}
	if (d->sync) {
		r = sync_data(d);
	}
	for (size_t i = 0; i < d->n_pend; i++) {
		if (r == 0) {
			r = put_in_place(d, &d->pend[i]);
		} else {
			tool_atomic_abort(&d->pend[i]);
		}
	}
	d->n_pend = 0;
	d->dirty = true;
	return r;
}

static int add_pending(struct outdir *d, struct tool_atomic *t)
{
	if (d->n_pend == d->cap_pend) {
		size_t cap = d->cap_pend ? d->cap_pend * 2 : 256;
		struct tool_atomic *v = realloc(d->pend, cap * sizeof(*v));

		if (v == NULL) {
			tool_atomic_abort(t);
			tool_err("out of memory");
			return -1;
		}
		d->pend = v;
		d->cap_pend = cap;
	}
	d->pend[d->n_pend++] = *t;
	if (d->n_pend >= BATCH || !d->sync) {
		return flush_pending(d);
	}
	return 0;
}

/* on Linux one syncfs() per batch makes the data durable; elsewhere an fsync() per file */
#ifdef __linux__
static const bool sync_each = false;
#else
static const bool sync_each = true;
#endif

int outdir_write(struct outdir *d, const char *name, const char *data, size_t len)
{
	char *final = join(d, name);
	struct tool_atomic t;

	if (final == NULL) {
		tool_err("out of memory");
		return -1;
	}
	if (same_content(final, data, len)) {
		d->st.unchanged++;
		free(final);
		return 0;
	}
	if (tool_atomic_open(&t, final) < 0) {
		free(final);
		return -1;
	}
	free(final);
	if (len > 0 && fwrite(data, 1, len, t.f) != len) {
		tool_err("%s: write error: %s", t.path, strerror(errno));
		tool_atomic_abort(&t);
		return -1;
	}
	if (tool_atomic_close(&t, d->sync && sync_each) < 0) {
		return -1;
	}
	return add_pending(d, &t);
}

static int read_manifest(struct outdir *d, struct tv_strbuf *b)
{
	char *path = join(d, OUTDIR_MANIFEST), buf[65536];
	ssize_t n;
	int fd;

	if (path == NULL) {
		return -1;
	}
	fd = open(path, O_RDONLY);
	free(path);
	if (fd < 0) {
		return 0;
	}
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0 || tv_strbuf_append(b, buf, (size_t)n) < 0) {
			break;
		}
	}
	close(fd);
	return 0;
}

static bool safe_name(const char *s)
{
	return s[0] != '\0' && s[0] != '.' && strchr(s, '/') == NULL;
}

static int unlink_name(struct outdir *d, const char *name)
{
	char *path = join(d, name);
	struct stat st;
	int r = 0;

	if (path == NULL) {
		return -1;
	}
	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		if (unlink(path) < 0) {
			tool_err("%s: cannot remove: %s", path, strerror(errno));
			r = -1;
		} else {
			d->st.pruned++;
			d->dirty = true;
		}
	}
	free(path);
	return r;
}

/* leftovers of an interrupted run */
static void remove_stale_temps(struct outdir *d)
{
	struct dirent *de;
	DIR *dir = opendir(d->path);

	if (dir == NULL) {
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (tool_atomic_is_tmp(de->d_name) ||
		    strncmp(de->d_name, OLD_TMP_PREFIX, strlen(OLD_TMP_PREFIX)) == 0) {
			char *p = join(d, de->d_name);

			if (p) {
				unlink(p);
			}
			free(p);
		}
	}
	closedir(dir);
}

static int prune(struct outdir *d, struct tv_strbuf *old)
{
	char *line = old->p, *end = old->p + old->len, *nl;
	int r = 0;

	remove_stale_temps(d);
	while (line && line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL) {
			nl = end;
		}
		*nl = '\0';
		if (safe_name(line) && !sset_has(&d->exact, line) && unlink_name(d, line) < 0) {
			r = -1;
		}
		line = nl + 1;
	}
	return r;
}

/*
 * Without --prune, tasks an earlier run wrote stay listed while they exist,
 * so that a later --prune still knows them.
 */
static int keep_old(struct outdir *d, struct tv_strbuf *old, char ***names, size_t *n)
{
	char *line = old->p, *end = old->p + old->len, *nl;
	struct stat st;
	char **v;

	while (line && line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		if (nl == NULL) {
			nl = end;
		}
		*nl = '\0';
		if (safe_name(line) && !sset_has(&d->exact, line)) {
			char *path = join(d, line);

			if (path && lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				v = realloc(*names, (*n + 1) * sizeof(*v));
				if (v == NULL) {
					free(path);
					return -1;
				}
				*names = v;
				(*names)[(*n)++] = line;
			}
			free(path);
		}
		line = nl + 1;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int write_manifest(struct outdir *d, struct tv_strbuf *old, bool do_prune)
{
	char **names = malloc((d->n_files ? d->n_files : 1) * sizeof(*names));
	size_t n = d->n_files;
	uint64_t u = d->st.unchanged;
	int r = 0;

	if (names == NULL) {
		tool_err("out of memory");
		return -1;
	}
	if (n > 0) {
		memcpy(names, d->files, n * sizeof(*names));
	}
	if (!do_prune && keep_old(d, old, &names, &n) < 0) {
		free(names);
		tool_err("out of memory");
		return -1;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	tv_strbuf_reset(&d->scratch);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (tv_strbuf_puts(&d->scratch, names[i]) < 0 ||
		    tv_strbuf_putc(&d->scratch, '\n') < 0) {
			tool_err("out of memory");
			r = -1;
		}
	}
	free(names);
	if (r == 0) {
		/* the manifest is bookkeeping, not counted as a file written */
		r = outdir_write(d, OUTDIR_MANIFEST, d->scratch.p ? d->scratch.p : "",
				 d->scratch.len);
		d->st.unchanged = u;
	}
	return r;
}

int outdir_finish(struct outdir *d, bool do_prune)
{
	struct tv_strbuf old, copy;
	int r;

	tv_strbuf_init(&old);
	tv_strbuf_init(&copy);
	r = flush_pending(d);
	if (r == 0) {
		r = read_manifest(d, &old);
	}
	if (r == 0 && tv_strbuf_append(&copy, old.p ? old.p : "", old.len) < 0) {
		r = -1;
	}
	if (r == 0) {
		r = write_manifest(d, &copy, do_prune);
	}
	if (r == 0) {
		r = flush_pending(d);
	}
	if (r == 0 && do_prune) {
		r = prune(d, &old);
	}
	tv_strbuf_finish(&old);
	tv_strbuf_finish(&copy);
	if (r == 0 && d->sync && d->dirty && fsync(d->dfd) < 0 && errno != EINVAL) {
		tool_err("%s: cannot flush to disk: %s", d->path, strerror(errno));
		r = -1;
	}
	return r;
}

const struct outdir_stats *outdir_stats(const struct outdir *d)
{
	return &d->st;
}

void outdir_destroy(struct outdir *d)
{
	if (d == NULL) {
		return;
	}
	for (size_t i = 0; i < d->n_pend; i++) {
		tool_atomic_abort(&d->pend[i]);
	}
	free(d->pend);
	for (size_t i = 0; i < d->n_files; i++) {
		free(d->files[i]);
	}
	free(d->files);
	sset_finish(&d->folded);
	sset_finish(&d->exact);
	if (d->dfd >= 0) {
		close(d->dfd);
	}
	tv_strbuf_finish(&d->scratch);
	free(d->path);
	free(d);
}
