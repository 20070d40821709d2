/* SPDX-License-Identifier: MIT */
/*
 * tv_pii: finding and replacing PII and secrets in text and JSON.
 *
 * A struct tv_pii holds the compiled rules (built-in ones plus a policy
 * file's), the key policies, the allow-lists and the pseudonym key.  It is
 * built once and then used on every value; it is not thread-safe (PCRE2
 * match data is reused).
 *
 * Rules: each has a name (e.g. "email", "credit_card", "aws_access_key"),
 * a PCRE2 pattern (JIT-compiled) and optionally a validator (Luhn, IBAN
 * mod-97, IP ranges, Shannon entropy).  Key policies match the key a value
 * sits under (`email`, `*token*`, `authorization`, `host.name`, ...) and act
 * on the whole value.  Operators: redact (`<EMAIL>`), pseudonym (keyed
 * HMAC-SHA256: `<EMAIL:3f9a1c2e>`, equal for equal values under one key),
 * mask (keep the last N characters), drop (remove the field), keep.
 *
 * Fail closed: a value that cannot be processed (invalid UTF-8, a match
 * error) is replaced whole by `<REDACTED>`, never passed through.
 */
#ifndef TV_PII_H
#define TV_PII_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_strbuf.h"

struct tv_pii;

enum tv_pii_op {
	TV_PII_KEEP,
	TV_PII_REDACT,
	TV_PII_PSEUDONYM,
	TV_PII_MASK,
	TV_PII_DROP,
};

struct tv_pii_opts {
	const char *policy_file;  /* YAML policy, or NULL for the built-in defaults */
	const unsigned char *key; /* pseudonym key; NULL: a random per-run key */
	size_t key_len;
	bool keep_ids; /* true: session/trace/span/prompt ids stay as they are */
};

/* one finding, for --check and --report */
struct tv_pii_finding {
	const char *rule;  /* rule or key-policy name; static or owned by the tv_pii */
	size_t start, len; /* the matched bytes in the value scanned */
	enum tv_pii_op op;
	/*
	 * Under tv_pii_scrub_json(): where the value stands in the JSON text
	 * given, the first byte of its string token (or its container's
	 * bracket), also when the value was decoded or was JSON inside a
	 * string; NULL under tv_pii_scrub().
	 */
	const char *at;
};

typedef void (*tv_pii_finding_fn)(void *udata, const struct tv_pii_finding *f, const char *value,
				  size_t n);

/**
 * tv_pii_create: compile the built-in rules and @o's policy.  Returns 0 and
 * *@out (free with tv_pii_destroy()), or a negative code with @err naming
 * the policy file, line and problem.
 */
int tv_pii_create(const struct tv_pii_opts *o, struct tv_pii **out, struct tv_error *err);
/** tv_pii_destroy: @p may be NULL. */
void tv_pii_destroy(struct tv_pii *p);

/** tv_pii_set_finding_cb: report every finding to @fn (NULL: none). */
void tv_pii_set_finding_cb(struct tv_pii *p, tv_pii_finding_fn fn, void *udata);

/**
 * tv_pii_key_op: the key policy for a value under @key (NULL: none):
 * TV_PII_KEEP when no key policy applies (the value is still scanned by
 * tv_pii_scrub), else the policy's operator for the whole value.
 */
enum tv_pii_op tv_pii_key_op(struct tv_pii *p, const char *key, size_t klen);

/**
 * tv_pii_scrub: append to @out the anonymized form of the text @s/@n found
 * under @key (may be NULL): key policy first, then every rule, then the
 * key policies of the `key=value` pairs in the text (pii_kv_next()).  Text that
 * is itself JSON (a JSON string holding an object or array, as Gemini's
 * function_args) is scrubbed as JSON and kept JSON.
 * Returns the number of findings (>= 0), TV_PII_DROPPED (a positive value
 * meaning "remove this field", nothing appended), or -ENOMEM.
 */
#define TV_PII_DROPPED 0x40000000

/* the most lists and mappings a policy file may nest (a policy needs 4) */
#define TV_PII_POLICY_MAX_DEPTH 32
int tv_pii_scrub(struct tv_pii *p, const char *key, size_t klen, const char *s, size_t n,
		 struct tv_strbuf *out);

/**
 * tv_pii_scrub_json: append to @out the JSON text @json/@n with every string
 * value (and string inside strings that hold JSON) scrubbed, keeping the
 * layout byte for byte elsewhere: whitespace, key order and numbers are
 * untouched, so a pretty-printed record stays pretty-printed.  The key a
 * value sits under is its member name; in OTLP/Jaeger key-value lists
 * ({"key": K, "value": ...} and {"key": K, "type": T, "value": ...}) and
 * [K, V] tuples it is K (tv_jscan.h).  A dropped member is removed with its
 * comma.  Ids (members named id, session_id, session.id, trace_id,
 * traceId, traceID, span_id, spanId, spanID, parentSpanId, root_span_id,
 * prompt_id, request_id, turn_id) stay unless keep_ids is false.  Invalid JSON: -TV_EPARSE, nothing appended.
 * Returns the number of findings (>= 0) or a negative code.
 */
int tv_pii_scrub_json(struct tv_pii *p, const char *json, size_t n, struct tv_strbuf *out);

/** tv_pii_count: findings so far for rule index @i; tv_pii_rule_name(@i); NULL past the end. */
uint64_t tv_pii_count(const struct tv_pii *p, size_t i);
const char *tv_pii_rule_name(const struct tv_pii *p, size_t i);

/** tv_pii_key_is_random: true when no key was given (pseudonyms differ between runs). */
bool tv_pii_key_is_random(const struct tv_pii *p);

#endif
