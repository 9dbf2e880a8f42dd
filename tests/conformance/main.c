/* SPDX-License-Identifier: MIT */
/*
 * Eventpoll conformance suite: runs every area in a fixed order (or the one named by argv[1])
 * and ends with "conformance: N checks". The exit status is 0 whatever the checks show.
 */
#define _GNU_SOURCE
#include "conformance.h"

static const struct {
	const char *name;
	void (*run)(void);
} areas[] = {
	{ "abi", area_abi },
	{ "errors", area_errors },
	{ "lt_et", area_lt_et },
	{ "oneshot", area_oneshot },
	{ "rotation", area_rotation },
	{ "close", area_close },
	{ "pipe", area_pipe },
	{ "eventfd", area_eventfd },
	{ "nested", area_nested },
	{ "loops", area_loops },
	{ "timeouts", area_timeouts },
	{ "exclusive", area_exclusive },
	{ "wakeup", area_wakeup },
	{ "sockets", area_sockets },
	{ "signals", area_signals },
	{ "busy_poll", area_busy_poll },
	{ "unix", area_unix },
};

/* Run one area and check it gave back every descriptor it took. */
static void run_area(int i)
{
	int before, after;

	before = closed_fd();
	areas[i].run();
	conf_scenario(areas[i].name);
	after = closed_fd();
	check_str("descriptors", before == after ? "balanced" : "leaked");
}

int main(int argc, char **argv)
{
	size_t i;
	bool found = false;

	/* Writing to a pipe without readers must give EPIPE, not end the process. */
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < sizeof(areas) / sizeof(areas[0]); i++) {
		if (argc > 1 && strcmp(argv[1], areas[i].name))
			continue;
		run_area(i);
		found = true;
	}
	if (!found)
		printf("conformance: no area named %s\n", argv[1]);
	printf("conformance: %u checks\n", conf_checks());
	return 0;
}
