// SPDX-License-Identifier: MIT
/*
 * The names of the outputs of -o DIR/: each input's path below its operand,
 * every component scanned as text like the records, so that no name is
 * copied unread.  A name may hold an e-mail address or a token, and Claude
 * Code names its project directories after the working directory with the
 * slashes turned into dashes (`-home-ana-proj`, `-Users-chip-dev`,
 * `C--Users-ana-src`): the user there is pseudonymized as the home_path
 * rule does it in a path (the same pseudonym as in the records).  --check
 * scans the same names and reports what it finds under "file name".
 */
#include <errno.h>
#include <string.h>

#include "anonymize.h"

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

/* one component @c/@n, appended to @out scrubbed */
static int component(struct anon *a, const char *c, size_t n, struct tv_strbuf *out)
{
	struct tv_strbuf text;
	size_t mark = out->len;
	int r;

	if (n == 0) {
		return 0; /* between two slashes */
	}
	tv_strbuf_init(&text);
	r = tv_pii_scrub(a->pii, NULL, 0, c, n, &text);
	if (r >= 0) {
		r = dashed_home(a, text.p ? text.p : "", text.len, out);
	}
	tv_strbuf_finish(&text);
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
