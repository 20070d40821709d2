/* SPDX-License-Identifier: MIT */
/*
 * tv_codex_tree: the Codex rollouts of one sessions tree
 * (~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl), indexed by session id
 * and by parent, so that the Codex reader (tv_codex.c) can read a
 * sub-agent's rollout with the session that spawned it
 * (docs/FORMATS.md#codex, "Sub-agents").
 *
 * The index holds each rollout's path, its id and, for a sub-agent, its
 * parent's id and role, taken from the file's first line (session_meta);
 * it also remembers which files were read.  One index lives in the
 * reader's state (tv_read_state()) for a whole run: it is built at the
 * first file of a tree and built again only when a file of another tree
 * comes.  Everything here is owned by the index; strings it returns are
 * borrowed until the next tv_cxtree_index() or tv_cxtree_destroy().
 */
#ifndef TV_CODEX_TREE_H
#define TV_CODEX_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct tv_read_ctx;

/* a file, known by its device and inode, however a path spells it */
struct tv_cxfile {
	dev_t dev;
	ino_t ino;
};

struct tv_cxrollout {
	char *path;   /* as the tree walk spells it */
	char *id;     /* session_meta's id, else the uuid of the name */
	char *parent; /* the id of the session that spawned it; NULL: none */
	char *role;   /* its agent role or nickname; NULL: none said */
	ssize_t next; /* the next child of the same parent, or -1 */
	struct tv_cxfile file;
};

struct tv_cxtree;

/** tv_cxtree_create: an empty index.  NULL on ENOMEM.  Free with tv_cxtree_destroy(). */
void *tv_cxtree_create(void);
/** tv_cxtree_destroy: free @p (a struct tv_cxtree); NULL is fine. */
void tv_cxtree_destroy(void *p);

/**
 * tv_cxtree_index: make sure @t indexes the tree that holds the file
 * @path: when @path sits in YYYY/MM/DD, the directory three levels up,
 * walked through its all-digit folders only (a rollout filed under another
 * day is found); else the rollouts beside @path, and no folder below.  Files that cannot be opened or whose first line is no
 * session_meta are left out (the reader reports them when it reads
 * them).  0 or -ENOMEM.
 */
int tv_cxtree_index(struct tv_cxtree *t, struct tv_read_ctx *ctx, const char *path);

/** tv_cxtree_find: the rollout whose session id is @id, or NULL. */
const struct tv_cxrollout *tv_cxtree_find(const struct tv_cxtree *t, const char *id);
/** tv_cxtree_file: *@f for the file @path: true when it is a regular file (stat(2) follows links). */
bool tv_cxtree_file(const char *path, struct tv_cxfile *f);
/** tv_cxtree_at: the rollout in the file @f, or NULL when the index does not hold it. */
const struct tv_cxrollout *tv_cxtree_at(const struct tv_cxtree *t, const struct tv_cxfile *f);
/** tv_cxtree_first_child: the first rollout @id spawned (then ->next), or NULL. */
const struct tv_cxrollout *tv_cxtree_first_child(const struct tv_cxtree *t, const char *id);
/** tv_cxtree_next: the rollout after @r among its parent's children, or NULL. */
const struct tv_cxrollout *tv_cxtree_next(const struct tv_cxtree *t, const struct tv_cxrollout *r);

/** tv_cxtree_was_read: true when the file @f was read (or is being read). */
bool tv_cxtree_was_read(const struct tv_cxtree *t, const struct tv_cxfile *f);
/** tv_cxtree_mark_read: remember that the file @f is read.  0 or -ENOMEM. */
int tv_cxtree_mark_read(struct tv_cxtree *t, const struct tv_cxfile *f);

#endif
