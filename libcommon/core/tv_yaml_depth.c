// SPDX-License-Identifier: MIT
/* tv_yaml_depth: see tv_yaml_depth.h */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <yaml.h>

#include "libcommon/core/tv_yaml_depth.h"

int tv_yaml_check_depth(FILE *f, const char *file, int max, struct tv_error *err)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, r = 0;
	bool end = false;

	if (fseek(f, 0, SEEK_SET) != 0) {
		return 0; /* a pipe: read once, by the loader */
	}
	if (!yaml_parser_initialize(&parser)) {
		return -ENOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	while (r == 0 && !end && yaml_parser_parse(&parser, &ev)) {
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > max) {
				r = tv_error_set(
					err, -TV_EDEPTH, file, (uint64_t)ev.start_mark.line + 1,
					"nested deeper than %d levels of lists and mappings", max);
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT ||
			   ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		}
		end = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (r == 0 && fseek(f, 0, SEEK_SET) != 0) {
		r = -errno;
		tv_error_set(err, r, file, 0, "cannot read it again");
	}
	return r;
}
