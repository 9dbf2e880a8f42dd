// SPDX-License-Identifier: MIT
/*
 * The files given at boot: the first boot module, a cpio archive in the "newc" format (110-byte
 * ASCII headers "070701" with thirteen 8-digit hex fields, the name, the data, each padded to 4
 * bytes, ending with "TRAILER!!!") or one ELF executable. Indexed once at boot; the data stays
 * in the module, read-only. Every field is checked against the module's size before use.
 */
#include <arch/memory.h>
#include <kernel/errno.h>
#include <kernel/initrd.h>
#include <kernel/printk.h>
#include <kernel/slab.h>
#include <string.h>

#define CPIO_HDR	110
#define CPIO_PATH_MAX	INITRD_PATH_MAX	/* a longer name is refused */

static struct initrd_file *files;
static int nfiles;

static bool hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 8; i++) {
		int c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = v << 4 | (uint32_t)d;
	}
	*out = v;
	return true;
}

/* "./bin/x", "bin/x", "/bin/x" -> "/bin/x"; NULL if it does not fit. */
static char *normalise(const char *name, size_t len)
{
	for (;;) {
		if (len >= 2 && name[0] == '.' && name[1] == '/') {
			name += 2;
			len -= 2;
		} else if (len && name[0] == '/') {
			name++;
			len--;
		} else {
			break;
		}
	}
	if (len >= CPIO_PATH_MAX)
		return NULL;
	char *p = kmalloc(len + 2);
	if (!p)
		return NULL;
	p[0] = '/';
	memcpy(p + 1, name, len);
	p[len + 1] = '\0';
	return p;
}

/* Walk the archive; with @out NULL only count. Returns the count or -EINVAL (reason in @err). */
static int walk(const uint8_t *a, size_t size, struct initrd_file *out, char *err, size_t errlen)
{
	size_t off = 0;
	int n = 0;

	for (;;) {
		uint32_t f[13];
		if (size - off < CPIO_HDR || memcmp(a + off, "070701", 6)) {
			ksnprintf(err, errlen, "initrd: not a newc cpio archive at offset %zu", off);
			return -EINVAL;
		}
		for (int i = 0; i < 13; i++)
			if (!hex8(a + off + 6 + 8 * i, &f[i])) {
				ksnprintf(err, errlen, "initrd: bad header field at offset %zu", off);
				return -EINVAL;
			}
		uint32_t mode = f[1], filesize = f[6], namesize = f[11];
		size_t name_at = off + CPIO_HDR;
		if (!namesize || namesize > size - name_at || a[name_at + namesize - 1]) {
			ksnprintf(err, errlen, "initrd: bad name at offset %zu", off);
			return -EINVAL;
		}
		const char *name = (const char *)a + name_at;
		size_t data_at = ALIGN_UP(name_at + namesize, 4);
		if (data_at > size || filesize > size - data_at) {
			ksnprintf(err, errlen, "initrd: '%s' runs past the end of the archive", name);
			return -EINVAL;
		}
		if (!strcmp(name, "TRAILER!!!"))
			return n;
		if (strcmp(name, ".") && strcmp(name, "./")) {
			if (out) {
				char *path = normalise(name, namesize - 1);
				if (!path) {
					ksnprintf(err, errlen, "initrd: a path too long or no memory: '%s'", name);
					return -EINVAL;
				}
				out[n] = (struct initrd_file){ path, a + data_at, filesize, mode };
			}
			n++;
		}
		off = ALIGN_UP(data_at + filesize, 4);
		if (off > size) {
			ksnprintf(err, errlen, "initrd: no trailer at the end of the archive");
			return -EINVAL;
		}
	}
}

int initrd_init(const struct boot_info *bi, char *err, size_t errlen)
{
	if (!bi->nr_modules)
		return 0;
	const uint8_t *a = phys_to_virt(bi->modules[0].base);
	size_t size = bi->modules[0].size;

	if (size >= 4 && !memcmp(a, "\177ELF", 4)) {
		files = kmalloc(sizeof(*files));
		if (!files) {
			ksnprintf(err, errlen, "initrd: out of memory");
			return -ENOMEM;
		}
		files[0] = (struct initrd_file){ "/bin/app", a, size, INITRD_S_IFREG | 0755 };
		nfiles = 1;
		return 0;
	}
	int n = walk(a, size, NULL, err, errlen);
	if (n < 0)
		return n;
	files = kmalloc(sizeof(*files) * (size_t)(n ? n : 1));
	if (!files) {
		ksnprintf(err, errlen, "initrd: out of memory for %d files", n);
		return -ENOMEM;
	}
	walk(a, size, files, err, errlen);
	nfiles = n;
	return 0;
}

const struct initrd_file *initrd_lookup(const char *path)
{
	char buf[CPIO_PATH_MAX + 8];
	if (!strchr(path, '/')) {
		ksnprintf(buf, sizeof(buf), "/bin/%s", path);
		path = buf;
	} else if (path[0] != '/') {
		ksnprintf(buf, sizeof(buf), "/%s", path);
		path = buf;
	}
	for (int i = 0; i < nfiles; i++)
		if (!strcmp(files[i].path, path))
			return &files[i];
	return NULL;
}

const struct initrd_file *initrd_file(int i)
{
	return i >= 0 && i < nfiles ? &files[i] : NULL;
}
