// SPDX-License-Identifier: MIT
/* hello: the smallest epunk application, written as for Linux. Prints its arguments and exits
 * with the status given as the first one (default 0). */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	printf("hello from %s with %d argument%s\n", argv[0], argc - 1, argc == 2 ? "" : "s");
	for (int i = 1; i < argc; i++)
		printf("  argv[%d] = \"%s\"\n", i, argv[i]);
	return argc > 1 ? atoi(argv[1]) : 0;
}
