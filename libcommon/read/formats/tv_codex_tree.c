// SPDX-License-Identifier: MIT
/*
 * tv_codex_tree: the Codex rollouts of one sessions tree, by id and by
 * parent (tv_codex_tree.h).
 */
#define _DEFAULT_SOURCE /* struct dirent d_type, DT_*: glibc, musl and the BSDs have them */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libcommon/core/tv_map.h"
#include "libcommon/core/tv_strbuf.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/read/formats/tv_codex_tree.h"
#include "libcommon/read/tv_backend.h"

/* YYYY/MM/DD below the root of a dated tree, and nothing deeper is walked */
#define MAX_DEPTH 3

struct tv_cxtree {
	struct tv_map done;    /* the files read, by struct tv_cxfile */
	struct tv_strbuf line; /* a rollout's first line, read for the index */
	char *root;	       /* the tree indexed; NULL: none yet */
	int max_depth;	       /* MAX_DEPTH for a dated tree, 0: the one folder */
	struct tv_cxrollout *v;
	size_t n, cap;
	struct tv_map by_id;	/* id -> index + 1 */
	struct tv_map by_file;	/* struct tv_cxfile -> index + 1 */
	struct tv_map children; /* parent id -> index + 1 of its first child */
	ssize_t *last;		/* per rollout: the last child of it found so far, or -1 */
};

void *tv_cxtree_create(void)
{
	return calloc(1, sizeof(struct tv_cxtree));
}

static void clear(struct tv_cxtree *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].path);
		free(t->v[i].id);
		free(t->v[i].parent);
		free(t->v[i].role);
	}
	free(t->v);
	free(t->root);
	tv_map_finish(&t->by_id);
	tv_map_finish(&t->by_file);
	tv_map_finish(&t->children);
	t->v = NULL;
	t->root = NULL;
	t->n = t->cap = 0;
}

void tv_cxtree_destroy(void *p)
{
	struct tv_cxtree *t = p;

	if (t == NULL) {
		return;
	}
	clear(t);
	tv_map_finish(&t->done);
	tv_strbuf_finish(&t->line);
	free(t);
}

/*
 * A file is known by its device and inode, not by how a path spells it
 * (the tree walk, the tools' directory walk and the command line may
 * spell one file three ways).
 */
static struct tv_cxfile key_of(const struct stat *sb)
{
	struct tv_cxfile k;

	memset(&k, 0, sizeof(k));
	k.dev = sb->st_dev;
	k.ino = sb->st_ino;
	return k;
}

bool tv_cxtree_file(const char *path, struct tv_cxfile *f)
{
	struct stat sb;

	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		return false;
	}
	*f = key_of(&sb);
	return true;
}

/* ---- what a rollout's first line says ---- */

/* member @key of @obj, a string, copied into *@out (NULL when absent or empty): 0 or -ENOMEM */
static int dup_str(const struct tv_jv *obj, const char *key, char **out)
{
	const char *s;
	size_t n;

	if (*out != NULL || !tv_jv_opt_str(obj, key, &s, &n) || n == 0 ||
	    memchr(s, '\0', n) != NULL) {
		return 0;
	}
	*out = tv_strndup(s, n);
	return *out ? 0 : -ENOMEM;
}

/* the uuid ending rollout-<time>-<uuid>.jsonl into *@out, when there is one: 0 or -ENOMEM */
static int id_from_name(const char *name, char **out)
{
	const char *dot = strchr(name, '.');
	size_t n = dot ? (size_t)(dot - name) : strlen(name);

	if (*out != NULL || n <= 36 + 8) {
		return 0;
	}
	*out = tv_strndup(name + n - 36, 36);
	return *out ? 0 : -ENOMEM;
}

/*
 * @r's id, parent and role from the session_meta @p: a sub-agent names its
 * parent in source.subagent.thread_spawn.parent_thread_id, or beside it
 * in parent_thread_id; its role is agent_role, else agent_nickname, else
 * what source.subagent says when that is a string ("review").  0 or -ENOMEM.
 */
static int meta(struct tv_cxrollout *r, const struct tv_jv *p, const char *name)
{
	struct tv_jv src, sub, spawn;
	bool is_sub = tv_jv_get(p, "source", &src) && tv_jv_get(&src, "subagent", &sub);
	bool has_spawn = is_sub && tv_jv_get(&sub, "thread_spawn", &spawn);
	int e;

	e = dup_str(p, "id", &r->id);
	e = e ? e : id_from_name(name, &r->id);
	if (e || !is_sub) {
		return e;
	}
	e = has_spawn ? dup_str(&spawn, "parent_thread_id", &r->parent) : 0;
	e = e ? e : dup_str(p, "parent_thread_id", &r->parent);
	e = e || !has_spawn ? e : dup_str(&spawn, "agent_role", &r->role);
	e = e || !has_spawn ? e : dup_str(&spawn, "agent_nickname", &r->role);
	return e ? e : dup_str(&sub, "other", &r->role);
}

/*
 * the first line of the rollout @path into @b: 1, 0 when it cannot be read
 * or is longer than @max, -ENOMEM.  A plain read(2) in small chunks: the
 * index reads one line of every rollout, most of them a few kilobytes.
 */
static int read_first_line(const char *path, size_t max, struct tv_strbuf *b)
{
	char chunk[16384];
	const char *nl = NULL;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		return errno == ENOMEM ? -ENOMEM : 0;
	}
	tv_strbuf_reset(b);
	while (nl == NULL && b->len <= max) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			break;
		}
		nl = memchr(chunk, '\n', (size_t)n);
		if (tv_strbuf_append(b, chunk, nl ? (size_t)(nl - chunk) : (size_t)n) < 0) {
			close(fd);
			return -ENOMEM;
		}
	}
	close(fd);
	return b->len > 0 && b->len <= max;
}

/*
 * the first line of @path, if it is a session_meta, into @r: 1, 0 when it
 * is not or the file cannot be read (the reader says why when it reads
 * it), -ENOMEM
 */
static int first_line(struct tv_cxtree *t, struct tv_read_ctx *ctx, const char *path,
		      const char *name, struct tv_cxrollout *r)
{
	struct tv_jv root, p;
	const char *type;
	size_t tn;
	int e;

	e = read_first_line(path, tv_read_max_record(ctx), &t->line);
	if (e <= 0) {
		return e;
	}
	e = tv_json_parse(tv_read_parser2(ctx), t->line.p, t->line.len, &root, NULL);
	if (e == -ENOMEM) {
		return e;
	}
	if (e == 0 && tv_jv_opt_str(&root, "type", &type, &tn) && tn == 12 &&
	    memcmp(type, "session_meta", 12) == 0 && tv_jv_get(&root, "payload", &p)) {
		return meta(r, &p, name) < 0 ? -ENOMEM : 1;
	}
	return 0;
}

/* ---- the walk ---- */

static bool rollout_name(const char *name)
{
	size_t n = strlen(name);

	return n > 14 && memcmp(name, "rollout-", 8) == 0 && strcmp(name + n - 6, ".jsonl") == 0;
}

static int add(struct tv_cxtree *t, struct tv_cxrollout *r, const struct stat *sb)
{
	struct tv_cxrollout *v;
	size_t cap;

	if (t->n == t->cap) {
		cap = t->cap ? t->cap * 2 : 64;
		v = realloc(t->v, cap * sizeof(*v));
		if (v == NULL) {
			return -ENOMEM;
		}
		t->v = v;
		t->cap = cap;
	}
	r->next = -1;
	r->file = key_of(sb);
	t->v[t->n++] = *r;
	return 0;
}

static int walk(struct tv_cxtree *t, struct tv_read_ctx *ctx, const char *dir, int depth);

/* a YYYY, MM or DD folder's name */
static bool digits(const char *name)
{
	size_t n = strspn(name, "0123456789");

	return n > 0 && name[n] == '\0';
}

/* the entry @name of @dir: a rollout is added, a folder walked */
static int entry(struct tv_cxtree *t, struct tv_read_ctx *ctx, const char *dir, const char *name,
		 int depth)
{
	struct tv_cxrollout r = { 0 };
	struct tv_strbuf b;
	struct stat sb;
	int e = 0;

	tv_strbuf_init(&b);
	if (tv_strbuf_puts(&b, dir) < 0 || tv_strbuf_putc(&b, '/') < 0 ||
	    tv_strbuf_puts(&b, name) < 0) {
		tv_strbuf_finish(&b);
		return -ENOMEM;
	}
	if (lstat(b.p, &sb) < 0) {
		e = 0; /* gone meanwhile */
	} else if (S_ISDIR(sb.st_mode)) {
		e = depth < t->max_depth && digits(name) ? walk(t, ctx, b.p, depth + 1) : 0;
	} else if (S_ISREG(sb.st_mode) && rollout_name(name)) {
		e = first_line(t, ctx, b.p, name, &r);
		if (e > 0 && r.id != NULL) {
			r.path = tv_strbuf_steal(&b);
			e = r.path ? add(t, &r, &sb) : -ENOMEM;
			if (e == 0) {
				memset(&r, 0, sizeof(r));
			}
		}
		free(r.path);
		free(r.id);
		free(r.parent);
		free(r.role);
		e = e < 0 ? e : 0;
	}
	tv_strbuf_finish(&b);
	return e;
}

/* can the entry @de be a rollout, or a folder to walk?  (DT_UNKNOWN: ask lstat) */
static bool worth_a_look(const struct tv_cxtree *t, const struct dirent *de, int depth)
{
#ifdef DT_UNKNOWN
	if (de->d_type == DT_DIR) {
		return depth < t->max_depth && digits(de->d_name);
	}
	if (de->d_type == DT_REG) {
		return rollout_name(de->d_name);
	}
	return de->d_type == DT_UNKNOWN; /* links are not followed (lstat below) */
#else
	(void)t;
	(void)de;
	(void)depth;
	return true;
#endif
}

static int walk(struct tv_cxtree *t, struct tv_read_ctx *ctx, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int e = 0;

	if (d == NULL) {
		return errno == ENOMEM ? -ENOMEM : 0;
	}
	while (e == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !worth_a_look(t, de, depth)) {
			continue; /* no system call for what cannot be a rollout or a day's folder */
		}
		e = entry(t, ctx, dir, de->d_name, depth);
	}
	closedir(d);
	return e;
}

/* each sub-agent chained to its parent's children, in the order of the files' names */
static int cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct tv_cxrollout *)a)->path,
		      ((const struct tv_cxrollout *)b)->path);
}

static int link_children(struct tv_cxtree *t)
{
	uint64_t v, last;
	int e = 0;

	qsort(t->v, t->n, sizeof(t->v[0]), cmp_path);
	for (size_t i = 0; e == 0 && i < t->n; i++) {
		struct tv_cxrollout *r = &t->v[i];

		e = tv_map_put(&t->by_file, (const char *)&r->file, sizeof(r->file), i + 1);
		e = e < 0 ? e : tv_map_put(&t->by_id, r->id, strlen(r->id), i + 1);
		if (e < 0 || r->parent == NULL || strcmp(r->parent, r->id) == 0) {
			continue;
		}
		if (!tv_map_get(&t->children, r->parent, strlen(r->parent), &v)) {
			e = tv_map_put(&t->children, r->parent, strlen(r->parent), i + 1);
			t->last[i] = (ssize_t)i;
			continue;
		}
		/* the chain's last link is kept at the first child's slot */
		last = (uint64_t)t->last[v - 1];
		t->v[last].next = (ssize_t)i;
		t->last[v - 1] = (ssize_t)i;
	}
	return e;
}

/*
 * the root of the tree holding @path, malloc'd: three levels up when
 * @path sits in YYYY/MM/DD (*@dated), else its folder
 */
static char *root_of(const char *path, bool *dated)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	static const size_t part[] = { 2, 2, 4 }; /* DD, MM, YYYY from the end */
	size_t k = n;

	*dated = false;
	if (slash == NULL) {
		return tv_strndup(".", 1);
	}
	for (size_t i = 0; i < 3; i++) {
		size_t j = part[i];

		if (k < j + 1 || path[k - j - 1] != '/') {
			return tv_strndup(path, n ? n : 1);
		}
		for (size_t d = k - j; d < k; d++) {
			if (path[d] < '0' || path[d] > '9') {
				return tv_strndup(path, n ? n : 1);
			}
		}
		k -= j + 1;
	}
	*dated = true;
	return tv_strndup(path, k ? k : 1);
}

int tv_cxtree_index(struct tv_cxtree *t, struct tv_read_ctx *ctx, const char *path)
{
	bool dated;
	char *root = root_of(path, &dated);
	int e;

	if (root == NULL) {
		return -ENOMEM;
	}
	if (t->root && strcmp(t->root, root) == 0) {
		free(root);
		return 0;
	}
	clear(t);
	t->root = root;
	t->max_depth = dated ? MAX_DEPTH : 0;
	e = walk(t, ctx, root, 0);
	if (e == 0 && t->n > 0) {
		t->last = malloc(t->n * sizeof(*t->last));
		e = t->last ? link_children(t) : -ENOMEM;
		free(t->last);
		t->last = NULL;
	}
	if (e < 0) {
		clear(t); /* index it again next time */
	}
	return e;
}

/* ---- look-ups ---- */

static const struct tv_cxrollout *lookup(const struct tv_cxtree *t, const struct tv_map *m,
					 const char *key, size_t n)
{
	uint64_t v;

	return key && tv_map_get(m, key, n, &v) ? &t->v[v - 1] : NULL;
}

const struct tv_cxrollout *tv_cxtree_find(const struct tv_cxtree *t, const char *id)
{
	return id ? lookup(t, &t->by_id, id, strlen(id)) : NULL;
}

const struct tv_cxrollout *tv_cxtree_at(const struct tv_cxtree *t, const struct tv_cxfile *f)
{
	return lookup(t, &t->by_file, (const char *)f, sizeof(*f));
}

const struct tv_cxrollout *tv_cxtree_first_child(const struct tv_cxtree *t, const char *id)
{
	return id ? lookup(t, &t->children, id, strlen(id)) : NULL;
}

const struct tv_cxrollout *tv_cxtree_next(const struct tv_cxtree *t, const struct tv_cxrollout *r)
{
	return r->next >= 0 ? &t->v[r->next] : NULL;
}

bool tv_cxtree_was_read(const struct tv_cxtree *t, const struct tv_cxfile *f)
{
	uint64_t v;

	return t != NULL && tv_map_get(&t->done, (const char *)f, sizeof(*f), &v);
}

int tv_cxtree_mark_read(struct tv_cxtree *t, const struct tv_cxfile *f)
{
	return t == NULL ? 0 : tv_map_put(&t->done, (const char *)f, sizeof(*f), 1);
}
