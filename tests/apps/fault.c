// SPDX-License-Identifier: MIT
/* fault: end by the fault named on the command line, the way a buggy program does. On Linux the
 * process dies by the signal; on epunk the console names the fault and the signal, and the exit
 * status is 128 + the signal's number (the programs stage compares the two).
 * usage: fault null|write-text|exec-data|exec-rodata|exec-stack|div0|ud2|stack-overflow */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const unsigned char ret_insn[] = { 0xc3 };	/* read-only data: never executable */
static unsigned char data_ret[] = { 0xc3 };		/* writable data: never executable */

static volatile int deeper = 1;	/* always 1: the compiler cannot see the recursion is endless */

static int recurse(int depth)
{
	volatile char pad[4096];
	pad[0] = (char)depth;
	if (deeper)
		return recurse(depth + 1) + pad[0];
	return pad[0];
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	volatile int zero = 0, seven = 7;

	printf("fault: %s\n", what);
	fflush(stdout);
	if (!strcmp(what, "null"))
		return *(volatile int *)(uintptr_t)zero;
	if (!strcmp(what, "write-text"))
		*(volatile unsigned char *)(void *)main = 0xcc;		/* text is not writable */
	if (!strcmp(what, "exec-data"))
		((void (*)(void))(void *)data_ret)();
	if (!strcmp(what, "exec-rodata"))
		((void (*)(void))(void *)ret_insn)();
	if (!strcmp(what, "exec-stack")) {
		unsigned char code[] = { 0xc3 };
		((void (*)(void))(void *)code)();
	}
	if (!strcmp(what, "div0"))
		return seven / zero;
	if (!strcmp(what, "ud2"))
		__asm__ volatile("ud2");
	if (!strcmp(what, "stack-overflow"))
		return recurse(0);
	printf("fault: nothing happened\n");
	return 1;
}
