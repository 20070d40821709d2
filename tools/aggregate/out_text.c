// SPDX-License-Identifier: MIT
/* --format table (aligned columns, colours on a terminal unless NO_COLOR) and markdown */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

#define BOLD "\033[1m"
#define RESET "\033[0m"

static const char *const colors[] = { "", "\033[32m", "\033[31m", "\033[2m" };

static const char *text(const struct ttab *tab, size_t row, size_t col)
{
	const char *s = tab->cell[row * tab->ncols + col];

	return s ? s : "";
}

static void widths(const struct ttab *tab, size_t *w)
{
	for (size_t c = 0; c < tab->ncols; c++) {
		w[c] = display_width(tab->head[c]);
		for (size_t r = 0; r < tab->nrows; r++) {
			size_t n = display_width(text(tab, r, c));

			w[c] = n > w[c] ? n : w[c];
		}
	}
}

static void pad(struct tv_strbuf *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		tv_strbuf_putc(out, ' ');
	}
}

/* one cell padded to @w, in @style's colour when @color */
static void put_cell(struct tv_strbuf *out, const char *s, size_t w, bool right, int style,
		     bool color, bool last)
{
	size_t n = display_width(s);

	if (right) {
		pad(out, w - n);
	}
	if (color && style) {
		tv_strbuf_puts(out, colors[style]);
	}
	tv_strbuf_puts(out, s);
	if (color && style) {
		tv_strbuf_puts(out, RESET);
	}
	if (!right && !last) {
		pad(out, w - n);
	}
}

static void put_line(struct tv_strbuf *out, const struct ttab *tab, const size_t *w, size_t row,
		     bool color)
{
	tv_strbuf_puts(out, "  ");
	for (size_t c = 0; c < tab->ncols; c++) {
		bool last = c + 1 == tab->ncols;

		if (row == SIZE_MAX) {
			put_cell(out, tab->head[c], w[c], tab->right[c], 0, false, last);
		} else {
			put_cell(out, text(tab, row, c), w[c], tab->right[c],
				 tab->style[row * tab->ncols + c], color, last);
		}
		if (!last) {
			tv_strbuf_puts(out, "  ");
		}
	}
	/* no blanks at the end of a line */
	while (out->len > 0 && out->p[out->len - 1] == ' ') {
		out->len--;
	}
	tv_strbuf_putc(out, '\n');
}

static int put_table(struct tv_strbuf *out, const struct ttab *tab, bool color)
{
	size_t *w = calloc(tab->ncols, sizeof(*w));

	if (w == NULL) {
		return -ENOMEM;
	}
	widths(tab, w);
	tv_strbuf_printf(out, "%s%s%s\n", color ? BOLD : "", tab->title, color ? RESET : "");
	if (tab->note) {
		tv_strbuf_printf(out, "  %s\n", tab->note);
	}
	if (tab->nrows > 0) {
		if (color) {
			tv_strbuf_puts(out, BOLD);
		}
		put_line(out, tab, w, SIZE_MAX, false);
		if (color) {
			out->len--; /* the colour ends before the line does */
			tv_strbuf_puts(out, RESET "\n");
		}
	} else if (tab->note == NULL) {
		tv_strbuf_puts(out, "  (none)\n");
	}
	for (size_t r = 0; r < tab->nrows; r++) {
		put_line(out, tab, w, r, color);
	}
	free(w);
	return 0;
}

int out_table(struct report *r, struct tv_strbuf *out)
{
	struct tables t;
	int e = report_tables(r, &t);

	if (e == 0 && t.estimate) {
		tv_strbuf_printf(out, "%s\n\n", t.estimate);
	}
	for (size_t i = 0; e == 0 && i < t.n; i++) {
		e = put_table(out, &t.v[i], r->color);
		tv_strbuf_putc(out, '\n');
	}
	if (e == 0) {
		tv_strbuf_printf(out, "%s\n", t.footer);
	}
	tables_free(&t);
	return e;
}

/* a Markdown table cell: | and line ends escaped */
static void md_cell(struct tv_strbuf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`' || *s == '<') {
			tv_strbuf_putc(out, '\\');
		}
		tv_strbuf_putc(out, *s == '\n' ? ' ' : *s);
	}
}

static void md_table(struct tv_strbuf *out, const struct ttab *tab)
{
	tv_strbuf_printf(out, "## %s\n\n", tab->title);
	if (tab->note) {
		md_cell(out, tab->note);
		tv_strbuf_puts(out, "\n\n");
	}
	if (tab->nrows == 0) {
		tv_strbuf_puts(out, tab->note ? "" : "(none)\n\n");
		return;
	}
	tv_strbuf_puts(out, "|");
	for (size_t c = 0; c < tab->ncols; c++) {
		tv_strbuf_putc(out, ' ');
		md_cell(out, tab->head[c]);
		tv_strbuf_puts(out, " |");
	}
	tv_strbuf_puts(out, "\n|");
	for (size_t c = 0; c < tab->ncols; c++) {
		tv_strbuf_puts(out, tab->right[c] ? " ---: |" : " --- |");
	}
	tv_strbuf_putc(out, '\n');
	for (size_t r = 0; r < tab->nrows; r++) {
		tv_strbuf_puts(out, "|");
		for (size_t c = 0; c < tab->ncols; c++) {
			tv_strbuf_putc(out, ' ');
			md_cell(out, text(tab, r, c));
			tv_strbuf_puts(out, " |");
		}
		tv_strbuf_putc(out, '\n');
	}
	tv_strbuf_putc(out, '\n');
}

int out_markdown(struct report *r, struct tv_strbuf *out)
{
	struct tables t;
	int e = report_tables(r, &t);

	if (e == 0) {
		tv_strbuf_puts(out, "# televal-aggregate report\n\n");
		if (t.estimate) {
			tv_strbuf_printf(out, "> %s\n\n", t.estimate);
		}
		for (size_t i = 0; i < t.n; i++) {
			md_table(out, &t.v[i]);
		}
		md_cell(out, t.footer);
		tv_strbuf_putc(out, '\n');
	}
	tables_free(&t);
	return e;
}
