// SPDX-License-Identifier: MIT
/*
 * televal-filter: read telemetry in any supported format and write the
 * canonical session stream, selecting sessions on the way.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "select.h"
#include "tools/common/tool.h"
#include "tools/common/tool_atomic.h"
#include "tools/common/tool_input.h"
#include "libcommon/read/tv_keyed.h"
#include "tools/common/tool_where.h"
#include "libcommon/read/tv_reader.h"
#include "libcommon/sample/tv_sample.h"
#include "libcommon/core/tv_strbuf.h"
#include "libcommon/core/tv_time.h"

#define FLUSH_AT (1u << 20)

struct opts {
	struct tool_input_opts in;
	bool events;
	bool emit_keyed;   /* the map of a sharded run */
	bool group_sorted; /* its reduce */
	const char *output;
	struct select_opts sel;
	struct tool_where where; /* --where and the shorthands, as expressions */
	bool seed_set;
};

struct run {
	struct opts o;
	struct tool_atomic out;
	struct tv_strbuf buf;
	struct tool_input in;
	struct selector *sel;
	struct tv_strbuf line;
	uint64_t keyed_lines;
	bool write_error;
};

enum {
	OPT_EVENTS = 1000,
	OPT_EMIT_KEYED,
	OPT_GROUP_SORTED,
	OPT_WHERE,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_MODEL,
	OPT_SKILL,
	OPT_SOURCE,
	OPT_SUCCESS,
	OPT_FAILED,
	OPT_GREP,
	OPT_DEDUPE,
	OPT_DEDUPE_WINDOW,
	OPT_LIMIT,
	OPT_COUNT,
	OPT_IDS,
	OPT_SAMPLE,
	OPT_SEED,
	OPT_RESERVOIR,
	OPT_PER,
	OPT_MAX_STRATA,
};

static const char short_opts[] = "o:vhV";
static const struct option long_opts[] = {
	{ "events", no_argument, NULL, OPT_EVENTS },
	{ "emit-keyed", no_argument, NULL, OPT_EMIT_KEYED },
	{ "group-sorted", no_argument, NULL, OPT_GROUP_SORTED },
	{ "where", required_argument, NULL, OPT_WHERE },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ "skill", required_argument, NULL, OPT_SKILL },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "success", no_argument, NULL, OPT_SUCCESS },
	{ "failed", no_argument, NULL, OPT_FAILED },
	{ "grep", required_argument, NULL, OPT_GREP },
	{ "dedupe", no_argument, NULL, OPT_DEDUPE },
	{ "dedupe-window", required_argument, NULL, OPT_DEDUPE_WINDOW },
	{ "invert", no_argument, NULL, 'v' },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "count", no_argument, NULL, OPT_COUNT },
	{ "ids", no_argument, NULL, OPT_IDS },
	{ "sample", required_argument, NULL, OPT_SAMPLE },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "reservoir", required_argument, NULL, OPT_RESERVOIR },
	{ "per", required_argument, NULL, OPT_PER },
	{ "max-strata", required_argument, NULL, OPT_MAX_STRATA },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void help(void)
{
	printf("Usage: %s [OPTION]... [FILE|DIR]...\n"
	       "Read LLM-agent telemetry in any supported format and write the canonical\n"
	       "session stream (JSON Lines, one session per line), keeping the sessions\n"
	       "selected.  With no FILE, or when FILE is -, read standard input; a DIR is\n"
	       "read recursively in name order.\n"
	       "\n"
	       "Selection (all given conditions must hold):\n"
	       "      --where EXPR      an expression over session fields (repeatable, ANDed);\n"
	       "                        see televal-filter(1) for the grammar\n"
	       "      --since TIME      sessions starting at or after TIME (RFC 3339, a date,\n"
	       "                        or a duration ago like 7d)\n"
	       "      --until TIME      sessions starting before TIME\n"
	       "      --model NAME      sessions that called model NAME\n"
	       "      --skill NAME      sessions of skill NAME\n"
	       "      --source NAME     sessions whose source format is NAME, or whose\n"
	       "                        services include NAME\n"
	       "      --success         successful sessions only\n"
	       "      --failed          failed sessions only\n"
	       "      --grep REGEX      a prompt or output matches REGEX (PCRE2)\n"
	       "  -v, --invert          keep the sessions the conditions above reject\n"
	       "      --dedupe          drop sessions whose normalised first prompt was seen\n"
	       "      --dedupe-window N the same, remembering only about the last N prompts\n"
	       "\n"
	       "Sampling (deterministic by session id; see televal-filter(1) for the hash):\n"
	       "      --sample RATE     keep a RATE share (0.05, 5%%, 1/20) of the sessions\n"
	       "      --seed N          the sampling seed (default 0)\n"
	       "      --reservoir N     keep exactly min(N, total) sessions (bottom-k)\n"
	       "      --per FIELD N     keep up to N sessions per value of FIELD (stratified)\n"
	       "      --max-strata N    with --per: at most N values of FIELD (default 10000)\n"
	       "      --limit N         write at most N sessions\n"
	       "\n"
	       "Input:\n",
	       tv_progname);
	tool_input_help(TOOL_IN_ALL & ~TOOL_IN_STATS & ~TOOL_IN_PROGRESS & ~TOOL_IN_MAX_ERRORS);
	printf("\n"
	       "Output:\n"
	       "  -o, --output FILE     write to FILE instead of standard output\n"
	       "      --ids             write only the session ids, one per line, JSON-escaped\n"
	       "      --count           write only the number of sessions kept\n"
	       "      --events          keep the source records in each session's events[]\n"
	       "\n"
	       "Sharded runs (see televal-filter(1) and README: Scaling out):\n"
	       "      --emit-keyed      the map: write each record as KEY<TAB>PAYLOAD, keyed\n"
	       "                        by its session, instead of sessions\n"
	       "      --group-sorted    the reduce: read such lines sorted by key\n"
	       "                        (LC_ALL=C sort -t$'\\t' -k1,1) and write sessions\n");
	tool_input_help(TOOL_IN_STATS | TOOL_IN_PROGRESS | TOOL_IN_MAX_ERRORS);
	printf("  -h, --help            show this help and exit\n"
	       "  -V, --version         show the version and exit\n"
	       "\n"
	       "Exit status: 0 ok, 1 a record was rejected or an input failed, 2 usage error.\n"
	       "See televal-filter(1).\n");
}

/* a shorthand: see tool_where_shorthand() for %s and %r */
static int add_shorthand(struct opts *o, const char *fmt, const char *arg)
{
	return tool_where_shorthand(&o->where, fmt, arg) < 0 ? tool_oom() : 0;
}

static int parse_selection(struct opts *o, int c, const char *arg, int argc, char **argv)
{
	uint64_t n;

	switch (c) {
	case OPT_WHERE:
		return tool_where_add(&o->where, arg) < 0 ? tool_oom() : 0;
	case OPT_SINCE:
		return tool_where_time(&o->where, "--since", arg, "start_time >= %s");
	case OPT_UNTIL:
		return tool_where_time(&o->where, "--until", arg, "start_time < %s");
	case OPT_MODEL:
		return add_shorthand(o, "models == %s", arg);
	case OPT_SKILL:
		return add_shorthand(o, "skill == %s", arg);
	case OPT_SOURCE:
		return add_shorthand(o, "source.format == %s || source.service =~ %r", arg);
	case OPT_SUCCESS:
		return add_shorthand(o, "success == true", NULL);
	case OPT_FAILED:
		return add_shorthand(o, "success == false", NULL);
	case OPT_GREP:
		return add_shorthand(o, "turns.prompt =~ %s || turns.output =~ %s", arg);
	case OPT_DEDUPE:
		o->sel.dedupe_window = SIZE_MAX;
		return 0;
	case OPT_DEDUPE_WINDOW:
		if (tool_parse_count(arg, &n) < 0 || n == 0) {
			return tool_usage_err("invalid number '%s' for --dedupe-window", arg);
		}
		o->sel.dedupe_window = (size_t)n;
		return 0;
	case 'v':
		o->sel.invert = true;
		return 0;
	case OPT_LIMIT:
		if (tool_parse_count(arg, &o->sel.limit) < 0) {
			return tool_usage_err("invalid number '%s' for --limit", arg);
		}
		return 0;
	case OPT_COUNT:
		o->sel.count = true;
		return 0;
	case OPT_IDS:
		o->sel.ids = true;
		return 0;
	case OPT_SAMPLE:
		if (tv_sample_parse_rate(arg, &o->sel.rate) < 0) {
			return tool_usage_err("invalid rate '%s' for --sample (0.05, 5%%, 1/20)",
					      arg);
		}
		o->sel.sample = true;
		return 0;
	case OPT_SEED:
		if (tool_parse_count(arg, &o->sel.seed) < 0) {
			return tool_usage_err("invalid seed '%s' (a non-negative integer)", arg);
		}
		o->seed_set = true;
		return 0;
	case OPT_RESERVOIR:
		if (tool_parse_count(arg, &n) < 0 || n == 0 || n > SIZE_MAX / 64) {
			return tool_usage_err("invalid size '%s' for --reservoir", arg);
		}
		o->sel.reservoir = (size_t)n;
		return 0;
	case OPT_PER:
		if (optind >= argc || tool_parse_count(argv[optind], &n) < 0 || n == 0 ||
		    n > SIZE_MAX / 64) {
			return tool_usage_err("--per needs a FIELD and a number N: --per skill 50");
		}
		o->sel.per_field = arg;
		o->sel.per_n = (size_t)n;
		optind++;
		return 0;
	case OPT_MAX_STRATA:
		if (tool_parse_count(arg, &n) < 0 || n == 0 || n > SIZE_MAX / 64) {
			return tool_usage_err("invalid number '%s' for --max-strata", arg);
		}
		o->sel.max_strata = (size_t)n;
		return 0;
	default:
		return -1;
	}
}

static int check_opts(struct opts *o)
{
	int modes =
		(o->sel.sample ? 1 : 0) + (o->sel.reservoir ? 1 : 0) + (o->sel.per_field ? 1 : 0);

	if (modes > 1) {
		return tool_usage_err("choose one of --sample, --reservoir and --per");
	}
	if (o->seed_set && modes == 0) {
		return tool_usage_err("--seed needs --sample, --reservoir or --per");
	}
	if (o->sel.ids && o->sel.count) {
		return tool_usage_err("choose one of --ids and --count");
	}
	if (o->emit_keyed && o->group_sorted) {
		return tool_usage_err(
			"choose one of --emit-keyed (map) and --group-sorted (reduce)");
	}
	if (o->emit_keyed &&
	    (o->where.n > 0 || modes > 0 || o->sel.dedupe_window || o->sel.limit != UINT64_MAX ||
	     o->sel.ids || o->sel.count || o->sel.invert)) {
		return tool_usage_err("--emit-keyed writes records, not sessions: select in the "
				      "reduce (--group-sorted)");
	}
	if (o->group_sorted && o->in.from != NULL) {
		return tool_usage_err("--group-sorted reads keyed lines: drop --from");
	}
	o->sel.where = o->where.expr;
	o->sel.n_where = o->where.n;
	return 0;
}

/* 0 to go on, -1 after --help/--version, or an exit status */
static int other_opt(struct opts *o, int c)
{
	switch (c) {
	case OPT_EVENTS:
		o->events = true;
		return 0;
	case OPT_EMIT_KEYED:
		o->emit_keyed = true;
		return 0;
	case OPT_GROUP_SORTED:
		o->group_sorted = true;
		return 0;
	case 'o':
		o->output = optarg;
		return 0;
	case 'h':
		help();
		return -1;
	case 'V':
		return tool_version();
	default:
		return tool_bad_option();
	}
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	struct option *opts;
	int c, r;

	*o = (struct opts){ 0 };
	tool_input_defaults(&o->in);
	o->sel.limit = UINT64_MAX;
	o->sel.max_strata = SELECT_MAX_STRATA;
	opts = tool_input_options(long_opts, TOOL_IN_ALL);
	if (opts == NULL) {
		return tool_oom();
	}
	while ((c = getopt_long(argc, argv, short_opts, opts, NULL)) != -1) {
		r = parse_selection(o, c, optarg, argc, argv);
		if (r < 0) {
			r = tool_input_parse(&o->in, c, optarg);
		}
		if (r == 0) {
			continue;
		}
		if (r < 0) {
			r = other_opt(o, c);
		}
		if (r != 0) {
			free(opts);
			return r;
		}
	}
	free(opts);
	return check_opts(o);
}

static int flush_out(struct run *run)
{
	if (run->buf.len == 0) {
		return 0;
	}
	if (tool_write(run->out.f, run->buf.p, run->buf.len) < 0) {
		run->write_error = true;
		run->in.halted = true;
		return -TV_EWRITE;
	}
	tv_strbuf_reset(&run->buf);
	return 0;
}

static int write_cb(void *udata, const char *p, size_t n)
{
	struct run *run = udata;

	if (tv_strbuf_append(&run->buf, p, n) < 0) {
		return -ENOMEM;
	}
	if (run->buf.len >= FLUSH_AT) {
		return flush_out(run);
	}
	return 0;
}

static void progress(struct run *run, bool last)
{
	uint64_t seen, written, filtered;

	selector_counts(run->sel, &seen, &written, &filtered);
	tool_input_progress(&run->in, last, written, "kept");
}

/* the emit callback: serialize, select, write */
/* a session selected: --per's values past --max-strata stop the run */
static int fed(struct run *run, int r)
{
	if (r == -TV_ETOOBIG) {
		tool_err("--per %s: more than %zu values (--max-strata raises the limit)",
			 run->o.sel.per_field, run->o.sel.max_strata);
		run->in.halted = true;
	}
	return r;
}

static int emit(void *udata, struct tv_session *s)
{
	struct run *run = udata;
	int r;

	tv_strbuf_reset(&run->line);
	r = tv_session_write(s, &run->line);
	tv_session_destroy(s);
	if (r < 0) {
		return r;
	}
	r = fed(run, selector_feed(run->sel, run->line.p, run->line.len, write_cb, run));
	if (run->in.progress && (tv_read_stats(run->in.ctx)->sessions & 255) == 0) {
		progress(run, false);
	}
	return r;
}

/* the map: one keyed line per record */
static int emit_keyed(void *udata, const char *key, size_t klen, const char *payload, size_t n)
{
	struct run *run = udata;
	int r = tv_keyed_put_line(&run->buf, key, klen, payload, n);

	if (r < 0) {
		return r;
	}
	run->keyed_lines++;
	return run->buf.len >= FLUSH_AT ? flush_out(run) : 0;
}

/* canonical input: the checked line itself, already parsed */
static int emit_line(void *udata, const char *line, size_t len, const struct tv_jv *root)
{
	struct run *run = udata;
	int r;

	tv_strbuf_reset(&run->line);
	if (tv_strbuf_reserve(&run->line, len + 1) < 0) {
		return -ENOMEM;
	}
	tv_strbuf_append(&run->line, line, len);
	tv_strbuf_putc(&run->line, '\n');
	r = fed(run,
		selector_feed_parsed(run->sel, run->line.p, run->line.len, root, write_cb, run));
	if (run->in.progress && (tv_read_stats(run->in.ctx)->sessions & 255) == 0) {
		progress(run, false);
	}
	return r;
}

static void print_stats(const struct run *run)
{
	tool_print_record_stats(tv_read_stats(run->in.ctx));
	if (run->o.emit_keyed) {
		fprintf(stderr, "%s: keyed lines: %llu\n", tv_progname,
			(unsigned long long)run->keyed_lines);
		return;
	}
	uint64_t seen, written, filtered;

	selector_counts(run->sel, &seen, &written, &filtered);
	fprintf(stderr, "%s: sessions: read %llu = written %llu + filtered %llu\n", tv_progname,
		(unsigned long long)seen, (unsigned long long)written,
		(unsigned long long)filtered);
}

/* compile the selection; a bad expression is shown with a caret under the column */
static int make_selector(struct run *run)
{
	const char *bad = NULL;
	char why[256];
	size_t col = 0;
	int r;

	r = selector_create(&run->o.sel, &run->sel, &bad, &col, why, sizeof(why));
	if (r == -ENOMEM) {
		tool_err("out of memory");
		return 1;
	}
	if (r < 0) {
		return tool_expr_error(bad, col, why);
	}
	return 0;
}

static void free_opts(struct opts *o)
{
	tool_where_free(&o->where);
}

static int run_all(struct run *run, int argc, char **argv)
{
	struct tv_read_opts ro = {
		.keep_events = run->o.events, .emit = emit, .emit_line = emit_line, .udata = run
	};
	int r, status = 0;

	if (run->o.emit_keyed) {
		ro.emit_keyed = emit_keyed;
	}
	run->in.keyed = run->o.group_sorted;
	if (tool_atomic_open(&run->out, run->o.output) < 0) {
		return 1;
	}
	if (tool_input_start(&run->in, &run->o.in, &ro) != 0) {
		tool_atomic_abort(&run->out);
		return 1;
	}
	tool_atomic_signals();
	r = tool_input_read_all(&run->in, argc, argv);
	if (r == 0) {
		r = selector_finish(run->sel, write_cb, run);
	}
	if (r == 0) {
		r = flush_out(run);
	}
	progress(run, true);
	if (r < 0 && !run->in.halted) {
		tool_err("%s", tv_strerror(r));
	}
	if (r < 0 || tool_input_bad(&run->in)) {
		status = 1;
	}
	/* what was read is written, rejected records or not; a failed write is not */
	if (r < 0 || run->write_error) {
		tool_atomic_abort(&run->out);
	} else if (tool_atomic_commit(&run->out) < 0) {
		status = 1;
	}
	if (run->o.in.stats) {
		print_stats(run);
	}
	tool_input_end(&run->in);
	return status;
}

int main(int argc, char **argv)
{
	struct run run = { 0 };
	int r;

	tool_init(argv);
	tv_strbuf_init(&run.buf);
	tv_strbuf_init(&run.line);
	r = parse_opts(argc, argv, &run.o);
	if (r == 0) {
		r = make_selector(&run);
	}
	if (r == 0) {
		r = run_all(&run, argc - optind, argv + optind);
	} else if (r < 0) {
		r = 0; /* --help, --version */
	}
	if (tool_output_close(stdout) < 0 && r == 0) {
		r = 1;
	}
	selector_destroy(run.sel);
	free_opts(&run.o);
	tv_strbuf_finish(&run.buf);
	tv_strbuf_finish(&run.line);
	return r;
}
