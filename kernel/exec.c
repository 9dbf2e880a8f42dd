// SPDX-License-Identifier: MIT
/*
 * Loading a static x86-64 ELF executable into user space, as Linux's binfmt_elf does for one
 * without an interpreter: each PT_LOAD segment at its address (a static-pie one at
 * EXEC_PIE_BASE) with its rights, W^X kept (no segment both writable and executable), the heap
 * after the highest segment, and the main thread's stack laid out as Linux lays it out: argc,
 * argv, envp, the auxiliary vector (AT_PHDR, AT_PHNUM, AT_PAGESZ, AT_ENTRY, AT_RANDOM,
 * AT_SYSINFO_EHDR: the vDSO, kernel/vdso.c, ...), the
 * strings above them. Every check of the file comes before anything is mapped, and a bad file
 * gets a one-line reason.
 */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/mm.h>
#include <kernel/page.h>
#include <kernel/printk.h>
#include <kernel/slab.h>
#include <kernel/vdso.h>
#include <string.h>

#define EI_NIDENT	16
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define EV_CURRENT	1
#define ET_EXEC		2
#define ET_DYN		3
#define EM_X86_64	62
#define PT_LOAD		1
#define PT_INTERP	3
#define PT_PHDR		6
#define PF_X		1
#define PF_W		2
#define PF_R		4

#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_BASE		7
#define AT_FLAGS	8
#define AT_ENTRY	9
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_PLATFORM	15
#define AT_HWCAP	16
#define AT_CLKTCK	17
#define AT_SECURE	23
#define AT_RANDOM	25
#define AT_HWCAP2	26
#define AT_EXECFN	31
#define AT_SYSINFO_EHDR	33

#define EXEC_PIE_BASE	0x555555554000ULL	/* where Linux puts a PIE without randomisation */
#define EXEC_MAX_ARGS	256			/* argv + envp entries */
#define EXEC_STACK_MAX	(64 * 1024)		/* strings and vectors at the top of the stack */

struct elf64_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type, e_machine;
	uint32_t e_version;
	uint64_t e_entry, e_phoff, e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

#define fail(...) ({ ksnprintf(err, errlen, __VA_ARGS__); -ENOEXEC; })

static unsigned seg_prot(uint32_t flags)
{
	return (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) |
	       (flags & PF_X ? PROT_EXEC : 0);
}

/* Check the file; fill the headers' place and the load bias. */
static int check(const uint8_t *img, size_t size, const struct elf64_ehdr **ehp,
		 const struct elf64_phdr **php, uint64_t *bias, char *err, size_t errlen)
{
	const struct elf64_ehdr *eh = (const void *)img;

	if (size < 4 || memcmp(img, "\177ELF", 4))
		return fail("not an ELF file");
	if (size < sizeof(*eh))
		return fail("truncated: %zu bytes, shorter than an ELF header", size);
	if (eh->e_ident[4] != ELFCLASS64)
		return fail("not a 64-bit ELF file (class %u)", eh->e_ident[4]);
	if (eh->e_ident[5] != ELFDATA2LSB)
		return fail("not a little-endian ELF file");
	if (eh->e_machine != EM_X86_64)
		return fail("built for another machine (e_machine %u), not x86-64", eh->e_machine);
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return fail("not an executable (e_type %u)", eh->e_type);
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || !eh->e_phnum || eh->e_phoff > size ||
	    (size - eh->e_phoff) / sizeof(struct elf64_phdr) < eh->e_phnum)
		return fail("truncated or damaged program headers (%u at offset %llu, file %zu bytes)",
			    eh->e_phnum, (unsigned long long)eh->e_phoff, size);
	if (eh->e_phoff % 8)
		return fail("misaligned program headers");
	const struct elf64_phdr *ph = (const void *)(img + eh->e_phoff);
	*bias = eh->e_type == ET_DYN ? EXEC_PIE_BASE : 0;

	int loads = 0;
	uint64_t prev_end = 0;
	for (int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		if (p->p_type == PT_INTERP) {
			char interp[64] = "?";
			if (p->p_offset < size && p->p_filesz && p->p_filesz <= size - p->p_offset)
				ksnprintf(interp, sizeof(interp), "%.*s",
					  (int)MIN(p->p_filesz, sizeof(interp) - 1),
					  (const char *)img + p->p_offset);
			return fail("dynamically linked (interpreter %s): build it with -static", interp);
		}
		if (p->p_type != PT_LOAD)
			continue;
		if (p->p_offset > size || p->p_filesz > size - p->p_offset)
			return fail("truncated: segment %d needs bytes up to %llu, the file has %zu", i,
				    (unsigned long long)(p->p_offset + p->p_filesz), size);
		uint64_t start = p->p_vaddr + *bias, end = start + p->p_memsz;
		if (p->p_filesz > p->p_memsz || end < start || start < MM_MIN_ADDR ||
		    end > MM_MMAP_TOP || (p->p_vaddr - p->p_offset) % PAGE_SIZE)
			return fail("segment %d has a bad address range (%#llx, %llu bytes)", i,
				    (unsigned long long)p->p_vaddr, (unsigned long long)p->p_memsz);
		if ((p->p_flags & PF_W) && (p->p_flags & PF_X))
			return fail("segment %d is both writable and executable (W^X)", i);
		if (ALIGN_DOWN(start, PAGE_SIZE) < prev_end)
			return fail("segments %d and %d overlap or are out of order", i - 1, i);
		prev_end = ALIGN_UP(end, PAGE_SIZE);
		loads++;
	}
	if (!loads)
		return fail("no loadable segment");
	if (eh->e_entry + *bias < MM_MIN_ADDR || eh->e_entry + *bias >= prev_end)
		return fail("entry point %#llx lies outside the segments",
			    (unsigned long long)eh->e_entry);
	*ehp = eh;
	*php = ph;
	return 0;
}

/* Map each PT_LOAD segment and copy its bytes. */
static int load_segments(const uint8_t *img, const struct elf64_ehdr *eh,
			 const struct elf64_phdr *ph, uint64_t bias, uint64_t *brk, char *err,
			 size_t errlen)
{
	for (int i = 0; i < eh->e_phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		if (p->p_type != PT_LOAD || !p->p_memsz)
			continue;
		uint64_t start = p->p_vaddr + bias;
		uint64_t page = ALIGN_DOWN(start, PAGE_SIZE), end = ALIGN_UP(start + p->p_memsz, PAGE_SIZE);
		int rc = mm_map_fixed(page, end - page, seg_prot(p->p_flags), 0);
		if (!rc)
			rc = mm_populate(page, end - page);	/* zeroed: the bss is too */
		if (!rc && p->p_filesz)
			rc = mm_write(start, img + p->p_offset, p->p_filesz);
		if (rc)
			return rc == -ENOMEM ? fail("out of memory for segment %d (%llu bytes)", i,
						    (unsigned long long)(end - page)) :
					       fail("cannot map segment %d (error %d)", i, rc);
		if (end > *brk)
			*brk = end;
	}
	return 0;
}

/* The address of the program headers in the loaded image: PT_PHDR's, or inside the segment
 * that maps the file's start; 0 when the image does not map them. */
static uint64_t phdr_addr(const struct elf64_ehdr *eh, const struct elf64_phdr *ph, uint64_t bias)
{
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_PHDR)
			return ph[i].p_vaddr + bias;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_offset <= eh->e_phoff &&
		    eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(*ph) <= ph[i].p_offset + ph[i].p_filesz)
			return ph[i].p_vaddr + bias + (eh->e_phoff - ph[i].p_offset);
	return 0;
}

/* The initial stack, built in a kernel buffer that mirrors [top - EXEC_STACK_MAX, top). */
struct stack_image {
	uint8_t *buf;
	uint64_t top;		/* user address of the buffer's end */
	size_t used;		/* bytes taken from the end */
};

static uint64_t push_bytes(struct stack_image *s, const void *p, size_t n, size_t align)
{
	size_t at = ALIGN_UP(s->used + n, align);
	if (at > EXEC_STACK_MAX)
		return 0;
	s->used = at;
	memcpy(s->buf + EXEC_STACK_MAX - at, p, n);
	return s->top - at;
}

int exec_load(const char *path, const void *image, size_t size, char *const argv[],
	      char *const envp[], struct exec_image *out, char *err, size_t errlen)
{
	const uint8_t *img = image;
	const struct elf64_ehdr *eh;
	const struct elf64_phdr *ph;
	uint64_t bias, brk = 0;
	int argc = 0, envc = 0;

	int rc = check(img, size, &eh, &ph, &bias, err, errlen);
	if (rc)
		return rc;
	while (argv && argv[argc])
		argc++;
	while (envp && envp[envc])
		envc++;
	if (argc + envc > EXEC_MAX_ARGS)
		return fail("too many arguments and environment strings (%d)", argc + envc);

	mm_reset();
	rc = load_segments(img, eh, ph, bias, &brk, err, errlen);
	if (rc)
		goto out_reset;
	mm_set_brk(brk);
	uint64_t stack_top = MM_STACK_TOP;
	rc = mm_map_fixed(stack_top - MM_STACK_SIZE, MM_STACK_SIZE, PROT_READ | PROT_WRITE, VMA_STACK);
	if (rc) {
		rc = fail("cannot map the stack (error %d)", rc);
		goto out_reset;
	}

	uint64_t vdso;
	rc = vdso_map(&vdso);
	if (rc) {
		rc = fail("cannot map the vDSO (error %d)", rc);
		goto out_reset;
	}

	struct stack_image s = { .buf = kmalloc(EXEC_STACK_MAX), .top = stack_top };
	if (!s.buf) {
		rc = fail("out of memory for the initial stack");
		goto out_reset;
	}
	/* Strings first (highest), then the vectors that point at them. */
	uint64_t execfn = push_bytes(&s, path, strlen(path) + 1, 1);
	uint64_t argp[EXEC_MAX_ARGS + 1], envpp[EXEC_MAX_ARGS + 1];
	for (int i = envc - 1; i >= 0; i--)
		envpp[i] = push_bytes(&s, envp[i], strlen(envp[i]) + 1, 1);
	for (int i = argc - 1; i >= 0; i--)
		argp[i] = push_bytes(&s, argv[i], strlen(argv[i]) + 1, 1);
	uint64_t platform = push_bytes(&s, "x86_64", 7, 1);
	uint64_t rnd[2];
	const char *how;
	rnd[0] = arch_boot_random(&how);
	rnd[1] = arch_boot_random(&how);
	uint64_t random = push_bytes(&s, rnd, sizeof(rnd), 16);
	uint64_t phdr = phdr_addr(eh, ph, bias);
	if (!phdr)	/* the image does not map its program headers: give a copy */
		phdr = push_bytes(&s, ph, (size_t)eh->e_phnum * sizeof(*ph), 8);

	uint64_t auxv[][2] = {
		{ AT_PHDR, phdr }, { AT_PHENT, sizeof(*ph) }, { AT_PHNUM, eh->e_phnum },
		{ AT_PAGESZ, PAGE_SIZE }, { AT_BASE, 0 }, { AT_FLAGS, 0 },
		{ AT_ENTRY, eh->e_entry + bias }, { AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 },
		{ AT_EGID, 0 }, { AT_PLATFORM, platform }, { AT_HWCAP, arch_hwcap() },
		{ AT_CLKTCK, 100 }, { AT_SECURE, 0 }, { AT_RANDOM, random }, { AT_HWCAP2, 0 },
		{ AT_EXECFN, execfn }, { AT_SYSINFO_EHDR, vdso }, { AT_NULL, 0 },
	};
	size_t words = 1 + (size_t)argc + 1 + (size_t)envc + 1 + sizeof(auxv) / 8;
	/* argc must land 16-byte aligned: pad so the vectors' total keeps it so. */
	size_t vec_at = ALIGN_UP(s.used + words * 8, 16);
	if (!execfn || !platform || !random || !phdr || vec_at > EXEC_STACK_MAX) {
		kfree(s.buf);
		rc = fail("arguments and environment too large for the initial stack");
		goto out_reset;
	}
	uint64_t *v = (uint64_t *)(s.buf + EXEC_STACK_MAX - vec_at);
	size_t k = 0;
	v[k++] = (uint64_t)argc;
	for (int i = 0; i < argc; i++)
		v[k++] = argp[i];
	v[k++] = 0;
	for (int i = 0; i < envc; i++)
		v[k++] = envpp[i];
	v[k++] = 0;
	memcpy(&v[k], auxv, sizeof(auxv));
	s.used = vec_at;

	uint64_t sp = stack_top - s.used;
	rc = mm_populate(ALIGN_DOWN(sp, PAGE_SIZE), stack_top - ALIGN_DOWN(sp, PAGE_SIZE));
	if (!rc)
		rc = mm_write(sp, s.buf + EXEC_STACK_MAX - s.used, s.used);
	kfree(s.buf);
	if (rc) {
		rc = fail("out of memory for the initial stack");
		goto out_reset;
	}
	out->entry = eh->e_entry + bias;
	out->sp = sp;
	return 0;

out_reset:
	mm_reset();
	return rc;
}
