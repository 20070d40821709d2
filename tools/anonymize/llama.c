// SPDX-License-Identifier: MIT
/*
 * A Llama Stack trace store (SQLite, docs/FORMATS.md#llama-stack) is never changed in
 * place: it is copied with SQLite's backup API to a temporary file next to
 * the output, every text cell is rewritten there in one transaction, and
 * the copy is vacuumed (with secure_delete on) so no old value survives in
 * a free page, then renamed into place.
 *
 * Fail closed: every table is scrubbed, not only the three of the format.
 *
 *   spans.attributes, span_events.attributes   tv_pii_scrub_json (JSON objects;
 *                                              one that is not JSON is scrubbed
 *                                              as text, with a warning)
 *   every other TEXT or BLOB cell of every      tv_pii_scrub under its column name
 *   table (ids are kept by the id key policies, (a cell holding JSON is scanned
 *   as in JSON)                                 as JSON)
 *   numbers, NULLs                             kept
 *
 * What cannot be rewritten cell by cell (a virtual table and its shadow
 * tables, a table without rowid, sqlite_stat3/4's sampled values) is
 * dropped from the copy, with a warning; triggers are dropped from the copy
 * before anything is written, so that no rewrite runs SQL of the file's.
 * --check opens the input read-only, looks at the same cells and counts
 * each table that would be dropped as a finding.
 *
 * A store that cannot be read completely is an error (exit 1), never clean:
 * a file SQLite cannot open, one that fails PRAGMA quick_check (truncated,
 * corrupt), one without the tables traces, spans and span_events.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "anonymize.h"

#define BATCH 256

struct row {
	sqlite3_int64 id;
	char *text;
	size_t len;
	bool blob;
};

/* what is being scrubbed, and how */
struct job {
	struct anon *a;
	sqlite3 *db;
	bool write;
	const char *table, *column;
	bool json; /* a column of the format that holds JSON objects */
	struct tv_strbuf sql;
};

static void db_err(struct anon *a, sqlite3 *db, const char *what)
{
	tool_err("%s: %s: %s", a->file, what, db ? sqlite3_errmsg(db) : "out of memory");
}

/* append @name as an SQL identifier: "name", with " doubled */
static int put_ident(struct tv_strbuf *b, const char *name)
{
	int r = tv_strbuf_putc(b, '"');

	for (const char *c = name; r == 0 && *c; c++) {
		r = *c == '"' ? tv_strbuf_puts(b, "\"\"") : tv_strbuf_putc(b, *c);
	}
	return r ? r : tv_strbuf_putc(b, '"');
}

/* @fmt with %T (the table) and %C (the column) as identifiers, into j->sql */
static const char *sql(struct job *j, const char *fmt)
{
	int r = 0;

	tv_strbuf_reset(&j->sql);
	for (const char *c = fmt; r == 0 && *c; c++) {
		if (c[0] == '%' && (c[1] == 'T' || c[1] == 'C')) {
			r = put_ident(&j->sql, *++c == 'T' ? j->table : j->column);
		} else {
			r = tv_strbuf_putc(&j->sql, *c);
		}
	}
	return r == 0 ? j->sql.p : NULL;
}

static bool is_json_column(const char *table, const char *column)
{
	return strcmp(column, "attributes") == 0 &&
	       (strcmp(table, "spans") == 0 || strcmp(table, "span_events") == 0);
}

/* ---- one column ---- */

static void free_rows(struct row *rows, int n)
{
	for (int i = 0; i < n; i++) {
		free(rows[i].text);
	}
}

/* the next rows after @after with text or a blob in the column; the count, -1, or -ENOMEM */
static int fetch(sqlite3_stmt *sel, sqlite3_int64 after, struct row *rows)
{
	int n = 0, rc = SQLITE_ROW;

	sqlite3_reset(sel);
	sqlite3_bind_int64(sel, 1, after);
	while (n < BATCH && (rc = sqlite3_step(sel)) == SQLITE_ROW) {
		const void *t = sqlite3_column_blob(sel, 1);
		int len = sqlite3_column_bytes(sel, 1);

		if (t == NULL && sqlite3_errcode(sqlite3_db_handle(sel)) == SQLITE_NOMEM) {
			rc = SQLITE_NOMEM; /* not an empty cell: it could not be read */
			break;
		}
		rows[n].id = sqlite3_column_int64(sel, 0);
		rows[n].blob = sqlite3_column_type(sel, 1) == SQLITE_BLOB;
		rows[n].len = (size_t)len;
		rows[n].text = tv_strndup(t ? (const char *)t : "", (size_t)len);
		if (rows[n++].text == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	if (n < BATCH && rc != SQLITE_DONE) {
		free_rows(rows, n);
		return rc == SQLITE_NOMEM ? -ENOMEM : -1;
	}
	return n;
}

/* scrub one cell into a->tmp: 0, 1 (the cell becomes NULL), or a negative code */
static int scrub_cell(struct job *j, const struct row *row)
{
	struct anon *a = j->a;
	int r;

	a->text = row->text;
	a->text_len = row->len;
	tv_strbuf_reset(&a->tmp);
	if (j->json) {
		r = tv_pii_scrub_json(a->pii, row->text, row->len, &a->tmp);
		if (r != -TV_EPARSE) {
			return r < 0 ? r : 0;
		}
		tool_warn("%s: %s row %lld: %s is not JSON: scrubbed as text", a->file, j->table,
			  (long long)row->id, j->column);
		tv_strbuf_reset(&a->tmp);
	}
	r = tv_pii_scrub(a->pii, j->column, strlen(j->column), row->text, row->len, &a->tmp);
	if (r == TV_PII_DROPPED) {
		tv_strbuf_reset(&a->tmp);
		return 1;
	}
	return r < 0 ? r : 0;
}

static int update(sqlite3_stmt *upd, const struct anon *a, const struct row *row, bool null)
{
	const char *p = a->tmp.p ? a->tmp.p : "";

	sqlite3_reset(upd);
	if (null) {
		sqlite3_bind_null(upd, 1);
	} else if (row->blob) {
		sqlite3_bind_blob(upd, 1, p, (int)a->tmp.len, SQLITE_STATIC);
	} else {
		sqlite3_bind_text(upd, 1, p, (int)a->tmp.len, SQLITE_STATIC);
	}
	sqlite3_bind_int64(upd, 2, row->id);
	return sqlite3_step(upd) == SQLITE_DONE ? 0 : -1;
}

static bool changed(const struct anon *a, const struct row *row, int r)
{
	return r == 1 || a->tmp.len != row->len || memcmp(a->tmp.p, row->text, row->len) != 0;
}

/* one row: scrubbed, and written back when it changed.  0 or -1 (reported). */
static int scrub_row(struct job *j, sqlite3_stmt *upd, const struct row *row)
{
	struct anon *a = j->a;
	int r;

	a->records++;
	r = scrub_cell(j, row);
	if (r < 0) {
		tool_err("%s: %s", a->file, tv_strerror(r));
		return -1;
	}
	if (j->write && changed(a, row, r) && update(upd, a, row, r == 1) < 0) {
		db_err(a, j->db, "cannot update");
		return -1;
	}
	a->written++;
	return 0;
}

static int scrub_rows(struct job *j, sqlite3_stmt *sel, sqlite3_stmt *upd)
{
	struct row rows[BATCH];
	sqlite3_int64 after = INT64_MIN;
	char where[256];
	int n, r = 0;

	j->a->where = where;
	do {
		n = fetch(sel, after, rows);
		if (n < 0) {
			db_err(j->a, n == -ENOMEM ? NULL : j->db, "cannot read");
			r = -1;
			break;
		}
		for (int i = 0; i < n && r == 0; i++) {
			after = rows[i].id;
			snprintf(where, sizeof(where), "%s row %lld %s", j->table,
				 (long long)rows[i].id, j->column);
			r = scrub_row(j, upd, &rows[i]);
		}
		free_rows(rows, n);
	} while (n == BATCH && r == 0);
	j->a->where = NULL;
	j->a->text = NULL;
	return r;
}

static int scrub_column(struct job *j)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	const char *q;
	int r = -1;

	j->json = is_json_column(j->table, j->column);
	q = sql(j, "SELECT rowid, %C FROM %T WHERE rowid > ? AND typeof(%C) IN ('text', 'blob') "
		   "ORDER BY rowid");
	if (q == NULL || sqlite3_prepare_v2(j->db, q, -1, &sel, NULL) != SQLITE_OK) {
		db_err(j->a, j->db, j->table);
		goto out;
	}
	q = sql(j, "UPDATE %T SET %C = ? WHERE rowid = ?");
	if (j->write && (q == NULL || sqlite3_prepare_v2(j->db, q, -1, &upd, NULL) != SQLITE_OK)) {
		db_err(j->a, j->db, j->table);
		goto out;
	}
	r = scrub_rows(j, sel, upd);
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return r;
}

/* ---- tables ---- */

struct names {
	char **v;
	size_t n;
};

static void free_names(struct names *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i]);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int add_name(struct names *l, const unsigned char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (v == NULL) {
		return -1;
	}
	l->v = v;
	v[l->n] = strdup(s ? (const char *)s : "");
	return v[l->n++] ? 0 : -1;
}

/* the first column of every row of @q (with @arg bound to ?1 if not NULL) into @l */
static int names_of(struct job *j, const char *q, const char *arg, struct names *l)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(j->db, q ? q : "", -1, &st, NULL);

	if (rc == SQLITE_OK && arg != NULL) {
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *name = sqlite3_column_text(st, 0);

		if (name == NULL && sqlite3_errcode(j->db) == SQLITE_NOMEM) {
			rc = SQLITE_NOMEM;
			break;
		}
		rc = add_name(l, name) == 0 ? SQLITE_OK : SQLITE_NOMEM;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		/* with no database, db_err() says "out of memory" */
		db_err(j->a, rc == SQLITE_NOMEM ? NULL : j->db, "cannot read the schema");
		return -1;
	}
	return 0;
}

static int scrub_table(struct job *j)
{
	struct names cols = { 0 };
	int r = names_of(j, "SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0 ORDER BY cid",
			 j->table, &cols);

	for (size_t i = 0; r == 0 && i < cols.n; i++) {
		j->column = cols.v[i];
		r = scrub_column(j);
	}
	free_names(&cols);
	return r;
}

/* tables with data we do not rewrite cell by cell; they go from the copy */
static const char not_understood[] =
	"SELECT name FROM pragma_table_list WHERE schema = 'main' AND ("
	"type = 'virtual' OR (type = 'table' AND wr = 1 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\')"
	" OR name IN ('sqlite_stat3', 'sqlite_stat4')) ORDER BY name";

static int count_rows(struct job *j, const char *table, sqlite3_int64 *n)
{
	sqlite3_stmt *st = NULL;
	const char *q;
	int rc;

	j->table = table;
	q = sql(j, "SELECT count(*) FROM %T");
	rc = q ? sqlite3_prepare_v2(j->db, q, -1, &st, NULL) : SQLITE_NOMEM;
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		db_err(j->a, j->db, table);
		return -1;
	}
	return 0;
}

/* --check: a table anonymize would drop is a finding */
static void report_drop(struct job *j, const char *table)
{
	char where[256];
	struct tv_pii_finding f = { "not_understood", 0, 0, TV_PII_DROP, NULL };

	snprintf(where, sizeof(where), "table %s", table);
	j->a->where = where;
	anon_finding_cb(j->a, &f, "", 0);
	j->a->where = NULL;
}

static int drop_table(struct job *j, const char *table)
{
	const char *q;
	sqlite3_int64 rows = 0;

	if (count_rows(j, table, &rows) < 0) {
		return -1;
	}
	if (!j->write) {
		if (rows > 0) {
			report_drop(j, table);
		}
		return 0;
	}
	tool_warn("%s: table %s cannot be rewritten cell by cell (virtual, without rowid or "
		  "sampled statistics): dropped from the copy",
		  j->a->file, table);
	q = strncmp(table, "sqlite_stat", 11) == 0 ? sql(j, "DELETE FROM %T")
						   : sql(j, "DROP TABLE %T");
	if (q == NULL || sqlite3_exec(j->db, q, NULL, NULL, NULL) != SQLITE_OK) {
		db_err(j->a, j->db, table);
		return -1;
	}
	return 0;
}

static int drop_triggers(struct job *j)
{
	struct names l = { 0 };
	int r = names_of(j, "SELECT name FROM sqlite_master WHERE type = 'trigger'", NULL, &l);

	for (size_t i = 0; r == 0 && i < l.n; i++) {
		const char *q;

		j->table = l.v[i];
		q = sql(j, "DROP TRIGGER %T");
		if (q == NULL || sqlite3_exec(j->db, q, NULL, NULL, NULL) != SQLITE_OK) {
			db_err(j->a, j->db, l.v[i]);
			r = -1;
		}
	}
	free_names(&l);
	return r;
}

static int scrub_all(struct job *j)
{
	struct names drop = { 0 }, keep = { 0 };
	int r = names_of(j, not_understood, NULL, &drop);

	for (size_t i = 0; r == 0 && i < drop.n; i++) {
		r = drop_table(j, drop.v[i]);
	}
	if (r == 0 && j->write) {
		r = drop_triggers(j);
	}
	if (r == 0) {
		r = names_of(j,
			     "SELECT name FROM pragma_table_list WHERE schema = 'main' AND "
			     "type = 'table' AND wr = 0 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
			     "ORDER BY name",
			     NULL, &keep);
	}
	for (size_t i = 0; r == 0 && i < keep.n; i++) {
		j->table = keep.v[i];
		r = scrub_table(j);
	}
	free_names(&drop);
	free_names(&keep);
	return r;
}

/* ---- the store as a whole ---- */

/* readable to the last page, and a Llama Stack store: 0, or -1 (reported) */
static int check_store(struct job *j)
{
	struct names l = { 0 };
	int r = names_of(j, "PRAGMA quick_check", NULL, &l);

	if (r == 0 && (l.n != 1 || strcmp(l.v[0], "ok") != 0)) {
		for (char *c = l.n ? l.v[0] : NULL; c && *c; c++) {
			*c = *c == '\n' ? ' ' : *c; /* one message, one line */
		}
		tool_err("%s: cannot read: the database is damaged (%s)", j->a->file,
			 l.n ? l.v[0] : "no answer");
		r = -1;
	}
	free_names(&l);
	if (r == 0) {
		r = names_of(j,
			     "SELECT name FROM sqlite_master WHERE type = 'table' AND "
			     "name IN ('traces', 'spans', 'span_events')",
			     NULL, &l);
	}
	if (r == 0 && l.n != 3) {
		tool_err("%s: not a Llama Stack telemetry store: it needs the tables traces, spans "
			 "and span_events",
			 j->a->file);
		r = -1;
	}
	free_names(&l);
	return r;
}

static int open_ro(struct anon *a, const char *in, sqlite3 **db)
{
	struct tv_strbuf uri;
	int rc;

	tv_strbuf_init(&uri);
	tv_strbuf_puts(&uri, "file:");
	for (const char *c = in; *c; c++) {
		if (*c == '?' || *c == '#' || *c == '%') {
			tv_strbuf_printf(&uri, "%%%02X", (unsigned char)*c);
		} else {
			tv_strbuf_putc(&uri, *c);
		}
	}
	tv_strbuf_puts(&uri, "?mode=ro");
	rc = uri.p ? sqlite3_open_v2(uri.p, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL)
		   : SQLITE_NOMEM;
	tv_strbuf_finish(&uri);
	if (rc != SQLITE_OK) {
		db_err(a, *db, "cannot open");
		return -1;
	}
	sqlite3_db_config(*db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(*db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	return 0;
}

/* copy @in to the empty database file @tmp */
static int copy_db(struct anon *a, const char *in, const char *tmp, sqlite3 **out)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *b;
	int rc;

	if (open_ro(a, in, &src) < 0) {
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
	sqlite3_db_config(dst, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	*out = dst;
	return 0;
fail:
	sqlite3_close(src);
	sqlite3_close(dst);
	return -1;
}

static int exec(struct job *j, const char *q)
{
	if (sqlite3_exec(j->db, q, NULL, NULL, NULL) != SQLITE_OK) {
		db_err(j->a, j->db, q);
		return -1;
	}
	return 0;
}

static int check_only(struct job *j, const char *in)
{
	int r = open_ro(j->a, in, &j->db);

	if (r == 0) {
		r = check_store(j);
	}
	if (r == 0) {
		r = scrub_all(j);
	}
	sqlite3_close(j->db);
	return r;
}

static int rewrite(struct job *j, const char *in, const char *out)
{
	struct tool_atomic o;
	int r;

	if (tool_atomic_open_tmp(&o, out) < 0) {
		return -1;
	}
	r = copy_db(j->a, in, o.tmp, &j->db);
	if (r == 0) {
		r = check_store(j);
	}
	if (r == 0) {
		r = exec(j, "PRAGMA journal_mode = DELETE; PRAGMA secure_delete = ON; BEGIN");
	}
	if (r == 0) {
		r = scrub_all(j);
	}
	if (r == 0) {
		r = exec(j, "COMMIT; VACUUM");
	}
	if (j->db != NULL && sqlite3_close(j->db) != SQLITE_OK && r == 0) {
		db_err(j->a, j->db, "cannot close");
		r = -1;
	}
	if (r < 0) {
		tool_atomic_abort(&o);
		return -1;
	}
	return tool_atomic_commit(&o);
}

int anon_llama(struct anon *a, const char *in, const char *out)
{
	struct job j = { .a = a, .write = out != NULL };
	int r;

	tv_strbuf_init(&j.sql);
	r = out == NULL ? check_only(&j, in) : rewrite(&j, in, out);
	tv_strbuf_finish(&j.sql);
	return r;
}
