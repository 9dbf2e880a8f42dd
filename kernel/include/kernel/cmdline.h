/* SPDX-License-Identifier: MIT */
/* The kernel command line (QEMU -append): space-separated key=value words, values may be quoted.
 * Every key must be one the kernel knows; a typo is an error, not silently ignored. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#define CMDLINE_MAX_ARGS	32

struct cmdline_arg {
	char key[32];		/* option name */
	char value[256];	/* its value, "" for a bare key */
};

struct cmdline {
	struct cmdline_arg args[CMDLINE_MAX_ARGS];
	int nr_args;
};

/**
 * cmdline_parse_into - split @s into @cl's key=value pairs and check each key is known.
 * Returns 0, or -EINVAL with a message naming the offending word in @err.
 */
int cmdline_parse_into(struct cmdline *cl, const char *s, char *err, size_t errlen);
/** cmdline_lookup - the value of @key in @cl ("" for a bare key), or NULL when absent. */
const char *cmdline_lookup(const struct cmdline *cl, const char *key);

/** cmdline_parse / cmdline_get - the same on the kernel's own command line. */
int cmdline_parse(const char *s, char *err, size_t errlen);
const char *cmdline_get(const char *key);
/**
 * cmdline_number - @v as a whole decimal number in @min..@max, into *@out. Returns 0, or -EINVAL
 * (empty, trailing characters, out of range); *@out is left alone then.
 */
int cmdline_number(const char *v, long min, long max, long *out);

/** cmdline_print_known - list the accepted keys with their help text. */
void cmdline_print_known(void);

#endif
