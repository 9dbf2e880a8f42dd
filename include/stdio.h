/* SPDX-License-Identifier: MIT */
/* <stdio.h>: formatted output to descriptors. Streams are unbuffered: each call is one write()
 * on the stream's descriptor (stdout is fd 1, stderr fd 2), so dup2() onto fd 1 redirects
 * printf. Formatting is the kernel's: %d %i %u %x %X %o %p %s %c %%, flags - 0 + space #,
 * width and precision (numbers or *), length modifiers hh h l ll z t j. No floating point (%f,
 * %e, %g, %a: apps are built without it) and no %n; an unsupported conversion is printed as
 * written. There is no input side (stdin reads end of file at once) and no fopen(). */
#ifndef EPUNK_STDIO_H
#define EPUNK_STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#define EOF	(-1)
#define BUFSIZ	8192

/* setvbuf modes: accepted, and output stays unbuffered whatever is asked. */
#define _IOFBF	0
#define _IOLBF	1
#define _IONBF	2

typedef struct epunk_file FILE;

extern FILE *stdin;
extern FILE *stdout;
extern FILE *stderr;

#define EPUNK_PRINTF(f, a) __attribute__((format(printf, f, a)))

int printf(const char *fmt, ...) EPUNK_PRINTF(1, 2);
int fprintf(FILE *stream, const char *fmt, ...) EPUNK_PRINTF(2, 3);
int dprintf(int fd, const char *fmt, ...) EPUNK_PRINTF(2, 3);
int sprintf(char *buf, const char *fmt, ...) EPUNK_PRINTF(2, 3);
int snprintf(char *buf, size_t size, const char *fmt, ...) EPUNK_PRINTF(3, 4);
int vprintf(const char *fmt, va_list ap) EPUNK_PRINTF(1, 0);
int vfprintf(FILE *stream, const char *fmt, va_list ap) EPUNK_PRINTF(2, 0);
int vdprintf(int fd, const char *fmt, va_list ap) EPUNK_PRINTF(2, 0);
int vsprintf(char *buf, const char *fmt, va_list ap) EPUNK_PRINTF(2, 0);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) EPUNK_PRINTF(3, 0);

int puts(const char *s);
int fputs(const char *s, FILE *stream);
int putchar(int c);
int fputc(int c, FILE *stream);
int putc(int c, FILE *stream);
size_t fwrite(const void *ptr, size_t size, size_t nmemb, FILE *stream);
/** perror - "@s: <strerror(errno)>\n" on stderr (just the message when @s is NULL or empty). */
void perror(const char *s);
/** fflush - nothing is buffered: always 0. */
int fflush(FILE *stream);
int setvbuf(FILE *stream, char *buf, int mode, size_t size);
int fileno(FILE *stream);

#endif
