// SPDX-License-Identifier: MIT
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "svg.h"
#include "libcommon/core/tv_time.h"

#define W 720
#define LEFT 64
#define RIGHT 16
#define TOP 28
#define PLOT_H 170
#define LABEL_W 210

static const char *const series_colors[] = { "#3b73b9", "#7fa7d9", "#e07b39", "#c0392b" };

void html_escape(struct tv_strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			tv_strbuf_puts(out, "&amp;");
			break;
		case '<':
			tv_strbuf_puts(out, "&lt;");
			break;
		case '>':
			tv_strbuf_puts(out, "&gt;");
			break;
		case '"':
			tv_strbuf_puts(out, "&quot;");
			break;
		case '\'':
			tv_strbuf_puts(out, "&#39;");
			break;
		default:
			tv_strbuf_putc(out, *s);
		}
	}
}

/* a figure: the title as its caption, then the chart */
static void open_svg(struct tv_strbuf *out, const char *title, int height)
{
	tv_strbuf_puts(out, "<figure><figcaption>");
	html_escape(out, title);
	tv_strbuf_puts(out, "</figcaption>\n");
	tv_strbuf_printf(out,
			 "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
			 "role=\"img\" xmlns=\"http://www.w3.org/2000/svg\"><title>",
			 W, height, W, height);
	html_escape(out, title);
	tv_strbuf_puts(out, "</title>\n");
}

static void text(struct tv_strbuf *out, double x, double y, const char *anchor, const char *s)
{
	tv_strbuf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
	html_escape(out, s);
	tv_strbuf_puts(out, "</text>\n");
}

static void rect(struct tv_strbuf *out, double x, double y, double w, double h, const char *fill,
		 const char *tip)
{
	tv_strbuf_printf(out,
			 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			 "fill=\"%s\">",
			 x, y, w > 0.5 ? w : 0.5, h, fill);
	if (tip) {
		tv_strbuf_puts(out, "<title>");
		html_escape(out, tip);
		tv_strbuf_puts(out, "</title>");
	}
	tv_strbuf_puts(out, "</rect>\n");
}

static void number(char *buf, size_t n, double v, const char *unit)
{
	if (fabs(v) >= 1e6) {
		snprintf(buf, n, "%.3g M%s%s", v / 1e6, unit[0] ? " " : "", unit);
	} else if (v == floor(v)) {
		snprintf(buf, n, "%.0f%s%s", v, unit[0] ? " " : "", unit);
	} else {
		snprintf(buf, n, "%.3g%s%s", v, unit[0] ? " " : "", unit);
	}
}

static double largest(const struct bar *b, size_t n, int stacked)
{
	double m = 0;

	for (size_t i = 0; i < n; i++) {
		double v = b[i].v[0] + (stacked ? b[i].v[1] : 0);

		m = v > m ? v : m;
	}
	return m > 0 ? m : 1;
}

/* the y axis: a base line, 0 and the maximum */
static void y_axis(struct tv_strbuf *out, double max, const char *unit)
{
	char buf[48];

	tv_strbuf_printf(out,
			 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n"
			 "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"grid\"/>\n",
			 LEFT, TOP + PLOT_H, W - RIGHT, TOP + PLOT_H, LEFT, TOP, W - RIGHT, TOP);
	number(buf, sizeof(buf), max, unit);
	text(out, LEFT - 4, TOP + 4, "end", buf);
	text(out, LEFT - 4, TOP + PLOT_H + 4, "end", "0");
}

/* an x label under column @i of @n, for one column in @every */
static void x_label(struct tv_strbuf *out, double x, const char *label)
{
	tv_strbuf_printf(out,
			 "<text x=\"%.1f\" y=\"%d\" text-anchor=\"end\" "
			 "transform=\"rotate(-35 %.1f %d)\">",
			 x, TOP + PLOT_H + 14, x, TOP + PLOT_H + 14);
	html_escape(out, label);
	tv_strbuf_puts(out, "</text>\n");
}

void svg_columns(struct tv_strbuf *out, const char *title, const struct bar *b, size_t n,
		 const char *unit, int stacked)
{
	double max = largest(b, n, stacked), step = n ? (double)(W - LEFT - RIGHT) / (double)n : 0;
	size_t every = n > 16 ? (n + 15) / 16 : 1;

	open_svg(out, title, TOP + PLOT_H + 90);
	y_axis(out, max, unit);
	for (size_t i = 0; i < n; i++) {
		double x = LEFT + step * (double)i + step * 0.1, w = step * 0.8;
		double h0 = b[i].v[0] / max * PLOT_H, h1 = stacked ? b[i].v[1] / max * PLOT_H : 0;

		rect(out, x, TOP + PLOT_H - h0, w, h0, series_colors[0], b[i].tip);
		if (h1 > 0) {
			rect(out, x, TOP + PLOT_H - h0 - h1, w, h1, series_colors[3], b[i].tip);
		}
		if (i % every == 0) {
			x_label(out, x + w / 2, b[i].label);
		}
	}
	tv_strbuf_puts(out, "</svg></figure>\n");
}

void svg_rows(struct tv_strbuf *out, const char *title, const struct bar *b, size_t n,
	      const char *unit, int stacked)
{
	double max = largest(b, n, stacked), span = W - LABEL_W - 90;
	char buf[48];

	open_svg(out, title, 12 + (int)n * 22 + 8);
	for (size_t i = 0; i < n; i++) {
		double y = 12 + (double)i * 22, w0 = b[i].v[0] / max * span;
		double w1 = stacked ? b[i].v[1] / max * span : 0;

		text(out, LABEL_W - 6, y + 14, "end", b[i].label);
		rect(out, LABEL_W, y + 3, w0, 16, series_colors[0], b[i].tip);
		if (w1 > 0) {
			rect(out, LABEL_W + w0, y + 3, w1, 16, series_colors[3], b[i].tip);
		}
		number(buf, sizeof(buf), b[i].v[0] + (stacked ? b[i].v[1] : 0), unit);
		text(out, LABEL_W + w0 + w1 + 4, y + 15, "start", buf);
	}
	tv_strbuf_puts(out, "</svg></figure>\n");
}

static void legend(struct tv_strbuf *out, const char *const *series, size_t k)
{
	for (size_t s = 0; s < k; s++) {
		double x = LEFT + 70.0 * (double)s;

		rect(out, x, 6, 10, 10, series_colors[s % 4], NULL);
		text(out, x + 14, 15, "start", series[s]);
	}
}

void svg_grouped(struct tv_strbuf *out, const char *title, const char *const *labels,
		 const double *v, size_t n, const char *const *series, size_t k, const char *unit)
{
	double max = 0, step = n ? (double)(W - LEFT - RIGHT) / (double)n : 0;
	char tip[160], buf[48];

	for (size_t i = 0; i < n * k; i++) {
		max = isfinite(v[i]) && v[i] > max ? v[i] : max;
	}
	max = max > 0 ? max : 1;
	open_svg(out, title, TOP + PLOT_H + 90);
	legend(out, series, k);
	y_axis(out, max, unit);
	for (size_t i = 0; i < n; i++) {
		double w = step * 0.8 / (double)k;

		for (size_t s = 0; s < k; s++) {
			double val = isfinite(v[i * k + s]) ? v[i * k + s] : 0,
			       h = val / max * PLOT_H;

			number(buf, sizeof(buf), val, unit);
			snprintf(tip, sizeof(tip), "%s %s: %s", labels[i], series[s], buf);
			rect(out, LEFT + step * (double)i + step * 0.1 + w * (double)s,
			     TOP + PLOT_H - h, w, h, series_colors[s % 4], tip);
		}
		x_label(out, LEFT + step * (double)i + step / 2, labels[i]);
	}
	tv_strbuf_puts(out, "</svg></figure>\n");
}

/* the time the waterfall spans, in ns */
static double span_of(const struct tv_agg_waterfall *w)
{
	double end = w->dur != TV_NONE ? (double)w->dur : 0;

	for (size_t i = 0; i < w->n_rows; i++) {
		const struct tv_agg_row *r = &w->rows[i];

		if (r->start != TV_NONE) {
			double e = (double)r->start + (r->dur != TV_NONE ? (double)r->dur : 0);

			end = e > end ? e : end;
		}
	}
	return end > 0 ? end : 1;
}

static const char *row_color(const struct tv_agg_row *r)
{
	static const char *const kind[] = { "#9aa5b1", "#3b73b9", "#2e8b57" };

	return r->status == TV_AGG_ROW_FAILED ? "#c0392b" : kind[r->kind];
}

/* @s cut to @max characters, with an ellipsis (@s has room for it) */
static void cut(char *s, size_t max)
{
	size_t chars = 0, i = 0;

	for (; s[i]; i++) {
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
		if (chars > max) {
			memcpy(s + i, "…", sizeof("…"));
			return;
		}
	}
}

static void wf_row(struct tv_strbuf *out, const struct tv_agg_row *r, double y, double span)
{
	static const char *const kind[] = { "turn", "llm", "tool" };
	double plot = W - LABEL_W - RIGHT, x, w;
	char label[200], tip[160], ms[32], at[32];

	snprintf(label, sizeof(label), "%s %s", kind[r->kind], r->label);
	cut(label, r->kind == TV_AGG_ROW_TURN ? 30 : 28);
	text(out, LABEL_W - 6, y + 11, "end", label);
	if (r->start == TV_NONE) {
		return;
	}
	x = LABEL_W + (double)r->start / span * plot;
	w = r->dur != TV_NONE ? (double)r->dur / span * plot : 1;
	snprintf(ms, sizeof(ms), "%.0f ms", r->dur != TV_NONE ? (double)r->dur / 1e6 : 0);
	snprintf(at, sizeof(at), "%.0f ms", (double)r->start / 1e6);
	snprintf(tip, sizeof(tip), "%s %s: +%s, %s%s", kind[r->kind], r->label, at, ms,
		 r->status == TV_AGG_ROW_FAILED ? ", failed" : "");
	rect(out, x, y + 2, w, 11, row_color(r), tip);
}

void svg_waterfall(struct tv_strbuf *out, const char *title, const struct tv_agg_waterfall *w)
{
	double span = span_of(w);
	char buf[48];

	open_svg(out, title, 24 + (int)w->n_rows * 16 + 8);
	snprintf(buf, sizeof(buf), "%.0f ms", span / 1e6);
	text(out, LABEL_W, 14, "start", "0");
	text(out, W - RIGHT, 14, "end", buf);
	for (size_t i = 0; i < w->n_rows; i++) {
		wf_row(out, &w->rows[i], 20 + (double)i * 16, span);
	}
	tv_strbuf_puts(out, "</svg></figure>\n");
}
