// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the --where language: the input up to its first
 * newline is an expression, compiled as an expression and as a --per path;
 * what follows, if it is a JSON object, is the session it is evaluated on
 * (else a built-in session with every kind of member).  Evaluating twice
 * must give the same answer.  Dictionary: expr.dict.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "libcommon/expr/tv_expr.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/core/tv_strbuf.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char SESSION[] =
	"{\"televal\":1,\"id\":\"s-1\","
	"\"source\":{\"format\":\"outfile\",\"service\":\"gemini-cli\",\"file\":\"a.log\"},"
	"\"start_time\":\"2025-07-01T09:00:00.000Z\",\"end_time\":\"2025-07-01T09:01:00.000Z\","
	"\"duration_ms\":60000,\"skill\":\"azure-deploy\",\"user\":\"alice\","
	"\"models\":[\"gemini-2.5-pro\",\"qwen3-coder\"],\"success\":false,"
	"\"error\":{\"type\":\"api_error\",\"message\":\"boom\"},"
	"\"usage\":{\"input_tokens\":1500,\"output_tokens\":300,\"cached_tokens\":null,"
	"\"thinking_tokens\":0,\"total_tokens\":1800,\"cost_usd\":0.25},"
	"\"metadata\":{\"user_id\":\"u-42\",\"installation.id\":\"inst-1\",\"tags\":[\"x\",\"y\",\"z\"],"
	"\"nested\":{\"k\":1},\"flag\":true},"
	"\"turns\":["
	"{\"id\":\"t1\",\"prompt\":\"Fix the Build\",\"output\":\"first out\","
	"\"start_time\":\"2025-07-01T09:00:00.000Z\",\"end_time\":\"2025-07-01T09:00:30.000Z\","
	"\"duration_ms\":30000,\"success\":true,"
	"\"llm_calls\":["
	"{\"time\":\"2025-07-01T09:00:01.000Z\",\"model\":\"gemini-2.5-pro\",\"duration_ms\":12000,"
	"\"status\":\"ok\",\"status_code\":200,\"input_tokens\":1000,\"output_tokens\":200,"
	"\"cached_tokens\":null,\"thinking_tokens\":null,\"total_tokens\":1200,\"cache_hit\":null,"
	"\"finish_reason\":\"STOP\",\"error\":null},"
	"{\"time\":\"2025-07-01T09:00:14.000Z\",\"model\":\"qwen3-coder\",\"duration_ms\":250,"
	"\"status\":\"error\",\"status_code\":429,\"input_tokens\":null,\"output_tokens\":null,"
	"\"cached_tokens\":null,\"thinking_tokens\":null,\"total_tokens\":null,\"cache_hit\":null,"
	"\"finish_reason\":null,\"error\":\"rate limited\"}],"
	"\"tool_calls\":["
	"{\"time\":\"2025-07-01T09:00:15.000Z\",\"name\":\"glob\",\"args\":{\"pattern\":\"*.c\"},"
	"\"duration_ms\":5,\"success\":true,\"decision\":\"accept\",\"error\":null,\"type\":\"native\"},"
	"{\"time\":\"2025-07-01T09:00:16.000Z\",\"name\":\"read_file\",\"args\":{\"path\":\"a.c\"},"
	"\"duration_ms\":7.5,\"success\":false,\"decision\":\"accept\",\"error\":\"ENOENT\","
	"\"type\":\"native\"}]},"
	"{\"id\":\"t2\",\"prompt\":\"second prompt\",\"output\":\"Final answer\","
	"\"start_time\":\"2025-07-01T09:00:30.000Z\",\"end_time\":\"2025-07-01T09:01:00.000Z\","
	"\"duration_ms\":30000,\"success\":false,"
	"\"llm_calls\":["
	"{\"time\":\"2025-07-01T09:00:31.000Z\",\"model\":\"gemini-2.5-pro\",\"duration_ms\":750,"
	"\"status\":\"timeout\",\"status_code\":null,\"input_tokens\":500,\"output_tokens\":100,"
	"\"cached_tokens\":null,\"thinking_tokens\":null,\"total_tokens\":600,\"cache_hit\":null,"
	"\"finish_reason\":null,\"error\":\"deadline\"}],"
	"\"tool_calls\":["
	"{\"time\":\"2025-07-01T09:00:40.000Z\",\"name\":\"shell\",\"args\":null,\"duration_ms\":null,"
	"\"success\":null,\"decision\":null,\"error\":null,\"type\":\"mcp\"}]}],"
	"\"events\":[]}";

static int count_values(void *udata, const char *json, size_t n)
{
	size_t *count = udata;

	(void)json;
	(void)n;
	(*count)++;
	return 0;
}

static void run(const char *src, const struct tv_jv *session)
{
	struct tv_expr *e = NULL;
	char why[256];
	size_t col = 0, count = 0;

	if (tv_expr_compile(src, &e, &col, why, sizeof(why)) == 0) {
		bool a = tv_expr_eval(e, session), b = tv_expr_eval(e, session);

		if (a != b) {
			abort();
		}
		tv_expr_destroy(e);
	} else if (col > strlen(src)) {
		abort(); /* the caret must point into the expression */
	}
	e = NULL;
	if (tv_expr_path_compile(src, &e, &col, why, sizeof(why)) == 0) {
		tv_expr_path_values(e, session, count_values, &count);
		if (count == 0) {
			abort(); /* a missing value is still one "null" */
		}
		tv_expr_destroy(e);
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct tv_json_parser *jp = tv_json_parser_create();
	const unsigned char *nl = memchr(data, '\n', size);
	size_t elen = nl ? (size_t)(nl - data) : size;
	struct tv_strbuf src, doc;
	struct tv_jv root;

	if (jp == NULL) {
		return 0;
	}
	tv_strbuf_init(&src);
	tv_strbuf_init(&doc);
	/* the expression is a C string: it ends at a NUL byte */
	if (tv_strbuf_append(&src, (const char *)data, elen) < 0) {
		goto out;
	}
	if (nl != NULL && tv_strbuf_append(&doc, (const char *)nl + 1, size - elen - 1) == 0 &&
	    tv_json_parse(jp, doc.p, doc.len, &root, NULL) == 0 &&
	    tv_jv_type(&root) == TV_J_OBJECT) {
		run(src.p ? src.p : "", &root);
	} else {
		tv_strbuf_reset(&doc);
		if (tv_strbuf_puts(&doc, SESSION) == 0 &&
		    tv_json_parse(jp, doc.p, doc.len, &root, NULL) == 0) {
			run(src.p ? src.p : "", &root);
		}
	}
out:
	tv_strbuf_finish(&src);
	tv_strbuf_finish(&doc);
	tv_json_parser_destroy(jp);
	return 0;
}
