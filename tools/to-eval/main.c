// SPDX-License-Identifier: MIT
/*
 * televal-to-eval: sessions (or turns) to eval tasks in the formats people
 * run (waza, promptfoo, OpenAI evals, Inspect AI, Langfuse), through YAML
 * templates rendered by libyaml's emitter.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "literals.h"
#include "outdir.h"
#include "task.h"
#include "tools/common/tool.h"
#include "tools/common/tool_input.h"
#include "libcommon/json/tv_jw.h"
#include "libcommon/read/tv_reader.h"
#include "libcommon/tmpl/tv_tmpl.h"

#define FLUSH_AT (1u << 20)
#define MAX_TALLY 4096 /* distinct skills/models remembered for the suite */

struct opts {
	const struct format *fmt; /* NULL with --template */
	const char *template_file;
	const char *suite_template_file;
	bool jsonl;
	size_t max_task_size; /* a rendered task (or suite file), in bytes */
	struct task_opts task;
	const char *output;
	bool prune;
	bool sync;
	struct tool_input_opts in;
	const char **vars; /* KEY=VALUE */
	size_t n_vars;
};

/* a name and how often it was seen (skills and models, for the suite) */
struct tally {
	char **name;
	size_t *count;
	size_t n;
};

struct counts {
	uint64_t sessions;
	uint64_t units;
	uint64_t tasks;
	uint64_t no_prompt;
	uint64_t failed;
	uint64_t skipped; /* by the template's root _if */
};

struct run {
	struct opts o;
	struct tv_tmpl *task_t, *suite_t;
	const char *suite_file;
	enum tv_tmpl_mode out_mode, file_mode;
	const char *ext;
	struct tv_json_parser *p_session, *p_task, *p_vars;
	struct tv_jv vars_root;
	struct tv_strbuf line, json, text, buf;
	struct literals lits;
	struct session_view view;
	FILE *out;
	struct outdir *dir;
	struct tool_input in;
	struct counts n;
	struct tally skills, models;
	bool write_error;
	bool render_error;
};

enum {
	OPT_FORMAT = 1000,
	OPT_TEMPLATE,
	OPT_SUITE_TEMPLATE,
	OPT_JSONL,
	OPT_UNIT,
	OPT_INCLUDE_FAILED,
	OPT_EXPECT,
	OPT_NO_EXPECT,
	OPT_BUDGET_FACTOR,
	OPT_MAX_LITERALS,
	OPT_MAX_TASK_SIZE,
	OPT_IGNORE_CASE,
	OPT_ID_PREFIX,
	OPT_VAR,
	OPT_PRUNE,
	OPT_NO_FSYNC,
	OPT_PRINT_TEMPLATE,
	OPT_LIST_FORMATS,
};

static const char short_opts[] = "f:t:o:hV";
static const struct option long_opts[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "template", required_argument, NULL, 't' },
	{ "suite-template", required_argument, NULL, OPT_SUITE_TEMPLATE },
	{ "jsonl", no_argument, NULL, OPT_JSONL },
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "include-failed", no_argument, NULL, OPT_INCLUDE_FAILED },
	{ "expect", required_argument, NULL, OPT_EXPECT },
	{ "no-expect", required_argument, NULL, OPT_NO_EXPECT },
	{ "budget-factor", required_argument, NULL, OPT_BUDGET_FACTOR },
	{ "max-literals", required_argument, NULL, OPT_MAX_LITERALS },
	{ "max-task-size", required_argument, NULL, OPT_MAX_TASK_SIZE },
	{ "ignore-case", no_argument, NULL, OPT_IGNORE_CASE },
	{ "id-prefix", required_argument, NULL, OPT_ID_PREFIX },
	{ "var", required_argument, NULL, OPT_VAR },
	{ "output", required_argument, NULL, 'o' },
	{ "prune", no_argument, NULL, OPT_PRUNE },
	{ "no-fsync", no_argument, NULL, OPT_NO_FSYNC },
	{ "print-template", required_argument, NULL, OPT_PRINT_TEMPLATE },
	{ "list-formats", no_argument, NULL, OPT_LIST_FORMATS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void help(void)
{
	printf("Usage: %s [OPTION]... [FILE|DIR]...\n"
	       "Turn captured sessions (any format televal reads) into eval tasks: one per\n"
	       "session, or per prompted turn, rendered through a YAML template.  With no\n"
	       "FILE, or when FILE is -, read standard input.\n"
	       "\n"
	       "Output:\n"
	       "  -f, --format NAME     %s (default waza)\n"
	       "  -t, --template FILE   render this template instead (YAML; see televal-to-eval(1))\n"
	       "      --jsonl           with --template: write JSON Lines, not YAML\n"
	       "      --suite-template FILE  with --template and -o: render FILE once into DIR\n"
	       "      --var KEY=VALUE   a value templates see as vars.KEY (repeatable)\n"
	       "      --max-task-size SIZE  largest task (or suite file) a template may\n"
	       "                        render, k/M/G suffixes (default 64M)\n"
	       "  -o, --output DIR      one file per task in DIR (atomic writes; unchanged files\n"
	       "                        are not rewritten), plus the format's suite file\n"
	       "      --prune           with -o: remove the tasks an earlier run wrote that this\n"
	       "                        run did not\n"
	       "      --no-fsync        with -o: do not wait for the disk before renaming\n"
	       "      --print-template NAME  print a built-in template (a format or file name)\n"
	       "      --list-formats    list the built-in formats\n"
	       "\n"
	       "Tasks:\n"
	       "      --unit UNIT       session (default: first prompt, later ones as follow-ups)\n"
	       "                        or turn (one task per prompted turn)\n"
	       "      --include-failed  also failed sessions (turns), tagged failed\n"
	       "      --id-prefix TEXT  task ids are TEXT + session id (default runtime-)\n"
	       "\n"
	       "Expectations derived from the capture:\n"
	       "      --expect LIST     the ones to derive (default all): %s\n"
	       "      --no-expect LIST  leave these out\n"
	       "      --budget-factor F budgets are the observed tool calls, latency, cost and\n"
	       "                        tokens times F (default 2)\n"
	       "      --max-literals N  at most N output literals per task (default 5)\n"
	       "      --ignore-case     output literals match without regard to case\n"
	       "\n"
	       "Input:\n",
	       tv_progname, format_list(), task_expect_names());
	tool_input_help(TOOL_IN_ALL);
	printf("  -h, --help            show this help and exit\n"
	       "  -V, --version         show the version and exit\n"
	       "\n"
	       "Exit status: 0 ok, 1 a data, template or I/O error, 2 usage error.\n"
	       "See televal-to-eval(1).\n");
}

static int add_var(struct opts *o, const char *kv)
{
	const char *eq = strchr(kv, '=');
	const char **v;

	if (eq == NULL || eq == kv) {
		return tool_usage_err("--var needs KEY=VALUE, not '%s'", kv);
	}
	for (const char *p = kv; p < eq; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-')) {
			return tool_usage_err(
				"--var: KEY may hold letters, digits, _ and -: '%.*s'",
				(int)(eq - kv), kv);
		}
	}
	v = realloc(o->vars, (o->n_vars + 1) * sizeof(*v));
	if (v == NULL) {
		return tool_oom();
	}
	o->vars = v;
	o->vars[o->n_vars++] = kv;
	return 0;
}

static int parse_task_opt(struct opts *o, int c, const char *arg)
{
	unsigned bits;
	uint64_t n;
	char *end;

	switch (c) {
	case OPT_UNIT:
		if (strcmp(arg, "session") != 0 && strcmp(arg, "turn") != 0) {
			return tool_usage_err("invalid unit '%s' (session or turn)", arg);
		}
		o->task.turn_unit = arg[0] == 't';
		return 0;
	case OPT_INCLUDE_FAILED:
		o->task.include_failed = true;
		return 0;
	case OPT_EXPECT:
	case OPT_NO_EXPECT:
		if (task_expect_parse(arg, &bits) < 0) {
			return tool_usage_err("invalid expectation list '%s' (names: %s)", arg,
					      task_expect_names());
		}
		o->task.expect = c == OPT_EXPECT ? bits : o->task.expect & ~bits;
		return 0;
	case OPT_BUDGET_FACTOR:
		errno = 0;
		o->task.factor = strtod(arg, &end);
		if (errno || end == arg || *end != '\0' || !(o->task.factor > 0) ||
		    !isfinite(o->task.factor)) {
			return tool_usage_err("invalid factor '%s' for --budget-factor", arg);
		}
		return 0;
	case OPT_MAX_LITERALS:
		if (tool_parse_count(arg, &n) < 0 || n > 1000) {
			return tool_usage_err("invalid number '%s' for --max-literals", arg);
		}
		o->task.max_literals = (size_t)n;
		return 0;
	case OPT_MAX_TASK_SIZE:
		if (tool_parse_size(arg, &o->max_task_size) < 0 || o->max_task_size == 0) {
			return tool_usage_err("invalid size '%s' for --max-task-size", arg);
		}
		return 0;
	case OPT_IGNORE_CASE:
		o->task.ignore_case = true;
		return 0;
	case OPT_ID_PREFIX:
		o->task.id_prefix = arg;
		return 0;
	default:
		return -1;
	}
}

static int print_template(const char *name)
{
	const struct format *f = format_find(name);
	const struct builtin_template *t = builtin_template(f ? f->task : name);

	if (t == NULL) {
		return tool_usage_err("no built-in template '%s' (formats: %s)", name,
				      format_list());
	}
	fwrite(t->text, 1, t->len, stdout);
	return -1;
}

static void list_formats(void)
{
	for (const struct format *f = format_all(); f->name; f++) {
		printf("%-13s %s\n", f->name, f->what);
	}
}

static int parse_other(struct opts *o, int c, const char *arg)
{
	switch (c) {
	case 'f':
		o->fmt = format_find(arg);
		if (o->fmt == NULL) {
			return tool_usage_err("unknown output format '%s' (one of %s)", arg,
					      format_list());
		}
		return 0;
	case 't':
		o->template_file = arg;
		return 0;
	case OPT_SUITE_TEMPLATE:
		o->suite_template_file = arg;
		return 0;
	case OPT_JSONL:
		o->jsonl = true;
		return 0;
	case OPT_VAR:
		return add_var(o, arg);
	case 'o':
		o->output = arg;
		return 0;
	case OPT_PRUNE:
		o->prune = true;
		return 0;
	case OPT_NO_FSYNC:
		o->sync = false;
		return 0;
	case OPT_PRINT_TEMPLATE:
		return print_template(arg);
	case OPT_LIST_FORMATS:
		list_formats();
		return -1;
	case 'h':
		help();
		return -1;
	case 'V':
		return tool_version();
	default:
		return tool_bad_option();
	}
}

static int check_opts(struct opts *o)
{
	if (o->template_file && o->fmt) {
		return tool_usage_err("choose one of --format and --template");
	}
	if (o->template_file == NULL && o->fmt == NULL) {
		o->fmt = format_find("waza");
	}
	if (o->fmt && (o->jsonl || o->suite_template_file)) {
		return tool_usage_err("--jsonl and --suite-template go with --template");
	}
	if (o->output == NULL && (o->prune || o->suite_template_file)) {
		return tool_usage_err("--prune and --suite-template need -o DIR");
	}
	if (o->output && strcmp(o->output, "-") == 0) {
		return tool_usage_err("-o takes a directory; leave it out for standard output");
	}
	return 0;
}

/* 0 to go on, -1 after --help and the like, 2 on a usage error */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	struct option *opts;
	int c, r = 0;

	*o = (struct opts){ .sync = true, .max_task_size = TV_TMPL_MAX_OUTPUT };
	tool_input_defaults(&o->in);
	o->task = (struct task_opts){
		.expect = EXPECT_ALL, .factor = 2.0, .max_literals = 5, .id_prefix = "runtime-"
	};
	opts = tool_input_options(long_opts, TOOL_IN_ALL);
	if (opts == NULL) {
		return tool_oom();
	}
	while (r == 0 && (c = getopt_long(argc, argv, short_opts, opts, NULL)) != -1) {
		r = parse_task_opt(o, c, optarg);
		if (r < 0) {
			r = tool_input_parse(&o->in, c, optarg);
		}
		if (r < 0) {
			r = parse_other(o, c, optarg);
		}
	}
	free(opts);
	return r != 0 ? r : check_opts(o);
}

/* ---- templates and the vars root ---- */

static int load_builtin(const char *file, struct tv_tmpl **t)
{
	const struct builtin_template *b = builtin_template(file);
	char name[256];
	struct tv_error err;
	int r = -TV_EUSAGE;

	snprintf(name, sizeof(name), "templates/%s", file);
	tv_error_clear(&err);
	if (b != NULL) {
		r = tv_tmpl_parse(name, b->text, b->len, t, &err);
	}
	if (r == -ENOMEM) {
		return tool_oom();
	}
	if (r < 0) {
		tool_err("%s:%llu: %s", name, (unsigned long long)err.line, err.msg);
		return 1;
	}
	return 0;
}

static int load_file(const char *path, struct tv_tmpl **t)
{
	struct tv_error err;
	int r;

	tv_error_clear(&err);
	r = tv_tmpl_load(path, t, &err);
	if (r == -ENOMEM) {
		return tool_oom();
	}
	if (r < 0) {
		if (err.line) {
			tool_err("%s:%llu: %s", err.file, (unsigned long long)err.line, err.msg);
		} else {
			tool_err("%s: %s", err.file, err.msg);
		}
		return 2;
	}
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* the templates' output limit: --max-task-size */
static int set_limits(struct run *run, int r)
{
	if (r == 0) {
		tv_tmpl_set_max_output(run->task_t, run->o.max_task_size);
	}
	if (r == 0 && run->suite_t) {
		tv_tmpl_set_max_output(run->suite_t, run->o.max_task_size);
	}
	return r;
}

static int load_templates(struct run *run)
{
	const struct format *f = run->o.fmt;
	int r;

	if (f) {
		run->out_mode = f->out_mode;
		run->file_mode = f->file_mode;
		run->ext = f->ext;
		r = load_builtin(f->task, &run->task_t);
		if (r == 0 && f->suite && run->o.output) {
			run->suite_file = f->suite_file;
			r = load_builtin(f->suite, &run->suite_t);
		}
		return set_limits(run, r);
	}
	run->out_mode = run->o.jsonl ? TV_TMPL_JSON_LINE : TV_TMPL_STREAM_DOC;
	run->file_mode = run->o.jsonl ? TV_TMPL_JSON_LINE : TV_TMPL_DOCUMENT;
	run->ext = run->o.jsonl ? ".json" : ".yaml";
	r = load_file(run->o.template_file, &run->task_t);
	if (r == 0 && run->o.suite_template_file) {
		run->suite_file = base_name(run->o.suite_template_file);
		r = load_file(run->o.suite_template_file, &run->suite_t);
	}
	return set_limits(run, r);
}

/* a --var value: a JSON number, true, false or null as itself, else a string */
static bool json_scalar(const char *s)
{
	const char *p = s;

	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0 || strcmp(s, "null") == 0) {
		return true;
	}
	if (*p == '-') {
		p++;
	}
	if (*p == '0') {
		p++;
	} else if (*p >= '1' && *p <= '9') {
		while (*p >= '0' && *p <= '9') {
			p++;
		}
	} else {
		return false;
	}
	if (*p == '.') {
		if (!(*++p >= '0' && *p <= '9')) {
			return false;
		}
		while (*p >= '0' && *p <= '9') {
			p++;
		}
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-') {
			p++;
		}
		if (!(*p >= '0' && *p <= '9')) {
			return false;
		}
		while (*p >= '0' && *p <= '9') {
			p++;
		}
	}
	return *p == '\0';
}

static int make_vars(struct run *run)
{
	struct tv_jw w;
	const char *why = NULL;

	tv_strbuf_reset(&run->json);
	tv_jw_init(&w, &run->json);
	tv_jw_obj_begin(&w);
	for (size_t i = 0; i < run->o.n_vars; i++) {
		const char *kv = run->o.vars[i], *eq = strchr(kv, '=');
		bool later = false;

		/* the last --var of a KEY wins */
		for (size_t j = i + 1; j < run->o.n_vars; j++) {
			const char *eq2 = strchr(run->o.vars[j], '=');

			later |= eq2 - run->o.vars[j] == eq - kv &&
				 memcmp(run->o.vars[j], kv, (size_t)(eq - kv)) == 0;
		}
		if (later) {
			continue;
		}
		tv_jw_key_n(&w, kv, (size_t)(eq - kv));
		if (json_scalar(eq + 1)) {
			tv_jw_raw(&w, eq + 1, strlen(eq + 1));
		} else {
			tv_jw_str(&w, eq + 1, strlen(eq + 1));
		}
	}
	tv_jw_obj_end(&w);
	if (tv_jw_error(&w) < 0 ||
	    tv_json_parse(run->p_vars, run->json.p, run->json.len, &run->vars_root, &why) < 0) {
		tool_err("--var: %s", why ? why : "out of memory");
		return 1;
	}
	return 0;
}

/* ---- output ---- */

/* the next element of an array (tv_jv_iter_next() wants the key pointers) */
static bool next_el(struct tv_jiter *it, struct tv_jv *el)
{
	const char *k;
	size_t kn;

	return tv_jv_iter_next(it, &k, &kn, el);
}

static int flush_out(struct run *run)
{
	if (run->buf.len == 0) {
		return 0;
	}
	if (tool_write(run->out, run->buf.p, run->buf.len) < 0) {
		run->write_error = true;
		run->in.halted = true;
		return -TV_EWRITE;
	}
	tv_strbuf_reset(&run->buf);
	return 0;
}

static void report_render(struct run *run, const struct tv_error *err)
{
	const char *hint = err->code == -TV_ETOOBIG ? " (--max-task-size)" : "";

	if (err->line) {
		tool_err("%s:%llu: %s%s", err->file, (unsigned long long)err->line, err->msg, hint);
	} else {
		tool_err("%s: %s%s", err->file, err->msg, hint);
	}
	run->render_error = true;
	run->in.halted = true;
}

static void tally_add(struct tally *t, const char *s, size_t n)
{
	char **nv;
	size_t *nc;

	for (size_t i = 0; i < t->n; i++) {
		if (strlen(t->name[i]) == n && memcmp(t->name[i], s, n) == 0) {
			t->count[i]++;
			return;
		}
	}
	if (t->n >= MAX_TALLY) {
		return;
	}
	nv = realloc(t->name, (t->n + 1) * sizeof(*nv));
	if (nv) {
		t->name = nv;
	}
	nc = realloc(t->count, (t->n + 1) * sizeof(*nc));
	if (nc) {
		t->count = nc;
	}
	if (nv == NULL || nc == NULL) {
		return;
	}
	t->name[t->n] = tv_strndup(s, n);
	if (t->name[t->n]) {
		t->count[t->n++] = 1;
	}
}

static void tally_session(struct run *run, const struct tv_jv *root)
{
	struct tv_jv v, m;
	struct tv_jiter it;
	const char *s;
	size_t n;

	if (run->dir == NULL || run->suite_t == NULL) {
		return;
	}
	if (tv_jv_get(root, "skill", &v) && tv_jv_str(&v, &s, &n) && n) {
		tally_add(&run->skills, s, n);
	}
	if (tv_jv_get(root, "models", &v)) {
		tv_jv_iter_init(&v, &it);
		while (next_el(&it, &m)) {
			if (tv_jv_str(&m, &s, &n) && n) {
				tally_add(&run->models, s, n);
			}
		}
	}
}

static int write_task(struct run *run, const struct tv_jv *troot)
{
	struct tv_jv task, id;
	const char *s, *name;
	size_t n;

	if (run->dir == NULL) {
		if (tv_strbuf_append(&run->buf, run->text.p, run->text.len) < 0) {
			return -ENOMEM;
		}
		return run->buf.len >= FLUSH_AT ? flush_out(run) : 0;
	}
	if (!tv_jv_get(troot, "task", &task) || !tv_jv_get(&task, "id", &id) ||
	    !tv_jv_str(&id, &s, &n)) {
		return -TV_ETYPE;
	}
	name = outdir_name(run->dir, s, n, run->ext);
	if (name == NULL) {
		return -ENOMEM;
	}
	if (outdir_write(run->dir, name, run->text.p, run->text.len) < 0) {
		run->write_error = true;
		run->in.halted = true;
		return -TV_EWRITE;
	}
	return 0;
}

static int emit_task(struct run *run, size_t turn)
{
	struct tv_tmpl_var vars[6];
	struct tv_error err;
	struct tv_jv troot;
	const char *why = NULL;
	int r;

	tv_strbuf_reset(&run->json);
	r = task_build(&run->o.task, &run->view, turn, &run->lits, &run->json);
	if (r == 0) {
		r = tv_json_parse(run->p_task, run->json.p, run->json.len, &troot, &why);
	}
	if (r < 0) {
		return r;
	}
	vars[0] = (struct tv_tmpl_var){ "session", run->view.root };
	vars[1] = (struct tv_tmpl_var){ "turn", run->view.turns[turn] };
	vars[2].name = "task";
	vars[3].name = "expect";
	vars[4].name = "ref";
	tv_jv_get(&troot, "task", &vars[2].value);
	tv_jv_get(&troot, "expect", &vars[3].value);
	tv_jv_get(&troot, "ref", &vars[4].value);
	vars[5] = (struct tv_tmpl_var){ "vars", run->vars_root };
	tv_strbuf_reset(&run->text);
	tv_error_clear(&err);
	r = tv_tmpl_render(run->task_t, vars, 6, run->dir ? run->file_mode : run->out_mode,
			   &run->text, &err);
	if (r == TV_TMPL_SKIPPED) {
		run->n.skipped++;
		return 0;
	}
	if (r < 0) {
		if (r != -ENOMEM) {
			report_render(run, &err);
			return -TV_EUSAGE;
		}
		return r;
	}
	run->n.tasks++;
	return write_task(run, &troot);
}

/* one session: its units, what each becomes */
static int process(struct run *run, const struct tv_jv *root)
{
	size_t units, turn = 0;
	int r;

	r = session_view_load(&run->view, root);
	if (r < 0) {
		return r;
	}
	run->n.sessions++;
	if (run->in.progress && (run->n.sessions & 255) == 0) {
		tool_input_progress(&run->in, false, run->n.tasks, "tasks");
	}
	tally_session(run, root);
	units = run->o.task.turn_unit ? run->view.n_turns : 1;
	if (run->o.task.turn_unit && units == 0) {
		run->n.units++;
		run->n.no_prompt++;
	}
	for (size_t k = 0; k < units; k++) {
		run->n.units++;
		switch (task_unit(&run->o.task, &run->view, k, &turn)) {
		case V_NO_PROMPT:
			run->n.no_prompt++;
			break;
		case V_FAILED:
			run->n.failed++;
			break;
		case V_TASK:
			r = emit_task(run, turn);
			if (r < 0) {
				return r;
			}
			break;
		}
	}
	return 0;
}

static int emit(void *udata, struct tv_session *s)
{
	struct run *run = udata;
	struct tv_jv root;
	const char *why = NULL;
	int r;

	tv_strbuf_reset(&run->line);
	r = tv_session_write(s, &run->line);
	tv_session_destroy(s);
	if (r == 0) {
		r = tv_json_parse(run->p_session, run->line.p, run->line.len, &root, &why);
	}
	return r < 0 ? r : process(run, &root);
}

static int emit_line(void *udata, const char *line, size_t len, const struct tv_jv *root)
{
	(void)line;
	(void)len;
	return process(udata, root);
}

/* ---- the suite file (with -o) ---- */

static const char *tally_top(const struct tally *t)
{
	size_t best = 0;

	for (size_t i = 1; i < t->n; i++) {
		if (t->count[i] > t->count[best] ||
		    (t->count[i] == t->count[best] && strcmp(t->name[i], t->name[best]) < 0)) {
			best = i;
		}
	}
	return t->n ? t->name[best] : NULL;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void jw_tally(struct tv_jw *w, const char *key, const struct tally *t)
{
	const char **v = malloc((t->n ? t->n : 1) * sizeof(*v));

	tv_jw_key(w, key);
	tv_jw_arr_begin(w);
	if (v) {
		for (size_t i = 0; i < t->n; i++) {
			v[i] = t->name[i];
		}
		qsort(v, t->n, sizeof(*v), cmp_names);
		for (size_t i = 0; i < t->n; i++) {
			tv_jw_cstr(w, v[i]);
		}
	}
	tv_jw_arr_end(w);
	free(v);
}

static int suite_json(struct run *run, struct tv_strbuf *b)
{
	const char *const *files;
	const char **sorted;
	struct tv_jw w;
	size_t n;

	files = outdir_files(run->dir, &n);
	sorted = malloc((n ? n : 1) * sizeof(*sorted));
	if (sorted == NULL) {
		return -ENOMEM;
	}
	if (n > 0) {
		memcpy(sorted, files, n * sizeof(*sorted));
	}
	qsort(sorted, n, sizeof(*sorted), cmp_names);
	tv_strbuf_reset(b);
	tv_jw_init(&w, b);
	tv_jw_obj_begin(&w);
	TV_JW_KEY(&w, "files");
	tv_jw_arr_begin(&w);
	for (size_t i = 0; i < n; i++) {
		tv_jw_cstr(&w, sorted[i]);
	}
	tv_jw_arr_end(&w);
	free(sorted);
	TV_JW_KEY(&w, "count");
	tv_jw_int(&w, (int64_t)n);
	TV_JW_KEY(&w, "format");
	tv_jw_cstr(&w, run->o.fmt ? run->o.fmt->name : "template");
	TV_JW_KEY(&w, "unit");
	tv_jw_cstr(&w, run->o.task.turn_unit ? "turn" : "session");
	tv_strbuf_reset(&run->text);
	tv_strbuf_printf(&run->text, "Eval tasks made by televal-to-eval from captured %s: %zu %s.",
			 run->o.task.turn_unit ? "turns" : "sessions", n,
			 n == 1 ? "task" : "tasks");
	TV_JW_KEY(&w, "description");
	tv_jw_str(&w, run->text.p, run->text.len);
	jw_tally(&w, "skills", &run->skills);
	TV_JW_KEY(&w, "skill");
	tv_jw_cstr(&w, run->skills.n == 1 ? run->skills.name[0] : NULL);
	jw_tally(&w, "models", &run->models);
	TV_JW_KEY(&w, "model");
	tv_jw_cstr(&w, tally_top(&run->models));
	tv_jw_obj_end(&w);
	return tv_jw_error(&w);
}

static int write_suite(struct run *run)
{
	struct tv_tmpl_var vars[2];
	struct tv_error err;
	const char *why = NULL;
	int r;

	r = suite_json(run, &run->json);
	if (r == 0) {
		r = tv_json_parse(run->p_task, run->json.p, run->json.len, &vars[0].value, &why);
	}
	if (r < 0) {
		tool_err("suite: %s", why ? why : tv_strerror(r));
		return -1;
	}
	vars[0].name = "suite";
	vars[1] = (struct tv_tmpl_var){ "vars", run->vars_root };
	tv_strbuf_reset(&run->text);
	tv_error_clear(&err);
	r = tv_tmpl_render(run->suite_t, vars, 2, TV_TMPL_DOCUMENT, &run->text, &err);
	if (r == TV_TMPL_SKIPPED) {
		return 0;
	}
	if (r < 0) {
		report_render(run, &err);
		return -1;
	}
	return outdir_write(run->dir, run->suite_file, run->text.p, run->text.len);
}

/* ---- reading ---- */

static void print_stats(const struct run *run)
{
	const struct counts *n = &run->n;
	const char *unit = run->o.task.turn_unit ? "turns" : "sessions";

	tool_print_record_stats(tv_read_stats(run->in.ctx));
	/* per session, the next line says it: one "sessions:" line, not two */
	if (run->o.task.turn_unit) {
		fprintf(stderr, "%s: sessions: read %llu\n", tv_progname,
			(unsigned long long)n->sessions);
	}
	fprintf(stderr,
		"%s: %s: read %llu = tasks %llu + no prompt %llu + failed %llu + "
		"skipped by the template %llu\n",
		tv_progname, unit, (unsigned long long)n->units, (unsigned long long)n->tasks,
		(unsigned long long)n->no_prompt, (unsigned long long)n->failed,
		(unsigned long long)n->skipped);
	if (run->dir) {
		const struct outdir_stats *st = outdir_stats(run->dir);

		fprintf(stderr, "%s: files: written %llu + unchanged %llu, pruned %llu\n",
			tv_progname, (unsigned long long)st->written,
			(unsigned long long)st->unchanged, (unsigned long long)st->pruned);
	}
}

static int open_output(struct run *run)
{
	if (run->o.output == NULL) {
		run->out = stdout;
		return 0;
	}
	run->dir = outdir_open(run->o.output, run->o.sync);
	if (run->dir == NULL) {
		return -1;
	}
	if (run->suite_file && outdir_reserve(run->dir, run->suite_file) < 0) {
		return -1;
	}
	return outdir_reserve(run->dir, OUTDIR_MANIFEST);
}

static int finish_output(struct run *run, int r)
{
	if (run->dir) {
		if (r == 0 && run->suite_t) {
			r = write_suite(run);
		}
		if (r == 0) {
			r = outdir_finish(run->dir, run->o.prune);
		}
		return r;
	}
	/* promptfoo's tests file is a list: no task is an empty one */
	if (r == 0 && run->out_mode == TV_TMPL_LIST_ITEM && run->n.tasks == 0) {
		r = tv_strbuf_puts(&run->buf, "[]\n");
	}
	if (r == 0) {
		r = flush_out(run);
	}
	if (tool_output_close(run->out) < 0) {
		r = -1;
	}
	return r;
}

static int run_all(struct run *run, int argc, char **argv)
{
	struct tv_read_opts ro = { .emit = emit, .emit_line = emit_line, .udata = run };
	int r, status = 0;

	if (open_output(run) < 0) {
		return 1;
	}
	if (tool_input_start(&run->in, &run->o.in, &ro) != 0) {
		return 1;
	}
	r = tool_input_read_all(&run->in, argc, argv);
	tool_input_progress(&run->in, true, run->n.tasks, "tasks");
	if (finish_output(run, r < 0 ? r : 0) < 0 || r < 0 || tool_input_bad(&run->in)) {
		status = 1;
	}
	if (run->o.in.stats) {
		print_stats(run);
	}
	return status;
}

static int setup(struct run *run)
{
	int r = load_templates(run);

	if (r != 0) {
		return r;
	}
	run->p_session = tv_json_parser_create();
	run->p_task = tv_json_parser_create();
	run->p_vars = tv_json_parser_create();
	if (run->p_session == NULL || run->p_task == NULL || run->p_vars == NULL) {
		tool_err("out of memory");
		return 1;
	}
	return make_vars(run);
}

static void tally_finish(struct tally *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->name[i]);
	}
	free(t->name);
	free(t->count);
}

static void cleanup(struct run *run)
{
	tool_input_end(&run->in);
	outdir_destroy(run->dir);
	tv_tmpl_destroy(run->task_t);
	tv_tmpl_destroy(run->suite_t);
	tv_json_parser_destroy(run->p_session);
	tv_json_parser_destroy(run->p_task);
	tv_json_parser_destroy(run->p_vars);
	tv_strbuf_finish(&run->line);
	tv_strbuf_finish(&run->json);
	tv_strbuf_finish(&run->text);
	tv_strbuf_finish(&run->buf);
	literals_finish(&run->lits);
	session_view_finish(&run->view);
	tally_finish(&run->skills);
	tally_finish(&run->models);
	free(run->o.vars);
}

int main(int argc, char **argv)
{
	struct run run = { 0 };
	int r;

	tool_init(argv);
	tv_strbuf_init(&run.line);
	tv_strbuf_init(&run.json);
	tv_strbuf_init(&run.text);
	tv_strbuf_init(&run.buf);
	r = parse_opts(argc, argv, &run.o);
	if (r == 0) {
		r = setup(&run);
	}
	if (r == 0) {
		r = run_all(&run, argc - optind, argv + optind);
	} else if (r < 0) {
		r = tool_output_close(stdout) == 0 ? 0 : 1; /* --help, --version */
	}
	cleanup(&run);
	return r;
}
