// SPDX-License-Identifier: MIT
/*
 * tv_pii: key policies in every shape a key meets its value (JSON members,
 * [K, V] tuples, `key=value` text), which "token" keys are secrets, payment
 * cards of every current issuer range in every grouping, and where a
 * finding stands in the JSON text (the line --check reports).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libcommon/pii/tv_pii.h"
#include "libcommon/pii/tv_pii_int.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MAXF 16

struct fix {
	struct tv_pii *p;
	struct tv_strbuf out;
	size_t nf;
	char rule[MAXF][64];
	const char *at[MAXF];
};

static void on_finding(void *udata, const struct tv_pii_finding *f, const char *v, size_t n)
{
	struct fix *x = udata;

	(void)v;
	(void)n;
	if (x->nf < MAXF) {
		snprintf(x->rule[x->nf], sizeof(x->rule[0]), "%s", f->rule);
		x->at[x->nf] = f->at;
		x->nf++;
	}
}

static int setup(void **state)
{
	struct tv_pii_opts o = { NULL, (const unsigned char *)"k", 1, true };
	struct fix *x = calloc(1, sizeof(*x));
	struct tv_error err;

	if (x == NULL || tv_pii_create(&o, &x->p, &err) < 0) {
		free(x);
		return -1;
	}
	tv_pii_set_finding_cb(x->p, on_finding, x);
	tv_strbuf_init(&x->out);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fix *x = *state;

	tv_pii_destroy(x->p);
	tv_strbuf_finish(&x->out);
	free(x);
	return 0;
}

static const char *scrub_k(struct fix *x, const char *key, const char *s)
{
	tv_strbuf_reset(&x->out);
	x->nf = 0;
	assert_true(tv_pii_scrub(x->p, key, key ? strlen(key) : 0, s, strlen(s), &x->out) >= 0);
	return x->out.p ? x->out.p : "";
}

static const char *scrub_json(struct fix *x, const char *s)
{
	int r;

	tv_strbuf_reset(&x->out);
	x->nf = 0;
	r = tv_pii_scrub_json(x->p, s, strlen(s), &x->out);
	if (r < 0) {
		fail_msg("%s: %d", s, r);
	}
	return x->out.p ? x->out.p : "";
}

/* ---- key=value in text ---- */

static void test_kv_next(void **state)
{
	static const struct {
		const char *text, *pairs; /* "key=value;" for each pair found */
	} v[] = {
		{ "a=1 b=two c", "a=1;b=two;" },
		{ "host.name=box-7, x-auth-token=t;", "host.name=box-7;x-auth-token=t;" },
		{ "user.email=\"p q@e.com\" z='s t'", "user.email=p q@e.com;z=s t;" },
		{ "--user=carol -v .x=1", "user=carol;x=1;" },
		{ "GET /a?user=bob&id=7#f", "user=bob;id=7#f;" },
		{ "span{http.method=POST api.path=\"r/c\"}: m", "http.method=POST;api.path=r/c;" },
		{ "p=${DB_PASSWORD} f(k=v)", "p=${DB_PASSWORD};k=v;" },
		{ "open=\"no end", "open=no end;" },
		/* no pairs */
		{ "a == b, a = b, a<=b, 9x=1, =v, k=, k= v, abc==", "" },
	};
	struct tv_strbuf b;

	(void)state;
	tv_strbuf_init(&b);
	for (size_t i = 0; i < N(v); i++) {
		const char *s = v[i].text;
		size_t n = strlen(s), from = 0;
		struct pii_kv kv;

		tv_strbuf_reset(&b);
		tv_strbuf_putc(&b, '\0');
		b.len = 0;
		while (pii_kv_next(s, n, from, &kv)) {
			tv_strbuf_printf(&b, "%.*s=%.*s;", (int)(kv.ke - kv.ks), s + kv.ks,
					 (int)(kv.ve - kv.vs), s + kv.vs);
			from = kv.ve;
		}
		if (strcmp(b.p, v[i].pairs) != 0) {
			fail_msg("'%s': pairs '%s', want '%s'", s, b.p, v[i].pairs);
		}
	}
	tv_strbuf_finish(&b);
}

static void test_pairs_in_text(void **state)
{
	struct fix *x = *state;
	const char *o;

	/* a Python log message, a Codex stderr line: the key policies act on the values */
	o = scrub_k(x, NULL,
		    "started host.name=box-7 process.owner=alice user=bob --user=carol "
		    "session.id=s-1 max_tokens=512 input_token_count=10 gen_ai.token.type=input "
		    "api_token=abc123def456ghi model=gpt-5");
	assert_non_null(strstr(o, "started host.name=<HOST:"));
	assert_non_null(strstr(o, " process.owner=<USER:"));
	assert_non_null(strstr(o, " user=<USER:"));
	assert_non_null(strstr(o, " --user=<USER:"));
	assert_null(strstr(o, "box-7"));
	assert_null(strstr(o, "alice"));
	assert_null(strstr(o, "bob"));
	assert_null(strstr(o, "carol"));
	assert_non_null(strstr(o, " session.id=s-1 max_tokens=512 input_token_count=10 "
				  "gen_ai.token.type=input api_token=<SECRET> model=gpt-5"));
	/* quoted values keep their quotes; a rule's finding stands (the e-mail) */
	o = scrub_k(x, NULL, "user.email=\"person@example.com\" terminal.type=unknown");
	assert_non_null(strstr(o, "user.email=\"<EMAIL:"));
	assert_int_equal(x->nf, 1);
	assert_string_equal(x->rule[0], "email");
	/* scrubbing the output again finds nothing */
	o = scrub_k(x, NULL, "host.name=<HOST:1234abcd> user=<USER:0badf00d>");
	assert_int_equal(x->nf, 0);
	/* a Codex tracing line on stderr: the account id goes, the counts stay */
	o = scrub_k(x, NULL,
		    "INFO codex_otel.log_only: event.name=\"codex.conversation_starts\" "
		    "user.account_id=\"0f2d7c1e-1111-4222-8333-944455556666\" "
		    "input_token_count=10 conversation.id=c-1");
	assert_non_null(strstr(o, "user.account_id=\"<USER:"));
	assert_null(strstr(o, "0f2d7c1e"));
	assert_non_null(strstr(o, "\" input_token_count=10 conversation.id=c-1"));
	/* Claude Code's standard attributes: the account and organization go */
	o = scrub_json(x, "{\"attributes\":[{\"key\":\"user.account_uuid\",\"value\":"
			  "{\"stringValue\":\"7c1e2d3f-aaaa-4bbb-8ccc-dddd0000eeee\"}},"
			  "{\"key\":\"organization.id\",\"value\":{\"stringValue\":"
			  "\"0a1b2c3d-1111-4222-8333-444455556666\"}},{\"key\":\"terminal.type\","
			  "\"value\":{\"stringValue\":\"vscode\"}}]}");
	assert_null(strstr(o, "7c1e2d3f"));
	assert_null(strstr(o, "0a1b2c3d"));
	assert_non_null(strstr(o, "<USER:"));
	assert_non_null(strstr(o, "<ORG:"));
	assert_non_null(strstr(o, "\"vscode\""));
	/* ... and as a transcript line writes them */
	o = scrub_json(x, "{\"accountUuid\":\"7c1e2d3f-aaaa\",\"orgId\":\"0a1b2c3d\"}");
	assert_null(strstr(o, "7c1e2d3f"));
	assert_null(strstr(o, "0a1b2c3d"));
	/* OTLP numbers written as text stay; text where a number belongs is scanned */
	o = scrub_json(x, "{\"key\":\"n\",\"value\":{\"intValue\":\"-12345\"}}");
	assert_int_equal(x->nf, 0);
	o = scrub_json(x, "{\"key\":\"d\",\"value\":{\"doubleValue\":\"1.5e-3\"}}");
	assert_int_equal(x->nf, 0);
	o = scrub_json(x, "[{\"key\":\"a\",\"value\":{\"doubleValue\":\"/home/alice/w "
			  "bob@example.com\"}},{\"key\":\"b\",\"value\":{\"intValue\":\"x9 "
			  "carol@example.org\"}}]");
	assert_null(strstr(o, "alice"));
	assert_null(strstr(o, "bob@example.com"));
	assert_null(strstr(o, "carol@example.org"));
	/* a drop policy cannot drop from text: the value is redacted */
	o = scrub_k(x, NULL, "cookie=abc; path=/");
	assert_string_equal(o, "cookie=<SECRET>; path=/");
}

/* ---- [K, V] tuples ---- */

static void test_tuples(void **state)
{
	struct fix *x = *state;
	const char *o;

	/* Gemini CLI's outfile: resource attributes as [key, value] tuples */
	o = scrub_json(x, "{\"resource\": {\"_rawAttributes\": [\n"
			  "  [\"host.name\", \"xs-laptop.local\"],\n"
			  "  [\"host.id\", \"C535C24C-F05A-5AC7-87D1-A60ED03AFEDD\"],\n"
			  "  [\"process.owner\", \"x\"],\n"
			  "  [\"process.pid\", 41171],\n"
			  "  [\"service.name\", \"gemini-cli\"],\n"
			  "  [\"session.id\", \"f7127565\"]\n]}}");
	assert_null(strstr(o, "xs-laptop"));
	assert_null(strstr(o, "C535C24C"));
	assert_non_null(strstr(o, "[\"host.name\", \"<HOST:"));
	assert_non_null(strstr(o, "[\"process.owner\", \"<USER:"));
	assert_non_null(strstr(o, "[\"process.pid\", 41171],\n"));
	assert_non_null(strstr(o, "[\"service.name\", \"gemini-cli\"],\n"));
	assert_non_null(strstr(o, "[\"session.id\", \"f7127565\"]\n"));
	assert_int_equal(x->nf, 3);
	/* a list of three is no tuple: its strings are under the list's key */
	o = scrub_json(x, "{\"l\": [\"host.name\", \"box\", \"x\"]}");
	assert_int_equal(x->nf, 0);
}

/* ---- token keys ---- */

static void test_token_secret_key(void **state)
{
	static const char *const secrets[] = {
		"token",	   "access_token",  "refresh_token", "id_token",     "api_token",
		"auth_token",	   "x-auth-token",  "X-Auth-Token",  "accessToken",  "idToken",
		"github_token",	   "session_token", "csrf_token",    "bearer_token", "token_id",
		"next_page_token", "HF_TOKEN",
	};
	static const char *const counts[] = {
		/* OTel GenAI */
		"gen_ai.token.type",
		"gen_ai.usage.input_tokens",
		"gen_ai.usage.output_tokens",
		/* LangChain, OpenLLMetry, OpenInference */
		"token_usage",
		"completion_tokens",
		"prompt_tokens",
		"total_tokens",
		"llm.usage.total_tokens",
		"llm.token_count.prompt",
		"llm.token_count.completion",
		/* Gemini CLI, Codex */
		"input_token_count",
		"output_token_count",
		"cached_content_token_count",
		"thoughts_token_count",
		"tool_token_count",
		"total_token_count",
		"auto_compact_token_limit",
		/* request parameters */
		"max_tokens",
		"max_output_tokens",
		"maxTokens",
		"max_token",
		"tokenCount",
		"token_type",
		"tokens",
		"tokenizer",
		"num_tokens",
		"token_budget",
	};

	(void)state;
	for (size_t i = 0; i < N(secrets); i++) {
		if (!pii_token_secret_key(secrets[i], strlen(secrets[i]))) {
			fail_msg("'%s' is a secret", secrets[i]);
		}
	}
	for (size_t i = 0; i < N(counts); i++) {
		if (pii_token_secret_key(counts[i], strlen(counts[i]))) {
			fail_msg("'%s' is no secret", counts[i]);
		}
	}
}

static void test_token_values(void **state)
{
	struct fix *x = *state;
	const char *o;

	/* an OTel GenAI metric's attributes (OTLP): the token type stays */
	o = scrub_json(x, "{\"attributes\":[{\"key\":\"gen_ai.token.type\",\"value\":"
			  "{\"stringValue\":\"input\"}},{\"key\":\"gen_ai.request.model\","
			  "\"value\":{\"stringValue\":\"m\"}}]}");
	assert_int_equal(x->nf, 0);
	/* LangChain's response_metadata: the usage counts stay, a key does not */
	o = scrub_json(x, "{\"response_metadata\":{\"token_usage\":{\"completion_tokens\":7,"
			  "\"prompt_tokens\":\"12\",\"total_tokens\":19},\"model_name\":\"g\"},"
			  "\"access_token\":\"a1b2c3\",\"headers\":{\"x-auth-token\":\"zz\"}}");
	assert_non_null(strstr(o, "\"prompt_tokens\":\"12\""));
	assert_non_null(strstr(o, "\"access_token\":\"<SECRET>\""));
	assert_non_null(strstr(o, "\"x-auth-token\":\"<SECRET>\""));
	assert_int_equal(x->nf, 2);
	/* Gemini CLI attributes under their keys (collector.log, outfile) */
	assert_string_equal(scrub_k(x, "total_token_count", "12115"), "12115");
	assert_string_equal(scrub_k(x, "gen_ai.token.type", "output"), "output");
	assert_string_equal(scrub_k(x, "api_token", "output"), "<SECRET>");
	/* a bearer value is a secret under any key */
	o = scrub_k(x, "note", "Authorization: Bearer abcdefghijklmnop0123456789");
	assert_null(strstr(o, "abcdefghijklmnop0123456789"));
}

/* ---- payment cards ---- */

/* @prefix padded with digits to @len, with the Luhn check digit last */
static void make_card(const char *prefix, size_t len, char *out)
{
	unsigned sum = 0;
	size_t n = strlen(prefix);

	memcpy(out, prefix, n);
	for (size_t i = n; i < len - 1; i++) {
		out[i] = (char)('0' + (i * 7 + 3) % 10);
	}
	out[len - 1] = '0';
	out[len] = '\0';
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(out[len - 1 - i] - '0');

		if (i % 2 == 1) {
			d = d * 2 > 9 ? d * 2 - 9 : d * 2;
		}
		sum += d;
	}
	out[len - 1] = (char)('0' + (10 - sum % 10) % 10);
}

/* @d written in groups of the sizes in @layout ("4-6-5"), separated by @sep */
static void group(const char *d, const char *layout, char sep, char *out)
{
	size_t k = 0, o = 0;

	for (const char *l = layout; *l; l++) {
		if (*l == '-') {
			out[o++] = sep;
			continue;
		}
		for (int i = 0; i < *l - '0'; i++) {
			out[o++] = d[k++];
		}
	}
	out[o] = '\0';
}

static bool found_card(struct fix *x, const char *number)
{
	char text[96];

	snprintf(text, sizeof(text), "card %s exp 12/29", number);
	scrub_k(x, NULL, text);
	return x->nf == 1 && strcmp(x->rule[0], "credit_card") == 0 &&
	       strcmp(x->out.p, "card <CREDIT_CARD> exp 12/29") == 0;
}

static void test_card_ranges(void **state)
{
	/* the first and last prefix of each range, each length it issues */
	static const struct {
		const char *prefix;
		size_t len;
		const char *layout; /* how it is printed */
	} cards[] = {
		{ "4", 16, "4-4-4-4" },	     { "4", 13, "4-4-4-1" },
		{ "4", 19, "4-4-4-4-3" },    { "51", 16, "4-4-4-4" },
		{ "55", 16, "4-4-4-4" },     { "2221", 16, "4-4-4-4" },
		{ "2720", 16, "4-4-4-4" },   { "34", 15, "4-6-5" },
		{ "37", 15, "4-6-5" },	     { "6011", 16, "4-4-4-4" },
		{ "6011", 19, "4-4-4-4-3" }, { "644", 16, "4-4-4-4" },
		{ "649", 16, "4-4-4-4" },    { "65", 16, "4-4-4-4" },
		{ "622126", 16, "4-4-4-4" }, { "622925", 19, "4-4-4-4-3" },
		{ "300", 14, "4-6-4" },	     { "305", 14, "4-6-4" },
		{ "3095", 14, "4-6-4" },     { "36", 14, "4-6-4" },
		{ "38", 14, "4-4-4-2" },     { "39", 16, "4-4-4-4" },
		{ "3528", 16, "4-4-4-4" },   { "3589", 19, "4-4-4-4-3" },
		{ "3598", 16, "4-4-4-4" },   { "2131", 15, "4-6-5" },
		{ "1800", 15, "4-6-5" },     { "62", 17, "4-4-4-4-1" },
		{ "62", 18, "4-4-4-4-2" },   { "2200", 16, "4-4-4-4" },
		{ "2204", 16, "4-4-4-4" },   { "50", 12, "4-4-4" },
		{ "50", 19, "4-4-4-4-3" },   { "56", 16, "4-4-4-4" },
		{ "69", 13, "4-4-4-1" },
	};
	struct fix *x = *state;
	char d[24], text[40];

	for (size_t i = 0; i < N(cards); i++) {
		make_card(cards[i].prefix, cards[i].len, d);
		if (!found_card(x, d)) {
			fail_msg("%s (%zu digits) not found", d, cards[i].len);
		}
		group(d, cards[i].layout, ' ', text);
		if (!found_card(x, text)) {
			fail_msg("'%s' not found", text);
		}
		group(d, cards[i].layout, '-', text);
		if (!found_card(x, text)) {
			fail_msg("'%s' not found", text);
		}
	}
}

static void test_card_outside_ranges(void **state)
{
	/*
	 * just outside a range, or a length the range does not issue (JCB's 35
	 * block is taken whole: 3527 and 3590 are cards too, see tv_pii_valid.c)
	 */
	static const struct {
		const char *prefix;
		size_t len;
	} v[] = {
		{ "2220", 16 }, { "2721", 16 }, { "2130", 15 }, { "1801", 15 }, { "306", 14 },
		{ "33", 15 },	{ "35", 15 },	{ "51", 15 },	{ "34", 16 },	{ "1", 16 },
		{ "7", 16 },	{ "8", 16 },	{ "9", 16 },	{ "2205", 16 }, { "4", 12 },
	};
	struct fix *x = *state;
	char d[24];

	for (size_t i = 0; i < N(v); i++) {
		make_card(v[i].prefix, v[i].len, d);
		if (found_card(x, d)) {
			fail_msg("%s (%zu digits) taken for a card", d, v[i].len);
		}
	}
}

/* ---- where a finding stands ---- */

static void test_finding_at(void **state)
{
	struct fix *x = *state;
	const char *j = "{\n\"a\": \"x\",\n\"esc\": \"mail \\u0062ob@example.com\",\n"
			"\"nested\": \"{\\\"m\\\": \\\"carol@example.com\\\"}\",\n"
			"\"drop\": 1}";
	const char *esc = strstr(j, "mail "), *nested = strstr(j, "{\\\"m");

	scrub_json(x, j);
	assert_int_equal(x->nf, 2);
	/* the string token the value came from, in the text given */
	assert_ptr_equal(x->at[0], esc);
	assert_ptr_equal(x->at[1], nested);
	/* tv_pii_scrub has no JSON text */
	scrub_k(x, NULL, "dave@example.com");
	assert_int_equal(x->nf, 1);
	assert_null(x->at[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kv_next),
		cmocka_unit_test_setup_teardown(test_pairs_in_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tuples, setup, teardown),
		cmocka_unit_test(test_token_secret_key),
		cmocka_unit_test_setup_teardown(test_token_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_card_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_card_outside_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finding_at, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
