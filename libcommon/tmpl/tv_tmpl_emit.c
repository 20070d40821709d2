// SPDX-License-Identifier: MIT
/*
 * tv_tmpl_emit: the output of a render, as events for libyaml's emitter
 * (valid YAML whatever the strings hold: those that would read back as
 * another type are quoted, multi-line text is a literal block when that
 * keeps it exact) or through the JSON writer.  Knows values, not templates.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "libcommon/tmpl/tv_tmpl_int.h"

/* ---- libyaml's emitter ---- */

/* hand the event @ev (made if @ok) to the emitter */
static int emit(struct tmpl_out *o, yaml_event_t *ev, int ok)
{
	if (!ok) {
		return tv_error_set(o->err, -ENOMEM, o->name, 0, "out of memory");
	}
	if (!yaml_emitter_emit(&o->em, ev)) {
		/* the writer fails only when the output cannot grow */
		int code = o->em.error == YAML_MEMORY_ERROR || o->em.error == YAML_WRITER_ERROR
				   ? -ENOMEM
				   : -TV_ETYPE;

		return tv_error_set(o->err, code, o->name, 0, "yaml emitter: %s",
				    o->em.problem ? o->em.problem : "error");
	}
	return 0;
}

static int emit_scalar(struct tmpl_out *o, const char *s, size_t n, int plain, int quoted,
		       yaml_scalar_style_t style)
{
	yaml_event_t ev;

	return emit(o, &ev,
		    yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)n, plain,
						 quoted, style));
}

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
	return tv_strbuf_append(data, buffer, size) == 0;
}

void tmpl_out_init(struct tmpl_out *o, const char *name, struct tv_error *err)
{
	memset(o, 0, sizeof(*o));
	tv_strbuf_init(&o->scratch);
	o->name = name;
	o->err = err;
}

static int yaml_begin(struct tmpl_out *o, enum tv_tmpl_mode mode, struct tv_strbuf *out)
{
	yaml_event_t ev;
	int rc;

	if (!yaml_emitter_initialize(&o->em)) {
		return -ENOMEM;
	}
	o->em_live = true;
	yaml_emitter_set_output(&o->em, write_handler, out);
	yaml_emitter_set_unicode(&o->em, 1);
	yaml_emitter_set_indent(&o->em, 2);
	yaml_emitter_set_width(&o->em, -1);
	yaml_emitter_set_break(&o->em, YAML_LN_BREAK);
	rc = emit(o, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	if (rc == 0) {
		rc = emit(o, &ev,
			  yaml_document_start_event_initialize(&ev, NULL, NULL, NULL,
							       mode != TV_TMPL_STREAM_DOC));
	}
	if (rc == 0 && mode == TV_TMPL_LIST_ITEM) {
		rc = emit(o, &ev,
			  yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
							       YAML_BLOCK_SEQUENCE_STYLE));
	}
	return rc;
}

int tmpl_out_begin(struct tmpl_out *o, enum tv_tmpl_mode mode, struct tv_strbuf *out)
{
	if (mode == TV_TMPL_JSON_LINE) {
		o->json = true;
		tv_jw_init(&o->jw, out);
		return 0;
	}
	return yaml_begin(o, mode, out);
}

int tmpl_out_end(struct tmpl_out *o, enum tv_tmpl_mode mode)
{
	yaml_event_t ev;
	int rc = 0;

	if (o->json) {
		rc = tv_jw_error(&o->jw);
		return rc == 0 ? tv_strbuf_putc(o->jw.out, '\n') : rc;
	}
	if (mode == TV_TMPL_LIST_ITEM) {
		rc = emit(o, &ev, yaml_sequence_end_event_initialize(&ev));
	}
	if (rc == 0) {
		rc = emit(o, &ev, yaml_document_end_event_initialize(&ev, 1));
	}
	if (rc == 0) {
		rc = emit(o, &ev, yaml_stream_end_event_initialize(&ev));
	}
	if (rc == 0 && !yaml_emitter_flush(&o->em)) {
		rc = tv_error_set(o->err, -ENOMEM, o->name, 0, "out of memory");
	}
	return rc;
}

void tmpl_out_finish(struct tmpl_out *o)
{
	if (o->em_live) {
		yaml_emitter_delete(&o->em);
		o->em_live = false;
	}
	tv_strbuf_finish(&o->scratch);
}

/* ---- lists and mappings ---- */

int tmpl_out_seq_begin(struct tmpl_out *o, yaml_sequence_style_t style)
{
	yaml_event_t ev;

	if (o->depth >= TV_TMPL_MAX_DEPTH) {
		return -TV_EDEPTH;
	}
	o->depth++;
	if (o->json) {
		tv_jw_arr_begin(&o->jw);
		return 0;
	}
	return emit(o, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, style));
}

int tmpl_out_seq_end(struct tmpl_out *o)
{
	yaml_event_t ev;

	o->depth--;
	if (o->json) {
		tv_jw_arr_end(&o->jw);
		return 0;
	}
	return emit(o, &ev, yaml_sequence_end_event_initialize(&ev));
}

int tmpl_out_map_begin(struct tmpl_out *o, yaml_mapping_style_t style)
{
	yaml_event_t ev;

	if (o->depth >= TV_TMPL_MAX_DEPTH) {
		return -TV_EDEPTH;
	}
	o->depth++;
	if (o->json) {
		tv_jw_obj_begin(&o->jw);
		return 0;
	}
	return emit(o, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, style));
}

int tmpl_out_map_end(struct tmpl_out *o)
{
	yaml_event_t ev;

	o->depth--;
	if (o->json) {
		tv_jw_obj_end(&o->jw);
		return 0;
	}
	return emit(o, &ev, yaml_mapping_end_event_initialize(&ev));
}

/* ---- strings ---- */

/* true if a plain scalar @s would read back as something other than a string */
static bool needs_quotes(const char *s, size_t n)
{
	static const char *const words[] = { "null", "~",   "true", "false", "yes", "no",
					     "on",   "off", "y",    "n",     "<<",  "=" };
	char low[8];

	if (n == 0) {
		return true;
	}
	if (s[0] >= '0' && s[0] <= '9') {
		return true;
	}
	if ((s[0] == '+' || s[0] == '-' || s[0] == '.') && n > 1 &&
	    ((s[1] >= '0' && s[1] <= '9') || strchr(".iInN", s[1]) != NULL)) {
		return true;
	}
	if (n >= sizeof(low)) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (tmpl_word_is(low, n, words[i])) {
			return true;
		}
	}
	return false;
}

/* line breaks that a literal block would not keep: CR, NEL, LS, PS */
static bool odd_breaks(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r') {
			return true;
		}
		if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0x85) {
			return true;
		}
		if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
		    ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9)) {
			return true;
		}
	}
	return false;
}

/* the style to write the string @s in; *@plain: whether it may be plain */
static yaml_scalar_style_t string_style(const char *s, size_t n, yaml_scalar_style_t hint,
					int *plain)
{
	*plain = 0;
	if (odd_breaks(s, n)) {
		return YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	}
	if (memchr(s, '\n', n)) {
		/* |+ (kept trailing blank lines) would end a list of items with "..." */
		bool keep = n == 1 || (s[n - 1] == '\n' && s[n - 2] == '\n');

		return keep ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_LITERAL_SCALAR_STYLE;
	}
	if (hint == YAML_SINGLE_QUOTED_SCALAR_STYLE || hint == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		return hint;
	}
	*plain = !needs_quotes(s, n);
	return YAML_ANY_SCALAR_STYLE;
}

int tmpl_out_string(struct tmpl_out *o, const char *s, size_t n, yaml_scalar_style_t hint)
{
	yaml_scalar_style_t style;
	int plain;

	if (o->json) {
		tv_jw_str(&o->jw, s, n);
		return 0;
	}
	if (n > INT32_MAX) {
		return tv_error_set(o->err, -TV_ETOOBIG, o->name, 0, "string too long");
	}
	style = string_style(s, n, hint, &plain);
	return emit_scalar(o, s, n, plain, 1, style);
}

/* a null or bool word as YAML reads it: written as that; false if it is none */
static bool json_word(struct tmpl_out *o, const char *s, size_t n)
{
	if (n == 0 || tmpl_word_is(s, n, "~") || tmpl_word_is(s, n, "null") ||
	    tmpl_word_is(s, n, "Null") || tmpl_word_is(s, n, "NULL")) {
		tv_jw_null(&o->jw);
		return true;
	}
	if (tmpl_word_is(s, n, "true") || tmpl_word_is(s, n, "True") ||
	    tmpl_word_is(s, n, "TRUE")) {
		tv_jw_bool(&o->jw, true);
		return true;
	}
	if (tmpl_word_is(s, n, "false") || tmpl_word_is(s, n, "False") ||
	    tmpl_word_is(s, n, "FALSE")) {
		tv_jw_bool(&o->jw, false);
		return true;
	}
	return false;
}

/* a number as YAML reads it (no leading zeros): written as that; false if it is none */
static bool json_number(struct tmpl_out *o, const char *s, size_t n)
{
	char buf[64], *end;
	long long i;
	double d;

	if (n >= sizeof(buf) || strspn(s, "0123456789+-.eE") != n || !strpbrk(s, "0123456789")) {
		return false;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	if (strpbrk(buf, ".eE") == NULL) {
		i = strtoll(buf, &end, 10);
		if (errno == 0 && *end == '\0' && !(n > 1 && buf[0] == '0')) {
			tv_jw_int(&o->jw, (int64_t)i);
			return true;
		}
		return false;
	}
	d = strtod(buf, &end);
	if (errno == 0 && *end == '\0' && isfinite(d)) {
		tv_jw_double(&o->jw, d);
		return true;
	}
	return false;
}

int tmpl_out_literal(struct tmpl_out *o, const char *s, size_t n, yaml_scalar_style_t style,
		     bool typed)
{
	if (!o->json) {
		return emit_scalar(o, s, n, style == YAML_PLAIN_SCALAR_STYLE, 1, style);
	}
	if (style != YAML_PLAIN_SCALAR_STYLE || !typed ||
	    (!json_word(o, s, n) && !json_number(o, s, n))) {
		tv_jw_str(&o->jw, s, n);
	}
	return 0;
}

int tmpl_out_key(struct tmpl_out *o, const char *s, size_t n, yaml_scalar_style_t style,
		 bool as_written)
{
	if (o->json) {
		tv_jw_key_n(&o->jw, s, n);
		return 0;
	}
	if (as_written) {
		return emit_scalar(o, s, n, style == YAML_PLAIN_SCALAR_STYLE, 1, style);
	}
	return tmpl_out_string(o, s, n, style);
}

/* ---- values ---- */

/* a double as a YAML float that YAML 1.1 readers also take as one */
static void yaml_double(double d, char *buf, size_t size)
{
	char tmp[48];
	const char *e;
	int n = 0;

	for (int prec = 1; prec <= 17; prec++) {
		n = snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if (strtod(tmp, NULL) == d) {
			break;
		}
	}
	e = strchr(tmp, 'e');
	if (e && strchr(tmp, '.') == NULL) {
		snprintf(buf, size, "%.*s.0%s", (int)(e - tmp), tmp, e);
	} else {
		snprintf(buf, size, "%.*s", n, tmp);
	}
}

/* true when the list or mapping @v would nest the output too deep */
static bool json_too_deep(const struct tmpl_out *o, const struct tmpl_val *v)
{
	if (v->k == TMPL_V_LIST0 || v->k == TMPL_V_MAP0) {
		return o->depth >= TV_TMPL_MAX_DEPTH;
	}
	return v->k == TMPL_V_JV && tmpl_jv_deeper(&v->jv, TV_TMPL_MAX_DEPTH - o->depth);
}

static int json_val(struct tmpl_out *o, const struct tmpl_val *v)
{
	if (json_too_deep(o, v)) {
		return -TV_EDEPTH;
	}
	switch (v->k) {
	case TMPL_V_ABSENT:
	case TMPL_V_NULL:
		tv_jw_null(&o->jw);
		break;
	case TMPL_V_BOOL:
		tv_jw_bool(&o->jw, v->b);
		break;
	case TMPL_V_INT:
		tv_jw_int(&o->jw, v->i);
		break;
	case TMPL_V_DOUBLE:
		tv_jw_double(&o->jw, v->d);
		break;
	case TMPL_V_STR:
		tv_jw_str(&o->jw, v->s, v->n);
		break;
	case TMPL_V_LIST0:
		tv_jw_raw(&o->jw, "[]", 2);
		break;
	case TMPL_V_MAP0:
		tv_jw_raw(&o->jw, "{}", 2);
		break;
	case TMPL_V_JV:
		tv_strbuf_reset(&o->scratch);
		if (tv_jv_minify(&v->jv, &o->scratch) < 0) {
			return -ENOMEM;
		}
		tv_jw_raw(&o->jw, o->scratch.p, o->scratch.len);
		break;
	}
	return 0;
}

static int yaml_val(struct tmpl_out *o, const struct tmpl_val *v);

/* a list or mapping of the context, element by element */
static int yaml_jv(struct tmpl_out *o, const struct tv_jv *jv)
{
	enum tv_jtype ty = tv_jv_type(jv);
	struct tv_jiter it;
	struct tv_jv el;
	const char *key;
	struct tmpl_val v;
	size_t klen;
	int rc;

	if (ty != TV_J_ARRAY && ty != TV_J_OBJECT) {
		tmpl_val_from_jv(jv, &v);
		return yaml_val(o, &v);
	}
	if (ty == TV_J_ARRAY) {
		rc = tmpl_out_seq_begin(o, YAML_ANY_SEQUENCE_STYLE);
	} else {
		rc = tmpl_out_map_begin(o, YAML_ANY_MAPPING_STYLE);
	}
	tv_jv_iter_init(jv, &it);
	while (rc == 0 && tv_jv_iter_next(&it, &key, &klen, &el)) {
		if (ty == TV_J_OBJECT) {
			rc = tmpl_out_string(o, key, klen, YAML_ANY_SCALAR_STYLE);
		}
		if (rc == 0) {
			rc = yaml_jv(o, &el);
		}
	}
	if (rc < 0) {
		return rc;
	}
	return ty == TV_J_ARRAY ? tmpl_out_seq_end(o) : tmpl_out_map_end(o);
}

static int yaml_val(struct tmpl_out *o, const struct tmpl_val *v)
{
	char buf[64];
	int rc;

	switch (v->k) {
	case TMPL_V_ABSENT:
	case TMPL_V_NULL:
		return emit_scalar(o, "null", 4, 1, 0, YAML_PLAIN_SCALAR_STYLE);
	case TMPL_V_BOOL:
		return emit_scalar(o, v->b ? "true" : "false", v->b ? 4 : 5, 1, 0,
				   YAML_PLAIN_SCALAR_STYLE);
	case TMPL_V_INT:
		snprintf(buf, sizeof(buf), "%lld", (long long)v->i);
		return emit_scalar(o, buf, strlen(buf), 1, 0, YAML_PLAIN_SCALAR_STYLE);
	case TMPL_V_DOUBLE:
		snprintf(buf, sizeof(buf), "null");
		if (isfinite(v->d)) {
			yaml_double(v->d, buf, sizeof(buf));
		}
		return emit_scalar(o, buf, strlen(buf), 1, 0, YAML_PLAIN_SCALAR_STYLE);
	case TMPL_V_STR:
		return tmpl_out_string(o, v->s, v->n, YAML_ANY_SCALAR_STYLE);
	case TMPL_V_LIST0:
		rc = tmpl_out_seq_begin(o, YAML_FLOW_SEQUENCE_STYLE);
		return rc < 0 ? rc : tmpl_out_seq_end(o);
	case TMPL_V_MAP0:
		rc = tmpl_out_map_begin(o, YAML_FLOW_MAPPING_STYLE);
		return rc < 0 ? rc : tmpl_out_map_end(o);
	case TMPL_V_JV:
		return yaml_jv(o, &v->jv);
	}
	return 0;
}

int tmpl_out_val(struct tmpl_out *o, const struct tmpl_val *v)
{
	return o->json ? json_val(o, v) : yaml_val(o, v);
}
