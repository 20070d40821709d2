/* SPDX-License-Identifier: MIT */
/*
 * anonymize: what the parts of televal-anonymize share.
 *
 * One struct anon holds the options, the PII engine, the current output
 * and the counts.  The format handlers (stream.c, collector.c, llama.c,
 * canonical.c) read one input each and append the anonymized text to
 * a->buf through anon_put() / anon_scrub_*(), which write it out in large
 * blocks, or throw it away under --check.
 */
#ifndef TV_ANONYMIZE_H
#define TV_ANONYMIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tools/common/tool.h"
#include "tools/common/tool_atomic.h"
#include "tools/common/tool_input.h"
#include "libcommon/read/tv_format.h"
#include "libcommon/core/tv_input.h"
#include "libcommon/json/tv_json.h"
#include "libcommon/pii/tv_pii.h"
#include "libcommon/core/tv_strbuf.h"

struct anon_opts {
	struct tool_input_opts in; /* --from (NULL: detect), limits, --stats */
	bool to_canonical;
	bool check;
	bool report;
	bool stats;
	bool scrub_ids;
	const char *output; /* NULL: stdout */
	const char *key_file;
	const char *policy;
};

struct anon {
	struct anon_opts o;
	struct tv_pii *pii;
	struct tool_report rep;
	bool out_dir; /* -o names a directory: one output per input */

	FILE *out;	      /* the current output; NULL under --check */
	struct tv_strbuf buf; /* output not written yet */
	struct tv_strbuf tmp; /* scratch for the handlers */
	struct tv_json_parser *jp;

	/* where the text being scrubbed comes from, for --check messages */
	const char *file;
	uint64_t line;	  /* the line the text starts on */
	const char *text; /* the record text, to find lines inside it; may be NULL */
	size_t text_len;
	const char *where; /* instead of a line: "session ID", "spans row N" (or NULL) */
	/* line_of()'s count so far in the record at lc_first: lc_line is the line of text[lc_off] */
	const char *lc_text;
	uint64_t lc_first;
	size_t lc_off;
	uint64_t lc_line;

	/* per-rule counts at the start of a session, for its redaction member */
	uint64_t *snap;
	size_t n_rules;

	/* counts */
	uint64_t files, bytes;
	uint64_t records;  /* records read: lines, JSON values, rows */
	uint64_t written;  /* records written (or checked) */
	uint64_t rejected; /* records not processed, reported with file:line */
	uint64_t findings;
	bool hold;   /* keep the output buffered: a record may yet be taken back */
	bool failed; /* an input or output failed */
	bool usage;  /* a usage error found while running (exit 2) */
	bool write_error;
};

#define ANON_FLUSH_AT (1u << 20)

/* ---- output (output.c) ---- */

/** anon_put: append @n bytes to the output.  0 or a negative code (reported). */
int anon_put(struct anon *a, const char *p, size_t n);
/** anon_flush: write the buffered output.  0 or -TV_EWRITE (reported). */
int anon_flush(struct anon *a);
/** anon_flush_maybe: anon_flush() once enough output is buffered. */
int anon_flush_maybe(struct anon *a);
/**
 * anon_scrub: append the scrubbed text @s/@n found under @key (NULL: none).
 * Returns >= 0, TV_PII_DROPPED (nothing appended), or a negative code.
 */
int anon_scrub(struct anon *a, const char *key, size_t klen, const char *s, size_t n);
/** anon_scrub_json: append the scrubbed JSON text.  >= 0, -TV_EPARSE, or negative. */
int anon_scrub_json(struct anon *a, const char *s, size_t n);
/** anon_reject: count and report a record left out: `FILE:LINE: message`. */
void anon_reject(struct anon *a, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* ---- the names of -o DIR/ outputs (names.c) ---- */

/**
 * anon_name: append to @out the path @rel (@n bytes, components separated
 * by '/') with each component scanned and scrubbed as text, and the user
 * of a Claude Code project directory (`-home-USER-...`) pseudonymized.
 * Under --check the findings are reported as in "file name".  0 or a
 * negative code.
 */
int anon_name(struct anon *a, const char *rel, size_t n, struct tv_strbuf *out);

/** anon_finding_cb: the tv_pii finding callback of --check. */
void anon_finding_cb(void *udata, const struct tv_pii_finding *f, const char *value, size_t n);
/** anon_mask: @s/@n with at most its first and last characters shown, into @out. */
void anon_mask(const char *s, size_t n, char *out, size_t size);

/* ---- the format handlers ---- */

/** anon_stream: JSON Lines, JSON value streams and Python log lines.  0 or fatal < 0. */
int anon_stream(struct anon *a, struct tv_input *in, const struct tv_format *fmt);
/** anon_collector: a collector.log.  0 or fatal < 0. */
int anon_collector(struct anon *a, struct tv_input *in);
/** anon_llama: a Llama Stack database @in, copied to @out (NULL under --check).  0 or -1. */
int anon_llama(struct anon *a, const char *in, const char *out);
/** anon_canonical_line: one canonical session line (no '\n').  0 or fatal < 0. */
int anon_canonical_line(struct anon *a, const char *line, size_t len, uint64_t lineno);
/** anon_to_canonical: --to canonical over all inputs.  0 or -1 (failure reported). */
int anon_to_canonical(struct anon *a, int argc, char **argv);

/** anon_counts_begin: remember the per-rule counts before a session. */
void anon_counts_begin(struct anon *a);
/**
 * anon_put_redaction: append `"redaction":{"counts":{...}}` with the counts
 * since anon_counts_begin() plus those of @prior (a previous redaction
 * member's JSON text, may be NULL) to @out.  0 or -ENOMEM.
 */
int anon_put_redaction(struct anon *a, const char *prior, size_t plen, struct tv_strbuf *out);

#endif
