// SPDX-License-Identifier: MIT
/*
 * tv_pii: every rule's true positives and near misses (tables, as gitleaks
 * keeps tps/fps per rule), look-alikes that must survive, the operators,
 * key policies, allow-lists, the policy file and its errors, fail-closed
 * behaviour, the layout-preserving JSON scrubber (pretty and compact,
 * OTLP key-value lists, Jaeger tags, JSON inside strings, drops) and
 * pseudonym stability across instances and keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/pii/tv_pii.h"
#include "libcommon/core/tv_strbuf.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define MAXF 16

struct fix {
	struct tv_pii *p;
	struct tv_strbuf out;
	size_t nf;
	char rule[MAXF][64];
	char val[MAXF][512];
	enum tv_pii_op op[MAXF];
};

static void on_finding(void *udata, const struct tv_pii_finding *f, const char *v, size_t n)
{
	struct fix *x = udata;

	(void)n;
	if (x->nf < MAXF) {
		snprintf(x->rule[x->nf], sizeof(x->rule[0]), "%s", f->rule);
		snprintf(x->val[x->nf], sizeof(x->val[0]), "%.*s", (int)f->len, v + f->start);
		x->op[x->nf] = f->op;
		x->nf++;
	}
}

static struct tv_pii *make(const char *policy, const char *key, bool keep_ids, struct tv_error *err,
			   int *ret)
{
	struct tv_pii_opts o = { policy, (const unsigned char *)key, key ? strlen(key) : 0,
				 keep_ids };
	struct tv_pii *p = NULL;

	*ret = tv_pii_create(&o, &p, err);
	return p;
}

static int setup_with(void **state, const char *policy, bool keep_ids)
{
	struct fix *x = calloc(1, sizeof(*x));
	struct tv_error err;
	int r;

	if (x == NULL) {
		return -1;
	}
	x->p = make(policy, "test-key", keep_ids, &err, &r);
	if (r < 0) {
		print_message("%s:%llu: %s\n", err.file, (unsigned long long)err.line, err.msg);
		free(x);
		return -1;
	}
	tv_pii_set_finding_cb(x->p, on_finding, x);
	tv_strbuf_init(&x->out);
	*state = x;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, NULL, true);
}

static int teardown(void **state)
{
	struct fix *x = *state;

	tv_pii_destroy(x->p);
	tv_strbuf_finish(&x->out);
	free(x);
	return 0;
}

static const char *text_of(struct fix *x)
{
	return x->out.p ? x->out.p : "";
}

/* scrub @s under @key; returns the output (valid until the next call) */
static const char *scrub_k(struct fix *x, const char *key, const char *s, int *ret)
{
	tv_strbuf_reset(&x->out);
	x->nf = 0;
	*ret = tv_pii_scrub(x->p, key, key ? strlen(key) : 0, s, strlen(s), &x->out);
	return text_of(x);
}

static const char *scrub(struct fix *x, const char *s)
{
	int r;
	const char *o = scrub_k(x, NULL, s, &r);

	assert_true(r >= 0);
	return o;
}

static const char *scrub_json(struct fix *x, const char *s, int *ret)
{
	tv_strbuf_reset(&x->out);
	x->nf = 0;
	*ret = tv_pii_scrub_json(x->p, s, strlen(s), &x->out);
	return text_of(x);
}

/* ---- per-rule tables ---- */

struct tp {
	const char *rule;
	const char *text;
	const char *found; /* the bytes the rule must report */
};

struct fp {
	const char *rule; /* the rule the near miss is aimed at */
	const char *text; /* must come out unchanged, with no finding */
};

#define JWT                                                                             \
	"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpv" \
	"aG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
#define PEM_BODY                                                             \
	"MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n" \
	"KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm\n"
#define ANT_KEY         \
	"sk-ant-api03-" \
	"Zx9Qm2Lk7Wp4Rt8Yh3Nv6Bc1Df5Gj0Sa2Xe7Ku9Oi4Pl3Mn8Qw6Er1Ty5Ui2Op7As4Dg9Fh3Jk6Lz0Xc5Vb8Nm1Qa2W"
/* github_pat_, 22 characters, '_', 59 characters */
#define GH_FG                                \
	"github_pat_11ABCDEFG0123456789abc_" \
	"defghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

static const struct tp tps[] = {
	/* a phone right after a number word: not the tail of a digit run */
	{ "phone_local", "fails 429 (548) 639-3490 loading", "(548) 639-3490" },
	{ "email", "mail alice.smith@example.com now", "alice.smith@example.com" },
	{ "email", "cc: bob+tag@mail.corp.co.uk.", "bob+tag@mail.corp.co.uk" },
	{ "email", "E-mail:\nUtaKortig@jourrapide.com\n", "UtaKortig@jourrapide.com" },
	{ "credit_card", "card 4111 1111 1111 1111 exp 12/27", "4111 1111 1111 1111" },
	{ "credit_card", "card 4111-1111-1111-1111", "4111-1111-1111-1111" },
	{ "credit_card", "amex 378282246310005", "378282246310005" },
	{ "credit_card", "discover 6011111111111117", "6011111111111117" },
	{ "credit_card", "mc 5555555555554444", "5555555555554444" },
	{ "credit_card", "mc2 2221000000000009", "2221000000000009" },
	{ "credit_card", "jcb 3530111333300000", "3530111333300000" },
	{ "credit_card", "diners 30569309025904", "30569309025904" },
	{ "credit_card", "maestro 501864667909", "501864667909" },
	{ "credit_card", "qty 12 4111 1111 1111 1111", "4111 1111 1111 1111" },
	/* after other numbers of the same run: a date, a version, a year, two counts */
	{ "credit_card", "paid 2025-07-01 4111 1111 1111 1111", "4111 1111 1111 1111" },
	{ "credit_card", "v1.2 4111 1111 1111 1111", "4111 1111 1111 1111" },
	{ "credit_card", "ref 2024 4111 1111 1111 1111", "4111 1111 1111 1111" },
	{ "credit_card", "order 12 34 4111 1111 1111 1111 done", "4111 1111 1111 1111" },
	{ "credit_card", "2025-07-01 0 4111 1111 1111 1111 :00", "4111 1111 1111 1111" },
	{ "iban", "iban GB82 WEST 1234 5698 7654 32 and more", "GB82 WEST 1234 5698 7654 32" },
	{ "iban", "DE89370400440532013000.", "DE89370400440532013000" },
	{ "iban", "to gb82west12345698765432", "gb82west12345698765432" },
	{ "iban", "FR1420041010050500013M02606", "FR1420041010050500013M02606" },
	{ "us_ssn", "ssn: 536-22-8726", "536-22-8726" },
	{ "us_ssn", "id 536 22 8726 on file", "536 22 8726" },
	{ "us_ssn_context", "my ssn is 536228726", "536228726" },
	{ "us_ssn_context", "social security number: 536-228726", "536-228726" },
	{ "ipv4", "from 192.168.1.20 at", "192.168.1.20" },
	{ "ipv4", "connect 10.0.0.1:8080", "10.0.0.1" },
	{ "ipv4", "my ip:8.8.8.8", "8.8.8.8" },
	{ "ipv6", "addr 2001:db8::1 up", "2001:db8::1" },
	{ "ipv6", "ll fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a" },
	{ "ipv6", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
	  "2001:0db8:85a3:0000:0000:8a2e:0370:7334" },
	{ "ipv6", "[::ffff:192.0.2.128]:443", "::ffff:192.0.2.128" },
	{ "mac_address", "eth0 00:1a:2b:3c:4d:5e", "00:1a:2b:3c:4d:5e" },
	{ "mac_address", "nic 00-1A-2B-3C-4D-5E", "00-1A-2B-3C-4D-5E" },
	{ "mac_address", "cisco 0000.0c12.3456", "0000.0c12.3456" },
	{ "phone_nanp", "call (425) 882-9090 today", "(425) 882-9090" },
	{ "phone_nanp", "at 905-674-3793.", "905-674-3793" },
	{ "phone_nanp", "fax 259.735.7502x459", "259.735.7502x459" },
	{ "phone_nanp", "+1-984-182-0190 mobile", "+1-984-182-0190" },
	{ "phone_nanp", "001-518-640-0854", "001-518-640-0854" },
	{ "phone_intl", "ring +44 7700 900123 now", "+44 7700 900123" },
	{ "phone_intl", "Desk +41 (0)96 471 07 95", "+41 (0)96 471 07 95" },
	{ "phone_intl", "m +447700677662", "+447700677662" },
	{ "phone_local", "uk 07700 063 966", "07700 063 966" },
	{ "phone_local", "be 0490 75 40 81", "0490 75 40 81" },
	{ "phone_local", "fr 03.93.92.16.85", "03.93.92.16.85" },
	{ "phone_local", "(37) 788-063", "(37) 788-063" },
	{ "phone_local", "at 60-56-85-91", "60-56-85-91" },
	{ "phone_local", "0961-7596216", "0961-7596216" },
	{ "phone_context", "Phone: 467 3395", "467 3395" },
	{ "phone_context", "Can someone call me on 9472 7916?", "9472 7916" },
	{ "phone_context", "416 60 039 office", "416 60 039" },
	{ "phone_context", "my phone number is 4258829090", "4258829090" },
	{ "home_path", "open /home/alice/src/x.py", "alice" },
	{ "home_path", "/Users/bob/Library/Caches", "bob" },
	{ "home_path", "C:\\Users\\carol\\Documents", "carol" },
	{ "home_path", "file:///home/dave/notes", "dave" },
	{ "home_path", "cd /home/erin", "erin" },
	{ "url_credential", "https://user:hunter2@db.example.com/x", "hunter2" },
	{ "url_credential", "redis://:s3cret@cache:6379/0", "s3cret" },
	{ "url_secret_param", "GET https://x.io/y?token=abc123&page=2", "abc123" },
	{ "url_secret_param", "blob?sv=2022&sig=XyZ%2Fq0&se=1", "XyZ%2Fq0" },
	{ "url_secret_param", "/v1?api_key=k1Zq9", "k1Zq9" },
	{ "auth_header", "Authorization: Bearer abcdef0123456789xyz", "abcdef0123456789xyz" },
	{ "auth_header", "authorization=Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA==" },
	{ "generic_password", "password=hunter2", "hunter2" },
	{ "generic_password", "DB_PASSWORD: Xk9#mQ2!", "Xk9#mQ2!" },
	{ "generic_password", "{\"passwd\": \"Tr0ub4dor&3\"}x", "Tr0ub4dor&3" },
	{ "generic_secret", "api_key: a8Fk2Lq9Zx7Pm3Nw", "a8Fk2Lq9Zx7Pm3Nw" },
	{ "generic_secret", "SECRET_KEY=9f8e7d6c5b4a39281706f5e4", "9f8e7d6c5b4a39281706f5e4" },
	{ "aws_access_key", "AWS_ACCESS_KEY_ID AKIAZ3QX2Y7RKDL5MNOP", "AKIAZ3QX2Y7RKDL5MNOP" },
	{ "github_token", "ghp_0123456789abcdefghijABCDEFGHIJ012345",
	  "ghp_0123456789abcdefghijABCDEFGHIJ012345" },
	{ "github_fine_grained_pat", "t " GH_FG " x", GH_FG },
	{ "openai_api_key", "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD",
	  "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD" },
	{ "openai_api_key", "k=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",
	  "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" },
	{ "anthropic_api_key", "ANTHROPIC_API_KEY " ANT_KEY, ANT_KEY },
	{ "slack_token", "xoxb-1234567890-1234567890123-abcdefABCDEF",
	  "xoxb-1234567890-1234567890123-abcdefABCDEF" },
	{ "slack_token",
	  "post to https://hooks.slack.com/services/T0000ABCD/B0000EFGH/Xy12Zw34Ab56Cd78",
	  "https://hooks.slack.com/services/T0000ABCD/B0000EFGH/Xy12Zw34Ab56Cd78" },
	{ "google_api_key", "key AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q",
	  "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q" },
	{ "stripe_key", "stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc",
	  "sk_live_4eC39HqLyjWDarjtT1zdp7dc" },
	{ "huggingface_token", "HF hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh",
	  "hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh" },
	{ "jwt", "token " JWT, JWT },
	{ "pem_private_key",
	  "k: -----BEGIN RSA PRIVATE KEY-----\n" PEM_BODY "-----END RSA PRIVATE KEY-----",
	  "-----BEGIN RSA PRIVATE KEY-----\n" PEM_BODY "-----END RSA PRIVATE KEY-----" },
	{ "pem_private_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n" PEM_BODY "(truncated",
	  "-----BEGIN OPENSSH PRIVATE KEY-----\n" PEM_BODY "(truncated" },
};

static const struct fp fps[] = {
	/* 16 digits failing Luhn, in four groups: no card or phone in their tail groups */
	{ "credit_card", "ref 9458 0123 4567 8901 ok" },
	{ "credit_card", "ref 2839 5018 1234 5670 ok" },
	{ "phone_local", "order 4711 0312 4455 6677 shipped" },
	{ "email", "ssh user@localhost" },
	{ "email", "use @decorator here" },
	{ "email", "load icon@2x.png" },
	{ "email", "npm i lodash@4.17.21 @types/node" },
	{ "email", "git@github" },
	{ "credit_card", "card 4111111111111112 bad luhn" },
	{ "credit_card", "ts 1751360404000000000" },
	{ "credit_card", "ms 1712345678901" },
	{ "credit_card", "order #100234567890" },
	{ "credit_card", "4111-1111-1111-1111-2222" },
	{ "iban", "GB82 WEST 1234 5698 7654 33" },
	{ "iban", "XX82WEST12345698765432" },
	{ "iban", "short DE89 3704" },
	{ "iban", "AB12CD34EF56GH78IJ90" },
	{ "us_ssn", "ssn 078-05-1120" },
	{ "us_ssn", "ssn 123-45-6789" },
	{ "us_ssn", "ssn 666-12-3456" },
	{ "us_ssn", "ssn 000-12-3456" },
	{ "us_ssn", "ssn 536-00-8726" },
	{ "us_ssn", "ssn 536-22-0000" },
	{ "us_ssn", "ssn 536-22.8726" },
	{ "us_ssn", "on 2024-01-15" },
	{ "us_ssn_context", "my ssn is 123456789" },
	{ "ipv4", "host 127.0.0.1:8080" },
	{ "ipv4", "bind 0.0.0.0" },
	{ "ipv4", "999.1.1.1" },
	{ "ipv4", "ratio 1.2.3" },
	{ "ipv4", "version 1.2.3.4" },
	{ "ipv4", "v1.2.3.4" },
	{ "ipv4", "1.2.3.4.5" },
	{ "ipv4", "01.02.03.04" },
	{ "ipv4", "build 10.0.19041.1" },
	{ "ipv6", "listen [::1]:80" },
	{ "ipv6", "at 12:30:45" },
	{ "ipv6", "std::vector<int>" },
	{ "ipv6", "a[1::2]" },
	{ "ipv6", "de:ad:be:ef" },
	{ "mac_address", "00:00:00:00:00:00" },
	{ "mac_address", "ff:ff:ff:ff:ff:ff" },
	{ "mac_address", "00:1a:2b:3c:4d" },
	{ "phone_nanp", "call 123-456-7890" },
	{ "phone_nanp", "dial 555-1234" },
	{ "phone_intl", "+1 point" },
	{ "phone_intl", "score +100" },
	{ "phone_local", "on 01.02.2024" },
	{ "phone_local", "v0.12.10" },
	{ "phone_local", "03262 2437 Main St" },
	{ "phone_context", "telemetry 1234567" },
	{ "phone_context", "Phone: 12" },
	{ "phone_context", "Mobile: 2024" },
	{ "home_path", "/home/runner/work/repo" },
	{ "home_path", "/Users/Shared/file" },
	{ "home_path", "/home/$USER/x" },
	{ "home_path", "https://example.com/home/products" },
	{ "home_path", "/root/.bashrc" },
	{ "url_credential", "https://host:8080/path" },
	{ "url_credential", "https://alice@host/x" },
	{ "url_credential", "git@github.com:org/repo.git" },
	{ "url_secret_param", "/list?page=2&sort=asc" },
	{ "url_secret_param", "/s?keyword=foo" },
	{ "auth_header", "authorization: required" },
	{ "auth_header", "Bearer tokens are short-lived" },
	{ "generic_password", "password: required" },
	{ "generic_password", "password = None" },
	{ "generic_password", "forgot password? click" },
	{ "generic_password", "password: ********" },
	/* a placeholder is no password (as `password=...` text it is a key=value pair) */
	{ "generic_password", "password: ${DB_PASSWORD}" },
	{ "generic_secret", "token_count: 1234" },
	{ "generic_secret", "max_tokens=4096" },
	{ "generic_secret", "auth_type: oauth-personal" },
	{ "generic_secret", "key: value" },
	{ "generic_secret", "access: read_only_identifier" },
	{ "aws_access_key", "AKIAIOSFODNN7EXAMPLE" },
	{ "aws_access_key", "AKIA1234" },
	{ "github_token", "ghp_short" },
	{ "github_fine_grained_pat", "github_pat_short" },
	{ "openai_api_key", "pip install sk-learn" },
	{ "openai_api_key", "task-1234567890abcdefghij1234567890ab" },
	{ "openai_api_key", "sk-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
	{ "anthropic_api_key", "sk-ant-" },
	{ "slack_token", "xox-1" },
	{ "google_api_key", "AIza123" },
	{ "stripe_key", "sk_live_short" },
	{ "huggingface_token", "hf_short" },
	{ "jwt", "eyJhbGciOiJIUzI1NiJ9" },
	{ "pem_private_key", "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----" },
	{ "pem_private_key", "-----BEGIN CERTIFICATE-----" },
};

/* things that merely look like PII */
static const char *const survivors[] = {
	"session c386bbc4-cd61-4e30-98f1-6adf91b7584a",
	"sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
	"commit 5d41402abc4b2a76b9719d911017c592f0e1b2c3",
	"at 2025-07-01T09:00:04.001Z and 07/01/2025 10:00",
	"released v0.12.0, version 1.2.3, go1.22.4",
	"took 1703ms, PT1H30M, 2.5s",
	"listening on localhost:8080 and port 443",
	"order ORD-2024-000123 and #100234567890",
	"card number 4111111111111112 fails Luhn",
	"User prompt. Length: 106.",
	"API error for gemini-2.5-flash. Error: Internal error. Duration: 1703ms.",
	"the build fails on main after the last merge please fix the failing test",
};

static void test_true_positives(void **state)
{
	struct fix *x = *state;
	size_t i, j;

	for (i = 0; i < N(tps); i++) {
		bool ok = false;

		scrub(x, tps[i].text);
		for (j = 0; j < x->nf && !ok; j++) {
			ok = strcmp(x->rule[j], tps[i].rule) == 0 &&
			     strcmp(x->val[j], tps[i].found) == 0;
		}
		if (!ok) {
			fail_msg("%s: not found in '%s' (output '%s', %zu findings%s%s)",
				 tps[i].rule, tps[i].text, text_of(x), x->nf,
				 x->nf ? ", first " : "", x->nf ? x->rule[0] : "");
		}
		assert_null(strstr(text_of(x), tps[i].found));
	}
}

static void test_near_misses(void **state)
{
	struct fix *x = *state;
	size_t i;

	for (i = 0; i < N(fps); i++) {
		scrub(x, fps[i].text);
		if (x->nf != 0) {
			fail_msg("%s near miss '%s' found by %s as '%s'", fps[i].rule, fps[i].text,
				 x->rule[0], x->val[0]);
		}
		assert_string_equal(text_of(x), fps[i].text);
	}
}

static void test_survivors(void **state)
{
	struct fix *x = *state;
	size_t i;

	for (i = 0; i < N(survivors); i++) {
		scrub(x, survivors[i]);
		if (x->nf != 0) {
			fail_msg("'%s' changed by %s ('%s')", survivors[i], x->rule[0], x->val[0]);
		}
		assert_string_equal(text_of(x), survivors[i]);
	}
}

/* every built-in rule has a true positive and a near miss in the tables */
static void test_tables_cover_rules(void **state)
{
	struct fix *x = *state;
	const char *name;
	size_t i, j;

	for (i = 0; (name = tv_pii_rule_name(x->p, i)) != NULL; i++) {
		bool tp = false, fp = false;

		if (strncmp(name, "key:", 4) == 0 || strcmp(name, "invalid_utf8") == 0 ||
		    strcmp(name, "rule_error") == 0) {
			continue;
		}
		for (j = 0; j < N(tps); j++) {
			tp = tp || strcmp(tps[j].rule, name) == 0;
		}
		for (j = 0; j < N(fps); j++) {
			fp = fp || strcmp(fps[j].rule, name) == 0;
		}
		if (!tp || !fp) {
			fail_msg("rule %s lacks a %s", name, tp ? "near miss" : "true positive");
		}
	}
}

/* ---- replacement text ---- */

static void test_replacement_text(void **state)
{
	struct fix *x = *state;
	const char *o;

	assert_string_equal(scrub(x, "card 4111 1111 1111 1111."), "card <CREDIT_CARD>.");
	assert_string_equal(scrub(x, "ssn 536-22-8726"), "ssn <US_SSN>");
	assert_string_equal(scrub(x, "call (425) 882-9090"), "call <PHONE>");
	assert_string_equal(scrub(x, "k AKIAZ3QX2Y7RKDL5MNOP"), "k <SECRET>");
	o = scrub(x, "mail alice@example.com");
	assert_int_equal(strlen(o), strlen("mail <EMAIL:01234567>"));
	assert_memory_equal(o, "mail <EMAIL:", 12);
	/* only the user name of a home path, only the secret of a URL */
	o = scrub(x, "/home/alice/src");
	assert_memory_equal(o, "/home/<USERNAME:", 16);
	assert_string_equal(o + 24, ">/src");
	assert_string_equal(scrub(x, "https://u:pw1@h/x?sig=abc&a=1"),
			    "https://u:<URL_CREDENTIAL>@h/x?sig=<URL_CREDENTIAL>&a=1");
	assert_string_equal(scrub(x, "plain text"), "plain text");
	/*
	 * the scan goes on after what the validator kept, not after what the
	 * pattern took in: the second IBAN was inside the first match
	 */
	assert_string_equal(scrub(x, "q DE89 3704 0044 0532 0130 00 c DE89 3704 0044 0532 0130 00"),
			    "q <IBAN> c <IBAN>");
}

static void test_overlaps(void **state)
{
	struct fix *x = *state;

	/* an SSN-shaped number is an SSN, not a local phone */
	scrub(x, "536-22-8726");
	assert_int_equal(x->nf, 1);
	assert_string_equal(x->rule[0], "us_ssn");
	/* the URL rule owns the password; the e-mail rule does not take it */
	scrub(x, "https://bob:pw9@mail.example.com/");
	assert_int_equal(x->nf, 1);
	assert_string_equal(x->rule[0], "url_credential");
	/* a specific secret rule wins over the generic one on the same text */
	scrub(x, "GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345");
	assert_int_equal(x->nf, 1);
	assert_string_equal(x->rule[0], "github_token");
}

/* ---- key policies ---- */

static void test_key_ops(void **state)
{
	struct fix *x = *state;
	static const struct {
		const char *key;
		enum tv_pii_op op;
	} v[] = {
		{ "email", TV_PII_PSEUDONYM },
		{ "root_span_id", TV_PII_KEEP }, /* an id, like span_id: the Llama Stack column */
		{ "user.email", TV_PII_PSEUDONYM },
		{ "USER.EMAIL", TV_PII_PSEUDONYM },
		{ "user_id", TV_PII_PSEUDONYM },
		{ "password", TV_PII_REDACT },
		{ "db_password", TV_PII_REDACT },
		{ "x_auth_token", TV_PII_REDACT },
		{ "client_secret", TV_PII_REDACT },
		{ "Authorization", TV_PII_REDACT },
		{ "api_key", TV_PII_REDACT },
		{ "host.name", TV_PII_PSEUDONYM },
		{ "host.id", TV_PII_PSEUDONYM },
		{ "process.owner", TV_PII_PSEUDONYM },
		{ "installation.id", TV_PII_PSEUDONYM },
		{ "session.id", TV_PII_KEEP },
		{ "traceId", TV_PII_KEEP },
		{ "prompt", TV_PII_KEEP },
		{ "model", TV_PII_KEEP },
	};
	size_t i;

	for (i = 0; i < N(v); i++) {
		if (tv_pii_key_op(x->p, v[i].key, strlen(v[i].key)) != v[i].op) {
			fail_msg("key %s: op %d, want %d", v[i].key,
				 tv_pii_key_op(x->p, v[i].key, strlen(v[i].key)), v[i].op);
		}
	}
	assert_int_equal(tv_pii_key_op(x->p, NULL, 0), TV_PII_KEEP);
}

static void test_key_scrub(void **state)
{
	struct fix *x = *state;
	const char *o;
	int r;

	assert_string_equal(scrub_k(x, "password", "hunter2", &r), "<SECRET>");
	assert_int_equal(r, 1);
	assert_string_equal(x->rule[0], "key:*password*");
	o = scrub_k(x, "user_id", "u-42", &r);
	assert_memory_equal(o, "<USER:", 6);
	o = scrub_k(x, "installation.id", "5b2f1f3c-0f6e-4c1a-9a51-7f1e2e3d4c5b", &r);
	assert_memory_equal(o, "<ID:", 4);
	/* ids are structure: kept whole, not even scanned */
	assert_string_equal(scrub_k(x, "session_id", "alice@example.com", &r), "alice@example.com");
	assert_int_equal(r, 0);
	/* an empty value under a key policy stays empty */
	assert_string_equal(scrub_k(x, "password", "", &r), "");
	assert_int_equal(r, 0);
	/* no key policy: the rules run */
	assert_string_equal(scrub_k(x, "note", "ssn 536-22-8726", &r), "ssn <US_SSN>");
}

/* scrubbing scrubbed text changes nothing */
static void test_idempotent(void **state)
{
	struct fix *x = *state;
	static const struct {
		const char *key, *text;
	} v[] = {
		{ "email", "alice@example.com" },
		{ "password", "hunter2" },
		{ NULL, "mail bob@example.com from 10.1.2.3, card 4111 1111 1111 1111" },
		{ NULL, "/home/alice/src and https://u:pw@h/x?token=t1" },
		{ NULL, "AKIAZ3QX2Y7RKDL5MNOP and api_key: a8Fk2Lq9Zx7Pm3Nw" },
	};
	char once[256];
	size_t i;
	int r;

	for (i = 0; i < N(v); i++) {
		snprintf(once, sizeof(once), "%s", scrub_k(x, v[i].key, v[i].text, &r));
		assert_true(r > 0);
		assert_string_equal(scrub_k(x, v[i].key, once, &r), once);
		assert_int_equal(r, 0);
	}
}

static void test_ids_not_kept(void **state)
{
	struct fix *x;
	const char *o;
	int r;

	assert_int_equal(setup_with(state, NULL, false), 0);
	x = *state;
	o = scrub_k(x, "session.id", "c386bbc4-cd61-4e30-98f1-6adf91b7584a", &r);
	assert_memory_equal(o, "<ID:", 4);
	assert_int_equal(tv_pii_key_op(x->p, "traceID", 7), TV_PII_PSEUDONYM);
	teardown(state);
}

/* ---- policy files ---- */

static void write_file(char *path, size_t size, const char *text)
{
	const char *dir = getenv("TMPDIR");
	FILE *f;
	int fd;

	snprintf(path, size, "%s/tv_pii_test_XXXXXX", dir ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char policy_text[] = "# a policy for the tests\n"
				  "rules:\n"
				  "  email: {op: redact}\n"
				  "  phone_*: {op: mask, mask_keep: 2}\n"
				  "  ipv6: {disabled: true}\n"
				  "  credit_card: {op: keep}\n"
				  "keys:\n"
				  "  - {match: \"*Customer*\", op: pseudonym}\n"
				  "  - {match: debug_dump, op: drop}\n"
				  "  - match: notes\n"
				  "    op: keep\n"
				  "  - {match: card_last4, op: mask, mask_keep: 4, type: CARD}\n"
				  "add_rules:\n"
				  "  - name: employee_id\n"
				  "    pattern: 'emp=(?<pii>EMP-\\d{6})\\b'\n"
				  "    type: EMPLOYEE\n"
				  "    op: pseudonym\n"
				  "  - {name: ticket, pattern: 'TCK-\\d+', op: drop}\n"
				  "allow:\n"
				  "  values: [\"noreply@example.com\"]\n"
				  "  patterns: ['.*@corp\\.example', '10\\.0\\.0\\.\\d{1,3}']\n";

static int setup_policy(void **state)
{
	char path[4096];
	int r;

	write_file(path, sizeof(path), policy_text);
	r = setup_with(state, path, true);
	unlink(path);
	return r;
}

static void test_policy_rules(void **state)
{
	struct fix *x = *state;
	int r;

	assert_string_equal(scrub(x, "mail alice@example.com"), "mail <EMAIL>");
	assert_string_equal(scrub(x, "call (425) 882-9090"), "call ****90");
	assert_string_equal(scrub(x, "addr 2001:db8::1"), "addr 2001:db8::1");
	/* keep: found and reported, not replaced */
	assert_string_equal(scrub(x, "card 4111 1111 1111 1111"), "card 4111 1111 1111 1111");
	assert_int_equal(x->nf, 1);
	assert_int_equal(x->op[0], TV_PII_KEEP);
	/* an added rule with a "pii" group replaces only that group */
	assert_memory_equal(scrub(x, "emp=EMP-123456 ok"), "emp=<EMPLOYEE:", 14);
	/* a rule whose op is drop drops the whole field */
	scrub_k(x, NULL, "see TCK-991", &r);
	assert_int_equal(r, TV_PII_DROPPED);
	assert_int_equal(x->out.len, 0);
}

static void test_policy_keys(void **state)
{
	struct fix *x = *state;
	const char *o;
	int r;

	o = scrub_k(x, "billing.CUSTOMER_ref", "C-123", &r);
	assert_memory_equal(o, "<CUSTOMER:", 10); /* type from the glob */
	scrub_k(x, "debug_dump", "anything", &r);
	assert_int_equal(r, TV_PII_DROPPED);
	assert_string_equal(scrub_k(x, "notes", "mail alice@example.com", &r),
			    "mail alice@example.com");
	assert_string_equal(scrub_k(x, "card_last4", "4111111111111111", &r), "****1111");
	assert_string_equal(scrub_k(x, "card_last4", "12", &r), "****");
	assert_int_equal(tv_pii_key_op(x->p, "debug_dump", 10), TV_PII_DROP);
}

static void test_allow_lists(void **state)
{
	struct fix *x = *state;
	int r;

	assert_string_equal(scrub(x, "from noreply@example.com"), "from noreply@example.com");
	assert_string_equal(scrub(x, "to bob@corp.example, eve@evil.example"),
			    "to bob@corp.example, <EMAIL>");
	/* the whole value, even under a key policy */
	assert_string_equal(scrub_k(x, "email", "noreply@example.com", &r), "noreply@example.com");
	/* an allowed finding among others (allow patterns run mid-scan) */
	assert_memory_equal(scrub(x, "10.0.0.7 10.0.1.7 EMP-1 emp=EMP-123456"),
			    "10.0.0.7 <IP_ADDRESS:", 21);
	assert_int_equal(x->nf, 2);
	/* loopback is allowed by default */
	assert_string_equal(scrub_k(x, "host.name", "localhost", &r), "localhost");
	assert_string_equal(scrub(x, "at 127.0.0.1 and ::1"), "at 127.0.0.1 and ::1");
}

static void test_allow_defaults_off(void **state)
{
	struct fix *x;
	char path[4096];

	write_file(path, sizeof(path), "allow:\n  defaults: false\n");
	assert_int_equal(setup_with(state, path, true), 0);
	unlink(path);
	x = *state;
	assert_memory_equal(scrub(x, "at 127.0.0.1"), "at <IP_ADDRESS:", 15);
	teardown(state);
}

static void test_policy_empty_and_example(void **state)
{
	char path[4096], ex[4096];
	const char *src = getenv("TV_SRCDIR");
	struct tv_error err;
	struct tv_pii *p;
	int r;

	(void)state;
	write_file(path, sizeof(path), "");
	p = make(path, "k", true, &err, &r);
	assert_int_equal(r, 0);
	tv_pii_destroy(p);
	unlink(path);
	snprintf(ex, sizeof(ex), "%s/examples/policy.yaml", src ? src : ".");
	if (access(ex, R_OK) == 0) {
		p = make(ex, "k", true, &err, &r);
		if (r < 0) {
			fail_msg("%s:%llu: %s", err.file, (unsigned long long)err.line, err.msg);
		}
		tv_pii_destroy(p);
	}
}

static void test_policy_errors(void **state)
{
	static const struct {
		const char *text;
		uint64_t line;
		const char *msg; /* a part of the message */
	} v[] = {
		{ "rules:\n  email: {op: redact\n", 3, "bad YAML" },
		{ "rules:\n  email:\n    op: scramble\n", 3, "unknown op 'scramble'" },
		{ "add_rules:\n  - name: x\n    pattern: '(unclosed'\n", 2,
		  "bad pattern for rule 'x'" },
		{ "rules:\n  nosuchrule: {op: redact}\n", 2, "unknown rule 'nosuchrule'" },
		{ "rulez: {}\n", 1, "unknown section 'rulez'" },
		{ "keys:\n  - {op: redact}\n", 2, "needs both 'match' and 'op'" },
		{ "rules:\n  email: {mask_keep: lots}\n", 2, "mask_keep" },
		{ "rules:\n  email: {colour: red}\n", 2, "unknown rule setting 'colour'" },
		{ "allow:\n  patterns: ['[z-a]']\n", 2, "bad allow pattern" },
		{ "add_rules:\n  - {name: email, pattern: x}\n", 2, "already exists" },
		{ "keys: {match: x}\n", 1, "must be a list" },
		{ "keys:\n  - {match: '', op: drop}\n", 2, "match must not be empty" },
		{ "- just\n- a list\n", 1, "a policy is a mapping" },
	};
	struct tv_error err;
	char path[4096];
	struct tv_pii *p;
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < N(v); i++) {
		write_file(path, sizeof(path), v[i].text);
		tv_error_clear(&err);
		p = make(path, "k", true, &err, &r);
		unlink(path);
		assert_null(p);
		assert_int_equal(r, -TV_EPARSE);
		assert_string_equal(err.file, path);
		if (err.line != v[i].line || strstr(err.msg, v[i].msg) == NULL) {
			fail_msg("case %zu: got %s:%llu: %s", i, err.file,
				 (unsigned long long)err.line, err.msg);
		}
	}
	p = make("/nonexistent/policy.yaml", "k", true, &err, &r);
	assert_null(p);
	assert_true(r < 0);
	assert_string_equal(err.file, "/nonexistent/policy.yaml");
}

/* ---- fail closed ---- */

static void test_fail_closed(void **state)
{
	struct fix *x = *state;
	const char *o;
	int r;

	o = scrub_k(x, NULL, "name J\xe9r\xf4me, mail a@b.co", &r);
	assert_string_equal(o, "<REDACTED>");
	assert_int_equal(r, 1);
	assert_string_equal(x->rule[0], "invalid_utf8");
	/* under a key policy too */
	assert_string_equal(scrub_k(x, "email", "\xff\xfe", &r), "<REDACTED>");
	/* in JSON: raw invalid bytes, and a lone surrogate escape */
	assert_string_equal(scrub_json(x, "{\"a\": \"x\xc3\", \"b\": \"\\ud800\", \"c\": 1}", &r),
			    "{\"a\": \"<REDACTED>\", \"b\": \"<REDACTED>\", \"c\": 1}");
	assert_int_equal(r, 2);
}

static void test_fail_closed_rule_error(void **state)
{
	struct fix *x;
	char path[4096], text[200];
	size_t i;
	int r;

	/* a pattern that backtracks exponentially hits the match limit */
	write_file(path, sizeof(path),
		   "add_rules:\n  - {name: slow, pattern: '^(a|aa)+$', op: redact}\n");
	assert_int_equal(setup_with(state, path, true), 0);
	unlink(path);
	x = *state;
	for (i = 0; i < 100; i++) {
		text[i] = 'a';
	}
	text[i++] = 'b';
	text[i] = '\0';
	assert_string_equal(scrub_k(x, NULL, text, &r), "<REDACTED>");
	assert_int_equal(r, 1);
	assert_string_equal(x->rule[0], "rule_error");
	teardown(state);
}

/* ---- JSON ---- */

static void test_json_layout(void **state)
{
	struct fix *x = *state;
	static const char pretty[] = "{\n"
				     "  \"sessionId\": \"s-1\",\n"
				     "  \"n\": -1.5e3,\n"
				     "  \"ok\": true,\n"
				     "  \"none\": null,\n"
				     "  \"text\": \"mail alice@example.com\\n\\u00e9\\/x\",\n"
				     "  \"list\": [ 1 , 2 ,\"plain\" ]\n"
				     "}\n";
	const char *o;
	int r;

	o = scrub_json(x, pretty, &r);
	assert_int_equal(r, 1);
	/* only the one string changed; its escapes are re-encoded */
	assert_memory_equal(o, pretty, 53);
	assert_non_null(strstr(o, "\"text\": \"mail <EMAIL:"));
	assert_non_null(strstr(o, ">\\né/x\",\n  \"list\": [ 1 , 2 ,\"plain\" ]\n}\n"));
	/* nothing found: byte for byte, escapes included */
	o = scrub_json(x, "{\"a\":\"\\u00e9\\/\",\"b\":[1,2.50,{}],\"c\":\"\"}", &r);
	assert_int_equal(r, 0);
	assert_string_equal(o, "{\"a\":\"\\u00e9\\/\",\"b\":[1,2.50,{}],\"c\":\"\"}");
	o = scrub_json(x, "  \"top alice@example.com\"  ", &r);
	assert_int_equal(r, 1);
	assert_memory_equal(o, "  \"top <EMAIL:", 14);
}

static void test_json_otlp(void **state)
{
	struct fix *x = *state;
	static const char in[] =
		"{\"resource\":{\"attributes\":["
		"{\"key\":\"service.name\",\"value\":{\"stringValue\":\"gemini-cli\"}},"
		"{\"key\":\"host.name\",\"value\":{\"stringValue\":\"devbox-17\"}},"
		"{\"key\":\"user.email\",\"value\":{\"stringValue\":\"dave@example.com\"}},"
		"{\"key\":\"count\",\"value\":{\"intValue\":\"4111111111111111\"}},"
		"{\"key\":\"session.id\",\"value\":{\"stringValue\":\"bob@example.com\"}},"
		"{\"key\":\"tags\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"1.2.3.4\"}]}}}"
		"]},\"traceId\":\"5b8efff798038103d269b633813fc60c\","
		"\"timeUnixNano\":\"1751360404000000000\"}";
	const char *o;
	int r;

	o = scrub_json(x, in, &r);
	assert_int_equal(r, 3);
	assert_non_null(strstr(o, "{\"key\":\"host.name\",\"value\":{\"stringValue\":\"<HOST:"));
	assert_non_null(strstr(o, "{\"key\":\"user.email\",\"value\":{\"stringValue\":\"<EMAIL:"));
	assert_non_null(strstr(o, "{\"intValue\":\"4111111111111111\"}"));
	assert_non_null(strstr(o, "{\"stringValue\":\"bob@example.com\"}"));
	assert_non_null(strstr(o, "\"values\":[{\"stringValue\":\"<IP_ADDRESS:"));
	assert_non_null(strstr(o, "\"traceId\":\"5b8efff798038103d269b633813fc60c\""));
	assert_non_null(strstr(o, "{\"stringValue\":\"gemini-cli\"}"));
}

static void test_json_jaeger(void **state)
{
	struct fix *x = *state;
	const char *o;
	int r;

	o = scrub_json(
		x,
		"{\"traceID\":\"abc\",\"spanID\":\"def\",\"tags\":["
		"{\"key\":\"password\",\"type\":\"string\",\"value\":\"hunter2\"},"
		"{\"key\":\"http.url\",\"type\":\"string\",\"value\":\"https://h/x?token=t0k\"},"
		"{\"key\":\"n\",\"type\":\"int64\",\"value\":5}]}",
		&r);
	assert_int_equal(r, 2);
	assert_string_equal(o, "{\"traceID\":\"abc\",\"spanID\":\"def\",\"tags\":["
			       "{\"key\":\"password\",\"type\":\"string\",\"value\":\"<SECRET>\"},"
			       "{\"key\":\"http.url\",\"type\":\"string\","
			       "\"value\":\"https://h/x?token=<URL_CREDENTIAL>\"},"
			       "{\"key\":\"n\",\"type\":\"int64\",\"value\":5}]}");
	/* "value" before "key": the member name is used, the rules still run */
	o = scrub_json(x, "{\"value\":\"hunter2\",\"key\":\"password\"}", &r);
	assert_string_equal(o, "{\"value\":\"hunter2\",\"key\":\"password\"}");
	o = scrub_json(x, "{\"value\":\"a@b.co\",\"key\":\"x\"}", &r);
	assert_memory_equal(o, "{\"value\":\"<EMAIL:", 17);
}

static void test_json_in_string(void **state)
{
	struct fix *x = *state;
	const char *o;
	int r;

	o = scrub_json(x, "{\"function_args\": \"{\\n  \\\"path\\\": \\\"/home/alice/x\\\"\\n}\"}",
		       &r);
	assert_int_equal(r, 1);
	assert_memory_equal(o,
			    "{\"function_args\": \"{\\n  \\\"path\\\": \\\"/home/<USERNAME:", 52);
	assert_string_equal(o + 60, ">/x\\\"\\n}\"}");
	/* keys inside the inner JSON are keys */
	o = scrub_json(x, "{\"args\": \"{\\\"password\\\": \\\"x\\\"}\"}", &r);
	assert_string_equal(o, "{\"args\": \"{\\\"password\\\": \\\"<SECRET>\\\"}\"}");
	/* text that only looks like JSON is scanned as text */
	o = scrub_json(x, "{\"m\": \"[INFO] mail a@b.co [done]\"}", &r);
	assert_memory_equal(o, "{\"m\": \"[INFO] mail <EMAIL:", 26);
	/* and through tv_pii_scrub */
	o = scrub_k(x, "function_args", "{\"path\": \"/home/bob/y\", \"n\": 1}", &r);
	assert_int_equal(r, 1);
	assert_memory_equal(o, "{\"path\": \"/home/<USERNAME:", 26);
	assert_string_equal(o + 34, ">/y\", \"n\": 1}");
}

static int setup_drop(void **state)
{
	char path[4096];
	int r;

	write_file(path, sizeof(path), "keys:\n  - {match: \"*debug*\", op: drop}\n");
	r = setup_with(state, path, true);
	unlink(path);
	return r;
}

static void test_json_drop(void **state)
{
	struct fix *x = *state;
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "{\"a\": \"x\", \"debug\": \"y\", \"c\": \"z\"}",
		  "{\"a\": \"x\", \"c\": \"z\"}" },
		{ "{\"debug\": \"y\", \"c\": \"z\"}", "{\"c\": \"z\"}" },
		{ "{\"a\": \"x\", \"debug\": \"y\"}", "{\"a\": \"x\"}" },
		{ "{\"debug\": \"y\"}", "{}" },
		{ "{\"debug\":\"y\",\"debug2\":\"y\",\"c\":1}", "{\"c\":1}" },
		{ "{\n  \"debug\": \"y\",\n  \"a\": \"x\"\n}", "{\n  \"a\": \"x\"\n}" },
		{ "{\n  \"a\": \"x\",\n  \"debug\": \"y\"\n}", "{\n  \"a\": \"x\"\n}" },
		{ "{\n  \"a\": \"x\",\n  \"debug\": \"y\",\n  \"b\": 2\n}",
		  "{\n  \"a\": \"x\",\n  \"b\": 2\n}" },
		{ "{\"debug\": [\"a\", \"b\"], \"x\": 1}", "{\"x\": 1}" },
		{ "{\"attributes\":[{\"key\":\"debug.x\",\"value\":{\"stringValue\":\"s\"}},"
		  "{\"key\":\"ok\",\"value\":{\"stringValue\":\"s\"}},"
		  "{\"key\":\"debug.y\",\"value\":{\"stringValue\":\"s\"}}]}",
		  "{\"attributes\":[{\"key\":\"ok\",\"value\":{\"stringValue\":\"s\"}}]}" },
		{ "{\"attributes\":[{\"key\":\"debug\",\"value\":{\"stringValue\":\"s\"}}]}",
		  "{\"attributes\":[]}" },
		{ "{\"tags\":[{\"key\":\"debug\",\"type\":\"string\",\"value\":\"v\"},"
		  "{\"key\":\"b\",\"type\":\"string\",\"value\":\"v\"}]}",
		  "{\"tags\":[{\"key\":\"b\",\"type\":\"string\",\"value\":\"v\"}]}" },
		{ "{\"attributes\":[{\"key\":\"l\",\"value\":{\"kvlistValue\":{\"values\":["
		  "{\"key\":\"debug\",\"value\":{\"stringValue\":\"s\"}},"
		  "{\"key\":\"k\",\"value\":{\"stringValue\":\"s\"}}]}}}]}",
		  "{\"attributes\":[{\"key\":\"l\",\"value\":{\"kvlistValue\":{\"values\":["
		  "{\"key\":\"k\",\"value\":{\"stringValue\":\"s\"}}]}}}]}" },
	};
	const char *o;
	size_t i;
	int r;

	for (i = 0; i < N(v); i++) {
		o = scrub_json(x, v[i].in, &r);
		assert_true(r > 0);
		if (strcmp(o, v[i].out) != 0) {
			fail_msg("case %zu: got '%s', want '%s'", i, o, v[i].out);
		}
	}
	/* the debug member holds a non-string: kept (only strings are scrubbed) */
	o = scrub_json(x, "{\"debug\": 3}", &r);
	assert_string_equal(o, "{\"debug\": 3}");
}

static void test_json_bad(void **state)
{
	struct fix *x = *state;
	static const char *const bad[] = {
		"",
		"   ",
		"{",
		"{\"a\": tru}",
		"{\"a\": 1,}",
		"[1 2]",
		"{\"a\" 1}",
		"{'a': 1}",
		"\"unterminated",
		"{\"a\": \"\\x\"}",
		"{\"a\": \"\\u12\"}",
		"{\"a\": 01}",
		"{\"a\": 1.}",
		"{\"a\": -}",
		"[1] [2]",
		"{\"a\": \"tab\there\"}",
		"nul",
		"{\"a\": 1}}",
	};
	size_t i;
	int r;

	for (i = 0; i < N(bad); i++) {
		tv_strbuf_reset(&x->out);
		assert_int_equal(tv_strbuf_puts(&x->out, "kept"), 0);
		r = tv_pii_scrub_json(x->p, bad[i], strlen(bad[i]), &x->out);
		if (r != -TV_EPARSE) {
			fail_msg("'%s': %d, want -TV_EPARSE", bad[i], r);
		}
		assert_string_equal(x->out.p, "kept"); /* nothing appended */
	}
}

static void test_json_appends(void **state)
{
	struct fix *x = *state;
	int r;

	tv_strbuf_reset(&x->out);
	assert_int_equal(tv_strbuf_puts(&x->out, "prefix "), 0);
	r = tv_pii_scrub_json(x->p, "{\"m\": \"536-22-8726\"}", 20, &x->out);
	assert_int_equal(r, 1);
	assert_string_equal(x->out.p, "prefix {\"m\": \"<US_SSN>\"}");
}

/* ---- pseudonyms ---- */

static void pseudo(const char *key, const char *v, char *out, size_t size)
{
	struct tv_strbuf b;
	struct tv_error err;
	struct tv_pii *p;
	int r;

	p = make(NULL, key, true, &err, &r);
	assert_int_equal(r, 0);
	tv_strbuf_init(&b);
	assert_int_equal(tv_pii_scrub(p, "email", 5, v, strlen(v), &b), 1);
	snprintf(out, size, "%s", b.p);
	assert_int_equal(tv_pii_key_is_random(p), key == NULL);
	tv_strbuf_finish(&b);
	tv_pii_destroy(p);
}

static void test_pseudonyms(void **state)
{
	char a[64], b[64], c[64], d[64], e[64];

	(void)state;
	pseudo("key-1", "alice@example.com", a, sizeof(a));
	pseudo("key-1", "alice@example.com", b, sizeof(b));
	pseudo("key-2", "alice@example.com", c, sizeof(c));
	pseudo("key-1", "bob@example.com", d, sizeof(d));
	pseudo(NULL, "alice@example.com", e, sizeof(e));
	assert_string_equal(a, b);     /* same key, another run: equal */
	assert_string_not_equal(a, c); /* another key: different */
	assert_string_not_equal(a, d);
	assert_string_not_equal(a, e); /* a random key */
	assert_int_equal(strlen(a), strlen("<EMAIL:3f9a1c2e>"));
}

static void test_pseudonyms_join(void **state)
{
	struct fix *x = *state;
	char a[64], b[64];
	const char *o;
	int r;

	/* the same value found by a key policy and by a rule: the same token */
	snprintf(a, sizeof(a), "%s", scrub_k(x, "email", "alice@example.com", &r));
	o = scrub(x, "mail alice@example.com");
	snprintf(b, sizeof(b), "%s", o + 5);
	assert_string_equal(a, b);
	/* HMAC-SHA256("test-key", "alice")[0:4] in both the path and the user key */
	o = scrub(x, "/home/alice/x");
	assert_memory_equal(o + 16, scrub_k(x, "user", "alice", &r) + 6, 8);
}

/* a large value with findings of several rules interleaved */
static void test_many_findings(void **state)
{
	struct fix *x = *state;
	struct tv_strbuf in;
	const char *o, *q;
	size_t i, emails = 0, ips = 0;
	int r;

	tv_strbuf_init(&in);
	for (i = 0; i < 4000; i++) {
		assert_int_equal(tv_strbuf_printf(&in, "u%zu@example.com 10.1.%zu.%zu ", i, i / 250,
						  i % 250 + 1),
				 0);
	}
	tv_strbuf_reset(&x->out);
	r = tv_pii_scrub(x->p, NULL, 0, in.p, in.len, &x->out);
	assert_int_equal(r, 8000);
	o = text_of(x);
	for (q = o; (q = strstr(q, "<EMAIL:")) != NULL; q++) {
		emails++;
	}
	for (q = o; (q = strstr(q, "<IP_ADDRESS:")) != NULL; q++) {
		ips++;
	}
	assert_int_equal(emails, 4000);
	assert_int_equal(ips, 4000);
	assert_null(strchr(o, '@'));
	tv_strbuf_finish(&in);
}

static void test_counts(void **state)
{
	struct fix *x = *state;
	size_t i, email = SIZE_MAX, utf8 = SIZE_MAX;
	const char *name;

	for (i = 0; (name = tv_pii_rule_name(x->p, i)) != NULL; i++) {
		email = strcmp(name, "email") == 0 ? i : email;
		utf8 = strcmp(name, "invalid_utf8") == 0 ? i : utf8;
	}
	assert_true(email != SIZE_MAX && utf8 != SIZE_MAX);
	assert_int_equal(tv_pii_count(x->p, i + 5), 0);
	scrub(x, "a@b.co and c@d.co");
	scrub(x, "\xff");
	assert_int_equal(tv_pii_count(x->p, email), 2);
	assert_int_equal(tv_pii_count(x->p, utf8), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_true_positives, setup, teardown),
		cmocka_unit_test_setup_teardown(test_near_misses, setup, teardown),
		cmocka_unit_test_setup_teardown(test_survivors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tables_cover_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replacement_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlaps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_scrub, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idempotent, setup, teardown),
		cmocka_unit_test(test_ids_not_kept),
		cmocka_unit_test_setup_teardown(test_policy_rules, setup_policy, teardown),
		cmocka_unit_test_setup_teardown(test_policy_keys, setup_policy, teardown),
		cmocka_unit_test_setup_teardown(test_allow_lists, setup_policy, teardown),
		cmocka_unit_test(test_allow_defaults_off),
		cmocka_unit_test(test_policy_empty_and_example),
		cmocka_unit_test(test_policy_errors),
		cmocka_unit_test_setup_teardown(test_fail_closed, setup, teardown),
		cmocka_unit_test(test_fail_closed_rule_error),
		cmocka_unit_test_setup_teardown(test_json_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_otlp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_jaeger, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_in_string, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_drop, setup_drop, teardown),
		cmocka_unit_test_setup_teardown(test_json_bad, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_appends, setup, teardown),
		cmocka_unit_test(test_pseudonyms),
		cmocka_unit_test_setup_teardown(test_pseudonyms_join, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_findings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
