// SPDX-License-Identifier: MIT
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "libcommon/core/tv_error.h"
#include "libcommon/core/tv_input.h"

#define CHUNK (1u << 20)
#define PEEK_MAX (64u << 10)

struct tv_input {
	gzFile gz; /* gzip, or a stream we cannot peek at; else NULL */
	int fd;	   /* a plain file read directly, or -1 */
	char *path;
	char *buf; /* cap + TV_STRBUF_PAD bytes */
	size_t cap;
	size_t start, end; /* unconsumed bytes */
	size_t max_record;
	uint64_t lineno;
	uint64_t consumed;
	size_t last_off, last_len; /* the line returned last, for tv_input_unget */
	bool can_unget;
	bool eof;
	bool skipping; /* inside an overlong line */
	bool bom_checked;
};

/* false only for a regular file that does not start with the gzip magic */
static bool maybe_gzip(int fd)
{
	unsigned char m[2];
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		return true;
	}
	if (pread(fd, m, 2, 0) != 2) {
		return false; /* empty or one byte: not gzip */
	}
	return m[0] == 0x1f && m[1] == 0x8b;
}

int tv_input_open(const char *path, size_t max_record, struct tv_input **out)
{
	struct tv_input *in;
	int fd, err;

	in = calloc(1, sizeof(*in));
	if (in == NULL) {
		return -ENOMEM;
	}
	in->max_record = max_record ? max_record : TV_INPUT_DEFAULT_MAX_RECORD;
	in->path = tv_strndup(path, strlen(path));
	in->cap = CHUNK;
	in->buf = malloc(in->cap + TV_STRBUF_PAD);
	if (in->path == NULL || in->buf == NULL) {
		err = -ENOMEM;
		goto fail;
	}
	/*
	 * Only the padding after the data is ever read (fill() zeroes it after
	 * each read): clearing the whole megabyte cost more than reading a
	 * small file.
	 */
	memset(in->buf, 0, TV_STRBUF_PAD);
	fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	in->fd = -1;
	if (!maybe_gzip(fd)) { /* a plain regular file: read(2), no zlib copy */
		in->fd = fd;
		*out = in;
		return 0;
	}
	in->gz = gzdopen(fd, "rb");
	if (in->gz == NULL) {
		err = errno ? -errno : -ENOMEM;
		close(fd);
		goto fail;
	}
	gzbuffer(in->gz, 256u << 10);
	*out = in;
	return 0;
fail:
	free(in->path);
	free(in->buf);
	free(in);
	return err;
}

int tv_input_open_mem(const char *name, const char *data, size_t len, struct tv_input **out)
{
	struct tv_input *in = calloc(1, sizeof(*in));

	if (in == NULL) {
		return -ENOMEM;
	}
	in->path = tv_strndup(name, strlen(name));
	in->cap = len > 0 ? len : 1;
	in->buf = malloc(in->cap + TV_STRBUF_PAD);
	if (in->path == NULL || in->buf == NULL) {
		free(in->path);
		free(in->buf);
		free(in);
		return -ENOMEM;
	}
	memcpy(in->buf, data, len);
	memset(in->buf + len, 0, TV_STRBUF_PAD);
	in->end = len;
	in->fd = -1;
	in->eof = true;
	in->max_record = TV_INPUT_DEFAULT_MAX_RECORD;
	*out = in;
	return 0;
}

void tv_input_close(struct tv_input *in)
{
	if (in == NULL) {
		return;
	}
	if (in->gz) {
		gzclose(in->gz);
	} else if (in->fd >= 0) {
		close(in->fd);
	}
	free(in->path);
	free(in->buf);
	free(in);
}

const char *tv_input_name(const struct tv_input *in)
{
	return strcmp(in->path, "-") == 0 ? "<stdin>" : in->path;
}

const char *tv_input_path(const struct tv_input *in)
{
	return in->path;
}

bool tv_input_compressed(const struct tv_input *in)
{
	return in->gz != NULL && gzdirect(in->gz) == 0;
}

uint64_t tv_input_bytes(const struct tv_input *in)
{
	return in->consumed;
}

static int grow(struct tv_input *in, size_t need)
{
	size_t cap = in->cap;
	char *p;

	while (cap < need) {
		if (cap > SIZE_MAX / 2 - TV_STRBUF_PAD) {
			return -ENOMEM;
		}
		cap *= 2;
	}
	if (cap == in->cap) {
		return 0;
	}
	p = realloc(in->buf, cap + TV_STRBUF_PAD);
	if (p == NULL) {
		return -ENOMEM;
	}
	memset(p + in->end, 0, TV_STRBUF_PAD);
	in->buf = p;
	in->cap = cap;
	return 0;
}

/* read more bytes after `end`; returns bytes read, 0 at EOF, or a negative code */
static int fill(struct tv_input *in)
{
	int n, errnum, r;
	unsigned want;

	if (in->eof) {
		return 0;
	}
	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->cap - in->end < CHUNK / 2) {
		r = grow(in, in->end + CHUNK);
		if (r < 0) {
			return r;
		}
	}
	want = (unsigned)(in->cap - in->end > INT_MAX ? INT_MAX : in->cap - in->end);
	if (in->gz == NULL) {
		ssize_t k;

		do {
			k = read(in->fd, in->buf + in->end, want);
		} while (k < 0 && errno == EINTR);
		if (k < 0) {
			return -errno;
		}
		if (k == 0) {
			in->eof = true;
			return 0;
		}
		in->end += (size_t)k;
		memset(in->buf + in->end, 0, TV_STRBUF_PAD);
		return (int)k;
	}
	n = gzread(in->gz, in->buf + in->end, want);
	if (n < 0) {
		const char *msg = gzerror(in->gz, &errnum);

		(void)msg;
		return errnum == Z_ERRNO ? (errno ? -errno : -EIO) : -TV_ECORRUPT;
	}
	if (n == 0) {
		gzerror(in->gz, &errnum);
		in->eof = true;
		if (errnum != Z_OK) {
			return -TV_ECORRUPT; /* Z_BUF_ERROR: a truncated gzip stream */
		}
		return 0;
	}
	in->end += (size_t)n;
	memset(in->buf + in->end, 0, TV_STRBUF_PAD);
	return n;
}

static void skip_bom(struct tv_input *in)
{
	if (in->bom_checked || in->end - in->start < 3) {
		return;
	}
	in->bom_checked = true;
	if (memcmp(in->buf + in->start, "\xef\xbb\xbf", 3) == 0) {
		in->start += 3;
		in->consumed += 3;
	}
}

int tv_input_peek(struct tv_input *in, const char **data, size_t *len)
{
	int r;

	while (!in->eof && in->end - in->start < PEEK_MAX) {
		r = fill(in);
		if (r < 0) {
			return r;
		}
		if (r == 0) {
			break;
		}
	}
	skip_bom(in);
	in->bom_checked = true;
	*data = in->buf + in->start;
	*len = in->end - in->start;
	return 0;
}

int tv_input_line(struct tv_input *in, const char **line, size_t *len, uint64_t *lineno,
		  bool *unterminated)
{
	size_t scanned = 0;
	char *nl;
	int r;

	if (unterminated) {
		*unterminated = false;
	}
	in->can_unget = false;
	for (;;) {
		if (!in->bom_checked && (in->end - in->start >= 3 || in->eof)) {
			skip_bom(in);
		}
		nl = memchr(in->buf + in->start + scanned, '\n', in->end - in->start - scanned);
		if (nl != NULL) {
			break;
		}
		scanned = in->end - in->start;
		if (!in->skipping && scanned > in->max_record) {
			in->skipping = true;
			in->consumed += scanned;
			in->start = in->end;
			scanned = 0;
		} else if (in->skipping) {
			in->consumed += scanned;
			in->start = in->end;
			scanned = 0;
		}
		if (in->eof) {
			if (in->skipping) {
				in->skipping = false;
				*lineno = ++in->lineno;
				return -TV_ETOOBIG;
			}
			if (in->end == in->start) {
				return 0;
			}
			nl = in->buf + in->end; /* final line without "\n" */
			if (unterminated) {
				*unterminated = true;
			}
			break;
		}
		r = fill(in);
		if (r < 0) {
			return r;
		}
	}
	*lineno = ++in->lineno;
	if (in->skipping) {
		in->skipping = false;
		in->consumed += (size_t)(nl - (in->buf + in->start)) + 1;
		in->start = (size_t)(nl - in->buf) + (nl < in->buf + in->end);
		return -TV_ETOOBIG;
	}
	*line = in->buf + in->start;
	*len = (size_t)(nl - *line);
	if (*len > in->max_record) {
		in->consumed += *len + (nl < in->buf + in->end);
		in->start = (size_t)(nl - in->buf) + (nl < in->buf + in->end);
		return -TV_ETOOBIG;
	}
	in->consumed += *len + (nl < in->buf + in->end);
	in->start = (size_t)(nl - in->buf) + (nl < in->buf + in->end);
	if (*len > 0 && (*line)[*len - 1] == '\r') {
		(*len)--;
	}
	in->last_off = (size_t)(*line - in->buf);
	in->last_len = *len;
	in->can_unget = true;
	return 1;
}

int tv_input_unget(struct tv_input *in, size_t n)
{
	size_t from;

	if (!in->can_unget || n > in->last_len) {
		return -TV_EUSAGE;
	}
	from = in->last_off + in->last_len - n;
	in->consumed -= in->start - from;
	in->start = from;
	in->lineno--;
	in->can_unget = false;
	return 0;
}
