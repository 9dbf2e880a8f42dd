// SPDX-License-Identifier: MIT
/*
 * The vDSO, as an application finds it (run on Linux and on epunk; the outputs must match): the
 * shared object at AT_SYSINFO_EHDR, looked up through its own dynamic table as musl and glibc
 * look it up (DT_HASH, the version LINUX_2.6); each x86-64 entry point called directly and
 * compared with the system call it stands for: the same return for every clock epunk keeps and
 * for bad ones, each time between two system-call readings of the same clock, gettimeofday and
 * time agreeing with CLOCK_REALTIME, getcpu naming a CPU that exists.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static uintptr_t base;
static const Elf64_Sym *syms;
static const char *strs;
static const uint32_t *hash;
static const uint16_t *versym;
static const Elf64_Verdef *verdef;

static int load(void)
{
	const Elf64_Ehdr *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
	if (!eh)
		return printf("no AT_SYSINFO_EHDR\n"), -1;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_type != ET_DYN || eh->e_machine != EM_X86_64)
		return printf("AT_SYSINFO_EHDR is not an x86-64 shared object\n"), -1;
	const Elf64_Phdr *ph = (const void *)((const char *)eh + eh->e_phoff);
	const Elf64_Dyn *dyn = NULL;
	int loads = 0;
	base = (uintptr_t)-1;
	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD) {
			loads++;
			if (base == (uintptr_t)-1)
				base = (uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
			if (ph[i].p_flags & PF_W)
				printf("a writable segment\n");
		} else if (ph[i].p_type == PT_DYNAMIC) {
			dyn = (const void *)((const char *)eh + ph[i].p_offset);
		}
	}
	if (!loads || !dyn)
		return printf("no PT_LOAD or no PT_DYNAMIC\n"), -1;
	for (; dyn->d_tag != DT_NULL; dyn++) {
		const void *p = (const void *)(base + dyn->d_un.d_ptr);
		switch (dyn->d_tag) {
		case DT_SYMTAB: syms = p; break;
		case DT_STRTAB: strs = p; break;
		case DT_HASH: hash = p; break;
		case DT_VERSYM: versym = p; break;
		case DT_VERDEF: verdef = p; break;
		}
	}
	if (!syms || !strs || !hash || !versym || !verdef)
		return printf("a dynamic table without symbols, a DT_HASH or versions\n"), -1;
	printf("vDSO: an x86-64 shared object with symbols, DT_HASH and versions\n");
	return 0;
}

/* The symbol @name of version @ver, as musl's __vdsosym finds it. */
static void *sym(const char *name, const char *ver)
{
	for (uint32_t i = 0; i < hash[1]; i++) {
		if (strcmp(strs + syms[i].st_name, name) || !syms[i].st_shndx)
			continue;
		const Elf64_Verdef *d = verdef;
		for (;;) {
			if (!(d->vd_flags & VER_FLG_BASE) && (d->vd_ndx & 0x7fff) == (versym[i] & 0x7fff)) {
				const Elf64_Verdaux *a = (const void *)((const char *)d + d->vd_aux);
				if (!strcmp(strs + a->vda_name, ver))
					return (void *)(base + syms[i].st_value);
			}
			if (!d->vd_next)
				break;
			d = (const void *)((const char *)d + d->vd_next);
		}
	}
	return NULL;
}

static long long ns(const struct timespec *t)
{
	return t->tv_sec * 1000000000LL + t->tv_nsec;
}

int main(void)
{
	if (load())
		return 1;
	int (*cgt)(clockid_t, struct timespec *) = sym("__vdso_clock_gettime", "LINUX_2.6");
	int (*gres)(clockid_t, struct timespec *) = sym("__vdso_clock_getres", "LINUX_2.6");
	int (*gtod)(struct timeval *, struct timezone *) = sym("__vdso_gettimeofday", "LINUX_2.6");
	time_t (*tm)(time_t *) = sym("__vdso_time", "LINUX_2.6");
	long (*gcpu)(unsigned *, unsigned *, void *) = sym("__vdso_getcpu", "LINUX_2.6");
	printf("LINUX_2.6: clock_gettime %d clock_getres %d gettimeofday %d time %d getcpu %d\n",
	       !!cgt, !!gres, !!gtod, !!tm, !!gcpu);
	printf("unversioned-name aliases: clock_gettime %d gettimeofday %d time %d getcpu %d\n",
	       !!sym("clock_gettime", "LINUX_2.6"), !!sym("gettimeofday", "LINUX_2.6"),
	       !!sym("time", "LINUX_2.6"), !!sym("getcpu", "LINUX_2.6"));
	if (!cgt || !gres || !gtod || !tm || !gcpu)
		return 1;

	/* The clocks epunk keeps (realtime, monotonic, the CPU-time ones, raw, coarse, boot time)
	 * and two that no kernel has. */
	static const int clocks[] = { 0, 1, 2, 3, 4, 5, 6, 7, -1, 100 };
	for (unsigned k = 0; k < sizeof(clocks) / sizeof(clocks[0]); k++) {
		int c = clocks[k], ordered = 1, same = 1;
		for (int i = 0; i < 1000; i++) {
			struct timespec a, v, b;
			long ra = syscall(SYS_clock_gettime, c, &a);
			int rv = cgt(c, &v);
			long rb = syscall(SYS_clock_gettime, c, &b);
			int want = ra ? -errno : 0;
			same &= rv == want && (ra != 0) == (rb != 0);
			/* The CPU-time clocks count this thread's own work, which the calls add to. */
			if (!rv && !ra && !rb && c != 2 && c != 3)
				ordered &= ns(&a) <= ns(&v) && ns(&v) <= ns(&b);
		}
		struct timespec r1 = { 7, 7 }, r2 = { 7, 7 };
		long s1 = syscall(SYS_clock_getres, c, &r1);
		int s2 = gres(c, &r2);
		int res_same = s2 == (s1 ? -errno : 0) && ns(&r1) == ns(&r2);
		printf("clock %d: clock_gettime %s as the system call's, %s; clock_getres %s\n", c,
		       same ? "returns" : "does NOT return", ordered ? "ordered" : "OUT OF ORDER",
		       res_same ? "the same" : "DIFFERENT");
	}

	struct timeval tv;
	struct timezone tz = { 7, 7 }, ktz = { 7, 7 };
	struct timespec rt;
	syscall(SYS_gettimeofday, NULL, &ktz);
	int g = gtod(&tv, &tz);
	clock_gettime(CLOCK_REALTIME, &rt);
	time_t t2, t1 = tm(&t2);
	printf("gettimeofday: %d, the time zone the kernel's %d, before CLOCK_REALTIME %d\n", g,
	       tz.tz_minuteswest == ktz.tz_minuteswest && tz.tz_dsttime == ktz.tz_dsttime,
	       tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL <= ns(&rt));
	printf("gettimeofday(NULL, NULL): %d\n", gtod(NULL, NULL));
	printf("time: stored %d, not before CLOCK_REALTIME's second %d, time(NULL) %d\n", t1 == t2,
	       t1 >= rt.tv_sec, tm(NULL) >= t1);
	unsigned cpu = 99, node = 99;
	long r = gcpu(&cpu, &node, NULL);
	printf("getcpu: %ld, a CPU that exists %d, node %u; NULL pointers %ld\n", r,
	       cpu < (unsigned)sysconf(_SC_NPROCESSORS_CONF), node, gcpu(NULL, NULL, NULL));
	return 0;
}
