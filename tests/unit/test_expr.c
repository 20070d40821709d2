// SPDX-License-Identifier: MIT
/*
 * The --where expression language (tv_expr.c): the lexer, the parser with
 * every compile error and its column, and the evaluator over canonical
 * session objects parsed with tv_json -- operators, type mixes, null and
 * missing members, any-match over arrays, array counts, computed fields,
 * aggregates, timestamps, durations, regular expressions, `in` / `not in`,
 * precedence and parentheses -- and tv_expr_path_compile/_values (--per).
 *
 * Each check prints what went wrong and the test function fails at its
 * end, so one run shows every mismatch.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/expr/tv_expr.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/core/tv_strbuf.h"

/*
 * The fixtures are written with ' for " (no apostrophes in them), and
 * load() turns them into JSON.
 *
 * FULL: 2 turns, 3 llm_calls (ok, error, timeout: errors = 2), 3 tool_calls
 * (glob, read_file, shell), llm durations 12000/250/750 ms.
 */
static const char FULL[] =
	"{'televal':1,'id':'s-1',"
	"'source':{'format':'outfile','service':'gemini-cli','file':'a.log'},"
	"'start_time':'2025-07-01T09:00:00.000Z','end_time':'2025-07-01T09:01:00.000Z',"
	"'duration_ms':60000,'skill':'azure-deploy','user':'alice',"
	"'models':['gemini-2.5-pro','qwen3-coder'],'success':false,"
	"'error':{'type':'api_error','message':'boom'},"
	"'usage':{'input_tokens':1500,'output_tokens':300,'cached_tokens':null,"
	"'thinking_tokens':0,'total_tokens':1800,'cost_usd':0.25},"
	"'metadata':{'user_id':'u-42','installation.id':'inst-1','tags':['x','y','z'],"
	"'nested':{'k':1},'flag':true},"
	"'turns':["
	"{'id':'t1','prompt':'Fix the Build','output':'first out',"
	"'start_time':'2025-07-01T09:00:00.000Z','end_time':'2025-07-01T09:00:30.000Z',"
	"'duration_ms':30000,'success':true,"
	"'llm_calls':["
	"{'time':'2025-07-01T09:00:01.000Z','model':'gemini-2.5-pro','duration_ms':12000,"
	"'status':'ok','status_code':200,'input_tokens':1000,'output_tokens':200,"
	"'cached_tokens':null,'thinking_tokens':null,'total_tokens':1200,'cache_hit':null,"
	"'finish_reason':'STOP','error':null},"
	"{'time':'2025-07-01T09:00:14.000Z','model':'qwen3-coder','duration_ms':250,"
	"'status':'error','status_code':429,'input_tokens':null,'output_tokens':null,"
	"'cached_tokens':null,'thinking_tokens':null,'total_tokens':null,'cache_hit':null,"
	"'finish_reason':null,'error':'rate limited'}],"
	"'tool_calls':["
	"{'time':'2025-07-01T09:00:15.000Z','name':'glob','args':{'pattern':'*.c'},"
	"'duration_ms':5,'success':true,'decision':'accept','error':null,'type':'native'},"
	"{'time':'2025-07-01T09:00:16.000Z','name':'read_file','args':{'path':'a.c'},"
	"'duration_ms':7.5,'success':false,'decision':'accept','error':'ENOENT',"
	"'type':'native'}]},"
	"{'id':'t2','prompt':'second prompt','output':'Final answer',"
	"'start_time':'2025-07-01T09:00:30.000Z','end_time':'2025-07-01T09:01:00.000Z',"
	"'duration_ms':30000,'success':false,"
	"'llm_calls':["
	"{'time':'2025-07-01T09:00:31.000Z','model':'gemini-2.5-pro','duration_ms':750,"
	"'status':'timeout','status_code':null,'input_tokens':500,'output_tokens':100,"
	"'cached_tokens':null,'thinking_tokens':null,'total_tokens':600,'cache_hit':null,"
	"'finish_reason':null,'error':'deadline'}],"
	"'tool_calls':["
	"{'time':'2025-07-01T09:00:40.000Z','name':'shell','args':null,'duration_ms':null,"
	"'success':null,'decision':null,'error':null,'type':'mcp'}]}],"
	"'events':[]}";

/* EMPTY: no turns, every optional member null, empty models and metadata */
static const char EMPTY[] =
	"{'televal':1,'id':'s-2','source':{'format':null,'service':null,'file':null},"
	"'start_time':null,'end_time':null,'duration_ms':null,'skill':null,'user':null,"
	"'models':[],'success':null,'error':null,"
	"'usage':{'input_tokens':null,'output_tokens':null,'cached_tokens':null,"
	"'thinking_tokens':null,'total_tokens':null,'cost_usd':null},"
	"'metadata':{},'turns':[],'events':[]}";

struct fix {
	struct tv_json_parser *jp;
	struct tv_strbuf doc;
	struct tv_jv root;
	int bad; /* failed checks in this test */
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL) {
		return -1;
	}
	f->jp = tv_json_parser_create();
	if (f->jp == NULL) {
		free(f);
		return -1;
	}
	tv_strbuf_init(&f->doc);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	tv_json_parser_destroy(f->jp);
	tv_strbuf_finish(&f->doc);
	free(f);
	return 0;
}

/* parse @text (' for ") into f->root; the strbuf gives TV_JSON_PAD bytes */
static void load(struct fix *f, const char *text)
{
	const char *why = NULL;

	tv_strbuf_reset(&f->doc);
	for (const char *p = text; *p; p++) {
		assert_int_equal(tv_strbuf_putc(&f->doc, *p == '\'' ? '"' : *p), 0);
	}
	if (tv_json_parse(f->jp, f->doc.p, f->doc.len, &f->root, &why) != 0) {
		fail_msg("fixture is not JSON: %s", why ? why : "?");
	}
}

static void bad(struct fix *f, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad(struct fix *f, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "test_expr.c:%d: ", line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	f->bad++;
}

/* @src must compile and evaluate to @want on the loaded session */
static void check_eval(struct fix *f, const char *src, bool want, int line)
{
	struct tv_expr *e = NULL;
	char why[256] = "";
	size_t col = 0;
	int r;
	bool got;

	r = tv_expr_compile(src, &e, &col, why, sizeof(why));
	if (r != 0) {
		bad(f, line, "`%s`: does not compile (%d): %s at column %zu", src, r, why, col);
		return;
	}
	got = tv_expr_eval(e, &f->root);
	if (got != want) {
		bad(f, line, "`%s`: %s, expected %s", src, got ? "true" : "false",
		    want ? "true" : "false");
	}
	/* evaluating again on the same compiled expression gives the same answer */
	if (tv_expr_eval(e, &f->root) != got) {
		bad(f, line, "`%s`: a second evaluation differs", src);
	}
	tv_expr_destroy(e);
}

/* @src must fail to compile with -TV_EPARSE at @want_col, @want_why in the reason */
static void check_error(struct fix *f, const char *src, size_t want_col, const char *want_why,
			int line)
{
	struct tv_expr *e = NULL;
	char why[256] = "";
	size_t col = 9999;
	int r;

	r = tv_expr_compile(src, &e, &col, why, sizeof(why));
	if (r == 0) {
		bad(f, line, "`%s`: compiles, expected an error (%s)", src, want_why);
		tv_expr_destroy(e);
		return;
	}
	if (r != -TV_EPARSE) {
		bad(f, line, "`%s`: returns %d, expected -TV_EPARSE", src, r);
	}
	if (col != want_col) {
		bad(f, line, "`%s`: error at column %zu, expected %zu (%s)", src, col, want_col,
		    why);
	}
	if (strstr(why, want_why) == NULL) {
		bad(f, line, "`%s`: reason \"%s\", expected it to contain \"%s\"", src, why,
		    want_why);
	}
}

#define IS(src) check_eval(f, src, true, __LINE__)
#define NOT(src) check_eval(f, src, false, __LINE__)
#define ERR(src, col, why) check_error(f, src, col, why, __LINE__)
#define DONE() assert_int_equal(f->bad, 0)

/* ---- evaluation ---- */

static void test_comparison_operators(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	/* numbers */
	IS("usage.input_tokens == 1500");
	NOT("usage.input_tokens != 1500");
	IS("usage.input_tokens != 1501");
	IS("usage.input_tokens < 1501");
	NOT("usage.input_tokens < 1500");
	IS("usage.input_tokens <= 1500");
	NOT("usage.input_tokens <= 1499");
	IS("usage.input_tokens > 1499");
	NOT("usage.input_tokens > 1500");
	IS("usage.input_tokens >= 1500");
	NOT("usage.input_tokens >= 1501");
	IS("usage.cost_usd == 0.25");
	IS("usage.cost_usd < 2.5e-1 || usage.cost_usd == 25e-2");
	IS("usage.thinking_tokens == 0");
	IS("usage.input_tokens > -1");
	IS("-1 < usage.input_tokens");
	IS("1500 == usage.input_tokens");
	IS("1499 < usage.input_tokens");
	NOT("1501 <= usage.input_tokens");
	IS("televal == 1");
	/* strings: bytewise */
	IS("skill == \"azure-deploy\"");
	IS("skill == 'azure-deploy'");
	NOT("skill == \"Azure-deploy\"");
	NOT("skill == \"azure\"");
	IS("skill != \"azure\"");
	IS("skill < \"b\"");
	IS("skill > \"azure\"");
	IS("skill >= \"azure-deploy\"");
	IS("skill <= \"azure-deploy\"");
	NOT("skill < \"azure-deploy\"");
	IS("\"b\" > skill");
	IS("id == \"s-1\"");
	IS("source.format == \"outfile\" && source.service == \"gemini-cli\"");
	IS("error.message == \"boom\"");
	/* string escapes */
	IS("\"a\\\"b\" == 'a\"b'");
	IS("'it\\'s' == \"it's\"");
	IS("\"tab\\there\" != \"tab\\\\there\"");
	/* booleans */
	IS("success == false");
	NOT("success == true");
	IS("success != true");
	NOT("success < true");
	NOT("success > false");
	IS("metadata.flag == true");
	/* two paths */
	IS("start_time < end_time");
	IS("usage.input_tokens > usage.output_tokens");
	DONE();
}

static void test_type_mixes(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	/* different kinds are never equal, and never ordered */
	NOT("usage.input_tokens == \"1500\"");
	IS("usage.input_tokens != \"1500\"");
	NOT("usage.input_tokens < \"2000\"");
	NOT("usage.input_tokens > \"1000\"");
	NOT("success == 0");
	IS("success != 0");
	NOT("skill == 1");
	NOT("skill > 1");
	NOT("skill < 1");
	NOT("metadata.flag == 1");
	NOT("metadata.flag == \"true\"");
	NOT("metadata.nested == 1");
	IS("metadata.nested != 1");
	/* a parenthesized comparison is a boolean value */
	IS("(turns > 1) == true");
	IS("(errors > 5) == false");
	NOT("(errors > 5) == 0");
	/* literals on their own are truthy or not */
	IS("true");
	NOT("false");
	NOT("null");
	IS("1");
	NOT("0");
	IS("\"x\"");
	NOT("\"\"");
	/* a path on its own: truthy if a value is */
	IS("skill");
	IS("metadata");
	IS("turns");
	IS("usage.input_tokens");
	NOT("usage.thinking_tokens");
	NOT("usage.cached_tokens");
	NOT("success");
	IS("!success");
	DONE();
}

static void test_null_and_missing(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	IS("usage.cached_tokens == null");
	NOT("usage.cached_tokens != null");
	NOT("usage.cached_tokens > 0");
	NOT("usage.cached_tokens < 0");
	NOT("usage.cached_tokens >= 0");
	NOT("usage.cached_tokens == 0");
	IS("usage.cached_tokens != 0");
	NOT("skill == null");
	IS("skill != null");
	IS("null == usage.cached_tokens");
	/* a member missing from a free-form object is null */
	IS("metadata.no_such_key == null");
	NOT("metadata.no_such_key != null");
	NOT("metadata.no_such_key == \"x\"");
	IS("metadata.no_such_key != \"x\"");
	NOT("metadata.no_such_key");

	load(f, EMPTY);
	IS("skill == null");
	NOT("skill != null");
	IS("skill != \"azure-deploy\"");
	NOT("skill == \"azure-deploy\"");
	NOT("skill < \"x\"");
	NOT("skill > 1");
	NOT("skill");
	IS("!skill");
	IS("success == null");
	NOT("success == false");
	NOT("success == true");
	NOT("success");
	IS("user == null");
	IS("error == null");
	IS("usage.input_tokens == null");
	NOT("usage.input_tokens > 0");
	NOT("usage.input_tokens < 0");
	IS("source.format == null");
	IS("metadata.user_id == null");
	DONE();
}

static void test_any_match(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	/* an array of strings */
	IS("models == \"qwen3-coder\"");
	IS("models == \"gemini-2.5-pro\"");
	NOT("models == \"gpt-4\"");
	IS("models != \"qwen3-coder\""); /* the other model differs */
	IS("models =~ \"^qwen\"");
	IS("metadata.tags == \"z\"");
	/* paths through the turns array */
	IS("turns.tool_calls.name == \"glob\"");
	IS("tool_calls.name == \"glob\"");
	IS("tool_calls.name == \"shell\"");
	NOT("tool_calls.name == \"grep\"");
	IS("turns.prompt == \"second prompt\"");
	IS("turns.success == true");
	IS("turns.success == false");
	IS("llm_calls.model == \"qwen3-coder\"");
	IS("turns.llm_calls.status == \"timeout\"");
	IS("llm_calls.duration_ms > 10000");
	NOT("llm_calls.duration_ms > 12000");
	IS("llm_calls.duration_ms < 300");
	IS("llm_calls.status_code == 429");
	IS("llm_calls.status_code == null");
	IS("llm_calls.error == \"deadline\"");
	IS("tool_calls.duration_ms == 7.5");
	IS("tool_calls.args.pattern == \"*.c\"");
	IS("tool_calls.args.path == \"a.c\"");
	IS("tool_calls.type == \"mcp\"");
	IS("tool_calls.success == null");
	/* every element must hold: the negation of an any-match */
	NOT("!(llm_calls.duration_ms >= 250)");
	IS("!(llm_calls.duration_ms > 12000)");

	load(f, EMPTY);
	NOT("models == \"qwen3-coder\"");
	NOT("models != \"qwen3-coder\"");
	NOT("tool_calls.name == \"glob\"");
	NOT("tool_calls.name != \"glob\"");
	NOT("turns.prompt == null");
	DONE();
}

static void test_counts(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	IS("turns == 2");
	IS("turns > 1");
	NOT("turns > 2");
	IS("turns >= 2");
	IS("turns < 3");
	IS("turns <= 2");
	IS("turns != 3");
	IS("1 < turns");
	IS("2 == turns");
	NOT("3 <= turns");
	IS("llm_calls == 3");
	IS("turns.llm_calls == 3");
	IS("tool_calls == 3");
	IS("tool_calls > 2");
	NOT("tool_calls > 3");
	IS("models == 2");
	IS("metadata.tags == 3");
	IS("errors == 2");
	IS("errors >= 1");
	NOT("errors > 2");
	IS("errors != 0");

	/* no turns: no calls either, so 0 of each */
	load(f, EMPTY);
	IS("turns == 0");
	NOT("turns > 0");
	NOT("turns");
	IS("!turns");
	IS("llm_calls == 0");
	IS("tool_calls == 0");
	IS("models == 0");
	IS("errors == 0");
	NOT("errors >= 1");
	DONE();
}

static void test_computed(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	/* prompt: the first turn's; output: the last turn's */
	IS("prompt == \"Fix the Build\"");
	NOT("prompt == \"second prompt\"");
	IS("output == \"Final answer\"");
	NOT("output == \"first out\"");
	IS("prompt != \"second prompt\"");
	IS("prompt =~ \"Build$\"");
	IS("output =~ \"^Final\"");
	IS("prompt > output");
	/* errors: llm calls with status error or timeout (not ok, not null) */
	load(f,
	     "{'id':'e','turns':[{'prompt':null,'output':null,'llm_calls':["
	     "{'status':'ok'},{'status':null},{'status':'error'},{}]},"
	     "{'prompt':'p2','output':'o2','llm_calls':[{'status':'timeout'},{'status':'ok'}]}]}");
	IS("errors == 2");
	IS("prompt == null");
	IS("output == \"o2\"");
	IS("llm_calls == 6");
	DONE();
}

static void test_aggregates(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	IS("max(llm_calls.duration_ms) == 12000");
	IS("min(llm_calls.duration_ms) == 250");
	IS("sum(llm_calls.duration_ms) == 13000");
	IS("avg(llm_calls.duration_ms) > 4333.33 && avg(llm_calls.duration_ms) < 4333.34");
	IS("count(llm_calls.duration_ms) == 3");
	IS("count(llm_calls) == 3");
	IS("count(turns) == 2");
	IS("count(models) == 2");
	/* nulls are not counted, summed or averaged */
	IS("count(llm_calls.input_tokens) == 2");
	IS("sum(llm_calls.input_tokens) == 1500");
	IS("avg(llm_calls.input_tokens) == 750");
	IS("sum(llm_calls.input_tokens) == usage.input_tokens");
	IS("sum(tool_calls.duration_ms) == 12.5");
	IS("avg(tool_calls.duration_ms) == 6.25");
	IS("count(tool_calls.duration_ms) == 2");
	IS("min(tool_calls.duration_ms) == 5");
	IS("max(turns.duration_ms) == 30000");
	IS("max(llm_calls.duration_ms) > 10s");
	NOT("max(llm_calls.duration_ms) > 12s");
	IS("10s < max(llm_calls.duration_ms)");
	IS("max(usage.input_tokens) == 1500");
	IS("max(llm_calls.duration_ms) > min(llm_calls.duration_ms)");
	IS("count(llm_calls.model) == 3");
	/* max/min/sum/avg of no numbers: null; count: 0 */
	IS("max(llm_calls.model) == null");
	IS("count(metadata.no_such_key) == 0");

	load(f, EMPTY);
	IS("max(llm_calls.duration_ms) == null");
	NOT("max(llm_calls.duration_ms) > 0");
	NOT("min(llm_calls.duration_ms) < 0");
	IS("avg(llm_calls.duration_ms) == null");
	IS("count(llm_calls) == 0");
	IS("count(llm_calls.duration_ms) == 0");
	DONE();
}

/*
 * An aggregate over a computed field must either be refused when compiled
 * or count what the field yields: sum(errors) is errors, count(prompt) is
 * 1 when there is a first prompt and 0 without turns.
 */
static void check_agg_or_error(struct fix *f, const char *src, bool want, int line)
{
	struct tv_expr *e = NULL;
	char why[256];
	size_t col;

	if (tv_expr_compile(src, &e, &col, why, sizeof(why)) != 0) {
		return; /* refused: fine */
	}
	if (tv_expr_eval(e, &f->root) != want) {
		bad(f, line, "`%s` compiles but evaluates to %s", src, want ? "false" : "true");
	}
	tv_expr_destroy(e);
}

static void test_aggregate_of_computed(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	check_agg_or_error(f, "sum(errors) == 2", true, __LINE__);
	check_agg_or_error(f, "max(errors) == 2", true, __LINE__);
	check_agg_or_error(f, "max(errors) > 0", true, __LINE__);
	load(f, EMPTY);
	check_agg_or_error(f, "count(prompt) == 0", true, __LINE__);
	check_agg_or_error(f, "count(output) == 0", true, __LINE__);
	DONE();
}

static void test_times(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	/* a date is midnight UTC */
	IS("start_time >= \"2025-07-01\"");
	NOT("start_time < \"2025-07-01\"");
	IS("start_time < \"2025-07-02\"");
	IS("start_time > \"2025-06-30\"");
	/* compared as times, not as strings: no fraction, other offsets */
	IS("start_time == \"2025-07-01T09:00:00Z\"");
	IS("start_time == \"2025-07-01T09:00:00.000000Z\"");
	IS("start_time == \"2025-07-01T11:00:00+02:00\"");
	IS("start_time < \"2025-07-01T10:00:00+01:00\" || start_time == \"2025-07-01T10:00:00+01:00\"");
	NOT("start_time != \"2025-07-01T09:00:00Z\"");
	IS("start_time <= \"2025-07-01T09:00:00Z\"");
	IS("end_time > \"2025-07-01T09:00:59.999Z\"");
	NOT("end_time > \"2025-07-01T09:01:00.001Z\"");
	/* the literal on the left */
	IS("\"2025-07-01T08:59:59Z\" < start_time");
	IS("\"2025-07-02\" > end_time");
	NOT("\"2025-07-01\" > start_time");
	/* any-match over nested time fields */
	IS("llm_calls.time >= \"2025-07-01T09:00:31Z\"");
	NOT("llm_calls.time > \"2025-07-01T09:00:31Z\"");
	IS("tool_calls.time == \"2025-07-01T09:00:40Z\"");
	IS("turns.start_time == \"2025-07-01T09:00:30Z\"");
	/* a range */
	IS("start_time >= \"2025-07-01\" && start_time < \"2025-07-01T09:00:01Z\"");

	load(f, EMPTY);
	NOT("start_time >= \"2025-01-01\"");
	NOT("start_time < \"2025-01-01\"");
	IS("start_time == null");
	DONE();
}

static void test_durations(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	IS("duration_ms == 1m");
	IS("duration_ms == 60s");
	IS("duration_ms == 60000ms");
	IS("duration_ms == 60000");
	IS("duration_ms > 59s");
	IS("duration_ms < 1.5m");
	IS("turns.duration_ms == 30s");
	IS("1.5s == 1500");
	IS("250ms == 250");
	IS("1h == 3600000");
	IS("2h == 120m");
	IS("1d == 86400000");
	IS("1w == 7d");
	IS("llm_calls.duration_ms == 250ms");
	DONE();
}

static void test_regex(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	IS("prompt =~ \"Build\"");
	IS("prompt =~ \"^Fix\"");
	NOT("prompt =~ \"^fix\"");
	IS("prompt =~ \"(?i)^fix the build$\"");
	IS("prompt !~ \"^fix\"");
	NOT("prompt !~ \"Build\"");
	IS("metadata.user_id =~ \"^u-\\d+$\""); /* \d reaches PCRE2 */
	IS("metadata.user_id =~ '^u-[0-9]{2}$'");
	IS("skill =~ \"deploy|build\"");
	IS("turns.output =~ \"first\""); /* any turn */
	IS("turns.output =~ \"answer$\"");
	IS("tool_calls.name =~ \"^read_\"");
	NOT("tool_calls.name =~ \"^write_\"");
	IS("tool_calls.name !~ \"^write_\"");
	/* only strings match; nothing to match: !~ holds */
	NOT("success =~ \"false\"");
	IS("success !~ \"false\"");
	NOT("usage.input_tokens =~ \"1500\"");
	NOT("usage.cached_tokens =~ \"\"");
	IS("usage.cached_tokens !~ \"\"");
	IS("prompt =~ \"\"");
	/* UTF-8 */
	load(f, "{'id':'u','turns':[{'prompt':'caf\xc3\xa9 na\xc3\xafve','output':null}]}");
	IS("prompt =~ \"^caf.\\\\s\"");
	IS("prompt =~ \"^caf\xc3\xa9 \"");
	IS("prompt =~ \"^.{4} .{5}$\""); /* characters, not bytes */
	DONE();
}

static void test_in(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	IS("skill in [\"a\", \"azure-deploy\"]");
	NOT("skill in [\"a\", \"b\"]");
	IS("skill in ['azure-deploy']");
	NOT("skill in []");
	IS("models in [\"qwen3-coder\"]"); /* any element */
	NOT("models in [\"gpt-4\", \"claude\"]");
	IS("usage.input_tokens in [1, 1500, 3]");
	NOT("usage.input_tokens in [\"1500\"]");
	IS("usage.cached_tokens in [null]");
	NOT("usage.cached_tokens in [0, false, \"\"]");
	IS("success in [false]");
	NOT("success in [true, 0]");
	IS("tool_calls.name in [\"shell\", \"grep\"]");
	IS("llm_calls.status in [\"timeout\"]");
	IS("skill in [1, true, null, \"azure-deploy\"]");
	/* not in */
	IS("skill not in [\"a\", \"b\"]");
	NOT("skill not in [\"azure-deploy\"]");
	IS("skill not in []");
	NOT("models not in [\"qwen3-coder\"]");
	IS("!(skill in [\"x\"])");
	IS("skill not in [\"x\"] && turns == 2");
	/* durations in lists */
	IS("duration_ms in [1m, 2m]");

	load(f, EMPTY);
	IS("skill in [null]");
	NOT("skill in [\"a\"]");
	IS("skill not in [\"a\"]");
	NOT("models in [\"qwen3-coder\"]");
	IS("models not in [\"qwen3-coder\"]");
	DONE();
}

/* `not in` is two tokens: any blank between them */
static void test_not_in_spacing(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	IS("skill not  in [\"a\"]");
	IS("skill not\tin [\"a\"]");
	IS("skill  not in [\"a\"]");
	NOT("skill not  in [\"azure-deploy\"]");
	DONE();
}

static void test_precedence(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	/* && binds tighter than || */
	IS("true || false && false");
	NOT("(true || false) && false");
	IS("false && false || true");
	NOT("false && (false || true)");
	/* ! binds tighter than && and || */
	NOT("!true && false");
	IS("!(true && false)");
	IS("!false || false");
	NOT("!(false || true)");
	IS("!!true");
	NOT("!!!true");
	/* word forms */
	IS("not false and true");
	IS("false or true");
	NOT("not (false or true)");
	IS("true and not false");
	/* ! applies to the whole comparison */
	IS("!skill == \"x\"");
	NOT("!skill == \"azure-deploy\"");
	IS("not turns > 3");
	/* chains */
	IS("turns == 2 && errors == 2 && tool_calls == 3 && llm_calls == 3");
	NOT("turns == 2 && errors == 2 && tool_calls == 4");
	IS("turns == 1 || errors == 1 || models == \"qwen3-coder\"");
	IS("(turns == 1 || errors == 2) && (skill == \"x\" || skill =~ \"azure\")");
	NOT("(turns == 1 || errors == 2) && (skill == \"x\" || skill =~ \"gcp\")");
	IS("((((turns == 2))))");
	/* blanks are optional between tokens */
	IS("turns>1&&errors>=1||false");
	IS("  turns  ==  2\t&&\nerrors==2  ");
	DONE();
}

static void test_paths(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	IS("metadata.user_id == \"u-42\"");
	IS("metadata.\"installation.id\" == \"inst-1\""); /* quoted segments */
	IS("metadata.'installation.id' == \"inst-1\"");
	IS("metadata.nested.k == 1");
	IS("usage.\"input_tokens\" == 1500");
	IS("source.file == \"a.log\"");
	IS("turns.llm_calls.finish_reason == \"STOP\"");
	IS("error.type == \"api_error\"");
	IS("events == 0");
	NOT("sampling.weight > 0"); /* free-form, absent */
	NOT("redaction.counts.email > 0");
	DONE();
}

/* a list where a value is expected must not crash (refused, or any answer) */
static void check_no_crash(const char *src)
{
	pid_t pid;
	int status = 0;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct tv_json_parser *jp = tv_json_parser_create();
		struct tv_strbuf doc;
		struct tv_expr *e = NULL;
		struct tv_jv root;
		char why[256];
		size_t col;

		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		tv_strbuf_init(&doc);
		for (const char *p = FULL; *p; p++) {
			tv_strbuf_putc(&doc, *p == '\'' ? '"' : *p);
		}
		if (jp == NULL || tv_json_parse(jp, doc.p, doc.len, &root, NULL) != 0) {
			_exit(3);
		}
		if (tv_expr_compile(src, &e, &col, why, sizeof(why)) == 0) {
			(void)tv_expr_eval(e, &root);
			tv_expr_destroy(e);
		}
		tv_json_parser_destroy(jp);
		tv_strbuf_finish(&doc);
		_exit(0);
	}
	assert_true(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fail_msg("`%s`: the child %s %d", src,
			 WIFSIGNALED(status) ? "died of signal" : "exited with",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	}
}

static void test_list_as_value(void **state)
{
	(void)state;
	check_no_crash("skill == [\"azure-deploy\"]");
	check_no_crash("[1, 2]");
	check_no_crash("!([])");
}

/* ---- compile errors ---- */

static void test_errors(void **state)
{
	struct fix *f = *state;

	/* unknown fields, at every level */
	ERR("frobnicate > 1", 0, "unknown field 'frobnicate'");
	ERR("usage.foo > 1", 6, "unknown field 'foo'");
	ERR("turns > 1 && turns.tool_calls.nme == 'x'", 30, "unknown field 'nme'");
	ERR("llm_calls.bogus == 1", 10, "unknown field 'bogus'");
	ERR("tool_calls.nam == 'glob'", 11, "unknown field 'nam'");
	ERR("models.x == 1", 7, "unknown field 'x'");
	ERR("source.\"form at\" == 1", 7, "unknown field 'form at'");
	ERR("max(foo) > 1", 4, "unknown field 'foo'");
	ERR("Skill == 'x'", 0, "unknown field 'Skill'");
	/* numbers and units */
	ERR("duration_ms > 1e999", 14, "invalid number");
	ERR("duration_ms > 10sec", 16, "unknown unit 'sec'");
	ERR("duration_ms > 10x", 16, "unknown unit 'x'");
	ERR("duration_ms > 5min", 15, "unknown unit 'min'");
	/* strings */
	ERR("skill == \"abc", 9, "unterminated string");
	ERR("skill == 'abc", 9, "unterminated string");
	ERR("skill == \"abc\\\"", 9, "unterminated string");
	ERR("skill == 'abc\"", 9, "unterminated string");
	/* characters */
	ERR("skill == @", 9, "unexpected character '@'");
	ERR("turns > 1 & turns < 3", 10, "unexpected character '&'");
	ERR("turns > 1 | turns < 3", 10, "unexpected character '|'");
	ERR("#", 0, "unexpected character '#'");
	ERR("skill = 'x'", 6, "'=' is not an operator");
	ERR("skill=='x' && turns=2", 19, "'=' is not an operator");
	/* parentheses */
	ERR("(turns > 1", 10, "expected ')'");
	ERR("((turns > 1) && errors == 0", 27, "expected ')'");
	ERR("(turns > 1 errors", 11, "expected ')'");
	ERR("turns > 1)", 9, "unbalanced ')'");
	ERR("(turns > 1))", 11, "unbalanced ')'");
	ERR(")", 0, "expected a value");
	ERR("()", 1, "expected a value");
	/* missing values */
	ERR("turns >", 7, "expected a value, found the end of the expression");
	ERR("turns > && errors", 8, "expected a value");
	ERR("skill == )", 9, "expected a value");
	ERR("!", 1, "found the end of the expression");
	ERR("turns > 1 &&", 12, "found the end of the expression");
	ERR("turns > 1 ||", 12, "found the end of the expression");
	ERR("not", 3, "found the end of the expression");
	ERR("== 1", 0, "expected a value");
	/* trailing tokens */
	ERR("turns > 1 2", 10, "expected an operator");
	ERR("skill 'x'", 6, "expected an operator");
	ERR("turns > 1 errors", 10, "expected an operator");
	ERR("skill == 'a' 'b'", 13, "expected an operator");
	ERR("turns.", 6, "expected a field name after '.'");
	ERR("usage. == 1", 7, "expected a field name after '.'");
	ERR("usage.1 == 1", 6, "expected a field name after '.'");
	/* regular expressions: the caret under the pattern */
	ERR("prompt =~ \"(abc\"", 10, "invalid regular expression");
	ERR("prompt !~ \"[a-\"", 10, "invalid regular expression");
	ERR("prompt =~ 5", 10, "must be a string");
	ERR("prompt !~ turns", 10, "must be a string");
	ERR("prompt =~ null", 10, "must be a string");
	/* in */
	ERR("skill in \"x\"", 9, "expected '[' after in");
	ERR("skill in skill", 9, "expected '[' after in");
	ERR("skill not in 'x'", 13, "expected '[' after in");
	ERR("skill in [1, foo]", 13, "expected a number, string, true, false or null in the list");
	ERR("skill in [(1)]", 10, "in the list");
	ERR("skill in [[1]]", 10, "in the list");
	ERR("skill in [1 2]", 12, "expected ',' or ']'");
	ERR("skill in [1,", 12, "in the list");
	ERR("skill in [1, 2", 14, "expected ',' or ']'");
	/* computed fields have no members */
	ERR("prompt.text == 'x'", 7, "computed field has no members");
	ERR("output.x == 1", 7, "computed field has no members");
	ERR("errors.count > 1", 7, "computed field has no members");
	/* aggregates */
	ERR("max(1) > 2", 4, "expected a field path");
	ERR("sum() > 2", 4, "expected a field path");
	ERR("max(llm_calls.duration_ms > 1", 26, "expected ')'");
	ERR("count(turns", 11, "expected ')'");
	/* empty */
	ERR("", 0, "empty expression");
	ERR("   ", 0, "empty expression");
	ERR("\t\n", 0, "empty expression");
	DONE();
}

/* a string compared with a time field must be a timestamp; the caret is under it */
static void test_error_not_a_time(void **state)
{
	struct fix *f = *state;

	ERR("start_time >= \"yesterday\"", 14, "'yesterday' is not a timestamp");
	ERR("start_time >= \"2025-13-01\"", 14, "is not a timestamp");
	ERR("\"tomorrow\" > end_time", 0, "'tomorrow' is not a timestamp");
	ERR("llm_calls.time < \"noon\" && turns > 0", 17, "'noon' is not a timestamp");
	DONE();
}

/* the reason is truncated to the buffer, never overflows it */
static void test_error_short_buffer(void **state)
{
	struct tv_expr *e = NULL;
	char why[9];
	size_t col = 0;

	(void)state;
	memset(why, 'X', sizeof(why));
	assert_int_equal(tv_expr_compile("frobnicate > 1", &e, &col, why, 8), -TV_EPARSE);
	assert_int_equal(why[8], 'X');
	assert_true(strlen(why) < 8);
	assert_int_equal(col, 0);
	tv_expr_destroy(NULL);
}

/* ---- paths for --per ---- */

struct collected {
	char v[16][64];
	size_t n;
	int stop_at; /* return 7 from this call (1-based), 0: never */
};

static int collect(void *udata, const char *json, size_t n)
{
	struct collected *c = udata;

	if (c->n < 16) {
		snprintf(c->v[c->n], sizeof(c->v[c->n]), "%.*s", (int)n, json);
		c->n++;
	}
	return c->stop_at && (int)c->n == c->stop_at ? 7 : 0;
}

/* the values tv_expr_path_values yields for @src, joined with '|' */
static void check_values(struct fix *f, const char *src, const char *want, int line)
{
	struct collected c = { .n = 0 };
	struct tv_expr *e = NULL;
	char why[256] = "", got[1024] = "";
	size_t col = 0;
	int r;

	r = tv_expr_path_compile(src, &e, &col, why, sizeof(why));
	if (r != 0) {
		bad(f, line, "path `%s`: does not compile: %s at %zu", src, why, col);
		return;
	}
	r = tv_expr_path_values(e, &f->root, collect, &c);
	if (r != 0) {
		bad(f, line, "path `%s`: returns %d", src, r);
	}
	for (size_t i = 0, len = 0; i < c.n; i++) {
		int k = snprintf(got + len, sizeof(got) - len, "%s%s", i ? "|" : "", c.v[i]);

		if (k < 0 || (size_t)k >= sizeof(got) - len) {
			break;
		}
		len += (size_t)k;
	}
	if (strcmp(got, want) != 0) {
		bad(f, line, "path `%s`: values \"%s\", expected \"%s\"", src, got, want);
	}
	tv_expr_destroy(e);
}

static void check_path_error(struct fix *f, const char *src, size_t want_col, const char *want_why,
			     int line)
{
	struct tv_expr *e = NULL;
	char why[256] = "";
	size_t col = 9999;
	int r = tv_expr_path_compile(src, &e, &col, why, sizeof(why));

	if (r == 0) {
		bad(f, line, "path `%s`: compiles, expected an error", src);
		tv_expr_destroy(e);
		return;
	}
	if (r != -TV_EPARSE || col != want_col || strstr(why, want_why) == NULL) {
		bad(f, line, "path `%s`: %d at column %zu (%s), expected -TV_EPARSE at %zu (%s)",
		    src, r, col, why, want_col, want_why);
	}
}

#define VALUES(src, want) check_values(f, src, want, __LINE__)
#define PATH_ERR(src, col, why) check_path_error(f, src, col, why, __LINE__)

static void test_path_values(void **state)
{
	struct fix *f = *state;

	load(f, FULL);
	VALUES("skill", "azure-deploy");
	VALUES("models", "gemini-2.5-pro|qwen3-coder");
	VALUES("usage.input_tokens", "1500");
	VALUES("usage.cached_tokens", "null");
	VALUES("success", "false");
	VALUES("metadata.flag", "true");
	VALUES("metadata.user_id", "u-42");
	VALUES("metadata.\"installation.id\"", "inst-1");
	VALUES("metadata.no_such_key", "null");
	VALUES("tool_calls.name", "glob|read_file|shell");
	VALUES("llm_calls.status", "ok|error|timeout");
	VALUES("turns.llm_calls.model", "gemini-2.5-pro|qwen3-coder|gemini-2.5-pro");
	VALUES("source.service", "gemini-cli");
	VALUES("prompt", "Fix the Build");
	VALUES("output", "Final answer");
	VALUES("errors", "2");

	load(f, EMPTY);
	VALUES("skill", "null");
	VALUES("models", "null"); /* nothing: null */
	VALUES("tool_calls.name", "null");
	VALUES("metadata.user_id", "null");
	DONE();
}

static void test_path_values_stop(void **state)
{
	struct fix *f = *state;
	struct collected c = { .n = 0, .stop_at = 2 };
	struct tv_expr *e = NULL;
	char why[128];
	size_t col;

	load(f, FULL);
	assert_int_equal(tv_expr_path_compile("tool_calls.name", &e, &col, why, sizeof(why)), 0);
	assert_int_equal(tv_expr_path_values(e, &f->root, collect, &c), 7);
	assert_int_equal(c.n, 2);
	/* the compiled path is reusable */
	c = (struct collected){ .n = 0 };
	assert_int_equal(tv_expr_path_values(e, &f->root, collect, &c), 0);
	assert_int_equal(c.n, 3);
	tv_expr_destroy(e);
}

static void test_path_errors(void **state)
{
	struct fix *f = *state;

	PATH_ERR("", 0, "expected a field name");
	PATH_ERR("   ", 3, "expected a field name");
	PATH_ERR("1", 0, "expected a field name");
	PATH_ERR("\"skill\"", 0, "expected a field name");
	PATH_ERR("bogus", 0, "unknown field 'bogus'");
	PATH_ERR("skill.x", 6, "unknown field 'x'");
	PATH_ERR("tool_calls.nam", 11, "unknown field 'nam'");
	PATH_ERR("turns.", 6, "expected a field name after '.'");
	PATH_ERR("prompt.x", 7, "computed field has no members");
	PATH_ERR("skill == 1", 6, "expected an operator");
	PATH_ERR("skill)", 5, "unbalanced ')'");
	PATH_ERR("skill @", 6, "unexpected character '@'");
	DONE();
}

/* @n copies of @open, then @mid, then @n copies of @close */
static char *nested(const char *open, size_t n, const char *mid, const char *close)
{
	size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close);
	char *s = malloc(n * (lo + lc) + lm + 1), *p = s;

	assert_non_null(s);
	for (size_t i = 0; i < n; i++, p += lo) {
		memcpy(p, open, lo);
	}
	memcpy(p, mid, lm);
	p += lm;
	for (size_t i = 0; i < n; i++, p += lc) {
		memcpy(p, close, lc);
	}
	*p = '\0';
	return s;
}

/*
 * '(' and '!' nest at most TV_EXPR_MAX_DEPTH deep: one more is an error at
 * the token that goes too deep, never a stack overflow (60,000 '(' or
 * 120,000 '!' crashed the parser)
 */
static void test_depth_limit(void **state)
{
	struct fix *f = *state;
	const size_t max = TV_EXPR_MAX_DEPTH;
	char *s;

	load(f, FULL);
	s = nested("(", max, "true", ")");
	IS(s);
	free(s);
	s = nested("!", max, "true", "");
	check_eval(f, s, max % 2 == 0, __LINE__);
	free(s);
	s = nested("(", max + 1, "true", ")");
	ERR(s, max, "nested deeper than 256 levels");
	free(s);
	s = nested("not ", max + 1, "true", "");
	ERR(s, 4 * max, "nested deeper than 256 levels");
	free(s);
	s = nested("(!", max / 2, "true", ")");
	IS(s);
	free(s);
	s = nested("(!", max / 2 + 1, "true", ")");
	ERR(s, max, "nested deeper");
	free(s);
	s = nested("(", 60000, "true", ")");
	ERR(s, max, "nested deeper");
	free(s);
	s = nested("!", 120000, "true", "");
	ERR(s, max, "nested deeper");
	free(s);
	DONE();
}

/* a chain of 200,000 operands is a loop: no depth limit, no deep recursion */
static void test_long_chains(void **state)
{
	struct fix *f = *state;
	char *s;

	load(f, FULL);
	s = nested("turns == 9 || ", 200000, "turns == 2", "");
	IS(s);
	free(s);
	s = nested("turns == 2 && ", 200000, "turns == 9", "");
	NOT(s);
	free(s);
	s = nested("false or ", 100000, "(true and not false)", "");
	IS(s);
	free(s);
	DONE();
}

int main(void)
{
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		TEST(test_comparison_operators),
		TEST(test_type_mixes),
		TEST(test_null_and_missing),
		TEST(test_any_match),
		TEST(test_counts),
		TEST(test_computed),
		TEST(test_aggregates),
		TEST(test_aggregate_of_computed),
		TEST(test_times),
		TEST(test_durations),
		TEST(test_regex),
		TEST(test_in),
		TEST(test_not_in_spacing),
		TEST(test_precedence),
		TEST(test_paths),
		TEST(test_list_as_value),
		TEST(test_errors),
		TEST(test_error_not_a_time),
		TEST(test_error_short_buffer),
		TEST(test_path_values),
		TEST(test_path_values_stop),
		TEST(test_path_errors),
		TEST(test_depth_limit),
		TEST(test_long_chains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
