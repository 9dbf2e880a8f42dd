// SPDX-License-Identifier: MIT
/* The initrd reader: newc cpio archives (paths normalised, directories kept, every length checked
 * against the module), a bare executable as /bin/app, and damaged archives refused with a reason. */
#include <arch/memory.h>
#include <kernel/errno.h>
#include <kernel/initrd.h>
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <string.h>

static uint8_t arc[2048];
static size_t arc_len;

/* Append one newc entry: header, name, data, each padded to 4. */
static void add(const char *name, unsigned mode, const char *data)
{
	size_t nlen = strlen(name) + 1, dlen = data ? strlen(data) : 0;
	char head[111];
	ksnprintf(head, sizeof(head), "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x",
		  1u, mode, 0u, 0u, 1u, 0u, dlen, 0u, 0u, 0u, 0u, nlen, 0u);
	memcpy(arc + arc_len, head, 110);
	arc_len += 110;
	memcpy(arc + arc_len, name, nlen);
	arc_len = ALIGN_UP(arc_len + nlen, 4);
	if (dlen)
		memcpy(arc + arc_len, data, dlen);
	arc_len = ALIGN_UP(arc_len + dlen, 4);
}

static int load(char *err, size_t errlen)
{
	struct boot_info bi = { .nr_modules = 1 };
	bi.modules[0] = (struct boot_module){ virt_to_phys(arc), arc_len };
	return initrd_init(&bi, err, errlen);
}

KTEST(initrd, newc_archive_paths_and_contents)
{
	char err[128] = "";
	arc_len = 0;
	memset(arc, 0, sizeof(arc));
	add(".", 040755, NULL);
	add("bin", 040755, NULL);
	add("./bin/echo", 0100755, "ECHO");
	add("/etc/motd", 0100644, "hello\n");
	add("TRAILER!!!", 0, NULL);
	ASSERT_EQ(load(err, sizeof(err)), 0);
	const struct initrd_file *f = initrd_lookup("echo");
	ASSERT_TRUE(f != NULL);
	EXPECT_STREQ(f->path, "/bin/echo");
	EXPECT_EQ(f->size, 4);
	EXPECT_EQ(memcmp(f->data, "ECHO", 4), 0);
	EXPECT_TRUE(initrd_lookup("/bin/echo") == f);
	f = initrd_lookup("/etc/motd");
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(f->size, 6);
	EXPECT_EQ(f->mode, 0100644);
	EXPECT_TRUE(initrd_lookup("etc/motd") == f);
	EXPECT_TRUE(initrd_lookup("/bin") != NULL);
	EXPECT_TRUE(initrd_lookup("nothing") == NULL);
	EXPECT_STREQ(initrd_file(0)->path, "/bin");
	EXPECT_TRUE(initrd_file(3) == NULL);
}

KTEST(initrd, damaged_archives_are_refused)
{
	char err[128];
	arc_len = 0;
	add("bin/x", 0100755, "data");
	add("TRAILER!!!", 0, NULL);
	size_t whole = arc_len;

	arc_len = 100;			/* cut inside the first header */
	EXPECT_EQ(load(err, sizeof(err)), -EINVAL);
	arc_len = 118;			/* cut inside the data */
	EXPECT_EQ(load(err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(strstr(err, "runs past the end") != NULL);
	arc_len = whole - 120;		/* no trailer */
	EXPECT_EQ(load(err, sizeof(err)), -EINVAL);
	arc[5] = '2';			/* the old "070702" (with checksums) is not newc */
	arc_len = whole;
	EXPECT_EQ(load(err, sizeof(err)), -EINVAL);
	EXPECT_TRUE(strstr(err, "not a newc cpio archive") != NULL);
}

KTEST(initrd, a_bare_executable_is_bin_app)
{
	char err[128];
	memcpy(arc, "\177ELF rest of it", 16);
	arc_len = 16;
	ASSERT_EQ(load(err, sizeof(err)), 0);
	const struct initrd_file *f = initrd_lookup("app");
	ASSERT_TRUE(f != NULL);
	EXPECT_EQ(f->size, 16);
	EXPECT_TRUE(initrd_file(1) == NULL);
}
