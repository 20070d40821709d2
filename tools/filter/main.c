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
#include "libcommon/read/tv_reader.h"
#include "libcommon/sample/tv_sample.h"
#include "libcommon/core/tv_strbuf.h"
#include "libcommon/core/tv_time.h"

#define DEFAULT_GAP_NS (3600 * TV_NS_PER_SEC)
#define FLUSH_AT (1u << 20)

struct opts {
	const struct tv_format *from;
	bool events;
	bool stats;
	int64_t gap;
	size_t max_open;
	size_t max_record;
	uint64_t max_errors;
	const char *output;
	int progress;		/* -1: when stderr is a terminal */
	struct select_opts sel;
	const char **where;	/* --where and the shorthands, as expressions */
	size_t n_where;
	char **owned;		/* expressions built from shorthands */
	size_t n_owned;
	bool seed_set;
};

struct run {
	struct opts o;
	FILE *out;
	struct tv_strbuf buf;
	struct tv_read_ctx *ctx;
	struct selector *sel;
	struct tv_strbuf line;
	bool failed;		/* an input could not be read */
	bool write_error;
	bool progress;
	struct timespec last_progress;
};

enum {
	OPT_FROM = 1000,
	OPT_EVENTS,
	OPT_STATS,
	OPT_GAP,
	OPT_MAX_OPEN,
	OPT_MAX_RECORD,
	OPT_MAX_ERRORS,
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
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
};

static const char short_opts[] = "o:vhV";
static const struct option long_opts[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "events", no_argument, NULL, OPT_EVENTS },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "gap", required_argument, NULL, OPT_GAP },
	{ "max-open", required_argument, NULL, OPT_MAX_OPEN },
	{ "max-record", required_argument, NULL, OPT_MAX_RECORD },
	{ "max-errors", required_argument, NULL, OPT_MAX_ERRORS },
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
	{ "progress", no_argument, NULL, OPT_PROGRESS },
	{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
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
	       "      --source NAME     sessions whose source format or service is NAME\n"
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
	       "      --limit N         write at most N sessions\n"
	       "\n"
	       "Input:\n"
	       "      --from FORMAT     do not detect the input format; one of:\n"
	       "                        %s\n"
	       "      --gap DURATION    close a session idle this long on the records' own\n"
	       "                        clock (default 1h; 0: only at the end of input)\n"
	       "      --max-open N      most sessions held open at once (default 1000000)\n"
	       "      --max-record SIZE largest record in bytes, k/M/G suffixes (default 256M)\n"
	       "\n"
	       "Output:\n"
	       "  -o, --output FILE     write to FILE instead of standard output\n"
	       "      --ids             write only the session ids, one per line\n"
	       "      --count           write only the number of sessions kept\n"
	       "      --events          keep the source records in each session's events[]\n"
	       "      --stats           print record and session counts on standard error\n"
	       "      --progress        show progress on standard error (default: when it is\n"
	       "                        a terminal); --no-progress never\n"
	       "      --max-errors N    show at most N rejected records (default 100; 0: all)\n"
	       "  -h, --help            show this help and exit\n"
	       "  -V, --version         show the version and exit\n"
	       "\n"
	       "Exit status: 0 ok, 1 a record was rejected or an input failed, 2 usage error.\n"
	       "See televal-filter(1).\n",
	       tv_progname, tv_format_list());
}

/* an expression string literal holding @s */
static char *quoted(const char *s)
{
	struct tv_strbuf b;

	tv_strbuf_init(&b);
	tv_strbuf_putc(&b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			tv_strbuf_putc(&b, '\\');
		tv_strbuf_putc(&b, *s);
	}
	tv_strbuf_putc(&b, '"');
	return tv_strbuf_steal(&b);
}

static int add_where(struct opts *o, const char *expr)
{
	const char **v = realloc(o->where, (o->n_where + 1) * sizeof(*v));

	if (v == NULL)
		return -ENOMEM;
	o->where = v;
	o->where[o->n_where++] = expr;
	return 0;
}

/* a shorthand: the expression @fmt with every %s replaced by @arg quoted */
static int add_shorthand(struct opts *o, const char *fmt, const char *arg)
{
	char *q = arg ? quoted(arg) : NULL, **v;
	struct tv_strbuf b;
	int r;

	tv_strbuf_init(&b);
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			tv_strbuf_puts(&b, q ? q : "null");
			p++;
		} else {
			tv_strbuf_putc(&b, *p);
		}
	}
	free(q);
	v = realloc(o->owned, (o->n_owned + 1) * sizeof(*v));
	if (v == NULL) {
		tv_strbuf_finish(&b);
		return -ENOMEM;
	}
	o->owned = v;
	o->owned[o->n_owned] = tv_strbuf_steal(&b);
	if (o->owned[o->n_owned] == NULL)
		return -ENOMEM;
	r = add_where(o, o->owned[o->n_owned]);
	o->n_owned++;
	return r;
}

/* --since/--until: a timestamp, a date, or a duration before now */
static int time_arg(struct opts *o, const char *opt, const char *arg, const char *fmt)
{
	char buf[TV_TIME_BUFSZ];
	struct timespec now;
	int64_t ns, d;

	if (tv_time_parse(arg, strlen(arg), &ns, NULL) == 0)
		return add_shorthand(o, fmt, arg);
	if (strlen(arg) == 10 && arg[4] == '-' && arg[7] == '-')
		return add_shorthand(o, fmt, arg);	/* a date: checked by the compiler */
	if (tv_duration_parse(arg, &d) < 0)
		return tool_usage_err("invalid time '%s' for %s (RFC 3339, YYYY-MM-DD or a "
				      "duration like 7d)", arg, opt);
	clock_gettime(CLOCK_REALTIME, &now);
	ns = (int64_t)now.tv_sec * TV_NS_PER_SEC - d;
	tv_time_format(ns, buf);
	return add_shorthand(o, fmt, buf);
}

static int parse_count(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!(*s >= '0' && *s <= '9'))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int parse_selection(struct opts *o, int c, const char *arg, int argc, char **argv)
{
	uint64_t n;

	switch (c) {
	case OPT_WHERE:
		return add_where(o, arg) < 0 ? tool_usage_err("out of memory") : 0;
	case OPT_SINCE:
		return time_arg(o, "--since", arg, "start_time >= %s");
	case OPT_UNTIL:
		return time_arg(o, "--until", arg, "start_time < %s");
	case OPT_MODEL:
		return add_shorthand(o, "models == %s", arg);
	case OPT_SKILL:
		return add_shorthand(o, "skill == %s", arg);
	case OPT_SOURCE:
		return add_shorthand(o, "source.format == %s || source.service == %s", arg);
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
		if (parse_count(arg, &n) < 0 || n == 0)
			return tool_usage_err("invalid number '%s' for --dedupe-window", arg);
		o->sel.dedupe_window = (size_t)n;
		return 0;
	case 'v':
		o->sel.invert = true;
		return 0;
	case OPT_LIMIT:
		if (parse_count(arg, &o->sel.limit) < 0)
			return tool_usage_err("invalid number '%s' for --limit", arg);
		return 0;
	case OPT_COUNT:
		o->sel.count = true;
		return 0;
	case OPT_IDS:
		o->sel.ids = true;
		return 0;
	case OPT_SAMPLE:
		if (tv_sample_parse_rate(arg, &o->sel.rate) < 0)
			return tool_usage_err("invalid rate '%s' for --sample (0.05, 5%%, 1/20)", arg);
		o->sel.sample = true;
		return 0;
	case OPT_SEED:
		if (parse_count(arg, &o->sel.seed) < 0)
			return tool_usage_err("invalid seed '%s' (a non-negative integer)", arg);
		o->seed_set = true;
		return 0;
	case OPT_RESERVOIR:
		if (parse_count(arg, &n) < 0 || n == 0 || n > SIZE_MAX / 64)
			return tool_usage_err("invalid size '%s' for --reservoir", arg);
		o->sel.reservoir = (size_t)n;
		return 0;
	case OPT_PER:
		if (optind >= argc || parse_count(argv[optind], &n) < 0 || n == 0 ||
		    n > SIZE_MAX / 64)
			return tool_usage_err("--per needs a FIELD and a number N: --per skill 50");
		o->sel.per_field = arg;
		o->sel.per_n = (size_t)n;
		optind++;
		return 0;
	default:
		return -1;
	}
}

static int parse_input_opt(struct opts *o, int c, const char *arg)
{
	size_t n;

	switch (c) {
	case OPT_FROM:
		o->from = tv_format_find(arg);
		if (o->from == NULL)
			return tool_usage_err("unknown format '%s' (one of %s)", arg,
					      tv_format_list());
		return 0;
	case OPT_GAP:
		if (tv_duration_parse(arg, &o->gap) < 0)
			return tool_usage_err("invalid duration '%s' for --gap", arg);
		return 0;
	case OPT_MAX_OPEN:
		if (tool_parse_size(arg, &o->max_open) < 0 || o->max_open == 0)
			return tool_usage_err("invalid number '%s' for --max-open", arg);
		return 0;
	case OPT_MAX_RECORD:
		if (tool_parse_size(arg, &o->max_record) < 0 || o->max_record == 0)
			return tool_usage_err("invalid size '%s' for --max-record", arg);
		return 0;
	case OPT_MAX_ERRORS:
		if (strcmp(arg, "0") == 0)
			n = 0;
		else if (tool_parse_size(arg, &n) < 0)
			return tool_usage_err("invalid number '%s' for --max-errors", arg);
		o->max_errors = n;
		return 0;
	default:
		return -1;
	}
}

static int check_opts(struct opts *o)
{
	int modes = (o->sel.sample ? 1 : 0) + (o->sel.reservoir ? 1 : 0) +
		    (o->sel.per_field ? 1 : 0);

	if (modes > 1)
		return tool_usage_err("choose one of --sample, --reservoir and --per");
	if (o->seed_set && modes == 0)
		return tool_usage_err("--seed needs --sample, --reservoir or --per");
	if (o->sel.ids && o->sel.count)
		return tool_usage_err("choose one of --ids and --count");
	o->sel.where = o->where;
	o->sel.n_where = o->n_where;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int c, r;

	*o = (struct opts){ .gap = DEFAULT_GAP_NS, .max_errors = 100, .progress = -1 };
	o->sel.limit = UINT64_MAX;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		r = parse_selection(o, c, optarg, argc, argv);
		if (r < 0)
			r = parse_input_opt(o, c, optarg);
		if (r > 0)
			return r;
		if (r == 0)
			continue;
		switch (c) {
		case OPT_EVENTS:
			o->events = true;
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case OPT_PROGRESS:
			o->progress = 1;
			break;
		case OPT_NO_PROGRESS:
			o->progress = 0;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'h':
			help();
			return -1;
		case 'V':
			printf("%s (televal) %s\n", tv_progname, TV_VERSION);
			return -1;
		default:
			fprintf(stderr, "Try '%s --help' for more information.\n", tv_progname);
			return 2;
		}
	}
	return check_opts(o);
}

static int flush_out(struct run *run)
{
	if (run->buf.len == 0)
		return 0;
	if (tool_write(run->out, run->buf.p, run->buf.len) < 0) {
		run->write_error = true;
		return -TV_EWRITE;
	}
	tv_strbuf_reset(&run->buf);
	return 0;
}

static int write_cb(void *udata, const char *p, size_t n)
{
	struct run *run = udata;

	if (tv_strbuf_append(&run->buf, p, n) < 0)
		return -ENOMEM;
	if (run->buf.len >= FLUSH_AT)
		return flush_out(run);
	return 0;
}

static void progress(struct run *run, bool last)
{
	const struct tv_stats *st = tv_read_stats(run->ctx);
	uint64_t seen, written, filtered;
	struct timespec now;

	if (!run->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!last && (now.tv_sec - run->last_progress.tv_sec) * 1000000000L +
			     (now.tv_nsec - run->last_progress.tv_nsec) < 250000000L)
		return;
	run->last_progress = now;
	selector_counts(run->sel, &seen, &written, &filtered);
	fprintf(stderr, "\r%s: %llu MB, %llu records, %llu sessions, %llu kept%s", tv_progname,
		(unsigned long long)(st->bytes >> 20), (unsigned long long)st->records_read,
		(unsigned long long)seen, (unsigned long long)written, last ? "\n" : "");
}

/* the emit callback: serialize, select, write */
static int emit(void *udata, struct tv_session *s)
{
	struct run *run = udata;
	int r;

	tv_strbuf_reset(&run->line);
	r = tv_session_write(s, &run->line);
	tv_session_destroy(s);
	if (r < 0)
		return r;
	r = selector_feed(run->sel, run->line.p, run->line.len, write_cb, run);
	if (run->progress && (tv_read_stats(run->ctx)->sessions & 255) == 0)
		progress(run, false);
	return r;
}

/* canonical input: the checked line itself, already parsed */
static int emit_line(void *udata, const char *line, size_t len, const struct tv_jv *root)
{
	struct run *run = udata;
	int r;

	tv_strbuf_reset(&run->line);
	if (tv_strbuf_reserve(&run->line, len + 1) < 0)
		return -ENOMEM;
	tv_strbuf_append(&run->line, line, len);
	tv_strbuf_putc(&run->line, '\n');
	r = selector_feed_parsed(run->sel, run->line.p, run->line.len, root, write_cb, run);
	if (run->progress && (tv_read_stats(run->ctx)->sessions & 255) == 0)
		progress(run, false);
	return r;
}

static int read_one(const char *path, void *udata)
{
	struct run *run = udata;
	struct tv_error err;
	int r;

	tv_error_clear(&err);
	r = tv_read_file(run->ctx, path, run->o.from, &err);
	if (r == 0)
		return 0;
	if (run->write_error || r == -TV_EWRITE)
		return r;	/* already reported */
	if (err.line)
		tool_err("%s:%llu: %s", err.file, (unsigned long long)err.line, err.msg);
	else
		tool_err("%s: %s", err.file, err.msg);
	run->failed = true;
	return r == -ENOMEM ? r : 0;	/* go on with the other inputs */
}

static int run_inputs(struct run *run, int argc, char **argv)
{
	int r = 0;

	if (argc == 0)
		return read_one("-", run);
	for (int i = 0; i < argc && r == 0; i++) {
		r = tool_walk(argv[i], read_one, run);
		if (r == -1) {
			run->failed = true;
			r = 0;
		}
	}
	return r;
}

static void print_stats(const struct run *run)
{
	tool_print_record_stats(tv_read_stats(run->ctx));
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
		size_t chars = 0;

		/* the caret goes under the character: count UTF-8 lead bytes, not bytes */
		for (size_t i = 0; bad && i < col && bad[i]; i++)
			chars += ((unsigned char)bad[i] & 0xc0) != 0x80;
		tool_err("invalid expression: %s", why);
		fprintf(stderr, "  %s\n  %*s^\n", bad ? bad : "", (int)chars, "");
		return 2;
	}
	return 0;
}

static void free_opts(struct opts *o)
{
	for (size_t i = 0; i < o->n_owned; i++)
		free(o->owned[i]);
	free(o->owned);
	free(o->where);
}

static int run_all(struct run *run, int argc, char **argv)
{
	struct tool_report rep = { .max = run->o.max_errors };
	struct tv_read_opts ro = { .keep_events = run->o.events, .gap = run->o.gap,
				   .max_record = run->o.max_record, .max_open = run->o.max_open,
				   .emit = emit, .emit_line = emit_line,
				   .report = tool_report_cb, .udata = run,
				   .report_udata = &rep };
	struct tv_error err;
	int r, status = 0;

	run->out = tool_output_open(run->o.output);
	if (run->out == NULL)
		return 1;
	run->ctx = tv_read_ctx_create(&ro);
	if (run->ctx == NULL) {
		tool_err("out of memory");
		return 1;
	}
	run->progress = run->o.progress < 0 ? isatty(STDERR_FILENO) : run->o.progress;
	r = run_inputs(run, argc, argv);
	tv_error_clear(&err);
	if (r == 0)
		r = tv_read_finish(run->ctx, &err);
	if (r == 0)
		r = selector_finish(run->sel, write_cb, run);
	if (r == 0)
		r = flush_out(run);
	if (run->progress)
		progress(run, true);
	if (r < 0 && !run->write_error)
		tool_err("%s", err.msg[0] ? err.msg : tv_strerror(r));
	if (tool_output_close(run->out) < 0 || r < 0 || run->failed ||
	    tv_read_stats(run->ctx)->records_rejected > 0)
		status = 1;
	if (run->o.stats)
		print_stats(run);
	tv_read_ctx_destroy(run->ctx);
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
	if (r == 0)
		r = make_selector(&run);
	if (r == 0)
		r = run_all(&run, argc - optind, argv + optind);
	else if (r < 0)
		r = 0;	/* --help, --version */
	selector_destroy(run.sel);
	free_opts(&run.o);
	tv_strbuf_finish(&run.buf);
	tv_strbuf_finish(&run.line);
	return r;
}
