/* SPDX-License-Identifier: MIT */
/*
 * tv_pii_int: what the files of the tv_pii module share: tv_pii.c scrubs
 * (prefilter, key policies, matching, operators, JSON through tv_jscan),
 * tv_pii_build.c holds the built-in rules and key policies and builds a
 * struct tv_pii, tv_pii_valid.c has the validators, tv_pii_keys.c the
 * shapes of keys, tv_pii_policy.c reads the YAML policy.  Dependencies
 * point one way: build -> tv_pii -> valid, keys -> tv_jscan.  The
 * layout-keeping JSON scanner below them, tv_jscan.h, knows nothing of
 * these.  Not for use outside libcommon, except by the unit tests.
 */
#ifndef TV_PII_INT_H
#define TV_PII_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/pii/tv_pii.h"
#include "libcommon/core/tv_strbuf.h"

/* JSON inside a string inside JSON ...: how deep tv_pii follows it */
#define PII_MAX_LEVELS 4
#define PII_MASK_KEEP_DEFAULT 4

/*
 * A validator looks at the candidate @s/@n a rule's pattern found and
 * returns true if it is real.  It may narrow the candidate to a part of
 * it: *@off and *@len are the accepted sub-span (preset to 0 and @n).
 */
typedef bool (*pii_valid_fn)(const char *s, size_t n, size_t *off, size_t *len);

bool pii_valid_card(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_iban(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_ssn(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_ipv4(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_ipv6(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_mac(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_email(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_nanp(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_phone(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_local_phone(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_ctx_phone(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_username(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_key(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_secret(const char *s, size_t n, size_t *off, size_t *len);
bool pii_valid_password(const char *s, size_t n, size_t *off, size_t *len);

/* the pieces of the validators, tested on their own */
bool pii_luhn(const char *digits, size_t n);
bool pii_card_prefix(const char *digits, size_t n);
bool pii_iban_mod97(const char *s, size_t n);
double pii_entropy(const char *s, size_t n);

/* ---- key shapes (tv_pii_keys.c) ---- */

/**
 * pii_token_secret_key: does the key @k/@n name a token that is a secret?
 * True when one of its words (split at non-alphanumerics and camelCase
 * humps, compared without case) is "token" and none is a count word
 * (count, usage, type, limit, max, min, budget, len, length, num, total,
 * estimate, size and their plurals where they have one): access_token,
 * x-auth-token, idToken, token are secrets; gen_ai.token.type,
 * llm.token_count.prompt, max_tokens, input_tokens, token_usage are not.
 */
bool pii_token_secret_key(const char *k, size_t n);

/* a `key=value` pair in text: the key [ks, ke), the value [vs, ve) */
struct pii_kv {
	size_t ks, ke, vs, ve;
};

/**
 * pii_kv_next: the first `key=value` pair in @s/@n whose '=' is at or
 * after @from.  The key is the run of letters, digits and `_ . -` before
 * the '=' (from its first letter, digit or `_`; not starting with a
 * digit); the value is a quoted string after it (without the quotes; an
 * unclosed quote runs to the end) or the bytes up to a space or one of
 * `,;&)]}"'<>`.  `a==b`, `a = b` and empty values are no pairs.
 */
bool pii_kv_next(const char *s, size_t n, size_t from, struct pii_kv *kv);

/*
 * The policy file, parsed but not compiled: tv_pii_policy.c reads the YAML,
 * tv_pii.c compiles patterns and checks rule names.  `line` is where the
 * item starts in the file (1-based), for error messages.
 */
struct pii_rule_cfg {
	char *glob; /* a rule name or a glob over rule names */
	bool has_op, has_keep, has_disabled;
	enum tv_pii_op op;
	unsigned mask_keep;
	bool disabled;
	uint64_t line;
};

struct pii_key_cfg {
	char *glob;
	char *type; /* NULL: derived from the operator */
	enum tv_pii_op op;
	unsigned mask_keep;
	uint64_t line;
};

struct pii_add_cfg {
	char *name, *pattern, *type;
	enum tv_pii_op op;
	unsigned mask_keep;
	uint64_t line;
};

struct pii_pat_cfg {
	char *pattern;
	uint64_t line;
};

struct pii_policy {
	struct pii_rule_cfg *rules;
	size_t nrules;
	struct pii_key_cfg *keys;
	size_t nkeys;
	struct pii_add_cfg *adds;
	size_t nadds;
	char **allow_values;
	size_t nallow_values;
	struct pii_pat_cfg *allow_patterns;
	size_t nallow_patterns;
	bool allow_defaults; /* keep 127.0.0.1, ::1, localhost, ... (default true) */
};

/**
 * pii_policy_load: read @file into @pol (free with pii_policy_free(), also
 * after a failure).  Returns 0, or a negative code with @err naming the
 * file, the line and the problem.
 */
int pii_policy_load(const char *file, struct pii_policy *pol, struct tv_error *err);
void pii_policy_free(struct pii_policy *pol);
/** pii_op_parse: "redact" ... "keep" to an operator.  Returns false if unknown. */
bool pii_op_parse(const char *s, enum tv_pii_op *op);

/* ---- the engine's state: tv_pii.c scrubs with it, tv_pii_build.c builds it ---- */

#define MAX_PII_GROUPS 4
#define KEY_CACHE 512
#define PSEUDO_CACHE 256
#define PSEUDO_MAX 64

/* ---- keywords (the prefilter of the rules that have a fixed word) ---- */

enum {
	KW_PEM,
	KW_JWT,
	KW_SK,
	KW_AKIA,
	KW_ASIA,
	KW_ABIA,
	KW_ACCA,
	KW_A3T,
	KW_GHP,
	KW_GHO,
	KW_GHU,
	KW_GHS,
	KW_GHR,
	KW_GHPAT,
	KW_XOX,
	KW_XAPP,
	KW_SLACKHOOK,
	KW_AIZA,
	KW_YA29,
	KW_SKU,
	KW_RKU,
	KW_HF,
	KW_APIORG,
	KW_URL,
	KW_HOME,
	KW_USERS,
	KW_WINUSERS,
	KW_SSN,
	KW_SOCIAL,
	KW_PHONE,
	KW_TEL,
	KW_MOB,
	KW_CELL,
	KW_FAX,
	KW_SMS,
	KW_WHATSAPP,
	KW_DESK,
	KW_OFFICE,
	KW_HOMEW,
	KW_WORK,
	KW_DIRECT,
	KW_CALL,
	KW_KEY,
	KW_TOKEN,
	KW_SECRET,
	KW_PASSW,
	KW_PWD,
	KW_PASSPHRASE,
	KW_CRED,
	KW_AUTH,
	KW_ACCESS,
	KW_API,
	KW_BEARER,
	KW_COUNT
};

#define KB(k) (UINT64_C(1) << (k))
#define KW_PHONE_CTX                                                                      \
	(KB(KW_PHONE) | KB(KW_TEL) | KB(KW_MOB) | KB(KW_CELL) | KB(KW_FAX) | KB(KW_SMS) | \
	 KB(KW_WHATSAPP) | KB(KW_DESK) | KB(KW_OFFICE) | KB(KW_HOMEW) | KB(KW_WORK) |     \
	 KB(KW_DIRECT) | KB(KW_CALL))
#define KW_GENERIC                                                                               \
	(KB(KW_KEY) | KB(KW_TOKEN) | KB(KW_SECRET) | KB(KW_CRED) | KB(KW_AUTH) | KB(KW_ACCESS) | \
	 KB(KW_API))
#define KW_PASSWORD (KB(KW_PASSW) | KB(KW_PWD) | KB(KW_PASSPHRASE))
#define KW_SSN_CTX (KB(KW_SSN) | KB(KW_SOCIAL))

/* ---- features (the prefilter of the rules without a fixed word) ---- */

enum {
	F_AT = 1u << 0,	      /* '@' */
	F_ASSIGN = 1u << 1,   /* '=' or ':' */
	F_QUERY = 1u << 2,    /* '=' and '?' or '&' */
	F_PLUSDIG = 1u << 3,  /* '+' before a digit */
	F_DOT3 = 1u << 4,     /* digits with three dots between them */
	F_HEXCOLON = 1u << 5, /* two hex:hex or '::' */
	F_MAC = 1u << 6,      /* five hex-hex or hex:hex, or two hex.hex */
	F_IBAN = 1u << 7,     /* two letters and two digits starting a word */
	F_LONGTOK = 1u << 8,  /* 16 [A-Za-z0-9_-] in a row: the body of a key */
	F_PATH = 1u << 9,     /* '/' or '\\' */
	F_DASH5 = 1u << 10,   /* "-----" */
	F_AUTH = 1u << 11,    /* F_ASSIGN or F_LONGTOK */
	F_COUNT = 12
};

#define LONGTOK 16

#define MAX_DIGITS 20
#define MASK_RULES 64

/* a key matches when it matches the glob and, if there is one, the predicate */
typedef bool (*key_pred_fn)(const char *key, size_t klen);

/* a built-in rule, or a policy file's added one */
struct builtin {
	const char *name, *type;
	enum tv_pii_op op;
	const char *pattern;
	pii_valid_fn valid;
	uint32_t need;
	uint64_t kw;
	unsigned min_digits;
};

struct rule {
	char *name, *type;
	enum tv_pii_op op;
	unsigned mask_keep;
	bool disabled;
	uint32_t need;
	uint64_t kw;
	unsigned min_digits;
	pii_valid_fn valid;
	pcre2_code *re;
	uint32_t pii_grp[MAX_PII_GROUPS];
	size_t npii;
};

struct keypol {
	char *glob, *name, *type;
	enum tv_pii_op op;
	unsigned mask_keep;
	key_pred_fn when;
};

struct cand {
	size_t start, end;
	uint32_t rule;
	int key; /* >= 0: the value of a key=value pair in text, under this key policy */
	bool allowed;
};

/* findings in order of their start, not overlapping */
struct cands {
	struct cand *v;
	size_t n, cap;
};

struct key_slot {
	char key[48];
	size_t len;
	int idx; /* key policy, -1 none */
	bool used;
};

struct pseudo_slot {
	char val[PSEUDO_MAX];
	size_t len;
	char hex[9];
	bool used;
};

enum {
	CNT_UTF8,
	CNT_ERROR,
	CNT_EXTRA
};

struct tv_jscan;

struct tv_pii {
	struct rule *rules;
	size_t nrules;
	struct keypol *keys;
	size_t nkeys;
	bool drop_keys;	  /* a key policy drops: containers are checked too */
	uint64_t *counts; /* rules, then key policies, then extra_names */
	char **allow;
	size_t *allow_len;
	size_t nallow;
	pcre2_code **allow_re;
	size_t nallow_re;
	const char *at; /* the string token of the current value in the top-level JSON */
	unsigned char key[64];
	size_t key_len;
	bool key_random;
	pcre2_match_data *md;
	pcre2_match_data *md_allow; /* allow patterns run while md holds a match */
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	tv_pii_finding_fn cb;
	void *udata;
	struct cands acc;  /* accepted, from the rules run so far */
	struct cands pend; /* the current rule's, merged in after its scan */
	struct cands tmp;
	uint64_t kw2[1024]; /* keyword bits by the hash of their first two bytes */
	/* rule selection, for the first 64 rules (later ones always run) */
	uint64_t feat_ok[1u << F_COUNT];     /* rules whose features are all in i */
	uint64_t digit_need[MAX_DIGITS + 1]; /* rules that need more than i digits */
	uint64_t kw_rules[KW_COUNT];	     /* rules that have keyword i */
	uint64_t kwless;		     /* rules without keywords */
	uint64_t enabled;
	unsigned char ctab[256]; /* character classes for the prefilter */
	unsigned char lc5[256];	 /* lower-case letter & 0x1f, for bigram() */
	uint64_t kw_base;	 /* keywords wanted whatever the features */
	uint64_t kw_cond;	 /* rules whose keywords depend on the features */
	size_t allow_max;	 /* the longest allowed value */
	struct key_slot kcache[KEY_CACHE];
	struct pseudo_slot pcache[PSEUDO_CACHE];
	struct tv_jscan *js[PII_MAX_LEVELS]; /* one scanner per level of JSON in strings */
};

/* the prefilter's tables from the rules (tv_pii.c): character classes and keyword bigrams */
void pii_prefilter_init(struct tv_pii *p);
/* ... and the selection masks, once the policy has enabled and disabled rules */
void pii_prefilter_masks(struct tv_pii *p);
/* case-insensitive glob with '*' and '?' over the whole of @k */
bool pii_glob_match(const char *g, const char *k, size_t n);

#endif
