// SPDX-License-Identifier: MIT
/* Random numbers: arch_boot_random() is meant for boot-time secrets (without RDRAND it takes
 * several CPUID exits), so it is drawn once, for a 128-bit key; each output is SipHash-2-4 of a
 * counter under that key, a pseudo-random function: outputs tell nothing about the key or each
 * other. getrandom(2) draws from it (the pool is ready from boot: GRND_NONBLOCK never waits). */
#include <arch/cpu.h>
#include <kernel/errno.h>
#include <kernel/random.h>
#include <kernel/siphash.h>
#include <kernel/uaccess.h>
#include <string.h>

#define GRND_NONBLOCK	0x1
#define GRND_RANDOM	0x2
#define GRND_INSECURE	0x4
#define GETRANDOM_MAX	(32 * 1024 * 1024 - 1)	/* Linux returns at most this much per call */

static uint64_t key[2];
static uint64_t counter;

void random_init(void)
{
	const char *how;

	key[0] = arch_boot_random(&how);
	key[1] = arch_boot_random(&how);
}

uint64_t random_u64(void)
{
	uint64_t n = __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
	return siphash24(key[0], key[1], &n, sizeof(n));
}

void random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;
	while (len) {
		uint64_t v = random_u64();
		size_t n = len < sizeof(v) ? len : sizeof(v);
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}

long sys_getrandom(void *buf, size_t len, unsigned flags)
{
	if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
		return -EINVAL;
	if (len > GETRANDOM_MAX)
		len = GETRANDOM_MAX;
	if (len && !uaccess_write_ok(buf, len))
		return -EFAULT;
	random_bytes(buf, len);
	return (long)len;
}
