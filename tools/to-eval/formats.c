// SPDX-License-Identifier: MIT
#include <string.h>

#include "formats.h"

static const struct format formats[] = {
	{ "waza", "waza.yaml", "waza-suite.yaml", "eval.yaml", TV_TMPL_STREAM_DOC, TV_TMPL_DOCUMENT,
	  ".yaml", "waza task YAML (and eval.yaml with -o)" },
	{ "promptfoo", "promptfoo.yaml", "promptfoo-config.yaml", "promptfooconfig.yaml",
	  TV_TMPL_LIST_ITEM, TV_TMPL_DOCUMENT, ".yaml",
	  "promptfoo tests (and promptfooconfig.yaml with -o)" },
	{ "openai-evals", "openai-evals.yaml", NULL, NULL, TV_TMPL_JSON_LINE, TV_TMPL_JSON_LINE,
	  ".json", "OpenAI evals samples (JSON Lines)" },
	{ "inspect", "inspect.yaml", NULL, NULL, TV_TMPL_JSON_LINE, TV_TMPL_JSON_LINE, ".json",
	  "Inspect AI dataset samples (JSON Lines)" },
	{ "langfuse", "langfuse.yaml", NULL, NULL, TV_TMPL_JSON_LINE, TV_TMPL_JSON_LINE, ".json",
	  "Langfuse dataset items (JSON Lines)" },
	{ NULL, NULL, NULL, NULL, TV_TMPL_DOCUMENT, TV_TMPL_DOCUMENT, NULL, NULL },
};

const struct format *format_find(const char *name)
{
	for (const struct format *f = formats; f->name; f++) {
		if (strcmp(f->name, name) == 0) {
			return f;
		}
	}
	return NULL;
}

const char *format_list(void)
{
	return "waza, promptfoo, openai-evals, inspect, langfuse";
}

const struct format *format_all(void)
{
	return formats;
}

const struct builtin_template *builtin_template(const char *name)
{
	for (const struct builtin_template *t = builtin_templates; t->name; t++) {
		if (strcmp(t->name, name) == 0) {
			return t;
		}
	}
	return NULL;
}
