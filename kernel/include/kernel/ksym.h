/* SPDX-License-Identifier: MIT */
/* The kernel's own symbol table, embedded in the image by a second link (tools/build/mkksyms.sh). */
#ifndef KERNEL_KSYM_H
#define KERNEL_KSYM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksym_table {
	uint64_t count;			/* number of symbols */
	const uint64_t *addrs;		/* ascending addresses */
	const uint32_t *name_offs;	/* offsets into names */
	const char *names;		/* NUL-separated names */
	uint64_t text_end;		/* first address past the text */
};

/**
 * ksym_lookup_in - find the symbol containing @addr in @t.
 * Returns its name and sets *@off to @addr minus the symbol's start; NULL when outside text.
 */
const char *ksym_lookup_in(const struct ksym_table *t, uint64_t addr, uint64_t *off);
/** ksym_lookup - ksym_lookup_in on the running kernel's table. */
const char *ksym_lookup(uint64_t addr, uint64_t *off);
/** ksym_format - "name+0xoff" (or "?" when unknown) into @buf. */
void ksym_format(uint64_t addr, char *buf, size_t size);
/** ksym_is_text - whether @addr is inside the kernel's text. */
bool ksym_is_text(uint64_t addr);

#endif
