// SPDX-License-Identifier: MIT
/*
 * tv_pii_build: the built-in rules and key policies, and a struct tv_pii
 * built from them and a policy file (tv_pii_create) and freed
 * (tv_pii_destroy).  The scrubbing itself is tv_pii.c.
 */
#define _DEFAULT_SOURCE /* getentropy(), POSIX.1-2024 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcre2.h>

#include "libcommon/pii/tv_jscan.h"
#include "libcommon/pii/tv_pii_int.h"

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the built-in rules, in priority order ---- */

#define PHONE_PII "\\(?\\+?\\d[\\d ().-]{5,22}\\d"
#define NOT_NUM_AFTER "(?![\\w]|[.-]\\d)"
/*
 * Not the tail of a longer run of digit groups ("9458 0123 4567 8901" is one
 * number that fails Luhn, not a phone or card in its last groups); a group
 * that ends a word ("mc2 ...") does not count.
 */
#define NOT_GROUP_TAIL                                                                      \
	"(?<!^\\d[ .-]|\\W\\d[ .-]|^\\d\\d[ .-]|\\W\\d\\d[ .-]|^\\d{3}[ .-]|\\W\\d{3}[ .-]" \
	"|^\\d{4}[ .-]|\\W\\d{4}[ .-])"

static const struct builtin builtins[] = {
	{ "pem_private_key", "SECRET", TV_PII_REDACT,
	  "-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?:[\\s\\S]*?-----END"
	  "[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|[\\s\\S]*)",
	  NULL, F_DASH5, KB(KW_PEM), 0 },
	{ "jwt", "SECRET", TV_PII_REDACT,
	  "\\bey[A-Za-z0-9_-]{17,}\\.ey[A-Za-z0-9_/\\\\-]{17,}\\."
	  "(?:[A-Za-z0-9_/\\\\-]{10,}={0,2})?",
	  NULL, F_LONGTOK, KB(KW_JWT), 0 },
	{ "anthropic_api_key", "SECRET", TV_PII_REDACT,
	  "\\bsk-ant-(?:api|admin|oat|sid)\\d{2}-[A-Za-z0-9_-]{20,}", NULL, F_LONGTOK, KB(KW_SK),
	  0 },
	{ "openai_api_key", "SECRET", TV_PII_REDACT,
	  "\\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{32,}", pii_valid_key, F_LONGTOK,
	  KB(KW_SK), 0 },
	{ "aws_access_key", "SECRET", TV_PII_REDACT,
	  "\\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\\b", pii_valid_key, F_LONGTOK,
	  KB(KW_AKIA) | KB(KW_ASIA) | KB(KW_ABIA) | KB(KW_ACCA) | KB(KW_A3T), 0 },
	{ "github_token", "SECRET", TV_PII_REDACT, "\\b(?:ghp|gho|ghu|ghs|ghr)_[0-9A-Za-z]{36}\\b",
	  NULL, F_LONGTOK, KB(KW_GHP) | KB(KW_GHO) | KB(KW_GHU) | KB(KW_GHS) | KB(KW_GHR), 0 },
	{ "github_fine_grained_pat", "SECRET", TV_PII_REDACT, "\\bgithub_pat_\\w{82}\\b", NULL,
	  F_LONGTOK, KB(KW_GHPAT), 0 },
	{ "slack_token", "SECRET", TV_PII_REDACT,
	  "\\bxox[abeoprs]-[0-9A-Za-z-]{10,250}|\\bxapp-\\d-[A-Za-z0-9]+-\\d+-[A-Za-z0-9]+"
	  "|(?:https?://)?hooks\\.slack\\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{20,}",
	  NULL, F_LONGTOK, KB(KW_XOX) | KB(KW_XAPP) | KB(KW_SLACKHOOK), 0 },
	{ "google_api_key", "SECRET", TV_PII_REDACT,
	  "\\bAIza[\\w-]{35}(?![\\w-])|\\bya29\\.[\\w-]{20,}", NULL, F_LONGTOK,
	  KB(KW_AIZA) | KB(KW_YA29), 0 },
	{ "stripe_key", "SECRET", TV_PII_REDACT,
	  "\\b(?:sk|rk)_(?:test|live|prod)_[A-Za-z0-9]{10,99}\\b", NULL, F_LONGTOK,
	  KB(KW_SKU) | KB(KW_RKU), 0 },
	{ "huggingface_token", "SECRET", TV_PII_REDACT, "\\b(?:hf_|api_org_)[A-Za-z]{34}\\b", NULL,
	  F_LONGTOK, KB(KW_HF) | KB(KW_APIORG), 0 },
	{ "url_credential", "URL_CREDENTIAL", TV_PII_REDACT,
	  "(?i)\\b[a-z][a-z0-9+.-]{1,20}://[^\\s/?#@:\"'<>]*:(?<pii>[^\\s/?#@\"'<>]+)@", NULL,
	  F_AT | F_PATH, KB(KW_URL), 0 },
	{ "url_secret_param", "URL_CREDENTIAL", TV_PII_REDACT,
	  "(?i)[?&](?:access_token|refresh_token|id_token|auth_token|token|api_key|apikey|"
	  "api-key|key|sig|signature|secret|client_secret|password|passwd|pwd|auth|code|"
	  "x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|"
	  "x-goog-credential)=(?<pii>[^&#\\s\"'<>]+)",
	  NULL, F_QUERY, 0, 0 },
	{ "auth_header", "SECRET", TV_PII_REDACT,
	  "(?i)\\b(?:proxy-)?authorization[\"']?\\s*[:=]\\s*[\"']?"
	  "(?:(?:bearer|basic|token|digest|negotiate)\\s+)?(?<pii>[A-Za-z0-9._~+/=-]{8,})"
	  "|\\bbearer\\s+(?<pii>[A-Za-z0-9._~+/-]{16,}=*)",
	  pii_valid_password, F_AUTH, KB(KW_AUTH) | KB(KW_BEARER), 0 },
	{ "email", "EMAIL", TV_PII_PSEUDONYM,
	  "(?<![\\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
	  "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,24}(?![\\w-])",
	  pii_valid_email, F_AT, 0, 0 },
	{ "iban", "IBAN", TV_PII_REDACT,
	  "(?i)(?<![a-z0-9])[a-z]{2}\\d{2}(?: ?[a-z0-9]){11,30}(?![a-z0-9])", pii_valid_iban,
	  F_IBAN, 0, 0 },
	{ "credit_card", "CREDIT_CARD", TV_PII_REDACT,
	  "(?<![\\w.+-])\\d(?:[ -]?\\d){11,47}(?![\\w]|[.,-]\\d)", pii_valid_card, 0, 0, 12 },
	{ "us_ssn", "US_SSN", TV_PII_REDACT,
	  "(?<![\\w.-])\\d{3}([- .])\\d{2}\\1\\d{4}" NOT_NUM_AFTER, pii_valid_ssn, 0, 0, 9 },
	{ "us_ssn_context", "US_SSN", TV_PII_REDACT,
	  "(?i)\\b(?:ssns?|social\\s+security(?:\\s+(?:number|no\\.?|#))?)\\b[^\\d\\n]{0,20}?"
	  "(?<pii>\\d{3}[- .]?\\d{2}[- .]?\\d{4}|\\d{3}-\\d{6}|\\d{5}-\\d{4})" NOT_NUM_AFTER,
	  pii_valid_ssn, 0, KW_SSN_CTX, 9 },
	{ "ipv6", "IP_ADDRESS", TV_PII_PSEUDONYM,
	  "(?:(?<![\\w.:])|(?<=[G-Zg-z]:))(?:[0-9A-Fa-f]{0,4}:){2,7}"
	  "(?:[0-9A-Fa-f]{1,4}|(?<=:)\\d{1,3}(?:\\.\\d{1,3}){3})?(?![\\w:]|\\.\\d)",
	  pii_valid_ipv6, F_HEXCOLON, 0, 0 },
	{ "ipv4", "IP_ADDRESS", TV_PII_PSEUDONYM,
	  "(?<![\\w.])(?<!version )(?<!Version )(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\w]|\\.\\d)",
	  pii_valid_ipv4, F_DOT3, 0, 0 },
	{ "mac_address", "MAC_ADDRESS", TV_PII_PSEUDONYM,
	  "(?<![\\w:-])[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\\1[0-9A-Fa-f]{2}){4}(?![\\w:-])"
	  "|(?<![\\w.])[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}\\.[0-9A-Fa-f]{4}(?![\\w.])",
	  pii_valid_mac, F_MAC, 0, 0 },
	{ "phone_nanp", "PHONE", TV_PII_REDACT,
	  "(?<![\\w+.-])(?<!\\d[-. ])(?:(?:\\+1|001|1)[-. ]?)?(?:\\(\\d{3}\\)[-. ]?|\\d{3}[-. ])"
	  "\\d{3}[-. ]"
	  "\\d{4}(?:\\s?(?:x|ext\\.?|#)\\s?\\d{1,6})?" NOT_NUM_AFTER,
	  pii_valid_nanp, 0, 0, 10 },
	{ "phone_intl", "PHONE", TV_PII_REDACT,
	  "(?<![\\w+])\\+\\d{1,3}(?:[ .-]?\\(0?\\d{0,4}\\))?(?:[ .-]?\\d{1,5}){1,6}"
	  "(?:\\s?(?:x|ext\\.?)\\s?\\d{1,6})?" NOT_NUM_AFTER,
	  pii_valid_phone, F_PLUSDIG, 0, 7 },
	{ "phone_local", "PHONE", TV_PII_REDACT,
	  "(?<![\\w+.-])(?:\\(\\d{2,4}\\)[ .-]?\\d{3,4}[ .-]?\\d{3,4}"
	  "|" NOT_GROUP_TAIL
	  "(?:0\\d{1,4}([ .-])\\d{2,8}(?:\\1\\d{2,4}){0,3}|\\d{2}-\\d{2}-\\d{2}-\\d{2}))" NOT_NUM_AFTER,
	  pii_valid_local_phone, 0, 0, 8 },
	{ "phone_context", "PHONE", TV_PII_REDACT,
	  "(?i)(?:\\b(?:phones?|telephone|tel|mobile|mob|cell(?:phone)?|fax|whatsapp|sms)\\b"
	  "(?:\\s*(?:number|no\\.?|nr\\.?|#))?(?:\\s*(?:is|:))?"
	  "|\\b(?:desk|office|home|work|direct)\\s*:|\\bcall\\s+(?:me\\s+)?(?:at|on))"
	  "\\s*:?\\s*(?<pii>" PHONE_PII ")" NOT_NUM_AFTER "|(?<![\\w+.-])(?<pii>" PHONE_PII
	  ")[ \\t]*-?[ \\t]*"
	  "(?:office|fax|mobile|cell|home|work)\\b",
	  pii_valid_ctx_phone, 0, KW_PHONE_CTX, 7 },
	{ "home_path", "USERNAME", TV_PII_PSEUDONYM,
	  "(?:(?<![\\w.~-])/(?:home|Users|var/home|export/home)/|/mnt/[a-z]/Users/"
	  "|(?i:\\b[a-z]:\\\\users\\\\))(?<pii>[^/\\\\\\s\"'<>|:*?()\\[\\]{},;=`]{1,64})",
	  pii_valid_username, F_PATH, KB(KW_HOME) | KB(KW_USERS) | KB(KW_WINUSERS), 0 },
	{ "generic_password", "SECRET", TV_PII_REDACT,
	  "(?i)(?:passw(?:or)?d|passphrase|\\bpwd)[\\w.-]{0,20}[\"']?\\s{0,3}(?:=|:{1,3}=?|=>)"
	  "\\s{0,3}[\"'`]?(?<pii>[^\\s\"'`,;]{4,128})",
	  pii_valid_password, F_ASSIGN, KW_PASSWORD, 0 },
	{ "generic_secret", "SECRET", TV_PII_REDACT,
	  "(?i)(?:access|auth|api|cred|key|secret|token)[\\w.-]{0,20}[\"']?\\s{0,3}"
	  "(?:=|:{1,3}=?|=>)\\s{0,3}[\"'`]?(?<pii>[\\w.=+/-]{10,150})(?![\\w.=+/-])",
	  pii_valid_secret, F_ASSIGN, KW_GENERIC, 0 },
};

/* ---- built-in key policies (after the policy file's) ---- */

struct builtin_key {
	const char *glob, *type;
	enum tv_pii_op op;
	key_pred_fn when;
};

/*
 * structure, not PII: pseudonymized only when keep_ids is false.  Every id
 * a reader joins records by is here, with the ids it refers to, so that
 * both sides stay equal (a tool result names its call by tool_use_id or
 * call_id, a span its parent by parent_id, a Jaeger span its process).
 */
static const char *const id_keys[] = {
	"id",
	"session_id",
	"session.id",
	"sessionid",
	"trace_id",
	"traceid",
	"span_id",
	"spanid",
	"parent_span_id",
	"parentspanid",
	"root_span_id",
	"parent_id",
	"processid",
	"prompt_id",
	"promptid",
	"prompt.id",
	"request_id",
	"requestid",
	"turn_id",
	"query_id",
	"uuid", /* Claude Code: a record, and those it follows */
	"parentuuid",
	"leafuuid",
	"logicalparentuuid",
	"tool_use_id",
	"tooluseid",
	"parenttooluseid",
	"sourcetooluseid",
	"call_id", /* Codex, Llama Stack */
	"tool_call_id",
	"toolcallid",
	"tool_call.id",
	"gen_ai.tool.call.id",
	"gen_ai.tool.call_id",
	"agent_id",
	"agentid",
	"parent_thread_id", /* Codex: a sub-agent's parent, the thread a spawn made */
	"new_thread_id",
	"agent_thread_id",
	"thread_id",
	"forked_from_id",
	"conversation_id",
	"conversation.id",
	"gen_ai.conversation.id",
};

static const struct builtin_key builtin_keys[] = {
	/* OTLP timestamps are numbers written as strings */
	{ "timeunixnano", NULL, TV_PII_KEEP, NULL },
	{ "observedtimeunixnano", NULL, TV_PII_KEEP, NULL },
	{ "starttimeunixnano", NULL, TV_PII_KEEP, NULL },
	{ "endtimeunixnano", NULL, TV_PII_KEEP, NULL },
	{ "email", "EMAIL", TV_PII_PSEUDONYM, NULL },
	{ "*.email", "EMAIL", TV_PII_PSEUDONYM, NULL },
	{ "*_email", "EMAIL", TV_PII_PSEUDONYM, NULL },
	{ "e-mail", "EMAIL", TV_PII_PSEUDONYM, NULL },
	{ "email_address", "EMAIL", TV_PII_PSEUDONYM, NULL },
	{ "user_id", "USER", TV_PII_PSEUDONYM, NULL },
	{ "user.id", "USER", TV_PII_PSEUDONYM, NULL },
	{ "userid", "USER", TV_PII_PSEUDONYM, NULL },
	{ "enduser.id", "USER", TV_PII_PSEUDONYM, NULL },
	{ "user.account_id", "USER", TV_PII_PSEUDONYM, NULL }, /* Codex */
	{ "account_id", "USER", TV_PII_PSEUDONYM, NULL },
	{ "account.id", "USER", TV_PII_PSEUDONYM, NULL },
	{ "user.account_uuid", "USER", TV_PII_PSEUDONYM, NULL }, /* Claude Code */
	{ "account_uuid", "USER", TV_PII_PSEUDONYM, NULL },
	{ "accountuuid", "USER", TV_PII_PSEUDONYM, NULL },
	{ "organization.id", "ORG", TV_PII_PSEUDONYM, NULL }, /* Claude Code */
	{ "organization_id", "ORG", TV_PII_PSEUDONYM, NULL },
	{ "organizationid", "ORG", TV_PII_PSEUDONYM, NULL },
	{ "org_id", "ORG", TV_PII_PSEUDONYM, NULL },
	{ "orgid", "ORG", TV_PII_PSEUDONYM, NULL },
	{ "user", "USER", TV_PII_PSEUDONYM, NULL },
	{ "user.name", "USER", TV_PII_PSEUDONYM, NULL },
	{ "username", "USER", TV_PII_PSEUDONYM, NULL },
	{ "user_name", "USER", TV_PII_PSEUDONYM, NULL },
	{ "login", "USER", TV_PII_PSEUDONYM, NULL },
	{ "process.owner", "USER", TV_PII_PSEUDONYM, NULL },
	{ "host.name", "HOST", TV_PII_PSEUDONYM, NULL },
	{ "host.id", "HOST", TV_PII_PSEUDONYM, NULL },
	{ "host.hostname", "HOST", TV_PII_PSEUDONYM, NULL },
	{ "hostname", "HOST", TV_PII_PSEUDONYM, NULL },
	{ "installation.id", "ID", TV_PII_PSEUDONYM, NULL },
	{ "device.id", "ID", TV_PII_PSEUDONYM, NULL },
	{ "machine.id", "ID", TV_PII_PSEUDONYM, NULL },
	{ "*password*", "SECRET", TV_PII_REDACT, NULL },
	{ "*passwd*", "SECRET", TV_PII_REDACT, NULL },
	{ "pwd", "SECRET", TV_PII_REDACT, NULL },
	{ "*secret*", "SECRET", TV_PII_REDACT, NULL },
	/* a token, not a count of tokens: pii_token_secret_key() */
	{ "*token*", "SECRET", TV_PII_REDACT, pii_token_secret_key },
	{ "*credential*", "SECRET", TV_PII_REDACT, NULL },
	{ "authorization", "SECRET", TV_PII_REDACT, NULL },
	{ "proxy-authorization", "SECRET", TV_PII_REDACT, NULL },
	{ "api_key", "SECRET", TV_PII_REDACT, NULL },
	{ "*_api_key", "SECRET", TV_PII_REDACT, NULL },
	{ "*.api_key", "SECRET", TV_PII_REDACT, NULL },
	{ "apikey", "SECRET", TV_PII_REDACT, NULL },
	{ "api-key", "SECRET", TV_PII_REDACT, NULL },
	{ "x-api-key", "SECRET", TV_PII_REDACT, NULL },
	{ "cookie", "SECRET", TV_PII_REDACT, NULL },
	{ "set-cookie", "SECRET", TV_PII_REDACT, NULL },
};

static const char *const default_allow[] = {
	"127.0.0.1", "::1", "0.0.0.0", "255.255.255.255", "localhost",
};

/* ---- building ---- */

static char *dup_str(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* record the numbers of the groups named "pii" */
static void find_pii_groups(struct rule *r)
{
	uint32_t count = 0, size = 0, i;
	PCRE2_SPTR table = NULL;

	pcre2_pattern_info(r->re, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(r->re, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(r->re, PCRE2_INFO_NAMETABLE, &table);
	for (i = 0; table && i < count && r->npii < MAX_PII_GROUPS; i++) {
		PCRE2_SPTR e = table + (size_t)i * size;

		if (strcmp((const char *)e + 2, "pii") == 0) {
			r->pii_grp[r->npii++] = (uint32_t)(e[0] << 8 | e[1]);
		}
	}
}

static int compile(const char *pattern, uint32_t flags, pcre2_code **out, char *msg, size_t msz)
{
	PCRE2_SIZE eoff = 0;
	int ecode = 0;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				       PCRE2_UTF | PCRE2_DUPNAMES | flags, &ecode, &eoff, NULL);
	PCRE2_UCHAR buf[256];

	if (re == NULL && ecode == PCRE2_ERROR_HEAP_FAILED) {
		snprintf(msg, msz, "out of memory");
		return -ENOMEM;
	}
	if (re == NULL) {
		pcre2_get_error_message(ecode, buf, sizeof(buf));
		snprintf(msg, msz, "%s at offset %zu", (const char *)buf, (size_t)eoff);
		return -TV_EPARSE;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* else the interpreter */
	*out = re;
	return 0;
}

static int add_rule(struct tv_pii *p, const struct builtin *b, unsigned keep, char *msg, size_t msz)
{
	struct rule *r = &p->rules[p->nrules];
	int e;

	memset(r, 0, sizeof(*r));
	r->name = dup_str(b->name);
	r->type = dup_str(b->type);
	if (r->name == NULL || r->type == NULL) {
		free(r->name);
		free(r->type);
		return -ENOMEM;
	}
	p->nrules++;
	r->op = b->op;
	r->mask_keep = keep;
	r->need = b->need;
	r->kw = b->kw;
	r->min_digits = b->min_digits;
	r->valid = b->valid;
	e = compile(b->pattern, 0, &r->re, msg, msz);
	if (e == 0) {
		find_pii_groups(r);
	}
	return e;
}

/* a default type label for a key glob: "user.email" -> USER_EMAIL, "*token*" -> TOKEN */
static char *type_from_glob(const char *g)
{
	size_t n = strlen(g), i, k = 0;
	char *t = malloc(n + 2); /* "X" for a glob without a letter or digit */

	if (t == NULL) {
		return NULL;
	}
	for (i = 0; i < n; i++) {
		char c = g[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');

		if (alnum) {
			t[k++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
		} else if (k > 0 && t[k - 1] != '_') {
			t[k++] = '_';
		}
	}
	while (k > 0 && t[k - 1] == '_') {
		k--;
	}
	if (k == 0) {
		t[k++] = 'X';
	}
	t[k] = '\0';
	return t;
}

static int add_key(struct tv_pii *p, const char *glob, const char *type, enum tv_pii_op op,
		   unsigned keep, key_pred_fn when)
{
	struct keypol *k = &p->keys[p->nkeys];
	size_t n = strlen(glob) + 5;

	memset(k, 0, sizeof(*k));
	k->glob = strdup(glob);
	k->name = malloc(n);
	k->type = type ? strdup(type) : type_from_glob(glob);
	k->op = op;
	k->mask_keep = keep;
	k->when = when;
	p->drop_keys = p->drop_keys || op == TV_PII_DROP;
	p->nkeys++;
	if (k->glob == NULL || k->name == NULL || k->type == NULL) {
		return -ENOMEM;
	}
	snprintf(k->name, n, "key:%s", glob);
	return 0;
}

static int add_keys(struct tv_pii *p, const struct pii_policy *pol, bool keep_ids)
{
	size_t i;
	int e = 0;

	for (i = 0; e == 0 && i < pol->nkeys; i++) {
		const struct pii_key_cfg *k = &pol->keys[i];

		e = add_key(p, k->glob, k->type, k->op, k->mask_keep, NULL);
	}
	for (i = 0; e == 0 && i < N_ELEMS(id_keys); i++) {
		e = add_key(p, id_keys[i], "ID", keep_ids ? TV_PII_KEEP : TV_PII_PSEUDONYM,
			    PII_MASK_KEEP_DEFAULT, NULL);
	}
	for (i = 0; e == 0 && i < N_ELEMS(builtin_keys); i++) {
		const struct builtin_key *b = &builtin_keys[i];

		e = add_key(p, b->glob, b->type ? b->type : "X", b->op, PII_MASK_KEEP_DEFAULT,
			    b->when);
	}
	return e;
}

static int add_allow_value(struct tv_pii *p, const char *v)
{
	p->allow[p->nallow] = strdup(v);
	if (p->allow[p->nallow] == NULL) {
		return -ENOMEM;
	}
	p->allow_len[p->nallow] = strlen(v);
	if (p->allow_len[p->nallow] > p->allow_max) {
		p->allow_max = p->allow_len[p->nallow];
	}
	p->nallow++;
	return 0;
}

static int add_allows(struct tv_pii *p, const struct pii_policy *pol, const char *file,
		      struct tv_error *err)
{
	char msg[300];
	size_t i;
	int e = 0;

	for (i = 0; e == 0 && pol->allow_defaults && i < N_ELEMS(default_allow); i++) {
		e = add_allow_value(p, default_allow[i]);
	}
	for (i = 0; e == 0 && i < pol->nallow_values; i++) {
		e = add_allow_value(p, pol->allow_values[i]);
	}
	for (i = 0; e == 0 && i < pol->nallow_patterns; i++) {
		const struct pii_pat_cfg *a = &pol->allow_patterns[i];

		e = compile(a->pattern, PCRE2_ANCHORED | PCRE2_ENDANCHORED,
			    &p->allow_re[p->nallow_re], msg, sizeof(msg));
		if (e < 0) {
			return tv_error_set(err, e, file, a->line, "bad allow pattern '%s': %s",
					    a->pattern, msg);
		}
		p->nallow_re++;
	}
	return e;
}

static int add_builtin_rules(struct tv_pii *p)
{
	char msg[300];
	size_t i;
	int e = 0;

	for (i = 0; e == 0 && i < N_ELEMS(builtins); i++) {
		e = add_rule(p, &builtins[i], PII_MASK_KEEP_DEFAULT, msg, sizeof(msg));
	}
	return e;
}

static bool find_rule_by_name(const struct tv_pii *p, const char *name);

static int add_policy_rules(struct tv_pii *p, const struct pii_policy *pol, const char *file,
			    struct tv_error *err)
{
	char msg[300];
	size_t i;
	int e = 0;

	for (i = 0; e == 0 && i < pol->nadds; i++) {
		const struct pii_add_cfg *a = &pol->adds[i];
		struct builtin b = {
			a->name, a->type ? a->type : "REDACTED", a->op, a->pattern, NULL, 0, 0, 0
		};

		if (find_rule_by_name(p, a->name)) {
			return tv_error_set(err, -TV_EPARSE, file, a->line,
					    "rule '%s' already exists", a->name);
		}
		e = add_rule(p, &b, a->mask_keep, msg, sizeof(msg));
		if (e == -TV_EPARSE) {
			return tv_error_set(err, e, file, a->line, "bad pattern for rule '%s': %s",
					    a->name, msg);
		}
	}
	return e;
}

static bool find_rule_by_name(const struct tv_pii *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nrules; i++) {
		if (strcmp(p->rules[i].name, name) == 0) {
			return true;
		}
	}
	return false;
}

static void rule_set(struct rule *r, const struct pii_rule_cfg *c)
{
	if (c->has_op) {
		r->op = c->op;
	}
	if (c->has_keep) {
		r->mask_keep = c->mask_keep;
	}
	if (c->has_disabled) {
		r->disabled = c->disabled;
	}
}

static int apply_rule_cfgs(struct tv_pii *p, const struct pii_policy *pol, const char *file,
			   struct tv_error *err)
{
	size_t i, j, hits;

	for (i = 0; i < pol->nrules; i++) {
		const struct pii_rule_cfg *c = &pol->rules[i];

		for (j = 0, hits = 0; j < p->nrules; j++) {
			if (pii_glob_match(c->glob, p->rules[j].name, strlen(p->rules[j].name))) {
				rule_set(&p->rules[j], c);
				hits++;
			}
		}
		if (hits == 0) {
			return tv_error_set(err, -TV_EPARSE, file, c->line, "unknown rule '%s'",
					    c->glob);
		}
	}
	return 0;
}

static int set_key(struct tv_pii *p, const struct tv_pii_opts *o)
{
	if (o->key != NULL && o->key_len > 0) {
		if (o->key_len > sizeof(p->key)) {
			return -TV_EUSAGE;
		}
		memcpy(p->key, o->key, o->key_len);
		p->key_len = o->key_len;
		return 0;
	}
	p->key_len = 32;
	p->key_random = true;
	return getentropy(p->key, 32) == 0 ? 0 : -errno;
}

static int match_setup(struct tv_pii *p)
{
	uint32_t most = 0, n;
	size_t i;

	for (i = 0; i < p->nrules; i++) {
		pcre2_pattern_info(p->rules[i].re, PCRE2_INFO_CAPTURECOUNT, &n);
		most = n > most ? n : most;
	}
	p->md = pcre2_match_data_create(most + 1, NULL);
	p->md_allow = pcre2_match_data_create(1, NULL);
	p->mctx = pcre2_match_context_create(NULL);
	p->jstack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (!p->md || !p->md_allow || !p->mctx || !p->jstack) {
		return -ENOMEM;
	}
	/* a runaway user pattern fails (and fails closed) instead of spinning */
	pcre2_set_match_limit(p->mctx, 10000000);
	pcre2_set_depth_limit(p->mctx, 100000);
	pcre2_jit_stack_assign(p->mctx, NULL, p->jstack);
	return 0;
}

static int alloc_tables(struct tv_pii *p, const struct pii_policy *pol)
{
	for (int i = 0; i < PII_MAX_LEVELS; i++) {
		p->js[i] = tv_jscan_create();
		if (p->js[i] == NULL) {
			return -ENOMEM;
		}
	}
	p->rules = calloc(N_ELEMS(builtins) + pol->nadds, sizeof(*p->rules));
	p->keys = calloc(pol->nkeys + N_ELEMS(id_keys) + N_ELEMS(builtin_keys), sizeof(*p->keys));
	p->allow = calloc(N_ELEMS(default_allow) + pol->nallow_values + 1, sizeof(*p->allow));
	p->allow_len = calloc(N_ELEMS(default_allow) + pol->nallow_values + 1, sizeof(size_t));
	p->allow_re = calloc(pol->nallow_patterns + 1, sizeof(*p->allow_re));
	if (!p->rules || !p->keys || !p->allow || !p->allow_len || !p->allow_re) {
		return -ENOMEM;
	}
	return 0;
}

static int build(struct tv_pii *p, const struct tv_pii_opts *o, const struct pii_policy *pol,
		 struct tv_error *err)
{
	const char *file = o->policy_file;
	int e;

	pii_prefilter_init(p);
	e = alloc_tables(p, pol);
	if (e == 0) {
		e = add_builtin_rules(p);
		if (e == -TV_EPARSE) {
			return tv_error_set(err, e, NULL, 0, "internal error: a built-in rule");
		}
	}
	if (e == 0) {
		e = add_policy_rules(p, pol, file, err);
	}
	if (e == 0) {
		e = apply_rule_cfgs(p, pol, file, err);
	}
	if (e == 0) {
		pii_prefilter_masks(p);
		e = add_keys(p, pol, o->keep_ids);
	}
	if (e == 0) {
		e = add_allows(p, pol, file, err);
	}
	if (e == 0) {
		p->counts = calloc(p->nrules + p->nkeys + CNT_EXTRA, sizeof(*p->counts));
		e = p->counts ? set_key(p, o) : -ENOMEM;
	}
	return e == 0 ? match_setup(p) : e;
}

int tv_pii_create(const struct tv_pii_opts *o, struct tv_pii **out, struct tv_error *err)
{
	struct pii_policy pol;
	struct tv_pii *p = NULL;
	int e = 0;

	memset(&pol, 0, sizeof(pol));
	pol.allow_defaults = true;
	if (o->policy_file != NULL) {
		e = pii_policy_load(o->policy_file, &pol, err);
	}
	if (e == 0) {
		p = calloc(1, sizeof(*p));
		e = p ? build(p, o, &pol, err) : -ENOMEM;
	}
	pii_policy_free(&pol);
	if (e < 0) {
		if (e == -ENOMEM || e == -TV_EUSAGE) {
			tv_error_set(err, e, o->policy_file, 0, "%s", tv_strerror(e));
		}
		tv_pii_destroy(p);
		return e;
	}
	*out = p;
	return 0;
}

static void free_levels(struct tv_pii *p)
{
	for (int i = 0; i < PII_MAX_LEVELS; i++) {
		tv_jscan_destroy(p->js[i]);
	}
}

void tv_pii_destroy(struct tv_pii *p)
{
	size_t i;

	if (p == NULL) {
		return;
	}
	for (i = 0; i < p->nrules; i++) {
		free(p->rules[i].name);
		free(p->rules[i].type);
		pcre2_code_free(p->rules[i].re);
	}
	for (i = 0; i < p->nkeys; i++) {
		free(p->keys[i].glob);
		free(p->keys[i].name);
		free(p->keys[i].type);
	}
	for (i = 0; i < p->nallow; i++) {
		free(p->allow[i]);
	}
	for (i = 0; i < p->nallow_re; i++) {
		pcre2_code_free(p->allow_re[i]);
	}
	pcre2_match_data_free(p->md);
	pcre2_match_data_free(p->md_allow);
	pcre2_match_context_free(p->mctx);
	pcre2_jit_stack_free(p->jstack);
	free_levels(p);
	free(p->rules);
	free(p->keys);
	free(p->allow);
	free(p->allow_len);
	free(p->allow_re);
	free(p->counts);
	free(p->acc.v);
	free(p->pend.v);
	free(p->tmp.v);
	free(p);
}
