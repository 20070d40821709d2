/* SPDX-License-Identifier: MIT */
/*
 * tv_pii_int: what the files of the tv_pii module share (tv_pii.c, the
 * engine; tv_pii_valid.c, the validators; tv_pii_policy.c, the YAML
 * policy; tv_pii_json.c, the layout-preserving JSON scanner).  Not for
 * use outside libcommon, except by the unit tests.
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

/* ---- the JSON scanner and the engine call each other ---- */

/* how a value's key is used */
enum pii_keymode {
	PII_KEY_POLICY,	  /* key policies first, then the rules */
	PII_KEY_RULES,	  /* rules only: the key is structure (a KV list's "key") */
	PII_KEY_VERBATIM, /* untouched: a number in a string (OTLP intValue) */
};

/* a member name: bytes in the input, or (escaped names) in the level's arena */
struct pii_name {
	const char *s; /* NULL: in the arena at off */
	size_t off, len;
};

struct pii_frame {
	bool is_obj;
	bool transparent; /* a KV pair's value (OTLP AnyValue): drops go up */
	bool kv;	  /* a "key" member holding a string was seen */
	bool dropped;	  /* remove this whole container when it closes */
	bool silent;	  /* inside a dropped container: strings are not scanned */
	bool any_kept;	  /* an element stayed: the next one has a comma */
	bool cur_removed; /* the current element was removed */
	bool skip_comma;  /* a first element was removed: eat the next comma */
	bool has_sep;	  /* a comma was written before the current element */
	bool in_elem;	  /* an element has begun */
	bool have_inherit;
	size_t open_out;	 /* out length just after the bracket */
	size_t elem_out;	 /* out length where the current element starts */
	size_t sep_out;		 /* out length before the current element's comma */
	struct pii_name name;	 /* current member name */
	struct pii_name kvkey;	 /* K of {"key": K, ...} */
	struct pii_name inherit; /* the key this container sits under */
};

struct pii_level {
	struct tv_strbuf dec;	/* a decoded string */
	struct tv_strbuf res;	/* its scrubbed form */
	struct tv_strbuf names; /* decoded member names with escapes */
	struct pii_frame *frames;
	size_t nframes, capframes;
};

/** pii_level_get: scratch space for nesting level @lvl, NULL past PII_MAX_LEVELS. */
struct pii_level *pii_level_get(struct tv_pii *p, int lvl);

/**
 * pii_scrub_value: append the scrubbed form of @s/@n (decoded text) found
 * under @key to @out.  @lvl: the JSON nesting level @s came from (JSON
 * inside it is scanned at @lvl + 1).  Returns the number of findings,
 * TV_PII_DROPPED (nothing appended) or -ENOMEM.  When it returns 0 the
 * text is unchanged and @out may or may not hold a copy of it: callers use
 * @s (copying every untouched value would cost a pass over every byte).
 */
int pii_scrub_value(struct tv_pii *p, int lvl, enum pii_keymode mode, const char *key, size_t klen,
		    const char *s, size_t n, struct tv_strbuf *out);

/**
 * pii_fail_closed: append the text that replaces a value tv_pii could not
 * process (invalid UTF-8, a lone surrogate, a rule error) and count it.
 * Returns 1 (one finding) or -ENOMEM.
 */
int pii_fail_closed(struct tv_pii *p, const char *why, const char *s, size_t n,
		    struct tv_strbuf *out);

/**
 * pii_key_drop: does the key policy for @key drop the value?  Then the
 * finding is counted and reported.  For containers, whose strings are not
 * scanned when they go.  Returns 1 (dropped) or 0.
 */
int pii_key_drop(struct tv_pii *p, const char *key, size_t klen);

/**
 * pii_json_scan: append @json/@n with every string scrubbed and the layout
 * kept (see tv_pii_scrub_json()), using the scratch of level @lvl.
 * Returns the number of findings, -TV_EPARSE (nothing appended),
 * -TV_EDEPTH or -ENOMEM.  With no findings nothing is appended either: the
 * text is unchanged.
 */
int pii_json_scan(struct tv_pii *p, int lvl, const char *json, size_t n, struct tv_strbuf *out);

#endif
