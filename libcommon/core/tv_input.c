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
#define RAW_CHUNK (256u << 10) /* UTF-16 bytes read at a time */

enum encoding {
	ENC_UTF8,
	ENC_UTF16LE,
	ENC_UTF16BE,
	ENC_UTF32LE,
	ENC_UTF32BE,
};

/* UTF-16 input, read into raw and decoded into buf */
struct utf16 {
	unsigned char *raw; /* RAW_CHUNK bytes */
	size_t start, end;  /* bytes not decoded yet */
	bool eof;	    /* no more raw bytes */
};

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
	bool enc_checked; /* the first bytes were looked at for a UTF-16/32 mark */
	enum encoding enc;
	struct utf16 u;
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
	free(in->u.raw);
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

const char *tv_input_encoding(const struct tv_input *in)
{
	static const char *const names[] = { "UTF-8", "UTF-16LE", "UTF-16BE", "UTF-32LE",
					     "UTF-32BE" };

	return names[in->enc];
}

const char *tv_input_looks_utf16(const char *data, size_t len)
{
	size_t n = len < 64 ? len & ~(size_t)1 : 64, zero_even = 0, zero_odd = 0;

	if (n < 4) {
		return NULL;
	}
	for (size_t i = 0; i < n; i += 2) {
		zero_even += data[i] == 0;
		zero_odd += data[i + 1] == 0;
	}
	if (zero_odd == n / 2 && zero_even == 0) {
		return "UTF-16LE";
	}
	if (zero_even == n / 2 && zero_odd == 0) {
		return "UTF-16BE";
	}
	return NULL;
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

/* up to @want bytes of the file (or the gzip stream) into @dst: the count, 0 at the end, or < 0 */
static int read_bytes(struct tv_input *in, void *dst, size_t want)
{
	unsigned w = (unsigned)(want > INT_MAX ? INT_MAX : want);
	int n, errnum;

	if (in->gz == NULL) {
		ssize_t k;

		do {
			k = read(in->fd, dst, w);
		} while (k < 0 && errno == EINTR);
		return k < 0 ? -errno : (int)k;
	}
	n = gzread(in->gz, dst, w);
	if (n < 0) {
		const char *msg = gzerror(in->gz, &errnum);

		(void)msg;
		return errnum == Z_ERRNO ? (errno ? -errno : -EIO) : -TV_ECORRUPT;
	}
	if (n == 0) {
		gzerror(in->gz, &errnum);
		if (errnum != Z_OK) {
			return -TV_ECORRUPT; /* Z_BUF_ERROR: a truncated gzip stream */
		}
	}
	return n;
}

/* ---- UTF-16: raw bytes in u.raw, decoded into buf ---- */

static uint32_t unit16(const unsigned char *p, bool le)
{
	return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 : (uint32_t)p[0] << 8 | (uint32_t)p[1];
}

static size_t put_utf8(unsigned char *d, uint32_t c)
{
	if (c < 0x80) {
		d[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		d[0] = (unsigned char)(0xC0 | c >> 6);
		d[1] = (unsigned char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		d[0] = (unsigned char)(0xE0 | c >> 12);
		d[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
		d[2] = (unsigned char)(0x80 | (c & 0x3F));
		return 3;
	}
	d[0] = (unsigned char)(0xF0 | c >> 18);
	d[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
	d[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
	d[3] = (unsigned char)(0x80 | (c & 0x3F));
	return 4;
}

/*
 * Decode the whole code units of u.raw into buf after `end`, at most @want
 * bytes (*@out counts them).  A surrogate pair cut by the end of what was
 * read waits for the next read.  0, or -TV_EENCODING for a lone surrogate.
 */
static int decode_units(struct tv_input *in, size_t want, size_t *out)
{
	struct utf16 *u = &in->u;
	unsigned char *dst = (unsigned char *)in->buf + in->end;
	bool le = in->enc == ENC_UTF16LE;

	while (u->end - u->start >= 2 && *out + 4 <= want) {
		const unsigned char *p = u->raw + u->start;
		uint32_t c = unit16(p, le), lo;
		size_t used = 2;

		if (c >= 0xDC00 && c <= 0xDFFF) {
			return -TV_EENCODING;
		}
		if (c >= 0xD800 && c <= 0xDBFF) {
			if (u->end - u->start < 4) {
				return u->eof ? -TV_EENCODING : 0;
			}
			lo = unit16(p + 2, le);
			if (lo < 0xDC00 || lo > 0xDFFF) {
				return -TV_EENCODING;
			}
			c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
			used = 4;
		}
		*out += put_utf8(dst + *out, c);
		u->start += used;
	}
	return 0;
}

/* more raw UTF-16 bytes after what is left of the last read */
static int raw_more(struct tv_input *in)
{
	struct utf16 *u = &in->u;
	int r;

	memmove(u->raw, u->raw + u->start, u->end - u->start);
	u->end -= u->start;
	u->start = 0;
	r = read_bytes(in, u->raw + u->end, RAW_CHUNK - u->end);
	if (r < 0) {
		return r;
	}
	u->eof = r == 0;
	u->end += (size_t)r;
	return 0;
}

/* decoded bytes appended to buf (at most @want), 0 at the end, or < 0 */
static int decode_more(struct tv_input *in, size_t want)
{
	struct utf16 *u = &in->u;
	size_t out = 0;
	int r;

	for (;;) {
		r = decode_units(in, want, &out);
		if (r < 0 || out > 0) {
			return r < 0 ? r : (int)out;
		}
		if (u->eof) {
			return u->end > u->start ? -TV_EENCODING : 0; /* half a code unit left */
		}
		r = raw_more(in);
		if (r < 0) {
			return r;
		}
	}
}

/*
 * A byte-order mark at the start: UTF-16 moves what was read to u.raw to
 * be decoded from there on; UTF-32 is named and refused.  0 or < 0.
 */
static int take_bom(struct tv_input *in)
{
	const unsigned char *b = (const unsigned char *)in->buf + in->start;
	size_t n = in->end - in->start;

	if (n >= 4 && ((b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0) ||
		       (b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF))) {
		in->enc = b[0] == 0xFF ? ENC_UTF32LE : ENC_UTF32BE;
		return -TV_EENCODING;
	}
	if (n < 2 || !((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
		return 0;
	}
	in->enc = b[0] == 0xFF ? ENC_UTF16LE : ENC_UTF16BE;
	in->u.raw = malloc(RAW_CHUNK > n ? RAW_CHUNK : n);
	if (in->u.raw == NULL) {
		return -ENOMEM;
	}
	memcpy(in->u.raw, b + 2, n - 2);
	in->u.end = n - 2;
	in->u.eof = in->eof;
	in->eof = false;
	in->end = in->start;
	return 0;
}

/* account for @r bytes appended to buf (or the end, or an error) */
static int added(struct tv_input *in, int r)
{
	if (r <= 0) {
		in->eof = in->eof || r == 0 || r == -TV_ECORRUPT;
		return r;
	}
	in->end += (size_t)r;
	memset(in->buf + in->end, 0, TV_STRBUF_PAD);
	return r;
}

/* the first read: enough bytes to see a byte-order mark, then the text as UTF-8 */
static int first_fill(struct tv_input *in)
{
	int r;

	in->enc_checked = true;
	do {
		r = read_bytes(in, in->buf + in->end, in->cap - in->end);
		if (r > 0) {
			in->end += (size_t)r;
		}
	} while (r > 0 && in->end < 4);
	if (r < 0) {
		return added(in, r);
	}
	in->eof = r == 0;
	memset(in->buf + in->end, 0, TV_STRBUF_PAD);
	r = take_bom(in);
	if (r < 0) {
		return r;
	}
	if (in->enc == ENC_UTF8) {
		return (int)(in->end - in->start);
	}
	return added(in, decode_more(in, in->cap - in->end));
}

/* read more bytes after `end`; returns bytes read, 0 at EOF, or a negative code */
static int fill(struct tv_input *in)
{
	size_t want;
	int r;

	if (in->eof) {
		return 0;
	}
	if (!in->enc_checked) {
		return first_fill(in);
	}
	if (in->enc == ENC_UTF32LE || in->enc == ENC_UTF32BE) {
		return -TV_EENCODING; /* refused at the first read, and at every one after */
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
	want = in->cap - in->end;
	if (in->enc == ENC_UTF8) {
		r = read_bytes(in, in->buf + in->end, want);
	} else {
		r = decode_more(in, want);
	}
	return added(in, r);
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

/* where @mark is in the @n bytes at @d, searching from @from; NULL if not there */
static const char *find_mark(const char *d, size_t n, size_t from, const char *mark, size_t k)
{
	const char *p = d + from, *end = d + n;

	while (k > 0 && (size_t)(end - p) >= k) {
		p = memchr(p, mark[0], (size_t)(end - p) - k + 1);
		if (p == NULL || memcmp(p, mark, k) == 0) {
			return p;
		}
		p++;
	}
	return NULL;
}

int tv_input_peek_until(struct tv_input *in, const char *mark, size_t mark_len, size_t max,
			const char **data, size_t *len)
{
	size_t from = 1, have;
	int r = tv_input_peek(in, data, len);

	while (r == 0) {
		have = in->end - in->start;
		if (have > from && find_mark(in->buf + in->start, have, from, mark, mark_len)) {
			break;
		}
		if (in->eof || have >= max) {
			break;
		}
		from = have >= mark_len ? have - mark_len + 1 : 1;
		r = fill(in);
		r = r > 0 ? 0 : r == 0 ? 1 : r;
	}
	*data = in->buf + in->start;
	*len = in->end - in->start;
	return r < 0 ? r : 0;
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
