// SPDX-License-Identifier: MIT
/*
 * parse_floor: the floor under any tool reading JSON Lines here: read each
 * line with tv_input (as the tools do) and, unless --lines, parse it with
 * tv_json_parse (simdjson's DOM, as the tools do), then nothing else.
 * bench/aggregate.sh times it to say how fast televal-aggregate could be.
 *
 *   parse_floor [--lines] FILE...
 *
 * Prints the lines, the lines parsed and the bytes read.  Exit 1 on a read
 * error or a line that is not JSON.
 */
#include <stdio.h>
#include <string.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_input.h"
#include "libcommon/json/tv_json.h"

#define MAX_RECORD (64u << 20)

struct totals {
	unsigned long long lines, parsed, bytes;
};

static int one_file(const char *path, struct tv_json_parser *jp, struct totals *t)
{
	struct tv_input *in;
	struct tv_jv root;
	const char *line;
	size_t len;
	uint64_t lineno;
	int r = tv_input_open(path, MAX_RECORD, &in);

	if (r < 0) {
		fprintf(stderr, "parse_floor: %s: %s\n", path, tv_strerror(r));
		return 1;
	}
	while ((r = tv_input_line(in, &line, &len, &lineno, NULL)) > 0) {
		t->lines++;
		if (jp == NULL || len == 0) {
			continue;
		}
		if (tv_json_parse(jp, line, len, &root, NULL) < 0) {
			fprintf(stderr, "parse_floor: %s:%llu: not JSON\n", path,
				(unsigned long long)lineno);
			r = -TV_EPARSE;
			break;
		}
		t->parsed++;
	}
	t->bytes += tv_input_bytes(in);
	tv_input_close(in);
	if (r < 0) {
		fprintf(stderr, "parse_floor: %s: %s\n", path, tv_strerror(r));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct totals t = { 0, 0, 0 };
	struct tv_json_parser *jp = NULL;
	int i = 1, status = 0;

	if (i < argc && strcmp(argv[i], "--lines") == 0) {
		i++;
	} else {
		jp = tv_json_parser_create();
		if (jp == NULL) {
			fprintf(stderr, "parse_floor: out of memory\n");
			return 1;
		}
	}
	for (; i < argc; i++) {
		status |= one_file(argv[i], jp, &t);
	}
	tv_json_parser_destroy(jp);
	printf("%llu lines, %llu parsed, %llu bytes\n", t.lines, t.parsed, t.bytes);
	return status;
}
