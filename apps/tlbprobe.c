// SPDX-License-Identifier: MIT
/* tlbprobe: the cost of a memory access that misses the TLB. Reads one byte of each of PAGES
 * pages in turn, over and over, and prints the average time per read for each ROUND of 200 ms.
 * More pages than the TLB holds make every read a miss; a TLB that grows to hold them all (QEMU's
 * TCG resizes its software TLB when the guest flushes it: epunk's tlb_refresh_ms) makes the
 * later rounds faster. The same source runs on Linux.
 * usage: tlbprobe [PAGES [ROUNDS]] (default 4096 pages, 10 rounds) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long number(const char *s, const char *what, long max)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1 || v > max) {
		fprintf(stderr, "tlbprobe: %s \"%s\": expected a whole number, 1..%ld\n", what, s, max);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long pages = argc > 1 ? number(argv[1], "PAGES", 1L << 20) : 4096;
	long rounds = argc > 2 ? number(argv[2], "ROUNDS", 1000) : 10;
	if (argc > 3) {
		fprintf(stderr, "usage: tlbprobe [PAGES [ROUNDS]]\n");
		return 2;
	}
	volatile char *m = mmap(NULL, (size_t)pages * 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED) {
		perror("tlbprobe: mmap");
		return 1;
	}
	for (long i = 0; i < pages; i++)
		m[i * 4096] = 1;
	long sum = 0;
	for (long r = 0; r < rounds; r++) {
		long long t0 = now_ns(), t;
		long passes = 0;
		do {
			/* a different cache line each pass, the same pages */
			for (long i = 0; i < pages; i++)
				sum += m[i * 4096 + (passes & 63) * 64];
			passes++;
		} while ((t = now_ns()) - t0 < 200000000LL);
		printf("pages %ld round %ld: %.1f ns a read\n", pages, r,
		       (double)(t - t0) / ((double)passes * (double)pages));
	}
	return sum < 0;	/* sum is used, so the reads stay */
}
