// SPDX-License-Identifier: MIT
/*
 * A Llama Stack trace store (SQLite, docs/FORMATS.md#llama-stack) is never changed in
 * place: it is copied with SQLite's backup API to a temporary file next to
 * the output, the text columns that can hold PII are rewritten there in
 * one transaction, and the copy is vacuumed (with secure_delete on) so no
 * old value survives in a free page, then renamed into place.
 *
 *   spans.attributes, span_events.attributes   tv_pii_scrub_json (JSON objects)
 *   spans.name, span_events.name, traces.service_name   tv_pii_scrub
 *
 * Ids, times, status and kind are kept: they are what links the rows.
 * Under --check the input is opened read-only and nothing is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "anonymize.h"

#define BATCH 256

struct column {
	const char *table, *column;
	bool json;
};

static const struct column columns[] = {
	{ "spans", "attributes", true },     { "span_events", "attributes", true },
	{ "spans", "name", false },	     { "span_events", "name", false },
	{ "traces", "service_name", false },
};

struct row {
	sqlite3_int64 id;
	char *text;
	size_t len;
};

static void db_err(struct anon *a, sqlite3 *db, const char *what)
{
	tool_err("%s: %s: %s", a->file, what, db ? sqlite3_errmsg(db) : "out of memory");
}

static bool has_table(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st;
	bool found = false;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
			       -1, &st, NULL) != SQLITE_OK) {
		return false;
	}
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* the next rows after @after with text in the column; the count, or -1 */
static int fetch(sqlite3_stmt *sel, sqlite3_int64 after, struct row *rows)
{
	int n = 0, rc;

	sqlite3_reset(sel);
	sqlite3_bind_int64(sel, 1, after);
	for (;;) {
		const unsigned char *t;
		int len;

		rc = n < BATCH ? sqlite3_step(sel) : SQLITE_ROW;
		if (n == BATCH || rc != SQLITE_ROW) {
			break;
		}
		t = sqlite3_column_text(sel, 1);
		len = sqlite3_column_bytes(sel, 1);
		rows[n].id = sqlite3_column_int64(sel, 0);
		rows[n].text = t ? tv_strndup((const char *)t, (size_t)len) : NULL;
		rows[n].len = (size_t)len;
		if (t != NULL && rows[n].text == NULL) {
			return -1;
		}
		n++;
	}
	if (n < BATCH && rc != SQLITE_DONE) {
		for (int i = 0; i < n; i++) {
			free(rows[i].text);
		}
		return -1;
	}
	return n;
}

/* scrub one cell into a->tmp; 0, or a negative code */
static int scrub_cell(struct anon *a, const struct column *c, const struct row *row)
{
	size_t klen = strlen(c->column);
	int r;

	a->text = row->text;
	a->text_len = row->len;
	tv_strbuf_reset(&a->tmp);
	if (c->json) {
		r = tv_pii_scrub_json(a->pii, row->text, row->len, &a->tmp);
		if (r != -TV_EPARSE) {
			return r < 0 ? r : 0;
		}
		tool_warn("%s: %s row %lld: %s is not JSON: scrubbed as text", a->file, c->table,
			  (long long)row->id, c->column);
		tv_strbuf_reset(&a->tmp);
	}
	r = tv_pii_scrub(a->pii, c->column, klen, row->text, row->len, &a->tmp);
	if (r == TV_PII_DROPPED) {
		tv_strbuf_reset(&a->tmp);
		return 1; /* the cell becomes NULL */
	}
	return r < 0 ? r : 0;
}

static int update(sqlite3_stmt *upd, const struct anon *a, const struct row *row, bool null)
{
	sqlite3_reset(upd);
	if (null) {
		sqlite3_bind_null(upd, 1);
	} else {
		sqlite3_bind_text(upd, 1, a->tmp.p ? a->tmp.p : "", (int)a->tmp.len, SQLITE_STATIC);
	}
	sqlite3_bind_int64(upd, 2, row->id);
	return sqlite3_step(upd) == SQLITE_DONE ? 0 : -1;
}

static int scrub_rows(struct anon *a, sqlite3 *db, const struct column *c, sqlite3_stmt *sel,
		      sqlite3_stmt *upd, bool write)
{
	struct row rows[BATCH];
	sqlite3_int64 after = -1;
	char where[160];
	int n, r = 0;

	a->where = where;
	do {
		n = fetch(sel, after, rows);
		if (n < 0) {
			db_err(a, db, "cannot read");
			r = -1;
			break;
		}
		for (int i = 0; i < n; i++) {
			after = rows[i].id;
			if (r < 0 || rows[i].text == NULL) {
				free(rows[i].text);
				continue;
			}
			a->records++;
			snprintf(where, sizeof(where), "%s row %lld %s", c->table,
				 (long long)rows[i].id, c->column);
			r = scrub_cell(a, c, &rows[i]);
			if (r < 0) {
				tool_err("%s: %s", a->file, tv_strerror(r));
			}
			if (r >= 0 && write &&
			    (r == 1 || a->tmp.len != rows[i].len ||
			     memcmp(a->tmp.p, rows[i].text, rows[i].len) != 0)) {
				r = update(upd, a, &rows[i], r == 1);
				if (r < 0) {
					db_err(a, db, "cannot update");
				}
			}
			a->written += r >= 0;
			free(rows[i].text);
		}
	} while (n == BATCH && r >= 0);
	a->where = NULL;
	a->text = NULL;
	return r < 0 ? -1 : 0;
}

static int scrub_column(struct anon *a, sqlite3 *db, const struct column *c, bool write)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	char q[256];
	int r = -1;

	if (!has_table(db, c->table)) {
		return 0;
	}
	snprintf(q, sizeof(q), "SELECT rowid, \"%s\" FROM \"%s\" WHERE rowid > ? ORDER BY rowid",
		 c->column, c->table);
	if (sqlite3_prepare_v2(db, q, -1, &sel, NULL) != SQLITE_OK) {
		db_err(a, db, c->table);
		goto out;
	}
	snprintf(q, sizeof(q), "UPDATE \"%s\" SET \"%s\" = ? WHERE rowid = ?", c->table, c->column);
	if (write && sqlite3_prepare_v2(db, q, -1, &upd, NULL) != SQLITE_OK) {
		db_err(a, db, c->table);
		goto out;
	}
	r = scrub_rows(a, db, c, sel, upd, write);
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return r;
}

/* copy @in to the empty database file @tmp */
static int copy_db(struct anon *a, const char *in, const char *tmp, sqlite3 **out)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	int rc;

	if (sqlite3_open_v2(in, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		db_err(a, src, "cannot open");
		goto fail;
	}
	if (sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		db_err(a, dst, "cannot open the copy");
		goto fail;
	}
	b = sqlite3_backup_init(dst, "main", src, "main");
	if (b == NULL) {
		db_err(a, dst, "cannot copy");
		goto fail;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		tool_err("%s: cannot copy: %s", a->file, sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_close(src);
	*out = dst;
	return 0;
fail:
	sqlite3_close(src);
	sqlite3_close(dst);
	return -1;
}

static int exec(struct anon *a, sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		db_err(a, db, sql);
		return -1;
	}
	return 0;
}

static int scrub_all(struct anon *a, sqlite3 *db, bool write)
{
	int r = 0;

	for (size_t i = 0; i < sizeof(columns) / sizeof(columns[0]) && r == 0; i++) {
		r = scrub_column(a, db, &columns[i], write);
	}
	return r;
}

int anon_llama(struct anon *a, const char *in, const char *out)
{
	struct tool_atomic o;
	sqlite3 *db = NULL;
	int r;

	if (out == NULL) {
		if (sqlite3_open_v2(in, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
			db_err(a, db, "cannot open");
			sqlite3_close(db);
			return -1;
		}
		r = scrub_all(a, db, false);
		sqlite3_close(db);
		return r;
	}
	if (tool_atomic_open_tmp(&o, out) < 0) {
		return -1;
	}
	r = copy_db(a, in, o.tmp, &db);
	if (r == 0) {
		r = exec(a, db, "PRAGMA journal_mode = DELETE; PRAGMA secure_delete = ON; BEGIN");
	}
	if (r == 0) {
		r = scrub_all(a, db, true);
	}
	if (r == 0) {
		r = exec(a, db, "COMMIT; VACUUM");
	}
	if (db != NULL && sqlite3_close(db) != SQLITE_OK && r == 0) {
		db_err(a, db, "cannot close");
		r = -1;
	}
	if (r < 0) {
		tool_atomic_abort(&o);
		return -1;
	}
	return tool_atomic_commit(&o);
}
