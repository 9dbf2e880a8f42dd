// SPDX-License-Identifier: MIT
/* The kernel console: where printk's bytes and descriptors 0, 1 and 2 go. A driver registers the
 * device that writes them (the serial port); until one does, output is dropped.
 *
 * Locking: console_lock (irqsave: printk runs in interrupt context) serializes writes, so lines
 * never interleave mid-line; once a panic is under way (console_unlock_for_panic) it is no longer
 * taken, so the report gets out even when the fault happened inside a write. console_mutex keeps
 * an application's write whole. */
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/mutex.h>
#include <kernel/poll.h>
#include <kernel/spinlock.h>
#include <kernel/uaccess.h>
#include <string.h>
#include <uapi/stat.h>

static struct spinlock console_lock = SPINLOCK_INIT;
static int panicking;			/* set once: console_lock no longer taken */
static void (*console_dev)(const char *s, size_t len);

void console_register(void (*write)(const char *s, size_t len))
{
	WRITE_ONCE(console_dev, write);
}

void console_write(const char *s, size_t len)
{
	void (*dev)(const char *, size_t) = READ_ONCE(console_dev);

	if (!dev)
		return;
	if (READ_ONCE(panicking)) {
		dev(s, len);
		return;
	}
	unsigned long flags = spin_lock_irqsave(&console_lock);
	dev(s, len);
	spin_unlock_irqrestore(&console_lock, flags);
}

bool console_unlock_for_panic(void)
{
	return __atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST) == 0;
}

/* App writes go out whole, one at a time (printk's lines may still fall between them). */
static struct mutex console_mutex = MUTEX_INIT(console_mutex);

/* The serial console is output-only: reading gives end of file at once. */
static ssize_t console_read(struct file *f, void *buf, size_t len)
{
	(void)f;
	(void)buf;
	(void)len;
	return 0;
}

static ssize_t console_fwrite(struct file *f, const void *buf, size_t len)
{
	(void)f;
	if (!len)
		return 0;
	if (!uaccess_ok(buf, len))
		return -EFAULT;
	mutex_lock(&console_mutex);
	console_write(buf, len);
	mutex_unlock(&console_mutex);
	return (ssize_t)len;
}

/* Always writable (writes never block); never readable, since no input ever comes. */
static uint32_t console_poll(struct file *f, struct poll_table *pt)
{
	(void)f;
	(void)pt;
	return EPOLLOUT | EPOLLWRNORM;
}

#define TCGETS		0x5401
#define TIOCGWINSZ	0x5413

/* The console is a terminal: isatty() and a window size (80 x 24: a serial line has no other). */
static long console_ioctl(struct file *f, unsigned cmd, unsigned long arg)
{
	(void)f;
	switch (cmd) {
	case TIOCGWINSZ: {
		static const unsigned short ws[4] = { 24, 80, 0, 0 };
		if (!uaccess_write_ok((void *)arg, sizeof(ws)))
			return -EFAULT;
		memcpy((void *)arg, ws, sizeof(ws));
		return 0;
	}
	case TCGETS: {
		uint8_t termios[36] = { 0 };	/* the kernel's struct termios: a raw line */
		if (!uaccess_write_ok((void *)arg, sizeof(termios)))
			return -EFAULT;
		memcpy((void *)arg, termios, sizeof(termios));
		return 0;
	}
	default:
		return -ENOTTY;
	}
}

static const struct file_operations console_fops = {
	.read = console_read,
	.write = console_fwrite,
	.poll = console_poll,
	.ioctl = console_ioctl,
	.name = "console",
	/* A serial terminal (/dev/ttyS0 is 4:64) as a logged-in user's: 0620, what login gives. */
	.mode = S_IFCHR | 0620,
	.rdev = STAT_DEV(4, 64),
};

int console_files_init(void)
{
	struct file *f = file_alloc(&console_fops, NULL, O_RDWR);
	int fd, i, err = 0;

	if (!f)
		return -ENOMEM;
	for (i = 0; i < 3; i++) {
		if (i)
			file_get(f);	/* one reference per descriptor */
		fd = fd_install_new(f, 0);
		if (fd < 0) {
			file_put(f);	/* the table did not take this one */
			err = fd;
			goto out_close;
		}
		if (fd != i) {
			fd_close(fd);
			err = -EBUSY;
			goto out_close;
		}
	}
	return 0;

out_close:
	while (i-- > 0)
		fd_close(i);
	return err;
}
