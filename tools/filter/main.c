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

#include "tool.h"
#include "tv_reader.h"
#include "tv_time.h"

#define DEFAULT_GAP_NS (3600 * TV_NS_PER_SEC)
#define FLUSH_AT (1u << 20)

struct opts {
	enum tv_format from;
	bool events;
	bool stats;
	int64_t gap;
	size_t max_open;
	size_t max_record;
	uint64_t max_errors;
	const char *output;
};

struct run {
	struct opts o;
	FILE *out;
	struct tv_strbuf buf;
	struct tv_read_ctx *ctx;
	uint64_t written, filtered;
	bool failed;		/* an input could not be read */
	bool write_error;
};

enum {
	OPT_FROM = 1000,
	OPT_EVENTS,
	OPT_STATS,
	OPT_GAP,
	OPT_MAX_OPEN,
	OPT_MAX_RECORD,
	OPT_MAX_ERRORS,
};

static const char short_opts[] = "o:hV";
static const struct option long_opts[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "events", no_argument, NULL, OPT_EVENTS },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "gap", required_argument, NULL, OPT_GAP },
	{ "max-open", required_argument, NULL, OPT_MAX_OPEN },
	{ "max-record", required_argument, NULL, OPT_MAX_RECORD },
	{ "max-errors", required_argument, NULL, OPT_MAX_ERRORS },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void help(void)
{
	printf("Usage: %s [OPTION]... [FILE|DIR]...\n"
	       "Read LLM-agent telemetry in any supported format and write canonical\n"
	       "sessions as JSON Lines (one session per line).  With no FILE, or when\n"
	       "FILE is -, read standard input; a DIR is read recursively in name order.\n"
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
	       "      --events          keep the source records in each session's events[]\n"
	       "      --stats           print record and session counts on standard error\n"
	       "      --max-errors N    show at most N rejected records (default 100; 0: all)\n"
	       "  -h, --help            show this help and exit\n"
	       "  -V, --version         show the version and exit\n"
	       "\n"
	       "Exit status: 0 ok, 1 a record was rejected or an input failed, 2 usage error.\n"
	       "See televal-filter(1).\n",
	       tv_progname, tv_format_list());
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (*s == '-' || *s == '\0')
		return -1;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K':
		v <<= 10;
		end++;
		break;
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'G':
		v <<= 30;
		end++;
		break;
	default:
		break;
	}
	if (*end != '\0' || v == 0 || v > SIZE_MAX / 2)
		return -1;
	*out = (size_t)v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	size_t n;
	int c;

	*o = (struct opts){ .gap = DEFAULT_GAP_NS, .max_errors = 100 };
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_FROM:
			o->from = tv_format_from_name(optarg);
			if (o->from == TV_FMT_UNKNOWN)
				return tool_usage_err("unknown format '%s' (one of %s)", optarg,
						      tv_format_list());
			break;
		case OPT_EVENTS:
			o->events = true;
			break;
		case OPT_STATS:
			o->stats = true;
			break;
		case OPT_GAP:
			if (tv_duration_parse(optarg, &o->gap) < 0)
				return tool_usage_err("invalid duration '%s' for --gap", optarg);
			break;
		case OPT_MAX_OPEN:
			if (parse_size(optarg, &o->max_open) < 0)
				return tool_usage_err("invalid number '%s' for --max-open", optarg);
			break;
		case OPT_MAX_RECORD:
			if (parse_size(optarg, &o->max_record) < 0)
				return tool_usage_err("invalid size '%s' for --max-record", optarg);
			break;
		case OPT_MAX_ERRORS:
			if (strcmp(optarg, "0") == 0)
				n = 0;
			else if (parse_size(optarg, &n) < 0)
				return tool_usage_err("invalid number '%s' for --max-errors", optarg);
			o->max_errors = n;
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
	return 0;
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

/* the emit callback: decide, write, free */
static int emit(void *udata, struct tv_session *s)
{
	struct run *run = udata;
	int r;

	r = tv_session_write(s, &run->buf);
	tv_session_destroy(s);
	if (r < 0)
		return r;
	run->written++;
	if (run->buf.len >= FLUSH_AT)
		return flush_out(run);
	return 0;
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
	const struct tv_stats *st = tv_read_stats(run->ctx);

	tool_print_record_stats(st);
	fprintf(stderr, "%s: sessions: read %llu = written %llu + filtered %llu\n", tv_progname,
		(unsigned long long)st->sessions, (unsigned long long)run->written,
		(unsigned long long)run->filtered);
}

int main(int argc, char **argv)
{
	struct tool_report rep = { 0 };
	struct tv_read_opts ro = { 0 };
	struct run run = { 0 };
	struct tv_error err;
	int r, status = 0;

	tool_init(argv[0]);
	r = parse_opts(argc, argv, &run.o);
	if (r != 0)
		return r < 0 ? 0 : r;
	rep.max = run.o.max_errors;
	ro = (struct tv_read_opts){ .keep_events = run.o.events, .gap = run.o.gap,
				    .max_record = run.o.max_record, .max_open = run.o.max_open,
				    .emit = emit, .report = tool_report_cb, .udata = &run,
				    .report_udata = &rep };
	run.out = tool_output_open(run.o.output);
	if (run.out == NULL)
		return 1;
	tv_strbuf_init(&run.buf);
	run.ctx = tv_read_ctx_create(&ro);
	if (run.ctx == NULL) {
		tool_err("out of memory");
		return 1;
	}
	r = run_inputs(&run, argc - optind, argv + optind);
	tv_error_clear(&err);
	if (r == 0)
		r = tv_read_finish(run.ctx, &err);
	if (r == 0)
		r = flush_out(&run);
	if (r < 0 && !run.write_error)
		tool_err("%s", err.msg[0] ? err.msg : tv_strerror(r));
	if (tool_output_close(run.out) < 0 || r < 0 || run.failed ||
	    tv_read_stats(run.ctx)->records_rejected > 0)
		status = 1;
	if (run.o.stats)
		print_stats(&run);
	tv_read_ctx_destroy(run.ctx);
	tv_strbuf_finish(&run.buf);
	return status;
}
