// SPDX-License-Identifier: MIT
/*
 * televal-aggregate: the metrics of LLM-agent sessions in any input format:
 * a report (table, JSON, CSV, Markdown, HTML), alerts (--fail-if), a
 * comparison with a baseline (--compare), one session as a tree
 * (--session), and partial states that merge (--partial, --merge).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aggregate.h"
#include "libcommon/read/tv_reader.h"
#include "tools/common/tool.h"
#include "tools/common/tool_atomic.h"

struct run {
	struct agg_opts o;
	struct report rep;
	struct feed feed;
	struct tool_atomic out;
	struct tv_json_parser *jp; /* for partial states */
	struct tv_strbuf text;
	uint64_t matches; /* --session: sessions printed */
	bool failed;	  /* an input could not be read (reported) */
	bool write_error;
};

enum {
	OPT_BY = 1000,
	OPT_MAX_GROUPS,
	OPT_WHERE,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_FORMAT,
	OPT_TOP,
	OPT_SESSION,
	OPT_PRICES,
	OPT_EXACT,
	OPT_RELATIVE_ERROR,
	OPT_FAIL_IF,
	OPT_COMPARE,
	OPT_PARTIAL,
	OPT_MERGE,
};

static const char short_opts[] = "o:hV";
static const struct option long_opts[] = {
	{ "by", required_argument, NULL, OPT_BY },
	{ "max-groups", required_argument, NULL, OPT_MAX_GROUPS },
	{ "where", required_argument, NULL, OPT_WHERE },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "session", required_argument, NULL, OPT_SESSION },
	{ "prices", required_argument, NULL, OPT_PRICES },
	{ "exact", required_argument, NULL, OPT_EXACT },
	{ "relative-error", required_argument, NULL, OPT_RELATIVE_ERROR },
	{ "fail-if", required_argument, NULL, OPT_FAIL_IF },
	{ "compare", required_argument, NULL, OPT_COMPARE },
	{ "partial", no_argument, NULL, OPT_PARTIAL },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void help(void)
{
	printf("Usage: %s [OPTION]... [FILE|DIR]...\n"
	       "Read LLM-agent telemetry in any supported format and report the metrics of\n"
	       "its sessions: counts, rates, latency and duration percentiles, tokens, cost,\n"
	       "the slowest calls, tool use and errors; overall and per group.  With no\n"
	       "FILE, or when FILE is -, read standard input; a DIR is read recursively.\n"
	       "\n"
	       "Grouping and selection:\n"
	       "      --by KEY          group by KEY (repeatable: groups of tuples): model,\n"
	       "                        status, tool, skill, source, day, hour, or a session\n"
	       "                        path such as metadata.user_id\n"
	       "      --max-groups N    keep N groups (default 200), the rest as \"other\"\n"
	       "      --where EXPR      sessions for which EXPR holds (repeatable, ANDed);\n"
	       "                        the grammar of televal-filter(1)\n"
	       "      --since TIME      sessions starting at or after TIME (RFC 3339, a date,\n"
	       "                        or a duration ago like 24h)\n"
	       "      --until TIME      sessions starting before TIME\n"
	       "\n"
	       "Report:\n"
	       "      --format FORMAT   table (the default on a terminal), json (the default\n"
	       "                        otherwise), csv, markdown or html\n"
	       "  -o, --output FILE     write to FILE (its extension sets the default format)\n"
	       "      --top N           entries in each list of the slowest and most (default 10)\n"
	       "      --prices FILE     costs from a dated YAML table of prices per million\n"
	       "                        tokens, not from the data\n"
	       "      --exact N         values kept exactly per distribution (default 4096)\n"
	       "      --relative-error A  the relative error of the percentiles past that\n"
	       "                        (default 0.01)\n"
	       "      --session ID      print session ID as a tree of turns, LLM calls and tool\n"
	       "                        calls instead of a report\n"
	       "\n"
	       "Alerts and comparison:\n"
	       "      --fail-if EXPR    exit 3 when EXPR holds overall or for a group, e.g.\n"
	       "                        'p95(llm.latency_ms) > 3500' (repeatable)\n"
	       "      --compare FILE    each metric before (FILE: a JSON result, a partial\n"
	       "                        state, or sessions) and now, the change, its direction\n"
	       "\n"
	       "Sharded runs:\n"
	       "      --partial         write the aggregate's state instead of a report\n"
	       "      --merge           the operands are partial states: merge them, then report\n"
	       "                        (or write the merged state with --partial)\n"
	       "\n"
	       "Input:\n",
	       tv_progname);
	tool_input_help(TOOL_IN_ALL & ~TOOL_IN_STATS & ~TOOL_IN_PROGRESS & ~TOOL_IN_MAX_ERRORS);
	printf("\n"
	       "Messages:\n");
	tool_input_help(TOOL_IN_STATS | TOOL_IN_PROGRESS | TOOL_IN_MAX_ERRORS);
	printf("  -h, --help            show this help and exit\n"
	       "  -V, --version         show the version and exit\n"
	       "\n"
	       "Exit status: 0 ok, 1 a record was rejected or an input failed, 2 usage error,\n"
	       "3 a --fail-if condition held.  See televal-aggregate(1).\n");
}

static int add_str(const char ***v, size_t *n, const char *s)
{
	const char **p = realloc(*v, (*n + 1) * sizeof(*p));

	if (p == NULL) {
		return tool_oom();
	}
	*v = p;
	p[(*n)++] = s;
	return 0;
}

static int parse_format(struct agg_opts *o, const char *arg)
{
	static const char *const names[] = { "table", "json", "csv", "markdown", "html" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(arg, names[i]) == 0) {
			o->format = (enum out_format)i;
			o->format_set = true;
			return 0;
		}
	}
	return tool_usage_err("unknown format '%s' (table, json, csv, markdown, html)", arg);
}

static int parse_number(const char *opt, const char *arg, size_t min, size_t max, size_t *out)
{
	uint64_t n;

	if (tool_parse_count(arg, &n) < 0 || n < min || n > max) {
		return tool_usage_err("invalid number '%s' for %s (%zu to %zu)", arg, opt, min,
				      max);
	}
	*out = (size_t)n;
	return 0;
}

static int parse_alpha(struct agg_opts *o, const char *arg)
{
	char *end;

	errno = 0;
	o->alpha = strtod(arg, &end);
	if (errno || end == arg || *end || !(o->alpha >= 0.001 && o->alpha <= 0.1)) {
		return tool_usage_err("invalid relative error '%s' (0.001 to 0.1)", arg);
	}
	return 0;
}

static int parse_report_opt(struct agg_opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_FORMAT:
		return parse_format(o, arg);
	case OPT_TOP:
		return parse_number("--top", arg, 1, TV_AGG_TOP_LIMIT, &o->top);
	case OPT_SESSION:
		o->session_id = arg;
		return 0;
	case OPT_PRICES:
		o->prices = arg;
		return 0;
	case OPT_EXACT:
		return parse_number("--exact", arg, 0, TV_AGG_EXACT_LIMIT, &o->exact_max);
	case OPT_RELATIVE_ERROR:
		return parse_alpha(o, arg);
	case OPT_FAIL_IF:
		return add_str(&o->fail_if, &o->n_fail_if, arg);
	case OPT_COMPARE:
		o->compare = arg;
		return 0;
	case OPT_PARTIAL:
		o->partial = true;
		return 0;
	case OPT_MERGE:
		o->merge = true;
		return 0;
	case 'o':
		o->output = arg;
		return 0;
	default:
		return -1;
	}
}

static int parse_select_opt(struct agg_opts *o, int c, const char *arg)
{
	switch (c) {
	case OPT_BY:
		return add_str(&o->by, &o->n_by, arg);
	case OPT_MAX_GROUPS:
		return parse_number("--max-groups", arg, 1, TV_AGG_GROUPS_LIMIT, &o->max_groups);
	case OPT_WHERE:
		return tool_where_add(&o->where, arg) < 0 ? tool_oom() : 0;
	case OPT_SINCE:
		return tool_where_time(&o->where, "--since", arg, "start_time >= %s");
	case OPT_UNTIL:
		return tool_where_time(&o->where, "--until", arg, "start_time < %s");
	default:
		return parse_report_opt(o, c, arg);
	}
}

/* the default format: the output file's extension, else table on a terminal, else json */
static void default_format(struct agg_opts *o)
{
	static const struct {
		const char *ext;
		enum out_format f;
	} ext[] = { { ".json", OUT_JSON }, { ".csv", OUT_CSV },	 { ".md", OUT_MARKDOWN },
		    { ".html", OUT_HTML }, { ".htm", OUT_HTML }, { ".txt", OUT_TABLE } };
	size_t n = o->output ? strlen(o->output) : 0;

	if (o->format_set) {
		return;
	}
	o->format = OUT_JSON;
	if (n == 0 || strcmp(o->output, "-") == 0) {
		o->format = isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_JSON;
		return;
	}
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i].ext);

		if (n > e && strcmp(o->output + n - e, ext[i].ext) == 0) {
			o->format = ext[i].f;
		}
	}
}

/* what --merge takes from the partial states and so refuses on the command line */
static int check_merge(const struct agg_opts *o, const struct tool_input_opts *def)
{
	if (o->n_by || o->max_groups || o->where.n || o->prices ||
	    o->exact_max != TV_DIST_EXACT_MAX || o->alpha != TV_SKETCH_DEFAULT_ALPHA || o->top ||
	    o->session_id) {
		return tool_usage_err(
			"--merge takes --by, --max-groups, --where, --since, --until, "
			"--top, --prices, --exact and --relative-error from the partial "
			"states; --session needs sessions");
	}
	if (o->in.from || o->in.gap != def->gap || o->in.max_open) {
		return tool_usage_err("--from, --gap and --max-open read sessions, not partial "
				      "states");
	}
	return 0;
}

static int check_opts(struct agg_opts *o)
{
	struct tool_input_opts def;

	tool_input_defaults(&def);
	if (o->merge) {
		int r = check_merge(o, &def);

		if (r) {
			return r;
		}
	}
	if (o->session_id && (o->partial || o->n_fail_if || o->compare)) {
		return tool_usage_err("--session prints one session: no --partial, --fail-if or "
				      "--compare");
	}
	if (o->partial && (o->n_fail_if || o->compare || o->format_set)) {
		return tool_usage_err("--partial writes a state, not a report: no --fail-if, "
				      "--compare or --format");
	}
	default_format(o);
	return 0;
}

static int other_opt(int c)
{
	switch (c) {
	case 'h':
		help();
		return -1;
	case 'V':
		return tool_version();
	default:
		return tool_bad_option();
	}
}

static int parse_opts(int argc, char **argv, struct agg_opts *o)
{
	struct option *opts;
	int c, r;

	*o = (struct agg_opts){ .exact_max = TV_DIST_EXACT_MAX, .alpha = TV_SKETCH_DEFAULT_ALPHA };
	tool_input_defaults(&o->in);
	opts = tool_input_options(long_opts, TOOL_IN_ALL);
	if (opts == NULL) {
		return tool_oom();
	}
	while ((c = getopt_long(argc, argv, short_opts, opts, NULL)) != -1) {
		r = parse_select_opt(o, c, optarg);
		if (r < 0) {
			r = tool_input_parse(&o->in, c, optarg);
		}
		if (r < 0) {
			r = other_opt(c);
		}
		if (r != 0) {
			free(opts);
			return r;
		}
	}
	free(opts);
	return check_opts(o);
}

/* ---- sessions in ---- */

static int write_out(void *udata, const char *p, size_t n)
{
	struct run *run = udata;

	if (tool_write(run->out.f, p, n) < 0) {
		run->write_error = true;
		run->feed.in.halted = true;
		return -TV_EWRITE;
	}
	return 0;
}

/* --session: the tree of a session whose id is the one asked for */
static int show_session(void *udata, const struct tv_jv *root, const struct tv_session *s)
{
	struct run *run = udata;
	struct tv_session *built = NULL;
	const char *why;
	int r = 0;

	if (s == NULL) {
		r = tv_session_from_json(root, &built, &why);
		if (r < 0) {
			return r;
		}
		s = built;
	}
	tv_strbuf_reset(&run->text);
	if (run->matches++ > 0) {
		r = tv_strbuf_putc(&run->text, '\n');
	}
	if (r == 0) {
		r = tree_write(s, run->rep.color, &run->text);
	}
	if (r == 0) {
		r = write_out(run, run->text.p, run->text.len);
	}
	tv_session_destroy(built);
	return r;
}

static int read_sessions(struct run *run, int argc, char **argv)
{
	struct feed *f = &run->feed;
	int r;

	f->agg = run->rep.agg;
	f->where = &run->o.where;
	f->session_id = run->o.session_id;
	f->show = show_session;
	f->udata = run;
	f->counts = &run->rep.in;
	r = feed_run(f, &run->o.in, argc, argv);
	run->failed = run->failed || f->in.failed;
	return r;
}

/* ---- partial states ---- */

static int merge_one(const char *file, void *udata)
{
	struct run *run = udata;
	struct tv_agg *a = NULL;
	int r = partial_read(file, run->jp, &a, &run->rep.in);

	if (r == 0 && run->rep.agg == NULL) {
		run->rep.agg = a;
		a = NULL;
	} else if (r == 0) {
		r = tv_agg_merge(run->rep.agg, a);
		if (r == -TV_EUSAGE) {
			tool_err("%s: a partial state of other options (--by, --max-groups, --top, "
				 "--exact, --relative-error, --prices): not merged",
				 file);
		}
	}
	tv_agg_destroy(a);
	if (r < 0 && r != -ENOMEM) {
		run->failed = true;
		r = 0; /* go on with the other states */
	}
	return r;
}

static int merge_partials(struct run *run, int argc, char **argv)
{
	int r = 0;

	if (argc == 0) {
		r = merge_one("-", run);
	}
	for (int i = 0; r == 0 && i < argc; i++) {
		r = tool_walk(argv[i], merge_one, run);
		if (r == -1) {
			run->failed = true;
			r = 0;
		}
	}
	return r;
}

/* ---- the report ---- */

static bool use_color(const struct agg_opts *o)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (o->format != OUT_TABLE || (no && *no) || (term && strcmp(term, "dumb") == 0)) {
		return false;
	}
	return (o->output == NULL || strcmp(o->output, "-") == 0) && isatty(STDOUT_FILENO);
}

static int make_agg(struct run *run)
{
	struct tv_agg_opts ao = { .by = run->o.by,
				  .n_by = run->o.n_by,
				  .max_groups = run->o.max_groups,
				  .exact_max = run->o.exact_max,
				  .alpha = run->o.alpha,
				  .top = run->o.top,
				  .prices = run->rep.prices };
	struct tv_error err;
	int r;

	tv_error_clear(&err);
	r = tv_agg_create(&ao, &run->rep.agg, &err);
	if (r == -ENOMEM) {
		tool_err("out of memory");
		return 1;
	}
	if (r < 0 && err.line) {
		tool_err("--by %s: not a key (model, status, tool, skill, source, day, hour) "
			 "or a session path",
			 err.file);
		return tool_expr_error(err.file, (size_t)err.line - 1, err.msg);
	}
	if (r < 0) {
		return tool_usage_err("%s", err.msg);
	}
	return 0;
}

static int load_prices(struct run *run)
{
	struct tv_error err;
	int r;

	if (run->o.prices == NULL) {
		return 0;
	}
	tv_error_clear(&err);
	r = tv_prices_load(run->o.prices, &run->rep.prices, &err);
	if (r == -ENOMEM) {
		tool_err("out of memory");
		return 1;
	}
	if (r < 0) {
		tool_err("%s:%llu: %s", err.file, (unsigned long long)err.line, err.msg);
		return 2;
	}
	return 0;
}

static int write_report(struct run *run)
{
	int (*const out[])(struct report *, struct tv_strbuf *) = { out_table, out_json, out_csv,
								    out_markdown, out_html };
	int r;

	tv_strbuf_reset(&run->text);
	r = out[run->o.format](&run->rep, &run->text);
	if (r == 0 && run->text.err < 0) {
		r = run->text.err; /* an append failed: the report is not whole */
	}
	if (r == 0) {
		r = write_out(run, run->text.p, run->text.len);
	}
	return r;
}

static void tell_alerts(const struct run *run)
{
	struct tv_strbuf label;

	tv_strbuf_init(&label);
	for (size_t i = 0; i < run->rep.n_fired; i++) {
		const struct fired *f = &run->rep.fired[i];

		tv_strbuf_reset(&label);
		group_label(&run->rep, f->group, &label);
		tool_err("alert: %s: %s (%s)", alerts_source(run->rep.alerts, f->expr), f->values,
			 label.p ? label.p : "total");
	}
	tv_strbuf_finish(&label);
}

/* alerts and the baseline, then the report in its format */
static int report(struct run *run)
{
	int r = 0;

	if (run->rep.alerts) {
		r = alerts_eval(run->rep.alerts, run->rep.agg, &run->rep.fired, &run->rep.n_fired);
	}
	if (r == 0 && run->o.compare && baseline_load(&run->rep, run->o.compare, &run->rep.base)) {
		run->failed = true;
	}
	if (r == 0) {
		r = write_report(run);
	}
	tell_alerts(run);
	return r;
}

static void print_stats(const struct run *run)
{
	const struct input_counts *c = &run->rep.in;

	fprintf(stderr, "%s: records: read %llu = used %llu + skipped %llu + rejected %llu\n",
		tv_progname, (unsigned long long)c->records_read,
		(unsigned long long)c->records_used, (unsigned long long)c->records_skipped,
		(unsigned long long)c->records_rejected);
	if (run->feed.in.ctx != NULL) {
		tool_print_skipped_kinds(tv_read_stats(run->feed.in.ctx));
	}
	fprintf(stderr, "%s: sessions: read %llu = aggregated %llu + filtered %llu\n", tv_progname,
		(unsigned long long)c->sessions, (unsigned long long)c->selected,
		(unsigned long long)(c->sessions - c->selected));
	if (run->o.merge) {
		fprintf(stderr, "%s: partial states merged: %llu\n", tv_progname,
			(unsigned long long)c->partials);
	}
}

/* ---- main ---- */

static int produce(struct run *run)
{
	if (run->o.session_id) {
		if (run->matches == 0) {
			tool_err("no session '%s' in the input", run->o.session_id);
			run->failed = true;
		}
		return 0;
	}
	if (run->rep.agg == NULL) {
		tool_err("no partial state could be merged");
		run->failed = true;
		return 0;
	}
	if (run->o.partial) {
		return partial_write(run->rep.agg, &run->rep.in, &run->o.where, write_out, run);
	}
	return report(run);
}

static int run_all(struct run *run, int argc, char **argv)
{
	int r, status = 0;

	if (tool_atomic_open(&run->out, run->o.output) < 0) {
		return 1;
	}
	tool_atomic_signals();
	r = run->o.merge ? merge_partials(run, argc, argv) : read_sessions(run, argc, argv);
	if (r == 0) {
		r = produce(run);
	}
	if (r < 0 && !run->write_error && !run->feed.in.halted) {
		tool_err("%s", tv_strerror(r));
	}
	if (r < 0 || run->failed || run->rep.in.records_rejected > 0) {
		status = 1;
	} else if (run->rep.n_fired > 0) {
		status = 3;
	}
	if (r < 0 || run->write_error) {
		tool_atomic_abort(&run->out);
	} else if (tool_atomic_commit(&run->out) < 0) {
		status = 1;
	}
	if (run->o.in.stats) {
		print_stats(run);
	}
	feed_finish(&run->feed);
	return status;
}

static int prepare(struct run *run)
{
	int r = tool_where_compile(&run->o.where);

	if (r == 0) {
		r = load_prices(run);
	}
	if (r == 0 && run->o.n_fail_if) {
		r = alerts_compile(run->o.fail_if, run->o.n_fail_if, &run->rep.alerts);
	}
	if (r == 0 && !run->o.merge && !run->o.session_id) {
		r = make_agg(run);
	}
	run->jp = tv_json_parser_create();
	if (r == 0 && run->jp == NULL) {
		tool_err("out of memory");
		r = 1;
	}
	run->rep.o = &run->o;
	run->rep.color = use_color(&run->o);
	return r;
}

static void cleanup(struct run *run)
{
	tv_agg_destroy(run->rep.agg);
	tv_prices_destroy(run->rep.prices);
	alerts_destroy(run->rep.alerts);
	baseline_destroy(run->rep.base);
	tv_json_parser_destroy(run->jp);
	tool_where_free(&run->o.where);
	free(run->o.by);
	free(run->o.fail_if);
	tv_strbuf_finish(&run->text);
}

int main(int argc, char **argv)
{
	struct run run = { 0 };
	int r;

	tool_init(argv);
	tv_strbuf_init(&run.text);
	r = parse_opts(argc, argv, &run.o);
	if (r == 0) {
		r = prepare(&run);
	}
	if (r == 0) {
		r = run_all(&run, argc - optind, argv + optind);
	} else if (r < 0) {
		r = 0; /* --help, --version */
	}
	if (tool_output_close(stdout) < 0 && r == 0) {
		r = 1;
	}
	cleanup(&run);
	return r;
}
