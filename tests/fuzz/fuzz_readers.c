// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for every reader: the first byte picks the format
 * (0 = detect), the rest is the input.  Sessions are written canonically
 * and read back as canonical input, so the writer and the canonical reader
 * are fuzzed too, and the records must add up (read = used + skipped +
 * rejected).  Build: see tests/fuzz/README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "libcommon/read/tv_reader.h"
#include "libcommon/model/tv_session.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static int emit(void *udata, struct tv_session *s)
{
	struct tv_strbuf *out = udata;
	int r = tv_session_write(s, out);

	tv_session_destroy(s);
	return r;
}

static void read_path(const char *path, const struct tv_format *fmt, struct tv_strbuf *out)
{
	struct tv_read_opts o = {
		.gap = 1000000000, .max_record = 1 << 20, .max_open = 64, .emit = emit, .udata = out
	};
	struct tv_read_ctx *ctx = tv_read_ctx_create(&o);
	const struct tv_stats *st;
	struct tv_error err;

	if (ctx == NULL) {
		return;
	}
	tv_read_file(ctx, path, fmt, &err);
	tv_read_finish(ctx, &err);
	/* nothing lost silently: every record read is used, skipped or rejected */
	st = tv_read_stats(ctx);
	if (st->records_read != st->records_used + st->records_skipped + st->records_rejected) {
		abort();
	}
	tv_read_ctx_destroy(ctx);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	/* a folder of its own: readers that look beside a file (Codex's sessions index) see only it */
	char dir[] = "/tmp/tv-fuzz-XXXXXX", path[sizeof(dir) + 8];
	struct tv_strbuf out, again;
	const struct tv_format *fmt;

	if (size == 0) {
		return 0;
	}
	/* the first byte picks the format: 0 detects it */
	fmt = data[0] % (tv_format_count() + 1) == 0
		      ? NULL
		      : tv_format_at(data[0] % (tv_format_count() + 1) - 1);
	if (mkdtemp(dir) == NULL) {
		return 0;
	}
	snprintf(path, sizeof(path), "%s/in", dir);
	if (fuzz_put_file(path, data + 1, size - 1) < 0) {
		unlink(path);
		rmdir(dir);
		return 0;
	}
	tv_strbuf_init(&out);
	tv_strbuf_init(&again);
	read_path(path, fmt, &out);
	/* what the writer wrote reads back as canonical, to the same bytes */
	if (out.len > 0 && fuzz_put_file(path, out.p, out.len) == 0) {
		read_path(path, tv_format_find("canonical"), &again);
		if (again.len != out.len || memcmp(again.p, out.p, out.len) != 0) {
			fprintf(stderr, "written:\n%.*s\nread back and written:\n%.*s\n",
				(int)out.len, out.p, (int)again.len, again.p ? again.p : "");
			abort();
		}
	}
	unlink(path);
	rmdir(dir);
	tv_strbuf_finish(&out);
	tv_strbuf_finish(&again);
	return 0;
}
