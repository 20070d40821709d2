// SPDX-License-Identifier: MIT
/*
 * televal-anonymize: replace PII and secrets in telemetry of any supported
 * format, writing the same format back (or canonical sessions), or, with
 * --check, only reporting what it finds.  The rules are libcommon's
 * tv_pii; this file parses options, loads the key, opens the inputs and
 * outputs and runs each input through its format's handler.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anonymize.h"
#include "libcommon/core/tv_map.h"
#include "libcommon/core/tv_text.h"
#include "libcommon/read/tv_reader.h"

#define KEY_MAX (1u << 20)

#define INPUT_OPTS (TOOL_IN_FROM | TOOL_IN_GAP | TOOL_IN_MAX_OPEN | TOOL_IN_MAX_RECORD)
#define REPORT_OPTS (TOOL_IN_STATS | TOOL_IN_MAX_ERRORS)

enum {
	OPT_TO = 1000,
	OPT_KEY,
	OPT_KEY_FILE,
	OPT_POLICY,
	OPT_SCRUB_IDS,
	OPT_CHECK,
	OPT_REPORT,
};

static const char short_opts[] = "o:hV";
static const struct option long_opts[] = {
	{ "to", required_argument, NULL, OPT_TO },
	{ "key", required_argument, NULL, OPT_KEY }, /* refused: see parse_opts() */
	{ "key-file", required_argument, NULL, OPT_KEY_FILE },
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "scrub-ids", no_argument, NULL, OPT_SCRUB_IDS },
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "report", no_argument, NULL, OPT_REPORT },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void help(void)
{
	printf("Usage: %s [OPTION]... [FILE|DIR]...\n"
	       "Replace PII and secrets (e-mail addresses, phone and card numbers, keys,\n"
	       "tokens, home paths, IP addresses, ...) in LLM-agent telemetry, writing it\n"
	       "back in the same format with only the PII changed.  With no FILE, or when\n"
	       "FILE is -, read standard input; a DIR is read recursively in name order.\n"
	       "\n"
	       "Key and rules:\n"
	       "      --key-file FILE   the pseudonym key: all the bytes of FILE (default: the\n"
	       "                        TELEVAL_KEY environment variable; with neither, a\n"
	       "                        random key for this run only, and a warning)\n"
	       "      --policy FILE     rules, key policies and allow-lists (YAML)\n"
	       "      --scrub-ids       pseudonymize the ids records are joined by (session,\n"
	       "                        trace, span, tool call, agent ids) alike\n"
	       "\n"
	       "Input (--gap and --max-open act with --to canonical):\n",
	       tv_progname);
	tool_input_help(INPUT_OPTS);
	printf("\n"
	       "Output:\n"
	       "  -o, --output FILE     write FILE (atomically: complete or not at all)\n"
	       "  -o, --output DIR/     one output per input, under the same name\n"
	       "      --to canonical    write canonical sessions instead of the input format\n"
	       "      --check           write nothing: print each finding (FILE:LINE: RULE:\n"
	       "                        masked value) and exit 3 if there is any\n"
	       "      --report          print the number of findings per rule on standard error\n");
	tool_input_help(REPORT_OPTS);
	printf("  -h, --help            show this help and exit\n"
	       "  -V, --version         show the version and exit\n"
	       "\n"
	       "Exit status: 0 ok, 1 a record was left out or an input or output failed,\n"
	       "2 usage error, 3 --check found PII.  See televal-anonymize(1).\n");
}

static int parse_value_opt(struct anon_opts *o, int c, const char *arg)
{
	if (c != OPT_TO) {
		return tool_input_parse(&o->in, c, arg);
	}
	if (strcmp(arg, "canonical") != 0) {
		return tool_usage_err("--to takes only 'canonical' (without it the "
				      "input format is kept)");
	}
	o->to_canonical = true;
	return 0;
}

static int check_opts(const struct anon_opts *o)
{
	if (o->check && o->output != NULL) {
		return tool_usage_err("--check writes no output: drop -o");
	}
	if (o->check && o->to_canonical) {
		return tool_usage_err("--check reads the input as it is: drop --to");
	}
	return 0;
}

/* 0 to go on, -1 after --help/--version, or an exit status */
static int other_opt(struct anon_opts *o, int c)
{
	switch (c) {
	case OPT_KEY:
		/* never echo it: a key on the command line is in ps and shell history */
		return tool_usage_err("the key is never taken from the command line: use "
				      "--key-file FILE or TELEVAL_KEY");
	case OPT_KEY_FILE:
		o->key_file = optarg;
		return 0;
	case OPT_POLICY:
		o->policy = optarg;
		return 0;
	case OPT_SCRUB_IDS:
		o->scrub_ids = true;
		return 0;
	case OPT_CHECK:
		o->check = true;
		return 0;
	case OPT_REPORT:
		o->report = true;
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

/* 0 to go on, -1 after --help/--version, or an exit status */
static int parse_opts(int argc, char **argv, struct anon_opts *o)
{
	struct option *opts;
	int c, r = 0;

	*o = (struct anon_opts){ 0 };
	tool_input_defaults(&o->in);
	opts = tool_input_options(long_opts, INPUT_OPTS | REPORT_OPTS);
	if (opts == NULL) {
		return tool_oom();
	}
	while (r == 0 && (c = getopt_long(argc, argv, short_opts, opts, NULL)) != -1) {
		r = parse_value_opt(o, c, optarg);
		if (r < 0) {
			r = other_opt(o, c);
		}
	}
	free(opts);
	return r != 0 ? r : check_opts(o);
}

/* ---- the key ---- */

/* TELEVAL_KEY: 32 or more hex digits (an even number) are decoded, anything else is used as is */
static int key_from_env(const char *s, unsigned char **key, size_t *len)
{
	size_t n = strlen(s), i;
	bool hex = n >= 32 && n % 2 == 0;

	for (i = 0; hex && i < n; i++) {
		hex = tv_text_hexval(s[i]) >= 0;
	}
	*key = malloc(n + 1);
	if (*key == NULL) {
		return -ENOMEM;
	}
	if (!hex) {
		memcpy(*key, s, n);
		*len = n;
		return 0;
	}
	for (i = 0; i < n / 2; i++) {
		(*key)[i] = (unsigned char)(tv_text_hexval(s[2 * i]) << 4 |
					    tv_text_hexval(s[2 * i + 1]));
	}
	*len = n / 2;
	return 0;
}

static int key_from_file(const char *path, unsigned char **key, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		tool_err("%s: cannot read the key file: %s", path, strerror(errno));
		return 1;
	}
	*key = malloc(KEY_MAX + 1);
	if (*key == NULL) {
		fclose(f);
		tool_err("out of memory");
		return 1;
	}
	n = fread(*key, 1, KEY_MAX + 1, f);
	if (ferror(f)) {
		tool_err("%s: cannot read the key file: %s", path, strerror(errno));
		fclose(f);
		return 1;
	}
	fclose(f);
	if (n == 0 || n > KEY_MAX) {
		tool_err("%s: the key file is %s", path, n == 0 ? "empty" : "larger than 1 MiB");
		return 2;
	}
	*len = n;
	return 0;
}

/* the key into *@key (NULL: none given).  0 or an exit status. */
static int load_key(const struct anon_opts *o, unsigned char **key, size_t *len)
{
	const char *env = getenv("TELEVAL_KEY");

	*key = NULL;
	*len = 0;
	if (o->key_file != NULL) {
		return key_from_file(o->key_file, key, len);
	}
	if (env != NULL && *env != '\0') {
		if (key_from_env(env, key, len) < 0) {
			tool_err("out of memory");
			return 1;
		}
	}
	return 0;
}

static void free_key(unsigned char *key, size_t len)
{
	if (key != NULL) {
		volatile unsigned char *p = key;

		for (size_t i = 0; i < len; i++) {
			p[i] = 0;
		}
	}
	free(key);
}

/* ---- the engine ---- */

static int make_pii(struct anon *a)
{
	struct tv_pii_opts po = { .policy_file = a->o.policy, .keep_ids = !a->o.scrub_ids };
	unsigned char *key;
	struct tv_error err;
	size_t len;
	int r = load_key(&a->o, &key, &len);

	if (r != 0) {
		free_key(key, len);
		return r;
	}
	po.key = key;
	po.key_len = len;
	tv_error_clear(&err);
	r = tv_pii_create(&po, &a->pii, &err);
	free_key(key, len);
	if (r < 0) {
		if (err.line) {
			tool_err("%s:%llu: %s", err.file, (unsigned long long)err.line, err.msg);
		} else {
			tool_err("%s%s%s", err.file, err.file[0] ? ": " : "",
				 err.msg[0] ? err.msg : tv_strerror(r));
		}
		return r == -ENOMEM ? 1 : 2;
	}
	if (a->o.check) {
		tv_pii_set_finding_cb(a->pii, anon_finding_cb, a);
	} else if (tv_pii_key_is_random(a->pii)) {
		tool_warn("no key (--key-file or TELEVAL_KEY): pseudonyms are random to this run "
			  "and match no other run");
	}
	while (tv_pii_rule_name(a->pii, a->n_rules) != NULL) {
		a->n_rules++;
	}
	a->snap = calloc(a->n_rules + 1, sizeof(*a->snap));
	if (a->snap == NULL) {
		tool_err("out of memory");
		return 1;
	}
	return 0;
}

/* ---- inputs and outputs ---- */

struct run {
	struct anon *a;
	int argc;
	char **argv;
	const char *root;	/* the operand being walked */
	struct tv_map done;	/* the outputs of -o DIR/, so that two inputs never share one */
	struct tool_atomic out; /* the one output, unless -o DIR */
	bool out_open;
};

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* mkdir -p of the directories above @path */
static int make_parents(char *path)
{
	for (char *p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0777) < 0 && errno != EEXIST) {
			tool_err("%s: cannot create the directory: %s", path, strerror(errno));
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

/* the input's path below its operand (a file operand: its name), without .gz when decompressed */
static const char *rel_name(const struct run *run, const char *path, bool gz, size_t *n)
{
	const char *rel = path, *slash;

	if (strcmp(path, run->root) == 0) {
		slash = strrchr(path, '/');
		rel = slash ? slash + 1 : path;
	} else {
		rel = path + strlen(run->root);
		while (*rel == '/') {
			rel++;
		}
	}
	*n = strlen(rel);
	if (gz && *n > 3 && strcmp(rel + *n - 3, ".gz") == 0) {
		*n -= 3;
	}
	return rel;
}

/* DIR/<that path, each name scrubbed> in *@dest; under --check the names are only scanned */
static int dest_name(struct run *run, const char *path, bool gz, char **dest)
{
	struct tv_strbuf b;
	size_t n;
	const char *rel = rel_name(run, path, gz, &n);
	int r;

	tv_strbuf_init(&b);
	r = tv_strbuf_puts(&b, run->a->o.output ? run->a->o.output : "") < 0 ? -ENOMEM : 0;
	if (r == 0 && b.len > 0 && b.p[b.len - 1] != '/') {
		r = tv_strbuf_putc(&b, '/') < 0 ? -ENOMEM : 0;
	}
	r = r < 0 ? r : anon_name(run->a, rel, n, &b);
	if (r < 0) {
		tv_strbuf_finish(&b);
		return r;
	}
	*dest = tv_strbuf_steal(&b);
	return *dest ? 0 : -ENOMEM;
}

/* true when @dest was written before in this run; else it is noted (-ENOMEM if it cannot be) */
static int seen_name(struct run *run, const char *dest)
{
	uint64_t v;

	if (tv_map_get(&run->done, dest, strlen(dest), &v)) {
		return 1;
	}
	return tv_map_put(&run->done, dest, strlen(dest), 1);
}

static bool is_blank_byte(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int unknown_format(struct anon *a)
{
	tool_err("%s: cannot tell the input format (use --from; one of %s)", a->file,
		 tv_format_list());
	return -TV_EFORMAT;
}

/* the format of @in: --from, else detected (NULL for an empty input) */
static int input_format(struct anon *a, struct tv_input *in, const struct tv_format **fmt)
{
	const char *d;
	size_t n, i = 0;
	int r;

	*fmt = a->o.in.from;
	if (*fmt != NULL) {
		return 0;
	}
	/* a first record of any size up to --max-record is looked at whole */
	r = tv_format_sniff(in,
			    a->o.in.max_record ? a->o.in.max_record : TV_INPUT_DEFAULT_MAX_RECORD,
			    fmt, &d, &n);
	if (r < 0) {
		tool_err("%s: cannot read: %s", a->file, tv_strerror(r));
		return r;
	}
	while (i < n && is_blank_byte(d[i])) {
		i++;
	}
	if (i == n) {
		/*
		 * Blank as far as detection looks: read as JSON Lines, which keeps
		 * blank lines as they are and takes any other line only as JSON.
		 */
		*fmt = n > 0 ? tv_format_find("otlp") : NULL;
		return 0;
	}
	if (*fmt == NULL) {
		a->bytes += n; /* peeked, not read: still seen */
		return unknown_format(a);
	}
	return 0;
}

/* a Llama Stack database: a copy at @dest (NULL under --check) */
static int llama(struct run *run, const char *path, const char *dest)
{
	struct anon *a = run->a;

	if (!a->o.check && dest == NULL) {
		tool_err("%s: a Llama Stack database is written as an anonymized copy: give it "
			 "alone with -o FILE, or -o DIR/",
			 path);
		a->usage = true;
		return -1;
	}
	if (strcmp(path, "-") == 0) {
		tool_err("a Llama Stack database cannot be read from standard input");
		a->usage = true;
		return -1;
	}
	a->file = path;
	return anon_llama(a, path, a->o.check ? NULL : dest);
}

/* the single output of the run, opened at the first input that needs it */
static int open_out(struct run *run)
{
	if (run->a->o.check || run->out_open) {
		return 0;
	}
	if (tool_atomic_open(&run->out, run->a->o.output) < 0) {
		return -1;
	}
	run->out_open = true;
	run->a->out = run->out.f;
	return 0;
}

/* one input in its own format; @dest: -o DIR's file for it, or NULL */
static int one_input(struct run *run, const char *path, struct tv_input *in, const char *dest)
{
	struct anon *a = run->a;
	struct tool_atomic o;
	const struct tv_format *fmt;
	int r = input_format(a, in, &fmt);

	if (r < 0) {
		return r;
	}
	if (fmt != NULL && tv_format_layout(fmt) == TV_LAYOUT_SQLITE) {
		bool alone = run->argc == 1 && !is_dir(path) && !run->out_open;

		return llama(run, path, dest ? dest : alone ? a->o.output : NULL);
	}
	if (dest == NULL) {
		r = open_out(run);
		return r < 0 ? r : fmt == NULL ? 0 : anon_stream(a, in, fmt);
	}
	if (!a->o.check && tool_atomic_open(&o, dest) < 0) {
		return -1;
	}
	a->out = a->o.check ? NULL : o.f;
	r = fmt == NULL ? 0 : anon_stream(a, in, fmt);
	if (r == 0) {
		r = anon_flush(a);
	}
	tv_strbuf_reset(&a->buf);
	if (!a->o.check) {
		/* a failure keeps its code: out of memory is said so, not a bare exit 1 */
		r = r == 0 ? tool_atomic_commit(&o) : (tool_atomic_abort(&o), r < 0 ? r : -1);
	}
	a->out = NULL;
	return r;
}

static int read_one(const char *path, void *udata)
{
	struct run *run = udata;
	struct anon *a = run->a;
	struct tv_input *in;
	char *dest = NULL;
	int r;

	r = tv_input_open(path, a->o.in.max_record, &in);
	if (r < 0) {
		tool_err("%s: cannot open: %s", path, tv_strerror(r));
		a->failed = true;
		return r == -ENOMEM ? r : 0;
	}
	a->file = tv_input_name(in);
	a->files++;
	if (a->out_dir || a->o.check) {
		/* the name it is written under is scanned too (under --check: the name it has) */
		r = dest_name(run, path, tv_input_compressed(in), &dest);
	}
	if (a->o.check) {
		free(dest);
		dest = NULL;
	} else if (r == 0 && a->out_dir) {
		r = tool_same_file(path, dest) ? 1 : seen_name(run, dest);
		if (r == 1) {
			tool_err("%s: would overwrite %s", path, dest);
			r = -1;
		}
		if (r == 0) {
			r = make_parents(dest);
		}
	}
	if (r == 0) {
		r = one_input(run, path, in, dest);
	}
	a->bytes += tv_input_bytes(in);
	tv_input_close(in);
	a->file = NULL;
	free(dest);
	if (r < 0) {
		a->failed = true;
	}
	return r == -ENOMEM || r == -TV_EWRITE ? r : 0;
}

static int walk_inputs(struct run *run)
{
	int r = 0;

	if (run->argc == 0) {
		run->root = "-";
		return read_one("-", run);
	}
	for (int i = 0; i < run->argc && r == 0; i++) {
		run->root = run->argv[i];
		r = tool_walk(run->argv[i], read_one, run);
		if (r == -1) {
			run->a->failed = true;
			r = 0;
		}
	}
	return r;
}

/* the one output: complete, or removed */
static int finish_out(struct run *run, int r)
{
	struct anon *a = run->a;

	if (r == 0) {
		r = anon_flush(a);
	}
	if (!run->out_open) {
		return r;
	}
	a->out = NULL;
	if (r < 0 || a->failed || a->write_error) {
		if (run->out.tmp != NULL) {
			tool_err("%s: not written (an input or the output failed)", run->out.path);
		}
		tool_atomic_abort(&run->out);
		return -1;
	}
	return tool_atomic_commit(&run->out);
}

static int to_canonical(struct run *run)
{
	struct anon *a = run->a;
	int r = open_out(run);

	if (r == 0) {
		r = anon_to_canonical(a, run->argc, run->argv);
	}
	if (r == -ENOMEM) {
		tool_oom(); /* before finish_out() turns it into -1 */
	}
	return finish_out(run, r);
}

/* usage errors that need the operands */
static int check_operands(struct run *run)
{
	const struct anon_opts *o = &run->a->o;
	size_t n;

	if (o->output == NULL || o->check) {
		return 0;
	}
	n = strlen(o->output);
	run->a->out_dir = is_dir(o->output) || (n > 0 && o->output[n - 1] == '/');
	if (run->a->out_dir && o->to_canonical) {
		return tool_usage_err("--to canonical writes one stream: -o must name a file");
	}
	for (int i = 0; i < run->argc; i++) {
		if (run->a->out_dir && strcmp(run->argv[i], "-") == 0) {
			return tool_usage_err("-o DIR/ needs named inputs, not standard input");
		}
		if (!run->a->out_dir && tool_same_file(run->argv[i], o->output)) {
			return tool_usage_err("%s is an input: the output must be another file",
					      o->output);
		}
	}
	if (run->a->out_dir && run->argc == 0) {
		return tool_usage_err("-o DIR/ needs named inputs, not standard input");
	}
	if (run->a->out_dir && !is_dir(o->output) && mkdir(o->output, 0777) < 0) {
		tool_err("%s: cannot create the directory: %s", o->output, strerror(errno));
		return 1;
	}
	return 0;
}

/* ---- the report ---- */

static void print_report(const struct anon *a)
{
	uint64_t total = 0, n;

	for (size_t i = 0; i < a->n_rules; i++) {
		n = tv_pii_count(a->pii, i);
		total += n;
		if (n > 0) {
			fprintf(stderr, "%s: report: %s: %llu\n", tv_progname,
				tv_pii_rule_name(a->pii, i), (unsigned long long)n);
		}
	}
	fprintf(stderr, "%s: report: total: %llu\n", tv_progname, (unsigned long long)total);
}

static void print_stats(const struct anon *a)
{
	fprintf(stderr, "%s: input: %llu files, %llu bytes\n", tv_progname,
		(unsigned long long)a->files, (unsigned long long)a->bytes);
	fprintf(stderr, "%s: records: read %llu = %s %llu + rejected %llu\n", tv_progname,
		(unsigned long long)a->records, a->o.check ? "checked" : "written",
		(unsigned long long)a->written, (unsigned long long)a->rejected);
}

/*
 * 2 usage, 1 when anything was not read or not written (also under --check:
 * a finding never hides input that was not read), 3 for findings, else 0.
 */
static int status(const struct anon *a, int r)
{
	bool bad = r < 0 || a->failed || a->write_error || a->rejected > 0;

	if (a->usage) {
		return 2;
	}
	if (a->o.check && bad) {
		tool_err("--check: %llu finding%s, and %s: not all of the input was checked",
			 (unsigned long long)a->findings, a->findings == 1 ? "" : "s",
			 a->rejected > 0 ? "records were rejected" : "an input could not be read");
	}
	if (bad) {
		return 1;
	}
	return a->o.check && a->findings > 0 ? 3 : 0;
}

static int run_all(struct anon *a, int argc, char **argv)
{
	struct run run = { .a = a, .argc = argc, .argv = argv };
	int r = check_operands(&run);

	if (r != 0) {
		return r;
	}
	a->jp = tv_json_parser_create();
	if (a->jp == NULL) {
		tool_err("out of memory");
		return 1;
	}
	tool_atomic_signals();
	if (a->o.to_canonical) {
		r = to_canonical(&run);
	} else {
		r = walk_inputs(&run);
		if (r == -ENOMEM) {
			tool_oom(); /* before finish_out() turns it into -1 */
		}
		r = a->out_dir ? r : finish_out(&run, r);
	}

	if (a->o.report) {
		print_report(a);
	}
	if (a->o.in.stats && !a->o.to_canonical) {
		print_stats(a);
	}
	tv_map_finish(&run.done);
	return status(a, r);
}

int main(int argc, char **argv)
{
	struct anon a = { 0 };
	int r;

	tool_init(argv);
	tv_strbuf_init(&a.buf);
	tv_strbuf_init(&a.tmp);
	r = parse_opts(argc, argv, &a.o);
	a.rep.max = a.o.in.max_errors;
	if (r == 0) {
		r = make_pii(&a);
	}
	if (r == 0) {
		r = run_all(&a, argc - optind, argv + optind);
	} else if (r < 0) {
		r = 0; /* --help, --version */
	}
	if (tool_output_close(stdout) < 0 && r == 0) {
		r = 1;
	}
	tv_pii_destroy(a.pii);
	tv_json_parser_destroy(a.jp);
	free(a.snap);
	tv_strbuf_finish(&a.buf);
	tv_strbuf_finish(&a.tmp);
	return r;
}
