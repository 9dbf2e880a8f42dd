// SPDX-License-Identifier: MIT
/* stdio output: format with the kernel's kvsnprintf, then write() the whole result to the
 * stream's descriptor in one call (looping only over short writes). Nothing is buffered, so
 * output appears in call order and follows dup2() on fds 1 and 2. */
#include <errno.h>
#include <kernel/printk.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Formatted output up to this size stays on the stack; longer output is formatted again into
 * a malloc'ed buffer. */
#define STDIO_STACK_BUF	512

struct epunk_file {
	int fd;		/* descriptor written to */
};

static struct epunk_file stdin_file = { STDIN_FILENO };
static struct epunk_file stdout_file = { STDOUT_FILENO };
static struct epunk_file stderr_file = { STDERR_FILENO };

FILE *stdin = &stdin_file;
FILE *stdout = &stdout_file;
FILE *stderr = &stderr_file;

/* Write all @len bytes: 0, or -1 with errno; *@done (when not NULL) gets the bytes written. */
static int write_some(int fd, const char *p, size_t len, size_t *done)
{
	size_t left = len;
	int ret = 0;

	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			ret = -1;
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	if (done)
		*done = len - left;
	return ret;
}

static int write_all(int fd, const char *p, size_t len)
{
	return write_some(fd, p, len, NULL);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return kvsnprintf(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* sprintf trusts the caller's buffer, as C does; the bound only keeps the arithmetic sane. */
int vsprintf(char *buf, const char *fmt, va_list ap)
{
	return kvsnprintf(buf, (size_t)INT_MAX + 1, fmt, ap);
}

int sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsprintf(buf, fmt, ap);
	va_end(ap);
	return n;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
	char small[STDIO_STACK_BUF];
	char *buf = small;
	va_list again;

	va_copy(again, ap);
	int n = kvsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small)) {
		buf = malloc((size_t)n + 1);
		if (!buf) {
			va_end(again);
			return -1;	/* errno ENOMEM from malloc; nothing written */
		}
		kvsnprintf(buf, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	int ret = write_all(fd, buf, (size_t)n) ? -1 : n;
	if (buf != small)
		free(buf);
	return ret;
}

int dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int vfprintf(FILE *stream, const char *fmt, va_list ap)
{
	return vdprintf(stream->fd, fmt, ap);
}

int fprintf(FILE *stream, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vdprintf(stream->fd, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	return vdprintf(stdout->fd, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vdprintf(stdout->fd, fmt, ap);
	va_end(ap);
	return n;
}

int fputs(const char *s, FILE *stream)
{
	return write_all(stream->fd, s, strlen(s)) ? EOF : 0;
}

/* One write for the line and its newline when it fits on the stack, two otherwise. */
int puts(const char *s)
{
	size_t len = strlen(s);
	char line[STDIO_STACK_BUF];

	if (len < sizeof(line)) {
		memcpy(line, s, len);
		line[len] = '\n';
		return write_all(stdout->fd, line, len + 1) ? EOF : 0;
	}
	if (write_all(stdout->fd, s, len) || write_all(stdout->fd, "\n", 1))
		return EOF;
	return 0;
}

int fputc(int c, FILE *stream)
{
	unsigned char ch = (unsigned char)c;
	return write_all(stream->fd, (const char *)&ch, 1) ? EOF : ch;
}

int putc(int c, FILE *stream)
{
	return fputc(c, stream);
}

int putchar(int c)
{
	return fputc(c, stdout);
}

size_t fwrite(const void *ptr, size_t size, size_t nmemb, FILE *stream)
{
	size_t total;
	if (!size || !nmemb)
		return 0;
	if (__builtin_mul_overflow(size, nmemb, &total)) {
		errno = EINVAL;
		return 0;
	}
	size_t done;
	write_some(stream->fd, ptr, total, &done);
	return done / size;	/* whole items written */
}

void perror(const char *s)
{
	int saved = errno;
	const char *msg = strerror(saved);

	if (s && *s)
		dprintf(stderr->fd, "%s: %s\n", s, msg);
	else
		dprintf(stderr->fd, "%s\n", msg);
	errno = saved;
}

int fflush(FILE *stream)
{
	(void)stream;
	return 0;
}

/* Output is unbuffered whatever is asked: a stream that should be buffered is merely slower. */
int setvbuf(FILE *stream, char *buf, int mode, size_t size)
{
	(void)stream;
	(void)buf;
	(void)size;
	if (mode != _IOFBF && mode != _IOLBF && mode != _IONBF) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int fileno(FILE *stream)
{
	return stream->fd;
}
