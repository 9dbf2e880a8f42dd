// SPDX-License-Identifier: MIT
/* sigset_t operations: signal n is bit n - 1 of the kernel's 64-bit mask. */
#include <errno.h>
#include <signal.h>
#include <stddef.h>

#define SIG_BITS	(8 * (int)sizeof(unsigned long))

_Static_assert(NSIG - 1 <= SIG_BITS * (int)(sizeof(sigset_t) / sizeof(unsigned long)),
	       "sigset_t holds every signal");

static int bad(void)
{
	errno = EINVAL;
	return -1;
}

static int valid(const sigset_t *set, int signo)
{
	return set && signo >= 1 && signo < NSIG;
}

int sigemptyset(sigset_t *set)
{
	if (!set)
		return bad();
	for (size_t i = 0; i < sizeof(set->sig) / sizeof(set->sig[0]); i++)
		set->sig[i] = 0;
	return 0;
}

int sigfillset(sigset_t *set)
{
	if (!set)
		return bad();
	for (size_t i = 0; i < sizeof(set->sig) / sizeof(set->sig[0]); i++)
		set->sig[i] = ~0UL;
	return 0;
}

int sigaddset(sigset_t *set, int signo)
{
	if (!valid(set, signo))
		return bad();
	set->sig[(signo - 1) / SIG_BITS] |= 1UL << ((signo - 1) % SIG_BITS);
	return 0;
}

int sigdelset(sigset_t *set, int signo)
{
	if (!valid(set, signo))
		return bad();
	set->sig[(signo - 1) / SIG_BITS] &= ~(1UL << ((signo - 1) % SIG_BITS));
	return 0;
}

int sigismember(const sigset_t *set, int signo)
{
	if (!valid(set, signo))
		return bad();
	return (set->sig[(signo - 1) / SIG_BITS] >> ((signo - 1) % SIG_BITS)) & 1;
}
