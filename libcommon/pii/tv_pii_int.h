/* SPDX-License-Identifier: MIT */
/*
 * tv_pii_int: what the files of the tv_pii module share (tv_pii.c, the
 * engine; tv_pii_valid.c, the validators; tv_pii_policy.c, the YAML
 * policy).  The layout-keeping JSON scanner below them is tv_jscan.h,
 * which knows nothing of these.  Not for use outside libcommon, except by
 * the unit tests.
 */
#ifndef TV_PII_INT_H
#define TV_PII_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
