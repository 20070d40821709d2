// SPDX-License-Identifier: MIT
/*
 * The names of the outputs of -o DIR/: each input's path below its operand,
 * every component scanned as text like the records, so that no name is
 * copied unread.  A name may hold an e-mail address or a token, and Claude
 * Code names its project directories after the working directory with the
 * slashes turned into dashes (`-home-ana-proj`, `-Users-chip-dev`,
 * `C--Users-ana-src`): the user there is pseudonymized as the home_path
 * rule does it in a path (the same pseudonym as in the records).  With
 * --scrub-ids the ids names carry are pseudonymized too, as in the records.
 * --check scans the same names and reports what it finds under "file name".
 */
#include <errno.h>
#include <string.h>

#include "anonymize.h"
#include "libcommon/core/tv_text.h"

/* the prefix of a Claude Code project directory before the user, and the home it stands for */
static const struct {
	const char *dashed, *home;
} homes[] = {
	{ "-home-", "/home/" },
	{ "-Users-", "/Users/" },
};

/* the length of the dashed home prefix @s starts with (0: none), and its index */
static size_t home_prefix(const char *s, size_t n, size_t *which)
{
	size_t off = 0;

	/* `C--Users-`: a Windows drive, its colon and backslash turned into dashes */
	if (n > 3 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) &&
	    s[1] == '-' && s[2] == '-') {
		off = 2;
	}
	for (size_t i = 0; i < sizeof(homes) / sizeof(homes[0]); i++) {
		size_t k = strlen(homes[i].dashed);

		if (n - off > k && memcmp(s + off, homes[i].dashed, k) == 0) {
			*which = i;
			return off + k;
		}
	}
	return 0;
}

/* what the rule put in place of the user in @probe (`HOME USER/x` scrubbed), appended to @out */
static int user_part(const struct tv_strbuf *probe, const char *home, struct tv_strbuf *out)
{
	size_t hl = strlen(home);

	if (probe->len < hl + 2 || memcmp(probe->p, home, hl) != 0 ||
	    memcmp(probe->p + probe->len - 2, "/x", 2) != 0) {
		return tv_strbuf_puts(out, "<REDACTED>"); /* not the shape it went in */
	}
	return tv_strbuf_append(out, probe->p + hl, probe->len - hl - 2);
}

/*
 * @c (scrubbed already) with the user of a dashed home directory
 * pseudonymized: the user is scrubbed inside `/home/USER/x` and what the
 * rule put in its place is taken.  Appends to @out.
 */
static int dashed_home(struct anon *a, const char *c, size_t n, struct tv_strbuf *out)
{
	struct tv_strbuf *probe = &a->tmp, scrubbed;
	size_t which = 0, at = home_prefix(c, n, &which), end = at;
	int r;

	if (at == 0) {
		return tv_strbuf_append(out, c, n) < 0 ? -ENOMEM : 0;
	}
	while (end < n && c[end] != '-') {
		end++;
	}
	tv_strbuf_reset(probe);
	tv_strbuf_init(&scrubbed);
	r = tv_strbuf_puts(probe, homes[which].home);
	r = r < 0 ? r : tv_strbuf_append(probe, c + at, end - at);
	r = r < 0 ? r : tv_strbuf_puts(probe, "/x");
	r = r < 0 ? -ENOMEM : tv_pii_scrub(a->pii, NULL, 0, probe->p, probe->len, &scrubbed);
	if (r >= 0) {
		r = tv_strbuf_append(out, c, at);
		r = r < 0 ? r : user_part(&scrubbed, homes[which].home, out);
		r = r < 0 ? r : tv_strbuf_append(out, c + end, n - end);
		r = r < 0 ? -ENOMEM : 0;
	}
	tv_strbuf_finish(&scrubbed);
	return r;
}

/* ---- --scrub-ids: the ids names carry ---- */

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* a UUID (8-4-4-4-12 hex digits) at @s, @n bytes left */
static bool uuid_at(const char *s, size_t n)
{
	return n >= 36 && tv_text_is_uuid(s, 36);
}

/*
 * the length of the hex id at @s (@n bytes left): a run of 16 or more hex
 * digits with a letter among them (an OTLP trace id is 32, a span id 16; a
 * run of decimal digits is more often a time), or 0
 */
static size_t hex_id_at(const char *s, size_t n)
{
	size_t i = 0;
	bool letter = false;

	while (i < n && is_hex(s[i])) {
		letter = letter || s[i] > '9';
		i++;
	}
	return i >= 16 && letter ? i : 0;
}

/*
 * @c/@n with every UUID and hex id in it given the pseudonym the records
 * give the same id (every id key has one type, so one pseudonym a value)
 */
static int uuids(struct anon *a, const char *c, size_t n, struct tv_strbuf *out)
{
	size_t i = 0, from = 0, len;
	int r = 0;

	while (r == 0 && i < n) {
		if (i > 0 && is_hex(c[i - 1])) {
			i++;
			continue;
		}
		len = uuid_at(c + i, n - i) && (i + 36 == n || !is_hex(c[i + 36])) ? 36 : 0;
		len = len ? len : hex_id_at(c + i, n - i);
		if (len == 0) {
			i++;
			continue;
		}
		r = tv_strbuf_append(out, c + from, i - from);
		r = r < 0 ? r : tv_pii_scrub(a->pii, "sessionId", 9, c + i, len, out);
		r = r < 0 ? r : 0;
		i += len;
		from = i;
	}
	return r < 0 ? r : tv_strbuf_append(out, c + from, n - from);
}

/* @c is PRE<id>SUF: the id between given the pseudonym the records give it under @key */
static int framed_id(struct anon *a, const char *c, size_t n, const char *pre, const char *suf,
		     const char *key, struct tv_strbuf *out)
{
	size_t pl = strlen(pre), sl = strlen(suf);
	int r;

	r = tv_strbuf_append(out, c, pl);
	r = r < 0 ? r : tv_pii_scrub(a->pii, key, strlen(key), c + pl, n - pl - sl, out);
	return r < 0 ? r : tv_strbuf_append(out, c + n - sl, sl);
}

static bool framed(const char *c, size_t n, const char *pre, const char *suf)
{
	size_t pl = strlen(pre), sl = strlen(suf);

	return n > pl + sl && memcmp(c, pre, pl) == 0 && memcmp(c + n - sl, suf, sl) == 0;
}

/*
 * the ids a name carries, given the pseudonyms the records give them (so
 * that the readers' joins by name still hold): anyclaude's
 * session-<id>-metrics.jsonl and -summary.json, Claude Code's
 * agent-<id>.jsonl, and any UUID (Claude Code's <session>.jsonl and its
 * folder, Codex's rollout-<time>-<session>.jsonl) or hex id (a trace
 * exported to <trace id>.json)
 */
static int name_ids(struct anon *a, const char *c, size_t n, struct tv_strbuf *out)
{
	static const struct {
		const char *pre, *suf, *key;
	} frames[] = {
		{ "session-", "-metrics.jsonl", "session_id" },
		{ "session-", "-summary.json", "session_id" },
		{ "agent-", ".jsonl", "agentId" },
	};

	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
		if (framed(c, n, frames[i].pre, frames[i].suf)) {
			return framed_id(a, c, n, frames[i].pre, frames[i].suf, frames[i].key, out);
		}
	}
	return uuids(a, c, n, out);
}

/* one component @c/@n, appended to @out scrubbed */
static int component(struct anon *a, const char *c, size_t n, struct tv_strbuf *out)
{
	struct tv_strbuf text, home;
	size_t mark = out->len;
	int r;

	if (n == 0) {
		return 0; /* between two slashes */
	}
	tv_strbuf_init(&text);
	tv_strbuf_init(&home);
	r = tv_pii_scrub(a->pii, NULL, 0, c, n, &text);
	if (r >= 0) {
		r = dashed_home(a, text.p ? text.p : "", text.len, a->o.scrub_ids ? &home : out);
	}
	if (r >= 0 && a->o.scrub_ids) {
		r = name_ids(a, home.p ? home.p : "", home.len, out);
	}
	tv_strbuf_finish(&text);
	tv_strbuf_finish(&home);
	if (r < 0) {
		return r;
	}
	/* a replacement never makes a name that leaves the directory */
	n = out->len - mark;
	if (n == 0 || memchr(out->p + mark, '/', n) != NULL ||
	    (n <= 2 && memcmp(out->p + mark, "..", n) == 0)) {
		out->len = mark;
		return tv_strbuf_puts(out, "<REDACTED>") < 0 ? -ENOMEM : 0;
	}
	return 0;
}

int anon_name(struct anon *a, const char *rel, size_t n, struct tv_strbuf *out)
{
	const char *end = rel + n, *slash, *saved_where = a->where;
	int r = 0;

	a->where = "file name";
	a->line = 0;
	a->text = NULL;
	a->text_len = 0;
	while (r == 0 && rel < end) {
		slash = memchr(rel, '/', (size_t)(end - rel));
		slash = slash ? slash : end;
		r = component(a, rel, (size_t)(slash - rel), out);
		if (r == 0 && slash < end) {
			r = tv_strbuf_putc(out, '/') < 0 ? -ENOMEM : 0;
		}
		rel = slash + 1;
	}
	a->where = saved_where;
	return r;
}
