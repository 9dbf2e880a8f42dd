// SPDX-License-Identifier: MIT
/* The bad-syscall table (tests/guest/badsys_table.h) run on host Linux through glibc's
 * syscall(): proves each row's errno is what Linux returns. Prints a line per mismatch and
 * "badsys-host: N rows, N match Linux, N differ"; exit status 1 when any row differs. */
#define _GNU_SOURCE
#define BADSYS_HOST
#include <signal.h>
#include <stdio.h>
#include "../guest/badsys_table.h"

int main(void)
{
	struct badsys_fx fx;
	int bad = 0;

	signal(SIGPIPE, SIG_IGN);	/* belt and braces: the TCP row passes MSG_NOSIGNAL */
	long err = badsys_open(&fx);
	if (err) {
		printf("badsys-host: fixtures: %s\n", strerror((int)-err));
		return 2;
	}
	for (size_t i = 0; i < BADSYS_NROWS; i++) {
		const struct badsys_row *r = &badsys_rows[i];
		long ret;
		if (badsys_row_run(&fx, r, &ret)) {
			printf("DIFF %s (%s): Linux gives %ld (%s), table says -%d (%s)\n", r->name,
			       r->what, ret, ret < 0 ? strerror((int)-ret) : "success", r->err,
			       strerror(r->err));
			bad++;
		}
	}
	badsys_close(&fx);
	printf("badsys-host: %zu rows, %zu match Linux, %d differ\n", BADSYS_NROWS,
	       BADSYS_NROWS - (size_t)bad, bad);
	return bad ? 1 : 0;
}
