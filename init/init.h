/* SPDX-License-Identifier: MIT */
/* Boot-time integration (init/): what its files provide each other. Not for other folders. */
#ifndef INIT_INIT_H
#define INIT_INIT_H

/** stats_start - with net_stats=SECONDS, start the thread that prints the counters that often.
 * Returns 0, -EINVAL for a bad value, or -ENOMEM. */
int stats_start(void);

#endif
