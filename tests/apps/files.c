// SPDX-License-Identifier: MIT
/* A read-only file tree as a program sees it, printed so that host Linux (the tree on a read-only
 * bind mount) and epunk (the tree in the initrd) must print the same: the kinds, permissions and
 * sizes of its names, reads, readv, pread and lseek at every edge, stdio on top of them,
 * directories listed through getdents64 and readdir, directory descriptors as the base of
 * relative paths, chdir and fchdir, the errors of opening for writing or creating on a read-only
 * file system, umask, /dev/urandom and /dev/random, prctl's thread name, and the shape (not the
 * figures) of /proc/self/stat and of the /proc and /sys files servers read.
 * Never printed: inode numbers, times, link counts, directory sizes, the root's own path.
 * usage: files ROOT   (ROOT holds the tree tests/stages/100-programs.sh makes) */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

static char root[4096];		/* the tree's absolute path, as getcwd gives it */

/* "ok N" for a non-negative result, else the errno's name. */
static const char *res(long r)
{
	static const struct {
		int e;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EBADF, "EBADF" }, { EACCES, "EACCES" },
		{ EFAULT, "EFAULT" }, { EEXIST, "EEXIST" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
		{ EINVAL, "EINVAL" }, { ESPIPE, "ESPIPE" }, { EROFS, "EROFS" }, { ERANGE, "ERANGE" },
		{ ENXIO, "ENXIO" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { ENOSYS, "ENOSYS" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { ELOOP, "ELOOP" }, { EAGAIN, "EAGAIN" },
	};
	static char b[8][64];
	static int i;
	char *s = b[i++ % 8];

	if (r >= 0) {
		snprintf(s, 64, "ok %ld", r);
		return s;
	}
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (names[k].e == errno)
			return names[k].name;
	snprintf(s, 64, "errno %d", errno);
	return s;
}

static const char *kind(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFDIR: return "directory";
	case S_IFREG: return "regular file";
	case S_IFCHR: return "character device";
	case S_IFLNK: return "symbolic link";
	default: return "other";
	}
}

/* FNV-1a of @n bytes: contents are compared by hash. */
static uint32_t fnv(const void *p, size_t n, uint32_t h)
{
	const unsigned char *c = p;
	while (n--)
		h = (h ^ *c++) * 16777619u;
	return h;
}

/* The working directory relative to the tree's root ("/" for the root itself). */
static void show_cwd(const char *what)
{
	char b[4096];
	if (!getcwd(b, sizeof(b))) {
		printf("%s: getcwd %s\n", what, res(-1));
		return;
	}
	size_t n = strlen(root);
	printf("%s: cwd %s\n", what, !strncmp(b, root, n) ? (b[n] ? b + n : "/") : "outside the tree");
}

/* ---- names ---- */

struct ent {
	char name[256];
	unsigned char type;
	ino_t ino;
};

static int ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

/* Read a directory's entries through getdents64 with a @bufsize-byte buffer; sorted. */
static int list(int fd, size_t bufsize, struct ent *out, int max, int *calls)
{
	char buf[4096] __attribute__((aligned(8)));
	int n = 0;

	*calls = 0;
	for (;;) {
		long got = syscall(SYS_getdents64, fd, buf, bufsize);
		if (got < 0)
			return -errno;
		if (!got)
			break;
		++*calls;
		for (long off = 0; off < got;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			if (n < max) {
				snprintf(out[n].name, sizeof(out[n].name), "%s", d->d_name);
				out[n].type = d->d_type;
				out[n].ino = d->d_ino;
				n++;
			}
			off += d->d_reclen;
		}
	}
	qsort(out, (size_t)n, sizeof(*out), ent_cmp);
	return n;
}

static const char *dtype(unsigned char t)
{
	switch (t) {
	case DT_DIR: return "dir";
	case DT_REG: return "reg";
	case DT_CHR: return "chr";
	case DT_UNKNOWN: return "unknown";
	default: return "other";
	}
}

/* Every name under @dir (relative to the root), depth first, sorted: kind, permissions, size
 * of files; each entry's d_ino must be what lstat says of the name. */
static void walk(const char *dir)
{
	struct ent e[64];
	int calls;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		printf("  %s: open %s\n", dir, res(-1));
		return;
	}
	int n = list(fd, 4096, e, 64, &calls);
	close(fd);
	if (n < 0) {
		errno = -n;
		printf("  %s: getdents64 %s\n", dir, res(-1));
		return;
	}
	for (int i = 0; i < n; i++) {
		char path[1024];
		struct stat st;
		if (snprintf(path, sizeof(path), "%.500s/%.255s", dir, e[i].name) >= (int)sizeof(path))
			continue;
		if (lstat(path, &st)) {
			printf("  %s: lstat %s\n", path, res(-1));
			continue;
		}
		int dots = !strcmp(e[i].name, ".") || !strcmp(e[i].name, "..");
		if (!dots || strcmp(dir, "."))	/* the root's ".." leaves the tree */
			if (e[i].ino != st.st_ino)
				printf("  %s: d_ino differs from st_ino\n", path);
		if (dots) {
			printf("  %s (%s)\n", path, dtype(e[i].type));
			continue;
		}
		printf("  %s (%s): %s %04o", path, dtype(e[i].type), kind(st.st_mode),
		       (unsigned)(st.st_mode & 07777));
		if (S_ISREG(st.st_mode))
			printf(", %lld bytes, st_blksize %ld", (long long)st.st_size, (long)st.st_blksize);
		printf("\n");
		if (S_ISDIR(st.st_mode))
			walk(path);
	}
}

/* Print "LABEL: RESULT" after the previous one on the line; each is its own statement, so the
 * calls happen in the order written. */
static void say(const char *label, long r)
{
	printf("%s: %s; ", label, res(r));
}

/* ---- reading ---- */

static void reading(void)
{
	char b[16384];
	struct stat st;
	long r;

	printf("== reading\n");
	int fd = open("hello.txt", O_RDONLY);
	r = read(fd, b, sizeof(b));
	printf("hello.txt \"%.*s\": ", r > 0 ? (int)r - 1 : 0, b);
	say("read", r);
	say("again", read(fd, b, sizeof(b)));
	say("fstat", fstat(fd, &st));
	printf("%s %04o size %lld\n", kind(st.st_mode), (unsigned)(st.st_mode & 07777),
	       (long long)st.st_size);
	say("write on a read-only descriptor", write(fd, "x", 1));
	say("pwrite", pwrite(fd, "x", 1, 0));
	printf("\n");
	close(fd);

	fd = open("empty", O_RDONLY);
	say("empty: read", read(fd, b, 10));
	say("lseek END", lseek(fd, 0, SEEK_END));
	printf("\n");
	close(fd);

	fd = open("big.bin", O_RDONLY | O_CLOEXEC);
	uint32_t h = 2166136261u;
	printf("big.bin by 4096:");
	while ((r = read(fd, b, 4096)) > 0) {
		printf(" %ld", r);
		h = fnv(b, (size_t)r, h);
	}
	printf(" %s, hash %08x\n", res(r), h);
	/* What musl's stdio does: readv into the caller's buffer and its own, then seek back. */
	say("lseek SET 0", lseek(fd, 0, SEEK_SET));
	struct iovec iov[2] = { { b, 63 }, { b + 100, 1024 } };
	say("readv 63 + 1024", readv(fd, iov, 2));
	say("lseek CUR -1023", lseek(fd, -1023, SEEK_CUR));
	r = read(fd, b, 10);
	printf("\"%.9s\": ", b);
	say("read 10", r);
	printf("\n");
	say("pread 10 at 9995", pread(fd, b, 10, 9995));
	say("at 10000", pread(fd, b, 10, 10000));
	say("at 1<<40", pread(fd, b, 10, 1LL << 40));
	say("at -1", pread(fd, b, 10, -1));
	say("position still", lseek(fd, 0, SEEK_CUR));
	printf("\n");
	say("lseek END 0", lseek(fd, 0, SEEK_END));
	say("END -10", lseek(fd, -10, SEEK_END));
	say("END -10001", lseek(fd, -10001, SEEK_END));
	say("SET -1", lseek(fd, -1, SEEK_SET));
	say("CUR 0", lseek(fd, 0, SEEK_CUR));
	say("SET 20000", lseek(fd, 20000, SEEK_SET));
	say("read", read(fd, b, 10));
	say("CUR 0", lseek(fd, 0, SEEK_CUR));
	printf("\n");
	say("SEEK_DATA 0", lseek(fd, 0, SEEK_DATA));
	say("9999", lseek(fd, 9999, SEEK_DATA));
	say("10000", lseek(fd, 10000, SEEK_DATA));
	say("SEEK_HOLE 5", lseek(fd, 5, SEEK_HOLE));
	say("10000", lseek(fd, 10000, SEEK_HOLE));
	say("10001", lseek(fd, 10001, SEEK_HOLE));
	say("whence 5", lseek(fd, 0, 5));
	printf("\n");
	struct iovec piov[2] = { { b, 5 }, { b + 5, 5 } };
	say("preadv 5 + 5 at 9998", preadv(fd, piov, 2, 9998));
	say("position", lseek(fd, 0, SEEK_CUR));
	printf("\n");
	close(fd);

	FILE *f = fopen("sub/note.txt", "r");
	printf("fopen sub/note.txt: %s", f ? "ok" : res(-1));
	if (f) {
		printf(", fgets \"%s\"", fgets(b, sizeof(b), f) ? strtok(b, "\n") : "(null)");
		printf(", ftell %ld", ftell(f));
		fclose(f);
	}
	printf("\n");
	f = fopen("big.bin", "r");
	h = 2166136261u;
	size_t total = 0, got;
	while (f && (got = fread(b, 1, 100, f)) > 0) {
		h = fnv(b, got, h);
		total += got;
	}
	printf("fread big.bin by 100: %zu bytes, hash %08x", total, h);
	if (f) {
		int sk = fseek(f, 5000, SEEK_SET);
		int c = fgetc(f);
		printf(", fseek 5000: %d, fgetc '%c', ftell %ld", sk, c, ftell(f));
		fclose(f);
	}
	printf("\n");
	f = fopen("hello.txt", "w");
	printf("fopen hello.txt for writing: %s\n", f ? "ok" : res(-1));
}

/* ---- directories ---- */

static void directories(void)
{
	struct ent e[64], e2[64];
	int calls, x;
	char b[64];
	struct stat st;

	printf("== directories\n");
	int d = open("sub", O_RDONLY | O_DIRECTORY);
	int n = list(d, 4096, e, 64, &calls);
	printf("sub: %d entries in %d call(s); ", n, calls);
	say("again at the end", syscall(SYS_getdents64, d, b, sizeof(b)));
	say("lseek SET 0", lseek(d, 0, SEEK_SET));
	/* Room for one record and less than two: ".", "..", "deeper", "note.txt" take 24 or 32. */
	int n2 = list(d, 40, e2, 64, &calls);
	int same = n2 == n;
	for (int i = 0; same && i < n; i++)
		same = !strcmp(e[i].name, e2[i].name) && e[i].ino == e2[i].ino && e[i].type == e2[i].type;
	printf("a 40-byte buffer: %d entries in %d call(s), %s\n", n2, calls,
	       same ? "the same" : "different ones");
	say("lseek SET 0", lseek(d, 0, SEEK_SET));
	say("getdents64 with 1 byte", syscall(SYS_getdents64, d, b, 1));
	say("with 0", syscall(SYS_getdents64, d, b, 0));
	say("bad buffer", syscall(SYS_getdents64, d, (void *)8, 64));
	printf("\n");
	say("read on a directory", read(d, b, sizeof(b)));
	say("pread", pread(d, b, sizeof(b), 0));
	say("write", write(d, b, 1));
	printf("\n");
	int f = open("hello.txt", O_RDONLY);
	say("getdents64 on a file", syscall(SYS_getdents64, f, b, sizeof(b)));
	printf("\n");

	DIR *dir = opendir("sub/deeper");
	int count = 0;
	while (dir && readdir(dir))
		count++;
	printf("readdir sub/deeper: %d entries\n", count);
	if (dir)
		closedir(dir);

	x = openat(d, "note.txt", O_RDONLY);
	say("openat(sub, note.txt)", x < 0 ? -1 : 0);
	say("read", read(x, b, sizeof(b)));
	close(x);
	x = openat(d, "../hello.txt", O_RDONLY);
	say("openat(sub, ../hello.txt)", x < 0 ? -1 : 0);
	close(x);
	say("fstatat(sub, deeper/leaf)", fstatat(d, "deeper/leaf", &st, 0));
	printf("size %lld; ", (long long)st.st_size);
	say("openat(file, x)", openat(f, "x", O_RDONLY));
	say("fstatat(sub, \"\", AT_EMPTY_PATH)", fstatat(d, "", &st, AT_EMPTY_PATH));
	printf("%s\n", kind(st.st_mode));

	show_cwd("start");
	say("fchdir(sub)", fchdir(d));
	show_cwd("then");
	x = open("note.txt", O_RDONLY);
	say("open note.txt", x < 0 ? -1 : 0);
	close(x);
	say("chdir deeper", chdir("deeper"));
	show_cwd("then");
	say("chdir ../..", chdir("../.."));
	show_cwd("then");
	say("chdir hello.txt", chdir("hello.txt"));
	say("nope", chdir("nope"));
	say("\"\"", chdir(""));
	say("hello.txt/", chdir("hello.txt/"));
	say("fchdir(file)", fchdir(f));
	say("fchdir(-1)", fchdir(-1));
	printf("\n");
	show_cwd("after the failures");
	close(f);
	close(d);
}

/* ---- what a read-only file system refuses ---- */

static void open_case(const char *what, const char *path, int flags)
{
	int fd = open(path, flags, 0644);
	printf("open %s: %s\n", what, fd >= 0 ? "ok" : res(-1));
	if (fd >= 0)
		close(fd);
}

static void readonly(void)
{
	printf("== a read-only file system\n");
	open_case("hello.txt O_WRONLY", "hello.txt", O_WRONLY);
	open_case("hello.txt O_RDWR", "hello.txt", O_RDWR);
	open_case("hello.txt O_RDONLY|O_TRUNC", "hello.txt", O_RDONLY | O_TRUNC);
	open_case("hello.txt O_RDONLY|O_CREAT", "hello.txt", O_RDONLY | O_CREAT);
	open_case("hello.txt O_WRONLY|O_CREAT", "hello.txt", O_WRONLY | O_CREAT);
	open_case("hello.txt O_CREAT|O_EXCL", "hello.txt", O_RDONLY | O_CREAT | O_EXCL);
	open_case("hello.txt O_APPEND", "hello.txt", O_RDONLY | O_APPEND);
	/* Each name that does not exist is asked once: Linux's answer for a name an O_CREAT open
	 * already looked up may come from its negative dentry (O_TRUNC then gives EROFS). */
	open_case("new1 O_CREAT|O_WRONLY", "new1", O_CREAT | O_WRONLY);
	open_case("new2 O_CREAT|O_RDONLY", "new2", O_CREAT | O_RDONLY);
	open_case("new3 O_CREAT|O_EXCL", "new3", O_CREAT | O_EXCL | O_RDWR);
	open_case("new4 O_WRONLY", "new4", O_WRONLY);
	open_case("new5 O_RDONLY|O_TRUNC", "new5", O_RDONLY | O_TRUNC);
	open_case(". O_CREAT", ".", O_CREAT | O_RDONLY);
	open_case(". O_CREAT|O_EXCL", ".", O_CREAT | O_EXCL | O_RDONLY);
	open_case("sub/./ O_CREAT|O_EXCL", "sub/./", O_CREAT | O_EXCL | O_RDONLY);
	open_case("sub/ O_CREAT|O_EXCL", "sub/", O_CREAT | O_EXCL | O_RDONLY);
	open_case("hello.txt/. O_CREAT", "hello.txt/.", O_CREAT | O_RDONLY);
	open_case("sub/.. O_CREAT", "sub/..", O_CREAT | O_RDONLY);
	open_case("hello.txt/ O_CREAT", "hello.txt/", O_CREAT | O_RDONLY);
	open_case("nodir/x/ O_CREAT", "nodir/x/", O_CREAT | O_RDONLY);
	open_case("\"\" O_CREAT", "", O_CREAT | O_RDONLY);
	open_case("hello.txt access mode 3", "hello.txt", 3);
	open_case("sub access mode 3", "sub", 3);
	open_case("/dev/null access mode 3", "/dev/null", 3);
	open_case("sub/.. O_WRONLY", "sub/..", O_WRONLY);
	open_case("nodir/new.txt O_CREAT", "nodir/new.txt", O_CREAT | O_WRONLY);
	open_case("hello.txt/new O_CREAT", "hello.txt/new", O_CREAT | O_WRONLY);
	open_case("newdir/ O_CREAT", "newdir/", O_CREAT | O_WRONLY);
	open_case("sub/ O_CREAT", "sub/", O_CREAT | O_RDONLY);
	open_case("new6 O_CREAT|O_DIRECTORY", "new6", O_CREAT | O_DIRECTORY | O_RDONLY);
	open_case("sub O_CREAT|O_DIRECTORY", "sub", O_CREAT | O_DIRECTORY | O_RDONLY);
	open_case("sub O_WRONLY", "sub", O_WRONLY);
	open_case("sub O_RDWR", "sub", O_RDWR);
	open_case("sub O_CREAT", "sub", O_CREAT | O_RDONLY);
	open_case("sub O_RDONLY", "sub", O_RDONLY);
	open_case("sub O_RDONLY|O_TRUNC", "sub", O_RDONLY | O_TRUNC);
	open_case("sub O_TMPFILE|O_RDWR", "sub", O_TMPFILE | O_RDWR);
	open_case("sub O_TMPFILE|O_RDONLY", "sub", O_TMPFILE | O_RDONLY);
	open_case("hello.txt O_TMPFILE|O_RDWR", "hello.txt", O_TMPFILE | O_RDWR);
	open_case("nodir O_TMPFILE|O_RDWR", "nodir", O_TMPFILE | O_RDWR);
	open_case("hello.txt O_DIRECTORY", "hello.txt", O_DIRECTORY);
	open_case("hello.txt/", "hello.txt/", O_RDONLY);
	open_case("hello.txt/.", "hello.txt/.", O_RDONLY);
	open_case("sub/./deeper/../note.txt", "sub/./deeper/../note.txt", O_RDONLY);
	open_case("sub//note.txt", "sub//note.txt", O_RDONLY);
	open_case("empty O_WRONLY|O_TRUNC", "empty", O_WRONLY | O_TRUNC);
	open_case("run.sh O_RDONLY", "run.sh", O_RDONLY);
	open_case("a b.txt", "a b.txt", O_RDONLY);
	open_case("/dev/null O_WRONLY", "/dev/null", O_WRONLY);
	open_case("/dev/null O_CREAT|O_WRONLY", "/dev/null", O_CREAT | O_WRONLY);
	open_case("/dev/null O_CREAT|O_EXCL", "/dev/null", O_CREAT | O_EXCL | O_WRONLY);
	umask(027);	/* the harness's own umask is not compared */
	printf("umask(022) after umask(027): %04o; ", (unsigned)umask(022));
	printf("umask(0777777): %04o; ", (unsigned)umask(0777777));
	printf("then: %04o\n", (unsigned)umask(022));
}

/* ---- devices ---- */

static void device(const char *path, int rdwr)
{
	unsigned char a[64], b[64];
	struct stat st;
	int fd = open(path, rdwr ? O_RDWR : O_RDONLY);

	if (fd < 0) {
		printf("%s: %s\n", path, res(-1));
		return;
	}
	fstat(fd, &st);
	printf("%s: %s %04o %u:%u; ", path, kind(st.st_mode), (unsigned)(st.st_mode & 07777),
	       major(st.st_rdev), minor(st.st_rdev));
	say("read", read(fd, a, sizeof(a)));
	say("read", read(fd, b, sizeof(b)));
	int zero = 1;
	for (size_t i = 0; i < sizeof(a); i++)
		zero &= !a[i];
	printf("%s, %s; ", zero ? "all zero" : "not all zero",
	       memcmp(a, b, sizeof(a)) ? "reads differ" : "reads equal");
	say("pread", pread(fd, a, 8, 100));
	say("lseek", lseek(fd, 10, SEEK_SET));
	say("write", write(fd, "seed", 4));
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT };
	say("epoll_ctl ADD", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	close(ep);
	printf("\n");
	close(fd);
}

/* ---- the thread's name ---- */

/* The second field of /proc/self/stat: the process's name, in parentheses. */
static void proc_comm(char *out, size_t size)
{
	char b[1024];
	int fd = open("/proc/self/stat", O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, b, sizeof(b) - 1);
	if (fd >= 0)
		close(fd);
	b[n > 0 ? n : 0] = '\0';
	char *l = strchr(b, '('), *r = strrchr(b, ')');
	snprintf(out, size, "%.*s", l && r > l ? (int)(r - l + 1) : 0, l ? l : "");
}

static void names(void)
{
	char b[32], c[64];

	printf("== prctl\n");
	memset(b, 'x', sizeof(b));
	say("PR_GET_NAME", prctl(PR_GET_NAME, b));
	proc_comm(c, sizeof(c));
	printf("\"%s\", /proc/self/stat %s\n", b, c);
	say("PR_SET_NAME long", prctl(PR_SET_NAME, "files-worker-with-a-long-name"));
	memset(b, 'x', sizeof(b));
	say("PR_GET_NAME", prctl(PR_GET_NAME, b));
	proc_comm(c, sizeof(c));
	printf("\"%s\" (byte 16: %s), /proc/self/stat %s\n", b, b[16] == 'x' ? "untouched" : "written", c);
	say("PR_SET_NAME NULL", prctl(PR_SET_NAME, NULL));
	say("PR_GET_NAME NULL", prctl(PR_GET_NAME, NULL));
	say("option 9999", prctl(9999, 0));
	say("option -1", prctl(-1, 0));
	printf("\n");
	say("PR_SET_THP_DISABLE 1", prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0));
	say("get", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
	say("with arg3 1", prctl(PR_SET_THP_DISABLE, 1, 1, 0, 0));
	say("PR_SET_THP_DISABLE 0", prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0));
	say("get", prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0));
	printf("\n");
	prctl(PR_SET_NAME, "files");
}

/* ---- /proc and /sys: their shape ---- */

static int slurp(const char *path, char *b, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	long n = read(fd, b, size - 1);
	close(fd);
	b[n > 0 ? n : 0] = '\0';
	return (int)n;
}

static void procfs(void)
{
	char b[4096];
	struct stat st;
	const char *files[] = { "/proc/self/stat", "/proc/sys/net/core/somaxconn",
				"/proc/sys/vm/overcommit_memory",
				"/sys/kernel/mm/transparent_hugepage/enabled" };

	printf("== /proc and /sys\n");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		printf("%s: ", files[i]);
		say("stat", stat(files[i], &st));
		printf("%s %04o size %lld\n", kind(st.st_mode), (unsigned)(st.st_mode & 07777),
		       (long long)st.st_size);
	}
	/* The fields after the name, numbered as proc(5) numbers them (the state is field 3). */
	int n = slurp("/proc/self/stat", b, sizeof(b));
	char *s = strrchr(b, ')');
	int fields = 2;
	long long v[64] = { 0 };
	char state = '?';
	for (s = s ? s + 2 : b; *s && *s != '\n' && fields < 63;) {
		fields++;
		if (fields == 3)
			state = *s;
		else
			v[fields] = strtoll(s, NULL, 10);
		s += strcspn(s, " \n");
		s += *s == ' ';
	}
	printf("/proc/self/stat: %s, ends in a newline: %s, %d fields, pid %s, state %c, "
	       "threads %lld, vsize %s, rsslim %s\n", n > 0 ? "read" : "unread",
	       n > 0 && b[n - 1] == '\n' ? "yes" : "no", fields,
	       atoi(b) == getpid() ? "is getpid()" : "differs", state, v[20],
	       v[23] >= v[24] * 4096 ? "at least rss pages" : "below rss", v[25] ? "set" : "0");
	n = slurp("/proc/sys/net/core/somaxconn", b, sizeof(b));
	printf("somaxconn: %s\n", n > 1 && atoi(b) > 0 && b[n - 1] == '\n' ?
	       "a positive number and a newline" : b);
	n = slurp("/proc/sys/vm/overcommit_memory", b, sizeof(b));
	printf("overcommit_memory: %s\n", n == 2 && strchr("012", b[0]) && b[1] == '\n' ?
	       "0, 1 or 2 and a newline" : b);
	n = slurp("/sys/kernel/mm/transparent_hugepage/enabled", b, sizeof(b));
	int brackets = 0;
	for (s = b; *s; s++)
		brackets += *s == '[';
	printf("transparent_hugepage/enabled: %s\n", n > 0 && brackets == 1 && strstr(b, "never") &&
	       b[n - 1] == '\n' ? "three choices, one in brackets" : b);
	say("/proc/self/nonexistent", open("/proc/self/nonexistent", O_RDONLY));
	say("/proc/sys/nonexistent", open("/proc/sys/nonexistent", O_RDONLY));
	say("/sys/nonexistent", open("/sys/nonexistent", O_RDONLY));
	printf("\n");
	int fd = open("/proc/self/stat", O_RDONLY);
	say("/proc/self/stat: read 10", read(fd, b, 10));
	say("lseek SET 0", lseek(fd, 0, SEEK_SET));
	say("read 10 again", read(fd, b + 10, 10));
	printf("the same: %s\n", memcmp(b, b + 10, 10) ? "no" : "yes");
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: files ROOT\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (chdir(argv[1]) || !getcwd(root, sizeof(root))) {
		perror(argv[1]);
		return 1;
	}
	printf("== names (kind, permissions, size)\n");
	walk(".");
	reading();
	directories();
	readonly();
	device("/dev/urandom", 1);
	device("/dev/random", 0);
	device("/dev/zero", 0);
	names();
	procfs();
	return 0;
}
