// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the template engine of televal-to-eval: the input
 * is a template, compiled and rendered in every mode against a session, a
 * turn, a task and vars (the roots televal-to-eval gives).  Rendering twice
 * gives the same bytes; an error names a line.  Dictionary: tmpl.dict.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/json/tv_json.h"
#include "libcommon/tmpl/tv_tmpl.h"
#include "libcommon/core/tv_strbuf.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char CONTEXT[] =
	"{\"session\":{\"id\":\"s-1\",\"user\":\"alice\",\"models\":[\"m1\",\"m2\"],"
	"\"metadata\":{\"host.name\":\"box\",\"n\":[1,2.5,null,true]},\"success\":false,"
	"\"turns\":[{\"prompt\":\"Fix the build\\nnow\",\"output\":\"done: 1.5\","
	"\"tool_calls\":[{\"name\":\"shell\",\"args\":{\"cmd\":\"make\"}}]}]},"
	"\"turn\":{\"prompt\":\"yes\",\"output\":\"null\",\"tool_calls\":[]},"
	"\"task\":{\"id\":\"runtime-s-1\",\"title\":\"t: x\",\"tags\":[\"a\",\"b\"],"
	"\"follow_ups\":[]},\"expect\":{\"behavior\":{},\"output_contains\":[\"x\"]},"
	"\"ref\":{},\"vars\":{\"k\":\"v\"}}";

static const char *const ROOTS[] = { "session", "turn", "task", "expect", "ref", "vars" };
#define N_ROOTS (sizeof(ROOTS) / sizeof(ROOTS[0]))

static void render_all(const struct tv_tmpl *t, const struct tv_tmpl_var *vars)
{
	static const enum tv_tmpl_mode modes[] = { TV_TMPL_DOCUMENT, TV_TMPL_STREAM_DOC,
						   TV_TMPL_LIST_ITEM, TV_TMPL_JSON_LINE };
	struct tv_strbuf a, b;
	struct tv_error err;
	int ra, rb;

	tv_strbuf_init(&a);
	tv_strbuf_init(&b);
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		tv_strbuf_reset(&a);
		tv_strbuf_reset(&b);
		ra = tv_tmpl_render(t, vars, N_ROOTS, modes[m], &a, &err);
		rb = tv_tmpl_render(t, vars, N_ROOTS, modes[m], &b, &err);
		if (ra != rb || a.len != b.len || (a.len > 0 && memcmp(a.p, b.p, a.len) != 0)) {
			abort(); /* the same context gives the same bytes */
		}
		if (ra < 0 && ra != -ENOMEM && err.line == 0) {
			abort(); /* a render error names the template line */
		}
	}
	tv_strbuf_finish(&a);
	tv_strbuf_finish(&b);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct tv_json_parser *jp = tv_json_parser_create();
	struct tv_tmpl_var vars[N_ROOTS];
	struct tv_tmpl *t = NULL;
	struct tv_strbuf ctx;
	struct tv_error err;
	struct tv_jv root;

	tv_strbuf_init(&ctx);
	if (jp == NULL || tv_strbuf_puts(&ctx, CONTEXT) < 0 ||
	    tv_json_parse(jp, ctx.p, ctx.len, &root, NULL) != 0) {
		goto out;
	}
	for (size_t i = 0; i < N_ROOTS; i++) {
		vars[i].name = ROOTS[i];
		tv_jv_get(&root, ROOTS[i], &vars[i].value);
	}
	tv_error_clear(&err);
	if (tv_tmpl_parse("fuzz.yaml", (const char *)data, size, &t, &err) == 0) {
		render_all(t, vars);
		tv_tmpl_destroy(t);
	}
out:
	tv_strbuf_finish(&ctx);
	tv_json_parser_destroy(jp);
	return 0;
}
