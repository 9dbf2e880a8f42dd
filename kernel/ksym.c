// SPDX-License-Identifier: MIT
/* Address-to-symbol lookup for backtraces and fault reports. The table lives in .ksyms and is
 * generated from the first link of the image; ksym_lookup_in is pure and host-tested. */
#include <kernel/ksym.h>
#include <kernel/printk.h>

const char *ksym_lookup_in(const struct ksym_table *t, uint64_t addr, uint64_t *off)
{
	if (!t->count || addr < t->addrs[0] || addr >= t->text_end)
		return NULL;
	uint64_t lo = 0, hi = t->count;	/* invariant: addrs[lo] <= addr, answer in [lo, hi) */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (t->addrs[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*off = addr - t->addrs[lo];
	return t->names + t->name_offs[lo];
}

#ifndef KTEST_HOST
extern const uint64_t ksym_count;
extern const uint64_t ksym_addrs[];
extern const uint32_t ksym_name_offs[];
extern const char ksym_names[];
extern const char __text_start[], __text_end[];

static const struct ksym_table *kernel_table(void)
{
	static struct ksym_table t;
	if (!t.names) {
		t.count = ksym_count;
		t.addrs = ksym_addrs;
		t.name_offs = ksym_name_offs;
		t.names = ksym_names;
		t.text_end = (uint64_t)__text_end;
	}
	return &t;
}

const char *ksym_lookup(uint64_t addr, uint64_t *off)
{
	return ksym_lookup_in(kernel_table(), addr, off);
}

bool ksym_is_text(uint64_t addr)
{
	return addr >= (uint64_t)__text_start && addr < (uint64_t)__text_end;
}

void ksym_format(uint64_t addr, char *buf, size_t size)
{
	uint64_t off;
	const char *name = ksym_lookup(addr, &off);
	if (name)
		ksnprintf(buf, size, "%s+%#lx", name, (unsigned long)off);
	else
		ksnprintf(buf, size, "?");
}
#endif
