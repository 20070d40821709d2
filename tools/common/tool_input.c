// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libcommon/core/tv_time.h"
#include "tools/common/tool_input.h"

#define DEFAULT_GAP_NS (3600 * TV_NS_PER_SEC)

static const struct {
	unsigned which;
	struct option opt;
	const char *help;
} shared[] = {
	{ TOOL_IN_FROM,
	  { "from", required_argument, NULL, TOOL_OPT_FROM },
	  "      --from FORMAT     do not detect the input format; one of:\n" },
	{ TOOL_IN_GAP,
	  { "gap", required_argument, NULL, TOOL_OPT_GAP },
	  "      --gap DURATION    close a session idle this long on the records' own\n"
	  "                        clock (default 1h; 0: only at the end of input)\n" },
	{ TOOL_IN_MAX_OPEN,
	  { "max-open", required_argument, NULL, TOOL_OPT_MAX_OPEN },
	  "      --max-open N      most sessions held open at once (default 1000000)\n" },
	{ TOOL_IN_MAX_RECORD,
	  { "max-record", required_argument, NULL, TOOL_OPT_MAX_RECORD },
	  "      --max-record SIZE largest record in bytes, k/M/G suffixes (default 256M)\n" },
	{ TOOL_IN_MAX_ERRORS,
	  { "max-errors", required_argument, NULL, TOOL_OPT_MAX_ERRORS },
	  "      --max-errors N    show at most N rejected records (default 100; 0: all)\n" },
	{ TOOL_IN_STATS,
	  { "stats", no_argument, NULL, TOOL_OPT_STATS },
	  "      --stats           print the counts on standard error\n" },
	{ TOOL_IN_PROGRESS,
	  { "progress", no_argument, NULL, TOOL_OPT_PROGRESS },
	  "      --progress        show progress on standard error (default: when it is\n"
	  "                        a terminal); --no-progress never\n" },
	{ TOOL_IN_PROGRESS, { "no-progress", no_argument, NULL, TOOL_OPT_NO_PROGRESS }, NULL },
};

#define N_SHARED (sizeof(shared) / sizeof(shared[0]))

void tool_input_defaults(struct tool_input_opts *o)
{
	*o = (struct tool_input_opts){ .gap = DEFAULT_GAP_NS, .max_errors = 100, .progress = -1 };
}

struct option *tool_input_options(const struct option *own, unsigned which)
{
	size_t n = 0, k = 0;
	struct option *v;

	while (own[n].name != NULL) {
		n++;
	}
	v = calloc(n + N_SHARED + 1, sizeof(*v));
	if (v == NULL) {
		return NULL;
	}
	memcpy(v, own, n * sizeof(*v));
	for (size_t i = 0; i < N_SHARED; i++) {
		if (shared[i].which & which) {
			v[n + k++] = shared[i].opt;
		}
	}
	return v;
}

void tool_input_help(unsigned which)
{
	for (size_t i = 0; i < N_SHARED; i++) {
		if (!(shared[i].which & which) || shared[i].help == NULL) {
			continue;
		}
		fputs(shared[i].help, stdout);
		if (shared[i].which == TOOL_IN_FROM) {
			printf("                        %s\n", tv_format_list());
		}
	}
}

static int parse_count(const char *opt, const char *arg, uint64_t *out)
{
	size_t n;

	if (strcmp(arg, "0") == 0) {
		*out = 0;
		return 0;
	}
	if (tool_parse_size(arg, &n) < 0) {
		return tool_usage_err("invalid number '%s' for %s", arg, opt);
	}
	*out = n;
	return 0;
}

int tool_input_parse(struct tool_input_opts *o, int c, const char *arg)
{
	switch (c) {
	case TOOL_OPT_FROM:
		o->from = tv_format_find(arg);
		if (o->from == NULL) {
			return tool_usage_err("unknown format '%s' (one of %s)", arg,
					      tv_format_list());
		}
		return 0;
	case TOOL_OPT_GAP:
		if (tv_duration_parse(arg, &o->gap) < 0) {
			return tool_usage_err("invalid duration '%s' for --gap", arg);
		}
		return 0;
	case TOOL_OPT_MAX_OPEN:
		if (tool_parse_size(arg, &o->max_open) < 0 || o->max_open == 0) {
			return tool_usage_err("invalid number '%s' for --max-open", arg);
		}
		return 0;
	case TOOL_OPT_MAX_RECORD:
		if (tool_parse_size(arg, &o->max_record) < 0 || o->max_record == 0) {
			return tool_usage_err("invalid size '%s' for --max-record", arg);
		}
		return 0;
	case TOOL_OPT_MAX_ERRORS:
		return parse_count("--max-errors", arg, &o->max_errors);
	case TOOL_OPT_STATS:
		o->stats = true;
		return 0;
	case TOOL_OPT_PROGRESS:
		o->progress = 1;
		return 0;
	case TOOL_OPT_NO_PROGRESS:
		o->progress = 0;
		return 0;
	default:
		return -1;
	}
}

int tool_input_start(struct tool_input *in, const struct tool_input_opts *o,
		     const struct tv_read_opts *ro)
{
	struct tv_read_opts r = *ro;

	in->o = *o;
	in->rep = (struct tool_report){ .max = o->max_errors };
	r.gap = o->gap;
	r.max_open = o->max_open;
	r.max_record = o->max_record;
	r.report = tool_report_cb;
	r.report_udata = &in->rep;
	in->ctx = tv_read_ctx_create(&r);
	if (in->ctx == NULL) {
		tool_err("out of memory");
		return 1;
	}
	in->progress = o->progress < 0 ? isatty(STDERR_FILENO) : o->progress;
	return 0;
}

static void report_failure(const struct tv_error *err)
{
	if (err->line) {
		tool_err("%s:%llu: %s", err->file, (unsigned long long)err->line, err->msg);
	} else {
		tool_err("%s: %s", err->file, err->msg);
	}
}

static int read_one(const char *path, void *udata)
{
	struct tool_input *in = udata;
	struct tv_error err;
	int r;

	tv_error_clear(&err);
	r = in->keyed ? tv_read_keyed(in->ctx, path, &err)
		      : tv_read_file(in->ctx, path, in->o.from, &err);
	if (r == 0 || in->halted) {
		return r;
	}
	report_failure(&err);
	in->failed = true;
	return r == -ENOMEM ? r : 0; /* go on with the other inputs */
}

int tool_input_read_all(struct tool_input *in, int argc, char **argv)
{
	struct tv_error err;
	int r = 0;

	if (argc == 0) {
		r = read_one("-", in);
	}
	for (int i = 0; i < argc && r == 0; i++) {
		r = tool_walk(argv[i], read_one, in);
		if (r == -1) {
			in->failed = true;
			r = 0;
		}
	}
	tv_error_clear(&err);
	if (r == 0) {
		r = tv_read_finish(in->ctx, &err);
	}
	if (r < 0 && !in->halted) {
		tool_err("%s", err.msg[0] ? err.msg : tv_strerror(r));
	}
	return r;
}

void tool_input_progress(struct tool_input *in, bool last, uint64_t n, const char *what)
{
	const struct tv_stats *st = tv_read_stats(in->ctx);
	struct timespec now;

	if (!in->progress) {
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!last && (now.tv_sec - in->last_progress.tv_sec) * 1000000000L +
				     (now.tv_nsec - in->last_progress.tv_nsec) <
			     250000000L) {
		return;
	}
	in->last_progress = now;
	fprintf(stderr, "\r%s: %llu MB, %llu records, %llu sessions, %llu %s%s", tv_progname,
		(unsigned long long)(st->bytes >> 20), (unsigned long long)st->records_read,
		(unsigned long long)st->sessions, (unsigned long long)n, what, last ? "\n" : "");
}

bool tool_input_bad(const struct tool_input *in)
{
	return in->failed || tv_read_stats(in->ctx)->records_rejected > 0;
}

void tool_input_end(struct tool_input *in)
{
	tv_read_ctx_destroy(in->ctx);
	in->ctx = NULL;
}
