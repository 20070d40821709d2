// SPDX-License-Identifier: MIT
/*
 * televal: the front command.  `televal filter ARGS` runs televal-filter
 * ARGS, as git and kmod do; `televal --help` lists the tools.  The tool is
 * looked for beside this program first (so an uninstalled build runs its
 * own tools), then on PATH.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/common/tool.h"

static const struct {
	const char *name;
	const char *what;
} tools[] = {
	{ "filter", "read telemetry of any format, select and sample sessions" },
	{ "anonymize", "replace PII and secrets, keeping the format" },
	{ "to-eval", "turn sessions into eval tasks (waza, promptfoo, ...)" },
	{ "aggregate", "metrics, alerts and reports over sessions" },
};

#define N_TOOLS (sizeof(tools) / sizeof(tools[0]))

static void help(void)
{
	printf("Usage: %s TOOL [ARG]...\n"
	       "Run televal-TOOL with the ARGs.  The tools:\n\n",
	       tv_progname);
	for (size_t i = 0; i < N_TOOLS; i++) {
		printf("  %-10s %s\n", tools[i].name, tools[i].what);
	}
	printf("\n"
	       "  -h, --help     show this help and exit\n"
	       "  -V, --version  show the version and exit\n"
	       "\n"
	       "'%s TOOL --help' shows a tool's options.  Exit status: the tool's, or 2 when\n"
	       "there is no such tool.  See televal(1).\n",
	       tv_progname);
}

static bool known(const char *name)
{
	for (size_t i = 0; i < N_TOOLS; i++) {
		if (strcmp(tools[i].name, name) == 0) {
			return true;
		}
	}
	return false;
}

/*
 * DIR/televal-NAME, or DIR/../NAME/televal-NAME (a build tree), where DIR is
 * the directory this program was run from, if it was run by a path
 */
static int beside(const char *argv0, const char *name, char *out, size_t size)
{
	const char *slash = strrchr(argv0, '/');
	int dir, n;

	if (slash == NULL) {
		return -1;
	}
	dir = (int)(slash - argv0);
	n = snprintf(out, size, "%.*s/televal-%s", dir, argv0, name);
	if (n > 0 && (size_t)n < size && access(out, X_OK) == 0) {
		return 0;
	}
	n = snprintf(out, size, "%.*s/../%s/televal-%s", dir, argv0, name, name);
	return n > 0 && (size_t)n < size && access(out, X_OK) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	char path[PATH_MAX], prog[64];
	const char *argv0 = argv[0] ? argv[0] : "televal";

	tool_init(argv);
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		help();
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		tool_version();
		return 0;
	}
	if (!known(argv[1])) {
		return tool_usage_err("'%s' is not a televal tool (see '%s --help')", argv[1],
				      tv_progname);
	}
	snprintf(prog, sizeof(prog), "televal-%s", argv[1]);
	argv[1] = prog;
	if (beside(argv0, argv[1] + strlen("televal-"), path, sizeof(path)) == 0) {
		execv(path, argv + 1);
	}
	execvp(prog, argv + 1);
	tool_err("cannot run %s: %s", prog, strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
