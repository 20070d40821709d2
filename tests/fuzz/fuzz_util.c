// SPDX-License-Identifier: MIT
#include <fcntl.h>
#include <unistd.h>

#include "fuzz_util.h"

void fuzz_quiet(void *udata, enum tv_report_level level, const char *file, uint64_t line,
		const char *msg)
{
	(void)udata;
	(void)level;
	(void)file;
	(void)line;
	(void)msg;
}

int fuzz_put_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CREAT, 0600);
	int r = fd >= 0 && (n == 0 || write(fd, p, n) == (ssize_t)n) ? 0 : -1;

	if (fd >= 0) {
		close(fd);
	}
	return r;
}

int fuzz_get_file(const char *path, struct tv_strbuf *b)
{
	char buf[65536];
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (tv_strbuf_append(b, buf, (size_t)n) < 0) {
			close(fd);
			return -1;
		}
	}
	close(fd);
	return n < 0 ? -1 : 0;
}
